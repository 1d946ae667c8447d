"""The model card: what a released model promises, what it is made of, and what it does not cover.

Built from the model alone (ledger, settings, schema, network, rules): no data is read. The same
blocks render as Markdown or as a standalone HTML page (which embeds the network as SVG).

>>> from bayes_synth.inspect.examples import tiny_model
>>> card = model_card(tiny_model())
>>> "add/remove one record" in card and "(epsilon = 1, delta = 0)" in card
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bayes_synth.inspect.blocks import Block, Bullets, Code, Heading, Para, Table, render
from bayes_synth.inspect.guarantee import NEIGHBOURING, UNIT, Status, budget_by_kind, pretty, provenance, status

if TYPE_CHECKING:
    from bayes_synth.model import Model


def model_card(model: Model, fmt: str = "markdown") -> str:
    """The model card as ``markdown`` (default) or ``html`` (a standalone page)."""
    if fmt not in ("markdown", "html", "text"):
        raise ValueError(f"unknown model card format {fmt!r}; choose 'markdown' or 'html'")
    blocks = card_blocks(model, fmt)
    return render(blocks, fmt, title="Model card")


def card_blocks(model: Model, fmt: str = "markdown") -> list[Block]:
    """The card's content as blocks (``fmt`` decides whether the network is drawn as SVG or Mermaid)."""
    st = status(model)
    blocks: list[Block] = [Heading(f"Model card: {len(model.columns)} columns, {len(model.edges())} edges", 1),
                           Para(f"Status: {_status_line(st)}")]
    if st.flags:
        blocks.append(Bullets([f"WARNING: {f}" for f in st.flags]))
    blocks += _guarantee(model, st)
    blocks += _provenance(model)
    blocks += _budget(model, st)
    blocks += _columns(model)
    blocks += _network(model, fmt)
    blocks += _rules(model)
    blocks += _versions(model)
    blocks += _not_covered(model, st)
    return blocks


def _status_line(st: Status) -> str:
    if st.void:
        return "DP guarantee void (a disclosure filter read the real data)"
    if not st.private:
        return "NOT DP (epsilon = inf): no noise was added; the model may reveal individual records"
    text = "differentially private"
    if st.seed_unknown:
        return text + "; noise source unknown (the settings do not say whether it was seeded): not for release"
    return text + ("; seeded noise: for tests only, not for release" if st.seeded else "")


def _guarantee(model: Model, st: Status) -> list[Block]:
    items = [f"Guarantee: {st.guarantee if st.private else 'none -- NOT DP (epsilon = inf)'}",
             f"epsilon: budget {st.epsilon:g}, spent {pretty(st.spent_epsilon)}"
             + (f" (= {float(st.spent_epsilon):.6g})" if st.spent_epsilon.denominator != 1 else "")
             if st.private else "epsilon: inf (no noise; nothing was charged)",
             f"delta: budget {st.delta:g}, spent {pretty(st.spent_delta)}",
             f"Neighbouring relation: {NEIGHBOURING} (the number of rows is private too)",
             f"Unit of privacy: {UNIT}; a person with k rows is protected at k x epsilon (group privacy)",
             "Composition: basic sequential composition; the ledger's epsilons add up to the total",
             "Noise source: " + ("SEEDED (reproducible): for tests only, not for release" if st.seeded
                                 else "UNKNOWN ($.settings.seeded is missing or not true/false): treat as seeded, "
                                 "not for release" if st.seed_unknown else "operating-system entropy"),
             "Sampling, queries and explanations of the model are post-processing: they cost no budget"]
    if st.void:
        items.insert(1, "VOID: a disclosure filter read the real data at sample time; no DP guarantee holds")
    return [Heading("Formal guarantee"), Bullets(items)]


