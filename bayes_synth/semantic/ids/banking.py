"""Bank account identifiers: IBANs (ISO 13616, mod-97 check digits, national BBAN structure and check digits),
UK sort codes and US ABA routing numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_synth.semantic.ids._common import (
    _as_values,
    _ascii_matrix,
    _assemble,
    _check_n,
    _checked,
    _code_table,
    _digit_matrix,
    _digits_to_int,
    _from_codes,
    _fullmatch,
    _group4,
    _int_digits,
    _norm_country,
    _pad,
)

# --------------------------------------------------------------------------------------------------
# IBAN
# --------------------------------------------------------------------------------------------------

# country -> (total length, BBAN regex)
_IBAN_SPECS: dict[str, tuple[int, str]] = {
    "GB": (22, "[A-Z]{4}[0-9]{14}"),
    "DE": (22, "[0-9]{18}"),
    "FR": (27, "[0-9]{10}[0-9A-Z]{11}[0-9]{2}"),
    "NL": (18, "[A-Z]{4}[0-9]{10}"),
    "ES": (24, "[0-9]{20}"),
    "IT": (27, "[A-Z][0-9]{10}[0-9A-Z]{12}"),
}
_GB_BANKS = ("BARC", "LOYD", "NWBK", "HBUK", "MIDL", "NAIA", "ABBY", "CITI", "TSBS", "RBOS", "BUKB", "MONZ",
             "REVO", "SRLG", "COOP", "CLYD", "HLFX", "YORK")
_NL_BANKS = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ", "RBRB", "FVLB")
_ES_WEIGHTS = np.array([1, 2, 4, 8, 5, 10, 9, 7, 3, 6], dtype=np.int64)
_IT_ODD_DIGIT = np.array([1, 0, 5, 7, 9, 13, 15, 17, 19, 21], dtype=np.int64)


_POW10_MOD97 = np.array([pow(10, k, 97) for k in range(128)], dtype=np.int32)
_IBAN_VALUE = np.zeros(256, dtype=np.int32)  # ASCII code -> IBAN character value (0-9, A=10 ... Z=35)
_IBAN_VALUE[48:58] = np.arange(10)
_IBAN_VALUE[65:91] = np.arange(10, 36)
_IBAN_WIDTH = np.zeros(256, dtype=np.int16)  # ASCII code -> number of decimal digits it stands for
_IBAN_WIDTH[48:58] = 1
_IBAN_WIDTH[65:91] = 2


def _mod97(rotated: np.ndarray, same_layout: bool = False) -> np.ndarray:
    """ISO 7064 mod-97 of rows of ASCII codes (digits and letters, letters counting as two digits A=10..Z=35).

    Instead of carrying a remainder through the digit string, each character's value is weighted by
    ``10**(digits to its right) mod 97`` and the products are summed in integer arithmetic, so the whole
    check is a few array operations on the ``(n, k)`` code matrix. With ``same_layout`` (letters at the same
    positions in every row, as in generated values) the weights of the first row serve all rows.
    """
    vals = _IBAN_VALUE[rotated]
    width = _IBAN_WIDTH[rotated[:1] if same_layout else rotated]
    right = np.cumsum(width[:, ::-1], axis=1, dtype=np.int16)[:, ::-1] - width
    if same_layout:
        return (vals @ _POW10_MOD97[right[0]].astype(np.int64)) % 97 if len(rotated) else np.zeros(0, np.int64)
    return (vals * _POW10_MOD97[right]).sum(axis=1, dtype=np.int64) % 97


def _iban_check(compact: np.ndarray) -> np.ndarray:
    """True where compact IBANs (known to be well-formed ASCII) have remainder 1 after moving 4 chars to the end."""
    codes, lengths = _ascii_matrix(compact)
    ok = np.zeros(len(compact), dtype=bool)
    for length in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        sub = codes[rows, :length]
        ok[rows] = _mod97(np.concatenate([sub[:, 4:], sub[:, :4]], axis=1)) == 1
    return ok


def valid_iban(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is an IBAN of a supported country (GB, DE, FR, NL, ES, IT) with valid mod-97 digits.

    Uppercase only; either compact or printed in groups of four separated by single spaces. BBAN letters are
    converted A=10 ... Z=35 for the check. ``country`` restricts to one country.

    >>> valid_iban(np.array(["GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765433",
    ...                      "FR1420041010050500013M02606", "XX82WEST12345698765432"], dtype=object)).tolist()
    [True, True, False, True, False]
    """
    countries = list(_IBAN_SPECS) if country is None else [_norm_country(country, list(_IBAN_SPECS), "IBAN")]
    arr = _as_values(values)
    if arr.size == 0:
        return np.zeros(0, dtype=bool)
    s = pd.Series(arr, dtype=object, copy=False)
    spaced = s.str.contains(" ", regex=False, na=False).to_numpy(dtype=bool)
    spacing_ok = ~spaced | _fullmatch(arr, r"(?:[A-Z0-9]{4} )+[A-Z0-9]{1,4}")
    compact = s.str.replace(" ", "", regex=False).to_numpy(dtype=object)
    fmt = "|".join(f"{c}[0-9]{{2}}{_IBAN_SPECS[c][1]}" for c in countries)
    ok = spacing_ok & _fullmatch(compact, fmt)
    idx = np.flatnonzero(ok)
    if idx.size:
        ok[idx] = _iban_check(compact[idx])
    return ok


