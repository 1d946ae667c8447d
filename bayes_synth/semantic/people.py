"""Personal values — names, titles, e-mails, companies, jobs, street lines, free text — generated, never copied.

Nothing here reads the real data's values: every value is drawn from Faker's locale word lists (first names by
gender, last names, titles, company suffixes and name formats, jobs, street formats, lorem words, free e-mail
domains). Faker is used only as the *source of those lists*: they are read once per locale (cached), and values are
then drawn vectorised with numpy, which is two to three orders of magnitude faster than calling ``Faker().name()``
per value.

Word lists are looked up along a fallback chain ``locale -> language -> en_US`` (``en_GB`` has no lorem words, so it
uses ``en_US``'s). Weighted lists (Faker's ``OrderedDict`` of value -> frequency) are drawn with their weights; plain
tuples uniformly (a value repeated in a tuple is proportionally more likely, as in Faker). :data:`LOCALES` are the
tested locales; any locale that Faker ships is accepted.

Values that describe one entity agree: :func:`first_names` honours a gender column, :func:`full_names` and
:func:`emails` are built from given first/last name arrays.

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> first = first_names(3, rng, gender=["F", "male", None])
>>> last = last_names(3, rng)
>>> full = full_names(3, rng, first=first, last=last)
>>> bool(full[0] == first[0] + " " + last[0])
True
>>> bool(valid_email(emails(3, rng, first=first, last=last)).all())
True
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GENDER_LABELS",
    "LOCALES",
    "company_names",
    "city_names",
    "emails",
    "first_names",
    "free_text",
    "full_names",
    "guess_locale",
    "job_titles",
    "last_names",
    "normalise_gender",
    "street_addresses",
    "titles",
    "valid_email",
    "vocabulary",
]

#: Locales whose generation is tested. Other locales Faker ships work through the same fallback chain.
LOCALES: list[str] = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR"]

_FALLBACK = "en_US"

# --- gender -----------------------------------------------------------------------------------------------------

_FEMALE = (
    "f", "female", "fem", "feminine", "woman", "women", "girl", "lady", "w", "weiblich", "frau", "femme", "féminin",
    "feminin", "mujer", "femenino", "femenina", "donna", "femmina", "femminile", "vrouw", "vrouwelijk", "mulher",
    "feminino", "mrs", "ms", "miss", "mme",
)  # fmt: skip
_MALE = (
    "m", "male", "masculine", "man", "men", "boy", "mann", "männlich", "maennlich", "herr", "homme", "masculin", "h",
    "hombre", "masculino", "varón", "varon", "uomo", "maschio", "maschile", "man", "mannelijk", "homem", "mr",
)  # fmt: skip

#: Recognised gender labels (case-insensitive, surrounding spaces and dots ignored) -> ``"female"`` / ``"male"``.
GENDER_LABELS: dict[str, str] = {**{k: "female" for k in _FEMALE}, **{k: "male" for k in _MALE}}


def normalise_gender(values: Any) -> np.ndarray:
    """Map gender labels to ``"female"``, ``"male"`` or ``""`` (unknown, missing or anything else).

    Recognises English, German, French, Spanish, Italian, Dutch and Portuguese words and initials
    (``F``/``W``/``Female``/``Frau``/``femme`` ..., ``M``/``H``/``Male``/``Mann``/``homme`` ...); see
    :data:`GENDER_LABELS`. Numeric codes are not guessed (``1``/``2`` and ``0``/``1`` conventions conflict).

    >>> normalise_gender(["F", "Male", "w", None, "x", " Mann "]).tolist()
    ['female', 'male', 'female', '', '', 'male']
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    codes, uniques = pd.factorize(arr.ravel(), use_na_sentinel=True)
    mapped = [GENDER_LABELS.get(u.strip().strip(".").casefold(), "") if isinstance(u, str) else "" for u in uniques]
    return np.array([*mapped, ""], dtype=object)[codes]


# --- Faker word lists -------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _available_locales() -> frozenset[str]:
    from faker.config import AVAILABLE_LOCALES

    return frozenset(AVAILABLE_LOCALES)


