"""Statistical similarity of a synthetic table to the real one: marginals, dependence, correlation.

All metrics read both frames through :mod:`.common` (numbers recognised in text,
numeric columns in 20 quantile bins of the real data, missing as a cell of its own). The total
variation distance (TVD) of two distributions P, Q over the same cells is ``0.5 * sum |P - Q|``: 0 when
they are identical, 1 when they share no cell.

:func:`similarity_report` bundles everything as plain JSON-ready values for the quality report; the
other functions return pandas objects for interactive use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .common import Prepared, discretise_prepared, json_ready, prepare

__all__ = [
    "column_similarity",
    "column_tvd",
    "correlation_difference",
    "marginal_tvd",
    "mi_difference",
    "mutual_information",
    "similarity_report",
    "upper_mean",
]

#: Sets of this many columns or more are sampled (``max_sets``) rather than enumerated by default.
SAMPLED_ORDER = 3
DEFAULT_MAX_SETS = 100
SET_SEPARATOR = " x "


# --------------------------------------------------------------------------------------------------
# joint codes and TVD


def _joint(codes: Sequence[np.ndarray], cols: Sequence[int], sizes: np.ndarray) -> tuple[list[np.ndarray], int]:
    """Mixed-radix joint code of ``cols`` in every frame of ``codes``, and the number of cells.

    The key is compacted (``np.unique`` over all frames) whenever the number of possible cells
    outgrows the number of rows, so ``np.bincount`` never allocates more than it needs.
    """
    keys = [c[:, cols[0]].astype(np.int64) for c in codes]
    size = int(sizes[cols[0]])
    limit = max(4 * sum(len(k) for k in keys), 1 << 16)
    for j in cols[1:]:
        keys = [k * int(sizes[j]) + c[:, j] for k, c in zip(keys, codes, strict=True)]
        size *= int(sizes[j])
        if size > limit:
            uniq, inv = np.unique(np.concatenate(keys), return_inverse=True)
            bounds = np.cumsum([0] + [len(k) for k in keys])
            keys = [inv[bounds[i]:bounds[i + 1]].astype(np.int64) for i in range(len(keys))]
            size = len(uniq)
    return keys, size


def _tvd(p: np.ndarray, q: np.ndarray, size: int) -> float:
    cp = np.bincount(p, minlength=size) / len(p)
    cq = np.bincount(q, minlength=size) / len(q)
    return float(0.5 * np.abs(cp - cq).sum())


def _sizes(*codes: np.ndarray) -> np.ndarray:
    return np.max(np.vstack([c.max(axis=0, initial=-1) for c in codes]), axis=0) + 1


def _check_rows(prep: Prepared) -> None:
    if not prep.columns:
        raise ValueError("the frames have no columns")
    if min(prep.n_rows) == 0:
        raise ValueError("every frame needs at least one row")


def _prepared_codes(real: pd.DataFrame, synthetic: pd.DataFrame, bins: int,
                    numeric: Sequence[str] | None) -> tuple[Prepared, np.ndarray, np.ndarray, dict[str, list[str]]]:
    prep = prepare([real, synthetic], numeric)
    _check_rows(prep)
    (cr, cs), labels = discretise_prepared(prep, bins)
    return prep, cr, cs, labels


# --------------------------------------------------------------------------------------------------
# 1-way


def _column_tvd_codes(columns: list[str], cr: np.ndarray, cs: np.ndarray) -> pd.Series:
    sizes = _sizes(cr, cs)
    vals = [_tvd(cr[:, j], cs[:, j], int(sizes[j])) for j in range(len(columns))]
    return pd.Series(vals, index=pd.Index(columns, dtype=object), name="tvd", dtype=float)


def column_tvd(real: pd.DataFrame, synthetic: pd.DataFrame, bins: int = 20,
               numeric: Sequence[str] | None = None) -> pd.Series:
    """TVD of each column's distribution (numeric columns in ``bins`` quantile bins of ``real``).

    Returns a float Series indexed by column name (named ``"tvd"``), each value in [0, 1].

    What good looks like: below 0.05 for every column.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"]})
    >>> column_tvd(real, pd.DataFrame({"a": ["x", "x", "x", "y"]})).to_dict()
    {'a': 0.25}
    """
    prep, cr, cs, _ = _prepared_codes(real, synthetic, bins, numeric)
    return _column_tvd_codes(prep.columns, cr, cs)


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import ks_2samp

    a = a[~np.isnan(a)]
    b = b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return float("nan")
    return float(ks_2samp(a, b, method="asymp").statistic)  # the statistic does not depend on the method


def _column_similarity_prepared(prep: Prepared, cr: np.ndarray, cs: np.ndarray) -> pd.DataFrame:
    tvd = _column_tvd_codes(prep.columns, cr, cs)
    ks = [_ks(prep.values[0][c], prep.values[1][c]) if prep.is_numeric(c) else float("nan") for c in prep.columns]
    kind = ["numeric" if prep.is_numeric(c) else "categorical" for c in prep.columns]
    return pd.DataFrame({"kind": kind, "tvd": tvd.to_numpy(), "similarity": 1.0 - tvd.to_numpy(),
                         "ks_statistic": ks}, index=tvd.index)


def column_similarity(real: pd.DataFrame, synthetic: pd.DataFrame, bins: int = 20,
                      numeric: Sequence[str] | None = None) -> pd.DataFrame:
    """Per-column similarity: one row per column with ``kind`` (``"numeric"``/``"categorical"``),
    ``tvd``, ``similarity`` (= 1 - tvd) and ``ks_statistic`` (two-sample Kolmogorov-Smirnov statistic
    of the non-missing values, ``scipy.stats.ks_2samp``; NaN for categorical columns).

    What good looks like: ``similarity`` close to 1 and ``ks_statistic`` close to 0 for every column.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"], "n": [1.0, 2.0, 3.0, 4.0]})
    >>> synth = pd.DataFrame({"a": ["x", "x", "x", "y"], "n": [1.0, 2.0, 3.0, 9.0]})
    >>> column_similarity(real, synth, numeric=["n"])
              kind   tvd  similarity  ks_statistic
    a  categorical  0.25        0.75           NaN
    n      numeric  0.00        1.00          0.25
    """
    prep, cr, cs, _ = _prepared_codes(real, synthetic, bins, numeric)
    return _column_similarity_prepared(prep, cr, cs)


# --------------------------------------------------------------------------------------------------
# k-way


def _choose_sets(k: int, order: int, max_sets: int | None, seed: int) -> tuple[list[tuple[int, ...]], int]:
    total = math.comb(k, order)
    limit = max_sets if max_sets is not None else (DEFAULT_MAX_SETS if order >= SAMPLED_ORDER else None)
    if limit is not None and limit < 0:
        raise ValueError(f"max_sets must be >= 0; got {max_sets}")
    if limit is None or total <= limit:
        return list(combinations(range(k), order)), total
    rng = np.random.default_rng(seed)
    if total <= 200_000:
        every = list(combinations(range(k), order))
        pick = np.sort(rng.choice(total, size=limit, replace=False))
        return [every[i] for i in pick], total
    chosen: set[tuple[int, ...]] = set()
    while len(chosen) < limit:  # a loop over sets, never over rows
        chosen.add(tuple(sorted(int(x) for x in rng.choice(k, size=order, replace=False))))
    return sorted(chosen), total


def _marginal_tvd_codes(columns: list[str], cr: np.ndarray, cs: np.ndarray, order: int, max_sets: int | None,
                        seed: int) -> dict[str, Any]:
    if order < 1:
        raise ValueError(f"order must be >= 1; got {order}")
    sizes = _sizes(cr, cs)
    sets, total = _choose_sets(len(columns), order, max_sets, seed)
    per_set: dict[str, float] = {}
    for s in sets:
        (kr, ks), size = _joint([cr, cs], s, sizes)
        per_set[SET_SEPARATOR.join(columns[j] for j in s)] = _tvd(kr, ks, size)
    vals = np.array(list(per_set.values()), dtype=float)
    return {"order": order, "mean": float(vals.mean()) if vals.size else float("nan"),
            "max": float(vals.max()) if vals.size else float("nan"), "n_sets": len(per_set),
            "n_sets_total": total, "per_set": per_set}


def marginal_tvd(real: pd.DataFrame, synthetic: pd.DataFrame, order: int, max_sets: int | None = None,
                 seed: int = 0, bins: int = 20, numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """TVD of the ``order``-way marginals: every set of ``order`` columns, or a seeded sample of them.

    ``max_sets=None`` takes every set for ``order`` 1 and 2 and a seeded sample of 100 sets for
    ``order`` 3 and above; an integer caps the number of sets for any order (sampled without
    replacement with ``numpy.random.default_rng(seed)`` when there are more).

    Returns ``{"order": int, "mean": float, "max": float, "n_sets": int (sets measured),
    "n_sets_total": int (sets that exist), "per_set": {"a x b": tvd}}`` (set names join the column
    names with ``" x "`` in the real frame's column order; 1-way names are the column names).

    What good looks like: mean below 0.05 (1-way), 0.10 (2-way), 0.15 (3-way); a 2-way mean much larger
    than the 1-way one means relationships were lost.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "p"]})
    >>> synth = pd.DataFrame({"a": ["x", "x", "x", "y"], "b": ["p", "p", "p", "q"]})
    >>> out = marginal_tvd(real, synth, order=2)
    >>> out["mean"], out["per_set"]
    (0.75, {'a x b': 0.75})
    """
    prep, cr, cs, _ = _prepared_codes(real, synthetic, bins, numeric)
    return _marginal_tvd_codes(prep.columns, cr, cs, order, max_sets, seed)


# --------------------------------------------------------------------------------------------------
# mutual information


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def mutual_information(frame_codes: np.ndarray | pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Normalised mutual information of every pair of columns of an integer-coded frame.

    ``frame_codes`` is an ``(n, k)`` array of non-negative codes (from :func:`~.common.discretise`)
    or a DataFrame of them; ``columns`` names the array's columns (default ``0 .. k-1``, or the
    DataFrame's). Entry ``(i, j)`` is ``MI(i, j) / min(H(i), H(j))`` (natural logs), in [0, 1]: 1 when one
    column determines the other, 0 when they are independent in the sample or either is constant. The
    diagonal is 1 (0 for a constant column).

    What good looks like: the synthetic matrix matches the real one (see :func:`mi_difference`).

    >>> codes = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]])
    >>> mutual_information(codes, ["a", "b", "c"])
         a    b    c
    a  1.0  1.0  0.0
    b  1.0  1.0  0.0
    c  0.0  0.0  1.0
    """
    if isinstance(frame_codes, pd.DataFrame):
        columns = list(frame_codes.columns) if columns is None else list(columns)
        codes = frame_codes.to_numpy(dtype=np.int64)
    else:
        codes = np.asarray(frame_codes, dtype=np.int64)
        columns = list(range(codes.shape[1])) if columns is None else list(columns)
    if codes.ndim != 2 or codes.shape[1] != len(columns):
        raise ValueError(f"expected an (n, {len(columns)}) array of codes; got shape {codes.shape}")
    if codes.size and codes.min() < 0:
        raise ValueError("codes must be non-negative")
    n, k = codes.shape
    sizes = codes.max(axis=0, initial=-1) + 1
    h = np.array([_entropy(np.bincount(codes[:, j], minlength=sizes[j])) for j in range(k)])
    out = np.zeros((k, k))
    for i, j in combinations(range(k), 2):
        denom = min(h[i], h[j])
        if denom <= 1e-12:
            continue
        (key,), size = _joint([codes], (i, j), sizes)
        h_ij = _entropy(np.bincount(key, minlength=size))
        out[i, j] = out[j, i] = min(max((h[i] + h[j] - h_ij) / denom, 0.0), 1.0)
    out[np.diag_indices(k)] = (h > 1e-12).astype(float)
    return pd.DataFrame(out, index=pd.Index(columns, dtype=object), columns=pd.Index(columns, dtype=object))


