"""Places that belong together: postcode, city, state and county drawn as one real row of a reference.

Generating a postcode, a city and a state independently gives addresses that do not exist ("Miami, Alaska 10001").
This module instead samples whole rows of a small real reference, ``bayes_synth/data/us_places.csv`` (a stratified
sample of about 3,200 standard US ZIP codes of the 50 states and DC; see ``data/us_places.README.md`` for source,
licence and sampling, and ``tools/build_us_places.py`` for the build). A synthetic row can be conditioned on the
values a model generated for some of the columns (for example its state), and the remaining columns are then drawn
among the reference rows that agree with them.

Only the United States has a real reference, so only US postcode/city/state triples are real-reference-consistent.
:func:`sample_addresses` handles rows of many countries at once (grouped by country, each group vectorised): US rows
are drawn from the reference; rows of other countries are made from the Faker locale of that country (streets and
cities from its word lists, postcodes in the country's format from :func:`bayes_synth.semantic.ids.generate_postcode`
or, for countries it does not know, Faker's postcode formats), so country, postcode format and locale agree but the
city, region and postcode are not a real place. Faker's own data ties some of them together and that is used: French
postcodes start with the number of the modelled (or drawn) department and Canadian ones with a letter of the
province, both from Faker's ``fr_FR`` and ``en_CA`` tables; Italian rows are drawn from Faker's ``it_IT`` table of
postcode, town and province (converted by Faker from GeoNames). No other country has such a table in Faker (its
``de_DE`` cities, ``en_GB`` cities and postcodes, and so on are independent lists), and none is invented here.

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
    "ADDRESS_COLUMNS",
    "COLUMNS",
    "COUNTRY_LOCALES",
    "COUNTRY_NAMES",
    "KEY_COLUMNS",
    "STATE_NAMES",
    "TERRITORY_NAMES",
    "country_codes",
    "country_locale",
    "country_of_regions",
    "load_places",
    "sample_addresses",
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


# --- countries --------------------------------------------------------------------------------------------------

#: ISO 3166 alpha-2 code -> names, alpha-3 code and other spellings that :func:`country_codes` recognises (English
#: names, common native names, abbreviations; matched ignoring case, dots and repeated spaces).
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "USA", "US", "America"),
    "GB": ("United Kingdom", "GBR", "UK", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"),
    "DE": ("Germany", "DEU", "Deutschland", "Federal Republic of Germany"),
    "FR": ("France", "FRA", "French Republic"),
    "NL": ("Netherlands", "NLD", "The Netherlands", "Holland", "Nederland", "Kingdom of the Netherlands"),
    "CA": ("Canada", "CAN"),
    "AU": ("Australia", "AUS"),
    "NZ": ("New Zealand", "NZL", "Aotearoa"),
    "IE": ("Ireland", "IRL", "Republic of Ireland", "Éire", "Eire"),
    "ES": ("Spain", "ESP", "España", "Espana"),
    "IT": ("Italy", "ITA", "Italia"),
    "PT": ("Portugal", "PRT"),
    "BR": ("Brazil", "BRA", "Brasil"),
    "MX": ("Mexico", "MEX", "México"),
    "AR": ("Argentina", "ARG"),
    "CL": ("Chile", "CHL"),
    "CO": ("Colombia", "COL"),
    "PE": ("Peru", "PER", "Perú"),
    "VE": ("Venezuela", "VEN"),
    "AT": ("Austria", "AUT", "Österreich", "Oesterreich"),
    "CH": ("Switzerland", "CHE", "Schweiz", "Suisse", "Svizzera", "Swiss Confederation"),
    "BE": ("Belgium", "BEL", "Belgique", "België", "Belgie"),
    "LU": ("Luxembourg", "LUX", "Luxemburg"),
    "LI": ("Liechtenstein", "LIE"),
    "DK": ("Denmark", "DNK", "Danmark"),
    "SE": ("Sweden", "SWE", "Sverige"),
    "NO": ("Norway", "NOR", "Norge"),
    "FI": ("Finland", "FIN", "Suomi"),
    "IS": ("Iceland", "ISL", "Ísland"),
    "PL": ("Poland", "POL", "Polska"),
    "CZ": ("Czechia", "CZE", "Czech Republic", "Česko", "Česká republika"),
    "SK": ("Slovakia", "SVK", "Slovensko", "Slovak Republic"),
    "HU": ("Hungary", "HUN", "Magyarország"),
    "RO": ("Romania", "ROU", "România"),
    "BG": ("Bulgaria", "BGR"),
    "GR": ("Greece", "GRC", "Hellas"),
    "CY": ("Cyprus", "CYP"),
    "MT": ("Malta", "MLT"),
    "HR": ("Croatia", "HRV", "Hrvatska"),
    "SI": ("Slovenia", "SVN", "Slovenija"),
    "RS": ("Serbia", "SRB", "Srbija"),
    "BA": ("Bosnia and Herzegovina", "BIH", "Bosnia"),
    "MK": ("North Macedonia", "MKD", "Macedonia"),
    "AL": ("Albania", "ALB"),
    "EE": ("Estonia", "EST", "Eesti"),
    "LV": ("Latvia", "LVA", "Latvija"),
    "LT": ("Lithuania", "LTU", "Lietuva"),
    "UA": ("Ukraine", "UKR"),
    "RU": ("Russia", "RUS", "Russian Federation"),
    "BY": ("Belarus", "BLR"),
    "TR": ("Turkey", "TUR", "Türkiye", "Turkiye"),
    "IL": ("Israel", "ISR"),
    "PS": ("Palestine", "PSE", "State of Palestine"),
    "EG": ("Egypt", "EGY"),
    "SA": ("Saudi Arabia", "SAU"),
    "AE": ("United Arab Emirates", "ARE", "UAE"),
    "BH": ("Bahrain", "BHR"),
    "JO": ("Jordan", "JOR"),
    "IR": ("Iran", "IRN", "Islamic Republic of Iran"),
    "AZ": ("Azerbaijan", "AZE"),
    "AM": ("Armenia", "ARM"),
    "GE": ("Georgia", "GEO"),
    "IN": ("India", "IND", "Bharat"),
    "PK": ("Pakistan", "PAK"),
    "BD": ("Bangladesh", "BGD"),
    "LK": ("Sri Lanka", "LKA"),
    "NP": ("Nepal", "NPL"),
    "CN": ("China", "CHN", "People's Republic of China", "PRC"),
    "TW": ("Taiwan", "TWN"),
    "HK": ("Hong Kong", "HKG"),
    "JP": ("Japan", "JPN"),
    "KR": ("South Korea", "KOR", "Korea", "Republic of Korea", "Korea, Republic of"),
    "TH": ("Thailand", "THA"),
    "VN": ("Vietnam", "VNM", "Viet Nam"),
    "PH": ("Philippines", "PHL"),
    "ID": ("Indonesia", "IDN"),
    "MY": ("Malaysia", "MYS"),
    "SG": ("Singapore", "SGP"),
    "ZA": ("South Africa", "ZAF"),
    "NG": ("Nigeria", "NGA"),
    "KE": ("Kenya", "KEN"),
    "GH": ("Ghana", "GHA"),
    "ET": ("Ethiopia", "ETH"),
    "DZ": ("Algeria", "DZA"),
    "MA": ("Morocco", "MAR"),
    "TN": ("Tunisia", "TUN"),
    "UZ": ("Uzbekistan", "UZB"),
    "KZ": ("Kazakhstan", "KAZ"),
}

#: Country -> the Faker locale its places (streets, cities, postcodes) come from when the data's locale is of
#: another country and no locale of the data's language exists for it (see :func:`country_locale`).
COUNTRY_LOCALES: dict[str, str] = {
    "US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "NL": "nl_NL", "CA": "en_CA", "AU": "en_AU",
    "NZ": "en_NZ", "IE": "en_IE", "ES": "es_ES", "IT": "it_IT", "PT": "pt_PT", "BR": "pt_BR", "MX": "es_MX",
    "AT": "de_AT", "CH": "de_CH", "BE": "nl_BE", "IN": "en_IN",
}  # fmt: skip


def _country_key(value: str) -> str:
    return " ".join(value.replace(".", "").split()).casefold()


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    from faker.providers.address import Provider as Address

    keys = {c.casefold(): c for c in Address.alpha_2_country_codes}
    for code, names in COUNTRY_NAMES.items():
        keys.update({_country_key(name): code for name in names})
    return keys


def country_codes(values: Any) -> np.ndarray:
    """ISO 3166 alpha-2 codes of country codes or names (``""`` for missing or unrecognised values).

    Accepts alpha-2 codes (any that Faker lists), the alpha-3 codes and names of :data:`COUNTRY_NAMES` (English and
    common native names: ``"United Kingdom"``, ``"UK"``, ``"Deutschland"``, ``"DEU"``), ignoring case and dots.
    Work is per distinct value.

    >>> country_codes(["United Kingdom", "de", "U.S.A.", "Deutschland", "FRA", "Atlantis", None]).tolist()
    ['GB', 'DE', 'US', 'DE', 'FR', '', '']
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    codes, uniques = pd.factorize(arr.ravel(), use_na_sentinel=True)
    keys = _country_keys()
    mapped = [keys.get(_country_key(u), "") if isinstance(u, str) else "" for u in uniques]
    return np.array([*mapped, ""], dtype=object)[codes]


