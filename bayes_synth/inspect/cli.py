"""The ``inspect`` and ``audit`` sub-commands (wired into ``bayes-synth`` by :mod:`bayes_synth.cli`).

::

    bayes-synth inspect MODEL [--column COL] [--format text|json|markdown] [--top K]
                              [--graph dot|mermaid|svg|png [--direction LR|TD]] [--card markdown|html]
                              [-o FILE [--force]] [--quiet]
    bayes-synth audit MODEL [--json] [--require-dp] [--quiet]

``inspect`` prints what the model holds and promises (read through the strict loader); with ``--graph``
or ``--card`` it prints (or writes with ``-o``) that picture or the model card instead (``--column`` with
``--graph`` draws that column's neighbourhood; ``--format`` is for the reports only); a PNG picture is
binary, so ``--graph png`` needs ``-o FILE`` (and matplotlib: ``pip install 'bayes_synth[pictures]'``). ``audit``
re-checks the file independently of the loader: exit 0 PASS, 1 FAIL, 2 unreadable file.

Both also run stand-alone: ``python -m bayes_synth.inspect.cli audit MODEL``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from bayes_synth.cli.options import _positive_int

PROG = "bayes-synth"
MAX_TABLE_ROWS = 60


# ---------------------------------------------------------------------------------------- parser
def add_inspect(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``inspect`` to the ``bayes-synth`` sub-commands."""
    p = sub.add_parser("inspect", parents=[common], help="show what a model holds, what drives each column, "
                       "and what it promises", description="Show a model's columns, network, strongest "
                       "dependencies, privacy ledger (total against the budget), flags, rules and versions; "
                       "or one column's explanation and table (--column), a picture of the network (--graph) or "
                       "the model card (--card). Reads only the model file.")
    p.add_argument("model", metavar="MODEL", help="a model file written by 'bayes-synth fit'")
    p.add_argument("--column", metavar="COL", help="explain one column: its parents and children with mutual "
                   "information, and its conditional table; with --graph, draw only the column, its parents and "
                   "its children")
    p.add_argument("--format", choices=("text", "json", "markdown"),
                   help="how to print the report or the column's explanation (default: text); not for --graph "
                        "or --card, which have their own formats")
    p.add_argument("--top", type=_positive_int, default=10, metavar="K",
                   help="strongest dependencies shown (default 10)")
    p.add_argument("--graph", choices=("dot", "mermaid", "svg", "png"),
                   help="output the network as a picture instead (png needs -o FILE and matplotlib)")
    p.add_argument("--direction", choices=("LR", "TD"), default="LR", help="graph direction (default LR)")
    p.add_argument("--card", choices=("markdown", "html"), help="output the model card instead")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of printing it")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_inspect)


