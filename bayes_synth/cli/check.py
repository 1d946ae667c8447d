"""``bayes-synth check``: count the rows of a table that break the rules of a constraints file."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _add_check(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[common], help="check a table against a constraints file",
                       description="Count the rows of a table that break each rule and column declaration "
                                   "of a constraints file (counts only, never cell values). Exit code 0 when "
                                   "everything holds, 1 when some rows break a rule, 2 on errors.")
    p.add_argument("rules", metavar="RULES", help="the constraints file (.bsc)")
    p.add_argument("data", metavar="DATA", help="the table to check (.csv, .parquet or .pq)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)


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