@lru_cache(maxsize=256)
def _canonical(locale: str) -> str:
    if not isinstance(locale, str) or not locale.strip():
        raise ValueError(f"locale must be a string like 'en_US', got {locale!r}")
    parts = locale.strip().replace("-", "_").split("_")
    canon = parts[0].lower() if len(parts) == 1 else f"{parts[0].lower()}_{parts[1].upper()}"
    available = _available_locales()
    if canon in available or any(a.split("_")[0] == canon for a in available):
        return canon
    raise ValueError(f"unknown locale {locale!r}; supported: {LOCALES} (and the other locales Faker ships)")


@lru_cache(maxsize=256)
def _chain(locale: str) -> tuple[str, ...]:
    """The fallback chain ``locale -> language -> en_US`` (without repeats)."""
    canon = _canonical(locale)
    out: list[str] = []
    for cand in (canon, canon.split("_")[0], _FALLBACK):
        if cand not in out:
            out.append(cand)
    return tuple(out)


@lru_cache(maxsize=256)
def _provider(kind: str, cand: str) -> type | None:
    try:
        return importlib.import_module(f"faker.providers.{kind}.{cand}").Provider
    except ModuleNotFoundError:
        return None


def _own(kind: str, cand: str, attr: str) -> Any:
    """``attr`` as defined by ``cand``'s provider or its locale-specific bases (not Faker's generic placeholders).

    Faker's generic provider (``faker.providers.<kind>``) counts only for ``en_US``, which inherits its English data
    from there (jobs, company suffixes, free e-mail domains).
    """
    cls = _provider(kind, cand)
    if cls is None:
        return None
    generic = f"faker.providers.{kind}"
    for klass in cls.__mro__:
        module = getattr(klass, "__module__", "")
        if not module.startswith("faker.providers") or module == "faker.providers":
            continue
        if module == generic and cand != _FALLBACK:
            continue
        value = klass.__dict__.get(attr)
        if isinstance(value, (Mapping, tuple, list)) and len(value):
            return value
    return None


@dataclass(frozen=True)
class _Pool:
    """A vocabulary: values, and the cumulative weights when the source list was weighted."""

    values: np.ndarray  # object array of str
    cdf: np.ndarray | None = None

    def indices(self, n: int, rng: np.random.Generator) -> np.ndarray:
        if self.cdf is None:
            return rng.integers(0, len(self.values), n)
        return np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), len(self.values) - 1)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.values[self.indices(n, rng)]


def _make_pool(raw: Any) -> _Pool | None:
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        items = [(str(k).strip(), float(w)) for k, w in raw.items()]
        items = [(k, w) for k, w in items if k and np.isfinite(w) and w > 0]
        if not items:
            return None
        weights = np.array([w for _, w in items])
        cdf = np.cumsum(weights / weights.sum())
        cdf[-1] = 1.0
        return _Pool(np.array([k for k, _ in items], dtype=object), cdf)
    values = [str(v).strip() for v in raw if isinstance(v, str) and v.strip()]
    return _Pool(np.array(values, dtype=object)) if values else None


@lru_cache(maxsize=256)
def _pool(kind: str, attr: str, locale: str) -> _Pool | None:
    """The first list ``attr`` found along the fallback chain of ``locale``."""
    for cand in _chain(locale):
        pool = _make_pool(_own(kind, cand, attr))
        if pool is not None:
            return pool
    return None


def _require(pool: _Pool | None, what: str, locale: str) -> _Pool:
    if pool is None:  # pragma: no cover - en_US has every list used here
        raise ValueError(f"no {what} word list for locale {locale!r} or its fallbacks")
    return pool


@lru_cache(maxsize=256)
def _first_name_pools(locale: str) -> tuple[_Pool, _Pool]:
    """(female, male) first names: the first locale in the chain with gendered (or at least plain) lists."""
    for cand in _chain(locale):
        female = _make_pool(_own("person", cand, "first_names_female"))
        male = _make_pool(_own("person", cand, "first_names_male"))
        plain = _make_pool(_own("person", cand, "first_names"))
        if female is not None and male is not None:
            return female, male
        if plain is not None or female is not None or male is not None:
            return female or plain or male, male or plain or female  # type: ignore[return-value]
    raise ValueError(f"no first names for locale {locale!r}")  # pragma: no cover


