"""Lower a checked rule set to what the engine enforces by construction.

- ``column`` declarations become the schema's declared (public) facts;
- a ``rule`` about one column against constants (``age >= 18``, ``age between 18 and 65``,
  ``x is not null``, ``x in [...]``) narrows that column's domain, so no other value can be drawn
  (except ``x == "v"`` / ``x in [...]`` on a categorical column whose categories are learned from the
  data: that rule is enforced while sampling, so its values can be checked against the learned ones);
- ``derive`` formulas are computed from the sampled columns, inputs first;
- ``rule``s between columns become :class:`~bayes_synth.dsl.enforce.TargetRule` objects the sampler
  applies while drawing (their inputs are drawn first);
- ``combine`` statements become :class:`~bayes_synth.dsl.combine.CombineGroup` objects: their columns
  in draw order; the value tuples are learned at fit (:mod:`bayes_synth.combinations`);
- everything else (``entity``, rules the sampler cannot restrict) is refused with error E0301 naming
  each statement, never accepted and then broken at sampling time.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bayes_synth.dsl.affine import obstacle
from bayes_synth.dsl.ast import (
    Between,
    BoolOp,
    Combine,
    Compare,
    IfElse,
    InList,
    IsNull,
    Literal,
    Name,
    Rule,
    walk,
)
from bayes_synth.dsl.combine import CATEGORY_KINDS, INTEGER_KINDS, CombineGroup, draw_order
from bayes_synth.dsl.diagnostics import Diagnostic, semantic_error
from bayes_synth.dsl.enforce import NUMERIC, TargetRule, enumerated_options, names_in, target_options
from bayes_synth.dsl.rewrite import (
    contrapositive,
    links,
    lists_as_ranges,
    numeric_run,
    push_not,
    tighten,
    unguard,
)
from bayes_synth.dsl.ruleset import RuleSet

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass
class Lowered:
    """What the engine takes from a rule set."""

    schema: dict[str, dict[str, Any]]
    derives: dict[str, Any] = field(default_factory=dict)  # name -> expression, in computation order
    privacy: dict[str, Any] = field(default_factory=dict)
    targets: list[TargetRule] = field(default_factory=list)  # rules the sampler enforces while drawing
    combines: list[CombineGroup] = field(default_factory=list)  # fixed combinations, tuples learned at fit
    folds: dict[str, list[Rule]] = field(default_factory=dict)  # column -> the rules that narrowed its domain


def lower(ruleset: RuleSet, schema: Mapping[str, dict[str, Any]], derive_order: list[str],
          kinds: Mapping[str, str], learned: Collection[str] = ()) -> Lowered:
    """Fold unary rules into ``schema`` (declared facts from ``column`` statements) and collect derives.

    ``learned``: categorical columns whose categories are learned from the data; a rule limiting one
    of them to listed values is not folded into declared categories but enforced while sampling.

    Raises :class:`~bayes_synth.errors.DSLSemanticError` listing every statement that cannot be enforced
    (E0301), every unusable ``combine`` (E0305) and every ordering cycle (E0303).
    """
    out = {name: dict(facts) for name, facts in schema.items()}
    generated = {c.name: c.semantic for c in ruleset.columns if _generated(c.semantic)}
    problems = [Diagnostic("E0301", f"'unique' on column '{c.name}' can only be enforced for generated values",
                           c.span, help="declare an identifier type, generated unique: 'as pattern_id' (with "
                                        "format \"AAA-000000\"), 'as uuid' or 'as sequential_id'")
                for c in ruleset.columns if c.unique and c.name not in generated]
    problems += _rules_reading_generated(ruleset, generated)
    derived = {d.name for d in ruleset.derives}
    combines = []
    for statement in ruleset.of_type(Combine):
        group, found = _combine_group(statement, kinds, derived)
        problems.extend(found)
        if group is not None:
            combines.append(group)
    problems.extend(_shared_integer_members(combines, kinds))
    options, folds = [], {}
    formulas = expand_derives({d.name: d.expr for d in ruleset.derives}, derive_order)
    for rule in ruleset.rules:
        compiled, facts, found = _lower_rule(rule, formulas, kinds, learned)
        options.extend(compiled)
        problems.extend(found)
        for column, fact in facts:
            if rule not in folds.setdefault(column, []):
                folds[column].append(rule)
            problems.extend(_merge(out.setdefault(column, {"kind": kinds.get(column, "categorical")}), fact, rule))
    fixed = [o for g in combines for o in g.orderings()]
    targets = choose_targets(options, fixed)
    problems.extend(_ordering_cycles(targets + fixed))
    if problems:
        raise semantic_error(problems, ruleset.sources)
    derives = {d.name: d.expr for d in ruleset.derives}
    return Lowered(out, {name: derives[name] for name in derive_order if name in derives},
                   dict(ruleset.privacy), targets, combines, folds)


def _lower_rule(rule: Rule, formulas: Mapping[str, Any], kinds: Mapping[str, str], learned: Collection[str] = ()):
    """(compiled rules for the sampler, one-column facts, problems) for one ``rule`` statement.

    Derived columns are replaced by their formulas first, so a rule on ``total = price * qty``
    restricts ``price`` or ``qty`` while they are drawn.
    """
    uses = sorted(set(formulas) & set(names_in(rule.expr)))
    actual = Rule(substitute(rule.expr, formulas), span=rule.span) if uses else rule
    ranged = lists_as_ranges(unguard(push_not(actual.expr)), kinds)
    if ranged != actual.expr:
        actual = Rule(ranged, span=rule.span)
    compiled, facts = [], []
    for part in split_rule(actual):
        folded = _fold(part, kinds)
        if folded is not None and not (folded[0] in learned and "categories" in folded[1]):
            facts.append(folded)
            continue
        # round(E, d) op c in a consequent: enforced as a bound on E that implies it
        forms = [tighten(part)] + [tighten(turned) for turned in [contrapositive(part)] if turned]
        options = []  # the rule as written first; its contrapositive may restrict a column of its condition
        for form in forms:
            have = {o.target for o in options}
            options += [o for o in target_options(form, kinds) if o.target not in have]
        # last: a countable column whose every value is tried (x != 5, x < 3 or x > 7)
        have = {o.target for o in options}
        options += [o for o in enumerated_options(forms[0], kinds) if o.target not in have]
        if not options:
            return [], [], [_unsupported(rule, set(uses), part, kinds)]
        compiled.append([replace(t, shown=rule) if uses or t.rule is not rule else t for t in options])
    return compiled, facts, []


def choose_targets(options: list[list[TargetRule]], fixed: list[Any]) -> list[TargetRule]:
    """One target per rule, in the order written: the first option that keeps the required orderings
    (with the ``fixed`` ones of combine statements) free of cycles, else the first (reported as E0303).

    So ``closed >= opened`` and ``opened <= closed`` in one file both restrict ``closed``.
    """
    import networkx as nx

    graph = nx.DiGraph((i, o.target) for o in fixed for i in o.inputs)
    chosen = []
    for choices in options:
        pick = next((t for t in choices if not any(t.target in graph and i in graph and nx.has_path(graph, t.target, i)
                                                   for i in t.inputs)), choices[0])
        graph.add_edges_from((i, pick.target) for i in pick.inputs)
        chosen.append(pick)
    return chosen


def expand_derives(formulas: Mapping[str, Any], order: list[str]) -> dict[str, Any]:
    """Each derived column's formula in terms of modelled columns only (earlier derives put in)."""
    out: dict[str, Any] = {}
    for name in [n for n in order if n in formulas] + [n for n in formulas if n not in order]:
        out[name] = substitute(formulas[name], out)
    return out


