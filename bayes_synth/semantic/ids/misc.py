"""Miscellaneous formatted strings: file names, ``#rrggbb`` hex colours and licence plates."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bayes_synth.semantic.ids._common import (
    _HEX_LOWER,
    _HEX_UPPER,
    _POW10,
    _as_values,
    _assemble,
    _cat,
    _check_n,
    _from_codes,
    _fullmatch,
    _int_str,
    _norm_country,
    _pad,
    _pick,
    _u,
)
from bayes_synth.semantic.ids._words import _WORDS_U

_FILE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "documents": ("pdf", "docx", "doc", "txt", "odt", "rtf", "pptx", "md"),
    "images": ("jpg", "jpeg", "png", "gif", "svg", "webp", "tiff", "bmp"),
    "data": ("csv", "json", "parquet", "xml", "tsv", "xlsx", "sqlite", "yaml"),
}


def valid_file_name(values: np.ndarray, extensions: Sequence[str] | None = None) -> np.ndarray:
    """True where the value is a plain file name (no directory part) with an extension.

    ``extensions`` (case-insensitive, without dots) restricts the allowed extensions.

    >>> valid_file_name(np.array(["annual_report-2024.pdf", "notes", "dir/x.csv", ".hidden"], dtype=object)).tolist()
    [True, False, False, False]
    >>> valid_file_name(np.array(["a.CSV", "a.pdf"], dtype=object), extensions=["csv"]).tolist()
    [True, False]
    """
    arr = _as_values(values)
    ok = _fullmatch(arr, r"[A-Za-z0-9][A-Za-z0-9 _.()+-]{0,200}\.[A-Za-z0-9]{1,10}")
    if extensions is not None and ok.any():
        allowed = {e.lower().lstrip(".") for e in extensions}
        ext = pd.Series(arr[ok], dtype=object).str.rsplit(".", n=1).str[-1].str.lower()
        ok[ok] = ext.isin(allowed).to_numpy(dtype=bool)
    return ok


def generate_file_name(
    n: int, rng: np.random.Generator, kind: str | None = None, extensions: Sequence[str] | None = None
) -> np.ndarray:
    """``n`` random file names: 1-3 words joined by ``_`` or ``-``, sometimes a number, and an extension.

    Extensions come from ``extensions`` if given, else from ``kind`` (``documents``, ``images``, ``data``),
    else from all kinds.

    >>> generate_file_name(2, np.random.default_rng(3), kind="data").tolist()
    ['teal_copper_copper.csv', 'blue_delta_2019.csv']
    """
    n = _check_n(n)
    if extensions is None:
        if kind is None:
            extensions = tuple(e for exts in _FILE_EXTENSIONS.values() for e in exts)
        elif kind in _FILE_EXTENSIONS:
            extensions = _FILE_EXTENSIONS[kind]
        else:
            raise ValueError(f"unknown file kind {kind!r}; supported: {', '.join(_FILE_EXTENSIONS)}")
    exts = [e.lstrip(".") for e in extensions]
    if not exts or not all(re.fullmatch(r"[A-Za-z0-9]{1,10}", e) for e in exts):
        raise ValueError(f"extensions must be 1-10 alphanumeric characters, got {list(extensions)!r}")
    w = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(3, n))]
    nwords = rng.integers(1, 4, size=n)
    sep = np.where(rng.random(n) < 0.5, "_", "-")
    number = np.where(rng.random(n) < 0.3, _cat(sep, _int_str(rng.integers(2000, 2027, size=n))), "")
    name = _cat(w[0], np.where(nwords >= 2, _cat(sep, w[1]), ""), np.where(nwords >= 3, _cat(sep, w[2]), ""),
                number, ".", _pick(rng, n, exts))
    return name.astype(object)


def valid_colour_hex(values: np.ndarray) -> np.ndarray:
    """True where the value is a ``#rrggbb`` hex colour (either case).

    >>> valid_colour_hex(np.array(["#1a2b3c", "#1A2B3C", "1a2b3c", "#1a2b3"], dtype=object)).tolist()
    [True, True, False, False]
    """
    return _fullmatch(values, r"#[0-9a-fA-F]{6}")


def generate_colour_hex(n: int, rng: np.random.Generator, upper: bool = False) -> np.ndarray:
    """``n`` random ``#rrggbb`` colours.

    >>> generate_colour_hex(2, np.random.default_rng(0)).tolist()
    ['#58cdce', '#0a2dd8']
    """
    n = _check_n(n)
    h = (_HEX_UPPER if upper else _HEX_LOWER)[rng.integers(0, 16, size=(n, 6), dtype=np.uint8)]
    return _from_codes(_assemble(n, "#", h))


_PLATE_GB_MEMORY = np.frombuffer(b"ABCDEFGHJKLMNOPRSTUVWXY", dtype=np.uint8)  # no I, Q, Z
_PLATE_GB_RANDOM = np.frombuffer(b"ABCDEFGHJKLMNOPRSTUVWXYZ", dtype=np.uint8)  # no I, Q
_PLATE_GB_AGE = np.array([*range(2, 27), *range(51, 76)], dtype=np.int64)
_PLATE_US_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)  # no I, O, Q
_PLATE_DE_DISTRICTS = ("B", "M", "HH", "K", "F", "S", "D", "HB", "H", "L", "DD", "N", "E", "DO", "DU", "BO", "MS",
                       "KA", "MA", "WI", "BN", "AC", "KI", "HRO", "MZ", "OS", "GE", "BI", "HD", "FR", "RV", "LB")
_PLATE_DE_LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPRSTUVWXYZ", dtype=np.uint8)
_PLATE_RE = {
    "GB": r"[A-HJ-PR-Y]{2}[0-9]{2} ?[A-HJ-PR-Z]{3}",
    "US": r"[1-9][A-Z]{3}[0-9]{3}",
    "DE": r"[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2} [1-9][0-9]{0,3}[EH]?",
}


def valid_licence_plate(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a licence plate of GB (``AB12 CDE``), US (California ``1ABC234``) or DE (``B-AB 1234``).

    >>> valid_licence_plate(np.array(["AB12 CDE", "7XYZ123", "HH-AB 1234", "AB12 CDI"], dtype=object)).tolist()
    [True, True, True, False]
    """
    countries = list(_PLATE_RE) if country is None else [_norm_country(country, list(_PLATE_RE), "licence plate")]
    return _fullmatch(values, "|".join(_PLATE_RE[c] for c in countries))