# Titles for locales whose Faker data has no gendered prefixes (Faker's ``prefixes`` there are nobiliary
# particles such as "de", not titles).
_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fr": (("Mme", "Mme", "Mme", "Mlle", "Dr"), ("M.", "M.", "M.", "M.", "Dr")),
    "es": (("Sra.", "Sra.", "Sra.", "Srta.", "Dra."), ("Sr.", "Sr.", "Sr.", "Sr.", "Dr.")),
    "nl": (("mevr.", "mevr.", "mevr.", "dr."), ("dhr.", "dhr.", "dhr.", "dr.")),
}


@lru_cache(maxsize=256)
def _title_pools(locale: str) -> tuple[_Pool, _Pool, _Pool | None]:
    """(female, male, neutral) titles; neutral are the titles in both lists (e.g. Dr), None if there are none."""
    for cand in _chain(locale):
        female = _make_pool(_own("person", cand, "prefixes_female"))
        male = _make_pool(_own("person", cand, "prefixes_male"))
        if (female is None or male is None) and cand in _TITLES:
            female, male = (_make_pool(t) for t in _TITLES[cand])
        if female is not None and male is not None:
            both = [v for v in dict.fromkeys(female.values) if v in set(male.values)]
            return female, male, (_Pool(np.array(both, dtype=object)) if both else None)
    raise ValueError(f"no titles for locale {locale!r}")  # pragma: no cover


_VOCAB: dict[str, tuple[str, str]] = {
    "last_names": ("person", "last_names"),
    "company_suffixes": ("company", "company_suffixes"),
    "company_prefixes": ("company", "company_prefixes"),
    "jobs": ("job", "jobs"),
    "words": ("lorem", "word_list"),
    "free_email_domains": ("internet", "free_email_domains"),
    "street_suffixes": ("address", "street_suffixes"),
    "street_prefixes": ("address", "street_prefixes"),
    "street_names": ("address", "street_names"),
}


def vocabulary(kind: str, locale: str = "en_US") -> tuple[str, ...]:
    """The distinct words of one vocabulary after the locale fallback (for checks and tests).

    ``kind`` is ``first_names_female``, ``first_names_male``, ``titles_female``, ``titles_male``, or one of
    ``last_names, company_suffixes, company_prefixes, jobs, words, free_email_domains, street_suffixes,
    street_prefixes, street_names`` (empty when the locale chain has no such list).

    >>> "Smith" in vocabulary("last_names")
    True
    """
    if kind in ("first_names_female", "first_names_male"):
        pool: _Pool | None = _first_name_pools(locale)[kind.endswith("_male")]
    elif kind in ("titles_female", "titles_male"):
        pool = _title_pools(locale)[kind.endswith("_male")]
    elif kind in _VOCAB:
        pool = _pool(*_VOCAB[kind], locale)
    else:
        raise ValueError(f"unknown vocabulary kind {kind!r}")
    return () if pool is None else tuple(dict.fromkeys(pool.values))


# --- helpers ----------------------------------------------------------------------------------------------------


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return int(n)


def _column(values: Any, n: int, name: str) -> np.ndarray:
    """``values`` as an object array of ``n`` strings; missing values become ``""``."""
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"{name} must be a 1-d array of length n={n}, got shape {arr.shape}")
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    return np.array([*(str(u) for u in uniques), ""], dtype=object)[codes]


