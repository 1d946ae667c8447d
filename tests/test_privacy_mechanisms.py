"""The noise mechanisms: DP event tests (DP-7), test-the-test mutants (DP-11), sampler goodness of fit
(DP-12), the partition-selection threshold, and epsilon/delta plumbing (DP-6).

Statistical tests use the seeded harness of ``dp_harness`` at alpha = 1e-6 per test (RELIABILITY.md
§1.3): a correct mechanism fails with probability at most 1e-6 under any seed, and each measured
eps_lb is logged with ``record_property`` (and printed; see it with ``pytest -rP``).
"""

from __future__ import annotations

import math

import diffprivlib.mechanisms as dpl
import numpy as np
import pandas as pd
import pytest
from dp_harness import (
    ALPHA,
    chi_square_gof,
    event_test,
    geometric_moments,
    geometric_pmf,
    geometric_tail,
    harness_rng,
)
from scipy import stats

from bayes_synth.errors import ParameterError
from bayes_synth.privacy import mechanisms
from bayes_synth.structure import SCORE_SENSITIVITY
from bayes_synth.synthesizer import Synthesizer

EPS = 1.0
N_DRAWS = 10_000       # per side, for the event tests
N_GOF = 60_000         # draws for the goodness-of-fit tests (OpenDP's size)
N_MUTANT_GOF = 5_000   # planted-bug GOF checks: p ~ 1e-150 already, more draws only cost time
K_CANDIDATES = 20
TRUE_COUNT = 10


def _log(record_property, name: str, result) -> None:
    record_property(name, round(result.eps_lb, 4))
    print(f"{name}: {result}")


# ------------------------------------------------------------------ draws
def _geometric_event(eps_call: float, noise_sensitivity: int, delta_count: int, rng) -> tuple:
    """Neighbours with true counts c and c + delta_count; S = {output <= c}.

    ``eps_call``/``noise_sensitivity`` are what the wrapper is called with; a correct call uses the
    claimed epsilon and the query's real sensitivity ``delta_count``.
    """
    c = TRUE_COUNT
    x = mechanisms.geometric_counts(np.full(N_DRAWS, c), eps_call, noise_sensitivity, rng)
    y = mechanisms.geometric_counts(np.full(N_DRAWS, c + delta_count), eps_call, noise_sensitivity, rng)
    assert x.dtype == np.int64 and y.dtype == np.int64, "counts must stay integers"
    return x <= c, y <= c


def _utilities(delta: float) -> tuple[list[float], list[float]]:
    u = [delta] + [0.0] * (K_CANDIDATES - 1)
    u_prime = [0.0] + [delta] * (K_CANDIDATES - 1)
    return u, u_prime


def _wrapper_selections(utility, eps: float, sensitivity: float, rng) -> np.ndarray:
    u = np.asarray(utility, dtype=float)
    return np.array([mechanisms.exponential_select(u, eps, sensitivity, rng) for _ in range(N_DRAWS)])


def _dpl_selections(utility, eps: float, sensitivity: float, rng, n: int, *, monotonic=False) -> np.ndarray:
    mech = dpl.Exponential(epsilon=eps, sensitivity=sensitivity, utility=list(utility), monotonic=monotonic,
                           random_state=rng)
    return np.array([mech.randomise() for _ in range(n)])


# ------------------------------------------------------------------ DP-7: our wrappers pass
@pytest.mark.parametrize("sensitivity", [1, 5])
def test_dp7_geometric_counts_event(sensitivity, record_property):
    rng = harness_rng(f"dp7-geometric-{sensitivity}")
    in_s, in_s_prime = _geometric_event(EPS, sensitivity, sensitivity, rng)
    result = event_test(in_s, in_s_prime)
    _log(record_property, f"eps_lb_geometric_sens{sensitivity}", result)
    assert result.eps_lb <= EPS, f"geometric_counts (sensitivity {sensitivity}) leaks: {result}"


