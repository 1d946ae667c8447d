"""``bayes-synth fit`` and ``bayes-synth sample``: learn a model from a table, draw rows from a model."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any

from bayes_synth.cli.console import _print_err
from bayes_synth.cli.options import _delta, _epsilon, _non_negative_int, _positive_int
from bayes_synth.errors import OutputError

_SHOWN_COLUMNS = 12


def _add_fit(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("fit", parents=[common], help="learn a model from a CSV or Parquet table",
                       description="Learn a differentially private model and write it as JSON.")
    p.add_argument("data", metavar="DATA", help="the real table (.csv, .parquet or .pq)")
    p.add_argument("-o", "--output", metavar="MODEL", required=True, help="model file to write")
    p.add_argument("--epsilon", type=_epsilon, default=None,
                   help="total privacy budget in (0, inf]; 'inf' means no noise, NOT DP "
                        "(default: the rules file's 'privacy epsilon', else 1.0)")
    p.add_argument("--delta", type=_delta, default=None,
                   help="delta in [0, 1), only for discovering undeclared categories "
                        "(default: the rules file's, else 0)")
    p.add_argument("--schema", metavar="FILE.json", help="declared public facts per column")
    p.add_argument("--rules", metavar="FILE.bsc",
                   help="constraints file: declarations, formulas and rules every sampled row obeys")
    p.add_argument("--max-parents", type=_non_negative_int, metavar="K",
                   help="most parents per column (default: chosen from the data size and budget)")
    p.add_argument("--bins", type=_positive_int, metavar="B", help="bins per numeric column")
    p.add_argument("--seed", type=_non_negative_int, metavar="S",
                   help="fix the privacy noise (tests only: model stamped 'not for release')")
    p.add_argument("--force", action="store_true", help="replace MODEL if it exists")
    p.set_defaults(func=cmd_fit)


def _add_sample(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sample", parents=[common], help="draw synthetic rows from a model",
                       description="Draw synthetic rows from a model file (no real data is read).")
    p.add_argument("model", metavar="MODEL", help="a model file written by 'bayes-synth fit'")
    p.add_argument("-n", "--rows", type=_non_negative_int, required=True, metavar="N",
                   help="number of rows")
    p.add_argument("-o", "--output", metavar="OUT", required=True,
                   help="table to write: .csv or .parquet")
    p.add_argument("--seed", type=_non_negative_int, metavar="S", help="reproducible sampling")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    risk = p.add_argument_group("disclosure filter (reads the real data: the output has NO DP guarantee)")
    risk.add_argument("--risk-filter", metavar="REAL", help="cut rows too close to a record of REAL or "
                      "equal to a rare combination of it; writes OUT.disclosure.json with the void stamp")
    risk.add_argument("--min-distance", type=float, metavar="D", help="cut rows closer than D (0-1) to a real "
                      "record (default: the rules file's 'privacy min_distance')")
    risk.add_argument("--rare-k", type=int, metavar="K", help="cut rows equal to a real combination seen fewer "
                      "than K times (default: the rules file's 'privacy rare_k')")
    risk.add_argument("--risk-columns", metavar="A,B", help="columns of the rare-combination check (default all)")
    p.set_defaults(func=cmd_sample)


def cmd_fit(args: argparse.Namespace) -> int:
    """``bayes-synth fit``: learn a model from DATA and write it to MODEL."""
    from bayes_synth.io import check_output_path
    from bayes_synth.modelfile import save_model
    from bayes_synth.synthesizer import Synthesizer

    inputs = [args.data] + [f for f in (args.schema, args.rules) if f]
    check_output_path(args.output, inputs=inputs, force=args.force)  # fail before the long work
    schema = _read_schema(args.schema) if args.schema else None
    if args.epsilon is not None and math.isinf(args.epsilon):
        _print_err("warning: --epsilon inf adds no noise: the model is NOT differentially private")
    rules = None
    if args.rules:
        from bayes_synth.dsl import load_constraints

        rules = load_constraints(args.rules)
    synth = Synthesizer(epsilon=args.epsilon, delta=args.delta, schema=schema, constraints=rules,
                        max_parents=args.max_parents, n_bins=args.bins, random_state=args.seed,
                        progress=not args.quiet)
    synth.fit(args.data)
    path = save_model(synth.model_, args.output, force=args.force, inputs=inputs)
    if not args.quiet:
        print("\n".join(fit_summary(synth, path)))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """``bayes-synth sample``: draw N rows from MODEL and write them to OUT (.csv or .parquet)."""
    from bayes_synth.io import TABLE_FORMATS, check_output_path, write_table
    from bayes_synth.synthesizer import load_model

    suffix = Path(args.output).suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise OutputError(f"Cannot write '{args.output}': unsupported extension "
                          f"'{suffix or '(none)'}'; supported: {', '.join(TABLE_FORMATS)}.")
    check_output_path(args.output, inputs=[args.model], force=args.force)
    synth = load_model(args.model)
    _warn_about_model(synth.model_, args.model)
    synth.progress = not args.quiet
    frame = synth.sample(args.rows, random_state=args.seed)
    cut = None
    if args.risk_filter:
        from bayes_synth.disclosure import filter_disclosure
        from bayes_synth.ingest import read_table

        thresholds = synth.model_.settings.get("risk_thresholds") or {}
        frame, cut = filter_disclosure(
            frame, read_table(args.risk_filter),
            min_distance=args.min_distance if args.min_distance is not None else thresholds.get("min_distance"),
            rare_k=args.rare_k if args.rare_k is not None else thresholds.get("rare_k"),
            columns=args.risk_columns.split(",") if args.risk_columns else None, ledger=synth.ledger_)
    path = write_table(frame, args.output, inputs=[args.model] + ([args.risk_filter] if cut else []),
                       force=args.force)
    if cut is not None:
        from bayes_synth.disclosure import write_stamp

        stamp = write_stamp(path, cut, synth.ledger_, synth.model_.model_card())
        print(f"bayes-synth: warning: {cut.message()} Stamp (with the ledger) written to '{stamp}', the "
              f"model card to '{path}.card.md'.", file=sys.stderr)
    if not args.quiet:
        print(f"Wrote {len(frame):,} synthetic rows x {frame.shape[1]} columns to '{path}'.")
    return 0


def fit_summary(synth: Any, path: str | os.PathLike[str]) -> list[str]:
    """Short lines describing a fitted synthesizer: columns, edges, privacy, ingest report."""
    model = synth.model_
    names = model.columns
    shown = ", ".join(names[:_SHOWN_COLUMNS]) + (", ..." if len(names) > _SHOWN_COLUMNS else "")
    k = model.settings.get("max_parents")
    lines = [f"Model written to '{path}'.",
             f"  columns: {len(names)} ({shown})",
             f"  network: {len(model.edges())} edges, at most {k} parent(s) per column",
             f"  privacy: {_privacy_line(model)}"]
    report = getattr(synth, "ingest_report_", None)
    lines += [f"  ingest: {line}" for line in (report.lines() if report is not None else [])]
    return lines


def _privacy_line(model: Any) -> str:
    ledger = model.ledger
    if not ledger.private:
        return "NOT differentially private (epsilon = inf: no noise was added)"
    text = (f"differentially private; epsilon spent {float(ledger.spent_epsilon):.6g} "
            f"of budget {ledger.epsilon:g}")
    if ledger.delta:
        text += f", delta spent {float(ledger.spent_delta):.3g} of {ledger.delta:g}"
    if model.settings.get("seeded"):
        text += "; SEEDED noise: for tests only, not for release"
    return text


def _warn_about_model(model: Any, path: str) -> None:
    if not model.ledger.private:
        _print_err(f"warning: the model '{path}' is NOT differentially private (epsilon = inf)")
    elif model.settings.get("seeded"):
        _print_err(f"warning: the model '{path}' was fitted with a fixed seed; not for release")


def _read_schema(path: str | os.PathLike[str]) -> Any:
    from bayes_synth.jsonio import loads_strict

    return loads_strict(Path(path).read_bytes(), source=f"schema file '{path}'")
