"""Compile rules that relate columns into restrictions the sampler applies while drawing.

Each rule gets a *target*: the column whose draw it restricts; every other column it reads must be
drawn first (a required ordering for structure learning). When the target's turn comes, the rule
turns the already drawn values into

- for a categorical or boolean target: a mask of the allowed codes per row, found by evaluating the
  rule with the target set to each candidate value (any rule shape works);
- for a numeric target: per-row bounds ``lo <= target <= hi`` and whether the missing state is
  allowed, from rules of the shape ``[if C then] A1 and A2 ...`` where each ``Ai`` is a comparison
  ``L op R`` affine in the target (``a + b <= c``, ``price * qty <= 100``, ``end >= start + days(n)``:
  :mod:`bayes_synth.dsl.affine`), ``X between E1 and E2`` with X affine in the target, or
  ``target is [not] null``, optionally ``target is null or ...``, and behind an ``or`` of tests free of
  the target, in any order (``a is null or target <= b or target is null``).

Rows then draw only allowed codes, and numeric values are drawn inside the bounds, so every sampled
row satisfies every rule (missing operands follow the rules' three-valued logic: unknown is allowed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bayes_synth.dsl import affine, ast
from bayes_synth.dsl.evaluate import evaluate, rule_holds
from bayes_synth.dsl.printer import to_source
from bayes_synth.dsl.walker import Walker
from bayes_synth.ingest import column_axis

NUMERIC = ("integer", "float", "date", "datetime")
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}


@dataclass(frozen=True)
class Restriction:
    """What a rule allows for its target, per row: a code mask or bounds on the value axis."""

    mask: np.ndarray | None = None      # (n, size) bool, categorical targets
    lo: np.ndarray | None = None        # (n,) float, numeric targets (-inf: none)
    hi: np.ndarray | None = None
    null_ok: np.ndarray | None = None   # (n,) bool: may the target be missing?
    # numeric targets with a fixed set of values ('combine', or a rule tried value by value): per row, the
    # sorted allowed values on the column's axis (lo/hi are their min and max); None when any value within
    # [lo, hi] is allowed
    choices: list[np.ndarray] | None = None


@dataclass(frozen=True)
class TargetRule:
    """A rule compiled for the sampler."""

    rule: ast.Rule
    target: str
    inputs: tuple[str, ...]
    numeric: bool
    shown: ast.Rule | None = None  # the statement as written, when ``rule`` is a part of it or has formulas put in
    enumerated: bool = False  # a countable target whose every value is tried (:func:`enumerated_options`)

    @property
    def text(self) -> str:
        return to_source(self.shown or self.rule)

    def restrict(self, drawn: pd.DataFrame, labels: list, nullable: bool, axis=None,
                 domain: np.ndarray | None = None) -> Restriction:
        """The restriction for each row of ``drawn`` (``labels``: the target's categories, in code order;
        ``domain``: every value of an enumerated target, on its axis).

        ``drawn`` holds at least the rule's input columns; the sampler passes one row per distinct
        combination of them and spreads the result back over the rows that share it.
        """
        if not self.numeric:
            return Restriction(mask=self._mask(drawn, labels, nullable))
        if self.enumerated:
            return self._enumerate(drawn, domain, nullable, axis)
        return _bounds(self.rule.expr, self.target, drawn, axis)

    def _enumerate(self, drawn: pd.DataFrame, domain: np.ndarray, nullable: bool, axis) -> Restriction:
        """Evaluate the rule for every row and every value of the target's domain: the allowed values
        (``choices``), their hull, and whether the missing state is allowed."""
        from bayes_synth.errors import SamplingError
        from bayes_synth.ingest import from_column_axis

        k, m = len(drawn), len(domain)
        if k * (m + 1) > MAX_ENUMERATED:
            raise SamplingError(
                f"'{self.text}' is enforced by trying every value of '{self.target}', but its domain has {m:,} "
                f"values for {k:,} combinations of the other columns (cap {MAX_ENUMERATED:,} trials): declare "
                f"tighter bounds for '{self.target}', or write the rule as one range per row.")
        candidates = np.append(np.asarray(domain, dtype=float), np.nan)
        inputs = drawn[[c for c in self.inputs if c in drawn.columns]]
        trial = inputs.iloc[np.tile(np.arange(k), m + 1)].reset_index(drop=True)
        trial[self.target] = from_column_axis(np.repeat(candidates, k), axis.kind)
        ok = rule_holds(self.rule, trial).reshape(m + 1, k).T
        values = ok[:, :m]
        choices = [np.asarray(domain, dtype=float)[values[g]] for g in range(k)]
        lo = np.where(values, domain, np.inf).min(axis=1, initial=np.inf)
        hi = np.where(values, domain, -np.inf).max(axis=1, initial=-np.inf)
        return Restriction(lo=lo, hi=hi, null_ok=ok[:, m] & nullable, choices=choices)

    def _mask(self, drawn: pd.DataFrame, labels: list, nullable: bool) -> np.ndarray:
        """Evaluate the rule for every row and every candidate value of the target."""
        values = list(labels) + ([None] if nullable else [])
        k = len(drawn)
        inputs = drawn[[c for c in self.inputs if c in drawn.columns]]
        # one evaluation over every (row, candidate) pair: the rows repeated once per candidate
        trial = inputs.iloc[np.tile(np.arange(k), len(values))].reset_index(drop=True)
        candidates = np.empty(len(values), dtype=object)
        candidates[:] = values
        trial[self.target] = pd.Series(np.repeat(candidates, k), dtype=object)
        return rule_holds(self.rule, trial).reshape(len(values), k).T


class Axis:
    """A numeric target's value axis (days for dates, seconds for datetimes) and its strict steps."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, values: pd.Series) -> np.ndarray:
        if self.kind in ("date", "datetime") and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = pd.to_datetime(values, errors="coerce")
        return column_axis(values, self.kind)

    def above(self, bound: np.ndarray) -> np.ndarray:
        """The least value strictly greater than ``bound``."""
        return np.nextafter(bound, np.inf) if self.kind == "float" else np.floor(bound) + 1

    def below(self, bound: np.ndarray) -> np.ndarray:
        """The greatest value strictly less than ``bound``."""
        return np.nextafter(bound, -np.inf) if self.kind == "float" else np.ceil(bound) - 1


