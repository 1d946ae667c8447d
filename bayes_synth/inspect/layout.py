"""Layered drawing of a DAG (Sugiyama style) with plain Python: no graphviz, no plotting library.

1. **Layers**: longest-path layering, every node one layer after its deepest parent (roots first).
2. **Dummy nodes** split edges that span several layers, so long edges are routed between boxes.
3. **Ordering**: barycentre heuristic, alternating down and up sweeps; the ordering with the fewest
   crossings between adjacent layers is kept.
4. **Coordinates**: layers side by side (``LR``) or stacked (``TD``); inside a layer boxes follow the
   order with a fixed gap, so boxes never overlap; each layer is centred.

>>> lay = layout(["a", "b", "c"], [(), (0,), (0, 1)])
>>> [lay.boxes[n].layer for n in "abc"]
[0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHAR_WIDTH = 7.5     # px per character at font-size 12 (generous for a sans-serif face)
BOX_HEIGHT = 26.0
PAD = 12.0           # horizontal padding inside a box
GAP_ALONG = 14.0     # between boxes of one layer
GAP_ACROSS = 70.0    # between layers
DUMMY = 10.0         # room a routed edge takes inside a layer
MARGIN = 16.0


@dataclass(frozen=True)
class Box:
    """A node's rectangle: top-left corner (x, y), size and layer."""

    name: str
    x: float
    y: float
    width: float
    height: float
    layer: int

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass(frozen=True)
class Layout:
    """Boxes by name, each edge's route (points from the parent's box to the child's) and the size."""

    boxes: dict[str, Box]
    routes: list[tuple[str, str, list[tuple[float, float]]]]
    width: float
    height: float
    direction: str


def longest_path_layers(parents: Sequence[Sequence[int]]) -> list[int]:
    """Layer of each node: 0 for roots, else one more than its deepest parent; a cycle is an error.

    >>> longest_path_layers([(), (0,), (0, 1), ()])
    [0, 1, 2, 0]
    """
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    indegree = [len(ps) for ps in parents]
    for v, ps in enumerate(parents):
        for p in ps:
            children[p].append(v)
    layer = [0] * n
    ready = [v for v in range(n) if indegree[v] == 0]
    seen = 0
    while ready:
        v = ready.pop()
        seen += 1
        for c in children[v]:
            layer[c] = max(layer[c], layer[v] + 1)
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    if seen != n:
        raise ValueError("the graph has a cycle: it cannot be drawn in layers")
    return layer


def count_crossings(upper: Sequence[int], lower: Sequence[int], edges: Sequence[tuple[int, int]]) -> int:
    """Crossings between two adjacent layers (orders given as node lists) for edges (upper, lower).

    >>> count_crossings([0, 1], [2, 3], [(0, 3), (1, 2)])
    1
    """
    pu = {v: i for i, v in enumerate(upper)}
    pl = {v: i for i, v in enumerate(lower)}
    pairs = sorted((pu[a], pl[b]) for a, b in edges if a in pu and b in pl)
    total = 0
    for i, (a1, b1) in enumerate(pairs):
        total += sum(1 for a2, b2 in pairs[i + 1:] if a2 > a1 and b2 < b1)
    return total


def layout(names: Sequence[str], parents: Sequence[Sequence[int]], *, direction: str = "LR",
           sweeps: int = 8) -> Layout:
    """Place one box per node and route every edge; ``direction`` is ``LR`` or ``TD``."""
    if direction not in ("LR", "TD"):
        raise ValueError(f"direction must be 'LR' or 'TD'; got {direction!r}")
    n = len(names)
    layer = longest_path_layers(parents)
    # split long edges with dummy nodes (ids n, n+1, ...)
    layer_of = list(layer)
    segments: list[tuple[int, int]] = []
    chains: list[tuple[int, int, list[int]]] = []
    for child, ps in enumerate(parents):
        for p in ps:
            chain = [p]
            for k in range(layer[p] + 1, layer[child]):
                layer_of.append(k)
                chain.append(len(layer_of) - 1)
            chain.append(child)
            segments += list(zip(chain, chain[1:], strict=False))
            chains.append((p, child, chain))
    n_layers = max(layer_of, default=-1) + 1
    layers = [[v for v in range(len(layer_of)) if layer_of[v] == k] for k in range(n_layers)]
    up: dict[int, list[int]] = {v: [] for v in range(len(layer_of))}
    down: dict[int, list[int]] = {v: [] for v in range(len(layer_of))}
    for a, b in segments:
        up[b].append(a)
        down[a].append(b)
    layers = _order(layers, up, down, segments, sweeps)
    return _place(names, layers, chains, n, direction)


