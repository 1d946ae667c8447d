"""A tiny document model (headings, paragraphs, lists, tables, code) rendered as text, Markdown or HTML.

The model card and ``bayes-synth inspect`` build one list of blocks and render it in the format asked,
so the three forms always say the same thing. All text is escaped for its target; nothing is executed.

>>> doc = [Heading("Model", 1), Para("Two columns."), Table(["column", "kind"], [["a|b", "integer"]])]
>>> print(render(doc, "markdown"))
# Model
<BLANKLINE>
Two columns.
<BLANKLINE>
| column | kind |
|---|---|
| a\\|b | integer |
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    right: Sequence[int] = field(default_factory=tuple)  # columns aligned right (numbers)


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""  # Markdown fence language (e.g. "mermaid")


@dataclass(frozen=True)
class Raw:
    """Trusted HTML made by this package (an SVG figure): shown in HTML only."""

    html: str


Block = Heading | Para | Bullets | Table | Code | Raw


def render(blocks: Sequence[Block], fmt: str = "text", *, title: str = "") -> str:
    """Render ``blocks`` as ``text``, ``markdown`` or ``html`` (a whole page titled ``title``)."""
    if fmt == "text":
        return "\n\n".join(_text(b) for b in blocks if not isinstance(b, Raw))
    if fmt == "markdown":
        return "\n\n".join(_markdown(b) for b in blocks if not isinstance(b, Raw))
    if fmt == "html":
        body = "\n".join(b.html if isinstance(b, Raw) else _html(b) for b in blocks)
        return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n"
                "</html>")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _text(b: Block) -> str:
    if isinstance(b, Heading):
        return b.text if b.level > 2 else f"{b.text}\n{('=' if b.level == 1 else '-') * len(b.text)}"
    if isinstance(b, Para):
        return b.text
    if isinstance(b, Bullets):
        return "\n".join(f"  - {item}" for item in b.items)
    if isinstance(b, Table):
        rows = [list(map(str, b.header))] + [[str(c) for c in r] for r in b.rows]
        widths = [max(len(r[j]) for r in rows) for j in range(len(b.header))]

        def line(r: list[str]) -> str:
            cells = [c.rjust(w) if j in b.right else c.ljust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True))]
            return ("  " + "  ".join(cells)).rstrip()

        return "\n".join([line(rows[0]), "  " + "  ".join("-" * w for w in widths)] + [line(r) for r in rows[1:]])
    return "\n".join(f"    {ln}" for ln in b.text.splitlines()) or "    (empty)"


def _markdown(b: Block) -> str:
    if isinstance(b, Heading):
        return f"{'#' * b.level} {b.text}"
    if isinstance(b, Para):
        return b.text
    if isinstance(b, Bullets):
        return "\n".join(f"- {item}" for item in b.items)
    if isinstance(b, Table):
        def row(cells: Sequence[str]) -> str:
            return "| " + " | ".join(_md_cell(c) for c in cells) + " |"

        sep = "|" + "|".join("---:" if j in b.right else "---" for j in range(len(b.header))) + "|"
        return "\n".join([row(b.header), sep] + [row(r) for r in b.rows])
    fence = "~~~~" if "```" in b.text else "```"
    return f"{fence}{b.lang}\n{b.text}\n{fence}"


def _md_cell(cell: object) -> str:
    return str(cell).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _html(b: Block) -> str:
    e = html.escape
    if isinstance(b, Heading):
        return f"<h{b.level}>{e(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return f"<p>{e(b.text)}</p>"
    if isinstance(b, Bullets):
        return "<ul>\n" + "\n".join(f"<li>{e(i)}</li>" for i in b.items) + "\n</ul>"
    if isinstance(b, Table):
        def cells(r: Sequence[str], tag: str) -> str:
            return "".join(f'<{tag}{" class=num" if j in b.right else ""}>{e(str(c))}</{tag}>'
                           for j, c in enumerate(r))

        rows = "\n".join(f"<tr>{cells(r, 'td')}</tr>" for r in b.rows)
        return f"<table>\n<thead><tr>{cells(b.header, 'th')}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    return f"<pre>{e(b.text)}</pre>"


_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.2rem .5rem;"
        "text-align:left}svg{max-width:100%;height:auto}td.num,th.num{text-align:right}pre{background:#f6f6f6;padding:.5rem;overflow:auto}")
