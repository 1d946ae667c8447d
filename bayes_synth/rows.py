"""Synthetic rows from a fitted model, one chunk at a time, for :meth:`~bayes_synth.synthesizer.Synthesizer.sample`.

The ``conditions`` turned into fixed values (checked against the columns' domains and against the rules
that read only them), one chunk of codes drawn from the network (through the rules sampler when rules
restrict columns), and the codes decoded into the schema's dtypes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.constraints import Plan
from bayes_synth.dsl.enforce import Axis, TargetRule
from bayes_synth.encode import CategoricalCodec
from bayes_synth.enforcement import sample_with_rules
from bayes_synth.errors import ParameterError, SamplingError
from bayes_synth.model import Model
from bayes_synth.sampling import ancestral_sample, posterior_codes
from bayes_synth.schema import Schema


def _condition_values(model: Model, conditions: Mapping[str, Any], n: int) -> dict[str, pd.Series]:
    out = {}
    for name, value in conditions.items():
        if name not in model.codecs:
            raise ParameterError(f"Cannot condition on unknown column {name!r}; columns are {model.columns}.")
        if isinstance(value, list | tuple | np.ndarray | pd.Series):
            if len(value) != n:
                raise ParameterError(f"Condition on '{name}' has {len(value)} values; expected {n} "
                                     "(one per row) or a single value.")
            series = pd.Series(list(value), dtype=object)
        else:
            series = pd.Series([value] * n, dtype=object)
        spec = model.schema[name]
        if spec.kind in ("date", "datetime"):
            series = pd.to_datetime(series)
        codes = model.codecs[name].encode(series)
        if (codes < 0).any() or (model.codecs[name].null_code is not None and
                                 np.any((codes == model.codecs[name].null_code) & series.notna().to_numpy())):
            raise SamplingError(f"Condition on '{name}' holds a value outside the column's domain.")
        grid = getattr(model.codecs[name], "decimals", None)
        if grid is not None:  # written with that many decimals: another value would be rounded after the rules
            axis = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            axis = axis[np.isfinite(axis)]
            if np.any(model.codecs[name].grid_value(model.codecs[name].grid_up(axis)) != axis):
                raise SamplingError(f"Condition on '{name}' holds a value with more than {grid} decimal(s), the "
                                    "decimals the column is written with; round the condition.")
        out[name] = series
    return out


def _sample_chunk(model: Model, n: int, rng: np.random.Generator, fixed: dict[str, pd.Series],
                  aliases: list | None = None, rules: Plan | None = None, static: dict | None = None) -> pd.DataFrame:
    names = model.columns
    decoded: dict[str, pd.Series] = {}
    if rules is not None and rules.targets:
        by_target: dict[str, list] = {}
        for t in rules.targets:
            by_target.setdefault(t.target, []).append(t)
        axes = _axes(model.schema)
        preset = _preset(model, fixed, rng) if fixed else None
        codes, decoded = sample_with_rules(model.order, model.parents_idx, model.tables, model.codecs, n, rng,
                                           by_target, axes, aliases, preset, static)
    else:
        fixed_codes = {names.index(k): model.codecs[k].encode(v.reset_index(drop=True)) for k, v in fixed.items()}
        codes = ancestral_sample(model.order, model.parents_idx, model.tables, model.sizes, n, rng, fixed_codes,
                                 aliases)
    columns = {}
    for j, (name, codec) in enumerate(model.codecs.items()):
        spec = model.schema[name]
        if name in fixed:
            values = fixed[name].reset_index(drop=True)
            columns[name] = _cast(values, spec, bool(values.isna().any()))
        elif isinstance(codec, CategoricalCodec) and _is_string_dtype(spec.dtype) and codec.kind == "categorical":
            columns[name] = _strings_from_codes(codec, codes[:, j], spec.dtype)
        else:
            has_na = codec.nullable and bool((codes[:, j] == codec.null_code).any())
            values = decoded[name] if name in decoded else codec.decode(codes[:, j], rng)
            columns[name] = _cast(values, spec, has_na)
    return pd.DataFrame(columns)


def _preset(model: Model, fixed: dict[str, pd.Series], rng: np.random.Generator):
    """For the rules sampler: rows -> (posterior codes of the fixed columns and their ancestors, values)."""
    names = model.columns
    codes = {names.index(k): model.codecs[k].encode(v.reset_index(drop=True)) for k, v in fixed.items()}
    values = {k: v.reset_index(drop=True) for k, v in fixed.items()}

    def preset(rows: np.ndarray):
        given = {x: c[rows] for x, c in codes.items()}
        return (posterior_codes(model.order, model.parents_idx, model.tables, model.sizes, given, rng),
                {k: v.iloc[rows].reset_index(drop=True) for k, v in values.items()})

    return preset


def _check_conditions(rules: Plan, fixed: dict[str, pd.Series]) -> None:
    """A rule that reads only conditioned columns must hold for the given values (or no row can exist)."""
    from bayes_synth.dsl.evaluate import rule_holds

    frame = pd.DataFrame({k: v.reset_index(drop=True) for k, v in fixed.items()})
    for rule in rules.targets:
        columns = {rule.target, *rule.inputs}
        if isinstance(rule, TargetRule) and columns <= set(frame.columns):
            broken = int((~rule_holds(rule.rule, frame[list(columns)])).sum())
            if broken:
                raise SamplingError(f"The conditions break '{rule.text}' in {broken} of {len(frame)} rows; "
                                    "no row can have these values. Change the conditions.")


def _axes(schema: Schema) -> dict[str, Axis]:
    return {name: Axis(spec.kind) for name, spec in schema.items() if spec.is_numeric}


def _is_string_dtype(dtype: str | None) -> bool:
    return dtype is not None and dtype.startswith(("str", "string"))


def _strings_from_codes(codec: CategoricalCodec, codes: np.ndarray, dtype: str) -> pd.Series:
    """Text columns straight from codes through Arrow (no Python string objects per row)."""
    import pyarrow as pa

    labels = pa.array([str(c) for c in codec.categories] + ([None] if codec.nullable else []),
                      type=pa.large_string())
    taken = labels.take(pa.array(codes))
    return pd.Series(pd.array(taken, dtype=pd.api.types.pandas_dtype(dtype)))


def _cast(values: pd.Series, spec, has_na: bool) -> pd.Series:
    dtype = spec.dtype or "object"
    try:
        if spec.kind == "integer" or (spec.kind == "categorical" and dtype.startswith(("int", "uint"))):
            if has_na and dtype.startswith(("int", "uint")):
                dtype = "Int64"
            return values.astype(float).round().astype(dtype) if not dtype.startswith(("I", "U")) \
                else pd.array(values.astype(float).round(), dtype="Float64").astype(dtype)
        if spec.kind == "boolean":
            return values.astype("boolean" if has_na or dtype == "boolean" else "bool")
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values
