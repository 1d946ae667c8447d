"""Everything ``bayes-synth inspect`` shows about a model, as plain data and as document blocks.

Columns with kinds and semantic types, the network (each column and its parents), the strongest
dependencies, the privacy ledger with its total against the budget, the flags (not DP, seeded, void),
the rules source and the format and library versions. No data is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bayes_synth.inspect.blocks import Block, Bullets, Code, Heading, Para, Table
from bayes_synth.inspect.card import domain_text, rules_facts, semantic_type
from bayes_synth.inspect.explain import strongest_dependencies
from bayes_synth.inspect.guarantee import budget_by_kind, pretty, status

if TYPE_CHECKING:
    from bayes_synth.model import Model


def overview(model: Model, *, k: int = 10) -> dict[str, Any]:
    """The inspect report as JSON-ready data.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> o = overview(tiny_model())
    >>> o["network"]["parents"]["income"], o["privacy"]["within_budget"], o["flags"]
    (['sex', 'age'], True, [])
    """
    from bayes_synth.modelfile import FORMAT, FORMAT_VERSION

    st = status(model)
    led = model.ledger
    deps = strongest_dependencies(model, k)
    settings = model.settings
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "columns": [{"name": c, "kind": model.codecs[c].kind, "semantic_type": semantic_type(model, c) or None,
                     "domain": domain_text(model, c), "size": model.codecs[c].size,
                     "nullable": model.codecs[c].nullable, "parents": list(model.parents(c))} for c in model.columns],
        "network": {"order": [model.columns[i] for i in model.order],
                    "parents": {c: list(model.parents(c)) for c in model.columns},
                    "edges": len(model.edges()), "max_parents": settings.get("max_parents")},
        "strongest_dependencies": deps.to_dict("records"),
        "privacy": {**st.to_dict(), "budget_by_kind": budget_by_kind(led),
                    "within_budget": (st.spent_epsilon <= led.budget and st.spent_delta <= led.delta)
                    if st.private else None,
                    "entries": [e.to_dict() for e in led.entries]},
        "flags": st.flags,
        "rules": {"source": model.rules_source, "lines": len(model.rules_source.splitlines()),
                  "file": (model.rules_origin or {}).get("file"), "sha256": (model.rules_origin or {}).get("sha256"),
                  "as_written": (model.rules_origin or {}).get("as_written"), "facts": rules_facts(model)}
        if model.rules_source else None,
        "versions": settings.get("versions") if isinstance(settings.get("versions"), dict) else {},
        "created": settings.get("created"),
    }


def overview_blocks(data: dict[str, Any], *, title: str = "Model") -> list[Block]:
    """:func:`overview`'s data as document blocks (rendered as text or Markdown by the CLI)."""
    priv = data["privacy"]
    n_cols = len(data["columns"])
    blocks: list[Block] = [Heading(f"{title}: {n_cols} columns, {data['network']['edges']} edges", 1),
                           Para(f"Privacy: {_privacy_line(priv)}")]
    blocks.append(Bullets([f"FLAG: {f}" for f in data["flags"]]) if data["flags"] else Para("Flags: none"))
    blocks += [Heading("Columns"),
               Table(["column", "kind", "semantic type", "modelled domain"],
                     [[c["name"], c["kind"], c["semantic_type"] or "-", c["domain"]] for c in data["columns"]])]
    net = data["network"]
    blocks += [Heading("Network (column <- parents, in drawing order)"),
               Bullets([f"{c} <- {', '.join(net['parents'][c]) or '(no parents)'}" for c in net["order"]])]
    deps = data["strongest_dependencies"]
    blocks.append(Heading("Strongest dependencies (mutual information in the model, bits)"))
    blocks.append(Table(["rank", "parent -> child", "bits", "share of child's entropy"],
                        [[str(i), f"{d['parent']} -> {d['child']}", f"{d['mutual_information_bits']:.4f}",
                          f"{100 * d['share_of_child_entropy']:.1f}%"] for i, d in enumerate(deps, 1)], right=(0, 2, 3))
                  if deps else Para("The network has no edges: every column is drawn independently."))
    blocks += _ledger_blocks(priv, n_cols)
    rules = data["rules"]
    blocks += [Heading("Rules"), Bullets(rules["facts"]), Code(rules["source"].rstrip("\n"))] if rules \
        else [Heading("Rules"), Para("No constraints file.")]
    versions = [f"file format: {data['format']} version {data['format_version']}"]
    versions += [f"{k}: {v}" for k, v in data["versions"].items()] or ["library versions: not recorded"]
    if data.get("created"):
        versions.append(f"fitted: {data['created']}")
    blocks += [Heading("Format and versions"), Bullets(versions)]
    return blocks


def _privacy_line(priv: dict[str, Any]) -> str:
    if not priv["private"]:
        return "NOT DP (epsilon = inf): no noise was added"
    text = (f"{priv['verdict']}; epsilon spent {pretty(priv['spent_epsilon'])} of budget {priv['epsilon']:g}, "
            f"delta spent {pretty(priv['spent_delta'])} of {priv['delta']:g}; neighbours: {priv['neighbouring']}")
    return text if priv["within_budget"] else text + " -- OVER BUDGET"


def _ledger_blocks(priv: dict[str, Any], n_cols: int) -> list[Block]:
    rows = []
    for e in priv["entries"]:
        cols = e["columns"]
        shown = f"(all {n_cols} columns)" if len(cols) == n_cols and n_cols > 3 else ", ".join(cols) or "-"
        rows.append([str(e["step"]), e["query_kind"], shown, e["mechanism"], f"{e['sensitivity']:g}", e["epsilon"],
                     f"{e['epsilon_float']:.4g}", pretty(e["delta"])])
    kinds = [[r["query_kind"], str(r["entries"]), r["epsilon"], f"{r['epsilon_float']:.6g}",
              f"{100 * r['share_of_budget']:.1f}%" if r["share_of_budget"] is not None else "-", pretty(r["delta"])]
             for r in priv["budget_by_kind"]]
    if priv["private"]:
        verdict = "within budget" if priv["within_budget"] else "OVER BUDGET"
        total = (f"Total: epsilon {pretty(priv['spent_epsilon'])} of budget {priv['epsilon']:g}, "
                 f"delta {pretty(priv['spent_delta'])} "
                 f"of {priv['delta']:g} ({verdict}; exact fractions).")
    else:
        total = "Total: no budget (epsilon = inf): every query was answered exactly and charged 0. NOT DP."
    return [Heading("Privacy ledger"),
            Table(["step", "query kind", "columns", "mechanism", "sensitivity", "epsilon", "(decimal)", "delta"],
                  rows, right=(0, 4, 6)),
            Heading("By query kind", 3),
            Table(["query kind", "entries", "epsilon", "(decimal)", "share of budget", "delta"], kinds,
                  right=(1, 3, 4)),
            Para(total)]
