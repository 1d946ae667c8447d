"""Read tables and convert their cells under a schema, counting every cell that does not fit.

CSV files are read with every cell as text (pandas' NA guessing would turn ``"NA"``, ``"None"`` or
``"null"`` into missing and numeric guessing would drop leading zeros); conversion then follows the
declared schema, or a kind inferred from the values. Cells that do not parse, fall outside declared
categories or bounds are counted per column in an :class:`IngestReport`; they are never dropped
silently, and their raw values are never echoed.
"""

from __future__ import annotations

import csv
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import IngestError, PrivacyWarning, SchemaError
from bayes_synth.schema import KINDS, ColumnSpec, Schema, is_integral, to_axis

log = logging.getLogger(__name__)

SUPPORTED = (".csv", ".parquet", ".pq")
DEFAULT_MISSING = ("",)
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%m/%d/%Y")


@dataclass
class IngestReport:
    """Per-column counts of cells that were turned into the missing state, and why."""

    unparseable: dict[str, int] = field(default_factory=dict)
    out_of_domain: dict[str, int] = field(default_factory=dict)
    clipped: dict[str, int] = field(default_factory=dict)
    #: missing cells (after the steps above) in columns declared not null: their rows are left out of training
    left_out: dict[str, int] = field(default_factory=dict)
    #: columns whose output dtype (and, for int/bool containers, non-nullability) was taken from a
    #: typed DataFrame column rather than declared: public schema by assumption, so it is ledgered
    dtype_from_frame: list[str] = field(default_factory=list)

    def add(self, kind: str, column: str, n: int) -> None:
        if n:
            bucket = getattr(self, kind)
            bucket[column] = bucket.get(column, 0) + int(n)

    @property
    def total(self) -> int:
        return sum(self.unparseable.values()) + sum(self.out_of_domain.values()) + sum(self.clipped.values())

    def lines(self) -> list[str]:
        out = [f"column '{c}': {n} cell(s) could not be parsed as its kind; treated as missing"
               for c, n in self.unparseable.items()]
        out += [f"column '{c}': {n} cell(s) outside the declared categories; treated as missing"
                for c, n in self.out_of_domain.items()]
        out += [f"column '{c}': {n} value(s) outside the bounds; clipped to the bounds"
                for c, n in self.clipped.items()]
        out += [f"column '{c}': {n} missing cell(s) in a column declared not null; their rows are left out of training"
                for c, n in self.left_out.items()]
        return out


def read_table(source: Any, *, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a DataFrame, CSV or Parquet file as it is, CSV cells kept as text.

    Column labels must be unique; non-text labels of a DataFrame become text.

    >>> read_table(pd.DataFrame({"a": [1]})).shape
    (1, 1)
    """
    if isinstance(source, pd.DataFrame):
        return _checked_frame(source)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"Cannot read '{path}': unknown file type '{suffix or '(none)'}'; "
                          f"supported types are {', '.join(SUPPORTED)}.")
    if not path.is_file():
        raise IngestError(f"Cannot read '{path}': no such file.")
    if suffix == ".csv":
        return _read_csv(path, encoding)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types; none may reach the user
        raise IngestError(f"Cannot read '{path}' as Parquet: {_first_line(exc)}") from None
    return _checked_frame(frame, str(path))


def _checked_frame(frame: pd.DataFrame, source: str = "the table") -> pd.DataFrame:
    names = [str(c) for c in frame.columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise IngestError(f"Cannot read {source}: duplicate column name(s) {dupes}; rename them.")
    out = frame.copy()
    out.columns = names
    return out.reset_index(drop=True)


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    header = _header(path, encoding)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                            encoding=encoding, encoding_errors="strict", on_bad_lines="error",
                            engine="c")
    except UnicodeDecodeError:
        raise IngestError(_decode_error(path, encoding)) from None
    except pd.errors.EmptyDataError:
        raise IngestError(f"Cannot read '{path}': the file is empty (no header line).") from None
    except pd.errors.ParserError as exc:
        raise IngestError(f"Cannot read '{path}': malformed CSV ({_first_line(exc)}).") from None
    frame.columns = header
    return frame


def _header(path: Path, encoding: str) -> list[str]:
    """The header line's names as written (pandas renames duplicates, which would hide them)."""
    try:
        with path.open(encoding=encoding, newline="") as fh:
            names = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        raise IngestError(_decode_error(path, encoding)) from None
    except csv.Error as exc:
        raise IngestError(f"Cannot read '{path}': malformed header line ({exc}).") from None
    if not names:
        raise IngestError(f"Cannot read '{path}': the file is empty (no header line).")
    names[0] = names[0].removeprefix("\ufeff")
    blank = [i + 1 for i, c in enumerate(names) if not c.strip()]
    if blank:
        raise IngestError(f"Cannot read '{path}': header column(s) {blank} have no name; "
                          "every column needs a name.")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise IngestError(f"Cannot read '{path}': duplicate column name(s) {dupes}.")
    return names


def _decode_error(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    try:
        data.decode(encoding)
        where = "a byte"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        where = f"line {line}, column {col}: byte 0x{data[exc.start]:02x}"
    return (f"Cannot read '{path}': {where} is not valid {encoding}; "
            "re-save the file as UTF-8 or pass encoding='latin-1'.")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def prepare(frame: pd.DataFrame, declared: Schema | Mapping | None = None,
            *, na_values: tuple[str, ...] = DEFAULT_MISSING) -> tuple[pd.DataFrame, Schema, IngestReport]:
    """Convert every column under the declared schema (inferring undeclared kinds).

    Returns the typed frame, the schema (declared facts plus inferred kinds and dtypes) and the report
    of cells that were turned into missing values or clipped.

    >>> df, schema, report = prepare(pd.DataFrame({"n": ["1", "x", "3"]}), {"n": {"kind": "integer"}})
    >>> df["n"].tolist(), report.unparseable
    ([1.0, nan, 3.0], {'n': 1})
    """
    schema = declared if isinstance(declared, Schema) else Schema.from_dict(declared)
    if any(not isinstance(c, str) for c in frame.columns) or frame.columns.has_duplicates:
        frame = _checked_frame(frame)
    if frame.shape[1] == 0:
        raise IngestError("The table has no columns.")
    unknown = [c for c in schema if c not in frame.columns]
    if unknown:
        raise SchemaError(f"The schema declares column(s) {unknown} that the table does not have; "
                          f"the table's columns are {list(map(str, frame.columns))}.")
    report = IngestReport()
    columns, specs, inferred = {}, [], []
    for name in frame.columns:
        name = str(name)
        spec = schema.get(name)
        if spec is None:
            spec = infer_spec(name, frame[name], na_values)
            inferred.append(name)
        values, spec = convert_column(frame[name], spec, na_values, report)
        columns[name] = values
        specs.append(spec)
    if inferred:
        warnings.warn(f"Column kind(s) of {inferred} were inferred from the data; kinds are treated "
                      "as public metadata (declare them in the schema to make that explicit).",
                      PrivacyWarning, stacklevel=2)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame))), Schema(specs), report


