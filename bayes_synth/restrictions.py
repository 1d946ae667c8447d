"""What the rules on one column allow, given the rows drawn so far, and masked draws that respect it.

The enforcing sampler (:mod:`bayes_synth.enforcement`) calls these column by column. A rule is
evaluated once per *distinct* combination of the columns it reads (decoded on demand, only at one
row per combination), and its restriction (a mask over the column's codes, plus per-row value bounds
for numeric columns) is kept per group of rows (:class:`Allowed`) and spread over the rows only when
drawing. Rules that read only categorical columns are compiled once per model
(:func:`compile_static`): the masked, renormalised tables are built ahead and drawn like any column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bayes_synth.draws import alias_tables, draw_rows
from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.sampling import parent_index


@dataclass
class Drawn:
    """The rows drawn so far: codes for every column, decoded values for the columns rules read."""

    names: list[str]
    codecs: Mapping[str, Codec]
    codes: np.ndarray
    rng: np.random.Generator
    values: dict[str, pd.Series] = field(default_factory=dict)

    def column(self, name: str) -> pd.Series:
        """The decoded column (decoded once; later reads and the output reuse the same values)."""
        if name not in self.values:
            codec = self.codecs[name]
            self.values[name] = codec.decode(self.codes[:, self.names.index(name)], self.rng)
        return self.values[name]

    def distinct(self, inputs: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """(group of each row, one row of decoded input values per group)."""
        if not inputs:
            return np.zeros(len(self.codes), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
        key, first = self.distinct_rows(inputs)
        frame = pd.DataFrame({name: self._at(name, first) for name in inputs})
        return key, frame

    def distinct_rows(self, inputs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(group of each row, first row of each group) for the distinct combinations of ``inputs``."""
        n = len(self.codes)
        if not inputs:
            return np.zeros(n, dtype=np.int64), np.zeros(min(n, 1), dtype=np.int64)
        key, span = np.zeros(n, dtype=np.int64), 1  # key < span
        for name in inputs:
            codec = self.codecs[name]
            if isinstance(codec, CategoricalCodec):
                part, radix = self.codes[:, self.names.index(name)], codec.size
            else:
                part, uniques = pd.factorize(self.column(name), use_na_sentinel=False)
                radix = max(len(uniques), 1)
            if span * radix >= 2**62:  # renumber before the combined key could overflow
                first, key = group_rows(key)
                span = len(first)
            key, span = key * radix + part, span * radix
        first, key = group_rows(key)
        return key, first

    def _at(self, name: str, rows: np.ndarray) -> pd.Series:
        codec = self.codecs[name]
        if isinstance(codec, CategoricalCodec) and name not in self.values:
            lookup = np.array(list(codec.categories) + ([None] if codec.nullable else []), dtype=object)
            return pd.Series(lookup[self.codes[rows, self.names.index(name)]], dtype=object)
        return self.column(name).iloc[rows].reset_index(drop=True)


@dataclass
class Allowed:
    """What the rules on one column allow, per *group* of rows (rows that share every value the rules read).

    ``mask[g]``: the codes group ``g`` may draw; numeric columns also carry the value bounds
    ``lo[g] <= value <= hi[g]`` and, for ``combine``, the allowed values ``choices[choice[g]]``.
    Everything is computed once per group and spread over the rows by ``group`` only when drawing.
    """

    group: np.ndarray                      # (n,) group of each row
    mask: np.ndarray                       # (groups, size) bool
    lo: np.ndarray | None = None           # (groups,) float
    hi: np.ndarray | None = None
    choice: np.ndarray | None = None       # (groups,) index into choices
    choices: list[np.ndarray] | None = None

    def open(self, groups: np.ndarray) -> None:
        """Let ``groups`` (rows already dead) draw anything."""
        self.mask[groups] = True
        if self.lo is not None:
            self.lo[groups], self.hi[groups] = -np.inf, np.inf

    def meet(self, other: Allowed, codec: Codec) -> Allowed:
        """What both restrictions allow (``other`` carries no fixed values), grouped by both groupings.

        For a numeric column the bins are those meeting both value ranges (two ranges inside one bin
        may not overlap although both masks allow the bin).
        """
        first, group = group_rows(self.group * len(other.mask) + other.group)
        mine, theirs = self.group[first], other.group[first]
        lo, hi, choice = (None if a is None else a[mine] for a in (self.lo, self.hi, self.choice))
        mask = self.mask[mine] & other.mask[theirs]
        if other.lo is not None:
            lo = other.lo[theirs] if lo is None else np.maximum(lo, other.lo[theirs])
            hi = other.hi[theirs] if hi is None else np.minimum(hi, other.hi[theirs])
        if lo is not None and isinstance(codec, NumericCodec):
            mask &= bin_mask(codec, lo, hi, np.ones(len(lo), dtype=bool))
        return Allowed(group, mask, lo, hi, choice, self.choices)


