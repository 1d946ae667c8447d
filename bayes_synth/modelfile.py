"""The model file: versioned plain JSON, written atomically, read by a strict validator.

Nothing in a model file is executed: no class paths, no callables, no pickle. Loading checks the
format and version, then every part (codecs, network, tables, ledger) and reports every problem with
its JSON path in one :class:`~bayes_synth.errors.ModelFormatError`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from bayes_synth.combinations import combinations_from_json
from bayes_synth.encode import CategoricalCodec, codec_from_dict
from bayes_synth.errors import BayesSynthError, ModelFormatError
from bayes_synth.io import atomic_write_text
from bayes_synth.jsonio import dumps_canonical, loads_strict
from bayes_synth.model import Model
from bayes_synth.privacy.ledger import Entry, Ledger
from bayes_synth.schema import Schema

FORMAT = "bayes_synth.model"
FORMAT_VERSION = 1
ROW_TOLERANCE = 1e-9


def model_to_dict(model: Model) -> dict[str, Any]:
    """The plain-data form of a model."""
    names = model.columns
    out = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": [{"name": name, **spec} for name, spec in model.schema.to_dict().items()],
        "codecs": [c.to_dict() for c in model.codecs.values()],
        "structure": {
            "order": [names[i] for i in model.order],
            "parents": {names[i]: [names[p] for p in ps] for i, ps in enumerate(model.parents_idx)},
        },
        "tables": {names[i]: t.tolist() for i, t in enumerate(model.tables)},
        "privacy": model.ledger.to_dict(),
        "settings": model.settings,
        "rules": {"source": model.rules_source, **model.rules_origin} if model.rules_source else None,
    }
    if model.combinations:  # optional: files without combine statements (and older files) lack the key
        out["combinations"] = [c.to_dict() for c in model.combinations]
    if model.semantics:  # optional: files without typed columns (and older files) lack the key
        out["semantics"] = model.semantics
    return out


def save_model(model: Model, path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """Write the model as JSON (temp file + rename)."""
    text = dumps_canonical(model_to_dict(model), indent=1)
    return atomic_write_text(path, text, inputs=inputs, force=force)


def load_model_file(path: str | Path) -> Model:
    """Read and validate a model file."""
    p = Path(path)
    if p.is_dir():
        raise ModelFormatError(f"Cannot load '{p}': it is a directory, not a model file.")
    if not p.is_file():
        raise ModelFormatError(f"Cannot load '{p}': no such file.")
    data = loads_strict(p.read_bytes(), source=str(p))
    return model_from_dict(data, source=str(p))


def model_from_dict(data: Any, source: str = "model") -> Model:
    """Validate plain data and build a :class:`Model`; every problem is reported at once."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ModelFormatError(f"{source}: the top level must be a JSON object.")
    if data.get("format") != FORMAT:
        raise ModelFormatError(f"{source}: $.format must be {FORMAT!r}; got {data.get('format')!r}.")
    if type(data.get("format_version")) is not int or data.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(f"{source}: $.format_version {data.get('format_version')!r} is not "
                               f"supported (this bayes_synth reads version {FORMAT_VERSION}).")
    schema = _schema(data.get("schema"), problems)
    codecs = _codecs(data.get("codecs"), problems)
    ledger = _ledger(data.get("privacy"), problems)
    if schema is None or codecs is None or ledger is None:
        raise ModelFormatError(f"{source} is not a valid model file:\n" + "\n".join(f"  - {p}" for p in problems))
    names = list(codecs)
    if list(schema) != names:
        problems.append("$.schema and $.codecs name different columns")
    else:
        for name in names:
            _check_codec(schema[name], codecs[name], problems)
    order, parents = _structure(data.get("structure"), names, problems)
    tables = _tables(data.get("tables"), names, codecs, parents, problems)
    combinations = combinations_from_json(data.get("combinations"), codecs, problems) \
        if list(schema) == names else []
    _check_ledger(ledger, problems)
    if problems:
        raise ModelFormatError(f"{source} is not a valid model file:\n" + "\n".join(f"  - {p}" for p in problems))
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
    rules = data.get("rules")
    if rules is not None and not (isinstance(rules, dict) and isinstance(rules.get("source"), str)):
        raise ModelFormatError(f"{source}: $.rules must be null or an object with the rules' 'source' text.")
    origin = _rules_origin(rules, source)
    semantics = data.get("semantics")
    if semantics is not None:
        from bayes_synth.semantic.plan import Semantics

        try:
            Semantics.from_dict(semantics)
        except ModelFormatError as exc:
            raise ModelFormatError(f"{source}: {exc}") from None
    return Model(schema, codecs, order, parents, tables, ledger, settings, rules and rules["source"], combinations,
                 semantics, origin)