def substitute(node: Any, formulas: Mapping[str, Any]) -> Any:
    """``node`` with every column named in ``formulas`` replaced by its formula."""
    if isinstance(node, Name):
        return formulas.get(node.name, node)
    if isinstance(node, tuple):
        return tuple(substitute(item, formulas) for item in node)
    if hasattr(node, "__dataclass_fields__"):
        changes = {f: substitute(getattr(node, f), formulas) for f in node.__dataclass_fields__
                   if f not in ("span", "func_span")}
        return replace(node, **changes)
    return node


def split_rule(rule: Rule) -> list[Rule]:
    """One rule per conjunct of ``A and B`` or ``if C then A and B``, and per link of a chain
    ``a <= b <= c`` (``a <= b and b <= c``): each part may restrict another column."""
    expr = rule.expr
    cond = expr.cond if isinstance(expr, IfElse) and expr.else_ is None else None
    body = expr.then if cond is not None else expr
    parts = [p for part in (body.operands if isinstance(body, BoolOp) and body.op == "and" else (body,))
             for p in links(part)]
    if len(parts) == 1:
        return [rule]
    return [Rule(IfElse(cond, part, None, span=expr.span) if cond is not None else part, span=rule.span)
            for part in parts]


def required_order(targets: list[Any]) -> dict[str, set[str]]:
    """Column -> the columns that must be drawn before it (``targets``: rules or combine orderings)."""
    before: dict[str, set[str]] = {}
    for t in targets:
        before.setdefault(t.target, set()).update(t.inputs)
    return before


