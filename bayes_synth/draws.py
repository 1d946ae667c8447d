"""Vectorised draws from the rows of a stochastic table (pure numpy, no pandas).

The alias method (Walker 1977, Vose 1991): after building two small tables per row, each draw costs
one uniform, one gather and one comparison, whatever the number of values; used by ancestral
sampling and by the within-bin draws of numeric codecs. Building the alias tables takes k steps over a
table of k values per row, so wide tables (a posterior over many cells, when sampling with conditions)
are drawn by inverse CDF instead (:func:`draw_by_cdf`), in time linear in the table's size.
"""

from __future__ import annotations

import numpy as np

#: wider tables are drawn by inverse CDF: the alias build is quadratic in the number of values
ALIAS_MAX_VALUES = 256


def alias_tables(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias tables for every row of a row-stochastic table, built for all rows at once.

    Each of the k-1 steps pairs, in every row, the smallest unfinished scaled probability (at most 1)
    with the largest (at least 1): the mean of the unfinished ones stays 1, so the pairing is always
    valid. Rows summing to 0 are treated as uniform.

    >>> prob, alias = alias_tables(np.array([[0.25, 0.75]]))
    >>> prob.tolist(), alias.tolist()
    ([[0.5, 1.0]], [[1, 1]])
    """
    t = np.asarray(tables, dtype=float)
    m, k = t.shape
    totals = t.sum(axis=1, keepdims=True)
    q = np.where(totals > 0, t * k / np.where(totals > 0, totals, 1.0), 1.0)
    prob = np.ones((m, k))
    alias = np.tile(np.arange(k), (m, 1))
    done = np.zeros((m, k), dtype=bool)
    rows = np.arange(m)
    for _ in range(k - 1):
        small = np.where(done, np.inf, q).argmin(axis=1)
        large = np.where(done, -np.inf, q).argmax(axis=1)
        r, s, big = rows[small != large], small[small != large], large[small != large]
        prob[r, s] = q[r, s]
        alias[r, s] = big
        q[r, big] -= 1.0 - q[r, s]
        done[r, s] = True
    return np.clip(prob, 0.0, 1.0), alias


def draw_rows(tables: np.ndarray, rows: np.ndarray, rng: np.random.Generator,
              prebuilt: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Draw one child code per entry of ``rows`` from ``tables[rows]`` (rows of a stochastic table).

    Alias method: one uniform per draw picks a column (its integer part) and accepts it or its alias
    (its fractional part), so the cost per row does not grow with the table. ``prebuilt`` passes
    ``alias_tables(tables)`` when the same table is drawn from repeatedly.

    >>> draw_rows(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1, 0]), np.random.default_rng(0)).tolist()
    [1, 0, 1]
    """
    m, k = tables.shape
    if prebuilt is None and k > ALIAS_MAX_VALUES:
        return draw_by_cdf(tables, rows, rng)
    prob, alias = prebuilt if prebuilt is not None else alias_tables(tables)
    u = rng.random(len(rows)) * k
    col = np.minimum(u.astype(np.int64), k - 1)
    flat = np.asarray(rows, dtype=np.int64) * k + col
    return np.where(u - col < prob.ravel()[flat], col, alias.ravel()[flat])


def draw_by_cdf(tables: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one code per entry of ``rows`` from ``tables[rows]`` by inverse CDF, for all rows in one
    ``searchsorted`` (row j's cumulative probabilities are shifted to [j, j + 1]); only the rows drawn
    from are summed. Rows summing to 0 are treated as uniform; values of probability 0 are never drawn.

    >>> draw_by_cdf(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]), np.array([0, 0, 1]), np.random.default_rng(0))
    array([1, 1, 0])
    """
    rows = np.asarray(rows, dtype=np.int64)
    k = tables.shape[1]
    used, which = np.unique(rows, return_inverse=True)
    t = np.asarray(tables[used], dtype=float)
    t = np.where(t.sum(axis=1, keepdims=True) > 0, t, 1.0)
    cdf = np.cumsum(t, axis=1)
    cdf = cdf / cdf[:, -1:]
    shifted = (cdf + np.arange(len(used))[:, None]).ravel()
    found = np.searchsorted(shifted, rng.random(len(rows)) + which, side="right")
    return np.minimum(found - which * k, k - 1)