def add_audit(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``audit`` to the ``bayes-synth`` sub-commands."""
    p = sub.add_parser("audit", parents=[common], help="re-check a model file: tables, network, ledger, mechanisms",
                       description="Re-check a model file independently of the loader: tables sum to 1, the "
                                   "network is acyclic and matches the tables, the ledger stays within its budget "
                                   "(exact fractions), and every ledger entry's query kind, mechanism and "
                                   "sensitivity are the ones docs/privacy.md documents. Prints PASS or FAIL with "
                                   "one reason per line. Exit code 0 PASS, 1 FAIL, 2 unreadable file.")
    p.add_argument("model", metavar="MODEL", help="the model file to audit")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--require-dp", action="store_true",
                   help="also FAIL a model that is not DP (epsilon = inf), seeded, or whose guarantee is void")
    p.set_defaults(func=cmd_audit)


# -------------------------------------------------------------------------------------- commands
def cmd_inspect(args: argparse.Namespace) -> int:
    """``bayes-synth inspect``: the model's report, one column's explanation, a picture or the card."""
    from bayes_synth.modelfile import load_model_file

    if args.graph and args.card:
        raise _usage("choose one of --graph and --card")
    if args.format and (args.graph or args.card):
        option = f"--graph {args.graph}" if args.graph else f"--card {args.card}"
        raise _usage(f"--format {args.format} sets how the report is printed; {option} has its own format "
                     "(leave out --format, or leave out --graph/--card to get the report)")
    if args.card and args.column:
        raise _usage("the model card covers the whole model and cannot be limited to one column; use --column "
                     "without --card for that column's explanation, or with --graph for its neighbourhood")
    if args.graph == "png" and not args.output:
        raise _usage("--graph png makes a binary picture, which cannot be printed: "
                     "give a file to write it to with -o FILE (e.g. -o network.png)")
    model = load_model_file(args.model)
    fmt = args.format or "text"
    if args.graph == "png":
        from bayes_synth.io import atomic_write_bytes

        path = atomic_write_bytes(args.output, model.graph("png", direction=args.direction, column=args.column),
                                  inputs=[args.model], force=args.force)
        if not args.quiet:
            print(f"Wrote the png graph to '{path}'.")
        return 0
    if args.graph:
        text = model.graph(args.graph, direction=args.direction, column=args.column)
    elif args.card:
        text = model.model_card(args.card)
    elif args.column:
        text = column_report(model, args.column, fmt)
    else:
        text = model_report(model, fmt, k=args.top, title=f"Model '{args.model}'")
    if args.output:
        from bayes_synth.io import atomic_write_text

        path = atomic_write_text(args.output, text if text.endswith("\n") else text + "\n",
                                 inputs=[args.model], force=args.force)
        if not args.quiet:
            what = f"{args.graph} graph" if args.graph else "model card" if args.card else "report"
            print(f"Wrote the {what} to '{path}'.")
    else:
        print(text)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """``bayes-synth audit``: PASS (0), FAIL (1) or unreadable (2), with one reason per line."""
    from bayes_synth.inspect.audit import audit_file

    result = audit_file(args.model, require_dp=args.require_dp)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        lines = result.lines()
        print("\n".join(lines[:1] + [ln for ln in lines[1:] if not ln.startswith("  ok")] if args.quiet else lines))
    return result.exit_code


# --------------------------------------------------------------------------------------- reports
def model_report(model: Any, fmt: str = "text", *, k: int = 10, title: str = "Model") -> str:
    """The whole-model report of ``inspect`` as text, JSON or Markdown."""
    from bayes_synth.inspect.blocks import render
    from bayes_synth.inspect.overview import overview, overview_blocks

    data = overview(model, k=k)
    if fmt == "json":
        return json.dumps(data, indent=2, default=str)
    return render(overview_blocks(data, title=title), fmt)


def column_report(model: Any, column: str, fmt: str = "text") -> str:
    """One column's explanation (parents, children, mutual information) and its conditional table."""
    from bayes_synth.inspect.blocks import Code, Heading, Para, Table, render
    from bayes_synth.inspect.explain import explain, explain_text

    info = explain(model, column)
    frame = model.table(column)
    parents = model.parents(column)
    title = f"P({column} | {', '.join(parents)})" if parents else f"P({column})"
    if fmt == "json":
        split = frame.to_dict(orient="split")
        table = {"title": title, "parents": list(parents), "index": [list(i) if isinstance(i, tuple) else [i]
                                                                      for i in split["index"]],
                 "columns": split["columns"], "values": split["data"]}
        return json.dumps({"explain": info, "table": table}, indent=2, default=str)
    shown = frame.head(MAX_TABLE_ROWS)
    more = len(frame) - len(shown)
    note = [Para(f"... {more} more parent configurations (--format json prints them all)")] if more else []
    if fmt == "markdown":
        names = list(parents) or [""]
        rows = [[*((i,) if not isinstance(i, tuple) else i), *(f"{v:.4f}" for v in row)]
                for i, row in zip(shown.index, shown.to_numpy(), strict=True)]
        right = tuple(range(len(names), len(names) + frame.shape[1]))
        blocks = [Heading(column, 1), Code(explain_text(info)), Heading(title),
                  Table([*names, *map(str, frame.columns)], rows, right=right), *note]
        return render(blocks, "markdown")
    body = shown.to_string(float_format=lambda v: f"{v:.4f}", line_width=120)
    return render([Heading(column, 1), Para(explain_text(info)), Heading(title), Para(body), *note], "text")


# ------------------------------------------------------------------------------------- stand-alone
def build_parser() -> argparse.ArgumentParser:
    """A parser with just ``inspect`` and ``audit`` (the same options as in ``bayes-synth``)."""
    parser = argparse.ArgumentParser(prog=PROG, description="Inspect and audit bayes_synth model files.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="print less")
    common.add_argument("-v", "--verbose", action="store_true", help="show debug log messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_inspect(sub, common)
    add_audit(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``inspect`` or ``audit`` stand-alone; errors print one line and return 2."""
    from bayes_synth.errors import BayesSynthError

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return args.func(args)
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, as bayes-synth does
        from bayes_synth.cli import broken_pipe

        return broken_pipe()
    except (BayesSynthError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)
        return 2


def _usage(message: str) -> Exception:
    from bayes_synth.errors import ParameterError

    return ParameterError(message)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
