"""Conditional distributions from the model: P(target | evidence), answered by pgmpy.

Evidence is given as the columns' own values: a category (or its text), ``None`` / ``"<missing>"``
for the missing state, and for numeric columns any value inside the model's range (it selects the bin
that holds it) or a bin's label such as ``"[30, 59]"``. Answers come from pgmpy's exact
``VariableElimination`` on :meth:`Model.to_pgmpy`, so they are post-processing of the model.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bayes_synth.encode import CategoricalCodec, Codec, NumericCodec
from bayes_synth.errors import ParameterError

if TYPE_CHECKING:
    from bayes_synth.model import Model

MISSING_LABEL = "<missing>"
_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def value_code(codec: Codec, value: Any) -> int:
    """The code of ``value`` in a column: its category, the bin containing it, or the missing state.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> codecs = tiny_model().codecs
    >>> value_code(codecs["age"], 42), value_code(codecs["age"], "[60, 99]"), value_code(codecs["income"], None)
    (1, 2, 2)
    """
    labels = codec.labels()
    if _is_missing(value) or (isinstance(value, str) and value == MISSING_LABEL):
        if codec.null_code is None:
            raise ParameterError(f"Column '{codec.name}' cannot be missing in this model (nullable=false).")
        return codec.null_code
    if isinstance(codec, CategoricalCodec):
        return _category_code(codec, value, labels)
    if isinstance(value, str) and value in labels:
        return labels.index(value)
    return _bin_code(codec, value, labels)


def evidence_codes(model: Model, evidence: Mapping[str, Any] | None) -> dict[str, int]:
    """Map ``{column: value}`` to ``{column: code}``, checking every column and value."""
    out = {}
    for column, value in (evidence or {}).items():
        model._index(column)
        out[column] = value_code(model.codecs[column], value)
    return out


def query(model: Model, target: str, evidence: Mapping[str, Any] | None = None) -> pd.Series:
    """P(target | evidence) as a Series indexed by the target's readable labels (bins as ranges).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> query(tiny_model(), "income", {"sex": "M", "age": 45}).round(2).tolist()  # doctest: +SKIP
    [0.5, 0.45, 0.05]
    """
    model._index(target)
    codes = evidence_codes(model, evidence)
    if target in codes:
        raise ParameterError(f"'{target}' is both the target and part of the evidence.")
    with warnings.catch_warnings():  # pgmpy's own deprecation notices on import are not the user's concern
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pgmpy.inference import VariableElimination

        labels = {c: model.codecs[c].labels()[code] for c, code in codes.items()}
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = VariableElimination(model.to_pgmpy()).query([target], evidence=labels or None,
                                                                 show_progress=False)
    values = np.asarray(factor.values, dtype=float)
    if not np.all(np.isfinite(values)) or not values.sum() > 0:
        raise ParameterError(f"The evidence {dict(evidence or {})!r} has probability zero under the model.")
    series = pd.Series(values, index=pd.Index(factor.state_names[target], name=target), name=_name(target, labels))
    return series.reindex(model.codecs[target].labels())


def _name(target: str, labels: Mapping[str, str]) -> str:
    given = ", ".join(f"{c}={v}" for c, v in labels.items())
    return f"P({target} | {given})" if given else f"P({target})"


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _category_code(codec: CategoricalCodec, value: Any, labels: list[str]) -> int:
    for i, cat in enumerate(codec.categories):
        if isinstance(cat, bool) == isinstance(value, bool | np.bool_) and cat == value:
            return i
    if codec.kind == "boolean" and isinstance(value, str) and value.strip().lower() in _BOOLEAN_TEXT:
        return codec.categories.index(_BOOLEAN_TEXT[value.strip().lower()])
    text = str(value)
    if text in labels:
        return labels.index(text)
    shown = ", ".join(labels[:20]) + (", ..." if len(labels) > 20 else "")
    raise ParameterError(f"{value!r} is not a value of column '{codec.name}'; its values are: {shown}.")


def _bin_code(codec: NumericCodec, value: Any, labels: list[str]) -> int:
    from bayes_synth.ingest import column_axis

    try:
        axis = float(column_axis(pd.Series([value], dtype=object), codec.kind)[0])
    except (TypeError, ValueError, OverflowError):
        axis = math.nan
    if not math.isfinite(axis):
        raise ParameterError(f"{value!r} is not a valid {codec.kind} value for column '{codec.name}' (give a value "
                             f"or a bin label: {', '.join(labels)}).")
    lo, hi = float(codec.edges[0]), float(codec.edges[-1])
    if not lo <= axis < hi:
        raise ParameterError(f"{value!r} is outside the range column '{codec.name}' was modelled on "
                             f"({labels[0]} .. {labels[codec.n_bins - 1]}).")
    return int(codec.encode(pd.Series([value], dtype=object))[0])