@lru_cache(maxsize=256)
def country_locale(country: str, locale: str = "en_US") -> str | None:
    """The Faker locale for places of ``country`` in data whose locale is ``locale`` (None if Faker has none).

    The data's own locale when it is of that country; else that country in the data's language when Faker has it
    (French data, Swiss rows: ``fr_CH``); else :data:`COUNTRY_LOCALES`; else any Faker locale of that country.

    >>> country_locale("GB"), country_locale("DE", "de_DE"), country_locale("CH", "fr_FR"), country_locale("XX")
    ('en_GB', 'de_DE', 'fr_CH', None)
    """
    from faker.config import AVAILABLE_LOCALES

    code = str(country).upper()
    lang, _, own = str(locale).partition("_")
    if own.upper() == code and locale in AVAILABLE_LOCALES:
        return locale
    if f"{lang}_{code}" in AVAILABLE_LOCALES:
        return f"{lang}_{code}"
    if code in COUNTRY_LOCALES:
        return COUNTRY_LOCALES[code]
    return next((loc for loc in sorted(AVAILABLE_LOCALES) if loc.endswith("_" + code)), None)


@lru_cache(maxsize=256)
def _address_provider(locale: str) -> type | None:
    import importlib

    try:
        return importlib.import_module(f"faker.providers.address.{locale}").Provider
    except ModuleNotFoundError:
        return None


