"""Constraints files through fit and sample: every sampled row obeys every rule, by construction.

The checks re-read the written output from disk and validate it with the independent checker
(`bayes-synth check`), as a user would.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bayes_synth import Synthesizer, load_model
from bayes_synth.cli import main
from bayes_synth.dsl import parse_constraints
from bayes_synth.dsl.evaluate import check_table
from bayes_synth.errors import BayesSynthWarning, DSLSemanticError, IngestError, SamplingError
from bayes_synth.ingest import read_table
from bayes_synth.io import write_table

BANK_RULES = """
column opened: date, min "2010-01-01", max "2020-12-31", not null
column closed: date, min "2010-01-01", max "2024-12-31"
column status: categorical in ["open", "closed"], not null
column product: categorical in ["current", "savings", "mortgage", "loan"], not null
column term_months: integer, min 1, max 480
column balance: float, min -500000, max 1000000, not null
column interest_rate: float, min 0, max 0.2, not null
derive annual_interest = round(balance * interest_rate, 2)
rule closed is null or closed >= opened
rule if status == "closed" then closed is not null
rule if status != "closed" then closed is null
rule if product == "mortgage" then term_months between 60 and 420
rule if product == "loan" then term_months between 6 and 120 and balance <= 0
rule if product in ["current", "savings"] then term_months is null
rule if product == "savings" then balance >= 0 and interest_rate <= 0.08
"""


def bank_table(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """A small banking table (generated; most rows already follow BANK_RULES, some do not)."""
    rng = np.random.default_rng(seed)
    product = rng.choice(["current", "savings", "mortgage", "loan"], n, p=[0.4, 0.3, 0.2, 0.1])
    opened = pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 4000, n), unit="D")
    status = rng.choice(["open", "closed"], n, p=[0.7, 0.3])
    closed = pd.Series(opened + pd.to_timedelta(rng.integers(-30, 2000, n), unit="D")).where(status == "closed")
    term = np.where(product == "mortgage", rng.integers(60, 421, n),
                    np.where(product == "loan", rng.integers(6, 121, n), -1)).astype(float)
    balance = np.where(product == "loan", -rng.gamma(2, 5000, n), rng.gamma(2, 8000, n))
    return pd.DataFrame({
        "opened": opened, "closed": closed, "status": status, "product": product,
        "term_months": pd.array(np.where(term < 0, np.nan, term), dtype="Int64"),
        "balance": balance.round(2), "interest_rate": rng.uniform(0, 0.12, n).round(4),
    })


def fit(frame, rules, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Synthesizer(constraints=rules, **kw).fit(frame)


def assert_written_output_obeys(tmp_path, fake, rules_text, name="out.csv"):
    path = write_table(fake, tmp_path / name)
    rules_file = tmp_path / "rules.bsc"
    rules_file.write_text(rules_text)
    assert main(["check", str(rules_file), str(path), "-q"]) == 0


@pytest.fixture(scope="module")
def bank():
    return bank_table()


def test_bank_rules_hold_on_the_written_file(tmp_path, bank):
    synth = fit(bank, BANK_RULES, epsilon=1.0, random_state=0)
    fake = synth.sample(3000, random_state=1)
    assert list(fake.columns) == [*bank.columns, "annual_interest"]
    report = check_table(parse_constraints(BANK_RULES), fake)
    assert report.ok, report.lines()
    assert_written_output_obeys(tmp_path, fake, BANK_RULES)
    # the rules bind: mortgages got terms in range, savings and current accounts none
    mortgage = fake["product"] == "mortgage"
    assert fake.loc[mortgage, "term_months"].between(60, 420).all()
    assert fake.loc[fake["product"].isin(["current", "savings"]), "term_months"].isna().all()
    assert np.allclose(fake["annual_interest"], (fake["balance"] * fake["interest_rate"]).round(2))


def test_real_rows_breaking_rules_are_still_learned_from_but_never_sampled(bank):
    broken = bank.copy()
    broken.loc[:200, "closed"] = broken.loc[:200, "opened"] - pd.Timedelta(days=5)
    broken.loc[:200, "status"] = "closed"
    assert not check_table(parse_constraints(BANK_RULES), broken).ok
    with pytest.warns(BayesSynthWarning, match=r"closed >= opened: violated by \d+ of"):
        synth = Synthesizer(epsilon=float("inf"), constraints=BANK_RULES).fit(broken)
    assert not synth.rule_report_.ok
    fake = synth.sample(2000, random_state=0)
    assert check_table(parse_constraints(BANK_RULES), fake).ok


@settings(derandomize=True, max_examples=6, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.5, 2.0, float("inf")]))
def test_any_seed_and_budget_gives_only_valid_rows(seed, epsilon):
    frame = bank_table(600, seed % 7)
    fake = fit(frame, BANK_RULES, epsilon=epsilon, random_state=seed).sample(800, random_state=seed)
    report = check_table(parse_constraints(BANK_RULES), fake)
    assert report.ok, report.lines()
    assert len(fake) == 800


def test_adult_household_rules_hold(tmp_path):
    adult = read_table("examples/data/adult.csv").head(4000)
    text = Path("examples/adult.bsc").read_text().replace("combine education, `education-num`", "")
    synth = fit(adult, text, epsilon=1.0, random_state=3)
    fake = synth.sample(4000, random_state=3)
    assert (fake.loc[fake["relationship"] == "Husband", "sex"] == "Male").all()
    assert (fake.loc[fake["relationship"] == "Wife", "sex"] == "Female").all()
    assert not ((fake["capital-gain"] > 0) & (fake["capital-loss"] > 0)).any()
    assert_written_output_obeys(tmp_path, fake, text)


def test_saved_model_enforces_rules_without_the_file(tmp_path, bank):
    synth = fit(bank, BANK_RULES, epsilon=1.0, random_state=5)
    synth.save(tmp_path / "m.json")
    loaded = load_model(tmp_path / "m.json")
    fake = loaded.sample(1500, random_state=2)
    assert check_table(parse_constraints(BANK_RULES), fake).ok
    pd.testing.assert_frame_equal(fake, synth.sample(1500, random_state=2))


def test_unary_rules_narrow_the_domain(bank):
    text = BANK_RULES + "\nrule interest_rate <= 0.05\nrule opened >= \"2015-01-01\"\n"
    synth = fit(bank, text, epsilon=float("inf"))
    codec = synth.model_.codecs["interest_rate"]
    assert codec.edges[-1] <= np.nextafter(0.05, 1)
    fake = synth.sample(1000, random_state=0)
    assert (fake["interest_rate"] <= 0.05).all() and (fake["opened"] >= "2015-01-01").all()


@pytest.mark.parametrize("extra, code", [
    ("combine product, balance", "E0305"),
    ("column id: integer, unique", "E0301"),
    ("rule balance * balance <= 100", "E0301"),
    ("rule interest_rate >= 0.5", "E0302"),
    ("rule balance <= round(interest_rate * 1000)\nrule interest_rate <= round(balance) / 1000", "E0303"),
])
def test_rules_that_cannot_be_enforced_are_refused_before_fitting(bank, extra, code):
    with pytest.raises(DSLSemanticError) as err:
        fit(bank, BANK_RULES + "\n" + extra, epsilon=float("inf"))
    assert code in str(err.value)


def test_conditions_with_rules_fix_the_columns_and_every_rule_holds(tmp_path, bank):
    synth = fit(bank, BANK_RULES, epsilon=1.0, random_state=3)
    for conditions in ({"product": "loan"}, {"status": "closed", "product": "savings"},
                       {"opened": "2019-06-30"}):
        fake = synth.sample(1500, random_state=1, conditions=conditions)
        assert len(fake) == 1500
        for column, value in conditions.items():
            assert (fake[column].astype(str).str[:10] == value).all(), column
        assert check_table(parse_constraints(BANK_RULES), fake).ok
    loans = synth.sample(500, random_state=2, conditions={"product": "loan"})
    assert (loans["balance"] <= 0).all() and loans["term_months"].dropna().between(6, 120).all()
    assert_written_output_obeys(tmp_path, loans, BANK_RULES)


def test_conditions_that_break_a_rule_are_refused_naming_it(bank):
    synth = fit(bank, BANK_RULES, epsilon=float("inf"))
    with pytest.raises(SamplingError, match=r"The conditions break 'rule if product == \"loan\" then term_months"):
        synth.sample(10, conditions={"product": "loan", "term_months": 400})


def _joint(model) -> dict[tuple, float]:
    """The model's joint distribution by enumeration (tiny models only), keyed by label tuples."""
    import itertools

    labels = [codec.labels() for codec in model.codecs.values()]
    out = {}
    for combo in itertools.product(*[range(len(x)) for x in labels]):
        p = 1.0
        for i, parents in enumerate(model.parents_idx):
            row = 0
            for q in parents:
                row = row * model.codecs[model.columns[q]].size + combo[q]
            p *= model.tables[i][row, combo[i]]
        out[tuple(lab[c] for lab, c in zip(labels, combo, strict=True))] = p
    return out