_PART_ERRORS = (BayesSynthError, KeyError, TypeError, ValueError, AttributeError, OverflowError)
_RULES_ORIGIN = {"file": "the rules file's name (text) or null", "sha256": "64 hexadecimal digits (SHA-256)",
                 "as_written": "true or false"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
# a ledger entry's keys and what each must hold (checked before the ledger reads them)
_ENTRY = {"step": ("a whole number", lambda v: type(v) is int),
          "query_kind": ("text", lambda v: isinstance(v, str)),
          "columns": ("a list of column names", lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v)),
          "mechanism": ("text", lambda v: isinstance(v, str)),
          "sensitivity": ("a number", lambda v: _is_number(v)),
          "epsilon": ("a fraction as text, such as '1/50'", lambda v: isinstance(v, str)),
          "delta": ("a fraction as text, such as '0'", lambda v: isinstance(v, str))}


def _schema(raw: Any, problems: list[str]) -> Schema | None:
    """``$.schema``: a list of objects, each a column's declared facts with its ``name``."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"$.schema must be a non-empty list of column objects (each with a 'name'); got {_kind(raw)}")
        return None
    specs: dict[str, dict] = {}
    ok = True
    for i, d in enumerate(raw):
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            problems.append(f"$.schema[{i}] must be an object with the column's 'name' (text); got {_kind(d)}")
            ok = False
            continue
        if d["name"] in specs:
            problems.append(f"$.schema[{i}] declares column {d['name']!r} a second time")
            ok = False
            continue
        specs[d["name"]] = {k: v for k, v in d.items() if k != "name"}
        try:
            Schema.from_dict({d["name"]: specs[d["name"]]})
        except _PART_ERRORS as exc:
            reason = _reason(exc).replace(f"column '{d['name']}': ", "")
            problems.append(f"$.schema[{i}] (column {d['name']!r}): {reason}")
            ok = False
    return Schema.from_dict(specs) if ok else None


def _codecs(raw: Any, problems: list[str]) -> dict | None:
    """``$.codecs``: a list of codec objects, one per column."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"$.codecs must be a non-empty list of codec objects (one per column); got {_kind(raw)}")
        return None
    codecs = {}
    for i, d in enumerate(raw):
        try:
            codec = codec_from_dict(d)
        except _PART_ERRORS as exc:
            problems.append(f"$.codecs[{i}]: {_reason(exc)}")
            continue
        if codec.name in codecs:
            problems.append(f"$.codecs[{i}] is a second codec for column {codec.name!r}")
            continue
        codecs[codec.name] = codec
    return codecs if len(codecs) == len(raw) else None


