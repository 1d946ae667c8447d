"""Column kinds and the declared (public) facts about each column.

A :class:`Schema` is an ordered mapping of column name to :class:`ColumnSpec`. Everything in a
``ColumnSpec`` that the user declared is public and costs no privacy budget; anything missing is either
estimated under differential privacy during ``fit`` (bounds, category sets) or refused.

The plain-dict form, accepted by ``Synthesizer(schema=...)`` and ``bayes-synth fit --schema FILE``::

    {
      "age":       {"kind": "integer", "min": 17, "max": 90},
      "workclass": {"kind": "categorical", "categories": ["Private", "State-gov"], "missing": ["?"]},
      "income":    {"kind": "categorical", "categories": ["<=50K", ">50K"], "nullable": false},
      "joined":    {"kind": "date", "min": "2001-01-01", "max": "2024-12-31"},
      "vip":       {"kind": "boolean"}
    }

Keys per column: ``kind`` (categorical, integer, float, datetime, date, boolean), ``min`` / ``max``
(numbers, or ISO dates for date/datetime), ``categories`` (list of strings, or of numbers for a
numeric categorical), ``nullable`` (default true: a missing state is always part of the domain unless
declared impossible), ``missing`` (extra text markers read as missing, e.g. ``"?"``), ``bins`` (how
many bins the network uses for a numeric column), ``dtype`` (the pandas dtype to write back).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import SchemaError

KINDS = ("categorical", "integer", "float", "datetime", "date", "boolean")
NUMERIC_KINDS = ("integer", "float", "datetime", "date")
_KEYS = ("kind", "min", "max", "categories", "nullable", "missing", "bins", "dtype")
MAX_BINS = 64


@dataclass(frozen=True)
class ColumnSpec:
    """What is known about one column.

    ``min``/``max`` are floats for integer/float columns and ISO strings for date/datetime columns.
    ``declared`` names the fields that came from the user (public facts).

    >>> ColumnSpec("age", "integer", min=17, max=90).is_numeric
    True
    """

    name: str
    kind: str
    min: float | str | None = None
    max: float | str | None = None
    categories: tuple[Any, ...] | None = None
    nullable: bool = True
    missing: tuple[str, ...] = ()
    bins: int | None = None
    dtype: str | None = None
    declared: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_numeric(self) -> bool:
        """True for kinds binned over an ordered range (integer, float, date, datetime)."""
        return self.kind in NUMERIC_KINDS

    @property
    def has_bounds(self) -> bool:
        """True when both bounds are known."""
        return self.min is not None and self.max is not None

    def bounds_as_numbers(self) -> tuple[float, float]:
        """The bounds on the numeric axis the codec uses (days or seconds for dates)."""
        return to_axis(self.kind, self.min), to_axis(self.kind, self.max)

    def to_dict(self) -> dict[str, Any]:
        """The plain-dict form (only fields that are set)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        if self.categories is not None:
            out["categories"] = list(self.categories)
        if not self.nullable:
            out["nullable"] = False
        if self.missing:
            out["missing"] = list(self.missing)
        if self.bins is not None:
            out["bins"] = self.bins
        if self.dtype is not None:
            out["dtype"] = self.dtype
        return out


