"""Strict, safe JSON for model files.

This module owns the boundary between model-file bytes and Python values:

* :func:`dumps_canonical` writes canonical JSON (sorted keys, no NaN/Infinity, UTF-8 text, no
  whitespace unless ``indent`` is given), so equal models give byte-identical files, and refuses
  anything :func:`loads_strict` would refuse to read back (non-finite floats, non-string keys,
  non-JSON types, nesting deeper than ``max_depth``).
* :func:`loads_strict` reads untrusted bytes. Size, nesting depth and item count are checked on the
  raw text *before* the parser runs (so a 10**6-deep or 10**8-item file costs a scan, not a crash);
  NaN/Infinity, numbers that overflow, duplicate keys, invalid UTF-8 (including lone surrogate
  escapes) and syntax errors are rejected.

Every problem is a :class:`~bayes_synth.errors.ModelFormatError` naming the source and what is
wrong. Nothing here resolves type names or executes code; pickles and other binary formats are
recognised and refused. What the values *mean* (format version, tables, DAG) is checked by the
model validator.
"""

from __future__ import annotations

import json
import math
import re
from functools import partial
from typing import Any

import numpy as np

from bayes_synth.errors import ModelFormatError

MAX_BYTES = 200_000_000
MAX_DEPTH = 64
MAX_ITEMS = 5_000_000
_MAX_INT_DIGITS = 4300  # CPython's default int <-> str limit; counts are far below it
_CHUNK = 1 << 22  # brackets per numpy chunk when measuring depth (32 MB of int64)

