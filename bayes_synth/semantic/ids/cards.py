"""Payment cards: Luhn check, card numbers of the major schemes (plain or printed in groups) and expiry dates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bayes_synth.semantic.ids._common import (
    _as_values,
    _ascii_matrix,
    _assemble,
    _check_n,
    _checked,
    _from_codes,
    _fullmatch,
    _int_digits,
    _pad,
)

# scheme -> (generated length, 4-digit prefix ranges used for generation)
_CARD_GEN: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = {
    "visa": (16, ((4000, 4999),)),
    "mastercard": (16, ((5100, 5599), (2221, 2720))),
    "amex": (15, ((3400, 3499), (3700, 3799))),
    "discover": (16, ((6011, 6011), (6500, 6599))),
}
_CARD_REGEX = {
    "visa": r"4[0-9]{12}(?:[0-9]{3}){0,2}",
    "mastercard": r"(?:5[1-5][0-9]{2}|222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}",
    "amex": r"3[47][0-9]{13}",
    "discover": r"(?:6011|64[4-9][0-9]|65[0-9]{2})[0-9]{12}(?:[0-9]{3})?",
}
_CARD_MIX = np.array([0.55, 0.30, 0.10, 0.05])


def _luhn_ok(strings: np.ndarray) -> np.ndarray:
    codes, lengths = _ascii_matrix(strings)
    d = np.where(codes > 0, codes.astype(np.int64) - 48, 0)
    pos = lengths[:, None] - 1 - np.arange(codes.shape[1])[None, :]  # position counted from the right
    doubled = (pos % 2 == 1) & (pos > 0)
    d = np.where(doubled, 2 * d - 9 * (d > 4), d)
    return d.sum(axis=1) % 10 == 0


def _luhn_check_digit(payload: np.ndarray) -> np.ndarray:
    """Check digit to append to rows of digits so that the result passes Luhn."""
    k = payload.shape[1]
    doubled = (np.arange(k)[::-1] % 2) == 0
    d = np.where(doubled, 2 * payload - 9 * (payload > 4), payload)
    return (10 - d.sum(axis=1) % 10) % 10


def luhn_valid(values: np.ndarray) -> np.ndarray:
    """True where the value is a string of digits passing the Luhn (mod-10) check.

    >>> luhn_valid(np.array(["4111111111111111", "4111111111111112", "79927398713", "4111 1111"],
    ...                     dtype=object)).tolist()
    [True, False, True, False]
    """
    return _checked(values, r"[0-9]+", _luhn_ok)


#: a card number printed in groups: 3 to 6 groups of 3-6 digits joined by single spaces or by single hyphens
_CARD_GROUPED_RE = r"[0-9]{3,6}(?: [0-9]{3,6}){2,5}|[0-9]{3,6}(?:-[0-9]{3,6}){2,5}"
#: the usual printed grouping of a card number of each length (Amex 4-6-5)
_CARD_GROUPS = {13: (4, 4, 5), 14: (4, 6, 4), 15: (4, 6, 5), 16: (4, 4, 4, 4), 17: (4, 4, 4, 5), 18: (4, 4, 4, 6),
                19: (4, 4, 4, 4, 3)}


def valid_credit_card(values: np.ndarray, scheme: str | None = None, grouped: bool = False) -> np.ndarray:
    """True where the value is a card number (digits only) of a known scheme with the right length and Luhn.

    Schemes: visa (4, 13/16/19 digits), mastercard (51-55 or 2221-2720, 16), amex (34/37, 15), discover
    (6011, 644-649, 65; 16 or 19). ``scheme`` restricts to one. ``grouped`` also accepts numbers printed in
    groups joined by single spaces or single hyphens (``4111 1111 1111 1111``, ``3782-822463-10005``).

    >>> valid_credit_card(np.array(["4111111111111111", "5555555555554444", "378282246310005",
    ...                             "378282246310006", "1111111111111117"], dtype=object)).tolist()
    [True, True, True, False, False]
    >>> valid_credit_card(np.array(["4111 1111 1111 1111", "4111-1111-1111-1111", "4111 1111-1111 1111"],
    ...                            dtype=object), grouped=True).tolist()
    [True, True, False]
    """
    schemes = list(_CARD_REGEX) if scheme is None else [_card_scheme(scheme)]
    pattern = "|".join(_CARD_REGEX[s] for s in schemes)
    if not grouped:
        return _checked(values, pattern, _luhn_ok)
    arr = _as_values(values)
    ok = _fullmatch(arr, f"[0-9]+|{_CARD_GROUPED_RE}")
    idx = np.flatnonzero(ok)
    if idx.size:
        digits = pd.Series(arr[idx], dtype=object).str.replace(r"[ -]", "", regex=True).to_numpy(dtype=object)
        ok[idx] = _checked(digits, pattern, _luhn_ok)
    return ok


def card_scheme(values: np.ndarray) -> np.ndarray:
    """The scheme of each card number (``visa``, ``mastercard``, ``amex``, ``discover``; '' if none), from its
    issuer prefix and length (a public fact of the card networks); spaces and hyphens are ignored.

    >>> card_scheme(np.array(["4111 1111 1111 1111", "378282246310005", "x"], dtype=object)).tolist()
    ['visa', 'amex', '']
    """
    arr = _as_values(values)
    digits = pd.Series(arr, dtype=object).str.replace(r"[ -]", "", regex=True).to_numpy(dtype=object)
    out = np.full(arr.size, "", dtype=object)
    for s in _CARD_REGEX:
        out[(out == "") & _fullmatch(digits, _CARD_REGEX[s])] = s
    return out


def _card_scheme(scheme: str) -> str:
    s = str(scheme).lower()
    if s not in _CARD_GEN:
        raise ValueError(f"unknown card scheme {scheme!r}; supported: {', '.join(_CARD_GEN)} (or None for a mix)")
    return s


def _card_numbers(scheme: str, n: int, rng: np.random.Generator) -> np.ndarray:
    length, ranges = _CARD_GEN[scheme]
    pool = np.concatenate([np.arange(a, b + 1) for a, b in ranges])
    d = np.empty((n, length), dtype=np.int64)
    d[:, :4] = _int_digits(pool[rng.integers(0, pool.size, size=n)], 4)
    d[:, 4:-1] = rng.integers(0, 10, size=(n, length - 5))
    d[:, -1] = _luhn_check_digit(d[:, :-1])
    return d + 48


def _grouped(codes: np.ndarray, sep: str, groups: Sequence[int] | None) -> np.ndarray:
    """Rows of card digit codes printed in ``groups`` joined by ``sep`` (the usual grouping when ``groups`` does
    not add up to the number's length)."""
    length = codes.shape[1]
    if groups is None or sum(groups) != length or min(groups, default=0) < 1:
        groups = _CARD_GROUPS.get(length, (length,))
    blocks: list[np.ndarray | str] = []
    at = 0
    for k, g in enumerate(groups):
        blocks += ([sep] if k else []) + [codes[:, at : at + g]]
        at += g
    return _assemble(codes.shape[0], *blocks)


def generate_credit_card(n: int, rng: np.random.Generator, scheme: str | None = None, sep: str = "",
                         groups: Sequence[int] | None = None) -> np.ndarray:
    """``n`` random Luhn-valid card numbers of ``scheme`` (visa, mastercard, amex, discover) or a realistic mix.

    ``sep`` (``" "`` or ``"-"``) prints the numbers in ``groups`` (digits per group, e.g. ``[4, 4, 4, 4]``;
    by default, or when they do not add up to a scheme's length, the usual grouping: 4-4-4-4, Amex 4-6-5).

    >>> generate_credit_card(2, np.random.default_rng(0), scheme="amex").tolist()
    ['377052300018690', '372756976559283']
    >>> generate_credit_card(1, np.random.default_rng(0), scheme="visa", sep=" ")[0].count(" ")
    3
    """
    n = _check_n(n)
    if sep not in ("", " ", "-"):
        raise ValueError(f"card number separator must be '', ' ' or '-', got {sep!r}")

    def made(s: str, m: int) -> np.ndarray:
        codes = _card_numbers(s, m, rng)
        return _from_codes(_grouped(codes, sep, groups) if sep else codes)

    if scheme is not None:
        return made(_card_scheme(scheme), n)
    which = rng.choice(len(_CARD_GEN), size=n, p=_CARD_MIX)
    out = np.empty(n, dtype=object)
    for k, s in enumerate(_CARD_GEN):
        idx = np.flatnonzero(which == k)
        if idx.size:
            out[idx] = made(s, idx.size)
    return out


_EXPIRY_RE = {2: r"(?:0[1-9]|1[0-2])/[0-9]{2}", 4: r"(?:0[1-9]|1[0-2])/(?:19|20)[0-9]{2}"}


def valid_card_expiry(values: np.ndarray, year_digits: int | None = 2) -> np.ndarray:
    """True where the value is a card expiry ``MM/YY`` (month 01-12, two-digit year).

    ``year_digits=4`` asks for ``MM/YYYY`` instead, ``year_digits=None`` accepts both.

    >>> valid_card_expiry(np.array(["01/27", "12/30", "13/27", "1/27"], dtype=object)).tolist()
    [True, True, False, False]
    >>> valid_card_expiry(np.array(["01/27", "01/2027", "01/3027"], dtype=object), year_digits=None).tolist()
    [True, True, False]
    """
    if year_digits is None:
        return _fullmatch(values, f"{_EXPIRY_RE[2]}|{_EXPIRY_RE[4]}")
    if year_digits not in _EXPIRY_RE:
        raise ValueError(f"expiry year_digits must be 2, 4 or None, got {year_digits!r}")
    return _fullmatch(values, _EXPIRY_RE[year_digits])


def generate_card_expiry(
    n: int, rng: np.random.Generator, start_year: int | None = None, years: int = 6, today_year: int = 2026,
    year_digits: int = 2,
) -> np.ndarray:
    """``n`` random expiry dates ``MM/YY`` (``MM/YYYY`` if ``year_digits=4``) in ``years`` consecutive years.

    ``start_year`` (full or two-digit) defaults to ``today_year + 1``, i.e. the next 1..``years`` years.

    >>> sorted({v[3:] for v in generate_card_expiry(500, np.random.default_rng(0))})
    ['27', '28', '29', '30', '31', '32']
    >>> generate_card_expiry(1, np.random.default_rng(0), year_digits=4)[0][2:5]
    '/20'
    """
    n = _check_n(n)
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    if year_digits not in _EXPIRY_RE:
        raise ValueError(f"expiry year_digits must be 2 or 4, got {year_digits!r}")
    first = today_year + 1 if start_year is None else start_year
    month = rng.integers(1, 13, size=n)
    year = first + rng.integers(0, years, size=n)
    year = (year % 100) if year_digits == 2 else np.where(year < 100, 2000 + year, year)
    return _from_codes(_assemble(n, _pad(month, 2), "/", _pad(year, year_digits)))
