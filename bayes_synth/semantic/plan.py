"""At fit: each column's semantic type, what the network learns of it, and the entities.

A :class:`Semantics` is stored in the model file as plain data (type names, options, learned formats
and templates; never a value of the data). It turns the input table into the table the network learns
(:meth:`Semantics.model_frame`):

- a *generated* column (personal values, identifiers, free text) becomes a presence indicator: the
  text ``"present"`` or missing. The network learns only how often, and with what, a cell is filled;
  rules such as ``if employed == false then employer is null`` still hold;
- a *formatted* column (money ``$1,234.50``, dates ``03/07/2021``) is parsed into numbers or dates,
  learned as such, and rendered back in its format after sampling (:mod:`bayes_synth.semantic.fill`).

Types and formats detected from the values (rather than declared) are facts about the data; like
inferred column kinds they are treated as public metadata and ledgered as such (declare them in the
constraints file to make that assumption unnecessary).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import ModelFormatError, SchemaError
from bayes_synth.semantic.catalogue import ALIASES, TYPES, get_type
from bayes_synth.semantic.detect import detect_column

PRESENT = "present"
#: a display format is learned from at most this many distinct values of the column
LEARN_SAMPLE = 20_000
ISO_PATTERNS = {"%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"}
#: types whose values are parsed with a display format and rendered back after sampling
FORMATTED = {"money": "number", "percentage": "number", "float": "number", "date": "date", "datetime": "date",
             "timestamp_tz": "date", "time": "date", "duration": "duration", "boolean": "bool"}
#: a time of day is modelled as seconds since midnight, in [0, DAY_SECONDS] (public: a fact of clocks, not data)
DAY_SECONDS = 86_400
#: roles an entity's generators read from the entity's other columns
ROLES = ("gender", "first_name", "last_name", "full_name", "title", "email", "country", "country_code", "region",
         "city", "postcode")
PERSON = {"first_name", "last_name", "full_name", "title", "gender", "email", "phone"}
PLACE = {"street_address", "city", "region", "postcode", "country", "country_code", "latitude", "longitude"}


@dataclass
class ColumnType:
    """A column's semantic type; ``options`` hold what generation and rendering need (plain data)."""

    column: str
    type: str
    confidence: float = 1.0
    declared: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def generated(self) -> bool:
        """Whether the values are generated at sample time (never learned)."""
        return TYPES[self.type].generated

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "confidence": self.confidence, "declared": self.declared,
                "options": self.options}