def generate_licence_plate(n: int, rng: np.random.Generator, country: str = "GB") -> np.ndarray:
    """``n`` random licence plates of ``country``: GB current format, US California style, DE simplified.

    >>> generate_licence_plate(2, np.random.default_rng(0), country="GB").tolist()
    ['VP17 BAE', 'MG04 VRX']
    """
    n = _check_n(n)
    country = _norm_country(country, list(_PLATE_RE), "licence plate")
    if country == "GB":
        memory = _PLATE_GB_MEMORY[rng.integers(0, _PLATE_GB_MEMORY.size, size=(n, 2))]
        age = _pad(_PLATE_GB_AGE[rng.integers(0, _PLATE_GB_AGE.size, size=n)], 2)
        rand = _PLATE_GB_RANDOM[rng.integers(0, _PLATE_GB_RANDOM.size, size=(n, 3))]
        return _from_codes(_assemble(n, memory, age, " ", rand))
    if country == "US":
        letters = _PLATE_US_LETTERS[rng.integers(0, _PLATE_US_LETTERS.size, size=(n, 3))]
        digits = rng.integers(0, 10, size=(n, 4))
        digits[:, 0] = rng.integers(1, 10, size=n)
        return _from_codes(_assemble(n, digits[:, :1] + 48, letters, digits[:, 1:] + 48))
    district = _pick(rng, n, _PLATE_DE_DISTRICTS)
    nletters = rng.integers(1, 3, size=n)
    letters = _u(_PLATE_DE_LETTERS[rng.integers(0, _PLATE_DE_LETTERS.size, size=(n, 2))])
    letters = np.where(nletters == 1, np.strings.slice(letters, 0, 1), letters)
    max_digits = np.minimum(4, 8 - np.strings.str_len(district) - nletters)
    number = _int_str(rng.integers(1, _POW10[max_digits]))
    return _cat(district, "-", letters, " ", number).astype(object)
