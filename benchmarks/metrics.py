"""Utility metrics shared by the benchmarks: binned-marginal TVD and train-on-synthetic accuracy.

Kept free of any peer library (DataSynthesizer, pgmpy) so that ``tests/test_benchmark_metrics.py``
imports it on a plain install. The benchmarks folder is not a package; import it by putting the
folder on ``sys.path``.

Scoring rules (the same for every method):

* Numeric columns are cut into ``n_bins`` quantile bins of the REAL training data
  (``np.quantile`` edges at 0, 1/n, ..., 1; duplicate edges removed). Values below the first edge go
  to the first bin, values above the last edge to the last bin.
* Every other column is compared on its exact values (as text).
* Missing cells (NaN/None/``pd.NA`` or the text marker ``?``) form a bin of their own, in every
  column. A numeric cell that does not parse as a number counts as missing.
* The total-variation distance of two distributions P, Q over the union of their cells is
  ``0.5 * sum |P - Q|``; it lies in [0, 1]. ``marginal_tvd`` averages it over all 1-way marginals
  and over all 2-way marginals (every unordered pair of columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

MISSING_MARKERS = ("?",)
MISSING_TOKEN = "<missing>"
ADULT_NUMERIC = (
    "age",
    "fnlwgt",
    "education-num",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
)
ADULT_TARGET = "income"


def missing_mask(series: pd.Series, markers: Iterable[str] = MISSING_MARKERS) -> np.ndarray:
    """True where a cell is missing: NaN/None/NA, or (after stripping blanks) one of ``markers``."""
    mask = series.isna().to_numpy(dtype=bool, na_value=True)
    text = series.astype("object").where(~mask, "")
    text = text.map(lambda v: str(v).strip())
    return mask | text.isin(list(markers)).to_numpy(dtype=bool)


def to_numeric(series: pd.Series, markers: Iterable[str] = MISSING_MARKERS) -> np.ndarray:
    """Float array; missing markers and unparseable cells become NaN."""
    miss = missing_mask(series, markers)
    values = pd.to_numeric(series.astype("object").where(~miss, np.nan), errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def to_text(series: pd.Series, markers: Iterable[str] = MISSING_MARKERS) -> np.ndarray:
    """Object array of stripped strings; missing cells become ``MISSING_TOKEN``."""
    miss = missing_mask(series, markers)
    text = series.astype("object").map(lambda v: str(v).strip()).to_numpy(dtype=object)
    text[miss] = MISSING_TOKEN
    return text


def quantile_edges(values: np.ndarray, n_bins: int = 20) -> np.ndarray:
    """Deduplicated ``np.quantile`` edges of the non-missing values (``n_bins + 1`` at most)."""
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return np.array([0.0])
    return np.unique(np.quantile(finite, np.linspace(0.0, 1.0, n_bins + 1)))


def bin_numeric(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index per value (0 .. len(edges) - 2, at least 0); ``-1`` for missing.

    Bins are ``[e0, e1), [e1, e2), ..., [e_{m-1}, e_m]``; below ``e0`` joins the first bin, above
    ``e_m`` the last one.
    """
    n_real_bins = max(len(edges) - 1, 1)
    idx = (
        np.searchsorted(edges[1:-1], values, side="right") if len(edges) > 2 else np.zeros(len(values), dtype=np.int64)
    )
    idx = np.clip(np.asarray(idx, dtype=np.int64), 0, n_real_bins - 1)
    idx[np.isnan(values)] = -1
    return idx


def bin_specs(real: pd.DataFrame, numeric: Sequence[str], n_bins: int = 20) -> dict[str, np.ndarray]:
    """Quantile edges of the real data for each numeric column."""
    return {c: quantile_edges(to_numeric(real[c]), n_bins) for c in numeric if c in real.columns}