def _order(layers, up, down, segments, sweeps):
    def crossings(ls):
        return sum(count_crossings(ls[k], ls[k + 1], segments) for k in range(len(ls) - 1))

    best, best_x = [list(lv) for lv in layers], crossings(layers)
    current = [list(lv) for lv in layers]
    for s in range(sweeps):
        down_sweep = s % 2 == 0
        ks = range(1, len(current)) if down_sweep else range(len(current) - 2, -1, -1)
        for k in ks:
            ref = current[k - 1] if down_sweep else current[k + 1]
            pos = {v: i for i, v in enumerate(ref)}
            here = {v: i for i, v in enumerate(current[k])}

            def key(v, pos=pos, here=here, nbr=up if down_sweep else down):
                nbrs = [pos[u] for u in nbr[v] if u in pos]
                return sum(nbrs) / len(nbrs) if nbrs else here[v]

            current[k] = sorted(current[k], key=key)
        x = crossings(current)
        if x < best_x:
            best, best_x = [list(lv) for lv in current], x
    return best


def _place(names, layers, chains, n, direction) -> Layout:
    lr = direction == "LR"
    width = {v: max(60.0, CHAR_WIDTH * len(names[v]) + 2 * PAD) for v in range(n)}
    # along = the axis inside a layer; across = the axis from layer to layer
    along_size = {v: (BOX_HEIGHT if lr else width[v]) for v in range(n)}
    across_size = {v: (width[v] if lr else BOX_HEIGHT) for v in range(n)}
    extents = [sum(along_size.get(v, DUMMY) for v in lv) + GAP_ALONG * max(len(lv) - 1, 0) for lv in layers]
    total_along = max(extents, default=0.0)
    thickness = [max((across_size[v] for v in lv if v < n), default=DUMMY) for lv in layers]
    centre: dict[int, float] = {}  # position of every node's centre along its layer, dummies too
    start: list[float] = []         # where each layer begins on the across axis
    boxes: dict[str, Box] = {}
    across = MARGIN
    for k, lv in enumerate(layers):
        start.append(across)
        along = MARGIN + (total_along - extents[k]) / 2
        for v in lv:
            size = along_size.get(v, DUMMY)
            centre[v] = along + size / 2
            if v < n:
                a0, c0 = along, across + (thickness[k] - across_size[v]) / 2
                x, y = (c0, a0) if lr else (a0, c0)
                boxes[names[v]] = Box(names[v], x, y, width[v], BOX_HEIGHT, k)
            along += size + GAP_ALONG
        across += thickness[k] + GAP_ACROSS
    layer_of = {v: k for k, lv in enumerate(layers) for v in lv}
    routes = []
    for p, child, chain in chains:
        pts: list[tuple[float, float]] = []  # (across, along): straight inside layers, curved between
        for v in chain:
            k, a = layer_of[v], centre[v]
            near, far = start[k], start[k] + thickness[k]
            if v == p:
                pts += [(near + (thickness[k] + across_size[v]) / 2, a), (far, a)]
            elif v == child:
                pts += [(near, a), (near + (thickness[k] - across_size[v]) / 2, a)]
            else:
                pts += [(near, a), (far, a)]
        routes.append((names[p], names[child], [(c, a) if lr else (a, c) for c, a in pts]))
    size_along = total_along + 2 * MARGIN
    size_across = across - GAP_ACROSS + MARGIN if layers else 2 * MARGIN
    w, h = (size_across, size_along) if lr else (size_along, size_across)
    return Layout(boxes, routes, w, h, direction)
