"""Checks of ``column`` declarations: kinds, options and bounds (E0204, E0205, E0207-E0209).

Which option fits which kind:

=============  ===========================================
option         kinds
=============  ===========================================
in [...]       categorical
min, max, bins integer, float, date, datetime
format         date, datetime, text
decimals       float
unique         integer, float, date, datetime, text
missing, not null, nullable, epsilon_share, dtype: every kind
=============  ===========================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.diagnostics import Diagnostic, did_you_mean
from bayes_synth.dsl.functions import is_date_text, later_than

KINDS = ("integer", "float", "date", "datetime", "boolean", "categorical", "text")
MAX_BINS = 64  # the same limit as bayes_synth.schema.MAX_BINS (a test keeps them equal)
_ORDERED = ("integer", "float", "date", "datetime")
_OPTION_KINDS = {
    "in": ("categorical",), "min": _ORDERED, "max": _ORDERED, "bins": _ORDERED,
    "format": ("date", "datetime", "text"), "decimals": ("float",),
    "unique": ("integer", "float", "date", "datetime", "text"),
}


def _error(code: str, message: str, span: ast.Span | None, help: str = "", label: str = "") -> Diagnostic:
    return Diagnostic(code, message, span, help, label)


def twice(name: str, verb: str, first, span, help: str) -> Diagnostic:
    """E0205: a column declared or derived a second time (pointing at the second, naming the first)."""
    where = f" (first on line {first.line})" if first else ""
    return Diagnostic("E0205", f"column '{name}' is {verb} twice{where}", span, help=help)


def check_columns(columns: Sequence[ast.Column]) -> list[Diagnostic]:
    """Every problem of the column declarations, in file order.

    >>> [d.code for d in check_columns([ast.Column("age", "integr")])]
    ['E0209']
    """
    out: list[Diagnostic] = []
    seen: dict[str, ast.Column] = {}
    for column in columns:
        if column.name in seen:
            out.append(twice(column.name, "declared", seen[column.name].name_span, column.name_span,
                             "merge the two declarations into one"))
        seen.setdefault(column.name, column)
        out.extend(check_column(column))
    return out


def _check_semantic(column: ast.Column) -> list[Diagnostic]:
    """E0213: an unknown semantic type (``as emial``), with the closest known names."""
    from bayes_synth.semantic.catalogue import ALIASES, TYPES

    known = list(TYPES) + list(ALIASES)
    if column.semantic in known:
        return []
    hint = did_you_mean(column.semantic, known) or "docs/types.md lists the types"
    return [_error("E0213", f"unknown semantic type '{column.semantic}'", column.semantic_span or column.span,
                   help=hint)]


def check_column(column: ast.Column) -> list[Diagnostic]:
    """The problems of one declaration."""
    if column.kind not in KINDS:
        hint = did_you_mean(column.kind, KINDS) or "the kinds are " + ", ".join(KINDS)
        return [_error("E0209", f"unknown column kind '{column.kind}'", column.kind_span, help=hint)]
    out: list[Diagnostic] = []
    if column.semantic is not None:
        out.extend(_check_semantic(column))
    seen: set[str] = set()
    for option in column.options:
        if option.name in seen:
            out.append(_error("E0207", f"option '{_shown(option)}' is given twice for column '{column.name}'",
                              option.span, help="keep one"))
            continue
        seen.add(option.name)
        out.extend(_check_option(column, option))
    low, high = column.min, column.max
    if not out and low is not None and high is not None and _greater(low, high):
        span = next(o.span for o in column.options if o.name == "max")
        out.append(_error("E0208", f"column '{column.name}' has min {_text(low)} greater than max {_text(high)}",
                          span, help="swap the bounds"))
    return out


def _check_option(column: ast.Column, option: ast.ColumnOption) -> list[Diagnostic]:
    kinds = _OPTION_KINDS.get(option.name)
    if kinds is not None and column.kind not in kinds:
        return [_error("E0207", f"'{_shown(option)}' does not apply to a {column.kind} column", option.span,
                       help=f"'{_shown(option)}' is for {', '.join(kinds)} columns")]
    problem = _value_problem(column.kind, option.name, option.value)
    if problem is None:
        return []
    code, message, help = problem
    return [_error(code, f"'{_shown(option)}' of column '{column.name}' {message}", option.span, help=help)]


def _value_problem(kind: str, name: str, value: Any) -> tuple[str, str, str] | None:
    """(code, message, help) when an option's value does not fit, else None."""
    if name in ("min", "max"):
        if kind in ("date", "datetime"):
            hint = f'write it as "2024-12-31", got {_text(value)}'
            return None if is_date_text(value) else ("E0204", "must be a date in quotes", hint)
        return None if _is_number(value) else ("E0204", "must be a number", f"got {_text(value)}")
    if name in ("in", "missing"):
        return _list_problem(name, value)
    if name == "bins":
        ok = isinstance(value, int) and 1 <= value <= MAX_BINS
        return None if ok else ("E0207", f"must be a whole number from 1 to {MAX_BINS}", f"got {_text(value)}")
    if name == "decimals":
        ok = isinstance(value, int) and 0 <= value <= 15
        return None if ok else ("E0207", "must be a whole number from 0 to 15", f"got {_text(value)}")
    if name == "epsilon_share":
        ok = _is_number(value) and value > 0 and math.isfinite(value)
        return None if ok else ("E0207", "must be a number greater than 0", f"got {_text(value)}")
    if name in ("format", "dtype") and value == "":
        return "E0207", "must not be empty", ""
    return None


def _list_problem(name: str, values: tuple[Any, ...]) -> tuple[str, str, str] | None:
    if not values:
        return "E0207", "lists no value", "list at least one value"
    if name == "missing" and not all(isinstance(v, str) for v in values):
        return "E0204", "must list text markers", 'write them in quotes: missing ["?", "n/a"]'
    if name == "in" and not all(isinstance(v, str) or _is_number(v) for v in values):
        return "E0204", "must list text or numbers", "null is not a category; missing values are declared " \
                                                   "with 'nullable' or 'missing [...]'"
    if len({(type(v), v) for v in values}) < len(values):
        return "E0207", "lists a value more than once", "list each value once"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _greater(low: Any, high: Any) -> bool:
    if _is_number(low) and _is_number(high):
        return low > high
    return later_than(low, high)


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)


def _shown(option: ast.ColumnOption) -> str:
    if option.name == "nullable":
        return "nullable" if option.value else "not null"
    return option.name
