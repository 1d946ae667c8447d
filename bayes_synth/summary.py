"""Side-by-side marginals of a real table and a synthetic one, for ``bayes-synth demo``.

These functions READ THE REAL DATA: what they return is a local report for the person who holds
that data. It is not differentially private and is never saved into a model file.

Conventions (the same as ``benchmarks/metrics.py``): missing cells (NaN, None, ``pd.NA``, NaT)
form a category of their own, shown as ``<missing>``; numeric columns are compared in quantile bins
of the real data (edges ``np.quantile`` at 0, 1/n, ..., 1, duplicates removed; values outside the
edges join the first or last bin); every other column is compared on its exact values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MISSING = "<missing>"
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
TVD_BINS = 20


def as_float(series: pd.Series) -> np.ndarray:
    """A column as floats, NaN for missing; dates become nanoseconds since the epoch.

    >>> as_float(pd.Series([1, None, 3], dtype="Int64")).tolist()
    [1.0, nan, 3.0]
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        values[series.isna().to_numpy()] = np.nan
        return values
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def as_labels(series: pd.Series) -> pd.Series:
    """A column as text labels, ``<missing>`` for missing cells (for exact-value comparison)."""
    return series.astype(object).where(series.notna(), MISSING).astype(str)


def category_shares(real: pd.Series, synth: pd.Series, top: int = 3) -> pd.DataFrame:
    """Shares of the real column's ``top`` most frequent values, real vs synthetic.

    >>> category_shares(pd.Series(["a", "a", "b"]), pd.Series(["b", "b", "a"]), top=2).round(2)
       real  synthetic
    a  0.67       0.33
    b  0.33       0.67
    """
    p = as_labels(real).value_counts(normalize=True)
    q = as_labels(synth).value_counts(normalize=True)
    head = p.index[:top]
    out = pd.DataFrame({"real": p.reindex(head), "synthetic": q.reindex(head, fill_value=0.0)})
    out.index.name = None
    return out


def numeric_stats(values: np.ndarray, quantiles: Sequence[float] = QUANTILES) -> pd.Series:
    """Mean, quantiles (the 0.5 one named ``median``) and share missing of a float array."""
    finite = values[~np.isnan(values)]
    names = ["median" if q == 0.5 else f"p{round(q * 100)}" for q in quantiles]
    qs = np.quantile(finite, quantiles) if finite.size else np.full(len(quantiles), np.nan)
    mean = finite.mean() if finite.size else np.nan
    missing = 1.0 - finite.size / values.size if values.size else np.nan
    return pd.Series([mean, *qs, missing], index=["mean", *names, "missing"])


def numeric_table(real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str],
                  quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
    """One row per (column, real/synthetic) with :func:`numeric_stats` as columns."""
    rows = {}
    for name in columns:
        rows[(name, "real")] = numeric_stats(as_float(real[name]), quantiles)
        rows[(name, "synthetic")] = numeric_stats(as_float(synth[name]), quantiles)
    return pd.DataFrame.from_dict(rows, orient="index")


def quantile_edges(values: np.ndarray, n_bins: int = TVD_BINS) -> np.ndarray:
    """Deduplicated quantile edges of the non-missing values (at most ``n_bins + 1``)."""
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return np.array([0.0])
    return np.unique(np.quantile(finite, np.linspace(0.0, 1.0, n_bins + 1)))


def bin_codes(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index per value in ``0 .. len(edges) - 2`` (0 when one edge), ``-1`` for missing."""
    last = max(len(edges) - 2, 0)
    idx = np.clip(np.searchsorted(edges[1:-1], values, side="right"), 0, last)
    return np.where(np.isnan(values), -1, idx)


def tvd(real: pd.Series, synth: pd.Series) -> float:
    """Total-variation distance ``0.5 * sum |P - Q|`` of two columns' value distributions."""
    if len(real) == 0 or len(synth) == 0:
        return float("nan")
    p = real.value_counts(normalize=True, dropna=False)
    q = synth.value_counts(normalize=True, dropna=False)
    p, q = p.align(q, fill_value=0.0)
    return float(0.5 * np.abs(p.to_numpy() - q.to_numpy()).sum())


def tvd_1way(real: pd.DataFrame, synth: pd.DataFrame, numeric: Sequence[str] = (),
             n_bins: int = TVD_BINS) -> pd.Series:
    """TVD of every shared column's 1-way marginal (numeric columns in real-data quantile bins).

    >>> tvd_1way(pd.DataFrame({"a": ["x", "y"]}), pd.DataFrame({"a": ["x", "x"]})).tolist()
    [0.5]
    """
    out = {}
    for name in (c for c in real.columns if c in synth.columns):
        if name in numeric:
            r, s = as_float(real[name]), as_float(synth[name])
            edges = quantile_edges(r, n_bins)
            out[name] = tvd(pd.Series(bin_codes(r, edges)), pd.Series(bin_codes(s, edges)))
        else:
            out[name] = tvd(as_labels(real[name]), as_labels(synth[name]))
    return pd.Series(out, dtype=float)


def _percent_table(real: pd.DataFrame, synth: pd.DataFrame, columns: Sequence[str],
                   top: int) -> str:
    parts = []
    for name in columns:
        shares = category_shares(real[name], synth[name], top)
        shares.index = pd.MultiIndex.from_product([[name], shares.index])
        parts.append(shares)
    table = pd.concat(parts)
    return table.to_string(float_format=lambda v: f"{100 * v:.1f}%", sparsify=True)


def format_report(real: pd.DataFrame, synth: pd.DataFrame, *, numeric: Sequence[str],
                  categorical: Sequence[str], top: int = 3, n_bins: int = TVD_BINS) -> str:
    """Plain-text side-by-side summary: top-category shares, numeric statistics, mean 1-way TVD."""
    lines = [f"Real ({len(real):,} rows) vs synthetic ({len(synth):,} rows); a local report "
             "computed from the real data, not saved in the model."]
    if categorical:
        lines += ["", f"Top {top} categories per column, share of rows:",
                  _percent_table(real, synth, categorical, top)]
    if numeric:
        table = numeric_table(real, synth, numeric)
        lines += ["", "Numeric columns:", table.to_string(float_format=_number, sparsify=True)]
    scores = tvd_1way(real, synth, numeric, n_bins)
    if len(scores):
        worst = scores.idxmax()
        lines += ["", f"Mean 1-way TVD over {len(scores)} columns (numeric in {n_bins} quantile "
                  f"bins of the real data): {scores.mean():.4f} (worst: '{worst}' "
                  f"{scores[worst]:.4f}; 0 = identical marginals, 1 = disjoint)"]
    return "\n".join(lines)


def _number(value: float) -> str:
    if np.isnan(value):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
