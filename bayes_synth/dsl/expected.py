"""Syntax-error messages in words: what the parser expected, what it found, and a hint.

The parser adapter reduces a lark error to an :class:`Unexpected` record of plain strings (terminal
literals such as ``"column"`` or ``","``, or class names ``NAME``, ``STRING``, ``NUMBER``,
``QNAME``, ``$END``); this module turns it into a :class:`Diagnostic`. No lark import here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bayes_synth.dsl.ast import Span
from bayes_synth.dsl.diagnostics import Diagnostic, did_you_mean

STATEMENT_KEYWORDS = ("include", "privacy", "column", "derive", "rule", "combine", "entity")
RESERVED = ("sequence",)
KEYWORDS = frozenset((
    *STATEMENT_KEYWORDS, "as", "in", "min", "max", "not", "null", "nullable", "unique", "format", "missing",
    "bins", "decimals", "epsilon_share", "dtype", "if", "then", "else", "and", "or", "is", "between", "true", "false",
))
_EXPR_START = {"NAME", "QNAME", "NUMBER", "STRING", "(", "-", "not", "if", "true", "false", "null", "min", "max"}
_OPTIONS = {"in", "min", "max", "not", "nullable", "unique", "format", "missing", "bins", "decimals", "epsilon_share",
            "dtype"}
_ARITHMETIC = {"+", "-", "*", "/"}
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
_CHAR_HELP = {
    "&": "write 'and' to combine conditions",
    "|": "write 'or' to combine conditions",
    "!": "write 'not' to negate a condition, '!=' for 'not equal'",
    "'": 'text values go in double quotes: "Private"',
    ";": "statements need no ';': start each one with its keyword",
    "%": "there is no '%' operator; see docs/dsl.md for the functions",
}
_MAX_WORDS = 6


@dataclass(frozen=True)
class Unexpected:
    """What went wrong, in plain strings: the offending text and the parser's context."""

    file: str
    line: int
    column: int
    end_column: int
    found_type: str  # a literal ("column", ","), NAME/QNAME/STRING/NUMBER, $END, or "" for a bad character
    found_text: str
    accepts: frozenset[str]
    stack: tuple[str, ...]  # literals / terminal classes / rule names of what was read so far
    prev_end: tuple[int, int] | None  # (line, column) just past the last token read
    line_text: str = ""


def _is_keyword(item: str) -> bool:
    return item in KEYWORDS


def _name_word(stack: tuple[str, ...]) -> str:
    """What a NAME means here: a column, an entity, a kind, a semantic type or a setting."""
    statement = next((s for s in reversed(stack) if s in STATEMENT_KEYWORDS), "")
    last = stack[-1] if stack else ""
    if statement == "entity" and last == "entity":
        return "an entity name"
    if statement == "column" and last == ":":
        return "a column kind such as 'integer' or 'categorical'"
    if last == "as":
        return "a semantic type such as 'email'"
    if statement == "privacy":
        return "a value" if last == "=" else "a setting name such as 'epsilon'"
    return "a column name"


_KEYWORD_ORDER = ("then", "else", "and", "or", "is", "in", "not", "between")


def _words(accepts: frozenset[str], stack: tuple[str, ...]) -> list[str]:
    """The accepted tokens as words, grouped ("an expression", "an operator"), most useful first."""
    left, groups = set(accepts) - {"QNAME"} | ({"NAME"} if "QNAME" in accepts else set()), []
    if {"NAME", "NUMBER", "STRING", "("} <= left:
        left -= _EXPR_START
        groups.append("an expression")
    if left >= _ARITHMETIC:
        left -= _ARITHMETIC | {"("}  # '(' after a name would be a function call: rarely what was meant
        groups.append("an operator such as '+'")
    if left >= _COMPARISONS:
        left -= _COMPARISONS
        groups.append("a comparison such as '=='")
    if "NUMBER" in left:
        left.discard("-")  # the sign of a number
    if left >= _OPTIONS:
        left -= _OPTIONS
        groups.append("a column option such as 'min', 'max' or 'not null'")
    new_statement = set(STATEMENT_KEYWORDS) <= left
    left -= set(STATEMENT_KEYWORDS) if new_statement else set()
    named = {"NAME": _name_word(stack), "NUMBER": "a number", "STRING": "a string in double quotes"}
    punct = sorted(f"'{a}'" for a in left if a not in named and a != "$END" and not _is_keyword(a))
    keywords = sorted((a for a in left if _is_keyword(a)),
                      key=lambda k: (_KEYWORD_ORDER.index(k) if k in _KEYWORD_ORDER else 99, k))
    words = groups + [named[a] for a in ("NAME", "NUMBER", "STRING") if a in left] + punct
    words += [f"'{k}'" for k in keywords] + (["a new statement"] if new_statement else [])
    return words + (["the end of the file"] if "$END" in left else [])


