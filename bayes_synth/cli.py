"""The ``bayes-synth`` command: a thin argparse layer over the Python API.

::

    bayes-synth fit DATA -o MODEL [--epsilon E] [--delta D] [--schema FILE.json] [--max-parents K]
                                  [--bins B] [--seed S] [--force] [--quiet]
    bayes-synth sample MODEL -n N -o OUT [--seed S] [--force] [--quiet]
    bayes-synth report REAL SYNTHETIC -o OUTDIR [--holdout H] [--target COL] [--fail-on poor|fair] ...
    bayes-synth demo [-o OUTDIR] [--epsilon E] [-n ROWS] [--seed S] [--quiet]
    bayes-synth check RULES DATA [--json] [--quiet]

Exit codes: 0 success, 1 ``check`` found rows that break the rules (or ``report --fail-on`` found a
metric judged that bad; the report is written first), 2 a usage error or any
bayes_synth error (one line on stderr, ``bayes-synth: error: ...``; constraints-file errors are shown
as the DSL diagnostics), 130 interrupted, 141 the reader of the output went away (``... | head``: no
message). Warnings are shown as ``bayes-synth: warning: ...``.
No output ever replaces an input; an existing output is replaced only with ``--force`` (``demo``
replaces its own earlier outputs, nothing else). Heavy modules are imported inside the commands so
that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import sys
import warnings
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from bayes_synth import __version__
from bayes_synth.errors import BayesSynthError, DSLError, IngestError, OutputError

PROG = "bayes-synth"
#: Rows of the bundled Adult file (a public constant of that file, not read from the data).
ADULT_ROWS = 32_561
DEMO_DIR = "bayes_synth_demo"
DEMO_MODEL = "adult_model.json"
DEMO_SYNTHETIC = "adult_synthetic.csv"
DEMO_CATEGORICAL = ("workclass", "education", "race", "sex", "income")
ADULT_HEADER = ("age,workclass,fnlwgt,education,education-num,marital-status,occupation,"
                "relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income")
_MAX_OWN_MODEL_BYTES = 50_000_000
_SHOWN_COLUMNS = 12


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error (2), --help or --version (0)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    handler, old_level = _setup_logging(args.verbose, args.quiet)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return args.func(args)
    except KeyboardInterrupt:
        _print_err("interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (`bayes-synth inspect MODEL | head`): stop quietly
        return broken_pipe()
    except DSLError as exc:  # compiler-style diagnostics keep their lines and carets
        print(str(exc), file=sys.stderr, flush=True)
        return 2
    except (BayesSynthError, OSError) as exc:
        _print_err(f"error: {_describe(exc)}")
        return 2
    finally:
        package_logger = logging.getLogger("bayes_synth")
        package_logger.removeHandler(handler)
        package_logger.setLevel(old_level)


# ---------------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``bayes-synth`` (one sub-command per verb)."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Differentially private synthetic tables from Bayesian networks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars and no summary (errors and warnings still shown)")
    common.add_argument("-v", "--verbose", action="store_true", help="show debug log messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_fit(sub, common)
    _add_sample(sub, common)
    _add_report(sub, common)
    _add_demo(sub, common)
    _add_check(sub, common)
    from bayes_synth.inspect.cli import add_audit, add_inspect  # the auditor's commands

    add_inspect(sub, common)
    add_audit(sub, common)
    return parser


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


def _quoted(path: str | os.PathLike[str]) -> str:
    import shlex

    return shlex.quote(str(path))


def _add_demo(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="fit and sample the bundled Adult data",
                       description="Fit the bundled UCI Adult data, sample it, and compare "
                                   "real and synthetic marginals.")
    p.add_argument("-o", "--output-dir", metavar="OUTDIR", default=DEMO_DIR,
                   help=f"folder for {DEMO_MODEL} and {DEMO_SYNTHETIC} (default: ./{DEMO_DIR})")
    p.add_argument("--epsilon", type=_epsilon, default=1.0, help="privacy budget (default: 1.0)")
    p.add_argument("-n", "--rows", type=_non_negative_int, default=ADULT_ROWS, metavar="ROWS",
                   help=f"synthetic rows (default: {ADULT_ROWS:,}, the size of the real file)")
    p.add_argument("--seed", type=_non_negative_int, metavar="S",
                   help="fix the noise and the sampling (the model is stamped 'not for release')")
    p.set_defaults(func=cmd_demo)


def _add_check(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[common], help="check a table against a constraints file",
                       description="Count the rows of a table that break each rule and column declaration "
                                   "of a constraints file (counts only, never cell values). Exit code 0 when "
                                   "everything holds, 1 when some rows break a rule, 2 on errors.")
    p.add_argument("rules", metavar="RULES", help="the constraints file (.bsc)")
    p.add_argument("data", metavar="DATA", help="the table to check (.csv, .parquet or .pq)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)


def _epsilon(text: str) -> float:
    value = _float(text)
    if math.isnan(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"epsilon must be a number in (0, inf] ('inf' for no noise, not DP); got {text!r}")
    return value


def _delta(text: str) -> float:
    value = _float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"delta must be a number in [0, 1); got {text!r}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more; got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more; got {text!r}")
    return value


# -------------------------------------------------------------------------------------- commands
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


def cmd_demo(args: argparse.Namespace) -> int:
    """``bayes-synth demo``: fit the bundled Adult data, sample it and compare the marginals."""
    from bayes_synth.io import write_table
    from bayes_synth.modelfile import save_model
    from bayes_synth.synthesizer import Synthesizer

    outdir = Path(args.output_dir)
    model_path, table_path = outdir / DEMO_MODEL, outdir / DEMO_SYNTHETIC
    with contextlib.ExitStack() as stack:
        data = stack.enter_context(_bundled("adult.csv"))
        schema_path = stack.enter_context(_bundled("adult_schema.json"))
        schema = _read_schema(schema_path)
        outdir.mkdir(parents=True, exist_ok=True)
        _check_demo_target(model_path, _is_model_file)
        _check_demo_target(table_path, _is_demo_table)
        synth = Synthesizer(epsilon=args.epsilon, schema=schema, random_state=args.seed,
                            progress=not args.quiet).fit(data)
        save_model(synth.model_, model_path, force=True, inputs=[data, schema_path])
        frame = synth.sample(args.rows, random_state=args.seed)
        write_table(frame, table_path, inputs=[data, schema_path], force=True)
        if not args.quiet:
            print("\n".join(fit_summary(synth, model_path)))
            print(f"Wrote {len(frame):,} synthetic rows to '{table_path}'.\n")
            print(_demo_report(data, schema, synth, frame))
            print(f"\nNext, the full quality and risk report (similarity, utility, privacy; HTML and JSON):\n"
                  f"  {PROG} report {_quoted(data)} {_quoted(table_path)} -o {_quoted(outdir / 'report')}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``bayes-synth check``: count the rows of DATA that break the rules of RULES."""
    from bayes_synth.constraints import read_checked_table
    from bayes_synth.dsl import check, load_constraints
    from bayes_synth.dsl.evaluate import check_table
    from bayes_synth.errors import DSLError
    from bayes_synth.ingest import read_table

    try:
        rules = load_constraints(args.rules)
        raw = read_table(args.data)
        # formatted columns parsed ("$1,234.50" read as 1234.5), kinds converted, nothing clipped or dropped
        frame, schema, ingest = read_checked_table(rules, raw)
        check(rules, schema).raise_for_errors()
        malformed = _malformed(rules, raw)  # values not of their declared type or format
        report = check_table(rules, frame, unparseable=_unreadable(rules, raw, frame, ingest.unparseable, malformed),
                             malformed=malformed)
    except DSLError as exc:  # the compiler-style diagnostics, as written
        print(str(exc), file=sys.stderr, flush=True)
        return 2
    lines = [json.dumps(report.to_dict(), indent=2)] if args.json else report.lines()
    if not (args.json or args.quiet):
        lines.append(report.summary())
    if lines:
        print("\n".join(lines))
    return 0 if report.ok else 1


