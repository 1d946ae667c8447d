"""The quality and risk report: one result, as JSON and as an HTML page that renders in a browser."""

import json
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bayes_synth
from bayes_synth import Synthesizer
from bayes_synth.cli import main
from bayes_synth.report import svg
from bayes_synth.report.explain import METRICS, render_markdown

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA = json.loads((ROOT / "examples" / "adult_schema.json").read_text())


@pytest.fixture(scope="module")
def adult_split():
    data = pd.read_csv(ADULT, dtype=str, keep_default_na=False)
    order = np.random.default_rng(0).permutation(len(data))
    return data.iloc[order[:4000]].reset_index(drop=True), data.iloc[order[4000:8000]].reset_index(drop=True)


@pytest.fixture(scope="module")
def synthetic(adult_split):
    train, _ = adult_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = Synthesizer(epsilon=1.0, schema=SCHEMA, random_state=0).fit(train)
    return synth.sample(4000, random_state=1)


@pytest.fixture(scope="module")
def report(adult_split, synthetic):
    train, holdout = adult_split
    return bayes_synth.evaluate(train, synthetic, holdout, target="income")


def test_svg_charts_are_well_formed_xml():
    for chart in (svg.bars(["a", "<b>"], [0.2, 0.8], [0.3, 0.7], "x & y"),
                  svg.heatmap(["a", "b"], np.array([[1, 0.2], [0.2, 1]]), "mi"), svg.meter(0.3, "m", 0, 1)):
        root = ET.fromstring(chart)
        assert root.tag.endswith("svg") and root.find("{http://www.w3.org/2000/svg}title") is not None


def test_report_has_every_section_and_is_json(report):
    data = json.loads(report.to_json())
    assert data["inputs"]["real_rows"] == 4000 and data["inputs"]["target"] == "income"
    sim, util, priv = data["similarity"], data["utility"], data["privacy"]
    assert 0 <= sim["tvd_1way"] <= sim["tvd_2way"] + 0.05 and sim["tvd_2way"] < 0.3
    assert 0.5 < util["tstr"]["ratio"] <= 1.2
    assert 0.3 < priv["dcr"]["share_closer_to_train"] < 0.7
    assert 0.3 < priv["membership_inference"]["auc"] < 0.7
    assert set(data["explanations"]) == set(METRICS)


def test_a_copy_of_the_training_data_is_flagged(adult_split):
    train, holdout = adult_split
    data = bayes_synth.evaluate(train, train.sample(frac=1, random_state=0), holdout).data
    assert data["privacy"]["dcr"]["exact_match_rate"] > 0.9
    assert data["privacy"]["dcr"]["share_closer_to_train"] > 0.9
    assert data["privacy"]["membership_inference"]["auc"] > 0.9


def test_verdicts_judge_a_copy_poor_and_say_what_was_not_measured(adult_split, report):
    train, holdout = adult_split
    copy = bayes_synth.evaluate(train, train.sample(frac=1, random_state=0), holdout, attacks=True).data
    v = copy["verdicts"]
    # a copy is perfectly similar and plainly unsafe: distances, membership and the attacks say so
    assert v["tvd_1way"]["verdict"] == "good"
    for key in ("share_closer_to_train", "membership_inference", "inference", "linkability"):
        assert v[key]["verdict"] == "poor", (key, v[key])
    # the model's sample: every privacy verdict good (no holdout-free privacy metric says otherwise)
    fitted = report.data["verdicts"]
    assert all(x["verdict"] == "good" for x in fitted.values() if x["section"] == "privacy"), fitted
    html = report.html()
    glance = html.split("Not measured", 1)[1].split("</li>", 1)[0]  # it has a holdout and a target
    assert "--attacks" in glance and "--entity" in glance and "--target" not in glance


