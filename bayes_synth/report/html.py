"""The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external files.

Readable without the docs: every metric shows its value, a one-line explanation and what good is.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np

from bayes_synth.report import svg
from bayes_synth.report.explain import TITLES
from bayes_synth.report.explain import verdict as verdict_of

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#123;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
main{padding:12px 28px 40px;max-width:1200px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 12px}
.card .v{font-size:22px;font-weight:600}.card p{margin:4px 0;font-size:12px;color:#555}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0;font-weight:600}
.void{background:#fde2e1;border:1px solid #d62728;color:#8b0000}.ok{background:#e6f4ea;border:1px solid #2ca02c}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.grid figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px}
th{background:#f0f0f0;text-align:left}.muted{color:#777;font-size:12px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;margin-left:6px}
.good{background:#e6f4ea;color:#1e6b2f}.fair{background:#fff4d6;color:#7a5a00}.poor{background:#fde2e1;color:#8b0000}
.card.good{border-left:5px solid #2ca02c}.card.fair{border-left:5px solid #e0a800}
.card.poor{border-left:5px solid #d62728}
.glance{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 16px}.glance li{margin:4px 0}
.warn{background:#fff4d6;border:1px solid #e0a800;color:#5a4200}table.small{margin:6px 0 12px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def render(report: Any) -> str:
    """The page for an :class:`~bayes_synth.report.evaluate.Evaluation`."""
    d = report.data
    inputs = d["inputs"]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>bayes_synth report</title>"
             f"<meta name='viewport' content='width=device-width,initial-scale=1'><style>{CSS}</style></head><body>",
             "<header><h1>Synthetic data quality and risk report</h1>"
             f"<div>{inputs['synthetic_rows']:,} synthetic rows compared with {inputs['real_rows']:,} real rows"
             + (f" and {inputs['holdout_rows']:,} holdout rows" if inputs.get("holdout_rows") else "")
             + f", {len(inputs['columns'])} columns. Created {escape(d['created'])}.</div></header><main>",
             _banner(d), _columns_banner(inputs), "<h2>At a glance</h2>", _glance(d),
             "<h2>Summary</h2><div class='cards'>", *_cards(d),
             "</div>",
             "<h2>Columns: real vs synthetic</h2><p class='muted'>Each chart shows the share of rows per "
             "value (numbers in 20 quantile bins of the real data). Blue: real, orange: synthetic. Hover a bar "
             "for its value.</p>", _column_plots(report), _column_table(d),
             "<h2>Relationships between columns</h2>", _heatmaps(d),
             "<h2>Utility</h2>", _utility(d), "<h2>Privacy</h2>", _privacy(d), _sequences(d),
             "<h2>What the metrics mean</h2>", _glossary(d),
             f"<p class='muted'>Computed in {sum(d.get('timings_s', {}).values()):.1f} s. These metrics read the "
             "real data: they are for the data owner and are not covered by differential privacy.</p>",
             "</main></body></html>"]
    return "".join(parts)


def _banner(d: dict) -> str:
    status = d["dp_guarantee"]
    if status.get("status") == "void":
        return (f"<div class='banner void'>DP guarantee void: a disclosure filter read the real data and cut "
                f"{status.get('rows_cut', '?')} of {status.get('rows_in', '?')} synthetic rows. The table no "
                "longer carries the model's differential privacy guarantee.</div>")
    return ("<div class='banner ok'>No disclosure filter was applied: the synthetic rows carry whatever guarantee "
            "the model's privacy ledger states (see <code>bayes-synth inspect</code>).</div>")


def _columns_banner(inputs: dict) -> str:
    """Columns left out because only one of the real and synthetic tables has them."""
    missing, extra = inputs.get("columns_missing_in_synthetic") or [], inputs.get("columns_only_in_synthetic") or []
    parts = []
    if missing:
        parts.append(f"The synthetic table lacks {len(missing)} real column(s): {escape(', '.join(missing))}.")
    if extra:
        parts.append(f"The synthetic table has {len(extra)} column(s) the real table lacks: "
                     f"{escape(', '.join(extra))}.")
    if not parts:
        return ""
    return f"<div class='banner warn'>{' '.join(parts)} They are left out of every metric below.</div>"


SECTIONS = (("similarity", "Similarity", "do the columns and their relationships look like the real data?"),
            ("utility", "Utility", "do analyses and models on the synthetic data give the real answers?"),
            ("privacy", "Privacy", "can the synthetic data be traced back to the people in the real data?"),
            ("sequence", "Sequences", "do entities have the real number, spacing and order of events?"))

#: what to add to measure what was not measured: (section, key that would be there, how)
MISSING = (("utility", "tstr", "train-on-synthetic, test-on-real: give --target COL and --holdout FILE"),
           ("privacy", "share_closer_to_train", "the share of synthetic rows closer to training than to unseen "
                                                "records, and membership inference: give --holdout FILE (real "
                                                "rows not used for fitting)"),
           ("privacy", "inference", "attacks after Anonymeter (singling out, linkability, inference): add --attacks "
                                    "with --holdout FILE"),
           ("sequence", "events_per_entity", "sequence metrics for event data: give --entity COL (and --time, "
                                             "--event)"))


def _glance(d: dict) -> str:
    """One line per section: the worst verdict among its metrics, and what was not measured."""
    v = d.get("verdicts", {})
    rank = {"good": 0, "fair": 1, "poor": 2}
    items = []
    for section, title, question in SECTIONS:
        mine = {k: x for k, x in v.items() if x["section"] == section and x.get("verdict")}
        if not mine:
            continue
        worst = max(mine.values(), key=lambda x: rank[x["verdict"]])["verdict"]
        counts = ", ".join(f"{sum(x['verdict'] == w for x in mine.values())} {w}" for w in rank
                           if any(x["verdict"] == w for x in mine.values()))
        weak = [TITLES.get(k, _label(k)) for k, x in mine.items() if x["verdict"] != "good"]
        items.append(f"<li><b>{title}</b>{_badge(worst)} {escape(question)} {counts} of {len(mine)} headline "
                     "metrics" + (f"; look at: {escape(', '.join(weak))}" if weak else "") + ".</li>")
    todo = [how for section, key, how in MISSING if key not in v]
    if todo:
        items.append("<li><b>Not measured</b>: " + "; ".join(escape(t) for t in todo) + ".</li>")
    return f"<ul class='glance'>{''.join(items)}</ul>"


def _badge(verdict: str | None) -> str:
    return f"<span class='badge {verdict}'>{verdict}</span>" if verdict else ""


def _card(title: str, value: Any, key: str, d: dict, gauge: tuple[float, float] | None = None,
          judged: str | None = None, verdict: str | None = None, note: str = "") -> str:
    """One metric: value, gauge, verdict (``verdict`` as given, else from the bands of ``judged or key``)."""
    explain = d["explanations"].get(key, {})
    shown = "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else escape(str(value))
    meter = svg.meter(float(value), title, *gauge) if gauge and isinstance(value, int | float) else ""
    if verdict is None:
        verdict = verdict_of(judged or key, value) if isinstance(value, int | float) else None
    return (f"<div class='card {verdict or ''}'><div>{escape(title)}{_badge(verdict)}</div><div class='v'>{shown}</div>"
            f"{meter}" + (f"<p>{escape(note)}</p>" if note else "")
            + f"<p>{escape(explain.get('what', ''))}</p><p><b>Good:</b> {escape(explain.get('good', ''))}</p></div>")


def _get(d: dict, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _cards(d: dict) -> list[str]:
    s, u, p = d["similarity"], d["utility"], d["privacy"]
    out = [_card("1-way TVD", s.get("tvd_1way"), "tvd_1way", d, (0.0, 0.2)),
           _card("2-way TVD", s.get("tvd_2way"), "tvd_2way", d, (0.0, 0.3)),
           _card("3-way TVD", s.get("tvd_3way"), "tvd_3way", d, (0.0, 0.4)),
           _card("Mutual information difference", s.get("mi_difference"), "mi_difference", d, (0.0, 0.2)),
           _card("Correlation difference", s.get("correlation_difference"), "correlation_difference", d,
                 (0.0, 0.3))]
    ratio = _get(u, "tstr", "ratio")
    if ratio is not None:
        out.append(_card("TSTR / TRTR score ratio", ratio, "tstr", d, (1.0, 0.5)))
    out.append(_card("Counting query error (mean)", _get(u, "counting_queries", "mean_abs_error"), "counting_queries",
                     d, (0.0, 0.05)))
    share = _get(p, "dcr", "share_closer_to_train")
    if share is not None:
        out.append(_card("Share closer to train than holdout", share, "share_closer_to_train", d))
    out.append(_exact_match_card(d))
    auc = _get(p, "membership_inference", "auc")
    if auc is not None:
        out.append(_card("Membership attack AUC", auc, "membership_inference", d, (0.5, 1.0)))
    for key, title in (("singling_out", "Singling-out attack risk"), ("linkability", "Linkability attack risk"),
                       ("inference", "Inference attack risk")):
        risk = _get(p, key, "risk")
        if risk is not None:
            out.append(_card(title, risk, key, d, (0.0, 1.0)))
    out.append(_card("Singling-out share", _get(p, "density_disclosure", "singling_out_share"), "density_disclosure",
                     d, (0.0, 0.2)))
    return out


def _exact_match_card(d: dict) -> str:
    dcr = _get(d, "privacy", "dcr") or {}
    rate, held = dcr.get("exact_match_rate"), dcr.get("exact_match_rate_holdout")
    base, where = (held, "holdout rows match training rows") if held is not None else \
        (dcr.get("train_repeat_rate"), "training rows repeat each other")
    note = f"Baseline: {where} at {base:.3f}." if isinstance(base, int | float) else ""
    verdict = (d.get("verdicts", {}).get("exact_match_rate") or {}).get("verdict")
    return _card("Exact match rate", rate, "exact_match_rate", d, (0.0, 0.2), verdict=verdict, note=note)


def _column_plots(report: Any) -> str:
    from bayes_synth.metrics.common import discretise

    real, synth = report.frames.get("real"), report.frames.get("synthetic")
    if real is None or synth is None:
        return ""
    codes_r, codes_s, labels = discretise(real, synth)
    figures = []
    for j, column in enumerate(real.columns):
        names = labels[column]
        k = len(names)
        fr = np.bincount(codes_r[:, j], minlength=k)[:k] / max(len(codes_r), 1)
        fs = np.bincount(codes_s[:, j], minlength=k)[:k] / max(len(codes_s), 1)
        order = np.argsort(-fr)[:30] if k > 30 else np.arange(k)
        figures.append("<figure>" + svg.bars([names[i] for i in order], fr[order].tolist(), fs[order].tolist(),
                                             str(column)) + "</figure>")
    return "<div class='grid'>" + "".join(figures) + "</div>"


def _column_table(d: dict) -> str:
    per = d["similarity"].get("columns") or {}
    if not per:
        return ""
    keys = sorted({k for v in per.values() if isinstance(v, dict) for k in v})
    rows = "".join(f"<tr><th>{escape(str(c))}</th>" + "".join(f"<td>{_fmt(v.get(k))}</td>" for k in keys) + "</tr>"
                   for c, v in per.items() if isinstance(v, dict))
    return ("<h3>Per column</h3><table><tr><th>column</th>" + "".join(f"<th>{escape(k)}</th>" for k in keys)
            + f"</tr>{rows}</table>")


def _heatmaps(d: dict) -> str:
    s = d["similarity"]
    out = []
    for key, title in (("mi_real", "Mutual information, real"), ("mi_synthetic", "Mutual information, synthetic"),
                       ("mi_difference_matrix", "|difference|")):
        m = s.get(key)
        if isinstance(m, dict) and m.get("values"):
            out.append("<figure>" + svg.heatmap(m["columns"], np.array(m["values"], dtype=float), title,
                                                vmax=1.0 if key != "mi_difference_matrix" else None) + "</figure>")
    if not out:
        return "<p class='muted'>No pairwise dependence matrix was computed.</p>"
    return ("<p class='muted'>Normalised mutual information of every pair of columns (darker: stronger "
            "dependence). The third map is the absolute difference: dark cells are relationships the synthetic "
            "data does not keep.</p><div class='grid'>" + "".join(out) + "</div>")


def _utility(d: dict) -> str:
    return _kv(d["utility"], d)


def _privacy(d: dict) -> str:
    return _kv(d["privacy"], d)


def _sequences(d: dict) -> str:
    """The "Sequences" section (only when the report has sequence metrics)."""
    q = d.get("sequence")
    if not isinstance(q, dict):
        return ""
    counts, gaps, trans = q.get("events_per_entity") or {}, q.get("event_gaps") or {}, q.get("event_transitions") or {}
    time = f", ordered by <code>{escape(str(q['time']))}</code>" if q.get("time") else ", in the order of the rows"
    cards = [_card("Events per entity TVD", counts.get("tvd"), "events_per_entity", d, (0.0, 0.3))]
    if "tvd" in gaps:
        cards.append(_card(f"Gap TVD ({q.get('time_unit')})", gaps.get("tvd"), "event_gaps", d, (0.0, 0.3)))
    if "pair_tvd" in trans:
        cards += [_card("Transition (pair) TVD", trans.get("pair_tvd"), "event_transitions", d, (0.0, 0.3)),
                  _card("Next-event TVD, mean over states", trans.get("conditional_tvd"), "event_transitions", d,
                        (0.0, 0.3))]
    plots = []
    for block, title in ((counts, "Events per entity"), (gaps, f"Gap between events ({q.get('time_unit')})")):
        dist = block.get("distribution")
        if isinstance(dist, dict) and dist.get("labels"):
            plots.append("<figure>" + svg.bars(dist["labels"], dist["real"], dist["synthetic"], title) + "</figure>")
    matrix = trans.get("matrix")
    if isinstance(matrix, dict) and matrix.get("states"):
        real, synth = np.array(matrix["real"], dtype=float), np.array(matrix["synthetic"], dtype=float)
        for m, title, vmax in ((real, "P(next | current), real", 1.0), (synth, "P(next | current), synthetic", 1.0),
                               (np.abs(real - synth), "|difference|", None)):
            plots.append("<figure>" + svg.heatmap(matrix["states"], m, title, vmax=vmax) + "</figure>")
    tables = "".join(_summary_table(name, block) for name, block in (("events_per_entity", counts),
                                                                     ("event_gaps", gaps)) if "real" in block)
    skipped = "".join(f"<p class='muted'>{escape(name)}: skipped, {escape(str(block['skipped']))}.</p>"
                      for name, block in (("event_gaps", gaps), ("event_transitions", trans)) if "skipped" in block)
    return (f"<h2>Sequences</h2><p class='muted'>Rows of the same <code>{escape(str(q.get('entity')))}</code> form "
            f"one entity's sequence of events{time}. Blue: real, orange: synthetic. In the transition maps rows "
            "are the current event and columns the next one; dark cells of the difference are transitions the "
            "synthetic data does not keep.</p>"
            f"<div class='cards'>{''.join(cards)}</div><div class='grid'>{''.join(plots)}</div>"
            + tables + _kv({k: v for k, v in q.items() if k in ("rows_used", "rows_skipped", "event_transitions")
                            and isinstance(v, dict) and "skipped" not in v})
            + skipped)


def _summary_table(name: str, block: dict) -> str:
    real, synth = block.get("real") or {}, block.get("synthetic") or {}
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{_fmt(real.get(k))}</td><td>{_fmt(synth.get(k))}</td></tr>"
                   for k in real)
    return (f"<h3>{escape(name)}</h3><table><tr><th>statistic</th><th>real</th><th>synthetic</th></tr>{rows}</table>"
            f"<p class='muted'>TVD {_fmt(block.get('tvd'))} over {escape(str(block.get('binning')))}; "
            f"Kolmogorov-Smirnov statistic {_fmt(block.get('ks_statistic'))}.</p>")


def _kv(section: dict, d: dict | None = None) -> str:
    """Each block of a section as a titled table: its explanation, its verdict, readable names and values.

    Nested values are shown too: short lists joined, small dicts on one line, and the blocks with a
    table of their own (the DCR quantiles, the two utility models' scores, the feature importances).
    """
    explanations = (d or {}).get("explanations", {})
    judged = (d or {}).get("verdicts", {})
    rows = []
    for name, value in section.items():
        if isinstance(value, dict):
            handled, extra = _DETAIL_TABLES.get(name, ((), None))
            cells = ((k, _cell(v)) for k, v in value.items() if k not in handled)
            inner = "".join(f"<tr><td>{escape(_label(k))}</td><td>{c}</td></tr>" for k, c in cells if c is not None)
            what = (explanations.get(name) or explanations.get(name.replace("_multivariate", "")) or {}).get("what")
            verdict = (judged.get(name) or {}).get("verdict") or _worst(
                x.get("verdict") for k, x in judged.items() if _block_of(k) == name)
            rows.append(f"<h3>{escape(_label(name))}{_badge(verdict)}</h3>"
                        + (f"<p class='muted'>{escape(what)}</p>" if what else "") + f"<table>{inner}</table>"
                        + (extra(value) if extra else ""))
    return "".join(rows)


def _block_of(key: str) -> str | None:
    from bayes_synth.report.evaluate import HEADLINES

    return HEADLINES[key][1] if key in HEADLINES else None


def _worst(verdicts: Any) -> str | None:
    rank = {"good": 0, "fair": 1, "poor": 2}
    found = [v for v in verdicts if v in rank]
    return max(found, key=rank.__getitem__) if found else None


def _cell(value: Any) -> str | None:
    """A value for a table cell, or None when it is too big for one (the counting queries, matrices)."""
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int | float) or v is None for v in value):
            return _fmt(value)  # an interval
        if all(isinstance(v, str | int | float) for v in value):
            return escape(", ".join(str(v) for v in value))
        if all(isinstance(v, list) and all(isinstance(x, str | int | float) for x in v) for v in value):
            names = ("first half", "second half") if len(value) == 2 else [f"({i})" for i in range(1, len(value) + 1)]
            return escape("; ".join(f"{n}: " + ", ".join(str(x) for x in v) for n, v in zip(names, value, strict=True)))
        return None
    if isinstance(value, dict):
        if value and all(not isinstance(v, dict | list) for v in value.values()):
            return ", ".join(f"{escape(_label(k))} {_fmt(v)}" for k, v in value.items())
        return None
    return _fmt(value)


def _dcr_table(block: dict) -> str:
    """Distances to the closest training record: synthetic rows against unseen real (holdout) rows."""
    rows = [("synthetic rows &#8594; training records", block.get("synth_to_train")),
            ("holdout rows &#8594; training records (the baseline)", block.get("holdout_to_train"))]
    body = "".join(f"<tr><td>{label}</td>" + "".join(f"<td class='num'>{_fmt(q.get(k))}</td>"
                                                        for k in ("p5", "median", "mean")) + "</tr>"
                   for label, q in rows if isinstance(q, dict))
    note = ("Synthetic rows should be no closer to the training records than unseen real rows are: a synthetic "
            "median well below the holdout one means copying." if isinstance(block.get("holdout_to_train"), dict)
            else "Give --holdout FILE for the baseline: how close unseen real rows are to the training records.")
    return ("<table class='small'><tr><th>distance to the closest training record</th><th>5th percentile</th>"
            f"<th>median</th><th>mean</th></tr>{body}</table><p class='muted'>{note}</p>")


def _tstr_tables(block: dict) -> str:
    """The two models' scores on the holdout, and each feature's permutation importance in both."""
    syn, real, ratios = block.get("synthetic") or {}, block.get("real") or {}, block.get("ratios") or {}
    headline = block.get("metric")
    body = "".join(f"<tr><td>{escape(_label(k))}{' (headline)' if k == headline else ''}</td>"
                   f"<td class='num'>{_fmt(syn.get(k))}</td><td class='num'>{_fmt(real.get(k))}</td>"
                   f"<td class='num'>{_fmt(ratios.get(k))}</td></tr>" for k in real)
    out = ("<table class='small'><tr><th>score on the real holdout</th><th>model trained on synthetic</th>"
           f"<th>model trained on real</th><th>ratio</th></tr>{body}</table>")
    imp = block.get("feature_importance_agreement")
    if isinstance(imp, dict) and isinstance(imp.get("real"), dict):
        real_imp, syn_imp = imp["real"], imp.get("synthetic") or {}
        order = sorted(real_imp, key=lambda f: -(real_imp[f] or 0.0))
        body = "".join(f"<tr><td>{escape(f)}</td><td class='num'>{_fmt(real_imp.get(f))}</td>"
                       f"<td class='num'>{_fmt(syn_imp.get(f))}</td></tr>" for f in order)
        out += (f"<p class='muted'>Permutation importance of each feature (drop in the model's score when the "
                f"feature is shuffled; {imp.get('n_rows')} holdout rows, {imp.get('n_repeats')} repeats), most "
                f"important for the real model first. Rank correlation: {_fmt(imp.get('spearman'))}.</p>"
                "<table class='small'><tr><th>feature</th><th>real model</th><th>synthetic model</th></tr>"
                f"{body}</table>")
    return out


#: blocks with tables of their own: name -> (keys the tables show, the function drawing them)
_DETAIL_TABLES = {"dcr": (("synth_to_train", "holdout_to_train"), _dcr_table),
                  "tstr": (("synthetic", "real", "ratios", "feature_importance_agreement"), _tstr_tables)}


def _label(key: str) -> str:
    """``share_closer_to_train`` -> ``share closer to train`` (abbreviations kept)."""
    if key in _WHOLE_LABELS:
        return _WHOLE_LABELS[key]
    words = str(key).replace("_", " ")
    for short, long in (("ci", "95% interval"), ("tvd", "TVD"), ("ks", "KS"), ("auc", "AUC"), ("dcr", "DCR"),
                        ("tpr", "TPR"), ("fpr", "FPR"), ("mi", "MI"), ("roc", "ROC"), ("f1", "F1"), ("r2", "R²"),
                        ("mae", "MAE"), ("sd", "SD"), ("1pct", "1%"), ("p95", "95th percentile of the")):
        words = " ".join(long if w == short else w for w in words.split(" "))
    return words


#: keys whose words alone do not say what they are
_WHOLE_LABELS = {"aux_cols": "columns known to the attacker", "n_rows": "rows used",
                 "exact_match_excess": "exact match rate beyond the baseline (judged)",
                 "train_repeat_rate": "training rows equal to another training row",
                 "exact_match_rate_holdout": "holdout rows equal to a training row (the baseline)"}


def _glossary(d: dict) -> str:
    rows = "".join(f"<tr><td><code>{escape(k)}</code></td><td>{escape(v['section'])}</td><td>{escape(v['what'])}"
                   f"</td><td>{escape(v['good'])}</td></tr>" for k, v in d["explanations"].items())
    return f"<table><tr><th>metric</th><th>section</th><th>what it measures</th><th>good</th></tr>{rows}</table>"


def _fmt(value: Any) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list) and len(value) == 2:
        return f"[{_fmt(value[0])}, {_fmt(value[1])}]"
    return escape(str(value))
