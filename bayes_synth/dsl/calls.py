"""The built-in functions of the constraints language, on whole columns.

Every function gives a missing value where any of its arguments is missing.

>>> from bayes_synth.dsl.values import from_literal
>>> call("round", [from_literal(2.345, 1), from_literal(2, 1)]).data.tolist()
[2.35]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from bayes_synth.dsl.functions import FUNCTIONS
from bayes_synth.dsl.values import Val, as_text, coerce, days, fail, word


def call(func: str, args: list[Val]) -> Val:
    """The value of ``func(*args)``; unknown functions and wrong argument counts raise E0202/E0203.

    >>> from bayes_synth.dsl.values import from_literal
    >>> call("len", [from_literal("abc", 1)]).data.tolist()
    [3.0]
    """
    if func not in _CALLS:
        fail(f"unknown function '{func}'", "E0202")
    low, high = FUNCTIONS[func]
    if len(args) < low or (high is not None and len(args) > high):
        fail(f"{func}() cannot take {len(args)} argument(s)", "E0203")
    return _CALLS[func](args)


def _any_null(args: list[Val]) -> np.ndarray:
    return np.logical_or.reduce([a.null for a in args])


def _round(args: list[Val]) -> Val:
    x = coerce(args[0], "num", "round()")
    if len(args) == 1:
        return Val("num", np.round(x.data), x.null)
    d = coerce(args[1], "num", "round()")
    null = x.null | d.null
    digits = np.where(null, 0, d.data)
    if not np.all(digits == np.rint(digits)):
        fail("round() needs a whole number of digits")
    out = np.empty(len(null))
    for n_digits in np.unique(digits):  # a loop over the distinct digit counts, not over rows
        rows = digits == n_digits
        out[rows] = np.round(x.data[rows], int(n_digits))
    return Val("num", out, null)


def _abs(args: list[Val]) -> Val:
    v = args[0]
    kind = "dur" if v.kind == "dur" else "num"
    return Val(kind, np.abs(days(coerce(v, "num", "abs()"))), v.null)


def _common(func: str, args: list[Val]) -> list[Val]:
    """The arguments of min/max/clip brought to one ordered kind (numbers, dates or durations)."""
    kinds = {a.kind for a in args} - {"null", "text"}
    if kinds == {"num", "dur"}:
        kinds = {"num"}
    if len(kinds) != 1 or not kinds <= {"num", "date", "dur"}:
        shown = ", ".join(sorted(word(a.kind) for a in args))
        fail(f"{func}() needs numbers, dates or durations of one kind, got {shown}")
    kind = kinds.pop()
    if kind == "dur":
        return [Val("dur", days(a), a.null) if a.kind == "dur" else coerce(a, "dur", f"{func}()") for a in args]
    return [coerce(a, kind, f"{func}()") for a in args]


def _extreme(reduce: np.ufunc, name: str) -> Callable[[list[Val]], Val]:
    def run(args: list[Val]) -> Val:
        values = _common(name, args)
        return Val(values[0].kind, reduce.reduce([v.data for v in values]), _any_null(values))

    return run


_min, _max = _extreme(np.fmin, "min"), _extreme(np.fmax, "max")


def _clip(args: list[Val]) -> Val:
    x, low, high = _common("clip", args)
    return _min([_max([x, low]), high])


def _duration(name: str, months: float) -> Callable[[list[Val]], Val]:
    def run(args: list[Val]) -> Val:
        n = coerce(args[0], "num", f"{name}()")
        if months == 0:
            return Val("dur", n.data, n.null)
        return Val("dur", np.zeros(len(n.null)), n.null, n.data * months)

    return run


def _concat(args: list[Val]) -> Val:
    texts = [as_text(a) for a in args]
    out = np.full(len(texts[0].null), "", dtype=object)
    for t in texts:  # a loop over the arguments, each step vectorised
        out = out + np.where(t.null, "", t.data).astype(object)
    null = _any_null(texts)
    out[null] = None
    return Val("text", out, null)


def _text(method: str) -> Callable[[list[Val]], Val]:
    def run(args: list[Val]) -> Val:
        t = coerce(args[0], "text", f"{method}()")
        result = getattr(pd.Series(np.where(t.null, "", t.data), dtype=object).str, method)()
        if method == "len":
            return Val("num", result.to_numpy(dtype=float, na_value=np.nan), t.null)
        out = result.to_numpy(dtype=object, copy=True)
        out[t.null] = None
        return Val("text", out, t.null)

    return run


def _part(field: str) -> Callable[[list[Val]], Val]:
    def run(args: list[Val]) -> Val:
        d = coerce(args[0], "date", f"{field}()")
        filled = pd.DatetimeIndex(np.where(d.null, np.datetime64(0, "ns"), d.data))
        return Val("num", getattr(filled, field).to_numpy(dtype=float), d.null)

    return run


_CALLS: dict[str, Callable[[list[Val]], Val]] = {
    "round": _round, "abs": _abs, "min": _min, "max": _max, "clip": _clip, "days": _duration("days", 0),
    "months": _duration("months", 1), "years": _duration("years", 12), "concat": _concat, "lower": _text("lower"),
    "upper": _text("upper"), "len": _text("len"), "year": _part("year"), "month": _part("month"),
    "day": _part("day"),
}
