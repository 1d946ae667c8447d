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


# ------------------------------------------------------------------ audit findings: thresholds, inputs, verdicts
def _csvs(tmp_path, **frames):
    paths = {}
    for name, frame in frames.items():
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def test_constraints_file_thresholds_drive_the_disclosure_filter_and_the_cli_overrides_them(adult_split, tmp_path):
    """`privacy min_distance = ..., rare_k = ...` is stored at fit and used by `sample --risk-filter`;
    `--min-distance` on the command line wins over the file's value."""
    train, _ = adult_split
    p = _csvs(tmp_path, real=train)
    rules, schema, model = tmp_path / "rules.bsc", tmp_path / "schema.json", tmp_path / "m.json"
    rules.write_text("privacy epsilon = 1.0, min_distance = 0.05, rare_k = 3\n")
    schema.write_text(json.dumps(SCHEMA))
    assert main(["fit", str(p["real"]), "--schema", str(schema), "--rules", str(rules), "-o", str(model),
                 "--seed", "0", "-q"]) == 0
    assert json.loads(model.read_text())["settings"]["risk_thresholds"] == {"min_distance": 0.05, "rare_k": 3}

    def sample(name, *extra):
        out = tmp_path / f"{name}.csv"
        assert main(["sample", str(model), "-n", "2000", "-o", str(out), "--seed", "1", "-q",
                     "--risk-filter", str(p["real"]), *extra]) == 0
        return json.loads(Path(str(out) + ".disclosure.json").read_text())

    from_file = sample("from_file")  # no threshold on the command line: the file's
    assert (from_file["min_distance"], from_file["rare_k"]) == (0.05, 3) and from_file["rows_cut"] > 0
    wider = sample("wider", "--min-distance", "0.2")
    assert (wider["min_distance"], wider["rare_k"]) == (0.2, 3)
    assert wider["rows_cut"] > from_file["rows_cut"]  # the same rows, a wider radius: strictly more cut here


def test_cli_min_distance_alone_filters_and_is_stamped(adult_split, tmp_path, capsys):
    train, _ = adult_split
    p = _csvs(tmp_path, real=train)
    schema, model, out = tmp_path / "schema.json", tmp_path / "m.json", tmp_path / "s.csv"
    schema.write_text(json.dumps(SCHEMA))
    assert main(["fit", str(p["real"]), "--schema", str(schema), "-o", str(model), "--seed", "0", "-q"]) == 0
    assert "risk_thresholds" not in json.loads(model.read_text())["settings"]
    assert main(["sample", str(model), "-n", "1000", "-o", str(out), "--seed", "1", "-q",
                 "--risk-filter", str(p["real"]), "--min-distance", "0.15"]) == 0
    stamp = json.loads(Path(str(out) + ".disclosure.json").read_text())
    assert stamp["min_distance"] == 0.15 and stamp["rare_k"] is None and stamp["rows_cut"] > 0
    from bayes_synth.metrics import flag_risky_rows

    kept = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(kept) == 1000 - stamp["rows_cut"]
    assert not flag_risky_rows(train, kept[list(train.columns)], min_distance=0.15).any()
    assert "min_distance=0.15" in capsys.readouterr().err


