"""USPS codes: the states' and territories' two-letter codes and names, state matching, state and ZIP validators.

Shared by the US place reference (:mod:`~bayes_synth.semantic.us_places`) and the region lists of
:mod:`~bayes_synth.semantic.countries`; re-exported by :mod:`~bayes_synth.semantic.places`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["STATE_NAMES", "TERRITORY_NAMES", "valid_us_state", "valid_us_zip"]

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

_ZIP_RE = r"\d{5}(?:-\d{4})?"


# --- matching state codes and names -----------------------------------------------------------------------------


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


_STATE_KEYS: dict[str, str] = {**{_fold(c): c for c in STATE_NAMES}, **{_fold(v): c for c, v in STATE_NAMES.items()}}
_STATE_KEYS["washington dc"] = "DC"
_STATE_KEYS["washington, dc"] = "DC"
_STATE_KEYS["washington d.c."] = "DC"


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
