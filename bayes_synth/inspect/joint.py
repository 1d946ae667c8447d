"""Joint distributions of a few columns, computed from the model's own tables.

Exact by default: the network is propagated forward in topological order over the ancestors of the
wanted columns, keeping one numpy table over a *frontier* (the columns some later column still needs,
plus the wanted ones) and summing a column out as soon as its last child has been multiplied in. The
largest table that would be formed is known before any arithmetic; when it exceeds ``max_cells`` the
joint is estimated instead from ``sample_rows`` rows drawn from the model (seeded, so repeatable), and
the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bayes_synth.sampling import ancestors, ancestral_sample

if TYPE_CHECKING:
    from bayes_synth.model import Model

MAX_CELLS = 4_000_000
SAMPLE_ROWS = 200_000


@dataclass(frozen=True)
class Joint:
    """P(columns): ``table`` has one axis per column (model column indices, in the order asked)."""

    columns: tuple[int, ...]
    table: np.ndarray
    method: str  # "exact" or "sampled"
    note: str = ""

    def marginal(self, keep: Sequence[int]) -> np.ndarray:
        """The joint of ``keep`` (a subset of ``columns``), axes in the order of ``keep``."""
        axes = [self.columns.index(c) for c in keep]
        others = tuple(i for i in range(len(self.columns)) if i not in axes)
        out = self.table.sum(axis=others) if others else self.table
        kept = sorted(axes)
        return np.transpose(out, [kept.index(a) for a in axes])


def frontier_cells(order: Sequence[int], parents: Sequence[Sequence[int]], sizes: Sequence[int],
                   targets: Sequence[int]) -> int:
    """The largest table forward propagation towards ``targets`` would form (no arithmetic done).

    >>> frontier_cells([0, 1, 2], [(), (0,), (0, 1)], [2, 3, 3], [2])
    18
    """
    return _plan(order, parents, sizes, targets)[1]


def exact_joint(order: Sequence[int], parents: Sequence[Sequence[int]], tables: Sequence[np.ndarray],
                sizes: Sequence[int], targets: Sequence[int]) -> np.ndarray:
    """P(targets) by forward propagation (exact up to float rounding); axes in the order of ``targets``.

    >>> t = [np.array([[0.5, 0.5]]), np.array([[0.9, 0.1], [0.2, 0.8]])]
    >>> exact_joint([0, 1], [(), (0,)], t, [2, 2], [1]).round(3).tolist()
    [0.55, 0.45]
    """
    steps, _ = _plan(order, parents, sizes, targets)
    frontier: list[int] = []
    factor = np.ones(())
    for v, out in steps:
        ps = list(parents[v])
        cpt = np.asarray(tables[v], dtype=float).reshape(*[sizes[p] for p in ps], sizes[v])
        local = {c: i for i, c in enumerate(dict.fromkeys([*frontier, *ps, v]))}
        factor = np.einsum(factor, [local[c] for c in frontier], cpt, [local[c] for c in [*ps, v]],
                           [local[c] for c in out], optimize=True)
        frontier = out
    return np.transpose(factor, [frontier.index(t) for t in targets]) if targets else factor


def sampled_joint(order: Sequence[int], parents: Sequence[Sequence[int]], tables: Sequence[np.ndarray],
                  sizes: Sequence[int], targets: Sequence[int], rows: int = SAMPLE_ROWS,
                  seed: int = 0) -> np.ndarray:
    """P(targets) estimated from ``rows`` rows drawn from the model (ancestral sampling)."""
    codes = ancestral_sample(order, parents, tables, sizes, rows, np.random.default_rng(seed))
    shape = tuple(sizes[t] for t in targets)
    flat = np.ravel_multi_index(tuple(codes[:, t] for t in targets), shape) if targets else np.zeros(rows, int)
    return (np.bincount(flat, minlength=math.prod(shape)) / rows).reshape(shape)


def model_joint(model: Model, targets: Sequence[int], *, max_cells: int = MAX_CELLS,
                sample_rows: int = SAMPLE_ROWS) -> Joint:
    """P(targets) for a :class:`~bayes_synth.model.Model`: exact when small enough, else sampled.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> j = model_joint(tiny_model(), [0])
    >>> j.method, j.table.round(2).tolist()
    ('exact', [0.4, 0.6])
    """
    targets = tuple(int(t) for t in targets)
    if len(set(targets)) != len(targets):
        raise ValueError(f"columns asked twice: {targets}")
    order, parents, sizes = model.order, model.parents_idx, model.sizes
    cells = frontier_cells(order, parents, sizes, targets)
    if cells <= max_cells:
        return Joint(targets, exact_joint(order, parents, model.tables, sizes, targets), "exact")
    note = (f"estimated from {sample_rows:,} rows sampled from the model: exact enumeration would need a "
            f"table of {cells:,} cells (cap {max_cells:,})")
    return Joint(targets, sampled_joint(order, parents, model.tables, sizes, targets, sample_rows), "sampled", note)


def _plan(order, parents, sizes, targets) -> tuple[list[tuple[int, list[int]]], int]:
    """The propagation steps (column, frontier after it) and the largest table they form."""
    wanted = set(targets)
    scope = ancestors(parents, list(targets))
    pending = {v: 0 for v in scope}  # children still to multiply in, within the scope
    for v in scope:
        for p in parents[v]:
            pending[p] += 1
    frontier: list[int] = []
    steps, largest = [], 1
    for v in (v for v in order if v in scope):
        largest = max(largest, math.prod(sizes[c] for c in frontier) * sizes[v])
        for p in parents[v]:
            pending[p] -= 1
        frontier = [c for c in [*frontier, v] if pending[c] > 0 or c in wanted]
        steps.append((v, frontier))
    return steps, largest
