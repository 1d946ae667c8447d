"""Semantic checks of a parsed RuleSet against a table: every problem in one pass (E02xx).

Known columns are the table's (the ``columns`` argument: name -> kind, or a ``Schema``) plus those
declared by ``column`` and ``derive``. Without a table, names nobody declared are not reported.

>>> from bayes_synth.dsl import parse_constraints
>>> result = check(parse_constraints("derive total = price * qty"), {"price": "float", "qty": "integer"})
>>> result.ok, result.kinds["total"], result.derive_order
(True, 'float', ('total',))
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.declcheck import KINDS, check_columns, twice
from bayes_synth.dsl.diagnostics import Diagnostic, did_you_mean, semantic_error
from bayes_synth.dsl.exprtypes import TypeChecker
from bayes_synth.dsl.functions import KIND_TYPES, unify
from bayes_synth.dsl.ruleset import RuleSet

PRIVACY_KEYS = ("epsilon", "delta", "min_distance", "rare_k")
_TYPE_KINDS = {"int": "integer", "float": "float", "date": "date", "datetime": "datetime", "bool": "boolean",
               "text": "text", "category": "categorical", "str": "categorical", "duration": "float"}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :func:`check`.

    ``diagnostics``: every problem, in file order. ``kinds``: column -> kind for every known column
    (table, declared, and derived, inferred when not declared). ``types``: column -> expression type
    (``int``, ``float``, ``date``, ``datetime``, ``duration``, ``text``, ``category``, ``str``, ``bool``,
    ``any``). ``derive_order``: derived columns, each after the derived columns it uses.
    """

    diagnostics: list[Diagnostic]
    kinds: Mapping[str, str]
    types: Mapping[str, str]
    derive_order: tuple[str, ...]
    sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when there is no problem."""
        return not self.diagnostics

    def raise_for_errors(self) -> None:
        """Raise :class:`~bayes_synth.errors.DSLSemanticError` listing every problem, if any."""
        if self.diagnostics:
            raise semantic_error(self.diagnostics, self.sources)


def check(ruleset: RuleSet, columns: Mapping[str, Any] | None = None) -> CheckResult:
    """Check ``ruleset`` against the table's columns (name -> kind string, or a Schema); see module doc."""
    table_kinds, categories = _table(columns)
    diagnostics = check_columns(ruleset.columns)
    declared: dict[str, ast.Column] = {}
    for column in ruleset.columns:
        if column.kind in KINDS:
            declared.setdefault(column.name, column)
    kinds = dict(table_kinds) | {name: c.kind for name, c in declared.items()}
    categories |= {name: c.categories for name, c in declared.items() if c.categories is not None}
    derives = _unique_derives(ruleset.derives, diagnostics)
    order = _derive_order(derives, diagnostics)
    types = {name: KIND_TYPES.get(kind, "any") for name, kind in kinds.items()} | {d: "any" for d in derives}
    checker = TypeChecker(types, strict=columns is not None, categories=categories)
    for name in order:
        _check_derive(checker, derives[name], declared.get(name), kinds)
    for statement in ruleset.statements:
        if isinstance(statement, ast.Rule):
            checker.rule(statement.expr)
        elif isinstance(statement, ast.Combine | ast.Entity):
            for column in statement.columns:
                checker.infer(column)
    diagnostics += checker.diagnostics + _check_privacy(ruleset.of_type(ast.Privacy))
    return CheckResult(_in_file_order(diagnostics, ruleset), kinds, dict(checker.columns), tuple(order),
                       ruleset.sources)


def _table(columns: Mapping[str, Any] | None) -> tuple[dict[str, str], dict[str, tuple[Any, ...]]]:
    """Kinds and known category sets of the table's columns (kind strings or ColumnSpec-like values)."""
    kinds, categories = {}, {}
    for name, spec in (columns or {}).items():
        kinds[name] = spec if isinstance(spec, str) else str(getattr(spec, "kind", "any"))
        if getattr(spec, "categories", None) is not None:
            categories[name] = tuple(spec.categories)
    return kinds, categories


def _unique_derives(derives: tuple[ast.Derive, ...], out: list[Diagnostic]) -> dict[str, ast.Derive]:
    seen: dict[str, ast.Derive] = {}
    for d in derives:
        if d.name in seen:
            out.append(twice(d.name, "derived", seen[d.name].name_span, d.name_span, "keep one formula per column"))
        else:
            seen[d.name] = d
    return seen