def within(codec: NumericCodec, lo: float, hi: float, n: int) -> Allowed:
    """All ``n`` rows in one group: the column's bins meeting [lo, hi] (and the missing code), values
    bounded by them."""
    lo_, hi_ = np.array([lo], dtype=float), np.array([hi], dtype=float)
    return Allowed(np.zeros(n, dtype=np.int64), bin_mask(codec, lo_, hi_, np.ones(1, dtype=bool)), lo_, hi_)


def restrict(rules, drawn: Drawn, codec: Codec, axis) -> Allowed:
    """Evaluate ``rules`` (all on this column) once per distinct combination of the values they read."""
    inputs = list(dict.fromkeys(c for rule in rules for c in _inputs(rule, drawn)))
    group, frame = drawn.distinct(inputs)
    k = len(frame)
    if isinstance(codec, CategoricalCodec):
        mask = np.ones((k, codec.size), dtype=bool)
        for rule in rules:
            mask &= rule.restrict(frame, codec.categories, codec.nullable).mask
        return Allowed(group, mask)
    lo, hi = np.full(k, -np.inf), np.full(k, np.inf)
    null_ok = np.ones(k, dtype=bool)
    choices = None
    for rule in rules:
        if getattr(rule, "enumerated", False):
            r = rule.restrict(frame, [], codec.nullable, axis, domain=countable_domain(codec))
        else:
            r = rule.restrict(frame, [], codec.nullable, axis)
        np.maximum(lo, r.lo, out=lo)
        np.minimum(hi, r.hi, out=hi)
        null_ok &= r.null_ok
        if getattr(r, "choices", None) is not None:
            mine = [np.asarray(c, dtype=float) for c in r.choices]
            choices = mine if choices is None else [np.intersect1d(a, b) for a, b in zip(choices, mine, strict=True)]
    if choices is not None:  # only the values inside the bounds the other rules set (a bin must hold one)
        choices = [c[(c >= lo[g]) & (c <= hi[g])] for g, c in enumerate(choices)]
        lo = np.array([c[0] if len(c) else np.inf for c in choices])
        hi = np.array([c[-1] if len(c) else -np.inf for c in choices])
    mask = bin_mask(codec, lo, hi, null_ok)
    allowed = Allowed(group, mask, lo, hi)
    if choices is not None:
        allowed.choice, allowed.choices = np.arange(k), choices
        mask &= _choice_mask(codec, choices)
    return allowed


