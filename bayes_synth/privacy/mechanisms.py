"""Adapter over diffprivlib: the only module that draws privacy noise.

Counts get the two-sided geometric mechanism (integer in, integer out: never float noise on counts);
selections get the exponential mechanism. diffprivlib is imported lazily so ``import bayes_synth``
stays fast and a broken diffprivlib install breaks fitting, not the package.

``random_state=None`` means noise from OS entropy (``secrets.SystemRandom`` inside diffprivlib); an
integer or ``numpy.random.RandomState`` makes noise reproducible, for tests only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

NoiseState = Any  # None | numpy.random.RandomState


def _dpl():
    import diffprivlib.mechanisms as mech

    return mech


def geometric_counts(
    counts: np.ndarray, epsilon: float, sensitivity: float, random_state: NoiseState = None
) -> np.ndarray:
    """Add two-sided geometric noise to every cell of an integer count array.

    The L1 sensitivity is over the whole array (a record changes the array by at most
    ``sensitivity`` in L1), so each cell gets noise of scale ``sensitivity / epsilon``.

    >>> import numpy as np
    >>> geometric_counts(np.array([10, 0]), float("inf"), 1).tolist()
    [10, 0]
    """
    counts = np.asarray(counts)
    if not math.isfinite(epsilon):
        return counts.astype(np.int64, copy=True)
    mech = _dpl().Geometric(epsilon=float(epsilon), sensitivity=_int_sensitivity(sensitivity),
                            random_state=random_state)
    flat = counts.astype(np.int64).ravel()
    noisy = np.fromiter((mech.randomise(int(v)) for v in flat), dtype=np.int64, count=flat.size)
    return noisy.reshape(counts.shape)


def _int_sensitivity(sensitivity: float) -> int:
    s = math.ceil(sensitivity)
    if s < 1:
        raise ValueError(f"count sensitivity must be >= 1; got {sensitivity!r}")
    return int(s)


def exponential_select(
    utilities: np.ndarray, epsilon: float, sensitivity: float, random_state: NoiseState = None
) -> int:
    """Pick an index with probability proportional to ``exp(epsilon * u / (2 * sensitivity))``.

    In the no-noise mode (``epsilon = inf``) the best candidate is returned (lowest index on ties).

    >>> exponential_select(np.array([0.0, 5.0, 1.0]), float("inf"), 1.0)
    1
    """
    u = np.asarray(utilities, dtype=float)
    if u.ndim != 1 or u.size == 0 or not np.all(np.isfinite(u)):
        raise ValueError("utilities must be a non-empty 1-d array of finite numbers")
    if not math.isfinite(epsilon):
        return int(np.argmax(u))
    mech = _dpl().Exponential(epsilon=float(epsilon), sensitivity=float(sensitivity),
                              utility=[float(x) for x in u], random_state=random_state)
    return int(mech.randomise())


def geometric_threshold(epsilon: float, delta: float, sensitivity: float = 1.0) -> float:
    """Threshold for DP partition selection with geometric noise (keys kept when noisy count >= it).

    A key present in one neighbour only has true count at most ``sensitivity``; it survives only if
    its noise exceeds ``threshold - sensitivity``, which happens with probability at most ``delta``.
    """
    if not 0 < delta < 1:
        raise ValueError("partition selection needs 0 < delta < 1")
    alpha = math.exp(-epsilon / _int_sensitivity(sensitivity))
    # P[Z >= t] for two-sided geometric = alpha**t / (1 + alpha); solve for t.
    t = math.log(delta * (1 + alpha)) / math.log(alpha)
    return _int_sensitivity(sensitivity) + math.ceil(t)


def union_threshold(epsilon: float, cells: int, beta: float, sensitivity: float = 1.0) -> int:
    """Least integer t >= 1 with cells * P[Z >= t] <= beta, Z two-sided geometric noise of scale s/epsilon.

    A cell whose true count is 0 is kept (noisy count >= t) with probability P[Z >= t] = a**t / (1 + a),
    a = exp(-epsilon / s); by the union bound over ``cells`` such cells, the chance that any of them is
    kept is at most ``beta``. In the no-noise mode (epsilon = inf) the threshold is 1 (seen at least once).

    >>> union_threshold(1.0, 256, 0.05)
    9
    >>> union_threshold(float("inf"), 10**6, 0.05)
    1
    """
    if not 0 < beta < 1:
        raise ValueError(f"beta must be in (0, 1); got {beta!r}")
    if cells < 1:
        raise ValueError(f"cells must be >= 1; got {cells!r}")
    if not math.isfinite(epsilon):
        return 1
    a = math.exp(-epsilon / _int_sensitivity(sensitivity))
    t = max(1, math.ceil(math.log(beta * (1 + a) / cells) / math.log(a)))
    while cells * a**t / (1 + a) > beta:  # guard against rounding in the logarithms
        t += 1
    return t


def expected_abs_geometric(epsilon: float, sensitivity: float = 1.0) -> float:
    """E|Z| for two-sided geometric noise with parameter exp(-epsilon/sensitivity)."""
    if not math.isfinite(epsilon):
        return 0.0
    a = math.exp(-epsilon / _int_sensitivity(sensitivity))
    return 2 * a / (1 - a * a)
