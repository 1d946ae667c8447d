"""Pictures of the network: Graphviz DOT text, Mermaid text and a self-contained SVG drawing.

DOT and Mermaid are text for other tools (``dot -Tpng``, a Markdown page that renders Mermaid). SVG
and PNG are drawn by matplotlib (:mod:`bayes_synth.inspect.png`, the optional extra
``pip install 'bayes_synth[pictures]'``) from :mod:`bayes_synth.inspect.layout`, the colours
(:data:`KIND_COLOURS`) and the legend (:data:`KIND_LEGEND`) defined here; without matplotlib the SVG
is drawn by hand from the same layout (:func:`svg_from_layout`). Boxes are coloured by column kind;
hovering a box or an arrow shows its details.

>>> from bayes_synth.inspect.examples import tiny_model
>>> print(to_mermaid(tiny_model()))
graph LR
  n0["sex"]
  n1["age"]
  n2["income"]
  n0 --> n1
  n0 --> n2
  n1 --> n2
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from bayes_synth.inspect.layout import Layout, layout

if TYPE_CHECKING:
    from bayes_synth.model import Model

KIND_COLOURS = {
    "categorical": "#dbeafe",
    "boolean": "#dcfce7",
    "integer": "#fef3c7",
    "float": "#fef3c7",
    "date": "#fce7f3",
    "datetime": "#fce7f3",
}
KIND_LEGEND = (("categorical", "categorical"), ("boolean", "boolean"), ("integer", "number"), ("date", "date/time"))
LEGEND_HEIGHT = 28.0


@dataclass(frozen=True)
class SubNetwork:
    """Part of a model's network (some columns and the edges among them), drawn like a whole model."""

    columns: list[str]
    parents_idx: tuple[tuple[int, ...], ...]
    codecs: dict[str, Any]
    title: str

    def edges(self) -> list[tuple[str, str]]:
        return [(self.columns[p], self.columns[c]) for c, ps in enumerate(self.parents_idx) for p in ps]


def neighbourhood(model: Model, column: str) -> SubNetwork:
    """``column``, its parents and its children, with the network's edges among them.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> sub = neighbourhood(tiny_model(), "age")
    >>> sub.columns, sub.edges()
    (['sex', 'age', 'income'], [('sex', 'age'), ('sex', 'income'), ('age', 'income')])
    """
    keep = {column, *model.parents(column), *model.children(column)}  # unknown column: ParameterError
    names = [c for c in model.columns if c in keep]
    index = {c: i for i, c in enumerate(names)}
    parents = tuple(tuple(index[p] for p in model.parents(c) if p in index) for c in names)
    edges = sum(len(ps) for ps in parents)
    return SubNetwork(names, parents, {c: model.codecs[c] for c in names},
                      f"Neighbourhood of {column}: {len(names)} columns, {edges} edges")


def to_dot(model: Model, *, direction: str = "LR") -> str:
    """The network as a Graphviz ``digraph`` (every name quoted and escaped).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> print(to_dot(tiny_model()).splitlines()[-2])
      "age" -> "income";
    """
    lines = ["digraph bayes_synth {", f"  rankdir={'LR' if direction == 'LR' else 'TB'};",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];']
    for name in model.columns:
        codec = model.codecs[name]
        lines.append(f'  {_dot_id(name)} [fillcolor="{KIND_COLOURS.get(codec.kind, "#eeeeee")}", '
                     f'tooltip={_dot_id(f"{name}: {codec.kind}, {codec.size} values")}];')
    lines += [f"  {_dot_id(p)} -> {_dot_id(c)};" for p, c in model.edges()]
    lines.append("}")
    return "\n".join(lines)


def to_mermaid(model: Model, *, direction: str = "LR") -> str:
    """The network as a Mermaid flowchart (``graph LR`` or ``graph TD``); labels quoted, ids ``n0, n1...``."""
    if direction not in ("LR", "TD"):
        raise ValueError(f"direction must be 'LR' or 'TD'; got {direction!r}")
    ids = {name: f"n{i}" for i, name in enumerate(model.columns)}
    lines = [f"graph {direction}"]
    lines += [f'  {ids[name]}["{_mermaid_label(name)}"]' for name in model.columns]
    lines += [f"  {ids[p]} --> {ids[c]}" for p, c in model.edges()]
    return "\n".join(lines)