def test_dp7_exponential_select_event(record_property):
    delta = SCORE_SENSITIVITY
    rng = harness_rng("dp7-exponential")
    u, u_prime = _utilities(delta)
    x = _wrapper_selections(u, EPS, delta, rng)
    y = _wrapper_selections(u_prime, EPS, delta, rng)
    result = event_test(x == 0, y == 0)
    _log(record_property, "eps_lb_exponential", result)
    assert result.eps_lb <= EPS, f"exponential_select leaks: {result}"


# ------------------------------------------------------------------ DP-11: the harness catches mutants
@pytest.mark.parametrize("sensitivity", [1, 5])
def test_dp11_mutant_half_noise_scale_fails(sensitivity, record_property):
    """Noise drawn at 2 epsilon (half the scale) while epsilon is claimed."""
    rng = harness_rng(f"dp11-half-scale-{sensitivity}")
    result = event_test(*_geometric_event(2 * EPS, sensitivity, sensitivity, rng))
    _log(record_property, f"eps_lb_mutant_half_scale_sens{sensitivity}", result)
    assert result.eps_lb > EPS, f"harness missed a geometric mechanism at half the noise scale: {result}"


def test_dp11_mutant_sensitivity_ignored_fails(record_property):
    """A sensitivity-5 query noised as if its sensitivity were 1."""
    rng = harness_rng("dp11-sensitivity-1")
    result = event_test(*_geometric_event(EPS, 1, 5, rng))
    _log(record_property, "eps_lb_mutant_sensitivity_ignored", result)
    assert result.eps_lb > EPS, f"harness missed a sensitivity-1 mechanism on a sensitivity-5 query: {result}"


def test_dp11_mutant_no_noise_count_fails(record_property):
    rng = harness_rng("dp11-no-noise-count")
    result = event_test(*_geometric_event(math.inf, 1, 1, rng))  # epsilon=inf: exact counts
    _log(record_property, "eps_lb_mutant_no_noise_count", result)
    assert result.eps_lb > EPS, f"harness missed exact (un-noised) counts: {result}"


def test_dp11_mutant_exponential_monotonic_fails(record_property):
    """diffprivlib's ``monotonic=True`` halves the denominator: the selection is 2-epsilon DP."""
    delta = SCORE_SENSITIVITY
    rng = harness_rng("dp11-monotonic")
    u, u_prime = _utilities(delta)
    x = _dpl_selections(u, EPS, delta, rng, N_DRAWS, monotonic=True)
    y = _dpl_selections(u_prime, EPS, delta, rng, N_DRAWS, monotonic=True)
    result = event_test(x == 0, y == 0)
    _log(record_property, "eps_lb_mutant_monotonic", result)
    assert result.eps_lb > EPS, f"harness missed the monotonic=True exponential mechanism: {result}"


def test_dp11_mutant_no_noise_selection_fails(record_property):
    delta = SCORE_SENSITIVITY
    rng = harness_rng("dp11-argmax")
    u, u_prime = _utilities(delta)
    x = _wrapper_selections(u, math.inf, delta, rng)  # epsilon=inf: argmax
    y = _wrapper_selections(u_prime, math.inf, delta, rng)
    result = event_test(x == 0, y == 0)
    _log(record_property, "eps_lb_mutant_argmax", result)
    assert result.eps_lb > EPS, f"harness missed an argmax selection: {result}"


# ------------------------------------------------------------------ DP-12: sampler goodness of fit
def _geometric_gof(eps_draw: float, eps_model: float, sensitivity: int, rng, n: int = N_GOF) -> tuple[float, int]:
    mech = dpl.Geometric(epsilon=eps_draw, sensitivity=sensitivity, random_state=rng)
    z = np.array([mech.randomise(0) for _ in range(n)])
    support = np.arange(z.min(), z.max() + 1)
    observed = np.bincount(z - z.min(), minlength=len(support))
    probs = geometric_pmf(support, eps_model, sensitivity)
    # fold the mass outside the observed range into the end cells so the cells cover every outcome
    probs[0] += 1 - geometric_tail(int(support[0]), eps_model, sensitivity)
    probs[-1] += geometric_tail(int(support[-1]) + 1, eps_model, sensitivity)
    return chi_square_gof(observed, probs)


