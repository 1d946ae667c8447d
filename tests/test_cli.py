"""The ``bayes-synth`` command, run in-process through ``bayes_synth.cli.main``.

Fast: a 2,000-row slice of the bundled Adult file, mostly with ``--epsilon inf``; one test runs the
real ``demo`` (full fit, 2,000 sampled rows).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth import summary
from bayes_synth.cli import ADULT_HEADER, main

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA = ROOT / "examples" / "adult_schema.json"
N_SLICE = 2_000

# Library bug (reported to the lead): a saved model whose columns are not in alphabetical order
# cannot be loaded back ("$.schema and $.codecs name different columns"), because the canonical
# JSON writer sorts the keys of the "schema" object. Every test that loads a model file fails until
# that is fixed; strict, so the marker must be removed once it is.


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory) -> Path:
    """The first 2,000 rows of the Adult file, byte for byte."""
    path = tmp_path_factory.mktemp("data") / "adult_small.csv"
    with open(ADULT, "rb") as src:
        lines = [src.readline() for _ in range(N_SLICE + 1)]
    path.write_bytes(b"".join(lines))
    return path


@pytest.fixture(scope="module")
def model_file(small_csv, tmp_path_factory) -> Path:
    """A no-noise model of the slice (declared schema, so no inference warning)."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    code = main(
        [
            "fit",
            str(small_csv),
            "-o",
            str(path),
            "--epsilon",
            "inf",
            "--schema",
            str(SCHEMA),
            "--quiet",
        ]
    )
    assert code == 0
    return path