def upper_mean(matrix: pd.DataFrame) -> float:
    """Mean of the entries above the diagonal of a square matrix, ignoring NaN (NaN if none).

    What good looks like: this is the summary number of :func:`mi_difference` and
    :func:`correlation_difference`; near 0 is good.

    >>> upper_mean(pd.DataFrame([[0.0, 0.2, 0.4], [0.2, 0.0, 0.0], [0.4, 0.0, 0.0]]))
    0.2
    """
    values = matrix.to_numpy(dtype=float)
    upper = values[np.triu_indices(values.shape[0], k=1)] if values.ndim == 2 and values.size else np.array([])
    upper = upper[~np.isnan(upper)]
    return round(float(upper.mean()), 12) if upper.size else float("nan")


def _mi_prepared(prep: Prepared, cr: np.ndarray, cs: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    mi_r = mutual_information(cr, prep.columns)
    mi_s = mutual_information(cs, prep.columns)
    diff = (mi_r - mi_s).abs()
    diff.attrs["mean"] = upper_mean(diff)
    return mi_r, mi_s, diff


def mi_difference(real: pd.DataFrame, synthetic: pd.DataFrame, bins: int = 20,
                  numeric: Sequence[str] | None = None) -> pd.DataFrame:
    """Absolute difference of the real and synthetic normalised mutual information matrices.

    Both frames are discretised together (:func:`~.common.discretise`) and fed to
    :func:`mutual_information`. The mean over the pairs of columns (upper triangle) is in
    ``result.attrs["mean"]`` (also :func:`upper_mean` of the result).

    What good looks like: a mean below 0.05, and no pair above 0.2.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "p", "q", "q"]})
    >>> synth = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "q"]})
    >>> diff = mi_difference(real, synth)
    >>> diff.loc["a", "b"], diff.attrs["mean"]
    (np.float64(1.0), 1.0)
    """
    prep, cr, cs, _ = _prepared_codes(real, synthetic, bins, numeric)
    return _mi_prepared(prep, cr, cs)[2]


# --------------------------------------------------------------------------------------------------
# correlation


def _pearson(values: dict[str, np.ndarray], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: values[c] for c in columns})
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = frame.corr(method="pearson", min_periods=2)
    corr.index = pd.Index(columns, dtype=object)
    corr.columns = pd.Index(columns, dtype=object)
    return corr


