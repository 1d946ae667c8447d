"""What ``bayes-synth`` prints on stderr: its log records, warnings and one-line errors, and the quiet exit
when the reader of its output goes away."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from bayes_synth.errors import BayesSynthError

PROG = "bayes-synth"


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
