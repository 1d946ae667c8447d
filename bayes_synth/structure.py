"""Learn the network: PrivBayes-style greedy construction under the exponential mechanism.

Columns are added one at a time. At each step every pair (column X not yet placed, parent set P of at
most ``max_parents`` placed columns) is scored by

    u(X, P) = || c(X, P) - c(X) c(P) / n ||_1  -  lambda * |X| * |P| * E|noise|

the L1 distance, in counts, between the joint table and the product of its margins (how much
dependence the edge captures) minus the expected L1 error of measuring that table with the count
mechanism (what it costs). The penalty depends only on public quantities, and the first term changes
by less than 4 when one record is added or removed (docs/privacy.md derives it), so the score's
sensitivity is 4 whatever the number of rows. The exponential mechanism picks the pair.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bayes_synth.privacy.access import MAX_TABLE_CELLS, PrivateQueries
from bayes_synth.privacy.mechanisms import expected_abs_geometric

log = logging.getLogger(__name__)

SCORE_SENSITIVITY = 4.0
PENALTY = 1.0
MAX_PARENT_SETS = 400
USEFULNESS = 4.0
MAX_DEGREE = 3


@dataclass(frozen=True)
class Network:
    """A DAG given by a topological order and each column's parents (as column indices)."""

    order: tuple[int, ...]
    parents: tuple[tuple[int, ...], ...]  # indexed by column, not by position in order


def dependence(table: np.ndarray) -> float:
    """L1 distance (in counts) between a (child, parent-config) table and its independence fit.

    >>> dependence(np.array([[5, 0], [0, 5]]))
    10.0
    """
    t = table.reshape(table.shape[0], -1).astype(float)
    n = t.sum()
    if n <= 0:
        return 0.0
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    return float(np.abs(t - expected).sum())


def auto_max_parents(n_rows: int, eps_counts: float, sizes: Sequence[int]) -> int:
    """Largest degree whose smallest possible table still holds USEFULNESS x noise per cell."""
    noise = max(expected_abs_geometric(eps_counts), 1.0)
    small = sorted(sizes)
    for k in range(min(MAX_DEGREE, len(sizes) - 1), 0, -1):
        cells = math.prod(small[: k + 1])
        if n_rows / cells >= USEFULNESS * noise:
            return k
    return 0 if len(sizes) < 2 else 1 if n_rows / math.prod(small[:2]) >= noise else 0


def learn_structure(queries: PrivateQueries, eps_select: Fraction, eps_counts: Fraction,
                    max_parents: int, rng: np.random.Generator,
                    progress: Callable[[int], None] | None = None,
                    before: Mapping[int, set[int]] | None = None) -> Network:
    """Greedy network construction; every selection is one exponential-mechanism call.

    ``before`` maps a column to the columns that must be placed ahead of it (rules' required
    orderings: a rule's target is drawn after every column the rule reads). It must be acyclic.
    """
    before = {k: set(v) for k, v in (before or {}).items()}
    sizes = queries.source.sizes
    names = queries.source.names
    d = len(sizes)
    noise = expected_abs_geometric(float(eps_counts)) if queries.ledger.private else 1.0
    free = [i for i in range(d) if not before.get(i)]
    first = int(free[rng.integers(len(free))])  # data-independent start, as in PrivBayes
    order, parents = [first], {first: ()}
    cache: dict[tuple[int, ...], float] = {}
    while len(order) < d:
        cands = _candidates(order, sizes, max_parents, rng, before)
        penalty = np.array([PENALTY * noise * sizes[x] * math.prod(sizes[p] for p in ps)
                            for x, ps in cands])

        def utility(counts, cands=cands, penalty=penalty):
            dep = np.array([_dep_cached(cache, counts, x, ps) for x, ps in cands])
            return dep - penalty

        pick = queries.select(len(cands), utility, eps_select, SCORE_SENSITIVITY,
                              columns=tuple(names), note=f"greedy step {len(order)}: choose a column and its parents")
        x, ps = cands[pick]
        order.append(x)
        parents[x] = ps
        log.debug("structure: %s <- %s", names[x], [names[p] for p in ps])
        if progress:
            progress(1)
    return Network(tuple(order), tuple(parents[i] for i in range(d)))


def _dep_cached(cache, counts, x, ps) -> float:
    key = (x, *ps)
    if key not in cache:
        cache[key] = dependence(np.moveaxis(counts([x, *ps]), 0, 0)) if ps else 0.0
    return cache[key]


def _candidates(order: list[int], sizes: Sequence[int], k: int, rng: np.random.Generator,
                before: Mapping[int, set[int]]) -> list[tuple[int, tuple[int, ...]]]:
    placed = sorted(order)
    remaining = [i for i in range(len(sizes)) if i not in set(order) and before.get(i, set()) <= set(order)]
    sets: list[tuple[int, ...]] = [()]
    for r in range(1, min(k, len(placed)) + 1):
        sets.extend(itertools.combinations(placed, r))
    if len(sets) > MAX_PARENT_SETS:  # data-independent thinning keeps each step affordable
        keep = rng.choice(len(sets) - 1, MAX_PARENT_SETS - 1, replace=False) + 1
        sets = [()] + [sets[i] for i in sorted(keep)]
    return [(x, ps) for x in remaining for ps in sets
            if sizes[x] * math.prod(sizes[p] for p in ps) <= MAX_TABLE_CELLS]
