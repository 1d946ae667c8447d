"""PNG and SVG pictures of the network, drawn with matplotlib from the layout and colours of :mod:`.graph`.

The layout (:mod:`bayes_synth.inspect.layout`) is in pixels with 12 px labels; here one layout pixel
is one typographic point, so the SVG (72 points per inch) has the layout's size and, at ``dpi`` 72 or
more, the PNG's labels are never smaller. The figure grows with the layout (a 30-column network gets a
wide picture, not small text). matplotlib is optional (``pip install 'bayes_synth[pictures]'``) and is
imported only when a picture is drawn, through its Agg canvas: no pyplot, no window; the SVG's two
options (text kept as text, fixed ids) are set only for the duration of its ``savefig``. Without
matplotlib, PNG is refused and :func:`bayes_synth.inspect.graph.to_svg` falls back to its own drawing.
"""

from __future__ import annotations

from html import escape
from io import BytesIO
from typing import TYPE_CHECKING

from bayes_synth.errors import MissingDependencyError, ParameterError
from bayes_synth.inspect.graph import KIND_COLOURS, KIND_LEGEND, LEGEND_HEIGHT
from bayes_synth.inspect.layout import Layout, layout

if TYPE_CHECKING:
    from bayes_synth.model import Model

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE_HEIGHT = 30.0  # band above the network, in layout px
MAX_PIXELS = 30_000  # per side; Agg refuses beyond 2**16, and bigger files are no longer useful
MISSING = ("PNG pictures need matplotlib: pip install 'bayes_synth[pictures]' "
           "(DOT, Mermaid and SVG pictures need nothing extra).")
SVG_MISSING = "matplotlib is not installed: the SVG is drawn by bayes_synth itself"


def to_png(model: Model, *, direction: str = "LR", title: str | None = None, dpi: float = 144) -> bytes:
    """The network as PNG bytes: the SVG's layout, kind colours and legend, plus a visible title.

    ``dpi`` is pixels per inch with 72 layout pixels per inch, so 72 gives the SVG's size and the default
    144 twice that (sharp on high-density screens); below 72 the labels would be smaller than the SVG's,
    so it is refused. Raises :class:`~bayes_synth.errors.MissingDependencyError` without matplotlib.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> to_png(tiny_model()).startswith(b"\\x89PNG")  # doctest: +SKIP
    True
    """
    if not dpi >= 72:
        raise ParameterError(f"dpi must be 72 or more (smaller labels than the SVG's); got {dpi!r}")
    lay = layout(model.columns, model.parents_idx, direction=direction)
    title = title or f"Bayesian network: {len(model.columns)} columns, {len(model.edges())} edges"
    return png_from_layout(lay, {c: model.codecs[c].kind for c in model.columns}, title=title, dpi=dpi)


def png_from_layout(lay: Layout, kinds: dict[str, str], *, title: str = "", dpi: float = 144) -> bytes:
    """Draw a :class:`~bayes_synth.inspect.layout.Layout` as PNG bytes (boxes, curved arrows, legend, title).

    >>> from bayes_synth.inspect.layout import layout
    >>> png_from_layout(layout(["a", "b"], [(), (0,)]), {"a": "boolean"})[:4]  # doctest: +SKIP
    b'\\x89PNG'
    """
    fig = _figure(lay, kinds, title, MISSING)
    width, height = (v * 72 for v in fig.get_size_inches())
    if max(width, height) * dpi / 72 > MAX_PIXELS:
        raise ParameterError(f"the picture would be over {MAX_PIXELS} pixels wide or high at dpi {dpi:g}: "
                             "lower the dpi (to_png(model, dpi=72)) or draw it as SVG")
    fig.set_dpi(dpi)
    out = BytesIO()
    fig.savefig(out, format="png", dpi=dpi, facecolor="white", metadata={"Title": title})
    return out.getvalue()


