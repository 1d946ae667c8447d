"""Constraints files at fit and sample time: load, check against the table, lower, derive.

``Synthesizer(constraints=...)`` accepts a path to a ``.bsc`` file, its text, or a parsed
:class:`~bayes_synth.dsl.RuleSet`. At fit time the rules are checked against the table (all problems
reported at once), their ``column`` declarations become declared schema facts, one-column rules narrow
domains, and derived columns are left out of training. The model keeps the rules' source text, so
``sample`` computes derived columns without the file: as written (comments and layout kept) when the
rules are one file or text without ``include``, else in canonical form (includes expanded), with the
file's name and the SHA-256 of its bytes (:func:`read_rules`).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from bayes_synth.dsl import RuleSet, check, load_constraints, parse_constraints, to_source
from bayes_synth.dsl.ast import Include
from bayes_synth.dsl.compile import schema_from_rules
from bayes_synth.dsl.lower import lower, required_order
from bayes_synth.dsl.parser import parse_source
from bayes_synth.errors import BayesSynthWarning, DSLError, ModelFormatError, ParameterError
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
    origin: dict[str, Any] = field(default_factory=dict)  # the rules' file name, SHA-256 and whether stored as written
    folds: dict[str, list[Any]] = field(default_factory=dict)  # column -> the one-column rules narrowing its domain

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
    return read_rules(constraints)[0]


def read_rules(constraints: Any) -> tuple[RuleSet | None, dict[str, Any]]:
    """A RuleSet (as :func:`load_rules`) and where it came from: ``file`` (the file's name, without its
    folder; None for text or a RuleSet) and ``sha256`` (of the file's bytes as read, else of the text's UTF-8).

    A file is read once, so the hash is of exactly the bytes that were parsed.
    """
    if constraints is None:
        return None, {}
    if isinstance(constraints, RuleSet):
        text = next(iter(constraints.sources.values()), "") if len(constraints.sources) == 1 else ""
        return constraints, {"file": None, "sha256": _sha256(text.encode("utf-8"))}
    if isinstance(constraints, Path) or (isinstance(constraints, str) and constraints.endswith(".bsc")
                                         and "\n" not in constraints):
        path = Path(constraints)
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return load_constraints(path), {}  # raises the loader's diagnostic (unreadable, not UTF-8)
        return parse_constraints(text, filename=str(path)), {"file": path.name, "sha256": _sha256(data)}
    if isinstance(constraints, str):
        return parse_constraints(constraints), {"file": None, "sha256": _sha256(constraints.encode("utf-8"))}
    raise ParameterError("The 'constraints' parameter must be a path to a .bsc file, constraints text or "
                         f"a parsed RuleSet; got {type(constraints).__name__}.")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_source(rules: RuleSet) -> tuple[str, bool]:
    """The rules' text to keep in the model, and whether it is the text as written.

    One file or text without ``include`` is kept as written (comments and layout too) when it reads back
    as the same statements; otherwise (includes expanded) the canonical form that the printer writes.
    """
    if len(rules.sources) == 1:
        text = next(iter(rules.sources.values()))
        try:
            same = parse_constraints(text, filename="<model rules>").statements == rules.statements
        except DSLError:
            same = False
        if same:
            return text, True
    return to_source(rules), False


def plan_rules(rules: RuleSet | None, schema: Mapping | Schema | None, frame: pd.DataFrame, *,
               origin: Mapping[str, Any] | None = None, learn_categories: bool = False) -> Plan:
    """Check ``rules`` against the table and merge their declarations with ``schema``.

    ``origin`` (from :func:`read_rules`) is kept in the plan with ``as_written`` added.
    ``learn_categories``: the fit can learn undeclared category sets (delta > 0, or no noise). Then a
    rule ``x == "v"`` / ``x in [...]`` on a categorical column without declared categories does not
    declare them: the categories are learned, the rule's values are checked against them
    (:func:`check_learned_categories`) and the rule is enforced while sampling.
    """
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
    learned = {n for n, k in kinds.items() if learn_categories and k == "categorical" and n in frame.columns
               and n not in derived and declared.get(n, {}).get("categories") is None}
    lowered = lower(rules, {n: f for n, f in declared.items() if n not in derived},
                    list(result.derive_order), result.kinds, learned)
    shares = {c.name: Fraction(str(c.option("epsilon_share"))) for c in rules.columns
              if c.option("epsilon_share") is not None and c.name not in derived}
    source, as_written = stored_source(rules)
    return Plan(lowered.schema, lowered.derives, lowered.privacy, source, lowered.targets, rules,
                lowered.combines, shares, {**(origin or {}), "as_written": as_written}, lowered.folds)


def report_broken_rules(plan: Plan, raw: pd.DataFrame, formats: Mapping[str, Any] | None = None):
    """Count the real rows that break each rule (a warning with counts, never values); None without rules.

    The rows are counted on the table as read, before any value is clipped to a bound or dropped from a
    domain, exactly as ``bayes-synth check`` counts them (one-column rules included). ``formats``: the
    display formats of the fit (declared or detected), so formatted columns are read as numbers and dates.
    Such rows are still learned from; sampling enforces the rules whatever the data says.
    """
    if plan.rules is None:
        return None
    from bayes_synth.dsl.evaluate import check_table

    rules = RuleSet(plan.rules.derives + plan.rules.rules, plan.rules.sources)
    if formats is not None:
        formats = dict(formats) | derived_formats(plan.rules, [d for d in plan.derives if d in raw.columns])
    try:
        frame, _, _ = read_checked_table(plan.rules, raw, formats)
        report = check_table(rules, frame)
    except DSLError:  # a column the rules cannot read as typed: no report (the fit reports the cells)
        return None
    broken = report.lines()
    if broken:
        warnings.warn("Rows of the training data break the rules (they are still learned from; every "
                      "sampled row obeys the rules):\n  " + "\n  ".join(broken), BayesSynthWarning, stacklevel=3)
    return report


def read_checked_table(rules: RuleSet, raw: pd.DataFrame, formats: Mapping[str, Any] | None = None):
    """``(frame, schema, ingest report)``: a table as ``bayes-synth check`` reads it.

    Formatted columns are parsed (``"$1,234.50"`` is 1234.5; ``formats`` maps a column to its
    :class:`~bayes_synth.semantic.plan.ColumnType`, by default the formats the rules declare) and the
    columns converted to their declared kinds, with nothing clipped to the bounds or dropped from the
    categories, so the values the rules and declarations are checked on are the table's own.
    """
    from bayes_synth.errors import PrivacyWarning
    from bayes_synth.ingest import prepare
    from bayes_synth.semantic.plan import Semantics, plan_semantics

    if formats is None:
        raw = plan_semantics(raw, rules, detect=False).parse_formatted(raw)
    else:
        raw = Semantics({c: t for c, t in formats.items() if c in raw.columns and not t.generated}).model_frame(raw)
    with warnings.catch_warnings():  # kinds inferred for a local check are not published anywhere
        warnings.simplefilter("ignore", PrivacyWarning)
        if formats is not None:  # within a fit, which reports unreadable cells itself
            warnings.simplefilter("ignore", BayesSynthWarning)
        return prepare(raw, conversion_schema(schema_from_rules(rules), rules, raw.columns))


def conversion_schema(declared: dict[str, dict[str, Any]], rules: Any, columns: Any) -> dict[str, dict[str, Any]]:
    """The declared schema for reading the table, without the facts being checked: ``prepare`` would
    clip values to min/max and drop values outside the categories, hiding them from the check.
    Derived columns that the table does not have are left out (they are computed)."""
    derived = {d.name for d in rules.derives}
    kept = ("kind", "nullable", "missing", "dtype")
    return {name: {k: v for k, v in facts.items() if k in kept} for name, facts in declared.items()
            if name in columns or name not in derived}


def null_allowed(plan: Plan) -> set[str]:
    """Columns the constraints clearly allow to be missing: declared ``nullable`` (in the file or the
    schema), declared with ``missing [...]`` markers, or tested with ``x is null`` in a rule or formula."""
    out = {name for name, facts in plan.declared.items() if facts.get("nullable") is True or facts.get("missing")}
    if plan.rules is not None:
        from bayes_synth.dsl import ast

        for statement in plan.rules.rules + plan.rules.derives:
            out.update(node.operand.name for node in ast.walk(statement.expr)
                       if isinstance(node, ast.IsNull) and not node.negated and isinstance(node.operand, ast.Name))
    return out


def check_learned_categories(plan: Plan, schema: Schema, codecs: Mapping[str, Any]) -> None:
    """E0212 for a rule's value that is not among the categories learned (under DP) for its column.

    Only columns whose categories are not declared are checked here (declared ones are checked with
    the rules); the suggestions come from the learned categories, which the model publishes anyway.
    """
    if plan.rules is None:
        return
    from dataclasses import replace

    from bayes_synth.dsl.diagnostics import semantic_error

    learned = {n for n, spec in schema.items() if spec.kind == "categorical" and "categories" not in spec.declared
               and n in codecs and getattr(codecs[n], "categories", None) is not None}
    if not learned:
        return
    columns = {n: _Known(spec.kind, tuple(codecs[n].categories) if n in learned else spec.categories)
               for n, spec in schema.items()}
    problems = [d for d in check(plan.rules, columns).diagnostics if d.code == "E0212"]
    problems = [replace(d, message=d.message + " (its categories were learned from the data)",
                        help=(d.help + " " if d.help.startswith("did you mean") else "") +
                        "(categories learned under DP leave out rare ones: if it is a real value, list the "
                        "column's categories in its 'column' statement: in [...])") for d in problems]
    if problems:
        raise semantic_error(problems, plan.rules.sources)


@dataclass(frozen=True)
class _Known:
    kind: str
    categories: tuple[Any, ...] | None


def add_derived(frame: pd.DataFrame, derives: Mapping[str, Any], columns: list[str] | None = None, *,
                formats: Mapping[str, Any] | None = None, sources: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Compute derived columns from the sampled ones, inputs first; keep ``columns``' order if given.

    ``formats`` maps a column to its display format (a :class:`~bayes_synth.semantic.plan.ColumnType`
    with a ``format``): a formatted input (``"03/07/2021"``, ``"$1,234.50"``) is read back into its
    typed value before a formula uses it, so formulas see the values as written, and a formatted
    derived column is rendered in its format. ``sources`` (file name -> text) lets an error show the
    line of the formula.
    """
    from bayes_synth.dsl.diagnostics import semantic_error
    from bayes_synth.dsl.enforce import names_in
    from bayes_synth.dsl.evaluate import evaluate
    from bayes_synth.errors import DSLSemanticError

    formats = dict(formats or {})
    out = frame.copy()
    read = {n for expr in derives.values() for n in names_in(expr)}
    shown = {c: formats[c] for c in out.columns if c in formats and c in read and c not in derives}
    typed = _parsed(out, shown) if shown else out.copy()
    for name, expr in derives.items():
        try:
            value = evaluate(expr, typed)
        except DSLSemanticError as exc:
            raise semantic_error(exc.diagnostics, sources) from None
        if name in formats:  # written in its format; later formulas read it back as written
            value = _rendered(value.rename(name), formats[name])
            typed[name] = _parsed(value.to_frame(), {name: formats[name]})[name]
        else:
            typed[name] = value
        out[name] = value
    if columns is not None:
        out = out[[c for c in columns if c in out.columns] + [c for c in out.columns if c not in columns]]
    return out


