"""Types of expressions: name resolution, functions, and type mismatches (E0201-E0204, E0211, E0212).

Types are short strings: ``int``, ``float``, ``date``, ``datetime``, ``duration`` (from ``days()`` or
a date difference), ``text``, ``category``, ``str`` (a text literal, fits text and categories),
``bool``, ``null`` and ``any`` (unknown: never reported).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.diagnostics import Diagnostic, did_you_mean
from bayes_synth.dsl.functions import (
    FUNCTIONS,
    NUMERIC,
    TEMPORAL,
    TEXTUAL,
    WORDS,
    call_type,
    is_date_text,
    later_than,
    unify,
)


class TypeChecker:
    """Infer expression types against known columns, appending diagnostics to ``self.diagnostics``.

    ``columns`` maps name -> type; ``strict`` reports names that are not known (off when the table is
    not given); ``categories`` maps a column to its allowed values when declared.

    >>> tc = TypeChecker({"age": "int"}, strict=True)
    >>> tc.infer(ast.Name("agee")), tc.diagnostics[0].help
    ('any', "did you mean 'age'?")
    """

    def __init__(self, columns: Mapping[str, str], *, strict: bool,
                 categories: Mapping[str, tuple[Any, ...]] | None = None):
        self.columns = dict(columns)
        self.strict = strict
        self.categories = dict(categories or {})
        self.diagnostics: list[Diagnostic] = []

    def error(self, code: str, message: str, node: Any, help: str = "", label: str = "") -> str:
        """Record a diagnostic at ``node``; returns ``any`` so checking goes on without cascades."""
        self.diagnostics.append(Diagnostic(code, message, getattr(node, "span", None), help, label))
        return "any"

    def word(self, node: Any, ty: str) -> str:
        """How a value is named in a message: ``'city' (text)`` or ``a number``."""
        if isinstance(node, ast.Name):
            return f"'{node.name}' ({WORDS[ty]})"
        if isinstance(node, ast.Literal) and isinstance(node.value, str):
            return f'the text "{node.value}"'
        return WORDS[ty]

    # ---------------------------------------------------------------------------- dispatch
    def infer(self, e: Any) -> str:
        """The type of ``e``, reporting problems inside it."""
        method: Callable[[Any], str] = getattr(self, "t_" + type(e).__name__)
        return method(e)

    def condition(self, e: Any, what: str) -> None:
        """Check that ``e`` is a condition (true or false)."""
        ty = self.infer(e)
        if ty not in ("bool", "any"):
            self.error("E0204", f"{what} must be a condition, not {self.word(e, ty)}", e,
                       help="compare it with something, e.g. 'x > 0' or 'x is not null'")

    def t_Name(self, e: ast.Name) -> str:
        if e.name in self.columns:
            return self.columns[e.name]
        if not self.strict:
            return "any"
        return self.error("E0201", f"unknown column '{e.name}'", e, help=did_you_mean(e.name, self.columns),
                          label="not a column of the table or of this file")

    def t_Literal(self, e: ast.Literal) -> str:
        v = e.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "bool"
        return "str" if isinstance(v, str) else ("int" if isinstance(v, int) else "float")

    def t_Neg(self, e: ast.Neg) -> str:
        ty = self.infer(e.operand)
        if ty in NUMERIC | {"duration", "any"}:
            return ty
        return self.error("E0204", f"cannot negate {self.word(e.operand, ty)}", e)

    def t_BinOp(self, e: ast.BinOp) -> str:
        dashed = _dashed(e)
        if dashed in self.columns and any(n not in self.columns for n in dashed.split("-")):
            return self._dash_hint(e, dashed)
        left, right = self.infer(e.left), self.infer(e.right)
        if "any" in (left, right):
            return "any"
        result = _arithmetic(e.op, left, right)
        if result is None:
            hint = "join text with concat(a, b)" if e.op == "+" and {left, right} & TEXTUAL else ""
            return self.error("E0204", f"cannot use '{e.op}' on {self.word(e.left, left)} and "
                              f"{self.word(e.right, right)}", e, help=hint)
        return result

    def _dash_hint(self, e: ast.BinOp, dashed: str) -> str:
        first = _leftmost(e)
        return self.error("E0201", f"unknown column '{first.name}'", e,
                   help=f"did you mean `{dashed}`? a name with dashes goes in backticks; without them '-' subtracts",
                   label="read as a subtraction")

    def t_BoolOp(self, e: ast.BoolOp) -> str:
        for operand in e.operands:
            self.condition(operand, f"each side of '{e.op}'")
        return "bool"

    def t_Not(self, e: ast.Not) -> str:
        self.condition(e.operand, "the operand of 'not'")
        return "bool"

    def t_IsNull(self, e: ast.IsNull) -> str:
        self.infer(e.operand)
        return "bool"

    def t_Compare(self, e: ast.Compare) -> str:
        types = [self.infer(x) for x in e.operands]
        for i, op in enumerate(e.ops):
            self.compare(op, e.operands[i], types[i], e.operands[i + 1], types[i + 1], e)
        return "bool"

    def t_InList(self, e: ast.InList) -> str:
        ty = self.infer(e.operand)
        for value in e.values:
            self.compare("==", e.operand, ty, value, self.t_Literal(value), value)
        return "bool"

    def t_Between(self, e: ast.Between) -> str:
        ty, low, high = self.infer(e.operand), self.infer(e.low), self.infer(e.high)
        self.compare("<=", e.low, low, e.operand, ty, e)
        self.compare("<=", e.operand, ty, e.high, high, e)
        lo, hi = getattr(e.low, "value", None), getattr(e.high, "value", None)
        if _both_numbers(lo, hi) and lo > hi or later_than(lo, hi):
            self.error("E0208", f"the range is empty: {literal_text(lo)} is greater than {literal_text(hi)}", e,
                       help="write the smaller bound first: between low and high")
        return "bool"

    def t_Call(self, e: ast.Call) -> str:
        args = [self.infer(a) for a in e.args]
        if e.func not in FUNCTIONS:
            self.diagnostics.append(Diagnostic("E0202", f"unknown function '{e.func}'", e.func_span or e.span,
                                               help=did_you_mean(e.func, FUNCTIONS), label="not a built-in function"))
            return "any"
        low, high = FUNCTIONS[e.func]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} or {high}")
            return self.error("E0203", f"{e.func}() takes {wanted} argument{'s' * (wanted != '1')}, "
                              f"got {len(args)}", e)
        result, problem = call_type(e.func, args, e.args)
        return self.error("E0204", problem, e) if problem else result

    def t_IfElse(self, e: ast.IfElse, in_rule: bool = False) -> str:
        self.condition(e.cond, "the 'if' part")
        then = self.infer(e.then)
        if e.else_ is None:
            if not in_rule:
                return self.error("E0211", "this 'if' needs an 'else' branch to give a value", e,
                                  help="add 'else null' to leave the value empty otherwise")
            if then not in ("bool", "any"):
                self.error("E0204", f"the 'then' part of a rule must be a condition, not {self.word(e.then, then)}",
                           e.then)
            return "bool"
        other = self.infer(e.else_)
        joined = unify(then, other)
        if joined is None:
            return self.error("E0204", f"the branches of 'if' give {self.word(e.then, then)} and "
                              f"{self.word(e.else_, other)}", e, help="both branches must give the same kind of value")
        return joined

    def rule(self, e: Any) -> None:
        """Check a rule's expression: a condition; a top-level ``if`` may omit ``else``."""
        ty = self.t_IfElse(e, in_rule=True) if isinstance(e, ast.IfElse) else self.infer(e)
        if ty not in ("bool", "any"):
            self.error("E0204", f"a rule must be a condition, not {self.word(e, ty)}", e,
                       help="compare it with something, e.g. 'x > 0' or 'x is not null'")

    # --------------------------------------------------------------------------- comparisons
    def compare(self, op: str, a: Any, ta: str, b: Any, tb: str, at: Any) -> None:
        """Report a comparison of values of types that do not compare (or compare without order)."""
        if "any" in (ta, tb):
            return
        if "null" in (ta, tb):
            side = a if tb == "null" else b
            self.error("E0204", f"comparing with null with '{op}' is never true", at,
                       help=f"write '{_name_of(side)} is null' or 'is not null'")
            return
        if not _comparable(op, a, ta, b, tb):
            self.error("E0204", f"cannot compare {self.word(a, ta)} with {self.word(b, tb)} using '{op}'", at,
                       help=_compare_help(op, ta, tb))
            return
        self._check_category_value(a, b)
        self._check_category_value(b, a)

    def _check_category_value(self, column: Any, value: Any) -> None:
        """E0212 when a text value is not one of the declared categories of the column."""
        if not isinstance(column, ast.Name) or not isinstance(value, ast.Literal):
            return
        allowed = self.categories.get(column.name)
        if allowed is not None and value.value not in allowed and isinstance(value.value, str | int | float):
            texts = [str(c) for c in allowed]
            self.error("E0212", f"{literal_text(value.value)} is not a category of '{column.name}'", value,
                       help=did_you_mean(str(value.value), texts) or "the categories are " + ", ".join(texts[:8]))


