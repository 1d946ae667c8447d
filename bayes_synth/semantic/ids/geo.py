"""Location strings: postcodes of US, GB, CA, DE, FR, NL and AU, and decimal-degree latitudes and longitudes."""

from __future__ import annotations

import operator

import numpy as np

from bayes_synth.semantic.ids._common import (
    _POW10,
    _as_values,
    _assemble,
    _cat,
    _check_n,
    _code_table,
    _from_codes,
    _fullmatch,
    _int_str,
    _norm_country,
    _pad,
    _pick,
    _u,
)

# postcodes ---------------------------------------------------------------------------------------

_GB_AREAS = ("AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CF", "CH", "CM", "CO", "CR",
             "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EH", "EN", "EX", "FK", "FY",
             "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IP", "IV", "KA", "KT", "KW",
             "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP",
             "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG",
             "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR",
             "TS", "TW", "UB", "W", "WA", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE")
_GB_LETTER_DISTRICTS = ("EC1A", "EC1M", "EC1N", "EC1R", "EC1V", "EC1Y", "EC2A", "EC2M", "EC2N", "EC2R", "EC2V",
                        "EC2Y", "EC3A", "EC3M", "EC3N", "EC3R", "EC3V", "EC4A", "EC4M", "EC4N", "EC4R", "EC4V",
                        "EC4Y", "WC1A", "WC1B", "WC1E", "WC1H", "WC1N", "WC1R", "WC1V", "WC1X", "WC2A", "WC2B",
                        "WC2E", "WC2H", "WC2N", "WC2R", "SW1A", "SW1E", "SW1H", "SW1P", "SW1V", "SW1W", "SW1X",
                        "SW1Y", "W1A", "W1B", "W1C", "W1D", "W1F", "W1G", "W1H", "W1J", "W1K", "W1S", "W1T", "W1U",
                        "W1W", "E1W", "N1C", "N1P", "NW1W", "SE1P")
_GB_INWARD_LETTERS = np.frombuffer(b"ABDEFGHJLNPQRSTUWXYZ", dtype=np.uint8)  # not C I K M O V
_CA_FIRST = np.frombuffer(b"ABCEGHJKLMNPRSTVXY", dtype=np.uint8)
_CA_OTHER = np.frombuffer(b"ABCEGHJKLMNPRSTVWXYZ", dtype=np.uint8)
_NL_PAIRS = tuple(a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  if a + b not in ("SA", "SD", "SS"))
_AU_RANGES = ((800, 899), (2000, 2999), (3000, 3999), (4000, 4999), (5000, 5799), (6000, 6797), (7000, 7799))
_POSTCODE_RE = {
    "US": r"(?!00000)[0-9]{5}(?:-[0-9]{4})?",
    "GB": r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}|GIR ?0AA",
    "CA": r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
    "DE": r"(?!00)[0-9]{5}",
    "FR": r"(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|97[1-6][0-9]{2}",
    "NL": r"[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}",
    "AU": r"0[289][0-9]{2}|[1-9][0-9]{3}",
}


