"""bayes_synth.metrics.utility: TSTR on Adult (planted good and bad synthetic data), counting queries."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth.metrics import counting_queries, train_synthetic_test_real

ADULT = Path(__file__).resolve().parents[1] / "examples" / "data" / "adult.csv"
TSTR_KEYS = {"task", "target", "positive_class", "metric", "synthetic", "real", "ratio", "ratios",
             "importance_agreement", "feature_importance_agreement", "n_rows"}


@pytest.fixture(scope="module")
def adult_thirds():
    """Seeded thirds of Adult: train, holdout, and an independent "synthetic" sample of the same
    distribution (what a perfect synthesizer would produce)."""
    data = pd.read_csv(ADULT, dtype=str, keep_default_na=False)
    order = np.random.default_rng(0).permutation(len(data))
    k = len(data) // 3
    return tuple(data.iloc[order[i * k:(i + 1) * k]].reset_index(drop=True) for i in range(3))


def shuffle_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame.columns})


@pytest.fixture(scope="module")
def tstr_fair(adult_thirds):
    train, holdout, synth = adult_thirds
    return train_synthetic_test_real(train, synth, holdout, "income", seed=0)


def test_tstr_of_a_fresh_real_sample_is_near_one(tstr_fair):
    out = tstr_fair
    assert set(out) == TSTR_KEYS
    assert out["task"] == "classification" and out["metric"] == "roc_auc" and out["positive_class"] == ">50K"
    assert out["real"]["roc_auc"] > 0.88 and out["real"]["accuracy"] > 0.83  # Adult's usual level
    assert 0.97 < out["ratio"] < 1.03 and out["ratio"] == out["ratios"]["roc_auc"]
    assert 0.95 < out["ratios"]["accuracy"] < 1.05 and 0.93 < out["ratios"]["macro_f1"] < 1.07
    agreement = out["feature_importance_agreement"]
    assert agreement["n_rows"] == 2000 and set(agreement["real"]) == set(agreement["synthetic"])
    assert len(agreement["real"]) == 14 and "income" not in agreement["real"]
    assert out["importance_agreement"] == agreement["spearman"] > 0.6
    json.dumps(out, allow_nan=False)


def test_tstr_of_independent_columns_drops(adult_thirds, tstr_fair):
    train, holdout, synth = adult_thirds
    out = train_synthetic_test_real(train, shuffle_columns(synth, 1), holdout, "income", seed=0, importance=False)
    assert out["real"] == tstr_fair["real"]  # same real model, same seed
    assert out["ratio"] < 0.7 and out["ratios"]["macro_f1"] < 0.8  # AUC near 0.5: nothing learned
    assert out["ratio"] < tstr_fair["ratio"] - 0.25
    assert out["feature_importance_agreement"] is None and out["importance_agreement"] is None


def test_tstr_regression_and_odd_inputs():
    rng = np.random.default_rng(0)
    n = 600
    x = rng.normal(size=n)
    many = np.array([f"id{i}" for i in range(400)])[rng.integers(0, 400, n)]  # > 254 categories
    frame = pd.DataFrame({"x": x, "c": np.where(x > 0, "hi", "lo"), "many": many,
                          "y": 3 * x + rng.normal(scale=0.1, size=n)})
    train, synth, holdout = frame[:200], frame[200:400], frame[400:].copy()
    holdout.loc[holdout.index[:5], "c"] = "unseen"  # unknown category: encoded -1, no error
    out = train_synthetic_test_real(train, synth, holdout, "y", n_repeats=2)
    assert out["task"] == "regression" and out["metric"] == "r2" and set(out["real"]) == {"r2", "mae"}
    assert out["real"]["r2"] > 0.9 and 0.9 < out["ratio"] < 1.1
    assert out["feature_importance_agreement"]["real"]["x"] > out["feature_importance_agreement"]["real"]["many"]


def test_tstr_single_class_synthetic_gets_a_constant_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=300)
    frame = pd.DataFrame({"x": x, "y": np.where(x > 0, "a", "b")})
    synth = frame[100:200].assign(y="a")
    out = train_synthetic_test_real(frame[:100], synth, frame[200:], "y", importance=False)
    assert out["synthetic"]["roc_auc"] == 0.5  # constant score
    assert out["synthetic"]["accuracy"] == pytest.approx(np.mean(frame["y"][200:] == "a"), abs=1e-6)
    with pytest.raises(ValueError, match="target"):
        train_synthetic_test_real(frame, frame, frame, "nope")


# ----------------------------------------------------------------------------------------------- counting queries


def test_counting_queries_by_hand():
    real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "q"]})
    synth = pd.DataFrame({"a": ["x", "x", "x", "x"], "b": ["p", "p", "p", "p"]})
    out = counting_queries(real, synth, n_queries=20, seed=3)
    assert out["n_queries"] == len(out["queries"]) == 20
    for q in out["queries"]:
        assert q["columns"] == ["a", "b"]  # only two columns: every query uses both
        assert q["real"] == 0.25  # each combination is one real row of four
        assert q["synthetic"] == (1.0 if q["values"] == ["x", "p"] else 0.0)
        assert q["abs_error"] == pytest.approx(abs(q["real"] - q["synthetic"]))
    errors = np.array([q["abs_error"] for q in out["queries"]])
    assert out["mean_abs_error"] == pytest.approx(errors.mean(), abs=1e-6)
    assert out["max_abs_error"] == 0.75 and out["p95_abs_error"] == pytest.approx(np.quantile(errors, 0.95))
    assert counting_queries(real, synth, n_queries=20, seed=3) == out
    assert counting_queries(real, real, n_queries=20, seed=3)["max_abs_error"] == 0.0


def test_counting_queries_see_lost_dependence(adult_thirds):
    train, _, synth = adult_thirds
    fair = counting_queries(train, synth, seed=0)
    broken = counting_queries(train, shuffle_columns(synth, 2), seed=0)
    widths = {len(q["columns"]) for q in fair["queries"]}
    assert widths == {2, 3}
    assert [q["columns"] for q in fair["queries"]] == [q["columns"] for q in broken["queries"]]
    assert fair["mean_abs_error"] < 0.005 and broken["mean_abs_error"] > 3 * fair["mean_abs_error"]
    assert broken["p95_abs_error"] > fair["p95_abs_error"]
    json.dumps(broken, allow_nan=False)


def test_gradient_boosting_runs_on_one_thread(adult_thirds, monkeypatch):
    """OpenMP threads that spin-wait stall on a busy machine (Adult, 2 cores, load 6: 122 s with two threads,
    11 s with one): fit, predict and the permutation importances run with the pools capped at one thread."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    from threadpoolctl import threadpool_info

    seen = []

    def spy(name):
        original = getattr(HistGradientBoostingClassifier, name)

        def wrapped(self, *args, **kwargs):
            seen.append((name, _openmp_effective_n_threads(),
                         max(p["num_threads"] for p in threadpool_info())))
            return original(self, *args, **kwargs)
        monkeypatch.setattr(HistGradientBoostingClassifier, name, wrapped)

    for name in ("fit", "predict", "predict_proba"):
        spy(name)
    train, holdout, synth = (f.iloc[:1500] for f in adult_thirds)
    train_synthetic_test_real(train, synth, holdout, "income", importance_rows=200, n_repeats=1)
    assert {n for n, _, _ in seen} == {"fit", "predict", "predict_proba"}
    assert all(omp == 1 and pools == 1 for _, omp, pools in seen), seen