def test_condition_on_a_rule_target_is_exact_conditioning_on_the_rule():
    """Given x (the rule's target), the other column follows P(z | x, rule holds), by enumeration."""
    rng = np.random.default_rng(0)
    x = rng.choice(["a", "b"], 4000)
    z = np.where(x == "a", rng.choice(["0", "1", "2"], 4000, p=[0.2, 0.5, 0.3]),
                 rng.choice(["0", "1", "2"], 4000, p=[0.6, 0.2, 0.2]))
    text = ('column x: categorical in ["a", "b"], not null\ncolumn z: categorical in ["0", "1", "2"], not null\n'
            'rule if z == "1" then x != "a"\n')
    synth = fit(pd.DataFrame({"x": x, "z": z}), text, epsilon=float("inf"))
    joint = _joint(synth.model_)
    names = synth.model_.columns
    allowed = {k: p for k, p in joint.items() if k[names.index("x")] == "a" and k[names.index("z")] != "1"}
    total = sum(allowed.values())
    n = 20_000
    fake = synth.sample(n, random_state=5, conditions={"x": "a"})
    assert (fake["x"] == "a").all() and not (fake["z"] == "1").any()
    for value in ("0", "2"):
        p = sum(q for k, q in allowed.items() if k[names.index("z")] == value) / total
        got = float((fake["z"] == value).mean())
        assert abs(got - p) <= 5 * np.sqrt(p * (1 - p) / n), (value, got, p)


