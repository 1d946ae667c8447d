"""Parsing constraints files: every statement kind, layout (comments, CRLF, tabs, Unicode), includes,
the pretty-printer round trip (examples, grammar-generated programs) and a mutation fuzz."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayes_synth.dsl import ast, check, load_constraints, parse_constraints, to_source
from bayes_synth.dsl.ast import BinOp, Call, Column, Compare, IfElse, Literal, Name, Rule, Span
from bayes_synth.dsl.expected import KEYWORDS
from bayes_synth.dsl.parser import grammar_text, parse_source
from bayes_synth.errors import DSLSemanticError, DSLSyntaxError

ROOT = Path(__file__).parents[1]
EXAMPLES = [ROOT / "examples" / "adult.bsc", ROOT / "examples" / "bank.bsc"]
a, b, c = Name("a"), Name("b"), Name("c")


def opt(name, value=None):
    return ast.ColumnOption(name, value)


STATEMENTS = [
    ('include "common.bsc"', ast.Include("common.bsc")),
    ("privacy epsilon = 1.0, delta = 1e-6",
     ast.Privacy((ast.Setting("epsilon", Literal(1.0)), ast.Setting("delta", Literal(1e-6))))),
    ("privacy epsilon = inf", ast.Privacy((ast.Setting("epsilon", Name("inf")),))),
    ("column age: integer, min 17, max 90, not null",
     Column("age", "integer", None, (opt("min", 17), opt("max", 90), opt("nullable", False)))),
    ('column workclass: categorical in ["Private", "State-gov"], missing ["?"]',
     Column("workclass", "categorical", None, (opt("in", ("Private", "State-gov")), opt("missing", ("?",))))),
    ('column workclass: categorical, in ["Private", "State-gov",]',
     Column("workclass", "categorical", None, (opt("in", ("Private", "State-gov")),))),
    ('column joined: date, format "%Y-%m-%d", min "2001-01-01", max "2024-12-31"',
     Column("joined", "date", None, (opt("format", "%Y-%m-%d"), opt("min", "2001-01-01"), opt("max", "2024-12-31")))),
    ('column customer_id: text, unique, format "CUS-000000"',
     Column("customer_id", "text", None, (opt("unique", True), opt("format", "CUS-000000")))),
    ("column email: text as email, nullable", Column("email", "text", "email", (opt("nullable", True),))),
    ("column `native country`: categorical", Column("native country", "categorical")),
    ("column `education-num`: integer, min -1", Column("education-num", "integer", None, (opt("min", -1),))),
    ('column income: categorical in ["<=50K", ">50K"], bins 8, epsilon_share 2, decimals 2, dtype "string"',
     Column("income", "categorical", None, (opt("in", ("<=50K", ">50K")), opt("bins", 8), opt("epsilon_share", 2),
                                            opt("decimals", 2), opt("dtype", "string")))),
    ("derive total = price * quantity", ast.Derive("total", BinOp("*", Name("price"), Name("quantity")))),
    ("derive net = round(gross * (1 - tax_rate), 2)",
     ast.Derive("net", Call("round", (BinOp("*", Name("gross"), BinOp("-", Literal(1), Name("tax_rate"))),
                                      Literal(2))))),
    ("derive end = start + days(term)", ast.Derive("end", BinOp("+", Name("start"), Call("days", (Name("term"),))))),
    ('derive band = if age < 30 then "young" else "other"',
     ast.Derive("band", IfElse(Compare((Name("age"), Literal(30)), ("<",)), Literal("young"), Literal("other")))),
    ('derive band = if a then "x" else if b then "y" else "z"',
     ast.Derive("band", IfElse(a, Literal("x"), IfElse(b, Literal("y"), Literal("z"))))),
    ("derive m = min(a, b) + max(a, 0) - abs(-c)",
     ast.Derive("m", BinOp("-", BinOp("+", Call("min", (a, b)), Call("max", (a, Literal(0)))),
                       Call("abs", (ast.Neg(c),))))),
    ("derive s = concat(a, \" \\\"x\\\" \", b)", ast.Derive("s", Call("concat", (a, Literal(' "x" '), b)))),
    ("derive z = now()", ast.Derive("z", Call("now", ()))),
    ("rule closed >= opened", Rule(Compare((Name("closed"), Name("opened")), (">=",)))),
    ("rule start <= mid <= end", Rule(Compare((Name("start"), Name("mid"), Name("end")), ("<=", "<=")))),
    ("rule a + b <= c", Rule(Compare((BinOp("+", a, b), c), ("<=",)))),
    ("rule a - b - c == a - (b - c)",
     Rule(Compare((BinOp("-", BinOp("-", a, b), c), BinOp("-", a, BinOp("-", b, c))), ("==",)))),
    ("rule a * -2 != -a / 3", Rule(Compare((BinOp("*", a, Literal(-2)), BinOp("/", ast.Neg(a), Literal(3))), ("!=",)))),
    ('rule if status == "retired" then age >= 55',
     Rule(IfElse(Compare((Name("status"), Literal("retired")), ("==",)),
                 Compare((Name("age"), Literal(55)), (">=",))))),
    ('rule if product == "mortgage" then term in [60, 420]',
     Rule(IfElse(Compare((Name("product"), Literal("mortgage")), ("==",)),
                 ast.InList(Name("term"), (Literal(60), Literal(420)))))),
    ("rule if employed == false then employer is null",
     Rule(IfElse(Compare((Name("employed"), Literal(False)), ("==",)), ast.IsNull(Name("employer"))))),
    ("rule name is not null", Rule(ast.IsNull(Name("name"), negated=True))),
    ("rule term between 60 and 420", Rule(ast.Between(Name("term"), Literal(60), Literal(420)))),
    ("rule term not between -1 and 2.5", Rule(ast.Between(Name("term"), Literal(-1), Literal(2.5), negated=True))),
    ('rule x not in ["a", null, true]',
     Rule(ast.InList(Name("x"), (Literal("a"), Literal(None), Literal(True)), True))),
    ("rule a or b and not c", Rule(ast.BoolOp("or", (a, ast.BoolOp("and", (b, ast.Not(c))))))),
    ("rule (a or b) and c or a", Rule(ast.BoolOp("or", (ast.BoolOp("and", (ast.BoolOp("or", (a, b)), c)), a)))),
    ("rule a and b and c", Rule(ast.BoolOp("and", (a, b, c)))),
    ("rule not not a", Rule(ast.Not(ast.Not(a)))),
    ("rule `capital-gain` == 0", Rule(Compare((Name("capital-gain"), Literal(0)), ("==",)))),
    ("combine city, region, postcode", ast.Combine((Name("city"), Name("region"), Name("postcode")))),
    ("entity person(first_name, `last name`)", ast.Entity("person", (Name("first_name"), Name("last name")))),
]


@pytest.mark.parametrize(("source", "expected"), STATEMENTS, ids=[s for s, _ in STATEMENTS])
def test_statement_parses_to_the_expected_ast(source, expected):
    assert parse_source(source) == [expected]


@pytest.mark.parametrize(("source", "expected"), STATEMENTS, ids=[s for s, _ in STATEMENTS])
def test_statement_round_trips_through_the_printer(source, expected):
    printed = to_source(expected)
    assert parse_source(printed) == [expected]
    assert to_source(parse_source(printed)[0]) == printed


def test_printer_output_is_canonical():
    rules = parse_source('column  x :categorical,in["a"] ,not null\nrule (a+b)*c<=d and(e or f)')
    assert [to_source(s) for s in rules] == ['column x: categorical in ["a"], not null',
                                             "rule (a + b) * c <= d and (e or f)"]
    assert to_source(Name("rule")) == "`rule`" and to_source(Name("größe")) == "größe"


def test_comments_and_layout_do_not_matter():
    text = """# header
    column age: integer,   # trailing comment
        min 17,
        max 90
    rule age
      >= 18   # spans lines
    """
    assert parse_source(text) == parse_source("column age: integer, min 17, max 90\nrule age >= 18")


def test_keywords_are_whole_words_and_reserved():
    assert parse_source("rule columnist > 0 and iffy")[0].expr == ast.BoolOp(
        "and", (Compare((Name("columnist"), Literal(0)), (">",)), Name("iffy")))
    with pytest.raises(DSLSyntaxError, match="'unique' is a keyword"):
        parse_source("column unique: integer")
    assert parse_source("column `unique`: integer")[0].name == "unique"


def test_empty_and_comment_only_files_give_an_empty_ruleset():
    for text in ("", "   \n\n", "# only a comment", "\ufeff"):
        rules = parse_constraints(text)
        assert len(rules) == 0 and rules.statements == ()


def test_crlf_gives_the_same_ast_and_positions():
    text = (ROOT / "examples" / "bank.bsc").read_text(encoding="utf-8")
    lf, crlf = parse_source(text), parse_source(text.replace("\n", "\r\n"))
    assert lf == crlf
    assert [s.span for s in lf] == [s.span for s in crlf]


def test_tabs_count_as_one_column_in_spans():
    rule = parse_source("\trule\tage > 1")[0]
    assert rule.span == Span("<string>", 1, 2, 1, 14)
    assert rule.expr.operands[0].span == Span("<string>", 1, 7, 1, 10)


def test_non_ascii_names():
    rules = parse_source('column größe: integer\nrule 名前 == "値" and größe > 0\ncombine ville, `région`')
    assert rules[0].name == "größe"
    assert rules[1].expr.operands[0].operands[0] == Name("名前")
    assert rules[2].column_names == ("ville", "région")


def test_spans_locate_names_and_statements():
    derive = parse_source("column age: integer\nderive  net = round(gross, 2)")[1]
    assert derive.span == Span("<string>", 2, 1, 2, 30)
    assert derive.name_span == Span("<string>", 2, 9, 2, 12)
    assert derive.expr.func_span == Span("<string>", 2, 15, 2, 20)
    assert derive.expr.args[0].span == Span("<string>", 2, 21, 2, 26)


def test_ruleset_accessors():
    rules = parse_constraints("privacy epsilon = 1\ncolumn a: integer\nderive b = a\nrule a > 0\nprivacy delta = 0")
    assert dict(rules.privacy) == {"epsilon": 1, "delta": 0}
    assert [c.name for c in rules.columns] == ["a"] and [d.name for d in rules.derives] == ["b"]
    assert len(rules.rules) == 1 and rules.columns[0].option("min") is None


def test_sequence_is_reserved():
    with pytest.raises(DSLSyntaxError, match="E0105"):
        parse_source("sequence visits(a, b)")
    assert to_source(Name("sequence")) == "`sequence`"


def test_grammar_ships_in_the_package_and_matches_the_top_level_file():
    assert grammar_text() == (ROOT / "grammar" / "constraints.lark").read_text(encoding="utf-8")


def test_keyword_list_matches_the_grammar():
    from bayes_synth.dsl.parser import _display

    words = {v for v in _display().values() if v.replace("_", "").isalpha() and v.islower()}
    assert words == KEYWORDS | {"sequence"}


def test_importing_the_dsl_does_not_import_lark():
    code = "import sys, bayes_synth.dsl; assert 'lark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bins_limit_matches_the_schema():
    from bayes_synth.dsl.declcheck import MAX_BINS
    from bayes_synth.schema import MAX_BINS as SCHEMA_MAX_BINS

    assert MAX_BINS == SCHEMA_MAX_BINS


# ------------------------------------------------------------------------------------- includes
def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_include_resolves_relative_to_the_including_file(tmp_path):
    main = write(tmp_path / "main.bsc", 'rule a > 0\ninclude "sub/common.bsc"\nrule c > 0')
    write(tmp_path / "sub" / "common.bsc", 'column a: integer\ninclude "../other.bsc"')
    write(tmp_path / "other.bsc", "combine a, b")
    rules = load_constraints(main)
    assert [type(s).__name__ for s in rules] == ["Rule", "Column", "Combine", "Rule"]
    files = [Path(s.span.file).name for s in rules]
    assert files == ["main.bsc", "common.bsc", "other.bsc", "main.bsc"]
    assert rules.statements[2].span.line == 1 and set(map(Path, rules.sources)) == {
        main, tmp_path / "sub" / "common.bsc", tmp_path / "other.bsc"}


def test_parse_constraints_resolves_includes_against_its_filename(tmp_path):
    write(tmp_path / "common.bsc", "column a: integer")
    rules = parse_constraints('include "common.bsc"', filename=str(tmp_path / "main.bsc"))
    assert rules.statements == (Column("a", "integer"),)


def test_a_file_included_twice_is_read_once(tmp_path):
    write(tmp_path / "common.bsc", "column a: integer")
    write(tmp_path / "x.bsc", 'include "common.bsc"')
    main = write(tmp_path / "main.bsc", 'include "common.bsc"\ninclude "x.bsc"')
    assert len(load_constraints(main)) == 1


def test_include_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.bsc", 'include "b.bsc"')
    write(tmp_path / "b.bsc", 'rule x > 0\ninclude "a.bsc"')
    with pytest.raises(DSLSyntaxError) as info:
        load_constraints(tmp_path / "a.bsc")
    (d,) = info.value.diagnostics
    assert d.code == "E0121" and Path(d.span.file).name == "b.bsc" and d.span.line == 2
    assert "a.bsc -> " in d.message and "b.bsc -> " in d.message


def test_unreadable_files(tmp_path):
    with pytest.raises(DSLSyntaxError, match="E0120"):
        load_constraints(tmp_path / "nope.bsc")
    (tmp_path / "latin1.bsc").write_bytes(b"rule caf\xe9 > 0")
    with pytest.raises(DSLSyntaxError, match="not UTF-8"):
        load_constraints(tmp_path / "latin1.bsc")


# ------------------------------------------------------------------------- examples, round trip
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_parse_check_and_round_trip(path):
    rules = load_constraints(path)
    assert len(rules) > 10
    table = None
    if path.name == "adult.bsc":
        table = {k: v["kind"] for k, v in json.loads((ROOT / "examples" / "adult_schema.json").read_text()).items()}
    result = check(rules, table)
    assert result.diagnostics == []
    assert parse_constraints(to_source(rules)) == rules


def _lark_strategy():
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = Lark(grammar_text(), parser="lalr")
    pad = " {} ".format
    explicit = {t.name: st.just(pad(t.pattern.value)) for t in grammar.terminals
                if type(t.pattern).__name__ == "PatternStr"}
    words = st.from_regex(r"[a-zA-Z_é][a-zA-Z0-9_]{0,6}", fullmatch=True).filter(
        lambda w: w not in KEYWORDS and w != "sequence")
    explicit["NAME"] = words.map(pad)
    explicit["QNAME"] = st.text(st.characters(blacklist_characters="`\n\r", blacklist_categories=("Cs",)),
                                min_size=1, max_size=8).map(lambda s: pad(f"`{s}`"))
    explicit["STRING"] = st.text(max_size=8).map(lambda s: pad(json.dumps(s, ensure_ascii=False)))
    explicit["NUMBER"] = st.one_of(st.integers(0, 10**9).map(str), st.floats(0, 1e9).map(repr)).map(pad)
    explicit["COMMENT"] = st.text(st.characters(blacklist_characters="\n\r"), max_size=10).map(" #{}\n".format)
    explicit["WS"] = st.sampled_from([" ", "\n", "\t", "\r\n"])
    return from_lark(grammar, explicit=explicit)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=_lark_strategy())
def test_grammar_generated_programs_round_trip(program):
    parsed = parse_source(program)
    printed = "\n".join(to_source(s) for s in parsed)
    assert parse_source(printed) == parsed


def _mutate(text: str, rng: random.Random) -> str:
    alphabet = ' \n\t"`#()[],:=<>!-+*/.\\@&|0123456789abcnotifé名\r'
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4 and i < len(chars):
            del chars[i]
        elif action < 0.8:
            chars.insert(i, rng.choice(alphabet))
        elif i < len(chars):
            chars[i] = rng.choice(alphabet)
    return "".join(chars)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_mutated_files_only_raise_dsl_errors(path):
    text, rng, syntax_errors = path.read_text(encoding="utf-8"), random.Random(1234), 0
    for _ in range(150):
        mutated = _mutate(text, rng)
        try:
            rules = parse_constraints(mutated, filename="mutant.bsc")
            check(rules, None).raise_for_errors()
            to_source(rules)
        except (DSLSyntaxError, DSLSemanticError) as exc:
            assert str(exc).startswith("error[E0") and exc.diagnostics
            syntax_errors += isinstance(exc, DSLSyntaxError)
    assert syntax_errors > 50  # the mutations do break files