def countable_domain(codec: NumericCodec) -> np.ndarray:
    """Every value of a whole-number column (integers, days) on its axis, from its codec's range.

    >>> countable_domain(NumericCodec("n", "integer", [0.0, 3.0, 5.0], [0], [1.0, 1.0])).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    lo, hi = math.ceil(float(codec.edges[0])), math.ceil(float(codec.edges[-1])) - 1
    return np.arange(lo, hi + 1, dtype=float)


#: largest (parent configurations x input configurations x codes) table compiled ahead of drawing
MAX_STATIC_CELLS = 1_000_000


@dataclass
class Static:
    """Rules on one column that read only categorical columns, compiled once before the rows are drawn.

    What they allow then depends only on the codes of the columns they read (``inputs``), so it is
    evaluated once per combination of those codes, and the column's conditional table is masked and
    renormalised once per (parent configuration, input combination): drawing the column costs one
    alias draw per row, as for a column without rules.
    """

    inputs: list[int]
    allowed: Allowed                    # per input combination (``group`` unused)
    alias: tuple[np.ndarray, np.ndarray]

    def allowed_for(self, codes: np.ndarray, sizes: Sequence[int]) -> Allowed:
        """The restriction for each row, from its input codes."""
        a = self.allowed
        return Allowed(parent_index(codes, self.inputs, sizes), a.mask, a.lo, a.hi, a.choice, a.choices)

    def draw(self, rows: np.ndarray, allowed: Allowed, rng: np.random.Generator) -> np.ndarray:
        """A code per row from the masked table of its (parent configuration, input combination)."""
        codes = draw_rows(self.alias[0], rows * len(allowed.mask) + allowed.group, rng, self.alias)
        bad = ~allowed.mask[allowed.group, codes]  # float rounding, or a dead row: never return a masked code
        if bad.any():
            rescue = allowed.mask[allowed.group[bad]]
            codes[bad] = np.where(rescue.any(axis=1), np.argmax(rescue, axis=1), codes[bad])
        return codes


def every_combination(drawn: Drawn, index: Sequence[int], combos: int) -> Drawn:
    """One row per combination of the codes of the (categorical) columns ``index``, in the order of
    :func:`~bayes_synth.sampling.parent_index` (other columns at code 0)."""
    every = np.zeros((combos, len(drawn.names)), dtype=np.int64)
    rest = np.arange(combos)
    for j in reversed(index):
        size = drawn.codecs[drawn.names[j]].size
        every[:, j], rest = rest % size, rest // size
    return Drawn(drawn.names, drawn.codecs, every, drawn.rng)


def compile_static(rules, x: int, drawn: Drawn, table: np.ndarray, axis) -> Static | None:
    """The :class:`Static` form of the rules on column ``x``, or None when they read a numeric column or
    the masked table would be larger than :data:`MAX_STATIC_CELLS`."""
    codec = drawn.codecs[drawn.names[x]]
    inputs = list(dict.fromkeys(c for rule in rules for c in _inputs(rule, drawn)))
    if not all(isinstance(drawn.codecs[c], CategoricalCodec) for c in inputs):
        return None
    index = [drawn.names.index(c) for c in inputs]
    combos = math.prod(drawn.codecs[c].size for c in inputs)
    if table.shape[0] * combos * codec.size > MAX_STATIC_CELLS:
        return None
    every = every_combination(drawn, index, combos)
    allowed = restrict(rules, every, codec, axis)
    g = allowed.group
    per_combo = Allowed(g, allowed.mask[g], *(None if a is None else a[g] for a in (allowed.lo, allowed.hi,
                                                                                  allowed.choice)),
                        allowed.choices)
    mask = per_combo.mask
    masked = (table[:, None, :] * mask[None, :, :]).reshape(-1, codec.size)
    total = masked.sum(axis=1)
    fallback = np.tile(np.where(mask.any(axis=1, keepdims=True), mask, True), (table.shape[0], 1))
    masked = np.where((total > 0)[:, None], masked, fallback)  # the model gives the allowed values no mass
    return Static(index, per_combo, alias_tables(masked))


def allowed_here(rules, drawn: Drawn, codec: Codec, axis, x: int) -> np.ndarray:
    """Where the column's drawn (preset) value is one ``rules`` allow, given the row's other values."""
    code = drawn.codes[:, x]
    allowed = restrict(rules, drawn, codec, axis)
    if isinstance(codec, CategoricalCodec):
        return allowed.mask[allowed.group, code]
    value = np.asarray(axis(drawn.column(codec.name)), dtype=float)
    missing = np.isnan(value)
    ok = (allowed.lo[allowed.group] <= value) & (value <= allowed.hi[allowed.group])
    if allowed.choices is not None:
        for g in np.unique(allowed.group):
            rows = allowed.group == g
            ok[rows] &= np.isin(value[rows], allowed.choices[allowed.choice[g]])
    if codec.nullable:
        ok[missing] = allowed.mask[allowed.group[missing], codec.null_code]
    return ok


def _inputs(rule, drawn: Drawn) -> list[str]:
    return [c for c in rule.inputs if c in drawn.codecs]


def bin_mask(codec: NumericCodec, lo: np.ndarray, hi: np.ndarray, null_ok: np.ndarray) -> np.ndarray:
    """(k, size) mask of the bins that hold at least one value in [lo, hi] (and the missing code)."""
    ranges = np.array(codec.bin_ranges())  # (bins, 2): [a, b)
    a, b = ranges[:, 0][None, :], ranges[:, 1][None, :]
    lo_, hi_ = lo[:, None], hi[:, None]
    if codec.discrete:  # a grid value (integer, decimal) of the bin inside the bounds
        first = np.maximum(codec.grid_up(a), codec.grid_up(lo_))
        last = np.minimum(codec.grid_up(b) - 1, codec.grid_down(hi_))
        inside = first <= last
    else:
        inside = (a <= hi_) & (b > lo_) & (lo_ <= hi_)
    if codec.nullable:
        inside = np.concatenate([inside, null_ok[:, None]], axis=1)
    return inside


def _choice_mask(codec: NumericCodec, choices: list[np.ndarray]) -> np.ndarray:
    """(k, size): bins holding at least one allowed value, per group."""
    ranges = np.array(codec.bin_ranges())
    per_group = np.zeros((len(choices), codec.size), dtype=bool)
    if codec.nullable:
        per_group[:, codec.null_code] = True
    for g, values in enumerate(choices):  # one pass per distinct combination, not per row
        if len(values):
            b = np.searchsorted(ranges[:, 0], values, side="right") - 1
            per_group[g, b[(b >= 0) & (values < ranges[np.clip(b, 0, None), 1])]] = True
    return per_group


def draw_masked(table: np.ndarray, rows: np.ndarray, mask: np.ndarray, rng: np.random.Generator,
                group: np.ndarray | None = None) -> np.ndarray:
    """Draw a code per row from ``table[rows] * mask``, renormalised (uniform over the mask if that is 0).

    ``mask`` is per row, (n, size); or, with ``group``, per group, (groups, size), row i using
    ``mask[group[i]]``. Rows are grouped by distinct (parent configuration, mask); each group's
    distribution is built once and drawn with the alias method, so the cost is one pass over the rows.
    """
    n = len(rows)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if group is None:
        mask, group = _patterns(mask)
    else:
        patterns, index = _patterns(mask)
        mask, group = patterns, index[group]
    first, key = group_rows(np.asarray(rows, dtype=np.int64) * len(mask) + group)
    allowed = mask[group[first]]
    p = table[rows[first]] * allowed
    total = p.sum(axis=1)
    p = np.where((total > 0)[:, None], p, allowed.astype(float))  # the model gives the allowed values no mass
    codes = draw_rows(p, key, rng)
    bad = ~mask[group, codes]  # float rounding in the alias tables: never return a masked code
    if bad.any():
        codes[bad] = np.argmax(mask[group[bad]], axis=1)
    return codes


def _patterns(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows of ``mask``, index of each row's pattern)."""
    size = mask.shape[1]
    if size <= 62:
        first, index = group_rows(mask.astype(np.int64) @ (np.int64(1) << np.arange(size, dtype=np.int64)))
        return mask[first], index
    patterns, index = np.unique(mask, axis=0, return_inverse=True)
    return patterns, index.reshape(-1).astype(np.int64)


