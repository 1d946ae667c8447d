"""End to end through the public API: ``Synthesizer(...).fit(table).sample(n)`` and ``load_model``.

Fits use slices of the bundled Adult file (at most 3,000 rows) with the declared example schema, so
no fact is discovered from the data and every fit takes well under a second once imports are warm.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bayes_synth import Synthesizer, load_model
from bayes_synth.errors import ParameterError, PrivacyWarning, SamplingError
from bayes_synth.ingest import prepare, read_table

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA_PATH = ROOT / "examples" / "adult_schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
INF = float("inf")
SMALL_COLUMNS = ["age", "education", "sex", "relationship", "income", "hours-per-week"]


def fit(data, **params) -> Synthesizer:
    """Fit, silencing the expected 'fixed random_state' privacy warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrivacyWarning)
        return Synthesizer(**params).fit(data)


def sub_schema(columns) -> dict:
    return {c: SCHEMA[c] for c in columns}


def proportion_tolerance(p: float, n: int, k: float = 5.0) -> float:
    """k standard errors of a sample proportion."""
    return k * math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    """The first 3,000 rows of the Adult file, every cell as text (as read from CSV)."""
    return read_table(ADULT).iloc[:3000].reset_index(drop=True)


@pytest.fixture(scope="module")
def adult_csv(tmp_path_factory) -> Path:
    """The first 1,500 rows of the Adult file, byte for byte."""
    path = tmp_path_factory.mktemp("data") / "adult_small.csv"
    with open(ADULT, "rb") as src:
        path.write_bytes(b"".join(src.readline() for _ in range(1_501)))
    return path


@pytest.fixture(scope="module")
def exact_model(adult) -> Synthesizer:
    """No-noise model of 3,000 rows, all columns."""
    return fit(adult, epsilon=INF, schema=SCHEMA, random_state=0)


@pytest.fixture(scope="module")
def small_exact_model(adult) -> Synthesizer:
    """No-noise model of six columns: small enough to enumerate its joint distribution."""
    return fit(adult[SMALL_COLUMNS], epsilon=INF, schema=sub_schema(SMALL_COLUMNS), random_state=0)


@pytest.fixture(scope="module")
def dp_model(adult) -> Synthesizer:
    """A differentially private model (epsilon = 1) of 2,000 rows, all columns."""
    return fit(adult.iloc[:2000], epsilon=1.0, schema=SCHEMA, random_state=7)


def exact_joint(model) -> np.ndarray:
    """The model's joint distribution over every column (axes in column order), by einsum."""
    args = []
    for i, ps in enumerate(model.parents_idx):
        args.append(model.tables[i].reshape([model.sizes[p] for p in ps] + [model.sizes[i]]))
        args.append([*ps, i])
    return np.einsum(*args, list(range(len(model.sizes))))


def exact_conditional(model, query: str, evidence: dict[str, str]) -> dict[str, float]:
    """P(query | evidence) by enumeration, keyed by the query column's labels."""
    joint = exact_joint(model)
    names = model.columns
    index = [slice(None)] * len(names)
    for col, label in evidence.items():
        index[names.index(col)] = model.codecs[col].labels().index(label)
    sliced = joint[tuple(index)]
    kept = [n for n in names if n not in evidence]
    q = kept.index(query)
    dist = sliced.sum(axis=tuple(a for a in range(len(kept)) if a != q))
    dist = dist / dist.sum()
    return dict(zip(model.codecs[query].labels(), dist.tolist(), strict=True))


# ----------------------------------------------------------------------------- shape & dtypes
def test_sample_rows_columns_and_dtypes_from_csv(adult_csv):
    synth = fit(adult_csv, epsilon=INF, schema=SCHEMA)
    out = synth.sample(137, random_state=0)
    header = adult_csv.read_text().splitlines()[0].split(",")
    assert len(out) == 137
    assert list(out.columns) == header
    _, prepared_schema, _ = prepare(read_table(adult_csv), SCHEMA)
    expected = {name: spec.dtype for name, spec in prepared_schema.items()}
    assert {c: str(out[c].dtype) for c in out.columns} == expected
    assert isinstance(out.index, pd.RangeIndex)


def test_sample_zero_and_bad_n(small_exact_model):
    empty = small_exact_model.sample(0, random_state=0)
    assert len(empty) == 0 and list(empty.columns) == SMALL_COLUMNS
    for bad in (-1, 2.5, True, "10"):
        with pytest.raises(ParameterError):
            small_exact_model.sample(bad)


