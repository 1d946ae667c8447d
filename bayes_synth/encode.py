"""Per-column codecs: values <-> small integer codes, and codes -> fresh values.

Every column becomes integer codes ``0 .. size-1``; the last code is the missing state when the column
is nullable. Categorical and boolean codecs map one value per code. Numeric codecs (integer, float,
date, datetime) work on a public *fine grid* over the column's bounds, grouped into a few *coarse bins*
that the network models; decoding draws a fine cell inside the coarse bin from a DP histogram and then
a value uniformly inside that cell (integers stay integers, dates stay dates), so no real value is
ever copied out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.draws import draw_rows
from bayes_synth.errors import DomainTooLargeError, ModelFormatError
from bayes_synth.ingest import column_axis, from_column_axis
from bayes_synth.schema import ColumnSpec

MAX_CATEGORIES = 1000
FINE_CELLS = 256
INTEGER_EXACT_RANGE = 1024


@dataclass
class CategoricalCodec:
    """One code per category (booleans are categories False/True); optional missing code last."""

    name: str
    kind: str
    categories: list[Any]
    nullable: bool = True

    def __post_init__(self):
        if len(self.categories) > MAX_CATEGORIES:
            raise DomainTooLargeError(
                f"Column '{self.name}' has {len(self.categories)} categories; at most {MAX_CATEGORIES} "
                "can be modelled. Declare it as an identifier (a later release generates IDs), group "
                "rare values into fewer categories, or drop the column."
            )

    @property
    def size(self) -> int:
        return len(self.categories) + int(self.nullable)

    @property
    def null_code(self) -> int | None:
        return len(self.categories) if self.nullable else None

    def labels(self) -> list[str]:
        return [str(c) for c in self.categories] + (["<missing>"] if self.nullable else [])

    def encode(self, values: pd.Series) -> np.ndarray:
        index = {c: i for i, c in enumerate(self.categories)}
        fallback = self.null_code if self.nullable else -1
        codes = values.map(index).to_numpy(dtype=float, na_value=np.nan)
        codes = np.where(np.isnan(codes), fallback, codes).astype(np.int64)
        return codes

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        lookup = np.array(list(self.categories) + ([None] if self.nullable else []), dtype=object)
        return pd.Series(lookup[codes], dtype=object)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "categorical", "name": self.name, "kind": self.kind,
                "categories": list(self.categories), "nullable": self.nullable}


@dataclass
class NumericCodec:
    """Coarse bins over a fine grid of cells ``[edges[i], edges[i+1])`` on the column's axis.

    ``groups[j]`` is the first fine cell of coarse bin ``j`` (bins are contiguous runs of cells);
    ``weights`` is the (DP) probability of each fine cell, used for within-bin draws.
    """

    name: str
    kind: str
    edges: np.ndarray
    groups: np.ndarray
    weights: np.ndarray
    nullable: bool = True
    _cell_to_bin: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.edges = np.asarray(self.edges, dtype=float)
        self.groups = np.asarray(self.groups, dtype=np.int64)
        self.weights = np.asarray(self.weights, dtype=float)
        n_cells = len(self.edges) - 1
        bounds = np.append(self.groups, n_cells)
        self._cell_to_bin = np.repeat(np.arange(len(self.groups)), np.diff(bounds))

    @property
    def integer(self) -> bool:
        return self.kind != "float"

    @property
    def n_bins(self) -> int:
        return len(self.groups)

    @property
    def size(self) -> int:
        return self.n_bins + int(self.nullable)

    @property
    def null_code(self) -> int | None:
        return self.n_bins if self.nullable else None

    def bin_ranges(self) -> list[tuple[float, float]]:
        """(low, high) of each coarse bin on the column's axis (high exclusive)."""
        stops = np.append(self.groups[1:], len(self.edges) - 1)
        return [(float(self.edges[a]), float(self.edges[b])) for a, b in zip(self.groups, stops, strict=True)]

    def labels(self) -> list[str]:
        out = []
        for lo, hi in self.bin_ranges():
            if self.integer:
                a, b = math.ceil(lo), math.ceil(hi) - 1
                out.append(_fmt_axis(self.kind, a) if a == b else
                           f"[{_fmt_axis(self.kind, a)}, {_fmt_axis(self.kind, b)}]")
            else:
                out.append(f"[{lo:.6g}, {hi:.6g})")
        return out + (["<missing>"] if self.nullable else [])

    def encode(self, values: pd.Series) -> np.ndarray:
        axis = column_axis(values, self.kind)
        missing = ~np.isfinite(axis)
        clipped = np.clip(np.where(missing, self.edges[0], axis), self.edges[0], self.edges[-1])
        cell = np.clip(np.searchsorted(self.edges, clipped, side="right") - 1, 0, len(self.edges) - 2)
        codes = self._cell_to_bin[cell]
        if self.nullable:
            codes = np.where(missing, self.null_code, codes)
        return codes.astype(np.int64)

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        codes = np.asarray(codes, dtype=np.int64)
        missing = codes == self.null_code if self.nullable else np.zeros(len(codes), dtype=bool)
        cells = self._draw_cells(np.where(missing, 0, codes), rng)
        axis = self._in_cells(self.edges[cells], self.edges[cells + 1], rng)
        return from_column_axis(np.where(missing, np.nan, axis), self.kind)

    def _in_cells(self, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A value drawn uniformly in each fine cell [lo, hi) (integers: the integers in it)."""
        if self.integer:
            a, b = np.ceil(lo), np.maximum(np.ceil(lo), np.ceil(hi) - 1)
            return a if np.array_equal(a, b) else a + np.floor(rng.random(len(lo)) * (b - a + 1))
        return lo + rng.random(len(lo)) * (hi - lo)

    def decode_within(self, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                      rng: np.random.Generator) -> pd.Series:
        """Decode with every value inside ``[lo, hi]`` (per row); codes must be bins that meet it.

        The fine cell is drawn as usual; where the bounds cut into it, the value is drawn from the part
        of the cell inside them, and where the cell lies outside them, from the part of the bin inside.
        """
        codes = np.asarray(codes, dtype=np.int64)
        missing = codes == self.null_code if self.nullable else np.zeros(len(codes), dtype=bool)
        bins = np.where(missing, 0, codes)
        cells = self._draw_cells(bins, rng)
        c_lo, c_hi = self.edges[cells], self.edges[cells + 1]
        axis = self._in_cells(c_lo, c_hi, rng)
        if self.integer:  # the cell's integers are ceil(c_lo) .. ceil(c_hi) - 1
            first, last = np.ceil(c_lo), np.ceil(c_hi) - 1
            # elsewhere the cell holds an integer and all its integers are inside the bounds
            cut = np.flatnonzero(((lo > first) | (hi < last) | (first > last)) & ~missing)
        else:
            cut = np.flatnonzero(((lo > c_lo) | (hi < c_hi)) & ~missing)
        if len(cut):
            lo, hi, c_lo, c_hi, b = lo[cut], hi[cut], c_lo[cut], c_hi[cut], bins[cut]
            ranges = np.array(self.bin_ranges())
            outside = (c_hi <= lo) | (c_lo > hi)
            if self.integer:  # a cell narrower than 1 may hold no integer: use the bin's
                outside |= first[cut] > last[cut]
            start = np.maximum(np.where(outside, ranges[b, 0], c_lo), lo)
            stop = np.where(outside, ranges[b, 1], c_hi)
            if self.integer:
                a = np.ceil(start)
                top = np.maximum(a, np.minimum(np.ceil(stop) - 1, np.floor(hi)))
                axis[cut] = a + np.floor(rng.random(len(cut)) * (top - a + 1))
            else:
                top = np.minimum(stop, hi)
                axis[cut] = np.where(top > start, start + rng.random(len(cut)) * (top - start), start)
        return from_column_axis(np.where(missing, np.nan, axis), self.kind)

    def _draw_cells(self, bins: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw a fine cell in each row's coarse bin, proportional to the cell weights."""
        stops = np.append(self.groups[1:], len(self.weights))
        width = int((stops - self.groups).max())
        offset = np.arange(width)
        index = self.groups[:, None] + offset
        inside = index < stops[:, None]
        w = np.where(inside, np.maximum(self.weights, 0)[np.minimum(index, len(self.weights) - 1)] + 1e-12, 0.0)
        return self.groups[bins] + draw_rows(w, bins, rng)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "numeric", "name": self.name, "kind": self.kind, "nullable": self.nullable,
                "edges": self.edges.tolist(), "groups": self.groups.tolist(),
                "weights": self.weights.tolist()}