def _missing_mask(series: pd.Series, spec: ColumnSpec, na_values: tuple[str, ...]) -> np.ndarray:
    mask = series.isna().to_numpy(dtype=bool).copy()
    if _is_text(series):
        text = series.astype(object).where(~mask, "")
        markers = set(na_values) | set(spec.missing)
        mask |= text.isin(markers).to_numpy(dtype=bool)
    return mask


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def infer_spec(name: str, series: pd.Series, na_values: tuple[str, ...] = DEFAULT_MISSING) -> ColumnSpec:
    """Infer a column's kind from its dtype or, for text, from what all its cells parse as."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return ColumnSpec(name, "boolean")
    if pd.api.types.is_integer_dtype(dtype):
        return ColumnSpec(name, "integer")
    if pd.api.types.is_float_dtype(dtype):
        kind = "integer" if is_integral(series.to_numpy(dtype=float)) else "float"
        return ColumnSpec(name, kind)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return ColumnSpec(name, "datetime")
    if isinstance(dtype, pd.CategoricalDtype):
        return ColumnSpec(name, "categorical")
    text = series[~_missing_mask(series, ColumnSpec(name, "categorical"), na_values)].astype(str)
    return ColumnSpec(name, _infer_text_kind(text))


def _infer_text_kind(text: pd.Series) -> str:
    if text.empty:
        return "categorical"
    lowered = text.str.strip().str.lower()
    if lowered.isin(_TRUE | _FALSE).all() and lowered.nunique() <= 2 and not lowered.isin({"1", "0"}).all():
        return "boolean"
    nums = pd.to_numeric(text.str.strip(), errors="coerce")
    if nums.notna().all() and not text.str.match(r"^\s*[+-]?0\d").any():
        return "integer" if is_integral(nums.to_numpy(dtype=float)) else "float"
    if text.str.match(r"^\d{4}-\d{2}-\d{2}").all():
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if parsed.notna().all():
            has_time = bool((parsed != parsed.dt.normalize()).any())
            return "datetime" if has_time else "date"
    return "categorical"


def convert_column(series: pd.Series, spec: ColumnSpec, na_values: tuple[str, ...],
                   report: IngestReport) -> tuple[pd.Series, ColumnSpec]:
    """Convert one column to its kind's working dtype; count what could not be converted."""
    if spec.kind not in KINDS:
        raise SchemaError(f"column '{spec.name}': unknown kind {spec.kind!r}")
    missing = _missing_mask(series, spec, na_values)
    convert = {"categorical": _to_categorical, "boolean": _to_boolean, "integer": _to_number,
               "float": _to_number, "date": _to_datetime, "datetime": _to_datetime}[spec.kind]
    values, bad = convert(series, missing, spec)
    report.add("unparseable", spec.name, int(bad.sum()))
    if "dtype" not in spec.declared:
        spec = replace(spec, dtype=_output_dtype(spec, series))
        if not _is_text(series):
            report.dtype_from_frame.append(spec.name)
            if "nullable" not in spec.declared and _cannot_hold_missing(series):
                spec = replace(spec, nullable=False)
    values, spec = _apply_domain(values, spec, report)
    return values, spec


