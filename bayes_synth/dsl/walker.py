"""Walk an expression tree once, computing each node for every row of a table at the same time.

>>> import pandas as pd
>>> from bayes_synth.dsl.ast import BinOp, Literal, Name
>>> Walker(pd.DataFrame({"a": [1, 2]})).visit(BinOp("*", Name("a"), Literal(10))).data.tolist()
[10.0, 20.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.dsl import ast
from bayes_synth.dsl.calls import call
from bayes_synth.dsl.diagnostics import Diagnostic, render
from bayes_synth.dsl.operations import arith, between, compare, in_list, negate, select
from bayes_synth.dsl.values import (
    EvalTypeError,
    Val,
    boolean,
    coerce,
    fail,
    from_literal,
    from_series,
    k_and,
    k_not,
    k_or,
    type_error,
)
from bayes_synth.errors import DSLError


class Walker:
    """Evaluates expressions over ``frame``; each column is converted once and kept."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.n = len(frame)
        self.columns: dict[str, Val] = {}

    def visit(self, node: Any) -> Val:
        """The value of ``node`` on every row; problems become located :class:`EvalTypeError`."""
        method: Callable[[Any], Val] | None = getattr(self, "v_" + type(node).__name__, None)
        if method is None:
            fail(f"a {type(node).__name__} statement is not an expression", span=getattr(node, "span", None))
        try:
            return method(node)
        except EvalTypeError as exc:
            raise _located(exc, node) from None
        except DSLError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:  # never show numpy/pandas messages: they quote cells
            raise type_error(f"this expression cannot be evaluated on the table ({type(exc).__name__})",
                             span=getattr(node, "span", None)) from None

    def condition(self, node: Any, what: str) -> Val:
        """``node`` evaluated as a true/false/unknown condition."""
        return coerce(self.visit(node), "bool", what)

    def v_Name(self, e: ast.Name) -> Val:
        if e.name not in self.columns:
            if e.name not in self.frame.columns:
                fail(f"unknown column '{e.name}'", "E0201", e.span)
            self.columns[e.name] = from_series(self.frame[e.name])
        return self.columns[e.name]

    def v_Literal(self, e: ast.Literal) -> Val:
        return from_literal(e.value, self.n)

    def v_Neg(self, e: ast.Neg) -> Val:
        return negate(self.visit(e.operand))

    def v_BinOp(self, e: ast.BinOp) -> Val:
        return arith(e.op, self.visit(e.left), self.visit(e.right))

    def v_Compare(self, e: ast.Compare) -> Val:
        values = [self.visit(x) for x in e.operands]
        return k_and([compare(op, values[i], values[i + 1]) for i, op in enumerate(e.ops)])

    def v_BoolOp(self, e: ast.BoolOp) -> Val:
        values = [self.condition(x, f"each side of '{e.op}'") for x in e.operands]
        return k_and(values) if e.op == "and" else k_or(values)

    def v_Not(self, e: ast.Not) -> Val:
        return k_not(self.condition(e.operand, "'not'"))

    def v_IsNull(self, e: ast.IsNull) -> Val:
        missing = self.visit(e.operand).null
        return boolean(~missing if e.negated else missing, np.zeros(self.n, dtype=bool))

    def v_InList(self, e: ast.InList) -> Val:
        found = in_list(self.visit(e.operand), [v.value for v in e.values])
        return k_not(found) if e.negated else found

    def v_Between(self, e: ast.Between) -> Val:
        inside = between(self.visit(e.operand), self.visit(e.low), self.visit(e.high))
        return k_not(inside) if e.negated else inside

    def v_Call(self, e: ast.Call) -> Val:
        return call(e.func, [self.visit(a) for a in e.args])

    def v_IfElse(self, e: ast.IfElse) -> Val:
        """``if c then a else b``: ``a`` where c is True, ``b`` where c is False or unknown. Without
        ``else`` (a rule ``if C then R``): R where C is True, True elsewhere."""
        pick = self.condition(e.cond, "the 'if' part").known_true
        then = self.visit(e.then)
        if e.else_ is None:
            then = coerce(then, "bool", "the 'then' part of a rule")
            otherwise = boolean(np.ones(self.n, dtype=bool), np.zeros(self.n, dtype=bool))
        else:
            otherwise = self.visit(e.else_)
        return select(pick, then, otherwise)


def _located(exc: EvalTypeError, node: Any) -> EvalTypeError:
    """The error, pinned to ``node`` when it has no place yet."""
    diagnostic = exc.diagnostics[0] if exc.diagnostics else Diagnostic("E0204", str(exc))
    span = getattr(node, "span", None)
    if diagnostic.span is not None or span is None:
        return exc
    located = Diagnostic(diagnostic.code, diagnostic.message, span, diagnostic.help, diagnostic.label)
    return EvalTypeError(render(located), [located])
