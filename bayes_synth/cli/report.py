"""``bayes-synth report``: the quality and risk report of a synthetic table against the real one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bayes_synth.cli.console import PROG, _print_err
from bayes_synth.cli.options import _non_negative_int


def _add_report(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help="quality and risk report: real vs synthetic",
                       description="Compare a synthetic table with the real one: similarity, utility and "
                                   "privacy metrics, written as OUTDIR/report.json and OUTDIR/report.html.")
    p.add_argument("real", metavar="REAL", help="the real table the model was fitted on (.csv or .parquet)")
    p.add_argument("synthetic", metavar="SYNTHETIC", help="the synthetic table")
    p.add_argument("--holdout", metavar="HOLDOUT", help="real rows NOT used for fitting (for utility and the "
                   "holdout privacy comparisons)")
    p.add_argument("--target", metavar="COL", help="a column to predict (train on synthetic, test on real)")
    p.add_argument("-o", "--output-dir", metavar="OUTDIR", required=True, help="folder for the report files")
    p.add_argument("--seed", type=_non_negative_int, default=0, metavar="S", help="seed of the sampled metrics")
    p.add_argument("--attacks", action="store_true", help="also run the singling-out, linkability and inference "
                   "attacks after Anonymeter (needs --holdout; infers --target, else the last column)")
    p.add_argument("--fail-on", choices=("poor", "fair"), metavar="poor|fair", help="for CI gates: exit with code 1 "
                   "(after writing the report) when a metric's verdict is poor, or fair or poor")
    seq = p.add_argument_group("sequence metrics", "for event data, several rows per entity (an account, a "
                               "patient ...): events per entity, gaps between events, event transitions")
    seq.add_argument("--entity", metavar="COL", help="the column naming the entity each row belongs to")
    seq.add_argument("--time", metavar="COL", help="order events by this column (numbers or dates; gaps in days "
                     "for dates); default: the order of the rows (needs --entity)")
    seq.add_argument("--event", metavar="COL", help="a categorical column of event kinds, for the transitions "
                     "(needs --entity)")
    p.set_defaults(func=cmd_report, report_usage=p.format_usage())


def cmd_report(args: argparse.Namespace) -> int:
    """``bayes-synth report``: the quality and risk report of SYNTHETIC against REAL."""
    from bayes_synth.disclosure import read_stamp
    from bayes_synth.ingest import read_table
    from bayes_synth.report.evaluate import evaluate

    if (args.time or args.event) and not args.entity:
        given = [f"--{k}" for k in ("time", "event") if getattr(args, k)]
        print(f"{args.report_usage}{PROG} report: error: {' and '.join(given)} need{'s' * (len(given) == 1)} "
              "--entity COL, the column naming the entity (an account, a patient ...) each row belongs to",
              file=sys.stderr, flush=True)
        return 2
    sequence = {"entity": args.entity, "time": args.time, "event": args.event} if args.entity else None
    real, synthetic = read_table(args.real), read_table(args.synthetic)
    holdout = read_table(args.holdout) if args.holdout else None
    names = {"real_file": str(args.real), "synthetic_file": str(args.synthetic)}
    report = evaluate(real, synthetic, holdout, args.target, seed=args.seed, stamp=read_stamp(args.synthetic),
                      names=names, sequence=sequence, attacks=args.attacks)
    json_path, html_path = report.save(args.output_dir)
    failing = _failing(report.data, args.fail_on)
    if not args.quiet:
        s = report.data["similarity"]
        print(f"Wrote '{json_path}' and '{html_path}'.")
        print(f"  similarity: 1-way TVD {s['tvd_1way']:.3f}, 2-way TVD {s['tvd_2way']:.3f}")
        print("\n".join(verdict_lines(report.data)))
        q = report.data.get("sequence")
        if q:
            shown = [f"{label} TVD {value:.3f}" for label, value in (
                ("events per entity", q["events_per_entity"].get("tvd")), ("gap", q["event_gaps"].get("tvd")),
                ("transition", q["event_transitions"].get("pair_tvd"))) if value is not None]
            print(f"  sequence: {', '.join(shown)}")
        if report.data["dp_guarantee"]["status"] == "void":
            print("  DP guarantee void: a disclosure filter read the real data (see the report).")
    if failing:
        _print_err(f"report: --fail-on {args.fail_on}: {', '.join(failing)}")
        return 1
    return 0


_RANK = {"good": 0, "fair": 1, "poor": 2}


def verdict_lines(data: dict[str, Any]) -> list[str]:
    """One line per area of a report: its worst verdict and the metrics that are not good."""
    from bayes_synth.report.explain import TITLES

    lines = []
    for area in ("similarity", "utility", "privacy", "sequence"):
        mine = {k: v["verdict"] for k, v in data.get("verdicts", {}).items() if v["section"] == area and v["verdict"]}
        if not mine:
            continue
        worst = max(mine.values(), key=_RANK.__getitem__)
        weak = [f"{TITLES.get(k, k)} {v}" for k, v in mine.items() if v != "good"]
        detail = f" ({', '.join(weak)})" if weak else f" (all {len(mine)} good)" if len(mine) > 1 else ""
        lines.append(f"  verdict, {area}: {worst}{detail}")
    return lines


def _failing(data: dict[str, Any], fail_on: str | None) -> list[str]:
    """The metrics whose verdict is at least as bad as ``fail_on`` (none without it)."""
    from bayes_synth.report.explain import TITLES

    if fail_on is None:
        return []
    return [f"{TITLES.get(k, k)} is {v['verdict']}" for k, v in data.get("verdicts", {}).items()
            if v.get("verdict") and _RANK[v["verdict"]] >= _RANK[fail_on]]
