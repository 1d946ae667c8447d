"""Print an AST back as constraints text: ``parse(to_source(parse(x))) == parse(x)``.

Parentheses appear only where precedence needs them; names that are not plain words, or that are
keywords, are printed in backticks.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.expected import KEYWORDS, RESERVED
from bayes_synth.dsl.ruleset import RuleSet

_BARE = re.compile(r"[^\W\d]\w*")
_PREC_OF_OP = {"or": 1, "and": 2, "+": 5, "-": 5, "*": 6, "/": 6}
_FLAGS = {("nullable", False): "not null", ("nullable", True): "nullable", ("unique", True): "unique"}


def to_source(node: Any) -> str:
    """Constraints text for a RuleSet, a statement or an expression.

    >>> from bayes_synth.dsl import parse_constraints
    >>> print(to_source(parse_constraints("rule (a+b)*c<=d")))
    rule (a + b) * c <= d
    <BLANKLINE>
    """
    if isinstance(node, RuleSet):
        return "".join(_statement(s) + "\n" for s in node.statements)
    if isinstance(node, (ast.Include, ast.Privacy, ast.Column, ast.Derive, ast.Rule, ast.Combine, ast.Entity)):
        return _statement(node)
    return _expr(node, 0)


def name(text: str) -> str:
    """A column name as written in a file: bare when possible, else in backticks.

    >>> name("age"), name("education-num"), name("rule")
    ('age', '`education-num`', '`rule`')
    """
    if _BARE.fullmatch(text) and text not in KEYWORDS and text not in RESERVED:
        return text
    return f"`{text}`"


def literal(value: ast.Value) -> str:
    """A literal value as written in a file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _list(values: Any) -> str:
    return "[" + ", ".join(literal(getattr(v, "value", v)) for v in values) + "]"


def _option(option: ast.ColumnOption) -> str:
    flag = _FLAGS.get((option.name, option.value))
    if flag is not None:
        return flag
    if option.name in ("in", "missing"):
        return f"{option.name} {_list(option.value)}"
    return f"{option.name} {literal(option.value)}"


def _column(c: ast.Column) -> str:
    head = f"column {name(c.name)}: {c.kind}" + (f" as {c.semantic}" if c.semantic else "")
    options = list(c.options)
    if options and options[0].name == "in":
        head += " " + _option(options.pop(0))
    return head + "".join(", " + _option(o) for o in options)


def _setting_value(value: ast.Literal | ast.Name) -> str:
    return value.name if isinstance(value, ast.Name) else literal(value.value)


def _statement(s: Any) -> str:
    if isinstance(s, ast.Include):
        return f"include {literal(s.path)}"
    if isinstance(s, ast.Privacy):
        return "privacy " + ", ".join(f"{x.key} = {_setting_value(x.value)}" for x in s.settings)
    if isinstance(s, ast.Column):
        return _column(s)
    if isinstance(s, ast.Derive):
        return f"derive {name(s.name)} = {_expr(s.expr, 0)}"
    if isinstance(s, ast.Rule):
        return f"rule {_expr(s.expr, 0)}"
    if isinstance(s, ast.Combine):
        return "combine " + ", ".join(name(c.name) for c in s.columns)
    return f"entity {s.name}(" + ", ".join(name(c.name) for c in s.columns) + ")"


def _prec(e: Any) -> int:
    if isinstance(e, ast.IfElse):
        return 0
    if isinstance(e, (ast.BoolOp, ast.BinOp)):
        return _PREC_OF_OP[e.op]
    if isinstance(e, ast.Not):
        return 3
    if isinstance(e, (ast.Compare, ast.IsNull, ast.InList, ast.Between)):
        return 4
    if isinstance(e, ast.Neg) or (isinstance(e, ast.Literal) and type(e.value) in (int, float) and e.value < 0):
        return 7
    return 8


def _expr(e: Any, min_prec: int) -> str:
    text = _raw(e)
    return f"({text})" if _prec(e) < min_prec else text


def _raw(e: Any) -> str:
    if isinstance(e, ast.Name):
        return name(e.name)
    if isinstance(e, ast.Literal):
        return literal(e.value)
    if isinstance(e, ast.Neg):
        return "-" + _expr(e.operand, 7)
    if isinstance(e, ast.BinOp):
        p = _PREC_OF_OP[e.op]
        return f"{_expr(e.left, p)} {e.op} {_expr(e.right, p + 1)}"
    if isinstance(e, ast.BoolOp):
        return f" {e.op} ".join(_expr(x, _PREC_OF_OP[e.op] + 1) for x in e.operands)
    if isinstance(e, ast.Not):
        return "not " + _expr(e.operand, 3)
    if isinstance(e, ast.Compare):
        parts = [_expr(e.operands[0], 5)]
        for op, operand in zip(e.ops, e.operands[1:], strict=True):
            parts += [op, _expr(operand, 5)]
        return " ".join(parts)
    return _raw_rest(e)


def _raw_rest(e: Any) -> str:
    neg = " not" if getattr(e, "negated", False) else ""
    if isinstance(e, ast.IsNull):
        return f"{_expr(e.operand, 5)} is{neg} null"
    if isinstance(e, ast.InList):
        return f"{_expr(e.operand, 5)}{neg} in {_list(e.values)}"
    if isinstance(e, ast.Between):
        return f"{_expr(e.operand, 5)}{neg} between {_expr(e.low, 5)} and {_expr(e.high, 5)}"
    if isinstance(e, ast.Call):
        return f"{e.func}(" + ", ".join(_expr(a, 0) for a in e.args) + ")"
    if isinstance(e, ast.IfElse):
        text = f"if {_expr(e.cond, 1)} then {_expr(e.then, 1)}"
        return text + (f" else {_expr(e.else_, 0)}" if e.else_ is not None else "")
    raise TypeError(f"not a constraints AST node: {type(e).__name__}")