def names_in(expr) -> list[str]:
    """Column names an expression reads, in order of first appearance."""
    return list(dict.fromkeys(node.name for node in ast.walk(expr) if isinstance(node, ast.Name)))


def compile_rule(rule: ast.Rule, kinds: Mapping[str, str]) -> TargetRule | None:
    """Pick the target (first column of the consequent the sampler can restrict); None if none can be."""
    options = target_options(rule, kinds)
    return options[0] if options else None


def target_options(rule: ast.Rule, kinds: Mapping[str, str]) -> list[TargetRule]:
    """Every way the sampler can enforce ``rule``: one per column of the consequent it can restrict,
    in order of appearance (the first is preferred; another is used when the first would make the
    required orderings circular)."""
    expr = rule.expr
    body = expr.then if isinstance(expr, ast.IfElse) and expr.else_ is None else expr
    cond = expr.cond if body is not expr else None
    every = names_in(expr)
    out = []
    for name in names_in(body):
        numeric = kinds.get(name) in NUMERIC
        if numeric and (cond is not None and name in names_in(cond) or _atoms(body, name) is None):
            continue
        out.append(TargetRule(rule, name, tuple(n for n in every if n != name), numeric))
    return out


#: kinds whose domain is countable (whole numbers, days): a rule no bound can express is enforced by
#: trying every value (``x != 5``, ``x < 3 or x > 7``, ``abs(x - 40) >= 5``)
COUNTABLE = ("integer", "date")
#: most (combinations of the other columns x values of the target) tried for an enumerated rule
MAX_ENUMERATED = 2_000_000


def enumerated_options(rule: ast.Rule, kinds: Mapping[str, str]) -> list[TargetRule]:
    """The last resort for a rule :func:`target_options` cannot enforce: a countable column it reads,
    whose every value is tried per combination of the other columns (as a category's codes are), and
    only the values that keep the rule are drawn. Consequent columns first.

    >>> from bayes_synth.dsl import parse_constraints
    >>> [t.target for t in enumerated_options(parse_constraints("rule n != 5").rules[0], {"n": "integer"})]
    ['n']
    """
    expr = rule.expr
    body = expr.then if isinstance(expr, ast.IfElse) and expr.else_ is None else expr
    every = names_in(expr)
    names = names_in(body) + [n for n in every if n not in names_in(body)]
    return [TargetRule(rule, n, tuple(o for o in every if o != n), True, enumerated=True)
            for n in names if kinds.get(n) in COUNTABLE]


