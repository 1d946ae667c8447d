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

This module holds :func:`sample_addresses` (places of any country) and re-exports the rest from the modules that own
each part: :mod:`~bayes_synth.semantic.us_places` (the US reference, :func:`load_places`, :func:`sample_places`),
:mod:`~bayes_synth.semantic.countries` (country codes, names, locales and regions) and
:mod:`~bayes_synth.semantic.usps` (US state codes and names, state and ZIP validators).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> df = sample_places(3, rng, given={"state": np.array(["CA", "NY", "CA"])})
>>> df["state"].tolist()
['CA', 'NY', 'CA']
>>> list(df.columns)
['postcode', 'city', 'state', 'state_name', 'county', 'latitude', 'longitude']
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.countries import (
    COUNTRY_LOCALES,
    COUNTRY_NAMES,
    _address_provider,
    country_codes,
    country_locale,
    country_of_regions,
)
from bayes_synth.semantic.us_places import COLUMNS, KEY_COLUMNS, _draw_rows, _ref_text, load_places, sample_places
from bayes_synth.semantic.usps import STATE_NAMES, TERRITORY_NAMES, _fold, valid_us_state, valid_us_zip

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
