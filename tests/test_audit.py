"""``bayes-synth audit``: a fresh model passes; tampered copies fail with a specific reason; exit codes.

The audit must also explain files the strict loader refuses (over budget, a row not summing to 1, a
cycle), so each tampering below is checked for the audit's own reason, not only the loader's.
"""

from __future__ import annotations

import copy
import json
import re
import warnings
from fractions import Fraction
from pathlib import Path

import pytest

from bayes_synth import Synthesizer
from bayes_synth.errors import PrivacyWarning
from bayes_synth.ingest import read_table
from bayes_synth.inspect import cli as inspect_cli
from bayes_synth.inspect.audit import audit_data, audit_file, find_cycle
from bayes_synth.inspect.examples import tiny_model
from bayes_synth.inspect.kinds import DOCUMENTED
from bayes_synth.modelfile import model_to_dict, save_model
from bayes_synth.privacy.ledger import QUERY_KINDS

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA = json.loads((ROOT / "examples" / "adult_schema.json").read_text())
PRIVACY_DOC = ROOT / "docs" / "privacy.md"
COLUMNS = ["age", "sex", "relationship", "income", "hours-per-week"]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    """A model fitted without a seed (a releasable DP model) and saved."""
    frame = read_table(ADULT).iloc[:2000][COLUMNS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrivacyWarning)
        synth = Synthesizer(epsilon=1.0, schema={c: SCHEMA[c] for c in COLUMNS}).fit(frame)
    return synth.save(tmp_path_factory.mktemp("audit") / "model.json")


@pytest.fixture()
def data(model_path) -> dict:
    return json.loads(model_path.read_text())


