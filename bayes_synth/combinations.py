"""Fixed combinations (``combine a, b, c``): learn the allowed tuples under DP, store them, enforce them.

At fit, once the codecs exist, every member's domain is public: the categories of a categorical or
boolean column, the integers within an integer column's bounds, plus the missing state when the column
is nullable. The tuples of the product domain are counted through the privacy layer with geometric noise
and those whose noisy count clears a threshold are kept (:func:`~bayes_synth.privacy.discovery.select_combinations`).
The kept tuples are stored in the model (plain values, JSON) and compiled into
:class:`~bayes_synth.dsl.combine.CombineRule` objects that the sampler applies while drawing.

>>> from bayes_synth.encode import CategoricalCodec
>>> c = Combination("combine a, b", ("a", "b"), (("x", "y"), ("x", None)))
>>> c.to_dict()["tuples"]
[['x', 'y'], ['x', None]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.dsl.combine import CombineGroup, CombineRule, Member, combine_rules, draw_order, tuple_keys
from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.errors import DomainTooLargeError, PrivacyError
from bayes_synth.ingest import column_axis
from bayes_synth.privacy.discovery import select_combinations
from bayes_synth.privacy.ledger import Ledger

#: Most tuples a combine's product domain may hold (every one gets a noisy count).
MAX_COMBINATIONS = 1_000_000
#: Largest chance that any never-seen tuple of a combine is kept (union bound over its domain).
BETA = 0.05
_KEYS = {"statement", "columns", "tuples"}


@dataclass(frozen=True)
class Combination:
    """The tuples kept for one ``combine`` statement: ``columns`` in draw order, ``tuples`` in that order."""

    statement: str
    columns: tuple[str, ...]
    tuples: tuple[tuple[Any, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        """The plain-data form written to the model file."""
        return {"statement": self.statement, "columns": list(self.columns),
                "tuples": [list(t) for t in self.tuples]}


def member(codec: Codec) -> Member | None:
    """A column's public domain as a combine member (None for float, date and datetime columns)."""
    if isinstance(codec, CategoricalCodec):
        return Member(codec.name, codec.kind, tuple(codec.categories), nullable=codec.nullable)
    if isinstance(codec, NumericCodec) and codec.kind == "integer":
        low, high = math.ceil(codec.edges[0]), math.ceil(codec.edges[-1]) - 1
        return Member(codec.name, "integer", low=int(low), high=int(max(high, low)), nullable=codec.nullable)
    return None


def learn_combinations(groups: Sequence[CombineGroup], frame: pd.DataFrame, codecs: Mapping[str, Codec],
                       epsilon: Fraction, ledger: Ledger, noise_state, beta: float = BETA) -> list[Combination]:
    """The kept tuples of every ``combine`` statement, learned under DP (``epsilon`` per statement).

    ``frame`` holds the training rows (typed). Raises :class:`DomainTooLargeError` when a statement's
    product domain exceeds :data:`MAX_COMBINATIONS`, and :class:`PrivacyError` when no tuple survives.
    """
    out = []
    for group in groups:
        members = _members(group, codecs)
        sizes = [m.size for m in members]
        cells = math.prod(sizes)
        if cells > MAX_COMBINATIONS:
            parts = " x ".join(f"{m.name} {m.size:,}" for m in members)
            raise DomainTooLargeError(
                f"'{group.text}'{_at(group)} has {cells:,} possible tuples ({parts}; cap {MAX_COMBINATIONS:,}): "
                "declare fewer categories or narrower integer bounds for these columns, or split the statement.")
        index = np.column_stack([_learn_index(m, codecs[m.name], frame[m.name]) for m in members])
        index = index[(index >= 0).all(axis=1)]  # a record outside a non-nullable domain counts nowhere
        kept, threshold = select_combinations(index, sizes, [m.name for m in members], epsilon, ledger,
                                              noise_state, beta, group.text)
        if kept.size == 0:
            raise PrivacyError(
                f"'{group.text}'{_at(group)}: no tuple of its columns has a noisy count of at least {threshold} "
                f"(the threshold for {cells:,} possible tuples at epsilon {float(epsilon):.3g} for this step), "
                "so none can be kept under DP. Raise epsilon, combine fewer columns, or declare fewer "
                "categories or narrower integer bounds (the threshold grows with the number of possible tuples).")
        parts = np.unravel_index(kept, sizes)
        columns = [m.value(p) for m, p in zip(members, parts, strict=True)]
        out.append(Combination(group.text, group.columns, tuple(zip(*columns, strict=True))))
    return out