def _ledger(raw: Any, problems: list[str]) -> Ledger | None:
    """``$.privacy``: the budget and the list of ledger entries, each checked key by key."""
    if not isinstance(raw, dict):
        problems.append(f"$.privacy must be an object (the privacy ledger: budget and entries); got {_kind(raw)}")
        return None
    missing = [k for k in ("epsilon", "delta", "private", "entries") if k not in raw]
    if missing:
        problems.append(f"$.privacy has no {', '.join(map(repr, missing))}: it must hold the budget ('epsilon', "
                        "'delta'), the 'private' flag and the list of 'entries'")
        return None
    if raw["epsilon"] != "inf" and not (_is_number(raw["epsilon"]) and raw["epsilon"] > 0):
        problems.append(f"$.privacy.epsilon must be a number > 0 or 'inf'; got {_shown(raw['epsilon'])}")
        return None
    if not (_is_number(raw["delta"]) and 0 <= raw["delta"] < 1):
        problems.append(f"$.privacy.delta must be a number in [0, 1); got {_shown(raw['delta'])}")
        return None
    if not isinstance(raw["entries"], list):
        problems.append(f"$.privacy.entries must be a list of ledger entries; got {_kind(raw['entries'])}")
        return None
    try:
        ledger = Ledger.from_dict({**raw, "entries": []})
    except _PART_ERRORS as exc:
        problems.append(f"$.privacy: {_reason(exc)}")
        return None
    ok = True
    for i, e in enumerate(raw["entries"]):
        where = f"$.privacy.entries[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{where} must be an object (one ledger entry); got {_kind(e)}")
            ok = False
            continue
        wrong = [f"{where}.{key} must be {what}; got {_shown(e[key]) if key in e else 'nothing (missing)'}"
                 for key, (what, fits) in _ENTRY.items() if key not in e or not fits(e[key])]
        if "note" in e and not isinstance(e["note"], str):
            wrong.append(f"{where}.note must be text; got {_shown(e['note'])}")
        if wrong:
            problems += wrong
            ok = False
            continue
        try:
            ledger.entries.append(Entry.from_dict(e))
        except _PART_ERRORS as exc:
            problems.append(f"{where}: {_reason(exc)}")
            ok = False
    return ledger if ok else None


def _rules_origin(rules: Any, source: str) -> dict[str, Any]:
    """Where the stored rules came from (``$.rules.file``, ``sha256``, ``as_written``); absent in older files."""
    if not isinstance(rules, dict):
        return {}
    origin = {k: rules[k] for k in _RULES_ORIGIN if k in rules}
    for key, value in origin.items():
        fits = {"file": value is None or isinstance(value, str),
                "sha256": isinstance(value, str) and bool(_SHA256.fullmatch(value)),
                "as_written": isinstance(value, bool)}[key]
        if not fits:
            raise ModelFormatError(f"{source}: $.rules.{key} must be {_RULES_ORIGIN[key]}; got {_shown(value)}.")
    return origin


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _kind(x: Any) -> str:
    """What a JSON value is, for messages: ``a list``, ``text 'abc'``, ``nothing (missing)``."""
    if x is None:
        return "null or nothing"
    if isinstance(x, bool):
        return f"{str(x).lower()} (a boolean)"
    names = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    name = names.get(type(x), type(x).__name__)
    return f"{name} {_shown(x)}" if isinstance(x, str | int | float) else name


def _shown(x: Any) -> str:
    """A JSON value shortened for a message."""
    if isinstance(x, bool) or x is None:
        return {True: "true", False: "false", None: "null"}[x]
    if isinstance(x, dict | list):
        return "an object" if isinstance(x, dict) else "a list"
    text = repr(x)
    return text if len(text) <= 42 else text[:40] + "..."