@pytest.mark.parametrize(("epsilon", "sensitivity", "n"), [(1.0, 1, N_GOF), (0.5, 3, N_GOF // 3)])
def test_dp12_geometric_matches_analytic_pmf(epsilon, sensitivity, n, record_property):
    p, bins = _geometric_gof(epsilon, epsilon, sensitivity, harness_rng(f"dp12-geometric-{epsilon}"), n)
    record_property("gof_p_geometric", p)
    print(f"geometric eps={epsilon} sens={sensitivity}: chi2 p={p:.3g} over {bins} bins")
    assert p >= ALPHA


def test_dp12_geometric_gof_rejects_wrong_scale():
    p, _ = _geometric_gof(1.5, 1.0, 1, harness_rng("dp12-geometric-wrong"), N_MUTANT_GOF)
    assert p < ALPHA, "the goodness-of-fit test cannot tell epsilon 1.5 from 1"


def _softmax(u: np.ndarray, eps: float, sensitivity: float) -> np.ndarray:
    w = np.exp(eps * (u - u.max()) / (2 * sensitivity))
    return w / w.sum()


EXP_UTILITIES = np.linspace(0.0, 12.0, 8)


def test_dp12_exponential_matches_softmax(record_property):
    sel = _dpl_selections(EXP_UTILITIES, EPS, SCORE_SENSITIVITY, harness_rng("dp12-exp"), N_GOF)
    observed = np.bincount(sel, minlength=len(EXP_UTILITIES))
    p, _ = chi_square_gof(observed, _softmax(EXP_UTILITIES, EPS, SCORE_SENSITIVITY))
    record_property("gof_p_exponential", p)
    print(f"exponential: chi2 p={p:.3g}")
    assert p >= ALPHA


def test_dp12_exponential_gof_rejects_monotonic():
    sel = _dpl_selections(EXP_UTILITIES, EPS, SCORE_SENSITIVITY, harness_rng("dp12-exp-mono"), N_MUTANT_GOF,
                          monotonic=True)
    observed = np.bincount(sel, minlength=len(EXP_UTILITIES))
    p, _ = chi_square_gof(observed, _softmax(EXP_UTILITIES, EPS, SCORE_SENSITIVITY))
    assert p < ALPHA, "the goodness-of-fit test cannot tell monotonic=True from the correct mechanism"


# ------------------------------------------------------------------ partition-selection threshold
@pytest.mark.parametrize("epsilon", [0.01, 0.05, 0.1, 0.37, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("delta", [0.3, 1e-3, 1e-6, 1e-9, 1e-12])
@pytest.mark.parametrize("sensitivity", [1, 2])
def test_geometric_threshold_bounds_release_probability(epsilon, delta, sensitivity):
    """A key held by one neighbour only (true count <= sensitivity) is released with probability <= delta,
    and one less would not do: the threshold is the smallest safe integer."""
    threshold = mechanisms.geometric_threshold(epsilon, delta, sensitivity)
    assert float(threshold).is_integer()

    def p_release(t: float) -> float:  # P[sensitivity + Z >= t]
        return geometric_tail(int(t) - sensitivity, epsilon, sensitivity)

    assert p_release(threshold) <= delta * (1 + 1e-9), (threshold, p_release(threshold))
    assert p_release(threshold - 1) > delta * (1 - 1e-9), f"threshold {threshold} is not tight"


def test_geometric_threshold_rejects_delta_outside_open_interval():
    for bad in (0.0, 1.0, -1e-6, 2.0):
        with pytest.raises(ValueError):
            mechanisms.geometric_threshold(1.0, bad)


# ------------------------------------------------------------------ DP-6: epsilon / delta plumbing
TINY = pd.DataFrame({"a": ["x", "y", "x", "y"], "b": [1, 2, 3, 4]})
TINY_SCHEMA = {"a": {"kind": "categorical", "categories": ["x", "y"]}, "b": {"kind": "integer", "min": 0, "max": 9}}


def test_dp6_budget_defaults_and_comes_from_the_constraints_file():
    # None means: the constraints file's privacy settings, else epsilon 1 and delta 0
    assert Synthesizer(schema=TINY_SCHEMA).fit(TINY).ledger_.epsilon == 1.0
    rules = "privacy epsilon = 0.5, delta = 1e-7"
    synth = Synthesizer(schema=TINY_SCHEMA, constraints=rules).fit(TINY)
    assert (synth.ledger_.epsilon, synth.ledger_.delta) == (0.5, 1e-7)
    assert Synthesizer(epsilon=0.5, schema=TINY_SCHEMA, constraints=rules).fit(TINY).ledger_.epsilon == 0.5
    with pytest.raises(ParameterError, match="epsilon"):
        Synthesizer(epsilon=2.0, schema=TINY_SCHEMA, constraints=rules).fit(TINY)


@pytest.mark.parametrize("epsilon", [0, 0.0, -1, -math.inf, math.nan, "1", True, False, [1.0]])
def test_dp6_invalid_epsilon_is_a_parameter_error(epsilon):
    with pytest.raises(ParameterError, match="epsilon"):
        Synthesizer(epsilon=epsilon, schema=TINY_SCHEMA).fit(TINY)


@pytest.mark.parametrize("delta", [-1e-9, -1, 1, 1.0, 1.5, math.inf, math.nan, "0", True])
def test_dp6_invalid_delta_is_a_parameter_error(delta):
    with pytest.raises(ParameterError, match="delta"):
        Synthesizer(epsilon=1.0, delta=delta, schema=TINY_SCHEMA).fit(TINY)


def test_dp6_noise_variance_scales_with_one_over_epsilon_squared(record_property):
    """Var at epsilon over Var at 4 epsilon is ~16 (16.04 exactly for the geometric at these epsilons).

    CI for the ratio of two variance estimates (known mean 0): each estimate is treated as
    chi-square with nu = 2n / (kurtosis - 1) degrees of freedom (the analytic kurtosis of the
    two-sided geometric, ~6 rather than a normal's 3), so the ratio is F(nu1, nu2); level 1 - 1e-6.
    """
    n, eps = 2_000, 0.05
    rng = harness_rng("dp6-variance")
    z1 = mechanisms.geometric_counts(np.zeros(n, dtype=np.int64), eps, 1, rng).astype(float)
    z4 = mechanisms.geometric_counts(np.zeros(n, dtype=np.int64), 4 * eps, 1, rng).astype(float)
    (var1, kurt1), (var4, kurt4) = geometric_moments(eps), geometric_moments(4 * eps)
    nu1, nu4 = 2 * n / (kurt1 - 1), 2 * n / (kurt4 - 1)
    ratio = float(np.mean(z1**2) / np.mean(z4**2))
    lo = ratio / stats.f.ppf(1 - ALPHA / 2, nu1, nu4)
    hi = ratio / stats.f.ppf(ALPHA / 2, nu1, nu4)
    record_property("variance_ratio", round(ratio, 3))
    print(f"variance ratio {ratio:.3f}, CI [{lo:.2f}, {hi:.2f}], analytic {var1 / var4:.3f}")
    assert lo <= 16 <= hi
    assert lo <= var1 / var4 <= hi
    assert hi < 32 and lo > 8, "CI too wide to tell a 16x ratio from 8x or 32x"
