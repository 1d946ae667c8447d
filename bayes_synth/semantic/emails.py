"""E-mail addresses: a practical RFC 5322 validator, and addresses built from first and last names.

Names come from :mod:`~bayes_synth.semantic.names` when not given; domains from the locale's free-mail list
(:mod:`~bayes_synth.semantic.wordlists`). Re-exported by :mod:`~bayes_synth.semantic.people`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.names import first_names, last_names
from bayes_synth.semantic.wordlists import _ascii_fold, _check_n, _column, _Pool, _pool, _require, _rng

__all__ = ["emails", "valid_email"]

# --- e-mail -----------------------------------------------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_EMAIL_RE = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@{_DOMAIN}"
_EMAIL_PATTERNS = ("first.last", "flast", "first_last", "first.lastNN", "firstlast", "f.last")
_EMAIL_WEIGHTS = np.array([0.30, 0.15, 0.10, 0.20, 0.15, 0.10])


def _fold_column(values: np.ndarray, limit: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """(folded, initial) object arrays for a column of names, folding each distinct name once."""
    codes, uniques = pd.factorize(values)
    folded = [_ascii_fold(str(u))[:limit] for u in uniques]
    fold_arr = np.array(folded, dtype=object)[codes] if len(values) else np.array([], dtype=object)
    init_arr = np.array([f[:1] for f in folded], dtype=object)[codes] if len(values) else fold_arr
    return fold_arr, init_arr


def _digits(k: int, rng: np.random.Generator, low: int = 1, high: int = 100) -> np.ndarray:
    return rng.integers(low, high, k).astype(str).astype(object)


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
