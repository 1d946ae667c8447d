"""Shared preparation for every metric: column types, coercion and discretisation.

Every function of :mod:`bayes_synth.evaluate` reads its frames through the rules here, so that the
similarity, utility and privacy numbers all agree on what a value is:

* **Missing cells** are NaN/None/``pd.NA``/NaT, or a text cell that is blank after stripping or one of
  :data:`MISSING_MARKERS` (``?`` is Adult's marker; ``nan``/``NaN``/``<NA>``/``None`` are what a missing
  cell becomes when a frame is turned into text).
* **Numbers are recognised in text**: a column whose non-missing cells all parse as finite numbers
  (in every frame compared) is *numeric-looking*, so ``"39"``, ``39`` and ``39.0`` are the same value.
  Date-time columns are numeric-looking too (nanoseconds since the epoch), and so are **dates written
  as text** (as a CSV gives them): a column whose non-missing cells are, in every frame compared, ISO
  dates or date-times (``2024-01-31``, ``2024-01-31 13:45:00``, ``2024-01-31T13:45Z``; see
  :data:`DATE_TEXT`) or date-time values is read as dates in every frame, by that one rule, and its bins
  and categories are labelled as dates.
* **Numeric or categorical**: a numeric-looking column with more than :data:`MAX_CATEGORIES` (20)
  distinct values in the REAL frame is numeric; every other column is categorical. Pass
  ``numeric=[...]`` to any metric to decide yourself (columns listed are coerced to numbers, text that
  does not parse becomes missing; every other column is categorical).
* **Discretisation** (:func:`discretise`): numeric columns in quantile bins of the real data
  (``np.quantile`` edges at 0, 1/bins, ..., 1, duplicates removed; values outside the edges join the
  first or last bin, as in ``benchmarks/metrics.py``); categorical columns coded over the union of the
  categories of both frames (sorted, numerically when the labels are numbers); missing is a code of its
  own, always the last one of its column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_CATEGORIES",
    "MISSING_LABEL",
    "MISSING_MARKERS",
    "coerce",
    "discretise",
    "infer_numeric",
    "json_ready",
]

#: Text cells that count as missing (compared after stripping blanks; the empty string too).
MISSING_MARKERS: tuple[str, ...] = ("", "?", "nan", "NaN", "<NA>", "None")
#: A numeric-looking column with more distinct values than this (in the real frame) is numeric.
MAX_CATEGORIES = 20
#: The label of the missing code in :func:`discretise` and of missing cells in :func:`coerce`.
MISSING_LABEL = "<missing>"
#: Text read as a date: an ISO 8601 date, optionally with a time (``T`` or a blank between) and a zone
#: (``Z`` or an offset); without a zone it is taken as UTC.
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


@dataclass
class Prepared:
    """Frames coerced under one set of rules (internal; :func:`coerce` is the public view).

    ``values[f][col]`` is, for frame ``f``: a float64 array with NaN for missing (numeric columns), or
    an int64 array of indices into ``categories[col]`` with -1 for missing (categorical columns).
    """

    columns: list[str]
    numeric: list[str]
    categories: dict[str, list[str]]
    values: list[dict[str, np.ndarray]]
    dates: dict[str, str] = field(default_factory=dict)  # date columns (ns since the epoch) -> strftime format

    @property
    def n_rows(self) -> list[int]:
        col = self.columns[0] if self.columns else None
        return [len(v[col]) if col is not None else 0 for v in self.values]

    def is_numeric(self, column: str) -> bool:
        return column in self._numeric_set

    def __post_init__(self) -> None:
        self._numeric_set = set(self.numeric)


def _format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


@dataclass
class _Parsed:
    """One column of one frame: factorised raw values and what each distinct value means."""

    codes: np.ndarray  # index into the uniques, -1 for missing (NaN/None/NA)
    text: np.ndarray  # object array: stripped text of each unique
    missing: np.ndarray  # bool per unique: a missing marker
    number: np.ndarray  # float per unique: parsed number (NaN when it does not parse)
    is_date: bool = False  # a date-time column: ``number`` holds nanoseconds since the epoch


def _parse(series: pd.Series) -> _Parsed:
    is_date = pd.api.types.is_datetime64_any_dtype(series.dtype)
    if is_date:
        ns = series.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        ns[series.isna().to_numpy()] = np.nan
        series = pd.Series(ns)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    raw = np.asarray(uniques, dtype=object)
    text = np.array([str(u).strip() for u in raw], dtype=object)  # one call per distinct value
    missing = np.isin(text, MISSING_MARKERS)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        number = np.asarray(uniques, dtype=float)
    else:
        number = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    number = np.where(np.isfinite(number) & ~missing, number, np.nan)
    return _Parsed(np.asarray(codes, dtype=np.int64), text, missing, number, is_date)


def _as_dates(parsed: list[_Parsed]) -> list[_Parsed] | None:
    """The column read as dates in every frame (ns since the epoch), or None when it is not date-like:
    some frame has a non-missing value that is neither a date-time nor text matching :data:`DATE_TEXT`,
    or no frame has a date at all."""
    out = []
    for p in parsed:
        if p.is_date:
            out.append(p)
            continue
        shown = ~p.missing
        if not all(DATE_TEXT.fullmatch(t) for t in p.text[shown]):
            return None
        dates = pd.to_datetime(pd.Series(p.text[shown], dtype=object), format="ISO8601", utc=True, errors="coerce")
        if dates.isna().any():  # matches the pattern but is no date (2024-02-31)
            return None
        number = np.full(len(p.text), np.nan)
        number[shown] = dates.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        out.append(_Parsed(p.codes, p.text, p.missing, number, True))
    if not any(np.isfinite(p.number).any() for p in out):
        return None
    return out


def _date_format(parsed: list[_Parsed]) -> str:
    """``%Y-%m-%d`` when every value is at midnight, else with the time of day."""
    ns = np.concatenate([p.number[np.isfinite(p.number)] for p in parsed])
    return "%Y-%m-%d" if np.all(ns % (86_400 * 10**9) == 0) else "%Y-%m-%d %H:%M:%S"


def _format_date(ns: float, fmt: str) -> str:
    return pd.Timestamp(int(ns)).strftime(fmt)


def _check_frames(frames: Sequence[pd.DataFrame]) -> list[str]:
    real = frames[0]
    columns = [str(c) for c in real.columns]
    if len(set(columns)) != len(columns):
        raise ValueError("the real frame has duplicate column names")
    for i, frame in enumerate(frames[1:], start=1):
        lacking = [c for c in real.columns if c not in frame.columns]
        if lacking:
            raise ValueError(f"frame {i} lacks the real columns {lacking}")
    return columns


def prepare(frames: Sequence[pd.DataFrame], numeric: Sequence[str] | None = None,
            max_categories: int = MAX_CATEGORIES) -> Prepared:
    """Coerce ``frames`` (the first is the real reference) under one set of rules (internal).

    Columns are those of the first frame, in its order; the others must hold them (extra columns are
    ignored).
    """
    columns = _check_frames(frames)
    originals = list(frames[0].columns)
    if numeric is not None:
        unknown = [c for c in numeric if c not in originals]
        if unknown:
            raise ValueError(f"numeric columns {unknown} are not in the real frame")
    chosen = None if numeric is None else {str(c) for c in numeric}
    num_cols: list[str] = []
    categories: dict[str, list[str]] = {}
    values: list[dict[str, np.ndarray]] = [{} for _ in frames]
    dates: dict[str, str] = {}
    for orig, col in zip(originals, columns, strict=True):
        parsed = [_parse(f[orig]) for f in frames]
        as_dates = _as_dates(parsed) if any(p.is_date for p in parsed) or not all(
            bool(np.all(p.missing | ~np.isnan(p.number))) for p in parsed) else None
        if as_dates is not None:  # dates (as text, or mixed with date-times): compared as ordered numbers
            parsed = as_dates
            dates[col] = _date_format(parsed)
        looks_numeric = all(bool(np.all(p.missing | ~np.isnan(p.number))) for p in parsed)
        if chosen is not None:
            is_num = col in chosen
        else:
            real = parsed[0]
            distinct = np.unique(real.number[~np.isnan(real.number)]).size
            is_num = looks_numeric and distinct > max_categories
        if is_num:
            num_cols.append(col)
            for f, p in enumerate(parsed):
                per_unique = np.append(p.number, np.nan)  # index -1 (missing) -> NaN
                values[f][col] = per_unique[p.codes]
            continue
        labels = []
        for p in parsed:
            if col in dates:
                lab = np.array([_format_date(x, dates[col]) if not np.isnan(x) else "" for x in p.number],
                               dtype=object)
            elif looks_numeric:
                lab = np.array([_format_number(x) if not np.isnan(x) else "" for x in p.number], dtype=object)
            else:
                lab = p.text.copy()
            lab[p.missing] = None
            labels.append(lab)
        present = {x for lab in labels for x in lab if x is not None}
        if col in dates:
            cats = sorted(present)  # ISO text sorts in time order
        elif looks_numeric:
            cats = sorted(present, key=float)
        else:
            cats = sorted(present)
        categories[col] = cats
        lookup = {c: i for i, c in enumerate(cats)}
        for f, (p, lab) in enumerate(zip(parsed, labels, strict=True)):
            per_unique = np.array([-1 if x is None else lookup[x] for x in lab] + [-1], dtype=np.int64)
            values[f][col] = per_unique[p.codes]
    return Prepared(columns, num_cols, categories, values, dates)


def infer_numeric(real: pd.DataFrame, synthetic: pd.DataFrame | None = None,
                  max_categories: int = MAX_CATEGORIES) -> list[str]:
    """The columns treated as numeric: numeric-looking in both frames, more than ``max_categories``
    distinct values in ``real``.

    What good looks like: the continuous columns of your table, and none of its codes or categories.

    >>> real = pd.DataFrame({"age": [str(20 + i) for i in range(30)], "grade": ["1", "2", "3"] * 10})
    >>> infer_numeric(real)
    ['age']
    """
    frames = [real] if synthetic is None else [real, synthetic]
    return prepare(frames, None, max_categories).numeric


def _coerced_frame(prep: Prepared, f: int, index: pd.Index) -> pd.DataFrame:
    out = {}
    for col in prep.columns:
        v = prep.values[f][col]
        if prep.is_numeric(col):
            out[col] = pd.Series(v, index=index, dtype=float)
        else:
            cats = np.array(prep.categories[col] + [None], dtype=object)
            out[col] = pd.Series(cats[v], index=index, dtype=object)  # -1 -> None
    return pd.DataFrame(out, index=index, columns=prep.columns)


def coerce(real: pd.DataFrame, synthetic: pd.DataFrame, numeric: Sequence[str] | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames coerced the same way: numeric columns as float64 (NaN for missing), categorical
    columns as canonical text (object dtype, ``None`` for missing).

    What good looks like: the same value written ``"39"`` in one frame and ``39.0`` in the other
    comes out equal.

    >>> r, s = coerce(pd.DataFrame({"n": ["1", "?", "2"]}), pd.DataFrame({"n": [2.0, 1.0, None]}))
    >>> r["n"].tolist(), s["n"].tolist()
    (['1', None, '2'], ['2', '1', None])
    """
    prep = prepare([real, synthetic], numeric)
    return _coerced_frame(prep, 0, real.index), _coerced_frame(prep, 1, synthetic.index)


