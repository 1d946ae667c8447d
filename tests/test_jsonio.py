"""Tests of bayes_synth.jsonio: canonical dumps, strict and safe loads (RELIABILITY.md S-1, S-2)."""

from __future__ import annotations

import builtins
import io
import json
import pickle
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayes_synth.errors import ModelFormatError
from bayes_synth.jsonio import dumps_canonical, loads_strict

MODEL = {
    "format": "bayes_synth.model",
    "format_version": 1,
    "schema": {"age": {"kind": "integer", "min": 17, "max": 90}, "name": {"kind": "categorical"}},
    "structure": {"age": [], "name": ["age"]},
    "tables": {"age": [[0.25, 0.75]], "name": [[0.5, 0.5], [0.1, 0.9]]},
    "rules": {"source": 'require age >= 18, "[{"'},
    "privacy": {"budget": 1.0, "ledger": [{"kind": "counts", "epsilon": 0.5, "seeded": False}]},
    "note": 'Zoë ≤ 𝔘 \\ " \n',
    "missing": None,
}
VALID = dumps_canonical(MODEL).encode("utf-8")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


class Gadget:
    """Unpickling this creates ``path`` (the classic code-on-load gadget, harmless here)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (builtins.open, (self.path, "w"))


# --- dumps_canonical ----------------------------------------------------------------------------


def test_dumps_is_canonical_sorted_compact_and_utf8():
    text = dumps_canonical({"b": 1, "a": ["é", 2.5, None, True]})
    assert text == '{"a":["é",2.5,null,true],"b":1}'
    assert dumps_canonical({"b": 1, "a": 2}) == dumps_canonical({"a": 2, "b": 1})


def test_dumps_indent_is_readable_and_still_loads():
    text = dumps_canonical({"b": [1], "a": 0}, indent=2)
    assert text == '{\n  "a": 0,\n  "b": [\n    1\n  ]\n}'
    assert loads_strict(text) == {"a": 0, "b": [1]}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"p": [0.5, float("nan")]}, "$.p[1]"),
        ({"p": float("inf")}, "$.p"),
        ([-float("inf")], "$[0]"),
        ({1: "a"}, "key 1"),
        ({"t": {None: 1}}, "key None"),
        ({"x": np.int64(3)}, "int64"),
        ({"x": {1, 2}}, "set"),
        ({"x": b"bytes"}, "bytes"),
        ("\ud800", "surrogate"),
    ],
)
def test_dumps_rejects_what_loads_would_refuse(value, fragment):
    with pytest.raises(ModelFormatError, match="Cannot write the model as JSON") as info:
        dumps_canonical(value)
    assert fragment in str(info.value)


def test_dumps_depth_limit_matches_loads_and_catches_cycles():
    nested: list = []
    for _ in range(63):
        nested = [nested]
    assert loads_strict(dumps_canonical(nested)) == nested  # depth 64 is allowed both ways
    with pytest.raises(ModelFormatError, match="deeper than 64"):
        dumps_canonical([nested])
    with pytest.raises(ModelFormatError, match="64 levels"):
        loads_strict("[" * 65 + "]" * 65)
    loop: list = []
    loop.append(loop)
    with pytest.raises(ModelFormatError, match="circular"):
        dumps_canonical(loop)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(json_values)
def test_round_trip_and_canonical_fixed_point(value):
    text = dumps_canonical(value)
    assert loads_strict(text) == value
    assert dumps_canonical(loads_strict(text.encode("utf-8"))) == text


# --- loads_strict: accepted input ---------------------------------------------------------------


def test_loads_model_round_trip_from_bytes_and_str():
    assert loads_strict(VALID) == MODEL
    assert loads_strict(VALID.decode("utf-8")) == MODEL
    assert loads_strict(b"\xef\xbb\xbf" + VALID) == MODEL  # a UTF-8 BOM is tolerated


def test_brackets_inside_strings_do_not_count_as_depth():
    text = json.dumps(["[" * 1000, "{" * 1000, '\\"[[[', "]" * 5])
    assert loads_strict(text, max_depth=1) == ["[" * 1000, "{" * 1000, '\\"[[[', "]" * 5]


def test_keys_that_name_classes_are_inert_data():
    value = loads_strict('{"py/object": "os.system", "__class__": "subprocess.Popen"}')
    assert value == {"py/object": "os.system", "__class__": "subprocess.Popen"}
    assert type(value) is dict


# --- loads_strict: rejected input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"p": NaN}', "NaN"),
        ('{"p": [1, Infinity]}', "Infinity"),
        ("-Infinity", "-Infinity"),
        ("[1e999]", "too large"),
        ("[12345678901e299]", "too large"),
        ("[" + "7" * 5000 + "]", "5,000 digits"),
        ('{"a": 1, "b": {"k": 1, "k": 2}}', "'k' twice"),
        ('["\\ud800"]', "lone surrogate"),
        ('{"a": 1,\n "b": }', "line 2, column 7"),
        ('{"a": 1', "line 1"),
        ('"unterminated \\"', "Unterminated string"),
        ("[1] [2]", "Extra data"),
        ("", "empty"),
        (" \n\t", "empty"),
        ("!!python/object/apply:os.system ['touch x']", "not a JSON model file"),
        ("\x00[]", "not a JSON model file"),
    ],
)
def test_bad_documents_raise_model_format_error(text, fragment):
    with pytest.raises(ModelFormatError) as info:
        loads_strict(text, source="m.json")
    assert "m.json" in str(info.value)
    assert fragment in str(info.value)


def test_invalid_utf8_names_the_byte_and_position():
    with pytest.raises(ModelFormatError, match=r"UTF-8: bad byte 0xff at line 2, column 5"):
        loads_strict(b'{"a":\n "bc\xff"}')
    with pytest.raises(ModelFormatError, match="lone surrogate"):
        loads_strict('["\ud800"]')  # a str that cannot be UTF-8


def test_non_text_argument_is_a_model_format_error():
    with pytest.raises(ModelFormatError, match="must be str or bytes; got int"):
        loads_strict(12)  # type: ignore[arg-type]


def test_deep_nesting_is_rejected_quickly_without_recursion_error():
    for text in ("[" * 10**6, "[" * 10**6 + "]" * 10**6, '{"a":' * 10**6):
        started = time.perf_counter()
        with pytest.raises(ModelFormatError, match="more than 64 levels"):
            loads_strict(text)
        assert time.perf_counter() - started < 2.0


def test_size_cap_applies_before_parsing(monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed although over the size cap")

    monkeypatch.setattr(json, "loads", must_not_parse)
    with pytest.raises(ModelFormatError, match="over the limit of 100 bytes"):
        loads_strict(b"[" + b"1," * 100 + b"1]", max_bytes=100)
    with pytest.raises(ModelFormatError, match="over the limit of 100 bytes"):
        loads_strict("[" + "1," * 100 + "1]", max_bytes=100)
    with pytest.raises(ModelFormatError, match="over the limit of 10 bytes"):
        loads_strict('"ééééé"', max_bytes=10)  # 7 characters, 12 UTF-8 bytes


def test_item_cap_applies_before_parsing(monkeypatch):
    text = "[" + "0," * 100 + "0]"  # 102 values
    assert len(loads_strict(text, max_items=102)) == 101
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("parsed over the item cap"))
    with pytest.raises(ModelFormatError, match="over the limit of 101"):
        loads_strict(text, max_items=101)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_payload_is_refused_and_never_executed(tmp_path, protocol):
    sentinel = tmp_path / "pwned"
    payload = pickle.dumps(Gadget(sentinel), protocol=protocol)
    with pytest.raises(ModelFormatError, match="it looks like a pickle; bayes_synth never loads"):
        loads_strict(payload, source="evil.json")
    with pytest.raises(ModelFormatError):
        loads_strict(payload.decode("latin-1"), source="evil.json")
    assert not sentinel.exists()
    # The gadget is live: unpickling the same kind of payload does run code.
    witness = tmp_path / "witness"
    pickle.loads(pickle.dumps(Gadget(witness), protocol=protocol)).close()
    assert witness.exists()


def test_npy_with_object_array_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ModelFormatError, match=r"NumPy \.npy"):
        loads_strict(buffer.getvalue())


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            st.integers(min_value=0, max_value=len(VALID) - 1),
            st.integers(min_value=0, max_value=255),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_model_only_ever_raises_model_format_error(mutations):
    data = bytearray(VALID)
    for operation, position, byte in mutations:
        position = min(position, len(data) - 1)
        if operation == "replace":
            data[position] = byte
        elif operation == "insert":
            data.insert(position, byte)
        elif len(data) > 1:
            del data[position]
    try:
        result = loads_strict(bytes(data))
    except ModelFormatError as exc:
        assert "model file" in str(exc)
        return
    # Accepted: it must be exactly what a standard parser reads from the same text.
    assert result == json.loads(bytes(data).decode("utf-8"))
