"""Fixed combinations (``combine a, b, c``) compiled into restrictions the sampler applies while drawing.

A ``combine`` statement allows only the value tuples kept at fit time (tuples seen together in the
data, selected under DP; see :mod:`bayes_synth.combinations`). Its members are drawn in a fixed
order: the categorical and boolean members first, in the order written, then the integer members.
Member ``i`` is restricted by a :class:`CombineRule` whose inputs are members ``0 .. i-1``: given the
values already drawn, it allows only the values that extend them to a prefix of some kept tuple. The
first member (no inputs) may take only values that start a kept tuple. A missing value is a value
like any other: the missing state is allowed only where a kept tuple holds it.

>>> member = Member("grade", "categorical", ("A", "B"))
>>> rules = combine_rules(None, [member, Member("level", "integer", low=1, high=3, nullable=False)],
...                       [("A", 1), ("B", 3)], text="combine grade, level")
>>> drawn = pd.DataFrame({"grade": ["A", "B", None]})
>>> rules[1].restrict(drawn, [], False).choices
[array([1.]), array([3.]), array([], dtype=float64)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.dsl import ast
from bayes_synth.dsl.enforce import Restriction
from bayes_synth.dsl.printer import to_source
from bayes_synth.errors import SamplingError

#: Member kinds a ``combine`` can hold (their domains are finite and public once the codecs exist).
CATEGORY_KINDS = ("categorical", "boolean", "text")
INTEGER_KINDS = ("integer",)


@dataclass(frozen=True)
class Ordering:
    """A required ordering: ``target`` is drawn after ``inputs`` (``rule``: the statement asking for it)."""

    target: str
    inputs: tuple[str, ...]
    rule: ast.Combine


@dataclass(frozen=True)
class CombineGroup:
    """A lowered ``combine`` statement: its columns in draw order (categorical/boolean, then integer)."""

    columns: tuple[str, ...]
    statement: ast.Combine

    @property
    def text(self) -> str:
        """The statement as written, e.g. ``combine city, region, postcode``."""
        return to_source(self.statement)

    @property
    def where(self) -> str:
        """``file:line`` of the statement (empty when unknown)."""
        span = self.statement.span
        return f"{span.file}:{span.line}" if span is not None else ""

    def orderings(self) -> list[Ordering]:
        """Each member after the first is drawn after all earlier members."""
        return [Ordering(c, self.columns[:i], self.statement) for i, c in enumerate(self.columns) if i]


def draw_order(columns: Sequence[str], kinds: dict[str, str] | Any) -> tuple[str, ...]:
    """Categorical, boolean and text members first (as written), then integer members (as written).

    >>> draw_order(["n", "city", "ok"], {"n": "integer", "city": "categorical", "ok": "boolean"})
    ('city', 'ok', 'n')
    """
    first = [c for c in columns if kinds.get(c, "categorical") not in INTEGER_KINDS]
    return tuple(first + [c for c in columns if kinds.get(c, "categorical") in INTEGER_KINDS])


@dataclass(frozen=True)
class Member:
    """A member's public domain: categories (categorical/boolean) or the integers ``low .. high``.

    Domain indices: ``0 .. n_values - 1`` for the values (categories in code order, integers in
    increasing order), then ``n_values`` for the missing state when the member is nullable.
    """

    name: str
    kind: str  # "categorical", "boolean" or "integer"
    categories: tuple[Any, ...] = ()
    low: int = 0
    high: int = -1
    nullable: bool = True

    @property
    def numeric(self) -> bool:
        """True for integer members."""
        return self.kind in INTEGER_KINDS

    @property
    def n_values(self) -> int:
        """Number of non-missing values."""
        return self.high - self.low + 1 if self.numeric else len(self.categories)

    @property
    def size(self) -> int:
        """Number of domain states (values, plus the missing state when nullable)."""
        return self.n_values + int(self.nullable)

    def index(self, values: pd.Series | Sequence[Any]) -> np.ndarray:
        """The domain index of each value, -1 for a value outside the domain (vectorised).

        Categories match as the column's codec matches them (a dict lookup); integers must be whole
        numbers within ``low .. high``; a missing value (None, NaN, NA, NaT) is the missing state.
        """
        s = values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        missing = s.isna().to_numpy(dtype=bool)
        if self.numeric:
            v = pd.to_numeric(s, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(v) & (np.round(v) == v) & (v >= self.low) & (v <= self.high)
            idx = np.where(ok, np.where(ok, v, self.low) - self.low, -1).astype(np.int64)
        else:
            lookup = {c: i for i, c in enumerate(self.categories)}
            mapped = s.map(lookup).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            idx = np.where(np.isnan(mapped), -1, np.nan_to_num(mapped, nan=-1)).astype(np.int64)
        return np.where(missing, self.n_values if self.nullable else -1, idx)

    def value(self, indices: np.ndarray) -> list[Any]:
        """The plain values (None for the missing state) of domain indices."""
        indices = np.asarray(indices, dtype=np.int64)
        if self.numeric:
            out = (indices + self.low).astype(object)
        else:
            out = np.array([*self.categories, None], dtype=object)[np.minimum(indices, self.n_values)]
        out[indices == self.n_values] = None
        return [_plain(v) for v in out.tolist()]


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (so they write as JSON)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True, eq=False)
class CombineRule:
    """The restriction of one ``combine`` member given the members drawn before it.

    Same interface as :class:`~bayes_synth.dsl.enforce.TargetRule`: ``target``, ``inputs`` (the earlier
    members, in draw order), ``numeric``, ``text`` and :meth:`restrict`. ``rule`` is the ``combine``
    statement (its ``span`` locates it). ``keys`` holds the kept tuples' prefixes of length
    ``len(inputs) + 1`` as sorted mixed-radix indices over the members' domains.
    """

    rule: ast.Combine | None
    target: str
    inputs: tuple[str, ...]
    numeric: bool
    members: tuple[Member, ...]
    keys: np.ndarray
    statement_text: str = ""

    @property
    def text(self) -> str:
        """The statement, e.g. ``combine city, region, postcode``."""
        return self.statement_text or (to_source(self.rule) if self.rule is not None else "combine")

    def restrict(self, drawn: pd.DataFrame, labels: list, nullable: bool, axis=None) -> Restriction:
        """The allowed values of the target for each row of ``drawn`` (decoded input values).

        ``labels``: the target's categories in code order (categorical/boolean targets); the mask has
        ``len(labels) + nullable`` columns, the last one the missing state. Integer targets get
        ``choices`` (per row, the sorted allowed values), ``lo``/``hi`` (their min and max; ``inf`` and
        ``-inf`` when only the missing state or nothing is allowed) and ``null_ok``.
        """
        prefix = self._prefix(drawn)
        target = self.members[-1]
        if not self.numeric:
            candidates = target.index(pd.Series(list(labels) + [None] * bool(nullable), dtype=object))
            keys = prefix[:, None] * target.size + candidates[None, :]
            mask = _member_of(keys, self.keys) & (prefix >= 0)[:, None] & (candidates >= 0)[None, :]
            return Restriction(mask=mask)
        return self._integers(prefix, target)

    def _prefix(self, drawn: pd.DataFrame) -> np.ndarray:
        """Mixed-radix index of each row's input values over the earlier members' domains (-1: none fits)."""
        prefix = np.zeros(len(drawn), dtype=np.int64)
        for member in self.members[:-1]:
            if member.name not in drawn.columns:
                raise SamplingError(f"'{self.text}' restricts '{self.target}' given '{member.name}', which has not "
                                    "been drawn yet: the model's network does not draw the members in order.")
            idx = member.index(drawn[member.name])
            prefix = np.where((prefix >= 0) & (idx >= 0), prefix * member.size + idx, -1)
        return prefix

    def _integers(self, prefix: np.ndarray, target: Member) -> Restriction:
        groups, row_group = np.unique(prefix, return_inverse=True)
        row_group = row_group.reshape(-1)
        start = np.searchsorted(self.keys, groups * target.size)
        stop = np.searchsorted(self.keys, (groups + 1) * target.size)
        stop = np.where(groups >= 0, stop, start)
        slots = self.keys % target.size
        null_ok = np.zeros(len(groups), dtype=bool)
        if target.nullable:
            has = stop > start
            null_ok[has] = slots[np.maximum(stop[has] - 1, 0)] == target.n_values
        count = stop - start - null_ok  # non-missing values allowed
        values = (slots + target.low).astype(float)
        padded = np.append(values, np.nan)
        lo = np.where(count > 0, padded[np.clip(start, 0, len(values))], np.inf)
        hi = np.where(count > 0, padded[np.clip(start + count - 1, 0, len(values))], -np.inf)
        sets = [values[a:a + c] for a, c in zip(start.tolist(), count.tolist(), strict=True)]  # per group
        choices = [sets[g] for g in row_group.tolist()]
        return Restriction(lo=lo[row_group], hi=hi[row_group], null_ok=null_ok[row_group], choices=choices)


def _member_of(candidates: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Elementwise: is each candidate key one of the sorted ``keys``?"""
    if len(keys) == 0:
        return np.zeros(candidates.shape, dtype=bool)
    pos = np.clip(np.searchsorted(keys, candidates), 0, len(keys) - 1)
    return keys[pos] == candidates


