"""The model file loader: refuses code, tampering and malformed files with ModelFormatError.

``tests/golden/model_v1.json`` is a format-version-1 file fitted by :func:`fit_golden` from
:func:`golden_frame`; it must keep loading and sampling (regenerate only on a deliberate format
change: ``python tests/test_modelfile.py``).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import os
import pickle
import shlex
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bayes_synth import Synthesizer, load_model
from bayes_synth.errors import BayesSynthError, ModelFormatError

GOLDEN = Path(__file__).resolve().parent / "golden" / "model_v1.json"
INF = float("inf")

GOLDEN_SCHEMA = {
    "colour": {"kind": "categorical", "categories": ["red", "green", "blue"], "nullable": False},
    "size": {"kind": "integer", "min": 0, "max": 6, "nullable": False},
    "ok": {"kind": "boolean"},
}


def golden_frame(n: int = 200) -> pd.DataFrame:
    """Deterministic data (arithmetic, no RNG) with a dependence between every pair of columns."""
    colour = [["red", "green", "blue"][(i * i + i // 7) % 3] for i in range(n)]
    ok = [None if i % 11 == 0 else (i // 3 + (c == "red")) % 2 == 0 for i, c in enumerate(colour)]
    size = [(2 * (c == "blue") + 3 * (k is True) + i % 3) % 7 for i, (c, k) in enumerate(zip(colour, ok, strict=True))]
    return pd.DataFrame({"colour": colour, "size": size, "ok": pd.Series(ok, dtype=object)})


def fit_golden(epsilon: float = INF, random_state: int = 0) -> Synthesizer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Synthesizer(epsilon=epsilon, schema=GOLDEN_SCHEMA, max_parents=2,
                           random_state=random_state).fit(golden_frame())


def write_golden(path: Path = GOLDEN) -> Path:
    """Regenerate the golden file (only for a deliberate format change)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return fit_golden().save(path, force=True)


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def exact_dict(tmp_path_factory) -> dict:
    """A valid no-noise model file, as plain data."""
    path = fit_golden().save(tmp_path_factory.mktemp("m") / "exact.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dp_dict(tmp_path_factory) -> dict:
    """A valid differentially private (epsilon = 1) model file, as plain data."""
    path = fit_golden(epsilon=1.0).save(tmp_path_factory.mktemp("m") / "dp.json")
    return json.loads(path.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "model.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def refuses(path: Path, match: str | None = None) -> ModelFormatError:
    with pytest.raises(ModelFormatError, match=match) as info:
        load_model(path)
    assert path.name in str(info.value), "the message names the file"
    return info.value


def mutated(data: dict, change) -> dict:
    d = copy.deepcopy(data)
    change(d)
    return d


def check_golden_domain(out: pd.DataFrame) -> None:
    assert list(out.columns) == ["colour", "size", "ok"]
    assert set(out["colour"]) <= {"red", "green", "blue"}
    assert out["size"].between(0, 6).all() and str(out["size"].dtype) == "int64"
    assert set(out["ok"].dropna()) <= {True, False}


# ----------------------------------------------------------------------------- code is never run (S-1)
class _Gadget:
    def __init__(self, sentinel: Path):
        self.sentinel = sentinel

    def __reduce__(self):
        return os.system, (f"touch {shlex.quote(str(self.sentinel))}",)


def test_gadget_is_live(tmp_path):
    """The payload used below really runs code when unpickled (so the next test can fail)."""
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Gadget(proof)))  # noqa: S301 - deliberately, to prove the gadget
    assert proof.exists()


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("name", ["model.json", "model.pkl", "model"])
def test_pickle_payload_refused_and_never_run(tmp_path, protocol, name):
    sentinel = tmp_path / "sentinel"
    path = tmp_path / name
    path.write_bytes(pickle.dumps(_Gadget(sentinel), protocol=protocol))
    refuses(path)
    assert not sentinel.exists()


