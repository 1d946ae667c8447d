"""bayes_synth.metrics.similarity (and .common): hand-computed tiny frames, then planted cases on Adult."""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth.metrics import (
    coerce,
    column_similarity,
    column_tvd,
    correlation_difference,
    discretise,
    infer_numeric,
    marginal_tvd,
    mi_difference,
    mutual_information,
    similarity_report,
    upper_mean,
)

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"


@pytest.fixture(scope="module")
def adult_thirds():
    """Adult split (seeded) into train / holdout / "synthetic" thirds: the last one is an independent
    sample from the same distribution, i.e. what a perfect synthesizer would produce."""
    data = pd.read_csv(ADULT, dtype=str, keep_default_na=False)
    order = np.random.default_rng(0).permutation(len(data))
    k = len(data) // 3
    return tuple(data.iloc[order[i * k:(i + 1) * k]].reset_index(drop=True) for i in range(3))


def shuffle_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each column permuted independently: same 1-way marginals, no dependence left."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame.columns})


# ----------------------------------------------------------------------------------------------- common


def test_numbers_in_text_and_missing_markers_are_read_alike():
    real = pd.DataFrame({"n": ["1", "2", "?", " 3 "], "c": ["a", "", None, "b"]})
    synth = pd.DataFrame({"n": [1.0, 2.0, np.nan, 3], "c": ["a", "nan", "?", "b"]})
    r, s = coerce(real, synth)
    assert r["n"].tolist() == s["n"].tolist() == ["1", "2", None, "3"]  # 3 distinct values: categorical
    assert r["c"].tolist() == s["c"].tolist() == ["a", None, None, "b"]
    assert column_tvd(real, synth).tolist() == [0.0, 0.0]


def test_more_than_twenty_distinct_numbers_make_a_column_numeric():
    real = pd.DataFrame({"n21": [str(i) for i in range(21)], "n20": [str(i % 20) for i in range(21)],
                         "txt": [f"v{i}" for i in range(21)]})
    assert infer_numeric(real) == ["n21"]
    synth = real.assign(n21=real["n21"].where(real.index > 0, "oops"))  # not numeric-looking in synth
    assert infer_numeric(real, synth) == []
    r, _ = coerce(real, real)
    assert r["n21"].dtype == float and r["n20"].dtype == object


def test_discretise_bins_on_the_real_quantiles_and_codes_missing_last():
    real = pd.DataFrame({"n": [0.0, 1.0, 2.0, 3.0, np.nan], "a": ["q", "p", "p", "q", "p"]})
    synth = pd.DataFrame({"n": [-5.0, 1.5, 2.5, 99.0, 1.0], "a": ["r", "p", None, "q", "p"]})
    cr, cs, labels = discretise(real, synth, bins=2, numeric=["n"])
    # real quantile edges 0, 1.5, 3: [0, 1.5) [1.5, 3]; below/above the edges join the end bins
    assert labels == {"n": ["[0, 1.5)", "[1.5, 3]", "<missing>"], "a": ["p", "q", "r", "<missing>"]}
    assert cr[:, 0].tolist() == [0, 0, 1, 1, 2] and cs[:, 0].tolist() == [0, 1, 1, 1, 0]
    assert cr[:, 1].tolist() == [1, 0, 0, 1, 0] and cs[:, 1].tolist() == [2, 0, 3, 1, 0]
    assert cr.dtype == np.int64 and cr.shape == (5, 2) and cs.shape == (5, 2)


def test_a_missing_column_is_an_error():
    with pytest.raises(ValueError, match="lacks"):
        column_tvd(pd.DataFrame({"a": [1], "b": [2]}), pd.DataFrame({"a": [1]}))


# ----------------------------------------------------------------------------------------------- TVD


