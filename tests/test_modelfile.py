"""The model file loader: refuses code, tampering and malformed files with ModelFormatError.

``tests/golden/model_v1.json`` is a format-version-1 file fitted by :func:`fit_golden` from
:func:`golden_frame`; it must keep loading and sampling (regenerate only on a deliberate format
change: ``python tests/test_modelfile.py``).
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
import pickle
import shlex
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


