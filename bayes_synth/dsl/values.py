"""Vectorised values of the constraints language: one array per expression plus a missing mask.

A :class:`Val` holds a whole column of results. ``kind`` is ``num`` (float64), ``bool``, ``date``
(datetime64[ns]), ``dur`` (a duration: ``data`` in days, ``months`` in calendar months or None),
``text`` (object) or ``null`` (the ``null`` literal). ``null`` marks the missing rows; ``data`` under
it is a placeholder and never read. Logic follows SQL's three values (Kleene): see docs/dsl.md.

>>> v = from_series(pd.Series([1.0, None]))
>>> v.kind, v.null.tolist()
('num', [False, True])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from bayes_synth.dsl.diagnostics import Diagnostic, render
from bayes_synth.errors import DSLSemanticError

DAYS_PER_MONTH = 365.2425 / 12
NS_PER_DAY = 86_400_000_000_000
NAT = np.datetime64("NaT", "ns")
_TRUE, _FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0"}
_WORDS = {"num": "a number", "bool": "a true/false value", "date": "a date", "dur": "a duration",
          "text": "text", "null": "null"}


class EvalTypeError(DSLSemanticError):
    """A value of the wrong kind met while evaluating (E0204; ``check`` reports these earlier)."""


def type_error(message: str, code: str = "E0204", span: Any = None) -> EvalTypeError:
    """An :class:`EvalTypeError` with one diagnostic (``message`` never holds a cell value).

    >>> type_error("cannot negate text").diagnostics[0].code
    'E0204'
    """
    diagnostic = Diagnostic(code, message, span)
    return EvalTypeError(render(diagnostic), [diagnostic])


def fail(message: str, code: str = "E0204", span: Any = None) -> NoReturn:
    """Raise :func:`type_error` (``fail("cannot negate text")``)."""
    raise type_error(message, code, span)


def word(kind: str) -> str:
    """How a kind is named in messages: ``word("dur")`` is ``'a duration'``."""
    return _WORDS.get(kind, kind)


@dataclass(frozen=True)
class Val:
    """A column of values: ``kind``, ``data``, the missing mask ``null`` and, for durations, ``months``."""

    kind: str
    data: np.ndarray
    null: np.ndarray
    months: np.ndarray | None = None

    @property
    def known_true(self) -> np.ndarray:
        """Rows where a condition is True (not False, not unknown)."""
        return self.data.astype(bool) & ~self.null

    @property
    def known_false(self) -> np.ndarray:
        """Rows where a condition is False (not True, not unknown)."""
        return ~self.data.astype(bool) & ~self.null


def boolean(data: np.ndarray, null: np.ndarray) -> Val:
    """A condition; ``data`` is forced False where ``null``.

    >>> boolean(np.array([True, True]), np.array([False, True])).data.tolist()
    [True, False]
    """
    return Val("bool", np.asarray(data, dtype=bool) & ~null, null)


def null_of(kind: str, n: int) -> Val:
    """``n`` missing values of ``kind``: ``null_of("date", 3)`` is three NaT."""
    data = {"num": lambda: np.full(n, np.nan), "dur": lambda: np.full(n, np.nan),
            "bool": lambda: np.zeros(n, dtype=bool), "date": lambda: np.full(n, NAT),
            "text": lambda: np.full(n, None, dtype=object)}.get(kind, lambda: np.zeros(n))()
    return Val(kind if kind in _WORDS else "null", data, np.ones(n, dtype=bool))


def from_literal(value: Any, n: int) -> Val:
    """A literal broadcast to ``n`` rows (text stays text until compared with a date or number).

    >>> from_literal(2, 3).data.tolist()
    [2.0, 2.0, 2.0]
    """
    none = np.broadcast_to(False, n)  # read-only views: a literal costs nothing per row
    if value is None:
        return null_of("null", n)
    if isinstance(value, bool):
        return Val("bool", np.broadcast_to(value, n), none)
    if isinstance(value, int | float):
        return Val("num", np.broadcast_to(float(value), n), none)
    return Val("text", np.broadcast_to(np.array([value], dtype=object), n), none)


def from_series(series: pd.Series) -> Val:
    """A column of a DataFrame: numbers, booleans, datetimes, durations or text (object/categorical)."""
    null = series.isna().to_numpy(dtype=bool)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return boolean(series.to_numpy(dtype=bool, na_value=False), null)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        return Val("date", series.to_numpy(dtype="datetime64[ns]"), null)
    if pd.api.types.is_timedelta64_dtype(dtype):
        return Val("dur", series.dt.total_seconds().to_numpy(dtype=float, na_value=np.nan) / 86_400, null)
    if pd.api.types.is_numeric_dtype(dtype):
        return Val("num", series.to_numpy(dtype=float, na_value=np.nan), null)
    data = series.astype(object).to_numpy().copy()
    data[null] = None
    inferred = pd.api.types.infer_dtype(data, skipna=True)
    if inferred == "boolean":
        return boolean(np.where(null, False, data), null)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return Val("num", np.where(null, np.nan, data).astype(float), null)
    if inferred in ("datetime", "datetime64", "date"):
        parsed = pd.to_datetime(pd.Series(data), errors="coerce").to_numpy(dtype="datetime64[ns]")
        return Val("date", parsed, null | np.isnat(parsed))
    return Val("text", data, null)


def to_series(v: Val, index: pd.Index) -> pd.Series:
    """The values as a pandas Series: boolean (with NA), float64, datetime64[ns] or object.

    >>> to_series(from_literal(None, 1), pd.RangeIndex(1)).tolist()
    [None]
    """
    if v.kind == "bool":
        return pd.Series(pd.arrays.BooleanArray(v.data & ~v.null, v.null.copy()), index=index)
    if v.kind in ("num", "dur"):
        return pd.Series(np.where(v.null, np.nan, days(v)), index=index, dtype=float)
    if v.kind == "date":
        return pd.Series(np.where(v.null, NAT, v.data), index=index, dtype="datetime64[ns]")
    data = v.data.astype(object).copy()
    data[v.null] = None
    return pd.Series(data, index=index, dtype=object)


def days(v: Val) -> np.ndarray:
    """A number or duration as a float array (durations in days, a month counted as 30.436875 days).

    >>> days(Val("dur", np.array([1.0]), np.array([False]), np.array([12.0]))).tolist()
    [366.2425]
    """
    if v.months is None:
        return v.data.astype(float)
    return v.data + v.months * DAYS_PER_MONTH


# ----------------------------------------------------------------------------------------- coercion
def parse(v: Val, kind: str) -> tuple[Val, np.ndarray]:
    """Text read as ``kind`` (num, date, bool); also returns the rows whose text did not parse.

    >>> parse(from_series(pd.Series(["1", "x"])), "num")[1].tolist()
    [False, True]
    """
    text = pd.Series(v.data, dtype=object)
    if kind == "num":
        data = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~v.null & np.isnan(data)
    elif kind == "date":
        data = pd.to_datetime(text, errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[ns]")
        bad = ~v.null & np.isnat(data)
    else:
        lowered = text.astype(str).str.strip().str.lower()
        data = lowered.isin(_TRUE).to_numpy(dtype=bool)
        bad = ~v.null & ~data & ~lowered.isin(_FALSE).to_numpy(dtype=bool)
    return Val(kind, data, v.null | bad), bad


def coerce(v: Val, kind: str, what: str) -> Val:
    """``v`` as ``kind``: a null literal becomes missing values, text is parsed (all of it must parse),
    durations become days for ``num``; anything else raises :class:`EvalTypeError`.

    >>> coerce(from_literal("2024-01-31", 1), "date", "'<'").data[0]
    np.datetime64('2024-01-31T00:00:00.000000000')
    """
    if v.kind == kind:
        return v
    if v.kind == "null":
        return null_of(kind, len(v.null))
    if v.kind == "dur" and kind == "num":
        return Val("num", days(v), v.null)
    if v.kind == "text" and kind in ("num", "date", "bool"):
        out, bad = parse(v, kind)
        if bad.any():
            fail(f"{what} needs {word(kind)}, but {int(bad.sum())} text value(s) are not {word(kind)}")
        return out
    if kind == "text":
        return as_text(v)
    fail(f"{what} needs {word(kind)}, not {word(v.kind)}")


def as_text(v: Val) -> Val:
    """Any value as text: whole numbers without ``.0``, dates in ISO form, ``true``/``false``.

    >>> as_text(from_series(pd.Series([2.0, 2.5]))).data.tolist()
    ['2', '2.5']
    """
    if v.kind == "text":
        return v
    if v.kind in ("num", "dur"):
        x = np.where(v.null, 0.0, days(v))
        whole = np.isfinite(x) & (np.abs(x) < 1e15) & (x == np.rint(x))
        out = x.astype(str).astype(object)
        out[whole] = np.where(whole, x, 0).astype(np.int64)[whole].astype(str)
    elif v.kind == "bool":
        out = np.where(v.data, "true", "false").astype(object)
    elif v.kind == "date":
        d = np.where(v.null, np.datetime64(0, "ns"), v.data)
        midnight = d == d.astype("datetime64[D]")
        out = np.where(midnight, np.datetime_as_string(d, unit="D"), np.datetime_as_string(d, unit="s"))
        out = out.astype(object)
    else:
        out = np.full(len(v.null), None, dtype=object)
    out[v.null] = None
    return Val("text", out, v.null)


# ------------------------------------------------------------------------------------ Kleene logic
def k_and(values: list[Val]) -> Val:
    """Kleene AND: False if any operand is False, else unknown if any is unknown, else True.

    >>> maybe, no = boolean(np.array([True]), np.array([True])), from_literal(False, 1)
    >>> k_and([maybe, no]).null.tolist(), k_or([maybe, no]).null.tolist()
    ([False], [True])
    """
    false = np.logical_or.reduce([v.known_false for v in values])
    null = np.logical_or.reduce([v.null for v in values]) & ~false
    return boolean(~false, null)


def k_or(values: list[Val]) -> Val:
    """Kleene OR: True if any operand is True, else unknown if any is unknown, else False (see :func:`k_and`)."""
    true = np.logical_or.reduce([v.known_true for v in values])
    null = np.logical_or.reduce([v.null for v in values]) & ~true
    return boolean(true, null)


def k_not(v: Val) -> Val:
    """Kleene NOT: unknown stays unknown (``k_not(from_literal(True, 1)).data`` is ``[False]``)."""
    return boolean(~v.data.astype(bool), v.null)