def to_axis(kind: str, value: float | str | None) -> float:
    """Map a bound to the numeric axis: days since epoch for dates, seconds for datetimes."""
    if value is None:
        return math.nan
    if kind == "date":
        return float(pd.Timestamp(value).normalize().value // 86_400_000_000_000)
    if kind == "datetime":
        return float(pd.Timestamp(value).value // 1_000_000_000)
    return float(value)


def from_axis(kind: str, value: float) -> float | str:
    """Inverse of :func:`to_axis` for bounds: ISO text for date kinds, a float otherwise."""
    if kind == "date":
        return (pd.Timestamp(0) + pd.Timedelta(days=int(value))).date().isoformat()
    if kind == "datetime":
        return pd.Timestamp(int(value), unit="s").isoformat()
    return float(value)


class Schema(Mapping[str, ColumnSpec]):
    """An ordered, immutable mapping of column name to :class:`ColumnSpec`.

    >>> s = Schema.from_dict({"age": {"kind": "integer", "min": 0, "max": 120}})
    >>> s["age"].max
    120.0
    """

    def __init__(self, columns: Iterable[ColumnSpec]):
        self._columns = {c.name: c for c in columns}

    def __getitem__(self, name: str) -> ColumnSpec:
        return self._columns[name]

    def __iter__(self):
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        inner = ", ".join(f"{c.name}: {c.kind}" for c in self._columns.values())
        return f"Schema({inner})"

    def replace(self, spec: ColumnSpec) -> Schema:
        """A copy with one column's spec replaced."""
        return Schema(spec if c.name == spec.name else c for c in self._columns.values())

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The plain-dict form, in column order."""
        return {name: spec.to_dict() for name, spec in self._columns.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Schema:
        """Validate a plain dict of declared column facts; every problem is reported at once."""
        if data is None:
            return cls([])
        if not isinstance(data, Mapping):
            raise SchemaError(f"A schema must be a mapping of column name to facts; got {type(data).__name__}.")
        problems: list[str] = []
        specs = []
        for name, facts in data.items():
            spec = _parse_column(str(name), facts, problems)
            if spec is not None:
                specs.append(spec)
        if problems:
            raise SchemaError("Invalid schema:\n" + "\n".join(f"  - {p}" for p in problems))
        return cls(specs)


def _parse_column(name: str, facts: Any, problems: list[str]) -> ColumnSpec | None:
    if not isinstance(facts, Mapping):
        problems.append(f"column '{name}': facts must be a mapping; got {type(facts).__name__}")
        return None
    unknown = sorted(set(facts) - set(_KEYS))
    if unknown:
        problems.append(f"column '{name}': unknown key(s) {unknown}; known keys are {list(_KEYS)}")
    kind = facts.get("kind")
    if kind not in KINDS:
        hint = _closest(str(kind), KINDS)
        problems.append(
            f"column '{name}': 'kind' must be one of {list(KINDS)}; got {kind!r}"
            + (f" (did you mean '{hint}'?)" if hint else "")
        )
        return None
    n0 = len(problems)
    lo, hi = _bound(name, kind, facts.get("min"), "min", problems), _bound(
        name, kind, facts.get("max"), "max", problems
    )
    if lo is not None and hi is not None and len(problems) == n0 and to_axis(kind, lo) > to_axis(kind, hi):
        problems.append(f"column '{name}': min {lo!r} is greater than max {hi!r}")
    cats = facts.get("categories")
    if cats is not None:
        cats = _categories(name, cats, problems)
    nullable = facts.get("nullable", True)
    if not isinstance(nullable, bool):
        problems.append(f"column '{name}': 'nullable' must be true or false; got {nullable!r}")
        nullable = True
    missing = facts.get("missing", ())
    if isinstance(missing, str):
        missing = (missing,)
    if not all(isinstance(m, str) for m in missing):
        problems.append(f"column '{name}': 'missing' must be a list of text markers such as ['?', 'NA']")
        missing = ()
    bins = facts.get("bins")
    if bins is not None and (not isinstance(bins, int) or isinstance(bins, bool) or not 1 <= bins <= MAX_BINS):
        problems.append(f"column '{name}': 'bins' must be an integer in [1, {MAX_BINS}]; got {bins!r}")
        bins = None
    dtype = facts.get("dtype")
    if dtype is not None and not isinstance(dtype, str):
        problems.append(f"column '{name}': 'dtype' must be a pandas dtype name such as 'int64'")
        dtype = None
    declared = frozenset(k for k in _KEYS if k in facts)
    return ColumnSpec(name, kind, lo, hi, cats, nullable, tuple(missing), bins, dtype, declared)


def _bound(name: str, kind: str, value: Any, key: str, problems: list[str]) -> float | str | None:
    if value is None:
        return None
    if kind in ("date", "datetime"):
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError):
            problems.append(f"column '{name}': '{key}' must be an ISO date such as '2020-01-31'; got {value!r}")
            return None
        if pd.isna(ts):
            problems.append(f"column '{name}': '{key}' must be a date; got {value!r}")
            return None
        return ts.date().isoformat() if kind == "date" else ts.isoformat()
    if kind in ("categorical", "boolean"):
        problems.append(f"column '{name}': '{key}' applies to numeric and date kinds, not {kind}")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"column '{name}': '{key}' must be a finite number; got {value!r}")
        return None
    if kind == "integer" and float(value) != int(value):
        problems.append(f"column '{name}': '{key}' of an integer column must be whole; got {value!r}")
        return None
    return float(value)


def _categories(name: str, cats: Any, problems: list[str]) -> tuple[Any, ...] | None:
    if isinstance(cats, str) or not isinstance(cats, Iterable):
        problems.append(f"column '{name}': 'categories' must be a list; got {type(cats).__name__}")
        return None
    cats = list(cats)
    if not cats:
        problems.append(f"column '{name}': 'categories' is empty; list at least one value")
        return None
    bad = [c for c in cats if not isinstance(c, str | int | float) or isinstance(c, bool)]
    if bad or any(isinstance(c, float) and not math.isfinite(c) for c in cats):
        problems.append(f"column '{name}': categories must be text or finite numbers")
        return None
    if len(set(cats)) != len(cats):
        problems.append(f"column '{name}': 'categories' lists a value more than once")
        return None
    return tuple(cats)


def _closest(word: str, options: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def is_integral(values: np.ndarray) -> bool:
    """True when every finite value in a float array is a whole number."""
    finite = values[np.isfinite(values)]
    return bool(np.all(finite == np.round(finite)))
