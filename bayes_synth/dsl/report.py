"""The result of checking a table against a constraints file: counts per rule and per column check.

A report holds counts only, never a cell value, so it can be shown or logged without leaking data.

>>> report = CheckReport(10, (RuleResult(0, "rule a <= b", None, 3),), ())
>>> report.ok, report.lines()
(False, ['rule a <= b: violated by 3 of 10 rows'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bayes_synth.dsl.ast import Span

#: What each column check counts, as shown in a report line.
CHECKS = {
    "categories": "value(s) outside the declared categories",
    "min": "value(s) below the declared min",
    "max": "value(s) above the declared max",
    "not null": "missing value(s) in a 'not null' column",
    "unique": "row(s) repeating an earlier value of a 'unique' column",
    "derived": "row(s) whose value differs from the formula",
    "kind": "cell(s) that could not be read as the declared kind",
    "format": "value(s) not of the declared type or format",
}
#: row numbers (1 = the first row after the header) shown per failing column check
SHOWN_ROWS = 5


def _where(span: Span | None) -> str:
    return f"{span.file}:{span.line}: " if span is not None else ""


def _place(span: Span | None) -> dict[str, Any] | None:
    return {"file": span.file, "line": span.line, "column": span.column} if span is not None else None


@dataclass(frozen=True)
class RuleResult:
    """One ``rule``: its position among the file's rules (0-based), its text, where it is written, and
    the number of rows where it is False (unknown is not a violation)."""

    index: int
    source: str
    span: Span | None
    violations: int

    def line(self, rows: int) -> str:
        """``file:line: rule ...: violated by N of M rows``."""
        return f"{_where(self.span)}{self.source}: violated by {self.violations} of {rows} rows"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON ready)."""
        return {"index": self.index, "source": self.source, "location": _place(self.span),
                "violations": self.violations}


@dataclass(frozen=True)
class ColumnProblem:
    """One check of a declared or derived column (``check`` is a key of :data:`CHECKS`) and the number
    of rows that fail it."""

    column: str
    check: str
    count: int
    span: Span | None = None
    rows: tuple[int, ...] = ()

    def line(self) -> str:
        """``file:line: column 'x': N value(s) ... (rows 3, 17)``; rows, when known, are 1-based data rows."""
        what = "derived column" if self.check == "derived" else "column"
        shown = ""
        if self.rows:
            more = ", ..." if self.count > len(self.rows) else ""
            shown = f" (row{'s' * (self.count > 1)} {', '.join(map(str, self.rows))}{more})"
        return f"{_where(self.span)}{what} '{self.column}': {self.count} {CHECKS[self.check]}{shown}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON ready); ``rows`` lists the first failing rows (1-based), when known."""
        out = {"column": self.column, "check": self.check, "location": _place(self.span), "count": self.count}
        return {**out, "rows": list(self.rows)} if self.rows else out


@dataclass(frozen=True)
class CheckReport:
    """Counts of rows breaking each rule and each column check of a constraints file.

    ``rules`` lists every rule (also those that hold); ``columns`` every column check made.
    """

    rows: int
    rules: tuple[RuleResult, ...]
    columns: tuple[ColumnProblem, ...]

    @property
    def ok(self) -> bool:
        """True when every rule holds on every row and every column check passes."""
        return all(r.violations == 0 for r in self.rules) and all(c.count == 0 for c in self.columns)

    @property
    def failures(self) -> int:
        """How many rules and column checks fail (on at least one row)."""
        return sum(r.violations > 0 for r in self.rules) + sum(c.count > 0 for c in self.columns)

    def lines(self) -> list[str]:
        """One human-readable line per failing rule or column check, with ``file:line``."""
        out = [r.line(self.rows) for r in self.rules if r.violations]
        return out + [c.line() for c in self.columns if c.count]

    def summary(self) -> str:
        """One closing line: all good, or how many of the rules and how many of the column checks fail.

        >>> CheckReport(4, (RuleResult(0, "rule a <= b", None, 0),), (ColumnProblem("a", "min", 2),)).summary()
        'FAILED: 1 of 1 column check(s) fail on 4 rows; all 1 rule(s) hold.'
        """
        rules, columns = len(self.rules), len(self.columns)
        if self.ok:
            return f"OK: {rules} rule(s) and {columns} column check(s) hold on all {self.rows} rows."
        bad_rules = sum(r.violations > 0 for r in self.rules)
        bad_columns = sum(c.count > 0 for c in self.columns)
        if bad_rules and bad_columns:
            return (f"FAILED: {bad_rules} of {rules} rule(s) and {bad_columns} of {columns} column check(s) fail "
                    f"on {self.rows} rows.")
        if bad_rules:
            return f"FAILED: {bad_rules} of {rules} rule(s) fail on {self.rows} rows; all {columns} column " \
                   "check(s) pass."
        return f"FAILED: {bad_columns} of {columns} column check(s) fail on {self.rows} rows; all {rules} rule(s) " \
               "hold."

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON ready): ``ok``, ``rows``, ``rules`` and ``columns``."""
        return {"ok": self.ok, "rows": self.rows, "rules": [r.to_dict() for r in self.rules],
                "columns": [c.to_dict() for c in self.columns]}