def discretize(frame: pd.DataFrame, columns: Sequence[str], edges: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Column -> array of hashable cell labels (bin ints for numeric columns, text otherwise)."""
    out: dict[str, np.ndarray] = {}
    for c in columns:
        if c in edges:
            out[c] = bin_numeric(to_numeric(frame[c]), edges[c])
        else:
            out[c] = to_text(frame[c])
    return out


def _codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer codes for two label arrays over their common vocabulary."""
    both = np.concatenate([a, b])
    codes, uniques = pd.factorize(both, sort=False, use_na_sentinel=False)
    return codes[: len(a)], codes[len(a) :], len(uniques)


def tvd_from_codes(p: np.ndarray, q: np.ndarray, size: int) -> float:
    """TVD of the empirical distributions of two non-negative integer code arrays."""
    if len(p) == 0 or len(q) == 0:
        raise ValueError("TVD needs two non-empty samples")
    cp = np.bincount(p, minlength=size) / len(p)
    cq = np.bincount(q, minlength=size) / len(q)
    return float(0.5 * np.abs(cp - cq).sum())


def marginal_tvd(
    real: pd.DataFrame,
    synth: pd.DataFrame,
    numeric: Sequence[str] = (),
    n_bins: int = 20,
    columns: Sequence[str] | None = None,
) -> dict[str, object]:
    """Mean TVD over all 1-way and all 2-way marginals, numeric columns binned on ``real``.

    Returns ``{"tvd_1way": float, "tvd_2way": float, "per_column": {col: tvd},
    "per_pair": {(a, b): tvd}}``. ``synth`` must hold every column in ``columns`` (default: the
    columns of ``real``).
    """
    columns = list(real.columns if columns is None else columns)
    missing = [c for c in columns if c not in synth.columns]
    if missing:
        raise KeyError(f"synthetic data lacks columns {missing}")
    edges = bin_specs(real, [c for c in numeric if c in columns], n_bins)
    r = discretize(real, columns, edges)
    s = discretize(synth, columns, edges)
    rc: dict[str, np.ndarray] = {}
    sc: dict[str, np.ndarray] = {}
    size: dict[str, int] = {}
    per_column: dict[str, float] = {}
    for c in columns:
        rc[c], sc[c], size[c] = _codes(r[c], s[c])
        per_column[c] = tvd_from_codes(rc[c], sc[c], size[c])
    per_pair: dict[tuple[str, str], float] = {}
    for a, b in combinations(columns, 2):
        joint_r = rc[a].astype(np.int64) * size[b] + rc[b]
        joint_s = sc[a].astype(np.int64) * size[b] + sc[b]
        per_pair[(a, b)] = tvd_from_codes(joint_r, joint_s, size[a] * size[b])
    return {
        "tvd_1way": float(np.mean(list(per_column.values()))),
        "tvd_2way": float(np.mean(list(per_pair.values()))) if per_pair else float("nan"),
        "per_column": per_column,
        "per_pair": per_pair,
    }


def _features(frame: pd.DataFrame, features: Sequence[str], numeric: Sequence[str]) -> pd.DataFrame:
    out = {}
    for c in features:
        out[c] = to_numeric(frame[c]) if c in numeric else to_text(frame[c])
    return pd.DataFrame(out, index=range(len(frame)))


def gbm_accuracy(
    train: pd.DataFrame,
    test: pd.DataFrame,
    target: str = ADULT_TARGET,
    numeric: Sequence[str] = ADULT_NUMERIC,
    random_state: int = 0,
) -> float:
    """Accuracy on ``test`` of a HistGradientBoostingClassifier trained on ``train``.

    Categorical features are ordinal-encoded on ``train`` (missing is a category of its own; values
    unseen in ``train`` become NaN, which the model routes as missing). Numeric features go in as
    floats with NaN for missing. Training rows whose target is missing are dropped; if what is left
    has a single class the model degenerates to predicting it.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder

    features = [c for c in test.columns if c != target]
    numeric = [c for c in numeric if c in features]
    categorical = [c for c in features if c not in numeric]
    y_train = to_text(train[target])
    keep = y_train != MISSING_TOKEN
    y_train = y_train[keep]
    y_test = to_text(test[target])
    if y_train.size == 0:
        return float("nan")
    classes = np.unique(y_train)
    if classes.size == 1:
        return float(np.mean(y_test == classes[0]))
    x_train = _features(train.loc[keep], features, numeric)
    x_test = _features(test, features, numeric)
    if categorical:
        enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, dtype=float)
        x_train[categorical] = enc.fit_transform(x_train[categorical].astype(str))
        x_test[categorical] = enc.transform(x_test[categorical].astype(str))
    mask = np.array([c in categorical for c in features], dtype=bool)
    model = HistGradientBoostingClassifier(random_state=random_state, categorical_features=mask)
    model.fit(x_train.to_numpy(dtype=float), y_train)
    pred = model.predict(x_test.to_numpy(dtype=float))
    return float(np.mean(pred == y_test))


def independent_sample(real: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Each column drawn independently (with replacement) from its own values in ``real``."""
    return pd.DataFrame({c: real[c].to_numpy()[rng.integers(0, len(real), size=n)] for c in real.columns})