def derived_formats(rules: RuleSet | None, names: Any) -> dict[str, Any]:
    """The display formats declared for derived columns (``column end: date, format "%d/%m/%Y"``)."""
    if rules is None or not names:
        return {}
    from bayes_synth.semantic.plan import plan_semantics

    found = plan_semantics(pd.DataFrame(columns=list(names)), rules, detect=False)
    return {c: t for c, t in found.columns.items() if not t.generated and "format" in t.options}


def _parsed(frame: pd.DataFrame, formats: Mapping[str, Any]) -> pd.DataFrame:
    from bayes_synth.semantic.plan import Semantics

    return Semantics(dict(formats)).model_frame(frame)


def _rendered(values: pd.Series, column_type: Any) -> pd.Series:
    import numpy as np

    from bayes_synth.semantic.fill import fill
    from bayes_synth.semantic.plan import Semantics

    one = Semantics({values.name: column_type})  # only renders: nothing is generated, the rng is unused
    return fill(values.to_frame(), one, np.random.default_rng(0))[values.name]


def from_source(source: str | None, kinds: Mapping[str, str], learned: Any = ()) -> Plan:
    """Re-read a model's rules source (no files needed): derived formulas, enforced rules, combine groups.

    ``learned``: the categorical columns whose categories the model learned (not declared), as at fit.

    The combine groups carry no tuples: those are in the model (see ``Synthesizer._compiled_rules``).
    """
    if not source:
        return Plan({})
    if any(isinstance(s, Include) for s in parse_source(source, "<model rules>")):
        raise ModelFormatError("$.rules.source must not include other files: a model file never makes the "
                               "library read another file")
    rules = parse_constraints(source, filename="<model rules>")
    result = check(rules, dict(kinds))
    result.raise_for_errors()
    lowered = lower(rules, {}, list(result.derive_order), result.kinds, set(learned))
    return Plan({}, lowered.derives, lowered.privacy, source, lowered.targets, rules, lowered.combines)
