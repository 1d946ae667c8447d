"""bayes_synth.metrics.privacy: hand-computed distances, a brute-force oracle, planted cases on Adult.

Planted cases use 3 x 3,000 distinct Adult rows (seeded): train, holdout, and a "synthetic" third that is
an independent sample of the same distribution. With 3,000 rows nothing is subsampled (max_rows=5000).
Tolerances: under the ideal, share_closer_to_train is a mean of 3,000 fair coin flips, sd
0.5 / sqrt(3000) = 0.0091, so +-0.05 is 5.5 sd (the reference samples add some variance on top); the
ROC AUC of 3,000 members vs 3,000 non-members under no signal has sd sqrt((n1 + n2 + 1) / (12 n1 n2))
= 0.0075, so +-0.05 is 6.7 sd.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth.metrics import (
    density_disclosure,
    distance_to_closest_record,
    flag_risky_rows,
    membership_inference,
)
from bayes_synth.metrics import privacy as privacy_module

ADULT = Path(__file__).resolve().parents[1] / "examples" / "data" / "adult.csv"
N = 3000
SD_SHARE = 0.5 / np.sqrt(N)


@pytest.fixture(scope="module")
def adult_parts():
    data = pd.read_csv(ADULT, dtype=str, keep_default_na=False).drop_duplicates().reset_index(drop=True)
    order = np.random.default_rng(0).permutation(len(data))
    return tuple(data.iloc[order[i * N:(i + 1) * N]].reset_index(drop=True) for i in range(3))


def gower_oracle(train: pd.DataFrame, synth: pd.DataFrame, numeric: list[str]) -> np.ndarray:
    """All pairwise distances (synth x train), written out column by column with no shared code."""
    d = np.zeros((len(synth), len(train)))
    for col in train.columns:
        if col in numeric:
            t, s = train[col].to_numpy(float), synth[col].to_numpy(float)
            span = np.nanmax(t) - np.nanmin(t)
            diff = np.abs(s[:, None] - t[None, :]) / (span if span > 0 else 1.0)
            tm, sm = np.isnan(t)[None, :], np.isnan(s)[:, None]
            diff = np.where(tm & sm, 0.0, np.where(tm | sm, 1.0, np.minimum(diff, 1.0)))
        else:
            t, s = train[col].astype(object).to_numpy(), synth[col].astype(object).to_numpy()
            tm, sm = pd.isna(t)[None, :], pd.isna(s)[:, None]
            diff = np.where(tm & sm, 0.0, (s[:, None] != t[None, :]).astype(float))
        d += diff
    return d / train.shape[1]


# ----------------------------------------------------------------------------------------------- by hand


def test_hand_computed_distances():
    train = pd.DataFrame({"n": [0.0, 10.0], "a": ["x", "y"]})
    synth = pd.DataFrame({"n": [5.0, 40.0, np.nan], "a": ["x", "y", "y"]})
    out = distance_to_closest_record(train, synth, None, numeric=["n"])
    # row 0: to (0, x) = (0.5 + 0) / 2 = 0.25, to (10, y) = (0.5 + 1) / 2 = 0.75 -> 0.25
    # row 1: n 40 is 3 ranges past 10: capped at 1 -> to (10, y) = (1 + 0) / 2 = 0.5
    # row 2: missing vs a number counts 1 -> to (10, y) = (1 + 0) / 2 = 0.5
    # quantiles of [0.25, 0.5, 0.5]: p5 = 0.275, median 0.5, mean 0.41667
    assert out["synth_to_train"] == {"p5": 0.275, "median": 0.5, "mean": 0.416667}
    assert out["share_closer_to_train"] is None and out["holdout_to_train"] is None
    assert out["exact_match_rate"] == 0.0


def test_exact_matches_use_coerced_values():
    train = pd.DataFrame({"n": [str(i) for i in range(30)], "a": ["x"] * 30})
    synth = pd.DataFrame({"n": [3.0, 4.5, 29], "a": ["x", "x", "y"]})
    holdout = pd.DataFrame({"n": ["3", "100"], "a": ["x", "x"]})
    out = distance_to_closest_record(train, synth, holdout)
    assert out["exact_match_rate"] == pytest.approx(1 / 3, abs=1e-6)  # "3" == 3.0; 29 differs on a
    assert out["exact_match_rate_holdout"] == 0.5


def test_ties_count_half_in_the_share():
    frame = pd.DataFrame({"a": list("abcd"), "b": list("pqpq")})
    out = distance_to_closest_record(frame, frame.copy(), frame.copy())
    assert out["share_closer_to_train"] == 0.5 and out["share_closer_to_train_sd"] == 0.25


def test_density_counts_close_records_by_hand():
    train = pd.DataFrame({"a": ["x", "x", "y", "z"], "b": ["p", "p", "q", "r"]})
    synth = pd.DataFrame({"a": ["x", "y", "w", "z"], "b": ["p", "q", "p", "p"]})
    out = density_disclosure(train, synth, radius=0.0)
    # exact matches only: x/p twice, y/q once, w/p none, z/p none -> counts 2, 1, 0, 0
    assert out["mean_close_records"] == 0.75 and out["singling_out_share"] == 0.25
    assert out["share_with_close_record"] == 0.5 and not out["radius_is_default"]
    wider = density_disclosure(train, synth, radius=0.5)  # one column off of two is 0.5
    # x/p: x/p x2 (0) + y/q no (1) + z/r no -> 2 ; y/q: y/q -> 1 ; w/p: x/p x2 -> 2 ; z/p: x/p x2, z/r -> 3
    assert wider["mean_close_records"] == 2.0 and wider["singling_out_share"] == 0.25
    default = density_disclosure(train, synth)
    # train nearest-other distances: 0 (x/p), 0 (x/p), 1 (y/q), 1 (z/r) -> 5th percentile 0
    assert default["radius"] == 0.0 and default["radius_is_default"]


def test_membership_by_hand():
    train = pd.DataFrame({"a": list("abcd")})
    holdout = pd.DataFrame({"a": list("abwx")})  # a, b also appear among the members
    out = membership_inference(train, holdout, train.copy())
    # member scores all 0 (copied); non-members: a, b at 0, w, x at -1 -> AUC = (1 * 2 + 0.5 * 2) / 4
    assert out["auc"] == 0.75 and out["advantage"] == 0.5 and out["tpr_at_1pct_fpr"] == 0.0
    assert (out["n_members"], out["n_non_members"], out["n_synthetic"]) == (4, 4, 4)


# ----------------------------------------------------------------------------------------------- flag_risky_rows


def mixed_frames(seed: int, n_train: int, n_synth: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def frame(n):
        x = rng.integers(0, 1000, n).astype(float)
        x[rng.random(n) < 0.05] = np.nan
        return pd.DataFrame({"x": x, "y": rng.normal(size=n).round(2), "a": rng.choice(list("pqrst"), n),
                             "b": rng.choice(["u", "v", "w", None], n), "c": rng.choice(list("abcdef"), n),
                             "d": rng.choice(list("ghi"), n)})

    train, synth = frame(n_train), frame(n_synth)
    synth.iloc[:10] = train.iloc[:10].to_numpy()  # planted copies
    return train, synth


# 6 columns: min_distance * 6 <= 1 takes the blocked path (equal categories only), above it brute force
@pytest.mark.parametrize("min_distance", [0.02, 0.1, 0.15, 0.2, 0.22])
def test_flag_too_close_matches_a_brute_force_oracle(min_distance):
    train, synth = mixed_frames(0, 300, 200)
    oracle = gower_oracle(train, synth, ["x", "y"]).min(axis=1) < min_distance
    got = flag_risky_rows(train, synth, min_distance=min_distance)
    assert got.dtype == bool and got.shape == (200,)
    assert got[:10].all()  # the copies
    np.testing.assert_array_equal(got, oracle)
    assert 10 < oracle.sum() < 190


def test_blocked_path_batches_pairs(monkeypatch):
    train, synth = mixed_frames(1, 400, 300)
    expected = gower_oracle(train, synth, ["x", "y"]).min(axis=1) < 0.05
    monkeypatch.setattr(privacy_module, "CHUNK_PAIRS", 97)  # many small batches, rows cut across them
    np.testing.assert_array_equal(flag_risky_rows(train, synth, min_distance=0.05), expected)
    monkeypatch.setattr(privacy_module, "CHUNK_PAIRS", 1)  # brute force, one synthetic row per block
    np.testing.assert_array_equal(flag_risky_rows(train, synth, min_distance=0.2),
                                  gower_oracle(train, synth, ["x", "y"]).min(axis=1) < 0.2)


def test_flag_rare_combinations():
    train = pd.DataFrame({"a": ["x", "y", "y", "z", "z", "z"], "b": ["1", "2", "3", "4", "4", "4"]})
    synth = pd.DataFrame({"a": ["x", "y", "z", "w"], "b": ["9", "9", "9", "9"]})
    # counts of a in train: x 1, y 2, z 3; w never (not a real combination: not flagged)
    assert flag_risky_rows(train, synth, rare_combination_k=2, columns=["a"]).tolist() == [True, False, False, False]
    assert flag_risky_rows(train, synth, rare_combination_k=3, columns=["a"]).tolist() == [True, True, False, False]
    both = pd.DataFrame({"a": ["z", "y"], "b": ["4", "2"]})
    assert flag_risky_rows(train, both, rare_combination_k=3).tolist() == [False, True]  # all columns
    assert not flag_risky_rows(train, synth).any()  # no threshold: nothing flagged
    with pytest.raises(ValueError, match="columns"):
        flag_risky_rows(train, synth, rare_combination_k=2, columns=["nope"])


def test_disclosure_filter_example_holds():
    real = pd.DataFrame({"a": ["x", "y", "y"], "n": [1.0, 5.0, 9.0]})
    fake = pd.DataFrame({"a": ["x", "y"], "n": [1.0, 7.0]})
    assert flag_risky_rows(real, fake, rare_combination_k=2, columns=["a"]).tolist() == [True, False]


# ----------------------------------------------------------------------------------------------- planted on Adult


@pytest.fixture(scope="module")
def copied(adult_parts):
    train, holdout, _ = adult_parts
    synth = train.sample(frac=1, random_state=0).reset_index(drop=True)
    return (distance_to_closest_record(train, synth, holdout), membership_inference(train, holdout, synth),
            density_disclosure(train, synth))


@pytest.fixture(scope="module")
def fresh(adult_parts):
    train, holdout, synth = adult_parts
    return (distance_to_closest_record(train, synth, holdout), membership_inference(train, holdout, synth),
            density_disclosure(train, synth))


def test_a_copy_of_train_is_caught(copied):
    dcr, mia, density = copied
    assert dcr["n_rows"] == {"train": N, "holdout": N, "synthetic": N}
    assert dcr["exact_match_rate"] == 1.0 and dcr["exact_match_rate_holdout"] == 0.0  # rows are distinct
    assert dcr["share_closer_to_train"] == 1.0
    assert dcr["synth_to_train"]["median"] == 0.0 < dcr["holdout_to_train"]["median"]
    assert mia["auc"] > 0.9 and mia["advantage"] > 0.8 and mia["tpr_at_1pct_fpr"] > 0.8
    assert density["singling_out_share"] > 0.8 and density["share_with_close_record"] == 1.0


def test_a_fresh_sample_looks_like_the_holdout(fresh):
    dcr, mia, density = fresh
    assert abs(dcr["share_closer_to_train"] - 0.5) < 0.05  # 5.5 binomial sd (module docstring)
    assert dcr["share_closer_to_train_sd"] == pytest.approx(SD_SHARE, abs=1e-6)
    assert dcr["exact_match_rate"] == 0.0
    for q in ("p5", "median"):
        assert dcr["synth_to_train"][q] == pytest.approx(dcr["holdout_to_train"][q], rel=0.25)
    assert abs(mia["auc"] - 0.5) < 0.05 and mia["advantage"] < 0.1 and mia["tpr_at_1pct_fpr"] < 0.05
    assert density["singling_out_share"] < 0.15  # ~5% by the choice of the default radius


def test_same_seed_same_answer_and_subsampling_is_seeded(adult_parts):
    train, holdout, synth = adult_parts
    a = distance_to_closest_record(train, synth, holdout, seed=4, max_rows=500, max_reference=800)
    b = distance_to_closest_record(train, synth, holdout, seed=4, max_rows=500, max_reference=800)
    c = distance_to_closest_record(train, synth, holdout, seed=5, max_rows=500, max_reference=800)
    assert a == b and a != c
    assert a["n_rows"] == {"train": 800, "holdout": 800, "synthetic": 500}
    small = membership_inference(train, holdout.head(700), synth, max_rows=1000, max_reference=900)
    assert (small["n_members"], small["n_non_members"], small["n_synthetic"]) == (700, 700, 900)
