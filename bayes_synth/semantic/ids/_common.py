"""Shared vectorised helpers of :mod:`bayes_synth.semantic.ids`: input checks, ASCII code matrices, digit
arithmetic and string assembly, used by every module of the package (private).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

_UPPER = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_LOWER = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX_LOWER = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_POW10 = 10 ** np.arange(19, dtype=np.int64)  # 1, 10, ..., 10**18


def _check_n(n: int) -> int:
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    return n


def _as_values(values: np.ndarray | Sequence[str]) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"values must be a 1-D array of str, got shape {arr.shape}")
    return arr


def _fullmatch(values: np.ndarray, pattern: str, flags: int = 0) -> np.ndarray:
    """Bool array: True where the value is a str fully matching ``pattern`` (ASCII ``\\d``, ``\\w``)."""
    arr = _as_values(values)
    if arr.size == 0:
        return np.zeros(0, dtype=bool)
    s = pd.Series(arr, dtype=object, copy=False)
    return np.array(s.str.fullmatch(pattern, flags=flags | re.ASCII).to_numpy(dtype=bool, na_value=False))


def _checked(values: np.ndarray, pattern: str, check: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Format check with ``pattern``, then ``check`` (a vectorised checksum) on the rows that matched."""
    arr = _as_values(values)
    ok = _fullmatch(arr, pattern)
    idx = np.flatnonzero(ok)
    if idx.size:
        ok[idx] = check(arr[idx])
    return ok


def _ascii_matrix(strings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n, w)`` uint8 ASCII codes of ASCII strings (zero right-padded) and their lengths."""
    b = np.asarray(strings.tolist(), dtype="S")
    w = b.dtype.itemsize
    codes = b.view(np.uint8).reshape(len(strings), w)
    return codes, (codes != 0).sum(axis=1)


def _digit_matrix(strings: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` int64 digit values of strings of exactly ``width`` ASCII digits."""
    b = np.asarray(strings.tolist(), dtype=f"S{width}")
    return b.view(np.uint8).reshape(len(strings), width).astype(np.int64) - 48


def _digits_to_int(d: np.ndarray) -> np.ndarray:
    """Rows of decimal digits (at most 18 columns) -> int64 numbers."""
    k = d.shape[1]
    return d @ _POW10[k - 1 :: -1] if k else np.zeros(d.shape[0], dtype=np.int64)


def _int_digits(x: np.ndarray, width: int) -> np.ndarray:
    """Non-negative ints -> ``(n, width)`` int64 zero-padded decimal digits."""
    return np.asarray(x, dtype=np.int64)[:, None] // _POW10[width - 1 :: -1] % 10


def _pad(x: np.ndarray, width: int) -> np.ndarray:
    """Non-negative ints -> ``(n, width)`` uint8 ASCII codes, zero padded."""
    return (_int_digits(x, width) + 48).astype(np.uint8)


def _u(codes: np.ndarray) -> np.ndarray:
    """``(n, k)`` character codes -> numpy ``U{k}`` array (trailing NUL codes shorten a value)."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    n, k = codes.shape
    if k == 0:
        return np.full(n, "", dtype="U1")
    return codes.view(f"U{k}").reshape(n)


def _from_codes(codes: np.ndarray) -> np.ndarray:
    """``(n, k)`` character codes -> object array of str."""
    return _u(codes).astype(object)


def _assemble(n: int, *blocks: np.ndarray | str) -> np.ndarray:
    """Concatenate ``(n, k)`` code blocks and literal ASCII strings (broadcast) along the columns."""
    cols = []
    for b in blocks:
        if isinstance(b, str):
            lit = np.frombuffer(b.encode("ascii"), dtype=np.uint8)
            cols.append(np.broadcast_to(lit, (n, lit.size)))
        else:
            b = np.asarray(b)
            cols.append((b if b.ndim == 2 else b[:, None]).astype(np.uint8))
    return np.concatenate(cols, axis=1)


def _int_str(x: np.ndarray) -> np.ndarray:
    """Non-negative ints -> ``U`` array of their decimal representation (no leading zeros)."""
    x = np.asarray(x, dtype=np.int64)
    n = x.size
    nd = np.maximum(1, np.searchsorted(_POW10, x, side="right"))
    w = int(nd.max()) if n else 1
    digits = _int_digits(x, w) + 48
    cols = np.arange(w)[None, :] + (w - nd)[:, None]  # left-shift each row by its leading zeros
    codes = np.take_along_axis(digits, np.minimum(cols, w - 1), axis=1)
    codes[cols >= w] = 0
    return _u(codes)


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of ``U`` arrays and str scalars (the first part must be an array)."""
    out = parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p)
    return np.asarray(out)


def _pick(rng: np.random.Generator, n: int, options: Sequence[str] | np.ndarray) -> np.ndarray:
    """``n`` uniform draws from ``options`` as a ``U`` array."""
    opts = np.asarray(options, dtype=str)
    return opts[rng.integers(0, opts.size, size=n)]


def _rand_digits(rng: np.random.Generator, n: int, k: int, first: int = 0) -> np.ndarray:
    """``U`` array of ``k`` random digits whose first digit is at least ``first``."""
    codes = rng.integers(48, 58, size=(n, k), dtype=np.uint8)
    if k and first:
        codes[:, 0] = rng.integers(48 + first, 58, size=n, dtype=np.uint8)
    return _u(codes)


def _code_table(words: Sequence[str]) -> np.ndarray:
    """Equal-length ASCII words -> ``(len(words), k)`` uint8 code table."""
    return np.frombuffer("".join(words).encode("ascii"), dtype=np.uint8).reshape(len(words), -1)


def _norm_country(country: str, supported: Sequence[str], what: str) -> str:
    c = str(country).upper()
    if c not in supported:
        raise ValueError(f"unsupported {what} country {country!r}; supported: {', '.join(supported)}")
    return c


def _group4(codes: np.ndarray) -> np.ndarray:
    """Insert a space after every 4 characters of fixed-width code rows (IBAN print format)."""
    n, w = codes.shape
    out = np.full((n, w + (w - 1) // 4), ord(" "), dtype=np.uint8)
    j = np.arange(w)
    out[:, j + j // 4] = codes
    return out
