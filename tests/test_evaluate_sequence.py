"""Sequence metrics (events per entity, gaps, transitions): hand-computed examples and planted cases
on real bank transactions (tests/data/berka_trans_sample.csv, see tests/data/README.md)."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bayes_synth
from bayes_synth.cli import main
from bayes_synth.errors import ParameterError
from bayes_synth.metrics import sequence_report

BERKA = Path(__file__).resolve().parent / "data" / "berka_trans_sample.csv"
TVDS = ("pair_tvd", "conditional_tvd", "first_event_tvd", "event_tvd")


# ------------------------------------------------------------------------------ hand-computed
def tiny():
    """Real: A = x@0 y@1 x@3, B = x@0 y@2, C = y@5 (rows shuffled); synthetic: 1 = x@0 x@1 y@2,
    2 = y@0 x@4, 3 = x@1."""
    real = pd.DataFrame({"id": ["A", "B", "A", "C", "B", "A"], "t": [3, 2, 0, 5, 0, 1],
                         "ev": ["x", "y", "x", "y", "x", "y"]})
    synth = pd.DataFrame({"id": [1, 1, 1, 2, 2, 3], "t": [0, 1, 2, 0, 4, 1], "ev": list("xxyyxx")})
    return real, synth


def test_hand_computed_counts_gaps_and_transitions():
    real, synth = tiny()
    out = sequence_report(real, synth, "id", time="t", event="ev")
    assert out["rows_used"] == {"real": 6, "synthetic": 6} and out["time_unit"] == "numbers"
    # events per entity: real {3, 2, 1}, synthetic {3, 2, 1}: identical
    counts = out["events_per_entity"]
    assert counts["tvd"] == 0 and counts["ks_statistic"] == 0 and counts["binning"] == "exact"
    assert counts["real"] == {"n": 3, "mean": 2.0, "p10": 1.2, "p50": 2.0, "p90": 2.8, "max": 3.0}
    # gaps: real [1, 2, 2] (A: 0->1->3, B: 0->2), synthetic [1, 1, 4]; cells 1, 2, 4:
    # real (1/3, 2/3, 0), synthetic (2/3, 0, 1/3): TVD = (1/3 + 2/3 + 1/3) / 2 = 2/3
    # ECDFs at 1: 1/3 vs 2/3, at 2: 1 vs 2/3, at 4: 1 vs 1: KS = 1/3
    gaps = out["event_gaps"]
    assert gaps["tvd"] == pytest.approx(2 / 3, abs=1e-6) and gaps["ks_statistic"] == pytest.approx(1 / 3, abs=1e-6)
    assert gaps["real"]["mean"] == pytest.approx(5 / 3, abs=1e-6) and gaps["synthetic"]["max"] == 4
    assert gaps["distribution"] == {"labels": ["1", "2", "4"], "real": [0.333333, 0.666667, 0.0],
                                    "synthetic": [0.666667, 0.0, 0.333333]}
    # pairs: real xy, yx, xy -> xy 2/3, yx 1/3; synthetic xx, xy, yx -> 1/3 each
    # TVD = (|0 - 1/3| + |2/3 - 1/3| + 0) / 2 = 1/3
    # next | current: real x -> y always (2 pairs), y -> x always (1 pair); synthetic x -> x or y
    # (1/2 each), y -> x: TVD(x) = 1/2, TVD(y) = 0, weighted by real pairs: (2 * 1/2 + 1 * 0) / 3 = 1/3
    # first events: real x, x, y; synthetic x, y, x: TVD 0. Events: real 3 x 3 y, synthetic 4 x 2 y: 1/6
    trans = out["event_transitions"]
    assert trans["pair_tvd"] == pytest.approx(1 / 3, abs=1e-6)
    assert trans["conditional_tvd"] == pytest.approx(1 / 3, abs=1e-6)
    assert trans["first_event_tvd"] == 0 and trans["event_tvd"] == pytest.approx(1 / 6, abs=1e-6)
    assert trans["pairs"] == {"real": 3, "synthetic": 3}
    assert trans["matrix"] == {"states": ["x", "y"], "real": [[0.0, 1.0], [1.0, 0.0]],
                               "synthetic": [[0.5, 0.5], [1.0, 0.0]]}


def test_without_time_the_order_of_the_rows_is_the_order_of_events():
    real = pd.DataFrame({"id": list("AAABBC"), "t": [0, 1, 3, 0, 2, 5], "ev": list("xyxxyy")})
    backwards = real.iloc[::-1].reset_index(drop=True)
    with_time = sequence_report(real, backwards, "id", time="t", event="ev")
    assert all(with_time["event_transitions"][k] == 0 for k in TVDS)
    assert with_time["event_gaps"]["tvd"] == 0
    # by row order, backwards: A = x y x (the same), B = y x, C = y; pairs xy, yx, yx vs real xy, yx, xy
    # TVD = (|2/3 - 1/3| + |1/3 - 2/3|) / 2 = 1/3; first events: real x, x, y vs x, y, y -> 1/3
    by_rows = sequence_report(real, backwards, "id", event="ev")
    assert by_rows["event_transitions"]["pair_tvd"] == pytest.approx(1 / 3, abs=1e-6)
    assert by_rows["event_transitions"]["first_event_tvd"] == pytest.approx(1 / 3, abs=1e-6)
    assert by_rows["event_gaps"] == {"skipped": "needs a time column (--time COL)"}
    assert by_rows["events_per_entity"]["tvd"] == 0


def test_quantile_bins_with_synthetic_values_beyond_the_real_range():
    # counts real [1, 2, 3, 4], synthetic [5, 5, 1, 1]; 5 distinct values > bins = 2, so the TVD is over
    # the real quantile bins [1, 2.5), [2.5, 4] and a cell above 4: real (1/2, 1/2, 0), synthetic
    # (1/2, 0, 1/2): TVD 1/2. ECDFs: at 1 1/4 vs 1/2, at 4 1 vs 1/2: KS 1/2
    real = pd.DataFrame({"id": [1, 2, 2, 3, 3, 3, 4, 4, 4, 4]})
    synth = pd.DataFrame({"id": [1] * 5 + [2] * 5 + [3, 4]})
    counts = sequence_report(real, synth, "id", bins=2)["events_per_entity"]
    assert counts["tvd"] == 0.5 and counts["ks_statistic"] == 0.5
    assert counts["distribution"]["labels"] == ["[1, 2.5)", "[2.5, 4]", "> 4"]
    assert counts["distribution"]["synthetic"] == [0.5, 0.0, 0.5]


def test_rows_without_entity_or_time_are_skipped_and_counted():
    real = pd.DataFrame({"id": ["a", "a", "", None, "b"], "t": ["1", "?", "2", "3", "4"]})
    out = sequence_report(real, real, "id", time="t")
    assert out["rows_used"] == {"real": 2, "synthetic": 2} and out["rows_skipped"] == {"real": 3, "synthetic": 3}
    assert out["events_per_entity"]["real"]["n"] == 2


# ------------------------------------------------------------------------------ Berka, planted
@pytest.fixture(scope="module")
def berka():
    return pd.read_csv(BERKA, dtype=str, keep_default_na=False)


def seq(real, synth, **kw):
    return sequence_report(real, synth, "account_id", time="date", event="operation", **kw)


def resample_entities(real, seed):
    """Whole accounts drawn with replacement, each draw a new account keeping its sequence."""
    ids = real["account_id"].unique()
    pick = np.random.default_rng(seed).choice(ids, len(ids), replace=True)
    rows = {a: np.flatnonzero(real["account_id"].to_numpy() == a) for a in ids}
    order = np.concatenate([rows[a] for a in pick])
    out = real.iloc[order].reset_index(drop=True)
    out["account_id"] = np.repeat([f"{a}-{i}" for i, a in enumerate(pick)], [len(rows[a]) for a in pick])
    return out


def shuffle_events(real, seed):
    """The operation column permuted over the whole table: the same marginal, no transitions."""
    out = real.copy()
    out["operation"] = np.random.default_rng(seed).permutation(out["operation"].to_numpy())
    return out


def test_berka_sample_is_small_and_as_documented(berka):
    assert BERKA.stat().st_size < 200_000 and berka["account_id"].nunique() == 80
    assert list(berka.columns) == ["account_id", "date", "type", "operation", "amount", "balance"]


def test_a_copy_has_every_sequence_tvd_exactly_zero(berka):
    out = seq(berka, berka.copy())
    assert out["time_unit"] == "days" and out["rows_skipped"] == {"real": 0, "synthetic": 0}
    for key in ("events_per_entity", "event_gaps"):
        assert out[key]["tvd"] == 0 and out[key]["ks_statistic"] == 0 and out[key]["real"] == out[key]["synthetic"]
    assert all(out["event_transitions"][k] == 0 for k in TVDS)
    assert out["event_transitions"]["matrix"]["real"] == out["event_transitions"]["matrix"]["synthetic"]
    # the table order does not matter for counts and gaps once events are ordered by time
    shuffled = seq(berka, berka.sample(frac=1, random_state=0))
    assert shuffled["events_per_entity"]["tvd"] == 0 and shuffled["event_gaps"]["tvd"] == 0


def test_shuffled_events_lose_transitions_whole_entity_resamples_do_not(berka):
    shuffled = [seq(berka, shuffle_events(berka, s))["event_transitions"] for s in range(3)]
    resampled = [seq(berka, resample_entities(berka, s))["event_transitions"] for s in range(3)]
    for t in shuffled:  # the construction keeps the marginal of events exactly
        assert t["event_tvd"] == 0
    for key in ("pair_tvd", "conditional_tvd"):
        assert min(t[key] for t in shuffled) > max(t[key] for t in resampled) > 0


def test_one_event_per_entity_is_far_from_the_real_counts(berka):
    one = berka.drop_duplicates("account_id")
    out = seq(berka, one)
    counts = out["events_per_entity"]
    real_counts = berka.groupby("account_id").size()
    # every synthetic entity has 1 event: KS = 1 - F_real(1); the TVD is 1 - the real share of the cell of 1
    assert counts["ks_statistic"] == pytest.approx(1 - (real_counts == 1).mean(), abs=1e-6)
    dist = counts["distribution"]
    cell = dist["synthetic"].index(1.0)
    assert counts["tvd"] == pytest.approx(1 - dist["real"][cell], abs=1e-6) and counts["tvd"] > 0.9
    # no synthetic gaps or pairs at all: their TVDs are 1, every state counts as never left
    assert out["event_gaps"]["tvd"] == 1 and out["event_gaps"]["ks_statistic"] is None
    assert out["event_transitions"]["pair_tvd"] == 1 and out["event_transitions"]["conditional_tvd"] == 1
    assert out["event_transitions"]["pairs"]["synthetic"] == 0


def test_gaps_from_date_strings_equal_those_from_parsed_dates(berka):
    synth = resample_entities(berka, 1)
    parsed_real = berka.assign(date=pd.to_datetime(berka["date"]))
    parsed_synth = synth.assign(date=pd.to_datetime(synth["date"]).dt.tz_localize("Etc/GMT-1"))  # a fixed UTC+1
    text, parsed = seq(berka, synth)["event_gaps"], seq(parsed_real, parsed_synth)["event_gaps"]
    assert text == parsed
    # and they are the days between consecutive transactions of an account (pandas, independently)
    days = parsed_real.sort_values(["account_id", "date"], kind="stable").groupby("account_id")["date"].diff()
    days = days.dropna().dt.days
    assert text["real"]["n"] == len(days) and text["real"]["max"] == days.max()
    assert text["real"]["mean"] == pytest.approx(days.mean(), abs=1e-6)


# ------------------------------------------------------------------------------ report and CLI
def test_evaluate_adds_a_sequence_section(berka):
    synth = resample_entities(berka, 2)
    report = bayes_synth.evaluate(berka, synth, sequence={"entity": "account_id", "time": "date",
                                                          "event": "operation"})
    data = json.loads(report.to_json())
    assert data["sequence"] == seq(berka, synth)
    assert {"events_per_entity", "event_gaps", "event_transitions"} <= set(data["explanations"])
    assert "sequence" in data["timings_s"]
    assert "sequence" not in bayes_synth.evaluate(berka, synth).data
    html = report.html()
    section = html[html.index("<h2>Sequences</h2>"):html.index("<h2>What the metrics mean</h2>")]
    ET.fromstring(f"<div>{section}</div>")  # the added section is well-formed (so are its SVG charts)
    assert section.count("<svg") >= 2 + 3 + 4  # gauges, two bar charts, three transition heatmaps
    assert "Good:" in section and "events_per_entity" in section


def test_cli_report_with_sequence_columns(berka, tmp_path, capsys):
    real, synth = tmp_path / "real.csv", tmp_path / "synth.csv"
    berka.to_csv(real, index=False)
    shuffle_events(berka, 0).to_csv(synth, index=False)
    out = tmp_path / "rep"
    assert main(["report", str(real), str(synth), "-o", str(out), "--entity", "account_id", "--time", "date",
                 "--event", "operation"]) == 0
    assert "sequence: events per entity TVD 0.000" in capsys.readouterr().out
    data = json.loads((out / "report.json").read_text())
    assert data["sequence"]["entity"] == "account_id" and data["sequence"]["time_unit"] == "days"
    assert data["sequence"]["event_gaps"]["tvd"] == 0 < data["sequence"]["event_transitions"]["pair_tvd"]
    assert "<h2>Sequences</h2>" in (out / "report.html").read_text()
    assert main(["report", str(real), str(synth), "-o", str(tmp_path / "plain"), "-q"]) == 0
    assert "<h2>Sequences</h2>" not in (tmp_path / "plain" / "report.html").read_text()


def test_cli_time_or_event_without_entity_is_a_usage_error(berka, tmp_path, capsys):
    real = tmp_path / "real.csv"
    berka.to_csv(real, index=False)
    assert main(["report", str(real), str(real), "-o", str(tmp_path / "r"), "--time", "date"]) == 2
    err = capsys.readouterr().err
    assert "usage: bayes-synth report" in err and "--time needs --entity COL" in err
    assert not (tmp_path / "r").exists()
    assert main(["report", str(real), str(real), "-o", str(tmp_path / "r"), "--entity", "account",
                 "--event", "operation"]) == 2
    err = capsys.readouterr().err
    assert "The entity column 'account' is not a column of the real table" in err and "account_id" in err


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"entity": "nope"}, "The entity column 'nope' is not a column of the real table"),
    ({"entity": "account_id", "event": "kind"}, "The event column 'kind' is not a column of the real table"),
    ({"entity": "account_id", "time": "type"}, "The time column 'type' of the real table is neither numbers nor "
                                               "dates: 2947 of 2947 cells do not parse"),
    ({"entity": "account_id", "time": "account_id"}, "must be different columns"),
    ({"entity": None}, "need an entity column"),
    ({"entity": "account_id", "bins": 0}, "bins must be a whole number >= 1"),
])
def test_bad_columns_are_reported_clearly(berka, kwargs, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        sequence_report(berka, berka, **kwargs)


def test_bad_inputs_name_the_table_and_the_fix(berka):
    with pytest.raises(ParameterError, match="not a column of the synthetic table.*Pass --event"):
        sequence_report(berka, berka.drop(columns="type"), "account_id", event="type")
    numbers = berka.assign(date=np.arange(len(berka)))
    with pytest.raises(ParameterError, match="holds dates in the real table but numbers in the synthetic one"):
        sequence_report(berka, numbers, "account_id", time="date")
    with pytest.raises(ParameterError, match="sequence must be a dict with the key 'entity'"):
        bayes_synth.evaluate(berka, berka, sequence={"time": "date"})
    with pytest.raises(ParameterError, match="The time column 'amount' is not a column of the synthetic table"):
        bayes_synth.evaluate(berka, berka.drop(columns="amount"), sequence={"entity": "account_id", "time": "amount"})


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (.ci/run installs it)")
def test_sequence_report_renders_in_headless_chromium(berka, tmp_path):
    report = bayes_synth.evaluate(berka, shuffle_events(berka, 0),
                                  sequence={"entity": "account_id", "time": "date", "event": "operation"})
    _, html_path = report.save(tmp_path)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    run = subprocess.run(["chromium", *flags, "--dump-dom", html_path.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert "<h2>Sequences</h2>" in run.stdout and run.stdout.count("<svg") >= 20
    console = [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
