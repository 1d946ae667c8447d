"""The constraints language: parse ``.bsc`` files into a typed AST and check them against a table.

>>> from bayes_synth.dsl import parse_constraints, check
>>> rules = parse_constraints('column age: integer, min 17, max 90\\nrule if retired then age >= 55')
>>> [type(s).__name__ for s in rules]
['Column', 'Rule']
>>> check(rules, {"age": "integer", "retired": "boolean"}).diagnostics
[]

The grammar is ``grammar/constraints.lark``; ``docs/dsl.md`` is the reference and lists the error codes.
"""

from __future__ import annotations

from pathlib import Path

from bayes_synth.dsl.diagnostics import Diagnostic, render, render_all
from bayes_synth.dsl.loader import Loader
from bayes_synth.dsl.printer import to_source
from bayes_synth.dsl.ruleset import RuleSet
from bayes_synth.dsl.semantic import CheckResult, check

__all__ = ["CheckResult", "Diagnostic", "RuleSet", "check", "load_constraints", "parse_constraints", "render",
           "render_all", "to_source"]


def parse_constraints(text: str, *, filename: str = "<string>") -> RuleSet:
    """Parse constraints text; ``include`` paths resolve against ``filename``'s folder (or the working
    directory for ``"<string>"``). Raises :class:`~bayes_synth.errors.DSLSyntaxError`.

    >>> parse_constraints("combine city, region").statements[0].column_names
    ('city', 'region')
    """
    if filename.startswith("<"):
        return Loader().load_text(text, filename, Path.cwd())
    return Loader().load_text(text, filename, Path(filename).parent, Path(filename))


def load_constraints(path: str | Path) -> RuleSet:
    """Read a constraints file and the files it includes (relative to the including file).

    Raises :class:`~bayes_synth.errors.DSLSyntaxError` for a syntax error, an unreadable file or an
    include cycle.
    """
    return Loader().load_path(Path(path))
