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
import logging
import sys
import warnings
from collections.abc import Sequence

from bayes_synth import __version__
from bayes_synth.cli.check import _add_check, cmd_check
from bayes_synth.cli.console import PROG, _describe, _print_err, _setup_logging, _show_warning, broken_pipe
from bayes_synth.cli.demo import (
    ADULT_HEADER,
    ADULT_ROWS,
    DEMO_CATEGORICAL,
    DEMO_DIR,
    DEMO_MODEL,
    DEMO_SYNTHETIC,
    _add_demo,
    cmd_demo,
)
from bayes_synth.cli.modelling import _add_fit, _add_sample, cmd_fit, cmd_sample, fit_summary
from bayes_synth.cli.report import _add_report, cmd_report, verdict_lines
from bayes_synth.errors import BayesSynthError, DSLError

__all__ = ["ADULT_HEADER", "ADULT_ROWS", "DEMO_CATEGORICAL", "DEMO_DIR", "DEMO_MODEL", "DEMO_SYNTHETIC", "PROG",
           "broken_pipe", "build_parser", "cmd_check", "cmd_demo", "cmd_fit", "cmd_report", "cmd_sample",
           "fit_summary", "main", "verdict_lines"]


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
