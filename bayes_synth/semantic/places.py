"""Places that belong together: postcode, city, state and county drawn as one real row of a reference.

Generating a postcode, a city and a state independently gives addresses that do not exist ("Miami, Alaska 10001").
This module instead samples whole rows of a small real reference, ``bayes_synth/data/us_places.csv`` (a stratified
sample of about 3,200 standard US ZIP codes of the 50 states and DC; see ``data/us_places.README.md`` for source,
licence and sampling, and ``tools/build_us_places.py`` for the build). A synthetic row can be conditioned on the
values a model generated for some of the columns (for example its state), and the remaining columns are then drawn
among the reference rows that agree with them.

Only the United States has a reference. Other countries are out of scope here: use format-only generation for them
(for example :func:`bayes_synth.semantic.people.street_addresses` for street lines).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> df = sample_places(3, rng, given={"state": np.array(["CA", "NY", "CA"])})
>>> df["state"].tolist()
['CA', 'NY', 'CA']
>>> list(df.columns)
['postcode', 'city', 'state', 'state_name', 'county', 'latitude', 'longitude']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "KEY_COLUMNS",
    "STATE_NAMES",
    "TERRITORY_NAMES",
    "load_places",
    "sample_places",
    "valid_us_state",
    "valid_us_zip",
]

#: Columns of the reference and of :func:`sample_places` output, in order.
COLUMNS: tuple[str, ...] = ("postcode", "city", "state", "state_name", "county", "latitude", "longitude")
#: Columns that can be given to :func:`sample_places` as conditions.
KEY_COLUMNS: tuple[str, ...] = ("postcode", "city", "state", "state_name", "county")

#: USPS two-letter codes of the 50 states and the District of Columbia -> name.
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

#: USPS codes of the territories and military "states" (valid codes, but not in the reference).
TERRITORY_NAMES: dict[str, str] = {
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "FM": "Federated States of Micronesia",
    "MH": "Marshall Islands",
    "PW": "Palau",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}

_DATA = Path(__file__).resolve().parent.parent / "data" / "us_places.csv"
_ZIP_RE = r"\d{5}(?:-\d{4})?"
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


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


_STATE_KEYS: dict[str, str] = {**{_fold(c): c for c in STATE_NAMES}, **{_fold(v): c for c, v in STATE_NAMES.items()}}
_STATE_KEYS["washington dc"] = "DC"
_STATE_KEYS["washington, dc"] = "DC"
_STATE_KEYS["washington d.c."] = "DC"


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
    total = len(ref)

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


# --- validators -------------------------------------------------------------------------------------------------


def _as_series(values: Any) -> pd.Series:
    if np.ndim(values) == 0:
        values = [values]
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def valid_us_state(values: Any, *, territories: bool = False) -> np.ndarray:
    """Whether each value is a USPS code of one of the 50 states or DC (case and spaces ignored).

    ``territories=True`` also accepts PR, GU, VI, AS, MP, FM, MH, PW and the military AA/AE/AP.
    Missing and non-string values are ``False``.

    >>> valid_us_state(["CA", " ny", "XX", None, "PR"]).tolist()
    [True, True, False, False, False]
    """
    codes = set(STATE_NAMES) | (set(TERRITORY_NAMES) if territories else set())
    s = _as_series(values)
    is_str = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if is_str.any():
        out[is_str] = s[is_str].astype(str).str.strip().str.upper().isin(codes).to_numpy(dtype=bool)
    return out


def valid_us_zip(values: Any) -> np.ndarray:
    """Whether each value is a well-formed US ZIP code, ``12345`` or ZIP+4 ``12345-6789`` (format only).

    The format is checked, not existence (the reference is a sample); ``00000`` is rejected. Integers are not
    accepted (a ZIP is a string: leading zeros matter).

    >>> valid_us_zip(["02134", "90210-1234", "2134", "00000", 12345, None]).tolist()
    [True, True, False, False, False, False]
    """
    s = _as_series(values)
    is_str = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if is_str.any():
        text = s[is_str].astype(str).str.strip()
        ok = text.str.fullmatch(_ZIP_RE) & ~text.str.startswith("00000")
        out[is_str] = ok.to_numpy(dtype=bool)
    return out