def group_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct key, group number of every row), groups in key order.

    Small non-negative keys are counted with ``bincount`` (one pass, no sort); others use ``np.unique``.

    >>> [a.tolist() for a in group_rows(np.array([5, 2, 5, 7]))]
    [[1, 0, 3], [1, 0, 1, 2]]
    """
    key = np.asarray(key, dtype=np.int64)
    n = len(key)
    if n and key.min() >= 0 and key.max() < 4 * n + 4096:
        present = np.bincount(key) > 0
        number = np.cumsum(present) - 1
        group = number[key]
        first = np.empty(int(present.sum()), dtype=np.int64)
        first[group[::-1]] = np.arange(n - 1, -1, -1)  # the last write wins: each group's first row
        return first, group
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return first.astype(np.int64), group.reshape(-1).astype(np.int64)


def decode_within(codec: NumericCodec, codes: np.ndarray, allowed: Allowed, rng: np.random.Generator) -> pd.Series:
    lo, hi = allowed.lo[allowed.group], allowed.hi[allowed.group]
    values = codec.decode_within(codes, lo, hi, rng)
    if allowed.choices is None:
        return values
    from bayes_synth.ingest import column_axis, from_column_axis

    axis = np.array(column_axis(values, codec.kind), dtype=float)  # a writable copy
    ranges = np.array(codec.bin_ranges())
    known = np.flatnonzero(codes != (codec.null_code if codec.nullable else -1))
    first, pair = group_rows(allowed.group[known] * codec.size + codes[known])
    order = np.argsort(pair, kind="stable")
    bounds = np.searchsorted(pair[order], np.arange(len(first) + 1))
    for i, row in enumerate(known[first]):  # one pass per distinct (group, bin), not per row
        g, b = allowed.group[row], codes[row]
        values_g = allowed.choices[allowed.choice[g]]
        ok = values_g[(values_g >= max(ranges[b, 0], allowed.lo[g])) & (values_g < ranges[b, 1])
                      & (values_g <= allowed.hi[g])]
        if len(ok):
            idx = known[order[bounds[i]:bounds[i + 1]]]
            axis[idx] = ok[rng.integers(0, len(ok), len(idx))]
    return from_column_axis(axis, codec.kind)
