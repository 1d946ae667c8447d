"""Identifier, financial and network string values: vectorised validation and synthetic generation.

This module owns the *format knowledge* for identifier-like columns (UUIDs, hashes, sequential and
templated ids), financial codes (IBAN, sort code, ABA routing number, payment cards, card expiry, VAT
numbers), personal identifiers (US SSN, UK NINo), network values (IPv4/6, MAC, domain, URL, user agent)
and a few other formatted strings (file names, hex colours, licence plates, phone numbers, postcodes,
latitude/longitude).

For every type ``T`` there is ``valid_T(values)``, which returns a bool array that is True where a string
has the right format *and* passes the type's checksum (Luhn, mod-97, ABA 3-7-1, ...), and
``generate_T(n, rng, **options)``, which returns an object array of ``n`` fresh ``str`` values, each valid
by ``valid_T``. Generated values are drawn from ``rng`` alone and are never copied from real data, so the
same seed always gives the same values. Everything works on whole arrays: formats are checked with
pandas ``str.fullmatch`` (ASCII semantics) and checksums with numpy digit arithmetic on ``(n, k)`` arrays,
and values are assembled from ASCII code matrices or numpy string concatenation, not one value at a time.

``IDS`` maps each type name to ``(valid_fn, generate_fn)`` for the types whose functions need nothing
beyond ``(values)`` / ``(n, rng, **options)``. ``pattern_id`` (which needs a template) is not in it.
"""

from __future__ import annotations

import functools
import ipaddress
import operator
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "IDS",
    "generate_card_expiry",
    "generate_colour_hex",
    "generate_credit_card",
    "generate_domain",
    "generate_file_name",
    "generate_hash_id",
    "generate_iban",
    "generate_ipv4",
    "generate_ipv6",
    "generate_latitude",
    "generate_licence_plate",
    "generate_longitude",
    "generate_mac",
    "generate_pattern_id",
    "generate_phone",
    "generate_postcode",
    "generate_routing_number",
    "generate_sequential_id",
    "generate_sort_code",
    "generate_ssn",
    "generate_uk_nino",
    "generate_url",
    "generate_user_agent",
    "generate_uuid",
    "generate_vat_number",
    "learn_pattern",
    "luhn_valid",
    "valid_card_expiry",
    "valid_colour_hex",
    "valid_credit_card",
    "valid_domain",
    "valid_file_name",
    "valid_hash_id",
    "valid_iban",
    "valid_ipv4",
    "valid_ipv6",
    "valid_latitude",
    "valid_licence_plate",
    "valid_longitude",
    "valid_mac",
    "valid_pattern_id",
    "valid_phone",
    "valid_postcode",
    "valid_routing_number",
    "valid_sequential_id",
    "valid_sort_code",
    "valid_ssn",
    "valid_uk_nino",
    "valid_url",
    "valid_user_agent",
    "valid_uuid",
    "valid_vat_number",
]

# --------------------------------------------------------------------------------------------------
# Shared vectorised helpers
# --------------------------------------------------------------------------------------------------

_UPPER = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_LOWER = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX_LOWER = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_POW10 = 10 ** np.arange(19, dtype=np.int64)  # 1, 10, ..., 10**18


def _check_n(n: int) -> int:
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    return n


def _as_values(values: np.ndarray | Sequence[str]) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"values must be a 1-D array of str, got shape {arr.shape}")
    return arr


def _fullmatch(values: np.ndarray, pattern: str, flags: int = 0) -> np.ndarray:
    """Bool array: True where the value is a str fully matching ``pattern`` (ASCII ``\\d``, ``\\w``)."""
    arr = _as_values(values)
    if arr.size == 0:
        return np.zeros(0, dtype=bool)
    s = pd.Series(arr, dtype=object, copy=False)
    return np.array(s.str.fullmatch(pattern, flags=flags | re.ASCII).to_numpy(dtype=bool, na_value=False))


