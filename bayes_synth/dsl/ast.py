"""The typed syntax tree of a constraints file: small frozen dataclasses, no behaviour beyond accessors.

Every node carries a :class:`Span` (file, line, column) that takes no part in equality, so two trees
parsed from differently laid-out text compare equal when they mean the same thing::

    >>> from bayes_synth.dsl import parse_constraints
    >>> rules = parse_constraints("rule closed >= opened")
    >>> rules.statements[0].expr == Compare((Name("closed"), Name("opened")), (">=",))
    True

Expressions: :class:`Name`, :class:`Literal`, :class:`Neg`, :class:`BinOp`, :class:`Compare`,
:class:`BoolOp`, :class:`Not`, :class:`IsNull`, :class:`InList`, :class:`Between`, :class:`Call`,
:class:`IfElse`. Statements: :class:`Include`, :class:`Privacy`, :class:`Column`, :class:`Derive`,
:class:`Rule`, :class:`Combine`, :class:`Entity`; a whole file is a
:class:`~bayes_synth.dsl.ruleset.RuleSet`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

Value: TypeAlias = int | float | str | bool | None


@dataclass(frozen=True)
class Span:
    """Where a node is: 1-based line and column; ``end_column`` is just past the last character."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


def _span() -> Any:
    return field(default=None, compare=False, repr=False, kw_only=True)


# ------------------------------------------------------------------------------------ expressions
@dataclass(frozen=True)
class Name:
    """A column reference, ``age`` or `` `education-num` ``."""

    name: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Literal:
    """A number, a string (dates are strings), ``true``/``false`` or ``null`` (``None``)."""

    value: Value
    span: Span | None = _span()

    def __eq__(self, other: object) -> bool:  # 1, 1.0 and true are different literals
        return isinstance(other, Literal) and (type(self.value), self.value) == (type(other.value), other.value)

    def __hash__(self) -> int:
        return hash((Literal, type(self.value), self.value))


@dataclass(frozen=True)
class Neg:
    """Unary minus of a non-literal, ``-balance`` (``-5`` is ``Literal(-5)``)."""

    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class BinOp:
    """Arithmetic: ``op`` is one of ``+ - * /``."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Compare:
    """A comparison chain: ``a <= b < c`` is ``Compare((a, b, c), ("<=", "<"))``."""

    operands: tuple[Expr, ...]
    ops: tuple[str, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class BoolOp:
    """``a and b and c`` (``op="and"``) or ``a or b`` (``op="or"``); two or more operands."""

    op: str
    operands: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Not:
    """``not x``."""

    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class IsNull:
    """``x is null`` or, with ``negated``, ``x is not null``."""

    operand: Expr
    negated: bool = False
    span: Span | None = _span()


@dataclass(frozen=True)
class InList:
    """``x in ["a", "b"]`` or, with ``negated``, ``x not in [...]``: membership in a set of literals."""

    operand: Expr
    values: tuple[Literal, ...]
    negated: bool = False
    span: Span | None = _span()


@dataclass(frozen=True)
class Between:
    """``x between low and high`` (both ends included), or ``x not between ...``."""

    operand: Expr
    low: Expr
    high: Expr
    negated: bool = False
    span: Span | None = _span()


@dataclass(frozen=True)
class Call:
    """A call of a built-in function, ``round(x, 2)``."""

    func: str
    args: tuple[Expr, ...]
    span: Span | None = _span()
    func_span: Span | None = _span()


@dataclass(frozen=True)
class IfElse:
    """``if cond then a else b``; ``else_`` is ``None`` in a rule ``if C then R`` (C implies R)."""

    cond: Expr
    then: Expr
    else_: Expr | None = None
    span: Span | None = _span()


Expr: TypeAlias = Name | Literal | Neg | BinOp | Compare | BoolOp | Not | IsNull | InList | Between | Call | IfElse


def walk(node: Any) -> Iterator[Any]:
    """Every node of an expression (or a tuple of them), depth first, the node itself first; spans are skipped.

    >>> [type(n).__name__ for n in walk(Compare((Name("a"), Literal(1)), ("<",)))]
    ['Compare', 'Name', 'Literal']
    """
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif hasattr(node, "__dataclass_fields__") and not isinstance(node, Span):
        yield node
        for name in node.__dataclass_fields__:
            if name not in ("span", "func_span"):
                yield from walk(getattr(node, name))


# ------------------------------------------------------------------------------------- statements
@dataclass(frozen=True)
class Include:
    """``include "common.bsc"``; only present in the statements of one file, never in a RuleSet."""

    path: str
    span: Span | None = _span()


@dataclass(frozen=True)
class Setting:
    """One ``key = value`` of a ``privacy`` statement; a bare word value (``inf``) is a :class:`Name`."""

    key: str
    value: Literal | Name
    span: Span | None = _span()


@dataclass(frozen=True)
class Privacy:
    """``privacy epsilon = 1.0, delta = 1e-6``."""

    settings: tuple[Setting, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class ColumnOption:
    """One option of a column declaration.

    ``name`` is ``in`` (tuple of values), ``missing`` (tuple of strings), ``min``/``max`` (number or
    date string), ``nullable`` (``False`` for ``not null``, ``True`` for ``nullable``), ``unique``
    (``True``), ``format``/``dtype`` (string), ``bins``/``decimals`` (number) or ``epsilon_share``.
    """

    name: str
    value: Any = None
    span: Span | None = _span()


@dataclass(frozen=True)
class Column:
    """``column age: integer, min 17, max 90, not null``; options in the order written."""

    name: str
    kind: str
    semantic: str | None = None
    options: tuple[ColumnOption, ...] = ()
    span: Span | None = _span()
    name_span: Span | None = _span()
    kind_span: Span | None = _span()
    semantic_span: Span | None = _span()

    def option(self, name: str, default: Any = None) -> Any:
        """The value of the first option called ``name`` (``in``, ``min``, ``format`` ...), else ``default``."""
        return next((o.value for o in self.options if o.name == name), default)

    @property
    def categories(self) -> tuple[Value, ...] | None:
        """The allowed values (``in [...]``), or None."""
        return self.option("in")

    @property
    def min(self) -> Value:
        """The declared lower bound, or None."""
        return self.option("min")

    @property
    def max(self) -> Value:
        """The declared upper bound, or None."""
        return self.option("max")

    @property
    def nullable(self) -> bool | None:
        """False for ``not null``, True for ``nullable``, None when not said."""
        return self.option("nullable")

    @property
    def unique(self) -> bool:
        """True when declared ``unique``."""
        return bool(self.option("unique", False))

    @property
    def missing(self) -> tuple[str, ...]:
        """Extra text markers read as missing (``missing ["?"]``)."""
        return self.option("missing", ())


@dataclass(frozen=True)
class Derive:
    """``derive total = price * quantity``: a column computed from others, never learned."""

    name: str
    expr: Expr
    span: Span | None = _span()
    name_span: Span | None = _span()


@dataclass(frozen=True)
class Rule:
    """``rule closed >= opened``: a condition every row must satisfy."""

    expr: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Combine:
    """``combine city, region, postcode``: only value tuples seen together may be generated."""

    columns: tuple[Name, ...]
    span: Span | None = _span()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names as plain strings."""
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Entity:
    """``entity person(first_name, last_name)``: columns that describe one entity, generated together."""

    name: str
    columns: tuple[Name, ...]
    span: Span | None = _span()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names as plain strings."""
        return tuple(c.name for c in self.columns)


Statement: TypeAlias = Include | Privacy | Column | Derive | Rule | Combine | Entity
