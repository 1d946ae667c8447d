"""Conditional probability tables from noisy counts.

Each column X with parents P gets one noisy count table over (P, X) from the geometric mechanism
(one record changes it by 1 in L1). Post-processing, which costs no budget: negative counts are
clipped to 0, and each parent configuration's row is smoothed toward X's own (noisy) margin with a
pseudo-count equal to the noise mass expected in the row, so rows that hold few real records fall back
on the margin instead of on noise. Every row is non-negative and sums to 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from bayes_synth.postprocess import norm_sub
from bayes_synth.privacy.access import PrivateQueries
from bayes_synth.privacy.mechanisms import expected_abs_geometric
from bayes_synth.structure import Network

NONPRIVATE_PSEUDOCOUNT = 0.5


def conditional_table(noisy: np.ndarray, noise: float, total: float | None = None) -> np.ndarray:
    """Turn a noisy (parent configs x child values) count table into a row-stochastic table.

    With ``total`` (the noisy row count) the counts are first made consistent with it by Norm-Sub
    (spurious mass in empty cells removed); otherwise negatives are clipped to zero.

    >>> conditional_table(np.array([[3, -1], [0, 0]]), 0.0).tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    """
    noisy = np.asarray(noisy, dtype=float)
    counts = norm_sub(noisy, total) if total is not None else np.maximum(noisy, 0.0)
    k = counts.shape[1]
    margin = counts.sum(axis=0)
    margin = margin / margin.sum() if margin.sum() > 0 else np.full(k, 1.0 / k)
    alpha = k * noise / 2 if noise > 0 else 0.0
    rows = counts + alpha * margin
    totals = rows.sum(axis=1, keepdims=True)
    table = np.where(totals > 0, rows / np.where(totals > 0, totals, 1.0), margin)
    return table / table.sum(axis=1, keepdims=True)


def split_counts_budget(total: Fraction, cells: list[int], shares: list[Fraction] | None = None) -> list[Fraction]:
    """Share ``total`` between tables in proportion to the square root of their cell counts.

    The L1 error of a noisy table is about cells / epsilon, so for a fixed total the summed error
    is smallest with epsilon_i proportional to sqrt(cells_i). The cell counts come from the network
    (a DP output), so the split is post-processing. ``shares`` (the columns' declared
    ``epsilon_share``, public) multiply the weights. Shares are exact fractions adding up to ``total``.

    >>> split_counts_budget(Fraction(3), [1, 4])
    [Fraction(1, 1), Fraction(2, 1)]
    >>> split_counts_budget(Fraction(3), [1, 4], [Fraction(2), Fraction(1)])
    [Fraction(3, 2), Fraction(3, 2)]
    """
    weights = [Fraction(math.isqrt(c * 10**6), 10**3) for c in cells]
    if shares is not None:
        weights = [w * s for w, s in zip(weights, shares, strict=True)]
    norm = sum(weights, Fraction(0))
    return [total * w / norm for w in weights]


def learn_tables(queries: PrivateQueries, network: Network, eps_total: Fraction, n_hat: int | None = None,
                 progress: Callable[[int], None] | None = None,
                 weights: list[Fraction] | None = None) -> list[np.ndarray]:
    """One conditional table per column (indexed by column), shape (parent configs, child values).

    ``weights``: per column, the declared ``epsilon_share`` (default 1 each) scaling its share of
    ``eps_total``.
    """
    sizes = queries.source.sizes
    names = queries.source.names
    private = queries.ledger.private
    cells = [sizes[x] * math.prod(sizes[p] for p in network.parents[x]) for x in range(len(sizes))]
    shares = split_counts_budget(eps_total, cells, weights)
    tables: list[np.ndarray] = [np.empty(0)] * len(sizes)
    for x in network.order:
        ps = network.parents[x]
        noise = expected_abs_geometric(float(shares[x])) if private else NONPRIVATE_PSEUDOCOUNT * 2
        noisy = queries.noisy_counts([*ps, x], shares[x],
                                     note=f"P({names[x]} | {', '.join(names[p] for p in ps) or '-'})")
        tables[x] = conditional_table(noisy.reshape(-1, sizes[x]), noise, n_hat if private else None)
        if progress:
            progress(1)
    return tables
