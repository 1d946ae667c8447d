"""Person names and gender: gender labels, first names agreeing with gender, last names, titles, full names.

Drawn from the locale's word lists (:mod:`~bayes_synth.semantic.wordlists`); re-exported by
:mod:`~bayes_synth.semantic.people`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.wordlists import (
    _chain,
    _check_n,
    _column,
    _first_name_pools,
    _own,
    _pool,
    _require,
    _rng,
    _title_pools,
    vocabulary,  # noqa: F401 - used by the doctests
)

__all__ = ["GENDER_LABELS", "first_names", "full_names", "last_names", "normalise_gender", "titles"]

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
