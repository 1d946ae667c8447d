"""One-line explanations of every metric in the report, and what "good" is (also docs/metrics.md).

``python -m bayes_synth.report.explain > docs/metrics.md`` regenerates the docs page; a test keeps it
current, so the report and the docs never disagree.
"""

from __future__ import annotations

#: metric key -> (section, what it measures, what good looks like)
METRICS: dict[str, tuple[str, str, str]] = {
    "tvd_1way": ("similarity", "mean total variation distance between real and synthetic single-column "
                 "distributions (numbers in 20 quantile bins of the real data, missing as its own bin)",
                 "0 is identical; below 0.05 is close"),
    "tvd_2way": ("similarity", "the same over every pair of columns: whether relationships survive",
                 "below 0.10 is good; much larger than the 1-way value means dependencies were lost"),
    "tvd_3way": ("similarity", "the same over a seeded sample of column triples", "below 0.15 is good"),
    "column_similarity": ("similarity", "1 - TVD per column, with the Kolmogorov-Smirnov statistic for "
                          "numeric columns", "close to 1 for every column"),
    "mi_difference": ("similarity", "mean absolute difference of the normalised mutual information of "
                      "every pair of columns, real vs synthetic", "0 is identical; below 0.05 is good"),
    "correlation_difference": ("similarity", "mean absolute difference of Pearson correlations of the "
                               "numeric columns", "below 0.05 is good"),
    "tstr": ("utility", "a gradient-boosted model trained on synthetic data and tested on real holdout "
             "data, against the same model trained on real data (train-synthetic-test-real)",
             "a ratio of scores near 1"),
    "importance_agreement": ("utility", "Spearman rank correlation of the two models' permutation feature "
                             "importances", "close to 1: the same features matter"),
    "counting_queries": ("utility", "absolute error of random 2-3 column counting queries (share of rows "
                         "matching), synthetic vs real", "mean below 0.01"),
    "dcr": ("privacy", "distance to closest record: how close synthetic rows are to training rows, "
            "compared with how close unseen holdout rows are", "similar distributions for both"),
    "share_closer_to_train": ("privacy", "share of synthetic rows whose nearest real record is a training "
                              "rather than a holdout record", "50%: the data is no closer to training "
                              "records than to unseen ones; near 100% means copying"),
    "exact_match_rate": ("privacy", "share of synthetic rows identical to a training row (all columns); judged "
                         "by its excess over the rate at which real rows repeat each other (holdout rows "
                         "equal to a training row, else training rows equal to another one); no holdout needed",
                         "no higher than the rate at which real rows repeat each other; 0 for tables with "
                         "continuous columns"),
    "membership_inference": ("privacy", "a distance-based attack guessing whether a record was in the "
                             "training data: ROC AUC, advantage (max TPR - FPR) and TPR at 1% FPR",
                             "AUC near 0.5 and advantage near 0: the attacker cannot tell"),
    "density_disclosure": ("privacy", "how many real records lie close to each synthetic record; the share "
                           "of synthetic rows with exactly one close real record singles that record out",
                           "a low singling-out share"),
    "singling_out": ("privacy", "attack after Anonymeter: predicates built from the synthetic data that isolate "
                     "one synthetic row (on 1 column, and on 3 columns for the multivariate attack) are tried "
                     "on training records and on unseen control records; risk = success on training beyond "
                     "control, rescaled to [0, 1], with a 95% interval", "risk near 0 (the interval reaches 0)"),
    "linkability": ("privacy", "attack after Anonymeter: two halves of a record's columns are linked through the "
                    "nearest synthetic row on each half; risk as for singling out",
                    "risk near 0 (the interval reaches 0)"),
    "inference": ("privacy", "attack after Anonymeter: a secret column (the target, else the last column) is "
                  "guessed from the nearest synthetic row on the other columns; risk as for singling out; "
                  "'weak_attack' when random guessing does as well", "risk near 0 (the interval reaches 0)"),
    "dp_guarantee": ("privacy", "whether the synthetic data still carries the model's differential privacy "
                     "guarantee ('void' when a disclosure filter read the real data)", "holds"),
    "events_per_entity": ("sequence", "how many events (rows) each entity has, real vs synthetic: summaries, "
                          "TVD of the distributions (exact counts when few, else 20 quantile bins of the real "
                          "counts) and the Kolmogorov-Smirnov statistic", "TVD below 0.1 and a small KS statistic"),
    "event_gaps": ("sequence", "time between consecutive events of an entity (dates in days), real vs synthetic: "
                   "summaries, TVD (exact gaps when few, else 20 quantile bins of the real gaps) and the KS statistic",
                   "TVD below 0.1 and a small KS statistic"),
    "event_transitions": ("sequence", "which event follows which within an entity: TVD of the (event, next event) "
                          "pairs, mean TVD of P(next event given the current one) over current states (weighted "
                          "by real frequency) and TVD of the first event", "below 0.1; far above the TVD of "
                          "single events means the order of events was lost"),
}