def _correlation_prepared(prep: Prepared) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cols = list(prep.numeric)
    if len(cols) < 2:
        empty = pd.DataFrame(dtype=float)
        empty.attrs["mean"] = float("nan")
        return empty, empty.copy(), empty.copy()
    c_r = _pearson(prep.values[0], cols)
    c_s = _pearson(prep.values[1], cols)
    diff = (c_r - c_s).abs()
    diff.attrs["mean"] = upper_mean(diff)
    return c_r, c_s, diff


def correlation_difference(real: pd.DataFrame, synthetic: pd.DataFrame,
                           numeric: Sequence[str] | None = None) -> pd.DataFrame:
    """Absolute difference of the real and synthetic Pearson correlation matrices of the numeric columns.

    Correlations use the pairwise non-missing values; a constant column gives NaN. The mean over the
    pairs (upper triangle, NaN ignored) is in ``result.attrs["mean"]``. With fewer than two numeric
    columns the result is an empty frame (``attrs["mean"]`` NaN).

    What good looks like: a mean below 0.05.

    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 3.0, 4.0]})
    >>> synth = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, 2.0, 1.0]})
    >>> diff = correlation_difference(real, synth, numeric=["x", "y"])
    >>> diff.loc["x", "y"], diff.attrs["mean"]
    (np.float64(2.0), 2.0)
    """
    prep = prepare([real, synthetic], numeric)
    _check_rows(prep)
    return _correlation_prepared(prep)[2]