def _checked(values: np.ndarray, pattern: str, check: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Format check with ``pattern``, then ``check`` (a vectorised checksum) on the rows that matched."""
    arr = _as_values(values)
    ok = _fullmatch(arr, pattern)
    idx = np.flatnonzero(ok)
    if idx.size:
        ok[idx] = check(arr[idx])
    return ok


def _ascii_matrix(strings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(n, w)`` uint8 ASCII codes of ASCII strings (zero right-padded) and their lengths."""
    b = np.asarray(strings.tolist(), dtype="S")
    w = b.dtype.itemsize
    codes = b.view(np.uint8).reshape(len(strings), w)
    return codes, (codes != 0).sum(axis=1)


def _digit_matrix(strings: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` int64 digit values of strings of exactly ``width`` ASCII digits."""
    b = np.asarray(strings.tolist(), dtype=f"S{width}")
    return b.view(np.uint8).reshape(len(strings), width).astype(np.int64) - 48


def _digits_to_int(d: np.ndarray) -> np.ndarray:
    """Rows of decimal digits (at most 18 columns) -> int64 numbers."""
    k = d.shape[1]
    return d @ _POW10[k - 1 :: -1] if k else np.zeros(d.shape[0], dtype=np.int64)


def _int_digits(x: np.ndarray, width: int) -> np.ndarray:
    """Non-negative ints -> ``(n, width)`` int64 zero-padded decimal digits."""
    return np.asarray(x, dtype=np.int64)[:, None] // _POW10[width - 1 :: -1] % 10


def _pad(x: np.ndarray, width: int) -> np.ndarray:
    """Non-negative ints -> ``(n, width)`` uint8 ASCII codes, zero padded."""
    return (_int_digits(x, width) + 48).astype(np.uint8)


def _u(codes: np.ndarray) -> np.ndarray:
    """``(n, k)`` character codes -> numpy ``U{k}`` array (trailing NUL codes shorten a value)."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    n, k = codes.shape
    if k == 0:
        return np.full(n, "", dtype="U1")
    return codes.view(f"U{k}").reshape(n)


def _from_codes(codes: np.ndarray) -> np.ndarray:
    """``(n, k)`` character codes -> object array of str."""
    return _u(codes).astype(object)


def _assemble(n: int, *blocks: np.ndarray | str) -> np.ndarray:
    """Concatenate ``(n, k)`` code blocks and literal ASCII strings (broadcast) along the columns."""
    cols = []
    for b in blocks:
        if isinstance(b, str):
            lit = np.frombuffer(b.encode("ascii"), dtype=np.uint8)
            cols.append(np.broadcast_to(lit, (n, lit.size)))
        else:
            b = np.asarray(b)
            cols.append((b if b.ndim == 2 else b[:, None]).astype(np.uint8))
    return np.concatenate(cols, axis=1)


def _int_str(x: np.ndarray) -> np.ndarray:
    """Non-negative ints -> ``U`` array of their decimal representation (no leading zeros)."""
    x = np.asarray(x, dtype=np.int64)
    n = x.size
    nd = np.maximum(1, np.searchsorted(_POW10, x, side="right"))
    w = int(nd.max()) if n else 1
    digits = _int_digits(x, w) + 48
    cols = np.arange(w)[None, :] + (w - nd)[:, None]  # left-shift each row by its leading zeros
    codes = np.take_along_axis(digits, np.minimum(cols, w - 1), axis=1)
    codes[cols >= w] = 0
    return _u(codes)


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of ``U`` arrays and str scalars (the first part must be an array)."""
    out = parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p)
    return np.asarray(out)


def _pick(rng: np.random.Generator, n: int, options: Sequence[str] | np.ndarray) -> np.ndarray:
    """``n`` uniform draws from ``options`` as a ``U`` array."""
    opts = np.asarray(options, dtype=str)
    return opts[rng.integers(0, opts.size, size=n)]


def _rand_digits(rng: np.random.Generator, n: int, k: int, first: int = 0) -> np.ndarray:
    """``U`` array of ``k`` random digits whose first digit is at least ``first``."""
    codes = rng.integers(48, 58, size=(n, k), dtype=np.uint8)
    if k and first:
        codes[:, 0] = rng.integers(48 + first, 58, size=n, dtype=np.uint8)
    return _u(codes)


def _code_table(words: Sequence[str]) -> np.ndarray:
    """Equal-length ASCII words -> ``(len(words), k)`` uint8 code table."""
    return np.frombuffer("".join(words).encode("ascii"), dtype=np.uint8).reshape(len(words), -1)


def _norm_country(country: str, supported: Sequence[str], what: str) -> str:
    c = str(country).upper()
    if c not in supported:
        raise ValueError(f"unsupported {what} country {country!r}; supported: {', '.join(supported)}")
    return c


def _group4(codes: np.ndarray) -> np.ndarray:
    """Insert a space after every 4 characters of fixed-width code rows (IBAN print format)."""
    n, w = codes.shape
    out = np.full((n, w + (w - 1) // 4), ord(" "), dtype=np.uint8)
    j = np.arange(w)
    out[:, j + j // 4] = codes
    return out


# --------------------------------------------------------------------------------------------------
# Word lists used by domains, URLs and file names (neutral English words)
# --------------------------------------------------------------------------------------------------

_WORDS: tuple[str, ...] = (
    "acorn", "alpine", "amber", "anchor", "apple", "arrow", "aspen", "atlas", "autumn", "azure", "badge", "bakery",
    "bamboo", "banner", "basin", "bay", "beacon", "beam", "berry", "birch", "bloom", "blossom", "blue", "bolt",
    "bridge", "bright", "brook", "bubble", "cabin", "cactus", "canal", "candle", "canyon", "carbon", "cascade",
    "castle", "cedar", "cello", "chalk", "cherry", "cinder", "circle", "citrus", "cloud", "clover", "cobalt",
    "comet", "copper", "coral", "core", "cotton", "cove", "craft", "crane", "creek", "crest", "crimson", "crystal",
    "daisy", "dale", "dawn", "daylight", "delta", "desert", "dolphin", "dune", "eagle", "echo", "ember", "emerald",
    "evergreen", "falcon", "feather", "fern", "field", "fjord", "flint", "forest", "fossil", "fountain", "frost",
    "garden", "garnet", "glacier", "glen", "golden", "granite", "green", "grid", "grove", "harbor", "harvest",
    "haven", "hazel", "heron", "hill", "honey", "horizon", "hub", "indigo", "island", "ivory", "jade", "jasmine",
    "jungle", "kernel", "kettle", "kite", "lagoon", "lake", "lantern", "lark", "laurel", "leaf", "lemon", "light",
    "lily", "linen", "link", "logic", "loop", "lotus", "lunar", "magnet", "maple", "marble", "marsh", "meadow",
    "melody", "mint", "mirror", "mist", "moss", "mountain", "nectar", "needle", "nest", "noble", "node", "north",
    "nova", "oak", "oasis", "ocean", "ochre", "olive", "onyx", "opal", "orange", "orbit", "orchard", "otter", "owl",
    "palm", "paper", "path", "peak", "pearl", "pebble", "pepper", "pine", "pixel", "planet", "plum", "pond",
    "poppy", "port", "prairie", "prism", "pulse", "quartz", "quest", "quiet", "quill", "rain", "rapid", "raven",
    "reef", "ridge", "river", "robin", "rocket", "rose", "ruby", "saffron", "sage", "sail", "salt", "sand", "satin",
    "scarlet", "shadow", "shell", "shore", "signal", "silver", "sky", "slate", "snow", "solar", "spark", "spire",
    "spring", "spruce", "star", "stone", "storm", "stream", "summit", "sun", "swan", "swift", "sync", "teal",
    "thistle", "thunder", "tide", "timber", "topaz", "tower", "trail", "true", "tulip", "tundra", "urban", "vale",
    "valley", "vector", "velvet", "violet", "vista", "walnut", "wave", "wild", "willow", "wind", "winter", "wood",
    "wren", "yarrow", "yellow", "zenith", "zephyr", "zinc", "bench", "canvas", "cobble", "compass", "folio",
    "harbour", "journal", "ledger", "market", "notebook", "pattern", "report", "ribbon", "season", "sketch",
    "table", "ticket", "voyage", "window",
)
_WORDS_U = np.asarray(_WORDS, dtype=str)

_TLDS = ("com", "org", "net", "io", "co.uk", "co", "dev", "app", "info", "de", "fr", "nl", "eu", "ca", "com.au",
         "org.uk", "tech", "biz")
_TLD_WEIGHTS = np.array([30, 10, 8, 6, 8, 4, 3, 3, 3, 4, 3, 3, 2, 3, 3, 2, 2, 2], dtype=float)
_TLD_WEIGHTS /= _TLD_WEIGHTS.sum()

# --------------------------------------------------------------------------------------------------
# UUID, hash, sequential
# --------------------------------------------------------------------------------------------------

_UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_UUID_UPPER_RE = r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"


def valid_uuid(values: np.ndarray, upper: bool | None = False) -> np.ndarray:
    """True where the value is a canonical version-4 UUID (8-4-4-4-12, RFC 4122 variant).

    Lowercase by default; ``upper=True`` asks for uppercase, ``upper=None`` accepts either (one case per value).

    >>> valid_uuid(np.array(["0b9d5a4e-6f3c-4d2a-9b1e-2c3d4e5f6a7b", "0B9D5A4E-6F3C-4D2A-9B1E-2C3D4E5F6A7B",
    ...                      "0b9d5a4e-6f3c-1d2a-9b1e-2c3d4e5f6a7b"], dtype=object)).tolist()
    [True, False, False]
    >>> valid_uuid(np.array(["0B9D5A4E-6F3C-4D2A-9B1E-2C3D4E5F6A7B", "0B9D5A4E-6f3c-4D2A-9B1E-2C3D4E5F6A7B"],
    ...                     dtype=object), upper=None).tolist()
    [True, False]
    """
    pattern = {False: _UUID_RE, True: _UUID_UPPER_RE, None: f"{_UUID_RE}|{_UUID_UPPER_RE}"}[upper]
    return _fullmatch(values, pattern)


def generate_uuid(n: int, rng: np.random.Generator, upper: bool = False) -> np.ndarray:
    """``n`` random version-4 UUIDs (canonical form, lowercase unless ``upper``).

    >>> u = generate_uuid(3, np.random.default_rng(0))
    >>> bool(valid_uuid(u).all()), u[0][14], len(u[0])
    (True, '4', 36)
    """
    n = _check_n(n)
    nib = rng.integers(0, 16, size=(n, 32), dtype=np.uint8)
    nib[:, 12] = 4
    nib[:, 16] = 8 + (nib[:, 16] & 3)
    h = (_HEX_UPPER if upper else _HEX_LOWER)[nib]
    return _from_codes(_assemble(n, h[:, :8], "-", h[:, 8:12], "-", h[:, 12:16], "-", h[:, 16:20], "-", h[:, 20:]))


_HASH_LENGTHS = (32, 40, 56, 64, 96, 128)


def valid_hash_id(values: np.ndarray, length: int | None = None) -> np.ndarray:
    """True where the value looks like a hex digest: all-lowercase or all-uppercase hex of a digest length.

    ``length`` restricts to one length; by default any of 32 (MD5), 40 (SHA-1), 56, 64 (SHA-256), 96 or 128.

    >>> valid_hash_id(np.array(["d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E",
    ...                         "d41d8cd98f00b204e9800998ecf8427", "d41d8cd98f00b204e9800998ecf8427g"],
    ...                        dtype=object)).tolist()
    [True, True, False, False]
    """
    lengths = _HASH_LENGTHS if length is None else (operator.index(length),)
    alternatives = [f"[0-9{case}]{{{k}}}" for case in ("a-f", "A-F") for k in lengths]
    return _fullmatch(values, "|".join(alternatives))


def generate_hash_id(n: int, rng: np.random.Generator, length: int = 32, upper: bool = False) -> np.ndarray:
    """``n`` random hex digests of ``length`` characters (32 MD5-like, 40 SHA-1-like, 64 SHA-256-like, ...).

    >>> h = generate_hash_id(2, np.random.default_rng(0), length=40, upper=True)
    >>> [len(v) for v in h], bool(valid_hash_id(h, length=40).all())
    ([40, 40], True)
    """
    n = _check_n(n)
    if length not in _HASH_LENGTHS:
        raise ValueError(f"hash length must be one of {_HASH_LENGTHS}, got {length}")
    table = _HEX_UPPER if upper else _HEX_LOWER
    return _from_codes(table[rng.integers(0, 16, size=(n, length), dtype=np.uint8)])


def valid_sequential_id(values: np.ndarray, prefix: str = "") -> np.ndarray:
    """True where the value is ``prefix`` followed by one or more decimal digits.

    >>> valid_sequential_id(np.array(["INV-0007", "INV-", "INV-7a", "0007"], dtype=object), prefix="INV-").tolist()
    [True, False, False, False]
    """
    return _fullmatch(values, re.escape(prefix) + "[0-9]+")


def generate_sequential_id(
    n: int, rng: np.random.Generator | None = None, start: int = 1, width: int = 0, prefix: str = ""
) -> np.ndarray:
    """``prefix`` + consecutive integers from ``start``, zero-padded to ``width`` (``rng`` is not used).

    >>> generate_sequential_id(3, np.random.default_rng(0), start=9, width=3, prefix="ID").tolist()
    ['ID009', 'ID010', 'ID011']
    """
    n = _check_n(n)
    start = operator.index(start)
    if start < 0:
        raise ValueError(f"start must be non-negative, got {start}")
    s = _int_str(np.arange(start, start + n, dtype=np.int64))
    if width:
        s = np.strings.zfill(s, operator.index(width))
    return (_cat(np.full(n, prefix), s) if prefix else s).astype(object)


# --------------------------------------------------------------------------------------------------
# Template ids
# --------------------------------------------------------------------------------------------------

_CLASS_ALPHABET = {"A": _UPPER, "a": _LOWER, "0": _DIGITS, "X": np.concatenate([_UPPER, _DIGITS])}
_CLASS_REGEX = {"A": "[A-Z]", "a": "[a-z]", "0": "[0-9]", "X": "[A-Z0-9]"}
_TEMPLATE_SPECIAL = set(_CLASS_REGEX) | {"\\"}


def _parse_pattern(pattern: str) -> list[tuple[bool, str]]:
    """Template -> tokens ``(is_class, char)``; a backslash makes the next character literal."""
    tokens: list[tuple[bool, str]] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 == len(pattern):
                raise ValueError(f"pattern {pattern!r} ends with a lone backslash")
            tokens.append((False, pattern[i + 1]))
            i += 2
            continue
        tokens.append((c in _CLASS_REGEX, c))
        i += 1
    if not tokens:
        raise ValueError("pattern must not be empty")
    return tokens


def _pattern_regex(tokens: list[tuple[bool, str]]) -> str:
    return "".join(_CLASS_REGEX[c] if is_class else re.escape(c) for is_class, c in tokens)


def valid_pattern_id(values: np.ndarray, pattern: str) -> np.ndarray:
    """True where the value fits the template ``pattern``.

    Template language: ``A`` uppercase letter, ``a`` lowercase letter, ``0`` digit, ``X`` uppercase letter
    or digit; any other character is literal and a backslash makes the next character literal.

    >>> valid_pattern_id(np.array(["CUS-004521", "CUS-00452", "cus-004521"], dtype=object), "CUS-000000").tolist()
    [True, False, False]
    """
    return _fullmatch(values, _pattern_regex(_parse_pattern(pattern)), re.DOTALL)


def generate_pattern_id(n: int, rng: np.random.Generator, pattern: str, unique: bool = False) -> np.ndarray:
    """``n`` random values of the template ``pattern`` (see :func:`valid_pattern_id`); distinct if ``unique``.

    Raises ``ValueError`` when ``unique`` and the template has fewer than ``n`` possible values.

    >>> generate_pattern_id(3, np.random.default_rng(0), r"\\X-AA0", unique=True).tolist()
    ['X-QO5', 'X-NH5', 'X-WC8']
    """
    n = _check_n(n)
    tokens = _parse_pattern(pattern)
    class_cols = [j for j, (is_class, _) in enumerate(tokens) if is_class]
    radices = np.array([_CLASS_ALPHABET[tokens[j][1]].size for j in class_cols], dtype=np.int64)
    if unique:
        capacity = 1
        for r in radices.tolist():
            capacity *= r
        if capacity < n:
            raise ValueError(
                f"pattern {pattern!r} has only {capacity} possible values, fewer than the n={n} unique values asked for"
            )
        if capacity <= np.iinfo(np.int64).max:
            ints = rng.choice(capacity, size=n, replace=False) if n else np.zeros(0, dtype=np.int64)
            ints = np.asarray(ints, dtype=np.int64)
            idx = np.empty((n, radices.size), dtype=np.int64)
            for j in range(radices.size - 1, -1, -1):  # mixed-radix digits, last column fastest
                idx[:, j] = ints % radices[j]
                ints = ints // radices[j]
        else:  # astronomically many values: independent draws, then redraw the (rare) duplicates
            idx = rng.integers(0, radices, size=(n, radices.size))
            while True:
                keys = np.ascontiguousarray(idx.astype(np.uint8) + 1).view(f"S{radices.size}").ravel()
                dup = pd.Series(keys).duplicated().to_numpy(dtype=bool)
                if not dup.any():
                    break
                idx[dup] = rng.integers(0, radices, size=(int(dup.sum()), radices.size))
    else:
        idx = rng.integers(0, radices, size=(n, radices.size))
    codes = np.empty((n, len(tokens)), dtype=np.uint32)
    for j, (is_class, c) in enumerate(tokens):
        if not is_class:
            codes[:, j] = ord(c)
    for k, j in enumerate(class_cols):
        codes[:, j] = _CLASS_ALPHABET[tokens[j][1]][idx[:, k]]
    return _from_codes(codes)


def pattern_capacity(pattern: str) -> int:
    """How many distinct values the template ``pattern`` has.

    >>> pattern_capacity("CUS-000000")
    1000000
    """
    capacity = 1
    for is_class, c in _parse_pattern(pattern):
        if is_class:
            capacity *= int(_CLASS_ALPHABET[c].size)
    return capacity


def pattern_values(numbers: np.ndarray, pattern: str) -> np.ndarray:
    """The template's value number ``k`` for each k in ``numbers`` (0 <= k < capacity; a bijection).

    >>> pattern_values(np.array([0, 42]), "ID-000").tolist()
    ['ID-000', 'ID-042']
    """
    tokens = _parse_pattern(pattern)
    class_cols = [j for j, (is_class, _) in enumerate(tokens) if is_class]
    rest = np.asarray(numbers, dtype=object)
    codes = np.empty((len(rest), len(tokens)), dtype=np.uint32)
    for j, (is_class, c) in enumerate(tokens):
        if not is_class:
            codes[:, j] = ord(c)
    for j in reversed(class_cols):  # mixed-radix digits, last column fastest
        alphabet = _CLASS_ALPHABET[tokens[j][1]]
        codes[:, j] = alphabet[(rest % alphabet.size).astype(np.int64)]
        rest = rest // alphabet.size
    return _from_codes(codes)


def learn_pattern(values: np.ndarray, max_patterns: int = 1) -> str | None:
    """Infer a template (see :func:`valid_pattern_id`) from real values that share one shape.

    A value's *shape* maps uppercase letters to ``A``, lowercase to ``a``, digits to ``0`` and keeps every
    other character. If the values have more than ``max_patterns`` shapes the result is None; otherwise the
    template describes the most common shape. Digit positions always become ``0``; a letter position keeps
    its letter as a literal when every value has the same letter there (escaped when it is ``A``, ``a`` or
    ``X``), otherwise it becomes ``A``/``a``; other characters stay literal.

    >>> learn_pattern(np.array(["CUS-004521", "CUS-000017"], dtype=object))
    'CUS-000000'
    >>> learn_pattern(np.array(["X-12", "X-98"], dtype=object))
    '\\\\X-00'
    >>> learn_pattern(np.array(["AB12", "AB-12"], dtype=object)) is None
    True
    """
    arr = _as_values(values)
    if arr.size == 0 or max_patterns < 1:
        return None
    u = np.asarray(arr.astype(str), dtype=str)
    width = u.dtype.itemsize // 4
    if width == 0:
        return None
    cp = np.ascontiguousarray(u).view(np.uint32).reshape(u.size, width)
    shape = cp.copy()
    shape[(cp >= 65) & (cp <= 90)] = 65
    shape[(cp >= 97) & (cp <= 122)] = 97
    shape[(cp >= 48) & (cp <= 57)] = 48
    shapes, inverse, counts = np.unique(shape, axis=0, return_inverse=True, return_counts=True)
    if shapes.shape[0] > max_patterns:
        return None
    best = int(np.argmax(counts))
    rows = cp[inverse.ravel() == best]
    template = []
    for j in range(width):
        s = int(shapes[best, j])
        if s == 0:
            break
        col = rows[:, j]
        if s == 48:
            template.append("0")
        elif s in (65, 97):
            if (col == col[0]).all():
                ch = chr(int(col[0]))
                template.append("\\" + ch if ch in _TEMPLATE_SPECIAL else ch)
            else:
                template.append("A" if s == 65 else "a")
        else:
            ch = chr(s)
            template.append("\\" + ch if ch in _TEMPLATE_SPECIAL else ch)
    return "".join(template) or None


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


# --------------------------------------------------------------------------------------------------
# Payment cards
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Personal and tax identifiers
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------------

_OCTET_RE = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_OCTETS = np.asarray([str(i) for i in range(256)], dtype=str)


def valid_ipv4(values: np.ndarray) -> np.ndarray:
    """True where the value is a dotted-quad IPv4 address (each part 0-255, no leading zeros).

    >>> valid_ipv4(np.array(["192.168.0.1", "256.1.1.1", "01.2.3.4", "1.2.3"], dtype=object)).tolist()
    [True, False, False, False]
    """
    return _fullmatch(values, rf"{_OCTET_RE}(?:\.{_OCTET_RE}){{3}}")


def generate_ipv4(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random unicast IPv4 addresses (first octet 1-223, not 127).

    >>> generate_ipv4(2, np.random.default_rng(0)).tolist()
    ['190.130.69.78', '143.10.19.4']
    """
    n = _check_n(n)
    first = rng.integers(1, 223, size=n)
    first += first >= 127
    rest = _OCTETS[rng.integers(0, 256, size=(n, 3))]
    return _cat(_OCTETS[first], ".", rest[:, 0], ".", rest[:, 1], ".", rest[:, 2]).astype(object)


_IPV6_FULL_RE = r"(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"


def _ipv6_ok(s: str) -> bool:
    try:
        ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return True


def valid_ipv6(values: np.ndarray) -> np.ndarray:
    """True where the value is an IPv6 address in full or compressed (``::``) form, as ``ipaddress`` accepts.

    Scope ids (``%eth0``) are not accepted.

    >>> valid_ipv6(np.array(["2001:db8:0:0:0:0:0:1", "2001:db8::1", "::ffff:192.0.2.1", "2001:db8:::1", "1:2:3"],
    ...                     dtype=object)).tolist()
    [True, True, True, False, False]
    """
    arr = _as_values(values)
    ok = _fullmatch(arr, _IPV6_FULL_RE)
    rest = np.flatnonzero(~ok & _fullmatch(arr, r"[0-9a-fA-F:.]{2,45}"))
    if rest.size:
        ok[rest] = [_ipv6_ok(s) for s in arr[rest]]
    return ok


@functools.cache
def _hex_groups() -> np.ndarray:
    """All 16-bit groups in shortest lowercase hex (``0`` ... ``ffff``), built on first use."""
    return np.asarray([format(i, "x") for i in range(65536)], dtype=str)


def generate_ipv6(n: int, rng: np.random.Generator, compressed: bool = False) -> np.ndarray:
    """``n`` random global-unicast IPv6 addresses; full lowercase 8 groups, or RFC 5952 form if ``compressed``.

    >>> generate_ipv6(1, np.random.default_rng(0)).tolist()
    ['259b:a30f:82d9:4510:4ecd:0a7d:1342:043b']
    """
    n = _check_n(n)
    groups = rng.integers(0, 65536, size=(n, 8))
    groups[:, 0] = rng.integers(0x2000, 0x4000, size=n)
    if not compressed:
        nib = (groups[:, :, None] >> np.array([12, 8, 4, 0])) & 15
        h = _HEX_LOWER[nib.reshape(n, 32)]
        blocks: list[np.ndarray | str] = []
        for g in range(8):
            blocks += [h[:, 4 * g : 4 * g + 4], ":"]
        return _from_codes(_assemble(n, *blocks[:-1]))
    table = _hex_groups()
    parts: list[np.ndarray | str] = []
    for g in range(8):
        parts += [table[groups[:, g]], ":"]
    out = _cat(*parts[:-1]).astype(object)
    zero_run = ((groups[:, :-1] == 0) & (groups[:, 1:] == 0)).any(axis=1)  # needs '::' (rare)
    for i in np.flatnonzero(zero_run):
        out[i] = ipaddress.IPv6Address(out[i]).compressed
    return out


def valid_mac(values: np.ndarray, sep: str | None = None) -> np.ndarray:
    """True where the value is a MAC address: 6 hex pairs joined by one separator (``:`` or ``-``; any case).

    >>> valid_mac(np.array(["3c:22:fb:01:9a:7e", "3C-22-FB-01-9A-7E", "3c:22-fb:01:9a:7e", "3c:22:fb:01:9a"],
    ...                    dtype=object)).tolist()
    [True, True, False, False]
    """
    if sep is None:
        return _fullmatch(values, r"[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}")
    s = re.escape(sep)
    return _fullmatch(values, rf"[0-9a-fA-F]{{2}}(?:{s}[0-9a-fA-F]{{2}}){{5}}")


def generate_mac(n: int, rng: np.random.Generator, sep: str = ":", upper: bool = False) -> np.ndarray:
    """``n`` random unicast MAC addresses, hex pairs joined by ``sep`` (``:`` or ``-``).

    >>> generate_mac(1, np.random.default_rng(0), sep="-", upper=True).tolist()
    ['58-CD-CE-0A-2D-D8']
    """
    n = _check_n(n)
    if sep not in (":", "-"):
        raise ValueError(f"MAC separator must be ':' or '-', got {sep!r}")
    nib = rng.integers(0, 16, size=(n, 12), dtype=np.uint8)
    nib[:, 1] &= 0xE  # unicast: clear the I/G bit of the first octet
    h = (_HEX_UPPER if upper else _HEX_LOWER)[nib]
    blocks: list[np.ndarray | str] = []
    for g in range(6):
        blocks += [h[:, 2 * g : 2 * g + 2], sep]
    return _from_codes(_assemble(n, *blocks[:-1]))


_LABEL_RE = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN_RE = rf"(?=.{{4,253}}$)(?:{_LABEL_RE}\.)+[a-z]{{2,63}}"


def valid_domain(values: np.ndarray) -> np.ndarray:
    """True where the value is a DNS host name with at least two labels and an alphabetic TLD (any case).

    >>> valid_domain(np.array(["harbor-light.co.uk", "Example.COM", "-bad.com", "localhost", "a..com"],
    ...                       dtype=object)).tolist()
    [True, True, False, False, False]
    """
    return _fullmatch(values, _DOMAIN_RE, re.IGNORECASE)


def _domains_u(n: int, rng: np.random.Generator) -> np.ndarray:
    w1, w2 = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(2, n))]
    form = rng.random(n)
    sep = np.where(form < 0.2, "-", "")
    second = np.where(form < 0.5, w2, "")
    sep = np.where(form < 0.5, sep, "")
    tld = np.asarray(_TLDS, dtype=str)[rng.choice(len(_TLDS), size=n, p=_TLD_WEIGHTS)]
    return _cat(w1, sep, second, ".", tld)


def generate_domain(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random domains: one or two words (joined directly or by ``-``) and a common TLD.

    >>> generate_domain(3, np.random.default_rng(0)).tolist()
    ['tundra-evergreen.co.uk', 'prairie.info', 'nectar.io']
    """
    n = _check_n(n)
    return _domains_u(n, rng).astype(object)


_URL_PATH_CHAR = r"[A-Za-z0-9._~%!$&'()*+,;=:@-]"


def valid_url(values: np.ndarray) -> np.ndarray:
    """True where the value is an ``http``/``https`` URL: host name, optional port, path, query and fragment.

    >>> valid_url(np.array(["https://harbor-light.com/maple/news", "https://harbor.io", "ftp://harbor.io",
    ...                     "https://harbor", "https://harbor.io/a b"], dtype=object)).tolist()
    [True, True, False, False, False]
    """
    path = rf"(?:/{_URL_PATH_CHAR}*)*"
    query = rf"(?:\?(?:{_URL_PATH_CHAR}|[/?])*)?(?:#(?:{_URL_PATH_CHAR}|[/?])*)?"
    host = rf"(?:{_LABEL_RE}\.)+[a-z]{{2,63}}"
    return _fullmatch(values, rf"https?://{host}(?::[0-9]{{1,5}})?{path}{query}", re.IGNORECASE)


def generate_url(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random ``https://`` URLs: a generated domain plus a path of 0-2 words.

    >>> bool(valid_url(generate_url(5, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    dom = _domains_u(n, rng)
    depth = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    p1, p2 = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(2, n))]
    seg1 = np.where(depth >= 1, _cat(np.full(n, "/"), p1), "")
    seg2 = np.where(depth >= 2, _cat(np.full(n, "/"), p2), "")
    return _cat(np.full(n, "https://"), dom, seg1, seg2).astype(object)


# user agents -------------------------------------------------------------------------------------

_CHROME_MAJOR = (120, 132)
_FIREFOX_MAJOR = (115, 134)
_SAFARI_VERSIONS = ("16.6", "17.0", "17.1", "17.2", "17.3", "17.4", "17.5", "17.6", "18.0", "18.1", "18.2")
_DESKTOP_CHROME = ("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64")
_DESKTOP_FIREFOX = ("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10.15", "X11; Linux x86_64",
                    "X11; Ubuntu; Linux x86_64")
_WEBKIT = ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"


def _ua_chrome(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_CHROME)
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, _WEBKIT, major, ".0.0.0 Safari/537.36")


def _ua_edge(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_CHROME[:2])
    build, patch = _int_str(rng.integers(2200, 2960, size=m)), _int_str(rng.integers(0, 120, size=m))
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, _WEBKIT, major, ".0.0.0 Safari/537.36 Edg/", major, ".0.",
                build, ".", patch)


def _ua_android(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    android = _int_str(rng.integers(10, 15, size=m))
    return _cat(np.full(m, "Mozilla/5.0 (Linux; Android "), android, "; K", _WEBKIT, major,
                ".0.0.0 Mobile Safari/537.36")


def _ua_firefox(m: int, rng: np.random.Generator) -> np.ndarray:
    v = _int_str(rng.integers(*_FIREFOX_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_FIREFOX)
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, "; rv:", v, ".0) Gecko/20100101 Firefox/", v, ".0")


def _ua_safari_mac(m: int, rng: np.random.Generator) -> np.ndarray:
    v = _pick(rng, m, _SAFARI_VERSIONS)
    return _cat(np.full(m, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                           "(KHTML, like Gecko) Version/"), v, " Safari/605.1.15")


def _ua_safari_ios(m: int, rng: np.random.Generator) -> np.ndarray:
    k = rng.integers(0, len(_SAFARI_VERSIONS), size=m)
    v = np.asarray(_SAFARI_VERSIONS, dtype=str)[k]
    os_v = np.strings.replace(v, ".", "_")
    device = np.where(rng.random(m) < 0.85, "iPhone; CPU iPhone OS ", "iPad; CPU OS ")
    return _cat(np.full(m, "Mozilla/5.0 ("), device, os_v, " like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/", v, " Mobile/15E148 Safari/604.1")


_UA_BUILDERS = (_ua_chrome, _ua_android, _ua_safari_ios, _ua_edge, _ua_firefox, _ua_safari_mac)
_UA_MIX = np.array([0.35, 0.20, 0.15, 0.10, 0.10, 0.10])


def valid_user_agent(values: np.ndarray) -> np.ndarray:
    """True where the value looks like a browser user agent: ``Mozilla/5.0 (platform) product...`` in printable ASCII.

    >>> valid_user_agent(np.array(["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ...                            "curl/8.5.0", "Mozilla/5.0 (X11"], dtype=object)).tolist()
    [True, False, False]
    """
    return _fullmatch(values, r"Mozilla/5\.0 \([^()\x00-\x1f\x7f]+\) [\x20-\x7e]+")


def generate_user_agent(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` realistic browser user agents (Chrome, Edge, Firefox, Safari on Windows/macOS/Linux/Android/iOS).

    >>> bool(valid_user_agent(generate_user_agent(20, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    which = rng.choice(len(_UA_BUILDERS), size=n, p=_UA_MIX)
    out = np.empty(n, dtype=object)
    for k, build in enumerate(_UA_BUILDERS):
        idx = np.flatnonzero(which == k)
        if idx.size:
            out[idx] = build(idx.size, rng).astype(object)
    return out


# --------------------------------------------------------------------------------------------------
# Miscellaneous formatted strings
# --------------------------------------------------------------------------------------------------

_FILE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "documents": ("pdf", "docx", "doc", "txt", "odt", "rtf", "pptx", "md"),
    "images": ("jpg", "jpeg", "png", "gif", "svg", "webp", "tiff", "bmp"),
    "data": ("csv", "json", "parquet", "xml", "tsv", "xlsx", "sqlite", "yaml"),
}


def valid_file_name(values: np.ndarray, extensions: Sequence[str] | None = None) -> np.ndarray:
    """True where the value is a plain file name (no directory part) with an extension.

    ``extensions`` (case-insensitive, without dots) restricts the allowed extensions.

    >>> valid_file_name(np.array(["annual_report-2024.pdf", "notes", "dir/x.csv", ".hidden"], dtype=object)).tolist()
    [True, False, False, False]
    >>> valid_file_name(np.array(["a.CSV", "a.pdf"], dtype=object), extensions=["csv"]).tolist()
    [True, False]
    """
    arr = _as_values(values)
    ok = _fullmatch(arr, r"[A-Za-z0-9][A-Za-z0-9 _.()+-]{0,200}\.[A-Za-z0-9]{1,10}")
    if extensions is not None and ok.any():
        allowed = {e.lower().lstrip(".") for e in extensions}
        ext = pd.Series(arr[ok], dtype=object).str.rsplit(".", n=1).str[-1].str.lower()
        ok[ok] = ext.isin(allowed).to_numpy(dtype=bool)
    return ok


def generate_file_name(
    n: int, rng: np.random.Generator, kind: str | None = None, extensions: Sequence[str] | None = None
) -> np.ndarray:
    """``n`` random file names: 1-3 words joined by ``_`` or ``-``, sometimes a number, and an extension.

    Extensions come from ``extensions`` if given, else from ``kind`` (``documents``, ``images``, ``data``),
    else from all kinds.

    >>> generate_file_name(2, np.random.default_rng(3), kind="data").tolist()
    ['teal_copper_copper.csv', 'blue_delta_2019.csv']
    """
    n = _check_n(n)
    if extensions is None:
        if kind is None:
            extensions = tuple(e for exts in _FILE_EXTENSIONS.values() for e in exts)
        elif kind in _FILE_EXTENSIONS:
            extensions = _FILE_EXTENSIONS[kind]
        else:
            raise ValueError(f"unknown file kind {kind!r}; supported: {', '.join(_FILE_EXTENSIONS)}")
    exts = [e.lstrip(".") for e in extensions]
    if not exts or not all(re.fullmatch(r"[A-Za-z0-9]{1,10}", e) for e in exts):
        raise ValueError(f"extensions must be 1-10 alphanumeric characters, got {list(extensions)!r}")
    w = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(3, n))]
    nwords = rng.integers(1, 4, size=n)
    sep = np.where(rng.random(n) < 0.5, "_", "-")
    number = np.where(rng.random(n) < 0.3, _cat(sep, _int_str(rng.integers(2000, 2027, size=n))), "")
    name = _cat(w[0], np.where(nwords >= 2, _cat(sep, w[1]), ""), np.where(nwords >= 3, _cat(sep, w[2]), ""),
                number, ".", _pick(rng, n, exts))
    return name.astype(object)


def valid_colour_hex(values: np.ndarray) -> np.ndarray:
    """True where the value is a ``#rrggbb`` hex colour (either case).

    >>> valid_colour_hex(np.array(["#1a2b3c", "#1A2B3C", "1a2b3c", "#1a2b3"], dtype=object)).tolist()
    [True, True, False, False]
    """
    return _fullmatch(values, r"#[0-9a-fA-F]{6}")


def generate_colour_hex(n: int, rng: np.random.Generator, upper: bool = False) -> np.ndarray:
    """``n`` random ``#rrggbb`` colours.

    >>> generate_colour_hex(2, np.random.default_rng(0)).tolist()
    ['#58cdce', '#0a2dd8']
    """
    n = _check_n(n)
    h = (_HEX_UPPER if upper else _HEX_LOWER)[rng.integers(0, 16, size=(n, 6), dtype=np.uint8)]
    return _from_codes(_assemble(n, "#", h))


_PLATE_GB_MEMORY = np.frombuffer(b"ABCDEFGHJKLMNOPRSTUVWXY", dtype=np.uint8)  # no I, Q, Z
_PLATE_GB_RANDOM = np.frombuffer(b"ABCDEFGHJKLMNOPRSTUVWXYZ", dtype=np.uint8)  # no I, Q
_PLATE_GB_AGE = np.array([*range(2, 27), *range(51, 76)], dtype=np.int64)
_PLATE_US_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)  # no I, O, Q
_PLATE_DE_DISTRICTS = ("B", "M", "HH", "K", "F", "S", "D", "HB", "H", "L", "DD", "N", "E", "DO", "DU", "BO", "MS",
                       "KA", "MA", "WI", "BN", "AC", "KI", "HRO", "MZ", "OS", "GE", "BI", "HD", "FR", "RV", "LB")
_PLATE_DE_LETTERS = np.frombuffer(b"ABCDEFGHIJKLMNOPRSTUVWXYZ", dtype=np.uint8)
_PLATE_RE = {
    "GB": r"[A-HJ-PR-Y]{2}[0-9]{2} ?[A-HJ-PR-Z]{3}",
    "US": r"[1-9][A-Z]{3}[0-9]{3}",
    "DE": r"[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2} [1-9][0-9]{0,3}[EH]?",
}


def valid_licence_plate(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a licence plate of GB (``AB12 CDE``), US (California ``1ABC234``) or DE (``B-AB 1234``).

    >>> valid_licence_plate(np.array(["AB12 CDE", "7XYZ123", "HH-AB 1234", "AB12 CDI"], dtype=object)).tolist()
    [True, True, True, False]
    """
    countries = list(_PLATE_RE) if country is None else [_norm_country(country, list(_PLATE_RE), "licence plate")]
    return _fullmatch(values, "|".join(_PLATE_RE[c] for c in countries))


def generate_licence_plate(n: int, rng: np.random.Generator, country: str = "GB") -> np.ndarray:
    """``n`` random licence plates of ``country``: GB current format, US California style, DE simplified.

    >>> generate_licence_plate(2, np.random.default_rng(0), country="GB").tolist()
    ['VP17 BAE', 'MG04 VRX']
    """
    n = _check_n(n)
    country = _norm_country(country, list(_PLATE_RE), "licence plate")
    if country == "GB":
        memory = _PLATE_GB_MEMORY[rng.integers(0, _PLATE_GB_MEMORY.size, size=(n, 2))]
        age = _pad(_PLATE_GB_AGE[rng.integers(0, _PLATE_GB_AGE.size, size=n)], 2)
        rand = _PLATE_GB_RANDOM[rng.integers(0, _PLATE_GB_RANDOM.size, size=(n, 3))]
        return _from_codes(_assemble(n, memory, age, " ", rand))
    if country == "US":
        letters = _PLATE_US_LETTERS[rng.integers(0, _PLATE_US_LETTERS.size, size=(n, 3))]
        digits = rng.integers(0, 10, size=(n, 4))
        digits[:, 0] = rng.integers(1, 10, size=n)
        return _from_codes(_assemble(n, digits[:, :1] + 48, letters, digits[:, 1:] + 48))
    district = _pick(rng, n, _PLATE_DE_DISTRICTS)
    nletters = rng.integers(1, 3, size=n)
    letters = _u(_PLATE_DE_LETTERS[rng.integers(0, _PLATE_DE_LETTERS.size, size=(n, 2))])
    letters = np.where(nletters == 1, np.strings.slice(letters, 0, 1), letters)
    max_digits = np.minimum(4, 8 - np.strings.str_len(district) - nletters)
    number = _int_str(rng.integers(1, _POW10[max_digits]))
    return _cat(district, "-", letters, " ", number).astype(object)


# phone numbers -----------------------------------------------------------------------------------

_NANP = r"[2-9](?!11)[0-9]{2}"
_NANP_AREAS_US = tuple(str(a) for a in range(200, 1000) if a % 100 != 11 and (a // 10) % 10 != 9)
_NANP_AREAS_CA = ("204", "226", "236", "249", "250", "289", "306", "343", "365", "403", "416", "418", "431",
                  "437", "438", "450", "506", "514", "519", "548", "579", "581", "587", "604", "613", "639",
                  "647", "672", "705", "709", "742", "778", "780", "782", "807", "819", "825", "867", "873",
                  "902", "905")
_NANP_EXCHANGES = tuple(str(a) for a in range(200, 1000) if a % 100 != 11)

# A phone "form" is a weight and pieces: a str is display-only (trunk prefix, separators); ("p", options) and
# ("d", k, first_digit_min) are digits that belong to both the display and the national significant number.
_Piece = str | tuple
_PHONE_FORMS: dict[str, list[tuple[float, tuple[_Piece, ...]]]] = {
    "US": [(1.0, ("(", ("p", _NANP_AREAS_US), ") ", ("p", _NANP_EXCHANGES), "-", ("d", 4, 0)))],
    "CA": [(1.0, ("(", ("p", _NANP_AREAS_CA), ") ", ("p", _NANP_EXCHANGES), "-", ("d", 4, 0)))],
    "GB": [
        (0.6, ("0", ("p", ("71", "72", "73", "74", "75", "77", "78", "79")), ("d", 2, 0), " ", ("d", 6, 0))),
        (0.2, ("0", ("p", ("20",)), " ", ("p", ("3", "7", "8")), ("d", 3, 0), " ", ("d", 4, 0))),
        (0.2, ("0", ("p", ("113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161", "191")),
               " ", ("d", 3, 2), " ", ("d", 4, 0))),
    ],
    "DE": [
        (0.35, ("0", ("p", ("30", "40", "69", "89")), " ", ("d", 8, 2))),
        (0.25, ("0", ("p", ("211", "221", "231", "341", "351", "511", "711", "911")), " ", ("d", 7, 2))),
        (0.40, ("0", ("p", ("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174",
                            "175", "176", "177", "178", "179")), " ", ("d", 8, 0))),
    ],
    "FR": [(1.0, ("0", ("p", ("1", "2", "3", "4", "5", "6", "6", "6", "7", "7", "9")), " ", ("d", 2, 0), " ",
                  ("d", 2, 0), " ", ("d", 2, 0), " ", ("d", 2, 0)))],
    "NL": [
        (0.5, ("0", ("p", ("6",)), " ", ("p", ("1", "2", "3", "4", "5")), ("d", 7, 0))),
        (0.5, ("0", ("p", ("10", "20", "30", "40", "50", "70", "13", "15", "23", "24", "26", "35", "36", "38",
                           "43", "45", "46", "53", "55", "58", "71", "72", "73", "74", "75", "76", "77", "78", "79")),
               " ", ("d", 3, 1), " ", ("d", 4, 0))),
    ],
    "AU": [
        (0.5, ("0", ("p", ("4",)), ("d", 2, 0), " ", ("d", 3, 0), " ", ("d", 3, 0))),
        (0.5, ("(0", ("p", ("2", "3", "7", "8")), ") ", ("d", 4, 2), " ", ("d", 4, 0))),
    ],
}
# country -> (calling code, national significant number regex, national display regex)
_PHONE_RULES: dict[str, tuple[str, str, str]] = {
    "US": ("1", rf"{_NANP}{_NANP}[0-9]{{4}}", rf"\({_NANP}\) {_NANP}-[0-9]{{4}}|{_NANP}-{_NANP}-[0-9]{{4}}"),
    "CA": ("1", rf"{_NANP}{_NANP}[0-9]{{4}}", rf"\({_NANP}\) {_NANP}-[0-9]{{4}}|{_NANP}-{_NANP}-[0-9]{{4}}"),
    "GB": ("44", r"7[1-57-9][0-9]{8}|20[0-9]{8}|1[0-9]{8,9}|3[0-9]{9}",
           r"07[1-57-9][0-9]{2} [0-9]{6}|020 [0-9]{4} [0-9]{4}|01[0-9]1 [0-9]{3} [0-9]{4}|011[0-9] [0-9]{3} [0-9]{4}"
           r"|01[0-9]{3} [0-9]{5,6}"),
    "DE": ("49", r"1[5-7][0-9]{8,9}|[2-9][0-9]{6,10}", r"0(?:1[5-7][0-9][ /][0-9]{7,8}|[2-9][0-9]{1,4}[ /][0-9]{4,8})"),
    "FR": ("33", r"[1-79][0-9]{8}", r"0[1-79](?: [0-9]{2}){4}|0[1-79](?:\.[0-9]{2}){4}"),
    "NL": ("31", r"6[1-5][0-9]{7}|[1-57][0-9]{8}|8[58][0-9]{7}",
           r"06[ -][1-5][0-9]{7}|0[1-57][0-9][ -][0-9]{3} [0-9]{4}|0[1-57][0-9]{2}[ -][0-9]{6}"),
    "AU": ("61", r"4[0-9]{8}|[2378][0-9]{8}",
           r"04[0-9]{2} [0-9]{3} [0-9]{3}|\(0[2378]\) [0-9]{4} [0-9]{4}|0[2378] [0-9]{4} [0-9]{4}"),
}


def valid_phone(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a phone number of ``country`` (US, GB, DE, FR, NL, CA, AU; None = any of them).

    Accepted: the usual national formats (e.g. ``(415) 555-2671``, ``07911 123456``, ``030 12345678``,
    ``06 12 34 56 78``, compact national digits for trunk-0 countries) and international ``+CC`` numbers,
    compact E.164 or with spaces/hyphens/parentheses (``+49 30 12345678``).

    >>> valid_phone(np.array(["(415) 555-2671", "+14155552671", "(115) 555-2671", "07911 123456"], dtype=object),
    ...             "US").tolist()
    [True, True, False, False]
    """
    countries = list(_PHONE_RULES) if country is None else [_norm_country(country, list(_PHONE_RULES), "phone")]
    arr = _as_values(values)
    national = "|".join(
        f"{_PHONE_RULES[c][2]}" + ("" if _PHONE_RULES[c][0] == "1" else f"|0(?:{_PHONE_RULES[c][1]})")
        for c in countries
    )
    ok = _fullmatch(arr, national)
    intl = np.flatnonzero(~ok & _fullmatch(arr, r"\+[0-9 ()-]{6,24}"))
    if intl.size:
        stripped = pd.Series(arr[intl], dtype=object).str.replace(r"[ ()-]", "", regex=True).to_numpy(dtype=object)
        by_code: dict[str, list[str]] = {}
        for c in countries:
            by_code.setdefault(_PHONE_RULES[c][0], []).append(f"(?:{_PHONE_RULES[c][1]})")
        e164 = "|".join(rf"\+{cc}(?:{'|'.join(nsns)})" for cc, nsns in by_code.items())
        ok[intl] = _fullmatch(stripped, e164)
    return ok


def _phone_form(pieces: tuple[_Piece, ...], m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    display: list[np.ndarray | str] = [np.full(m, "")]
    nsn: list[np.ndarray | str] = [np.full(m, "")]
    for piece in pieces:
        if isinstance(piece, str):
            display.append(piece)
            continue
        part = _pick(rng, m, piece[1]) if piece[0] == "p" else _rand_digits(rng, m, piece[1], piece[2])
        display.append(part)
        nsn.append(part)
    return _cat(*display), _cat(*nsn)


def _phone_numbers(n: int, rng: np.random.Generator, country: str) -> tuple[np.ndarray, np.ndarray]:
    """``n`` numbers of ``country``: (national display, national significant number) ``U`` arrays."""
    forms = _PHONE_FORMS[country]
    weights = np.array([w for w, _ in forms])
    which = rng.choice(len(forms), size=n, p=weights / weights.sum())
    parts = []
    for k, (_, pieces) in enumerate(forms):
        idx = np.flatnonzero(which == k)
        if idx.size:
            parts.append((idx, *_phone_form(pieces, idx.size, rng)))
    if len(parts) == 1 and parts[0][0].size == n:
        return parts[0][1], parts[0][2]
    out = []
    for j in (1, 2):  # display, then national significant number
        joined = np.empty(n, dtype=f"U{max([p[j].dtype.itemsize // 4 for p in parts], default=1)}")
        for p in parts:
            joined[p[0]] = p[j]
        out.append(joined)
    return out[0], out[1]


def generate_phone(n: int, rng: np.random.Generator, country: str = "US", international: bool = False,
                   layout: str | None = None) -> np.ndarray:
    """``n`` random phone numbers of ``country`` in a national format, or E.164 (``+14155552671``) if ``international``.

    Formats: US/CA ``(NXX) NXX-XXXX``; GB ``07NNN NNNNNN``, ``020 NNNN NNNN``, ``01N1 NNN NNNN``; DE ``030 NNNNNNNN``,
    ``0151 NNNNNNNN``; FR ``0N NN NN NN NN``; NL ``06 NNNNNNNN``, ``020 NNN NNNN``; AU ``04NN NNN NNN``,
    ``(0N) NNNN NNNN``. ``layout`` (see :func:`phone_layout`) prints them in a learned layout instead.

    >>> generate_phone(2, np.random.default_rng(0), country="GB").tolist()
    ['020 3441 3126', '07362 192071']
    >>> generate_phone(1, np.random.default_rng(0), country="DE", international=True).tolist()
    ['+4917197027936']
    >>> generate_phone(1, np.random.default_rng(0), layout="+1-###-###-####")[0][:3]
    '+1-'
    """
    n = _check_n(n)
    country = _norm_country(country, list(_PHONE_RULES), "phone")
    if layout is not None:
        return _phones_in_layout(n, rng, country, str(layout))
    display, nsn = _phone_numbers(n, rng, country)
    cc = _PHONE_RULES[country][0]
    return (_cat(np.full(n, "+" + cc), nsn) if international else display).astype(object)


def phone_layout(values: np.ndarray, country: str) -> str | None:
    """The most common layout of the ``country`` phone numbers among ``values`` (None if there are none).

    A layout is the number with every digit written ``#``, except the calling code after a leading ``+``, kept
    as written: ``+1-###-###-####``, ``(###) ###-####``, ``+44 #### ######``.

    >>> phone_layout(np.array(["+1-467-355-7856", "+1-212-555-0199", "(415) 555-2671"], dtype=object), "US")
    '+1-###-###-####'
    """
    country = _norm_country(country, list(_PHONE_RULES), "phone")
    arr = _as_values(values)
    arr = arr[valid_phone(arr, country)]
    if not arr.size:
        return None
    cc = _PHONE_RULES[country][0]
    shapes = pd.Series(arr, dtype=object).astype(str).str.replace(r"[0-9]", "#", regex=True)
    intl = shapes.str.startswith("+")
    shapes[intl] = "+" + cc + shapes[intl].str.slice(1 + len(cc))
    return str(shapes.value_counts(sort=True).index[0])


def _phones_in_layout(n: int, rng: np.random.Generator, country: str, layout: str) -> np.ndarray:
    """Numbers of ``country`` printed in ``layout``: the layout's ``#`` are filled with the national number (the
    trunk ``0`` and the national significant number, or only the latter after ``+CC``). Numbers whose length or
    kind the layout cannot hold (another country's layout, a mobile in a landline layout) are drawn again, and
    after a few draws printed in the country's usual format."""
    cc = _PHONE_RULES[country][0]
    intl = layout.startswith("+")
    codes = np.frombuffer(layout.encode("utf-32-le"), dtype=np.uint32)
    slots = np.flatnonzero(codes == ord("#"))
    out = np.empty(n, dtype=object)
    todo = np.arange(n)
    if not intl or layout.startswith("+" + cc):  # (another country's calling code: the usual format below)
        trunk = "" if intl or cc == "1" else "0"
        for _ in range(20):
            if not todo.size:
                break
            _, nsn = _phone_numbers(todo.size, rng, country)
            digits = np.strings.add(trunk, nsn)
            fits = np.flatnonzero(np.strings.str_len(digits) == slots.size)
            if not fits.size:
                continue
            filled = np.broadcast_to(codes, (fits.size, codes.size)).copy()
            filled[:, slots] = np.asarray(digits[fits], dtype=f"U{slots.size}").view(np.uint32).reshape(
                fits.size, slots.size)
            made = _from_codes(filled)
            if cc != "1":  # NANP numbers fit every valid NANP layout; others must stay valid numbers
                keep = valid_phone(made, country)
                fits, made = fits[keep], made[keep]
            out[todo[fits]] = made
            todo = np.delete(todo, fits)
    if todo.size:
        out[todo] = generate_phone(todo.size, rng, country)
    return out


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


# --------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------

IDS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "uuid": (valid_uuid, generate_uuid),
    "hash_id": (valid_hash_id, generate_hash_id),
    "sequential_id": (valid_sequential_id, generate_sequential_id),
    "iban": (valid_iban, generate_iban),
    "sort_code": (valid_sort_code, generate_sort_code),
    "routing_number": (valid_routing_number, generate_routing_number),
    "credit_card": (valid_credit_card, generate_credit_card),
    "card_expiry": (valid_card_expiry, generate_card_expiry),
    "ssn": (valid_ssn, generate_ssn),
    "uk_nino": (valid_uk_nino, generate_uk_nino),
    "vat_number": (valid_vat_number, generate_vat_number),
    "ipv4": (valid_ipv4, generate_ipv4),
    "ipv6": (valid_ipv6, generate_ipv6),
    "mac": (valid_mac, generate_mac),
    "domain": (valid_domain, generate_domain),
    "url": (valid_url, generate_url),
    "user_agent": (valid_user_agent, generate_user_agent),
    "file_name": (valid_file_name, generate_file_name),
    "colour_hex": (valid_colour_hex, generate_colour_hex),
    "licence_plate": (valid_licence_plate, generate_licence_plate),
    "phone": (valid_phone, generate_phone),
    "postcode": (valid_postcode, generate_postcode),
    "latitude": (valid_latitude, generate_latitude),
    "longitude": (valid_longitude, generate_longitude),
}
"""Type name -> ``(valid_fn(values), generate_fn(n, rng, **options))``; ``pattern_id`` (needs a template) is absent."""