@dataclass
class Semantics:
    """Every typed column of a model, its entities and the locale of generated values."""

    columns: dict[str, ColumnType] = field(default_factory=dict)
    entities: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    locale: str = "en_US"

    @property
    def generated(self) -> list[str]:
        """The columns filled at sample time."""
        return [c for c, t in self.columns.items() if t.generated]

    @property
    def formatted(self) -> list[str]:
        """The modelled columns rendered back with a display format."""
        return [c for c, t in self.columns.items() if not t.generated and "format" in t.options]

    @property
    def detected(self) -> list[str]:
        """Columns whose type, or part of whose format (``options["learned"]``), was found in the values rather
        than declared (public by assumption)."""
        return [c for c, t in self.columns.items() if not t.declared or t.options.get("learned")]

    def model_frame(self, frame: pd.DataFrame, missing: Mapping[str, Iterable[str]] = {}) -> pd.DataFrame:
        """The table the network learns: presence indicators and parsed formatted columns."""
        out = frame.copy()
        for name, t in self.columns.items():
            if name not in out.columns:
                continue
            if t.generated:
                present = ~_missing(out[name], missing.get(name, ()))
                out[name] = pd.Series(np.where(present, PRESENT, None), index=out.index, dtype=object)
            elif "format" in t.options:
                out[name] = parse_column(out[name], t)
        return out

    def check_rows(self, n: int) -> None:
        """Refuse to sample ``n`` rows when a ``unique`` ID format has fewer than ``n`` values (before sampling).

        >>> s = Semantics({"code": ColumnType("code", "pattern_id", options={"pattern": "A0", "unique": True})})
        >>> try:
        ...     s.check_rows(500)
        ... except ValueError as exc:
        ...     print(str(exc).split(". ")[0])
        Column 'code' is unique, but its ID format 'A0' has only 260 possible values, fewer than the 500 rows asked for
        """
        from bayes_synth.errors import SamplingError
        from bayes_synth.semantic import ids

        for name, t in self.columns.items():
            if t.type != "pattern_id" or not t.options.get("unique") or not t.options.get("pattern"):
                continue
            capacity = ids.pattern_capacity(t.options["pattern"])
            if capacity < n:
                wider = t.options["pattern"] + "0" * math.ceil(math.log10(n / capacity) + 1e-9)
                raise SamplingError(
                    f"Column '{name}' is unique, but its ID format '{t.options['pattern']}' has only {capacity:,} "
                    f"possible values, fewer than the {n:,} rows asked for. Sample at most {capacity:,} rows, or "
                    f"declare a longer format (e.g. format {_dsl_string(wider)}) in the constraints file and fit "
                    "again.")

    def parse_formatted(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Only the formatted columns parsed (generated ones kept as they are): how a table is checked."""
        kept = Semantics({c: t for c, t in self.columns.items() if not t.generated}, [], self.locale)
        return kept.model_frame(frame)

    def declared_facts(self, declared: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """``declared`` schema facts with the generated columns' domain (a presence indicator) put in."""
        out = {name: dict(facts) for name, facts in declared.items()}
        for name in self.generated:
            facts = out.get(name, {})
            out[name] = {"kind": "categorical", "categories": [PRESENT],
                         **({"nullable": facts["nullable"]} if "nullable" in facts else {})}
        for name, t in self.columns.items():
            if not t.generated and "format" in t.options and "kind" not in out.get(name, {}):
                out.setdefault(name, {})["kind"] = TYPES[t.type].kind if TYPES[t.type].kind != "categorical" \
                    else "float"
            if t.type == "time" and "format" in t.options:  # seconds since midnight: the clock's own bounds
                facts = out.setdefault(name, {})
                facts.setdefault("min", 0)
                facts.setdefault("max", DAY_SECONDS)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the model file (type names, options, formats; no values of the data)."""
        return {"locale": self.locale, "columns": {c: t.to_dict() for c, t in self.columns.items()},
                "entities": [{"name": n, "columns": list(cols)} for n, cols in self.entities]}

    @classmethod
    def from_dict(cls, data: Any) -> Semantics:
        """Read the model file's ``semantics`` (strict: unknown types or malformed entries are errors)."""
        from bayes_synth.semantic import layouts

        if data is None:
            return cls()
        try:
            columns = {}
            for name, d in data["columns"].items():
                if d["type"] not in TYPES or not isinstance(d["options"], dict):
                    raise ValueError(f"column {name!r}: unknown type {d['type']!r}")
                layouts.check_options(d["type"], d["options"])
                columns[name] = ColumnType(name, d["type"], float(d["confidence"]), bool(d["declared"]),
                                           dict(d["options"]))
            entities = [(str(e["name"]), tuple(str(c) for c in e["columns"])) for e in data["entities"]]
            return cls(columns, entities, str(data["locale"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFormatError(f"$.semantics is malformed: {exc}") from None


def parse_column(series: pd.Series, t: ColumnType) -> Any:
    """A formatted column's text parsed with its display format: numbers, dates, or seconds for times of
    day and durations (NaN/NaT where a value is missing or not in the format)."""
    from bayes_synth.semantic import formats

    fmt = formats.format_from_dict(t.options["format"]["spec"])
    family = t.options["format"]["family"]
    if family == "number" and pd.api.types.is_numeric_dtype(series.dtype) \
            and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)  # already numbers (a frame, not text): kept
    if family == "date" and fmt.kind in ("date", "datetime") and pd.api.types.is_datetime64_any_dtype(series.dtype) \
            and getattr(series.dtype, "tz", None) is None:
        return series  # already dates (a frame read with parse_dates): kept
    values = series.astype(object)
    if family == "number":
        return formats.parse_numbers(values, fmt)
    if family == "duration":
        return formats.parse_durations(values, fmt)
    if family == "bool":
        return formats.parse_bools(values, fmt)
    parsed = formats.parse_dates(values, fmt)
    return parsed.dt.total_seconds() if fmt.kind == "time" else parsed


def _missing(series: pd.Series, markers: Iterable[str]) -> np.ndarray:
    text = series.astype(object)
    blank = text.isna() | text.astype(str).str.strip().isin(["", *markers])
    return blank.to_numpy(dtype=bool)


def plan_semantics(raw: pd.DataFrame, rules: Any = None, derived: Iterable[str] = (),
                   declared: Mapping[str, Mapping[str, Any]] | None = None, detect: bool = True) -> Semantics:
    """Each column's type: declared in the rules (``as email``), else detected from the values.

    ``detect=False`` keeps only what the rules declare (``bayes-synth check`` reads a table that way).

    >>> frame = pd.DataFrame({"email": ["a@x.org", "b@y.com"], "n": ["1", "2"]})
    >>> plan_semantics(frame).columns["email"].type
    'email'
    """
    declared = declared or {}
    derived = set(derived)
    columns: dict[str, ColumnType] = {}
    written = {c.name: c for c in rules.columns} if rules is not None else {}
    for name in raw.columns:
        if name in derived:
            continue
        c = written.get(name)
        if c is not None and c.semantic:
            columns[name] = _declared(c, raw[name], strict=detect)
            continue
        if c is not None and (shown := _declared_format(c)) is not None:
            columns[name] = shown
            continue
        if not detect:
            continue
        kind = (declared.get(name) or {}).get("kind") or (c.kind if c is not None else None)
        if kind == "boolean" and _holds_strings(raw[name]):  # written back in the data's own words (yes/no, Y/N)
            t = ColumnType(name, "boolean", 1.0, False)
            _learn_format(t, raw[name])
            if "format" in t.options:
                columns[name] = t
            continue
        if kind is not None and not (c is not None and c.kind == "text"):
            continue  # a declared kind is what the user wants modelled (declare 'as TYPE' to change it)
        if not _is_text(raw[name]):
            continue
        found = detect_column(raw[name], name)
        if found is None:
            continue
        t = ColumnType(name, found.type, found.confidence, False, dict(found.options))
        if TYPES[found.type].group == "identifier" and not (c is not None and c.unique):
            _warn_repeated_ids(t, raw[name])
        if c is not None and c.unique:
            t.options["unique"] = True
            _check_unique_capacity(t, raw[name], c.missing)
        _learn_format(t, raw[name])
        _learn_layout(t, raw[name])
        if t.options.get("format", {}).get("spec", {}).get("pattern") in ISO_PATTERNS:
            continue  # ISO dates are read and written as dates by ingest
        columns[name] = t  # modelled types without a format only name the column's role in its entity
    entities = _entities(rules, columns)
    for _, members in entities:  # untyped members of an entity: what role do they play (gender, state...)?
        for name in members:
            if name not in columns and name in raw.columns:
                found = detect_column(raw[name], name)
                if found is not None and not TYPES[found.type].generated:
                    columns[name] = ColumnType(name, found.type, found.confidence, False)
    semantics = Semantics(columns, entities, "en_US")
    semantics.locale = _locale(raw, semantics)
    return semantics


def _declared(c: Any, series: pd.Series, strict: bool = True) -> ColumnType:
    name = ALIASES.get(c.semantic, c.semantic)
    try:
        get_type(name)
    except KeyError as exc:
        raise SchemaError(f"column '{c.name}': {exc.args[0]}") from None
    t = ColumnType(c.name, name, 1.0, True)
    if c.unique:
        t.options["unique"] = True
    fmt = c.option("format")
    if name == "pattern_id":
        t.options["pattern"] = fmt or _learned_pattern(series)
        if t.options["pattern"] is None:
            raise SchemaError(f"column '{c.name}': no single ID format fits its values; declare one with "
                              "format \"AAA-000000\" (A: a letter, 0: a digit)")
        if not fmt:
            t.options["learned"] = ["pattern"]  # a template taken from the values: ledgered as assumed public
    elif fmt is not None and name == "time":
        t.options["format"] = {"family": "date", "spec": _time_format(c.name, str(fmt)).to_dict()}
    elif fmt is not None and name not in FORMATTED:
        t.options["format_text"] = fmt
    if "format" not in t.options:
        _learn_format(t, series)
    if fmt is None:
        _learn_layout(t, series)
    if strict and name in ("time", "duration") and "format" not in t.options and _is_text(series):
        from bayes_synth.semantic.detect import PLAIN_NUMBER, text_values

        values = pd.Series(text_values(series), dtype=object)
        if len(values) and not values.str.fullmatch(PLAIN_NUMBER).all():
            examples = "14:30, 14:30:05 or 2:30 PM" if name == "time" else "01:30:00, 90 min, 2h 30m or PT1H30M"
            raise SchemaError(f"column '{c.name}' is declared as {name}, but no one {name} format reads its values "
                              f"(expected e.g. {examples}, or plain numbers of seconds); fix the values, or "
                              f"declare another type")
    if strict:
        _check_unique_capacity(t, series, c.missing, declared_format=name == "pattern_id" and bool(fmt))
    return t


def _check_unique_capacity(t: ColumnType, series: pd.Series, markers: Iterable[str] = (),
                           declared_format: bool = False) -> None:
    """A ``unique`` ID column whose format has fewer values than the table has is refused; repeats are warned."""
    if not t.options.get("unique"):
        return
    present = series[~_missing(series, markers)].astype(str).str.strip()
    rows, repeats = len(present), int(present.duplicated().sum())
    pattern = t.options.get("pattern") if t.type == "pattern_id" else None
    if pattern is not None:
        from bayes_synth.semantic import ids

        capacity = ids.pattern_capacity(pattern)
        if capacity < rows:
            origin = "declared" if declared_format else "learned from the values"
            wider = pattern + "0" * math.ceil(math.log10(10 * rows / capacity))
            raise SchemaError(
                f"column '{t.column}' is unique, but its ID format '{pattern}' ({origin}) has only {capacity:,} "
                f"possible values, fewer than the {rows:,} values of the table ({repeats:,} of them repeat an "
                f"earlier one). Declare a format with room for them, e.g. format {_dsl_string(wider)} (A: a letter, "
                "0: a digit), or drop 'unique'.")
    if repeats:
        import warnings

        from bayes_synth.errors import BayesSynthWarning

        warnings.warn(f"column '{t.column}' is declared unique, but {repeats:,} of its {rows:,} values repeat an "
                      "earlier one; the generated values are all distinct (drop 'unique' if values may repeat)",
                      BayesSynthWarning, stacklevel=4)


def _warn_repeated_ids(t: ColumnType, series: pd.Series) -> None:
    """A detected ID column whose values repeat (an event table) is generated per row: say what is lost."""
    present = series[~_missing(series, ())].astype(str).str.strip()
    if not present.duplicated().any():
        return
    import warnings

    from bayes_synth.errors import BayesSynthWarning

    warnings.warn(f"column '{t.column}' holds identifiers ({t.type}) whose values repeat: it is generated, not "
                  "learned, so each row gets a fresh ID and which rows shared one is not kept. Declare it "
                  f"('column {t.column}: text as {t.type}') to make this explicit; to give related tables the same "
                  "IDs, see bayes_synth.semantic.keys.entity_ids", BayesSynthWarning, stacklevel=3)


def _dsl_string(text: str) -> str:
    """``text`` as a constraints-file string literal (backslashes and quotes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _time_format(column: str, pattern: str) -> Any:
    from bayes_synth.errors import ParameterError
    from bayes_synth.semantic import formats

    try:
        return formats.DateFormat(pattern, "time")
    except ParameterError as exc:
        raise SchemaError(f"column '{column}': format {pattern!r} is not a time-of-day pattern "
                          f"(e.g. \"%H:%M\" or \"%I:%M %p\"): {exc}") from None


def _declared_format(c: Any) -> ColumnType | None:
    """A date/datetime ``format`` or a float's ``decimals`` written in the rules, as a display format."""
    from bayes_synth.semantic import formats

    if c.kind in ("date", "datetime") and c.option("format"):
        fmt = formats.DateFormat(str(c.option("format")), c.kind)
        return ColumnType(c.name, c.kind, 1.0, True, {"format": {"family": "date", "spec": fmt.to_dict()}})
    if c.kind == "float" and c.option("decimals") is not None:
        fmt = formats.NumberFormat(int(c.option("decimals")), "", ".", "", "", False, 0, "-")
        return ColumnType(c.name, "float", 1.0, True, {"format": {"family": "number", "spec": fmt.to_dict()}})
    return None


def _learned_pattern(series: pd.Series) -> str | None:
    from bayes_synth.semantic import ids
    from bayes_synth.semantic.detect import text_values

    values = text_values(series)
    return ids.learn_pattern(values) if len(values) else None


def _learn_format(t: ColumnType, series: pd.Series) -> None:
    """A display format for types rendered back (money, percentages, decimals, dates), learned from the text."""
    family = FORMATTED.get(t.type)
    if family is None or not _is_text(series):
        return
    from bayes_synth.semantic import formats

    text = series.dropna().astype(str).str.strip()
    distinct = pd.Series(pd.unique(text[text != ""].to_numpy(dtype=object))[:LEARN_SAMPLE], dtype=object)
    fmt = formats.learn_format(distinct, family)
    if fmt is not None and t.type == "time" and fmt.kind != "time":
        fmt = None  # dates with a time are datetimes, not times of day
    if fmt is not None and family == "bool" and fmt.true.isdigit():
        fmt = None  # 1/0 flags are read and written as numbers by ingest
    if fmt is not None:
        t.options["format"] = {"family": family, "spec": fmt.to_dict()}


def _learn_layout(t: ColumnType, series: pd.Series) -> None:
    """What a generated column keeps of the values' look (case, separators, length, layout, country, card
    scheme; :mod:`bayes_synth.semantic.layouts`): public-format decisions, listed in ``options["learned"]`` so
    the ledger names the column. Options already set (detected or declared) are kept."""
    if not t.generated:
        return
    from bayes_synth.semantic import layouts
    from bayes_synth.semantic.detect import text_values

    learned = {k: v for k, v in layouts.learn_layout(t.type, text_values(series)).items()
               if v is not None and k not in t.options}
    if learned:
        t.options.update(learned)
        t.options["learned"] = sorted({*t.options.get("learned", ()), *learned})


def _holds_strings(series: pd.Series) -> bool:
    """Whether the column's present values are text (not Python or numpy booleans in an object column)."""
    if not _is_text(series):
        return False
    present = series.dropna().iloc[:LEARN_SAMPLE]
    return bool(len(present)) and bool(present.map(lambda v: isinstance(v, str)).all())


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _entities(rules: Any, columns: Mapping[str, ColumnType]) -> list[tuple[str, tuple[str, ...]]]:
    """Declared ``entity`` groups, plus one implicit person and one address from the remaining typed columns."""
    from bayes_synth.dsl.ast import Entity

    out = [(e.name, e.column_names) for e in rules.of_type(Entity)] if rules is not None else []
    grouped = {c for _, cols in out for c in cols}
    for name, kinds in (("person", PERSON), ("address", PLACE)):
        rest = tuple(c for c, t in columns.items() if t.type in kinds and c not in grouped)
        if any(columns[c].generated for c in rest):
            out.append((name, rest))
    return out


def _locale(raw: pd.DataFrame, semantics: Semantics) -> str:
    """The locale of generated values: guessed from the real names' vocabulary, else en_US."""
    names = [c for c, t in semantics.columns.items() if t.type in ("first_name", "last_name", "full_name")]
    if not names:
        return "en_US"
    from bayes_synth.semantic import people

    sample = pd.concat([raw[c].dropna().astype(str).str.split().str[0] for c in names]).head(2000)
    return people.guess_locale(sample) or "en_US"
