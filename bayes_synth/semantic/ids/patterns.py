"""Template ids (``CUS-004521`` from the template ``AAA-000000``): the template language, validation, generation,
the bijection from numbers to values, and learning a template from real values."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bayes_synth.semantic.ids._common import _DIGITS, _LOWER, _UPPER, _as_values, _check_n, _from_codes, _fullmatch

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