_REGION_LISTS = ("states", "states_abbr", "counties", "provinces", "provinces_abbr", "regions", "cantons")


@lru_cache(maxsize=256)
def _region_words(country: str, locale: str) -> dict[str, str]:
    """Folded region name -> as Faker writes it, for the regions of ``country`` (US: the reference's states)."""
    if country == "US":
        return dict(_STATE_KEYS)
    out: dict[str, str] = {}
    provider = _address_provider(locale)
    for attr in _REGION_LISTS:
        for klass in getattr(provider, "__mro__", ())[:1]:  # the locale's own lists, not Faker's generic ones
            for value in klass.__dict__.get(attr, ()) or ():
                if isinstance(value, str):
                    out[_fold(value)] = value
    for _number, name in getattr(provider, "__dict__", {}).get("departments", ()) or ():
        out[_fold(name)] = name
    return out


def country_of_regions(values: Any, prefer: str = "US", locale: str = "en_US") -> str | None:
    """The country whose region names cover most of the distinct ``values`` (at least half), else None.

    Regions are the reference's US states (codes and names) and the region lists of the Faker locales of
    :data:`COUNTRY_LOCALES` (UK counties, German states, French regions and departments, Canadian provinces...).
    Ties go to ``prefer``, then to the US. Used when an entity has a region but no country column.

    >>> country_of_regions(["Kent", "Essex", "Cornwall"]), country_of_regions(["CA", "TX"], prefer="GB")
    ('GB', 'US')
    """
    arr = pd.unique(pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object).dropna())
    folded = {_fold(v) for v in arr if isinstance(v, str) and v.strip()}
    if not folded:
        return None
    counts = {}
    for country in dict.fromkeys(["US", *COUNTRY_LOCALES]):
        loc = country_locale(country, locale)
        counts[country] = len(folded & _region_words(country, loc).keys()) if loc else 0
    best = max(counts.values())
    if 2 * best < len(folded) or best == 0:
        return None
    for country in (prefer, "US", *counts):
        if counts.get(country) == best:
            return country
    return None  # pragma: no cover