def _bin_label(lo: float, hi: float, last: bool, date_format: str | None = None) -> str:
    if date_format is not None:
        return f"[{_format_date(lo, date_format)}, {_format_date(hi, date_format)}{']' if last else ')'}"
    return f"[{lo:.6g}, {hi:.6g}{']' if last else ')'}"


def discretise_prepared(prep: Prepared, bins: int = 20) -> tuple[list[np.ndarray], dict[str, list[str]]]:
    """Integer codes (one (n, k) array per frame) and labels, from prepared frames (internal)."""
    if bins < 1:
        raise ValueError(f"bins must be >= 1; got {bins}")
    codes = [np.empty((n, len(prep.columns)), dtype=np.int64) for n in prep.n_rows]
    labels: dict[str, list[str]] = {}
    for j, col in enumerate(prep.columns):
        vals = [v[col] for v in prep.values]
        if prep.is_numeric(col):
            real = vals[0][~np.isnan(vals[0])]
            edges = np.unique(np.quantile(real, np.linspace(0.0, 1.0, bins + 1))) if real.size else np.zeros(1)
            n_bins = max(len(edges) - 1, 1)
            fmt = prep.dates.get(col)
            if len(edges) == 1:
                labs = [_bin_label(edges[0], edges[0], True, fmt)]
            else:
                labs = [_bin_label(edges[i], edges[i + 1], i == n_bins - 1, fmt) for i in range(n_bins)]
            miss = [np.isnan(v) for v in vals]
            col_codes = []
            for v in vals:
                idx = np.searchsorted(edges[1:-1], v, side="right") if len(edges) > 2 else np.zeros(len(v), np.int64)
                col_codes.append(np.clip(idx.astype(np.int64), 0, n_bins - 1))
        else:
            labs = list(prep.categories[col])
            miss = [v < 0 for v in vals]
            col_codes = [v.copy() for v in vals]
        if any(m.any() for m in miss):
            for c, m in zip(col_codes, miss, strict=True):
                c[m] = len(labs)
            labs = [*labs, MISSING_LABEL]
        for f, c in enumerate(col_codes):
            codes[f][:, j] = c
        labels[col] = labs
    return codes, labels