def _members(group: CombineGroup, codecs: Mapping[str, Codec]) -> list[Member]:
    members = []
    for name in group.columns:
        m = member(codecs[name])
        if m is None:
            raise PrivacyError(f"'{group.text}'{_at(group)}: column '{name}' is a {codecs[name].kind} column; a "
                               "combine needs categorical, boolean or integer columns.")
        members.append(m)
    return members


def _learn_index(m: Member, codec: Codec, values: pd.Series) -> np.ndarray:
    """Each record's domain index, mapped as the codec maps it (clipped to the bounds; -1: left out)."""
    if isinstance(codec, CategoricalCodec):
        return codec.encode(values)
    axis = column_axis(values, "integer")
    finite = np.isfinite(axis)
    inside = np.clip(np.round(np.where(finite, axis, m.low)), m.low, m.high) - m.low
    return np.where(finite, inside, m.n_values if m.nullable else -1).astype(np.int64)


def _at(group: CombineGroup) -> str:
    return f" ({group.where})" if group.where else ""


def compile_combinations(combinations: Sequence[Combination], codecs: Mapping[str, Codec],
                         groups: Sequence[CombineGroup] | None = None) -> list[CombineRule]:
    """The sampler's rules for stored combinations (``groups``: the matching statements, for their spans)."""
    rules = []
    for i, c in enumerate(combinations):
        statement = groups[i].statement if groups is not None else None
        rules.extend(combine_rules(statement, [member(codecs[n]) for n in c.columns], c.tuples, c.statement))
    return rules


def combinations_from_json(value: Any, codecs: Mapping[str, Codec], problems: list[str]) -> list[Combination]:
    """Validate ``$.combinations`` of a model file (absent or null: none); problems are appended."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("$.combinations must be a list")
        return []
    out = []
    for i, entry in enumerate(value):
        where = f"$.combinations[{i}]"
        try:
            problem = _entry_problem(entry, codecs)
        except (TypeError, ValueError, OverflowError):
            problem = " is malformed"
        if problem:
            problems.append(f"{where}{problem}")
            continue
        out.append(Combination(entry["statement"], tuple(entry["columns"]),
                               tuple(tuple(t) for t in entry["tuples"])))
    return out


def _entry_problem(entry: Any, codecs: Mapping[str, Codec]) -> str:
    """The first problem of one stored combination ('' when valid)."""
    if not isinstance(entry, dict) or set(entry) != _KEYS:
        return " must be an object with exactly 'statement', 'columns' and 'tuples'"
    statement, columns, tuples = entry["statement"], entry["columns"], entry["tuples"]
    if not isinstance(statement, str) or not statement.startswith("combine ") or len(statement) > 100_000:
        return ".statement must be the combine statement's text"
    if (not isinstance(columns, list) or len(columns) < 2 or not all(isinstance(c, str) for c in columns)
            or len(set(columns)) != len(columns) or any(c not in codecs for c in columns)):
        return ".columns must list two or more distinct columns of the model"
    members = [member(codecs[c]) for c in columns]
    if any(m is None for m in members):
        return ".columns may only hold categorical, boolean and integer columns"
    kinds = {m.name: m.kind for m in members}
    if tuple(columns) != draw_order(columns, kinds):
        return ".columns must list categorical and boolean columns before integer columns"
    cells = math.prod(m.size for m in members)
    if cells > MAX_COMBINATIONS:
        return f".columns span {cells:,} possible tuples (at most {MAX_COMBINATIONS:,})"
    if not isinstance(tuples, list) or not tuples or len(tuples) > cells:
        return ".tuples must be a non-empty list of at most as many tuples as the domain holds"
    for j, t in enumerate(tuples):
        if not isinstance(t, list) or len(t) != len(columns):
            return f".tuples[{j}] must be a list of {len(columns)} values"
        for k, (v, m) in enumerate(zip(t, members, strict=True)):
            if not _json_value_fits(v, m):
                return f".tuples[{j}][{k}] is not a value of column '{m.name}'"
    index = tuple_keys(members, tuples)
    if (index < 0).any():
        j, k = map(int, np.argwhere(index < 0)[0])
        return f".tuples[{j}][{k}] is not a value of column '{members[k].name}'"
    if len(np.unique(index, axis=0)) != len(index):
        return ".tuples lists a tuple twice"
    return ""


def _json_value_fits(v: Any, m: Member) -> bool:
    """The JSON type of a stored value agrees with its member (no true for 1, no 1.5 for an integer).

    Whether the value is one of the member's categories or within its bounds is checked afterwards,
    with the codec's own matching (:meth:`Member.index`).
    """
    if v is None:
        return m.nullable
    if m.kind == "boolean":
        return isinstance(v, bool)
    if m.kind == "integer":
        return type(v) is int
    return isinstance(v, str | int | float) and not isinstance(v, bool)