Codec = CategoricalCodec | NumericCodec


def _fmt_axis(kind: str, value: float) -> str:
    if kind == "date":
        return (pd.Timestamp(0) + pd.Timedelta(days=int(value))).date().isoformat()
    if kind == "datetime":
        return pd.Timestamp(int(value), unit="s").isoformat()
    return str(int(value))


def fine_edges(spec: ColumnSpec, lo: float, hi: float) -> np.ndarray:
    """The public fine grid over [lo, hi]: a function of the bounds only, never of the data.

    Integer-like columns with at most 1024 values get one cell per value; wider ranges get
    ``FINE_CELLS`` equal cells plus one-value cells at the lower bound and at zero (common mass
    points: amounts that are mostly 0, the minimum of a range).
    """
    if spec.kind != "float" and hi - lo + 1 <= INTEGER_EXACT_RANGE:
        return np.arange(lo, hi + 2, dtype=float)  # cell [v, v+1) holds integer v
    if hi <= lo:
        return np.array([lo, lo + 1.0])
    step = (hi - lo) / FINE_CELLS
    edges = lo + step * np.arange(FINE_CELLS + 1)
    edges[-1] = np.nextafter(hi, np.inf) if spec.kind == "float" else hi + 1
    points = [lo] + ([0.0] if lo < 0 < hi else [])
    for p in points:
        tiny = np.nextafter(p, np.inf) if spec.kind == "float" else p + 1
        edges = np.union1d(edges, [p, tiny])
    return edges