def _malformed(rules: Any, raw: Any) -> dict[str, Any]:
    """Per column declared ``as TYPE`` or with a ``format``: the rows whose value is not of it (masks)."""
    from bayes_synth.semantic.plan import plan_semantics
    from bayes_synth.semantic.validate import malformed_rows

    semantics = plan_semantics(raw, rules, detect=False)
    return malformed_rows(semantics, raw, {c.name: c.missing for c in rules.columns})


def _unreadable(rules: Any, raw: Any, frame: Any, counts: dict[str, int], malformed: dict[str, Any]) -> dict[str, Any]:
    """The cells ingest could not read as their kind, as row masks (filled in the table, missing after reading;
    those already reported as badly formatted left out), or its counts where the two disagree."""
    from bayes_synth.ingest import DEFAULT_MISSING
    from bayes_synth.semantic.plan import _missing

    markers = {c.name: c.missing for c in rules.columns}
    out: dict[str, Any] = {}
    for name, count in counts.items():
        if not count or name not in raw.columns or name not in frame.columns:
            out[name] = count
            continue
        mask = ~_missing(raw[name], (*DEFAULT_MISSING, *markers.get(name, ()))) & frame[name].isna().to_numpy()
        if name in malformed:
            mask &= ~malformed[name]
        out[name] = mask if int(mask.sum()) == count or name in malformed else count
    return out


