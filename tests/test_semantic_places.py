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


# ----------------------------------------------------------------------------- places of any country, in entities
def _fill_address(columns: dict[str, np.ndarray], types: dict[str, str], locale: str = "en_US",
                  seed: int = 0, n: int = 500) -> pd.DataFrame:
    """Fill an ``address`` entity: ``columns`` are the modelled values, ``types`` every column's semantic type."""
    from bayes_synth.semantic.fill import fill
    from bayes_synth.semantic.plan import PRESENT, ColumnType, Semantics

    n = len(next(iter(columns.values()))) if columns else n
    frame = pd.DataFrame({c: columns.get(c, np.full(n, PRESENT, dtype=object)) for c in types})
    semantics = Semantics({c: ColumnType(c, t) for c, t in types.items()}, [("address", tuple(types))], locale)
    return fill(frame, semantics, np.random.default_rng(seed))


ADDRESS = {"street": "street_address", "city": "city", "zip": "postcode", "phone": "phone", "iban": "iban"}
NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France", "CA": "Canada"}


@pytest.mark.parametrize("as_name", [False, True], ids=["country_code", "country_name"])
def test_postcode_phone_city_street_follow_the_modelled_country(ref: pd.DataFrame, as_name: bool) -> None:
    from faker.providers.address.de_DE import Provider as DE

    from bayes_synth.semantic import ids

    codes = np.resize(np.array(list(NAMES), dtype=object), 2500)
    given = np.array([NAMES[c] for c in codes], dtype=object) if as_name else codes
    types = {"country": "country" if as_name else "country_code", **ADDRESS}
    out = _fill_address({"country": given}, types)
    for code in NAMES:
        rows = out[codes == code]
        assert ids.valid_postcode(rows["zip"].to_numpy(dtype=object), code).all(), code
        assert ids.valid_phone(rows["phone"].to_numpy(dtype=object), code).all(), code
    us = out[codes == "US"]
    assert set(zip(us["city"], us["zip"], strict=True)) <= set(zip(ref["city"], ref["postcode"], strict=True))
    assert out.loc[codes == "DE", "city"].isin(DE.cities).all()  # German cities, not American ones
    assert not out.loc[codes == "DE", "street"].str.match(r"\d").any()  # "Müllerstraße 12", not "12 Main St"
    assert out.loc[codes == "FR", "street"].str.contains(r"\b(?:rue|chemin|avenue|boulevard)\b").all()
    assert out.loc[codes == "DE", "iban"].str.startswith("DE").all()
    assert out.loc[codes == "FR", "iban"].str.startswith("FR").all()
    assert out.loc[codes == "GB", "iban"].str.startswith("GB").all()
    assert not out.loc[codes == "GB", "city"].isin(ref["city"]).mean() > 0.05