def discretise(real: pd.DataFrame, synthetic: pd.DataFrame, bins: int = 20, numeric: Sequence[str] | None = None
               ) -> tuple[np.ndarray, np.ndarray, dict[str, list[str]]]:
    """Both frames as integer codes over shared cells: ``(codes_real, codes_synth, labels)``.

    ``codes_real`` is an int64 array of shape ``(len(real), k)``, ``codes_synth`` of shape
    ``(len(synthetic), k)``, column ``j`` being the ``j``-th column of ``real``; ``labels[col][c]``
    names code ``c`` of ``col`` (``"[lo, hi)"`` for a numeric bin, the category otherwise, and
    :data:`MISSING_LABEL` for the missing code, the last one, present only when a cell is missing).
    Numeric columns are cut in ``bins`` quantile bins of ``real``.

    What good looks like: every metric built on these codes compares the frames cell by cell.

    >>> real = pd.DataFrame({"a": ["x", "y", None], "n": [1.0, 2.0, 3.0]})
    >>> synth = pd.DataFrame({"a": ["z", "x", "x"], "n": [3.0, 9.0, 0.0]})
    >>> cr, cs, labels = discretise(real, synth, bins=2, numeric=["n"])
    >>> cr.tolist(), cs.tolist()
    ([[0, 0], [1, 1], [3, 1]], [[2, 1], [0, 1], [0, 0]])
    >>> labels
    {'a': ['x', 'y', 'z', '<missing>'], 'n': ['[1, 2)', '[2, 3]']}
    """
    prep = prepare([real, synthetic], numeric)
    (cr, cs), labels = discretise_prepared(prep, bins)
    return cr, cs, labels


def json_ready(value: Any, digits: int = 6) -> Any:
    """``value`` with numpy scalars and arrays made plain, floats rounded to ``digits`` and NaN/inf as
    ``None`` (dicts, lists and tuples are walked; dict keys become strings).

    What good looks like: ``json.dumps(json_ready(x), allow_nan=False)`` never fails.

    >>> json_ready({"a": np.float64(0.1234567), "b": [np.nan, np.int64(3)], "c": np.array([1.0, np.inf])})
    {'a': 0.123457, 'b': [None, 3], 'c': [1.0, None]}
    """
    if isinstance(value, dict):
        return {str(k): json_ready(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v, digits) for v in value]
    if isinstance(value, np.ndarray):
        return [json_ready(v, digits) for v in value.tolist()]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return round(value, digits) if math.isfinite(value) else None
    return value
