"""Generated ids and personal values keep the real column's format through fit -> save -> load -> sample:
case, separators, length, grouping, phone layout, IBAN country, card scheme, expiry year digits, random vs
sequential digit ids; and an undeclared street column with a repeated value is generated, never released."""

import json
import re
import uuid
import warnings

import numpy as np
import pandas as pd
import pytest

from bayes_synth import load_model
from bayes_synth.cli import main
from bayes_synth.errors import ModelFormatError
from bayes_synth.semantic import ids
from bayes_synth.semantic.layouts import check_options, learn_layout

N = 1000
PLANTED = "999 Qwzxweg Plaza"


def _real_table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cards = ids.generate_credit_card(N, rng, scheme="visa")
    streets = [f"{rng.integers(1, 9999)} {w} {s}" for w, s in zip(
        rng.choice(["Oak", "Maple", "Pine", "Cedar", "Elm", "Main", "Park", "Lake", "Hill", "River"], N),
        rng.choice(["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard"], N), strict=True)]
    return pd.DataFrame({
        "uid": [str(uuid.UUID(int=int(rng.integers(0, 2**62)) << 64 | int(rng.integers(0, 2**62)), version=4)).upper()
                for _ in range(N)],
        "mac": ["-".join(f"{b:02X}" for b in rng.integers(0, 256, 6)) for _ in range(N)],
        "sha": ids.generate_hash_id(N, rng, length=40, upper=True),
        "phone": [f"+1-{a}-{b}-{c:04d}" for a, b, c in zip(rng.integers(201, 990, N), rng.integers(201, 990, N),
                                                          rng.integers(0, 10_000, N), strict=True)],
        "iban": ids.generate_iban(N, rng, country="DE"),
        "card": [" ".join(c[i:i + 4] for i in range(0, 16, 4)) for c in cards],
        "expiry": [f"{m:02d}/20{y}" for m, y in zip(rng.integers(1, 13, N), rng.integers(26, 32, N), strict=True)],
        "cardnum": ids.generate_credit_card(N, rng, scheme="visa"),
        "account_number": [f"{x:08d}" for x in rng.integers(0, 10**8, N)],
        "account_no": [str(x) for x in rng.integers(10**7, 10**8, N)],
        "street": [PLANTED if i % 7 == 0 else s for i, s in enumerate(streets)],
    })


def _fit(root, *options: str, columns=None):
    data, path = root / "X.csv", root / "m.json"
    table = _real_table()
    (table if columns is None else table[columns]).to_csv(data, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["fit", str(data), "-o", str(path), "--epsilon", "5", "--seed", "3", *options]) == 0
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """``bayes-synth fit X.csv -o m.json --epsilon 5`` (with a delta, so that a column taken for a category
    would not stop the fit), then the model file loaded back."""
    return _fit(tmp_path_factory.mktemp("keep"), "--delta", "1e-6")


def test_the_issue_commands_need_no_delta(tmp_path):
    """Every column is typed and generated: no category has to be discovered under DP, so delta = 0 works."""
    path = _fit(tmp_path)
    assert main(["sample", str(path), "-n", "500", "-o", str(tmp_path / "s.csv")]) == 0


@pytest.fixture(scope="module")
def fake(model):
    return load_model(model).sample(500, random_state=1)


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """One column's own round trip (fit -> save -> load -> sample), so each case stands on its own."""
    cache = {}

    def sample(name: str) -> pd.Series:
        if name not in cache:
            root = tmp_path_factory.mktemp(name)
            path = _fit(root, "--delta", "1e-6", columns=[name])
            cache[name] = load_model(path).sample(500, random_state=1)
        return column(cache[name], name)

    return sample


def column(fake, name):
    values = fake[name].dropna()
    assert len(values) > 300, name
    return values


def test_upper_case_uuids_are_recognised_and_stay_upper_case(model, alone):
    assert json.loads(model.read_text())["semantics"]["columns"]["uid"]["type"] == "uuid"
    values = alone("uid")
    assert ids.valid_uuid(values.to_numpy(dtype=object), upper=True).all()


def test_mac_addresses_keep_separator_and_case(alone):
    assert alone("mac").str.fullmatch(r"[0-9A-F]{2}(?:-[0-9A-F]{2}){5}").all()


def test_hashes_keep_length_and_case(alone):
    assert alone("sha").str.fullmatch(r"[0-9A-F]{40}").all()


def test_phones_keep_the_learned_layout(alone):
    values = alone("phone")
    assert values.str.fullmatch(r"\+1-\d{3}-\d{3}-\d{4}").all()
    assert ids.valid_phone(values.to_numpy(dtype=object), "US").all()