def err_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def assert_one_error(capsys, *needles: str) -> str:
    lines = [ln for ln in err_lines(capsys) if not ln.startswith("bayes-synth: warning:")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("bayes-synth: error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------ round trip
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_fit_then_sample_round_trip(small_csv, tmp_path, capsys, monkeypatch, suffix):
    monkeypatch.setattr("bayes_synth.synthesizer.SAMPLE_CHUNK", 500)  # several chunks
    model = tmp_path / "m.json"
    assert main(["fit", str(small_csv), "-o", str(model), "--epsilon", "inf", "--quiet"]) == 0
    out = tmp_path / f"fake{suffix}"
    assert main(["sample", str(model), "-n", "1234", "-o", str(out), "--seed", "1"]) == 0
    assert "1,234" in capsys.readouterr().out
    fake = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(fake.columns) == ADULT_HEADER.split(",")
    assert len(fake) == 1234
    assert not list(tmp_path.glob(".*.tmp"))


def test_sample_zero_rows(model_file, tmp_path):
    out = tmp_path / "empty.csv"
    assert main(["sample", str(model_file), "-n", "0", "-o", str(out), "--quiet"]) == 0
    assert out.read_text().strip() == ADULT_HEADER


def test_sample_is_reproducible_with_seed(model_file, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        assert (
            main(["sample", str(model_file), "-n", "300", "-o", str(out), "--seed", "7", "-q"]) == 0
        )
    assert a.read_bytes() == b.read_bytes()


def test_fit_summary_no_noise(small_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    assert main(["fit", str(small_csv), "-o", str(model), "--epsilon", "inf"]) == 0
    captured = capsys.readouterr()
    assert "columns: 15" in captured.out
    assert "edges" in captured.out
    assert "NOT differentially private" in captured.out
    warning = [ln for ln in captured.err.splitlines() if ln.startswith("bayes-synth: warning:")]
    assert len(warning) == 2
    assert "NOT differentially private" in warning[0] and "inferred" in warning[1]
    assert json.loads(model.read_text())["format"] == "bayes_synth.model"


def test_fit_summary_dp_with_schema_and_seed(small_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    code = main(
        [
            "fit",
            str(small_csv),
            "-o",
            str(model),
            "--epsilon",
            "2",
            "--schema",
            str(SCHEMA),
            "--seed",
            "0",
            "--max-parents",
            "2",
            "--bins",
            "8",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "epsilon spent 2 of budget 2" in captured.out
    assert "SEEDED" in captured.out
    assert "at most 2 parent(s)" in captured.out
    assert "bayes-synth: warning: A fixed random_state" in captured.err


def test_sample_warns_about_a_seeded_model(small_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    code = main(["fit", str(small_csv), "-o", str(model), "--epsilon", "inf", "--seed", "0",
                 "--schema", str(SCHEMA), "-q"])
    assert code == 0
    capsys.readouterr()
    assert main(["sample", str(model), "-n", "5", "-o", str(tmp_path / "s.csv"), "-q"]) == 0
    assert "NOT differentially private" in capsys.readouterr().err


def test_fit_reports_ingest_problems(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("n,c\n" + "".join(f"{i % 7},{'xy'[i % 2]}\n" for i in range(200)) + "oops,x\n")
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"n": {"kind": "integer"}, "c": {"kind": "categorical"}}))
    code = main(
        [
            "fit",
            str(data),
            "-o",
            str(tmp_path / "m.json"),
            "--epsilon",
            "inf",
            "--schema",
            str(schema),
        ]
    )
    assert code == 0
    assert "ingest: column 'n': 1 cell(s) could not be parsed" in capsys.readouterr().out


# ----------------------------------------------------------------------------- refusing to write
def test_fit_refuses_existing_model_without_force(small_csv, tmp_path, capsys):
    model = tmp_path / "m.json"
    model.write_bytes(b"keep me")
    assert main(["fit", str(small_csv), "-o", str(model), "--epsilon", "inf", "-q"]) == 2
    assert_one_error(capsys, "exists already", "--force")
    assert model.read_bytes() == b"keep me"
    assert main(["fit", str(small_csv), "-o", str(model), "--epsilon", "inf", "-q", "--force"]) == 0
    assert model.read_bytes() != b"keep me"


def test_sample_refuses_existing_output_without_force(model_file, tmp_path, capsys):
    out = tmp_path / "s.csv"
    out.write_bytes(b"keep me")
    assert main(["sample", str(model_file), "-n", "10", "-o", str(out)]) == 2
    assert_one_error(capsys, "exists already")
    assert out.read_bytes() == b"keep me"


def test_sample_force_replaces_output(model_file, tmp_path):
    out = tmp_path / "s.csv"
    out.write_bytes(b"keep me")
    assert main(["sample", str(model_file), "-n", "10", "-o", str(out), "--force", "-q"]) == 0
    assert len(pd.read_csv(out)) == 10


def test_fit_refuses_to_write_onto_its_data(small_csv, tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_bytes(small_csv.read_bytes())
    before = data.read_bytes()
    sneaky = tmp_path / "sub" / ".." / "data.csv"
    (tmp_path / "sub").mkdir()
    for target in (data, sneaky):
        code = main(["fit", str(data), "-o", str(target), "--epsilon", "inf", "--force", "-q"])
        assert code == 2
        assert_one_error(capsys, "Refusing to write")
    assert data.read_bytes() == before


def test_fit_refuses_to_write_onto_its_schema(small_csv, tmp_path, capsys):
    schema = tmp_path / "schema.json"
    schema.write_bytes(SCHEMA.read_bytes())
    code = main(
        [
            "fit",
            str(small_csv),
            "-o",
            str(schema),
            "--schema",
            str(schema),
            "--epsilon",
            "inf",
            "--force",
            "-q",
        ]
    )
    assert code == 2
    assert_one_error(capsys, "Refusing to write")
    assert schema.read_bytes() == SCHEMA.read_bytes()


def test_sample_refuses_to_write_onto_its_model(model_file, tmp_path, capsys):
    model = tmp_path / "model.csv"  # a model file with a table extension
    model.write_bytes(model_file.read_bytes())
    code = main(["sample", str(model), "-n", "10", "-o", str(model), "--force"])
    assert code == 2
    assert_one_error(capsys, "Refusing to write")
    assert model.read_bytes() == model_file.read_bytes()


# ------------------------------------------------------------------------------------------ errors
def test_unknown_input_type(tmp_path, capsys):
    data = tmp_path / "data.txt"
    data.write_text("a,b\n1,2\n")
    assert main(["fit", str(data), "-o", str(tmp_path / "m.json")]) == 2
    assert_one_error(capsys, "unknown file type '.txt'")


def test_unknown_output_type(model_file, tmp_path, capsys):
    out = tmp_path / "fake.xlsx"
    assert main(["sample", str(model_file), "-n", "10", "-o", str(out)]) == 2
    assert_one_error(capsys, "unsupported extension '.xlsx'")
    assert not out.exists()


def test_malformed_csv(tmp_path, capsys):
    data = tmp_path / "bad.csv"
    data.write_text("a,b\n1,2\n3,4,5\n")
    assert main(["fit", str(data), "-o", str(tmp_path / "m.json"), "--epsilon", "inf"]) == 2
    assert_one_error(capsys, "malformed CSV")
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["fit", "{tmp}/missing.csv", "-o", "{tmp}/m.json"],
        ["fit", "{data}", "-o", "{tmp}/m.json", "--schema", "{tmp}/missing.json"],
        ["sample", "{tmp}/missing.json", "-n", "5", "-o", "{tmp}/s.csv"],
        ["fit", "{data}", "-o", "{tmp}/no_such_dir/m.json"],
    ],
)
def test_missing_files(command, small_csv, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, data=small_csv) for a in command]
    assert main(argv) == 2
    assert_one_error(capsys)


def test_malformed_model_file(tmp_path, capsys):
    model = tmp_path / "m.json"
    model.write_text('{"format": "bayes_synth.model", "format_version": 1,\n "x": NaN}')
    assert main(["sample", str(model), "-n", "5", "-o", str(tmp_path / "s.csv")]) == 2
    assert_one_error(capsys, "NaN")


def test_multi_line_error_becomes_one_line(small_csv, tmp_path, capsys):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"age": {"kind": "integr"}, "sex": {"kind": "boolean", "min": 1}}))
    assert (
        main(["fit", str(small_csv), "-o", str(tmp_path / "m.json"), "--schema", str(schema)]) == 2
    )
    line = assert_one_error(capsys, "Invalid schema", "'age'", "'sex'")
    assert "\n" not in line


@pytest.mark.parametrize("value", ["0", "-1", "nan", "-inf", "abc"])
def test_bad_epsilon(value, small_csv, tmp_path, capsys):
    assert main(["fit", str(small_csv), "-o", str(tmp_path / "m.json"), "--epsilon", value]) == 2
    assert "epsilon" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["fit"],
        ["sample", "m.json", "-o", "x.csv"],
        ["sample", "m.json", "-n", "-3", "-o", "x.csv"],
        ["fit", "d.csv", "-o", "m.json", "--delta", "1"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "0.1.0" in capsys.readouterr().out


def test_keyboard_interrupt_exits_130(small_csv, tmp_path, capsys, monkeypatch):
    def interrupted(self, data):
        raise KeyboardInterrupt

    monkeypatch.setattr("bayes_synth.synthesizer.Synthesizer.fit", interrupted)
    assert main(["fit", str(small_csv), "-o", str(tmp_path / "m.json")]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_broken_pipe_exits_quietly(model_file, capsys, monkeypatch):
    """`bayes-synth inspect MODEL | head`: the reader leaves; no 'cannot access: Broken pipe', exit 141."""

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())  # no file descriptor: nothing to redirect
    assert main(["inspect", str(model_file)]) == 141
    assert main(["audit", str(model_file)]) == 141
    monkeypatch.undo()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [["inspect"], ["inspect", "--graph", "mermaid"], ["audit"]])
def test_broken_pipe_in_a_real_pipe(model_file, argv):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "bayes_synth", argv[0], str(model_file), *argv[1:]]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == "", err  # neither 'error: cannot access: Broken pipe' nor Python's 'Exception ignored'