# --- places of any country --------------------------------------------------------------------------------------

#: Columns of :func:`sample_addresses` output.
ADDRESS_COLUMNS: tuple[str, ...] = ("country", "postcode", "city", "state", "street")


def sample_addresses(
    n: int,
    rng: np.random.Generator | int | None,
    countries: Any = None,
    region: Any = None,
    locale: str = "en_US",
    *,
    street: bool = True,
) -> pd.DataFrame:
    """``n`` addresses, row ``i`` in country ``countries[i]``, agreeing with ``region[i]`` where that can be honoured.

    ``countries`` is one country or an array of ``n`` (codes or names, see :func:`country_codes`); missing or
    unrecognised values, and a None ``countries``, take the country of ``locale``. Rows are grouped by country and
    each group is generated vectorised:

    - US rows: whole real rows of the reference (:func:`sample_places`), in the given state when ``region`` is a US
      state (code or name); the street from the locale's word lists;
    - IT rows: postcode, town and province drawn together from Faker's ``it_IT`` table, in the given province;
    - other rows: city and street from the country's Faker locale (:func:`country_locale`), the postcode in the
      country's format; FR postcodes start with the given (or drawn) department's number and CA postcodes with a
      letter of the given (or drawn) province. These are not real places: only the format and locale agree.

    ``state`` is the given region where there is one, else the drawn state, province or department (``""`` when
    the locale has no list). ``street=False`` leaves ``street`` empty (faster).

    >>> out = sample_addresses(3, np.random.default_rng(0), ["US", "United Kingdom", "DE"])
    >>> out["country"].tolist()
    ['US', 'GB', 'DE']
    >>> from bayes_synth.semantic import ids
    >>> [bool(ids.valid_postcode([p], c)[0]) for p, c in zip(out["postcode"], out["country"])]
    [True, True, True]
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    n = int(n)
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    default = str(locale).partition("_")[2].upper() or "US"
    if countries is None or np.ndim(countries) == 0:
        rows_of, uniques = np.zeros(n, dtype=np.int64), [countries]
    else:
        rows_of, uniques = pd.factorize(np.asarray(countries, dtype=object), use_na_sentinel=True)
        if len(rows_of) != n:
            raise ValueError(f"countries must have length n={n}, got {len(rows_of)}")
        if (rows_of < 0).any():  # missing: the default country
            rows_of = np.where(rows_of < 0, len(uniques), rows_of)
            uniques = [*uniques, None]
    mapped = country_codes(np.array([*uniques, None], dtype=object))[:-1]  # per distinct value, not per row
    mapped[mapped == ""] = default
    regions = None
    if region is not None:
        regions = np.asarray(region, dtype=object)
        if regions.ndim != 1 or len(regions) != n:
            raise ValueError(f"region must be a 1-d array of length n={n}, got shape {regions.shape}")

    group, codes = pd.factorize(mapped)
    group = group[rows_of]
    if len(codes) == 1:  # one country: no row indexing
        part = _addresses_in(str(codes[0]), n, gen, regions, locale, street)
        return pd.DataFrame({"country": np.full(n, codes[0], dtype=object), **part}, dtype=object)[
            list(ADDRESS_COLUMNS)]
    out = {c: np.full(n, "", dtype=object) for c in ADDRESS_COLUMNS}
    out["country"] = np.asarray(codes, dtype=object)[group]
    for k, code in enumerate(codes):
        rows = np.flatnonzero(group == k)
        given = None if regions is None else regions[rows]
        part = _addresses_in(str(code), len(rows), gen, given, locale, street)
        for column in ("postcode", "city", "state", "street"):
            out[column][rows] = part[column]
    return pd.DataFrame(out, dtype=object)


def _addresses_in(code: str, m: int, gen: np.random.Generator, region: np.ndarray | None, locale: str,
                  street: bool) -> dict[str, np.ndarray]:
    from bayes_synth.semantic import people

    loc = country_locale(code, locale) or locale
    if code == "US":
        idx = _draw_rows(m, gen, {"state": region} if region is not None else None, "US", "any")
        text = _ref_text("US")
        part = {c: text[c][idx] for c in ("postcode", "city", "state")}
    elif code == "IT" and _it_table() is not None:
        part = _it_places(m, gen, region)
    else:
        state = _region_or_drawn(code, loc, m, gen, region)
        part = {"postcode": _postcodes(code, loc, m, gen, state), "city": people.city_names(m, gen, locale=loc),
                "state": state}
    part["street"] = people.street_addresses(m, gen, locale=loc) if street else np.full(m, "", dtype=object)
    return part


def _given(region: np.ndarray | None, m: int) -> np.ndarray:
    """Region values as text, ``""`` where missing."""
    if region is None:
        return np.full(m, "", dtype=object)
    codes, uniques = pd.factorize(np.asarray(region, dtype=object), use_na_sentinel=True)
    return np.array([*(str(u).strip() for u in uniques), ""], dtype=object)[codes]


def _region_or_drawn(code: str, loc: str, m: int, gen: np.random.Generator, region: np.ndarray | None) -> np.ndarray:
    """The given region, or one drawn from the locale's list (FR: a department, CA: a province code)."""
    state = _given(region, m)
    empty = state == ""
    if not empty.any():
        return state
    provider = _address_provider(loc)
    if code == "FR":
        pool = tuple(name for _, name in _fr_departments()[1])
    elif code == "CA":
        pool = tuple(_ca_prefixes())
    else:
        own = getattr(provider, "__dict__", {})
        pool = next((own[a] for a in ("states", "counties", "provinces", "regions", "cantons") if own.get(a)), ())
    if pool:
        state[empty] = np.asarray(pool, dtype=object)[gen.integers(0, len(pool), int(empty.sum()))]
    return state