def test_ibans_keep_their_country(alone):
    values = alone("iban").to_numpy(dtype=object)
    assert ids.valid_iban(values, "DE").all()


def test_spaced_card_numbers_are_cards_in_the_same_grouping(model, alone):
    assert json.loads(model.read_text())["semantics"]["columns"]["card"]["type"] == "credit_card"
    values = alone("card")
    assert values.str.fullmatch(r"\d{4} \d{4} \d{4} \d{4}").all()
    assert ids.valid_credit_card(values.to_numpy(dtype=object), scheme="visa", grouped=True).all()


def test_four_digit_expiry_years_are_recognised_and_kept(model, alone):
    assert json.loads(model.read_text())["semantics"]["columns"]["expiry"]["type"] == "card_expiry"
    assert alone("expiry").str.fullmatch(r"(?:0[1-9]|1[0-2])/20\d\d").all()


def test_card_scheme_mix_follows_the_data(alone):
    values = alone("cardnum").to_numpy(dtype=object)
    assert ids.valid_credit_card(values, scheme="visa").all() and {len(v) for v in values} == {16}


def test_random_digit_ids_stay_random_in_their_length_and_padding(alone):
    padded = alone("account_number")
    assert padded.str.fullmatch(r"\d{8}").all() and padded.str.startswith("0").any()
    numbers = padded.astype(int)
    assert numbers.max() - numbers.min() > 100 * len(numbers)  # not counted 1, 2, 3
    plain = alone("account_no")
    assert plain.str.fullmatch(r"[1-9]\d{7}").all()


def test_learned_formats_are_in_the_model_file_and_the_ledger(model):
    data = json.loads(model.read_text())
    columns = data["semantics"]["columns"]
    assert columns["mac"]["options"] == {"sep": "-", "upper": True, "learned": ["sep", "upper"]}
    assert columns["phone"]["options"]["layout"] == "+1-###-###-####"
    assert columns["iban"]["options"]["country"] == "DE"
    assert columns["card"]["options"]["groups"] == [4, 4, 4, 4] and columns["card"]["options"]["scheme"] == "visa"
    assert columns["account_no"]["options"] == {"pattern": "00000000", "nonzero_first": True}
    entries = data["privacy"]["entries"]
    public = [e for e in entries if e["query_kind"] == "metadata" and "semantic types" in (e.get("note") or "")]
    assert len(public) == 1 and {"mac", "phone", "iban", "card", "expiry", "street"} <= set(public[0]["columns"])


def test_a_repeated_street_value_is_never_released(model, fake, tmp_path):
    """An undeclared street column whose values repeat (a planted one in every 7th row) is still a street
    address: generated, so the real value reaches neither the model file nor the output (as a category, a
    value that frequent would be released under DP)."""
    assert json.loads(model.read_text())["semantics"]["columns"]["street"]["type"] == "street_address"
    assert not (fake["street"] == PLANTED).any()
    frame = _real_table()[["street"]].assign(grp=np.random.default_rng(0).choice(["a", "b", "c"], N))
    data, path, out = tmp_path / "X.csv", tmp_path / "m.json", tmp_path / "s.csv"
    frame.to_csv(data, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["fit", str(data), "-o", str(path), "--epsilon", "5", "--delta", "1e-6", "--seed", "3"]) == 0
    assert main(["sample", str(path), "-n", "2000", "-o", str(out), "--seed", "4"]) == 0
    for text in (path.read_text(), out.read_text(), load_model(path).sample(2000, random_state=2).to_csv()):
        assert "Qwzx" not in text


def test_declared_columns_learn_the_format_too_and_are_ledgered(tmp_path):
    frame = _real_table()[["mac", "iban"]]
    rules = "column mac: text as mac\ncolumn iban: text as iban\n"
    from bayes_synth import Synthesizer

    synth = Synthesizer(constraints=rules, epsilon=5, random_state=0).fit(frame)
    path = tmp_path / "m.json"
    synth.save(path)
    fake = load_model(path).sample(300, random_state=0)
    assert fake["mac"].dropna().str.fullmatch(r"[0-9A-F]{2}(?:-[0-9A-F]{2}){5}").all()
    assert fake["iban"].dropna().str.startswith("DE").all()
    notes = synth.ledger_.to_frame()
    row = notes[notes["note"].str.contains("semantic types", na=False)]
    assert len(row) == 1 and {"mac", "iban"} <= set(row["columns"].iloc[0])


