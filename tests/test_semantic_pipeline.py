"""Semantic types through fit and sample: personal values generated never copied, entities that agree,
ids unique in their format, display formats kept, and the rules still holding on the written file."""

import json
import logging
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer, load_model
from bayes_synth.cli import main
from bayes_synth.ingest import read_table
from bayes_synth.semantic import people, places
from bayes_synth.semantic.detect import detect_column
from bayes_synth.semantic.plan import PRESENT

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "examples" / "data" / "customers.csv"
RULES = ROOT / "examples" / "customers.bsc"
PERSONAL = ["customer_id", "first_name", "last_name", "email", "phone", "street", "city", "zip", "card_number"]


def fit(data, rules=RULES, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Synthesizer(constraints=rules, random_state=0, **kw).fit(data)


@pytest.fixture(scope="module")
def customers():
    return read_table(CUSTOMERS)


@pytest.fixture(scope="module")
def fitted(customers):
    return fit(customers)


@pytest.fixture(scope="module")
def fake(fitted):
    return fitted.sample(3000, random_state=1)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def test_personal_columns_are_learned_only_as_presence(fitted):
    model = fitted.model_
    for name in PERSONAL:
        assert list(model.codecs[name].categories) == [PRESENT], name
    kinds = {c: t["type"] for c, t in model.semantics["columns"].items()}
    assert kinds["email"] == "email" and kinds["customer_id"] == "pattern_id" and kinds["zip"] == "postcode"
    assert model.semantics["columns"]["customer_id"]["options"]["pattern"] == "CUS-000000"


def test_sentinels_never_reach_the_output_the_model_or_any_message(customers, tmp_path, caplog, capsys):
    """Plant unmistakable values in every personal column; none may come out anywhere."""
    planted = customers.copy()
    sentinels = {"first_name": "Zqxwvb", "last_name": "Qqqzzzx", "email": "zqxwvb.qqqzzzx@qwzx-mail.org",
                 "phone": "(555) 867-5309", "street": "999 Qwzxweg Plaza", "card_number": "4000056655665556",
                 "customer_id": "CUS-999999", "city": "Qwzxville", "zip": "99999"}
    rows = np.arange(0, len(planted), 7)
    for column, value in sentinels.items():
        planted.loc[rows, column] = value
    data = tmp_path / "planted.csv"
    planted.to_csv(data, index=False)
    model_path, out_path = tmp_path / "model.json", tmp_path / "out.csv"
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["fit", str(data), "--rules", str(RULES), "-o", str(model_path), "--seed", "3"]) == 0
        assert main(["sample", str(model_path), "-n", "4000", "-o", str(out_path), "--seed", "4"]) == 0
        synth = load_model(model_path)
        frame = synth.sample(2000, random_state=5)
    messages = "\n".join([caplog.text, *(str(w.message) for w in caught), *capsys.readouterr()])
    model_text = model_path.read_text()
    written = pd.read_csv(out_path, dtype=str, keep_default_na=False)
    for frame_out in (written, frame):
        cells = set(frame_out.astype(str).to_numpy().ravel())
        assert not cells & set(sentinels.values())
    for value in sentinels.values():  # digit-only values could occur inside other numbers: match them whole
        assert f'"{value}"' not in model_text and value not in messages, value
    everything = (model_text + messages + out_path.read_text() + frame.to_csv()).lower()
    for word in ("zqxwvb", "qqqzzzx", "qwzx"):
        assert word not in everything, word


def test_first_names_agree_with_the_modelled_sex(fake):
    female = set(people.vocabulary("first_names_female")) - set(people.vocabulary("first_names_male"))
    male = set(people.vocabulary("first_names_male")) - set(people.vocabulary("first_names_female"))
    women = fake["sex"] == "Female"
    assert women.any() and (~women).any()
    assert not fake.loc[women, "first_name"].isin(male).any()
    assert not fake.loc[~women, "first_name"].isin(female).any()


def test_emails_are_built_from_the_generated_names_and_unique(fake):
    both = fake.dropna(subset=["email"])
    assert len(both) > 1000
    local = both["email"].str.split("@").str[0]
    last = both["last_name"].map(fold).str.replace(r"[^a-z]", "", regex=True)
    assert np.mean([b in a for a, b in zip(local, last, strict=True)]) == 1.0
    assert both["email"].is_unique
    assert people.valid_email(both["email"].to_numpy(dtype=object)).all()


