"""One renderer for every constraints-file error, in the style of a compiler.

::

    error[E0201]: unknown column 'salray'
     --> payroll.bsc:4:18
      |
    4 | derive net_pay = salray - tax
      |                  ^^^^^^ not a column of the table
      = help: did you mean 'salary'?

Codes are stable: E01xx syntax (the first one stops parsing), E012x includes, E02xx semantic (all
reported in one pass). ``docs/dsl.md`` lists them.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bayes_synth.dsl.ast import Span
from bayes_synth.errors import DSLSemanticError, DSLSyntaxError

TAB_WIDTH = 4


@dataclass(frozen=True)
class Diagnostic:
    """One located problem: a stable ``code``, a one-line ``message``, an optional caret ``label``
    and ``help`` line.

    >>> Diagnostic("E0201", "unknown column 'x'").code
    'E0201'
    """

    code: str
    message: str
    span: Span | None = None
    help: str = ""
    label: str = ""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"did you mean 'column'?"`` for the closest candidate, or ``""`` when none is close.

    >>> did_you_mean("colum", ["column", "rule"])
    "did you mean 'column'?"
    """
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)]
    return f"did you mean '{matches[0]}'?" if matches else ""


def _width(text: str) -> int:
    """Display width: wide East Asian characters take two cells, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _line_of(sources: Mapping[str, str], span: Span) -> str | None:
    text = sources.get(span.file)
    if text is None:
        return None
    lines = text.split("\n")
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    return "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in line)


def _snippet(line: str, span: Span, label: str, gutter: str) -> list[str]:
    """The source line (tabs expanded) and the caret line under columns [column, end_column)."""
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    end = max(min(end, len(line)), start + 1)
    shown = line.expandtabs(TAB_WIDTH)
    before = line[:start].expandtabs(TAB_WIDTH)
    through = line[:end].expandtabs(TAB_WIDTH)
    pad, carets = _width(before), max(_width(through) - _width(before), 1)
    caret_line = " " * pad + "^" * carets + (f" {label}" if label else "")
    return [f"{gutter} |", f"{span.line} | {shown}".rstrip(), f"{gutter} | {caret_line}".rstrip()]


def render(diagnostic: Diagnostic, sources: Mapping[str, str] | None = None) -> str:
    """The diagnostic as compiler-style text; ``sources`` maps file names to their text.

    >>> from bayes_synth.dsl.ast import Span
    >>> print(render(Diagnostic("E0101", "expected a column name, found '='", Span("a.bsc", 1, 8, 1, 9)),
    ...              {"a.bsc": "column = integer"}))
    error[E0101]: expected a column name, found '='
     --> a.bsc:1:8
      |
    1 | column = integer
      |        ^
    """
    out = [f"error[{diagnostic.code}]: {diagnostic.message}"]
    span = diagnostic.span
    gutter = " " * len(str(span.line)) if span else " "
    if span is not None:
        out.append(f"{gutter}--> {span.file}:{span.line}:{span.column}")
        line = _line_of(sources or {}, span)
        if line is not None:
            out.extend(_snippet(line, span, diagnostic.label, gutter))
    if diagnostic.help:
        out.append(f"{gutter} = help: {diagnostic.help}")
    return "\n".join(out)


def render_all(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str] | None = None) -> str:
    """Every diagnostic, separated by blank lines, and a count when there is more than one."""
    text = "\n\n".join(render(d, sources) for d in diagnostics)
    if len(diagnostics) > 1:
        text += f"\n\nerror: {len(diagnostics)} problems in the constraints"
    return text


def syntax_error(diagnostic: Diagnostic, sources: Mapping[str, str] | None = None) -> DSLSyntaxError:
    """The exception for one syntax (or include) problem, rendered."""
    return DSLSyntaxError(render(diagnostic, sources), [diagnostic])


def semantic_error(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str] | None = None) -> DSLSemanticError:
    """The exception for all semantic problems found in one pass, rendered."""
    return DSLSemanticError(render_all(diagnostics, sources), list(diagnostics))