# A JSON string, or an unterminated one running to the end: the match never fails once it starts at
# a quote and never backtracks (possessive quantifiers), so stripping strings is linear.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_WHITESPACE = re.compile(rb"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# Outside strings, a literal that might overflow a float (exponent >= 100) or be a huge integer;
# conservative: a match only switches on the slower, checking number hooks.
_BIG_NUMBER = re.compile(rb"[eE]\+?0*[1-9][0-9]{2}|[0-9]{100}")
_NOT_STRUCTURAL = bytes(sorted(set(range(256)) - set(b"[]{},:")))
_JSON_STARTS = b'{["-0123456789tfnNI'  # N, I: let NaN/Infinity get their own message
_BOM = b"\xef\xbb\xbf"
_MAGIC = (
    (b"\x80", "a pickle; bayes_synth never loads pickles"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"PK\x03\x04", "a zip archive (.npz, joblib, torch ...)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ", "an xz-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
)


def dumps_canonical(obj: Any, *, indent: int | None = None, max_depth: int = MAX_DEPTH) -> str:
    """Serialise ``obj`` as canonical JSON text.

    Keys are sorted, non-ASCII text is kept as UTF-8 characters, and the output is compact
    (``","`` and ``":"`` separators) unless ``indent`` is given.

    Parameters
    ----------
    obj : dict, list, tuple, str, int, float, bool or None
        The value to write. Dict keys must be ``str``; floats must be finite.
    indent : int, optional
        Indent nested values by this many spaces (readable, still deterministic).
    max_depth : int, default 64
        Deepest nesting of containers allowed, the same limit :func:`loads_strict` applies.

    Returns
    -------
    str
        The JSON text, without a trailing newline.

    Raises
    ------
    ModelFormatError
        If ``obj`` holds NaN/inf, a non-string key, a non-JSON type, a lone surrogate, or nests
        deeper than ``max_depth`` (or is circular); the message gives the JSON path.

    Examples
    --------
    >>> dumps_canonical({"b": [1, 2.5], "a": "é"})
    '{"a":"é","b":[1,2.5]}'
    """
    problem = _find_unjsonable(obj, max_depth)
    if problem is not None:
        raise ModelFormatError(f"Cannot write the model as JSON: {problem}.")
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        text = json.dumps(
            obj,
            sort_keys=True,
            allow_nan=False,
            ensure_ascii=False,
            indent=indent,
            separators=separators,
        )
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ModelFormatError(
            "Cannot write the model as JSON: a string holds a lone surrogate "
            f"(not valid Unicode) at character {exc.start} of the output."
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise ModelFormatError(f"Cannot write the model as JSON: {exc}.") from exc
    return text


def loads_strict(
    text: str | bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ITEMS,
    source: str = "model file",
) -> Any:
    """Parse untrusted JSON text strictly and safely.

    Checks, in order: size (before anything else), binary formats such as pickles, nesting depth
    and item count (measured on the raw text before parsing), UTF-8, then syntax, NaN/Infinity,
    overflowing numbers, duplicate keys and lone surrogate escapes. A leading UTF-8 byte-order mark
    is ignored. Nothing is ever executed.

    Parameters
    ----------
    text : str or bytes
        The document; bytes must be UTF-8.
    max_bytes : int, default 200_000_000
        Largest accepted document, in UTF-8 bytes.
    max_depth : int, default 64
        Deepest accepted nesting of arrays and objects (``[]`` has depth 1).
    max_items : int, default 5_000_000
        Most values (containers and scalars) plus object keys accepted.
    source : str, default "model file"
        How to name the document in error messages, e.g. a file path.

    Returns
    -------
    Any
        Plain ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None`` values.

    Raises
    ------
    ModelFormatError
        For every problem (and only this exception), naming ``source`` and what is wrong; syntax
        errors give the line and column.

    Examples
    --------
    >>> loads_strict('{"format_version": 1, "p": [0.25, 0.75]}')
    {'format_version': 1, 'p': [0.25, 0.75]}
    >>> loads_strict('{"p": NaN}', source="m.json")
    Traceback (most recent call last):
    ...
    bayes_synth.errors.ModelFormatError: m.json contains NaN; model files hold finite numbers only.
    """
    data = _to_bytes(text, source, max_bytes)
    start = _check_start(data, source)
    outside_strings = _STRING.sub(b"", data)
    _check_structure(outside_strings, source, max_depth, max_items)
    check_numbers = _BIG_NUMBER.search(outside_strings) is not None
    del outside_strings
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFormatError(
            f"{source} is not valid UTF-8: bad byte 0x{data[exc.start]:02x} at "
            f"{_line_col(data, exc.start)}."
        ) from None
    value = _parse(decoded[1:] if start else decoded, source, check_numbers=check_numbers)
    if _SURROGATE_ESCAPE.search(data):
        _check_no_lone_surrogates(value, source)
    return value


def _to_bytes(text: Any, source: str, max_bytes: int) -> bytes:
    """Return ``text`` as bytes after the size check (before any other work)."""
    if isinstance(text, str):
        if len(text) > max_bytes:  # a character is at least one byte: reject before encoding
            raise _too_large(source, len(text), max_bytes, "at least ")
        try:
            text = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ModelFormatError(
                f"{source} is not valid UTF-8: lone surrogate at character {exc.start}."
            ) from None
    elif isinstance(text, bytearray | memoryview):
        text = bytes(text)
    elif not isinstance(text, bytes):
        raise ModelFormatError(f"{source} must be str or bytes; got {type(text).__name__}.")
    if len(text) > max_bytes:
        raise _too_large(source, len(text), max_bytes, "")
    return text


def _too_large(source: str, size: int, max_bytes: int, qualifier: str) -> ModelFormatError:
    return ModelFormatError(
        f"{source} is {qualifier}{size:,} bytes, over the limit of {max_bytes:,} bytes "
        "(raise max_bytes only for a file you trust)."
    )


def _check_start(data: bytes, source: str) -> int:
    """Refuse empty documents and binary formats; return 1 if a UTF-8 BOM leads, else 0."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ModelFormatError(f"{source} is not a JSON model file (it looks like {what}).")
    offset = len(_BOM) if data.startswith(_BOM) else 0
    first = _WHITESPACE.match(data, offset).end()
    if first == len(data):
        raise ModelFormatError(f"{source} is empty; a JSON model file was expected.")
    if data[first] not in _JSON_STARTS:
        what = "a pickle; bayes_synth never loads pickles" if data.endswith(b".") else None
        detail = f"it looks like {what}" if what else f"it starts with {data[first : first + 1]!r}"
        raise ModelFormatError(f"{source} is not a JSON model file ({detail}).")
    return 1 if offset else 0


def _check_structure(outside_strings: bytes, source: str, max_depth: int, max_items: int) -> None:
    """Measure item count and nesting depth on the raw text with its strings removed."""
    skeleton = outside_strings.translate(None, _NOT_STRUCTURAL)
    # Values + keys == 1 + commas + colons + non-empty containers for valid JSON (an upper bound).
    items = 1 + sum(skeleton.count(char) for char in (b",", b":", b"[", b"{"))
    if items > max_items:
        raise ModelFormatError(
            f"{source} holds about {items:,} values, over the limit of {max_items:,} "
            "(raise max_items only for a file you trust)."
        )
    depth = _max_depth(skeleton.translate(None, b",:"), max_depth)
    if depth > max_depth:
        raise ModelFormatError(
            f"{source} nests arrays/objects more than {max_depth} levels deep; "
            "model files are much flatter."
        )


def _max_depth(brackets: bytes, limit: int) -> int:
    """Deepest running count of opening minus closing brackets (stops once over ``limit``)."""
    codes = np.frombuffer(brackets, dtype=np.uint8)
    best = level = 0
    for begin in range(0, codes.size, _CHUNK):
        chunk = codes[begin : begin + _CHUNK]
        steps = np.where((chunk == ord("[")) | (chunk == ord("{")), 1, -1)
        running = np.cumsum(steps) + level
        best = max(best, int(running.max()))
        if best > limit:
            break
        level = int(running[-1])
    return best


def _parse(text: str, source: str, *, check_numbers: bool) -> Any:
    """``json.loads`` with the strict hooks; every failure becomes a ModelFormatError.

    The number hooks cost a Python call per number, so they run only when the text holds a
    literal that could overflow a float or exceed the digit limit (``check_numbers``).
    """
    number_hooks: dict[str, Any] = {}
    if check_numbers:
        number_hooks["parse_float"] = partial(_finite_float, source=source)
        number_hooks["parse_int"] = partial(_bounded_int, source=source)
    try:
        return json.loads(
            text,
            object_pairs_hook=partial(_object_without_duplicates, source=source),
            parse_constant=partial(_reject_constant, source=source),
            **number_hooks,
        )
    except ModelFormatError:
        raise
    except json.JSONDecodeError as exc:
        raise ModelFormatError(
            f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ModelFormatError(f"{source} could not be parsed as JSON: {exc}.") from None


def _object_without_duplicates(pairs: list[tuple[str, Any]], *, source: str) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ModelFormatError(
                    f"{source} has the key {_short(key)} twice in one object; keys must be unique."
                )
            seen.add(key)
    return result


def _reject_constant(name: str, *, source: str) -> Any:
    raise ModelFormatError(f"{source} contains {name}; model files hold finite numbers only.")


def _finite_float(literal: str, *, source: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ModelFormatError(
            f"{source} contains the number {_short(literal)}, too large for a float."
        )
    return value


def _bounded_int(literal: str, *, source: str) -> int:
    if len(literal) > _MAX_INT_DIGITS:
        raise ModelFormatError(
            f"{source} contains an integer with {len(literal):,} digits "
            f"(at most {_MAX_INT_DIGITS} allowed)."
        )
    return int(literal)


def _check_no_lone_surrogates(value: Any, source: str) -> None:
    """Refuse strings that hold lone surrogates (from escapes such as ``"\\ud800"``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ModelFormatError(
                    f"{source} contains a \\u escape for a lone surrogate (not valid Unicode)."
                ) from None


def _find_unjsonable(obj: Any, max_depth: int) -> str | None:
    """Describe the first value that is not plain JSON (with its JSON path), or return None."""
    if not isinstance(obj, dict | list | tuple):
        problem = _scalar_problem(obj)
        return None if problem is None else f"$ {problem}"
    stack: list[tuple[str, Any, int]] = [("$", obj, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > max_depth:
            return f"{path} nests deeper than {max_depth} levels (or the value is circular)"
        problem = _container_problem(path, value)
        if problem is not None:
            return problem
        stack.extend(
            (_child_path(path, value, key), item, depth + 1)
            for key, item in _items(value)
            if isinstance(item, dict | list | tuple)
        )
    return None


def _container_problem(path: str, value: dict | list | tuple) -> str | None:
    """Check the keys and the scalar members of one container."""
    is_dict = isinstance(value, dict)
    for key, item in _items(value):
        if is_dict and type(key) is not str:
            return f"{path} has the key {key!r} of type {type(key).__name__}; keys must be str"
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue  # the common case, kept cheap
        if isinstance(item, dict | list | tuple):
            continue
        problem = _scalar_problem(item)
        if problem is not None:
            return f"{_child_path(path, value, key)} {problem}"
    return None


def _items(value: dict | list | tuple) -> Any:
    return value.items() if isinstance(value, dict) else enumerate(value)


def _child_path(path: str, value: dict | list | tuple, key: Any) -> str:
    return f"{path}.{key}" if isinstance(value, dict) else f"{path}[{key}]"


def _scalar_problem(value: Any) -> str | None:
    if value is None or isinstance(value, str | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"is {value!r}; only finite numbers are allowed"
    return (
        f"is a {type(value).__name__}, not a JSON type "
        "(use dict, list, str, int, float, bool or None)"
    )


def _line_col(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - data.rfind(b"\n", 0, offset)
    return f"line {line}, column {column} (byte {offset})"


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")