def test_cli_fit_with_rules_then_sample_then_check(tmp_path, bank):
    data = write_table(bank, tmp_path / "bank.csv")
    rules = tmp_path / "bank.bsc"
    rules.write_text(BANK_RULES)
    model, out = tmp_path / "m.json", tmp_path / "fake.csv"
    assert main(["fit", str(data), "--rules", str(rules), "-o", str(model), "--seed", "1", "-q"]) == 0
    assert main(["sample", str(model), "-n", "700", "-o", str(out), "-q"]) == 0
    assert main(["check", str(rules), str(out), "-q"]) == 0
    assert main(["check", str(rules), str(data), "-q"]) in (0, 1)


# ------------------------------------------------------------------ relations: affine, chains, derived
RELATION_RULES = BANK_RULES + """
derive exposure = balance * interest_rate
derive ends = opened + days(term_months * 30)
rule if product == "mortgage" then opened + days(term_months * 30) <= "2060-01-01"
rule if product == "savings" then exposure <= 2000
rule if product == "mortgage" then ends >= "2016-01-01"
rule "2010-01-01" <= opened <= closed <= "2024-12-31"
rule if product == "current" then balance + 1000 * interest_rate >= 50
"""


@pytest.mark.parametrize("epsilon", [1.0, float("inf")])
def test_affine_chained_and_derived_rules_hold_on_the_written_file(tmp_path, bank, epsilon):
    synth = fit(bank, RELATION_RULES, epsilon=epsilon, random_state=11)
    fake = synth.sample(4000, random_state=4)
    assert_written_output_obeys(tmp_path, fake, RELATION_RULES)
    savings = fake["product"] == "savings"
    assert (fake.loc[savings, "balance"] * fake.loc[savings, "interest_rate"] <= 2000).all()
    mortgage = fake["product"] == "mortgage"
    ends = fake.loc[mortgage, "opened"] + pd.to_timedelta(fake.loc[mortgage, "term_months"] * 30, unit="D")
    ends = ends.dropna()  # a missing term makes the rules unknown, which they allow
    assert len(ends) > 100 and (ends >= "2016-01-01").all() and (ends <= "2060-01-01").all()
    current = fake["product"] == "current"
    assert (fake.loc[current, "balance"] + 1000 * fake.loc[current, "interest_rate"] >= 50).all()


def test_rules_bind_where_the_model_alone_would_break_them(bank):
    """Without the rule, the model samples rows the rule forbids: the rule really restricts the draws."""
    extra = "\nrule if product == \"savings\" then balance * interest_rate <= 300\n"
    free = fit(bank, BANK_RULES, epsilon=float("inf"), random_state=0).sample(4000, random_state=0)
    saving = free["product"] == "savings"
    assert (free.loc[saving, "balance"] * free.loc[saving, "interest_rate"] > 300).sum() > 50
    bound = fit(bank, BANK_RULES + extra, epsilon=float("inf"), random_state=0).sample(4000, random_state=0)
    saving = bound["product"] == "savings"
    assert saving.sum() > 500
    assert (bound.loc[saving, "balance"] * bound.loc[saving, "interest_rate"] <= 300).all()


def test_chain_is_one_rule_per_link_and_folds_constant_ends():
    synth = fit(bank_table(400), BANK_RULES + '\nrule "2012-06-01" <= opened <= closed\n', epsilon=float("inf"))
    assert synth.model_.schema["opened"].min is not None
    texts = [t.text for t in synth._rules.targets if t.target == "opened"]
    assert texts == ['rule "2012-06-01" <= opened <= closed'] or \
        'rule "2012-06-01" <= opened <= closed' in [t.text for t in synth._rules.targets]
    fake = synth.sample(1000, random_state=0)
    assert (fake["opened"] >= "2012-06-01").all()
    assert ((fake["closed"] >= fake["opened"]) | fake["closed"].isna()).all()


@pytest.mark.parametrize("extra, words", [
    ("derive r = abs(balance)\nrule r >= 10",
     "'balance' appears inside abs() (after putting in the formulas of r)"),
    ("rule balance * balance <= 100", "a product of two terms that both depend on 'balance'"),
    ("rule 1 / balance <= 1 / interest_rate", "a division by an expression that depends on 'balance'"),
])
def test_non_affine_rules_are_refused_saying_why(bank, extra, words):
    with pytest.raises(DSLSemanticError, match="E0301") as err:
        fit(bank, BANK_RULES + extra, epsilon=1.0)
    assert words in str(err.value)