def _typed_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "i": rng.integers(-5, 60, n).astype("int64"),
        "f": rng.normal(10, 3, n).astype("float64"),
        "b": rng.random(n) < 0.3,
        "o": pd.Series(rng.choice(["red", "green", "blue"], n), dtype=object),
        "d": pd.Series(pd.to_datetime("2020-01-01")
                       + pd.to_timedelta(rng.integers(0, 86_400 * 900, n), unit="s")).astype("datetime64[ns]"),
    })


TYPED_SCHEMA = {
    "i": {"kind": "integer", "nullable": False},
    "f": {"kind": "float", "nullable": False},
    "b": {"kind": "boolean", "nullable": False},
    "o": {"kind": "categorical", "nullable": False},
    "d": {"kind": "datetime", "nullable": False},
}


def test_dataframe_input_keeps_dtypes():
    df = _typed_frame()
    assert [str(t) for t in df.dtypes] == ["int64", "float64", "bool", "object", "datetime64[ns]"]
    out = fit(df, epsilon=INF, schema=TYPED_SCHEMA).sample(250, random_state=1)
    assert len(out) == 250
    assert list(out.columns) == list(df.columns)
    pd.testing.assert_series_equal(out.dtypes, df.dtypes)
    assert set(out["o"]) <= {"red", "green", "blue"}
    assert out["d"].between(df["d"].min().floor("s"), df["d"].max()).all()


def test_dataframe_input_keeps_string_dtype():
    df = pd.DataFrame({"s": pd.array(["x", "y", "z"] * 50, dtype="str")})
    out = fit(df, epsilon=INF, schema={"s": {"kind": "categorical", "nullable": False}}).sample(20, random_state=0)
    assert out["s"].dtype == df["s"].dtype


# ----------------------------------------------------------------------------- declared domain
PROPERTY_COLUMNS = ["age", "workclass", "education-num", "sex", "capital-gain", "hours-per-week", "income"]


def assert_inside_declared_domain(out: pd.DataFrame, schema: dict) -> None:
    for col, facts in schema.items():
        values = out[col]
        if not facts.get("nullable", True):
            assert values.notna().all(), f"{col}: missing value in a column declared nullable=false"
        present = values.dropna()
        if facts["kind"] == "categorical":
            assert set(present) <= set(facts["categories"]), col
        else:
            assert present.between(facts["min"], facts["max"]).all(), col
            assert (present == present.round()).all(), f"{col}: non-integer value"


@settings(derandomize=True, max_examples=20, deadline=None)
@given(fit_seed=st.integers(0, 2**31 - 1), sample_seed=st.integers(0, 2**31 - 1),
       epsilon=st.sampled_from([0.1, 1.0, 10.0, INF]))
def test_samples_stay_inside_declared_domain(adult, fit_seed, sample_seed, epsilon):
    schema = sub_schema(PROPERTY_COLUMNS)
    synth = fit(adult.iloc[:400][PROPERTY_COLUMNS], epsilon=epsilon, schema=schema, random_state=fit_seed)
    out = synth.sample(60, random_state=sample_seed)
    assert len(out) == 60
    assert_inside_declared_domain(out, schema)


def test_dp_model_samples_inside_declared_domain(dp_model):
    assert dp_model.model_.private
    assert_inside_declared_domain(dp_model.sample(2_000, random_state=3), SCHEMA)


# ----------------------------------------------------------------------------- persistence
def test_save_load_sample_identical(dp_model, tmp_path):
    path = dp_model.save(tmp_path / "model.json")
    loaded = load_model(path)
    pd.testing.assert_frame_equal(loaded.sample(300, random_state=11), dp_model.sample(300, random_state=11))
    pd.testing.assert_frame_equal(
        loaded.sample(50, random_state=2, conditions={"sex": "Female"}),
        dp_model.sample(50, random_state=2, conditions={"sex": "Female"}))
    a, b = dp_model.model_, loaded.model_
    assert b.ledger.to_dict() == a.ledger.to_dict()
    assert loaded.ledger_ is b.ledger
    assert b.settings == a.settings
    assert b.columns == a.columns
    assert b.order == a.order
    for col in a.columns:
        assert b.parents(col) == a.parents(col)
        np.testing.assert_array_equal(b.tables[a.columns.index(col)], a.tables[a.columns.index(col)])
    assert b.edges() == a.edges()
    assert b.private and loaded.epsilon == 1.0
    # saving the loaded model gives the same bytes (canonical file)
    again = loaded.save(tmp_path / "again.json")
    assert again.read_bytes() == path.read_bytes()


