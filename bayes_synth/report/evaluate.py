"""``evaluate(real, synthetic, holdout=None, target=None)``: the whole quality and risk report as one object.

The metrics come from :mod:`bayes_synth.metrics` (similarity, utility, privacy, and sequence metrics
for event data); this module picks which apply (utility needs a target; the holdout comparisons need a
holdout; the sequence metrics need the entity column), times them, and keeps the
result as plain JSON-ready data with the explanation of each metric (:mod:`bayes_synth.report.explain`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import BayesSynthWarning, ParameterError
from bayes_synth.report.explain import METRICS


@dataclass
class Evaluation:
    """The report: ``data`` is plain JSON-ready (see :meth:`to_dict`); ``html()`` renders it for people."""

    data: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # for the plots

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_json(self) -> str:
        return json.dumps(_plain(self.data), indent=1, sort_keys=False, allow_nan=False) + "\n"

    def html(self) -> str:
        from bayes_synth.report.html import render

        return render(self)

    def save(self, outdir: str | Path, *, force: bool = True) -> tuple[Path, Path]:
        """Write ``report.json`` and ``report.html`` into ``outdir`` (each via a temp file and rename)."""
        from bayes_synth.io import atomic_write_text

        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        return (atomic_write_text(out / "report.json", self.to_json(), force=force),
                atomic_write_text(out / "report.html", self.html(), force=force))


def evaluate(real: pd.DataFrame | str | Path, synthetic: pd.DataFrame | str | Path,
             holdout: pd.DataFrame | str | Path | None = None,
             target: str | None = None, *, seed: int = 0, stamp: dict[str, Any] | None = None,
             names: dict[str, str] | None = None, sequence: dict[str, str | None] | None = None,
             attacks: bool = False) -> Evaluation:
    """Compare ``synthetic`` with the ``real`` rows it was fitted on (and an unseen ``holdout``).

    Each table is a DataFrame or a CSV/Parquet path (read as :meth:`Synthesizer.fit` reads it).
    Columns of ``real`` that ``synthetic`` lacks, and columns only ``synthetic`` has, are left out of
    the comparison with a warning and listed in ``data["inputs"]`` (and on the page); a holdout must
    hold every compared column.
    ``stamp``: a disclosure filter's stamp (``OUT.disclosure.json``), shown as "DP guarantee void".
    ``sequence``: ``{"entity": COL, "time": COL, "event": COL}`` (time and event optional) when rows are
    events of entities; adds ``data["sequence"]`` (:func:`bayes_synth.metrics.sequence.sequence_report`).
    ``attacks``: also run the singling-out, linkability and inference attacks after Anonymeter
    (:mod:`bayes_synth.metrics.attacks`; they need a holdout, the attacks' control records, and infer
    ``target``, else the last column).

    >>> import pandas as pd
    >>> real = pd.DataFrame({"a": list("xyxy") * 10, "n": range(40)})
    >>> report = evaluate(real, real.sample(frac=1, random_state=0))
    >>> 0 <= report.data["similarity"]["tvd_1way"] <= 1
    True
    """
    from bayes_synth.metrics import privacy, similarity, utility
    from bayes_synth.metrics.sequence import sequence_report
    from bayes_synth.metrics.utility import limited_threads

    names = dict(names or {})
    real, synthetic = _table(real, "real", names), _table(synthetic, "synthetic", names)
    holdout = None if holdout is None else _table(holdout, "holdout", names)
    columns = [c for c in real.columns if c in synthetic.columns]
    if not columns:
        raise ParameterError("The real and synthetic tables share no column; nothing to compare.")
    missing = [str(c) for c in real.columns if c not in synthetic.columns]
    extra = [str(c) for c in synthetic.columns if c not in real.columns]
    if missing or extra:
        warnings.warn("The synthetic table " + " and ".join(
            part for part in (f"lacks the real column(s) {missing}" if missing else "",
                              f"has column(s) the real table lacks, {extra}" if extra else "") if part)
            + "; they are left out of the comparison.", BayesSynthWarning, stacklevel=2)
    if target is not None and target not in columns:
        raise ParameterError(f"The target {target!r} is not a column of both tables; the columns are {columns}.")
    if holdout is not None:
        lacking = [str(c) for c in columns if c not in holdout.columns]
        if lacking:
            raise ParameterError(f"The holdout table lacks the column(s) {lacking} of the real and synthetic "
                                 "tables; a holdout must have the real table's columns (its other rows).")
    timings: dict[str, float] = {}

    def timed(name, fn, *args, **kwargs):
        t = time.perf_counter()
        with limited_threads():  # one OpenMP/BLAS thread: thread pools stall on a busy machine
            out = fn(*args, **kwargs)
        timings[name] = round(time.perf_counter() - t, 3)
        return out

    if sequence is not None:  # first and on the full tables: a wrong column fails fast, naming its table
        if not isinstance(sequence, dict) or "entity" not in sequence or set(sequence) - {"entity", "time", "event"}:
            raise ParameterError(f"sequence must be a dict with the key 'entity' and optionally 'time' and 'event' "
                                 f"(column names); got {sequence!r}.")
        seq = timed("sequence", sequence_report, real, synthetic, **sequence)
    real, synthetic = real[columns], synthetic[columns]
    holdout = holdout[columns] if holdout is not None else None
    sim = timed("similarity", similarity.similarity_report, real, synthetic, seed=seed)
    data: dict[str, Any] = {
        "format": "bayes_synth.report", "version": 1,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "inputs": {"real_rows": len(real), "synthetic_rows": len(synthetic),
                   "holdout_rows": None if holdout is None else len(holdout), "columns": columns,
                   "columns_missing_in_synthetic": missing, "columns_only_in_synthetic": extra,
                   "target": target, **names},
        "dp_guarantee": {"status": "void", **stamp} if stamp else {"status": "as stated by the model's ledger"},
        "similarity": sim,
    }
    util: dict[str, Any] = {"counting_queries": timed("counting_queries", utility.counting_queries, real,
                                                       synthetic, seed=seed)}
    if target is not None and holdout is not None:
        util["tstr"] = timed("tstr", utility.train_synthetic_test_real, real, synthetic, holdout, target, seed=seed)
    elif target is not None:
        util["tstr"] = {"skipped": "needs a holdout of real rows not used for fitting (--holdout)"}
    data["utility"] = util
    priv: dict[str, Any] = {}
    if holdout is not None:
        priv["dcr"] = timed("dcr", privacy.distance_to_closest_record, real, synthetic, holdout, seed=seed)
        priv["membership_inference"] = timed("membership", privacy.membership_inference, real, holdout, synthetic,
                                             seed=seed)
    else:  # the exact-match rate and the synthetic rows' distances need no holdout
        priv["dcr"] = timed("dcr", privacy.distance_to_closest_record, real, synthetic, None, seed=seed)
    priv["density_disclosure"] = timed("density", privacy.density_disclosure, real, synthetic)
    if attacks and holdout is not None:
        from bayes_synth.metrics.attacks import attack_risks

        priv.update(timed("attacks", attack_risks, real, synthetic, holdout, secret=target, seed=seed))
    elif attacks:
        priv["singling_out"] = {"skipped": "the attacks need control records: a holdout of real rows not used "
                                           "for fitting (--holdout)"}
    data["privacy"] = priv
    if sequence is not None:
        data["sequence"] = seq
    data["explanations"] = {k: {"section": s, "what": w, "good": g} for k, (s, w, g) in METRICS.items()}
    data["verdicts"] = verdicts(_plain(data))
    data["timings_s"] = timings
    return Evaluation(_plain(data), {"real": real, "synthetic": synthetic})


#: where each metric's headline value sits in the report: key -> (section, block, field); block None: in the section
HEADLINES: dict[str, tuple[str, str | None, str]] = {
    "tvd_1way": ("similarity", None, "tvd_1way"), "tvd_2way": ("similarity", None, "tvd_2way"),
    "tvd_3way": ("similarity", None, "tvd_3way"), "mi_difference": ("similarity", None, "mi_difference"),
    "correlation_difference": ("similarity", None, "correlation_difference"),
    "counting_queries": ("utility", "counting_queries", "mean_abs_error"), "tstr": ("utility", "tstr", "ratio"),
    "share_closer_to_train": ("privacy", "dcr", "share_closer_to_train"),
    "exact_match_rate": ("privacy", "dcr", "exact_match_excess"),
    "membership_inference": ("privacy", "membership_inference", "auc"),
    "density_disclosure": ("privacy", "density_disclosure", "singling_out_share"),
    "singling_out": ("privacy", "singling_out", "risk"),
    "singling_out_multivariate": ("privacy", "singling_out_multivariate", "risk"),
    "linkability": ("privacy", "linkability", "risk"), "inference": ("privacy", "inference", "risk"),
    "events_per_entity": ("sequence", "events_per_entity", "tvd"), "event_gaps": ("sequence", "event_gaps", "tvd"),
    "event_transitions": ("sequence", "event_transitions", "pair_tvd"),
}


def _table(table: Any, which: str, names: dict[str, str]) -> pd.DataFrame:
    """A DataFrame as given; a path read as ``Synthesizer.fit`` reads it (its name kept for the page)."""
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, str | os.PathLike):
        from bayes_synth.ingest import read_table

        names.setdefault(f"{which}_file", str(table))
        return read_table(table)
    raise ParameterError(f"The {which} table must be a DataFrame or a path to a CSV or Parquet file; "
                         f"got {type(table).__name__}.")


def verdicts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each computed headline value with its verdict (:func:`bayes_synth.report.explain.verdict`)."""
    from bayes_synth.report.explain import verdict

    out = {}
    for key, (section, block, field_) in HEADLINES.items():
        where = data.get(section)
        where = where.get(block) if isinstance(where, dict) and block is not None else where
        value = where.get(field_) if isinstance(where, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            band = "singling_out" if key == "singling_out_multivariate" else key
            out[key] = {"section": section, "value": value, "verdict": verdict(band, value)}
    return out


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars to Python, NaN/inf to None, frames to records, keys to text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return {"columns": [str(c) for c in value.columns], "index": [str(i) for i in value.index],
                "values": _plain(value.to_numpy().tolist())}
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if np.isfinite(value) else None
    return value