def valid_postcode(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a postcode of ``country`` (US, GB, CA, DE, FR, NL, AU; None = any of them).

    US ``12345`` or ``12345-6789``; GB outward + inward with the Royal Mail letter rules (space optional);
    CA ``A1A 1A1`` without D F I O Q U (and W Z first); DE 5 digits; FR 5 digits, department 01-95 or 971-976;
    NL ``1234 AB`` (not SA/SD/SS); AU 4 digits. Uppercase only.

    >>> valid_postcode(np.array(["SW1A 1AA", "EC1A 1BB", "QA1 1AA", "M1 1AE", "SW1A 1AC"], dtype=object), "GB").tolist()
    [True, True, False, True, False]
    """
    countries = list(_POSTCODE_RE) if country is None else [_norm_country(country, list(_POSTCODE_RE), "postcode")]
    return _fullmatch(values, "|".join(f"(?:{_POSTCODE_RE[c]})" for c in countries))


def generate_postcode(n: int, rng: np.random.Generator, country: str = "US", zip4: bool = False) -> np.ndarray:
    """``n`` random postcodes of ``country`` (US, GB, CA, DE, FR, NL, AU); ``zip4`` adds ``-NNNN`` to US ZIPs.

    >>> generate_postcode(2, np.random.default_rng(0), country="GB").tolist()
    ['TD1 6QY', 'PA1 5GW']
    """
    n = _check_n(n)
    country = _norm_country(country, list(_POSTCODE_RE), "postcode")
    if country == "US":
        codes = _pad(rng.integers(501, 99951, size=n), 5)
        if zip4:
            codes = _assemble(n, codes, "-", _pad(rng.integers(1, 10_000, size=n), 4))
        return _from_codes(codes)
    if country == "GB":
        area = _pick(rng, n, _GB_AREAS)
        district = _int_str(np.where(rng.random(n) < 0.6, rng.integers(1, 10, size=n), rng.integers(10, 30, size=n)))
        outward = np.where(rng.random(n) < 0.1, _pick(rng, n, _GB_LETTER_DISTRICTS), _cat(area, district))
        inward = _u(_assemble(n, _pad(rng.integers(0, 10, size=n), 1),
                              _GB_INWARD_LETTERS[rng.integers(0, _GB_INWARD_LETTERS.size, size=(n, 2))]))
        return _cat(outward, " ", inward).astype(object)
    if country == "CA":
        d = rng.integers(48, 58, size=(n, 3), dtype=np.uint8)
        first = _CA_FIRST[rng.integers(0, _CA_FIRST.size, size=n)]
        other = _CA_OTHER[rng.integers(0, _CA_OTHER.size, size=(n, 2))]
        return _from_codes(_assemble(n, first, d[:, 0], other[:, 0], " ", d[:, 1], other[:, 1], d[:, 2]))
    if country == "DE":
        return _from_codes(_pad(rng.integers(1001, 99999, size=n), 5))
    if country == "FR":
        dept = rng.integers(1, 96, size=n)
        return _from_codes(_assemble(n, _pad(dept, 2), _pad(rng.integers(0, 1000, size=n), 3)))
    if country == "NL":
        pair = _code_table(_NL_PAIRS)[rng.integers(0, len(_NL_PAIRS), size=n)]
        return _from_codes(_assemble(n, _pad(rng.integers(1000, 10_000, size=n), 4), " ", pair))
    pool = np.concatenate([np.arange(a, b + 1) for a, b in _AU_RANGES])
    return _from_codes(_pad(pool[rng.integers(0, pool.size, size=n)], 4))


# coordinates -------------------------------------------------------------------------------------


def _coord_strings(scaled: np.ndarray, decimals: int) -> np.ndarray:
    """Integer coordinates in units of ``10**-decimals`` degrees -> decimal strings."""
    sign = np.where(scaled < 0, "-", "")
    a = np.abs(scaled)
    whole = _int_str(a // _POW10[decimals])
    if decimals == 0:
        return _cat(sign, whole).astype(object)
    frac = _u(_pad(a % _POW10[decimals], decimals))
    return _cat(sign, whole, ".", frac).astype(object)


def _check_decimals(decimals: int) -> int:
    decimals = operator.index(decimals)
    if not 0 <= decimals <= 12:
        raise ValueError(f"decimals must be in 0..12, got {decimals}")
    return decimals


def _coord_valid(values: np.ndarray, int_re: str, limit: float) -> np.ndarray:
    arr = _as_values(values)
    ok = _fullmatch(arr, rf"[+-]?{int_re}(?:\.[0-9]+)?")
    idx = np.flatnonzero(ok)
    if idx.size:
        ok[idx] = np.abs(arr[idx].astype(str).astype(np.float64)) <= limit
    return ok


def valid_latitude(values: np.ndarray) -> np.ndarray:
    """True where the value is a decimal-degree latitude string within [-90, 90].

    >>> valid_latitude(np.array(["51.507351", "-90", "90.000001", "1e3", "051.5"], dtype=object)).tolist()
    [True, True, False, False, False]
    """
    return _coord_valid(values, r"(?:0|[1-9][0-9]?)", 90.0)


def valid_longitude(values: np.ndarray) -> np.ndarray:
    """True where the value is a decimal-degree longitude string within [-180, 180].

    >>> valid_longitude(np.array(["-0.127758", "180.0", "-180.5", "181"], dtype=object)).tolist()
    [True, True, False, False]
    """
    return _coord_valid(values, r"(?:0|[1-9][0-9]{0,2})", 180.0)


def generate_latitude(n: int, rng: np.random.Generator, decimals: int = 6) -> np.ndarray:
    """``n`` random latitudes (uniform over the sphere's surface) with ``decimals`` decimal places.

    >>> generate_latitude(2, np.random.default_rng(0), decimals=4).tolist()
    ['15.8979', '-27.4146']
    """
    n = _check_n(n)
    decimals = _check_decimals(decimals)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, size=n)))
    scale = _POW10[decimals]
    scaled = np.clip(np.rint(lat * scale).astype(np.int64), -90 * scale, 90 * scale)
    return _coord_strings(scaled, decimals)


def generate_longitude(n: int, rng: np.random.Generator, decimals: int = 6) -> np.ndarray:
    """``n`` random longitudes (uniform) with ``decimals`` decimal places.

    >>> generate_longitude(2, np.random.default_rng(0), decimals=2).tolist()
    ['49.31', '-82.88']
    """
    n = _check_n(n)
    decimals = _check_decimals(decimals)
    scale = _POW10[decimals]
    scaled = np.clip(np.rint(rng.uniform(-180.0, 180.0, size=n) * scale).astype(np.int64), -180 * scale, 180 * scale)
    return _coord_strings(scaled, decimals)