def _ordering_cycles(targets: list[Any]) -> list[Diagnostic]:
    """E0303 for each rule (or combine statement) on a cycle of required orderings."""
    import networkx as nx

    graph = nx.DiGraph((i, t.target) for t in targets for i in t.inputs)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    columns = [a for a, _ in cycle]
    loop = " -> ".join(columns + columns[:1])
    out, seen = [], set()
    for t in targets:
        earlier = sorted(set(t.inputs) & set(columns))
        if t.target not in columns or not earlier:
            continue
        if isinstance(t.rule, Combine):
            if id(t.rule) in seen:
                continue
            seen.add(id(t.rule))
            out.append(Diagnostic(
                "E0303", f"this combine needs '{t.target}' drawn after {earlier}, and other rules need the "
                         f"reverse (cycle {loop})", t.rule.span,
                help="a combine draws its categorical and boolean columns first, in the order written, then "
                     "its integer columns: reorder the columns, or write the other rule the other way round"))
        else:
            out.append(Diagnostic("E0303", f"rules need '{t.target}' drawn after {earlier}, and other rules "
                                           f"need the reverse (cycle {loop})",
                                  t.rule.span, help="a rule can restrict a category, integer or date it reads "
                                                    "(any test), or a decimal number it reads outside functions such "
                                                    "as round(): rewrite one of these rules so that it restricts a "
                                                    "column outside the cycle"))
    return out


def _combine_group(statement: Combine, kinds: Mapping[str, str],
                   derived: set[str]) -> tuple[CombineGroup | None, list[Diagnostic]]:
    """The combine's columns in draw order, or the reasons it cannot be enforced."""
    names = statement.column_names
    if derived & set(names):
        return None, [_unsupported(statement, derived & set(names))]
    problems, seen = [], set()
    for column in statement.columns:
        kind = kinds.get(column.name, "categorical")
        if column.name in seen:
            problems.append(Diagnostic("E0305", f"column '{column.name}' is listed twice in this combine",
                                       column.span, help="list each column once"))
        elif kind not in CATEGORY_KINDS + INTEGER_KINDS:
            problems.append(Diagnostic(
                "E0305", f"'combine' needs columns with a finite public domain, but '{column.name}' is a {kind} "
                         "column", column.span,
                help=f"remove '{column.name}' from the combine, or declare it categorical (listing its values) "
                     "or integer (with min and max)"))
        seen.add(column.name)
    if problems:
        return None, problems
    return CombineGroup(draw_order(names, kinds), statement), []


def _shared_integer_members(groups: list[CombineGroup], kinds: Mapping[str, str]) -> list[Diagnostic]:
    """An integer column may belong to one combine only (the sampler draws it from one set of values)."""
    first: dict[str, CombineGroup] = {}
    out = []
    for group in groups:
        for column in group.columns:
            if kinds.get(column) not in INTEGER_KINDS:
                continue
            if column in first:
                where = first[column].statement.span
                out.append(Diagnostic(
                    "E0305", f"integer column '{column}' is in two combine statements"
                             + (f" (the other on line {where.line})" if where else ""), group.statement.span,
                    help=f"put the columns that go with '{column}' in one combine statement"))
            else:
                first[column] = group
    return out


def _generated(semantic: str | None) -> bool:
    """Whether a declared semantic type is generated at sample time (never learned)."""
    if not semantic:
        return False
    from bayes_synth.semantic.catalogue import get_type

    try:
        return get_type(semantic).generated
    except KeyError:
        return False


def _rules_reading_generated(ruleset: RuleSet, generated: Mapping[str, str]) -> list[Diagnostic]:
    """Rules may test whether a generated column is null, nothing else (its values do not exist at drawing)."""
    out = []
    for rule in ruleset.rules:
        name = next((n for n in names_in(rule.expr) if n in generated and _named_outside_null(rule.expr, n)), None)
        if name is not None:
            out.append(Diagnostic("E0301", f"column '{name}' is generated (as {generated[name]}): a rule can only "
                                           "test whether it is null", rule.span,
                                  help=f"use '{name} is null' / '{name} is not null', or drop the type to model "
                                       "the column's values"))
    return out