@lru_cache(maxsize=1)
def _fr_departments() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(folded department name or number -> postcode prefix, Faker's fr_FR departments)."""
    from faker.providers.address.fr_FR import Provider

    prefix = {}
    for number, name in Provider.departments:
        code = "20" if number in ("2A", "2B") else number
        prefix[_fold(name)] = code
        prefix[_fold(number)] = code
    return prefix, tuple(Provider.departments)


@lru_cache(maxsize=1)
def _ca_prefixes() -> dict[str, tuple[str, ...]]:
    """Province code -> first letters of its postcodes (Faker's en_CA table)."""
    from faker.providers.address.en_CA import Provider

    return {abbr: tuple(letters) for abbr, letters in Provider.provinces_postcode_prefixes.items()}


@lru_cache(maxsize=1)
def _ca_keys() -> dict[str, str]:
    from faker.providers.address.en_CA import Provider

    keys = {_fold(a): a for a in Provider.provinces_abbr}
    keys.update({_fold(name): abbr for name, abbr in zip(Provider.provinces, Provider.provinces_abbr, strict=True)})
    keys["yukon"] = "YT"
    keys["québec"] = "QC"
    return keys


def _postcodes(code: str, loc: str, m: int, gen: np.random.Generator, state: np.ndarray) -> np.ndarray:
    """``m`` postcodes of country ``code``, agreeing with ``state`` for FR (department) and CA (province)."""
    from bayes_synth.semantic import ids

    if code == "FR":
        prefix, departments = _fr_departments()
        codes, uniques = pd.factorize(state)
        known = np.array([prefix.get(_fold(str(u)), "") for u in uniques], dtype=object)[codes]
        unknown = known == ""
        if unknown.any():
            numbers = np.array([prefix[_fold(n)] for n, _ in departments], dtype=object)
            known[unknown] = numbers[gen.integers(0, len(numbers), int(unknown.sum()))]
        out = np.empty(m, dtype=object)
        for width in (2, 3):
            rows = np.flatnonzero(np.array([len(p) == width for p in known], dtype=bool)) if m else np.zeros(0, int)
            if rows.size:
                tail = np.char.zfill(gen.integers(0, 10 ** (5 - width), rows.size).astype(str), 5 - width)
                out[rows] = known[rows] + tail.astype(object)
        return out
    try:
        out = np.asarray(ids.generate_postcode(m, gen, country=code), dtype=object)
    except ValueError:
        return _faker_postcodes(loc, m, gen)
    if code == "CA" and m:
        keys, prefixes = _ca_keys(), _ca_prefixes()
        codes, uniques = pd.factorize(state)
        for k, value in enumerate(uniques):
            abbr = keys.get(_fold(str(value)))
            if abbr is None:
                continue
            rows = np.flatnonzero(codes == k)
            letters = np.asarray(prefixes[abbr], dtype=object)[gen.integers(0, len(prefixes[abbr]), rows.size)]
            out[rows] = letters + np.array([p[1:] for p in out[rows]], dtype=object)
    return out


def _faker_postcodes(loc: str, m: int, gen: np.random.Generator) -> np.ndarray:
    """Postcodes from the locale's Faker ``postcode_formats`` (``#`` digit, ``%`` 1-9, ``?`` letter)."""
    formats = getattr(_address_provider(loc), "postcode_formats", None)
    formats = tuple(f for f in (formats or ()) if isinstance(f, str) and "{" not in f) or ("#####",)
    which = gen.integers(0, len(formats), m)
    out = np.empty(m, dtype=object)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)
    for k in np.unique(which):
        rows = np.flatnonzero(which == k)
        acc = np.full(rows.size, "", dtype=object)
        for ch in formats[k]:
            if ch == "#":
                acc = acc + gen.integers(0, 10, rows.size).astype(str).astype(object)
            elif ch == "%":
                acc = acc + gen.integers(1, 10, rows.size).astype(str).astype(object)
            elif ch == "?":
                acc = acc + letters[gen.integers(0, 26, rows.size)]
            else:
                acc = acc + ch
        out[rows] = acc
    return out


