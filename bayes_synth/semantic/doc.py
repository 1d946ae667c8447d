"""docs/types.md, written from the catalogue so the reference cannot drift from the code.

``python -m bayes_synth.semantic.doc > docs/types.md`` regenerates it; a test checks it is current.
"""

from __future__ import annotations

from bayes_synth.semantic.catalogue import ALIASES, DETECTION_ONLY, FORMAT_KEPT, NOT_VALIDATED, TYPES, SemanticType
from bayes_synth.semantic.detect import ORDER
from bayes_synth.semantic.plan import FORMATTED

GENERATORS = {
    "identifier": "`semantic.ids` (numpy: templates, check digits)",
    "finance": "`semantic.ids` (valid check digits: mod-97, Luhn, ABA)",
    "internet": "`semantic.ids` (templates and word lists)",
    "person": "`semantic.people` (Faker's locale vocabularies, drawn with numpy)",
    "place": "`semantic.places` (real US reference; Faker locale of other countries) / `semantic.ids` (formats)",
    "text": "`semantic.people` (neutral sentences from Faker's word list)",
}
#: types whose validator also tests check digits (mod-97, Luhn, ABA, VAT check numbers)
CHECK_DIGITS = ("iban", "credit_card", "routing_number", "vat_number")
#: how the types that detection does not find by their validator are recognised
DETECTED = {
    "integer": "read as numbers when the table is read (every value parses)",
    "float": "read as numbers when the table is read (every value parses)",
    "category": "text that matches no other type is modelled as categories (declare `as category` to say so)",
    "sequential_id": "whole numbers under a column name matching `{hint}`, nearly all distinct (at least 90%), "
                     "or repeating with at least 1,000 distinct values or 20% distinct",
    "pattern_id": "text of one shape that matches no other type: nearly all distinct (at least 90%), or "
                  "repeating (an event table's order references) with digits in the shape and at least 1,000 "
                  "distinct values or 20% distinct",
    "full_name": "the column name matches `{hint}` and at least 90% of the values are two to four words of letters",
    "free_text": "text that matches no other type, nearly all distinct, at least half of it with spaces",
}


def _detected_by(t: SemanticType) -> str:
    if t.name in DETECTED and t.name not in ORDER:
        return DETECTED[t.name].format(hint=_words(t.hint))
    parts = []
    if t.validate is not None:
        parts.append("values validate (at least 95% of up to 2,000 distinct values)")
    if t.hint:
        words = _words(t.hint)
        parts.append(("and" if t.needs_hint else "or 80% when") + f" the column name matches `{words}`")
    return " ".join(parts)


def _checked_by(t: SemanticType) -> str:
    """What ``bayes-synth check`` tests of a column declared with this type."""
    if t.name in NOT_VALIDATED:
        return f"- ({NOT_VALIDATED[t.name]})"
    if t.name in DETECTION_ONLY:
        return "- (its validator is a word list or a loose shape: a real value outside it is not an error)"
    if t.name in FORMATTED:
        return "the learned or declared format reads the value" + (" (else the declared kind)" if t.name in (
            "float", "boolean") else "")
    if t.name == "ordinal":
        return "- (any scale can be ordinal; declare the labels with `in [...]`)"
    if t.name == "pattern_id":
        return "the value fits the template"
    return "the type's validator (shape" + (", check digits)" if t.name in CHECK_DIGITS else ")")


def _kept(t: SemanticType) -> str:
    """What of the real column's look the output keeps (generated types that learn it: ``layouts.KEPT``)."""
    from bayes_synth.semantic.layouts import KEPT

    return KEPT.get(t.name) or FORMAT_KEPT[t.name]


def _words(hint: str | None) -> str:
    return (hint or "").replace("(^|_)", "").replace("(_|$)", "").replace("_?", " ").replace("_", " ")


def _cell(text: str) -> str:
    """A Markdown table cell: a bare ``|`` (in name patterns) would end the cell."""
    return text.replace("|", "\\|")


def render() -> str:
    """The Markdown reference of every type."""
    generated = sum(t.generated for t in TYPES.values())
    lines = [
        "# Semantic types",
        "",
        f"bayes_synth knows {len(TYPES)} semantic types ({len(TYPES) - generated} modelled, {generated} generated).",
        "Declare one in a constraints file with `as`: `column email: text as email, unique`; a declared type",
        "always wins over detection. Undeclared text columns are detected from their values and names",
        "(`bayes_synth.semantic.detect`); detected types are facts about the data treated as public, and the",
        "privacy ledger says so (declare them to avoid that assumption).",
        "",
        "- **modelled** types are learned by the network under DP, as numbers, dates or categories; their",
        "  display format is learned from the text and rendered back after sampling.",
        "- **generated** types are never learned: the network learns only whether a cell is filled, and",
        "  fresh values are generated for the sampled rows (personal values are never copied). Values of one",
        "  `entity` agree: first names with the modelled gender, emails with the names, phone, postcode and",
        "  IBAN formats with the row's country (a modelled country code or name such as `United Kingdom`;",
        "  without one, the country of the modelled regions or of the data's locale), street, city and",
        "  postcode with one place of that country. Only US places are real: city/state/ZIP are one row of",
        "  a real US reference (in the modelled state). Other countries get streets, cities and postcodes",
        "  from their Faker locale, in the country's postcode format but not a real place (French postcodes",
        "  start with the modelled department's number, Canadian ones with the province's letter, Italian",
        "  postcode/town/province come from Faker's own table). `unique` on a generated column makes every",
        "  value distinct.",
        "- IDs across related tables: `bayes_synth.semantic.keys.entity_ids(numbers, pattern, key)` gives",
        "  entity number k the same ID (in the template, e.g. `ACC-000000`) in every table generated with the",
        "  same key, and never the same ID to two entities (for entity and event tables).",
        "",
        "`bayes-synth check RULES DATA` tests the values of every column declared `as TYPE` (or with a",
        "`format`) as the \"checked by\" column says, and reports counts and row numbers, never values.",
        "",
        "| type | role | personal | what it is | detected by | format kept | checked by | generated by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in TYPES.values():
        role = "generated" if t.generated else f"modelled ({t.kind})"
        gen = GENERATORS.get(t.group, "") if t.generated else "the network (DP)"
        cells = [f"`{t.name}`", role, "yes" if t.personal else "", t.description, _detected_by(t), _kept(t),
                 _checked_by(t), gen]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "Other names accepted after `as`: " + ", ".join(f"`{a}` ({b})" for a, b in sorted(ALIASES.items())),
              "", "Regenerate this page with `python -m bayes_synth.semantic.doc > docs/types.md`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
