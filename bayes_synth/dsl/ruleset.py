"""A whole constraints file (includes expanded): the statements in order, with typed accessors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bayes_synth.dsl.ast import Column, Derive, Literal, Privacy, Rule, Statement, Value


@dataclass(frozen=True)
class RuleSet:
    """The statements of a constraints file, includes expanded, in the order written.

    ``sources`` maps each file name to its text (used to show source lines in diagnostics).

    >>> RuleSet(()).privacy
    mappingproxy({})
    """

    statements: tuple[Statement, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def of_type(self, kind: type) -> tuple[Any, ...]:
        """The statements of one class, e.g. ``rules.of_type(Rule)``."""
        return tuple(s for s in self.statements if isinstance(s, kind))

    @property
    def columns(self) -> tuple[Column, ...]:
        """The ``column`` declarations."""
        return self.of_type(Column)

    @property
    def derives(self) -> tuple[Derive, ...]:
        """The ``derive`` statements."""
        return self.of_type(Derive)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The ``rule`` statements."""
        return self.of_type(Rule)

    @property
    def privacy(self) -> Mapping[str, Value]:
        """The privacy settings of all ``privacy`` statements, later ones winning (bare words as text)."""
        out: dict[str, Value] = {}
        for statement in self.of_type(Privacy):
            for s in statement.settings:
                out[s.key] = s.value.value if isinstance(s.value, Literal) else s.value.name
        return MappingProxyType(out)