@lru_cache(maxsize=1)
def _it_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, str]] | None:
    """Faker's it_IT (postcode, town, province code) rows, rows by province code, folded name -> province code."""
    provider = _address_provider("it_IT")
    table = getattr(provider, "cap_city_province", None)
    if not table:
        return None
    rows = [(cap, town, prov) for cap, towns in table.items() for town, prov in towns]
    cap, town, prov = (np.array(col, dtype=object) for col in zip(*rows, strict=True))
    by_prov = {k: v.astype(np.int64) for k, v in pd.Series(np.arange(len(prov))).groupby(prov).indices.items()}
    keys = {_fold(p): p for p in by_prov}
    for name, abbr in zip(getattr(provider, "states", ()), getattr(provider, "states_abbr", ()), strict=False):
        if abbr in by_prov:
            keys[_fold(name)] = abbr
    return cap, town, prov, by_prov, keys


def _it_places(m: int, gen: np.random.Generator, region: np.ndarray | None) -> dict[str, np.ndarray]:
    table = _it_table()
    assert table is not None
    cap, town, prov, by_prov, keys = table
    idx = gen.integers(0, len(cap), m)
    given = _given(region, m)
    codes, uniques = pd.factorize(given)
    for k, value in enumerate(uniques):
        abbr = keys.get(_fold(str(value))) if value else None
        if abbr is None:
            continue
        rows = np.flatnonzero(codes == k)
        pool = by_prov[abbr]
        idx[rows] = pool[gen.integers(0, len(pool), rows.size)]
    state = np.where(given == "", prov[idx], given).astype(object)
    return {"postcode": cap[idx], "city": town[idx], "state": state}


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