def _provenance(model: Model) -> list[Block]:
    prov = provenance(model)
    out: list[Block] = [Heading("Declared public, estimated under DP, assumed public")]
    out.append(Heading("Declared public (costs nothing)", 3))
    groups: dict[tuple[str, ...], list[str]] = {}
    for d in prov["declared"]:
        groups.setdefault(tuple(d["facts"]), []).append(d["column"])
    out.append(Bullets([f"{', '.join(facts)} of {', '.join(cols)}" for facts, cols in groups.items()] or ["nothing"]))
    out.append(Heading("Estimated under DP (charged to the ledger)", 3))
    out.append(Bullets([_fact_line(d) for d in prov["dp"]] or ["nothing"]))
    if prov["exact"]:
        out.append(Heading("Read from the data without noise (NOT DP)", 3))
        out.append(Bullets([_fact_line(d) for d in prov["exact"]]))
    out.append(Heading("Assumed public (metadata ledger entries: not protected)", 3))
    out.append(Bullets([f"{', '.join(d['columns']) or '(no column)'}: {d['fact']}" for d in prov["assumed_public"]]
                       or ["nothing: every schema fact was declared"]))
    return out


def _fact_line(d: dict[str, Any]) -> str:
    n = d.get("entries")
    text = d["fact"] + (f" ({n} {'query' if n == 1 else 'queries'})" if n else "")
    return text + (f": {', '.join(d['columns'])}" if d.get("columns") else "")


def _budget(model: Model, st: Status) -> list[Block]:
    rows = budget_by_kind(model.ledger)
    body = [[r["query_kind"], str(r["entries"]), ", ".join(r["mechanisms"]), r["epsilon"], f"{r['epsilon_float']:.6g}",
             f"{100 * r['share_of_budget']:.1f}%" if r["share_of_budget"] is not None else "-", pretty(r["delta"])]
            for r in rows]
    total = [["total", str(len(model.ledger.entries)), "", pretty(st.spent_epsilon), f"{float(st.spent_epsilon):.6g}",
              f"{100 * float(st.spent_epsilon) / st.epsilon:.1f}% of {st.epsilon:g}" if st.private else "-",
              pretty(st.spent_delta)]]
    return [Heading("Budget split by query kind"),
            Table(["query kind", "entries", "mechanism", "epsilon", "epsilon (decimal)", "share of budget", "delta"],
                  body + total, right=(1, 4, 5)),
            Para("Each kind's mechanism and sensitivity are documented in docs/privacy.md (one section per kind); "
                 "bayes-synth audit MODEL re-checks them and the totals with exact fractions.")]


def semantic_type(model: Model, column: str) -> str:
    """The column's semantic type from ``model.semantics`` ("" when untyped)."""
    sem = model.semantics if isinstance(model.semantics, dict) else {}
    cols = sem.get("columns") if isinstance(sem.get("columns"), dict) else {}
    entry = cols.get(column)
    return str(entry.get("type", "")) if isinstance(entry, dict) else ""


def domain_text(model: Model, column: str) -> str:
    """A short description of a column's modelled domain: categories or bins and their range."""
    codec = model.codecs[column]
    labels = codec.labels()
    values = labels[:-1] if codec.nullable else labels
    if codec.kind in ("categorical", "boolean"):
        shown = ", ".join(values[:4]) + (", ..." if len(values) > 4 else "")
        text = f"{len(values)} {'category' if len(values) == 1 else 'categories'} ({shown})"
    else:
        text = f"{len(values)} bins {values[0]} .. {values[-1]}"
    return text + (" + missing" if codec.nullable else "")


def _columns(model: Model) -> list[Block]:
    rows = [[c, model.codecs[c].kind, semantic_type(model, c) or "-", domain_text(model, c),
             ", ".join(model.parents(c)) or "-"] for c in model.columns]
    return [Heading("Columns"), Table(["column", "kind", "semantic type", "modelled domain", "parents"], rows)]


def _network(model: Model, fmt: str) -> list[Block]:
    k = model.settings.get("max_parents")
    out: list[Block] = [Heading("Network"),
                        Para(f"{len(model.edges())} edges; at most {k} parent(s) per column. Each column is drawn "
                             "from its conditional table given its parents, in the order below.")]
    names = model.columns
    out.append(Bullets([f"{names[i]} <- {', '.join(model.parents(names[i])) or '(no parents)'}" for i in model.order]))
    if fmt == "markdown":
        from bayes_synth.inspect.graph import to_mermaid

        out.append(Code(to_mermaid(model), lang="mermaid"))
    elif fmt == "html":
        from bayes_synth.inspect.blocks import Raw
        from bayes_synth.inspect.graph import to_svg

        out.append(Raw(to_svg(model)))
    return out


