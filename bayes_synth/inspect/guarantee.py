"""What a model's ledger says about its privacy: the guarantee, the flags and where every fact came from.

Shared by the model card, ``bayes-synth inspect`` and the audit, so they always agree:

- :func:`status`: DP or not, seeded or not, guarantee void or not, with the exact totals;
- :func:`budget_by_kind`: the ledger summed per query kind (exact fractions);
- :func:`provenance`: what was declared public, estimated under DP, read exactly, or assumed public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bayes_synth.privacy.ledger import QUERY_KINDS, Ledger

if TYPE_CHECKING:
    from bayes_synth.model import Model

NEIGHBOURING = "add/remove one record"
UNIT = "one row"
NOT_DP = "NOT DP (epsilon = inf)"
SEEDED = "seeded noise: for tests only, not for release"
SEED_UNKNOWN = ("noise source unknown: $.settings.seeded is missing or not true/false; treat the model as seeded, "
                "not for release")
VOID = "DP guarantee void: a disclosure filter read the real data"
_EXACT = "exact (not DP)"


@dataclass(frozen=True)
class Status:
    """The privacy status of a model, from its ledger and settings."""

    private: bool
    seeded: bool
    void: bool
    epsilon: float
    delta: float
    spent_epsilon: Fraction
    spent_delta: Fraction
    seed_unknown: bool = False  # the settings do not say (true/false) whether the noise was seeded

    @property
    def verdict(self) -> str:
        """One phrase: ``differentially private``, ``NOT DP (epsilon = inf)`` or ``DP guarantee void``."""
        if self.void:
            return "DP guarantee void"
        return "differentially private" if self.private else NOT_DP

    @property
    def flags(self) -> list[str]:
        """Everything an auditor must be warned about (empty for a releasable DP model)."""
        out = []
        if not self.private:
            out.append(NOT_DP)
        if self.seeded:
            out.append(SEEDED)
        if self.seed_unknown:
            out.append(SEED_UNKNOWN)
        if self.void:
            out.append(VOID)
        return out

    @property
    def guarantee(self) -> str:
        """The formal statement, e.g. ``(epsilon = 1, delta = 0)-DP under add/remove one record``."""
        if not self.private:
            return "none: no noise was added (epsilon = inf)"
        text = (f"(epsilon = {self.epsilon:g}, delta = {self.delta:g})-differential privacy, "
                f"neighbouring tables: {NEIGHBOURING}, unit of privacy: {UNIT}")
        return text + (" -- void: a disclosure filter read the real data" if self.void else "")

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "private": self.private, "seeded": self.seeded,
                "seed_unknown": self.seed_unknown, "void": self.void,
                "epsilon": self.epsilon if self.private else "inf", "delta": self.delta,
                "spent_epsilon": _frac(self.spent_epsilon), "spent_delta": _frac(self.spent_delta),
                "neighbouring": NEIGHBOURING, "unit_of_privacy": UNIT, "guarantee": self.guarantee,
                "flags": self.flags}


def status(model: Model) -> Status:
    """The privacy status of a :class:`~bayes_synth.model.Model`.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> status(tiny_model()).verdict, status(tiny_model(float("inf"))).flags
    ('differentially private', ['NOT DP (epsilon = inf)'])
    """
    led: Ledger = model.ledger
    settings = model.settings if isinstance(model.settings, dict) else {}
    seeded = settings.get("seeded")
    return Status(led.private, seeded is True, led.void, led.epsilon, led.delta, led.spent_epsilon, led.spent_delta,
                  seed_unknown=not isinstance(seeded, bool))


def budget_by_kind(ledger: Ledger) -> list[dict[str, Any]]:
    """One row per query kind present (in the documented order): entries, epsilon, delta, share.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> [(r["query_kind"], r["epsilon"]) for r in budget_by_kind(tiny_model().ledger)][:3]
    [('row_count', '1/50'), ('histogram', '1/10'), ('structure', '1/4')]
    """
    out = []
    budget = ledger.budget if ledger.private else None
    for kind in QUERY_KINDS:
        entries = [e for e in ledger.entries if e.query_kind == kind]
        if not entries:
            continue
        eps = sum((e.epsilon for e in entries), Fraction(0))
        out.append({"query_kind": kind, "entries": len(entries), "epsilon": _frac(eps), "epsilon_float": float(eps),
                    "delta": _frac(sum((e.delta for e in entries), Fraction(0))),
                    "share_of_budget": float(eps / budget) if budget else None,
                    "mechanisms": sorted({e.mechanism for e in entries})})
    return out


def provenance(model: Model) -> dict[str, list[dict[str, Any]]]:
    """Where each published fact came from: ``declared`` (public, free), ``dp`` (estimated under DP),
    ``exact`` (read from the data without noise: the not-DP mode) and ``assumed_public`` (taken from the
    input and treated as public: ``metadata`` entries).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> p = provenance(tiny_model())
    >>> [d["fact"] for d in p["dp"]][:2], p["assumed_public"]
    (['row count', 'fine-grid histogram (bins, within-bin draws)'], [])
    """
    entries = model.ledger.entries
    learned: dict[str, set[str]] = {c: set() for c in model.columns}
    for e in entries:
        if e.query_kind in ("bounds", "categories"):
            for c in e.columns:
                learned.setdefault(c, set()).add(e.query_kind)
    declared = []
    for name, spec in model.schema.items():
        facts = ["kind"]
        if spec.is_numeric and "bounds" not in learned.get(name, ()):
            facts.append("bounds")
        if spec.kind == "categorical" and "categories" not in learned.get(name, ()):
            facts.append("categories")
        declared.append({"column": name, "facts": [*facts, "nullability"]})
    assumed_cols = {c for e in entries if e.query_kind == "metadata" for c in e.columns}
    for d in declared:
        if d["column"] in assumed_cols:
            d["facts"] = [f for f in d["facts"] if f != "kind"]
    out: dict[str, list[dict[str, Any]]] = {"declared": [d for d in declared if d["facts"]], "dp": [], "exact": [],
                                            "assumed_public": []}
    for kind in QUERY_KINDS:
        group = [e for e in entries if e.query_kind == kind]
        if not group:
            continue
        if kind in ("metadata", "disclosure_filter"):
            for e in group:
                target = "assumed_public" if kind == "metadata" else "exact"
                out[target].append({"fact": e.note or kind, "query_kind": kind, "columns": list(e.columns)})
            continue
        exact = [e for e in group if e.mechanism == _EXACT]
        noisy = [e for e in group if e.mechanism != _EXACT]
        for target, sub in (("dp", noisy), ("exact", exact)):
            if sub:
                cols = sorted({c for e in sub for c in e.columns}, key=_position(model))
                out[target].append({"fact": _FACTS[kind], "query_kind": kind, "entries": len(sub),
                                    "columns": cols if kind not in ("structure", "row_count") else []})
    return out


_FACTS = {
    "row_count": "row count",
    "bounds": "bounds (min/max) of numeric columns",
    "categories": "category sets",
    "histogram": "fine-grid histogram (bins, within-bin draws)",
    "structure": "network structure (parent choices)",
    "counts": "conditional probability tables",
    "combinations": "allowed value combinations ('combine')",
}


def _position(model: Model) -> Callable[[str], int]:
    index = {c: i for i, c in enumerate(model.columns)}
    return lambda c: index.get(c, len(index))


def _frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def pretty(value: Fraction | str) -> str:
    """A fraction for people: ``1/50`` as is, but ``4722366482869645/4722366482869645213696`` as ``1e-06``.

    >>> pretty(Fraction(1, 50)), pretty(Fraction(1e-6))
    ('1/50', '1e-06')
    """
    f = Fraction(value)
    return _frac(f) if f.denominator <= 10**6 else f"{float(f):.6g}"

