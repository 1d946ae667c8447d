"""Attack-based risks after Anonymeter: the arithmetic by hand, and planted cases on Adult.

Planted cases: synthetic = a copy of the training rows must show risk on all three attacks; synthetic
= other real rows from the same population (never trained on) is the ideal, whose risk intervals
must reach 0 (the 95% Wilson intervals of the method: the attack does no better on training records
than on control records).
"""

import numpy as np
import pandas as pd
import pytest

from bayes_synth.metrics.attacks import (
    _risk,
    _wilson,
    attack_risks,
    inference_risk,
    linkability_risk,
    singling_out_risk,
)

COLUMNS = ["age", "workclass", "education", "marital-status", "occupation", "relationship", "race", "sex",
           "hours-per-week", "native-country", "income"]


@pytest.fixture(scope="module")
def adult():
    df = pd.read_csv("examples/data/adult.csv", usecols=COLUMNS).sample(frac=1, random_state=0)
    return df.iloc[:4000].reset_index(drop=True), df.iloc[4000:8000].reset_index(drop=True), \
        df.iloc[8000:12000].reset_index(drop=True)


def test_wilson_interval_matches_the_formula():
    # p = 0.5, n = 100: centre 0.5, half-width 1.96 * sqrt(0.25/100 + 1.96^2/40000) / (1 + 1.96^2/100)
    lo, hi = _wilson(50, 100)
    half = 1.959964 * np.sqrt(0.0025 + 1.959964**2 / 40000) / (1 + 1.959964**2 / 100)
    assert lo == pytest.approx(0.5 - half) and hi == pytest.approx(0.5 + half)
    assert _wilson(0, 10)[0] == 0.0 and _wilson(10, 10)[1] == pytest.approx(1.0)


def test_risk_is_the_excess_over_control_rescaled():
    out = _risk(80, 20, 5, 100, 100)
    assert out["risk"] == pytest.approx((0.8 - 0.2) / (1 - 0.2))
    assert out["risk_ci"][0] < out["risk"] < out["risk_ci"][1]
    assert not out["weak_attack"]
    assert _risk(10, 30, 0, 100, 100)["risk"] == 0.0  # worse on training than control: no risk
    assert _risk(5, 5, 5, 100, 100)["weak_attack"]


def test_a_copy_of_the_training_rows_is_flagged(adult):
    train, control, _ = adult
    copy = train.copy()
    inference = inference_risk(train, copy, control, secret="income")
    # ties on the known columns (rows equal but for the secret) keep a few guesses wrong
    assert inference["rate_train"] > 0.95 and inference["risk_ci"][0] > 0.5
    link = linkability_risk(train, copy, control)
    assert link["risk_ci"][0] > 0.1
    single = singling_out_risk(train, copy, control, n_cols=3)
    assert single["n_attacks"] > 0 and single["risk_ci"][0] > 0.3


def test_rows_the_model_never_saw_are_the_ideal(adult):
    train, control, fresh = adult
    for name, result in attack_risks(train, fresh, control, secret="income").items():
        assert result["risk_ci"][0] == 0.0, (name, result)


def test_numeric_secret_uses_a_relative_tolerance():
    train = pd.DataFrame({"k": [f"id{i}" for i in range(30)], "v": np.arange(30, dtype=float) + 100})
    control = pd.DataFrame({"k": [f"id{i}" for i in range(30)], "v": np.arange(30, dtype=float) + 500})
    near = train.assign(v=train["v"] * 1.04)  # within 5% of the truth
    far = train.assign(v=train["v"] * 1.2)
    assert inference_risk(train, near, control, secret="v", n_attacks=30)["rate_train"] > 0
    assert inference_risk(train, far, control, secret="v", n_attacks=30)["rate_train"] == 0


def test_bad_input_is_refused_with_the_reason():
    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(ValueError, match="secret column 'z'"):
        inference_risk(frame, frame, frame, secret="z")
    with pytest.raises(ValueError, match="besides the secret"):
        inference_risk(frame, frame, frame, secret="a")
    with pytest.raises(ValueError, match="control frame has no rows"):
        linkability_risk(frame, frame, frame.iloc[:0])