def test_a_declared_format_learns_nothing(tmp_path):
    frame = _real_table()[["mac"]]
    from bayes_synth import Synthesizer

    synth = Synthesizer(constraints='column mac: text as mac, format "any"\n', epsilon=5, random_state=0).fit(frame)
    assert "learned" not in synth.semantics_.columns["mac"].options
    assert not synth.semantics_.detected


def test_tampered_learned_options_are_refused_when_the_model_is_read(model, tmp_path):
    data = json.loads(model.read_text())
    data["semantics"]["columns"]["mac"]["options"]["sep"] = "; rm -rf"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ModelFormatError, match="sep"):
        load_model(bad)


# ------------------------------------------------------------------------------------------------ the learners
def test_learners_take_the_most_common_choice_among_valid_values():
    phones = np.array(["(415) 555-2671"] * 3 + ["+1-212-555-0199"] * 2 + ["not a phone"] * 9, dtype=object)
    assert learn_layout("phone", phones) == {"country": "US", "layout": "(###) ###-####"}
    gb = np.array(["07911 123456", "07700 900123", "+44 7911 123456"], dtype=object)
    assert learn_layout("phone", gb) == {"country": "GB", "layout": "##### ######"}
    cards = np.array(["4111 1111 1111 1111", "4012 8888 8888 1881", "378282246310005"], dtype=object)
    assert learn_layout("credit_card", cards) == {"scheme": "visa", "sep": " ", "groups": [4, 4, 4, 4]}
    assert learn_layout("uuid", np.array([str(uuid.uuid4())], dtype=object)) == {"upper": False}
    assert learn_layout("iban", np.array(["GB82 WEST 1234 5698 7654 32"], dtype=object)) == {"country": "GB",
                                                                                          "spaced": True}
    assert learn_layout("card_expiry", np.array(["01/27", "02/2028", "03/29"], dtype=object)) == {"year_digits": 2}
    assert learn_layout("email", np.array(["a@b.org"], dtype=object)) == {}
    assert learn_layout("mac", np.array(["junk"], dtype=object)) == {}


@pytest.mark.parametrize(("country", "layout"), [("US", "+1-###-###-####"), ("US", "###-###-####"),
                                                 ("GB", "##### ######"), ("GB", "+44 #### ######"),
                                                 ("DE", "+49 ### ########"), ("FR", "## ## ## ## ##"),
                                                 ("AU", "(##) #### ####"), ("NL", "+31 # ########")])
def test_phones_in_a_layout_are_valid_numbers_in_that_layout(country, layout):
    values = ids.generate_phone(2000, np.random.default_rng(0), country, layout=layout)
    assert ids.valid_phone(values, country).all()
    shape = re.escape(layout).replace("\\#", "#").replace("#", r"\d")
    assert pd.Series(values).str.fullmatch(shape).mean() > 0.99


def test_a_layout_of_another_country_falls_back_to_the_usual_format():
    values = ids.generate_phone(200, np.random.default_rng(0), "US", layout="+44 #### ######")
    assert ids.valid_phone(values, "US").all()


def test_grouped_cards_and_long_expiries_are_valid_only_when_asked_for():
    spaced = ids.generate_credit_card(500, np.random.default_rng(0), sep="-")
    assert ids.valid_credit_card(spaced, grouped=True).all() and not ids.valid_credit_card(spaced).any()
    amex = ids.generate_credit_card(5, np.random.default_rng(0), scheme="amex", sep=" ")
    assert all(re.fullmatch(r"\d{4} \d{6} \d{5}", v) for v in amex)
    long = ids.generate_card_expiry(500, np.random.default_rng(0), year_digits=4)
    assert ids.valid_card_expiry(long, 4).all() and not ids.valid_card_expiry(long).any()
    assert ids.valid_card_expiry(long, None).all()
    upper = ids.generate_uuid(100, np.random.default_rng(0), upper=True)
    assert ids.valid_uuid(upper, upper=True).all() and not ids.valid_uuid(upper).any()
    with pytest.raises(ValueError, match="separator"):
        ids.generate_credit_card(1, np.random.default_rng(0), sep="/")


def test_option_checks():
    check_options("phone", {"country": "US", "layout": "(###) ###-####", "learned": ["layout"]})
    check_options("postcode", {"length": "anything"})  # types that learn nothing keep their own options
    for bad in ({"layout": "x" * 50}, {"groups": [4, 0]}, {"upper": "yes"}, {"year_digits": 3}):
        with pytest.raises(ValueError):
            check_options("credit_card" if "groups" in bad else "phone", bad)
