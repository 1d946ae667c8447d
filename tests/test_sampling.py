"""The sampler against exact enumeration of tiny networks.

Networks here are plain (order, parents, tables, sizes) inputs to :mod:`bayes_synth.sampling`, no
fitted model involved. The reference distributions are computed independently by brute-force
enumeration of every joint state. Goodness of fit is a chi-squared test at alpha = 1e-6: with a fixed
seed a correct sampler passes (the statistic would pass under almost every seed), and a sampler that
is off by a few percent in any cell fails (``test_chi2_check_has_power`` shows the check can fail).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from bayes_synth.errors import BayesSynthError, SamplingError
from bayes_synth.sampling import ancestral_sample, draw_rows

N_DRAWS = 200_000
ALPHA = 1e-6


# ----------------------------------------------------------------------------- helpers
def dirichlet_tables(rng: np.random.Generator, parents, sizes, concentration: float = 3.0) -> list[np.ndarray]:
    """One row-stochastic table per node, rows drawn from a symmetric Dirichlet."""
    return [rng.dirichlet(np.full(sizes[v], concentration), size=math.prod(sizes[p] for p in parents[v]))
            for v in range(len(sizes))]


def row_of(state, parents_v, sizes) -> int:
    """Row index of a parent configuration, C order in the listed parent order."""
    r = 0
    for p in parents_v:
        r = r * sizes[p] + state[p]
    return r


def exact_joint(parents, tables, sizes) -> dict[tuple[int, ...], float]:
    """P(state) for every joint state, by brute force over all states."""
    out = {}
    for state in itertools.product(*[range(s) for s in sizes]):
        p = 1.0
        for v in range(len(sizes)):
            p *= tables[v][row_of(state, parents[v], sizes), state[v]]
        out[state] = p
    return out


def marginal(joint: dict, keep: list[int], given: dict[int, int] | None = None) -> dict[tuple[int, ...], float]:
    """P(states of ``keep`` | ``given``) from the enumerated joint."""
    given = given or {}
    out: dict[tuple[int, ...], float] = {}
    for state, p in joint.items():
        if all(state[v] == val for v, val in given.items()):
            key = tuple(state[v] for v in keep)
            out[key] = out.get(key, 0.0) + p
    total = sum(out.values())
    return {k: v / total for k, v in out.items()}


def chi2_pvalue(codes: np.ndarray, keep: list[int], probs: dict[tuple[int, ...], float]) -> float:
    """Chi-squared goodness of fit of the rows' ``keep`` columns against ``probs``.

    Zero-probability cells must be empty (checked exactly); the others must have an expected count of
    at least 5 for the chi-squared approximation (checked, so the test cannot silently weaken).
    """
    n = codes.shape[0]
    observed = {}
    keys, counts = np.unique(codes[:, keep], axis=0, return_counts=True)
    for k, c in zip(map(tuple, keys.tolist()), counts.tolist(), strict=True):
        observed[k] = c
    impossible = {k: c for k, c in observed.items() if probs.get(k, 0.0) <= 0.0}
    assert not impossible, f"drew zero-probability states {impossible}"
    cells = [k for k, p in probs.items() if p > 0]
    expected = np.array([probs[k] for k in cells]) * n
    assert expected.min() >= 5, "too few draws for the chi-squared approximation"
    obs = np.array([observed.get(k, 0) for k in cells], dtype=float)
    if len(cells) == 1:
        return 1.0  # a single possible state: nothing to test beyond the empty impossible cells
    expected *= obs.sum() / expected.sum()
    return float(stats.chisquare(obs, expected).pvalue)


# Two tiny networks: a v-structure feeding a chain (parents listed out of index order, order not the
# identity), and a chain whose node indices are not topological.
V_STRUCTURE = {
    "order": (1, 0, 2, 3),
    "parents": ((), (), (1, 0), (2,)),
    "sizes": (2, 3, 2, 3),
}
CHAIN = {
    "order": (2, 0, 1),
    "parents": ((2,), (0,), ()),
    "sizes": (3, 2, 3),
}
NETWORKS = {"v-structure": V_STRUCTURE, "chain": CHAIN}


def network(name: str, seed: int):
    net = NETWORKS[name]
    tables = dirichlet_tables(np.random.default_rng(seed), net["parents"], net["sizes"])
    return net["order"], net["parents"], tables, net["sizes"]


# ----------------------------------------------------------------------------- unconditional
@pytest.mark.parametrize("name", list(NETWORKS))
def test_joint_matches_product_of_tables(name):
    order, parents, tables, sizes = network(name, seed=11)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(1))
    assert codes.shape == (N_DRAWS, len(sizes))
    joint = exact_joint(parents, tables, sizes)
    assert math.isclose(sum(joint.values()), 1.0)
    assert chi2_pvalue(codes, list(range(len(sizes))), joint) >= ALPHA


def test_chi2_check_has_power():
    """The same check rejects a sampler that reads a two-parent table in the wrong parent order."""
    order, parents, tables, sizes = network("v-structure", seed=11)
    swapped = list(parents)
    swapped[2] = tuple(reversed(parents[2]))
    codes = ancestral_sample(order, swapped, tables, sizes, N_DRAWS, np.random.default_rng(1))
    assert chi2_pvalue(codes, list(range(len(sizes))), exact_joint(parents, tables, sizes)) < ALPHA


def test_draw_rows_matches_each_row():
    tables = np.array([
        [0.2, 0.3, 0.5],
        [0.0, 0.25, 0.75],
        [0.6, 0.4, 0.0],
        [0.0, 1.0, 0.0],
        [1 / 3, 1 / 3, 1 / 3],
    ])
    per_row = 40_000
    rows = np.random.default_rng(5).permutation(np.repeat(np.arange(len(tables)), per_row))
    codes = draw_rows(tables, rows, np.random.default_rng(2))
    assert codes.shape == rows.shape
    assert codes.dtype.kind in "iu"
    for r, row in enumerate(tables):
        got = codes[rows == r]
        assert len(got) == per_row
        pvalue = chi2_pvalue(got[:, None], [0], {(j,): p for j, p in enumerate(row)})
        assert pvalue >= ALPHA, f"row {r}"


def test_draw_rows_docstring_example():
    out = draw_rows(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1, 0]), np.random.default_rng(0))
    assert out.tolist() == [1, 0, 1]


class _MaxUniform:
    """A generator stub whose uniforms are the largest value ``Generator.random`` can return."""

    def random(self, n):
        return np.full(n, 1.0 - 2.0**-53)


