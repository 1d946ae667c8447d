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


def test_draw_rows_never_returns_a_zero_probability_code():
    """With u = 1 - 2**-53, ``r + u`` rounds up to the next row's offset; the code must stay in its row."""
    out = draw_rows(np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([1]), _MaxUniform())
    assert out.tolist() == [0]
    # the same holds for every row of a larger table with trailing (and inner) zero cells
    tables = np.array([[0.3, 0.7, 0.0], [0.0, 0.0, 1.0], [0.2, 0.0, 0.8], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    rows = np.arange(len(tables))
    assert draw_rows(tables, rows, _MaxUniform()).tolist() == [1, 2, 2, 0, 1]
    # and the smallest uniform picks each row's first possible code
    zero = type("_MinUniform", (), {"random": lambda self, n: np.zeros(n)})()
    assert draw_rows(tables, rows, zero).tolist() == [0, 2, 0, 0, 1]


def test_no_conditions_is_plain_forward_sampling():
    order, parents, tables, sizes = network("v-structure", seed=3)
    a = ancestral_sample(order, parents, tables, sizes, 1000, np.random.default_rng(9))
    b = ancestral_sample(order, parents, tables, sizes, 1000, np.random.default_rng(9), fixed={})
    assert np.array_equal(a, b)
    assert all(((a[:, v] >= 0) & (a[:, v] < s)).all() for v, s in enumerate(sizes))


# ----------------------------------------------------------------------------- conditional (exact)
def fixed_codes(n: int, value: int) -> np.ndarray:
    return np.full(n, value, dtype=np.int64)


def test_fixed_v_structure_child():
    """Evidence on the child of a v-structure: its two (otherwise independent) parents become dependent."""
    order, parents, tables, sizes = network("v-structure", seed=21)
    joint = exact_joint(parents, tables, sizes)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(3),
                             fixed={2: fixed_codes(N_DRAWS, 1)})
    assert (codes[:, 2] == 1).all()
    # parents from the exact posterior, the descendant forward: all three free columns jointly
    assert chi2_pvalue(codes, [0, 1, 3], marginal(joint, [0, 1, 3], {2: 1})) >= ALPHA
    # and the posterior really differs from the prior (so this is not the unconditional test again)
    prior, post = marginal(joint, [0, 1]), marginal(joint, [0, 1], {2: 1})
    assert max(abs(prior[k] - post[k]) for k in prior) > 0.01


def test_conditional_check_has_power():
    """Sampling the parents from their prior instead of the posterior is rejected."""
    order, parents, tables, sizes = network("v-structure", seed=21)
    joint = exact_joint(parents, tables, sizes)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(3))
    codes[:, 2] = 1  # evidence pasted over forward draws: parents keep their prior
    assert chi2_pvalue(codes, [0, 1], marginal(joint, [0, 1], {2: 1})) < ALPHA


def test_different_evidence_per_row():
    order, parents, tables, sizes = network("v-structure", seed=22)
    joint = exact_joint(parents, tables, sizes)
    evidence = np.random.default_rng(4).integers(0, sizes[3], N_DRAWS)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(5), fixed={3: evidence})
    assert np.array_equal(codes[:, 3], evidence)
    for value in range(sizes[3]):
        got = codes[evidence == value]
        assert chi2_pvalue(got, [0, 1, 2], marginal(joint, [0, 1, 2], {3: value})) >= ALPHA, f"evidence {value}"


def test_two_fixed_columns():
    """A root and a leaf fixed at once, per-row combinations of both."""
    order, parents, tables, sizes = network("v-structure", seed=23)
    joint = exact_joint(parents, tables, sizes)
    rng = np.random.default_rng(6)
    ev0, ev3 = rng.integers(0, sizes[0], N_DRAWS), rng.integers(0, sizes[3], N_DRAWS)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(7),
                             fixed={3: ev3, 0: ev0})
    assert np.array_equal(codes[:, 0], ev0) and np.array_equal(codes[:, 3], ev3)
    for a, b in itertools.product(range(sizes[0]), range(sizes[3])):
        got = codes[(ev0 == a) & (ev3 == b)]
        assert chi2_pvalue(got, [1, 2], marginal(joint, [1, 2], {0: a, 3: b})) >= ALPHA, f"evidence {a}, {b}"


