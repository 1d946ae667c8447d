"""The catalogue of semantic types: for each, what the model keeps, how it is recognised and made.

Every type is one of two roles:

- **modelled**: the network learns the values (under DP) as a number, date or category; the type adds
  recognition, validation and a display format (``$1,234.50``, ``03/07/2021``, ``Y``/``N``);
- **generated**: the values are never learned, only whether a cell is present. Fresh values are made
  at sample time, in the column's format, agreeing with the other columns of their entity. Every
  personal type is generated, so no real name, email or card number can reach the output.

>>> get_type("email").generated, get_type("email").personal
(True, True)
>>> len(TYPES) >= 50
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

Validator = Callable[[np.ndarray], np.ndarray]


@dataclass
class Context:
    """What a generator may use: options (pattern, country, locale...) and the entity's other values.

    ``entity`` maps a role (``gender``, ``first_name``, ``state``, ``country``...) to one value per row.
    """

    options: dict[str, Any] = field(default_factory=dict)
    entity: dict[str, np.ndarray] = field(default_factory=dict)
    locale: str = "en_US"


Generator = Callable[[int, np.random.Generator, Context], np.ndarray]


@dataclass(frozen=True)
class SemanticType:
    """One semantic type.

    ``kind``: what the model stores for a modelled type (integer, float, categorical, boolean, date,
    datetime); ``generated`` types store only presence. ``hint``: a regular expression on the column
    name that makes detection trust weaker evidence; ``needs_hint``: values alone are not enough
    (a first name looks like any word). ``format_family``: the display format learned for it
    (:mod:`bayes_synth.semantic.formats`).
    """

    name: str
    kind: str
    generated: bool
    personal: bool
    description: str
    validate: Validator | None = None
    generate: Generator | None = None
    hint: str | None = None
    needs_hint: bool = False
    format_family: str | None = None
    options: tuple[str, ...] = ()
    group: str = "other"

    def matches_name(self, column: str) -> bool:
        """Whether the column name suggests this type (``"e_mail"`` for email)."""
        return bool(self.hint) and re.search(self.hint, _plain(column)) is not None


def _plain(name: str) -> str:
    """``"Customer E-Mail"`` -> ``"customer_e_mail"``: lower case, words joined by ``_``."""
    return "_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + "_"


# ---------------------------------------------------------------------------------------- validators
def _regex(pattern: str, flags: int = 0) -> Validator:
    compiled = re.compile(pattern, flags)

    def valid(values: np.ndarray) -> np.ndarray:
        return pd.Series(values, dtype=object).astype(str).str.fullmatch(compiled).to_numpy(dtype=bool)

    return valid


def _member(words: Callable[[], set[str]], fold: bool = True) -> Validator:
    def valid(values: np.ndarray) -> np.ndarray:
        text = pd.Series(values, dtype=object).astype(str).str.strip()
        return (text.str.lower() if fold else text).isin(words()).to_numpy(dtype=bool)

    return valid


def _numeric_range(lo: float, hi: float) -> Validator:
    def valid(values: np.ndarray) -> np.ndarray:
        x = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        return np.isfinite(x) & (x >= lo) & (x <= hi)

    return valid


def _ids(name: str, **options: Any) -> Validator:
    def valid(values: np.ndarray) -> np.ndarray:
        from bayes_synth.semantic import ids

        return getattr(ids, f"valid_{name}")(np.asarray(values, dtype=object), **options)

    return valid


def _by_country(name: str) -> Validator:
    """Valid in any supported country (postcodes, phones)."""
    def valid(values: np.ndarray) -> np.ndarray:
        from bayes_synth.semantic import ids

        check = getattr(ids, f"valid_{name}")
        values = np.asarray(values, dtype=object)
        out = np.zeros(len(values), dtype=bool)
        for country in COUNTRIES:
            try:
                out |= check(values, country)
            except (ValueError, KeyError):
                continue
        return out

    return valid


def _format_valid(family: str, accept: Callable[[Any], bool] = lambda f: True) -> Validator:
    """Valid when a display format of ``family`` reads (nearly) all the values."""
    def valid(values: np.ndarray) -> np.ndarray:
        from bayes_synth.semantic import formats

        series = pd.Series(values, dtype=object).astype(str)
        fmt = formats.learn_format(series, family)
        if fmt is None or not accept(fmt):
            return np.zeros(len(series), dtype=bool)
        return _parsed_ok(formats, series, fmt, family)

    return valid


CURRENCY_SYMBOLS = {"$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "฿", "₫", "₴", "₦", "R$", "US$", "C$", "A$", "kr",
                    "zł", "Kč", "Fr", "CHF", "R"}


def _currency(affix: str) -> bool:
    """A currency symbol or ISO 4217 code (``$``, ``€``, ``EUR``), spacing and signs aside."""
    text = affix.strip().strip("-").strip()
    return bool(text) and (text in CURRENCY_SYMBOLS or text.lower() in _faker_words("currency"))


def _parsed_ok(formats, series: pd.Series, fmt, family: str) -> np.ndarray:
    if family == "number":
        return np.isfinite(formats.parse_numbers(series, fmt))
    if family == "date":
        return formats.parse_dates(series, fmt).notna().to_numpy(dtype=bool)
    if family == "duration":
        return np.isfinite(np.asarray(formats.parse_durations(series, fmt), dtype=float))
    return np.ones(len(series), dtype=bool)


# ------------------------------------------------------------------------------------- vocabularies
@cache
def _faker_words(kind: str) -> frozenset[str]:
    from faker.providers.address import Provider as Address
    from faker.providers.address.en_US import Provider as USAddress
    from faker.providers.currency import Provider as Currency
    from faker.providers.job import Provider as Job
    from faker.providers.misc import Provider as Misc

    lists = {
        "country": [c.lower() for c in USAddress.countries],
        "alpha2": [c.lower() for c in Address.alpha_2_country_codes],
        "alpha3": [c.lower() for c in Address.alpha_3_country_codes],
        "currency": [c[0].lower() for c in Currency.currencies],
        "language": [c.lower() for c in Misc.language_locale_codes]
        + [f"{lang}{sep}{land}".lower() for lang, lands in Misc.language_locale_codes.items() for land in lands
           for sep in ("_", "-")],
        "job": [j.lower() for j in Job.jobs],
    }
    return frozenset(lists[kind])


@cache
def _name_words(kind: str) -> frozenset[str]:
    """Lower-cased first or last names of every supported locale (for detection)."""
    from bayes_synth.semantic import people

    lists = ("first_names_female", "first_names_male") if kind == "first_name" else ("last_names",)
    return frozenset(w.lower() for locale in people.LOCALES for k in lists for w in people.vocabulary(k, locale))


def _people_words(kind: str) -> Callable[[], frozenset[str]]:
    return lambda: _name_words(kind)


def _places_words(kind: str) -> Callable[[], set[str]]:
    def words() -> set[str]:
        from bayes_synth.semantic import places

        table = places.load_places("US")
        if kind == "region":
            return {s.lower() for s in table["state"]} | {s.lower() for s in table["state_name"]}
        return {s.lower() for s in table[kind]}

    return words


GENDERS = {"f", "m", "female", "male", "woman", "man", "w", "x", "u", "non-binary", "nonbinary", "other",
           "unknown", "diverse", "d", "femme", "homme", "weiblich", "männlich", "mujer", "hombre"}
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "herr", "frau",
          "m", "mme", "mlle", "sr", "sra", "srta", "sig", "sig.ra", "dhr", "mevr"}
MONTHS = {m.lower() for m in pd.date_range("2024-01-01", periods=12, freq="MS").strftime("%B")}
WEEKDAYS = {d.lower() for d in pd.date_range("2024-01-01", periods=7, freq="D").strftime("%A")}
ORDINAL_SCALES = [
    ["very low", "low", "medium", "high", "very high"], ["low", "medium", "high"], ["small", "medium", "large"],
    ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"], ["never", "rarely", "sometimes",
                                                                              "often", "always"],
    ["poor", "fair", "good", "very good", "excellent"], ["xs", "s", "m", "l", "xl", "xxl"],
]
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "CA", "AU")


def _titles(values: np.ndarray) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lower().str.rstrip(".")
    return text.isin(TITLES).to_numpy(dtype=bool)


def _months(values: np.ndarray) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lower()
    names = MONTHS | {m[:3] for m in MONTHS}
    numbers = pd.to_numeric(text, errors="coerce")
    return (text.isin(names) | ((numbers >= 1) & (numbers <= 12) & (numbers == numbers.round()))).to_numpy(bool)


def _weekdays(values: np.ndarray) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lower()
    return text.isin(WEEKDAYS | {d[:3] for d in WEEKDAYS}).to_numpy(dtype=bool)


def _ordinal(values: np.ndarray) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lower()
    seen = set(text.unique())
    scale = next((s for s in ORDINAL_SCALES if seen <= set(s)), None)
    return text.isin(scale or []).to_numpy(dtype=bool)


def _booleans(values: np.ndarray) -> np.ndarray:
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lower()
    pairs = [{"true", "false"}, {"yes", "no"}, {"y", "n"}, {"t", "f"}, {"1", "0"}]
    seen = set(text.unique())
    return text.isin(next((p for p in pairs if seen <= p), set())).to_numpy(dtype=bool)


# street addresses and company names are told by their shape, however often a value repeats
_HOUSE = r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_WORD = r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?"
_UNIT = (r",?\s+(?:(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|no)\b\.?|#)"
         r"\s*#?\s*[\w-]*\d[\w-]*$")
#: words that start a street name (rue, via, calle...) and German/Dutch endings of one-word street names
_STREET_FIRST = {"rue", "avenue", "boulevard", "chemin", "allée", "impasse", "place", "quai", "route", "via", "viale",
                 "piazza", "calle", "avenida", "rua", "travessa", "plaza", "paseo", "camino", "carrer", "am", "an",
                 "auf", "im", "c", "av", "bd"}
_STREET_ENDINGS = ("straße", "strasse", "str", "gasse", "platz", "allee", "weg", "ring", "damm", "ufer", "chaussee",
                   "steig", "pfad", "markt", "graben", "kai", "laan", "straat", "gracht", "plein", "kade", "dijk",
                   "singel", "dreef", "baan", "hof", "steeg", "pad", "boulevard")
_STREET_ABBREVIATIONS = {"st", "ave", "av", "rd", "blvd", "dr", "ln", "ct", "pl", "sq", "hwy", "pkwy", "ter", "terr",
                         "cir", "cres", "cl", "close", "crt", "pde", "parade", "wy", "rte", "trl", "mews", "gdns"}


@cache
def _street_words() -> tuple[frozenset[str], frozenset[str]]:
    """(street-type words: suffixes, prefixes and abbreviations of every locale; words that start a street)."""
    from bayes_synth.semantic import people

    first = {w.lower().rstrip(".") for loc in people.LOCALES for w in people.vocabulary("street_prefixes", loc)}
    kinds = {w.lower().rstrip(".") for loc in people.LOCALES for w in people.vocabulary("street_suffixes", loc)}
    return frozenset(kinds | first | _STREET_ABBREVIATIONS | set(_STREET_ENDINGS)), frozenset(first | _STREET_FIRST)


def _street(values: np.ndarray) -> np.ndarray:
    """A street address: a house number then words ending in a street type (``12 Oak Street``, ``12, rue Martin``),
    or words with a street type or ending then the number (``Hauptstraße 5``, ``Via Roma, 3``); a unit may follow."""
    kinds, first = _street_words()
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.replace(_UNIT, "", regex=True, flags=re.I)
    lead = text.str.fullmatch(rf"{_HOUSE},?\s+{_WORD}(?:\s+{_WORD}){{1,6}}").to_numpy(dtype=bool)
    trail = text.str.fullmatch(rf"{_WORD}(?:[\s-]+{_WORD}){{0,6}},?\s+{_HOUSE}").to_numpy(dtype=bool)
    words = text.str.lower().str.findall(r"[^\W\d_]+").to_numpy(dtype=object)
    out = np.zeros(len(text), dtype=bool)
    for i in np.flatnonzero(lead | trail):
        w = words[i]
        if lead[i]:
            out[i] = w[-1] in kinds or w[0] in first
        else:
            out[i] = w[0] in first or any(x in kinds or x.endswith(_STREET_ENDINGS) for x in w)
    return out


_CAPITAL = r"(?=[A-ZÀ-ÖØ-Þ])[^\W\d_][\w'’]*"


@cache
def _company_regex() -> re.Pattern[str]:
    from bayes_synth.semantic import people

    forms = {w for loc in people.LOCALES for w in people.vocabulary("company_suffixes", loc)}
    forms |= {"Inc.", "Ltd.", "Limited", "Corp", "Corp.", "Corporation", "Co.", "& Co.", "& Co", "SE", "SAS", "SARL",
              "B.V.", "N.V.", "LLP", "LP", "Pty Ltd", "Pty. Ltd.", "S.p.A.", "SpA", "Srl", "S.r.l.", "Oy", "AB", "A/S",
              "ApS", "Holdings"}
    suffix = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    joined = r"(?:and|&|e|et|y|und|en)"
    return re.compile(rf"\S.*?,?\s+(?i:{suffix})|{_CAPITAL}-{_CAPITAL}"
                      rf"|{_CAPITAL}(?:,\s+{_CAPITAL})*,?\s+{joined}\s+{_CAPITAL}")


def _company(values: np.ndarray) -> np.ndarray:
    """A company name: words and a legal form (``Acme Inc``, ``Schmidt GmbH``), ``Lee-Hart``, ``Lee, Diaz and Ward``."""
    text = pd.Series(values, dtype=object).astype(str).str.strip()
    return text.str.fullmatch(_company_regex()).to_numpy(dtype=bool)


# --------------------------------------------------------------------------------------- generators
def _gen_ids(name: str, *keys: str) -> Generator:
    def generate(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
        from bayes_synth.semantic import ids

        options = {k: ctx.options[k] for k in keys if ctx.options.get(k) is not None}
        return getattr(ids, f"generate_{name}")(n, rng, **options)

    return generate


def _gen_country(name: str, *keys: str, own: tuple[str, ...] = ()) -> Generator:
    """Formats that follow the row's country (the entity's modelled country, else the option).

    The options ``keys`` (learned spacing...) are passed for every country, the options ``own`` (a learned
    phone layout) only for the rows of the column's own ``country`` option, the country they were learned in.
    """
    def generate(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
        from bayes_synth.semantic import ids

        make = getattr(ids, f"generate_{name}")
        default = _default_country(ctx)
        countries = row_countries(n, ctx)
        shared = {k: ctx.options[k] for k in keys if ctx.options.get(k) is not None}
        mine = {k: ctx.options[k] for k in own if ctx.options.get(k) is not None}
        home = str(ctx.options.get("country") or "").upper()
        out = np.empty(n, dtype=object)
        group, uniques = pd.factorize(countries)
        for k, country in enumerate(uniques):
            rows = np.flatnonzero(group == k)
            extra = {**shared, **mine} if country == home else shared
            out[rows] = _in_country(make, len(rows), rng, (country, default), **extra)
        return out

    return generate


def _in_country(make: Callable[..., np.ndarray], n: int, rng: np.random.Generator,
                countries: tuple[str, ...], **options: Any) -> np.ndarray:
    """``make`` in the first of ``countries`` it supports, else in its own default country."""
    for country in dict.fromkeys(countries):
        try:
            return make(n, rng, country=country, **options)
        except ValueError:  # a country this generator does not know
            continue
    return make(n, rng)


def _country_of_locale(locale: str) -> str:
    """The country of a locale (``de_DE`` -> ``DE``); US for a locale without one."""
    code = str(locale).partition("_")[2].upper()
    return code if re.fullmatch(r"[A-Z]{2}", code) else "US"


def _default_country(ctx: Context) -> str:
    """The country of rows without a modelled one: the column's option, else the entity's regions, else the locale's."""
    if ctx.options.get("country"):
        return str(ctx.options["country"]).upper()
    own = _country_of_locale(ctx.locale)
    region = ctx.entity.get("region")
    if region is not None and not any(ctx.entity.get(r) is not None for r in COUNTRY_ROLES):
        from bayes_synth.semantic import places

        return places.country_of_regions(region, prefer=own, locale=ctx.locale) or own
    return own