@pytest.mark.parametrize("payload", [
    {"py/object": "os.system", "py/state": "touch SENTINEL"},
    {"__class__": "os.system", "args": ["touch SENTINEL"]},
    {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": ["touch SENTINEL"]}]},
])
def test_type_tagged_json_never_resolved(tmp_path, exact_dict, payload):
    sentinel = tmp_path / "sentinel"
    text = json.dumps(payload).replace("SENTINEL", shlex.quote(str(sentinel)))
    refuses(write(tmp_path, json.loads(text)))  # alone: not a model file
    # inside an otherwise valid file the tags are plain data: refused or ignored, never run
    for where in (lambda d, v: d.__setitem__("settings", v), lambda d, v: d["codecs"][0].__setitem__("extra", v)):
        path = write(tmp_path, mutated(exact_dict, lambda d, w=where: w(d, json.loads(text))))
        with contextlib.suppress(ModelFormatError):
            check_golden_domain(load_model(path).sample(20, random_state=0))
    assert not sentinel.exists()


def test_other_binary_formats_refused(tmp_path):
    np.save(tmp_path / "m.npy", np.array([object()], dtype=object), allow_pickle=True)
    refuses(tmp_path / "m.npy", "NumPy")
    refuses(write(tmp_path, "just a string"), "JSON object")
    (tmp_path / "y.yaml").write_text("!!python/object/apply:os.system ['true']\n")
    refuses(tmp_path / "y.yaml")
    refuses(tmp_path / "missing.json", "no such file")


# ----------------------------------------------------------------------------- tampering
def test_valid_file_loads(tmp_path, exact_dict, dp_dict):
    for data in (exact_dict, dp_dict):
        synth = load_model(write(tmp_path, data))
        check_golden_domain(synth.sample(200, random_state=0))
    assert load_model(write(tmp_path, dp_dict)).model_.private


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_refused(tmp_path, exact_dict, token):
    text = json.dumps(exact_dict)
    row = json.dumps(exact_dict["tables"]["colour"][0])
    bad = json.dumps([token, *exact_dict["tables"]["colour"][0][1:]]).replace(f'"{token}"', token)
    path = tmp_path / "m.json"
    path.write_text(text.replace(row, bad, 1), encoding="utf-8")
    refuses(path, token.lstrip("-"))
    # the same as a string is read as a number by numpy: still refused
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d["tables"]["colour"][0].__setitem__(0, token))))


def test_table_not_summing_to_one_refused(tmp_path, exact_dict):
    def tamper(d):
        d["tables"]["size"][1][0] += 0.01

    err = refuses(write(tmp_path, mutated(exact_dict, tamper)), "does not sum to 1")
    assert "$.tables.size[1]" in str(err)


def test_negative_probability_refused(tmp_path, exact_dict):
    def tamper(d):
        row = d["tables"]["colour"][0]
        row[0], row[1] = row[0] + row[1] + 0.25, -0.25  # still sums to 1

    refuses(write(tmp_path, mutated(exact_dict, tamper)), "negative")


def test_cycle_refused(tmp_path, exact_dict):
    parents = exact_dict["structure"]["parents"]
    child = next(c for c, ps in parents.items() if ps)
    parent = parents[child][0]

    def reorder(d):
        order = [c for c in d["structure"]["order"] if c != parent]
        d["structure"]["order"] = [*order, parent]  # the parent now comes after its child

    refuses(write(tmp_path, mutated(exact_dict, reorder)), "cycle")

    def self_loop(d):
        d["structure"]["parents"][child] = [*d["structure"]["parents"][child], child]

    refuses(write(tmp_path, mutated(exact_dict, self_loop)))

    def two_cycle(d):
        d["structure"]["parents"][parent] = [*d["structure"]["parents"][parent], child]

    refuses(write(tmp_path, mutated(exact_dict, two_cycle)))


@pytest.mark.parametrize("change", ["drop row", "extra row", "extra column", "flat", "ragged", "scalar"])
def test_wrong_table_shape_refused(tmp_path, exact_dict, change):
    def tamper(d):
        t = d["tables"]["size"]
        if change == "drop row":
            t.pop()
        elif change == "extra row":
            t.append(list(t[0]))
        elif change == "extra column":
            for row in t:
                row.append(0.0)
        elif change == "flat":
            d["tables"]["size"] = [x for row in t for x in row]
        elif change == "ragged":
            t[0] = t[0][:-1]
        else:
            d["tables"]["size"] = 1.0

    refuses(write(tmp_path, mutated(exact_dict, tamper)), "tables.size")


@pytest.mark.parametrize("version", [0, 2, "1", None, [1], 1.5])
def test_unknown_format_version_refused(tmp_path, exact_dict, version):
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d.__setitem__("format_version", version))),
            "format_version")


def test_boolean_format_version_refused(tmp_path, exact_dict):
    """``true == 1`` in Python, but a boolean is not version 1."""
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d.__setitem__("format_version", True))), "format_version")