def test_html_is_self_contained_and_readable(report, tmp_path):
    json_path, html_path = report.save(tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert html.count("<svg") >= 15 + 3  # one chart per column, the heatmaps, the gauges
    for key in METRICS:
        assert key in html
    assert "Good:" in html and "Membership attack AUC" in html
    assert json.loads(json_path.read_text())["format"] == "bayes_synth.report"


def test_cli_report_and_the_void_stamp_of_a_disclosure_filter(adult_split, tmp_path, capsys):
    train, holdout = adult_split
    real, held, model, out = tmp_path / "real.csv", tmp_path / "hold.csv", tmp_path / "m.json", tmp_path / "s.csv"
    train.to_csv(real, index=False)
    holdout.to_csv(held, index=False)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    assert main(["fit", str(real), "--schema", str(schema), "-o", str(model), "--seed", "0", "-q"]) == 0
    assert main(["sample", str(model), "-n", "3000", "-o", str(out), "--seed", "1", "-q", "--risk-filter", str(real),
                 "--rare-k", "3", "--risk-columns", "age,education,occupation,native-country"]) == 0
    err = capsys.readouterr().err
    stamp = json.loads(Path(str(out) + ".disclosure.json").read_text())
    assert stamp["dp_guarantee"] == "void" and stamp["rows_cut"] > 0 and f"cut {stamp['rows_cut']} of 3000" in err
    assert len(pd.read_csv(out)) == 3000 - stamp["rows_cut"]
    # the void status travels with the table: in its ledger and in its model card
    assert stamp["ledger"]["dp_guarantee"] == "void"
    assert stamp["ledger"]["entries"][-1]["query_kind"] == "disclosure_filter"
    card = Path(str(out) + ".card.md").read_text()
    assert stamp["model_card"] == out.name + ".card.md" and "VOID" in card
    assert "VOID" not in main_card(model)  # the saved model itself is untouched
    assert main(["report", str(real), str(out), "--holdout", str(held), "--target", "income", "--attacks",
                 "-o", str(tmp_path / "rep")]) == 0
    written = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert written["privacy"]["inference"]["secret"] == "income" and "linkability" in written["verdicts"]
    printed = capsys.readouterr().out
    assert "DP guarantee void" in printed
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "DP guarantee void" in html and f"cut {stamp['rows_cut']} of 3000" in html


def main_card(model_path) -> str:
    from bayes_synth import load_model

    return load_model(model_path).model_.model_card()


def test_disclosure_filter_cuts_rare_combinations_and_voids_the_ledger(adult_split, synthetic):
    from bayes_synth.disclosure import filter_disclosure
    from bayes_synth.privacy.ledger import Ledger

    train, _ = adult_split
    ledger = Ledger(1.0)
    columns = ["age", "education", "occupation"]
    kept, cut = filter_disclosure(synthetic, train, rare_k=2, columns=columns, ledger=ledger)
    counts = train.groupby(columns).size()
    singles = set(counts[counts < 2].index)
    assert not any(tuple(r) in singles for r in kept[columns].astype(str).itertuples(index=False))
    assert cut.rows_cut == len(synthetic) - len(kept) > 0
    assert ledger.void and ledger.to_dict()["dp_guarantee"] == "void"
    assert "DP guarantee void" in ledger.entries[-1].note


def test_metrics_doc_is_current():
    assert (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8") == render_markdown(), \
        "regenerate: python -m bayes_synth.report.explain > docs/metrics.md"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (.ci/run installs it)")
def test_html_renders_in_headless_chromium_with_plots_and_no_console_errors(report, tmp_path):
    _, html_path = report.save(tmp_path)
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    def screenshot(page: Path, png: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["chromium", *flags, f"--screenshot={png}", "--window-size=1280,2200", page.as_uri()],
                              capture_output=True, text=True, timeout=120)

    run = screenshot(html_path, shot)
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", run.stderr[-2000:]
    console = [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    blank_page, blank = tmp_path / "blank.html", tmp_path / "blank.png"
    blank_page.write_text("<!DOCTYPE html><html><body></body></html>")
    screenshot(blank_page, blank)
    # a page of plots compresses far worse than an empty one of the same size, rendered in the same run
    assert shot.stat().st_size > 10 * blank.stat().st_size, (shot.stat().st_size, blank.stat().st_size)
    dom = subprocess.run(["chromium", *flags, "--dump-dom", html_path.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert dom.count("<svg") >= 18 and "Synthetic data quality and risk report" in dom
