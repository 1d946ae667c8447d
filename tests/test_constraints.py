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
from bayes_synth.errors import BayesSynthWarning, DSLSemanticError, SamplingError
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
    ("rule if opened <= closed then term_months >= 1\nrule if term_months >= 1 then opened <= closed", "E0303"),
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
    ("derive r = round(balance)\nrule r <= 10",
     "'balance' appears inside round() (after putting in the formulas of r)"),
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