def test_hand_computed_one_and_two_way_tvd():
    # real: (x,p) (x,q) (y,p) (y,p)      synth: (x,p) (x,p) (x,p) (y,q)
    real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "p"]})
    synth = pd.DataFrame({"a": ["x", "x", "x", "y"], "b": ["p", "p", "p", "q"]})
    # a: real x .5 y .5, synth x .75 y .25 -> .5 * (.25 + .25) = .25 ; b: .75/.25 both -> 0
    assert column_tvd(real, synth).to_dict() == {"a": 0.25, "b": 0.0}
    one = marginal_tvd(real, synth, order=1)
    assert one["per_set"] == {"a": 0.25, "b": 0.0} and one["mean"] == 0.125 and one["max"] == 0.25
    # (a,b): real xp .25 xq .25 yp .5 ; synth xp .75 yq .25 -> .5 * (.5 + .25 + .5 + .25) = .75
    two = marginal_tvd(real, synth, order=2)
    assert two["per_set"] == {"a x b": 0.75} and two["n_sets"] == two["n_sets_total"] == 1
    sim = column_similarity(real, synth)
    assert sim["similarity"].tolist() == [0.75, 1.0] and sim["kind"].tolist() == ["categorical"] * 2


def test_disjoint_frames_have_tvd_one_and_missing_is_a_cell():
    real = pd.DataFrame({"a": ["x", "x"], "b": ["p", None]})
    synth = pd.DataFrame({"a": ["y", "z"], "b": ["?", "p"]})
    assert column_tvd(real, synth).to_dict() == {"a": 1.0, "b": 0.0}
    assert marginal_tvd(real, synth, 2)["mean"] == 1.0


def test_three_way_sets_are_a_seeded_sample():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"c{i}": rng.integers(0, 3, 50).astype(str) for i in range(8)})  # C(8, 3) = 56 sets
    other = pd.DataFrame({f"c{i}": rng.integers(0, 3, 50).astype(str) for i in range(8)})
    a = marginal_tvd(frame, other, 3, max_sets=10, seed=1)
    b = marginal_tvd(frame, other, 3, max_sets=10, seed=1)
    c = marginal_tvd(frame, other, 3, max_sets=10, seed=2)
    assert a == b and a["n_sets"] == 10 and a["n_sets_total"] == 56
    assert set(a["per_set"]) != set(c["per_set"])
    assert marginal_tvd(frame, other, 3)["n_sets"] == 56  # default cap of 100 sets: all of them
    assert marginal_tvd(frame, other, 2)["n_sets"] == 28  # every pair
    every = marginal_tvd(frame, other, 3, max_sets=56)
    assert all(every["per_set"][k] == v for k, v in a["per_set"].items())


def test_agrees_with_the_benchmark_metric_on_adult(adult_thirds):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import metrics
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    train, _, synth = adult_thirds
    bench = metrics.marginal_tvd(train, synth, numeric=metrics.ADULT_NUMERIC)
    numeric = list(metrics.ADULT_NUMERIC)
    one, two = marginal_tvd(train, synth, 1, numeric=numeric), marginal_tvd(train, synth, 2, numeric=numeric)
    assert one["mean"] == pytest.approx(bench["tvd_1way"], abs=1e-12)
    assert two["mean"] == pytest.approx(bench["tvd_2way"], abs=1e-12)


# ----------------------------------------------------------------------------------------------- MI


def test_hand_computed_normalised_mutual_information():
    # a = 0 0 1 1, b = 0 1 1 1: H(a) = ln 2, H(b) = -(1/4 ln 1/4 + 3/4 ln 3/4),
    # joint (0,0) 1/4, (0,1) 1/4, (1,1) 1/2: H(a,b) = -(2 * 1/4 ln 1/4 + 1/2 ln 1/2)
    h_a = math.log(2)
    h_b = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    h_ab = -(2 * 0.25 * math.log(0.25) + 0.5 * math.log(0.5))
    expected = (h_a + h_b - h_ab) / min(h_a, h_b)  # 0.3837...
    codes = np.array([[0, 0, 5], [0, 1, 5], [1, 1, 5], [1, 1, 5]])  # third column constant
    mi = mutual_information(codes, ["a", "b", "k"])
    assert mi.loc["a", "b"] == pytest.approx(expected) == pytest.approx(0.38369, abs=1e-5)
    assert mi.loc["b", "a"] == mi.loc["a", "b"]
    assert mi.loc["a", "k"] == 0.0 and mi.loc["k", "k"] == 0.0 and mi.loc["a", "a"] == 1.0
    frame = pd.DataFrame(codes, columns=["a", "b", "k"])
    pd.testing.assert_frame_equal(mutual_information(frame), mi)


