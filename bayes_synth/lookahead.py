"""One step of lookahead: never draw a value that leaves a later column no allowed value.

The rules on a column ``t`` read columns drawn before ``t``. When the last of those columns, ``x``,
comes up, every candidate value of ``x`` can be tried: a value after which ``t``'s rules allow
nothing is a dead end known in advance. Masking such values out of ``x``'s draw gives the same rows
as drawing ``x`` and throwing the row away at ``t`` (both condition on avoiding that dead end), but
it costs no redraw, and it still finds the one value that fits when the model gives it (almost) no
weight, as a noisy table of a small table may. This is *forward checking* from constraint
programming, used where it is exact: each code of ``x`` must stand for one value (categories,
booleans, integer or date bins one value wide). Wider numeric bins are left to the sampler's redraws.

>>> from bayes_synth.encode import CategoricalCodec
>>> exact(CategoricalCodec("grade", "categorical", ["a", "b"]))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.ingest import from_column_axis
from bayes_synth.restrictions import Allowed, Drawn, restrict

#: largest (distinct combinations of the other inputs) x (codes of the column) tried in one lookahead
MAX_TRIALS = 2_000_000


def exact(codec: Codec) -> bool:
    """Whether every code of ``codec`` stands for exactly one value (so trying a code tries its value)."""
    if isinstance(codec, CategoricalCodec):
        return True
    if not codec.integer:
        return False
    ranges = np.array(codec.bin_ranges())
    return bool(np.all(np.ceil(ranges[:, 1]) - np.ceil(ranges[:, 0]) == 1))


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
            axes: Mapping[str, Any]) -> Allowed | None:
    """The codes of column ``x`` after which every column in ``targets`` still has an allowed value.

    Grouped by the distinct combinations of the targets' other inputs; None when there are more
    trials than :data:`MAX_TRIALS` (the sampler's redraws handle those rows instead).
    """
    names, codecs = drawn.names, drawn.codecs
    name = names[x]
    codec = codecs[name]
    context = sorted({c for t in targets for rule in rules[t] for c in rule.inputs
                      if c in codecs and c not in (name, t)}, key=names.index)
    group, first = drawn.distinct_rows(context)
    k, size = len(first), codec.size
    if k * size > MAX_TRIALS:
        return None
    rows = np.repeat(first, size)
    codes = drawn.codes[rows]
    codes[:, x] = np.tile(np.arange(size), k)
    values = {c: drawn.column(c).iloc[rows].reset_index(drop=True) for c in context
              if not isinstance(codecs[c], CategoricalCodec)}
    if isinstance(codec, NumericCodec):  # exact: each bin is one value
        values[name] = _values(codec, codes[:, x])
    trial = Drawn(names, codecs, codes, drawn.rng, values)
    ok = np.ones(k * size, dtype=bool)
    for t in targets:
        a = restrict(rules[t], trial, codecs[t], axes.get(t))
        ok &= a.mask.any(axis=1)[a.group]
    return Allowed(group, ok.reshape(k, size))


def _values(codec: NumericCodec, codes: np.ndarray):
    """The one value each code of an exact numeric codec stands for (missing for the missing code)."""
    lows = np.ceil(np.array(codec.bin_ranges())[:, 0])
    if codec.nullable:
        lows = np.append(lows, np.nan)
    return from_column_axis(lows[codes], codec.kind)