# ----------------------------------------------------------------------------- the privacy ledger
def test_ledger_over_budget_refused(tmp_path, dp_dict):
    budget = dp_dict["privacy"]["epsilon"]
    assert budget == 1.0 and dp_dict["privacy"]["private"]

    def overspend(d):
        d["privacy"]["entries"][1]["epsilon"] = "1"  # on top of the other entries: more than 1 in all

    err = refuses(write(tmp_path, mutated(dp_dict, overspend)), "more than the stated budget")
    assert "$.privacy" in str(err)

    def shrink_budget(d):
        d["privacy"]["epsilon"] = 0.5

    refuses(write(tmp_path, mutated(dp_dict, shrink_budget)), "budget")


@pytest.mark.parametrize("value", ["-1/2", "-1", -0.5])
@pytest.mark.parametrize("key", ["epsilon", "delta"])
def test_negative_ledger_entry_refused(tmp_path, dp_dict, key, value):
    refuses(write(tmp_path, mutated(dp_dict, lambda d: d["privacy"]["entries"][1].__setitem__(key, value))), key)


def _refused_quickly(path: Path) -> ModelFormatError:
    """Refused, and fast: a hang detector only (parsing 10**100000000 as a fraction would never end)."""
    start = time.perf_counter()
    err = refuses(path)
    assert time.perf_counter() - start < 10, "refusing took seconds: the number was evaluated"
    return err


@pytest.mark.parametrize("literal", ['"1e100000000"', '"' + "9" * 10_000 + '"', "1e100000000", "9" * 10_000,
                                     '"1/' + "7" * 10_000 + '"'],
                         ids=["exponent text", "10k digits text", "exponent", "10k digits", "10k-digit denominator"])
def test_huge_ledger_entry_epsilon_refused_quickly(tmp_path, dp_dict, literal):
    """An entry's epsilon is read as an exact fraction: huge literals are refused before any arithmetic."""
    data = mutated(dp_dict, lambda d: d["privacy"]["entries"][1].__setitem__("epsilon", "PLACEHOLDER"))
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data).replace('"PLACEHOLDER"', literal), encoding="utf-8")
    _refused_quickly(path)


@pytest.mark.parametrize("literal", ["1e100000000", "9" * 10_000, "-" + "9" * 10_000],
                         ids=["exponent", "10k digits", "-10k digits"])
def test_huge_ledger_budget_number_refused_quickly(tmp_path, dp_dict, literal):
    path = tmp_path / "m.json"
    text = json.dumps(mutated(dp_dict, lambda d: d["privacy"].__setitem__("epsilon", "PLACEHOLDER")))
    path.write_text(text.replace('"PLACEHOLDER"', literal), encoding="utf-8")
    _refused_quickly(path)


@pytest.mark.parametrize("value", ["1e100000000", "9" * 10_000, True], ids=["exponent text", "10k digits text", "true"])
def test_ledger_budget_must_be_a_number_or_inf(tmp_path, dp_dict, value):
    _refused_quickly(write(tmp_path, mutated(dp_dict, lambda d: d["privacy"].__setitem__("epsilon", value))))


# ----------------------------------------------------------------------------- missing and inconsistent parts
@pytest.mark.parametrize("key", ["schema", "codecs", "structure", "tables", "privacy", "format"])
def test_missing_top_level_key_refused(tmp_path, exact_dict, key):
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d.pop(key))))


def _codec(d: dict, name: str) -> dict:
    return next(c for c in d["codecs"] if c["name"] == name)


def _schema(d: dict, name: str) -> dict:
    return next(c for c in d["schema"] if c["name"] == name)


def test_codec_category_object_refused(tmp_path, exact_dict):
    sentinel = {"py/object": "os.system"}
    refuses(write(tmp_path, mutated(exact_dict, lambda d: _codec(d, "colour")["categories"].__setitem__(0, sentinel))),
            "colour")

    def both(d):  # schema and codec agree, both holding the object
        _codec(d, "colour")["categories"][0] = sentinel
        _schema(d, "colour")["categories"][0] = sentinel

    refuses(write(tmp_path, mutated(exact_dict, both)), "colour")

    def renamed(d):  # a plain category the schema does not declare
        _codec(d, "colour")["categories"][0] = "purple"

    refuses(write(tmp_path, mutated(exact_dict, renamed)), "categories differ")


@pytest.mark.parametrize("end", [0, -1])
def test_codec_edges_beyond_declared_bounds_refused(tmp_path, exact_dict, end):
    def stretch(d):
        edges = _codec(d, "size")["edges"]
        edges[end] = 1e300 if end == -1 else -1e300

    refuses(write(tmp_path, mutated(exact_dict, stretch)), "outside the declared bounds")


