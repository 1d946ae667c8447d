"""The privacy ledger: every use of the private data, with its mechanism, sensitivity and budget.

Budget arithmetic is exact (``fractions.Fraction``) so that "the total never exceeds the budget" is a
statement about numbers, not about floating-point rounding. ``epsilon = inf`` is the explicit no-noise
mode: nothing is charged, and every entry is stamped ``not DP``.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from bayes_synth.errors import BudgetExceededError, ParameterError

#: Every kind of query the ledger may hold; docs/privacy.md has one section per kind (test DP-1).
QUERY_KINDS = (
    "row_count",
    "bounds",
    "categories",
    "histogram",
    "structure",
    "counts",
    "combinations",
    "metadata",
    "disclosure_filter",
)


def check_epsilon(epsilon: Any) -> float:
    """Validate a user's epsilon: a real number in (0, inf].

    >>> check_epsilon(1)
    1.0
    """
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise ParameterError(
            f"The 'epsilon' parameter must be a number in (0, inf]; got {epsilon!r}. "
            "Use epsilon=float('inf') for no noise."
        )
    eps = float(epsilon)
    if math.isnan(eps) or eps <= 0:
        raise ParameterError(
            f"The 'epsilon' parameter must be a number in (0, inf]; got {epsilon!r}. "
            "Use epsilon=float('inf') for no noise."
        )
    return eps


def check_delta(delta: Any) -> float:
    """Validate a user's delta: a real number in [0, 1)."""
    if isinstance(delta, bool) or not isinstance(delta, int | float) or not 0 <= float(delta) < 1:
        raise ParameterError(f"The 'delta' parameter must be a number in [0, 1); got {delta!r}.")
    return float(delta)


@dataclass(frozen=True)
class Entry:
    """One use of the data: what was measured, how, and what it cost."""

    step: int
    query_kind: str
    columns: tuple[str, ...]
    mechanism: str
    sensitivity: float
    epsilon: Fraction
    delta: Fraction
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["columns"] = list(self.columns)
        d["epsilon"] = _frac_str(self.epsilon)
        d["delta"] = _frac_str(self.delta)
        d["epsilon_float"] = float(self.epsilon)
        d["delta_float"] = float(self.delta)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        """Rebuild an entry from a model file, rejecting impossible values."""
        for key in ("epsilon", "delta"):
            if not isinstance(d[key], str) or not _FRACTION.fullmatch(d[key]):
                raise ValueError(f"ledger entry {key} must be a fraction such as '1/50'; got {str(d[key])[:40]!r}")
        if d["query_kind"] not in QUERY_KINDS:
            raise ValueError(f"ledger entry has unknown query_kind {d['query_kind']!r}")
        if Fraction(d["epsilon"]) < 0 or Fraction(d["delta"]) < 0:
            raise ValueError("ledger entry has a negative epsilon or delta")
        if not _plain_number(d["sensitivity"]) or d["sensitivity"] < 0:
            raise ValueError("ledger entry sensitivity must be a finite number >= 0")
        if not isinstance(d["columns"], list):
            raise ValueError("ledger entry 'columns' must be a list")
        return cls(
            step=int(d["step"]),
            query_kind=str(d["query_kind"]),
            columns=tuple(str(c) for c in d["columns"]),
            mechanism=str(d["mechanism"]),
            sensitivity=float(d["sensitivity"]),
            epsilon=Fraction(d["epsilon"]),
            delta=Fraction(d["delta"]),
            note=str(d.get("note", "")),
        )


def _plain_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and abs(x) < 1e300


_FRACTION = re.compile(r"\d{1,60}(/\d{1,60})?")


