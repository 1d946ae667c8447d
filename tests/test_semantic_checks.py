"""Audit fixes: times and durations as seconds, ID capacity, repeated IDs, ``check`` of declared types, types page."""

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer
from bayes_synth.cli import main
from bayes_synth.errors import BayesSynthWarning, DomainTooLargeError, SamplingError, SchemaError

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "examples" / "data" / "customers.csv"
CUSTOMER_RULES = ROOT / "examples" / "customers.bsc"


def quiet_fit(data, rules=None, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Synthesizer(constraints=rules, random_state=0, **kw).fit(data)


def clock(seconds, with_seconds=False):
    return [f"{s // 3600:02d}:{s % 3600 // 60:02d}" + (f":{s % 60:02d}" if with_seconds else "") for s in seconds]


# ------------------------------------------------------------------------------------ time and duration
@pytest.fixture(scope="module")
def times_csv(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 3000
    start = rng.integers(6 * 3600, 20 * 3600, n)  # 06:00 .. 20:00
    length = rng.integers(60, 4 * 3600, n)
    frame = pd.DataFrame({
        "start": clock(start), "start_exact": clock(start, True),
        "duration": [f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in length],
        "call_length": [f"{s // 3600}h {s % 3600 // 60}m" if s >= 3600 else f"{s // 60}m" for s in length],
        "elapsed": [f"PT{s // 3600}H{s % 3600 // 60}M" if s >= 3600 else f"PT{s // 60}M" for s in length],
        "kind": rng.choice(["a", "b"], n),
    })
    path = tmp_path_factory.mktemp("times") / "times.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "detected"])
def test_times_and_durations_round_trip_through_the_cli_as_seconds(times_csv, tmp_path, capsys, declared):
    rules = tmp_path / "t.bsc"
    rules.write_text('column kind: categorical in ["a", "b"]\n' + (
        "column start: float as time, min 0, max 86400\ncolumn duration: float as duration, min 0, max 20000\n"
        if declared else ""))
    model, out = tmp_path / "m.json", tmp_path / "out.csv"
    assert main(["fit", str(times_csv), "--rules", str(rules), "-o", str(model), "--epsilon", "inf", "-q"]) == 0
    assert main(["sample", str(model), "-n", "2000", "-o", str(out), "--seed", "1", "-q"]) == 0
    kinds = {c: t["type"] for c, t in json.loads(model.read_text())["semantics"]["columns"].items()}
    assert kinds == {"start": "time", "start_exact": "time", "duration": "duration", "call_length": "duration",
                     "elapsed": "duration"}
    fake = pd.read_csv(out, dtype=str, keep_default_na=False)
    shapes = {"start": r"\d\d:\d\d", "start_exact": r"\d\d:\d\d:\d\d", "duration": r"\d+:\d\d:\d\d",
              "call_length": r"(\d+h)?( ?\d+m)?", "elapsed": r"PT(\d+H)?(\d+M)?"}
    for name, shape in shapes.items():
        assert fake[name].str.fullmatch(shape).all() and (fake[name] != "").all(), name  # no empty cell
    hours = fake["start"].str[:2].astype(int)
    assert hours.min() >= 5 and hours.max() <= 20 and abs(hours.mean() - 13) < 1  # learned, not uniform over 24h
    secs = pd.to_timedelta(fake["duration"]).dt.total_seconds()
    assert secs.min() >= 0 and secs.max() <= 4 * 3600 + 60 and abs(secs.mean() - 7230) < 900


def test_a_declared_time_whose_values_no_time_format_reads_is_refused():
    frame = pd.DataFrame({"t": ["soon", "later", "never"] * 10})
    with pytest.raises(SchemaError, match=r"column 't' is declared as time, but no one time format reads"):
        quiet_fit(frame, "column t: float as time, min 0, max 86400\n")


# ------------------------------------------------------------------------------------ ID capacity
@pytest.fixture(scope="module")
def customers_model(tmp_path_factory):
    model = tmp_path_factory.mktemp("customers") / "c.json"
    assert main(["fit", str(CUSTOMERS), "--rules", str(CUSTOMER_RULES), "-o", str(model), "--seed", "0", "-q"]) == 0
    return model


def test_more_unique_ids_than_the_format_holds_is_a_clean_error(customers_model, tmp_path, capsys):
    capsys.readouterr()
    assert main(["sample", str(customers_model), "-n", "1000001", "-o", str(tmp_path / "x.csv"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ValueError" not in err
    assert "Column 'customer_id'" in err and "'CUS-000000' has only 1,000,000 possible values" in err
    assert 'format "CUS-0000000"' in err and "at most 1,000,000 rows" in err
    assert not (tmp_path / "x.csv").exists()


def test_a_declared_short_unique_format_refuses_too_many_rows():
    frame = pd.DataFrame({"code": [f"{chr(65 + i // 10)}{i % 10}" for i in range(200)],  # A0 .. T9, distinct
                          "g": ["x", "y"] * 100})
    rules = 'column code: text as pattern_id, unique, format "A0"\ncolumn g: categorical in ["x", "y"]\n'
    synth = quiet_fit(frame, rules, epsilon=float("inf"))
    assert synth.sample(260)["code"].is_unique
    with pytest.raises(SamplingError, match=r"'code' is unique, but its ID format 'A0' has only 260 possible values"):
        synth.sample(500)


def test_fit_refuses_a_unique_column_whose_learned_template_is_too_small():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"code": [f"A{d}" for d in rng.integers(0, 10, 500)], "g": rng.choice(["x", "y"], 500)})
    with pytest.raises(SchemaError) as info:
        quiet_fit(frame, 'column code: text as pattern_id, unique\ncolumn g: categorical in ["x", "y"]\n')
    text = str(info.value)
    assert "'\\A0' (learned from the values) has only 10 possible values, fewer than the 500 values" in text
    assert 'format "\\\\A0000"' in text and "drop 'unique'" in text  # a string the constraints file accepts


def test_fit_warns_when_a_unique_column_repeats_values():
    frame = pd.DataFrame({"code": [f"ID-{i:04d}" for i in range(300)], "g": ["x", "y"] * 150})
    frame.loc[:9, "code"] = "ID-0001"
    with pytest.warns(BayesSynthWarning, match=r"'code' is declared unique, but 9 of its 300 values repeat"):
        Synthesizer(constraints='column code: text as pattern_id, unique\ncolumn g: categorical in ["x", "y"]\n',
                    random_state=0).fit(frame)


# ------------------------------------------------------------------------------------ repeated IDs
def test_order_references_that_repeat_are_generated_as_ids():
    rng = np.random.default_rng(0)
    refs = [f"ORD-{i:06d}" for i in rng.choice(10**6, 20_000, replace=False)]
    frame = pd.DataFrame({"order_ref": np.repeat(refs, 3), "event": rng.choice(["open", "pay", "ship"], 60_000)})
    with pytest.warns(BayesSynthWarning, match="'order_ref' holds identifiers .* whose values repeat"):
        synth = Synthesizer(epsilon=1.0, delta=1e-6, random_state=0).fit(frame)
    assert synth.model_.codecs["order_ref"].size <= 2  # presence only, not 20,000 categories
    fake = synth.sample(1000, random_state=0)
    assert fake["order_ref"].str.fullmatch(r"ORD-\d{6}").all()


def test_too_many_categories_says_what_to_declare():
    from bayes_synth.encode import CategoricalCodec

    with pytest.raises(DomainTooLargeError) as info:
        CategoricalCodec("ref", "categorical", [f"v{i}" for i in range(1001)])
    text = str(info.value)
    assert "later release" not in text and "'column ref: text as pattern_id" in text and "as uuid" in text


# ------------------------------------------------------------------------------------ check
def test_check_tests_declared_types_and_formats(customers_model, tmp_path, capsys):
    frame = pd.read_csv(CUSTOMERS, dtype=str, keep_default_na=False)
    secrets = {"customer_id": "XYZ", "email": "secret.at.example.org", "card_number": "1234", "opened": "2013-08-27"}
    for row, (name, value) in zip((2, 5, 7, 9), secrets.items(), strict=True):
        frame.loc[row, name] = value
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    capsys.readouterr()
    assert main(["check", str(CUSTOMER_RULES), str(bad)]) == 1
    out = capsys.readouterr().out
    for name, row in (("customer_id", 3), ("email", 6), ("card_number", 8), ("opened", 10)):
        assert re.search(rf"column '{name}': 1 value\(s\) not of the declared type or format \(row {row}\)", out), name
    assert "missing value" not in out  # a badly formatted date is not a missing one
    assert not any(v in out for v in secrets.values())
    assert re.search(r"FAILED: \d+ of \d+ column check\(s\) fail on 1000 rows; all 4 rule\(s\) hold\.$", out.strip())
    assert main(["check", "--json", str(CUSTOMER_RULES), str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    card = next(c for c in data["columns"] if (c["column"], c["check"]) == ("card_number", "format"))
    assert card["count"] == 1 and card["rows"] == [8]
    fake = tmp_path / "fake.csv"
    assert main(["sample", str(customers_model), "-n", "500", "-o", str(fake), "--seed", "2", "-q"]) == 0
    assert main(["check", str(CUSTOMER_RULES), str(fake)]) == 0  # generated values pass their own checks


def test_summary_counts_rules_and_column_checks_apart():
    from bayes_synth.dsl.report import CheckReport, ColumnProblem, RuleResult

    rules = tuple(RuleResult(i, f"rule r{i}", None, 0) for i in range(4))
    columns = tuple(ColumnProblem(f"c{i}", "min", int(i < 2)) for i in range(20))
    assert CheckReport(10, rules, columns).summary() == \
        "FAILED: 2 of 20 column check(s) fail on 10 rows; all 4 rule(s) hold."


# ------------------------------------------------------------------------------------ catalogue and page
def test_sequential_ids_and_full_names_have_validators_and_the_rest_say_why_not():
    from bayes_synth.semantic.catalogue import NOT_VALIDATED, TYPES

    seq, name = TYPES["sequential_id"].validate, TYPES["full_name"].validate
    assert seq(np.array(["1", "000123", "12a", ""], dtype=object)).tolist() == [True, True, False, False]
    assert name(np.array(["Ann Lee", "Lee, Ann", "Dr. Mary O'Neil-Smith", "ann", "12 Main St"], dtype=object)
                ).tolist() == [True, True, True, False, False]
    assert {n for n, t in TYPES.items() if t.validate is None} == set(NOT_VALIDATED)


def test_types_page_is_a_well_formed_table_with_every_cell_filled():
    rows = [line for line in (ROOT / "docs" / "types.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `")]
    assert len(rows) == len(__import__("bayes_synth.semantic.catalogue", fromlist=["TYPES"]).TYPES)
    for line in rows:
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        assert len(cells) == 8, line[:40]  # no bare | inside a name pattern
        assert all(c.strip() for i, c in enumerate(cells) if i != 2), line[:40]  # only "personal" may be blank
    detected = {re.split(r"(?<!\\)\|", ln)[1].strip(" `"): re.split(r"(?<!\\)\|", ln)[5] for ln in rows}
    assert detected["sequential_id"].strip().startswith("whole numbers under a column name")
    assert detected["full_name"].strip().startswith("the column name matches")


def test_boolean_labels_are_written_as_in_the_data():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"flag": rng.choice(["Y", "N"], 500), "g": rng.choice(["a", "b"], 500)})
    fake = quiet_fit(frame, 'column g: categorical in ["a", "b"]\n', epsilon=float("inf")).sample(200, random_state=0)
    assert set(fake["flag"]) == {"Y", "N"}