def test_epsilon_share_weights_the_columns_conditional_table(bank):
    """A declared epsilon_share scales that column's share of the counts budget (seen in the ledger)."""
    def table_epsilons(text):
        synth = fit(bank, text, epsilon=1.0, random_state=0)
        frame = synth.ledger_.to_frame()
        rows = frame[frame["query_kind"] == "counts"]
        return {note.split(" |")[0][2:]: float(e) for note, e in zip(rows["note"], rows["epsilon"], strict=True)}, synth

    plain, _ = table_epsilons(BANK_RULES)
    heavy, synth = table_epsilons(BANK_RULES.replace('in ["open", "closed"], not null',
                                                     'in ["open", "closed"], not null, epsilon_share 4'))
    assert heavy["status"] / heavy["product"] > 2.5 * plain["status"] / plain["product"]
    assert sum(heavy.values()) == pytest.approx(sum(plain.values()))
    assert synth.ledger_.spent_epsilon <= 1


def test_declared_decimals_and_date_format_are_applied_to_sampled_values(bank, tmp_path):
    """``decimals 2`` rounds the sampled floats; a date ``format`` writes the dates in that format."""
    text = (BANK_RULES.replace("column balance: float,", "column balance: float, decimals 2,")
            .replace('column opened: date,', 'column opened: date, format "%d/%m/%Y",'))
    fake = fit(bank, text, epsilon=float("inf"), random_state=0).sample(500, random_state=1)
    assert np.allclose(fake["balance"], fake["balance"].round(2)) and not np.allclose(fake["balance"],
                                                                                        fake["balance"].round(0))
    assert fake["opened"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert_written_output_obeys(tmp_path, fake, text)


# ------------------------------------------------------------------ decimals, one-value floats, booleans
def decimals_table(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Unrounded floats with x < y and x + z near 1.04 in many rows (the rules bind often)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, 4 * n)
    y = rng.uniform(0, 1.1, 4 * n)
    keep = np.flatnonzero(x < y)[:n]
    return pd.DataFrame({"x": x[keep], "y": y[keep], "z": rng.uniform(0.3, 0.5, n)})


@pytest.mark.parametrize("rules", [
    "column x: float, min 0, max 1, decimals 1\ncolumn y: float, min 0, max 1.1, decimals 1\nrule x < y\n",
    "column x: float, min 0, max 1, decimals 1\ncolumn y: float, min 0, max 1.1, decimals 1\nrule x <= y - 0.05\n",
    "column x: float, min 0, max 1, decimals 2\ncolumn z: float, min 0, max 0.5, decimals 2\nrule x + z <= 1.04\n",
    "column x: float, min 0, max 1, decimals 1\ncolumn z: float, min 0.3, max 0.5, decimals 2\n"
    "rule x + z <= 1.04\nrule y >= x + 0.1\nrule x > 0.25\n",
])
def test_rules_hold_on_the_written_values_of_columns_with_decimals(tmp_path, rules):
    """A float column with ``decimals`` is drawn on its decimal grid: the rules hold on the rounded values
    written out (rounding after enforcement broke ``x < y`` wherever x and y rounded to one value)."""
    fake = fit(decimals_table(), rules, epsilon=1.0, random_state=0).sample(2000, random_state=1)
    declared = {c.name: c.option("decimals") for c in parse_constraints(rules).columns}
    for name, decimals in declared.items():
        values = fake[name].dropna().to_numpy(dtype=float)
        assert np.array_equal(values, np.round(values, decimals)), name
        assert len(np.unique(values)) > 3, name
    assert_written_output_obeys(tmp_path, fake, rules)


def test_conditions_on_a_column_with_decimals_must_be_on_its_grid():
    rules = "column x: float, min 0, max 1, decimals 1\ncolumn y: float, min 0, max 1.1, decimals 1\nrule x < y\n"
    synth = fit(decimals_table(300), rules, epsilon=float("inf"), random_state=0)
    fake = synth.sample(200, random_state=1, conditions={"y": 0.3})
    assert (fake["y"] == 0.3).all() and (fake["x"].dropna() <= 0.2).all()
    with pytest.raises(SamplingError, match="more than 1 decimal"):
        synth.sample(10, conditions={"y": 0.35})


@pytest.mark.parametrize("rules, value", [
    ("column x: float, min 0, max 1\nrule x == 0.5\n", 0.5),
    ("column x: float, min 0, max 1, not null\nrule x >= 1\n", 1.0),
    ("column x: float, min 0.5, max 0.5\n", 0.5),
    ("column x: float, min 0, max 1, decimals 2\nrule x == 0.25\n", 0.25),
])
def test_a_float_column_narrowed_to_one_value_is_that_constant_and_survives_save_and_load(tmp_path, rules, value):
    """A float domain of one value gave values in [v, v + 1) in Python, and a model file 'sample' refused."""
    rules += "column y: float, min 0, max 1.1\ncolumn z: float, min 0, max 0.5\n"
    data = write_table(decimals_table(300), tmp_path / "xy.csv")
    (tmp_path / "r.bsc").write_text(rules)
    model, out = tmp_path / "m.json", tmp_path / "fake.csv"
    assert main(["fit", str(data), "--rules", str(tmp_path / "r.bsc"), "-o", str(model), "--seed", "1", "-q"]) == 0
    assert main(["sample", str(model), "-n", "400", "-o", str(out), "-q"]) == 0
    assert main(["check", str(tmp_path / "r.bsc"), str(out), "-q"]) == 0
    x = pd.read_csv(out)["x"].dropna()
    assert len(x) > 100 and (x == value).all()
    synth = fit(decimals_table(300), rules, epsilon=float("inf"), random_state=0)
    fake = synth.sample(300, random_state=2)
    assert (fake["x"].dropna() == value).all()
    pd.testing.assert_frame_equal(load_model(synth.save(tmp_path / "m2.json")).sample(300, random_state=2), fake)


@pytest.mark.parametrize("rule, kept", [("flag == true", True), ("flag in [true]", True), ("flag", True),
                                        ("flag == false", False), ("flag in [false]", False), ("not flag", False)])
def test_one_column_rules_on_a_boolean_restrict_it_like_a_bare_flag(tmp_path, rule, kept):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"flag": rng.random(400) < 0.5, "g": rng.choice(["a", "b"], 400)})
    """``flag == true`` and ``flag in [true]`` were folded into categories, which a boolean cannot declare."""
    rules = (f"column flag: boolean, not null\ncolumn g: categorical in [\"a\", \"b\"]\nrule {rule}\n"
             f"rule if g == \"a\" then flag == {str(kept).lower()}\n")
    fake = fit(frame, rules, epsilon=1.0, random_state=0).sample(500, random_state=1)
    assert (fake["flag"] == kept).all()
    assert_written_output_obeys(tmp_path, fake, rules)