def _named_outside_null(expr: Any, name: str) -> bool:
    """Whether ``name`` is read anywhere but as the operand of ``is [not] null``."""
    if isinstance(expr, IsNull) and isinstance(expr.operand, Name):
        return False
    if isinstance(expr, Name):
        return expr.name == name
    return any(_named_outside_null(child, name) for child in _children(expr))


def _children(node: Any):
    for value in getattr(node, "__dict__", {}).values():
        for child in value if isinstance(value, tuple) else (value,):
            if hasattr(child, "__dataclass_fields__") and not isinstance(child, str):
                yield child


def _unsupported(statement: Any, derived: set[str] | None = None, part: Any = None,
                 kinds: Mapping[str, str] | None = None) -> Diagnostic:
    if isinstance(statement, Combine):
        what = f"fixed combinations of derived columns ({', '.join(sorted(derived or ()))}) cannot be enforced"
        return Diagnostic("E0301", what, statement.span, help="combine the columns the formulas read instead")
    why = _why_not(part, kinds or {})
    what = "this rule cannot be enforced by construction: " + why
    if derived:
        what += f" (after putting in the formulas of {', '.join(sorted(derived))})"
    if "one range" in why:
        hint = ("write one range per rule ('x between lo and hi'), make the range depend on an earlier column "
                "with 'if ... then', or declare the column categorical")
    else:
        hint = ("rewrite the rule so each comparison is affine in one numeric column (+, -, * or / by other "
                "columns or constants), or validate the output with 'bayes-synth check'")
    return Diagnostic("E0301", what, statement.span, help=hint)


def _why_not(part: Any, kinds: Mapping[str, str]) -> str:
    """Why no column of a rule (part) can be restricted while sampling."""
    expr = part.expr if isinstance(part, Rule) else part
    cond = expr.cond if isinstance(expr, IfElse) and expr.else_ is None else None
    body = expr.then if cond is not None else expr
    numeric = {n for n, k in kinds.items() if k in NUMERIC}
    for node in walk(body):
        if isinstance(node, Between) and node.negated and set(names_in(node.operand)) & numeric \
                or isinstance(node, Compare) and "!=" in node.ops and set(names_in(node)) & numeric:
            name = sorted(set(names_in(node)) & numeric)[0]
            return (f"'{name}' is numeric ({kinds[name]}), and '!=' or 'not between' leaves it two ranges; the "
                    "sampler keeps a numeric column in one range per row")
        if isinstance(node, InList) and isinstance(node.operand, Name) and kinds.get(node.operand.name) in NUMERIC:
            return (f"'{node.operand.name}' is numeric ({kinds[node.operand.name]}), and the sampler keeps a "
                    "numeric column in one range: 'in [...]' must list one value or a run of consecutive ones, "
                    "and 'not in [...]' is refused (declare the column categorical to allow a list with gaps)")
    for name in names_in(body):
        if kinds.get(name) in NUMERIC and (cond is None or name not in names_in(cond)):
            for node in _comparisons(body):
                found = obstacle(node, name)
                if found is not None:
                    return f"'{name}' appears inside {found[1]}"
    if isinstance(body, BoolOp) and body.op == "or":
        reads = [set(names_in(o)) for o in body.operands]
        shared = sorted(set.intersection(*reads) & {n for n, k in kinds.items() if k in NUMERIC})
        if shared:
            return (f"'{shared[0]}' is read on both sides of 'or': the sampler keeps a numeric column in one "
                    "range per row, not a union of ranges")
    return "a numeric column must appear in comparisons that are affine in it"


def _comparisons(node: Any) -> list[Any]:
    if isinstance(node, BoolOp):
        return [c for o in node.operands for c in _comparisons(o)]
    if isinstance(node, Compare):
        return list(node.operands)
    if isinstance(node, Between):
        return [node.operand, node.low, node.high]
    return [node]