def test_fixing_the_middle_of_a_chain():
    """Chain 2 -> 0 -> 1 (non-topological numbering): the head from its posterior, the tail forward."""
    order, parents, tables, sizes = network("chain", seed=24)
    joint = exact_joint(parents, tables, sizes)
    for value in range(sizes[0]):
        codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS // 2, np.random.default_rng(8 + value),
                                 fixed={0: fixed_codes(N_DRAWS // 2, value)})
        assert (codes[:, 0] == value).all()
        assert chi2_pvalue(codes, [2, 1], marginal(joint, [2, 1], {0: value})) >= ALPHA, f"evidence {value}"


def v_structure_with_zeros(seed: int):
    """The v-structure with child value 1 impossible under parent rows 0 and 3 (and rare elsewhere)."""
    order, parents, tables, sizes = network("v-structure", seed=seed)
    tables = [t.copy() for t in tables]
    tables[2][[0, 3], 1] = 0.0
    tables[2] /= tables[2].sum(axis=1, keepdims=True)
    return order, parents, tables, sizes


def test_evidence_rules_out_some_combinations():
    order, parents, tables, sizes = v_structure_with_zeros(seed=25)
    joint = exact_joint(parents, tables, sizes)
    evidence = np.random.default_rng(9).integers(0, 2, N_DRAWS)
    codes = ancestral_sample(order, parents, tables, sizes, N_DRAWS, np.random.default_rng(10), fixed={2: evidence})
    # parent row r = code(1) * 2 + code(0) (parents of 2 are listed as (1, 0))
    rows = codes[:, 1] * sizes[0] + codes[:, 0]
    assert not np.isin(rows[evidence == 1], [0, 3]).any(), "drew a parent combination the evidence rules out"
    for value in (0, 1):
        got = codes[evidence == value]
        post = marginal(joint, [0, 1, 3], {2: value})
        if value == 1:
            assert sum(p == 0 for p in post.values()) == 2 * sizes[3]
        assert chi2_pvalue(got, [0, 1, 3], post) >= ALPHA, f"evidence {value}"


def test_zero_probability_condition_raises():
    order, parents, tables, sizes = network("v-structure", seed=26)
    tables = [t.copy() for t in tables]
    tables[2][:, 1] = 0.0
    tables[2][:, 0] = 1.0
    rng = np.random.default_rng(0)
    with pytest.raises(SamplingError, match="probability zero") as info:
        ancestral_sample(order, parents, tables, sizes, 10, rng, fixed={2: fixed_codes(10, 1)})
    assert isinstance(info.value, BayesSynthError)
    # one impossible row among possible ones is enough
    mixed = np.zeros(10, dtype=np.int64)
    mixed[7] = 1
    with pytest.raises(SamplingError):
        ancestral_sample(order, parents, tables, sizes, 10, rng, fixed={2: mixed})
    # a descendant whose evidence is impossible through its ancestors
    tables[3][0, 2] = 0.0
    tables[3][0] /= tables[3][0].sum()
    with pytest.raises(SamplingError):
        ancestral_sample(order, parents, tables, sizes, 10, rng, fixed={3: fixed_codes(10, 2)})
    # the same evidence made possible again samples fine
    ok = ancestral_sample(order, parents, tables, sizes, 10, rng, fixed={2: np.zeros(10, dtype=np.int64)})
    assert (ok[:, 2] == 0).all()


@pytest.mark.parametrize("case", ["root", "child and parents"])
def test_zero_probability_condition_raises_without_free_ancestors(case):
    order, parents, tables, sizes = network("v-structure", seed=26)
    tables = [t.copy() for t in tables]
    n = 10
    if case == "root":
        tables[1][0] = [0.5, 0.5, 0.0]  # root 1 never takes value 2
        fixed = {1: fixed_codes(n, 2)}
    else:
        tables[2][:, 1] = 0.0
        tables[2][:, 0] = 1.0
        fixed = {0: fixed_codes(n, 0), 1: fixed_codes(n, 0), 2: fixed_codes(n, 1)}
    with pytest.raises(SamplingError):
        ancestral_sample(order, parents, tables, sizes, n, np.random.default_rng(0), fixed=fixed)


# ----------------------------------------------------------------------------- property: random small networks
@st.composite
def small_networks(draw):
    """A random DAG on 1-4 nodes (order a random permutation, at most two parents from earlier nodes) with
    row-stochastic tables whose rows often hold zeros or are one-hot."""
    n = draw(st.integers(1, 4))
    sizes = tuple(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    order = tuple(draw(st.permutations(range(n))))
    parents: list[tuple[int, ...]] = [()] * n
    for i, v in enumerate(order):
        earlier = list(order[:i])
        k = draw(st.integers(0, min(2, len(earlier))))
        parents[v] = tuple(draw(st.permutations(earlier))[:k]) if k else ()
    tables = []
    for v in range(n):
        rows = math.prod(sizes[p] for p in parents[v])
        weights = draw(st.lists(st.lists(st.integers(0, 3), min_size=sizes[v], max_size=sizes[v]),
                                min_size=rows, max_size=rows))
        t = np.array(weights, dtype=float)
        empty = t.sum(axis=1) == 0
        t[empty, draw(st.integers(0, sizes[v] - 1))] = 1.0  # an all-zero row becomes one-hot
        tables.append(t / t.sum(axis=1, keepdims=True))
    return order, tuple(parents), tables, sizes


@settings(derandomize=True, max_examples=50, deadline=None)
@given(net=small_networks(), data=st.data())
def test_random_networks_respect_their_tables(net, data):
    order, parents, tables, sizes = net
    n = 300
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))

    def check(codes: np.ndarray) -> None:
        assert codes.shape == (n, len(sizes)) and codes.dtype.kind in "iu"
        for v, s in enumerate(sizes):
            assert ((codes[:, v] >= 0) & (codes[:, v] < s)).all(), f"node {v} out of [0, {s})"
        for v in range(len(sizes)):
            rows = np.array([row_of(state, parents[v], sizes) for state in codes], dtype=np.int64)
            cell = tables[v][rows, codes[:, v]]
            assert (cell > 0).all(), f"node {v} drew a zero-probability code"
            one_hot = (tables[v][rows] == 1.0).any(axis=1)
            assert np.array_equal(codes[one_hot, v], np.argmax(tables[v][rows[one_hot]], axis=1)), \
                f"node {v} left a one-hot row"

    free = ancestral_sample(order, parents, tables, sizes, n, rng)
    check(free)
    # condition on a random subset of columns, with per-row evidence taken from (possible) forward draws
    chosen = data.draw(st.lists(st.sampled_from(range(len(sizes))), unique=True, min_size=1), label="fixed")
    evidence = {v: free[:, v][rng.permutation(n)] if len(chosen) == 1 else free[:, v] for v in chosen}
    conditioned = ancestral_sample(order, parents, tables, sizes, n, rng, fixed=evidence)
    check(conditioned)
    for v, vals in evidence.items():
        assert np.array_equal(conditioned[:, v], vals)
