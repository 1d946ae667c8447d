"""Personal and tax identifiers: US Social Security numbers, UK National Insurance numbers and VAT numbers
(GB, DE, FR, with their check digits)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bayes_synth.semantic.ids._common import (
    _as_values,
    _assemble,
    _check_n,
    _checked,
    _code_table,
    _digit_matrix,
    _digits_to_int,
    _from_codes,
    _fullmatch,
    _norm_country,
    _pad,
)
from bayes_synth.semantic.ids.cards import _luhn_check_digit


def valid_ssn(values: np.ndarray) -> np.ndarray:
    """True where the value is a US SSN ``AAA-GG-SSSS`` (area not 000/666/9xx, group not 00, serial not 0000).

    >>> valid_ssn(np.array(["123-45-6789", "666-45-6789", "923-45-6789", "123-00-6789", "123456789"],
    ...                    dtype=object)).tolist()
    [True, False, False, False, False]
    """
    return _fullmatch(values, r"(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}")


def generate_ssn(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random US SSNs in ``AAA-GG-SSSS`` form, all in valid ranges.

    >>> bool(valid_ssn(generate_ssn(5, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    area = rng.integers(1, 899, size=n)
    area += area >= 666
    return _from_codes(
        _assemble(n, _pad(area, 3), "-", _pad(rng.integers(1, 100, size=n), 2), "-",
                  _pad(rng.integers(1, 10_000, size=n), 4))
    )


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # not D F I Q U V
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # not D F I O Q U V
_NINO_BANNED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_NINO_PREFIXES = tuple(a + b for a in _NINO_FIRST for b in _NINO_SECOND if a + b not in _NINO_BANNED)
_NINO_PREFIX_RE = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[ABCEGHJ-PRSTW-Z][ABCEGHJ-NPRSTW-Z]"


def valid_uk_nino(values: np.ndarray) -> np.ndarray:
    """True where the value is a UK National Insurance number, compact (``AB123456C``) or ``AB 12 34 56 C``.

    >>> valid_uk_nino(np.array(["AB123456C", "AB 12 34 56 C", "DQ123456C", "GB123456A", "AB123456E"],
    ...                        dtype=object)).tolist()
    [True, True, False, False, False]
    """
    return _fullmatch(values, _NINO_PREFIX_RE + r"(?:[0-9]{6}[A-D]| [0-9]{2} [0-9]{2} [0-9]{2} [A-D])")


def generate_uk_nino(n: int, rng: np.random.Generator, spaced: bool = False) -> np.ndarray:
    """``n`` random UK NI numbers with allowed prefixes and suffix A-D; ``spaced`` gives ``AB 12 34 56 C``.

    >>> bool(valid_uk_nino(generate_uk_nino(5, np.random.default_rng(0), spaced=True)).all())
    True
    """
    n = _check_n(n)
    prefix = _code_table(_NINO_PREFIXES)[rng.integers(0, len(_NINO_PREFIXES), size=n)]
    d = rng.integers(48, 58, size=(n, 6), dtype=np.uint8)
    suffix = rng.integers(65, 69, size=n, dtype=np.uint8)
    if spaced:
        codes = _assemble(n, prefix, " ", d[:, :2], " ", d[:, 2:4], " ", d[:, 4:], " ", suffix)
    else:
        codes = _assemble(n, prefix, d, suffix)
    return _from_codes(codes)


_VAT_COUNTRIES = ("GB", "DE", "FR")
_VAT_GB_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def _vat_gb_check(values: np.ndarray) -> np.ndarray:
    d = _digit_matrix(values, 11)[:, 2:]
    total = d[:, :7] @ _VAT_GB_WEIGHTS + 10 * d[:, 7] + d[:, 8]
    return (total % 97 == 0) | ((total + 55) % 97 == 0)


def _mod11_10(d: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11,10 check digit for rows of digits."""
    product = np.full(d.shape[0], 10, dtype=np.int64)
    for j in range(d.shape[1]):
        s = (d[:, j] + product) % 10
        product = 2 * np.where(s == 0, 10, s) % 11
    return (11 - product) % 10


def _vat_de_check(values: np.ndarray) -> np.ndarray:
    d = _digit_matrix(values, 11)[:, 2:]
    return _mod11_10(d[:, :8]) == d[:, 8]


def _vat_fr_check(values: np.ndarray) -> np.ndarray:
    d = _digit_matrix(values, 13)[:, 2:]
    key = _digits_to_int(d[:, :2])
    return key == (12 + 3 * (_digits_to_int(d[:, 2:]) % 97)) % 97


_VAT_RULES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "GB": (r"GB[0-9]{9}", _vat_gb_check),
    "DE": (r"DE[1-9][0-9]{8}", _vat_de_check),
    "FR": (r"FR[0-9]{11}", _vat_fr_check),
}


def valid_vat_number(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a VAT number of GB, DE or FR (compact, country prefix included) with valid check.

    GB: ``GB`` + 9 digits, HMRC weighted mod-97 (or the +55 variant); DE: ``DE`` + 9 digits with the ISO 7064
    MOD 11,10 check digit; FR: ``FR`` + 2-digit key + SIREN, key = (12 + 3 * (SIREN mod 97)) mod 97.

    >>> valid_vat_number(np.array(["GB980780684", "GB980780685", "DE136695976", "FR40303265045", "FR41303265045"],
    ...                           dtype=object)).tolist()
    [True, False, True, True, False]
    """
    countries = list(_VAT_RULES) if country is None else [_norm_country(country, _VAT_COUNTRIES, "VAT")]
    arr = _as_values(values)
    ok = np.zeros(arr.size, dtype=bool)
    for c in countries:
        regex, check = _VAT_RULES[c]
        ok |= _checked(arr, regex, check)
    return ok


def generate_vat_number(n: int, rng: np.random.Generator, country: str = "GB") -> np.ndarray:
    """``n`` random VAT numbers of ``country`` (GB, DE or FR) with valid check digits.

    >>> generate_vat_number(2, np.random.default_rng(0), country="FR").tolist()
    ['FR11665230009', 'FR80969569763']
    """
    n = _check_n(n)
    country = _norm_country(country, _VAT_COUNTRIES, "VAT")
    if country == "GB":
        d = rng.integers(0, 10, size=(n, 7))
        d[:, 0] = rng.integers(1, 10, size=n)
        offset = 55 * rng.integers(0, 2, size=n)
        check = -(d @ _VAT_GB_WEIGHTS + offset) % 97
        return _from_codes(_assemble(n, "GB", d + 48, _pad(check, 2)))
    if country == "DE":
        d = rng.integers(0, 10, size=(n, 8))
        d[:, 0] = rng.integers(1, 10, size=n)
        return _from_codes(_assemble(n, "DE", d + 48, _mod11_10(d) + 48))
    siren = rng.integers(0, 10, size=(n, 9))
    siren[:, 0] = rng.integers(1, 10, size=n)
    siren[:, 8] = _luhn_check_digit(siren[:, :8])  # real SIRENs are Luhn-valid
    key = (12 + 3 * (_digits_to_int(siren) % 97)) % 97
    return _from_codes(_assemble(n, "FR", _pad(key, 2), siren + 48))
