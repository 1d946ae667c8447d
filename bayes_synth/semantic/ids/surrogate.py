"""Surrogate keys: version-4 UUIDs, hex digests used as ids, and sequential numbers."""

from __future__ import annotations

import operator
import re

import numpy as np

from bayes_synth.semantic.ids._common import (
    _HEX_LOWER,
    _HEX_UPPER,
    _assemble,
    _cat,
    _check_n,
    _from_codes,
    _fullmatch,
    _int_str,
)

_UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_UUID_UPPER_RE = r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"


def valid_uuid(values: np.ndarray, upper: bool | None = False) -> np.ndarray:
    """True where the value is a canonical version-4 UUID (8-4-4-4-12, RFC 4122 variant).

    Lowercase by default; ``upper=True`` asks for uppercase, ``upper=None`` accepts either (one case per value).

    >>> valid_uuid(np.array(["0b9d5a4e-6f3c-4d2a-9b1e-2c3d4e5f6a7b", "0B9D5A4E-6F3C-4D2A-9B1E-2C3D4E5F6A7B",
    ...                      "0b9d5a4e-6f3c-1d2a-9b1e-2c3d4e5f6a7b"], dtype=object)).tolist()
    [True, False, False]
    >>> valid_uuid(np.array(["0B9D5A4E-6F3C-4D2A-9B1E-2C3D4E5F6A7B", "0B9D5A4E-6f3c-4D2A-9B1E-2C3D4E5F6A7B"],
    ...                     dtype=object), upper=None).tolist()
    [True, False]
    """
    pattern = {False: _UUID_RE, True: _UUID_UPPER_RE, None: f"{_UUID_RE}|{_UUID_UPPER_RE}"}[upper]
    return _fullmatch(values, pattern)


def generate_uuid(n: int, rng: np.random.Generator, upper: bool = False) -> np.ndarray:
    """``n`` random version-4 UUIDs (canonical form, lowercase unless ``upper``).

    >>> u = generate_uuid(3, np.random.default_rng(0))
    >>> bool(valid_uuid(u).all()), u[0][14], len(u[0])
    (True, '4', 36)
    """
    n = _check_n(n)
    nib = rng.integers(0, 16, size=(n, 32), dtype=np.uint8)
    nib[:, 12] = 4
    nib[:, 16] = 8 + (nib[:, 16] & 3)
    h = (_HEX_UPPER if upper else _HEX_LOWER)[nib]
    return _from_codes(_assemble(n, h[:, :8], "-", h[:, 8:12], "-", h[:, 12:16], "-", h[:, 16:20], "-", h[:, 20:]))


_HASH_LENGTHS = (32, 40, 56, 64, 96, 128)


def valid_hash_id(values: np.ndarray, length: int | None = None) -> np.ndarray:
    """True where the value looks like a hex digest: all-lowercase or all-uppercase hex of a digest length.

    ``length`` restricts to one length; by default any of 32 (MD5), 40 (SHA-1), 56, 64 (SHA-256), 96 or 128.

    >>> valid_hash_id(np.array(["d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E",
    ...                         "d41d8cd98f00b204e9800998ecf8427", "d41d8cd98f00b204e9800998ecf8427g"],
    ...                        dtype=object)).tolist()
    [True, True, False, False]
    """
    lengths = _HASH_LENGTHS if length is None else (operator.index(length),)
    alternatives = [f"[0-9{case}]{{{k}}}" for case in ("a-f", "A-F") for k in lengths]
    return _fullmatch(values, "|".join(alternatives))


def generate_hash_id(n: int, rng: np.random.Generator, length: int = 32, upper: bool = False) -> np.ndarray:
    """``n`` random hex digests of ``length`` characters (32 MD5-like, 40 SHA-1-like, 64 SHA-256-like, ...).

    >>> h = generate_hash_id(2, np.random.default_rng(0), length=40, upper=True)
    >>> [len(v) for v in h], bool(valid_hash_id(h, length=40).all())
    ([40, 40], True)
    """
    n = _check_n(n)
    if length not in _HASH_LENGTHS:
        raise ValueError(f"hash length must be one of {_HASH_LENGTHS}, got {length}")
    table = _HEX_UPPER if upper else _HEX_LOWER
    return _from_codes(table[rng.integers(0, 16, size=(n, length), dtype=np.uint8)])


def valid_sequential_id(values: np.ndarray, prefix: str = "") -> np.ndarray:
    """True where the value is ``prefix`` followed by one or more decimal digits.

    >>> valid_sequential_id(np.array(["INV-0007", "INV-", "INV-7a", "0007"], dtype=object), prefix="INV-").tolist()
    [True, False, False, False]
    """
    return _fullmatch(values, re.escape(prefix) + "[0-9]+")


def generate_sequential_id(
    n: int, rng: np.random.Generator | None = None, start: int = 1, width: int = 0, prefix: str = ""
) -> np.ndarray:
    """``prefix`` + consecutive integers from ``start``, zero-padded to ``width`` (``rng`` is not used).

    >>> generate_sequential_id(3, np.random.default_rng(0), start=9, width=3, prefix="ID").tolist()
    ['ID009', 'ID010', 'ID011']
    """
    n = _check_n(n)
    start = operator.index(start)
    if start < 0:
        raise ValueError(f"start must be non-negative, got {start}")
    s = _int_str(np.arange(start, start + n, dtype=np.int64))
    if width:
        s = np.strings.zfill(s, operator.index(width))
    return (_cat(np.full(n, prefix), s) if prefix else s).astype(object)
