"""Rewrites of a rule into the forms the sampler enforces, each keeping the rule's meaning under the
rules' three-valued logic (or, for :func:`tighten`, implying it): ``not`` moved onto comparisons,
``if C then R`` turned into ``if not R then not C``, null guards, lists of consecutive numbers as ranges,
and comparisons of ``round(...)`` as bounds on the unrounded value.

They run in :func:`bayes_synth.dsl.lower.lower`; the rules as written are kept for ``check`` and messages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bayes_synth.dsl.ast import Between, BoolOp, Call, Compare, IfElse, InList, IsNull, Literal, Name, Neg, Not, Rule
from bayes_synth.dsl.enforce import NUMERIC, names_in

_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def push_not(node: Any) -> Any:
    """``node`` with each ``not`` moved onto the comparisons it covers (De Morgan; ``not a < b`` is
    ``a >= b``, ``not x in [...]`` is ``x not in [...]``), the forms the sampler enforces. The meaning is
    kept under the rules' three-valued logic: where ``a`` or ``b`` is missing, both are unknown.

    >>> from bayes_synth.dsl import parse_constraints
    >>> rule = parse_constraints('rule not (age > 30 or sex == "M")').rules[0]
    >>> push_not(rule.expr) == BoolOp("and", (Compare((Name("age"), Literal(30)), ("<=",)),
    ...                                       Compare((Name("sex"), Literal("M")), ("!=",))))
    True
    """
    if isinstance(node, Not):
        inner = node.operand
        if isinstance(inner, Not):
            return push_not(inner.operand)
        if isinstance(inner, Compare):
            flipped = [Compare(c.operands, (_NEGATE[c.ops[0]],), span=c.span) for c in links(inner)]
            return flipped[0] if len(flipped) == 1 else BoolOp("or", tuple(flipped), span=inner.span)
        if isinstance(inner, BoolOp):
            other = "or" if inner.op == "and" else "and"
            return BoolOp(other, tuple(push_not(Not(o, span=node.span)) for o in inner.operands), span=inner.span)
        if isinstance(inner, InList | Between | IsNull):
            return replace(push_not(inner), negated=not inner.negated)
        if isinstance(inner, Literal) and isinstance(inner.value, bool):
            return Literal(not inner.value, span=inner.span)
        return Not(push_not(inner), span=node.span)
    if isinstance(node, tuple):
        return tuple(push_not(item) for item in node)
    if hasattr(node, "__dataclass_fields__") and not isinstance(node, Literal | Name):
        return replace(node, **{f: push_not(getattr(node, f)) for f in node.__dataclass_fields__
                                if f not in ("span", "func_span")})
    return node


def unguard(expr: Any) -> Any:
    """``if x is not null then R`` as ``x is null or R`` when R reads x (the same rule, in a form that may
    restrict x; when R does not read x, the contrapositive ``if not R then x is null`` does); and
    ``if A and x is not null then R`` as ``if A then x is null or R``.

    >>> from bayes_synth.dsl import parse_constraints
    >>> from bayes_synth.dsl.printer import to_source
    >>> rule = parse_constraints('rule if a > 1 and x is not null then x <= 5').rules[0]
    >>> to_source(Rule(unguard(rule.expr)))
    'rule if a > 1 then x is null or x <= 5'
    """
    if not (isinstance(expr, IfElse) and expr.else_ is None):
        return expr
    reads = set(names_in(expr.then))
    parts = expr.cond.operands if isinstance(expr.cond, BoolOp) and expr.cond.op == "and" else (expr.cond,)
    guards = [p for p in parts if isinstance(p, IsNull) and p.negated and set(names_in(p)) <= reads]
    if not guards:
        return expr
    then = BoolOp("or", (*(replace(g, negated=False) for g in guards), expr.then), span=expr.span)
    rest = [p for p in parts if not any(p is g for g in guards)]
    if not rest:
        return then
    cond = rest[0] if len(rest) == 1 else BoolOp("and", tuple(rest), span=expr.cond.span)
    return IfElse(cond, then, None, span=expr.span)


def contrapositive(rule: Rule) -> Rule | None:
    """``if C then R`` as ``if not R then not C`` (None for other rules). Both are broken exactly where C
    is true and R false, also where a value is missing (``not`` swaps true and false, keeps unknown), so
    the sampler may enforce either: the second restricts the columns of C given those of R.

    >>> from bayes_synth.dsl import parse_constraints
    >>> from bayes_synth.dsl.printer import to_source
    >>> to_source(contrapositive(parse_constraints('rule if n > 100 then s == "m"').rules[0]))
    'rule if s != "m" then n <= 100'
    """
    e = rule.expr
    if not (isinstance(e, IfElse) and e.else_ is None):
        return None
    return Rule(IfElse(push_not(Not(e.then, span=e.span)), push_not(Not(e.cond, span=e.span)), None, span=e.span),
                span=rule.span)


def lists_as_ranges(node: Any, kinds: Mapping[str, str]) -> Any:
    """``node`` with each ``x in [...]`` on a numeric column whose list is a run of consecutive values
    written as ``x between lo and hi`` (the form the sampler enforces).

    >>> from bayes_synth.dsl import parse_constraints
    >>> rule = parse_constraints('rule if s == "a" then n in [3, 2, 4]').rules[0]
    >>> lists_as_ranges(rule.expr, {"n": "integer"}).then == Between(Name("n"), Literal(2), Literal(4))
    True
    """
    if isinstance(node, InList) and isinstance(node.operand, Name) and not node.negated \
            and kinds.get(node.operand.name) in NUMERIC:
        run = numeric_run([v.value for v in node.values], kinds[node.operand.name])
        if run is not None:
            return Between(node.operand, Literal(run["min"]), Literal(run["max"]), span=node.span)
        return node
    if isinstance(node, tuple):
        return tuple(lists_as_ranges(item, kinds) for item in node)
    if hasattr(node, "__dataclass_fields__") and not isinstance(node, Literal | Name):
        changes = {f: lists_as_ranges(getattr(node, f), kinds) for f in node.__dataclass_fields__
                   if f not in ("span", "func_span")}
        return replace(node, **changes)
    return node


def numeric_run(values: list[Any], kind: str) -> dict[str, Any] | None:
    """``x in [...]`` on a numeric column as bounds, when the list is one value or a run of consecutive
    integers (days for a date); None otherwise (the sampler keeps one range per numeric column, so a list
    with gaps cannot be enforced and is refused).

    >>> numeric_run([3, 1, 2], "integer"), numeric_run([1, 3], "integer")
    ({'min': 1, 'max': 3}, None)
    """
    if not values or any(v is None or isinstance(v, bool) for v in values):
        return None
    if kind == "integer" and all(isinstance(v, int | float) and float(v).is_integer() for v in values):
        points = sorted({int(v) for v in values})
        return {"min": points[0], "max": points[-1]} if points[-1] - points[0] + 1 == len(points) else None
    if kind == "date" and all(isinstance(v, str) for v in values):
        import pandas as pd

        try:
            days = sorted({pd.Timestamp(v).normalize() for v in values})
        except ValueError:
            return None
        span = (days[-1] - days[0]).days + 1
        return {"min": days[0].date().isoformat(), "max": days[-1].date().isoformat()} if span == len(days) else None
    if len(set(values)) == 1:
        return {"min": values[0], "max": values[0]}
    return None


def links(node: Any) -> list[Any]:
    """``a op1 b op2 c`` as ``[a op1 b, b op2 c]``; anything else as itself."""
    if not (isinstance(node, Compare) and len(node.ops) > 1):
        return [node]
    return [Compare((node.operands[i], node.operands[i + 1]), (op,), span=node.span)
            for i, op in enumerate(node.ops)]


_ROUND_MARGIN = 1e-6  # of a grid step: what the floating-point product E * 10**d may be off by


def tighten(rule: Rule) -> Rule:
    """The rule with its consequent's ``abs()``, ``max()``/``min()`` bounds spread over their arguments
    (:func:`_spread`) and each ``round(E, d) op c`` (``c`` a number) as a bound on ``E`` that
    implies it: ``round(E, 2) <= 300`` holds for every ``E < 300.005``, so the sampler, which cannot see
    through ``round()``, restricts ``E`` (a formula's inputs) to ``E <= 300.005 - margin``. A condition is
    left exact (tightening it would change which rows the rule covers).

    >>> from bayes_synth.dsl import parse_constraints
    >>> from bayes_synth.dsl.printer import to_source
    >>> to_source(tighten(parse_constraints("rule round(p * q, 2) <= 300").rules[0]))
    'rule p * q <= 300.00499999'
    """
    e = rule.expr
    if isinstance(e, IfElse) and e.else_ is None:
        tightened = replace(e, then=_tighten(e.then))
    else:
        tightened = _tighten(e)
    return rule if tightened == e else Rule(tightened, span=rule.span)


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _tighten(node: Any) -> Any:
    if isinstance(node, BoolOp):
        return replace(node, operands=tuple(_tighten(o) for o in node.operands))
    if not (isinstance(node, Compare) and len(node.ops) == 1):
        return node
    spread = _spread(node)
    if spread is not None:
        return _tighten(spread)
    (left, right), op = node.operands, node.ops[0]
    if isinstance(left, Literal) and _rounded(right) is not None:
        left, right, op = right, left, _FLIPPED[op]
    found = _rounded(left)
    if found is None or not _number(right) or op == "!=":
        return node
    inner, digits = found
    scale, c = 10.0 ** digits, float(right.value)
    grid_below = math.floor(c * scale + 1e-9)  # greatest grid index <= c
    grid_above = math.ceil(c * scale - 1e-9)   # least grid index >= c
    if op == "<":
        grid_below = grid_above - 1
    if op == ">":
        grid_above = grid_below + 1
    margin = _ROUND_MARGIN + 1e-15 * max(abs(grid_below), abs(grid_above))
    high = Literal(_decimal((grid_below + 0.5 - margin) / scale, digits))
    low = Literal(_decimal((grid_above - 0.5 + margin) / scale, digits))
    if op in ("<", "<="):
        return Compare((inner, high), ("<=",), span=node.span)
    if op in (">", ">="):
        return Compare((inner, low), (">=",), span=node.span)
    return Between(inner, low, high, span=node.span)  # '==': empty when c is not on the grid (E0304)


def _spread(node: Compare) -> Any:
    """``abs(E) <= R`` as ``E <= R and E >= -R`` (the same rule); ``max(a, b) <= R`` as ``a <= R and
    b <= R`` and ``min(a, b) >= R`` as ``a >= R and b >= R`` (which imply it: max() is missing where any
    argument is). None for other comparisons (``abs(E) >= R`` is two ranges)."""
    (left, right), op = node.operands, node.ops[0]
    if not isinstance(left, Call) and isinstance(right, Call):
        left, right, op = right, left, _FLIPPED[op]
    if not isinstance(left, Call) or op not in ("<", "<=", ">", ">="):
        return None
    upper = op in ("<", "<=")
    if left.func == "abs" and len(left.args) == 1 and upper:
        e = left.args[0]
        minus = Literal(-right.value, span=right.span) if _number(right) else Neg(right, span=node.span)
        return BoolOp("and", (Compare((e, right), (op,), span=node.span),
                              Compare((e, minus), (_FLIPPED[op],), span=node.span)),
                      span=node.span)
    if left.func == ("max" if upper else "min"):
        parts = [Compare((a, right), (op,), span=node.span) for a in left.args]
        kept = [c for c in parts if not _constant_truth(c)]  # max(x, 0) <= 5: '0 <= 5' always holds
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else BoolOp("and", tuple(kept), span=node.span)
    return None


def _constant_truth(c: Compare) -> bool:
    """Whether a comparison of two number literals holds (False for anything else)."""
    (a, b), op = c.operands, c.ops[0]
    if not (_number(a) and _number(b)):
        return False
    return {"<": a.value < b.value, "<=": a.value <= b.value, ">": a.value > b.value, ">=": a.value >= b.value}[op]


def _rounded(node: Any) -> tuple[Any, int] | None:
    """(E, d) for ``round(E, d)`` / ``round(E)`` with a whole literal ``d``, else None."""
    if not (isinstance(node, Call) and node.func == "round"):
        return None
    if len(node.args) == 1:
        return node.args[0], 0
    d = node.args[1]
    if _number(d) and float(d.value).is_integer() and 0 <= d.value <= 12:
        return node.args[0], int(d.value)
    return None


def _number(node: Any) -> bool:
    return isinstance(node, Literal) and isinstance(node.value, int | float) and not isinstance(node.value, bool) \
        and math.isfinite(node.value)


def _decimal(value: float, digits: int) -> float:
    """``value`` written with a few more digits than the grid's (a readable literal, still inside the bound)."""
    return round(value, digits + 6)
