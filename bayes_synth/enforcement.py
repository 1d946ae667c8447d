"""Ancestral sampling that enforces rules by construction.

Columns are drawn in the network's order as codes. When a rule's target comes up, the rule is
evaluated once per *distinct* combination of the columns it reads (decoded on demand, only at one row
per combination), and the restriction it returns (a mask over the target's codes, or per-row value
bounds for numeric targets) is spread back over the rows that share that combination. The row's
conditional distribution times the mask is drawn once per distinct (parent configuration, mask) pair
with the alias method, and numeric values are decoded inside their bounds, so every sampled row obeys
every rule. Only the columns rules read are decoded while drawing; the rest are decoded at the end by
the caller's fast path.

A row whose earlier values leave a later column no allowed value (a *dead end*) is drawn again from
the start, with the same masks, for up to ``REDRAW_ROUNDS`` rounds: keeping only rows that avoid dead
ends is exact conditioning on that event, so no row is ever returned broken. If rows still dead-end,
the error names the rules; :mod:`bayes_synth.satisfiable` names, before sampling, a smallest set of
rules no row can satisfy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.draws import draw_rows
from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.errors import SamplingError
from bayes_synth.sampling import parent_index

REDRAW_ROUNDS = 20


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
        n = len(self.codes)
        if not inputs:
            return np.zeros(n, dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
        key = np.zeros(n, dtype=np.int64)
        for name in inputs:
            codec = self.codecs[name]
            if isinstance(codec, CategoricalCodec):
                part, radix = self.codes[:, self.names.index(name)], codec.size
            else:
                part, uniques = pd.factorize(self.column(name), use_na_sentinel=False)
                radix = max(len(uniques), 1)
            first, key = group_rows(key * radix + part)
        frame = pd.DataFrame({name: self._at(name, first) for name in inputs})
        return key, frame

    def _at(self, name: str, rows: np.ndarray) -> pd.Series:
        codec = self.codecs[name]
        if isinstance(codec, CategoricalCodec) and name not in self.values:
            lookup = np.array(list(codec.categories) + ([None] if codec.nullable else []), dtype=object)
            return pd.Series(lookup[self.codes[rows, self.names.index(name)]], dtype=object)
        return self.column(name).iloc[rows].reset_index(drop=True)


@dataclass
class Outcome:
    """Codes and the values decoded while drawing; ``dead`` rows hit a dead end at ``blame`` rules."""

    codes: np.ndarray
    values: dict[str, pd.Series]
    dead: np.ndarray
    blame: dict[str, int]


#: ``preset(rows) -> (codes, values)``: codes of the columns drawn before the rest (conditioned columns
#: and their ancestors, from the exact posterior) for those rows, and the given values of the fixed ones.
Preset = Callable[[np.ndarray], tuple[dict[int, np.ndarray], dict[str, pd.Series]]]


def sample_with_rules(order: Sequence[int], parents, tables, codecs: Mapping[str, Codec], n: int,
                      rng: np.random.Generator, rules: Mapping[str, list[Any]], axes: Mapping[str, Any],
                      aliases=None, preset: Preset | None = None) -> tuple[np.ndarray, dict[str, pd.Series]]:
    """Draw ``n`` rows of codes obeying ``rules`` (target column -> compiled rules).

    With ``preset`` (conditional sampling) the preset columns are not drawn but checked: a row whose
    preset values break a rule is drawn again, preset included (exact conditioning on the rules).
    Returns the codes and the columns decoded while drawing (the output must use those values).
    Raises :class:`SamplingError` naming the rules if rows keep reaching dead ends.
    """
    out = draw_once(order, parents, tables, codecs, n, rng, rules, axes, aliases,
                    preset(np.arange(n)) if preset else None)
    if out.dead.all() and n > 0:
        raise SamplingError(_dead_end_message(out, n, "every row"))
    for _ in range(REDRAW_ROUNDS):
        if not out.dead.any():
            break
        rows = np.flatnonzero(out.dead)
        again = draw_once(order, parents, tables, codecs, len(rows), rng, rules, axes, aliases,
                          preset(rows) if preset else None)
        _replace(out, rows, again, codecs, rng)
    if out.dead.any():
        raise SamplingError(_dead_end_message(out, n, f"{int(out.dead.sum())} of {n} rows, after "
                                                      f"{REDRAW_ROUNDS} redraws,"))
    return out.codes, out.values


def _replace(out: Outcome, rows: np.ndarray, again: Outcome, codecs: Mapping[str, Codec],
             rng: np.random.Generator) -> None:
    """Put the redrawn rows in place; decoded columns stay consistent with the codes."""
    names = list(codecs)
    for name in set(out.values) | set(again.values):
        j = names.index(name)
        column = out.values.get(name)
        column = (codecs[name].decode(out.codes[:, j], rng) if column is None else column).copy()
        new = again.values.get(name)
        new = codecs[name].decode(again.codes[:, j], rng) if new is None else new
        column.iloc[rows] = new.to_numpy()
        out.values[name] = column
    out.codes[rows] = again.codes
    out.dead[rows] = again.dead
    for text, count in again.blame.items():
        out.blame[text] = out.blame.get(text, 0) + count


def _dead_end_message(out: Outcome, n: int, who: str) -> str:
    rules = "; ".join(f"'{text}' ({count} rows)" for text, count in sorted(out.blame.items(), key=lambda kv: -kv[1]))
    return (f"No allowed value was left for {who} at these rules: {rules}. Given the values drawn before "
            "them, the rules and the columns' bounds contradict each other: widen the bounds, or add a "
            "rule on the earlier columns that keeps them compatible.")


def draw_once(order: Sequence[int], parents, tables, codecs: Mapping[str, Codec], n: int,
              rng: np.random.Generator, rules: Mapping[str, list[Any]], axes: Mapping[str, Any],
              aliases=None, preset: tuple[dict[int, np.ndarray], dict[str, pd.Series]] | None = None) -> Outcome:
    """One pass of ancestral sampling with masks; rows left without an allowed value are marked dead.

    ``preset``: (column index -> codes, column name -> given values) of columns already drawn; rows
    whose preset values break a rule are marked dead too.
    """
    names = list(codecs)
    sizes = [c.size for c in codecs.values()]
    drawn = Drawn(names, codecs, np.zeros((n, len(names)), dtype=np.int64, order="F"), rng)
    dead = np.zeros(n, dtype=bool)
    blame: dict[str, int] = {}
    fixed_codes, fixed_values = preset or ({}, {})
    for x, codes in fixed_codes.items():
        drawn.codes[:, x] = codes
    drawn.values.update({k: v.reset_index(drop=True) for k, v in fixed_values.items()})
    for x in order:
        name, codec = names[x], codecs[names[x]]
        if x in fixed_codes:
            continue
        rows = parent_index(drawn.codes, parents[x], sizes)
        if name not in rules:
            drawn.codes[:, x] = draw_rows(tables[x], rows, rng, aliases[x] if aliases else None)
            continue
        if isinstance(codec, CategoricalCodec):
            mask, bounds = _category_mask(rules[name], drawn, codec), None
        else:
            mask, bounds = _numeric_mask(rules[name], drawn, codec, axes.get(name))
        empty = ~mask.any(axis=1) & ~dead
        if empty.any():
            text = "; ".join(r.text for r in rules[name])
            blame[text] = blame.get(text, 0) + int(empty.sum())
            dead |= empty
            mask[empty] = True  # keep drawing these rows; they are thrown away
            if bounds is not None:
                bounds.lo[empty], bounds.hi[empty] = -np.inf, np.inf
        drawn.codes[:, x] = draw_masked(tables[x], rows, mask, rng)
        if bounds is not None:
            drawn.values[name] = _decode_within(codec, drawn.codes[:, x], bounds, rng)
    for x in fixed_codes:  # preset columns are checked once every column their rules read is drawn
        name = names[x]
        if name in rules:
            broken = ~_allowed(rules[name], drawn, codecs[name], axes.get(name), x) & ~dead
            if broken.any():
                text = "; ".join(r.text for r in rules[name])
                blame[text] = blame.get(text, 0) + int(broken.sum())
                dead |= broken
    return Outcome(drawn.codes, drawn.values, dead, blame)


def _allowed(rules, drawn: Drawn, codec: Codec, axis, x: int) -> np.ndarray:
    """Where the column's drawn (preset) value is one ``rules`` allow, given the row's other values."""
    n = len(drawn.codes)
    code = drawn.codes[:, x]
    if isinstance(codec, CategoricalCodec):
        return _category_mask(rules, drawn, codec)[np.arange(n), code]
    mask, bounds = _numeric_mask(rules, drawn, codec, axis)
    value = np.asarray(axis(drawn.column(codec.name)), dtype=float)
    missing = np.isnan(value)
    ok = (bounds.lo <= value) & (value <= bounds.hi)
    if bounds.choices is not None:
        group, sets = bounds.choices
        for g in np.unique(group):
            rows = group == g
            ok[rows] &= np.isin(value[rows], sets[g])
    if codec.nullable:
        ok[missing] = mask[missing, codec.null_code]
    return ok


def _category_mask(rules, drawn: Drawn, codec: CategoricalCodec) -> np.ndarray:
    mask = np.ones((len(drawn.codes), codec.size), dtype=bool)
    for rule in rules:
        group, frame = drawn.distinct(_inputs(rule, drawn))
        mask &= rule.restrict(frame, codec.categories, codec.nullable).mask[group]
    return mask


@dataclass
class _Bounds:
    lo: np.ndarray
    hi: np.ndarray
    choices: tuple[np.ndarray, list[np.ndarray]] | None = None  # (group per row, allowed values per group)


def _numeric_mask(rules, drawn: Drawn, codec: NumericCodec, axis) -> tuple[np.ndarray, _Bounds]:
    n = len(drawn.codes)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    null_ok = np.ones(n, dtype=bool)
    choices = None
    for rule in rules:
        group, frame = drawn.distinct(_inputs(rule, drawn))
        r = rule.restrict(frame, [], codec.nullable, axis)
        lo, hi = np.maximum(lo, r.lo[group]), np.minimum(hi, r.hi[group])
        null_ok &= r.null_ok[group]
        if getattr(r, "choices", None) is not None:
            if choices is not None:
                raise SamplingError(f"Column '{codec.name}' is restricted to fixed values by two statements; "
                                    "keep it in one 'combine'.")
            choices = (group, [np.asarray(c, dtype=float) for c in r.choices])
    bounds = _Bounds(lo, hi, choices)
    mask = bin_mask(codec, lo, hi, null_ok)
    if choices is not None:
        mask &= _choice_mask(codec, bounds)
    return mask, bounds


def _inputs(rule, drawn: Drawn) -> list[str]:
    return [c for c in rule.inputs if c in drawn.codecs]


def bin_mask(codec: NumericCodec, lo: np.ndarray, hi: np.ndarray, null_ok: np.ndarray) -> np.ndarray:
    """(n, size) mask of the bins that hold at least one value in [lo, hi] (and the missing code)."""
    ranges = np.array(codec.bin_ranges())  # (bins, 2): [a, b)
    a, b = ranges[:, 0][None, :], ranges[:, 1][None, :]
    lo_, hi_ = lo[:, None], hi[:, None]
    if codec.integer:
        first = np.maximum(np.ceil(a), np.ceil(lo_))
        last = np.minimum(np.ceil(b) - 1, np.floor(hi_))
        inside = first <= last
    else:
        inside = (a <= hi_) & (b > lo_) & (lo_ <= hi_)
    if codec.nullable:
        inside = np.concatenate([inside, null_ok[:, None]], axis=1)
    return inside


def _choice_mask(codec: NumericCodec, bounds: _Bounds) -> np.ndarray:
    """(n, size): bins holding at least one allowed value within each row's bounds."""
    group, sets = bounds.choices
    ranges = np.array(codec.bin_ranges())
    per_group = np.zeros((len(sets), codec.n_bins), dtype=bool)
    for g, values in enumerate(sets):  # one pass per distinct combination, not per row
        if len(values):
            b = np.searchsorted(ranges[:, 0], values, side="right") - 1
            per_group[g, b[(b >= 0) & (values < ranges[np.clip(b, 0, None), 1])]] = True
    mask = per_group[group]
    if codec.nullable:
        mask = np.concatenate([mask, np.ones((len(group), 1), dtype=bool)], axis=1)
    return mask


