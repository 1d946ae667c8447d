"""Faker's locale word lists, read once per locale and drawn with numpy; the helpers every generator shares.

A list is looked up along the fallback chain ``locale -> language -> en_US`` and kept as a pool (its values, and the
cumulative weights when Faker's list is weighted). :func:`vocabulary` exposes the distinct words of a pool for
checks and tests. Used by :mod:`~bayes_synth.semantic.names`, :mod:`~bayes_synth.semantic.emails`,
:mod:`~bayes_synth.semantic.templates` and :mod:`~bayes_synth.semantic.people`, which re-exports the public names.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LOCALES", "vocabulary"]

#: Locales whose generation is tested. Other locales Faker ships work through the same fallback chain.
LOCALES: list[str] = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR"]

_FALLBACK = "en_US"


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