def test_contradicting_boolean_rules_are_refused_before_sampling():
    frame = pd.DataFrame({"flag": [True, False] * 50})
    with pytest.raises(DSLSemanticError, match="E0304"):
        fit(frame, "column flag: boolean, not null\nrule flag == true\nrule flag in [false]\n", epsilon=float("inf"))


def test_a_decimal_column_with_no_value_inside_its_bounds_is_refused_before_sampling():
    with pytest.raises(Exception, match=r"no value with 1 decimal\(s\) lies within"):
        fit(decimals_table(200), "column x: float, min 0, max 1, decimals 1\nrule x > 0.3\nrule x < 0.4\n",
            epsilon=float("inf"))


# ------------------------------------------------------------------ derives on formatted columns (audit GAP 1)
def test_a_derive_reading_a_formatted_date_samples_and_checks(tmp_path):
    """``sample`` raised E0204 ('+' needs a number): the formula read the dates after display formatting."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, 400), unit="D")
    data = write_table(pd.DataFrame({"start": start.strftime("%d/%m/%Y"), "term": rng.integers(1, 100, 400)}),
                       tmp_path / "mini.csv")
    rules = tmp_path / "m.bsc"
    rules.write_text('column start: date, format "%d/%m/%Y"\ncolumn term: integer, min 1, max 100\n'
                     'derive end = start + days(term)\ncolumn due: date, format "%Y.%m.%d"\n'
                     'derive due = end + days(1)\n')
    model, out = tmp_path / "m.json", tmp_path / "o.csv"
    assert main(["fit", str(data), "--rules", str(rules), "-o", str(model), "--seed", "0", "-q"]) == 0
    assert main(["sample", str(model), "-n", "100", "-o", str(out), "-q"]) == 0
    fake = pd.read_csv(out, dtype=str)
    assert fake["start"].str.fullmatch(r"\d{2}/\d{2}/\d{4}").all()
    assert fake["due"].str.fullmatch(r"\d{4}\.\d{2}\.\d{2}").all()  # a derived column in its declared format
    start = pd.to_datetime(fake["start"], format="%d/%m/%Y")
    assert (pd.to_datetime(fake["end"]) == start + pd.to_timedelta(fake["term"].astype(int), unit="D")).all()
    assert main(["check", str(rules), str(out), "-q"]) == 0


def test_derives_reading_money_and_dates_of_the_customers_example(tmp_path):
    text = Path("examples/customers.bsc").read_text() + (
        "derive due = opened + days(30)\nderive b2 = round(balance * 2, 2)\n"
        "column third: float, decimals 1\nderive third = b2 / 3\n")
    fake = fit(read_table("examples/data/customers.csv"), text, random_state=0).sample(300, random_state=1)
    assert fake["balance"].str.startswith("$").all()
    balance = fake["balance"].str.replace(r"[$,]", "", regex=True).astype(float)
    assert np.allclose(fake["b2"], (balance * 2).round(2))
    assert np.array_equal(fake["third"], (fake["b2"] / 3).round(1))
    opened = pd.to_datetime(fake["opened"], format="%m/%d/%Y")
    assert (fake["due"] == opened + pd.Timedelta(days=30)).all()
    assert_written_output_obeys(tmp_path, fake, text)


def test_an_error_while_sampling_shows_the_line_of_the_model_rules(tmp_path, monkeypatch):
    """Errors pointing at ``<model rules>:3:14`` showed no source line although the model keeps the text."""
    import bayes_synth.constraints as constraints

    frame = pd.DataFrame({"start": ["2021-03-04", "2022-05-06"] * 50, "term": [3, 4] * 50})
    synth = fit(frame, 'column start: date, format "%Y-%m-%d"\ncolumn term: integer, min 1, max 9\n'
                       "derive end = start + days(term)\n", epsilon=float("inf"))
    loaded = load_model(synth.save(tmp_path / "m.json"))
    monkeypatch.setattr(constraints, "_parsed", lambda frame, formats: frame.copy(), raising=False)  # text, as before
    with pytest.raises(DSLSemanticError) as caught:
        loaded.sample(10)
    assert "<model rules>:3:" in str(caught.value)
    assert "3 | derive end = start + days(term)" in str(caught.value)


# ------------------------------------------------------------------ rules "satisfied" by missing values (GAP 5)
def people(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": pd.array(rng.integers(17, 91, n), dtype="Int64"),  # nullable, as read from CSV
                         "hours": pd.array(rng.integers(1, 100, n), dtype="Int64"),
                         "sex": rng.choice(["Female", "Male"], n)})


def test_rules_only_met_by_leaving_a_column_empty_are_refused_naming_them():
    """Every sampled row had ``age`` empty: a missing operand makes a rule unknown, not broken."""
    rules = "privacy delta = 1e-6\nrule age >= 50\nrule hours >= 20\nrule age + hours <= 60\n"
    with pytest.raises(DSLSemanticError, match="E0304") as caught:
        fit(people(), rules, random_state=0)
    text = str(caught.value)
    assert "no row can satisfy this rule together with 'rule age >= 50', 'rule hours >= 20'" in text
    assert "unless 'age' or 'hours' is left missing" in text
    # when the file says a column may be missing, leaving it empty is what the rules ask for
    synth = fit(people(), "column age: integer, nullable\n" + rules, random_state=0)
    fake = synth.sample(300, random_state=1)
    assert fake["age"].isna().all() and (fake["hours"].dropna() >= 20).all()


@pytest.mark.parametrize("declared", ["", "column sex: categorical, not null\n"])
def test_a_misspelt_category_in_a_rule_is_refused_with_a_suggestion(declared):
    """``rule sex == "Mle"`` left 'sex' empty in every row (or dropped every training row)."""
    with pytest.raises(DSLSemanticError, match="E0212") as caught:
        fit(people(), f'privacy delta = 1e-6\n{declared}rule sex == "Mle"\n', random_state=0)
    assert "\"Mle\" is not a category of 'sex'" in str(caught.value)
    assert "did you mean 'Male'?" in str(caught.value)


def test_a_rule_limiting_a_learned_categorical_is_enforced_after_save_and_load(tmp_path):
    synth = fit(people(), 'privacy delta = 1e-6\nrule sex == "Male"\nrule if sex == "Male" then age >= 30\n',
                random_state=0)
    assert synth.model_.codecs["sex"].categories == ["Female", "Male"]  # learned, not declared by the rule
    fake = load_model(synth.save(tmp_path / "m.json")).sample(500, random_state=1)
    assert (fake["sex"] == "Male").all() and (fake["age"] >= 30).all()


def test_a_domain_that_leaves_no_value_of_the_data_is_an_error():
    """With delta = 0 the rule declares the categories; every value falls outside them."""
    with pytest.raises(IngestError, match=r"all 2000 of its values are outside .*rule sex == \"Mle\""):
        fit(people(), 'column age: integer, min 17, max 90\ncolumn hours: integer, min 1, max 99\n'
                      'rule sex == "Mle"\n', epsilon=1.0, random_state=0)


def test_no_usable_row_is_an_error_not_a_model_of_nothing():
    """Every row had a missing value in a 'not null' column: all were left out and the fit went on."""
    frame = pd.DataFrame({"a": ["x", None] * 50, "b": [None, "y"] * 50})
    with pytest.raises(IngestError, match=r"No row of the table can be learned from.*'a' \(50 rows\), 'b' \(50 rows\)"):
        fit(frame, 'column a: categorical in ["x"], not null\ncolumn b: categorical in ["y"], not null\n',
            epsilon=float("inf"))


def test_the_fit_warning_counts_broken_rows_on_the_data_as_read_like_check(tmp_path, capsys):
    """Counted after clipping, one-column rules showed no broken row at all (and counts differed from check)."""
    rules = tmp_path / "adult.bsc"
    rules.write_text(Path("examples/adult.bsc").read_text() + "\nrule age >= 25\n")
    with pytest.warns(BayesSynthWarning, match=r"rule age >= 25: violated by 5570 of 32561 rows"):
        synth = Synthesizer(constraints=rules, random_state=0).fit("examples/data/adult.csv")
    assert main(["check", str(rules), "examples/data/adult.csv", "-q"]) == 1
    assert synth.rule_report_.lines() == capsys.readouterr().out.splitlines()


# ----------------------------------------------------------------------------- lists of numbers
def test_a_list_of_numbers_is_enforced_as_a_range_or_refused(tmp_path, bank):
    """``x in [...]`` on a numeric column was folded into 'categories' that a numeric column ignores: the
    rule was accepted and never enforced. A run of consecutive values is now its range (top level and
    inside a condition); a list with gaps, or ``not in``, is refused with the reason."""
    ran = (BANK_RULES.replace("between 60 and 420", "in [120, 121, 122]")
           + 'rule opened in ["2015-03-01", "2015-03-02"]\n')
    fake = fit(bank, ran, epsilon=float("inf"), random_state=0).sample(1000, random_state=1)
    mortgages = fake.loc[fake["product"] == "mortgage", "term_months"].dropna()  # a missing term breaks no rule
    assert len(mortgages) > 50 and set(mortgages) <= {120, 121, 122}
    assert set(fake["opened"].dt.strftime("%Y-%m-%d")) <= {"2015-03-01", "2015-03-02"}
    assert_written_output_obeys(tmp_path, fake, ran)
    # a list with gaps or 'not in' on an integer column: every value of the column is tried
    gaps = BANK_RULES + "rule term_months in [12, 24, 36] or term_months is null\nrule term_months not in [24]\n"
    fake = fit(bank, gaps, epsilon=1.0, random_state=0).sample(1000, random_state=1)
    assert set(fake["term_months"].dropna()) <= {12, 36} and fake["term_months"].notna().sum() > 50
    assert_written_output_obeys(tmp_path, fake, gaps, "gaps.csv")
    for rule, reason in [("rule interest_rate in [0.01, 0.03]", "'in [...]' must list one value or a run"),
                         ("rule interest_rate not in [0.01]", "'not in [...]' is refused"),
                         ("rule interest_rate < 0.01 or interest_rate > 0.05", "both sides of 'or'")]:
        with pytest.raises(DSLSemanticError, match="E0301") as err:  # a float has no values to try one by one
            fit(bank, BANK_RULES + rule + "\n", epsilon=1.0, random_state=0)
        assert reason in str(err.value) and "one range" in str(err.value)


def test_not_is_moved_onto_comparisons_and_integer_bounds_are_whole(tmp_path, bank):
    """``not (x > c)`` was refused (E0301: 'x appears inside not ...'); ``n >= 6.5`` on an integer column
    failed with an invalid-schema error. Now ``not`` is pushed onto the comparisons (De Morgan) and a
    fractional bound of an integer column is rounded inward."""
    text = BANK_RULES + ('rule not (interest_rate > 0.1)\n'
                         'rule if product == "savings" then not (balance < 100 or interest_rate >= 0.05)\n'
                         'rule term_months >= 6.5 and term_months < 400.5\n')
    fake = fit(bank, text, epsilon=float("inf"), random_state=0).sample(1000, random_state=1)
    assert fake["interest_rate"].max() <= 0.1
    savings = fake[fake["product"] == "savings"]
    assert len(savings) > 50 and savings["balance"].min() >= 100 and savings["interest_rate"].max() < 0.05
    terms = fake["term_months"].dropna()
    assert terms.min() >= 7 and terms.max() <= 400
    assert_written_output_obeys(tmp_path, fake, text)
    with pytest.raises(DSLSemanticError, match="E0302") as err:
        fit(bank, BANK_RULES + "rule term_months == 2.5\n", epsilon=1.0, random_state=0)
    assert "3 <= value <= 2 (a whole number: fractional bounds are rounded inward)" in str(err.value)
    with pytest.raises(DSLSemanticError, match="two ranges"):
        fit(bank, BANK_RULES + "rule interest_rate != 0.05\n", epsilon=1.0, random_state=0)


def test_rules_in_either_direction_and_null_guards_are_enforced(tmp_path, bank):
    """Three forms a user writes that were refused: a conditional rule whose condition reads a column the
    other rules draw later (E0303: 'if term_months > 100 then product == ...' beside 'if product == ...
    then term_months ...'), now enforced as its contrapositive; 'R or x is null' (only 'x is null or R'
    was read); and 'if x is not null then R' (E0301), which is 'x is null or R'."""
    text = BANK_RULES + ('rule if term_months > 100 then product == "mortgage"\n'
                         'rule if balance < 0 then product == "loan"\n'
                         'rule closed >= opened + days(30) or closed is null\n'
                         'rule if closed is not null then closed >= "2013-01-01"\n'
                         'rule if term_months is not null then product in ["loan", "mortgage"]\n')
    fake = fit(bank, text, epsilon=1.0, random_state=0).sample(2000, random_state=1)
    assert fake.loc[fake["term_months"].notna(), "product"].isin(["loan", "mortgage"]).all()
    assert (fake.loc[fake["term_months"] > 100, "product"] == "mortgage").all()
    assert (fake.loc[fake["balance"] < 0, "product"] == "loan").all()
    closed = fake.dropna(subset=["closed"])
    assert len(closed) > 100 and (closed["closed"] >= closed["opened"] + pd.Timedelta(days=30)).all()
    assert (closed["closed"] >= pd.Timestamp("2013-01-01")).all()
    assert_written_output_obeys(tmp_path, fake, text)


def test_rules_on_rounded_formulas_are_enforced_through_the_rounding(tmp_path, bank):
    """``annual_interest = round(balance * interest_rate, 2)`` with ``rule annual_interest <= 300`` was
    refused (E0301: 'balance' appears inside round()). A comparison of round(E, d) with a number, in a
    rule's consequent, is now enforced as a bound on E that implies it (E < 300.005)."""
    text = BANK_RULES + ("rule annual_interest <= 300\n"
                         "rule if annual_interest > 100 then product == \"savings\"\n"
                         "rule if product == \"loan\" then round(balance / 1000) >= -20\n")
    fake = fit(bank, text, epsilon=float("inf"), random_state=0).sample(2000, random_state=1)
    assert fake["annual_interest"].max() <= 300
    assert (fake.loc[fake["annual_interest"] > 100, "product"] == "savings").all()
    loans = fake[fake["product"] == "loan"]
    assert len(loans) > 50 and (np.round(loans["balance"] / 1000) >= -20).all()
    assert_written_output_obeys(tmp_path, fake, text)