#: the entity roles that name each row's country, in the order they are read
COUNTRY_ROLES = ("country_code", "country", "country_code3")


def row_countries(n: int, ctx: Context) -> np.ndarray:
    """Each row's ISO alpha-2 country: the entity's modelled country (code or name), else :func:`_default_country`.

    >>> ctx = Context(entity={"country": np.array(["Germany", "United Kingdom", None], dtype=object)})
    >>> row_countries(3, ctx).tolist()
    ['DE', 'GB', 'US']
    """
    default = _default_country(ctx)
    given = next((ctx.entity[r] for r in COUNTRY_ROLES if ctx.entity.get(r) is not None), None)
    if given is None:
        return np.full(n, default, dtype=object)
    codes = _country_codes(given)
    codes[codes == ""] = default
    return codes


def _country_codes(values: np.ndarray) -> np.ndarray:
    """ISO alpha-2 codes from codes, alpha-3 codes or country names (unknown -> ''); see places.country_codes."""
    from bayes_synth.semantic import places

    return places.country_codes(values)


#: people generators whose vocabulary follows each row's country when the entity names one
PER_COUNTRY = ("first_names", "last_names", "titles")


def row_locales(n: int, ctx: Context) -> np.ndarray | None:
    """Each row's Faker locale from the entity's country (code or name), or None when the entity names no
    country (then every row uses the data's locale).

    >>> ctx = Context(locale="en_US", entity={"country": np.array(["Germany", "FR", None], dtype=object)})
    >>> row_locales(3, ctx).tolist()
    ['de_DE', 'fr_FR', 'en_US']
    """
    if not any(ctx.entity.get(r) is not None for r in COUNTRY_ROLES):
        return None
    from bayes_synth.semantic import places

    codes = pd.Series(row_countries(n, ctx), dtype=object)
    locales = {c: places.country_locale(c, ctx.locale) or ctx.locale for c in codes.unique()}
    return codes.map(locales).to_numpy(dtype=object)


