"""The US place reference and sampling whole, real rows of it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth.semantic.places import (
    COLUMNS,
    STATE_NAMES,
    load_places,
    sample_places,
    valid_us_state,
    valid_us_zip,
)

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "bayes_synth" / "data" / "us_places.csv"


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    # read independently of load_places, postcodes as strings
    return pd.read_csv(CSV, dtype={"postcode": str}, keep_default_na=False)


def keys(df: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    return set(zip(df["postcode"], df["city"], df["state"], df["county"], strict=True))


def test_file_small_with_expected_columns(ref: pd.DataFrame) -> None:
    assert CSV.stat().st_size < 250 * 1024
    assert tuple(ref.columns) == COLUMNS
    assert 3000 <= len(ref) <= 4000
    counts = ref["state"].value_counts()
    assert set(counts.index) == set(STATE_NAMES) and len(STATE_NAMES) == 51
    assert counts.min() >= 10
    assert ref["postcode"].str.fullmatch(r"\d{5}").all() and ref["postcode"].is_unique
    assert (ref["state"].map(STATE_NAMES) == ref["state_name"]).all()
    assert ref["latitude"].between(18, 72).all() and ref["longitude"].between(-180, -65).all()
    assert (ref[["city", "county"]] != "").all().all()
    # leading-zero ZIPs (New England) survived as strings
    assert ref.loc[ref["state"] == "MA", "postcode"].str.startswith("0").all()


def test_load_places_returns_a_copy(ref: pd.DataFrame) -> None:
    a = load_places()
    a.loc[0, "city"] = "Changed"
    b = load_places("us")
    assert b.loc[0, "city"] == ref.loc[0, "city"]
    assert keys(b) == keys(ref)
    with pytest.raises(ValueError, match="US"):
        load_places("DE")


def test_sampled_rows_are_real_reference_rows(ref: pd.DataFrame) -> None:
    out = sample_places(5000, np.random.default_rng(0))
    assert tuple(out.columns) == COLUMNS and len(out) == 5000
    assert keys(out) <= keys(ref)
    assert out["state"].nunique() == 51  # uniform over rows reaches every state


@pytest.mark.parametrize("column", ["state", "state_name"])
def test_given_state_is_respected(ref: pd.DataFrame, column: str) -> None:
    rng = np.random.default_rng(1)
    states = rng.choice(sorted(STATE_NAMES), 3000)
    given = states if column == "state" else np.array([STATE_NAMES[s] for s in states], dtype=object)
    out = sample_places(len(states), rng, given={column: given})
    assert (out["state"].to_numpy() == states).all()
    assert keys(out) <= keys(ref)
    # within a state, rows are drawn among all of its reference rows, not one
    ca = out.loc[out["state"] == "CA", "postcode"]
    assert ca.nunique() > 10


def test_given_city_and_state_together(ref: pd.DataFrame) -> None:
    rows = ref.sample(200, random_state=2)
    given = {"city": rows["city"].str.upper().to_numpy(), "state": rows["state"].str.lower().to_numpy()}
    out = sample_places(200, np.random.default_rng(3), given=given)
    assert (out["city"].to_numpy() == rows["city"].to_numpy()).all()
    assert (out["state"].to_numpy() == rows["state"].to_numpy()).all()
    postcode = sample_places(3, np.random.default_rng(3), given={"postcode": [rows["postcode"].iloc[0]] * 3})
    assert (postcode["postcode"] == rows["postcode"].iloc[0]).all()


def test_missing_given_value_is_unconstrained() -> None:
    out = sample_places(300, np.random.default_rng(4), given={"state": np.array(["WY", None, np.nan] * 100)})
    assert (out["state"].to_numpy()[::3] == "WY").all()
    assert out["state"].nunique() > 5


def test_unknown_state_raises_with_count_only() -> None:
    states = np.array(["CA", "Atlantis", "XX", "XX", "TX"], dtype=object)
    with pytest.raises(ValueError) as err:
        sample_places(len(states), np.random.default_rng(5), given={"state": states})
    msg = str(err.value)
    assert "'state'" in msg and "3 row(s)" in msg and "2 distinct" in msg
    assert "Atlantis" not in msg and "XX" not in msg
    out = sample_places(len(states), np.random.default_rng(5), given={"state": states}, unknown="any")
    assert out["state"].iloc[0] == "CA" and out["state"].iloc[4] == "TX"
    with pytest.raises(ValueError, match="given columns"):
        sample_places(2, np.random.default_rng(5), given={"street": ["a", "b"]})
    with pytest.raises(ValueError, match="length"):
        sample_places(2, np.random.default_rng(5), given={"state": ["CA"]})


def test_determinism_and_jitter() -> None:
    given = {"state": np.array(["NY", "FL", "AK"] * 50)}
    a = sample_places(150, np.random.default_rng(6), given=given)
    b = sample_places(150, np.random.default_rng(6), given=given)
    pd.testing.assert_frame_equal(a, b)
    c = sample_places(150, np.random.default_rng(7), given=given)
    assert not a.equals(c)
    j = sample_places(150, np.random.default_rng(6), given=given, jitter_km=5.0)
    assert (j["postcode"] == a["postcode"]).all()
    dlat_km = (j["latitude"] - a["latitude"]).abs() * 111.32
    dlon_km = (j["longitude"] - a["longitude"]).abs() * 111.32 * np.cos(np.radians(a["latitude"]))
    dist = np.hypot(dlat_km, dlon_km)
    assert dist.max() <= 5.01 and dist.mean() > 1.0


def test_validators() -> None:
    assert valid_us_state(["CA", "dc", " ny ", "PR", "XX", None, 5]).tolist() == [True] * 3 + [False] * 4
    assert valid_us_state(["PR", "GU"], territories=True).all()
    ok = ["02134", "99950", "12345-6789"]
    bad = ["2134", "123456", "12345-678", "00000", "ABCDE", 12345, None, ""]
    assert valid_us_zip(ok).all() and not valid_us_zip(bad).any()
    assert valid_us_zip(load_places()["postcode"]).all()


def test_build_script_reproduces_the_file() -> None:
    zipcodes = pytest.importorskip("zipcodes")
    if zipcodes.__version__ != "3.0.0":
        pytest.skip("the committed file was built with zipcodes 3.0.0")
    spec = importlib.util.spec_from_file_location("build_us_places", ROOT / "tools" / "build_us_places.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    text = build.render(build.sample(build.eligible_zips()))
    assert text == CSV.read_text(encoding="utf-8")
    assert re.match(r"postcode,city,state,state_name,county,latitude,longitude\n", text)
