"""Consistency post-processing of noisy counts (pure numpy; costs no privacy budget).

Clipping noisy counts at zero keeps every positive noise draw, so a sparse table gains spurious mass
in cells that are really empty (with scale 1/epsilon noise on 200 empty cells, thousands of phantom
records). *Norm-Sub* (Wang et al., "Locally Differentially Private Frequency Estimation with
Consistency", NDSS 2020) instead finds the one shift ``d`` for which ``sum(max(c - d, 0))`` equals a
target total and returns ``max(c - d, 0)``: non-negative, summing to the (noisy) row count, and empty
cells drop back to zero.
"""

from __future__ import annotations

import numpy as np


def norm_sub(noisy: np.ndarray, total: float) -> np.ndarray:
    """Shift all cells by one constant so that the positive parts sum to ``total``.

    >>> norm_sub(np.array([10.0, 4.0, -2.0, 1.0]), 12.0).tolist()
    [9.0, 3.0, 0.0, 0.0]
    """
    c = np.asarray(noisy, dtype=float)
    if total <= 0 or c.size == 0:
        return np.zeros_like(c)
    flat = np.sort(c.ravel())[::-1]
    shifts = (np.cumsum(flat) - total) / np.arange(1, flat.size + 1)
    valid = flat > shifts  # the top k cells stay positive after shifting by shifts[k-1]
    k = int(np.flatnonzero(valid)[-1]) if valid.any() else 0
    return np.maximum(c - shifts[k], 0.0)