def _frac_str(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


class Ledger:
    """An append-only record of data uses against a fixed (epsilon, delta) budget.

    >>> led = Ledger(epsilon=1.0)
    >>> _ = led.charge("row_count", (), "geometric", 1, Fraction(1, 100))
    >>> float(led.spent_epsilon)
    0.01
    """

    def __init__(self, epsilon: float, delta: float = 0.0):
        self.epsilon = check_epsilon(epsilon)
        self.delta = check_delta(delta)
        self.entries: list[Entry] = []

    @property
    def private(self) -> bool:
        """False in the explicit no-noise mode (epsilon = inf)."""
        return math.isfinite(self.epsilon)

    @property
    def budget(self) -> Fraction:
        """The epsilon budget as an exact fraction (only defined when private)."""
        return Fraction(self.epsilon)

    @property
    def void(self) -> bool:
        """True once a disclosure filter has read the real data to cut synthetic rows: no DP guarantee."""
        return any(e.query_kind == "disclosure_filter" for e in self.entries)

    @property
    def spent_epsilon(self) -> Fraction:
        return sum((e.epsilon for e in self.entries), Fraction(0))

    @property
    def spent_delta(self) -> Fraction:
        return sum((e.delta for e in self.entries), Fraction(0))

    def charge(
        self,
        query_kind: str,
        columns: tuple[str, ...],
        mechanism: str,
        sensitivity: float,
        epsilon: Fraction,
        delta: Fraction = Fraction(0),
        note: str = "",
    ) -> Entry:
        """Record a use of the data, refusing any that would exceed the budget."""
        if query_kind not in QUERY_KINDS:
            raise ValueError(f"unknown ledger query kind {query_kind!r}")
        if not math.isfinite(sensitivity) or sensitivity < 0:
            raise ValueError(f"sensitivity must be finite and >= 0; got {sensitivity!r}")
        if self.private:
            if self.spent_epsilon + epsilon > self.budget:
                raise BudgetExceededError(
                    f"Charging epsilon={float(epsilon):.6g} for {query_kind} on {list(columns)} would "
                    f"exceed the budget {self.epsilon:g} (already spent {float(self.spent_epsilon):.6g})."
                )
            if self.spent_delta + delta > Fraction(self.delta):
                raise BudgetExceededError(
                    f"Charging delta={float(delta):.3g} for {query_kind} on {list(columns)} would exceed "
                    f"the delta budget {self.delta:g}."
                )
        entry = Entry(len(self.entries), query_kind, tuple(columns), mechanism, float(sensitivity),
                      Fraction(epsilon), Fraction(delta), note)
        self.entries.append(entry)
        return entry

    def to_dict(self) -> dict[str, Any]:
        return {
            "epsilon": self.epsilon if self.private else "inf",
            "delta": self.delta,
            "private": self.private,
            "dp_guarantee": "void" if self.void else ("none (epsilon = inf)" if not self.private else "holds"),
            "spent_epsilon": _frac_str(self.spent_epsilon),
            "spent_delta": _frac_str(self.spent_delta),
            "entries": [e.to_dict() for e in self.entries],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ledger:
        """Rebuild a ledger from a model file; the budget must be a plain number (or "inf")."""
        eps, delta = d["epsilon"], d["delta"]
        if eps != "inf" and not _plain_number(eps):
            raise ValueError(f"the ledger budget must be a finite number or 'inf'; got {str(eps)[:40]!r}")
        if not _plain_number(delta):
            raise ValueError(f"the ledger delta must be a number; got {str(delta)[:40]!r}")
        led = cls(float("inf") if eps == "inf" else float(eps), float(delta))
        if d.get("private") is not led.private:
            raise ValueError("the ledger's 'private' flag disagrees with its budget")
        led.entries = [Entry.from_dict(e) for e in d["entries"]]
        return led

    def to_frame(self):
        """The ledger as a pandas DataFrame, one row per data use."""
        import pandas as pd

        rows = [
            {**e.to_dict(), "epsilon": float(e.epsilon), "delta": float(e.delta)} for e in self.entries
        ]
        cols = ["step", "query_kind", "columns", "mechanism", "sensitivity", "epsilon", "delta", "note"]
        return pd.DataFrame(rows, columns=cols)

    def __repr__(self) -> str:
        mode = f"epsilon={self.epsilon:g}" if self.private else "NOT DP (epsilon=inf)"
        spent = float(self.spent_epsilon)
        return f"Ledger({mode}, delta={self.delta:g}, spent={spent:.6g}, entries={len(self.entries)})"
