"""The built-in functions of the constraints language and the value types they take and give.

Types are short strings: ``int``, ``float``, ``date``, ``datetime``, ``duration`` (from ``days()`` or
a date difference), ``text``, ``category``, ``str`` (a text literal, fits text and categories),
``bool``, ``null`` and ``any`` (unknown, never reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

KIND_TYPES = {"integer": "int", "float": "float", "date": "date", "datetime": "datetime", "boolean": "bool",
              "categorical": "category", "text": "text"}
NUMERIC, TEMPORAL, TEXTUAL = {"int", "float"}, {"date", "datetime"}, {"text", "category", "str"}
ORDERED = NUMERIC | TEMPORAL | {"duration"}
WORDS = {"int": "a number", "float": "a number", "date": "a date", "datetime": "a datetime",
         "duration": "a duration", "text": "text", "category": "a category", "str": "a text value",
         "bool": "a true/false value", "null": "null", "any": "a value"}
# name -> (fewest arguments, most arguments or None)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "round": (1, 2), "abs": (1, 1), "min": (2, None), "max": (2, None), "clip": (3, 3), "days": (1, 1),
    "months": (1, 1), "years": (1, 1), "concat": (1, None), "lower": (1, 1), "upper": (1, 1), "len": (1, 1),
    "year": (1, 1), "month": (1, 1), "day": (1, 1),
}


def is_date_text(value: Any) -> bool:
    """True for an ISO date or datetime string such as ``"2024-12-31"``."""
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def unify(a: str, b: str) -> str | None:
    """The type of a value that is either ``a`` or ``b`` (if/else branches, min/max), or None."""
    if a == b or b in ("any", "null"):
        return a
    if a in ("any", "null"):
        return b
    if {a, b} <= NUMERIC:
        return "float"
    if {a, b} <= TEMPORAL:
        return "datetime"
    if {a, b} <= TEXTUAL:
        return "text" if "text" in (a, b) else "category"
    return None


_NEEDS = {"a number": NUMERIC, "a number or a duration": NUMERIC | {"duration"}, "text": TEXTUAL,
          "a date": TEMPORAL, "numbers, dates or durations": ORDERED}
_SIGNATURE = {"round": "a number", "abs": "a number or a duration", "min": "numbers, dates or durations",
              "max": "numbers, dates or durations", "clip": "numbers, dates or durations", "days": "a number",
              "months": "a number", "years": "a number", "lower": "text", "upper": "text", "len": "text",
              "year": "a date", "month": "a date", "day": "a date"}


def call_type(func: str, args: Sequence[str], nodes: Sequence[Any] = ()) -> tuple[str, str | None]:
    """The result type of a call with arguments of types ``args``, and a problem message or None.

    >>> call_type("days", ["int"])
    ('duration', None)
    >>> call_type("round", ["text"])
    ('any', 'round() needs a number, got text')
    """
    if func == "concat":
        return "text", None
    need = _SIGNATURE[func]
    for ty in args:
        if ty not in _NEEDS[need] | {"any", "null"}:
            return "any", f"{func}() needs {need}, got {WORDS[ty]}"
    first = args[0]
    if func == "round":
        digits = getattr(nodes[1], "value", None) if len(nodes) > 1 else 0
        return ("int" if digits == 0 or first == "int" else "float") if first != "any" else "any", None
    if func in ("min", "max", "clip"):
        joined = first
        for ty in args[1:]:
            joined = unify(joined, ty) if joined is not None else None
        if joined is None:
            return "any", f"{func}() needs values of one kind, got {', '.join(WORDS[t] for t in args)}"
        return joined, None
    results = {"days": "duration", "months": "duration", "years": "duration", "len": "int", "year": "int",
               "month": "int", "day": "int"}
    return results.get(func, first), None


def later_than(a: Any, b: Any) -> bool:
    """True when both are ISO dates/datetimes and ``a`` is after ``b``.

    >>> later_than("2024-12-31", "2001-01-01")
    True
    """
    if not (is_date_text(a) and is_date_text(b)):
        return False
    try:
        return dt.datetime.fromisoformat(a) > dt.datetime.fromisoformat(b)
    except TypeError:  # one has a time zone, the other not
        return False
