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

This module holds free text and locale guessing and re-exports the rest from the modules that own each part:
:mod:`~bayes_synth.semantic.wordlists` (Faker's word lists, the locale fallback, :func:`vocabulary`),
:mod:`~bayes_synth.semantic.names` (gender, names, titles), :mod:`~bayes_synth.semantic.emails` and
:mod:`~bayes_synth.semantic.templates` (company names, jobs, street lines, cities).

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

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.emails import emails, valid_email
from bayes_synth.semantic.names import GENDER_LABELS, first_names, full_names, last_names, normalise_gender, titles
from bayes_synth.semantic.templates import city_names, company_names, job_titles, street_addresses
from bayes_synth.semantic.wordlists import (
    LOCALES,
    _ascii_fold,
    _check_n,
    _first_name_pools,
    _pool,
    _require,
    _rng,
    vocabulary,
)

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