def names_in(node: Any) -> Iterator[str]:
    """Every column name an expression reads."""
    if isinstance(node, ast.Name):
        yield node.name
    elif isinstance(node, tuple):
        for item in node:
            yield from names_in(item)
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            if f.compare:
                yield from names_in(getattr(node, f.name))


def _derive_order(derives: dict[str, ast.Derive], out: list[Diagnostic]) -> list[str]:
    """Derived columns inputs-first; each cycle reported once (E0206) and left out of the order."""
    uses = {name: [n for n in dict.fromkeys(names_in(d.expr)) if n in derives] for name, d in derives.items()}
    state: dict[str, str] = {}
    order: list[str] = []
    cyclic: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for used in uses[name]:
            if state.get(used) == "open":
                loop = [*path[path.index(used):], used]
                if not cyclic.intersection(loop):
                    _report_cycle(derives[loop[0]], loop, out)
                cyclic.update(loop)
            elif used not in state:
                visit(used, [*path, used])
        state[name] = "done"
        if name not in cyclic and not cyclic.intersection(uses[name]):
            order.append(name)
        else:
            cyclic.add(name)

    for name in derives:
        if name not in state:
            visit(name, [name])
    return order


def _report_cycle(derive: ast.Derive, loop: list[str], out: list[Diagnostic]) -> None:
    if len(loop) == 2:
        message = f"derived column '{derive.name}' depends on itself"
    else:
        message = f"derived columns depend on each other in a cycle: {' -> '.join(loop)}"
    out.append(Diagnostic("E0206", message, derive.name_span, help="a formula may only use other columns"))


def _check_derive(checker: TypeChecker, derive: ast.Derive, column: ast.Column | None, kinds: dict) -> None:
    ty = checker.infer(derive.expr)
    if column is not None:
        declared = KIND_TYPES[column.kind]
        fits = unify(declared, ty) is not None or ty == "duration" and declared in ("int", "float")
        if not fits:
            checker.error("E0204", f"'{derive.name}' is declared {column.kind} but its formula gives "
                          f"{checker.word(derive.expr, ty)}", derive.expr, help="change the kind or the formula")
        checker.columns[derive.name] = declared
        return
    checker.columns[derive.name] = ty
    if ty in _TYPE_KINDS:
        kinds[derive.name] = _TYPE_KINDS[ty]


def _check_privacy(statements: tuple[ast.Privacy, ...]) -> list[Diagnostic]:
    out, seen = [], set()
    for statement in statements:
        for s in statement.settings:
            problem = _privacy_problem(s)
            if s.key in seen and s.key in PRIVACY_KEYS:
                problem = (f"privacy setting '{s.key}' is set twice", "keep one value")
            seen.add(s.key)
            if problem:
                out.append(Diagnostic("E0210", problem[0], s.span, help=problem[1]))
    return out


def _privacy_problem(s: ast.Setting) -> tuple[str, str] | None:
    if s.key not in PRIVACY_KEYS:
        hint = did_you_mean(s.key, PRIVACY_KEYS) or "the settings are " + ", ".join(PRIVACY_KEYS)
        return f"unknown privacy setting '{s.key}'", hint
    value = s.value.value if isinstance(s.value, ast.Literal) else s.value.name
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if s.key == "epsilon" and not (value == "inf" or number and 0 < value < math.inf):
        return f"'epsilon' must be a number greater than 0, or inf; got {value}", "for example epsilon = 1.0"
    if s.key == "delta" and not (number and 0 <= value < 1):
        return f"'delta' must be a number from 0 up to (not including) 1; got {value}", "for example delta = 1e-6"
    if s.key == "min_distance" and not (number and 0 < value <= 1):
        return (f"'min_distance' must be a number in (0, 1] (a share of the columns' ranges); got {value}",
                "for example min_distance = 0.02")
    if s.key == "rare_k" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 2):
        return f"'rare_k' must be a whole number of at least 2; got {value}", "for example rare_k = 5"
    return None


def _in_file_order(diagnostics: list[Diagnostic], ruleset: RuleSet) -> list[Diagnostic]:
    rank = {file: i for i, file in enumerate(dict.fromkeys(s.span.file for s in ruleset.statements if s.span))}

    def key(d: Diagnostic) -> tuple:
        s = d.span
        return (0, rank.get(s.file, len(rank)), s.line, s.column) if s else (1, 0, 0, 0)

    return sorted(diagnostics, key=key)