def draw_masked(table: np.ndarray, rows: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw a code per row from ``table[rows] * mask``, renormalised (uniform over the mask if that is 0).

    Rows are grouped by distinct (parent configuration, mask); each group's distribution is built once
    and drawn with the alias method, so the cost is one pass over the rows.
    """
    n, size = mask.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if size <= 62:
        pattern = group_rows(mask.astype(np.int64) @ (np.int64(1) << np.arange(size, dtype=np.int64)))[1]
    else:
        _, pattern = np.unique(mask, axis=0, return_inverse=True)
    pattern = pattern.reshape(-1).astype(np.int64)
    first, group = group_rows(rows * (pattern.max() + 1) + pattern)
    allowed = mask[first]
    p = table[rows[first]] * allowed
    total = p.sum(axis=1)
    p = np.where((total > 0)[:, None], p, allowed.astype(float))  # the model gives the allowed values no mass
    codes = draw_rows(p, group.reshape(-1), rng)
    bad = ~mask[np.arange(n), codes]  # float rounding in the alias tables: never return a masked code
    if bad.any():
        codes[bad] = np.argmax(mask[bad], axis=1)
    return codes


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


def _decode_within(codec: NumericCodec, codes: np.ndarray, bounds: _Bounds, rng: np.random.Generator) -> pd.Series:
    values = codec.decode_within(codes, bounds.lo, bounds.hi, rng)
    if bounds.choices is None:
        return values
    from bayes_synth.ingest import column_axis, from_column_axis

    group, sets = bounds.choices
    axis = np.array(column_axis(values, codec.kind), dtype=float)  # a writable copy
    ranges = np.array(codec.bin_ranges())
    known = np.flatnonzero(codes != (codec.null_code if codec.nullable else -1))
    key = pd.DataFrame({"g": group[known], "b": codes[known], "lo": bounds.lo[known], "hi": bounds.hi[known]})
    for (g, b, lo, hi), idx in key.groupby(["g", "b", "lo", "hi"], sort=False).indices.items():
        values_g = sets[g]
        ok = values_g[(values_g >= max(ranges[b, 0], lo)) & (values_g < ranges[b, 1]) & (values_g <= hi)]
        if len(ok):
            axis[known[idx]] = ok[rng.integers(0, len(ok), len(idx))]
    return from_column_axis(axis, codec.kind)
