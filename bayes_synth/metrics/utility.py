"""Utility of a synthetic table: does it train models and answer queries like the real one?

* :func:`train_synthetic_test_real` (TSTR): the same gradient-boosted model trained on the synthetic
  data and on the real training data, both scored on a real holdout the synthesizer never saw, and the
  agreement of the two models' permutation feature importances.
* :func:`counting_queries`: random 2-3 column conjunctive counting queries ("share of rows with
  sex = Female and age in [27, 31)"), answered on both tables.

Frames are read through :mod:`.common` (numbers recognised in text, missing
cells, numeric columns with more than 20 distinct values). Results are plain JSON-ready dicts: floats
rounded to 6 digits, NaN as ``None``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .common import Prepared, discretise_prepared, json_ready, prepare

__all__ = ["counting_queries", "train_synthetic_test_real"]

#: Highest number of known categories per feature (HistGradientBoosting takes at most 255 values,
#: one of which is kept for -1: unknown or missing).
MAX_FEATURE_CATEGORIES = 254
CLASSIFICATION_METRICS = ("accuracy", "macro_f1", "roc_auc")
REGRESSION_METRICS = ("r2", "mae")
#: OpenMP threads of the gradient boosting (fit, predict, permutation importance). One thread: the
#: models are small, and OpenMP worker threads that spin-wait for each other stall on a busy machine
#: (Adult, 2 cores, load 6: 122 s with 2 threads, 11 s with 1).
MODEL_THREADS = 1


@contextlib.contextmanager
def limited_threads(n: int = MODEL_THREADS) -> Iterator[None]:
    """Cap the OpenMP (and BLAS) thread pools at ``n`` threads inside the block (``threadpoolctl``).

    The estimators are imported first, so that their OpenMP runtime is loaded and found.
    """
    import sklearn.ensemble  # noqa: F401  (loads scikit-learn's OpenMP runtime before the limits are set)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n):
        yield


def _encode_features(prep: Prepared, target: str) -> tuple[list[str], list[np.ndarray], np.ndarray]:
    """Feature matrices for the three frames (train, synthetic, holdout) and the categorical mask.

    Categorical features share one encoding fitted on the union of the two training frames (real
    train and synthetic): the categories seen there, the most frequent first, capped at
    :data:`MAX_FEATURE_CATEGORIES`; anything else (unseen, rarer, missing) is -1.
    """
    features = [c for c in prep.columns if c != target]
    mats = [np.empty((n, len(features)), dtype=float) for n in prep.n_rows]
    is_cat = np.zeros(len(features), dtype=bool)
    for j, col in enumerate(features):
        vals = [v[col] for v in prep.values]
        if prep.is_numeric(col):
            for m, v in zip(mats, vals, strict=True):
                m[:, j] = v
            continue
        is_cat[j] = True
        n_cat = len(prep.categories[col])
        seen = np.concatenate([vals[0], vals[1]])
        counts = np.bincount(seen[seen >= 0], minlength=n_cat)
        order = np.argsort(-counts, kind="stable")
        known = order[(counts[order] > 0)][:MAX_FEATURE_CATEGORIES]
        remap = np.full(n_cat + 1, -1.0)  # last slot: code -1 (missing)
        remap[known] = np.arange(len(known), dtype=float)
        for m, v in zip(mats, vals, strict=True):
            m[:, j] = remap[v]
    return features, mats, is_cat


def _fit(x: np.ndarray, y: np.ndarray, is_cat: np.ndarray, classification: bool, seed: int) -> Any:
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cat = is_cat if is_cat.any() else None
    if classification:
        if np.unique(y).size < 2 or len(y) < 4:
            return DummyClassifier(strategy="most_frequent").fit(x, y)
        return HistGradientBoostingClassifier(categorical_features=cat, random_state=seed).fit(x, y)
    if len(y) < 4 or np.ptp(y) == 0:
        return DummyRegressor(strategy="mean").fit(x, y)
    return HistGradientBoostingRegressor(categorical_features=cat, random_state=seed).fit(x, y)


def _scores(model: Any, x: np.ndarray, y: np.ndarray, classification: bool, positive: int | None) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, r2_score, roc_auc_score

    if not classification:
        pred = model.predict(x)
        return {"r2": float(r2_score(y, pred)), "mae": float(mean_absolute_error(y, pred))}
    pred = model.predict(x)
    out = {"accuracy": float(accuracy_score(y, pred)),
           "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)), "roc_auc": float("nan")}
    if positive is not None:
        classes = list(model.classes_)
        score = model.predict_proba(x)[:, classes.index(positive)] if positive in classes else np.zeros(len(y))
        out["roc_auc"] = float(roc_auc_score(y == positive, score))
    return out


def _ratio(a: float, b: float) -> float:
    return a / b if np.isfinite(a) and np.isfinite(b) and b != 0 else float("nan")


def _importances(models: Sequence[Any], x: np.ndarray, y: np.ndarray, features: list[str], n_repeats: int,
                 seed: int) -> dict[str, Any]:
    from scipy.stats import spearmanr
    from sklearn.inspection import permutation_importance

    imps = [permutation_importance(m, x, y, n_repeats=n_repeats, random_state=seed).importances_mean
            for m in models]
    rho = float("nan")
    if len(features) >= 2 and np.ptp(imps[0]) > 0 and np.ptp(imps[1]) > 0:
        rho = float(spearmanr(imps[0], imps[1]).statistic)
    return {"spearman": rho, "real": dict(zip(features, imps[0].tolist(), strict=True)),
            "synthetic": dict(zip(features, imps[1].tolist(), strict=True)), "n_rows": len(y),
            "n_repeats": n_repeats}


def train_synthetic_test_real(real_train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                              target: str, seed: int = 0, numeric: Sequence[str] | None = None,
                              importance: bool = True, importance_rows: int = 2000,
                              n_repeats: int = 3) -> dict[str, Any]:
    """Train on synthetic, test on real (TSTR) against train on real, test on real (TRTR).

    A ``HistGradientBoostingClassifier`` (categorical ``target``) or ``HistGradientBoostingRegressor``
    (numeric ``target``, see :mod:`~.common`) with ``random_state=seed`` is trained on ``synthetic``
    and on ``real_train``; both are scored on ``holdout``. Every other column is a feature: numbers as
    floats (NaN for missing), categories through one ordinal encoding fitted on the union of the two
    training frames (unseen, missing and beyond the 254 most frequent: -1), declared through
    ``categorical_features``. Rows whose target is missing are dropped. A training frame with a single
    class (or a constant numeric target) gets a constant model.

    Returns (JSON-ready) ``{"task": "classification" | "regression", "target", "positive_class"
    (label scored by the ROC AUC; binary tasks only, else None), "metric" (headline: "roc_auc" binary,
    "macro_f1" multiclass, "r2" regression), "synthetic": scores of the model trained on synthetic,
    "real": scores of the model trained on real train, "ratio": the headline score's synthetic / real,
    "ratios": synthetic / real per score, "importance_agreement": the Spearman correlation below,
    "feature_importance_agreement": {"spearman", "real": {feature: importance}, "synthetic": {...},
    "n_rows", "n_repeats"} (both None with ``importance=False``), "n_rows": {"train", "synthetic",
    "holdout"}}``. Scores are ``accuracy``, ``macro_f1``, ``roc_auc`` (None unless the holdout has two
    classes) or ``r2``, ``mae`` (for ``mae`` a ratio above 1 is worse). Importances are
    ``sklearn.inspection.permutation_importance`` (``n_repeats``, seeded, the models' own score) on a
    seeded subsample of at most ``importance_rows`` holdout rows; ``spearman`` is their rank
    correlation (None when either is constant).

    What good looks like: ``ratio`` near 1 and ``importance_agreement`` close to 1.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> frame = pd.DataFrame({"x": x, "y": np.where(x > 0, "pos", "neg")})
    >>> out = train_synthetic_test_real(frame[:100], frame[100:200], frame[200:], "y", importance=False)
    >>> out["task"], out["metric"], out["ratio"] > 0.95
    ('classification', 'roc_auc', True)
    """
    if target not in real_train.columns:
        raise ValueError(f"target {target!r} is not a column of the real training frame")
    prep = prepare([real_train, synthetic, holdout], numeric)
    classification = not prep.is_numeric(target)
    ys = [v[target] for v in prep.values]
    keep = [y >= 0 if classification else ~np.isnan(y) for y in ys]
    features, mats, is_cat = _encode_features(prep, target)
    xs = [m[k] for m, k in zip(mats, keep, strict=True)]
    ys = [y[k] for y, k in zip(ys, keep, strict=True)]
    names = ("real train", "synthetic", "holdout")
    for name, y in zip(names, ys, strict=True):
        if len(y) == 0:
            raise ValueError(f"the {name} frame has no row with a target value")
    if not features:
        raise ValueError("there is no feature column besides the target")
    positive = None
    if classification and np.unique(ys[2]).size == 2:
        positive = int(np.unique(ys[2])[1])
    with limited_threads():  # see MODEL_THREADS
        models = {"real": _fit(xs[0], ys[0], is_cat, classification, seed),
                  "synthetic": _fit(xs[1], ys[1], is_cat, classification, seed)}
        scores = {k: _scores(m, xs[2], ys[2], classification, positive) for k, m in models.items()}
        agreement = None
        if importance:
            rng = np.random.default_rng(seed)
            n = len(ys[2])
            rows = np.sort(rng.choice(n, size=importance_rows, replace=False)) if n > importance_rows else np.arange(n)
            agreement = _importances([models["real"], models["synthetic"]], xs[2][rows], ys[2][rows], features,
                                     n_repeats, seed)
    metrics = CLASSIFICATION_METRICS if classification else REGRESSION_METRICS
    ratio = {k: _ratio(scores["synthetic"][k], scores["real"][k]) for k in metrics}
    headline = ("roc_auc" if positive is not None else "macro_f1") if classification else "r2"
    out = {"task": "classification" if classification else "regression", "target": target,
           "positive_class": None if positive is None else prep.categories[target][positive], "metric": headline,
           "synthetic": scores["synthetic"], "real": scores["real"], "ratio": ratio[headline], "ratios": ratio,
           "importance_agreement": None if agreement is None else agreement["spearman"],
           "feature_importance_agreement": agreement,
           "n_rows": {"train": len(ys[0]), "synthetic": len(ys[1]), "holdout": len(ys[2])}}
    return json_ready(out)


def counting_queries(real: pd.DataFrame, synthetic: pd.DataFrame, n_queries: int = 200, seed: int = 0,
                     bins: int = 20, numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """Absolute error of random conjunctive counting queries, answered as shares of rows.

    Each query picks 2 or 3 distinct columns (all of them if the table has fewer) and, for each, one cell
    of :func:`~.common.discretise` (a category, a quantile bin of the real data, or missing). The
    cells are those of a randomly drawn real row, so every query matches at least one real record and
    common combinations are asked more often than rare ones. Everything is drawn with
    ``numpy.random.default_rng(seed)``.

    Returns (JSON-ready) ``{"n_queries", "mean_abs_error", "p95_abs_error", "max_abs_error",
    "mean_answer_real", "queries": [{"columns": [...], "values": [...], "real", "synthetic",
    "abs_error"}]}``.

    What good looks like: ``mean_abs_error`` below 0.01.

    >>> real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "q"]})
    >>> out = counting_queries(real, real.copy(), n_queries=5)
    >>> out["mean_abs_error"], out["queries"][0]["real"]
    (0.0, 0.25)
    """
    if n_queries < 1:
        raise ValueError(f"n_queries must be >= 1; got {n_queries}")
    prep = prepare([real, synthetic], numeric)
    if not prep.columns or min(prep.n_rows) == 0:
        raise ValueError("both frames need at least one column and one row")
    (cr, cs), labels = discretise_prepared(prep, bins)
    k = len(prep.columns)
    rng = np.random.default_rng(seed)
    widths = rng.integers(2, 4, size=n_queries)
    anchors = rng.integers(0, len(cr), size=n_queries)
    queries = []
    answers = np.empty((n_queries, 2))
    for q in range(n_queries):  # a loop over queries; each is evaluated on all rows at once
        cols = np.sort(rng.choice(k, size=min(int(widths[q]), k), replace=False))
        vals = cr[anchors[q], cols]
        answers[q, 0] = np.all(cr[:, cols] == vals, axis=1).mean()
        answers[q, 1] = np.all(cs[:, cols] == vals, axis=1).mean()
        names = [prep.columns[j] for j in cols]
        queries.append({"columns": names, "values": [labels[c][v] for c, v in zip(names, vals, strict=True)],
                        "real": answers[q, 0], "synthetic": answers[q, 1],
                        "abs_error": abs(answers[q, 0] - answers[q, 1])})
    err = np.abs(answers[:, 0] - answers[:, 1])
    return json_ready({"n_queries": n_queries, "mean_abs_error": err.mean(), "p95_abs_error": np.quantile(err, 0.95),
                       "max_abs_error": err.max(), "mean_answer_real": answers[:, 0].mean(), "queries": queries})
