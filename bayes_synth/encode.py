"""Per-column codecs: values <-> small integer codes, and codes -> fresh values.

Every column becomes integer codes ``0 .. size-1``; the last code is the missing state when the column
is nullable. Categorical and boolean codecs map one value per code. Numeric codecs (integer, float,
date, datetime) work on a public *fine grid* over the column's bounds, grouped into a few *coarse bins*
that the network models; decoding draws a fine cell inside the coarse bin from a DP histogram and then
a value uniformly inside that cell (integers stay integers, dates stay dates), so no real value is
ever copied out.

A float column shown with a fixed number of decimals (``decimals 2``, or a display format such as
``$1,234.50``) is drawn on its decimal grid, the values ``k / 10**decimals``: each fine cell holds grid
values, and decoding, the bounds the rules put on a value and the masks over bins all work on those
values, as they do on the integers of an integer column. The value written out is then the value the
rules were enforced on (rounding it to its decimals changes nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.draws import draw_rows
from bayes_synth.errors import DomainTooLargeError, ModelFormatError, SchemaError
from bayes_synth.ingest import column_axis, from_column_axis
from bayes_synth.schema import ColumnSpec

MAX_CATEGORIES = 1000
FINE_CELLS = 256
INTEGER_EXACT_RANGE = 1024
#: grid indices ``k`` (values ``k / 10**decimals``) are exact in a float below this
GRID_LIMIT = 2.0 ** 52
#: most decimals a grid may have (10**22 is the largest power of ten a float holds exactly)
MAX_DECIMALS = 22


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
                "can be modelled. If it holds identifiers or free text, declare its type in the constraints "
                f"file so that fresh values are generated instead: 'column {self.name}: text as pattern_id, "
                "format \"ORD-000000\"' (codes of one shape; A: a letter, 0: a digit), or 'as uuid', 'as "
                "hash_id', 'as sequential_id', 'as free_text' (docs/types.md lists every type). Otherwise group "
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
    ``weights`` is the (DP) probability of each fine cell, used for within-bin draws. ``decimals``
    (float columns only): values lie on the grid ``k / 10**decimals`` (see :meth:`grid_up`).
    """

    name: str
    kind: str
    edges: np.ndarray
    groups: np.ndarray
    weights: np.ndarray
    nullable: bool = True
    decimals: int | None = None
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
    def discrete(self) -> bool:
        """True when the values lie on a grid: whole axis units (integers, dates) or decimals."""
        return self.integer or self.decimals is not None

    def grid_up(self, values: np.ndarray) -> np.ndarray:
        """Index of the least grid value ``>= values`` (integers: ``ceil``); only for :attr:`discrete`.

        A grid index ``k`` stands for the value :meth:`grid_value` ``(k)``: ``k`` itself, or ``k / 10**decimals``
        (the float nearest the decimal, as a written and re-read value is).

        >>> c = NumericCodec("x", "float", [0.0, 1.0], [0], [1.0], decimals=1)
        >>> c.grid_up(np.array([0.3, 0.31])).tolist(), c.grid_down(np.array([0.3, 0.29])).tolist()
        ([3.0, 4.0], [3.0, 2.0])
        """
        values = np.asarray(values, dtype=float)
        if self.decimals is None:
            return np.ceil(values)
        scale = 10.0 ** self.decimals
        with np.errstate(invalid="ignore", over="ignore"):
            k = np.ceil(values * scale)
            k = np.where((k - 1) / scale >= values, k - 1, k)  # the product rounds: one step either way
            return np.where(k / scale < values, k + 1, k)

    def grid_down(self, values: np.ndarray) -> np.ndarray:
        """Index of the greatest grid value ``<= values`` (integers: ``floor``)."""
        values = np.asarray(values, dtype=float)
        if self.decimals is None:
            return np.floor(values)
        scale = 10.0 ** self.decimals
        with np.errstate(invalid="ignore", over="ignore"):
            k = np.floor(values * scale)
            k = np.where((k + 1) / scale <= values, k + 1, k)
            return np.where(k / scale > values, k - 1, k)

    def grid_value(self, k: np.ndarray) -> np.ndarray:
        """The axis value of grid index ``k``."""
        k = np.asarray(k, dtype=float)
        return k if self.decimals is None else k / 10.0 ** self.decimals

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
        # missing: its own code, or -1 (no code: the row is left out of training) in a not-null column
        codes = np.where(missing, self.null_code if self.nullable else -1, codes)
        return codes.astype(np.int64)

    def decode(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        codes = np.asarray(codes, dtype=np.int64)
        missing = codes == self.null_code if self.nullable else np.zeros(len(codes), dtype=bool)
        cells = self._draw_cells(np.where(missing, 0, codes), rng)
        axis = self._in_cells(self.edges[cells], self.edges[cells + 1], rng)
        return from_column_axis(np.where(missing, np.nan, axis), self.kind)

    def _in_cells(self, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A value drawn uniformly in each fine cell [lo, hi) (integers, decimals: the grid values in it)."""
        if self.discrete:
            a = self.grid_up(lo)
            b = np.maximum(a, self.grid_up(hi) - 1)
            k = a if np.array_equal(a, b) else a + np.floor(rng.random(len(lo)) * (b - a + 1))
            return self.grid_value(k)
        return _below(lo + rng.random(len(lo)) * (hi - lo), lo, hi)

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
        if self.discrete:  # grid indices: the cell's are first .. last, the bounds' lo_k .. hi_k
            first, last = self.grid_up(c_lo), self.grid_up(c_hi) - 1
            lo_k, hi_k = self.grid_up(lo), self.grid_down(hi)
            # elsewhere the cell holds a grid value and all its grid values are inside the bounds
            cut = np.flatnonzero(((lo_k > first) | (hi_k < last) | (first > last)) & ~missing)
        else:
            cut = np.flatnonzero(((lo > c_lo) | (hi < c_hi)) & ~missing)
        if len(cut):
            ranges = np.array(self.bin_ranges())
            b = bins[cut]
            if self.discrete:
                a, z = np.maximum(first[cut], lo_k[cut]), np.minimum(last[cut], hi_k[cut])
                outside = a > z  # no grid value of the cell is inside the bounds: use the bin's
                a = np.where(outside, np.maximum(self.grid_up(ranges[b, 0]), lo_k[cut]), a)
                z = np.maximum(a, np.where(outside, np.minimum(self.grid_up(ranges[b, 1]) - 1, hi_k[cut]), z))
                axis[cut] = self.grid_value(a + np.floor(rng.random(len(cut)) * (z - a + 1)))
            else:
                lo, hi, c_lo, c_hi = lo[cut], hi[cut], c_lo[cut], c_hi[cut]
                outside = (c_hi <= lo) | (c_lo > hi)
                start = np.maximum(np.where(outside, ranges[b, 0], c_lo), lo)
                stop = np.where(outside, ranges[b, 1], c_hi)
                top = np.minimum(stop, hi)
                inside = _below(start + rng.random(len(cut)) * (top - start), start, stop)
                axis[cut] = np.where(top > start, np.minimum(inside, top), start)
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
        out = {"type": "numeric", "name": self.name, "kind": self.kind, "nullable": self.nullable,
               "edges": self.edges.tolist(), "groups": self.groups.tolist(),
               "weights": self.weights.tolist()}
        if self.decimals is not None:  # optional: codecs without a decimal grid (and older files) lack the key
            out["decimals"] = self.decimals
        return out


Codec = CategoricalCodec | NumericCodec


def _below(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``values`` drawn in ``[lo, hi)`` kept there: ``lo + u * (hi - lo)`` may round up to ``hi``."""
    return np.where(values >= hi, np.maximum(lo, np.nextafter(hi, -np.inf)), values)


def _fmt_axis(kind: str, value: float) -> str:
    if kind == "date":
        return (pd.Timestamp(0) + pd.Timedelta(days=int(value))).date().isoformat()
    if kind == "datetime":
        return pd.Timestamp(int(value), unit="s").isoformat()
    return str(int(value))


def fine_edges(spec: ColumnSpec, lo: float, hi: float, decimals: int | None = None) -> np.ndarray:
    """The public fine grid over [lo, hi]: a function of the bounds only, never of the data.

    Integer-like columns with at most 1024 values get one cell per value; wider ranges get
    ``FINE_CELLS`` equal cells plus one-value cells at the lower bound and at zero (common mass
    points: amounts that are mostly 0, the minimum of a range). A float column of one value (``min``
    equal to ``max``) gets one cell holding just that value. With ``decimals`` (see
    :func:`decimal_edges`) the cells are runs of the decimal grid.
    """
    if decimals is not None:
        return decimal_edges(spec.name, lo, hi, decimals)
    if spec.kind != "float" and hi - lo + 1 <= INTEGER_EXACT_RANGE:
        return np.arange(lo, hi + 2, dtype=float)  # cell [v, v+1) holds integer v
    if hi <= lo:
        return np.array([lo, np.nextafter(lo, np.inf) if spec.kind == "float" else lo + 1.0])
    step = (hi - lo) / FINE_CELLS
    edges = lo + step * np.arange(FINE_CELLS + 1)
    edges[-1] = np.nextafter(hi, np.inf) if spec.kind == "float" else hi + 1
    points = [lo] + ([0.0] if lo < 0 < hi else [])
    for p in points:
        tiny = np.nextafter(p, np.inf) if spec.kind == "float" else p + 1
        edges = np.union1d(edges, [p, tiny])
    return edges


def grid_usable(lo: float, hi: float, decimals: int | None) -> bool:
    """Whether ``decimals`` gives a grid over [lo, hi] whose indices are exact floats (else the values
    are drawn as plain floats: the grid is then finer than the floats themselves nearly everywhere)."""
    return (decimals is not None and 0 <= decimals <= MAX_DECIMALS and math.isfinite(lo) and math.isfinite(hi)
            and max(abs(lo), abs(hi)) * 10.0 ** decimals < GRID_LIMIT)


def decimal_edges(name: str, lo: float, hi: float, decimals: int) -> np.ndarray:
    """Fine cells over the values ``k / 10**decimals`` inside [lo, hi], each cell holding at least one.

    The cells are the integer layout (:func:`fine_edges`) over the grid indices, their edges half way
    between grid values (where a value rounds to the next one), the outer edges at ``lo`` and just
    above ``hi`` (the declared bounds). Raises :class:`SchemaError` when no grid value lies in [lo, hi].

    >>> decimal_edges("x", 0.0, 0.3, 1).tolist()
    [0.0, 0.05, 0.15, 0.25, 0.30000000000000004]
    """
    grid = NumericCodec(name, "float", [0.0, 1.0], [0], [1.0], decimals=decimals)
    first, last = float(grid.grid_up(lo)), float(grid.grid_down(hi))
    if first > last:
        raise SchemaError(f"column '{name}': no value with {decimals} decimal(s) lies within [{lo!r}, {hi!r}] "
                          "(its bounds, narrowed by the rules); widen the bounds or use more decimals")
    index = fine_edges(ColumnSpec(name, "integer"), first, last)  # cell [a, b) holds indices ceil(a) .. ceil(b) - 1
    runs = np.unique(np.ceil(index))  # every run starts at a grid index and holds one or more
    edges = (runs - 0.5) / 10.0 ** decimals
    edges[0], edges[-1] = lo, np.nextafter(hi, np.inf)
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
            codec = NumericCodec(name, kind, edges, groups, weights, d["nullable"], _checked_decimals(d, edges))
            if codec.decimals is not None and np.any(codec.grid_up(edges[:-1]) > codec.grid_up(edges[1:]) - 1):
                raise ValueError("every fine cell of a decimal grid must hold a value of the grid")
            return codec
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


def _checked_decimals(d: dict[str, Any], edges: np.ndarray) -> int | None:
    decimals = d.get("decimals")
    if decimals is None:
        return None
    if d.get("kind") != "float" or type(decimals) is not int or not grid_usable(edges[0], edges[-1], decimals):
        raise ValueError(f"'decimals' must be a whole number from 0 to {MAX_DECIMALS}, on a float column whose "
                         "edges times 10**decimals stay below 2**52")
    return decimals


def encode_frame(frame: pd.DataFrame, codecs: dict[str, Codec]) -> np.ndarray:
    """Encode every column; returns an (n_rows, n_columns) int array in codec order."""
    out = np.empty((len(frame), len(codecs)), dtype=np.int64)
    for j, (name, codec) in enumerate(codecs.items()):
        out[:, j] = codec.encode(frame[name])
    return out