def _fold(rule: Rule, kinds: Mapping[str, str]) -> tuple[str, dict[str, Any]] | None:
    """A rule on one column against constants, as facts about that column (or None).

    A boolean column's domain is always [false, true] (it has no declared categories): ``flag == true``
    and ``flag in [true]`` are left to the sampler, which restricts the column as for ``rule flag``.
    An integer column's bounds are whole: ``n >= 17.5`` is ``min 18`` (``n == 2.5`` leaves no value: E0302).
    """
    folded = _folded(rule, kinds)
    if folded is None:
        return None
    column, facts = folded
    if "categories" in facts and kinds.get(column) == "boolean":
        return None
    if kinds.get(column) == "integer":
        for key, whole in (("min", math.ceil), ("max", math.floor)):
            value = facts.get(key)
            if isinstance(value, float) and math.isfinite(value):
                facts[key] = whole(value)
    return folded


def _folded(rule: Rule, kinds: Mapping[str, str]) -> tuple[str, dict[str, Any]] | None:
    e = rule.expr
    if isinstance(e, IsNull) and isinstance(e.operand, Name) and e.negated:
        return e.operand.name, {"nullable": False}
    if isinstance(e, InList) and isinstance(e.operand, Name) and not e.negated:
        values = [v.value for v in e.values]
        if kinds.get(e.operand.name) in NUMERIC:
            run = numeric_run(values, kinds[e.operand.name])
            return None if run is None else (e.operand.name, run)
        return e.operand.name, {"categories": values}
    if isinstance(e, Between) and isinstance(e.operand, Name) and not e.negated \
            and isinstance(e.low, Literal) and isinstance(e.high, Literal):
        return e.operand.name, {"min": e.low.value, "max": e.high.value}
    if isinstance(e, Compare) and len(e.ops) == 1:
        left, right = e.operands
        op = e.ops[0]
        if isinstance(right, Name) and isinstance(left, Literal):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, Name) and isinstance(right, Literal) and op in ("<", "<=", ">", ">=", "=="):
            return left.name, _bound(op, right.value, kinds.get(left.name))
    return None


def _bound(op: str, value: Any, kind: str | None) -> dict[str, Any]:
    """``column op value`` as a min or max; strict bounds move to the next representable value."""
    if op == "==":
        numeric = kind in ("integer", "float", "date", "datetime")
        return {"min": value, "max": value} if numeric else {"categories": [value]}
    if op in ("<", ">"):
        value = _step(value, kind, -1 if op == "<" else 1)
    return {"max": value} if op in ("<", "<=") else {"min": value}


def _step(value: Any, kind: str | None, direction: int) -> Any:
    """The next value of the column's kind past ``value`` (for strict comparisons)."""
    if kind == "integer" and isinstance(value, int | float):
        return math.ceil(value) - 1 if direction < 0 else math.floor(value) + 1
    if kind == "float" and isinstance(value, int | float):
        return math.nextafter(value, direction * math.inf)
    if kind in ("date", "datetime") and isinstance(value, str):
        import pandas as pd

        delta = pd.Timedelta(days=1) if kind == "date" else pd.Timedelta(seconds=1)
        moved = pd.Timestamp(value) + direction * delta
        return moved.date().isoformat() if kind == "date" else moved.isoformat()
    return value


def _merge(facts: dict[str, Any], new: dict[str, Any], rule: Rule) -> list[Diagnostic]:
    """Intersect a rule's facts with a column's declared ones; an empty result is an error."""
    if "nullable" in new:
        facts["nullable"] = False
    if "categories" in new:
        have = facts.get("categories")
        facts["categories"] = [c for c in (have if have is not None else new["categories"])
                               if c in new["categories"]]
        if not facts["categories"]:
            return [Diagnostic("E0302", "no value of the column can satisfy this rule", rule.span,
                               help="the rule excludes every declared category")]
    for key, pick in (("min", max), ("max", min)):
        if key in new:
            facts[key] = new[key] if facts.get(key) is None else pick(facts[key], new[key])
    if facts.get("min") is not None and facts.get("max") is not None and facts["min"] > facts["max"]:
        fractional = any(isinstance(n, Literal) and isinstance(n.value, float) and not n.value.is_integer()
                         for n in walk(rule.expr))
        whole = " (a whole number: fractional bounds are rounded inward)" if fractional \
            and facts.get("kind") == "integer" else ""
        return [Diagnostic("E0302", f"no value of the column can satisfy this rule: it needs "
                                    f"{facts['min']!r} <= value <= {facts['max']!r}{whole}", rule.span,
                           help="the rule contradicts the column's bounds or another rule")]
    return []
