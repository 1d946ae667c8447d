"""Turn the declarations of a constraints file into the engine's inputs.

:func:`schema_from_rules` maps ``column`` statements to the plain-dict schema of
:mod:`bayes_synth.schema` (the form ``Schema.from_dict`` and ``ingest.prepare`` take).
"""

from __future__ import annotations

from typing import Any

from bayes_synth.dsl.declcheck import KINDS
from bayes_synth.dsl.ruleset import RuleSet

#: Column kinds of the language -> kinds of bayes_synth.schema (free text is categorical for now).
SCHEMA_KINDS = {"integer": "integer", "float": "float", "date": "date", "datetime": "datetime",
                "boolean": "boolean", "categorical": "categorical", "text": "categorical"}
_ORDERED = ("integer", "float", "date", "datetime")


def schema_from_rules(ruleset: RuleSet) -> dict[str, dict[str, Any]]:
    """The declared facts of each ``column`` statement as a schema dict (first declaration of a name).

    Keys: ``kind``, ``min``/``max`` (ordered kinds), ``categories`` (``in [...]``), ``nullable``
    (``not null`` -> False, ``nullable`` -> True), ``missing``, ``bins``, ``dtype``. Options the schema
    has no place for (``unique``, ``format``, ``decimals``, ``epsilon_share``) and statements with an
    unknown kind are left out.

    >>> from bayes_synth.dsl import parse_constraints
    >>> schema_from_rules(parse_constraints('column age: integer, min 17, not null\\ncolumn id: text, unique'))
    {'age': {'kind': 'integer', 'min': 17, 'nullable': False}, 'id': {'kind': 'categorical'}}
    """
    out: dict[str, dict[str, Any]] = {}
    for column in ruleset.columns:
        if column.name in out or column.kind not in KINDS:
            continue
        facts: dict[str, Any] = {"kind": SCHEMA_KINDS[column.kind]}
        if column.kind in _ORDERED:
            facts.update({key: value for key, value in (("min", column.min), ("max", column.max))
                          if value is not None})
        if column.categories is not None:
            facts["categories"] = list(column.categories)
        if column.nullable is not None:
            facts["nullable"] = bool(column.nullable)
        if column.missing:
            facts["missing"] = list(column.missing)
        for key in ("bins", "dtype"):
            if column.option(key) is not None:
                facts[key] = column.option(key)
        out[column.name] = facts
    return out