def test_python_dash_m_help():
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-m", "bayes_synth", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("fit", "sample", "demo"):
        assert command in done.stdout


# -------------------------------------------------------------------------------------------- demo
def test_demo_writes_files_and_prints_summary(tmp_path, capsys):
    outdir = tmp_path / "demo"
    assert main(["demo", "-o", str(outdir), "-n", "2000", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    fake = pd.read_csv(outdir / "adult_synthetic.csv")
    assert list(fake.columns) == ADULT_HEADER.split(",") and len(fake) == 2000
    model = json.loads((outdir / "adult_model.json").read_text())
    assert model["format"] == "bayes_synth.model" and model["settings"]["epsilon"] == 1.0
    for needle in (
        "epsilon spent 1 of budget 1",
        "income",
        ">50K",
        "hours-per-week",
        "median",
        "Mean 1-way TVD",
    ):
        assert needle in out
    tvd = float(out.split("real data): ")[1].split()[0])
    assert 0 <= tvd < 0.2


def test_demo_never_overwrites_a_foreign_file(tmp_path, capsys):
    outdir = tmp_path / "demo"
    outdir.mkdir()
    foreign = outdir / "adult_synthetic.csv"
    foreign.write_text("my,own\n1,2\n")
    assert main(["demo", "-o", str(outdir), "-n", "10", "-q"]) == 2
    assert_one_error(capsys, "not an output of an earlier demo run")
    assert foreign.read_text() == "my,own\n1,2\n"
    assert not (outdir / "adult_model.json").exists()


# ----------------------------------------------------------------------------------------- summary
def test_tvd_identical_and_disjoint():
    real = pd.DataFrame({"a": ["x", "y", None, "y"], "n": [1.0, 2.0, 3.0, np.nan]})
    assert summary.tvd_1way(real, real.copy(), numeric=["n"]).tolist() == [0.0, 0.0]
    other = pd.DataFrame({"a": ["z"] * 3, "n": [np.nan] * 3})  # n: 1/4 of real is missing too
    assert summary.tvd_1way(real, other, numeric=["n"]).tolist() == [1.0, 0.75]


def test_tvd_numeric_bins_are_real_quantiles():
    real = pd.DataFrame({"n": np.arange(100.0)})
    shifted = pd.DataFrame({"n": np.arange(100.0) + 50})  # half lands in the last real bin
    assert summary.tvd_1way(real, shifted, numeric=["n"], n_bins=2)["n"] == pytest.approx(0.5)
    assert summary.tvd_1way(real, real + 0.1, numeric=["n"], n_bins=20)["n"] < 0.05


def test_category_shares_and_numeric_table():
    real = pd.Series(["a", "a", "b", None])
    fake = pd.Series(["b", "c", "c", "c"])
    shares = summary.category_shares(real, fake, top=2)
    assert shares.to_dict("index") == {
        "a": {"real": 0.5, "synthetic": 0.0},
        "b": {"real": 0.25, "synthetic": 0.25},
    }
    table = summary.numeric_table(
        pd.DataFrame({"x": [1, 2, 3]}),
        pd.DataFrame({"x": pd.array([3, None, 3], dtype="Int64")}),
        ["x"],
    )
    assert table.loc[("x", "real"), "median"] == 2.0
    assert table.loc[("x", "synthetic"), "mean"] == 3.0
    assert table.loc[("x", "synthetic"), "missing"] == pytest.approx(1 / 3)


def test_bank_example_fits_samples_and_checks(tmp_path, capsys):
    """examples/bank.bsc had no data to run on: examples/data/bank.csv (tools/build_bank_example.py)."""
    data, rules = Path("examples/data/bank.csv"), Path("examples/bank.bsc")
    assert data.stat().st_size < 100_000
    assert main(["check", str(rules), str(data), "-q"]) == 0  # the made-up accounts follow the rules
    model, out = tmp_path / "bank-model.json", tmp_path / "synthetic-bank.csv"
    assert main(["fit", str(data), "--rules", str(rules), "-o", str(model), "--seed", "1", "-q"]) == 0
    assert main(["sample", str(model), "-n", "1000", "-o", str(out), "--seed", "2", "-q"]) == 0
    assert main(["check", str(rules), str(out)]) == 0, capsys.readouterr().out
    fake = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(fake) == 1000
    assert {"annual_interest", "matures", "age_band"} <= set(fake.columns)
    assert (fake.loc[fake["product"].isin(["current", "savings"]), "term_months"] == "").all()
    credit = fake["product"].isin(["loan", "mortgage"])
    assert credit.any() and (fake.loc[credit, "term_months"] != "").all()  # demanded: not left missing
    assert (fake["balance"] != "").all()
    assert fake["account_id"].str.fullmatch(r"ACC-\d{6}").all()  # the escaped A stays a letter A
    assert set(fake["employed"]) == {"true", "false"}  # a declared boolean keeps the data's words, not True/False
    named = fake[(fake["customer_name"] != "") & (fake["email"] != "")]
    last = named["customer_name"].str.split().str[-1].str.lower().str.replace(r"[^a-z]", "", regex=True)
    local = named["email"].str.split("@").str[0]
    assert len(named) > 500
    assert all(b in a for a, b in zip(local, last, strict=True))  # email built from the entity's full name