def test_mi_difference_of_a_broken_dependence():
    real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "p", "q", "q"], "c": ["u", "v", "u", "v"]})
    synth = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "q"], "c": ["u", "v", "u", "v"]})
    diff = mi_difference(real, synth)
    # real: a-b 1, a-c 0, b-c 0 ; synth: a-b 0, a-c 0, b-c 1 (b == c)
    assert diff.loc["a", "b"] == 1.0 and diff.loc["b", "c"] == 1.0 and diff.loc["a", "c"] == 0.0
    assert diff.attrs["mean"] == pytest.approx(2 / 3) and upper_mean(diff) == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------------------------- correlation


def test_hand_computed_correlation_difference():
    x = [1.0, 2.0, 3.0, 4.0]
    real = pd.DataFrame({"x": x, "y": x, "k": [1.0] * 4})
    synth = pd.DataFrame({"x": x, "y": [1.0, 3.0, 2.0, 4.0], "k": [1.0] * 4})
    # synth: deviations x (-1.5, -.5, .5, 1.5), y (-1.5, .5, -.5, 1.5): r = 4 / 5 = 0.8 -> |1 - 0.8| = 0.2
    diff = correlation_difference(real, synth, numeric=["x", "y", "k"])
    assert diff.loc["x", "y"] == pytest.approx(0.2)
    assert np.isnan(diff.loc["x", "k"])  # constant column: no correlation, ignored by the mean
    assert diff.attrs["mean"] == pytest.approx(0.2)
    empty = correlation_difference(real, synth, numeric=["x"])
    assert empty.empty and np.isnan(empty.attrs["mean"])


def test_ks_statistic_matches_scipy(adult_thirds):
    from scipy.stats import ks_2samp

    train, _, synth = adult_thirds
    sim = column_similarity(train, synth)
    assert sim.loc["age", "kind"] == "numeric" and sim.loc["sex", "kind"] == "categorical"
    expected = ks_2samp(train["age"].astype(float), synth["age"].astype(float)).statistic
    assert sim.loc["age", "ks_statistic"] == pytest.approx(expected)
    assert np.isnan(sim.loc["sex", "ks_statistic"])


# ----------------------------------------------------------------------------------------------- planted


def test_independent_columns_lose_dependence_but_keep_marginals(adult_thirds):
    train, _, synth = adult_thirds
    fair = similarity_report(train, synth)
    broken = similarity_report(train, shuffle_columns(synth, seed=1))
    # shuffling within a column keeps its marginal exactly
    assert broken["tvd_1way"] == fair["tvd_1way"] < 0.03
    assert fair["tvd_2way"] < 0.05 and broken["tvd_2way"] > 2 * fair["tvd_2way"]
    assert broken["tvd_3way"] > 2 * fair["tvd_3way"]
    assert fair["mi_difference"] < 0.01 and broken["mi_difference"] > 5 * fair["mi_difference"]
    assert broken["correlation_difference"] > 2 * fair["correlation_difference"]
    assert broken["mi_real"] == fair["mi_real"]
    assert broken["mi_synthetic"]["values"][0][1] < fair["mi_synthetic"]["values"][0][1]


def test_report_is_json_with_every_key(adult_thirds):
    train, _, synth = adult_thirds
    rep = similarity_report(train.head(3000), synth.head(3000), seed=3)
    text = json.dumps(rep, allow_nan=False)
    assert json.loads(text) == rep
    headline = ["tvd_1way", "tvd_2way", "tvd_3way", "column_similarity", "mi_difference", "correlation_difference"]
    assert all(isinstance(rep[k], float) for k in headline)
    assert rep["marginals"]["3way"]["n_sets"] == 100 and rep["marginals"]["3way"]["n_sets_total"] == 455
    assert rep["numeric_columns"] == ["age", "fnlwgt", "capital-gain", "capital-loss", "hours-per-week"]
    assert set(rep["columns"]["age"]) == {"kind", "tvd", "similarity", "ks_statistic"}
    assert rep["columns"]["sex"]["ks_statistic"] is None
    assert len(rep["mi_difference_matrix"]["values"]) == 15 and len(rep["correlation_real"]["columns"]) == 5
    assert all(len(str(v).split(".")[-1]) <= 6 for v in rep["marginals"]["2way"]["per_set"].values())