# --------------------------------------------------------------------------------------------------
# report


def _matrix(frame: pd.DataFrame) -> dict[str, Any]:
    return {"columns": [str(c) for c in frame.columns], "values": frame.to_numpy(dtype=float)}


def similarity_report(real: pd.DataFrame, synthetic: pd.DataFrame, seed: int = 0, bins: int = 20,
                      max_sets: int = DEFAULT_MAX_SETS, numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """Every similarity metric as plain JSON-ready values (floats rounded to 6 digits, NaN as ``None``).

    Headline numbers (keys as in :mod:`bayes_synth.report.explain`):

    * ``tvd_1way``, ``tvd_2way``, ``tvd_3way``: mean TVD over all 1-way and 2-way marginals and over a
      seeded sample of ``max_sets`` 3-way marginals (None when the table has too few columns);
    * ``column_similarity``: the smallest per-column similarity (1 - TVD), i.e. the worst column;
    * ``mi_difference``: mean absolute difference of normalised mutual information over column pairs;
    * ``correlation_difference``: the same for Pearson correlations of numeric columns (None with
      fewer than two numeric columns).

    Details: ``n_rows`` (``{"real", "synthetic"}``), ``numeric_columns`` (list), ``columns`` (``{column:
    {"kind", "tvd", "similarity", "ks_statistic"}}``, see :func:`column_similarity`), ``marginals``
    (``{"1way", "2way", "3way"}``: :func:`marginal_tvd` dicts with ``mean``, ``max``, ``per_set``, ...),
    and the matrices ``mi_real``, ``mi_synthetic``, ``mi_difference_matrix``, ``correlation_real``,
    ``correlation_synthetic``, ``correlation_difference_matrix``, each ``{"columns": [...], "values":
    [[...], ...]}`` (empty lists for correlations with fewer than two numeric columns).

    The frames are read and discretised once. What good looks like: ``tvd_1way`` < 0.05, ``tvd_2way``
    < 0.10, ``tvd_3way`` < 0.15, ``mi_difference`` and ``correlation_difference`` < 0.05.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "p"]})
    >>> rep = similarity_report(real, real.copy())
    >>> rep["tvd_1way"], rep["tvd_2way"], rep["tvd_3way"], rep["mi_difference"], rep["columns"]["a"]["similarity"]
    (0.0, 0.0, None, 0.0, 1.0)
    """
    prep, cr, cs, _ = _prepared_codes(real, synthetic, bins, numeric)
    cols = _column_similarity_prepared(prep, cr, cs)
    marginals = {f"{k}way": _marginal_tvd_codes(prep.columns, cr, cs, k, max_sets if k >= SAMPLED_ORDER else None,
                                                seed) for k in (1, 2, 3)}
    mi_r, mi_s, mi_d = _mi_prepared(prep, cr, cs)
    co_r, co_s, co_d = _correlation_prepared(prep)
    out = {
        "tvd_1way": marginals["1way"]["mean"],
        "tvd_2way": marginals["2way"]["mean"],
        "tvd_3way": marginals["3way"]["mean"],
        "column_similarity": float(cols["similarity"].min()),
        "mi_difference": mi_d.attrs["mean"],
        "correlation_difference": co_d.attrs["mean"],
        "n_rows": {"real": len(real), "synthetic": len(synthetic)},
        "numeric_columns": list(prep.numeric),
        "columns": {str(c): row for c, row in zip(cols.index, cols.to_dict("records"), strict=True)},
        "marginals": marginals,
        "mi_real": _matrix(mi_r), "mi_synthetic": _matrix(mi_s), "mi_difference_matrix": _matrix(mi_d),
        "correlation_real": _matrix(co_r), "correlation_synthetic": _matrix(co_s),
        "correlation_difference_matrix": _matrix(co_d),
    }
    return json_ready(out)