def _iban_bban(country: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, k)`` uint8 ASCII codes of a structurally plausible BBAN (national check digits computed)."""

    def digits(k: int, first: int = 0) -> np.ndarray:
        d = rng.integers(0, 10, size=(n, k), dtype=np.int64)
        if first:
            d[:, 0] = rng.integers(first, 10, size=n)
        return d

    if country == "GB":
        bank = _code_table(_GB_BANKS)[rng.integers(0, len(_GB_BANKS), size=n)]
        return _assemble(n, bank, digits(14) + 48)
    if country == "NL":
        bank = _code_table(_NL_BANKS)[rng.integers(0, len(_NL_BANKS), size=n)]
        return _assemble(n, bank, digits(10) + 48)
    if country == "DE":
        blz = digits(8, first=1)
        blz[:, 0] = np.minimum(blz[:, 0], 8)
        return _assemble(n, blz + 48, digits(10) + 48)
    if country == "FR":
        bank, branch, account = digits(5, first=1), digits(5), digits(11)
        total = 89 * _digits_to_int(bank) + 15 * _digits_to_int(branch) + 3 * _digits_to_int(account)
        key = 97 - total % 97  # RIB key
        return _assemble(n, bank + 48, branch + 48, account + 48, _pad(key, 2))
    if country == "ES":
        bank, branch, account = digits(4), digits(4), digits(10)

        def dc(d: np.ndarray) -> np.ndarray:
            r = 11 - (d @ _ES_WEIGHTS) % 11
            return np.where(r == 11, 0, np.where(r == 10, 1, r))

        dc1 = dc(np.concatenate([np.zeros((n, 2), dtype=np.int64), bank, branch], axis=1))
        dc2 = dc(account)
        return _assemble(n, bank + 48, branch + 48, dc1 + 48, dc2 + 48, account + 48)
    # IT: CIN check letter + ABI (5) + CAB (5) + account (12)
    body = digits(22)
    body[:, 0] = np.maximum(body[:, 0], 1)
    cin = (_IT_ODD_DIGIT[body[:, 0::2]].sum(axis=1) + body[:, 1::2].sum(axis=1)) % 26
    return _assemble(n, cin + 65, body + 48)


def generate_iban(n: int, rng: np.random.Generator, country: str = "GB", spaced: bool = False) -> np.ndarray:
    """``n`` random IBANs of ``country`` (GB, DE, FR, NL, ES, IT) with correct mod-97 check digits.

    BBANs follow the national structure (GB: bank code + sort code + account; NL: bank code + account;
    FR/ES/IT national check digits are computed too). ``spaced`` prints groups of four.

    >>> generate_iban(2, np.random.default_rng(1), country="DE").tolist()
    ['DE18657901890087858347', 'DE17538428241314913492']
    """
    n = _check_n(n)
    country = _norm_country(country, list(_IBAN_SPECS), "IBAN")
    bban = _iban_bban(country, n, rng)
    check = 98 - _mod97(_assemble(n, bban, country + "00"), same_layout=True)
    codes = _assemble(n, country, _pad(check, 2), bban)
    return _from_codes(_group4(codes) if spaced else codes)


# --------------------------------------------------------------------------------------------------
# Bank codes
# --------------------------------------------------------------------------------------------------


def valid_sort_code(values: np.ndarray) -> np.ndarray:
    """True where the value is a UK sort code ``NN-NN-NN``.

    >>> valid_sort_code(np.array(["20-00-00", "200000", "20-00-0"], dtype=object)).tolist()
    [True, False, False]
    """
    return _fullmatch(values, r"[0-9]{2}-[0-9]{2}-[0-9]{2}")


def generate_sort_code(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random UK sort codes ``NN-NN-NN`` (first pair 01-99).

    >>> bool(valid_sort_code(generate_sort_code(5, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    d = _pad(rng.integers(10_000, 1_000_000, size=n), 6)
    return _from_codes(_assemble(n, d[:, :2], "-", d[:, 2:4], "-", d[:, 4:]))


_ABA_WEIGHTS = np.array([3, 7, 1, 3, 7, 1, 3, 7, 1], dtype=np.int64)
_ABA_PREFIXES = np.array([*range(1, 13), *range(21, 33)], dtype=np.int64)


def _aba_check(values: np.ndarray) -> np.ndarray:
    return (_digit_matrix(values, 9) @ _ABA_WEIGHTS) % 10 == 0


def valid_routing_number(values: np.ndarray) -> np.ndarray:
    """True where the value is a US ABA routing number: 9 digits, valid Fed prefix and 3-7-1 checksum.

    >>> valid_routing_number(np.array(["011000015", "021000021", "021000022", "991000021"], dtype=object)).tolist()
    [True, True, False, False]
    """
    return _checked(values, r"(?:0[0-9]|1[0-2]|2[1-9]|3[0-2]|6[1-9]|7[0-2]|80)[0-9]{7}", _aba_check)


def generate_routing_number(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random ABA routing numbers (prefix 01-12 or 21-32, check digit computed).

    >>> bool(valid_routing_number(generate_routing_number(5, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    d = np.empty((n, 9), dtype=np.int64)
    d[:, :2] = _int_digits(_ABA_PREFIXES[rng.integers(0, _ABA_PREFIXES.size, size=n)], 2)
    d[:, 2:8] = rng.integers(0, 10, size=(n, 6))
    d[:, 8] = -(d[:, :8] @ _ABA_WEIGHTS[:8]) % 10
    return _from_codes(d + 48)