# --------------------------------------------------------------------------------------- helpers
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


@contextlib.contextmanager
def _bundled(name: str):
    """A real file path for a file of ``bayes_synth/data``."""
    with resources.as_file(resources.files("bayes_synth") / "data" / name) as path:
        if not Path(path).is_file():
            raise IngestError(f"The bundled demo file '{name}' is missing from the installation "
                              f"(looked for '{path}'); reinstall bayes-synth.")
        yield Path(path)


def _check_demo_target(path: Path, is_ours: Any) -> None:
    """The demo replaces its own earlier outputs, never another file."""
    if os.path.lexists(path) and not (path.is_file() and not path.is_symlink() and is_ours(path)):
        raise OutputError(f"'{path}' exists and is not an output of an earlier demo run; "
                          "choose another folder with -o.")


def _is_model_file(path: Path) -> bool:
    from bayes_synth.errors import ModelFormatError
    from bayes_synth.jsonio import loads_strict
    from bayes_synth.modelfile import FORMAT

    if path.stat().st_size > _MAX_OWN_MODEL_BYTES:
        return False
    try:
        data = loads_strict(path.read_bytes(), source=str(path))
    except ModelFormatError:
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def _is_demo_table(path: Path) -> bool:
    with open(path, "rb") as handle:
        first = handle.readline(4096)
    return first.decode("utf-8", errors="replace").rstrip("\r\n") == ADULT_HEADER


def _demo_report(data: Path, schema: Any, synth: Any, frame: Any) -> str:
    """Read the real data again (locally) and compare its marginals with the synthetic rows."""
    from bayes_synth.ingest import prepare, read_table
    from bayes_synth.summary import format_report

    real, typed_schema, _ = prepare(read_table(data), schema)
    numeric = [name for name, spec in typed_schema.items() if spec.is_numeric]
    categorical = [name for name in DEMO_CATEGORICAL if name in real.columns]
    return format_report(real, frame, numeric=numeric, categorical=categorical)


# ---------------------------------------------------------------------------------- error output
def _setup_logging(verbose: bool, quiet: bool) -> tuple[logging.Handler, int]:
    """Send ``bayes_synth`` log records to stderr for this run; returns what to undo."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s: %(message)s"))
    logger = logging.getLogger("bayes_synth")
    old_level = logger.level
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    logger.addHandler(handler)
    return handler, old_level


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    _print_err(f"warning: {_one_line(str(message))}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, BayesSynthError) and exc.strerror:
        where = f" '{exc.filename}'" if exc.filename else ""
        return f"cannot access{where}: {exc.strerror}"
    return _one_line(str(exc)) or type(exc).__name__


def _one_line(text: str) -> str:
    """Join a multi-line message ("Problem:\\n  - a\\n  - b") into "Problem: a; b"."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0]} " + "; ".join(ln.removeprefix("- ") for ln in lines[1:])


def broken_pipe() -> int:
    """After stdout's reader closed the pipe: point stdout at /dev/null, so that Python's final flush of
    the unwritten rest does not print a second error at exit, and return 141 (128 + SIGPIPE, what a
    command killed by SIGPIPE reports, as ``yes | head`` does)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced by an object without a file descriptor
        pass
    return 141


def _print_err(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