def test_address_values_come_from_one_real_place_in_the_modelled_state(fake):
    ref = places.load_places("US")
    known = set(zip(ref["city"], ref["state"], ref["postcode"], strict=True))
    rows = fake.dropna(subset=["city", "zip"])
    assert len(rows) > 1000
    assert all((c, s, z) in known for c, s, z in zip(rows["city"], rows["state"], rows["zip"], strict=True))


def test_ids_are_unique_and_in_the_learned_format(fake):
    assert fake["customer_id"].is_unique
    assert fake["customer_id"].str.fullmatch(r"CUS-\d{6}").all()
    cards = fake["card_number"].dropna().to_numpy(dtype=object)
    from bayes_synth.semantic import ids

    assert ids.valid_credit_card(cards).all()


def test_display_formats_are_rendered_back(fake, customers):
    assert fake["balance"].str.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d{2}").all()
    assert fake["opened"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    opened = pd.to_datetime(fake["opened"], format="%m/%d/%Y")
    assert opened.min() >= pd.Timestamp("2010-01-01") and opened.max() <= pd.Timestamp("2024-12-31")
    assert fake["phone"].dropna().str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all()


def test_every_rule_holds_on_the_written_file(fitted, tmp_path, capsys):
    out = tmp_path / "synthetic.csv"
    fitted.sample(2000, random_state=7).to_csv(out, index=False)
    assert main(["check", str(RULES), str(out), "--json"]) == 0, capsys.readouterr().out
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["rows"] == 2000


def test_saved_model_keeps_types_and_generates_the_same_way(fitted, tmp_path):
    path = tmp_path / "m.json"
    fitted.save(path)
    again = load_model(path)
    a, b = fitted.sample(500, random_state=3), again.sample(500, random_state=3)
    pd.testing.assert_frame_equal(a, b)


def test_types_are_detected_without_a_rules_file(customers):
    found = {c: detect_column(customers[c], c) for c in customers.columns}
    types = {c: d.type for c, d in found.items() if d is not None}
    assert types["email"] == "email" and types["card_number"] == "credit_card"
    assert types["first_name"] == "first_name" and types["last_name"] == "last_name"
    assert types["zip"] == "postcode" and types["phone"] == "phone" and types["customer_id"] == "pattern_id"
    assert types["balance"] == "money" and types["opened"] == "date"
    assert "age" not in types and "occupation" not in types


def test_detected_types_are_ledgered_as_assumed_public(customers):
    synth = fit(customers, rules=None, epsilon=float("inf"))
    notes = synth.ledger_.to_frame()
    row = notes[notes["note"].str.contains("semantic types", na=False)]
    assert len(row) == 1 and "email" in row["columns"].iloc[0]
    fake = synth.sample(500, random_state=0)
    assert fake["email"].dropna().str.contains("@").all()
    # plausible addresses built from common names can coincide with real ones by chance; copying would
    # make most of them coincide (the sentinel test above proves no value is copied)
    overlap = fake["email"].dropna().isin(set(customers["email"])).mean()
    assert overlap < 0.1, overlap


def test_high_cardinality_identifiers_are_not_modelled_as_categories():
    rng = np.random.default_rng(0)
    n = 5000
    frame = pd.DataFrame({"order_ref": [f"ORD-{i:07d}" for i in rng.choice(10**7, n, replace=False)],
                          "amount": rng.gamma(2, 50, n).round(2).astype(str)})
    synth = fit(frame, rules=None, epsilon=float("inf"))
    assert synth.model_.codecs["order_ref"].size <= 2  # "present" (and missing), not 5,000 categories
    fake = synth.sample(2000, random_state=0)
    assert fake["order_ref"].str.fullmatch(r"ORD-\d{7}").all()
    assert not set(fake["order_ref"]) & set(frame["order_ref"])


def test_rules_on_generated_values_are_refused_but_null_tests_work(customers):
    from bayes_synth.errors import DSLSemanticError

    text = RULES.read_text()
    with pytest.raises(DSLSemanticError, match=r"E0301.*'email' is generated"):
        fit(customers, rules=text + '\nrule email != "x"\n')
    synth = fit(customers, rules=text + "\nrule if income == \">50K\" then email is not null\n")
    fake = synth.sample(1000, random_state=0)
    assert fake.loc[fake["income"] == ">50K", "email"].notna().all()


def test_unknown_semantic_type_is_a_located_error(customers, tmp_path):
    from bayes_synth.errors import DSLSemanticError

    rules = tmp_path / "r.bsc"
    rules.write_text("column email: text as emial\n")
    with pytest.raises(DSLSemanticError) as err:
        fit(customers, rules=rules)
    assert "E0213" in str(err.value) and "did you mean 'email'?" in str(err.value) and "r.bsc:1:23" in str(err.value)


def test_sequential_ids_keep_their_zero_padding():
    frame = pd.DataFrame({"account_id": [f"{i:08d}" for i in range(1, 3001)], "kind": ["a", "b", "c"] * 1000})
    synth = fit(frame, rules=None, epsilon=float("inf"))
    fake = synth.sample(100, random_state=0)
    assert fake["account_id"].str.fullmatch(r"\d{8}").all() and fake["account_id"].is_unique


def test_entity_names_its_columns_and_phone_follows_the_modelled_country():
    rng = np.random.default_rng(1)
    n = 2000
    country = rng.choice(["US", "GB", "DE"], n)
    frame = pd.DataFrame({"country": country, "phone": ["x"] * n, "name": ["y"] * n})
    rules = ('column country: categorical as country_code in ["US", "GB", "DE"], not null\n'
             "column phone: text as phone\ncolumn name: text as full_name\nentity contact(name, phone, country)\n")
    synth = fit(frame, rules=rules, epsilon=float("inf"))
    fake = synth.sample(1500, random_state=0)
    from bayes_synth.semantic import ids

    for code in ("US", "GB", "DE"):
        rows = fake[fake["country"] == code]
        assert len(rows) > 100
        assert ids.valid_phone(rows["phone"].to_numpy(dtype=object), code).all(), code
    assert not fake["name"].isin(["y"]).any() and fake["name"].str.contains(" ").all()


def test_types_doc_is_current():
    from bayes_synth.semantic.doc import render

    assert (ROOT / "docs" / "types.md").read_text(encoding="utf-8") == render(), \
        "regenerate: python -m bayes_synth.semantic.doc > docs/types.md"


def test_catalogue_has_fifty_types_each_complete():
    from bayes_synth.semantic.catalogue import TYPES

    assert len(TYPES) >= 50
    for t in TYPES.values():
        assert t.description and t.kind
        if t.generated:
            assert t.generate is not None, t.name
        if t.personal:
            assert t.generated, f"{t.name} is personal, so it must be generated, never learned"


@pytest.mark.parametrize("name", [n for n, t in __import__("bayes_synth.semantic.catalogue", fromlist=["TYPES"])
                                  .TYPES.items() if t.generated and t.validate is not None])
def test_each_generated_type_makes_values_its_own_validator_accepts(name):
    from bayes_synth.semantic.catalogue import TYPES, Context

    ctx = Context(options={"pattern": "AAA-000000"} if name == "pattern_id" else {})
    values = TYPES[name].generate(3000, np.random.default_rng(0), ctx)
    assert len(values) == 3000
    assert TYPES[name].validate(np.asarray(values, dtype=object)).all(), name


def test_the_same_entity_keeps_the_same_id_across_related_tables():
    """Accounts and their transactions: entity k gets one ID in both tables; IDs never collide."""
    from bayes_synth.semantic import ids
    from bayes_synth.semantic.keys import entity_ids

    accounts = entity_ids(np.arange(5000), "ACC-000000", key=42)
    owner = np.random.default_rng(0).integers(0, 5000, 40_000)  # each event's account number
    events = entity_ids(owner, "ACC-000000", key=42)
    assert len(set(accounts)) == 5000 and ids.valid_pattern_id(accounts, "ACC-000000").all()
    assert (events == accounts[owner]).all()
    assert not (entity_ids(np.arange(5000), "ACC-000000", key=43) == accounts).all()
    wide = entity_ids(np.arange(1000), "XXXXXXXXXXXX", key=1)  # capacity 36**12: beyond int64 products
    assert len(set(wide)) == 1000
