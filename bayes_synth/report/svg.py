"""Small inline SVG charts for the HTML report: no plotting library, no scripts, no external files.

Each function returns one ``<svg>`` element as text, sized by ``viewBox`` so it scales with the page.
Labels are escaped; numbers are rounded. Colours: real data in blue, synthetic in orange.

>>> svg = bars(["a", "b"], [0.5, 0.5], [0.4, 0.6], "x")
>>> svg.startswith("<svg") and "</svg>" in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

REAL, SYNTH = "#1f77b4", "#ff7f0e"


#: Width of one character of the 8 px tick labels, generously estimated (wide capitals included), so that
#: the margins computed from it hold whole labels.
CHAR_WIDTH = 5.2
#: Tick labels longer than this are shortened with an ellipsis (the bar's tooltip keeps the whole label).
LABEL_MAX = 28
#: Rotation of the tick labels (degrees, counter-clockwise): each label ends under its bar.
LABEL_ANGLE = 40.0


def _tick(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1] + "\u2026"


def bars(labels: Sequence[str], real: Sequence[float], synthetic: Sequence[float], title: str,
         width: int = 420, height: int = 220) -> str:
    """Side-by-side bars of two distributions over the same labels (shares, 0..1).

    Up to 24 bars get tick labels, rotated and ending under their bar; the bottom and left margins grow
    with the labels so that every label is drawn whole (``height`` is that of the plot area plus 78 px;
    the picture is taller when its labels need it).
    """
    k = max(len(labels), 1)
    top = max(max(real, default=0), max(synthetic, default=0), 1e-12)
    plot_h = height - 78
    axis_y = 28 + plot_h
    ticks = [_tick(str(label)) for label in labels] if len(labels) <= 24 else []
    cos, sin = np.cos(np.radians(LABEL_ANGLE)), np.sin(np.radians(LABEL_ANGLE))
    left = 36.0
    for _ in range(2):  # the left margin moves the bars, which moves the labels: settle it in two steps
        slot = (width - left - 8) / k
        need = [2 + len(t) * CHAR_WIDTH * cos + 4 - (i + 0.5) * slot for i, t in enumerate(ticks)]
        left = max(36.0, *need) if need else 36.0
    slot = (width - left - 8) / k
    longest = max((len(t) for t in ticks), default=0) * CHAR_WIDTH
    total_h = int(np.ceil(max(height, axis_y + 8 + longest * sin + 10)))
    parts = [_head(width, total_h, title)]
    for frac in (0.0, 0.5, 1.0):
        y = 28 + plot_h * (1 - frac)
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4:.1f}" y="{y + 3:.1f}" font-size="9" text-anchor="end">'
                     f'{100 * frac * top:.0f}%</text>')
    for i, label in enumerate(labels):
        x = left + i * slot
        for j, (value, colour) in enumerate(((real[i], REAL), (synthetic[i], SYNTH))):
            h = plot_h * value / top
            parts.append(f'<rect x="{x + 1 + j * slot * 0.45:.1f}" y="{28 + plot_h - h:.1f}" '
                         f'width="{max(slot * 0.42, 0.5):.1f}" height="{h:.1f}" fill="{colour}">'
                         f"<title>{escape(str(label))}: {100 * value:.1f}%</title></rect>")
        if ticks:
            cx, cy = x + slot / 2, axis_y + 8
            parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="8" text-anchor="end" '
                         f'transform="rotate(-{LABEL_ANGLE:g} {cx:.1f} {cy:.1f})">{escape(ticks[i])}</text>')
    parts.append(_legend(width))
    return "".join(parts) + "</svg>"


def heatmap(labels: Sequence[str], matrix: np.ndarray, title: str, vmax: float | None = None,
            size: int = 420) -> str:
    """A square matrix as coloured cells (white 0 to dark red ``vmax``), with a tooltip per cell."""
    m = np.nan_to_num(np.asarray(matrix, dtype=float))
    k = max(len(labels), 1)
    top = vmax if vmax is not None else max(float(m.max(initial=0)), 1e-12)
    margin = 90
    cell = (size - margin - 8) / k
    parts = [_head(size, size, title)]
    for i, row in enumerate(labels):
        y = 28 + margin - 28 + i * cell
        parts.append(f'<text x="{margin - 4}" y="{y + cell / 2 + 3:.1f}" font-size="8" text-anchor="end">'
                     f"{escape(str(row)[:14])}</text>")
        for j, col in enumerate(labels):
            value = m[i, j]
            shade = int(255 * (1 - min(max(value / top, 0.0), 1.0)))
            parts.append(f'<rect x="{margin + j * cell:.1f}" y="{y:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
                         f'fill="rgb(255,{shade},{shade})" stroke="#fff" stroke-width="0.5">'
                         f"<title>{escape(str(row))} x {escape(str(col))}: {value:.3f}</title></rect>")
    for j, col in enumerate(labels):
        x = margin + j * cell + cell / 2
        parts.append(f'<text x="{x:.1f}" y="{margin - 4}" font-size="8" transform="rotate(-60 {x:.1f} '
                     f'{margin - 4})">{escape(str(col)[:14])}</text>')
    return "".join(parts) + "</svg>"


def meter(value: float, title: str, good: float, bad: float, width: int = 260) -> str:
    """A horizontal gauge for one score, green at ``good`` and red at ``bad``."""
    lo, hi = sorted((good, bad))
    frac = 0.0 if hi == lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    if good > bad:
        frac_good = frac
    else:
        frac_good = 1 - frac
    colour = "#2ca02c" if frac_good >= 0.66 else "#d6a000" if frac_good >= 0.33 else "#d62728"
    return (f'{_head(width, 46, title)}<rect x="8" y="26" width="{width - 16}" height="10" fill="#eee"/>'
            f'<rect x="8" y="26" width="{(width - 16) * frac:.1f}" height="10" fill="{colour}"/>'
            f'<text x="{width - 8}" y="20" font-size="11" text-anchor="end">{value:.3f}</text></svg>')


def _head(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif"><title>{escape(title)}</title>'
            f'<text x="4" y="14" font-size="11" font-weight="bold">{escape(title)}</text>')


def _legend(width: int) -> str:
    return (f'<rect x="{width - 130}" y="4" width="9" height="9" fill="{REAL}"/>'
            f'<text x="{width - 118}" y="12" font-size="9">real</text>'
            f'<rect x="{width - 80}" y="4" width="9" height="9" fill="{SYNTH}"/>'
            f'<text x="{width - 68}" y="12" font-size="9">synthetic</text>')