def _escape(body, target: str):
    """``X or R`` with X free of the target: (X, R) -- R binds only where X is not true. The operands of an
    ``or`` may come in any order and number: those free of the target make X, the others R (as an ``or``
    of them when there are several: ``a is null or x <= b or x is null``)."""
    if isinstance(body, ast.BoolOp) and body.op == "or":
        free = [o for o in body.operands if target not in names_in(o)]
        bound = [o for o in body.operands if target in names_in(o)]
        if free and bound:
            def joined(parts):
                return parts[0] if len(parts) == 1 else ast.BoolOp("or", tuple(parts), span=body.span)
            return joined(free), joined(bound)
    return None, body


def _atoms(body, target: str):
    """Split a numeric target's condition into (null_allowed_alone, atoms) or None if unsupported."""
    _, body = _escape(body, target)
    if isinstance(body, ast.BoolOp) and body.op == "or" and len(body.operands) == 2:
        first, rest = body.operands
        if _is_null_test(rest, target, negated=False):  # 'R or target is null' is 'target is null or R'
            first, rest = rest, first
        if _is_null_test(first, target, negated=False):
            inner = _atoms(rest, target)
            return None if inner is None else (True, inner[1])
        return None
    parts = body.operands if isinstance(body, ast.BoolOp) and body.op == "and" else (body,)
    atoms = []
    for part in parts:
        atom = _atom(part, target)
        if atom is None:
            return None
        atoms.append(atom)
    return False, atoms


def _is_null_test(node, target: str, negated: bool) -> bool:
    return isinstance(node, ast.IsNull) and node.negated == negated and node.operand == ast.Name(target)


def _atom(node, target: str):
    if isinstance(node, ast.IsNull) and node.operand == ast.Name(target):
        return ("notnull",) if node.negated else ("null",)
    if isinstance(node, ast.Between) and not node.negated and target not in names_in((node.low, node.high)):
        if node.operand == ast.Name(target):
            return (">=", node.low), ("<=", node.high)
        if _affine(node.operand, target):
            return ("affine", node.operand, ">=", node.low), ("affine", node.operand, "<=", node.high)
        return None
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and node.ops[0] != "!=":
        left, right = node.operands
        if left == ast.Name(target) and target not in names_in(right):
            return ((node.ops[0], right),)
        if right == ast.Name(target) and target not in names_in(left):
            return ((_FLIP[node.ops[0]], left),)
        if target in names_in(node) and _affine(left, target) and _affine(right, target):
            return (("affine", left, node.ops[0], right),)
    return None


def _affine(node, target: str) -> bool:
    return affine.obstacle(node, target) is None


def _bounds(expr, target: str, drawn: pd.DataFrame, axis) -> Restriction:
    n = len(drawn)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    null_ok = np.ones(n, dtype=bool)
    body = expr.then if isinstance(expr, ast.IfElse) and expr.else_ is None else expr
    applies = np.ones(n, dtype=bool)
    if body is not expr:
        applies &= evaluate(expr.cond, drawn).fillna(False).to_numpy(dtype=bool)
    escape, _ = _escape(body, target)
    if escape is not None:  # "X or R": where X holds, R does not bind
        applies &= ~evaluate(escape, drawn).fillna(False).to_numpy(dtype=bool)
    alone, atoms = _atoms(body, target)
    only_null = np.zeros(n, dtype=bool)
    context = None
    for atom in atoms:
        for item in (atom if isinstance(atom[0], tuple) else (atom,)):
            if item[0] == "affine":
                context = context or affine.Context(target, axis.kind, Walker(drawn))
                b = affine.bound(item[1], item[2], item[3], context, applies)
                np.maximum(lo, b.lo, out=lo)
                np.minimum(hi, b.hi, out=hi)
                null_ok &= b.null_ok
            else:
                _apply(item, drawn, axis, applies, lo, hi, null_ok, only_null)
    if alone:
        null_ok[:] = True
    lo[only_null] = np.inf  # nothing but the missing state
    return Restriction(lo=lo, hi=hi, null_ok=null_ok)


def _apply(item, drawn, axis, applies, lo, hi, null_ok, only_null) -> None:
    op = item[0]
    if op == "notnull":
        null_ok[applies] = False
        return
    if op == "null":
        only_null[applies] = True
        return
    bound = axis(evaluate(item[1], drawn))
    known = applies & np.isfinite(bound)
    if op in (">", ">="):
        b = axis.above(bound[known]) if op == ">" else bound[known]
        lo[known] = np.maximum(lo[known], b)
    if op in ("<", "<="):
        b = axis.below(bound[known]) if op == "<" else bound[known]
        hi[known] = np.minimum(hi[known], b)
    if op == "==":
        lo[known] = np.maximum(lo[known], bound[known])
        hi[known] = np.minimum(hi[known], bound[known])