def test_codec_kind_changed_refused(tmp_path, exact_dict):
    refuses(write(tmp_path, mutated(exact_dict, lambda d: _codec(d, "size").__setitem__("kind", "date"))), "kind")

    def both(d):
        _codec(d, "size")["kind"] = "date"
        _schema(d, "size")["kind"] = "date"

    refuses(write(tmp_path, mutated(exact_dict, both)))


def test_malformed_codecs_refused(tmp_path, exact_dict):
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d["codecs"].__setitem__(0, "colour"))), "codec")
    refuses(write(tmp_path, mutated(exact_dict, lambda d: _codec(d, "size")["groups"].__setitem__(1, 10**30))),
            "groups")
    refuses(write(tmp_path, mutated(exact_dict, lambda d: _codec(d, "size").__setitem__("groups", [0, [1]]))))
    refuses(write(tmp_path, mutated(exact_dict, lambda d: _codec(d, "size").__setitem__("weights", "heavy"))))
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d.__setitem__("codecs", {"colour": {}}))))


def test_parent_list_holding_a_list_refused(tmp_path, exact_dict):
    parents = exact_dict["structure"]["parents"]
    child = next(c for c, ps in parents.items() if ps)
    err = refuses(write(tmp_path, mutated(exact_dict, lambda d: d["structure"]["parents"][child].__setitem__(
        0, [parents[child][0]]))))
    assert f"parents.{child}" in str(err)
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d["structure"]["order"].__setitem__(0, ["ok"]))))
    refuses(write(tmp_path, mutated(exact_dict, lambda d: d["structure"]["parents"].__setitem__(child, {"a": 1}))))


@pytest.mark.parametrize("settings_change", [
    {"epsilon": "lots", "delta": "none"},
    {"epsilon": [1], "delta": {"a": 1}, "max_parents": "two", "n_bins": True},
    {"epsilon": None, "delta": -1},
])
def test_odd_settings_do_not_crash_loading(tmp_path, dp_dict, settings_change):
    """Settings are informational: epsilon and delta come from the ledger, never from the settings."""
    synth = load_model(write(tmp_path, mutated(dp_dict, lambda d: d["settings"].update(settings_change))))
    assert synth.epsilon == dp_dict["privacy"]["epsilon"] == 1.0
    assert synth.model_.private
    check_golden_domain(synth.sample(50, random_state=0))
    # and settings that are not an object at all
    synth = load_model(write(tmp_path, mutated(dp_dict, lambda d: d.__setitem__("settings", "x"))))
    check_golden_domain(synth.sample(10, random_state=0))


# ----------------------------------------------------------------------------- golden file
def test_golden_file_loads_and_samples():
    assert GOLDEN.is_file(), "tests/golden/model_v1.json is missing: run python tests/test_modelfile.py"
    synth = load_model(GOLDEN)
    model = synth.model_
    assert not model.private and synth.epsilon == INF
    assert model.columns == ["colour", "size", "ok"]
    out = synth.sample(2000, random_state=0)
    check_golden_domain(out)
    assert out.equals(synth.sample(2000, random_state=0)), "a fixed sampling seed reproduces the rows"
    assert set(out["colour"]) == {"red", "green", "blue"} and out["ok"].isna().any()
    # conditional sampling works on the loaded model too
    cond = synth.sample(200, random_state=1, conditions={"ok": True})
    assert (cond["ok"] == True).all()  # noqa: E712 - a pandas boolean column
    assert cond["size"].isin([0, 3, 4, 5, 6]).mean() > 0.9, "size given ok=True follows the data"


