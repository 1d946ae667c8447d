"""Private helpers shared by the display formats: cleaning a column's text, checking fields, building strings.

Also :data:`MATCH_THRESHOLD`, the acceptance rule every learner applies.
"""

from __future__ import annotations

import dataclasses
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError

#: Share of the non-blank values of a column that must parse under a learned format.
MATCH_THRESHOLD = 0.95


def _series(values: Any) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values)


def _text(values: Any) -> pd.Series:
    """Object Series (RangeIndex) of stripped strings; ``None`` where missing or blank."""
    s = _series(values)
    out = np.full(len(s), None, dtype=object)
    na = s.isna().to_numpy(dtype=bool)
    if (~na).any():
        out[~na] = s[~na].astype(str).astype(object).str.strip().to_numpy(dtype=object)
    out[out == ""] = None
    return pd.Series(out, dtype=object)


def _present(values: Any) -> pd.Series:
    t = _text(values)
    return t[t.notna()].reset_index(drop=True)


def _rate(ok: Any) -> float:
    ok = np.asarray(ok, dtype=bool)
    return float(ok.mean()) if ok.size else 0.0


def _mode(s: pd.Series, default: str) -> str:
    s = s.dropna()
    if s.empty:
        return default
    return str(s.value_counts().index[0])


def _fail(cls: str, field: str, expected: str, example: str) -> None:
    raise ParameterError(f"{cls}.{field} must be {expected}, e.g. {example}")


def _check_str(v: Any, cls: str, field: str, expected: str, example: str, ok: bool = True) -> None:
    if type(v) is not str or not ok:
        _fail(cls, field, expected, example)


def _check_int(v: Any, cls: str, field: str, lo: int, hi: int, example: str, none_ok: bool = False) -> None:
    if none_ok and v is None:
        return
    if type(v) is not int or not lo <= v <= hi:
        _fail(cls, field, f"an integer from {lo} to {hi}" + (" or None" if none_ok else ""), example)


def _check_bool(v: Any, cls: str, field: str, example: str) -> None:
    if type(v) is not bool:
        _fail(cls, field, "True or False", example)


def _to_dict(fmt: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"family": fmt.family}
    for f in dataclasses.fields(fmt):
        v = getattr(fmt, f.name)
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


def _expect(fmt: Any, cls: type, example: str) -> None:
    if not isinstance(fmt, cls):
        raise ParameterError(f"expected a {cls.__name__}, e.g. {example}; got a {type(fmt).__name__}")


def _to_float(x: Any, what: str, example: str) -> np.ndarray:
    """Plain numbers as a float array (NaN for missing); refuses text that is not a number."""
    s = _series(x)
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(float)
    num = pd.to_numeric(s, errors="coerce")
    bad = int((num.isna() & s.notna()).sum())
    if bad:
        raise ParameterError(f"{what} expects plain numbers, e.g. {example}; {bad} of {len(s)} values are not numbers")
    return num.to_numpy(dtype=float, na_value=np.nan)


def _to_int(x: Any, what: str, example: str, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Integers in ``[lo, hi]`` and the mask of valid ones (others render as None)."""
    a = _to_float(x, what, example)
    ok = np.isfinite(a) & (a == np.round(a)) & (a >= lo) & (a <= hi)
    return np.where(ok, a, lo).astype(np.int64), ok


def _int_str(a: np.ndarray, width: int = 1) -> np.ndarray:
    s = np.asarray(a, dtype=np.int64).astype(str)
    return np.strings.zfill(s, width) if width > 1 else s


def _join(parts: list[Any], n: int) -> np.ndarray:
    """Concatenate string arrays and literals elementwise into ``n`` strings."""
    return reduce(np.strings.add, parts, np.full(n, "", dtype="<U1"))


def _objects(strings: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.full(len(ok), None, dtype=object)
    out[ok] = np.asarray(strings, dtype=object)
    return out