def test_an_or_of_any_length_and_order_restricts_its_numeric_column(tmp_path, bank):
    """``R or a is null or x is null`` (three operands) was refused ('closed' appears inside 'closed is
    null'), and ``x is null or s == "v"`` could not restrict x (E0303 beside rules drawing s first)."""
    text = BANK_RULES + ("rule closed <= opened + days(term_months * 30) or term_months is null or closed is null\n"
                         'rule closed is null or status == "closed"\n')
    fake = fit(bank, text, epsilon=1.0, random_state=0).sample(2000, random_state=1)
    both = fake.dropna(subset=["closed", "term_months"])
    assert len(both) > 20
    assert (both["closed"] <= both["opened"] + pd.to_timedelta(both["term_months"].astype(int) * 30, unit="D")).all()
    assert (fake.loc[fake["closed"].notna(), "status"] == "closed").all()
    assert_written_output_obeys(tmp_path, fake, text)


def test_abs_max_and_min_in_a_consequent_are_enforced(tmp_path, bank):
    """``abs(x - c) <= r``, ``max(...) <= c`` and ``min(...) >= c`` were refused (E0301: 'x appears
    inside abs()'); they are bounds on each argument."""
    text = BANK_RULES + ('rule if product == "savings" then abs(balance - 20000) < 15000\n'
                         "rule max(balance, 0) <= 50000\n"
                         "rule min(interest_rate, 0.05) >= 0.002\n")
    fake = fit(bank, text, epsilon=1.0, random_state=0).sample(2000, random_state=1)
    savings = fake.loc[fake["product"] == "savings", "balance"]
    assert len(savings) > 100 and ((savings - 20000).abs() < 15000).all()
    assert fake["balance"].max() <= 50000 and fake["interest_rate"].min() >= 0.002
    assert_written_output_obeys(tmp_path, fake, text)


