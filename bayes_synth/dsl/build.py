"""Turn the parse tree into the typed AST of :mod:`bayes_synth.dsl.ast`.

Works on the tree's shape only (``.data``, ``.children``, ``.meta`` of nodes; ``.type`` and the
position of tokens), so no lark type is imported here and none survives into the AST. Literal text
is decoded without ``eval``: numbers by ``int``/``float``, strings by ``json.loads``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.diagnostics import Diagnostic

MAX_DEPTH = 200
_OPTIONS_WITHOUT_VALUE = {"opt_not_null": False, "opt_nullable": True, "opt_unique": True}


class BuildError(Exception):
    """A literal that parses but cannot be decoded; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class AstBuilder:
    """Build AST statements from a parse tree of one file.

    >>> AstBuilder("a.bsc").number_value("1e-6", None)
    1e-06
    """

    def __init__(self, file: str):
        self.file = file

    # ------------------------------------------------------------------------------- helpers
    def span(self, node: Any) -> ast.Span | None:
        """The span of a token or tree node (None for a node without position)."""
        src = getattr(node, "meta", node)
        if getattr(src, "empty", False) or not hasattr(src, "line") or src.line is None:
            return None
        return ast.Span(self.file, src.line, src.column, src.end_line, src.end_column)

    def name(self, token: Any) -> str:
        """A bare name or the text inside backticks."""
        text = str(token)
        return text[1:-1] if token.type == "QNAME" else text

    def number_value(self, text: str, node: Any) -> int | float:
        """Decode a NUMBER token's text."""
        try:
            value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            value = math.inf
        if isinstance(value, float) and not math.isfinite(value):
            raise BuildError(Diagnostic("E0106", f"the number {text[:30]} is too large", self.span(node)))
        return value

    def string_value(self, token: Any) -> str:
        """Decode a STRING token (JSON escapes: \\" \\\\ \\n \\t \\uXXXX)."""
        try:
            value = json.loads(str(token), strict=False)
        except ValueError:
            raise BuildError(Diagnostic(
                "E0106", "invalid escape sequence in a string", self.span(token),
                help='escapes are \\" \\\\ \\n \\t and \\uXXXX; write \\\\ for a backslash or use / in paths',
            )) from None
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise BuildError(Diagnostic("E0106", "a string holds an unpaired surrogate escape", self.span(token)))
        return value

    # ---------------------------------------------------------------------------- statements
    def statements(self, tree: Any) -> list[ast.Statement]:
        """All statements of a ``start`` tree."""
        return [self.statement(child) for child in tree.children]

    def statement(self, node: Any) -> ast.Statement:
        """One statement node."""
        kind = str(node.data)
        kids, span = node.children, self.span(node)
        if kind == "include":
            return ast.Include(self.string_value(kids[0]), span=span)
        if kind == "privacy":
            return ast.Privacy(tuple(self.setting(k) for k in kids), span=span)
        if kind == "column":
            return self.column(node)
        if kind == "derive":
            return ast.Derive(self.name(kids[0]), self.expr(kids[1]), span=span, name_span=self.span(kids[0]))
        if kind == "rule":
            return ast.Rule(self.expr(kids[0]), span=span)
        if kind == "combine":
            return ast.Combine(tuple(self.name_ref(k) for k in kids), span=span)
        return ast.Entity(str(kids[0]), tuple(self.name_ref(k) for k in kids[1:]), span=span)

    def name_ref(self, token: Any) -> ast.Name:
        """A column name token as a :class:`Name` node."""
        return ast.Name(self.name(token), span=self.span(token))

    def setting(self, node: Any) -> ast.Setting:
        """``key = value`` in a privacy statement."""
        key, value = node.children
        if getattr(value, "type", None) == "NAME":
            val: ast.Literal | ast.Name = self.name_ref(value)
        else:
            val = ast.Literal(self.literal_value(value), span=self.span(value))
        return ast.Setting(str(key), val, span=self.span(node))

    def column(self, node: Any) -> ast.Column:
        """A column declaration with its options."""
        name_tok, kind_tok, *rest = node.children
        semantic = semantic_span = None
        options = []
        for child in rest:
            if str(child.data) == "semantic":
                semantic, semantic_span = str(child.children[0]), self.span(child.children[0])
            else:
                options.append(self.option(child))
        return ast.Column(self.name(name_tok), str(kind_tok), semantic, tuple(options), span=self.span(node),
                          name_span=self.span(name_tok), kind_span=self.span(kind_tok), semantic_span=semantic_span)

    def option(self, node: Any) -> ast.ColumnOption:
        """One column option (``opt_min`` ... trees)."""
        kind = str(node.data)
        name = kind.removeprefix("opt_")
        if kind in _OPTIONS_WITHOUT_VALUE:
            name = "unique" if kind == "opt_unique" else "nullable"
            return ast.ColumnOption(name, _OPTIONS_WITHOUT_VALUE[kind], span=self.span(node))
        (arg,) = node.children
        if kind in ("opt_in", "opt_missing"):
            value: Any = tuple(lit.value for lit in self.literal_list(arg))
        else:
            value = self.literal_value(arg)
        return ast.ColumnOption(name, value, span=self.span(node))

    # ------------------------------------------------------------------------------ literals
    def literal_value(self, node: Any) -> ast.Value:
        """The Python value of a literal token or tree."""
        if getattr(node, "type", None) == "NUMBER":
            return self.number_value(str(node), node)
        if getattr(node, "type", None) == "STRING":
            return self.string_value(node)
        kind = str(node.data)
        if kind == "signed_number":
            *sign, number = node.children
            value = self.number_value(str(number), number)
            return -value if sign else value
        if kind in ("string", "number"):
            return self.literal_value(node.children[0])
        return {"true": True, "false": False, "null": None}[kind]

    def literal_list(self, node: Any) -> tuple[ast.Literal, ...]:
        """The items of a ``[...]`` list."""
        return tuple(ast.Literal(self.literal_value(c), span=self.span(c)) for c in node.children if c is not None)

    # --------------------------------------------------------------------------- expressions
    def expr(self, node: Any, depth: int = 0) -> ast.Expr:
        """An expression node (recursively, at most MAX_DEPTH levels deep)."""
        if depth > MAX_DEPTH:
            raise BuildError(Diagnostic("E0107", f"the expression is nested more than {MAX_DEPTH} levels deep",
                                        self.span(node), help="split it into derived columns"))
        if hasattr(node, "type"):  # a bare token cannot be an expression; kept for safety
            return ast.Name(self.name(node), span=self.span(node))
        kind = str(node.data)
        method = getattr(self, f"x_{kind}", None)
        if method is None:
            return ast.Literal(self.literal_value(node), span=self.span(node))
        sub = [self.expr(c, depth + 1) if c is not None and not hasattr(c, "type") else c for c in node.children]
        return method(sub, node)

    def x_func(self, kids: list, node: Any) -> Any:
        return str(kids[0])

    def x_column_ref(self, kids: list, node: Any) -> ast.Expr:
        return self.name_ref(kids[0])

    def x_call(self, kids: list, node: Any) -> ast.Expr:
        return ast.Call(str(kids[0]), tuple(k for k in kids[1:] if k is not None), span=self.span(node),
                        func_span=self.span(node.children[0]))

    def x_neg(self, kids: list, node: Any) -> ast.Expr:
        operand = kids[1]
        if isinstance(operand, ast.Literal) and type(operand.value) in (int, float):
            return ast.Literal(-operand.value, span=self.span(node))
        return ast.Neg(operand, span=self.span(node))

    def x_binop(self, kids: list, node: Any) -> ast.Expr:
        return ast.BinOp(str(kids[1]), kids[0], kids[2], span=self.span(node))

    def x_compare(self, kids: list, node: Any) -> ast.Expr:
        return ast.Compare(tuple(kids[0::2]), tuple(str(op) for op in kids[1::2]), span=self.span(node))

    def x_or_expr(self, kids: list, node: Any) -> ast.Expr:
        return ast.BoolOp("or", tuple(kids), span=self.span(node))

    def x_and_expr(self, kids: list, node: Any) -> ast.Expr:
        return ast.BoolOp("and", tuple(kids), span=self.span(node))

    def x_not_(self, kids: list, node: Any) -> ast.Expr:
        return ast.Not(kids[0], span=self.span(node))

    def x_is_null(self, kids: list, node: Any, negated: bool = False) -> ast.Expr:
        return ast.IsNull(kids[0], negated, span=self.span(node))

    def x_is_not_null(self, kids: list, node: Any) -> ast.Expr:
        return self.x_is_null(kids, node, True)

    def x_in_list(self, kids: list, node: Any, negated: bool = False) -> ast.Expr:
        return ast.InList(kids[0], self.literal_list(node.children[1]), negated, span=self.span(node))

    def x_not_in_list(self, kids: list, node: Any) -> ast.Expr:
        return self.x_in_list(kids, node, True)

    def x_list(self, kids: list, node: Any) -> Any:
        return None  # built by x_in_list from the raw node

    def x_between(self, kids: list, node: Any, negated: bool = False) -> ast.Expr:
        return ast.Between(kids[0], kids[1], kids[2], negated, span=self.span(node))

    def x_not_between(self, kids: list, node: Any) -> ast.Expr:
        return self.x_between(kids, node, True)

    def x_ifelse(self, kids: list, node: Any) -> ast.Expr:
        return ast.IfElse(kids[0], kids[1], kids[2], span=self.span(node))