def test_save_refuses_to_overwrite(dp_model, tmp_path):
    from bayes_synth.errors import OutputError

    path = dp_model.save(tmp_path / "model.json")
    with pytest.raises(OutputError):
        dp_model.save(path)
    dp_model.save(path, force=True)


def test_sampling_reproducible_with_random_state(dp_model):
    a = dp_model.sample(400, random_state=123)
    pd.testing.assert_frame_equal(a, dp_model.sample(400, random_state=123))
    b = dp_model.sample(400, random_state=124)
    assert not a.equals(b)


# ----------------------------------------------------------------------------- conditions
def test_condition_fixes_column_and_matches_real_conditional_share(exact_model, adult):
    """No-noise model: P(income | sex) of the samples is near the real conditional share.

    The tolerance is 5 standard errors of the sampled proportion; the model's own approximation error
    (a network, not the full joint) is well inside it on this data.
    """
    n = 6_000
    shares = {}
    for sex in ("Female", "Male"):
        out = exact_model.sample(n, random_state=0, conditions={"sex": sex})
        assert len(out) == n
        assert (out["sex"] == sex).all()
        real = float((adult.loc[adult["sex"] == sex, "income"] == ">50K").mean())
        got = float((out["income"] == ">50K").mean())
        assert abs(got - real) <= proportion_tolerance(real, n), (sex, got, real)
        shares[sex] = real
    # the check discriminates: the two conditional shares are far apart compared with the tolerance
    assert shares["Male"] - shares["Female"] > 4 * proportion_tolerance(shares["Male"], n)


def test_conditional_sample_matches_exact_posterior(small_exact_model):
    model = small_exact_model.model_
    n = 20_000
    for evidence in ({"sex": "Female"}, {"sex": "Male", "education": "Bachelors"}):
        exact = exact_conditional(model, "income", evidence)
        out = small_exact_model.sample(n, random_state=4, conditions=evidence)
        for col, value in evidence.items():
            assert (out[col] == value).all()
        p = exact[">50K"]
        got = float((out["income"] == ">50K").mean())
        assert abs(got - p) <= proportion_tolerance(p, n), (evidence, got, p)


def test_conditions_per_row_and_errors(small_exact_model):
    values = ["Female", "Male", "Male", "Female", "Male"]
    out = small_exact_model.sample(5, random_state=0, conditions={"sex": values})
    assert out["sex"].tolist() == values
    with pytest.raises(ParameterError, match="expected 5"):
        small_exact_model.sample(5, conditions={"sex": values[:4]})
    with pytest.raises(ParameterError, match="unknown column"):
        small_exact_model.sample(5, conditions={"gender": "Female"})
    with pytest.raises(SamplingError, match="outside"):
        small_exact_model.sample(5, conditions={"sex": "Other"})


# ----------------------------------------------------------------------------- explain & pgmpy
def test_to_pgmpy_agrees_with_enumeration(small_exact_model):
    from pgmpy.inference import VariableElimination

    model = small_exact_model.model_
    net = model.to_pgmpy()
    assert set(net.nodes()) == set(model.columns)
    assert set(net.edges()) == set(model.edges())
    engine = VariableElimination(net)
    age_label = model.codecs["age"].labels()[3]
    queries = [
        ("income", {"sex": "Female"}),
        ("relationship", {"sex": "Male", "education": "Bachelors"}),
        ("sex", {"age": age_label, "income": ">50K"}),
    ]
    for query, evidence in queries:
        factor = engine.query([query], evidence=evidence, show_progress=False)
        got = dict(zip(factor.state_names[query], factor.values.tolist(), strict=True))
        exact = exact_conditional(model, query, evidence)
        assert got.keys() == exact.keys()
        for label, p in exact.items():
            assert abs(got[label] - p) <= 1e-9, (query, evidence, label)