def tampered(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    return path


def run(argv: list[str], capsys) -> tuple[int, str]:
    code = inspect_cli.main(argv)
    return code, capsys.readouterr().out


# ------------------------------------------------------------------------------------------- passes
def test_fresh_model_passes(model_path, capsys):
    code, out = run(["audit", str(model_path)], capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("PASS")
    assert not any(ln.strip().startswith("fail") for ln in lines)
    assert any("ledger:" in ln and "exact fractions" in ln for ln in lines)
    assert not any(ln.strip().startswith("note") for ln in lines)  # DP, not seeded, not void
    result = audit_file(model_path)  # the Python API says the same
    assert (result.verdict, result.exit_code, result.lines()) == ("PASS", 0, lines)


def test_json_output(model_path, capsys):
    code, out = run(["audit", str(model_path), "--json"], capsys)
    result = json.loads(out)
    assert code == 0 and result["verdict"] == "PASS" and result["failures"] == []


def test_not_dp_and_seeded_pass_with_notes_or_fail_when_dp_required(tmp_path, capsys):
    path = save_model(tiny_model(float("inf"), seeded=True), tmp_path / "m.json")
    code, out = run(["audit", str(path)], capsys)
    assert code == 0 and "note   NOT DP (epsilon = inf)" in out and "seeded noise" in out
    code, out = run(["audit", str(path), "--require-dp"], capsys)
    assert code == 1 and "fail   NOT DP" in out


def test_void_guarantee_is_noted(tmp_path):
    model = tiny_model()
    model.ledger.charge("disclosure_filter", ("age",), "none: reads the real data (no DP)", 0, Fraction(0))
    data = model_to_dict(model)
    result = audit_data(data)
    assert result.verdict == "PASS" and any("DP guarantee void" in n for n in result.notes)
    data["privacy"]["dp_guarantee"] = "holds"
    assert any("dp_guarantee says 'holds'" in f for f in audit_data(data).failures)


# ------------------------------------------------------------------------------------------- tampering
def _fail(tmp_path, data, capsys, pattern: str) -> str:
    code, out = run(["audit", str(tampered(tmp_path, data))], capsys)
    assert code == 1, out
    assert out.startswith("FAIL")
    fails = [ln for ln in out.splitlines() if ln.strip().startswith("fail")]
    assert any(re.search(pattern, ln) for ln in fails), out
    return out


def test_over_budget(tmp_path, data, capsys):
    entry = next(e for e in data["privacy"]["entries"] if e["query_kind"] == "counts")
    entry["epsilon"] = "3/2"
    out = _fail(tmp_path, data, capsys, r"ledger: the entries spend epsilon \d+/\d+ \([\d.]+\), more than the budget 1")
    assert "spent_epsilon says" in out  # the stated total no longer matches the entries
    assert "strict loader:" in out      # the loader refuses it too; the audit still explains


def test_over_delta_budget(tmp_path, data, capsys):
    data["privacy"]["entries"][0]["delta"] = "1/1000000"
    _fail(tmp_path, data, capsys, r"spend delta 1/1000000 .*more than the budget 0")


def test_row_not_summing_to_one(tmp_path, data, capsys):
    data["tables"]["income"][0][0] += 0.25
    _fail(tmp_path, data, capsys, r"tables: \$\.tables\.income row 0 sums to 1\.25")


def test_negative_probability(tmp_path, data, capsys):
    row = data["tables"]["sex"][0]
    row[0], row[1] = row[0] + row[1] + 0.5, -0.5
    _fail(tmp_path, data, capsys, r"tables: \$\.tables\.sex row 0 holds a negative probability")


def test_wrong_table_shape(tmp_path, data, capsys):
    data["tables"]["age"] = data["tables"]["age"][:1]
    parents = data["structure"]["parents"]["age"]
    if not parents:  # make the shape wrong the other way: add a row
        data["tables"]["age"] = data["tables"]["age"] * 2
    _fail(tmp_path, data, capsys, r"tables: \$\.tables\.age has shape .* need")


def test_cycle_in_parents(tmp_path, data, capsys):
    a, b = data["structure"]["order"][:2]
    data["structure"]["parents"][a] = [b]  # whatever the fitted network, a <-> b is a cycle
    data["structure"]["parents"][b] = [a]
    _fail(tmp_path, data, capsys, r"structure: the network has a cycle \(.+ -> .+\)")


def test_order_not_topological(tmp_path, data, capsys):
    data["structure"]["order"] = list(reversed(data["structure"]["order"]))
    if all(not ps for ps in data["structure"]["parents"].values()):
        pytest.skip("the fitted network has no edges")
    _fail(tmp_path, data, capsys, r"not a topological order")


def test_unknown_query_kind(tmp_path, data, capsys):
    data["privacy"]["entries"][0]["query_kind"] = "peek"
    _fail(tmp_path, data, capsys, r"query kind 'peek' has no section in docs/privacy\.md")


def test_mechanism_inconsistent_with_kind(tmp_path, data, capsys):
    entry = next(e for e in data["privacy"]["entries"] if e["query_kind"] == "counts")
    entry["mechanism"] = "exponential"
    _fail(tmp_path, data, capsys, r"\(counts\): mechanism 'exponential' is not the documented one \('geometric'\)")


def test_sensitivity_inconsistent_with_kind(tmp_path, data, capsys):
    entry = next(e for e in data["privacy"]["entries"] if e["query_kind"] == "structure")
    entry["sensitivity"] = 1.0
    _fail(tmp_path, data, capsys, r"\(structure\): sensitivity 1.0 differs from the documented 4")


def test_exact_mechanism_in_a_dp_model(tmp_path, data, capsys):
    entry = next(e for e in data["privacy"]["entries"] if e["query_kind"] == "counts")
    entry["mechanism"] = "exact (not DP)"
    _fail(tmp_path, data, capsys, r"mechanism 'exact \(not DP\)' is not the documented one")


def test_removed_entry(tmp_path, data, capsys):
    entries = data["privacy"]["entries"]
    i = next(i for i, e in enumerate(entries) if e["query_kind"] == "counts")
    del entries[i]
    out = _fail(tmp_path, data, capsys, r"steps are not 0, 1, 2")
    assert "coverage: no 'counts' ledger entry measured the table of" in out


def test_free_measurement(tmp_path, data, capsys):
    entry = next(e for e in data["privacy"]["entries"] if e["query_kind"] == "counts")
    entry["epsilon"] = "0"
    _fail(tmp_path, data, capsys, r"a DP measurement recorded at epsilon 0")


# ------------------------------------------------------------------------------------------- unreadable
@pytest.mark.parametrize("content", [b"not json", b"\x80\x04\x95pickle", b"[1, 2]", b'{"a": 1, "a": 2}'])
def test_unreadable_files_exit_2(tmp_path, content, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out = run(["audit", str(path)], capsys)
    assert code == 2 and out.startswith("UNREADABLE")


def test_missing_file_exit_2(tmp_path, capsys):
    code, out = run(["audit", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "cannot read the file" in out


@pytest.mark.parametrize("key", ["codecs", "structure", "tables", "privacy", "format"])
def test_garbage_parts_are_reasons_not_crashes(data, key):
    broken = copy.deepcopy(data)
    broken[key] = "garbage"
    result = audit_data(broken)
    assert result.verdict == "FAIL" and result.failures, key


def test_find_cycle():
    for parents, members in (([[1], [2], [0]], {0, 1, 2}), ([[], [0, 3], [1], [2]], {1, 2, 3}), ([[0]], {0})):
        cycle = find_cycle(parents)
        assert cycle[0] == cycle[-1] and set(cycle) == members
        assert all(cycle[i] in parents[cycle[i + 1]] for i in range(len(cycle) - 1))  # each step parent -> child
    assert find_cycle([[], [0], [0, 1]]) is None


# ------------------------------------------------------------------------------------ documented kinds
def _sections() -> dict[str, str]:
    text = PRIVACY_DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    out = {}
    for part in parts:
        head, _, body = part.partition("\n")
        m = re.fullmatch(r"`(\w+)`", head.strip())
        if m:
            out[m.group(1)] = body.split("\n## ")[0]
    return out


def test_embedded_kinds_match_docs_privacy():
    sections = _sections()
    assert set(DOCUMENTED) == set(sections), "docs/privacy.md headings and bayes_synth/inspect/kinds.py differ"
    assert set(DOCUMENTED) == set(QUERY_KINDS)
    for kind, doc in DOCUMENTED.items():
        body = sections[kind]
        assert doc.doc_phrase in body, (kind, doc.doc_phrase)
        sens = re.search(r"\*\*Sensitivity\*\*: (\d+(?:\.\d+)?)", body)
        mech = re.search(r"\*\*Mechanism\*\*: ([^\n]+)", body)
        if doc.charges_budget:
            assert sens and float(sens.group(1)) == doc.sensitivity, kind
            assert mech and doc.doc_phrase in mech.group(1), kind
        else:
            assert doc.sensitivity == 0 and doc.mechanisms[0] != "geometric"



# ------------------------------------------------------------------------------- settings and table cells
@pytest.mark.parametrize(("change", "pattern"), [
    (lambda d: d.pop("settings"), r"settings: \$\.settings is missing"),
    (lambda d: d["settings"].__setitem__("seeded", "yes"), r"settings: \$\.settings\.seeded must be true or false; "
                                                           r"got 'yes'"),
    (lambda d: d["settings"].pop("seeded"), r"\$\.settings\.seeded must be true or false; got nothing"),
    (lambda d: d["settings"].pop("versions"), r"settings: \$\.settings\.versions is missing"),
    (lambda d: d["settings"].__setitem__("versions", {"numpy": 2}), r"\$\.settings\.versions must map library"),
], ids=["no-settings", "seeded-yes", "seeded-missing", "no-versions", "odd-versions"])
def test_tampered_settings_fail(tmp_path, data, capsys, change, pattern):
    change(data)
    _fail(tmp_path, data, capsys, pattern)


def test_seeded_yes_is_not_hidden(tmp_path, data, capsys):
    """'yes' is neither true nor false: the audit fails it even without --require-dp, and inspect flags it."""
    data["settings"]["seeded"] = "yes"
    path = tampered(tmp_path, data)
    for argv in (["audit", str(path)], ["audit", str(path), "--require-dp"]):
        code, out = run(argv, capsys)
        assert code == 1 and "$.settings.seeded" in out
    code, out = run(["inspect", str(path)], capsys)
    assert code == 0 and "Flags: none" not in out and "FLAG: noise source unknown" in out
    code, out = run(["inspect", str(path), "--card", "markdown"], capsys)
    assert code == 0 and "Status: differentially private; noise source unknown" in out


@pytest.mark.parametrize(("cell", "shown"), [("0.5", "text '0.5'"), (True, "true (a boolean)"),
                                             (False, "false (a boolean)"), (None, "a NoneType")])
def test_probabilities_must_be_json_numbers(tmp_path, data, capsys, cell, shown):
    data["tables"]["sex"][0][0] = cell
    out = _fail(tmp_path, data, capsys, re.escape(f"tables: $.tables.sex[0][0] must be a number, not {shown}"))
    assert "strict loader: $.tables.sex[0][0] must be a number" in out  # the loader refuses it too


def test_table_for_a_column_that_does_not_exist(tmp_path, data, capsys):
    data["tables"]["ghost"] = [[1.0]]
    out = _fail(tmp_path, data, capsys, r"tables: \$\.tables has a table for 'ghost', which is not a column")
    assert "strict loader: $.tables has a table for 'ghost'" in out


def test_a_fresh_model_records_its_settings(model_path, capsys):
    code, out = run(["audit", str(model_path)], capsys)
    line = next(ln for ln in out.splitlines() if "ok     settings:" in ln)
    assert code == 0 and "seeded is false" in line and all(p in line for p in ("numpy", "scipy", "pgmpy"))


# ------------------------------------------------------------------------- the strict loader's reasons
@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: d["privacy"]["entries"][0].__setitem__("step", "three"),
     "$.privacy.entries[0].step must be a whole number; got 'three'"),
    (lambda d: d["privacy"].pop("entries"), "$.privacy has no 'entries'"),
    (lambda d: d["privacy"]["entries"][1].pop("mechanism"), "$.privacy.entries[1].mechanism must be text; got nothing"),
    (lambda d: d.__setitem__("schema", ["age", "sex"]), "$.schema[0] must be an object with the column's 'name'"),
    (lambda d: d["schema"][0].__setitem__("kind", "cat"), "$.schema[0] (column '"),
    (lambda d: d["codecs"].__setitem__(0, "age"), "$.codecs[0]: a codec must be a JSON object"),
    (lambda d: d["privacy"].__setitem__("delta", "none"), "$.privacy.delta must be a number in [0, 1); got 'none'"),
], ids=["step-three", "no-entries", "no-mechanism", "schema-strings", "schema-kind", "codec-text", "delta-text"])
def test_strict_loader_reasons_name_the_json_path(tmp_path, data, capsys, change, reason):
    change(data)
    path = tampered(tmp_path, data)
    code, out = run(["audit", str(path)], capsys)
    loader = [ln for ln in out.splitlines() if "strict loader:" in ln]
    assert code == 1 and any(reason in ln for ln in loader), out
    for raw in ("string indices", "invalid literal", "strict loader: 'entries'", "KeyError", "crashed"):
        assert raw not in out
    code = inspect_cli.main(["inspect", str(path)])  # inspect shows the same reason
    assert code == 2 and reason in capsys.readouterr().err


def test_a_directory_is_called_a_directory(tmp_path, capsys):
    code, out = run(["audit", str(tmp_path)], capsys)
    assert code == 2 and out.startswith("UNREADABLE") and "it is a directory, not a model file" in out
    code = inspect_cli.main(["inspect", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "directory" in err and "no such file" not in err