def to_svg(model: Model, *, direction: str = "LR", title: str | None = None) -> str:
    """A standalone SVG drawing of the network (layered layout, one box per column, arrows to children).

    Drawn by matplotlib when it is installed (the PNG's drawing: :func:`~bayes_synth.inspect.png.svg_with_matplotlib`),
    else by :func:`svg_from_layout`. Either way it starts at ``<svg``, every column is one element of class
    ``node`` and every edge one of class ``edge``, each with a ``<title>``.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> svg = to_svg(tiny_model())
    >>> svg.startswith("<svg") and svg.count('class="node"') == 3
    True
    """
    from bayes_synth.errors import MissingDependencyError
    from bayes_synth.inspect.png import svg_with_matplotlib

    lay = layout(model.columns, model.parents_idx, direction=direction)
    kinds = {c: model.codecs[c].kind for c in model.columns}
    title = title or f"Bayesian network: {len(model.columns)} columns, {len(model.edges())} edges"
    try:
        return svg_with_matplotlib(lay, kinds, title=title)
    except MissingDependencyError:  # no matplotlib: the same layout, drawn here
        return svg_from_layout(lay, kinds, title=title)


def svg_from_layout(lay: Layout, kinds: dict[str, str], *, title: str = "") -> str:
    """Draw a :class:`~bayes_synth.inspect.layout.Layout` as SVG text (boxes, curved arrows, legend) by hand:
    the fallback of :func:`to_svg` when matplotlib is not installed."""
    w, h = lay.width, lay.height + LEGEND_HEIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
             f'height="{h:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">',
             f"<title>{escape(title)}</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker></defs>',
             f'<rect x="0" y="0" width="{w:.0f}" height="{h:.0f}" fill="white"/>',
             '<g class="edges" fill="none" stroke="#888" stroke-width="1.2">']
    for parent, child, pts in lay.routes:
        parts.append(f'<path class="edge" d="{_curve(pts, lay.direction)}" marker-end="url(#arrow)">'
                     f"<title>{escape(parent)} \u2192 {escape(child)}</title></path>")
    parts.append("</g>")
    parts.append('<g class="nodes">')
    for name, box in lay.boxes.items():
        cx, cy = box.centre
        kind = kinds.get(name, "")
        parts.append(f"<g><title>{escape(name)} ({escape(kind)})</title>"
                     f'<rect class="node" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                     f'height="{box.height:.1f}" rx="5" fill="{KIND_COLOURS.get(kind, "#eeeeee")}" '
                     f'stroke="#555"/><text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle">{escape(name)}</text>'
                     "</g>")
    parts.append("</g>")
    parts.append(_legend(lay.height))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(top: float) -> str:
    out, x = ['<g class="legend" font-size="11">'], 16.0
    for kind, label in KIND_LEGEND:
        out.append(f'<rect x="{x:.0f}" y="{top + 6:.0f}" width="14" height="12" rx="2" '
                   f'fill="{KIND_COLOURS[kind]}" stroke="#555"/>'
                   f'<text x="{x + 19:.0f}" y="{top + 16:.0f}">{label}</text>')
        x += 30 + 7 * len(label)
    out.append("</g>")
    return "".join(out)


def _curve(pts: list[tuple[float, float]], direction: str) -> str:
    """A smooth path through the route's points (cubic segments leaving and entering along the flow)."""
    (x0, y0), rest = pts[0], pts[1:]
    d = [f"M{x0:.1f},{y0:.1f}"]
    for x1, y1 in rest:
        if direction == "LR":
            mid = (x0 + x1) / 2
            d.append(f"C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
        else:
            mid = (y0 + y1) / 2
            d.append(f"C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(d)


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _mermaid_label(text: str) -> str:
    """Mermaid's own entity codes for the characters its quoted labels cannot hold."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("\n", " ")):
        text = text.replace(char, code)
    return text