def test_a_holdout_missing_a_column_is_a_clear_error(adult_split, synthetic, tmp_path, capsys):
    train, holdout = adult_split
    p = _csvs(tmp_path, train=train, syn=synthetic, h=holdout.drop(columns=["age"]))
    code = main(["report", str(p["train"]), str(p["syn"]), "--holdout", str(p["h"]), "--target", "income",
                 "-o", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "KeyError" not in err
    assert err.startswith("bayes-synth: error: The holdout table lacks the column(s) ['age']")
    from bayes_synth.errors import ParameterError

    with pytest.raises(ParameterError, match="lacks the column"):
        bayes_synth.evaluate(train, synthetic, holdout.drop(columns=["age"]))


def test_evaluate_accepts_paths_and_reports_columns_the_tables_do_not_share(adult_split, synthetic, tmp_path,
                                                                            capsys):
    from bayes_synth.errors import BayesSynthWarning

    train, _ = adult_split
    odd = synthetic.drop(columns=["fnlwgt"]).assign(note="x")
    p = _csvs(tmp_path, train=train, syn=synthetic, odd=odd)
    data = bayes_synth.evaluate(str(p["train"]), p["syn"]).data  # a str and a Path, as Synthesizer.fit takes
    assert data["inputs"]["real_rows"] == 4000 and data["inputs"]["real_file"] == str(p["train"])
    with pytest.warns(BayesSynthWarning, match=r"lacks the real column\(s\) \['fnlwgt'\].*\['note'\]"):
        report = bayes_synth.evaluate(train, odd)
    assert report.data["inputs"]["columns_missing_in_synthetic"] == ["fnlwgt"]
    assert report.data["inputs"]["columns_only_in_synthetic"] == ["note"]
    banner = report.html().split("<h2>At a glance</h2>")[0]
    assert "lacks 1 real column(s): fnlwgt" in banner and "the real table lacks: note" in banner
    assert main(["report", str(p["train"]), str(p["odd"]), "-o", str(tmp_path / "r"), "-q"]) == 0
    err = capsys.readouterr().err
    assert "bayes-synth: warning: The synthetic table lacks the real column(s) ['fnlwgt']" in err and "note" in err


def test_exact_match_rate_without_a_holdout_has_a_band_and_flags_a_copy(adult_split, synthetic):
    train, holdout = adult_split
    copy = train.sample(frac=1, random_state=0)
    data = bayes_synth.evaluate(train, copy).data  # no holdout: as after `bayes-synth demo`
    dcr = data["privacy"]["dcr"]
    assert dcr["exact_match_rate"] == 1.0 and dcr["share_closer_to_train"] is None
    assert data["verdicts"]["exact_match_rate"]["verdict"] == "poor"
    html = bayes_synth.evaluate(train, copy).html()
    privacy_line = html.split("<b>Privacy</b>", 1)[1].split("</li>", 1)[0]
    assert "badge poor" in privacy_line and "exact match rate" in privacy_line
    assert "needs --holdout" not in html
    # the model's sample: good with and without a holdout
    assert bayes_synth.evaluate(train, synthetic).data["verdicts"]["exact_match_rate"]["verdict"] == "good"
    assert bayes_synth.evaluate(train, synthetic, holdout).data["verdicts"]["exact_match_rate"]["verdict"] == "good"
    # real rows that repeat each other (few categorical columns) are the baseline, not a leak
    coarse = train[["sex", "race", "income"]]
    fresh = bayes_synth.evaluate(coarse, holdout[["sex", "race", "income"]]).data
    assert fresh["privacy"]["dcr"]["exact_match_rate"] > 0.9
    assert fresh["verdicts"]["exact_match_rate"]["verdict"] == "good"


@pytest.fixture(scope="module")
def attack_report(adult_split, synthetic):
    train, holdout = adult_split
    return bayes_synth.evaluate(train, synthetic, holdout, target="income", attacks=True)


def test_html_shows_nested_values_in_small_tables(attack_report):
    d = attack_report.data
    html = attack_report.html()
    privacy = html.split("<h2>Privacy</h2>", 1)[1]
    dcr = privacy.split("distance to the closest training record", 1)[1].split("</table>", 1)[0]
    for who in ("synth_to_train", "holdout_to_train"):
        assert f"{d['privacy']['dcr'][who]['median']:.4f}" in dcr
    utility = html.split("<h2>Utility</h2>", 1)[1].split("<h2>Privacy</h2>", 1)[0]
    tstr = d["utility"]["tstr"]
    scores = utility.split("<th>model trained on synthetic</th>", 1)[1].split("</table>", 1)[0]
    for who in ("synthetic", "real"):
        for metric in ("accuracy", "macro_f1", "roc_auc"):
            assert f"{tstr[who][metric]:.4f}" in scores, (who, metric)
    importances = utility.split("<th>feature</th>", 1)[1].split("</table>", 1)[0]
    for feature, value in tstr["feature_importance_agreement"]["real"].items():
        assert f"<td>{feature}</td><td class='num'>{value:.4f}</td>" in importances
    # linkability's two halves joined, never a Python list
    link = privacy.split("<h3>linkability", 1)[1].split("</table>", 1)[0]
    halves = d["privacy"]["linkability"]["aux_cols"]
    assert "first half: " + ", ".join(halves[0]) in link and "[&#x27;" not in link and "['" not in link
    main_part = html.split("<main>", 1)[1].split("</main>", 1)[0].replace("&ndash;", "-")
    ET.fromstring(f"<div>{main_part}</div>")  # still well-formed


def test_look_at_uses_readable_labels():
    from bayes_synth.report.html import _glance

    verdicts = {"singling_out_multivariate": {"section": "privacy", "value": 0.5, "verdict": "poor"},
                "tvd_2way": {"section": "similarity", "value": 0.15, "verdict": "fair"}}
    glance = _glance({"verdicts": verdicts})
    assert "look at: multivariate singling-out attack risk" in glance and "look at: 2-way TVD" in glance
    assert "singling_out_multivariate" not in glance and "tvd_2way" not in glance


def test_bar_labels_are_whole_and_inside_the_picture(report):
    labels = ["Self-emp-not-inc", "[17, 19)", "Married-civ-spouse", "<missing>", "[1993-01-03, 1993-05-04)"]
    chart = svg.bars(labels, [0.2] * 5, [0.2] * 5, "x")
    root = ET.fromstring(chart)
    ns = "{http://www.w3.org/2000/svg}"
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    ticks = [t for t in root.iter(f"{ns}text") if t.get("transform")]
    assert [t.text for t in ticks] == labels
    for t in ticks:  # the text ends at (x, y) and runs down-left at 40 degrees; 0.62 em per character at most
        x, y, n = float(t.get("x")), float(t.get("y")), len(t.text) * 0.62 * 8
        assert x - n * np.cos(np.radians(40)) >= 0 and y + n * np.sin(np.radians(40)) + 2 <= height, t.text
    assert width == 420
    # the report's own charts: Adult's categories whole (they were cut to 10 characters)
    html = report.html()
    assert ">Self-emp-not-inc</text>" in html and ">Married-civ-spouse</text>" in html


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (.ci/run installs it)")
def test_bar_labels_fit_in_chromium(tmp_path):
    """Measured by the browser: every tick label's box lies inside its chart."""
    labels = ["Self-emp-not-inc", "[17, 19)", "Married-civ-spouse", "WWWWWWWWWWWWWWWW", "[1993-01-03, 1993-05-04)"]
    chart = svg.bars(labels, [0.2] * 5, [0.2] * 5, "x")
    page = tmp_path / "bars.html"
    page.write_text(
        "<!DOCTYPE html><html><body style='margin:0'><div style='width:420px'>"
        + chart.replace("<svg ", "<svg width='420' ", 1)
        + "</div><pre id='out'></pre><script>const s=document.querySelector('svg').getBoundingClientRect();"
        "const r=[...document.querySelectorAll('text[transform]')].map(t=>{const b=t.getBoundingClientRect();"
        "return [t.textContent,b.left-s.left,b.top-s.top,s.right-b.right,s.bottom-b.bottom]});"
        "document.getElementById('out').textContent='RESULT'+JSON.stringify(r)+'END';</script></body></html>")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    boxes = json.loads(dom.split("RESULT", 1)[1].split("END", 1)[0])
    assert [b[0] for b in boxes] == labels
    for name, *margins in boxes:
        assert min(margins) >= 0, (name, margins)


def test_cli_prints_a_verdict_per_area_and_fail_on_gates(adult_split, synthetic, tmp_path, capsys):
    train, _ = adult_split
    p = _csvs(tmp_path, train=train, syn=synthetic, copy=train.sample(frac=1, random_state=0))
    assert main(["report", str(p["train"]), str(p["copy"]), "-o", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "verdict, similarity: good" in out and "verdict, privacy: poor (exact match rate poor" in out
    assert main(["report", str(p["train"]), str(p["copy"]), "-o", str(tmp_path / "b"), "--fail-on", "poor"]) == 1
    captured = capsys.readouterr()
    assert "--fail-on poor: exact match rate is poor" in captured.err
    assert (tmp_path / "b" / "report.json").is_file()  # written before the gate
    verdicts = json.loads((tmp_path / "b" / "report.json").read_text())["verdicts"]
    judged = {v["verdict"] for v in bayes_synth.evaluate(train, synthetic).data["verdicts"].values()}
    code = {w: main(["report", str(p["train"]), str(p["syn"]), "-o", str(tmp_path / w), "-q", "--fail-on", w])
            for w in ("poor", "fair")}
    assert code == {"poor": int("poor" in judged), "fair": int(bool(judged & {"poor", "fair"}))}
    assert verdicts["exact_match_rate"]["verdict"] == "poor"


def test_demo_ends_with_the_report_command_and_that_command_runs(tmp_path, capsys):
    import shlex

    assert main(["demo", "-o", str(tmp_path / "demo"), "-n", "300", "--seed", "0"]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1].strip()
    argv = shlex.split(last)
    assert argv[:2] == ["bayes-synth", "report"] and argv[3] == str(tmp_path / "demo" / "adult_synthetic.csv")
    assert main(argv[1:]) == 0
    assert (tmp_path / "demo" / "report" / "report.html").is_file()
