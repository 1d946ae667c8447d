"""Bounds the rules imply for a column on their own, before any row is drawn (bounds propagation).

``rule n + x <= 0.2`` with ``n`` in 0..1 and ``x`` declared in [0, 0.9] can only hold with
``x <= 0.2``, whatever ``n`` turns out to be. Drawing ``x`` above 0.2 is a dead end found only later,
and when ``x`` is drawn before ``n`` with a noisy model that puts its weight above 0.2, nearly every
row would die there. So before sampling, each numeric column a rule can bound is bounded by that
rule over *every* value the rule's other columns may take: the union of the allowed ranges, which
for these rules is reached at the corners of the other columns' domains (the rules read each column
affinely, and a function affine in each variable takes its extremes at the corners of a box; a
condition or an ``X or`` escape is allowed only over categorical columns, whose values are all
tried). The bounds are intersected with the column's domain, and the pass repeats while a domain
shrinks. Drawing inside them removes only dead ends, so it gives the same rows as drawing and
throwing away.

>>> import numpy as np
>>> from bayes_synth.dsl import parse_constraints
>>> from bayes_synth.dsl.enforce import compile_rule
>>> from bayes_synth.encode import NumericCodec
>>> codecs = {"n": NumericCodec("n", "integer", np.arange(3.0), np.arange(2), np.full(2, .5), nullable=False),
...           "x": NumericCodec("x", "float", np.linspace(0, 0.9, 4), np.arange(3), np.full(3, 1/3),
...                             nullable=False)}
>>> rule = compile_rule(parse_constraints("rule n + x <= 0.2").rules[0], {"n": "integer", "x": "float"})
>>> bounds = implied_bounds({rule.target: [rule]}, codecs)
>>> bounds["x"], bounds["n"].hi
(Bound(lo=0.0, hi=0.2, rules=('rule n + x <= 0.2',)), 0.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from bayes_synth.dsl import affine, ast
from bayes_synth.dsl.enforce import Axis, _atoms, _bounds, _escape, names_in
from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.ingest import from_column_axis

#: most corner combinations tried for one rule and column
MAX_CORNERS = 4096
ROUNDS = 4


class Bound(NamedTuple):
    """A column's implied range on its axis, and the rules that imply it."""

    lo: float
    hi: float
    rules: tuple[str, ...]


def implied_bounds(rules: Mapping[str, list[Any]], codecs: Mapping[str, Codec]) -> dict[str, Bound]:
    """Column -> its :class:`Bound`, for the numeric columns the rules bound tighter than their domain."""
    domain = {name: _range(c) for name, c in codecs.items() if isinstance(c, NumericCodec)}
    start = dict(domain)
    why: dict[str, list[str]] = {}
    statements = list({id(r.rule): r for group in rules.values() for r in group  # 'combine' has no expression
                       if isinstance(getattr(r, "rule", None), ast.Rule)}.values())
    for _ in range(ROUNDS):
        changed = False
        for compiled in statements:
            for column in names_in(compiled.rule.expr):
                if column not in domain:
                    continue
                found = _bound(compiled.rule.expr, column, codecs, domain)
                if found is None:
                    continue
                lo, hi = max(domain[column][0], found[0]), min(domain[column][1], found[1])
                if (lo, hi) != domain[column]:
                    domain[column], changed = (lo, hi), True
                    why.setdefault(column, [])
                    if compiled.text not in why[column]:
                        why[column].append(compiled.text)
        if not changed:
            break
    return {c: Bound(*b, tuple(why[c])) for c, b in domain.items() if b != start[c]}


def _range(codec: NumericCodec) -> tuple[float, float]:
    lo, hi = float(codec.edges[0]), float(codec.edges[-1])
    if not codec.discrete:
        return lo, hi
    return float(codec.grid_value(codec.grid_up(lo))), float(codec.grid_value(codec.grid_up(hi) - 1))


def _bound(expr, column: str, codecs: Mapping[str, Codec], domain: dict) -> tuple[float, float] | None:
    """The hull of what ``expr`` allows ``column`` over every value of its other columns, or None."""
    body = expr.then if isinstance(expr, ast.IfElse) and expr.else_ is None else expr
    if isinstance(expr, ast.IfElse) and body is expr or _atoms(body, column) is None:
        return None
    others = [n for n in names_in(expr) if n != column]
    if any(n not in codecs for n in others):
        return None
    numeric = [n for n in others if isinstance(codecs[n], NumericCodec)]
    guards = ([expr.cond] if body is not expr else []) + [e for e in (_escape(body, column)[0],) if e is not None]
    if column in names_in(tuple(guards)) or any(set(names_in(g)) & set(numeric) for g in guards):
        return None  # a guard over numbers may hold inside their range only: corners do not bound it
    if any(affine.obstacle(side, n) is not None for n in numeric for side in _sides(body)):
        return None
    choices = [_corners(codecs[n], domain) for n in others]
    if math.prod(len(c) for c in choices) > MAX_CORNERS:
        return None
    rows = list(itertools.product(*choices)) or [()]
    frame = pd.DataFrame({n: _column([r[i] for r in rows], codecs[n]) for i, n in enumerate(others)},
                         index=pd.RangeIndex(len(rows)))
    try:
        r = _bounds(expr, column, frame, Axis(codecs[column].kind))
    except Exception:  # a shape the bounds code does not take: no narrowing from this rule
        return None
    return float(np.min(r.lo)), float(np.max(r.hi))


def _sides(body) -> list:
    """The operands of the comparisons in ``body`` (for the affine check)."""
    if isinstance(body, ast.BoolOp):
        return [s for part in body.operands for s in _sides(part)]
    if isinstance(body, ast.Compare):
        return list(body.operands)
    if isinstance(body, ast.Between):
        return [body.operand, body.low, body.high]
    return []


def _corners(codec: Codec, domain: dict) -> list:
    if isinstance(codec, CategoricalCodec):
        return list(codec.categories) + ([None] if codec.nullable else [])
    lo, hi = domain[codec.name]
    return [lo, hi] + ([np.nan] if codec.nullable else [])


def _column(values: list, codec: Codec) -> pd.Series:
    if isinstance(codec, CategoricalCodec):
        return pd.Series(values, dtype=object)
    return from_column_axis(np.array(values, dtype=float), codec.kind)
