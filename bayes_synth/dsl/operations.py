"""Operators of the constraints language on whole columns (:class:`~bayes_synth.dsl.values.Val`).

Every operation is vectorised; a missing operand gives a missing result (see docs/dsl.md, "Missing
values in rules"). Text meeting a number or a date is read as one (a date literal such as
``"2024-12-31"`` compared with a date column).

>>> from bayes_synth.dsl.values import from_literal
>>> compare("<", from_literal(1, 2), from_literal(2, 2)).data.tolist()
[True, True]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bayes_synth.dsl.values import (
    DAYS_PER_MONTH,
    NAT,
    NS_PER_DAY,
    Val,
    boolean,
    coerce,
    days,
    fail,
    k_and,
    null_of,
    parse,
    word,
)

_COMPARE = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
            ">=": np.greater_equal}
_PLAIN = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


# ------------------------------------------------------------------------------------- comparisons
def compare(op: str, a: Val, b: Val) -> Val:
    """``a op b`` row by row; unknown where either side is missing.

    Equality of text with a number, date or true/false reads the text as one (text that does not
    parse is simply not equal); an ordering needs both sides to be numbers, dates or durations.

    >>> from bayes_synth.dsl.values import from_literal
    >>> compare("==", from_literal("x", 1), from_literal(1, 1)).data.tolist()
    [False]
    """
    n = len(a.null)
    if "null" in (a.kind, b.kind):
        return null_of("bool", n)
    null = a.null | b.null
    a, b, bad = _align(op, a, b)
    with np.errstate(all="ignore"):
        if a.kind == "text":
            result = np.asarray(a.data == b.data if op == "==" else a.data != b.data, dtype=bool)
        else:
            x, y = (days(a), days(b)) if a.kind in ("num", "dur") else (a.data, b.data)
            result = _COMPARE[op](x, y)
    result = np.where(bad & ~null, op == "!=", result)
    return boolean(result, null)


def _align(op: str, a: Val, b: Val) -> tuple[Val, Val, np.ndarray]:
    """Bring both sides to one kind; ``bad`` marks text that did not parse (only for ``==``/``!=``)."""
    bad = np.zeros(len(a.null), dtype=bool)
    equality = op in ("==", "!=")
    kinds = {a.kind, b.kind}
    if kinds <= {"num", "dur"}:
        return coerce(a, "num", op), coerce(b, "num", op), bad
    if kinds == {"text"} and not equality:  # ISO dates written as text still have an order
        (a, bad_a), (b, bad_b) = parse(a, "date"), parse(b, "date")
        if (bad_a | bad_b).any():
            fail(f"text has no order: '{op}' needs numbers, dates or durations")
        return a, b, bad
    if "text" in kinds and len(kinds) == 2:
        other = (kinds - {"text"}).pop()
        other = "num" if other == "dur" else other
        if other == "bool" and not equality:
            fail(f"cannot order {word('bool')} with '{op}'")
        if equality:
            a, bad_a = parse(a, other) if a.kind == "text" else (coerce(a, other, op), bad)
            b, bad_b = parse(b, other) if b.kind == "text" else (coerce(b, other, op), bad)
            return a, b, bad_a | bad_b
        return coerce(a, other, f"'{op}'"), coerce(b, other, f"'{op}'"), bad
    if len(kinds) == 2 or (not equality and a.kind == "bool"):
        fail(f"cannot compare {word(a.kind)} with {word(b.kind)} using '{op}'")
    return a, b, bad


def in_list(v: Val, values: Sequence[Any]) -> Val:
    """``v in [values]``: True where a value is listed; unknown where ``v`` is missing, or where it is
    not listed and the list holds ``null`` (as SQL).

    >>> from bayes_synth.dsl.values import from_literal
    >>> in_list(from_literal("a", 1), ["b", None]).null.tolist()
    [True]
    """
    listed = [x for x in values if x is not None]
    has_null = len(listed) < len(values)
    if v.kind == "null":
        return null_of("bool", len(v.null))
    numbers = bool(listed) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in listed)
    if v.kind == "text" and numbers:  # text that is not a number is simply not listed
        v = Val("num", parse(v, "num")[0].data, v.null)
    if v.kind in ("num", "dur"):
        found = np.isin(days(v), [float(x) for x in listed if isinstance(x, int | float)])
    elif v.kind == "date":
        dates = [x for x in listed if isinstance(x, str)]
        parsed = coerce(Val("text", np.array(dates, dtype=object), np.zeros(len(dates), dtype=bool)), "date", "in")
        found = np.isin(v.data, parsed.data)
    elif v.kind == "bool":
        found = np.isin(v.data, [x for x in listed if isinstance(x, bool)])
    else:
        found = np.isin(v.data, np.array(listed, dtype=object))
    found &= ~v.null
    return boolean(found, v.null | (~found & has_null))


def between(v: Val, low: Val, high: Val) -> Val:
    """``low <= v <= high`` (both ends included).

    >>> from bayes_synth.dsl.values import from_literal
    >>> between(from_literal(3, 1), from_literal(1, 1), from_literal(3, 1)).data.tolist()
    [True]
    """
    return k_and([compare("<=", low, v), compare("<=", v, high)])


# -------------------------------------------------------------------------------------- arithmetic
def negate(v: Val) -> Val:
    """``-v`` for a number or a duration: ``-2`` for ``2``."""
    if v.kind == "dur":
        return Val("dur", -v.data, v.null, None if v.months is None else -v.months)
    v = coerce(v, "num", "'-'")
    return Val("num", -v.data, v.null)


def arith(op: str, a: Val, b: Val) -> Val:
    """``a op b`` for ``+ - * /``: numbers, date +/- duration, date - date (a duration in days),
    durations added, scaled or divided. Division by zero gives a missing value.

    >>> from bayes_synth.dsl.values import from_literal
    >>> arith("/", from_literal(1, 2), from_literal(0, 2)).null.tolist()
    [True, True]
    """
    if "null" in (a.kind, b.kind):
        other = b.kind if a.kind == "null" else a.kind
        return null_of("num" if other in ("null", "text", "bool") else other, len(a.null))
    a, b = _arith_align(a, b)
    kinds = (a.kind, b.kind)
    if kinds == ("num", "num"):
        return _plain(op, a.data, b.data, a.null | b.null, "num")
    if kinds == ("date", "date") and op == "-":
        delta = (a.data - b.data).astype(np.int64) / NS_PER_DAY
        return Val("dur", delta, a.null | b.null)
    if kinds == ("date", "dur") and op in "+-" or kinds == ("dur", "date") and op == "+":
        date, dur = (a, b) if a.kind == "date" else (b, a)
        return shift(date, dur if op == "+" else negate(dur))
    if "dur" in kinds and "date" not in kinds:
        return _duration(op, a, b)
    fail(f"cannot use '{op}' on {word(a.kind)} and {word(b.kind)}" + ("; join text with concat(a, b)"
                                                                       if "text" in kinds else ""))


def _arith_align(a: Val, b: Val) -> tuple[Val, Val]:
    """Text next to a number or a date is read as one; bare text has no arithmetic."""
    if a.kind == "text" and b.kind in ("num", "date"):
        a = coerce(a, b.kind, "arithmetic")
    if b.kind == "text" and a.kind in ("num", "date"):
        b = coerce(b, a.kind, "arithmetic")
    return a, b


def _plain(op: str, x: np.ndarray, y: np.ndarray, null: np.ndarray, kind: str) -> Val:
    with np.errstate(all="ignore"):
        out = _PLAIN[op](x, y)
    if op == "/":
        null = null | (y == 0)
    return Val(kind, out, null)


def _duration(op: str, a: Val, b: Val) -> Val:
    null = a.null | b.null
    if a.kind == b.kind == "dur":
        if op == "/":
            return _plain("/", days(a), days(b), null, "num")
        if op in "+-":
            months = None if a.months is None and b.months is None else _PLAIN[op](_m(a), _m(b))
            return Val("dur", _PLAIN[op](a.data, b.data), null, months)
    dur, num = (a, b) if a.kind == "dur" else (b, a)
    num = coerce(num, "num", f"'{op}'")
    if op == "*" or op == "/" and a.kind == "dur":
        scaled = _plain(op, dur.data, num.data, null, "dur")
        with np.errstate(all="ignore"):
            months = None if dur.months is None else _PLAIN[op](dur.months, num.data)
        return Val("dur", scaled.data, scaled.null, months)
    fail(f"cannot use '{op}' on {word(a.kind)} and {word(b.kind)}")


def _m(v: Val) -> np.ndarray:
    return np.zeros(len(v.null)) if v.months is None else v.months


def shift(date: Val, dur: Val) -> Val:
    """A date moved by a duration: whole months on the calendar (Jan 31 + 1 month is the month's last
    day), the rest (days, fractions of a month at 30.436875 days) as elapsed time.

    >>> from bayes_synth.dsl.values import from_literal
    >>> d = coerce(from_literal("2024-01-31", 1), "date", "")
    >>> shift(d, Val("dur", np.array([1.0]), np.array([False]), np.array([1.0]))).data[0]
    np.datetime64('2024-03-01T00:00:00.000000000')
    """
    null = date.null | dur.null
    d = np.where(null, np.datetime64(0, "ns"), date.data)
    extra = np.where(null, 0.0, dur.data)
    if dur.months is not None:
        months = np.where(null, 0.0, dur.months)
        whole = np.trunc(months)
        extra = extra + (months - whole) * DAYS_PER_MONTH
        d = add_months(d, whole.astype(np.int64))
    out = d + np.rint(extra * NS_PER_DAY).astype(np.int64).astype("timedelta64[ns]")
    return Val("date", np.where(null, NAT, out), null)


def add_months(d: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Calendar month arithmetic on datetime64[ns], clipping the day to the target month's length.

    >>> add_months(np.array(["2024-01-31"], dtype="datetime64[ns]"), np.array([1]))[0]
    np.datetime64('2024-02-29T00:00:00.000000000')
    """
    one_day = np.timedelta64(1, "D")
    start = d.astype("datetime64[M]")
    offset = d - start.astype("datetime64[ns]")
    day = offset // one_day
    time = offset - (day * one_day).astype("timedelta64[ns]")
    target = start + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")) // one_day
    day = np.minimum(day, length - 1)
    return target.astype("datetime64[ns]") + (day * one_day).astype("timedelta64[ns]") + time


# ----------------------------------------------------------------------------------------- if/else
def select(pick: np.ndarray, a: Val, b: Val) -> Val:
    """Row by row ``a`` where ``pick`` else ``b`` (the branches of ``if``).

    >>> from bayes_synth.dsl.values import from_literal
    >>> select(np.array([True, False]), from_literal(1, 2), from_literal(None, 2)).null.tolist()
    [False, True]
    """
    if a.kind == "null":
        a = null_of(b.kind, len(pick))
    if b.kind == "null":
        b = null_of(a.kind, len(pick))
    if a.kind != b.kind:
        kinds = {a.kind, b.kind}
        target = "num" if kinds == {"num", "dur"} else (kinds - {"text"}).pop() if "text" in kinds else None
        if target is None:
            fail(f"the branches of 'if' give {word(a.kind)} and {word(b.kind)}")
        a, b = coerce(a, target, "'if'"), coerce(b, target, "'if'")
    months = None
    if a.kind == "dur" and (a.months is not None or b.months is not None):
        months = np.where(pick, _m(a), _m(b))
    return Val(a.kind, np.where(pick, a.data, b.data), np.where(pick, a.null, b.null), months)
