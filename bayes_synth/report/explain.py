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
    "exact_match_rate": ("privacy", "share of synthetic rows identical to a training row (all columns)",
                         "close to the rate at which real rows repeat each other; 0 for tables with "
                         "continuous columns"),
    "membership_inference": ("privacy", "a distance-based attack guessing whether a record was in the "
                             "training data: ROC AUC, advantage (max TPR - FPR) and TPR at 1% FPR",
                             "AUC near 0.5 and advantage near 0: the attacker cannot tell"),
    "density_disclosure": ("privacy", "how many real records lie close to each synthetic record; the share "
                           "of synthetic rows with exactly one close real record singles that record out",
                           "a low singling-out share"),
    "dp_guarantee": ("privacy", "whether the synthetic data still carries the model's differential privacy "
                     "guarantee ('void' when a disclosure filter read the real data)", "holds"),
}


def render_markdown() -> str:
    """docs/metrics.md."""
    lines = ["# Report metrics", "",
             "`bayes-synth report REAL SYNTHETIC [--holdout HOLDOUT] [--target COL] -o OUTDIR` and",
             "`bayes_synth.evaluate(real, synthetic, holdout=None, target=None)` compute these metrics; the",
             "result is written as `report.json` (for machines and CI gates) and `report.html` (for people).",
             "Utility needs `--target`; the DCR share, membership inference and TSTR need a holdout (real",
             "rows not used for fitting). The metrics read the real data: they are for the data owner and",
             "are not covered by differential privacy.", ""]
    for section in ("similarity", "utility", "privacy"):
        lines += [f"## {section.capitalize()}", "", "| metric | what it measures | good |", "|---|---|---|"]
        lines += [f"| `{key}` | {what} | {good} |" for key, (sec, what, good) in METRICS.items() if sec == section]
        lines.append("")
    lines += ["Regenerate this page with `python -m bayes_synth.report.explain > docs/metrics.md`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