def _reason(exc: BaseException) -> str:
    """An exception's message on one line; a bare KeyError names the missing key."""
    if type(exc) is KeyError:
        return f"the key {exc.args[0]!r} is missing"
    lines = [ln.strip().removeprefix("- ") for ln in str(exc).splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        lines = lines[1:]  # "Invalid schema:" and its items: keep the items
    return "; ".join(lines) or type(exc).__name__


def _structure(struct: Any, names: list[str], problems: list[str]):
    if not isinstance(struct, dict) or not isinstance(struct.get("order"), list) \
            or not isinstance(struct.get("parents"), dict):
        problems.append("$.structure must hold 'order' (a list) and 'parents' (an object)")
        return (), ()
    order_names, parent_names = struct["order"], struct["parents"]
    if (not all(isinstance(n, str) for n in order_names) or sorted(order_names) != sorted(names)
            or len(set(order_names)) != len(names)):
        problems.append("$.structure.order must list every column exactly once")
        return (), ()
    pos = {n: i for i, n in enumerate(order_names)}
    parents = []
    for name in names:
        ps = parent_names.get(name)
        if (not isinstance(ps, list) or not all(isinstance(p, str) for p in ps)
                or any(p not in pos for p in ps) or len(set(ps)) != len(ps)):
            problems.append(f"$.structure.parents.{name} must be a list of distinct known columns")
            parents.append(())
            continue
        if any(pos[p] >= pos[name] for p in ps):
            problems.append(f"$.structure.parents.{name}: a parent comes after the column in "
                            "$.structure.order (the network would have a cycle)")
        parents.append(tuple(names.index(p) for p in ps))
    return tuple(names.index(n) for n in order_names), tuple(parents)


def _tables(tables: Any, names, codecs, parents, problems: list[str]) -> list[np.ndarray]:
    if not isinstance(tables, dict) or not parents:
        problems.append("$.tables must be an object with one table per column")
        return []
    extra = [k for k in tables if k not in codecs]
    if extra:
        problems.append(f"$.tables has a table for {', '.join(map(repr, extra[:5]))}, which is not a column of the "
                        "model (one table per column of $.codecs)")
    out = []
    for i, name in enumerate(names):
        rows = math.prod(codecs[names[p]].size for p in parents[i])
        shape = (rows, codecs[name].size)
        odd = number_rows_problem(tables.get(name))
        if odd:
            problems.append(f"$.tables.{name}{odd}")
            out.append(np.full(shape, 1.0 / shape[1]))
            continue
        t = np.array(tables[name], dtype=float)
        if t.shape != shape:
            problems.append(f"$.tables.{name} has shape {list(t.shape)}; its parents and domain need {list(shape)}")
        elif not np.all(np.isfinite(t)) or np.any(t < 0):
            problems.append(f"$.tables.{name} holds negative or non-finite probabilities")
        elif np.any(np.abs(t.sum(axis=1) - 1) > ROW_TOLERANCE):
            bad = int(np.argmax(np.abs(t.sum(axis=1) - 1)))
            problems.append(f"$.tables.{name}[{bad}] does not sum to 1 (sum {t[bad].sum():.12g})")
        out.append(t)
    return out


def number_rows_problem(table: Any) -> str | None:
    """Why ``table`` is not a list of rows of JSON numbers (text and booleans are not numbers), or None.

    >>> number_rows_problem([[0.5, 0.5]]) is None, number_rows_problem([["0.5", 0.5]])
    (True, "[0][0] must be a number; got text '0.5'")
    """
    if not isinstance(table, list) or not table:
        return f" must be a non-empty list of rows of probabilities; got {_kind(table)}"
    width = None
    for r, row in enumerate(table):
        if not isinstance(row, list) or (width is not None and len(row) != width):
            return f"[{r}] must be a row of numbers as long as the others; got {_kind(row)}"
        width = len(row)
        for c, v in enumerate(row):
            if type(v) is not float and type(v) is not int:
                return f"[{r}][{c}] must be a number; got {_kind(v)}"
    return None


def _check_codec(spec, codec, problems: list[str]) -> None:
    """A codec must stay inside the public domain its schema declares."""
    where = f"$.codecs[{spec.name!r}]"
    if codec.kind != spec.kind:
        problems.append(f"{where}: kind {codec.kind!r} disagrees with the schema's {spec.kind!r}")
        return
    if codec.nullable and not spec.nullable:
        problems.append(f"{where}: has a missing state but the schema declares nullable=false")
    if isinstance(codec, CategoricalCodec):
        if spec.categories is not None and list(codec.categories) != list(spec.categories):
            problems.append(f"{where}: categories differ from the declared ones")
        elif codec.kind == "boolean" and codec.categories != [False, True]:
            problems.append(f"{where}: a boolean codec must have categories [false, true]")
        elif codec.kind == "categorical" and not all(isinstance(c, str | int | float) and not isinstance(c, bool)
                                                     for c in codec.categories):
            problems.append(f"{where}: categories must be text or numbers")
        return
    lo, hi = spec.bounds_as_numbers()
    top = np.nextafter(hi, np.inf) if spec.kind == "float" else hi + 1
    if (math.isfinite(lo) and codec.edges[0] < lo) or (math.isfinite(hi) and codec.edges[-1] > top):
        problems.append(f"{where}: bin edges reach outside the declared bounds [{spec.min}, {spec.max}]")


def _check_ledger(ledger: Ledger, problems: list[str]) -> None:
    if ledger.private and ledger.spent_epsilon > ledger.budget:
        problems.append(f"$.privacy: the ledger spends epsilon {float(ledger.spent_epsilon):.6g}, "
                        f"more than the stated budget {ledger.epsilon:g}")
