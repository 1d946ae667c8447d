"""The model file: versioned plain JSON, written atomically, read by a strict validator.

Nothing in a model file is executed: no class paths, no callables, no pickle. Loading checks the
format and version, then every part (codecs, network, tables, ledger) and reports every problem with
its JSON path in one :class:`~bayes_synth.errors.ModelFormatError`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from bayes_synth.combinations import combinations_from_json
from bayes_synth.encode import CategoricalCodec, codec_from_dict
from bayes_synth.errors import BayesSynthError, ModelFormatError
from bayes_synth.io import atomic_write_text
from bayes_synth.jsonio import dumps_canonical, loads_strict
from bayes_synth.model import Model
from bayes_synth.privacy.ledger import Ledger
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
        "rules": {"source": model.rules_source} if model.rules_source else None,
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
    try:
        schema = Schema.from_dict({d["name"]: {k: v for k, v in d.items() if k != "name"}
                                   for d in _list(data, "schema")})
        codecs = {c.name: c for c in (codec_from_dict(d) for d in _list(data, "codecs"))}
        ledger = Ledger.from_dict(data["privacy"])
    except (BayesSynthError, KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ModelFormatError(f"{source}: {exc}") from None
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
    semantics = data.get("semantics")
    if semantics is not None:
        from bayes_synth.semantic.plan import Semantics

        try:
            Semantics.from_dict(semantics)
        except ModelFormatError as exc:
            raise ModelFormatError(f"{source}: {exc}") from None
    return Model(schema, codecs, order, parents, tables, ledger, settings, rules and rules["source"], combinations,
                 semantics)


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise TypeError(f"$.{key} must be a list")
    return value


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
    out = []
    for i, name in enumerate(names):
        rows = math.prod(codecs[names[p]].size for p in parents[i])
        shape = (rows, codecs[name].size)
        try:
            t = np.array(tables[name], dtype=float)
        except (KeyError, ValueError, TypeError):
            problems.append(f"$.tables.{name} is missing or not a rectangular array of numbers")
            out.append(np.full(shape, 1.0 / shape[1]))
            continue
        if t.shape != shape:
            problems.append(f"$.tables.{name} has shape {list(t.shape)}; its parents and domain need {list(shape)}")
        elif not np.all(np.isfinite(t)) or np.any(t < 0):
            problems.append(f"$.tables.{name} holds negative or non-finite probabilities")
        elif np.any(np.abs(t.sum(axis=1) - 1) > ROW_TOLERANCE):
            bad = int(np.argmax(np.abs(t.sum(axis=1) - 1)))
            problems.append(f"$.tables.{name}[{bad}] does not sum to 1 (sum {t[bad].sum():.12g})")
        out.append(t)
    return out


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