def test_golden_file_network_and_tables():
    raw = json.loads(GOLDEN.read_text(encoding="utf-8"))
    model = load_model(GOLDEN).model_
    assert [model.columns[i] for i in model.order] == ["ok", "size", "colour"]
    assert {c: list(model.parents(c)) for c in model.columns} == {"colour": ["size", "ok"], "size": ["ok"], "ok": []}
    sizes = {"colour": 3, "size": 7, "ok": 3}  # three categories, seven integers, two booleans + missing
    assert dict(zip(model.columns, model.sizes, strict=True)) == sizes
    for i, name in enumerate(model.columns):
        table = model.tables[i]
        assert table.shape == (math.prod(sizes[p] for p in model.parents(name)), sizes[name])
        assert np.array_equal(table, np.array(raw["tables"][name])), "tables are read exactly as written"
        assert np.allclose(table.sum(axis=1), 1)
    # the numbers are the data's conditional frequencies (lightly smoothed), not noise
    frame = golden_frame()
    ok_code = frame["ok"].map({False: 0, True: 1}).fillna(2).astype(int)
    freq_ok = np.bincount(ok_code, minlength=3) / len(frame)
    assert np.allclose(model.tables[model.columns.index("ok")][0], freq_ok, atol=0.02)
    size_table = model.tables[model.columns.index("size")]
    colour_table = model.tables[model.columns.index("colour")]
    colour_code = frame["colour"].map({"red": 0, "green": 1, "blue": 2})
    for k in range(3):
        rows = ok_code == k
        if rows.sum() >= 30:
            freq = np.bincount(frame["size"][rows], minlength=7) / rows.sum()
            assert np.allclose(size_table[k], freq, atol=0.05), f"P(size | ok code {k})"
    for s, k in itertools.product(range(7), range(3)):
        rows = (frame["size"] == s) & (ok_code == k)
        if rows.sum() >= 15:
            freq = np.bincount(colour_code[rows], minlength=3) / rows.sum()
            assert np.allclose(colour_table[s * 3 + k], freq, atol=0.1), f"P(colour | size {s}, ok code {k})"


# ----------------------------------------------------------------------------- fuzz
_ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([10**30, -(10**30), 2**63, 10**300]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "inf", "1e100000000", "", "colour", "size", "ok", "red",
                     "1/0", "-1/2", "9" * 100, "py/object", "0x10", "1_000"]),
    st.just([]), st.just({}), st.just({"py/object": "os.system"}),
    st.lists(st.lists(st.integers(0, 3), max_size=3), max_size=3),
    st.lists(st.one_of(st.text(max_size=5), st.integers(-1, 8), st.floats(0, 1)), max_size=4),
)
# paths mostly start inside the parts that carry meaning (a changed format tag alone is a trivial refusal)
_PATH = st.builds(lambda head, rest: [head, *rest],
                  st.one_of(st.sampled_from(["codecs", "schema", "structure", "tables", "privacy", "settings"]),
                            st.integers(0, 40)),
                  st.lists(st.integers(0, 40), min_size=1, max_size=6))
_MUTATION = st.tuples(_PATH,
                      st.sampled_from(["drop", "set", "wrap", "duplicate"]), _ODD_VALUES)


def apply_mutation(data: dict, path, op: str, value) -> None:
    """Walk ``path`` (keys, or integers taken modulo the container size) and change what it reaches."""
    node, key = data, None
    for step in path:
        if key is not None:
            child = node[key]
            if not isinstance(child, dict | list) or not child:
                break
            node = child
        if isinstance(node, dict):
            keys = sorted(node)
            key = step if isinstance(step, str) and step in node else keys[step % len(keys)] \
                if isinstance(step, int) else keys[0]
        else:
            key = step % len(node) if isinstance(step, int) else 0
    if op == "drop":
        del node[key]
    elif op == "set":
        node[key] = value
    elif op == "wrap":
        node[key] = [node[key]]
    elif isinstance(node, list):
        node.insert(key, copy.deepcopy(node[key]))
    else:
        node[key] = [node[key], copy.deepcopy(node[key])]


@settings(derandomize=True, max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate, Phase.shrink])
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=3))
@example(mutations=[(["codecs", 0], "set", "colour")])
@example(mutations=[(["structure", "parents", "colour", 0], "set", ["size"])])
def test_fuzzed_model_refused_or_usable(tmp_path, exact_dict, mutations):
    data = copy.deepcopy(exact_dict)
    for path, op, value in mutations:
        apply_mutation(data, path, op, value)
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        synth = load_model(path)
    except ModelFormatError as err:
        assert issubclass(type(err), BayesSynthError) and path.name in str(err)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = synth.sample(10, random_state=0)
    assert out.shape == (10, len(synth.model_.columns))


def test_fuzz_examples_are_refused(tmp_path, exact_dict):
    """The two explicit fuzz examples used to escape as TypeError; they must be ModelFormatError."""
    for mutation in ((["codecs", 0], "set", "colour"), (["structure", "parents", "colour", 0], "set", ["size"])):
        data = copy.deepcopy(exact_dict)
        apply_mutation(data, *mutation)
        refuses(write(tmp_path, data))


if __name__ == "__main__":
    print(f"wrote {write_golden()}")
