"""Ancestral sampling that enforces rules by construction.

Columns are drawn in the network's order and decoded as soon as they are drawn, so a rule whose
target comes up sees the values of every column it reads. The rule's restriction (a code mask, or
value bounds for numeric targets) multiplies the row's conditional distribution; rows draw only
allowed codes, and numeric values are drawn inside the bounds. A row for which no value is allowed
is an error naming the rule, never a silently broken row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.draws import draw_rows
from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.errors import SamplingError
from bayes_synth.sampling import parent_index


def sample_with_rules(order: Sequence[int], parents, tables, codecs: Mapping[str, Codec], n: int,
                      rng: np.random.Generator, rules: Mapping[str, list[Any]],
                      axes: Mapping[str, Any], aliases=None) -> pd.DataFrame:
    """Draw and decode ``n`` rows, applying ``rules`` (target column -> compiled rules)."""
    names = list(codecs)
    sizes = [c.size for c in codecs.values()]
    codes = np.zeros((n, len(names)), dtype=np.int64, order="F")
    drawn = pd.DataFrame(index=pd.RangeIndex(n))
    for x in order:
        name, codec = names[x], codecs[names[x]]
        rows = parent_index(codes, parents[x], sizes)
        if name not in rules:
            codes[:, x] = draw_rows(tables[x], rows, rng, aliases[x] if aliases else None)
            drawn[name] = codec.decode(codes[:, x], rng)
            continue
        mask, lo, hi = _restriction(rules[name], drawn, codec, axes.get(name))
        codes[:, x] = _draw_masked(tables[x][rows] * mask, mask, rng, name, rules[name])
        drawn[name] = codec.decode_within(codes[:, x], lo, hi, rng) if lo is not None \
            else codec.decode(codes[:, x], rng)
    return drawn[names]


def _restriction(rules, drawn: pd.DataFrame, codec: Codec, axis):
    if isinstance(codec, CategoricalCodec):
        mask = np.ones((len(drawn), codec.size), dtype=bool)
        for rule in rules:
            mask &= rule.restrict(drawn, codec.categories, codec.nullable).mask
        return mask, None, None
    lo, hi = np.full(len(drawn), -np.inf), np.full(len(drawn), np.inf)
    null_ok = np.ones(len(drawn), dtype=bool)
    for rule in rules:
        r = rule.restrict(drawn, [], codec.nullable, axis)
        lo, hi, null_ok = np.maximum(lo, r.lo), np.minimum(hi, r.hi), null_ok & r.null_ok
    return bin_mask(codec, lo, hi, null_ok), lo, hi


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


def _draw_masked(p: np.ndarray, mask: np.ndarray, rng: np.random.Generator, name: str, rules) -> np.ndarray:
    empty = ~mask.any(axis=1)
    if empty.any():
        texts = "; ".join(f"'{r.text}'" for r in rules)
        raise SamplingError(
            f"No value of column '{name}' satisfies {texts} for {int(empty.sum())} of {len(mask)} rows, "
            "given the values drawn before it. The rules and the declared bounds contradict each other for "
            "those rows: widen the bounds, or add a rule on the earlier columns that keeps them compatible.")
    total = p.sum(axis=1)
    p = np.where((total > 0)[:, None], p, mask.astype(float))  # the model gives the allowed values no mass
    cdf = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cdf[:, -1]
    codes = (cdf <= u[:, None]).sum(axis=1)
    last = p.shape[1] - 1 - np.argmax(p[:, ::-1] > 0, axis=1)  # rounding never lands on a masked code
    return np.minimum(codes, last)
