"""The alias tables reproduce each row's distribution exactly; draws follow it."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from bayes_synth.draws import alias_tables, draw_rows


def implied(prob: np.ndarray, alias: np.ndarray) -> np.ndarray:
    """The distribution an alias table samples: column j w.p. prob/k, its alias w.p. (1-prob)/k."""
    m, k = prob.shape
    out = prob / k
    for r in range(m):
        np.add.at(out[r], alias[r], (1 - prob[r]) / k)
    return out


@settings(derandomize=True, max_examples=200, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 8), st.integers(1, 12)),
              elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e3))))
def test_alias_tables_are_exact(weights):
    rows = weights.sum(axis=1) > 0
    weights = weights[rows] if rows.any() else np.ones((1, weights.shape[1]))
    p = weights / weights.sum(axis=1, keepdims=True)
    prob, alias = alias_tables(p)
    assert np.allclose(implied(prob, alias), p, atol=1e-12)
    # a zero-probability value is never reachable: never kept, never an alias target
    zero = p == 0
    assert np.all(prob[zero] == 0)
    for r in range(p.shape[0]):
        assert not np.any(zero[r, alias[r][prob[r] < 1]])


def test_draws_follow_the_table():
    p = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25], [0.0, 0.0, 0.0, 1.0]])
    rows = np.repeat([0, 1, 2], 50_000)
    codes = draw_rows(p, rows, np.random.default_rng(7))
    for r in range(3):
        counts = np.bincount(codes[rows == r], minlength=4)
        keep = p[r] > 0
        assert counts[~keep].sum() == 0
        if keep.sum() > 1:
            assert stats.chisquare(counts[keep], p[r][keep] * 50_000).pvalue > 1e-6
        else:
            assert counts[keep].sum() == 50_000


def test_wide_tables_are_drawn_by_inverse_cdf_and_follow_the_table():
    """A posterior over many cells (sampling with conditions) has thousands of values per row; the alias
    build is quadratic in that width, which stalled a conditional sample for minutes. Wide tables are
    drawn by inverse CDF: the draws still follow each row (chi-square at the 1e-6 level), never a zero."""
    from bayes_synth.draws import ALIAS_MAX_VALUES, draw_by_cdf

    rng = np.random.default_rng(3)
    k = ALIAS_MAX_VALUES * 8
    p = rng.dirichlet(np.full(k, 0.5), size=3)
    p[:, ::5] = 0.0
    p[1] = 0.0  # an all-zero row is uniform
    p /= np.where(p.sum(axis=1, keepdims=True) > 0, p.sum(axis=1, keepdims=True), 1.0)
    rows = np.repeat([0, 1, 2], 400_000)
    codes = draw_rows(p, rows, np.random.default_rng(4))
    assert np.array_equal(codes, draw_by_cdf(p, rows, np.random.default_rng(4)))  # the wide path is taken
    for r, expected in enumerate([p[0], np.full(k, 1 / k), p[2]]):
        counts = np.bincount(codes[rows == r], minlength=k)
        assert counts[expected == 0].sum() == 0
        keep = expected > 0
        # pool the small cells so every expected count is >= 5 (the chi-square approximation's rule)
        order = np.argsort(expected[keep])
        obs, exp = counts[keep][order], expected[keep][order] * 400_000
        cut = np.searchsorted(np.cumsum(exp), 50) + 1
        obs = np.concatenate([[obs[:cut].sum()], obs[cut:]])
        exp = np.concatenate([[exp[:cut].sum()], exp[cut:]])
        assert stats.chisquare(obs, exp).pvalue > 1e-6