def svg_with_matplotlib(lay: Layout, kinds: dict[str, str], *, title: str = "") -> str:
    """The PNG's drawing (same layout, colours, legend and title) saved by matplotlib as SVG text.

    Names stay text (``svg.fonttype`` ``none``), so they can be searched and selected; every box is a
    ``<g class="node">`` and every arrow a ``<g class="edge">`` with a ``<title>`` shown on hover. The
    output starts at ``<svg`` (no XML prolog), so it can be embedded in HTML as it is, and holds no date,
    so the same model gives the same file. Raises :class:`~bayes_synth.errors.MissingDependencyError`
    without matplotlib (:func:`bayes_synth.inspect.graph.to_svg` then draws it by hand).
    """
    fig = _figure(lay, kinds, title, SVG_MISSING)
    import matplotlib

    out = BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "bayes_synth"}):  # only for this save
        fig.savefig(out, format="svg", facecolor="white", metadata={"Date": None, "Title": title})
    text = out.getvalue().decode("utf-8")
    text = text[text.index("<svg"):]  # drop the XML declaration and DOCTYPE
    for i, name in enumerate(lay.boxes):
        text = text.replace(f'<g id="node-{i}">', f'<g id="node-{i}" class="node"><title>{escape(name)} '
                            f'({escape(kinds.get(name, ""))})</title>', 1)
    for k, (parent, child, _) in enumerate(lay.routes):
        text = text.replace(f'<g id="edge-{k}">', f'<g id="edge-{k}" class="edge"><title>{escape(parent)} '
                            f"\u2192 {escape(child)}</title>", 1)
    return text  # matplotlib writes the title as the picture's <title> (metadata "Title")


def _figure(lay: Layout, kinds: dict[str, str], title: str, missing: str):
    """The drawing as a matplotlib Figure, one layout pixel per point (72 per inch), at 72 dpi."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
        from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
        from matplotlib.path import Path
    except ImportError:
        raise MissingDependencyError(missing) from None
    ruler = RendererAgg(1, 1, 72)  # at 72 dpi one pixel is one point, the drawing's unit

    def measure(text: str, size: float, weight: str = "normal") -> float:
        font = FontProperties(family="sans-serif", size=size, weight=weight)
        return ruler.get_text_width_height_descent(text, font, ismath=False)[0]

    # the layout guesses label widths; if the font is wider, scale the whole layout (never shrink the text)
    scale = max([1.0] + [(measure(n, 12) + 8) / b.width for n, b in lay.boxes.items()])
    legend = [(kind, label, measure(label, 11)) for kind, label in KIND_LEGEND]
    width = max(lay.width * scale, 16 + sum(35 + w for *_, w in legend), 32 + measure(title, 14, "bold"))
    height = TITLE_HEIGHT + lay.height * scale + LEGEND_HEIGHT
    dx, dy = (width - lay.width * scale) / 2, TITLE_HEIGHT  # the network centred under the title

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale + dx, y * scale + dy

    fig = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, as in the layout and the SVG
    ax.set_axis_off()
    text = {"family": "sans-serif", "parse_math": False}  # a '$' in a name is just a dollar
    for k, (_, _, pts) in enumerate(lay.routes):
        ax.add_patch(FancyArrowPatch(path=_curve([at(*p) for p in pts], lay.direction, Path),
                                     arrowstyle="-|>,head_length=0.8,head_width=0.35", mutation_scale=10,
                                     shrinkA=0, shrinkB=0, color="#888", lw=1.2, zorder=1, gid=f"edge-{k}"))
    for i, (name, box) in enumerate(lay.boxes.items()):
        ax.add_patch(FancyBboxPatch(at(box.x, box.y), box.width * scale, box.height * scale,
                                    boxstyle="round,pad=0,rounding_size=5", lw=1, edgecolor="#555",
                                    facecolor=KIND_COLOURS.get(kinds.get(name, ""), "#eeeeee"), zorder=2,
                                    gid=f"node-{i}"))
        ax.text(*at(*box.centre), name, ha="center", va="center_baseline", fontsize=12, zorder=3, **text)
    ax.text(width / 2, TITLE_HEIGHT / 2 + 2, title, ha="center", va="center", fontsize=14,
            fontweight="bold", color="#222", **text)
    x, top = 16.0, height - LEGEND_HEIGHT
    for kind, label, label_width in legend:
        ax.add_patch(FancyBboxPatch((x, top + 6), 14, 12, boxstyle="round,pad=0,rounding_size=2", lw=1,
                                    facecolor=KIND_COLOURS[kind], edgecolor="#555"))
        ax.text(x + 19, top + 12, label, ha="left", va="center_baseline", fontsize=11, **text)
        x += 35 + label_width
    return fig


def _curve(pts: list[tuple[float, float]], direction: str, path_class):
    """The SVG's smooth route as a matplotlib path: cubic segments leaving and entering along the flow."""
    pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]  # a zero-length end would hide the head
    verts, codes = [pts[0]], [path_class.MOVETO]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        mid = (x0 + x1) / 2 if direction == "LR" else (y0 + y1) / 2
        verts += [(mid, y0), (mid, y1)] if direction == "LR" else [(x0, mid), (x1, mid)]
        verts.append((x1, y1))
        codes += [path_class.CURVE4] * 3
    return path_class(verts, codes)