def test_table_is_readable_and_stochastic(exact_model):
    model = exact_model.model_
    for col in model.columns:
        t = model.table(col)
        assert isinstance(t, pd.DataFrame)
        np.testing.assert_allclose(t.sum(axis=1).to_numpy(), 1.0, atol=1e-12)
        assert (t.to_numpy() >= 0).all()
        assert list(t.columns) == model.codecs[col].labels()
        assert all(isinstance(label, str) and label for label in t.columns)
        parents = model.parents(col)
        assert len(t) == math.prod(len(model.codecs[p].labels()) for p in parents)  # 1 without parents
        if parents:
            assert list(t.index.names) == list(parents)
            assert t.index.is_unique
    assert list(model.table("sex").columns) == ["Female", "Male"]
    assert model.table("age").columns[0].startswith("[17")
    with pytest.raises(ParameterError):
        model.table("no such column")


def test_parents_children_consistent_with_edges(exact_model):
    model = exact_model.model_
    edges = model.edges()
    assert edges, "a model of Adult without a single edge"
    assert len(edges) == sum(len(model.parents(c)) for c in model.columns)
    for parent, child in edges:
        assert parent in model.parents(child)
        assert child in model.children(parent)
    for col in model.columns:
        assert all((p, col) in edges for p in model.parents(col))
        assert all((col, c) in edges for c in model.children(col))


# ----------------------------------------------------------------------------- determinism (R-10)
DETERMINISM_SCRIPT = r"""
import json, sys, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from bayes_synth import Synthesizer
from bayes_synth.io import write_table
out, csv, schema = Path(sys.argv[1]), sys.argv[2], json.loads(Path(sys.argv[3]).read_text())
for seed in map(int, sys.argv[4:]):
    synth = Synthesizer(epsilon=1.0, schema=schema, random_state=seed).fit(csv)
    synth.save(out / f"model_{seed}.json")
    write_table(synth.sample(500, random_state=seed), out / f"sample_{seed}.csv")
"""


def _model_text_without_timestamp(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    stripped, n = re.subn(r'"created": *"[^"]*"', '"created": null', text)
    assert n == 1
    return stripped


def test_fit_and_sample_deterministic_across_processes(adult_csv, tmp_path):
    runs = []
    procs = []
    for hashseed, threads in (("0", "1"), ("4242", "2")):
        out = tmp_path / f"run_{hashseed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hashseed, "OMP_NUM_THREADS": threads,
               "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
        procs.append(subprocess.Popen(
            [sys.executable, "-c", DETERMINISM_SCRIPT, str(out), str(adult_csv), str(SCHEMA_PATH), "5", "6"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        runs.append(out)
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    a, b = runs
    for seed in (5, 6):
        assert _model_text_without_timestamp(a / f"model_{seed}.json") == \
            _model_text_without_timestamp(b / f"model_{seed}.json")
        assert hashlib.sha256((a / f"sample_{seed}.csv").read_bytes()).digest() == \
            hashlib.sha256((b / f"sample_{seed}.csv").read_bytes()).digest()
    assert (a / "sample_5.csv").read_bytes() != (a / "sample_6.csv").read_bytes()
    assert _model_text_without_timestamp(a / "model_5.json") != _model_text_without_timestamp(a / "model_6.json")
    assert json.loads((a / "model_5.json").read_text())["settings"]["seeded"] is True


# ----------------------------------------------------------------------------- imports & deps
def test_import_is_lazy():
    code = ("import json, sys, bayes_synth; "
            "print(json.dumps([m for m in ('pandas', 'pgmpy', 'diffprivlib', 'lark', 'sklearn') "
            "if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == []


def test_dependency_smoke():
    """S-6: diffprivlib imports and its two mechanisms we use run under the installed set."""
    import diffprivlib
    import sklearn
    from diffprivlib.mechanisms import Exponential, Geometric

    from bayes_synth.privacy.mechanisms import exponential_select, geometric_counts

    major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", sklearn.__version__).groups())
    assert (major, minor) < (1, 9), "diffprivlib 0.6.6 fails to import with scikit-learn 1.9"
    assert diffprivlib.__version__
    noisy = Geometric(epsilon=1.0, sensitivity=1, random_state=0).randomise(10)
    assert isinstance(noisy, int | np.integer)
    chosen = Exponential(epsilon=1.0, sensitivity=1.0, utility=[0.0, 1.0, 2.0], random_state=0).randomise()
    assert chosen in (0, 1, 2)
    counts = geometric_counts(np.array([5, 0, 3]), 1.0, 1, np.random.RandomState(0))
    assert counts.shape == (3,) and counts.dtype == np.int64
    assert exponential_select(np.array([0.0, 1.0]), 1.0, 1.0, np.random.RandomState(0)) in (0, 1)
