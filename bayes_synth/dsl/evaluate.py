"""Evaluate constraints on a whole table at once, and check a table against a constraints file.

Everything is vectorised with numpy/pandas: no loop over rows, nothing is ``eval``-ed. Missing values
follow SQL's three-valued logic (docs/dsl.md, "Missing values in rules"): a rule is broken only
where it is False; where it is unknown (a missing operand) it is not.

>>> import pandas as pd
>>> from bayes_synth.dsl import parse_constraints
>>> rules = parse_constraints("rule closed >= opened")
>>> frame = pd.DataFrame({"opened": [1, 5, 2], "closed": [3, 4, None]})
>>> rule_holds(rules.rules[0], frame).tolist()
[True, False, True]
>>> check_table(rules, frame).lines()
['<string>:1: rule closed >= opened: violated by 1 of 3 rows']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.dsl import ast
from bayes_synth.dsl.declcheck import KINDS
from bayes_synth.dsl.diagnostics import semantic_error
from bayes_synth.dsl.operations import compare
from bayes_synth.dsl.printer import to_source
from bayes_synth.dsl.report import SHOWN_ROWS, CheckReport, ColumnProblem, RuleResult
from bayes_synth.dsl.ruleset import RuleSet
from bayes_synth.dsl.semantic import check
from bayes_synth.dsl.values import Val, days, to_series, type_error
from bayes_synth.dsl.walker import Walker
from bayes_synth.errors import DSLSemanticError

__all__ = ["CheckReport", "ColumnProblem", "RuleResult", "check_table", "evaluate", "rule_holds"]

#: Relative tolerance when comparing a derived float column with its formula.
RELATIVE_TOLERANCE = 1e-9


def evaluate(expr: Any, frame: pd.DataFrame) -> pd.Series:
    """The value of an expression on every row of ``frame``, indexed like it.

    Conditions give a pandas ``boolean`` Series (``<NA>`` for unknown), numbers and durations (in
    days) float64, dates datetime64[ns], text object (``None`` for missing).

    >>> from bayes_synth.dsl import parse_constraints
    >>> expr = parse_constraints("derive t = round(price * qty, 1)").derives[0].expr
    >>> evaluate(expr, pd.DataFrame({"price": [1.25, None], "qty": [3, 2]})).tolist()
    [3.8, nan]
    """
    return to_series(Walker(frame).visit(expr), frame.index)


def rule_holds(rule: ast.Rule | Any, frame: pd.DataFrame, walker: Walker | None = None) -> np.ndarray:
    """A bool array: True where the row satisfies ``rule`` (a Rule or a condition), i.e. where the
    rule is True or unknown. ``if C then R`` constrains only the rows where C is True.

    >>> from bayes_synth.dsl import parse_constraints
    >>> rule = parse_constraints("rule if retired then age >= 55").rules[0]
    >>> rule_holds(rule, pd.DataFrame({"retired": [True, True, False, None], "age": [60, 40, 40, 40]})).tolist()
    [True, False, True, True]
    """
    expr = rule.expr if isinstance(rule, ast.Rule) else rule
    value = (walker or Walker(frame)).condition(expr, "a rule")
    return ~value.known_false


def check_table(ruleset: RuleSet, frame: pd.DataFrame, *, unparseable: Mapping[str, Any] | None = None,
                malformed: Mapping[str, np.ndarray] | None = None) -> CheckReport:
    """Count, per rule and per column declaration, the rows of ``frame`` that break it.

    Checks every ``rule``; for each ``column`` statement the declared categories, min/max, ``not null``
    and ``unique``; and every ``derive`` whose column is in the table (floats within a relative
    1e-9, ``round(...)`` formulas exactly, a float declared with ``decimals n`` against the formula
    rounded to n digits). Derived columns missing from the table are computed first
    so that rules may use them. ``unparseable`` (column -> count, e.g. from ``prepare``'s report, or a
    boolean mask of the rows) adds cells that could not be read as their declared kind; ``malformed``
    (column -> boolean mask, from :func:`bayes_synth.semantic.validate.malformed_rows`) adds a ``format``
    check per column declared ``as TYPE`` or with a ``format``: present values not of the type. Rows in
    either mask were present in the table, so ``not null`` does not count them again. Raises
    :class:`~bayes_synth.errors.DSLSemanticError` for a declared column the table lacks or a type error.

    >>> from bayes_synth.dsl import parse_constraints
    >>> rules = parse_constraints('column g: categorical in ["a", "b"], not null')
    >>> [c.line() for c in check_table(rules, pd.DataFrame({"g": ["a", "c", None]})).columns if c.count]
    ["<string>:1: column 'g': 1 value(s) outside the declared categories", \
"<string>:1: column 'g': 1 missing value(s) in a 'not null' column"]
    """
    try:
        work, problems = _derived(ruleset, frame)
        walker = Walker(work)
        rules = tuple(RuleResult(i, to_source(rule), rule.span, int(np.count_nonzero(~rule_holds(rule, work, walker))))
                      for i, rule in enumerate(ruleset.rules))
        present: dict[str, np.ndarray] = {}  # filled but unreadable: not "missing" for 'not null'
        for source in (unparseable or {}, malformed or {}):
            for name, cells in source.items():
                if not np.isscalar(cells):
                    present[name] = present.get(name, False) | np.asarray(cells, dtype=bool)
        problems += _declared(ruleset, walker, present)
    except DSLSemanticError as exc:
        raise semantic_error(exc.diagnostics, ruleset.sources) from None
    spans = {c.name: c.span for c in ruleset.columns}
    for name, n in (unparseable or {}).items():
        count, rows = _counted(n)
        if count:
            problems.append(ColumnProblem(name, "kind", count, spans.get(name), rows))
    for name, mask in (malformed or {}).items():
        count, rows = _counted(mask)
        problems.append(ColumnProblem(name, "format", count, spans.get(name), rows))
    return CheckReport(len(frame), rules, tuple(problems))


def _counted(cells: Any) -> tuple[int, tuple[int, ...]]:
    """A count, or a boolean mask's count and its first failing rows (1-based)."""
    if np.isscalar(cells):
        return int(cells), ()
    rows = np.flatnonzero(np.asarray(cells, dtype=bool))
    return len(rows), tuple(int(r) + 1 for r in rows[:SHOWN_ROWS])


