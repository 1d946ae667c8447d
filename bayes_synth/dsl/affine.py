"""Comparisons that are affine in a numeric target, turned into per-row bounds on the target's axis.

Once the other columns of a row are known, each side of ``left op right`` is ``a * t + b`` in the
target ``t`` when it is built from ``t``, target-free subexpressions, ``+``, ``-``, unary minus, ``*``
with at most one side reading ``t``, ``/`` with ``t`` only in the numerator, and ``days(...)``. Moving
``t`` to one side gives ``coef * t op rhs``, so ``t op rhs / coef`` (the operator flipped when ``coef``
is negative; rounded inwards for integer, date and datetime targets). Where ``coef`` is 0 the
comparison does not depend on ``t`` for that row: if it is false there, no value is allowed.

Values are on the target's axis (:func:`bayes_synth.ingest.column_axis`): numbers as they are, dates
in days and datetimes in seconds since 1970; durations in the same unit. A bound that the floating
point evaluation of the rule would disagree with by a rounding error is moved until the evaluator
(:class:`~bayes_synth.dsl.walker.Walker`) accepts it, so the bounds agree with ``rule_holds``.
Missing operands make the comparison unknown, and an unknown comparison does not bind the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayes_synth.dsl import ast
from bayes_synth.dsl.printer import to_source
from bayes_synth.dsl.values import NS_PER_DAY, Val, coerce, days, fail, parse
from bayes_synth.dsl.walker import Walker

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}
_TEST = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal}
_CALENDAR = ("months", "years")
_DAY_LIMIT = 100_000  # dates further than this many days from 1970 are outside datetime64[ns]


def mentions(node: Any, target: str) -> bool:
    """True when ``node`` reads the column ``target``."""
    if isinstance(node, ast.Name):
        return node.name == target
    if isinstance(node, tuple):
        return any(mentions(item, target) for item in node)
    if hasattr(node, "__dataclass_fields__"):
        return any(mentions(getattr(node, f), target) for f in node.__dataclass_fields__
                   if f not in ("span", "func_span"))
    return False


def obstacle(node: Any, target: str) -> tuple[Any, str] | None:
    """The first part of an expression that keeps it from being affine in ``target`` and why, or None.

    >>> from bayes_synth.dsl import parse_constraints
    >>> obstacle(parse_constraints("rule round(2 * q) <= 5").rules[0].expr.operands[0], "q")[1]
    'round()'
    """
    if not mentions(node, target) or isinstance(node, ast.Name):
        return None
    if isinstance(node, ast.Neg):
        return obstacle(node.operand, target)
    if isinstance(node, ast.BinOp):
        left, right = mentions(node.left, target), mentions(node.right, target)
        if node.op == "*" and left and right:
            return node, f"a product of two terms that both depend on '{target}'"
        if node.op == "/" and right:
            return node, f"a division by an expression that depends on '{target}'"
        if node.op in "+-" and (left and _calendar(node.right) or right and _calendar(node.left)):
            return node, "months()/years() (a calendar step is not a fixed number of days)"
        return obstacle(node.left, target) or obstacle(node.right, target)
    if isinstance(node, ast.Call):
        return obstacle(node.args[0], target) if node.func == "days" else (node, f"{node.func}()")
    if isinstance(node, ast.IfElse):
        return node, "'if ... then ... else'"
    return node, f"'{to_source(node)}'"


def _calendar(node: Any) -> bool:
    if isinstance(node, ast.Call) and node.func in _CALENDAR:
        return True
    if isinstance(node, tuple):
        return any(_calendar(item) for item in node)
    if hasattr(node, "__dataclass_fields__"):
        return any(_calendar(getattr(node, f)) for f in node.__dataclass_fields__ if f not in ("span", "func_span"))
    return False


@dataclass(frozen=True)
class Lin:
    """Per row ``a * t + b`` (``kind``: num, date or dur, dates and durations in axis units)."""

    kind: str
    a: np.ndarray
    b: np.ndarray
    null: np.ndarray


@dataclass(frozen=True)
class Bounds:
    """What one comparison allows, per row: ``lo <= t <= hi`` (lo = +inf: no value) and the missing state."""

    lo: np.ndarray
    hi: np.ndarray
    null_ok: np.ndarray


class Context:
    """The target, its kind and a walker over the drawn columns (shared by the comparisons of a rule)."""

    def __init__(self, target: str, kind: str, walker: Walker):
        self.target, self.kind, self.walker, self.n = target, kind, walker, walker.n
        self.integral = kind != "float"
        self.scale = 86_400.0 if kind == "datetime" else 1.0  # axis units per day

    def own(self) -> Lin:
        """The target itself: ``1 * t + 0``."""
        return Lin("date" if self.kind in ("date", "datetime") else "num", np.ones(self.n), np.zeros(self.n),
                   np.zeros(self.n, dtype=bool))

    def const(self, v: Val, kind: str | None = None) -> Lin:
        """A target-free value as ``0 * t + b`` (text read as ``kind``, as the evaluator does)."""
        if v.kind == "text" and kind in ("num", "date"):
            v = coerce(v, kind, "a comparison")
        zero = np.zeros(self.n)
        if v.kind == "null":
            return Lin(kind or "num", zero, np.full(self.n, np.nan), np.ones(self.n, dtype=bool))
        if v.kind == "date":
            ns = np.where(v.null, 0, v.data.astype("datetime64[ns]").astype(np.int64))
            return Lin("date", zero, ns / (NS_PER_DAY / self.scale), v.null)
        if v.kind == "dur":
            return Lin("dur", zero, np.where(v.null, np.nan, days(v)) * self.scale, v.null)
        if v.kind == "num":
            return Lin("num", zero, v.data.astype(float), v.null)
        fail(f"cannot use {v.kind} in arithmetic with the column '{self.target}'")

    def value(self, axis_values: np.ndarray) -> Val:
        """Target values given on the axis, as the evaluator sees them."""
        if self.kind in ("date", "datetime"):
            unit = NS_PER_DAY / self.scale
            safe = np.where(np.abs(axis_values) < _DAY_LIMIT * self.scale, axis_values, 0)
            return Val("date", (safe * unit).astype(np.int64).astype("datetime64[ns]"), np.zeros(self.n, dtype=bool))
        return Val("num", np.asarray(axis_values, dtype=float), np.zeros(self.n, dtype=bool))


def linear(node: Any, c: Context) -> Lin | Val:
    """``node`` as ``a * t + b`` per row, or its value (a :class:`Val`) when it does not read the target."""
    if not mentions(node, c.target):
        return c.walker.visit(node)
    if isinstance(node, ast.Name):
        return c.own()
    if isinstance(node, ast.Neg | ast.Call):  # -x, or days(x): the only call obstacle() lets through
        x = _lin(linear(node.operand if isinstance(node, ast.Neg) else node.args[0], c), c, "num")
        if x.kind == "date" or isinstance(node, ast.Call) and x.kind != "num":
            fail(f"cannot use {'-' if isinstance(node, ast.Neg) else 'days()'} on a date (column '{c.target}')")
        if isinstance(node, ast.Neg):
            return Lin(x.kind, -x.a, -x.b, x.null)
        return Lin("dur", x.a * c.scale, x.b * c.scale, x.null)
    left, right = linear(node.left, c), linear(node.right, c)
    for v, other in ((left, right), (right, left)):
        if isinstance(v, Val) and v.kind == "null":  # arithmetic with null is missing, of the other kind
            kind = other.kind if isinstance(other, Lin) else "num"
            return Lin(kind, np.zeros(c.n), np.full(c.n, np.nan), np.ones(c.n, dtype=bool))
    if node.op in "+-":
        return _add(node.op, left, right, c)
    return _scale(node.op, left, right, c)


def _lin(x: Lin | Val, c: Context, kind: str | None = None) -> Lin:
    return x if isinstance(x, Lin) else c.const(x, kind)


def _add(op: str, left: Lin | Val, right: Lin | Val, c: Context) -> Lin:
    hint = (left if isinstance(left, Lin) else right).kind
    x, y = _lin(left, c, hint), _lin(right, c, hint)
    kinds = (x.kind, y.kind)
    sign = 1.0 if op == "+" else -1.0
    if kinds in (("num", "num"), ("dur", "dur"), ("date", "dur")) or op == "+" and kinds == ("dur", "date"):
        kind = "date" if "date" in kinds else x.kind
    elif op == "-" and kinds == ("date", "date"):
        kind = "dur"
    else:
        fail(f"cannot use '{op}' on these values (column '{c.target}')")
    return Lin(kind, x.a + sign * y.a, x.b + sign * y.b, x.null | y.null)


def _scale(op: str, left: Lin | Val, right: Lin | Val, c: Context) -> Lin:
    """``lin * k``, ``k * lin`` or ``lin / k`` with ``k`` free of the target."""
    lin, k = (left, right) if isinstance(left, Lin) else (right, left)
    k = c.const(k, "num")
    if k.kind == "dur" and lin.kind == "num" and op == "*":
        kind = "dur"
    elif k.kind == "num" and lin.kind in ("num", "dur"):
        kind = lin.kind
    elif k.kind == "dur" and lin.kind == "dur" and op == "/":
        kind = "num"
    else:
        fail(f"cannot use '{op}' on these values (column '{c.target}')")
    factor = np.where(k.null, np.nan, k.b)
    null = lin.null | k.null
    with np.errstate(all="ignore"):
        if op == "/":
            null = null | (factor == 0)
            factor = 1.0 / np.where(factor == 0, np.nan, factor)
        return Lin(kind, lin.a * factor, lin.b * factor, null)


def bound(left: Any, op: str, right: Any, c: Context, rows: np.ndarray) -> Bounds:
    """What ``left op right`` allows for the target, per row (``rows``: where it binds; elsewhere nothing)."""
    n = c.n
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    null_ok = np.ones(n, dtype=bool)
    cmp = ast.Compare((left, right), (op,))
    if not (mentions(left, c.target) or mentions(right, c.target)):  # false here: false whatever the target
        fails = rows & c.walker.condition(cmp, "a rule").known_false
        lo[fails], null_ok[fails] = np.inf, False
        return Bounds(lo, hi, null_ok)
    x, y = linear(left, c), linear(right, c)
    if any(isinstance(v, Val) and v.kind == "null" for v in (x, y)):
        return Bounds(lo, hi, null_ok)  # unknown on every row
    exact = c.kind in ("integer", "float") and (left == ast.Name(c.target) and isinstance(y, Val) and y.kind == "num"
                                                or right == ast.Name(c.target) and isinstance(x, Val)
                                                and x.kind == "num")
    x, y, bad = _align(op, x, y, c)
    coef, rhs = x.a - y.a, y.b - x.b
    known = rows & ~(x.null | y.null)
    lo[known & bad] = np.inf  # '==' with text that is not a value of the target's kind: never equal
    known &= ~bad
    zero = known & (coef == 0)
    lo[zero & ~_TEST[op](x.b, y.b)] = np.inf
    with np.errstate(all="ignore"):
        q = rhs / np.where(coef == 0, 1.0, coef)
    for sel, eff, up, down in ((known & (coef > 0), op, ">=", "<="), (known & (coef < 0), _FLIP[op], "<=", ">=")):
        if not sel.any():
            continue
        if eff in (">", ">=", "=="):
            lo[sel] = _round_up(q[sel], eff == ">", c.integral)
            if not exact:
                lo = _polish(ast.Compare((left, right), (op if op != "==" else up,)), lo, -1, sel, c)
        if eff in ("<", "<=", "=="):
            hi[sel] = _round_down(q[sel], eff == "<", c.integral)
            if not exact:
                hi = _polish(ast.Compare((left, right), (op if op != "==" else down,)), hi, 1, sel, c)
    return Bounds(lo, hi, null_ok)


def _align(op: str, x: Lin | Val, y: Lin | Val, c: Context) -> tuple[Lin, Lin, np.ndarray]:
    """Both sides as :class:`Lin` of one kind: text read as the other side's kind (with ``==``, text
    that does not parse is unequal: ``bad``), numbers next to durations count days."""
    bad = np.zeros(c.n, dtype=bool)
    hint = (x if isinstance(x, Lin) else y).kind
    sides = []
    for v in (x, y):
        if isinstance(v, Val) and v.kind == "text":
            kind = "num" if hint == "dur" else hint
            if op == "==":
                v, wrong = parse(v, kind)
                bad |= wrong
            else:
                v = coerce(v, kind, f"'{op}'")
        sides.append(_lin(v, c, hint))
    x, y = sides
    if {x.kind, y.kind} == {"num", "dur"}:
        x, y = (Lin("dur", v.a * c.scale, v.b * c.scale, v.null) if v.kind == "num" else v for v in (x, y))
    elif x.kind != y.kind:
        fail(f"cannot compare these values using '{op}' (column '{c.target}')")
    return x, y, bad


def _round_up(q: np.ndarray, strict: bool, integral: bool) -> np.ndarray:
    """The least axis value ``>= q`` (``> q`` when strict)."""
    if integral:
        return np.floor(q) + 1 if strict else np.ceil(q)
    return np.nextafter(q, np.inf) if strict else q


def _round_down(q: np.ndarray, strict: bool, integral: bool) -> np.ndarray:
    """The greatest axis value ``<= q`` (``< q`` when strict)."""
    if integral:
        return np.ceil(q) - 1 if strict else np.floor(q)
    return np.nextafter(q, -np.inf) if strict else q


def _polish(cmp: ast.Compare, values: np.ndarray, side: int, rows: np.ndarray, c: Context) -> np.ndarray:
    """Move bounds (``side`` 1: upper, -1: lower) so the evaluator accepts them and not the next value out."""
    limit = _DAY_LIMIT * c.scale if c.kind in ("date", "datetime") else np.inf
    rows = rows & np.isfinite(values) & (np.abs(values) < limit)
    if not rows.any():
        return values
    values = values.copy()
    for k in range(8):  # inwards while the evaluator says the bound breaks the comparison
        bad = rows & ~_holds(cmp, values, c)
        if not bad.any():
            break
        values[bad] = _step(values[bad], -side, 1 if c.integral else 2 ** k, c.integral)
    ok = rows & _holds(cmp, values, c)
    for _ in range(3):  # outwards while the next value still satisfies it
        out = _step(values, side, 1, c.integral)
        good = ok & np.isfinite(out) & (np.abs(out) < limit) & _holds(cmp, out, c)
        if not good.any():
            break
        values[good] = out[good]
    return values


def _step(values: np.ndarray, direction: int, size: int, integral: bool) -> np.ndarray:
    if integral:
        return values + direction * size
    return values + direction * size * np.abs(np.spacing(values))


def _holds(cmp: ast.Compare, axis_values: np.ndarray, c: Context) -> np.ndarray:
    """Where the evaluator finds ``cmp`` true (or unknown) with the target set to ``axis_values``."""
    saved = c.walker.columns.pop(c.target, None)
    c.walker.columns[c.target] = c.value(axis_values)
    try:
        return ~c.walker.condition(cmp, "a rule").known_false
    finally:
        del c.walker.columns[c.target]
        if saved is not None:
            c.walker.columns[c.target] = saved
