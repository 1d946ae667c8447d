"""Vectorised ancestral sampling over codes, with exact conditional sampling.

Each column is drawn for all rows at once: a row's parent codes select a row of the column's
conditional table, and one uniform draw per row is located in that row's cumulative distribution with
a single ``searchsorted`` over the table flattened with per-row offsets. No Python loop runs over rows.

Conditional sampling fixes some columns' codes. Their ancestors are drawn from the exact posterior
(the joint over the ancestral set, enumerated, then sliced at each distinct evidence value); the
remaining columns are drawn forward, so every draw comes from the model's conditional distribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from bayes_synth.draws import draw_rows
from bayes_synth.errors import SamplingError

MAX_POSTERIOR_CELLS = 5_000_000


def parent_index(codes: np.ndarray, parents: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    """Row index into a conditional table from each row's parent codes (C order, like the counts)."""
    if not parents:
        return np.zeros(codes.shape[0], dtype=np.int64)
    index = codes[:, parents[0]].copy()
    for p in parents[1:]:
        index *= sizes[p]
        index += codes[:, p]
    return index


def ancestral_sample(order: Sequence[int], parents: Sequence[Sequence[int]], tables: Sequence[np.ndarray],
                     sizes: Sequence[int], n: int, rng: np.random.Generator,
                     fixed: Mapping[int, np.ndarray] | None = None,
                     aliases: Sequence[tuple[np.ndarray, np.ndarray]] | None = None) -> np.ndarray:
    """Sample ``n`` rows of codes, shape (n, n_columns); ``fixed`` maps column -> codes per row.

    ``aliases`` are the tables' prebuilt alias tables (``draws.alias_tables``), to reuse across chunks.
    """
    codes = np.zeros((n, len(sizes)), dtype=np.int64, order="F")  # columns are written and read whole
    fixed = dict(fixed or {})
    done: set[int] = set()
    if fixed:
        done = _sample_posterior(order, parents, tables, sizes, codes, fixed, rng)
    for x in order:
        if x in done:
            continue
        prebuilt = aliases[x] if aliases is not None else None
        codes[:, x] = draw_rows(tables[x], parent_index(codes, parents[x], sizes), rng, prebuilt)
    return codes


def posterior_codes(order: Sequence[int], parents: Sequence[Sequence[int]], tables: Sequence[np.ndarray],
                    sizes: Sequence[int], fixed: Mapping[int, np.ndarray], rng: np.random.Generator
                    ) -> dict[int, np.ndarray]:
    """The fixed columns' codes and their ancestors' codes drawn from the exact posterior given them.

    >>> t = [np.array([[0.5, 0.5]]), np.array([[1.0, 0.0], [0.0, 1.0]])]   # column 1 copies column 0
    >>> out = posterior_codes([0, 1], [[], [0]], t, [2, 2], {1: np.array([1, 0])}, np.random.default_rng(0))
    >>> out[0].tolist()
    [1, 0]
    """
    n = len(next(iter(fixed.values())))
    codes = np.zeros((n, len(sizes)), dtype=np.int64, order="F")
    done = _sample_posterior(order, parents, tables, sizes, codes, dict(fixed), rng)
    return {x: codes[:, x].copy() for x in done}


def ancestors(parents: Sequence[Sequence[int]], nodes: Sequence[int]) -> set[int]:
    """The nodes together with all their ancestors."""
    seen, stack = set(), list(nodes)
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(parents[v])
    return seen


def _sample_posterior(order, parents, tables, sizes, codes, fixed, rng) -> set[int]:
    for x, vals in fixed.items():
        codes[:, x] = vals
    anc = ancestors(parents, list(fixed))
    free = [v for v in order if v in anc and v not in fixed]
    scope = [v for v in order if v in anc]
    cells = math.prod(sizes[v] for v in scope)
    if cells > MAX_POSTERIOR_CELLS:
        raise SamplingError(
            f"Conditioning on these columns needs a joint table of {cells:,} cells over their "
            f"ancestors (cap {MAX_POSTERIOR_CELLS:,}); condition on fewer columns or on columns "
            "nearer the top of the network (see model.parents)."
        )
    joint = _joint(scope, parents, tables, sizes)
    ev_axes = [scope.index(x) for x in fixed]
    free_axes = [scope.index(v) for v in free]
    perm = joint.transpose(ev_axes + free_axes).reshape(
        math.prod(sizes[x] for x in fixed), -1)
    ev_index = np.ravel_multi_index(tuple(codes[:, x] for x in fixed), tuple(sizes[x] for x in fixed))
    mass = perm.sum(axis=1)
    impossible = np.flatnonzero(mass[np.unique(ev_index)] <= 0)
    if impossible.size:
        raise SamplingError("The fixed values have probability zero under the model; "
                            "choose values the model can produce.")
    if not free:
        return set(fixed)
    post = perm / np.where(mass > 0, mass, 1.0)[:, None]
    flat_free = draw_rows(post, ev_index, rng)
    unravelled = np.unravel_index(flat_free, tuple(sizes[v] for v in free))
    for v, vals in zip(free, unravelled, strict=True):
        codes[:, v] = vals
    return set(fixed) | set(free)


def _joint(scope, parents, tables, sizes) -> np.ndarray:
    """Joint probability over ``scope`` (an ancestrally closed set, in topological order)."""
    shape = tuple(sizes[v] for v in scope)
    joint = np.ones(shape)
    for v in scope:
        ps = list(parents[v])
        t = tables[v].reshape(*[sizes[p] for p in ps], sizes[v])
        axes = [scope.index(p) for p in ps] + [scope.index(v)]
        order_axes = np.argsort(axes)
        t = t.transpose(order_axes)
        bshape = [1] * len(scope)
        for a in sorted(axes):
            bshape[a] = sizes[scope[a]]
        joint = joint * t.reshape(bshape)
    return joint