#: metric key -> the readable name of its headline value (the page's cards, "look at" and the CLI summary)
TITLES: dict[str, str] = {
    "tvd_1way": "1-way TVD", "tvd_2way": "2-way TVD", "tvd_3way": "3-way TVD",
    "mi_difference": "mutual information difference", "correlation_difference": "correlation difference",
    "counting_queries": "counting query error", "tstr": "TSTR / TRTR score ratio",
    "share_closer_to_train": "share closer to train than holdout", "exact_match_rate": "exact match rate",
    "membership_inference": "membership attack AUC", "density_disclosure": "singling-out share (density)",
    "singling_out": "singling-out attack risk", "singling_out_multivariate": "multivariate singling-out attack risk",
    "linkability": "linkability attack risk", "inference": "inference attack risk",
    "events_per_entity": "events per entity TVD", "event_gaps": "gap TVD", "event_transitions": "transition TVD",
}


#: verdict bands: metric key -> (good up to, poor beyond) for the value shown on the page (lower is better;
#: ``tstr`` is a score ratio, higher is better; ``share_closer_to_train`` is judged by its distance to 0.5;
#: ``exact_match_rate`` by its excess over the real rows' own repeat rate; the attacks by their risk).
#: Between the two: fair.
BANDS: dict[str, tuple[float, float]] = {
    "tvd_1way": (0.05, 0.10), "tvd_2way": (0.10, 0.20), "tvd_3way": (0.15, 0.30),
    "mi_difference": (0.05, 0.10), "correlation_difference": (0.05, 0.10), "counting_queries": (0.01, 0.03),
    "tstr": (0.90, 0.75), "share_closer_to_train": (0.05, 0.10), "exact_match_rate": (0.01, 0.05),
    "membership_inference": (0.55, 0.60),
    "density_disclosure": (0.05, 0.10), "singling_out": (0.05, 0.20), "linkability": (0.05, 0.20),
    "inference": (0.05, 0.20), "events_per_entity": (0.10, 0.20), "event_gaps": (0.10, 0.20),
    "event_transitions": (0.10, 0.20),
}


def verdict(key: str, value: float | None) -> str | None:
    """``good``, ``fair`` or ``poor`` for a metric's headline value (None when it has no band or value).

    >>> verdict("tvd_2way", 0.04), verdict("tstr", 0.8), verdict("share_closer_to_train", 0.7)
    ('good', 'fair', 'poor')
    """
    if key not in BANDS or value is None:
        return None
    good, poor = BANDS[key]
    if key == "tstr":
        return "good" if value >= good else "poor" if value < poor else "fair"
    if key == "share_closer_to_train":
        value = abs(value - 0.5)
    return "good" if value <= good else "poor" if value > poor else "fair"


def _band(key: str) -> str:
    if key not in BANDS:
        return ""
    good, poor = BANDS[key]
    if key == "tstr":
        return f"good >= {good:g}, poor < {poor:g}"
    if key == "share_closer_to_train":
        return f"good within {good:g} of 0.5, poor beyond {poor:g}"
    if key == "exact_match_rate":
        return f"excess over the real repeat rate: good <= {good:g}, poor > {poor:g}"
    return f"good <= {good:g}, poor > {poor:g}"


def render_markdown() -> str:
    """docs/metrics.md."""
    lines = ["# Report metrics", "",
             "`bayes-synth report REAL SYNTHETIC [--holdout HOLDOUT] [--target COL] -o OUTDIR` and",
             "`bayes_synth.evaluate(real, synthetic, holdout=None, target=None)` compute these metrics; the",
             "result is written as `report.json` (for machines and CI gates) and `report.html` (for people).",
             "Utility needs `--target`; the DCR share, membership inference and TSTR need a holdout (real",
             "rows not used for fitting); `--attacks` adds the three attacks after Anonymeter (Giomi et al.,",
             "PETS 2023), computed natively because Anonymeter pins numpy < 1.27, and also needs a holdout.",
             "The metrics read the real data: they are for the data owner and are not covered by differential",
             "privacy. For event data (several rows per entity), `--entity COL [--time COL] [--event COL]`",
             "(`sequence={\"entity\": ...}` in Python) enable the sequence section.", "",
             "Each headline value gets a verdict, good, fair or poor, from the bands below (also in",
             "`report.json` under `verdicts`). The command prints the worst verdict of each area; for a CI",
             "gate, `--fail-on poor` exits with code 1 when any metric is poor (`--fail-on fair`: fair or",
             "poor), after writing the report.", ""]
    for section in ("similarity", "utility", "privacy", "sequence"):
        lines += [f"## {section.capitalize()}", "", "| metric | what it measures | good | verdict bands |",
                  "|---|---|---|---|"]
        lines += [f"| `{key}` | {what} | {good} | {_band(key)} |" for key, (sec, what, good) in METRICS.items()
                  if sec == section]
        lines.append("")
    lines += ["Regenerate this page with `python -m bayes_synth.report.explain > docs/metrics.md`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
