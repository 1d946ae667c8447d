"""Sequence metrics: do the synthetic entities have event histories like the real ones?

Rows sharing ``entity`` form one entity's sequence, ordered by ``time`` when given, else (and on ties)
by their order in the table; rows with a missing entity or time are left out (``rows_skipped``).

* **events per entity** (``events_per_entity``): the number of rows of each entity;
* **gaps** (``event_gaps``, needs ``time``): time from one event of an entity to its next; numbers as
  they are, dates and date-times (also text such as ``2024-01-31``, as CSV gives them) in days;
* **transitions** (``event_transitions``, needs a categorical ``event``): consecutive (event, next
  event) pairs within an entity: TVD of the pair distributions; mean over current states, weighted by
  their real share of pairs, of the TVD of P(next | current) (1 for a state synthetic data never
  leaves); TVD of the first event of each entity.

Counts and gaps: summaries (mean, p10, p50, p90, max), Kolmogorov-Smirnov statistic, and the total
variation distance (TVD, ``0.5 * sum |P - Q|``) over the exact values when both tables together have
at most ``bins`` distinct values, else over ``bins`` quantile bins of the real values (synthetic values
outside the real range in two cells of their own). A TVD is 1 when only one table has values, None
when neither has.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError

from .common import MISSING_LABEL, MISSING_MARKERS, _bin_label, _format_number, json_ready, prepare

__all__ = ["sequence_report"]

NS_PER_DAY = 86_400 * 10**9
#: The transition matrices returned for plots keep the states most frequent in the real data.
MATRIX_STATES = 20
OTHER_LABEL = "(other)"


def sequence_report(real: pd.DataFrame, synthetic: pd.DataFrame, entity: str, time: str | None = None,
                    event: str | None = None, bins: int = 20) -> dict[str, Any]:
    """Compare the per-entity event sequences of ``synthetic`` with those of ``real`` (JSON-ready dict).

    ``event_gaps`` / ``event_transitions`` hold ``{"skipped": ...}`` without ``time`` / ``event``;
    ``event_transitions["matrix"]`` holds P(next | current) (rows: current) of both tables, for a plot.

    >>> real = pd.DataFrame({"id": [1, 1, 2, 2, 2], "t": [0, 2, 0, 1, 3], "ev": list("ababa")})
    >>> synth = pd.DataFrame({"id": [7, 7, 8, 8], "t": [0, 2, 5, 7], "ev": list("abab")})
    >>> out = sequence_report(real, synth, "id", time="t", event="ev")
    >>> out["events_per_entity"]["tvd"], out["event_gaps"]["tvd"], out["event_transitions"]["pair_tvd"]
    (0.5, 0.333333, 0.333333)
    """
    _check_args(real, synthetic, entity, time, event, bins)
    times = [None, None] if time is None else [_time_values(real[time], time, "real"),
                                               _time_values(synthetic[time], time, "synthetic")]
    units = {t[1] for t in times if t is not None and t[1] is not None}
    if len(units) > 1:
        raise ParameterError(f"The time column {time!r} holds {times[0][1]} in the real table but {times[1][1]} in "
                             "the synthetic one; write it the same way in both (dates such as 2024-01-31, or numbers).")
    seqs = [_order(f[entity], None if t is None else t[0]) for f, t in zip((real, synthetic), times, strict=True)]
    out: dict[str, Any] = {
        "entity": entity, "time": time, "event": event,
        "time_unit": None if time is None else ("days" if units == {"dates"} else "numbers"),
        "rows_used": {"real": len(seqs[0][0]), "synthetic": len(seqs[1][0])},
        "rows_skipped": {"real": len(real) - len(seqs[0][0]), "synthetic": len(synthetic) - len(seqs[1][0])},
    }
    counts = [np.diff(np.append(np.flatnonzero(first), len(first))).astype(float) for _, _, first in seqs]
    out["events_per_entity"] = _compare(counts[0], counts[1], bins)
    if time is None:
        out["event_gaps"] = {"skipped": "needs a time column (--time COL)"}
    else:
        gaps = [np.diff(t[0][order])[~first[1:]] for t, (order, _, first) in zip(times, seqs, strict=True)]
        if units == {"dates"}:
            gaps = [g / NS_PER_DAY for g in gaps]
        out["event_gaps"] = _compare(gaps[0], gaps[1], bins)
    if event is None:
        out["event_transitions"] = {"skipped": "needs a categorical event column (--event COL)"}
    else:
        out["event_transitions"] = _transitions(real[event], synthetic[event], seqs)
    return json_ready(out)


def _check_args(real: Any, synthetic: Any, entity: Any, time: Any, event: Any, bins: Any) -> None:
    frames = {"real": real, "synthetic": synthetic}
    if not all(isinstance(f, pd.DataFrame) for f in frames.values()):
        raise ParameterError("The real and synthetic tables must be pandas DataFrames.")
    if entity is None:
        raise ParameterError("Sequence metrics need an entity column: the column naming whose event each row is "
                             "(an account, a patient ...); pass entity=COL (--entity COL).")
    for role, column in (("entity", entity), ("time", time), ("event", event)):
        if column is None:
            continue
        if not isinstance(column, str):
            raise ParameterError(f"The {role} column must be given by its name (text); got {column!r}.")
        for name, frame in frames.items():
            if column not in frame.columns:
                shown = [str(c) for c in frame.columns[:30]]
                raise ParameterError(f"The {role} column {column!r} is not a column of the {name} table; its "
                                     f"columns are {shown}{' ...' if frame.shape[1] > 30 else ''}. Pass --{role} "
                                     "with a column that both tables have.")
    named = [c for c in (entity, time, event) if c is not None]
    if len(set(named)) < len(named):
        raise ParameterError(f"The entity, time and event columns must be different columns; got {named}.")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ParameterError(f"bins must be a whole number >= 1; got {bins!r}.")


def _time_values(series: pd.Series, column: str, which: str) -> tuple[np.ndarray, str | None]:
    """Times as float64 (NaN for missing) and their unit: "dates" (in ns) or "numbers" (None: all missing)."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _ns(pd.to_datetime(series, utc=True)), "dates"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(values), values, np.nan), "numbers"
    text = series.astype(str).str.strip()
    missing = (series.isna() | text.isin(MISSING_MARKERS)).to_numpy()
    present = text[~missing]
    values = np.full(len(series), np.nan)
    if present.empty:
        return values, None
    codes, uniques = pd.factorize(present)  # parse each distinct text once
    numbers = pd.to_numeric(pd.Series(uniques), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(numbers).all():
        values[~missing] = numbers[codes]
        return values, "numbers"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": handled by the mixed retry
        dates = pd.to_datetime(pd.Series(uniques), errors="coerce", utc=True)
        if dates.isna().any():
            dates = pd.to_datetime(pd.Series(uniques), errors="coerce", utc=True, format="mixed")
    bad = dates.isna().to_numpy()[codes]
    if bad.any():
        row = int(np.flatnonzero(~missing)[np.argmax(bad)]) + 1
        raise ParameterError(f"The time column {column!r} of the {which} table is neither numbers nor dates: "
                             f"{int(bad.sum())} of {len(present)} cells do not parse (the first in data row {row}). "
                             "Pass numbers or dates such as 2024-01-31 (or 2024-01-31 13:45), or leave out "
                             "time to keep the order of the rows.")
    values[~missing] = _ns(dates)[codes]
    return values, "dates"


def _ns(dates: pd.Series) -> np.ndarray:
    out = dates.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    out[dates.isna().to_numpy()] = np.nan
    return out


def _order(entities: pd.Series, times: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row positions sorted by (entity, time, row), their entity codes and where each entity starts."""
    text = entities.astype(str).str.strip()
    codes = pd.factorize(text)[0]
    codes[(entities.isna() | text.isin(MISSING_MARKERS)).to_numpy()] = -1
    keep = codes >= 0
    if times is not None:
        keep &= ~np.isnan(times)
    rows = np.flatnonzero(keep)
    keys = (rows, codes[rows]) if times is None else (rows, times[rows], codes[rows])
    order = rows[np.lexsort(keys)]
    ent = codes[order]
    first = np.r_[True, ent[1:] != ent[:-1]] if len(ent) else np.zeros(0, dtype=bool)
    return order, ent, first


def _summary(x: np.ndarray) -> dict[str, Any]:
    stats = [x.mean(), *np.quantile(x, [0.1, 0.5, 0.9]), x.max()] if x.size else [None] * 5
    return {"n": int(x.size), **dict(zip(("mean", "p10", "p50", "p90", "max"), stats, strict=True))}


def _ks(a: np.ndarray, b: np.ndarray) -> float | None:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical CDFs."""
    if a.size == 0 or b.size == 0:
        return None
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    return float(np.abs(np.searchsorted(a, grid, "right") / a.size - np.searchsorted(b, grid, "right") / b.size).max())


def _tvd(cr: np.ndarray, cs: np.ndarray) -> float | None:
    """TVD of two count vectors over the same cells: 1 when only one is empty, None when both are."""
    nr, ns = cr.sum(), cs.sum()
    if nr == 0 or ns == 0:
        return None if nr == ns else 1.0
    return float(0.5 * np.abs(cr / nr - cs / ns).sum())


def _compare(real: np.ndarray, synth: np.ndarray, bins: int) -> dict[str, Any]:
    """Summaries, TVD (exact values or quantile bins of ``real``) and KS statistic of two samples."""
    values = np.unique(np.concatenate([real, synth]))
    if values.size <= bins:
        binning = "exact"
        labels = [_format_number(v) for v in values]  # at most ``bins`` labels
        cr, cs = np.searchsorted(values, real), np.searchsorted(values, synth)
    else:
        binning = f"{bins} quantile bins of the real values"
        edges = np.unique(np.quantile(real if real.size else synth, np.linspace(0.0, 1.0, bins + 1)))
        n = max(len(edges) - 1, 1)
        inner = [_bin_label(edges[i], edges[i + 1], i == n - 1) for i in range(len(edges) - 1)]
        labels = [f"< {edges[0]:.6g}", *(inner or [_bin_label(edges[0], edges[0], True)]), f"> {edges[-1]:.6g}"]
        cr, cs = (np.where(x < edges[0], 0, np.where(x > edges[-1], n + 1, 1 + np.clip(
            np.searchsorted(edges[1:-1], x, side="right"), 0, n - 1))) for x in (real, synth))
    counts = [np.bincount(c, minlength=len(labels)).astype(float) for c in (cr, cs)]
    shares = [c / max(c.sum(), 1) for c in counts]
    used = np.flatnonzero(counts[0] + counts[1] > 0)
    return {"real": _summary(real), "synthetic": _summary(synth), "tvd": _tvd(*counts),
            "ks_statistic": _ks(real, synth), "binning": binning, "distribution": {
                "labels": [labels[i] for i in used], "real": shares[0][used], "synthetic": shares[1][used]}}


def _transitions(real: pd.Series, synthetic: pd.Series,
                 seqs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Pair, next-given-current and first-event TVDs; O(rows) memory however many states there are."""
    prep = prepare([real.to_frame("e").reset_index(drop=True), synthetic.to_frame("e").reset_index(drop=True)],
                   numeric=[])
    labels = [*prep.categories["e"], MISSING_LABEL]
    k = len(labels)
    events, cur, nxt, firsts = [], [], [], []
    for values, (order, _, first) in zip(prep.values, seqs, strict=True):
        ev = np.where(values["e"] < 0, k - 1, values["e"]).astype(np.int64)[order]
        events.append(ev)
        cur.append(ev[:-1][~first[1:]])
        nxt.append(ev[1:][~first[1:]])
        firsts.append(ev[first])
    pair_keys, inverse = np.unique(np.concatenate([cur[0] * k + nxt[0], cur[1] * k + nxt[1]]), return_inverse=True)
    pair_counts = [np.bincount(part, minlength=len(pair_keys)).astype(float)
                   for part in np.split(inverse.ravel(), [len(cur[0])])]
    state = pair_keys // k
    row = [np.bincount(state, weights=c, minlength=k) for c in pair_counts]
    cond = [c / np.maximum(r[state], 1) for c, r in zip(pair_counts, row, strict=True)]
    per_state = np.where(row[1] > 0, 0.5 * np.bincount(state, weights=np.abs(cond[0] - cond[1]), minlength=k), 1.0)
    conditional = float((row[0] * per_state).sum() / row[0].sum()) if row[0].sum() else None
    # the matrices for a plot: the states most frequent in the real data, the rest merged into one
    real_n, synth_n = np.bincount(events[0], minlength=k), np.bincount(events[1], minlength=k)
    present = np.flatnonzero(real_n + synth_n > 0)
    top = present[np.lexsort((-synth_n[present], -real_n[present]))][:MATRIX_STATES]
    size, t = len(top) + int(len(present) > len(top)), len(top) + 1
    merged = np.full(k, len(top))
    merged[top] = np.arange(len(top))
    matrix: dict[str, Any] = {"states": [labels[i] for i in top] + [OTHER_LABEL] * (size - len(top))}
    for name, c, n in zip(("real", "synthetic"), cur, nxt, strict=True):
        m = np.bincount(merged[c] * t + merged[n], minlength=t * t).reshape(t, t)[:size, :size].astype(float)
        matrix[name] = m / np.maximum(m.sum(axis=1), 1)[:, None]
    return {"pair_tvd": _tvd(*pair_counts), "conditional_tvd": conditional,
            "first_event_tvd": _tvd(*(np.bincount(f, minlength=k).astype(float) for f in firsts)),
            "event_tvd": _tvd(real_n.astype(float), synth_n.astype(float)),
            "pairs": {"real": len(cur[0]), "synthetic": len(cur[1])}, "n_states": len(present), "matrix": matrix}