def test_regions_of_other_countries_agree_where_faker_has_a_table() -> None:
    from faker.providers.address.fr_FR import Provider as FR
    from faker.providers.address.it_IT import Provider as IT

    n = 600
    countries = np.array(["GB", "FR", "CA", "IT"] * (n // 4), dtype=object)
    region = np.array(["Kent", "Gironde", "Quebec", "Roma"] * (n // 4), dtype=object)
    out = _fill_address({"country": countries, "county": region},
                        {"country": "country_code", "county": "region", "zip": "postcode", "city": "city"})
    assert (out["county"] == region).all()  # the modelled region is kept
    assert dict(FR.departments)["33"] == "Gironde"
    assert out.loc[countries == "FR", "zip"].str.startswith("33").all()
    assert out.loc[countries == "CA", "zip"].str[0].isin(["G", "H", "J"]).all()  # Quebec's letters
    italy = out[countries == "IT"]
    rome = {(cap, town) for cap, towns in IT.cap_city_province.items() for town, prov in towns if prov == "RM"}
    assert set(zip(italy["zip"], italy["city"], strict=True)) <= rome


def test_region_without_a_country_column_names_the_country(ref: pd.DataFrame) -> None:
    from bayes_synth.semantic import ids

    counties = np.resize(np.array(["Kent", "Essex", "Cornwall", "Devon"], dtype=object), 400)
    out = _fill_address({"county": counties}, {"county": "region", "zip": "postcode", "city": "city"})
    assert ids.valid_postcode(out["zip"].to_numpy(dtype=object), "GB").all()
    assert out["city"].isin(ref["city"]).mean() < 0.05  # not American towns
    # US states in data whose names looked British: still real US places in the modelled state
    states = np.resize(np.array(["CA", "NY", "TX"], dtype=object), 300)
    us = _fill_address({"state": states}, {"state": "region", "zip": "postcode", "city": "city"}, locale="en_GB")
    assert set(zip(us["zip"], us["city"], us["state"], strict=True)) <= set(
        zip(ref["postcode"], ref["city"], ref["state"], strict=True))


def test_locale_of_the_data_without_a_country_column() -> None:
    from faker.providers.address.de_DE import Provider as DE

    from bayes_synth.semantic import ids

    out = _fill_address({}, dict(ADDRESS), locale="de_DE")
    assert out["city"].isin(DE.cities).all()
    assert out["iban"].str.startswith("DE").all() and ids.valid_iban(out["iban"].to_numpy(dtype=object)).all()
    assert ids.valid_postcode(out["zip"].to_numpy(dtype=object), "DE").all()
    assert ids.valid_phone(out["phone"].to_numpy(dtype=object), "DE").all()
    assert not out["street"].str.match(r"\d").any()
    us = _fill_address({}, dict(ADDRESS), locale="en_US")
    assert valid_us_zip(us["zip"]).all() and us["iban"].str.startswith("GB").all()  # the US has no IBAN: GB


def test_country_codes_locales_and_addresses() -> None:
    from bayes_synth.semantic.places import country_codes, country_locale, country_of_regions, sample_addresses

    values = ["United Kingdom", "uk", "GBR", "Deutschland", "germany", "de", "U.S.A.", " France ", "Espana",
              "Atlantis", None, np.nan, 7]
    assert country_codes(values).tolist() == ["GB", "GB", "GB", "DE", "DE", "DE", "US", "FR", "ES", "", "", "", ""]
    assert country_locale("GB") == "en_GB" and country_locale("CA", "fr_FR") == "fr_CA"
    assert country_locale("US", "en_GB") == "en_US" and country_locale("ZZ") is None
    assert country_of_regions(["Bayern", "Hessen", "Berlin"]) == "DE"
    assert country_of_regions(["nowhere", "else"]) is None
    a = sample_addresses(50, np.random.default_rng(3), np.array(["IT", "ES", "NZ", "XX", None] * 10, dtype=object))
    b = sample_addresses(50, np.random.default_rng(3), np.array(["IT", "ES", "NZ", "XX", None] * 10, dtype=object))
    pd.testing.assert_frame_equal(a, b)
    assert a["country"].tolist()[:5] == ["IT", "ES", "NZ", "US", "US"]
    assert a["postcode"].str.fullmatch(r"\d{4,5}").all() and (a["city"] != "").all() and (a["street"] != "").all()
    with pytest.raises(ValueError, match="length"):
        sample_addresses(3, 0, ["US"] * 2)


def test_country_names_through_fit_and_sample() -> None:
    import warnings

    from bayes_synth import Synthesizer
    from bayes_synth.semantic import ids

    rng = np.random.default_rng(2)
    names = rng.choice(["United Kingdom", "Germany", "France"], 1500)
    frame = pd.DataFrame({"country": names, "phone": "x", "zip": "x", "town": "x"})
    rules = ('column country: categorical as country in ["France", "Germany", "United Kingdom"], not null\n'
             "column phone: text as phone\ncolumn zip: text as postcode\ncolumn town: text as city\n"
             "entity address(town, zip, phone, country)\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fake = Synthesizer(constraints=rules, random_state=0, epsilon=float("inf")).fit(frame).sample(900,
                                                                                                     random_state=0)
    for name, code in (("United Kingdom", "GB"), ("Germany", "DE"), ("France", "FR")):
        rows = fake[fake["country"] == name]
        assert len(rows) > 100
        assert ids.valid_phone(rows["phone"].to_numpy(dtype=object), code).all(), code
        assert ids.valid_postcode(rows["zip"].to_numpy(dtype=object), code).all(), code


def test_country_learned_from_the_entitys_phones_places_its_addresses() -> None:
    from bayes_synth.semantic import ids
    from bayes_synth.semantic.fill import fill
    from bayes_synth.semantic.plan import PRESENT, ColumnType, Semantics

    types = {"phone": "phone", "zip": "postcode", "city": "city"}
    columns = {c: ColumnType(c, t) for c, t in types.items()}
    columns["phone"].options["country"] = "GB"  # learned from the real phone numbers
    frame = pd.DataFrame({c: [PRESENT] * 200 for c in types})
    out = fill(frame, Semantics(columns, [("address", tuple(types))], "en_US"), np.random.default_rng(0))
    assert ids.valid_phone(out["phone"].to_numpy(dtype=object), "GB").all()
    assert ids.valid_postcode(out["zip"].to_numpy(dtype=object), "GB").all()