def coarse_groups(weights: np.ndarray, n_bins: int) -> np.ndarray:
    """Group consecutive fine cells into at most ``n_bins`` bins of roughly equal weight.

    Pure post-processing of a (noisy) histogram. A cell heavier than one bin's share gets its own bin.

    >>> coarse_groups(np.array([1, 1, 1, 1.0]), 2).tolist()
    [0, 2]
    """
    w = np.maximum(np.asarray(weights, dtype=float), 0)
    n_cells = len(w)
    if n_bins >= n_cells:
        return np.arange(n_cells)
    if w.sum() <= 0:
        w = np.ones(n_cells)
    cum = np.cumsum(w) / w.sum()
    targets = np.arange(1, n_bins) / n_bins
    cuts = np.unique(np.searchsorted(cum, targets, side="left") + 1)
    cuts = cuts[(cuts > 0) & (cuts < n_cells)]
    return np.concatenate([[0], cuts]).astype(np.int64)


def codec_from_dict(d: Any) -> Codec:
    """Rebuild a codec from its plain-dict form, checking every field (model files are untrusted)."""
    if not isinstance(d, dict):
        raise ModelFormatError(f"a codec must be a JSON object; got {type(d).__name__}")
    name = d.get("name")
    if not isinstance(name, str) or not isinstance(d.get("nullable"), bool):
        raise ModelFormatError(f"codec {name!r}: 'name' must be text and 'nullable' true or false")
    kind = d.get("kind")
    try:
        if d.get("type") == "categorical" and kind in ("categorical", "boolean"):
            return CategoricalCodec(name, kind, _checked_categories(d.get("categories")), d["nullable"])
        if d.get("type") == "numeric" and kind in ("integer", "float", "date", "datetime"):
            edges, groups, weights = _checked_grid(d)
            return NumericCodec(name, kind, edges, groups, weights, d["nullable"])
    except (TypeError, ValueError, OverflowError, DomainTooLargeError) as exc:
        raise ModelFormatError(f"codec of column {name!r} is malformed: {exc}") from None
    raise ModelFormatError(f"codec of column {name!r} has unknown type/kind {d.get('type')!r}/{kind!r}")


def _checked_categories(cats: Any) -> list[Any]:
    if not isinstance(cats, list) or not cats:
        raise ValueError("'categories' must be a non-empty list")
    if any(isinstance(c, dict | list) for c in cats):
        raise ValueError("categories must be text, numbers or booleans")
    if len({(type(c).__name__, c) for c in cats}) != len(cats):
        raise ValueError("'categories' lists a value twice")
    return cats


def _checked_grid(d: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    edges = np.array(d.get("edges"), dtype=float)
    groups = np.array(d.get("groups"), dtype=float)
    weights = np.array(d.get("weights"), dtype=float)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError("'edges' must be at least two finite, strictly increasing numbers")
    n_cells = edges.size - 1
    if (groups.ndim != 1 or groups.size < 1 or groups[0] != 0 or np.any(np.diff(groups) <= 0)
            or groups[-1] >= n_cells or np.any(groups != np.round(groups))):
        raise ValueError(f"'groups' must be increasing whole numbers starting at 0, below {n_cells}")
    if weights.shape != (n_cells,) or not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(f"'weights' must be {n_cells} finite non-negative numbers")
    return edges, groups.astype(np.int64), weights


def encode_frame(frame: pd.DataFrame, codecs: dict[str, Codec]) -> np.ndarray:
    """Encode every column; returns an (n_rows, n_columns) int array in codec order."""
    out = np.empty((len(frame), len(codecs)), dtype=np.int64)
    for j, (name, codec) in enumerate(codecs.items()):
        out[:, j] = codec.encode(frame[name])
    return out