def test_report_of_degenerate_frames_is_still_json():
    real = pd.DataFrame({0: ["a", "b", None], "n": [1.0, 1.0, 1.0]})  # non-text name; constant number
    synth = pd.DataFrame({0: ["a", "a", "c"], "n": [1.0, 2.0, np.nan]})
    rep = similarity_report(real, synth, numeric=["n"])
    json.dumps(rep, allow_nan=False)
    assert rep["tvd_3way"] is None and rep["correlation_difference"] is None
    assert rep["correlation_difference_matrix"] == {"columns": [], "values": []}
    assert list(rep["columns"]) == ["0", "n"] and rep["columns"]["n"]["kind"] == "numeric"
    assert rep["columns"]["n"]["ks_statistic"] == 0.5  # real all 1.0; synth 1.0, 2.0


def test_the_report_function_and_the_metrics_package_do_not_shadow_each_other():
    """``bayes_synth.evaluate`` stays the report function after the metrics package is imported."""
    import bayes_synth
    import bayes_synth.metrics
    from bayes_synth.report.evaluate import evaluate

    assert bayes_synth.evaluate is evaluate and callable(bayes_synth.evaluate)
    assert bayes_synth.metrics is sys.modules["bayes_synth.metrics"]


# ------------------------------------------------------------------ dates written as text
BERKA = ROOT / "tests" / "data" / "berka_trans_sample.csv"


def test_date_text_is_compared_as_ordered_dates_not_categories():
    """A CSV gives dates as text; both tables are read as dates by one rule, binned in time order.

    Each synthetic date is the real one moved by up to 3 days: as categories the TVD of `date` was 0.37
    (a moved date is another category); as dates in 20 quantile bins it stays small.
    """
    real = pd.read_csv(BERKA, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(0)
    moved = pd.to_datetime(real["date"]) + pd.to_timedelta(rng.integers(-3, 4, len(real)), unit="D")
    synth = real.assign(date=moved.dt.strftime("%Y-%m-%d"))
    sim = column_similarity(real, synth)
    assert sim.loc["date", "kind"] == "numeric" and sim.loc["date", "tvd"] < 0.1
    assert sim.loc["date", "ks_statistic"] < 0.05
    # the same rule whatever the synthetic column's type: parsed dates give the same numbers
    parsed = column_similarity(real, synth.assign(date=moved))
    assert parsed.loc["date"].to_dict() == sim.loc["date"].to_dict()
    _, _, labels = discretise(real, synth)
    assert labels["date"][0].startswith("[1993-01-") and all(label[1:5].isdigit() for label in labels["date"])
    report = similarity_report(real, synth)
    assert report["columns"]["date"]["kind"] == "numeric" and "date" in report["numeric_columns"]


def test_date_like_rule_needs_every_value_of_every_table_to_be_a_date():
    real = pd.DataFrame({"d": [f"2024-01-{i:02d}" for i in range(1, 29)] * 2})
    assert infer_numeric(real) == ["d"]
    few = pd.DataFrame({"d": ["2024-01-02", "2023-12-31", "2024-01-01", ""] * 5})
    _, _, labels = discretise(few, few)
    assert labels["d"] == ["2023-12-31", "2024-01-01", "2024-01-02", "<missing>"]  # in time order
    odd = real.copy()
    odd.loc[0, "d"] = "soon"  # one value that is no date: text categories in both tables
    assert infer_numeric(real, odd) == [] and infer_numeric(odd, real) == []
    assert infer_numeric(real, real.assign(d="2024-02-31")) == []  # the pattern, but no such day
    times = pd.DataFrame({"t": [f"2024-01-01T{h:02d}:30:00Z" for h in range(24)]})
    cr, cs, labels = discretise(times, times)
    assert labels["t"][0].startswith("[2024-01-01 00:30:00, 2024-01-01 01:") and (cr == cs).all()
