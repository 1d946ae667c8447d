"""The benchmark's utility metrics on tiny hand-computed frames (no peer library needed)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import metrics  # noqa: E402


def test_identical_frames_have_zero_tvd():
    df = pd.DataFrame({"a": ["x", "y", "y", "?"], "n": [1, 2, 3, 4]})
    out = metrics.marginal_tvd(df, df.copy(), numeric=["n"], n_bins=2)
    assert out["tvd_1way"] == 0.0
    assert out["tvd_2way"] == 0.0


def test_disjoint_frames_have_tvd_one():
    real = pd.DataFrame({"a": ["x", "x"], "b": ["p", "q"]})
    synth = pd.DataFrame({"a": ["y", "z"], "b": ["r", "r"]})
    out = metrics.marginal_tvd(real, synth)
    assert out["tvd_1way"] == pytest.approx(1.0)
    assert out["tvd_2way"] == pytest.approx(1.0)


def test_hand_computed_one_and_two_way():
    # real: (x,p) (x,q) (y,p) (y,p)      synth: (x,p) (x,p) (x,p) (y,q)
    real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "p"]})
    synth = pd.DataFrame({"a": ["x", "x", "x", "y"], "b": ["p", "p", "p", "q"]})
    out = metrics.marginal_tvd(real, synth)
    # a: real x .5 y .5, synth x .75 y .25 -> .5*(.25+.25) = .25
    # b: real p .75 q .25, synth p .75 q .25 -> 0
    assert out["per_column"] == {"a": pytest.approx(0.25), "b": pytest.approx(0.0)}
    assert out["tvd_1way"] == pytest.approx(0.125)
    # (a,b): real xp .25 xq .25 yp .5 yq 0 ; synth xp .75 xq 0 yp 0 yq .25
    # .5 * (.5 + .25 + .5 + .25) = .75
    assert out["tvd_2way"] == pytest.approx(0.75)


def test_missing_is_its_own_bin_and_markers_agree():
    real = pd.DataFrame({"a": ["x", "?"]})
    synth = pd.DataFrame({"a": ["x", None]})
    assert metrics.marginal_tvd(real, synth)["tvd_1way"] == 0.0
    synth2 = pd.DataFrame({"a": ["x", "x"]})
    assert metrics.marginal_tvd(real, synth2)["tvd_1way"] == pytest.approx(0.5)


def test_numeric_quantile_bins_and_out_of_range_values():
    real = pd.DataFrame({"n": [0, 1, 2, 3]})  # 2 quantile bins: edges 0, 1.5, 3
    edges = metrics.quantile_edges(metrics.to_numeric(real["n"]), 2)
    np.testing.assert_allclose(edges, [0.0, 1.5, 3.0])
    np.testing.assert_array_equal(
        metrics.bin_numeric(np.array([-5.0, 0.0, 1.4, 1.5, 3.0, 99.0, np.nan]), edges),
        [0, 0, 0, 1, 1, 1, -1],
    )
    # below/above the real range lands in the end bins -> same histogram as real
    synth = pd.DataFrame({"n": [-10, 1, 2.5, 50]})
    assert metrics.marginal_tvd(real, synth, numeric=["n"], n_bins=2)["tvd_1way"] == 0.0
    # all in the low bin: .5 * (.5 + .5) = .5 ; text "?" and NaN count as missing
    synth = pd.DataFrame({"n": [0, 0, "?", np.nan]})
    out = metrics.marginal_tvd(real, synth, numeric=["n"], n_bins=2)
    # real: b0 .5 b1 .5 ; synth: b0 .5 missing .5 -> .5 * (0 + .5 + .5) = .5
    assert out["tvd_1way"] == pytest.approx(0.5)


def test_duplicate_quantile_edges_are_removed():
    edges = metrics.quantile_edges(np.array([0.0, 0.0, 0.0, 0.0, 5.0]), 4)
    np.testing.assert_allclose(edges, [0.0, 5.0])
    np.testing.assert_array_equal(metrics.bin_numeric(np.array([0.0, 5.0, 7.0]), edges), [0, 0, 0])


def test_gbm_accuracy_learns_a_trivial_rule():
    rng = np.random.default_rng(0)
    n = 400
    a = rng.choice(["u", "v"], size=n)
    x = rng.normal(size=n)
    y = np.where(a == "u", ">50K", "<=50K")
    df = pd.DataFrame({"a": a, "x": x, "income": y})
    acc = metrics.gbm_accuracy(df.iloc[:300], df.iloc[300:], numeric=["x"])
    assert acc == 1.0
    # unseen category at test time is handled; single-class training degenerates to a constant
    test = pd.DataFrame({"a": ["w", "u"], "x": [0.0, 0.0], "income": ["<=50K", ">50K"]})
    assert 0.0 <= metrics.gbm_accuracy(df, test, numeric=["x"]) <= 1.0
    const = df.assign(income="<=50K")
    assert metrics.gbm_accuracy(const, test, numeric=["x"]) == 0.5
