"""The vectorised evaluator of the constraints language, the table checker and ``bayes-synth check``.

Expected values are worked out by hand. ``?`` in comments means unknown (a missing result).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bayes_synth.cli import main
from bayes_synth.dsl import load_constraints, parse_constraints
from bayes_synth.dsl.compile import schema_from_rules
from bayes_synth.dsl.evaluate import check_table, evaluate, rule_holds
from bayes_synth.errors import DSLSemanticError
from bayes_synth.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
ADULT_RULES = ROOT / "examples" / "adult.bsc"
BANK_RULES = ROOT / "examples" / "bank.bsc"
T = pd.Timestamp


def frame() -> pd.DataFrame:
    """Four rows; row 2 is mostly missing."""
    return pd.DataFrame({
        "a": [1.0, 2.0, None, 4.0],
        "b": pd.array([2, 2, 3, None], dtype="Int64"),
        "s": ["x", "Y", None, "zz"],
        "f": pd.array([True, False, None, True], dtype="boolean"),
        "d": pd.to_datetime(["2024-01-31", "2023-12-15", None, "2024-02-29"]),
        "e": pd.to_datetime(["2024-02-01", "2023-12-10", "2024-01-01", None]),
    })


def expr_of(src: str):
    return parse_constraints(f"derive z = {src}").derives[0].expr


def ev(src: str, data: pd.DataFrame | None = None) -> list:
    """The values of ``src`` with every kind of missing value shown as None."""
    out = evaluate(expr_of(src), frame() if data is None else data)
    return [None if pd.isna(v) else v for v in out.tolist()]


N = None
CASES = [
    # arithmetic: a missing operand gives a missing result; division by zero is missing
    ("a + b", [3.0, 4.0, N, N]),
    ("a - b", [-1.0, 0.0, N, N]),
    ("a * b", [2.0, 4.0, N, N]),
    ("a / b", [0.5, 1.0, N, N]),
    ("b / (a - 1)", [N, 2.0, N, N]),
    ("-a", [-1.0, -2.0, N, -4.0]),
    ("(a + 1) * 2 - b / 2", [3.0, 5.0, N, N]),
    # comparisons and chains
    ("a < b", [True, False, N, N]),
    ("a == b", [False, True, N, N]),
    ("a != b", [True, False, N, N]),
    ("a >= 2", [False, True, N, True]),
    ("1 <= a <= b", [True, True, N, N]),
    ("0 < a < 2", [True, False, N, False]),  # row 3: 0 < 4 but not 4 < 2
    ('s == "x"', [True, False, N, False]),
    # Kleene logic; f = [T, F, ?, T], a > 1 = [F, T, ?, T], b > 2 = [F, F, T, ?], b is null = [F, F, F, T]
    ("f and a > 1", [False, False, N, True]),
    ("f or a > 1", [True, True, N, True]),
    ("f and b > 2", [False, False, N, N]),
    ("f or b > 2", [True, False, True, True]),
    ("a > 1 and b is null", [False, False, False, True]),  # ? and false is false
    ("a > 1 or b is null", [False, True, N, True]),
    ("b > 2 or a > 1", [False, True, True, True]),  # true or ? is true
    ("not f", [False, True, N, False]),
    ("not (a > 1 and b > 2)", [True, True, N, N]),
    # null tests are never unknown
    ("a is null", [False, False, True, False]),
    ("s is not null", [True, True, False, True]),
    ("a + b is null", [False, False, True, True]),
    # membership and ranges
    ('s in ["x", "zz"]', [True, False, N, True]),
    ('s not in ["x"]', [False, True, N, True]),
    ("b in [2]", [True, True, False, N]),
    ("b in [3, null]", [N, N, True, N]),  # not listed and null listed: unknown (SQL)
    ("a between 2 and 4", [False, True, N, True]),
    ("a not between 2 and 4", [True, False, N, False]),
    ("a between b and 4", [False, True, N, N]),
    # if/else: the else branch where the condition is false or unknown
    ("if a > 1 then a else b", [2.0, 2.0, 3.0, 4.0]),
    ('if f then s else "no"', ["x", "no", "no", "zz"]),
    ("if a > 1 then null else b", [2.0, N, 3.0, N]),
    ("if a < 2 then 1 else if a < 3 then 2 else 3", [1.0, 2.0, 3.0, 3.0]),
    # functions
    ("round(a / 3, 2)", [0.33, 0.67, N, 1.33]),
    ("round(a * 1.25)", [1.0, 2.0, N, 5.0]),  # 2.5 rounds to the even 2
    ("round(a * 1234.5, -2)", [1200.0, 2500.0, N, 4900.0]),
    ("abs(a - 3)", [2.0, 1.0, N, 1.0]),
    ("min(a, b)", [1.0, 2.0, N, N]),
    ("max(a, b, 3)", [3.0, 3.0, N, N]),
    ("clip(a, 2, 3)", [2.0, 2.0, N, 3.0]),
    ('concat(s, "-", b)', ["x-2", "Y-2", N, N]),
    ("concat(a, s)", ["1x", "2Y", N, "4zz"]),
    ("lower(s)", ["x", "y", N, "zz"]),
    ("upper(s)", ["X", "Y", N, "ZZ"]),
    ("len(s)", [1.0, 1.0, N, 2.0]),
    # dates
    ("year(d)", [2024.0, 2023.0, N, 2024.0]),
    ("month(d)", [1.0, 12.0, N, 2.0]),
    ("day(d)", [31.0, 15.0, N, 29.0]),
    ("e - d", [1.0, -5.0, N, N]),
    ("d + days(1)", [T("2024-02-01"), T("2023-12-16"), N, T("2024-03-01")]),
    ("d + months(1)", [T("2024-02-29"), T("2024-01-15"), N, T("2024-03-29")]),
    ("d - months(1)", [T("2023-12-31"), T("2023-11-15"), N, T("2024-01-29")]),
    ("d + years(1)", [T("2025-01-31"), T("2024-12-15"), N, T("2025-02-28")]),
    ("d + months(b)", [T("2024-03-31"), T("2024-02-15"), N, N]),
    ("d + days(1) + months(1)", [T("2024-03-01"), T("2024-01-16"), N, T("2024-04-01")]),
    ('d >= "2024-01-01"', [True, False, N, True]),
    ('"2024-01-01" > d', [False, True, N, False]),
    ("e > d", [True, False, N, N]),
    ('d between "2024-01-01" and "2024-12-31"', [True, False, N, True]),
    ("e - d >= days(1)", [True, False, N, N]),
    ("min(d, e)", [T("2024-01-31"), T("2023-12-10"), N, N]),
    ('d == "2024-01-31"', [True, False, N, False]),
    ('d in ["2024-02-29", "2023-12-15"]', [False, True, N, True]),
]


@pytest.mark.parametrize(("src", "expected"), CASES, ids=[c[0] for c in CASES])
def test_evaluate(src, expected):
    assert ev(src) == expected


def test_result_dtypes_and_index():
    data = frame().set_index(pd.Index([10, 11, 12, 13]))
    assert evaluate(expr_of("a > 1"), data).dtype == "boolean"
    assert evaluate(expr_of("a + 1"), data).dtype == np.float64
    assert evaluate(expr_of("d + days(1)"), data).dtype == "datetime64[ns]"
    assert evaluate(expr_of("e - d"), data).dtype == np.float64
    assert evaluate(expr_of("lower(s)"), data).index.tolist() == [10, 11, 12, 13]


def test_text_columns_are_read_as_numbers_dates_and_booleans():
    raw = pd.DataFrame({"n": ["1", "x", None], "d": ["2024-01-01", None, "2023-05-05"],
                        "flag": ["true", "false", None], "c": pd.Categorical(["u", "v", None])})
    assert ev("n == 1", raw) == [True, False, None]  # text that is not a number is just not equal
    assert ev("n in [1, 2]", raw) == [True, False, None]
    assert ev('d <= "2024-01-01"', raw) == [True, None, True]
    assert ev("flag == false", raw) == [False, True, None]
    assert ev('c == "u"', raw) == [True, False, None]


@pytest.mark.parametrize(("src", "code"), [
    ("s + 1", "E0204"), ("s < 1", "E0204"), ("f + 1", "E0204"), ("d * 2", "E0204"), ("a and f", "E0204"),
    ('s < "b"', "E0204"), ("agee + 1", "E0201"), ("rnd(a)", "E0202"), ("round(a, 0.5)", "E0204"),
])
def test_type_errors_are_dsl_errors(src, code):
    with pytest.raises(DSLSemanticError) as info:
        evaluate(expr_of(src), frame())
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == code
    assert diagnostic.span is not None and diagnostic.span.line == 1


def test_type_error_does_not_quote_cells():
    data = pd.DataFrame({"n": ["1", "SECRET-123"]})
    with pytest.raises(DSLSemanticError) as info:
        evaluate(expr_of("n + 1"), data)
    assert "SECRET" not in str(info.value)
    assert "1 text value(s)" in str(info.value)


def test_large_frame_is_vectorised():
    n = 300_000
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                         "d": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")})
    rule = parse_constraints('rule if a > 0 then round(abs(a) + b, 2) <= 10 and d + months(3) > "2019-01-01"')
    holds = rule_holds(rule.rules[0], data)  # a Python loop over 300k rows would take many seconds
    assert holds.shape == (n,) and holds.dtype == bool


# ------------------------------------------------------------------------------------ rule_holds
def test_conditional_rules_with_nulls():
    data = pd.DataFrame({
        "status": ["closed", "open", None, "closed", "open"],
        "opened": pd.to_datetime(["2020-01-01"] * 5),
        "closed": pd.to_datetime(["2021-01-01", None, None, None, "2019-01-01"]),
    })
    rules = parse_constraints("""
        rule if status == "closed" then closed is not null
        rule if status != "closed" then closed is null
        rule closed >= opened
        rule closed is null or closed >= opened
        rule not (closed < opened)
    """).rules
    assert rule_holds(rules[0], data).tolist() == [True, True, True, False, True]  # status ? : no constraint
    assert rule_holds(rules[1], data).tolist() == [True, True, True, True, False]
    assert rule_holds(rules[2], data).tolist() == [True, True, True, True, False]  # unknown is not a violation
    assert rule_holds(rules[3], data).tolist() == [True, True, True, True, False]
    assert rule_holds(rules[4], data).tolist() == [True, True, True, True, False]


def test_implication_needs_a_true_condition():
    data = pd.DataFrame({"a": [2.0, 2.0, None, 0.0], "b": [3.0, None, 0.0, 0.0]})
    rule = parse_constraints("rule if a > 1 then b > 2").rules[0]
    # a > 1: [T, T, ?, F]; b > 2: [T, ?, F, F] -> only a true condition with a false result breaks it
    assert rule_holds(rule, data).tolist() == [True, True, True, True]
    data.loc[1, "b"] = 1.0
    assert rule_holds(rule, data).tolist() == [True, False, True, True]


def test_rule_holds_accepts_an_expression():
    assert rule_holds(expr_of("a >= 2"), frame()).tolist() == [False, True, True, True]


def _cell(value: float | None) -> float:
    return np.nan if value is None else value


numbers = st.lists(st.tuples(st.none() | st.floats(allow_nan=False, width=64),
                             st.none() | st.floats(allow_nan=False, width=64)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(numbers)
def test_property_comparison_agrees_with_numpy(rows):
    a = np.array([_cell(x) for x, _ in rows], dtype=float)
    b = np.array([_cell(y) for _, y in rows], dtype=float)
    data = pd.DataFrame({"a": a, "b": b})
    reference = np.isnan(a) | np.isnan(b) | (a <= b)  # violated only where both are known and a > b
    assert np.array_equal(rule_holds(parse_constraints("rule a <= b").rules[0], data), reference)
    assert np.array_equal(rule_holds(parse_constraints("rule not (a > b)").rules[0], data), reference)


def _kleene_and(x, y):
    if x is False or y is False:
        return False
    return None if x is None or y is None else True


@settings(max_examples=100, deadline=None)
@given(numbers)
def test_property_and_or_follow_kleene(rows):
    a = [_cell(x) for x, _ in rows]
    b = [_cell(y) for _, y in rows]
    data = pd.DataFrame({"a": a, "b": b}, dtype=float)
    pa = [None if np.isnan(x) else bool(x > 0) for x in a]
    pb = [None if np.isnan(y) else bool(y > 0) for y in b]
    got_and = [None if pd.isna(v) else v for v in evaluate(expr_of("a > 0 and b > 0"), data).tolist()]
    got_or = [None if pd.isna(v) else v for v in evaluate(expr_of("not (not (a > 0) and not (b > 0))"),
                                                          data).tolist()]
    assert got_and == [_kleene_and(x, y) for x, y in zip(pa, pb, strict=True)]
    expected_or = [None if (x is None or y is None) and not (x or y) else bool(x or y)
                   for x, y in zip(pa, pb, strict=True)]
    assert got_or == expected_or


# ----------------------------------------------------------------------------------- check_table
PLANTED_RULES = """\
column id: integer, unique, not null
column grade: categorical in ["A", "B"], not null
column score: float, min 0, max 100
column opened: date, min "2020-01-01"
column closed: date
derive total = round(score * 2, 1)
derive ratio = score / 3
derive doubled = score * 2
rule closed >= opened
rule doubled <= 150
"""


def planted() -> pd.DataFrame:
    """Ten rows with planted problems (row numbers in the comments)."""
    score = np.array([10.0, 20.0, 30.0, -1.0, 101.0, 50.0, 60.0, 70.0, 80.0, np.nan])
    return pd.DataFrame({
        "id": [1, 2, 2, 3, 3, 3, 4, 5, None, 6],                                   # 3 repeats
        "grade": ["A", "B", "C", "a", None, "A", "B", "A", "B", "A"],              # 2 outside, 1 missing
        "score": score,                                                            # 3: below, 4: above
        "opened": pd.to_datetime(["2021-01-01"] * 9 + ["2019-06-30"]),             # 9: before min
        "closed": pd.to_datetime(["2020-12-31", "2020-01-01", "2020-06-01", "2022-01-01", None,
                                  "2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01"]),
        "total": np.round(score * 2, 1) + np.array([0, 0, 0, 0, 0, 0, 0.1, 0, 0, 0]),   # 6 differs
        "ratio": score / 3 * (1 + 1e-12) + np.array([0, 0, 0, 0, 0, 0, 0, 0, 1e-3, 0]),  # 8 differs
    })


def test_check_table_counts_planted_problems():
    rules = parse_constraints(PLANTED_RULES, filename="planted.bsc")
    report = check_table(rules, planted())
    assert not report.ok
    assert [(r.source, r.violations) for r in report.rules] == [("rule closed >= opened", 3),
                                                               ("rule doubled <= 150", 2)]
    counts = {(c.column, c.check): c.count for c in report.columns}
    assert counts == {
        ("total", "derived"): 1, ("ratio", "derived"): 1,
        ("id", "not null"): 1, ("id", "unique"): 3,
        ("grade", "categories"): 2, ("grade", "not null"): 1,
        ("score", "min"): 1, ("score", "max"): 1,
        ("opened", "min"): 1,
    }
    lines = report.lines()
    assert "planted.bsc:9: rule closed >= opened: violated by 3 of 10 rows" in lines
    assert "planted.bsc:2: column 'grade': 2 value(s) outside the declared categories" in lines
    assert "planted.bsc:1: column 'id': 3 row(s) repeating an earlier value of a 'unique' column" in lines
    assert "planted.bsc:6: derived column 'total': 1 row(s) whose value differs from the formula" in lines
    assert len(lines) == 2 + 9
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["rules"][0] == {"index": 0, "source": "rule closed >= opened", "violations": 3,
                                "location": {"file": "planted.bsc", "line": 9, "column": 1}}
    assert data["columns"][0] == {"column": "total", "check": "derived", "count": 1,
                                  "location": {"file": "planted.bsc", "line": 6, "column": 1}}


def test_check_table_ok_and_missing_values():
    rules = parse_constraints(PLANTED_RULES)
    good = planted().iloc[[0, 1]].assign(id=[1, 2], closed=pd.to_datetime(["2021-06-01", None]))
    good["ratio"] = good["score"] / 3
    good["total"] = np.round(good["score"] * 2, 1)
    report = check_table(rules, good)
    assert report.ok, report.lines()
    assert report.lines() == []
    assert report.summary().startswith("OK")


def test_check_table_derived_missing_must_match():
    rules = parse_constraints("derive t = a + 1")
    data = pd.DataFrame({"a": [1.0, None, 2.0, None], "t": [2.0, None, None, 5.0]})
    assert check_table(rules, data).columns[0].count == 2  # rows 2 and 3: missing on one side only


def test_check_table_rounding_formulas_are_exact():
    rules = parse_constraints("derive t = round(a, 2)\nderive u = a / 7")
    data = pd.DataFrame({"a": [1.234, 10.0], "t": [1.23 + 1e-12, 10.0], "u": [1.234 / 7 * (1 + 5e-10), 10 / 7]})
    counts = {c.column: c.count for c in check_table(rules, data).columns}
    assert counts == {"t": 1, "u": 0}


def test_check_table_declared_column_missing_from_table():
    rules = parse_constraints("column a: integer\ncolumn gone: float", filename="r.bsc")
    with pytest.raises(DSLSemanticError) as info:
        check_table(rules, pd.DataFrame({"a": [1]}))
    assert info.value.diagnostics[0].code == "E0201"
    assert "r.bsc:2:8" in str(info.value) and "column gone: float" in str(info.value)


def test_check_table_type_error_is_rendered_with_source():
    rules = parse_constraints("rule s + 1 > 0", filename="t.bsc")
    with pytest.raises(DSLSemanticError) as info:
        check_table(rules, pd.DataFrame({"s": ["a"]}))
    assert "t.bsc:1:6" in str(info.value) and "rule s + 1 > 0" in str(info.value)


def test_check_table_unparseable_counts():
    rules = parse_constraints("column n: integer", filename="u.bsc")
    report = check_table(rules, pd.DataFrame({"n": [1.0, None]}), unparseable={"n": 1})
    assert report.lines() == ["u.bsc:1: column 'n': 1 cell(s) that could not be read as the declared kind"]


def test_no_cell_value_in_any_report():
    secret = "SECRET-123"
    rules = parse_constraints("""
        column code: categorical in ["A"]
        column key: text, unique
        derive label = concat(code, "!")
        rule code != "B"
        rule if code == "A" then len(key) < 3
    """)
    data = pd.DataFrame({"code": ["A", secret, "B"], "key": [secret, secret, "x"], "label": ["A!", secret, "B"]})
    report = check_table(rules, data)
    assert not report.ok
    shown = "\n".join([*report.lines(), report.summary(), json.dumps(report.to_dict())])
    assert secret not in shown and "SECRET" not in shown


# ------------------------------------------------------------------------------ schema_from_rules
def test_schema_from_rules_bank():
    schema = schema_from_rules(load_constraints(BANK_RULES))
    assert schema["account_id"] == {"kind": "categorical", "nullable": False}
    assert schema["employer"] == {"kind": "categorical", "nullable": True}
    assert schema["status"] == {"kind": "categorical", "categories": ["open", "dormant", "closed"], "nullable": False}
    assert schema["opened"] == {"kind": "date", "min": "2000-01-01", "max": "2024-12-31", "nullable": False}
    assert schema["interest_rate"] == {"kind": "float", "min": 0, "max": 0.25, "bins": 25}
    assert "annual_interest" not in schema
    Schema.from_dict(schema)  # a valid schema


def test_schema_from_rules_adult_missing_markers():
    schema = schema_from_rules(load_constraints(ADULT_RULES))
    assert schema["workclass"]["missing"] == ["?"]
    assert schema["hours-per-week"] == {"kind": "integer", "min": 1, "max": 99, "nullable": False, "bins": 20}
    assert len(Schema.from_dict(schema)) == 15


# ----------------------------------------------------------------------------------- CLI: check
@pytest.fixture()
def adult_slice(tmp_path) -> Path:
    path = tmp_path / "adult_slice.csv"
    with open(ADULT, "rb") as src:
        path.write_bytes(b"".join(src.readline() for _ in range(301)))
    return path


BANK_CSV = """\
account_id,customer_name,email,age,employed,employer,city,region,postcode,product,status,opened,closed,term_months,\
balance,interest_rate,annual_interest,age_band
ACC-000001,Ann Lee,ann@example.com,34,true,Acme,Orlando,FL,32801,mortgage,open,2010-05-01,,240,-45000.00,0.0350,\
-1575.00,middle
ACC-000002,Bob Ray,bob@example.com,25,false,,Orange,CA,92866,savings,open,2015-01-15,,,1200.50,0.0200,24.01,young
ACC-000003,Cy Dee,cy@example.com,61,true,Initech,Washington,DC,20003,current,closed,2001-02-03,2019-12-31,,0.00,0.0000,\
0.00,senior
ACC-000004,Di Fox,,45,true,Globex,Washington,DC,20015,loan,dormant,2020-07-07,,36,-8000.00,0.0600,-480.00,middle
"""


def test_cli_check_adult_ok(adult_slice, capsys):
    assert main(["check", str(ADULT_RULES), str(adult_slice)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 6 rule(s)") and "300 rows" in out


def test_cli_check_adult_violations(adult_slice, tmp_path, capsys):
    text = adult_slice.read_text()
    lines = text.splitlines()
    husbands = [i for i, ln in enumerate(lines) if ",Husband," in ln][:3]
    for i in husbands:
        lines[i] = lines[i].replace(",Male,", ",Female,")
    lines[1] = lines[1].replace("State-gov", "Governor")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert main(["check", str(ADULT_RULES), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{ADULT_RULES}:41: rule if relationship == \"Husband\" then sex == \"Male\": violated by 3 of 300 rows" \
        in out
    assert any("column 'workclass': 1 value(s) outside the declared categories" in ln for ln in out)
    assert out[-1] == "FAILED: 1 of 6 rule(s) and 1 of 33 column check(s) fail on 300 rows."


def test_cli_check_json(adult_slice, capsys):
    assert main(["check", str(ADULT_RULES), str(adult_slice), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["rows"] == 300 and len(data["rules"]) == 6
    assert data["rules"][5]["source"] == "rule `capital-gain` == 0 or `capital-loss` == 0"


def test_cli_check_bank(tmp_path, capsys):
    rules = BANK_RULES
    good = tmp_path / "bank.csv"
    good.write_text(BANK_CSV)
    assert main(["check", str(rules), str(good)]) == 0
    assert capsys.readouterr().out == "OK: 10 rule(s) and 35 column check(s) hold on all 4 rows.\n"
    assert main(["check", "--quiet", str(rules), str(good)]) == 0
    assert capsys.readouterr().out == ""
    bad = tmp_path / "bank_bad.csv"
    bad.write_text(BANK_CSV.replace("ACC-000002", "ACC-000001").replace(",closed,2001", ",open,2001")
                   .replace(",24.01,", ",24.02,").replace(",dormant,", ",SECRET-123,"))
    assert main(["check", str(rules), str(bad), "--json"]) == 1
    captured = capsys.readouterr()
    assert "SECRET" not in captured.out + captured.err
    data = json.loads(captured.out)
    failing = {(c["column"], c["check"]): c["count"] for c in data["columns"] if c["count"]}
    assert failing == {("annual_interest", "derived"): 1, ("account_id", "unique"): 1, ("status", "categories"): 1}
    assert [r["violations"] for r in data["rules"]] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]


def test_cli_check_errors(tmp_path, adult_slice, capsys):
    rules = tmp_path / "r.bsc"
    rules.write_text("rule agee > 1\n")
    assert main(["check", str(rules), str(adult_slice)]) == 2
    err = capsys.readouterr().err
    assert "error[E0201]: unknown column 'agee'" in err and "did you mean 'age'?" in err and "r.bsc:1:6" in err
    rules.write_text("rule age >\n")
    assert main(["check", str(rules), str(adult_slice)]) == 2
    assert "error[E0104]" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "none.bsc"), str(adult_slice)]) == 2
    assert "error[E0120]" in capsys.readouterr().err
    assert main(["check", str(ADULT_RULES), str(tmp_path / "none.csv")]) == 2
    assert "bayes-synth: error: Cannot read" in capsys.readouterr().err
    (tmp_path / "cut.csv").write_text("age,sex\n30,Male\n")
    assert main(["check", str(ADULT_RULES), str(tmp_path / "cut.csv")]) == 2
    assert "bayes-synth: error:" in capsys.readouterr().err
