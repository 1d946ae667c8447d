"""Values rendered from the locale's Faker format templates: company names, street lines, invented city names.

Placeholders (``{{last_name}}``, ``{{street_suffix}}`` ...) are filled from the locale's word lists and number
formats (``#`` digits) vectorised, one template at a time; job titles are drawn from the locale's job list.
Re-exported by :mod:`~bayes_synth.semantic.people`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from bayes_synth.semantic.names import _PLACEHOLDER, first_names
from bayes_synth.semantic.wordlists import (
    _FALLBACK,
    _canonical,
    _chain,
    _check_n,
    _first_name_pools,
    _make_pool,
    _own,
    _Pool,
    _pool,
    _require,
    _rng,
    vocabulary,  # noqa: F401 - used by the doctests
)

__all__ = ["city_names", "company_names", "job_titles", "street_addresses"]

# --- format templates (company names, street lines, cities) -----------------------------------------------------


_NUMERIFY_RUN = re.compile(r"[#%!@]+|[^#%!@]+")


def _numerify(formats: _Pool, n: int, rng: np.random.Generator) -> np.ndarray:
    """Faker's ``numerify``: ``#`` digit, ``%`` non-zero digit, ``!`` digit or nothing, ``@`` non-zero or nothing.

    A leading ``#`` is read as ``%`` so that house numbers never start with 0. Each run of placeholders is drawn
    as one integer array and formatted at once, not character by character.
    """
    idx = formats.indices(n, rng)
    out = np.empty(n, dtype=object)
    for k in np.unique(idx):
        rows = idx == k
        m = int(rows.sum())
        fmt = str(formats.values[k])
        if fmt.startswith("#"):
            fmt = "%" + fmt[1:]
        acc: np.ndarray | None = None
        for run in _NUMERIFY_RUN.findall(fmt):
            if run[0] not in "#%!@":
                piece: np.ndarray = np.full(m, run, dtype=object)
            else:
                low = np.array([1 if ch in "%@" else 0 for ch in run])
                digits = rng.integers(low, 10, size=(m, len(run)))
                # optional places ("!", "@") are dropped half of the time, as in Faker
                keep = np.ones((m, len(run)), dtype=bool)
                optional = np.array([ch in "!@" for ch in run])
                if optional.any():
                    keep[:, optional] = rng.random((m, int(optional.sum()))) < 0.5
                width = keep.sum(axis=1)
                # value of the kept digits, left to right
                power = np.cumsum(keep[:, ::-1], axis=1)[:, ::-1] - 1
                value = np.where(keep, digits * 10 ** np.maximum(power, 0), 0).sum(axis=1)
                text = np.char.zfill(value.astype(str), width)
                piece = text.astype(object)
                piece[width == 0] = ""
            acc = piece if acc is None else acc + piece
        out[rows] = acc if acc is not None else ""
    return out


_Resolver = Callable[[int, np.random.Generator], np.ndarray]


@lru_cache(maxsize=256)
def _resolvers(locale: str) -> dict[str, _Resolver]:
    """Placeholder name -> generator of ``m`` values, for the placeholders this locale can fill (do not mutate)."""
    female, male = _first_name_pools(locale)

    def pool_of(kind: str, attr: str) -> _Resolver | None:
        p = _pool(kind, attr, locale)
        return None if p is None else p.draw

    def first_any(m: int, rng: np.random.Generator) -> np.ndarray:
        return first_names(m, rng, locale=locale)

    table: dict[str, _Resolver | None] = {
        "first_name": first_any,
        "first_name_female": female.draw,
        "first_name_male": male.draw,
        "last_name": pool_of("person", "last_names"),
        "company_suffix": pool_of("company", "company_suffixes"),
        "company_prefix": pool_of("company", "company_prefixes"),
        "street_suffix": pool_of("address", "street_suffixes"),
        "street_prefix": pool_of("address", "street_prefixes"),
        "street_suffix_long": pool_of("address", "street_suffixes_long"),
        "street_suffix_short": pool_of("address", "street_suffixes_short"),
        "city_prefix": pool_of("address", "city_prefixes"),
        "city_suffix": pool_of("address", "city_suffixes"),
        "city_name": pool_of("address", "cities"),
        "state_name": pool_of("address", "states"),
    }
    return {k: v for k, v in table.items() if v is not None}


def _usable(
    kind: str, attr: str, locale: str, resolvers: Mapping[str, Any], need: tuple[str, ...] = ()
) -> _Pool | None:
    """The formats ``attr`` of the first locale in the chain having one-line formats whose placeholders all resolve
    and that contain every placeholder in ``need``."""
    for cand in _chain(locale):
        raw = _own(kind, cand, attr)
        if raw is None:
            continue
        if isinstance(raw, Mapping):
            items = [(f, float(w)) for f, w in raw.items()]
        else:
            items = [(f, 1.0) for f in raw]
        keep = []
        for fmt, w in items:
            if not isinstance(fmt, str) or "\n" in fmt or w <= 0:
                continue
            names = _PLACEHOLDER.findall(fmt)
            if all(p in resolvers for p in names) and all(p in names for p in need):
                keep.append((fmt.strip(), w))
        if keep:
            weights = np.array([w for _, w in keep])
            cdf = np.cumsum(weights / weights.sum())
            cdf[-1] = 1.0
            return _Pool(np.array([f for f, _ in keep], dtype=object), cdf)
    return None


def _render(formats: _Pool, n: int, rng: np.random.Generator, resolvers: Mapping[str, _Resolver]) -> np.ndarray:
    idx = formats.indices(n, rng)
    out = np.empty(n, dtype=object)
    for k in np.unique(idx):
        rows = idx == k
        m = int(rows.sum())
        parts = _PLACEHOLDER.split(str(formats.values[k]))
        acc = np.full(m, parts[0], dtype=object)
        for j in range(1, len(parts), 2):
            acc = acc + resolvers[parts[j]](m, rng)
            if parts[j + 1]:
                acc = acc + parts[j + 1]
        out[rows] = acc
    return out


@lru_cache(maxsize=256)
def _company_formats(locale: str) -> _Pool:
    fmts = _usable("company", "formats", locale, _resolvers(locale), need=("last_name",))
    return fmts or _Pool(np.array(["{{last_name}} {{company_suffix}}"], dtype=object))


def company_names(n: int, rng: np.random.Generator | int | None, locale: str = "en_US") -> np.ndarray:
    """``n`` company names from the locale's name formats (``Schmidt AG``, ``Lee, Diaz and Ward``, ...).

    >>> company_names(1, np.random.default_rng(2), locale="de_DE")[0].split()[0] in vocabulary("last_names", "de_DE")
    True
    """
    n = _check_n(n)
    gen = _rng(rng)
    return _render(_company_formats(locale), n, gen, _resolvers(locale))


def job_titles(n: int, rng: np.random.Generator | int | None, locale: str = "en_US") -> np.ndarray:
    """``n`` job titles from the locale's job list (``es_ES`` uses Faker's ``es`` list, ``en_GB`` ``en_US``'s).

    >>> job_titles(1, np.random.default_rng(0))[0] in vocabulary("jobs")
    True
    """
    n = _check_n(n)
    return _require(_pool("job", "jobs", locale), "job", locale).draw(n, _rng(rng))


@lru_cache(maxsize=256)
def _street_formats(locale: str) -> tuple[_Pool, _Pool | None, _Pool | None, _Pool]:
    """(street address formats, street name formats, street name list, building number formats)."""
    res = {**_resolvers(locale), "building_number": _numerify, "street_name": _numerify}  # names only for checks
    addr = _usable("address", "street_address_formats", locale, res, need=("building_number", "street_name"))
    addr = addr or _Pool(np.array(["{{building_number}} {{street_name}}"], dtype=object))
    names = _usable("address", "street_name_formats", locale, _resolvers(locale))
    plain = _pool("address", "street_names", locale)
    numbers = _require(_pool("address", "building_number_formats", locale), "building number", locale)
    return addr, names, plain, numbers


def street_addresses(n: int, rng: np.random.Generator | int | None, locale: str = "en_US") -> np.ndarray:
    """``n`` one-line street addresses: building number and street name in the locale's order.

    ``en_US`` gives ``"4821 Smith Avenue"``, ``de_DE`` ``"Müllerstraße 12"``, ``fr_FR`` ``"12, rue Martin"``.
    Street names come from the locale's street name formats (names + street suffixes/prefixes); no secondary
    address (apartment, suite) is added.

    >>> street = street_addresses(1, np.random.default_rng(1), locale="de_DE")[0]
    >>> street.split()[-1][0].isdigit(), street[0].isdigit()
    (True, False)
    """
    n = _check_n(n)
    gen = _rng(rng)
    addr, names, plain, numbers = _street_formats(locale)
    res = dict(_resolvers(locale))
    res["building_number"] = lambda m, r: _numerify(numbers, m, r)
    if names is not None:
        res["street_name"] = lambda m, r: _render(names, m, r, _resolvers(locale))
    elif plain is not None:
        res["street_name"] = plain.draw
    else:  # pragma: no cover - en_US has street name formats
        fallback = _require(_usable("address", "street_name_formats", _FALLBACK, _resolvers(_FALLBACK)), "", locale)
        res["street_name"] = lambda m, r: _render(fallback, m, r, _resolvers(_FALLBACK))
    return _render(addr, n, gen, res)


@lru_cache(maxsize=256)
def _city_source(locale: str) -> _Pool | tuple[_Pool]:
    canon = _canonical(locale)
    for cand in dict.fromkeys((canon, canon.split("_")[0])):
        cities = _make_pool(_own("address", cand, "cities"))
        if cities is not None:
            return cities
    fmts = _usable("address", "city_formats", locale, _resolvers(locale))
    return (_require(fmts, "city", locale),)


def city_names(n: int, rng: np.random.Generator | int | None, locale: str = "en_US") -> np.ndarray:
    """``n`` city names: the locale's real city list when Faker has one (``de_DE``, ``it_IT``, ``nl_NL`` ...),
    otherwise invented from its city formats (``en_US``: ``"East Maryton"``). Format-only: for US places that
    belong together use :func:`bayes_synth.semantic.places.sample_places`.

    >>> len(city_names(3, np.random.default_rng(0), locale="nl_NL"))
    3
    """
    n = _check_n(n)
    gen = _rng(rng)
    src = _city_source(locale)
    if isinstance(src, _Pool):
        return src.draw(n, gen)
    return _render(src[0], n, gen, _resolvers(locale))