def _cannot_hold_missing(series: pd.Series) -> bool:
    """numpy int and bool columns cannot hold a missing value (pandas' nullable ones can)."""
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub"


def _output_dtype(spec: ColumnSpec, series: pd.Series) -> str:
    if not _is_text(series) or spec.kind == "categorical":
        return str(series.dtype)
    return {"categorical": "object", "boolean": "boolean", "integer": "Int64", "float": "float64",
            "date": "datetime64[ns]", "datetime": "datetime64[ns]"}[spec.kind]


def _to_categorical(series, missing, spec):
    values = series.astype(object).where(~missing, None)
    if spec.categories is not None and all(isinstance(c, int | float) for c in spec.categories):
        nums = pd.to_numeric(values, errors="coerce")
        bad = nums.isna().to_numpy() & ~missing
        return nums.astype(object).where(~(missing | bad), None), bad
    if _is_text(series):
        values = values.where(missing, series.astype(str))
    return values, np.zeros(len(series), dtype=bool)


def _to_boolean(series, missing, spec):
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), np.zeros(len(series), dtype=bool)
    lowered = series.astype(str).str.strip().str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    is_true, is_false = lowered.isin(_TRUE).to_numpy(), lowered.isin(_FALSE).to_numpy()
    out[is_true & ~missing] = True
    out[is_false & ~missing] = False
    bad = ~missing & ~is_true & ~is_false
    return out, bad


def _to_number(series, missing, spec):
    if _is_text(series):
        nums = pd.to_numeric(series.astype(str).str.strip().where(~missing, ""), errors="coerce")
    else:
        nums = pd.to_numeric(series, errors="coerce")
    arr = nums.to_numpy(dtype=float, na_value=np.nan)
    bad = ~missing & ~np.isfinite(arr)
    if spec.kind == "integer":
        frac = ~missing & ~bad & (arr != np.round(np.where(np.isfinite(arr), arr, 0)))
        bad |= frac
    arr = np.where(missing | bad, np.nan, arr)
    return pd.Series(arr, index=series.index), bad


def _to_datetime(series, missing, spec):
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) else series
    else:
        parsed = pd.to_datetime(series.astype(str).where(~missing, ""), errors="coerce", format="ISO8601")
        if parsed.isna().to_numpy()[~missing].any():
            for fmt in _DATE_FORMATS:
                alt = pd.to_datetime(series.astype(str).where(~missing, ""), errors="coerce", format=fmt)
                if alt.notna().sum() > parsed.notna().sum():
                    parsed = alt
    parsed = parsed.astype("datetime64[ns]")
    if spec.kind == "date":
        parsed = parsed.dt.normalize()
    bad = ~missing & parsed.isna().to_numpy()
    return parsed.where(~pd.Series(missing | bad, index=series.index)), bad


def _apply_domain(values: pd.Series, spec: ColumnSpec, report: IngestReport):
    if spec.kind == "categorical" and spec.categories is not None:
        present = values.notna().to_numpy()
        inside = values.isin(list(spec.categories)).to_numpy()
        out = present & ~inside
        report.add("out_of_domain", spec.name, int(out.sum()))
        return values.where(~pd.Series(out, index=values.index), None), spec
    if spec.is_numeric and (spec.min is not None or spec.max is not None):
        axis = column_axis(values, spec.kind)
        lo = to_axis(spec.kind, spec.min) if spec.min is not None else -np.inf
        hi = to_axis(spec.kind, spec.max) if spec.max is not None else np.inf
        n_clip = int(np.sum((axis < lo) | (axis > hi)))
        report.add("clipped", spec.name, n_clip)
        if n_clip:
            values = from_column_axis(np.clip(axis, lo, hi), spec.kind, values.index)
    return values, spec


def column_axis(values: pd.Series, kind: str) -> np.ndarray:
    """A column's values on the numeric axis (days or seconds for dates), NaN for missing."""
    if kind in ("date", "datetime"):
        ns = values.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        ns[values.isna().to_numpy()] = np.nan
        unit = 86_400e9 if kind == "date" else 1e9
        return np.floor(ns / unit)
    return values.to_numpy(dtype=float, na_value=np.nan)


def from_column_axis(axis: np.ndarray, kind: str, index=None) -> pd.Series:
    """Inverse of :func:`column_axis`."""
    if kind in ("date", "datetime"):
        unit = 86_400_000_000_000 if kind == "date" else 1_000_000_000
        ns = np.where(np.isfinite(axis), axis, 0).astype(np.int64) * unit
        out = pd.Series(ns.astype("datetime64[ns]"), index=index)
        return out.where(~pd.Series(~np.isfinite(axis), index=index))
    return pd.Series(axis, index=index)