def per_locale(n: int, ctx: Context, make: Callable[[np.ndarray, str], Any]) -> np.ndarray:
    """``make(rows, locale)`` for each group of rows sharing a locale (one call per locale, not per row),
    assembled in row order; one call for all rows when the entity names no country."""
    locales = row_locales(n, ctx)
    if locales is None:
        return np.asarray(make(np.arange(n), ctx.locale), dtype=object)
    out = np.empty(n, dtype=object)
    for locale in pd.unique(locales):
        rows = np.flatnonzero(locales == locale)
        out[rows] = np.asarray(make(rows, locale), dtype=object)
    return out


def _gen_people(function: str, *roles: str) -> Generator:
    """A generator from :mod:`people`, fed the entity's roles it asks for (gender, first, last); names and
    titles come from the vocabulary of each row's country when the entity has a country column."""
    def generate(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
        from bayes_synth.semantic import people

        given = {role: np.asarray(ctx.entity[role], dtype=object) for role in roles if ctx.entity.get(role) is not None}
        extra: dict[str, Any] = {"unique": True} if function == "emails" and ctx.options.get("unique") else {}

        def make(rows: np.ndarray, locale: str) -> Any:
            kwargs = {{"first_name": "first", "last_name": "last"}.get(r, r): v[rows] for r, v in given.items()}
            return getattr(people, function)(len(rows), rng, locale=locale, **kwargs, **extra)

        if function in PER_COUNTRY:
            return per_locale(n, ctx, make)
        return np.asarray(make(np.arange(n), ctx.locale), dtype=object)

    return generate


def _gen_full_name(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
    """Full names built from the entity's first and last names; parts the entity lacks are generated here and
    left in ``ctx.entity`` so that an email generated after it is built from the same name.

    >>> ctx = Context(entity={"gender": np.array(["F", "M"], dtype=object)})
    >>> names = _gen_full_name(2, np.random.default_rng(0), ctx)
    >>> names.tolist() == [f"{f} {la}" for f, la in zip(ctx.entity["first_name"], ctx.entity["last_name"])]
    True
    """
    from bayes_synth.semantic import people

    gender = ctx.entity.get("gender")
    if ctx.entity.get("first_name") is None:
        ctx.entity["first_name"] = per_locale(n, ctx, lambda rows, locale: people.first_names(
            len(rows), rng, None if gender is None else np.asarray(gender, dtype=object)[rows], locale))
    if ctx.entity.get("last_name") is None:
        ctx.entity["last_name"] = per_locale(n, ctx, lambda rows, locale: people.last_names(len(rows), rng, locale))
    return np.asarray(people.full_names(n, rng, locale=ctx.locale, first=ctx.entity["first_name"],
                                        last=ctx.entity["last_name"]), dtype=object)


def _gen_place(column: str) -> Generator:
    """City, postcode or street of the entity's place (one per row, in the row's country; see ``fill``)."""
    def generate(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
        if "_place" in ctx.entity:
            return ctx.entity["_place"][column].to_numpy(dtype=object)
        return entity_places(n, rng, ctx, street=column == "street")[column].to_numpy(dtype=object)

    return generate


def entity_places(n: int, rng: np.random.Generator, ctx: Context, street: bool = True) -> pd.DataFrame:
    """One place per row in the row's country (:func:`row_countries`), agreeing with the entity's region.

    US rows are real places of the reference; other countries follow the format and locale of their country only
    (see :func:`bayes_synth.semantic.places.sample_addresses`).
    """
    from bayes_synth.semantic import places

    return places.sample_addresses(n, rng, row_countries(n, ctx), region=ctx.entity.get("region"),
                                   locale=ctx.locale, street=street)


def _gen_pattern(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
    from bayes_synth.semantic import ids

    pattern, unique = ctx.options["pattern"], bool(ctx.options.get("unique"))
    if ctx.options.get("nonzero_first") and pattern[:1] == "0" and len(pattern) > 1 \
            and (not unique or ids.pattern_capacity(pattern[1:]) >= n):
        # random digit ids that never start with 0 (12345678, not 01234567): distinct tails keep them unique
        first = rng.integers(1, 10, size=n).astype(str)
        return np.strings.add(first, ids.generate_pattern_id(n, rng, pattern[1:], unique=unique).astype(str)
                              ).astype(object)
    return ids.generate_pattern_id(n, rng, pattern, unique=unique)


def _gen_sequential(n: int, rng: np.random.Generator, ctx: Context) -> np.ndarray:
    from bayes_synth.semantic import ids

    options = {k: ctx.options[k] for k in ("start", "width", "prefix") if ctx.options.get(k) is not None}
    return ids.generate_sequential_id(n, rng, **options)


def _valid_pattern(values: np.ndarray) -> np.ndarray:
    """Any single learned shape (detection only; the learned pattern validates at sample time)."""
    from bayes_synth.semantic import ids

    values = np.asarray(values, dtype=object)
    pattern = ids.learn_pattern(values)
    if pattern is None or not any(c in pattern for c in "0AaX"):
        return np.zeros(len(values), dtype=bool)
    return ids.valid_pattern_id(values, pattern)


#: a full name's shape: two to eight words of letters joined by spaces, commas, apostrophes, periods or
#: hyphens ("Ann Lee", "Lee, Ann", "Dr. Mary O'Neil-Smith Jr."); any name would do, so this is the shape only
FULL_NAME = r"[^\W\d_]+(?:[ ,'’.-]{1,3}[^\W\d_]+){1,7}\.?"


# ------------------------------------------------------------------------------------------ catalogue
def _t(name, kind, generated, personal, description, validate=None, generate=None, hint=None, needs_hint=False,
       format_family=None, options=(), group="other") -> SemanticType:
    return SemanticType(name, kind, generated, personal, description, validate, generate, hint, needs_hint,
                        format_family, tuple(options), group)


_W = r"(^|_)"  # start of a word in a plain column name
_E = r"(_|$)"

_CATALOGUE = [
    # --- numbers, categories and time: modelled by the network -----------------------------------
    _t("integer", "integer", False, False, "whole numbers", _regex(r"\s*[+-]?\d+\s*"), group="number"),
    _t("float", "float", False, False, "decimal numbers", _regex(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*"),
       group="number"),
    _t("money", "float", False, False, "amounts of money, with a currency symbol or code, grouping and decimals",
       _format_valid("number", lambda f: (_currency(f.prefix) or _currency(f.suffix)) and f.min_width <= 1
                     and not f.prefix.rstrip().endswith("-")
                     and not (f.negative == "prefix-" and f.prefix.strip().isalpha())),  # 'CAD-001234' is a code
       hint=_W + r"(amount|price|cost|fee|balance|salary|income|revenue|total|paid|payment)", format_family="number",
       options=("format", "decimals"), group="number"),
    _t("percentage", "float", False, False, "percentages such as 12.5%",
       _format_valid("number", lambda f: f.percent), hint=_W + r"(pct|percent|percentage|rate)" + _E,
       format_family="number", group="number"),
    _t("boolean", "boolean", False, False, "two-valued flags: true/false, yes/no, Y/N, 1/0", _booleans,
       format_family="bool", group="category"),
    _t("category", "categorical", False, False, "a small set of labels", group="category"),
    _t("ordinal", "categorical", False, False, "ordered labels (low < medium < high, Likert scales)", _ordinal,
       group="category"),
    _t("date", "date", False, False, "calendar dates in one format (2021-07-03, 03/07/2021, 3 Jul 2021)",
       _format_valid("date", lambda f: f.kind == "date"), format_family="date", options=("format",), group="time"),
    _t("datetime", "datetime", False, False, "date and time of day",
       _format_valid("date", lambda f: f.kind == "datetime"), format_family="date", options=("format",),
       group="time"),
    _t("time", "float", False, False, "time of day (14:30, 2:30 PM), modelled as seconds since midnight",
       _format_valid("date", lambda f: f.kind == "time"), hint=_W + r"time" + _E, format_family="date",
       group="time"),
    _t("duration", "float", False, False, "lengths of time (01:30:00, 90 min, PT1H30M), modelled in seconds",
       _format_valid("duration"), hint=_W + r"(duration|elapsed|length|time_spent)", needs_hint=True,
       format_family="duration", group="time"),
    _t("year", "integer", False, False, "calendar years", _numeric_range(1800, 2100), hint=_W + r"(year|yr)" + _E,
       needs_hint=True, format_family="year", group="time"),
    _t("month", "categorical", False, False, "months by name, abbreviation or number", _months,
       hint=_W + r"month" + _E, needs_hint=True, format_family="month", group="time"),
    _t("weekday", "categorical", False, False, "days of the week", _weekdays, format_family="weekday", group="time"),
    _t("timestamp_tz", "datetime", False, False, "timestamps with a time zone (2021-07-03T10:00:00+02:00, ...Z)",
       _format_valid("date", lambda f: f.kind == "datetime_tz"), format_family="date", group="time"),
    # --- modelled labels with a reference vocabulary -----------------------------------------------
    _t("gender", "categorical", False, False, "gender or sex labels (F/M, female/male...)", _member(lambda: GENDERS),
       hint=_W + r"(gender|sex)" + _E, needs_hint=True, group="person"),
    _t("title", "categorical", False, False, "honorifics (Mr, Ms, Dr...)", _titles,
       hint=_W + r"(title|salutation|honorific)" + _E, needs_hint=True, group="person"),
    _t("country", "categorical", False, False, "country names (English)", _member(lambda: _faker_words("country")),
       hint=_W + r"(country|nation)", group="place"),
    _t("country_code", "categorical", False, False, "ISO 3166 alpha-2 country codes",
       _member(lambda: _faker_words("alpha2")), hint=_W + r"(country|cc|iso)", needs_hint=True, group="place"),
    _t("country_code3", "categorical", False, False, "ISO 3166 alpha-3 country codes",
       _member(lambda: _faker_words("alpha3")), hint=_W + r"(country|iso)", needs_hint=True, group="place"),
    _t("region", "categorical", False, False, "US states (names or codes); regions, counties", _member(
        _places_words("region")), hint=_W + r"(state|region|county|province)" + _E, needs_hint=True, group="place"),
    _t("language_code", "categorical", False, False, "ISO 639 language codes (en, de, en_US)",
       _member(lambda: _faker_words("language")), hint=_W + r"(lang|language|locale)", needs_hint=True,
       group="code"),
    _t("currency_code", "categorical", False, False, "ISO 4217 currency codes (EUR, USD)",
       _member(lambda: _faker_words("currency")), hint=_W + r"(currency|ccy)", needs_hint=True, group="code"),
    _t("job_title", "categorical", False, False, "job titles and occupations", _member(lambda: _faker_words("job")),
       hint=_W + r"(job|occupation|position|role)", needs_hint=True, group="person"),
    _t("latitude", "float", False, False, "latitude in decimal degrees", _numeric_range(-90, 90),
       hint=_W + r"(lat|latitude)" + _E, needs_hint=True, group="place"),
    _t("longitude", "float", False, False, "longitude in decimal degrees", _numeric_range(-180, 180),
       hint=_W + r"(lon|lng|long|longitude)" + _E, needs_hint=True, group="place"),
    _t("colour_hex", "categorical", False, False, "colour codes (#1a2b3c)", _regex(r"#[0-9a-fA-F]{6}"),
       group="code"),
    # --- identifiers: generated, in the learned or declared format ---------------------------------
    _t("uuid", "text", True, False, "UUIDs (version 4), lower or upper case", _ids("uuid", upper=None),
       _gen_ids("uuid", "upper"), options=("upper",), group="identifier"),
    _t("sequential_id", "text", True, False, "consecutive numbers used as keys (1, 2, 3 or 000123)",
       _ids("sequential_id"), _gen_sequential, hint=_W + r"(id|key|no|number|num)" + _E,
       options=("start", "width", "prefix"),
       group="identifier"),
    _t("pattern_id", "text", True, False, "codes with one shape, e.g. CUS-004521 (template AAA-000000)",
       _valid_pattern, _gen_pattern, options=("pattern", "unique"), group="identifier"),
    _t("hash_id", "text", True, False, "hex digests used as ids (32, 40 or 64 hex digits)",
       _regex(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}"), _gen_ids("hash_id", "length", "upper"),
       options=("length", "upper"), group="identifier"),
    # --- people ---------------------------------------------------------------------------------------
    _t("first_name", "text", True, True, "given names (agree with the entity's gender and country)",
       _member(_people_words("first_name")), _gen_people("first_names", "gender"),
       hint=_W + r"(first|given|fore)_?name|(^|_)(fname|first)" + _E, needs_hint=True, group="person"),
    _t("last_name", "text", True, True, "family names", _member(_people_words("last_name")),
       _gen_people("last_names"), hint=_W + r"(last|family|sur)_?name|(^|_)(lname|surname)" + _E, needs_hint=True,
       group="person"),
    _t("full_name", "text", True, True, "full names (built from the entity's first and last names)",
       _regex(FULL_NAME), _gen_full_name,
       hint=_W + r"(full_?name|name|customer|client|person|patient|employee)" + _E, needs_hint=True,
       group="person"),
    _t("email", "text", True, True, "email addresses (built from the entity's names)",
       _regex(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
       _gen_people("emails", "first_name", "last_name"), hint=_W + r"e_?mail", options=("unique",),
       group="person"),
    _t("phone", "text", True, True, "phone numbers, in the format of the row's country", _by_country("phone"),
       _gen_country("phone", own=("layout",)), hint=_W + r"(phone|tel|telephone|mobile|cell|fax)", needs_hint=True,
       options=("country", "layout"), group="person"),
    _t("company_name", "text", True, False, "company names", _company, _gen_people("company_names"),
       hint=_W + r"(company|employer|organi[sz]ation|business|firm)", needs_hint=True, group="person"),
    _t("ssn", "text", True, True, "US social security numbers", _ids("ssn"), _gen_ids("ssn"),
       hint=_W + r"(ssn|social)", group="person"),
    _t("uk_nino", "text", True, True, "UK national insurance numbers", _ids("uk_nino"), _gen_ids("uk_nino", "spaced"),
       options=("spaced",), group="person"),
    _t("free_text", "text", True, True, "free text: replaced by neutral sentences, never copied", None,
       _gen_people("free_text"), group="text"),
    # --- places ---------------------------------------------------------------------------------------
    _t("street_address", "text", True, True, "street addresses, in the locale of the row's country", _street,
       _gen_place("street"),
       hint=_W + r"(address|street|addr)", group="place"),
    _t("city", "text", True, False, "cities: US ones from a real reference agreeing with state and ZIP, others "
       "from the locale of the row's country", _member(_places_words("city")), _gen_place("city"),
       hint=_W + r"(city|town)" + _E, needs_hint=True, group="place"),
    _t("postcode", "text", True, True, "postcodes and ZIP codes, in the format of the row's country",
       _by_country("postcode"), _gen_place("postcode"), hint=_W + r"(zip|postcode|postal|post_code|zipcode|plz)",
       needs_hint=True, options=("country",), group="place"),
    _t("licence_plate", "text", True, True, "vehicle registration plates", _ids("licence_plate"),
       _gen_country("licence_plate"),
       hint=_W + r"(plate|registration|licen[cs]e_?plate)", needs_hint=True, options=("country",), group="place"),
    # --- money and banking ---------------------------------------------------------------------------
    _t("iban", "text", True, True, "IBANs with valid check digits, of the row's country", _ids("iban"),
       _gen_country("iban", "spaced"),
       options=("country", "spaced"), group="finance"),
    _t("sort_code", "text", True, False, "UK bank sort codes (12-34-56)", _ids("sort_code"),
       _gen_ids("sort_code"), hint=_W + r"sort", needs_hint=True, group="finance"),
    _t("routing_number", "text", True, False, "US ABA routing numbers (valid checksum)", _ids("routing_number"),
       _gen_ids("routing_number"), hint=_W + r"(routing|aba)", needs_hint=True, group="finance"),
    _t("credit_card", "text", True, True, "card numbers (valid Luhn, length per scheme), plain or in groups",
       _ids("credit_card", grouped=True), _gen_ids("credit_card", "scheme", "sep", "groups"),
       options=("scheme", "sep", "groups"), group="finance"),
    _t("card_expiry", "text", True, True, "card expiry dates (MM/YY or MM/YYYY)", _ids("card_expiry", year_digits=None),
       _gen_ids("card_expiry", "year_digits"), options=("year_digits",), hint=_W + r"(exp|expiry|expiration|valid)",
       needs_hint=True, group="finance"),
    _t("vat_number", "text", True, False, "VAT numbers (GB, DE, FR with check digits)", _ids("vat_number"),
       _gen_country("vat_number"), options=("country",), group="finance"),
    # --- the internet and files ------------------------------------------------------------------------
    _t("url", "text", True, False, "web addresses", _ids("url"), _gen_ids("url"), group="internet"),
    _t("domain", "text", True, False, "domain names", _ids("domain"), _gen_ids("domain"),
       hint=_W + r"(domain|host|website|site)", needs_hint=True, group="internet"),
    _t("ipv4", "text", True, True, "IPv4 addresses", _ids("ipv4"), _gen_ids("ipv4"), group="internet"),
    _t("ipv6", "text", True, True, "IPv6 addresses", _ids("ipv6"), _gen_ids("ipv6"), group="internet"),
    _t("mac", "text", True, True, "MAC addresses", _ids("mac"), _gen_ids("mac", "sep", "upper"),
       options=("sep", "upper"), group="internet"),
    _t("user_agent", "text", True, False, "browser user agent strings", _ids("user_agent"),
       _gen_ids("user_agent"), group="internet"),
    _t("file_name", "text", True, False, "file names with extensions", _ids("file_name"), _gen_ids("file_name"),
       hint=_W + r"(file|filename|attachment|document)", needs_hint=True, group="internet"),
]

TYPES: dict[str, SemanticType] = {t.name: t for t in _CATALOGUE}
#: why a type has no validator (``bayes-synth check`` cannot test its values)
NOT_VALIDATED = {
    "category": "any label can be a category; declare the labels with `in [...]` and check tests them",
    "free_text": "any text is free text",
}
#: validators that test membership of a reference word list or a loose shape (a street-type word, a legal
#: form): good evidence for detection, but a real value outside them is not an error, so
#: ``bayes-synth check`` does not flag it
DETECTION_ONLY = frozenset({"first_name", "last_name", "city", "region", "country", "gender", "title", "job_title",
                            "company_name", "street_address"})
#: what of the real column's display is kept in the output, or "-" and what is written instead (docs/types.md,
#: "format kept"); generated types that learn their look list it in ``bayes_synth.semantic.layouts.KEPT``
FORMAT_KEPT = {
    "integer": "- (plain whole numbers, as ingest reads them)",
    "float": "decimals when declared (`decimals 2`); with `as float`, the learned number format",
    "money": "currency symbol or code, grouping, decimal mark, decimals, negative style, zero padding",
    "percentage": "percent sign, grouping, decimal mark, decimals",
    "boolean": "the two labels as written (Y/N, yes/no, true/false), case kept; 1/0 stay numbers",
    "category": "the labels as written (they are the categories)",
    "ordinal": "the labels as written (they are the categories)",
    "date": "strftime pattern learned or declared (`format \"%m/%d/%Y\"`): field order, separators, padding, "
            "month names",
    "datetime": "strftime pattern learned or declared: date fields, time fields, fractions",
    "time": "strftime pattern of the time (14:30, 14:30:05, 2:30 PM), learned or declared",
    "duration": "clock (01:30:00), one unit (90 min), units (2h 30m) or ISO 8601 (PT1H30M); labels, padding, "
                "decimals",
    "year": "four digits (the values are the numbers)",
    "month": "names, abbreviations or numbers, as written (they are the categories)",
    "weekday": "names or abbreviations, as written (they are the categories)",
    "timestamp_tz": "strftime pattern with the offset (+02:00, +0200 or Z); the offset the column uses",
    "gender": "the labels as written (they are the categories)",
    "title": "the labels as written (they are the categories)",
    "country": "the names as written (they are the categories)",
    "country_code": "the codes as written (they are the categories)",
    "country_code3": "the codes as written (they are the categories)",
    "region": "the names or codes as written (they are the categories)",
    "language_code": "the codes as written (they are the categories)",
    "currency_code": "the codes as written (they are the categories)",
    "job_title": "the titles as written (they are the categories)",
    "latitude": "- (decimal degrees, as ingest reads numbers)",
    "longitude": "- (decimal degrees, as ingest reads numbers)",
    "colour_hex": "the codes as written (they are the categories)",
    "first_name": "- (title case, from the vocabulary of the row's country in an entity, else the data's locale)",
    "last_name": "- (title case, from the vocabulary of the row's country in an entity, else the data's locale)",
    "full_name": "- (\"First Last\", from the entity's names)",
    "email": "- (name-based addresses at common domains)",
    "company_name": "- (Faker-style company names)",
    "ssn": "- (123-45-6789)",
    "free_text": "- (neutral sentences; no length or style is learned)",
    "street_address": "- (the street format of the row's country)",
    "city": "- (names from the reference or the country's locale)",
    "postcode": "- (the format of the row's country, e.g. 5-digit ZIP)",
    "licence_plate": "- (the format of the row's country)",
    "sort_code": "- (12-34-56)",
    "routing_number": "- (9 digits)",
    "url": "- (https URLs on made-up domains)",
    "domain": "- (made-up domains)",
    "ipv4": "- (dotted decimal)",
    "ipv6": "- (full lower-case groups)",
    "user_agent": "- (common browser strings)",
    "file_name": "- (made-up names with common extensions)",
}
#: other names a constraints file may use (``as person_name``)
ALIASES = {"person_name": "full_name", "name": "full_name", "given_name": "first_name", "surname": "last_name",
           "family_name": "last_name", "zip": "postcode", "zipcode": "postcode", "postal_code": "postcode",
           "state": "region", "county": "region", "phone_number": "phone", "telephone": "phone",
           "company": "company_name", "employer": "company_name", "ip": "ipv4", "ip_address": "ipv4",
           "address": "street_address", "card_number": "credit_card", "text": "free_text", "id": "pattern_id",
           "currency": "currency_code", "language": "language_code", "colour": "colour_hex", "color": "colour_hex",
           "plate": "licence_plate", "license_plate": "licence_plate", "sex": "gender", "amount": "money",
           "percent": "percentage", "timestamp": "datetime", "bool": "boolean", "categorical": "category"}


def get_type(name: str) -> SemanticType:
    """The type called ``name``; an unknown name raises ``KeyError`` with the closest known names.

    >>> get_type("iban").group
    'finance'
    """
    try:
        return TYPES[ALIASES.get(name, name)]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, TYPES, n=3)
        raise KeyError(f"unknown semantic type {name!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
                       ) from None