def tuple_keys(members: Sequence[Member], tuples: Sequence[Sequence[Any]]) -> np.ndarray:
    """(n_tuples, n_members) domain indices of ``tuples`` (values in draw order); -1 outside a domain."""
    columns = list(zip(*tuples, strict=True)) if tuples else [() for _ in members]
    return np.column_stack([m.index(pd.Series(list(col), dtype=object)) for m, col in zip(members, columns,
                                                                                          strict=True)]) \
        if len(tuples) else np.zeros((0, len(members)), dtype=np.int64)


def combine_rules(statement: ast.Combine | None, members: Sequence[Member], tuples: Sequence[Sequence[Any]],
                  text: str = "") -> list[CombineRule]:
    """One rule per member (draw order) allowing only prefixes of the kept ``tuples``.

    ``tuples`` hold plain values in the members' order (None for missing); every value must be in its
    member's domain (a ValueError otherwise).
    """
    members = tuple(members)
    index = tuple_keys(members, tuples)
    if (index < 0).any():
        raise ValueError(f"a kept tuple of '{text}' holds a value outside its column's domain")
    rules = []
    key = np.zeros(len(index), dtype=np.int64)
    for i, member in enumerate(members):
        key = key * member.size + index[:, i]
        rules.append(CombineRule(statement, member.name, tuple(m.name for m in members[:i]), member.numeric,
                                 members[:i + 1], np.unique(key), text))
    return rules
