"""The real US place reference, ``bayes_synth/data/us_places.csv``: loaded once, and sampled by whole rows.

:func:`sample_places` draws reference rows agreeing with given postcodes, cities, states or counties, so that a
synthetic address's postcode, city, state and county belong together (see :mod:`~bayes_synth.semantic.places`,
which re-exports this module's public names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from bayes_synth.semantic.usps import (
    _STATE_KEYS,
    STATE_NAMES,  # noqa: F401 - used by the doctests
    _fold,
)

__all__ = ["COLUMNS", "KEY_COLUMNS", "load_places", "sample_places"]

#: Columns of the reference and of :func:`sample_places` output, in order.
COLUMNS: tuple[str, ...] = ("postcode", "city", "state", "state_name", "county", "latitude", "longitude")
#: Columns that can be given to :func:`sample_places` as conditions.
KEY_COLUMNS: tuple[str, ...] = ("postcode", "city", "state", "state_name", "county")

_DATA = Path(__file__).resolve().parent.parent / "data" / "us_places.csv"
_SEP = "\x1f"
_KM_PER_DEGREE = 111.32


def _country(country: str) -> str:
    key = str(country).strip().upper().replace(".", "")
    if key in {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}:
        return "US"
    raise ValueError(
        "only country='US' has a place reference; other countries are out of scope (use format-only generation)"
    )


@lru_cache(maxsize=4)
def _load(country: str) -> pd.DataFrame:
    df = pd.read_csv(
        _DATA,
        dtype={"postcode": str, "city": str, "state": str, "state_name": str, "county": str},
        keep_default_na=False,
        encoding="utf-8",
    )
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"place reference {_DATA.name} lacks columns {missing}")
    df = df[list(COLUMNS)].reset_index(drop=True)
    df["latitude"] = df["latitude"].astype("float64")
    df["longitude"] = df["longitude"].astype("float64")
    return df


def load_places(country: str = "US") -> pd.DataFrame:
    """The real place reference of ``country`` as a new DataFrame (the file is read once and cached).

    Only ``"US"`` exists: about 3,200 standard ZIP codes, at least 10 in each of the 50 states and DC, with columns
    ``postcode, city, state, state_name, county, latitude, longitude`` (postcode a 5-character string). Any other
    country raises ``ValueError``: non-US places are out of scope for the reference.

    >>> places = load_places()
    >>> sorted(places["state"].unique()) == sorted(STATE_NAMES)
    True
    >>> places["postcode"].str.fullmatch(r"\\d{5}").all()
    np.True_
    """
    return _load(_country(country)).copy()


# --- normalising condition values -------------------------------------------------------------------------------


def _norm_value(column: str, value: Any) -> str | None:
    """The matching key of one condition value (``None`` for a missing value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column == "postcode":
        if isinstance(value, (int, np.integer)):
            return f"{int(value):05d}"
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return f"{int(value):05d}"
        text = str(value).strip()
        m = re.fullmatch(r"(\d{3,5})(?:[- ]?\d{4})?", text)
        return m.group(1).zfill(5) if m else _fold(text)
    text = _fold(str(value))
    if column in ("state", "state_name"):
        return _STATE_KEYS.get(text, text)
    return text


def _norm_array(column: str, values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"given[{column!r}] must be a 1-d array of length n={n}, got shape {arr.shape}")
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    keys = np.array([_norm_value(column, u) for u in uniques] + [None], dtype=object)
    return keys[codes]  # code -1 (missing) picks the trailing None


@lru_cache(maxsize=32)
def _ref_groups(country: str, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Reference row numbers by the joint key of ``columns``."""
    ref = _load(country)
    parts = [ref[c].map(lambda v, c=c: _norm_value(c, v)).to_numpy(dtype=object) for c in columns]
    keys = parts[0] if len(parts) == 1 else _join(parts)
    return {k: v.astype(np.int64) for k, v in pd.Series(np.arange(len(ref))).groupby(keys).indices.items()}


def _join(parts: list[np.ndarray]) -> np.ndarray:
    out = parts[0].astype(object)
    for p in parts[1:]:
        out = out + _SEP + p
    return out


# --- sampling ---------------------------------------------------------------------------------------------------


def sample_places(
    n: int,
    rng: np.random.Generator | int | None,
    given: Mapping[str, Any] | None = None,
    country: str = "US",
    *,
    unknown: Literal["raise", "any"] = "raise",
    jitter_km: float = 0.0,
) -> pd.DataFrame:
    """``n`` real places, one reference row per output row, agreeing with the ``given`` values of each row.

    ``given`` maps some of ``postcode, city, state, state_name, county`` to arrays of length ``n`` (for example the
    states a model generated). Row ``i`` is drawn uniformly among the reference rows whose columns match row ``i`` of
    every given array; matching ignores case and surrounding spaces, ``state`` and ``state_name`` accept either a
    code or a name, and postcodes accept ZIP+4 or integers. A missing given value (None/NaN) does not constrain its
    row on that column. Work is vectorised per distinct given key, not per row.

    A row whose given key does not exist in the reference raises ``ValueError`` naming the column(s) and how many rows
    and distinct values are unknown (never the values themselves), unless ``unknown="any"``: then it is drawn from
    all reference rows. ``jitter_km > 0`` moves each latitude/longitude uniformly within a disc of that radius.

    Only ``country="US"`` has a reference; other countries raise ``ValueError`` (out of scope: use format-only
    generation for them).

    >>> rng = np.random.default_rng(1)
    >>> out = sample_places(4, rng, given={"state_name": np.array(["Texas", "Ohio", None, "texas"])})
    >>> out["state"].tolist()[:2], out["state"].tolist()[3]
    (['TX', 'OH'], 'TX')
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    n = int(n)
    if unknown not in ("raise", "any"):
        raise ValueError(f"unknown must be 'raise' or 'any', got {unknown!r}")
    if not np.isfinite(jitter_km) or jitter_km < 0:
        raise ValueError(f"jitter_km must be a finite number >= 0, got {jitter_km!r}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    code = _country(country)
    ref = _load(code)
    idx = _draw_rows(n, gen, given, code, unknown)
    out = ref.iloc[idx].reset_index(drop=True)
    if jitter_km > 0 and n:
        r = jitter_km * np.sqrt(gen.random(n))
        theta = 2 * np.pi * gen.random(n)
        lat = out["latitude"].to_numpy()
        dlat = r * np.sin(theta) / _KM_PER_DEGREE
        dlon = r * np.cos(theta) / (_KM_PER_DEGREE * np.maximum(np.cos(np.radians(lat)), 0.01))
        out["latitude"] = np.clip(lat + dlat, -90.0, 90.0).round(5)
        out["longitude"] = ((out["longitude"].to_numpy() + dlon + 180.0) % 360.0 - 180.0).round(5)
    return out


@lru_cache(maxsize=4)
def _ref_text(country: str) -> dict[str, np.ndarray]:
    """The reference's text columns as object arrays (taking rows from them is cheaper than from the frame)."""
    ref = _load(country)
    return {c: ref[c].to_numpy(dtype=object) for c in KEY_COLUMNS}


def _draw_rows(n: int, gen: np.random.Generator, given: Mapping[str, Any] | None, code: str,
               unknown: str) -> np.ndarray:
    """Reference row numbers for :func:`sample_places` (see there)."""
    total = len(_load(code))

    given = dict(given or {})
    bad = [c for c in given if c not in KEY_COLUMNS]
    if bad:
        raise ValueError(f"given columns must be among {list(KEY_COLUMNS)}; got unsupported {bad}")
    cols = [c for c in KEY_COLUMNS if c in given]  # canonical order, so the group cache is shared
    norm = {c: _norm_array(c, given[c], n) for c in cols}

    # Plan: rows grouped by which given columns are present, then by their joint key.
    plan: list[tuple[np.ndarray, np.ndarray | None]] = []  # (rows, reference pool or None for "all")
    unknown_rows = 0
    unknown_keys = 0
    unknown_cols: set[str] = set()
    if cols:
        present = np.column_stack([np.not_equal(norm[c], None) for c in cols])
        pattern = present.astype(np.int64) @ (1 << np.arange(len(cols), dtype=np.int64))
    else:
        pattern = np.zeros(n, dtype=np.int64)
    for pat in np.unique(pattern):
        rows = np.flatnonzero(pattern == pat)
        use = tuple(c for j, c in enumerate(cols) if (int(pat) >> j) & 1)
        if not use:
            plan.append((rows, None))
            continue
        parts = [norm[c][rows] for c in use]
        keys = parts[0] if len(parts) == 1 else _join(parts)
        codes, uniques = pd.factorize(keys)
        order = np.argsort(codes, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
        groups = _ref_groups(code, use)
        for u, key in enumerate(uniques):
            members = rows[order[bounds[u] : bounds[u + 1]]]
            pool = groups.get(key)
            if pool is None:
                unknown_rows += len(members)
                unknown_keys += 1
                unknown_cols.update(use)
            plan.append((members, pool))
    if unknown_rows and unknown == "raise":
        names = ", ".join(repr(c) for c in cols if c in unknown_cols)
        raise ValueError(
            f"given {names}: {unknown_rows} row(s) with {unknown_keys} distinct value(s) not found in the "
            f"{code} place reference; pass unknown='any' to draw those rows from all places"
        )

    idx = np.empty(n, dtype=np.int64)
    for members, pool in plan:
        if pool is None:
            idx[members] = gen.integers(0, total, len(members))
        else:
            idx[members] = pool[gen.integers(0, len(pool), len(members))]
    return idx