def _genders(gender: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """Per-row "female"/"male"; rows of unknown gender get one at random (half and half)."""
    g = np.full(n, "", dtype=object) if gender is None else normalise_gender(gender)
    if len(g) != n:
        raise ValueError(f"gender must have length n={n}, got {len(g)}")
    unknown = g == ""
    if unknown.any():
        g = g.copy()
        g[unknown] = np.where(rng.random(int(unknown.sum())) < 0.5, "female", "male")
    return g


_FOLD_TABLE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l",
     "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def _ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: ``"José Muñoz-O'Neil"`` -> ``"josemunozoneil"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub("", ascii_text)


def _fold_column(values: np.ndarray, limit: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """(folded, initial) object arrays for a column of names, folding each distinct name once."""
    codes, uniques = pd.factorize(values)
    folded = [_ascii_fold(str(u))[:limit] for u in uniques]
    fold_arr = np.array(folded, dtype=object)[codes] if len(values) else np.array([], dtype=object)
    init_arr = np.array([f[:1] for f in folded], dtype=object)[codes] if len(values) else fold_arr
    return fold_arr, init_arr


def _digits(k: int, rng: np.random.Generator, low: int = 1, high: int = 100) -> np.ndarray:
    return rng.integers(low, high, k).astype(str).astype(object)


# --- names ------------------------------------------------------------------------------------------------------


def first_names(
    n: int, rng: np.random.Generator | int | None, gender: Any = None, locale: str = "en_US"
) -> np.ndarray:
    """``n`` first names of ``locale`` agreeing with ``gender``.

    ``gender`` is None or an array of ``n`` labels, mapped with :func:`normalise_gender`: a female row gets a name
    from the locale's female list, a male row from the male list, any other row from either list (half and half).

    >>> rng = np.random.default_rng(0)
    >>> names = first_names(2, rng, gender=["Frau", "Mann"], locale="de_DE")
    >>> names[0] in vocabulary("first_names_female", "de_DE"), names[1] in vocabulary("first_names_male", "de_DE")
    (True, True)
    """
    n = _check_n(n)
    gen = _rng(rng)
    g = _genders(gender, n, gen)
    female, male = _first_name_pools(locale)
    out = np.empty(n, dtype=object)
    is_f = g == "female"
    out[is_f] = female.draw(int(is_f.sum()), gen)
    out[~is_f] = male.draw(int((~is_f).sum()), gen)
    return out


def last_names(n: int, rng: np.random.Generator | int | None, locale: str = "en_US") -> np.ndarray:
    """``n`` last names of ``locale`` (weighted by frequency where Faker has weights, as for ``en_US``).

    >>> last_names(2, np.random.default_rng(0), locale="it_IT")[0] in vocabulary("last_names", "it_IT")
    True
    """
    n = _check_n(n)
    return _require(_pool("person", "last_names", locale), "last name", locale).draw(n, _rng(rng))


def titles(
    n: int,
    rng: np.random.Generator | int | None,
    gender: Any = None,
    locale: str = "en_US",
    *,
    unknown: str = "neutral",
) -> np.ndarray:
    """``n`` titles (``Mrs.``/``Ms.``/``Mr.``/``Dr.`` ..., ``Frau``/``Herr`` ...) agreeing with ``gender``.

    Female rows draw from the locale's female titles, male rows from the male ones (titles such as ``Dr.`` are in
    both). Rows of unknown gender (no ``gender``, or an unrecognised label) get, with ``unknown="neutral"``, a
    title that is in both lists (``Dr.``; safe whatever the row's first name) when the locale has one, else one of
    either gender; with ``unknown="mix"`` a title of a random gender. To have titles agree with generated first
    names, pass both functions the same gender array. French, Spanish and Dutch titles come from a small built-in
    table (Faker has none for them).

    >>> male = titles(50, np.random.default_rng(3), gender=["male"] * 50)
    >>> set(male) <= set(vocabulary("titles_male")), "Mrs." in set(male)
    (True, False)
    """
    n = _check_n(n)
    gen = _rng(rng)
    g = np.full(n, "", dtype=object) if gender is None else normalise_gender(gender)
    if len(g) != n:
        raise ValueError(f"gender must have length n={n}, got {len(g)}")
    if unknown not in ("neutral", "mix"):
        raise ValueError(f"unknown must be 'neutral' or 'mix', got {unknown!r}")
    female, male, neutral = _title_pools(locale)
    missing = g == ""
    if missing.any() and (neutral is None or unknown == "mix"):
        g = _genders(g, n, gen)
        missing = np.zeros(n, dtype=bool)
    out = np.empty(n, dtype=object)
    is_f = g == "female"
    is_m = g == "male"
    out[is_f] = female.draw(int(is_f.sum()), gen)
    out[is_m] = male.draw(int(is_m.sum()), gen)
    if missing.any() and neutral is not None:
        out[missing] = neutral.draw(int(missing.sum()), gen)
    return out


_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@lru_cache(maxsize=256)
def _name_order(locale: str) -> tuple[bool, str]:
    """(first name first?, separator) from the locale's two-part person name formats; default (True, " ")."""
    votes: Counter[tuple[bool, str]] = Counter()
    for cand in _chain(locale):
        for attr in ("formats", "formats_female", "formats_male"):
            for fmt in _own("person", cand, attr) or ():
                parts = _PLACEHOLDER.split(fmt)
                # parts = [lead, name1, sep, name2, tail] for exactly two placeholders
                if len(parts) != 5 or parts[0].strip() or parts[4].strip():
                    continue
                a, sep, b = parts[1], parts[2], parts[3]
                if a.startswith("first_name") and b == "last_name":
                    votes[(True, sep)] += 1
                elif a == "last_name" and b.startswith("first_name"):
                    votes[(False, sep)] += 1
        if votes:
            return votes.most_common(1)[0][0]
    return True, " "


def full_names(
    n: int,
    rng: np.random.Generator | int | None,
    gender: Any = None,
    locale: str = "en_US",
    first: Any = None,
    last: Any = None,
) -> np.ndarray:
    """``n`` full names ``"First Last"`` (in the locale's order), built from ``first``/``last`` when given.

    Pass the generated first and last name columns so that an entity's full name matches them; a part that is not
    given is generated (first names agreeing with ``gender``). Missing parts are left out.

    >>> full_names(2, np.random.default_rng(0), first=["Ann", "Bo"], last=["Lee", None]).tolist()
    ['Ann Lee', 'Bo']
    """
    n = _check_n(n)
    gen = _rng(rng)
    f = first_names(n, gen, gender, locale) if first is None else _column(first, n, "first")
    la = last_names(n, gen, locale) if last is None else _column(last, n, "last")
    first_first, sep = _name_order(locale)
    a, b = (f, la) if first_first else (la, f)
    out = a + sep + b
    partial = (a == "") | (b == "")
    if partial.any():
        out[partial] = a[partial] + b[partial]
    return out


# --- e-mail -----------------------------------------------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_EMAIL_RE = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@{_DOMAIN}"
_EMAIL_PATTERNS = ("first.last", "flast", "first_last", "first.lastNN", "firstlast", "f.last")
_EMAIL_WEIGHTS = np.array([0.30, 0.15, 0.10, 0.20, 0.15, 0.10])


def valid_email(values: Any) -> np.ndarray:
    """Whether each value is an e-mail address in a practical subset of RFC 5322.

    Dot-atom local part (at most 64 characters) ``@`` a DNS domain with an alphabetic top-level label, at most 254
    characters in all; no quoted local parts, comments or IP-literal domains. Missing and non-strings are False.

    >>> valid_email(["jose.munoz@gmail.com", "a..b@x.com", "no-at.example.com", None]).tolist()
    [True, False, False, False]
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    s = pd.Series(arr, dtype=object)
    is_str = s.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if is_str.any():
        text = s[is_str].astype(str)
        local_len = text.str.find("@")
        ok = text.str.fullmatch(_EMAIL_RE) & (text.str.len() <= 254) & (local_len <= 64)
        out[is_str] = ok.to_numpy(dtype=bool)
    return out


def _domain_pool(domains: str | Sequence[str] | None, locale: str) -> _Pool:
    if domains is None:
        return _require(_pool("internet", "free_email_domains", locale), "e-mail domain", locale)
    items = [domains] if isinstance(domains, str) else list(domains)
    cleaned = [str(d).strip().lstrip("@").lower() for d in items]
    bad = sum(1 for d in cleaned if not re.fullmatch(_DOMAIN, d))
    if not cleaned or bad:
        raise ValueError(f"domains must be non-empty DNS names like 'example.com' ({bad} of {len(cleaned)} invalid)")
    return _Pool(np.array(cleaned, dtype=object))


def emails(
    n: int,
    rng: np.random.Generator | int | None,
    first: Any = None,
    last: Any = None,
    locale: str = "en_US",
    domains: str | Sequence[str] | None = None,
    *,
    unique: bool = False,
) -> np.ndarray:
    """``n`` e-mail addresses built from first and last names (generated when not given).

    Local parts follow ``first.last``, ``flast``, ``first_last``, ``first.last42``, ``firstlast`` or ``f.last``,
    lower-case and ASCII-folded (``José Muñoz`` -> ``jose.munoz``; apostrophes, hyphens and spaces removed; a name
    with no ASCII letters becomes ``user``); every pattern contains the whole folded last name. Domains are the
    locale's free-mail domains, or drawn uniformly from ``domains`` (one name or a sequence, e.g. a company domain).
    ``unique=True`` makes all addresses distinct by appending digits to repeats.

    >>> emails(1, np.random.default_rng(2), first=["José"], last=["Muñoz"], domains="example.com").tolist()
    ['jose.munoz@example.com']
    >>> same = ["Ann"] * 500, ["Lee"] * 500
    >>> len(set(emails(500, np.random.default_rng(2), *same, domains="example.com", unique=True)))
    500
    """
    n = _check_n(n)
    gen = _rng(rng)
    f_raw = first_names(n, gen, locale=locale) if first is None else _column(first, n, "first")
    l_raw = last_names(n, gen, locale) if last is None else _column(last, n, "last")
    f, fi = _fold_column(f_raw)
    la, _ = _fold_column(l_raw)
    if n:
        empty_f = f == ""
        empty_l = la == ""
        la = la.copy()
        la[empty_l] = f[empty_l]  # keep the first name when there is no last name ...
        f = np.where(empty_f | empty_l, "", f).astype(object)  # ... and use single-name patterns then
        fi = np.where(empty_f | empty_l, "", fi).astype(object)
        la[la == ""] = "user"
    single = f == ""
    pattern = np.searchsorted(np.cumsum(_EMAIL_WEIGHTS), gen.random(n) * _EMAIL_WEIGHTS.sum(), side="right")
    pattern = np.minimum(pattern, len(_EMAIL_PATTERNS) - 1)
    local = np.empty(n, dtype=object)
    for k, name in enumerate(_EMAIL_PATTERNS):
        rows = (pattern == k) & ~single
        if not rows.any():
            continue
        fk, lk, ik = f[rows], la[rows], fi[rows]
        if name == "first.last":
            local[rows] = fk + "." + lk
        elif name == "flast":
            local[rows] = ik + lk
        elif name == "first_last":
            local[rows] = fk + "_" + lk
        elif name == "first.lastNN":
            local[rows] = fk + "." + lk + _digits(int(rows.sum()), gen)
        elif name == "firstlast":
            local[rows] = fk + lk
        else:  # f.last
            local[rows] = ik + "." + lk
    if single.any():
        with_digits = pattern[single] == _EMAIL_PATTERNS.index("first.lastNN")
        loc = la[single].copy()
        if with_digits.any():
            loc[with_digits] = loc[with_digits] + _digits(int(with_digits.sum()), gen)
        local[single] = loc
    domain = _domain_pool(domains, locale).draw(n, gen)
    if unique:
        local = _dedupe(local, domain, gen)
    return local + "@" + domain


def _dedupe(local: np.ndarray, domain: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Append digits to the local part of repeated addresses until all are distinct (vectorised per round).

    The k-th repeat of an address gets suffix k+1 (the first occurrence keeps its address); a suffixed address
    that collides again is handled in the next round. After 64 rounds (never seen in practice) repeats get random
    9-digit suffixes until none is left.
    """
    local = local.copy()
    rounds = 0
    while True:
        full = pd.Series(local + "@" + domain, dtype=object)
        dup = full.duplicated(keep="first").to_numpy()
        if not dup.any():
            return local
        if rounds < 64:
            suffix = (full[dup].groupby(full[dup], sort=False).cumcount().to_numpy() + 2).astype(str).astype(object)
        else:  # pragma: no cover - pathological inputs only
            suffix = _digits(int(dup.sum()), rng, 10**8, 10**9)
        local[dup] = local[dup] + suffix
        rounds += 1


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


# --- free text --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _words(locale: str) -> tuple[np.ndarray, np.ndarray]:
    pool = _require(_pool("lorem", "word_list", locale), "lorem word", locale)
    words = np.array([w for w in pool.values if " " not in w], dtype=object)
    capital = np.array([w[:1].upper() + w[1:] for w in words], dtype=object)
    return words, capital


def free_text(
    n: int, rng: np.random.Generator | int | None, locale: str = "en_US", words: tuple[int, int] = (4, 12)
) -> np.ndarray:
    """``n`` sentences of ``words[0]`` to ``words[1]`` words (inclusive) from the locale's lorem word list.

    Meant to replace any free-text column: it never looks at input text. The first word is capitalised and the
    sentence ends with a full stop.

    >>> free_text(1, np.random.default_rng(0), words=(3, 3))[0].count(" ")
    2
    """
    n = _check_n(n)
    lo, hi = (int(words[0]), int(words[1]))
    if lo < 1 or hi < lo:
        raise ValueError(f"words must be (low, high) with 1 <= low <= high, got {words!r}")
    gen = _rng(rng)
    vocab, capital = _words(locale)
    if n == 0:
        return np.empty(0, dtype=object)
    counts = gen.integers(lo, hi + 1, n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    total = int(counts.sum())
    idx = gen.integers(0, len(vocab), total)
    base = vocab[idx]
    base[starts] = capital[idx[starts]]
    sep = np.full(total, " ", dtype=object)
    sep[starts + counts - 1] = "."
    tokens = base + sep
    return np.add.reduceat(tokens, starts).astype(object)


# --- locale guessing --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _name_vocabulary(locale: str) -> frozenset[str]:
    female, male = _first_name_pools(locale)
    last = _pool("person", "last_names", locale)
    words = [*female.values, *male.values, *(last.values if last is not None else ())]
    out: set[str] = set()
    for w in words:
        out.update(t for t in (_ascii_fold(p) for p in re.split(r"[\s\-]+", w)) if len(t) > 1)
    return frozenset(out)


def guess_locale(names: pd.Series | Sequence[Any], *, threshold: float = 0.3, sample: int = 2000) -> str | None:
    """The locale in :data:`LOCALES` whose first/last name vocabulary best covers a sample of name values.

    Values are split into words (``"Hans-Peter Müller"`` -> ``hans``, ``peter``, ``muller``, compared ASCII-folded
    and case-insensitively); the share of words found in each locale's vocabulary is computed on at most
    ``sample`` values. Returns the locale with the highest share if it is at least ``threshold``, else None.
    Only a locale code (or None) is ever returned: no input value appears in the result or in an error message.

    >>> guess_locale(pd.Series(["Jürgen Müller", "Ursula Schmidt", "Klaus Schneider", "Heike Fischer"]))
    'de_DE'
    """
    s = pd.Series(np.asarray(names, dtype=object).ravel(), dtype=object).dropna()
    s = s[s.map(lambda v: isinstance(v, str))]
    if s.empty:
        return None
    if len(s) > sample:
        s = s.iloc[np.linspace(0, len(s) - 1, sample).astype(int)]
    tokens: list[str] = []
    for value in s:
        tokens.extend(t for t in (_ascii_fold(p) for p in re.split(r"[\s\-,]+", value)) if len(t) > 1)
    if not tokens:
        return None
    counts = Counter(tokens)
    total = sum(counts.values())
    best, best_share = None, 0.0
    for loc in LOCALES:
        vocab = _name_vocabulary(loc)
        share = sum(c for t, c in counts.items() if t in vocab) / total
        if share > best_share:
            best, best_share = loc, share
    return best if best_share >= threshold else None