def test_rules_of_two_ranges_on_integers_and_dates_try_every_value(tmp_path, bank):
    """'x != c', unions ('x < a or x > b'), 'not between' and abs() >= on an integer or date column were
    refused (E0301: two ranges). Their values are countable: every value is tried per combination of the
    other columns, and only allowed values are drawn."""
    text = BANK_RULES + ("rule term_months != 120\n"
                         "rule term_months < 24 or term_months > 100 or term_months is null\n"
                         'rule if status == "closed" then abs(term_months - 200) >= 50 or term_months is null\n'
                         'rule not (opened between "2014-01-01" and "2014-12-31")\n'
                         'rule opened != "2015-06-01"\n')
    fake = fit(bank, text, epsilon=1.0, random_state=0).sample(3000, random_state=1)
    terms = fake["term_months"].dropna()
    assert len(terms) > 100 and 120 not in set(terms) and not terms.between(24, 100).any()
    closed = fake.loc[fake["status"] == "closed", "term_months"].dropna()
    assert len(closed) > 20 and ((closed - 200).abs() >= 50).all()
    assert not fake["opened"].between("2014-01-01", "2014-12-31").any()
    assert (fake["opened"] != pd.Timestamp("2015-06-01")).all()
    assert_written_output_obeys(tmp_path, fake, text)


def test_values_tried_one_by_one_meet_the_bounds_of_other_rules(bank):
    """A mortgage's term is bounded to [60, 420] by one rule and restricted to < 24 or > 100 by another
    (tried value by value). A coarse bin holding allowed values below 24 and the bound's 60..61 was drawn,
    and its value came from the bound alone (60, 61: breaking the second rule in 3 of 1500 rows)."""
    text = BANK_RULES + "rule term_months < 24 or term_months > 100 or term_months is null\n"
    synth = fit(bank, text, epsilon=1.0, random_state=4)
    for seed in range(6):
        terms = synth.sample(3000, random_state=seed)["term_months"].dropna()
        assert not terms.between(24, 100).any(), seed
