"""Statistical harness shared by the differential-privacy tests (not a test module).

Implements the neighbour-pair event test of RELIABILITY.md §1.3: draw n outputs of a mechanism on
neighbouring inputs D and D', count how many fall in an output event S, and turn the two counts into a
lower bound on the privacy loss with exact (Clopper-Pearson) binomial bounds. Under a correct
epsilon-DP mechanism the bound exceeds epsilon with probability at most ``alpha`` whatever the number of
draws, so a test "FAIL if eps_lb > epsilon" is not tuned until green: its tolerance comes from the math.

Also: the analytic two-sided geometric distribution (diffprivlib's ``Geometric``), a chi-square
goodness-of-fit helper that merges sparse bins, and seeded harness random states. The seeds are fixed in
CI; set ``BAYES_SYNTH_DP_SEED`` to another integer for fresh draws (nightly).
"""

from __future__ import annotations

import math
import os
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Per-test false-failure rate of every statistical DP test (RELIABILITY.md §1.3).
ALPHA = 1e-6

BASE_SEED = int(os.environ.get("BAYES_SYNTH_DP_SEED", "20240917"))


def harness_rng(name: str) -> np.random.RandomState:
    """A seeded ``RandomState`` (diffprivlib accepts RandomState, not Generator), one stream per name."""
    seed = (BASE_SEED + zlib.crc32(name.encode("utf-8"))) % 2**32
    return np.random.RandomState(np.random.MT19937(seed))


def cp_lower(k: int, n: int, a: float) -> float:
    """One-sided Clopper-Pearson lower bound for a binomial proportion at error rate ``a``."""
    if k <= 0:
        return 0.0
    return float(stats.beta.ppf(a, k, n - k + 1))


def cp_upper(k: int, n: int, a: float) -> float:
    """One-sided Clopper-Pearson upper bound for a binomial proportion at error rate ``a``."""
    if k >= n:
        return 1.0
    return float(stats.beta.ppf(1 - a, k + 1, n - k))


def epsilon_lower_bound(k: int, k_prime: int, n: int, alpha: float = ALPHA) -> float:
    """Lower confidence bound on epsilon from k/n hits of S under D and k_prime/n under D'.

    Both directions are tried (S may be likelier under D or under D'); each ratio uses a CP lower bound
    on the larger proportion and a CP upper bound on the smaller one, each at alpha/2. Returns 0.0 when
    no direction gives a positive bound.

    >>> round(epsilon_lower_bound(5000, 1839, 10_000), 2)
    0.85
    """
    if not (0 <= k <= n and 0 <= k_prime <= n and n > 0):
        raise ValueError("need 0 <= k, k_prime <= n and n > 0")

    def one_way(hi: int, lo: int) -> float:
        lower = cp_lower(hi, n, alpha / 2)
        upper = cp_upper(lo, n, alpha / 2)
        return math.log(lower / upper) if lower > 0 else -math.inf

    return max(0.0, one_way(k, k_prime), one_way(k_prime, k))


@dataclass(frozen=True)
class EventResult:
    """Outcome of one neighbour-pair event test."""

    k: int
    k_prime: int
    n: int
    eps_lb: float

    def __str__(self) -> str:
        return f"k={self.k}/{self.n}, k'={self.k_prime}/{self.n}, eps_lb={self.eps_lb:.4f}"


def event_test(in_s: np.ndarray, in_s_prime: np.ndarray, alpha: float = ALPHA) -> EventResult:
    """Event test from two boolean arrays: output of draw i under D (resp. D') lies in S."""
    in_s, in_s_prime = np.asarray(in_s, dtype=bool), np.asarray(in_s_prime, dtype=bool)
    if in_s.shape != in_s_prime.shape or in_s.ndim != 1:
        raise ValueError("need two 1-d arrays with one entry per draw, same number of draws per side")
    k, k_prime, n = int(in_s.sum()), int(in_s_prime.sum()), in_s.size
    return EventResult(k, k_prime, n, epsilon_lower_bound(k, k_prime, n, alpha))


# ------------------------------------------------------------------ two-sided geometric distribution
def geometric_alpha(epsilon: float, sensitivity: float = 1) -> float:
    """Ratio of the two-sided geometric with scale sensitivity/epsilon: exp(-epsilon/sensitivity)."""
    return math.exp(-epsilon / sensitivity)


def geometric_pmf(k, epsilon: float, sensitivity: float = 1):
    """P[Z = k] = (1 - a) / (1 + a) * a**|k| with a = exp(-epsilon/sensitivity)."""
    a = geometric_alpha(epsilon, sensitivity)
    return (1 - a) / (1 + a) * np.power(a, np.abs(np.asarray(k, dtype=float)))


def geometric_tail(t: int, epsilon: float, sensitivity: float = 1) -> float:
    """P[Z >= t], summed from the pmf (a geometric series in closed form on each side of 0)."""
    a = geometric_alpha(epsilon, sensitivity)
    if t >= 0:
        return float(geometric_pmf(t, epsilon, sensitivity)) / (1 - a)   # sum_{k>=t} pmf(k)
    return 1.0 - float(geometric_pmf(t - 1, epsilon, sensitivity)) / (1 - a)  # 1 - sum_{k<=t-1}


def geometric_moments(epsilon: float, sensitivity: float = 1) -> tuple[float, float]:
    """(variance, kurtosis E[Z^4]/Var^2) of the two-sided geometric, summed over its support."""
    a = geometric_alpha(epsilon, sensitivity)
    kmax = int(math.ceil(60 / -math.log(a))) + 10  # a**kmax < e^-60: the rest is negligible
    k = np.arange(-kmax, kmax + 1, dtype=float)
    p = geometric_pmf(k, epsilon, sensitivity)
    var = float(np.sum(p * k**2))
    return var, float(np.sum(p * k**4)) / var**2


# ------------------------------------------------------------------ goodness of fit
def chi_square_gof(observed: np.ndarray, probs: np.ndarray, min_expected: float = 5.0) -> tuple[float, int]:
    """Chi-square test of counts ``observed`` against cell probabilities ``probs``.

    Adjacent cells are merged (in order) until each holds at least ``min_expected`` expected draws, so
    ordered supports (a pmf with sparse tails) keep their shape. Returns (p-value, number of bins).
    """
    observed = np.asarray(observed, dtype=float)
    probs = np.asarray(probs, dtype=float)
    if observed.shape != probs.shape:
        raise ValueError("observed and probs must have the same shape")
    if not math.isclose(float(probs.sum()), 1.0, rel_tol=1e-9, abs_tol=1e-12):
        raise ValueError(f"probabilities sum to {probs.sum()!r}, not 1")
    n = observed.sum()
    obs_bins, exp_bins = [], []
    acc_o = acc_e = 0.0
    for o, p in zip(observed, probs, strict=True):
        acc_o += o
        acc_e += n * p
        if acc_e >= min_expected:
            obs_bins.append(acc_o)
            exp_bins.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 or acc_o > 0:  # leftover tail joins the last bin
        if not obs_bins:
            raise ValueError("too few draws for any bin to reach min_expected")
        obs_bins[-1] += acc_o
        exp_bins[-1] += acc_e
    if len(obs_bins) < 2:
        raise ValueError("need at least two bins")
    result = stats.chisquare(np.array(obs_bins), np.array(exp_bins))
    return float(result.pvalue), len(obs_bins)
