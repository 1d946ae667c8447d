"""Build each column's codec, paying for every fact that was not declared.

- Bounds of numeric columns: declared, or estimated from a noisy histogram over a public grid of
  magnitudes (0, +-1, 2, 5 x 10^k): the outermost cells whose noisy count clears a threshold.
- Category sets: declared, or found by DP partition selection (noisy counts over a threshold), which
  needs delta > 0.
- Numeric bins: a noisy histogram over the public fine grid, grouped into equal-mass coarse bins
  (post-processing); the same histogram drives within-bin draws when decoding.
- Fixed combinations (``combine``): a noisy count of every tuple of the members' public domains; the
  tuples whose noisy count clears a threshold are kept (:func:`select_combinations`).

In the no-noise mode (epsilon = inf) exact answers are used and the ledger says "exact (not DP)".
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd

from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec, coarse_groups, fine_edges, grid_usable
from bayes_synth.errors import PrivacyError
from bayes_synth.ingest import column_axis
from bayes_synth.postprocess import norm_sub
from bayes_synth.privacy import mechanisms
from bayes_synth.privacy.access import CountSource, PrivateQueries
from bayes_synth.privacy.ledger import Ledger
from bayes_synth.privacy.plan import BudgetPlan
from bayes_synth.schema import ColumnSpec

_MANTISSAS = (1.0, 2.0, 5.0)
MAGNITUDE_GRID = np.unique(np.concatenate([
    [0.0],
    *[[m * 10.0**k, -m * 10.0**k] for k in range(-3, 16) for m in _MANTISSAS],
]))


def noisy_row_count(n_rows: int, plan: BudgetPlan, ledger: Ledger, noise_state) -> int:
    """The number of rows under DP (add/remove neighbours make it private), at least 1."""
    source = CountSource(np.zeros((n_rows, 0), dtype=np.int64), [], [])
    queries = PrivateQueries(source, ledger, noise_state)
    noisy = queries.noisy_counts([], plan.row_count, query_kind="row_count")
    return max(int(noisy), 1)


def build_codec(spec: ColumnSpec, values: pd.Series, plan: BudgetPlan, ledger: Ledger,
                noise_state, n_bins: int, n_hat: int | None = None, decimals: int | None = None) -> Codec:
    """The codec of one column, charging the ledger for whatever had to be learned.

    ``decimals``: a float column shown with that many decimals is drawn on that decimal grid (public:
    declared, or a display format treated as public metadata; see :mod:`bayes_synth.encode`).
    """
    if spec.kind == "boolean":
        return CategoricalCodec(spec.name, "boolean", [False, True], spec.nullable)
    if spec.kind == "categorical":
        cats = list(spec.categories) if spec.categories is not None else \
            discover_categories(spec, values, plan, ledger, noise_state)
        return CategoricalCodec(spec.name, "categorical", cats, spec.nullable)
    axis = column_axis(values, spec.kind)
    lo, hi = spec.bounds_as_numbers()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = estimate_bounds(spec, axis, plan, ledger, noise_state, lo, hi)
    grid = decimals if spec.kind == "float" and grid_usable(lo, hi, decimals) else None
    edges = fine_edges(spec, lo, hi, grid)
    weights = _fine_histogram(spec, axis, edges, plan, ledger, noise_state, n_hat)
    bins = spec.bins or n_bins
    return NumericCodec(spec.name, spec.kind, edges, coarse_groups(weights, bins), weights, spec.nullable, grid)


def _fine_histogram(spec, axis, edges, plan, ledger, noise_state, n_hat: int | None) -> np.ndarray:
    finite = np.isfinite(axis)
    cells = np.clip(np.searchsorted(edges, np.clip(axis[finite], edges[0], edges[-1]), side="right") - 1,
                    0, len(edges) - 2)
    source = CountSource(cells[:, None], [len(edges) - 1], [spec.name])
    note = "fine-grid histogram for bins and decoding"
    declared = [k for k in ("min", "max") if k in spec.declared]
    if declared:  # the same words whatever the data holds: no count of clipped values enters the model
        note += (f"; outliers beyond the declared {' and '.join(declared)} are clipped to "
                 f"{'them' if len(declared) == 2 else 'it'} before training (public bounds: no budget)")
    noisy = PrivateQueries(source, ledger, noise_state).noisy_counts(
        [0], plan.histogram, query_kind="histogram", note=note)
    # rows with a value: all of them (noisy row count) unless the column can be missing
    own = max(float(noisy.sum()), 1.0)  # unbiased: the noise has mean zero
    target = own if n_hat is None else n_hat if not spec.nullable else min(own, n_hat)
    weights = norm_sub(noisy, target)
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1.0 / len(weights))


def estimate_bounds(spec: ColumnSpec, axis: np.ndarray, plan: BudgetPlan, ledger: Ledger,
                    noise_state, lo: float, hi: float) -> tuple[float, float]:
    """Missing bounds from a noisy histogram over the public magnitude grid (pure epsilon-DP)."""
    finite = axis[np.isfinite(axis)]
    if not ledger.private:
        ledger.charge("bounds", (spec.name,), "exact (not DP)", 1, Fraction(0),
                      note="min/max read from the data")
        if finite.size == 0:
            raise PrivacyError(f"Column '{spec.name}' has no values; declare its min and max.")
        return (float(finite.min()) if not math.isfinite(lo) else lo,
                float(finite.max()) if not math.isfinite(hi) else hi)
    grid = MAGNITUDE_GRID
    cell = np.searchsorted(grid, finite, side="right")  # 0 .. len(grid): cell i = [grid[i-1], grid[i])
    source = CountSource(cell[:, None], [len(grid) + 1], [spec.name])
    eps = plan.bounds
    noisy = PrivateQueries(source, ledger, noise_state).noisy_counts(
        [0], eps, query_kind="bounds", note="noisy histogram over the public magnitude grid; outliers beyond "
        "the estimated bounds are clipped to them before training")
    # keep cells that clear a threshold where a false positive anywhere has probability < 1 %
    alpha = math.exp(-float(eps))
    threshold = math.log(0.01 * (1 + alpha) / len(noisy)) / math.log(alpha)
    hits = np.flatnonzero(noisy >= threshold)
    if hits.size == 0:
        raise PrivacyError(
            f"Column '{spec.name}': too few rows to estimate its bounds under DP with epsilon "
            f"{float(eps):.3g} for this step; declare 'min' and 'max' for it in the schema.")
    ext = np.concatenate([[grid[0] * 10], grid, [grid[-1] * 10]])
    est_lo, est_hi = float(ext[hits[0]]), float(ext[hits[-1] + 1])
    lo = est_lo if not math.isfinite(lo) else lo
    hi = est_hi if not math.isfinite(hi) else hi
    if spec.kind != "float":
        lo, hi = math.floor(lo), math.ceil(hi)
    if hi <= lo:
        hi = lo + 1
    return lo, hi


def discover_categories(spec: ColumnSpec, values: pd.Series, plan: BudgetPlan, ledger: Ledger,
                        noise_state) -> list:
    """Categories by DP partition selection: a value is kept if its noisy count clears a threshold."""
    present = values.dropna()
    if not ledger.private:
        ledger.charge("categories", (spec.name,), "exact (not DP)", 1, Fraction(0),
                      note="category set read from the data")
        return sorted(present.unique().tolist(), key=_sort_key)
    if plan.categories_delta <= 0:
        raise PrivacyError(
            f"Column '{spec.name}': its categories are not declared, and finding them from the data "
            "under DP needs delta > 0. Declare 'categories' for it in the schema (public knowledge "
            "costs no budget), or pass delta (e.g. delta=1e-6) to discover them.")
    codes, uniques = pd.factorize(present, sort=True)
    source = CountSource(codes[:, None], [len(uniques)], [spec.name])
    eps, delta = plan.categories, plan.categories_delta
    threshold = mechanisms.geometric_threshold(float(eps), float(delta))
    exact = source.counts([0])
    ledger.charge("categories", (spec.name,), "geometric partition selection", 1, eps, delta,
                  note=f"values kept when noisy count >= {threshold}; rarer values are merged into the "
                       "missing state before training")
    noisy = mechanisms.geometric_counts(exact, float(eps), 1, noise_state)
    kept = [uniques[i] for i in np.flatnonzero(noisy >= threshold)]
    if not kept:
        raise PrivacyError(
            f"Column '{spec.name}': no category is frequent enough to be released under DP; "
            "declare its categories in the schema.")
    return sorted(kept, key=_sort_key)


def select_combinations(index: np.ndarray, sizes: list[int], names: list[str], epsilon: Fraction,
                        ledger: Ledger, noise_state, beta: float, statement: str = "") -> tuple[np.ndarray, int]:
    """The tuples of a ``combine`` kept under DP: (flat indices in C order over ``sizes``, threshold).

    ``index`` is (n_rows, n_members): each record's tuple as domain indices (a per-record map onto the
    public domain, computed by the caller). Every cell of the domain gets geometric noise of scale
    1/epsilon (a record is in one cell: L1 sensitivity 1), and a tuple is kept when its noisy count is at
    least ``t = union_threshold(epsilon, cells, beta)``: the chance that any never-seen tuple is kept is
    at most ``beta`` (docs/privacy.md, ``combinations``). Pure epsilon-DP: the domain is public.
    """
    cells = math.prod(sizes)
    threshold = mechanisms.union_threshold(float(epsilon), cells, beta) if ledger.private else 1
    source = CountSource(index, sizes, names)
    noisy = PrivateQueries(source, ledger, noise_state).noisy_counts(
        list(range(len(sizes))), epsilon, query_kind="combinations",
        note=f"{statement}: tuples kept when noisy count >= {threshold} ({cells} possible tuples; "
             f"P(any unseen tuple kept) <= {beta:g})")
    return np.flatnonzero(noisy.ravel() >= threshold), threshold


def _sort_key(value):
    return (0, value, "") if isinstance(value, int | float) else (1, 0, str(value))
