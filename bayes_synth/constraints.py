"""Constraints files at fit and sample time: load, check against the table, lower, derive.

``Synthesizer(constraints=...)`` accepts a path to a ``.bsc`` file, its text, or a parsed
:class:`~bayes_synth.dsl.RuleSet`. At fit time the rules are checked against the table (all problems
reported at once), their ``column`` declarations become declared schema facts, one-column rules narrow
domains, and derived columns are left out of training. The model keeps the rules' source text, so
``sample`` computes derived columns without the file.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from bayes_synth.dsl import RuleSet, check, load_constraints, parse_constraints, to_source
from bayes_synth.dsl.compile import schema_from_rules
from bayes_synth.dsl.lower import lower, required_order
from bayes_synth.errors import BayesSynthWarning, ParameterError
from bayes_synth.ingest import infer_spec
from bayes_synth.schema import Schema


@dataclass
class Plan:
    """What a fit takes from its constraints."""

    declared: dict[str, dict[str, Any]]
    derives: dict[str, Any] = field(default_factory=dict)
    privacy: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    targets: list[Any] = field(default_factory=list)  # rules the sampler enforces while drawing
    rules: RuleSet | None = None  # as written by the user (their files and lines), for reports
    combines: list[Any] = field(default_factory=list)  # CombineGroup: fixed combinations (tuples learned at fit)
    shares: dict[str, Fraction] = field(default_factory=dict)  # declared epsilon_share per column (public)

    def weights(self, columns: list[str]) -> list[Fraction] | None:
        """Each column's declared ``epsilon_share`` (1 when not declared), or None if none is declared."""
        return [self.shares.get(c, Fraction(1)) for c in columns] if self.shares else None

    def before(self, columns: list[str]) -> dict[int, set[int]]:
        """Required orderings for structure learning, as column indices (rules' and combines')."""
        orderings = list(self.targets) + [o for g in self.combines for o in g.orderings()]
        return {columns.index(t): {columns.index(i) for i in inputs}
                for t, inputs in required_order(orderings).items()}


def load_rules(constraints: Any) -> RuleSet | None:
    """A RuleSet from a path, constraints text or a RuleSet (None stays None)."""
    if constraints is None or isinstance(constraints, RuleSet):
        return constraints
    if isinstance(constraints, Path) or (isinstance(constraints, str) and constraints.endswith(".bsc")
                                         and "\n" not in constraints):
        return load_constraints(constraints)
    if isinstance(constraints, str):
        return parse_constraints(constraints)
    raise ParameterError("The 'constraints' parameter must be a path to a .bsc file, constraints text or "
                         f"a parsed RuleSet; got {type(constraints).__name__}.")


def plan_rules(rules: RuleSet | None, schema: Mapping | Schema | None, frame: pd.DataFrame) -> Plan:
    """Check ``rules`` against the table and merge their declarations with ``schema``."""
    user = schema.to_dict() if isinstance(schema, Schema) else dict(schema or {})
    if rules is None:
        return Plan(user)
    declared = schema_from_rules(rules)
    clash = sorted(c for c in set(declared) & set(user) if declared[c] != user[c])
    if clash:
        raise ParameterError(f"Column(s) {clash} are declared both in the schema and in the constraints, "
                             "differently; declare each column in one place.")
    declared.update(user)
    derived = {d.name for d in rules.derives}
    kinds = {name: facts["kind"] for name, facts in declared.items() if "kind" in facts}
    for name in frame.columns:
        if name not in kinds and name not in derived:
            kinds[name] = infer_spec(name, frame[name]).kind
    table = Schema.from_dict({n: declared.get(n, {"kind": k}) for n, k in kinds.items() if n not in derived})
    result = check(rules, table)
    result.raise_for_errors()
    lowered = lower(rules, {n: f for n, f in declared.items() if n not in derived},
                    list(result.derive_order), result.kinds)
    shares = {c.name: Fraction(str(c.option("epsilon_share"))) for c in rules.columns
              if c.option("epsilon_share") is not None and c.name not in derived}
    return Plan(lowered.schema, lowered.derives, lowered.privacy, to_source(rules), lowered.targets, rules,
                lowered.combines, shares)


def report_broken_rules(plan: Plan, frame: pd.DataFrame):
    """Count the real rows that break each rule (a warning with counts, never values); None without rules.

    Such rows are still learned from; sampling enforces the rules whatever the data says.
    """
    if plan.rules is None:
        return None
    from bayes_synth.dsl.evaluate import check_table

    report = check_table(RuleSet(plan.rules.derives + plan.rules.rules, plan.rules.sources), frame)
    broken = report.lines()
    if broken:
        warnings.warn("Rows of the training data break the rules (they are still learned from; every "
                      "sampled row obeys the rules):\n  " + "\n  ".join(broken), BayesSynthWarning, stacklevel=3)
    return report


def add_derived(frame: pd.DataFrame, derives: Mapping[str, Any], columns: list[str] | None = None) -> pd.DataFrame:
    """Compute derived columns from the sampled ones, inputs first; keep ``columns``' order if given."""
    from bayes_synth.dsl.evaluate import evaluate

    out = frame.copy()
    for name, expr in derives.items():
        out[name] = evaluate(expr, out)
    if columns is not None:
        out = out[[c for c in columns if c in out.columns] + [c for c in out.columns if c not in columns]]
    return out


def from_source(source: str | None, kinds: Mapping[str, str]) -> Plan:
    """Re-read a model's rules source (no files needed): derived formulas, enforced rules, combine groups.

    The combine groups carry no tuples: those are in the model (see ``Synthesizer._compiled_rules``).
    """
    if not source:
        return Plan({})
    rules = parse_constraints(source, filename="<model rules>")
    result = check(rules, dict(kinds))
    result.raise_for_errors()
    lowered = lower(rules, {}, list(result.derive_order), result.kinds)
    return Plan({}, lowered.derives, lowered.privacy, source, lowered.targets, combines=lowered.combines)
