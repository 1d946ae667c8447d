"""The training table between ingest and learning, for :meth:`~bayes_synth.synthesizer.Synthesizer.fit`.

Checks that something can be learned from it (a column left only missing values is refused; rows with
a missing or out-of-domain value in a column declared not null are left out), the schema facts taken
from it as public (ledgered), and what those facts decide: the budget split and the decimal grids.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd

from bayes_synth.constraints import Plan
from bayes_synth.errors import BayesSynthWarning, IngestError
from bayes_synth.ingest import IngestReport
from bayes_synth.privacy.ledger import Ledger
from bayes_synth.privacy.plan import plan_budget
from bayes_synth.schema import Schema
from bayes_synth.semantic.plan import Semantics


def _require_values(frame: pd.DataFrame, report: IngestReport, plan: Plan) -> None:
    """A column whose every value falls outside its declared categories would be learned as always missing:
    refused (a misspelt category, in a ``column`` statement or in a rule such as ``rule sex == "Mle"``)."""
    from bayes_synth.dsl.printer import to_source

    for name, count in report.out_of_domain.items():
        if count and name in frame.columns and not frame[name].notna().any():
            rules = [f"'{to_source(r)}'" for r in plan.folds.get(name, ())]
            by = f" (set by {', '.join(rules)})" if rules else ""
            raise IngestError(f"Column '{name}': all {count} of its values are outside its declared categories{by}, "
                              "so the model could learn nothing but missing values for it. Check the spelling of "
                              "the categories, or declare the column's categories as they are written in the data.")


def _drop_impossible(codes: np.ndarray, schema: Schema, report: IngestReport) -> np.ndarray:
    bad = (codes < 0).any(axis=1)
    if bad.all():
        counts = {name: int((codes[:, j] < 0).sum()) for j, name in enumerate(schema)}
        shown = ", ".join(f"'{name}' ({k} rows)" for name, k in counts.items() if k)
        raise IngestError(f"No row of the table can be learned from: each of its {len(codes)} rows has a missing "
                          f"value, or one outside the declared domain, in a column declared not null: {shown}. "
                          "Check the declared categories and bounds, the rules' values, and the missing markers.")
    if bad.any():
        for j, name in enumerate(schema):
            report.add("left_out", name, int((codes[:, j] < 0).sum()))
        columns = ", ".join(f"'{name}'" for name in report.left_out)
        warnings.warn(f"{int(bad.sum())} row(s) have a missing value in a column declared not null ({columns}); "
                      "they are left out of training.", BayesSynthWarning, stacklevel=3)
    return codes[~bad]


def _charge_metadata(ledger: Ledger, schema: Schema, report: IngestReport) -> None:
    """Ledger the schema facts taken from the input rather than declared (assumed public)."""
    inferred = tuple(name for name, spec in schema.items() if "kind" not in spec.declared)
    if inferred:
        ledger.charge("metadata", inferred, "none (assumed public)", 0, Fraction(0),
                      note="column kinds inferred from the values: treated as public, not protected")
    if report.dtype_from_frame:
        ledger.charge("metadata", tuple(report.dtype_from_frame), "none (assumed public)", 0, Fraction(0),
                      note="output dtypes (and non-nullability of int/bool columns) taken from the input "
                           "frame's dtypes: treated as public schema, not protected")


def _budget_plan(schema: Schema, eps: float, delta: float, n_combines: int = 0):
    """The budget split for this schema: which facts must still be learned decides the steps."""
    numeric = [s for s in schema.values() if s.is_numeric]
    return plan_budget(
        eps, delta, n_columns=len(schema),
        n_bounds=sum(not s.has_bounds for s in numeric),
        n_categories=sum(s.kind == "categorical" and s.categories is None for s in schema.values()),
        n_numeric=len(numeric), n_combines=n_combines)


def _decimal_grids(semantics: Semantics) -> dict[str, int]:
    """Column -> the decimals its values are written with (``decimals n``, or a number display format).

    The output rounds such a column to its decimals; drawing it on that grid makes the rounding change
    nothing, so the rules hold on the values written (docs/dsl.md).
    """
    from bayes_synth.semantic.formats import format_from_dict

    out = {}
    for name, t in semantics.columns.items():
        shown = t.options.get("format") if not t.generated else None
        if isinstance(shown, dict) and shown.get("family") == "number":
            decimals = getattr(format_from_dict(shown["spec"]), "decimals", None)
            if decimals is not None:
                out[name] = int(decimals)
    return out
