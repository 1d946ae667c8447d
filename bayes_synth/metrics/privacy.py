"""Privacy risk of a synthetic table: closeness to training records, membership inference, singling out.

These metrics read the real data (training rows and, where asked, a holdout of real rows the
synthesizer never saw); they are for the data owner and are not covered by differential privacy.

**Distance.** Every function uses one mixed-type (Gower-like) distance between two rows, in [0, 1]:
the mean over the columns of a per-column difference, where a numeric column contributes
``|a - b| / range`` capped at 1 (``range`` = max - min of the TRAINING frame; 1 for a constant column)
and a categorical column contributes 0 when the values are equal and 1 otherwise. Missing equals
missing (0) and differs from any value (1). Numeric or categorical is decided as in
:mod:`.common` (more than 20 distinct numeric values in the training frame:
numeric); pass ``numeric=[...]`` to decide yourself.

Nearest neighbours are found exactly, by brute force in chunks of about a million pairs
(categorical mismatches counted with one matrix product of one-hot encodings, numeric differences by
broadcasting). To bound the cost, :func:`distance_to_closest_record`, :func:`membership_inference`
and :func:`density_disclosure` work on seeded subsamples: at most ``max_rows`` query rows (whose
nearest neighbours are looked for) and at most ``max_reference`` rows per reference set (where they
are looked for). :func:`flag_risky_rows`, a filter, compares every synthetic row with every training
row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .common import Prepared, json_ready, prepare

__all__ = ["density_disclosure", "distance_to_closest_record", "flag_risky_rows", "membership_inference"]

#: Pairs of rows per distance block (about 4 MB of float32).
CHUNK_PAIRS = 1_000_000
#: Default cap on the rows of a reference set (the rows searched for the nearest neighbours).
MAX_REFERENCE = 20_000
#: Categorical columns with at most this many codes are compared through a one-hot matrix product.
ONEHOT_MAX = 64
#: Scaled numeric values are clipped to [-1, 2] (the capped difference stays exact whenever one side
#: lies within the training range); missing is this far away from everything.
_NUM_MISSING = 10.0


@dataclass
class _Rows:
    """Rows encoded for the distance: scaled numbers, one-hot low-cardinality codes, other codes."""

    num: np.ndarray  # (n, q) float, scaled by the train range, missing = _NUM_MISSING
    onehot: np.ndarray  # (n, K) float 0/1
    high: np.ndarray  # (n, h) int32 codes (missing has its own code)

    def __len__(self) -> int:
        return self.num.shape[0]

    @property
    def inside(self) -> np.ndarray:
        """Per numeric column: every value lies in [0, 1] (then no difference needs capping)."""
        return np.all((self.num >= 0) & (self.num <= 1), axis=0)

    def take(self, rows: np.ndarray) -> _Rows:
        return _Rows(self.num[rows], self.onehot[rows], self.high[rows])


class _Space:
    """The distance of the module docstring, fitted on frame ``fit`` of ``prep`` (the training frame)."""

    def __init__(self, prep: Prepared, fit: int = 0, dtype: type = np.float32) -> None:
        self.prep = prep
        self.dtype = dtype
        self.p = len(prep.columns)
        self.num_cols = list(prep.numeric)
        self.lo = np.zeros(len(self.num_cols))
        self.scale = np.ones(len(self.num_cols))
        for j, col in enumerate(self.num_cols):
            v = prep.values[fit][col]
            v = v[~np.isnan(v)]
            if v.size:
                self.lo[j] = v.min()
                span = v.max() - v.min()
                self.scale[j] = span if span > 0 else 1.0
        cat_cols = [c for c in prep.columns if not prep.is_numeric(c)]
        self.sizes = {c: len(prep.categories[c]) + 1 for c in cat_cols}  # last code: missing
        self.low = [c for c in cat_cols if self.sizes[c] <= ONEHOT_MAX]
        self.high_cols = [c for c in cat_cols if self.sizes[c] > ONEHOT_MAX]
        self.offsets = np.cumsum([0] + [self.sizes[c] for c in self.low])

    def encode(self, frame: int, rows: np.ndarray) -> _Rows:
        vals = self.prep.values[frame]
        n = len(rows)
        num = np.empty((n, len(self.num_cols)), dtype=self.dtype)
        for j, col in enumerate(self.num_cols):
            x = np.clip((vals[col][rows] - self.lo[j]) / self.scale[j], -1.0, 2.0)
            num[:, j] = np.where(np.isnan(x), _NUM_MISSING, x)
        onehot = np.zeros((n, int(self.offsets[-1])), dtype=self.dtype)
        for j, col in enumerate(self.low):
            codes = np.where(vals[col][rows] < 0, self.sizes[col] - 1, vals[col][rows])
            onehot[np.arange(n), self.offsets[j] + codes] = 1.0
        high = np.empty((n, len(self.high_cols)), dtype=np.int32)
        for j, col in enumerate(self.high_cols):
            high[:, j] = np.where(vals[col][rows] < 0, self.sizes[col] - 1, vals[col][rows])
        return _Rows(num, onehot, high)

    def blocks(self, query: _Rows, ref: _Rows, exclude: np.ndarray | None = None
               ) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(a, b, D)`` with ``D[i, r]`` the distance of query row ``a + i`` to reference row ``r``.

        ``exclude[i]`` (when given) is a reference row to leave out for query row ``i`` (itself): its
        distance is set to +inf.
        """
        m = len(ref)
        step = max(1, CHUNK_PAIRS // max(m, 1))
        ref_t = np.ascontiguousarray(ref.onehot.T)
        capped = ~(query.inside & ref.inside)
        for a in range(0, len(query), step):  # a loop over chunks of rows, each done at once
            b = min(a + step, len(query))
            d = np.full((b - a, m), float(len(self.low)), dtype=self.dtype)
            if ref_t.shape[0]:
                d -= query.onehot[a:b] @ ref_t
            for j in range(len(self.high_cols)):
                d += query.high[a:b, j, None] != ref.high[None, :, j]
            buf = np.empty_like(d)
            for j in range(len(self.num_cols)):
                np.subtract(query.num[a:b, j, None], ref.num[None, :, j], out=buf)
                np.abs(buf, out=buf)
                if capped[j]:
                    np.minimum(buf, 1.0, out=buf)
                d += buf
            d /= self.p
            if exclude is not None:
                d[np.arange(b - a), exclude[a:b]] = np.inf
            yield a, b, d

    def nearest(self, query: _Rows, ref: _Rows, exclude: np.ndarray | None = None) -> np.ndarray:
        """Distance of each query row to its nearest reference row (float64)."""
        out = np.empty(len(query))
        for a, b, d in self.blocks(query, ref, exclude):
            out[a:b] = d.min(axis=1) if d.shape[1] else np.inf
        return out

    def nearest_index(self, query: _Rows, ref: _Rows) -> np.ndarray:
        """Index of each query row's nearest reference row (the first one on ties)."""
        out = np.empty(len(query), dtype=np.int64)
        for a, b, d in self.blocks(query, ref):
            out[a:b] = d.argmin(axis=1)
        return out

    def count_within(self, query: _Rows, ref: _Rows, radius: float) -> np.ndarray:
        """Number of reference rows at distance <= ``radius`` of each query row."""
        out = np.empty(len(query), dtype=np.int64)
        for a, b, d in self.blocks(query, ref):
            out[a:b] = np.count_nonzero(d <= radius, axis=1)
        return out


def _prepare(frames: Sequence[pd.DataFrame], numeric: Sequence[str] | None) -> Prepared:
    prep = prepare(frames, numeric)
    if not prep.columns:
        raise ValueError("the frames have no columns")
    return prep


def _subsample(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    return np.sort(rng.choice(n, size=size, replace=False)) if n > size else np.arange(n)


def _row_keys(prep: Prepared, frames: Sequence[int], columns: Sequence[str]) -> list[np.ndarray]:
    """A 64-bit hash of each row on ``columns`` (same value, same hash, in every frame)."""
    ints = {}
    for col in columns:
        vals = [prep.values[f][col] for f in frames]
        if prep.is_numeric(col):
            codes, _ = pd.factorize(np.concatenate(vals), use_na_sentinel=True)  # NaN -> -1
        else:
            codes = np.concatenate(vals)
        ints[col] = codes.astype(np.int64)
    hashed = pd.util.hash_pandas_object(pd.DataFrame(ints), index=False).to_numpy()
    bounds = np.cumsum([0] + [prep.n_rows[f] for f in frames])
    return [hashed[bounds[i]:bounds[i + 1]] for i in range(len(frames))]


def _quantiles(d: np.ndarray) -> dict[str, float]:
    return {"p5": float(np.quantile(d, 0.05)), "median": float(np.median(d)), "mean": float(d.mean())}


def _check_nonempty(frames: dict[str, pd.DataFrame]) -> None:
    for name, frame in frames.items():
        if len(frame) == 0:
            raise ValueError(f"the {name} frame has no rows")


def distance_to_closest_record(train: pd.DataFrame, synth: pd.DataFrame, holdout: pd.DataFrame | None,
                               seed: int = 0, max_rows: int = 5000, max_reference: int = MAX_REFERENCE,
                               numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """Distance to closest record (DCR) of synthetic rows, with real holdout rows as the baseline.

    The reference sets, ``train`` and ``holdout``, are subsampled (``numpy.random.default_rng(seed)``)
    to the same size, ``min(len(train), len(holdout), max_reference)``, so that neither is favoured.
    At most ``max_rows`` synthetic rows (and as many reference holdout rows) are the queries. For each
    synthetic query: its distance to the nearest reference train row and to the nearest reference
    holdout row; for each holdout query: its distance to the nearest reference train row.

    ``share_closer_to_train`` is the share of synthetic queries nearer a train row than a holdout row
    (ties count one half): 0.5 when the synthetic data is no closer to the training records than to
    unseen ones, 1.0 when it copies them. ``share_closer_to_train_sd`` is its binomial standard
    deviation under the ideal, ``0.5 / sqrt(n_synthetic)``, for judging departures. A train frame
    larger than the holdout is subsampled, which dilutes the signal: a copied record is only seen as
    such when its source is in the reference sample. ``exact_match_rate`` covers that: the share of
    ALL synthetic rows identical (every column, after coercion) to some train row, by 64-bit row
    hashes; ``exact_match_rate_holdout`` is the same for the holdout rows, the rate at which real rows
    repeat each other. Without a holdout that rate is estimated from the training rows themselves:
    ``train_repeat_rate``, the share of train rows identical to another train row. ``exact_match_excess``
    is ``exact_match_rate`` beyond that baseline (the holdout's rate when there is one, else the train
    repeat rate), at least 0: near 0 for a model, near 1 for a copy of the training data.

    Returns (JSON-ready) ``{"synth_to_train": {"p5", "median", "mean"}, "holdout_to_train": {...} |
    None, "share_closer_to_train": float | None, "share_closer_to_train_sd": float | None,
    "exact_match_rate": float, "exact_match_rate_holdout": float | None, "train_repeat_rate": float,
    "exact_match_excess": float, "n_rows": {"train",
    "holdout", "synthetic"}}`` (``n_rows``: reference rows per real frame, synthetic queries). Without a
    holdout the holdout-based values are None and ``train`` is subsampled to ``max_reference`` rows.

    What good looks like: ``share_closer_to_train`` within 2 sd of 0.5, the synthetic DCR quantiles
    no smaller than the holdout ones, and ``exact_match_rate`` no higher than ``exact_match_rate_holdout``.

    >>> train = pd.DataFrame({"a": ["x", "y", "z", "w"], "b": ["p", "q", "p", "q"]})
    >>> out = distance_to_closest_record(train, train.copy(), train.iloc[[1, 0, 3, 2]])
    >>> out["exact_match_rate"], out["share_closer_to_train"], out["synth_to_train"]["median"]
    (1.0, 0.5, 0.0)
    >>> no_holdout = distance_to_closest_record(train, train.copy(), None)
    >>> no_holdout["exact_match_rate"], no_holdout["train_repeat_rate"], no_holdout["exact_match_excess"]
    (1.0, 0.0, 1.0)
    """
    named = {"train": train, "synthetic": synth} | ({} if holdout is None else {"holdout": holdout})
    _check_nonempty(named)
    frames = [train, synth] + ([] if holdout is None else [holdout])
    prep = _prepare(frames, numeric)
    space = _Space(prep)
    rng = np.random.default_rng(seed)
    n_ref = min(len(train), max_reference) if holdout is None else min(len(train), len(holdout), max_reference)
    t_ref = space.encode(0, _subsample(rng, len(train), n_ref))
    h_ref = None if holdout is None else space.encode(2, _subsample(rng, len(holdout), n_ref))
    s_q = space.encode(1, _subsample(rng, len(synth), max_rows))
    d_st = space.nearest(s_q, t_ref)
    keys = _row_keys(prep, range(len(frames)), prep.columns)
    train_keys, train_counts = np.unique(keys[0], return_counts=True)
    repeats = float(train_counts[train_counts > 1].sum() / len(keys[0]))
    match = float(np.isin(keys[1], train_keys).mean())
    out: dict[str, Any] = {"synth_to_train": _quantiles(d_st), "holdout_to_train": None,
                           "share_closer_to_train": None, "share_closer_to_train_sd": None,
                           "exact_match_rate": match, "exact_match_rate_holdout": None,
                           "train_repeat_rate": repeats, "exact_match_excess": max(match - repeats, 0.0),
                           "n_rows": {"train": len(t_ref), "holdout": 0 if h_ref is None else len(h_ref),
                                      "synthetic": len(s_q)}}
    if h_ref is not None:
        d_sh = space.nearest(s_q, h_ref)
        h_q = h_ref.take(_subsample(rng, len(h_ref), max_rows))
        out["holdout_to_train"] = _quantiles(space.nearest(h_q, t_ref))
        out["share_closer_to_train"] = float(np.mean((d_st < d_sh) + 0.5 * (d_st == d_sh)))
        out["share_closer_to_train_sd"] = 0.5 / np.sqrt(len(s_q))
        out["exact_match_rate_holdout"] = float(np.isin(keys[2], train_keys).mean())
        out["exact_match_excess"] = max(match - out["exact_match_rate_holdout"], 0.0)
    return json_ready(out)


def membership_inference(train: pd.DataFrame, holdout: pd.DataFrame, synth: pd.DataFrame, seed: int = 0,
                         max_rows: int = 5000, max_reference: int = MAX_REFERENCE,
                         numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """A distance-based membership (presence) attack: was this real record in the training data?

    Members are ``train`` rows, non-members ``holdout`` rows, both subsampled (seeded) to the same
    size ``min(len(train), len(holdout), max_rows)``; the attacker sees the synthetic data (at most
    ``max_reference`` rows of it, seeded) and scores a record by minus its distance to the nearest
    synthetic row (closer: more likely a member). Reported: the ROC AUC of that score, the attack
    advantage ``max(TPR - FPR)`` over thresholds, and the TPR at 1% FPR (the largest TPR with
    FPR <= 0.01).

    Returns (JSON-ready) ``{"auc", "advantage", "tpr_at_1pct_fpr", "n_members", "n_non_members",
    "n_synthetic"}``.

    What good looks like: AUC near 0.5, advantage near 0 and TPR at 1% FPR near 0.01: the attacker
    cannot tell members from non-members.

    >>> train = pd.DataFrame({"a": list("abcdef")})
    >>> holdout = pd.DataFrame({"a": list("uvwxyz")})
    >>> out = membership_inference(train, holdout, train.copy())
    >>> out["auc"], out["advantage"], out["tpr_at_1pct_fpr"]
    (1.0, 1.0, 1.0)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    _check_nonempty({"train": train, "holdout": holdout, "synthetic": synth})
    prep = _prepare([train, holdout, synth], numeric)
    space = _Space(prep)
    rng = np.random.default_rng(seed)
    n = min(len(train), len(holdout), max_rows)
    members = space.encode(0, _subsample(rng, len(train), n))
    non_members = space.encode(1, _subsample(rng, len(holdout), n))
    sy = space.encode(2, _subsample(rng, len(synth), max_reference))
    score = -np.concatenate([space.nearest(members, sy), space.nearest(non_members, sy)])
    truth = np.concatenate([np.ones(n, dtype=bool), np.zeros(n, dtype=bool)])
    fpr, tpr, _ = roc_curve(truth, score)
    return json_ready({"auc": float(roc_auc_score(truth, score)), "advantage": float(np.max(tpr - fpr)),
                       "tpr_at_1pct_fpr": float(np.max(tpr[fpr <= 0.01])), "n_members": n, "n_non_members": n,
                       "n_synthetic": len(sy)})


def density_disclosure(train: pd.DataFrame, synth: pd.DataFrame, radius: float | None = None, seed: int = 0,
                       max_rows: int = 5000, max_reference: int = MAX_REFERENCE,
                       numeric: Sequence[str] | None = None) -> dict[str, Any]:
    """How many real records lie close to each synthetic record, and how often exactly one does.

    The reference is ``train`` (at most ``max_reference`` rows, seeded); at most ``max_rows``
    synthetic rows are the queries. For each, the number of reference rows at distance <= ``radius``.
    The default radius is the 5th percentile of the distances of (at most ``max_rows``) reference
    rows to their nearest other reference row, so about 5% of real records have a real neighbour that
    close. A synthetic row with exactly one close real record singles that record out.

    Returns (JSON-ready) ``{"radius", "radius_is_default", "mean_close_records", "singling_out_share"
    (exactly one close record), "share_with_close_record" (at least one), "n_train", "n_synthetic"}``.

    What good looks like: ``singling_out_share`` about as low as for fresh real data, roughly 0.05 or
    less with the default radius; near 1 when training records are copied.

    >>> train = pd.DataFrame({"a": list("abcdef")})
    >>> out = density_disclosure(train, train.copy(), radius=0.0)
    >>> out["singling_out_share"], out["mean_close_records"]
    (1.0, 1.0)
    """
    _check_nonempty({"train": train, "synthetic": synth})
    if radius is not None and not radius >= 0:
        raise ValueError(f"radius must be >= 0; got {radius}")
    prep = _prepare([train, synth], numeric)
    space = _Space(prep)
    rng = np.random.default_rng(seed)
    ref = space.encode(0, _subsample(rng, len(train), max_reference))
    sy = space.encode(1, _subsample(rng, len(synth), max_rows))
    default = radius is None
    if default:
        own = _subsample(rng, len(ref), max_rows)
        nearest = space.nearest(ref.take(own), ref, exclude=own) if len(ref) > 1 else np.zeros(1)
        radius = float(np.quantile(nearest, 0.05))
    counts = space.count_within(sy, ref, float(radius))
    return json_ready({"radius": float(radius), "radius_is_default": default, "mean_close_records": counts.mean(),
                       "singling_out_share": np.mean(counts == 1), "share_with_close_record": np.mean(counts >= 1),
                       "n_train": len(ref), "n_synthetic": len(sy)})


def _too_close_blocked(space: _Space, train: _Rows, synth: _Rows, tr_cat: np.ndarray, sy_cat: np.ndarray,
                       threshold: float) -> np.ndarray:
    """Rows of ``synth`` within ``threshold`` of a train row when that requires equal categories.

    Only train rows with the same categorical values are candidates; their numeric distances are
    computed pair by pair, in batches of about :data:`CHUNK_PAIRS` pairs.
    """
    _, inv = np.unique(np.vstack([tr_cat, sy_cat]), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    k_tr, k_sy = inv[: len(tr_cat)], inv[len(tr_cat):]
    order = np.argsort(k_tr, kind="stable")
    sorted_keys = k_tr[order]
    starts = np.searchsorted(sorted_keys, k_sy, side="left")
    counts = np.searchsorted(sorted_keys, k_sy, side="right") - starts
    flagged = np.zeros(len(synth), dtype=bool)
    cum = np.cumsum(counts)
    a = 0
    while a < len(synth):  # a loop over batches of candidate pairs
        done = cum[a - 1] if a else 0
        b = max(int(np.searchsorted(cum, done + CHUNK_PAIRS, side="right")), a + 1)
        rows = np.arange(a, b)
        qi = np.repeat(rows, counts[rows])
        if qi.size:
            first = np.repeat(cum[rows] - counts[rows], counts[rows])
            ri = order[starts[qi] + (np.arange(qi.size) + done - first)]
            dist = np.minimum(np.abs(synth.num[qi] - train.num[ri]), 1.0).sum(axis=1) / space.p
            flagged[np.unique(qi[dist < threshold])] = True
        a = b
    return flagged


def flag_risky_rows(train: pd.DataFrame, synth: pd.DataFrame, min_distance: float | None = None,
                    rare_combination_k: int | None = None, columns: Sequence[str] | None = None,
                    numeric: Sequence[str] | None = None) -> np.ndarray:
    """Synthetic rows a disclosure filter should drop: a boolean array, one entry per row of ``synth``.

    A row is flagged when its distance (module docstring) to some train row is below
    ``min_distance``, or when its values on ``columns`` (default: every column of ``train``) equal a
    combination that occurs in ``train`` at least once but fewer than ``rare_combination_k`` times.
    Every synthetic row is compared with every train row (no subsampling). With neither threshold
    nothing is flagged. When ``min_distance * n_columns <= 1`` a single categorical mismatch already
    reaches the threshold, so only train rows with the same categories are compared (fast); otherwise
    the comparison is brute force.

    What good looks like: a small share flagged; a large share means the synthetic data copies or
    singles out real records.

    >>> train = pd.DataFrame({"a": ["x", "y", "y"], "n": [1.0, 5.0, 9.0]})
    >>> synth = pd.DataFrame({"a": ["x", "y", "y"], "n": [1.0, 7.0, 9.0]})
    >>> flag_risky_rows(train, synth, rare_combination_k=2, columns=["a"]).tolist()
    [True, False, False]
    >>> flag_risky_rows(train, synth, min_distance=0.1, numeric=["n"]).tolist()
    [True, False, True]
    """
    if min_distance is not None and not min_distance >= 0:
        raise ValueError(f"min_distance must be >= 0; got {min_distance}")
    if rare_combination_k is not None and rare_combination_k < 1:
        raise ValueError(f"rare_combination_k must be >= 1; got {rare_combination_k}")
    flagged = np.zeros(len(synth), dtype=bool)
    if (min_distance is None and rare_combination_k is None) or len(synth) == 0 or len(train) == 0:
        return flagged
    prep = _prepare([train, synth], numeric)
    if rare_combination_k is not None:
        chosen = [str(c) for c in (prep.columns if columns is None else columns)]
        unknown = [c for c in chosen if c not in prep.columns]
        if unknown:
            raise ValueError(f"columns {unknown} are not columns of the train frame")
        k_tr, k_sy = _row_keys(prep, (0, 1), chosen)
        uniq, counts = np.unique(k_tr, return_counts=True)
        pos = np.clip(np.searchsorted(uniq, k_sy), 0, len(uniq) - 1)
        flagged |= (uniq[pos] == k_sy) & (counts[pos] < rare_combination_k)
    if min_distance is not None and min_distance > 0:
        space = _Space(prep, dtype=np.float64)
        tr = space.encode(0, np.arange(len(train)))
        sy = space.encode(1, np.arange(len(synth)))
        cats = space.low + space.high_cols
        if cats and min_distance * space.p <= 1:
            def codes(f: int) -> np.ndarray:
                return np.column_stack([prep.values[f][c] for c in cats])

            flagged |= _too_close_blocked(space, tr, sy, codes(0), codes(1), float(min_distance))
        else:
            for a, b, d in space.blocks(sy, tr):
                flagged[a:b] |= (d < min_distance).any(axis=1)
    return flagged