def _derived(ruleset: RuleSet, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[ColumnProblem]]:
    """Compare derived columns present in ``frame`` with their formulas; compute the absent ones."""
    formulas = {d.name: d for d in ruleset.derives}
    work = frame.copy(deep=False)
    walker = Walker(work)
    problems = []
    decimals = {}
    for column in ruleset.columns:  # a derived float declared with 'decimals n' is written rounded
        if column.kind == "float" and column.option("decimals") is not None:
            decimals.setdefault(column.name, column.option("decimals"))
    for name in check(ruleset).derive_order:  # without a table only the order matters here
        derive = formulas[name]
        expr = derive.expr
        if name in decimals:
            expr = ast.Call("round", (expr, ast.Literal(int(decimals[name]))), span=derive.expr.span)
        value = walker.visit(expr)
        if name in frame.columns:
            exact = isinstance(expr, ast.Call) and expr.func == "round"
            count = differs(value, walker.visit(ast.Name(name)), exact=exact)
            problems.append(ColumnProblem(name, "derived", count, derive.span))
        else:
            work[name] = to_series(value, work.index)
    return work, problems


def differs(formula: Val, table: Val, *, exact: bool = False) -> int:
    """How many rows of a table column differ from the formula's values: missing on one side only,
    or unequal (numbers within :data:`RELATIVE_TOLERANCE` unless ``exact``)."""
    both = ~formula.null & ~table.null
    if not exact and {formula.kind, table.kind} <= {"num", "dur"}:
        a, b = days(formula), days(table)
        with np.errstate(all="ignore"):
            unequal = ~(np.abs(a - b) <= RELATIVE_TOLERANCE * np.maximum(np.abs(a), np.abs(b)))
    else:
        unequal = ~compare("==", formula, table).known_true
    return int(np.count_nonzero((formula.null != table.null) | (both & unequal)))


def _declared(ruleset: RuleSet, walker: Walker, present: Mapping[str, np.ndarray] = {}) -> list[ColumnProblem]:
    """The checks of each ``column`` statement (the first one of each name); ``present`` marks cells that were
    filled but unreadable (reported by another check, so not as missing)."""
    problems: list[ColumnProblem] = []
    seen: set[str] = set()
    for column in ruleset.columns:
        if column.name in seen or column.kind not in KINDS:
            continue
        seen.add(column.name)
        if column.name not in walker.frame.columns:
            raise type_error(f"column '{column.name}' is declared but the table has no such column", "E0201",
                             column.name_span)
        for check_name, expr in _column_conditions(column):
            broken = ~rule_holds(expr, walker.frame, walker)
            if check_name == "not null" and column.name in present:
                broken &= ~present[column.name]
            problems.append(ColumnProblem(column.name, check_name, int(np.count_nonzero(broken)), column.span))
        if column.unique:
            values = walker.frame[column.name]
            repeats = int(values[values.notna()].duplicated().sum())
            problems.append(ColumnProblem(column.name, "unique", repeats, column.span))
    return problems


def _column_conditions(column: ast.Column) -> list[tuple[str, Any]]:
    """A declaration's facts as conditions every value satisfies (missing values pass all but ``not null``)."""
    name = ast.Name(column.name)
    out: list[tuple[str, Any]] = []
    if column.categories is not None:
        out.append(("categories", ast.InList(name, tuple(ast.Literal(v) for v in column.categories))))
    if column.min is not None:
        out.append(("min", ast.Compare((name, ast.Literal(column.min)), (">=",))))
    if column.max is not None:
        out.append(("max", ast.Compare((name, ast.Literal(column.max)), ("<=",))))
    if column.nullable is False:
        out.append(("not null", ast.IsNull(name, negated=True)))
    return out