def join_words(words: list[str]) -> str:
    """``a, b or c`` (at most a few, then ``...``).

    >>> join_words(["','", "')'"])
    "',' or ')'"
    """
    if len(words) > _MAX_WORDS:
        return ", ".join(words[: _MAX_WORDS - 1]) + " or ..."
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found(u: Unexpected) -> str:
    text = u.found_text if len(u.found_text) <= 30 else u.found_text[:27] + "..."
    if u.found_type == "$END":
        return "the end of the file"
    if u.found_type == "STRING":
        return f"the string {text}"
    if u.found_type == "NUMBER":
        return f"the number {text}"
    return f"'{text}'"


def _help(u: Unexpected) -> str:
    """A hint for the usual mistakes; a 'did you mean' for a misspelt keyword."""
    accepts, found = u.accepts, u.found_type
    if found == "=" and "==" in accepts:
        return "compare with '=='; a single '=' only assigns, in 'derive' and 'privacy'"
    if found == "STRING" and "NAME" in accepts and "STRING" not in accepts:
        inner = u.found_text[1:-1]
        return f"a name is written bare or in backticks: `{inner}`; double quotes make a text value"
    if found == "-" and u.stack and u.stack[-1] in ("NAME", "QNAME") and "-" not in accepts:
        return f"put a name with dashes or spaces in backticks: `{_dashed_name(u.line_text, u.column)}`"
    if found == "if" and "(" in accepts and "if" not in accepts:
        return "put an 'if' inside a 'then' branch in parentheses: then (if ... else ...)"
    if (_is_keyword(found) or found in RESERVED) and "NAME" in accepts:
        return f"'{found}' is a keyword; write a column of that name in backticks: `{found}`"
    if found in ("NAME", "") or _is_keyword(found):
        keywords = [a for a in accepts if _is_keyword(a)]
        return did_you_mean(u.found_text, keywords) if keywords else ""
    return ""


def _dashed_name(line: str, column: int) -> str:
    """The whole dashed word around a '-' at ``column`` (``education-num``), for the backtick hint."""
    for match in re.finditer(r"\w+(?:-\w+)+", line):
        if match.start() <= column - 1 < match.end():
            return match.group(0)
    return "education-num"


def _unexpected_char(u: Unexpected) -> Diagnostic:
    char = u.found_text
    rest = len(u.line_text) + 1
    if char == '"':
        return Diagnostic("E0103", "unterminated string", Span(u.file, u.line, u.column, u.line, rest),
                          help='close the string with " on the same line')
    if char == "`":
        return Diagnostic("E0103", "unterminated quoted name", Span(u.file, u.line, u.column, u.line, rest),
                          help="a name in backticks must close with ` on the same line and not be empty")
    words = _words(u.accepts, u.stack)
    label = f"expected {join_words(words)}" if words else ""
    shown = repr(char) if not char.isprintable() or char == "\\" else f"'{char}'"
    return Diagnostic("E0102", f"unexpected character {shown}", Span(u.file, u.line, u.column, u.line, u.column + 1),
                      help=_CHAR_HELP.get(char, ""), label=label)


def explain(u: Unexpected) -> Diagnostic:
    """The diagnostic for one syntax error.

    >>> d = explain(Unexpected("a.bsc", 1, 1, 6, "NAME", "colum", frozenset({"column", "rule"}), (), None))
    >>> d.message, d.help
    ("expected 'column' or 'rule', found 'colum'", "did you mean 'column'?")
    """
    if u.found_type == "":
        return _unexpected_char(u)
    if u.found_type in RESERVED and "column" in u.accepts:
        return Diagnostic("E0105", f"the '{u.found_text}' statement is not supported yet",
                          Span(u.file, u.line, u.column, u.line, u.end_column),
                          help="'sequence' is reserved for sequence declarations; remove the statement for now")
    words = join_words(_words(u.accepts, u.stack)) or "nothing more"
    starts_statement = u.found_type in STATEMENT_KEYWORDS or u.found_type == "$END"
    if starts_statement and u.prev_end and (u.found_type == "$END" or u.prev_end[0] < u.line):
        line, column = u.prev_end
        where = Span(u.file, line, column, line, column + 1)
        if u.found_type == "$END":
            return Diagnostic("E0104", f"expected {words}, found the end of the file", where)
        return Diagnostic("E0101", f"expected {words}, found the end of the line", where,
                          help=f"the statement is incomplete; the next line starts a new '{u.found_type}' statement")
    if u.found_type == "NAME" and u.prev_end and u.prev_end[0] < u.line and "column" in u.accepts:
        words = "a new statement such as 'column' or 'rule'"
    code = "E0104" if u.found_type == "$END" else "E0101"
    span = Span(u.file, u.line, u.column, u.line, max(u.end_column, u.column + 1))
    return Diagnostic(code, f"expected {words}, found {_found(u)}", span, help=_help(u))