def literal_text(value: Any) -> str:
    """A value as written in a file, for messages."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def _name_of(node: Any) -> str:
    return node.name if isinstance(node, ast.Name) else "x"


def _comparable(op: str, a: Any, ta: str, b: Any, tb: str) -> bool:
    ordering = op not in ("==", "!=")
    for x, tx, ty in ((a, ta, tb), (b, tb, ta)):
        if tx == "str" and ty in TEMPORAL:
            return is_date_text(getattr(x, "value", None))
    if ordering:
        return ({ta, tb} <= NUMERIC or {ta, tb} <= TEMPORAL or ta == tb == "duration")
    return unify(ta, tb) is not None and not ({ta, tb} & {"bool"} and ta != tb)


def _compare_help(op: str, ta: str, tb: str) -> str:
    if op not in ("==", "!=") and {ta, tb} <= TEXTUAL:
        return "categories and text have no order; compare with '==' or use 'in [...]'"
    if TEMPORAL & {ta, tb} and "str" in (ta, tb):
        return 'write dates as ISO text: "2024-12-31"'
    if TEXTUAL & {ta, tb} and NUMERIC & {ta, tb}:
        return 'categories and text compare with text in double quotes, e.g. "50"'
    return "both sides must be numbers, dates, text or conditions alike"


def _arithmetic(op: str, a: str, b: str) -> str | None:
    if {a, b} <= NUMERIC:
        return "float" if op == "/" or "float" in (a, b) else "int"
    table = {("+", "date", "duration"): "date", ("+", "datetime", "duration"): "datetime",
             ("+", "duration", "date"): "date", ("+", "duration", "datetime"): "datetime",
             ("-", "date", "duration"): "date", ("-", "datetime", "duration"): "datetime",
             ("-", "date", "date"): "duration", ("-", "datetime", "datetime"): "duration",
             ("-", "date", "datetime"): "duration", ("-", "datetime", "date"): "duration",
             ("+", "duration", "duration"): "duration", ("-", "duration", "duration"): "duration",
             ("/", "duration", "duration"): "float"}
    if (op, a, b) in table:
        return table[(op, a, b)]
    if op in ("*", "/") and a == "duration" and b in NUMERIC or op == "*" and b == "duration" and a in NUMERIC:
        return "duration"
    return None


def _dashed(e: ast.BinOp) -> str:
    """``a - b - c`` made only of names, as ``"a-b-c"`` (a dashed column name written without backticks)."""
    if e.op != "-" or not isinstance(e.right, ast.Name):
        return ""
    if isinstance(e.left, ast.Name):
        return f"{e.left.name}-{e.right.name}"
    inner = _dashed(e.left) if isinstance(e.left, ast.BinOp) else ""
    return f"{inner}-{e.right.name}" if inner else ""


def _leftmost(e: Any) -> ast.Name:
    return e if isinstance(e, ast.Name) else _leftmost(e.left)


def _both_numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in (a, b))
