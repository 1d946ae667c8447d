"""Before any row is sampled: can the rules hold together at all, over the columns' domains?

Each column's domain is public by the time this runs (declared, or learned under DP and then only
post-processed). The check draws rows with the enforcing sampler from *uniform* tables over those
domains, in an order that respects the rules' required orderings: any row that reaches the end
without a dead end satisfies every rule, so finding one proves the rule set satisfiable. If no row
in two growing batches does, the rules are reported as conflicting, and a deletion filter names a
smallest set of them that still admits no row (each rule named is needed for the conflict). A row
counts only if the columns the constraints do not allow to be missing hold values: a rule with a
missing operand is unknown, not broken, so otherwise leaving a column empty would "satisfy" any rules.

>>> # raised from Synthesizer.fit:
>>> # E0304: these rules cannot all hold in one row, over the columns' declared domains
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from bayes_synth.encode import Codec
from bayes_synth.enforcement import draw_once

BATCHES = (512, 8192)


def explorer(codecs: Mapping[str, Codec], axes: Mapping[str, Any], order: Sequence[int] | None = None,
             seed: int = 0) -> Explore:
    """A function telling whether some row over the codecs' domains satisfies the given rules."""
    names = list(codecs)
    uniform = [np.full((1, c.size), 1.0 / c.size) for c in codecs.values()]
    parents = [[] for _ in names]

    def explore(rules: Mapping[str, list[Any]]) -> bool:
        sequence = list(order) if order is not None else _order(names, rules)
        rng = np.random.default_rng(seed)  # public domains only: the seed protects nothing
        return any(not draw_once(sequence, parents, uniform, codecs, n, rng, rules, axes).dead.all()
                   for n in BATCHES)

    return explore


Explore = Callable[[Mapping[str, list[Any]]], bool]


def find_conflict(rules: Mapping[str, list[Any]], explore: Explore) -> list[Any] | None:
    """A smallest set of rules that no row can satisfy together, or None if some row satisfies them all.

    Deletion filter: each rule is dropped in turn and kept out if the others still conflict, so
    every rule left is needed for the conflict.
    """
    if explore(rules):
        return None
    kept = [r for group in rules.values() for r in group]
    for rule in list(kept):
        trial = [r for r in kept if r is not rule]
        if not explore(by_target(trial)):
            kept = trial
    return kept


def by_target(rules: list[Any]) -> dict[str, list[Any]]:
    """Compiled rules grouped by the column they restrict."""
    out: dict[str, list[Any]] = {}
    for r in rules:
        out.setdefault(r.target, []).append(r)
    return out


def _order(names: list[str], rules: Mapping[str, list[Any]]) -> list[int]:
    """Column indices with every rule's inputs before its target."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from((i, r.target) for group in rules.values() for r in group for i in r.inputs if i in names)
    return [names.index(c) for c in nx.lexicographical_topological_sort(graph, key=names.index)]


def require_satisfiable(targets: list[Any], codecs: Mapping[str, Codec], axes: Mapping[str, Any],
                        sources: Mapping[str, str] | None = None, *, filled: Sequence[str] = (),
                        folds: Mapping[str, Sequence[Any]] | None = None) -> None:
    """Raise :class:`~bayes_synth.errors.DSLSemanticError` (E0304) naming rules no row can satisfy together.

    ``filled``: columns that must be able to hold a value. A rule whose operand is missing is unknown,
    hence not broken, so without this any rule set holds in a row that leaves the right columns empty:
    the rows must satisfy the rules with every ``filled`` column not missing (the caller leaves out the
    columns the constraints allow to be missing). ``folds``: column -> the one-column rules that narrowed
    its domain, named with a conflict over that column.
    """
    if not targets:
        return
    from bayes_synth.dsl import ast
    from bayes_synth.dsl.enforce import compile_rule

    present = [compile_rule(ast.Rule(ast.IsNull(ast.Name(c), negated=True)), {c: codecs[c].kind})
               for c in filled if c in codecs and getattr(codecs[c], "nullable", False)]
    conflict = find_conflict(by_target(list(targets) + present), explorer(codecs, axes))
    if conflict is None:
        return
    from bayes_synth.dsl.diagnostics import Diagnostic, semantic_error
    from bayes_synth.dsl.printer import to_source

    empty = [r.target for r in conflict if any(r is p for p in present)]
    conflict = [r for r in conflict if not any(r is p for p in present)]
    read = [c for r in conflict for c in (r.target, *r.inputs)]
    narrowing = list({id(f): f for c in dict.fromkeys(read) for f in (folds or {}).get(c, ())}.values())
    unless = (" unless " + " or ".join(f"'{c}'" for c in empty) + " is left missing") if empty else ""
    hint = ("over the columns' declared (or learned) domains these rules contradict each other: drop or relax "
            "one of them, or widen the bounds")
    if empty:
        hint += ("; a rule with a missing operand is not broken, but the constraints do not allow "
                 f"{' or '.join(repr(c) for c in empty)} to be missing (declare it 'nullable', or test "
                 "'is null' in a rule, if that is meant)")
    seen, problems = set(), []
    named = [(r.rule.span, r.text) for r in conflict] + [(f.span, to_source(f)) for f in narrowing]
    for span, _ in named:
        if span in seen:
            continue
        seen.add(span)
        others = list(dict.fromkeys(t for s, t in named if s != span))
        problems.append(Diagnostic(
            "E0304", "no row can satisfy this rule together with " +
            (", ".join(f"'{t}'" for t in others) if others else "the columns' domains") + unless, span, help=hint))
    if not problems:  # only the columns themselves: one of them has no value at all
        problems.append(Diagnostic("E0304", "no row can satisfy the rules: " + " and ".join(
            f"'{c}'" for c in empty) + " can take no value but missing", None, help=hint))
    raise semantic_error(problems, sources)
