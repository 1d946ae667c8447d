"""Norm-Sub consistency post-processing and the conditional tables built on it."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bayes_synth.parameters import conditional_table
from bayes_synth.postprocess import norm_sub

noisy_counts = arrays(np.int64, st.integers(1, 40), elements=st.integers(-50, 500))


@settings(derandomize=True, max_examples=200, deadline=None)
@given(noisy_counts, st.integers(1, 5000))
def test_norm_sub_is_nonnegative_sums_to_total_and_keeps_order(noisy, total):
    out = norm_sub(noisy, total)
    assert np.all(out >= 0)
    assert np.isclose(out.sum(), total)
    # one common shift: cells keep their order and positive cells differ exactly as before
    order = np.argsort(noisy, kind="stable")
    assert np.all(np.diff(out[order]) >= -1e-9)
    pos = out > 0
    if pos.sum() >= 2:
        shift = noisy[pos] - out[pos]
        assert np.allclose(shift, shift[0])


def test_norm_sub_removes_phantom_mass_from_empty_cells():
    rng = np.random.default_rng(0)
    true = np.zeros(200)
    true[:10] = 1000  # 10 000 records in 10 cells, 190 empty cells
    noisy = true + rng.laplace(0, 20, size=200)
    clipped = np.maximum(noisy, 0)
    fixed = norm_sub(noisy, true.sum())
    # clipping keeps ~190 * E[max(Z, 0)] = 190 * 10 = 1900 phantom records in the empty cells
    assert clipped[10:].sum() > 1000
    assert fixed[10:].sum() < clipped[10:].sum() / 3
    assert np.abs(fixed - true).sum() < np.abs(clipped - true).sum()


@settings(derandomize=True, max_examples=100, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=st.integers(-30, 300)),
       st.floats(0, 50), st.one_of(st.none(), st.integers(1, 3000)))
def test_conditional_tables_are_row_stochastic_for_any_noisy_counts(noisy, noise, total):
    table = conditional_table(noisy, noise, total)
    assert table.shape == noisy.shape
    assert np.all(table >= 0)
    assert np.allclose(table.sum(axis=1), 1.0, atol=1e-12)