def _rules(model: Model) -> list[Block]:
    if not model.rules_source:
        return [Heading("Rules"), Para("No constraints file: no rules restrict sampling.")]
    return [Heading("Rules"),
            Para(f"The constraints file the model was fitted with. It is public: it is {stored_how(model)}, and "
                 "its declarations and rules cost no budget (except 'combine', learned under DP)."),
            Bullets(rules_facts(model)),
            Code(model.rules_source.rstrip("\n"))]


def stored_how(model: Model) -> str:
    """How the model keeps its rules text: as written, in canonical form, or (older files) not said."""
    written = (model.rules_origin or {}).get("as_written")
    if written is True:
        return "stored in the model as written (comments and layout kept)"
    if written is False:
        return "stored in the model in canonical form (includes expanded; comments and layout not kept)"
    return "stored in the model (this older file does not say whether as written or in canonical form)"


def rules_facts(model: Model) -> list[str]:
    """The rules' file name, SHA-256 and how they are stored, one line each (for the card and inspect).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> m = tiny_model()
    >>> m.rules_source, m.rules_origin = "rule age >= 18", {"file": "r.bsc", "sha256": "ab" * 32, "as_written": True}
    >>> rules_facts(m)[0]
    'file: r.bsc'
    """
    origin = model.rules_origin or {}
    file, digest = origin.get("file"), origin.get("sha256")
    out = [f"file: {file}" if file else "file: none recorded (the rules were given as text)" if "file" in origin
           else "file: not recorded (older model file)"]
    of = "the file's bytes" if file else "the rules text (UTF-8)"
    out.append(f"SHA-256 of {of}: {digest}" if digest else "SHA-256: not recorded (older model file)")
    out.append(stored_how(model))
    return out


def _versions(model: Model) -> list[Block]:
    from bayes_synth.modelfile import FORMAT, FORMAT_VERSION

    s = model.settings
    versions = s.get("versions") if isinstance(s.get("versions"), dict) else {}
    items = [f"file format: {FORMAT} version {FORMAT_VERSION}"]
    items += [f"{pkg}: {ver}" for pkg, ver in versions.items()] or ["library versions: not recorded"]
    for key, label in (("created", "fitted"), ("max_parents", "max parents"), ("n_bins", "bins per numeric column"),
                       ("noisy_row_count", "noisy row count (a DP output)")):
        if key in s:
            items.append(f"{label}: {s[key]}")
    return [Heading("Format and versions"), Bullets(items)]


def _not_covered(model: Model, st: Status) -> list[Block]:
    assumed = [c for e in model.ledger.entries if e.query_kind == "metadata" for c in e.columns]
    items = [
        ("Schema facts assumed public (metadata entries) are not protected: "
         + (", ".join(dict.fromkeys(assumed)) if assumed else "none in this model")),
        "Declared facts (schema, constraints file) are public by assumption: whoever declares them must know "
        "them without the data",
        "The disclosure filter (bayes-synth sample --risk-filter) reads the real data: output it cut has no DP "
        "guarantee" + (" -- this model's ledger records one: VOID" if st.void else " (not used for this model)"),
        f"The rules file is public: it is {stored_how(model)}" if model.rules_source
        else "The rules file is public (this model has none)",
        "Reports that read the real data (the demo summary, the ingest report, bayes-synth report) are local "
        "outputs for the data owner, outside the guarantee",
        "The unit of privacy is one row: people with several rows need entity-level bounding, not done here",
        "The exponential mechanism is implemented with floating point (Mironov 2012): a known residual risk",
    ]
    if st.seeded or st.seed_unknown:
        items.append("Seeded noise: anyone with the seed can remove the noise; never release a seeded model"
                     + (" (this model does not say whether it is seeded)" if st.seed_unknown else ""))
    if not st.private:
        items.insert(0, "NOTHING: this model was fitted without noise (epsilon = inf) and is NOT DP")
    return [Heading("What is not covered"), Bullets(items)]
