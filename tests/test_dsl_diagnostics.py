"""Golden tests of constraints-file diagnostics (tests/golden/dsl/<case>.bsc -> <case>.expected).

Regenerate the expected files after an intended change with
``BAYES_SYNTH_UPDATE_GOLDEN=1 python -m pytest tests/test_dsl_diagnostics.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer
from bayes_synth.dsl import Diagnostic, check, load_constraints, parse_constraints, render
from bayes_synth.dsl.ast import Span
from bayes_synth.errors import BayesSynthError, DSLError, DSLSemanticError, DSLSyntaxError
from bayes_synth.schema import Schema

GOLDEN = Path(__file__).parent / "golden" / "dsl"
CASES = sorted(p.stem for p in GOLDEN.glob("*.bsc"))
UPDATE = os.environ.get("BAYES_SYNTH_UPDATE_GOLDEN") == "1"
DOCS = Path(__file__).parents[1] / "docs" / "dsl.md"

# The table every golden case is checked against.
TABLE = Schema.from_dict({
    "age": {"kind": "integer"},
    "salary": {"kind": "float"},
    "bonus": {"kind": "float"},
    "income": {"kind": "categorical", "categories": ["<=50K", ">50K"]},
    "status": {"kind": "categorical", "categories": ["open", "closed", "retired"]},
    "city": {"kind": "categorical"},
    "employer": {"kind": "categorical"},
    "hours-per-week": {"kind": "integer"},
    "opened": {"kind": "date"},
})


def frame(n: int = 60) -> pd.DataFrame:
    """A small table with TABLE's columns, for the cases only a fit can raise (E03xx)."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n), "salary": rng.uniform(1e4, 9e4, n).round(2),
        "bonus": rng.uniform(0, 5e3, n).round(2),
        "income": rng.choice(["<=50K", ">50K"], n), "status": rng.choice(["open", "closed", "retired"], n),
        "city": rng.choice(["Leeds", "York"], n), "employer": rng.choice(["A", "B"], n),
        "hours-per-week": rng.integers(50, 99, n),
        "opened": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
    })


def outcome(load, fit: bool = False) -> tuple[str, DSLError | None]:
    """The rendered text of the first error raised while loading and checking (or 'no problems').

    With ``fit``, the rules also go through a (non-private) fit: the checks that need the lowered
    rules and the columns' domains (E03xx: enforceability, orderings, satisfiability) run there.
    """
    try:
        rules = load()
        check(rules, TABLE).raise_for_errors()
        if fit:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                Synthesizer(epsilon=float("inf"), constraints=rules).fit(frame())
    except DSLError as exc:
        return str(exc) + "\n", exc
    return "no problems\n", None


def fits(case: str) -> bool:
    return case.startswith("e03")


@pytest.fixture(autouse=True)
def in_golden_dir(monkeypatch):
    monkeypatch.chdir(GOLDEN)  # file names in messages stay relative, e.g. "e0201_first.bsc:1:6"


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    text, _ = outcome(lambda: load_constraints(f"{case}.bsc"), fits(case))
    expected = GOLDEN / f"{case}.expected"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"missing {expected.name}; run with BAYES_SYNTH_UPDATE_GOLDEN=1"
    assert text == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_crlf_gives_the_same_message(case):
    source = (GOLDEN / f"{case}.bsc").read_text(encoding="utf-8")
    lf, _ = outcome(lambda: parse_constraints(source, filename=f"{case}.bsc"), fits(case))
    crlf, _ = outcome(lambda: parse_constraints(source.replace("\n", "\r\n"), filename=f"{case}.bsc"), fits(case))
    assert crlf == lf


@pytest.mark.parametrize("case", [c for c in CASES if re.match(r"e0\d{3}_", c)])
def test_case_reports_its_code_and_nothing_from_lark(case):
    code = case[:5].upper()
    text, exc = outcome(lambda: load_constraints(f"{case}.bsc"), fits(case))
    assert exc is not None and isinstance(exc, BayesSynthError | ValueError)
    assert code in [d.code for d in exc.diagnostics]
    assert isinstance(exc, DSLSyntaxError if code.startswith("E01") else DSLSemanticError)
    assert exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)
    assert not re.search(r"\b(Token|Tree|LarkError|Unexpected\w+|__ANON\w*|\$END|QNAME|NAME|NUMBER|STRING|LPAR)\b",
                         text)
    for d in exc.diagnostics:
        assert isinstance(d, Diagnostic) and d.message and d.span is not None


@pytest.mark.parametrize("code", sorted(set(re.findall(r"\bE0[123]\d\d\b", DOCS.read_text(encoding="utf-8")))))
def test_every_documented_code_has_golden_cases_in_first_and_later_statements(code):
    if code == "E0100":
        pytest.skip("E0100 only guards against an unforeseen parser failure")
    assert {f"{code.lower()}_first", f"{code.lower()}_later"} <= set(CASES)


def test_later_cases_point_past_the_first_statement():
    for case in CASES:
        if case.endswith("_later"):
            _, exc = outcome(lambda c=case: load_constraints(f"{c}.bsc"), fits(case))
            assert exc.diagnostics[0].span.line >= 2, case


def test_three_mistakes_give_three_located_messages():
    with pytest.raises(DSLSemanticError) as info:
        check(load_constraints("three_mistakes.bsc"), TABLE).raise_for_errors()
    diagnostics = info.value.diagnostics
    assert [(d.code, d.span.line) for d in diagnostics] == [("E0209", 2), ("E0201", 3), ("E0203", 4)]
    text = str(info.value)
    assert text.count("error[") == 3 and "three_mistakes.bsc:3:6" in text and "3 problems" in text


def test_syntax_errors_stop_at_the_first():
    with pytest.raises(DSLSyntaxError) as info:
        parse_constraints("rule a >\nrule b @ 1\ncolum c: integer")
    assert len(info.value.diagnostics) == 1 and info.value.diagnostics[0].span.line == 1


def test_empty_and_comment_only_files_are_fine():
    assert len(parse_constraints("")) == 0
    assert len(parse_constraints("\n  # just a comment\r\n")) == 0


# ------------------------------------------------------------------------------ the renderer
def test_caret_spans_the_whole_token_under_tabs():
    text = render(Diagnostic("E0201", "unknown column 'salray'", Span("f.bsc", 1, 7, 1, 13)),
                  {"f.bsc": "\trule\tsalray > 0"})
    source_line, caret_line = text.splitlines()[3:5]
    assert source_line == "1 |     rule    salray > 0"
    assert caret_line.index("^") == source_line.index("salray") and caret_line.count("^") == 6


def test_caret_counts_wide_characters_twice():
    text = render(Diagnostic("E0201", "x", Span("f", 1, 12, 1, 14)), {"f": "rule 名前 == 名前"})
    caret = text.splitlines()[4]
    assert caret == "  | " + " " * 13 + "^^^^"


def test_render_without_a_span_or_source():
    assert render(Diagnostic("E0120", "cannot read", None, help="check the path")) == (
        "error[E0120]: cannot read\n  = help: check the path")
    assert render(Diagnostic("E0201", "x", Span("gone.bsc", 3, 1, 3, 2))) == "error[E0201]: x\n --> gone.bsc:3:1"


def test_control_characters_are_not_echoed():
    text = render(Diagnostic("E0102", "x", Span("f", 1, 6, 1, 7)), {"f": "rule \u202e a"})
    assert "\u202e" not in text and "\ufffd" in text
