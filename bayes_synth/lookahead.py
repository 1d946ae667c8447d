"""One step of lookahead: never draw a value that leaves a later column no allowed value.

The rules on a column ``t`` read columns drawn before ``t``. When the last of those columns, ``x``,
comes up, every candidate value of ``x`` can be tried: a value after which ``t``'s rules allow
nothing is a dead end known in advance. Masking such values out of ``x``'s draw gives the same rows
as drawing ``x`` and throwing the row away at ``t`` (both condition on avoiding that dead end), but
it costs no redraw, and it still finds the one value that fits when the model gives it (almost) no
weight, as a noisy table of a small table may. This is *forward checking* from constraint
programming, used where it is exact: each code of ``x`` must stand for one value (categories,
booleans, integer, date or decimal bins one value wide). Wider numeric bins are left to the sampler's
redraws.

>>> from bayes_synth.encode import CategoricalCodec
>>> exact(CategoricalCodec("grade", "categorical", ["a", "b"]))
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.ingest import from_column_axis
from bayes_synth.restrictions import Allowed, Drawn, every_combination, restrict, within
from bayes_synth.sampling import parent_index

#: largest (distinct combinations of the other inputs) x (codes of the column) tried in one lookahead
MAX_TRIALS = 2_000_000


def exact(codec: Codec) -> bool:
    """Whether every candidate value of ``codec`` can be tried: categories, or numbers whose fine cells
    hold one value each (integers, dates and decimals over at most ``INTEGER_EXACT_RANGE`` values)."""
    return isinstance(codec, CategoricalCodec) or _cell_values(codec) is not None


def _cell_values(codec: NumericCodec) -> tuple[np.ndarray, np.ndarray] | None:
    """(the value of each fine cell that holds one, its coarse bin), or None if some cell holds several."""
    if not codec.discrete:
        return None
    first, last = codec.grid_up(codec.edges[:-1]), codec.grid_up(codec.edges[1:]) - 1
    if np.any(last > first):
        return None
    one = last == first  # cells narrower than one grid step may hold no grid value at all
    return codec.grid_value(first[one]), codec._cell_to_bin[one]


def plan(order: Sequence[int], codecs: Mapping[str, Codec], rules: Mapping[str, list[Any]],
         fixed: Sequence[int] = ()) -> dict[int, list[str]]:
    """Column index -> the columns whose rules it is the last input of, where that column is :func:`exact`.

    Columns in ``fixed`` (given, not drawn) are never looked ahead from or to.
    """
    names = list(codecs)
    position = {x: i for i, x in enumerate(order)}
    out: dict[int, list[str]] = {}
    for target, group in rules.items():
        t = names.index(target)
        if t in fixed or t not in position:
            continue
        inputs = {names.index(c) for rule in group for c in rule.inputs if c in codecs and c != target}
        drawn = [i for i in inputs if i not in fixed and i in position]
        if not drawn:
            continue
        last = max(drawn, key=position.__getitem__)
        if position[last] < position[t] and exact(codecs[names[last]]):
            out.setdefault(last, []).append(target)
    return out


def allowed(drawn: Drawn, x: int, targets: Sequence[str], rules: Mapping[str, list[Any]],
            axes: Mapping[str, Any], narrowed: Mapping[str, Any] | None = None,
            cache: dict | None = None) -> Allowed | None:
    """The codes (and, for numbers, the value bounds) of column ``x`` after which every column in
    ``targets`` still has an allowed value.

    Grouped by the distinct combinations of the targets' other inputs. A numeric column's bins are
    allowed when one of their values is, and its values are bounded by the smallest and largest
    allowed value (within those bounds a value that still dead-ends is left to the redraws). None when
    there are more trials than :data:`MAX_TRIALS`. ``narrowed``: the bounds the rules imply for a target
    on their own (:mod:`bayes_synth.narrow`), which the target's value must meet too.

    When the column and the other inputs are all categorical, the answer depends only on their codes:
    it is worked out once for every combination and kept in ``cache`` (the sampler's per-model cache).
    """
    names, codecs = drawn.names, drawn.codecs
    name = names[x]
    context = sorted({c for t in targets for rule in rules[t] for c in rule.inputs
                      if c in codecs and c not in (name, t)}, key=names.index)
    categorical = all(isinstance(codecs[c], CategoricalCodec) for c in [*context, name])
    if cache is None or not categorical:
        group, first = drawn.distinct_rows(context)
        return _try(drawn, group, first, x, context, targets, rules, axes, narrowed)
    key = f"\0lookahead {x}"  # no column name holds a NUL
    if key not in cache:
        index = [names.index(c) for c in context]
        combos = math.prod(codecs[c].size for c in context)
        every = every_combination(drawn, index, combos)
        cache[key] = (index, _try(every, np.arange(combos), np.arange(combos), x, context, targets, rules, axes,
                                  narrowed))
    index, found = cache[key]
    if found is None:
        return None
    sizes = [c.size for c in codecs.values()]
    # a copy: the sampler opens the groups of dead rows in place
    return Allowed(parent_index(drawn.codes, index, sizes), found.mask.copy(), found.lo, found.hi)


def _try(drawn: Drawn, group: np.ndarray, first: np.ndarray, x: int, context: list[str], targets: Sequence[str],
         rules: Mapping[str, list[Any]], axes: Mapping[str, Any], narrowed: Mapping[str, Any] | None
         ) -> Allowed | None:
    """Try every candidate value of column ``x`` at the rows ``first`` (one per group of ``group``)."""
    names, codecs = drawn.names, drawn.codecs
    name = names[x]
    codec = codecs[name]
    if isinstance(codec, CategoricalCodec):
        candidates, values = np.arange(codec.size), None
    else:
        cells, bins = _cell_values(codec)
        candidates = np.append(bins, codec.null_code) if codec.nullable else bins
        values = np.append(cells, np.nan) if codec.nullable else cells
    k, m = len(first), len(candidates)
    if k * m > MAX_TRIALS:
        return None
    rows = np.repeat(first, m)
    codes = drawn.codes[rows]
    codes[:, x] = np.tile(candidates, k)
    given = {c: drawn.column(c).iloc[rows].reset_index(drop=True) for c in context
             if not isinstance(codecs[c], CategoricalCodec)}
    if values is not None:
        given[name] = from_column_axis(np.tile(values, k), codec.kind)
    trial = Drawn(names, codecs, codes, drawn.rng, given)
    ok = np.ones(k * m, dtype=bool)
    for t in targets:
        a = restrict(rules[t], trial, codecs[t], axes.get(t))
        if narrowed and t in narrowed:
            a = a.meet(within(codecs[t], narrowed[t].lo, narrowed[t].hi, len(a.group)), codecs[t])
        ok &= a.mask.any(axis=1)[a.group]
    ok = ok.reshape(k, m)
    if values is None:  # categories: the candidates are the codes
        return Allowed(group, ok)
    mask = np.zeros((k, codec.size), dtype=bool)
    n_cells = len(cells)
    if n_cells:  # cells come in bin order: a bin is allowed when one of its cells is
        starts = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
        mask[:, bins[starts]] = np.logical_or.reduceat(ok[:, :n_cells], starts, axis=1)
    if codec.nullable:
        mask[:, codec.null_code] = ok[:, -1]
    lo = np.where(ok[:, :n_cells], cells, np.inf).min(axis=1, initial=np.inf)
    hi = np.where(ok[:, :n_cells], cells, -np.inf).max(axis=1, initial=-np.inf)
    return Allowed(group, mask, lo, hi)
