"""The lark adapter: the only module that imports lark, and only when a file is first parsed.

It loads ``constraints.lark`` from the package, parses with LALR(1) and ``propagate_positions``,
hands the tree to :class:`~bayes_synth.dsl.build.AstBuilder`, and turns every lark error into a
:class:`~bayes_synth.errors.DSLSyntaxError` (no lark type, token or traceback escapes).
"""

from __future__ import annotations

import functools
from copy import copy
from importlib import resources
from typing import Any

from bayes_synth.dsl import ast
from bayes_synth.dsl.build import AstBuilder, BuildError
from bayes_synth.dsl.diagnostics import Diagnostic, syntax_error
from bayes_synth.dsl.expected import KEYWORDS, RESERVED, Unexpected, explain


class _Keywords:
    """A post-lexer: the contextual lexer sees NAME in every state (``always_accept``), and this step
    turns each keyword word into its keyword token.

    So keywords are whole words (``columnist`` is a name, not ``column`` + ``ist``) and reserved
    everywhere; ``sequence`` becomes a SEQUENCE token the grammar does not accept (yet).
    """

    always_accept = ("NAME",)

    def process(self, stream: Any) -> Any:
        from lark.lexer import Token

        types = _keyword_types()
        for token in stream:
            if token.type == "NAME" and token in types:
                token = Token.new_borrow_pos(types[token], str(token), token)
            yield token


def grammar_text() -> str:
    """The grammar shipped inside the package (``bayes_synth/dsl/constraints.lark``)."""
    return resources.files("bayes_synth.dsl").joinpath("constraints.lark").read_text(encoding="utf-8")


@functools.cache
def _lark() -> Any:
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", propagate_positions=True, maybe_placeholders=True,
                postlex=_Keywords())


@functools.cache
def _display() -> dict[str, str]:
    """Terminal name -> what the user types: the literal for keywords and punctuation, else the name."""
    out = {"$END": "$END", "SEQUENCE": "sequence"}
    for terminal in _lark().terminals:
        literal = type(terminal.pattern).__name__ == "PatternStr"
        out[terminal.name] = terminal.pattern.value if literal else terminal.name
    return out


@functools.cache
def _keyword_types() -> dict[str, str]:
    """Keyword word -> terminal name (``"column"`` -> ``"COLUMN"``), plus the reserved words."""
    out = {word: name for name, word in _display().items() if word in KEYWORDS}
    return out | {word: word.upper() for word in RESERVED}


def normalize(text: str) -> str:
    """Drop a byte-order mark and turn CRLF / CR line ends into LF (columns stay those of the file)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_source(text: str, filename: str = "<string>") -> list[ast.Statement]:
    """The statements of one file, ``include`` statements left as they are.

    >>> parse_source('include "common.bsc"\\nrule a > 1')[0]
    Include(path='common.bsc')
    """
    from lark.exceptions import LarkError, UnexpectedInput

    text = normalize(text)
    sources = {filename: text}
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise syntax_error(_diagnose(exc, text, filename), sources) from None
    except LarkError:
        raise syntax_error(Diagnostic("E0100", "the constraints could not be parsed"), sources) from None
    except RecursionError:
        raise syntax_error(Diagnostic("E0107", "the file is nested too deeply to read"), sources) from None
    try:
        return AstBuilder(filename).statements(tree)
    except BuildError as exc:
        raise syntax_error(exc.diagnostic, sources) from None


# ------------------------------------------------------------------------ lark error -> words
def _diagnose(exc: Any, text: str, filename: str) -> Diagnostic:
    """The diagnostic for a lark parse error; a plain located one if lark's error is not as expected."""
    try:
        return explain(_unexpected(exc, text, filename))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        line, column = _position(exc, text.split("\n"))
        return Diagnostic("E0101", "unexpected input", ast.Span(filename, line, column, line, column + 1))


def _unexpected(exc: Any, text: str, filename: str) -> Unexpected:
    """Reduce a lark ``UnexpectedInput`` to plain strings and positions."""
    display = _display()
    state = getattr(exc, "state", None)
    stack = tuple(_item_name(v, display) for v in getattr(state, "value_stack", ()))
    accepts = frozenset(display.get(t, t) for t in _accepts(state)) if state is not None else frozenset()
    lines = text.split("\n")
    line, column = _position(exc, lines)
    token = getattr(exc, "token", None)
    if token is not None:
        found_type, found_text = display.get(token.type, token.type), str(token)
        end_column = column + max(len(found_text), 1)
    else:
        pos = exc.pos_in_stream if isinstance(getattr(exc, "pos_in_stream", None), int) else len(text)
        found_type, found_text, end_column = "", text[pos] if pos < len(text) else "", column + 1
    line_text = lines[line - 1]
    prev_end = _end_of(state.value_stack[-1]) if state is not None and state.value_stack else None
    return Unexpected(filename, line, column, end_column, found_type, found_text, accepts, stack, prev_end,
                      line_text)


def _position(exc: Any, lines: list[str]) -> tuple[int, int]:
    """The error's (line, column), or the end of the text when lark gives none."""
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(line, int) and isinstance(column, int) and 0 < line <= len(lines) and column > 0:
        return line, column
    return len(lines), len(lines[-1]) + 1


def _item_name(item: Any, display: dict[str, str]) -> str:
    if hasattr(item, "type"):
        return display.get(item.type, item.type)
    return str(getattr(item, "data", ""))


def _end_of(item: Any) -> tuple[int, int] | None:
    """(line, column) just past a token or subtree on the parser's stack."""
    if isinstance(item, list):
        return _end_of(item[-1]) if item else None
    src = getattr(item, "meta", item)
    if getattr(src, "empty", False):
        return None
    line, column = getattr(src, "end_line", None), getattr(src, "end_column", None)
    return (line, column) if line is not None and column is not None else None


def _accepts(state: Any) -> set[str]:
    """The terminals that really advance the parser from ``state`` (LALR ``expected`` over-reports)."""
    from lark.exceptions import UnexpectedToken
    from lark.lexer import Token

    conf = copy(state.parse_conf)
    conf.callbacks = {}
    out = set()
    for term in state.parse_conf.parse_table.states[state.position]:
        if not term.isupper():
            continue
        trial = state.copy(deepcopy_values=False)
        trial.parse_conf = conf
        try:
            trial.feed_token(Token(term, ""), is_end=term == "$END")
        except (UnexpectedToken, AssertionError, KeyError):
            continue
        out.add(term)
    return out
