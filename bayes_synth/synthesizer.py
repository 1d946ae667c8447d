"""The public estimator: ``Synthesizer(...).fit(table).sample(n)``, in the scikit-learn manner.

``__init__`` only stores parameters; ``fit`` validates them, reads and converts the table, spends the
privacy budget through the privacy layer and returns ``self``; learned state ends in ``_``.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth import __version__
from bayes_synth.combinations import Combination, compile_combinations, learn_combinations
from bayes_synth.constraints import (
    Plan,
    add_derived,
    check_learned_categories,
    derived_formats,
    from_source,
    null_allowed,
    plan_rules,
    read_rules,
    report_broken_rules,
)
from bayes_synth.draws import alias_tables
from bayes_synth.dsl.diagnostics import semantic_error
from bayes_synth.encode import encode_frame
from bayes_synth.errors import (
    DSLError,
    DSLSemanticError,
    IngestError,
    ModelFormatError,
    NotFittedError,
    ParameterError,
    PrivacyWarning,
)
from bayes_synth.ingest import prepare, read_table
from bayes_synth.model import Model
from bayes_synth.modelfile import load_model_file, save_model
from bayes_synth.modelview import ModelView
from bayes_synth.parameters import learn_tables
from bayes_synth.privacy.access import CountSource, PrivateQueries
from bayes_synth.privacy.discovery import build_codec, noisy_row_count
from bayes_synth.privacy.ledger import Ledger, check_delta, check_epsilon
from bayes_synth.rows import _axes, _check_conditions, _condition_values, _sample_chunk
from bayes_synth.satisfiable import require_satisfiable
from bayes_synth.schema import Schema
from bayes_synth.semantic.fill import fill
from bayes_synth.semantic.plan import Semantics, plan_semantics
from bayes_synth.structure import auto_max_parents, learn_structure
from bayes_synth.training import _budget_plan, _charge_metadata, _decimal_grids, _drop_impossible, _require_values

DEFAULT_BINS = 16
SAMPLE_CHUNK = 250000
_WORKERS = min(4, os.cpu_count() or 1)


class Synthesizer(ModelView):
    """Learn a differentially private Bayesian network from a table and sample synthetic rows.

    Parameters
    ----------
    epsilon : float, optional
        Total privacy budget, in (0, inf]. ``float('inf')`` is the explicit no-noise mode; the model
        is then stamped "not DP". None: the constraints file's ``privacy epsilon``, else 1.0.
    delta : float, optional
        Only needed to discover undeclared category sets (DP partition selection). None: the
        constraints file's, else 0.
    schema : dict or Schema, optional
        Declared public facts per column (see :mod:`bayes_synth.schema`); declared facts cost no budget.
    constraints : str, Path or RuleSet, optional
        A constraints file (``.bsc``), its text, or parsed rules: declarations, derived columns and
        rules that every sampled row obeys (docs/dsl.md).
    max_parents : int, optional
        Most parents per column; chosen from the (noisy) row count, budget and domain sizes if None.
    n_bins : int, optional
        Bins per numeric column in the network (default 16, or the column's declared ``bins``).
    random_state : int, optional
        Makes the privacy noise and structure reproducible, for tests only: the model is stamped
        "seeded, not for release". Default: noise from OS entropy.
    progress : bool
        Show progress bars.

    Once fitted (or loaded with :func:`load_model`) it answers the auditor's questions directly
    (:class:`~bayes_synth.modelview.ModelView`): ``parents``, ``children``, ``table``, ``explain``,
    ``query``, ``ledger``, ``model_card``, ``graph``; the model itself is ``model_``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": ["x", "y"] * 50, "b": list(range(100))})
    >>> synth = Synthesizer(epsilon=float("inf")).fit(df)   # doctest: +SKIP
    >>> synth.sample(5).shape                                # doctest: +SKIP
    (5, 2)
    """

    def __init__(self, epsilon: float | None = None, *, delta: float | None = None,
                 schema: Mapping | Schema | None = None, constraints: Any = None,
                 max_parents: int | None = None, n_bins: int | None = None,
                 random_state: int | None = None, progress: bool = False):
        self.epsilon = epsilon
        self.delta = delta
        self.schema = schema
        self.constraints = constraints
        self.max_parents = max_parents
        self.n_bins = n_bins
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------ fit
    def fit(self, data: pd.DataFrame | str | Path) -> Synthesizer:
        """Learn the network from a DataFrame or a CSV/Parquet path; returns ``self``."""
        self._check_params()
        raw = read_table(data)
        rules, origin = read_rules(self.constraints)
        plan = plan_rules(rules, self.schema, raw, origin=origin, learn_categories=self._learns_categories(rules))
        eps, delta = self._budget(plan.privacy)
        train = raw.drop(columns=[c for c in plan.derives if c in raw.columns])
        semantics = plan_semantics(train, plan.rules, plan.derives, plan.declared)
        train = semantics.model_frame(train, {c: f.get("missing", ()) for c, f in plan.declared.items()})
        frame, schema, report = prepare(train, semantics.declared_facts(plan.declared))
        self.ingest_report_ = report
        # counted on the table as read (before clipping), as 'bayes-synth check' counts
        self.rule_report_ = report_broken_rules(plan, raw, {c: t for c, t in semantics.columns.items()
                                                            if not t.generated and "format" in t.options})
        if len(frame) == 0:
            raise IngestError("The table has no rows; there is nothing to learn from.")
        _require_values(frame, report, plan)
        struct_rng, noise_state = self._random_streams()
        ledger = Ledger(eps, delta)
        _charge_metadata(ledger, schema, report)
        if semantics.detected:
            ledger.charge("metadata", tuple(semantics.detected), "none (assumed public)", 0, Fraction(0),
                          note="semantic types and display formats detected from the values: treated as public, "
                               "not protected (declare them with 'as TYPE' to avoid the assumption)")
        budget = _budget_plan(schema, eps, delta, len(plan.combines))
        n_hat = noisy_row_count(len(frame), budget, ledger, noise_state)
        bins = self.n_bins or DEFAULT_BINS
        grids = _decimal_grids(semantics)  # floats written with fixed decimals are drawn on that grid
        codecs = {name: build_codec(spec, frame[name], budget, ledger, noise_state, bins, n_hat, grids.get(name))
                  for name, spec in schema.items()}
        check_learned_categories(plan, schema, codecs)  # a rule's value among no learned category: a typo?
        codes = encode_frame(frame, codecs)
        combinations = learn_combinations(plan.combines, frame[(codes >= 0).all(axis=1)], codecs,
                                          budget.combinations, ledger, noise_state)
        plan = _with_combinations(plan, combinations, codecs)
        allowed = null_allowed(plan)  # the other columns may not be left missing just to satisfy the rules
        require_satisfiable(plan.targets, codecs, _axes(schema), plan.rules.sources if plan.rules else None,
                            filled=[c for c in codecs if c not in allowed], folds=plan.folds)
        codes = _drop_impossible(codes, schema, report)
        source = CountSource(codes, [c.size for c in codecs.values()], list(codecs))
        queries = PrivateQueries(source, ledger, noise_state)
        k = self.max_parents if self.max_parents is not None else \
            auto_max_parents(n_hat, float(budget.counts) if ledger.private else math.inf, source.sizes)
        with _progress(self.progress, 2 * len(codecs) - 1, "fit") as bar:
            network = learn_structure(queries, budget.structure, budget.counts, k, struct_rng, bar,
                                      plan.before(list(codecs)))
            tables = learn_tables(queries, network, budget.counts * len(codecs), n_hat, bar, plan.weights(list(codecs)))
        settings = self._settings(eps, delta, k, bins, n_hat, budget)
        settings["output_columns"] = list(raw.columns) + [c for c in plan.derives if c not in raw.columns]
        risk = {k: plan.privacy[k] for k in ("min_distance", "rare_k") if k in plan.privacy}
        if risk:  # thresholds for an optional disclosure filter at sample time (public settings)
            settings["risk_thresholds"] = risk
        self.model_ = Model(schema, codecs, network.order, network.parents, tables, ledger, settings, plan.source,
                            combinations, semantics.to_dict() if semantics.columns else None, plan.origin)
        self.semantics_ = semantics
        self._rules, self._static = plan, {}
        self.ledger_ = ledger
        return self

    def _budget(self, from_rules: Mapping[str, Any]) -> tuple[float, float]:
        """epsilon and delta: the parameters, else the constraints file's privacy settings, else 1 and 0."""
        values = []
        for name, default in (("epsilon", 1.0), ("delta", 0.0)):
            mine, theirs = getattr(self, name), from_rules.get(name)
            theirs = float("inf") if theirs == "inf" else theirs
            if mine is not None and theirs is not None and float(mine) != float(theirs):
                raise ParameterError(f"'{name}' is {mine!r} here but {theirs!r} in the constraints file; "
                                     "set it in one place.")
            values.append(mine if mine is not None else theirs if theirs is not None else default)
        return check_epsilon(values[0]), check_delta(values[1])

    def _check_params(self) -> None:
        for name in ("max_parents", "n_bins"):
            v = getattr(self, name)
            low = 0 if name == "max_parents" else 1
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < low):
                raise ParameterError(f"The '{name}' parameter must be a non-negative integer or None; got {v!r}.")
        rs = self.random_state
        if rs is not None and (isinstance(rs, bool) or not isinstance(rs, int) or rs < 0):
            raise ParameterError(f"The 'random_state' parameter must be a non-negative integer or None; got {rs!r}.")

    def _random_streams(self):
        if self.random_state is None:
            return np.random.default_rng(), None
        warnings.warn("A fixed random_state makes the privacy noise reproducible: use it for tests only; "
                      "the model is stamped 'seeded, not for release'.", PrivacyWarning, stacklevel=3)
        struct_ss, noise_ss = np.random.SeedSequence(self.random_state).spawn(2)
        noise = np.random.RandomState(np.random.MT19937(noise_ss))
        return np.random.default_rng(struct_ss), noise

    def _learns_categories(self, rules) -> bool:
        """Whether this fit can learn undeclared category sets (delta > 0, or epsilon = inf)."""
        try:
            eps, delta = self._budget(dict(rules.privacy) if rules is not None else {})
        except (ParameterError, TypeError, ValueError):  # reported with the rules' own checks
            return False
        return math.isinf(eps) or delta > 0

    def _settings(self, eps, delta, k, bins, n_hat, plan) -> dict[str, Any]:
        return {
            "epsilon": eps if math.isfinite(eps) else "inf", "delta": delta,
            "max_parents": k, "n_bins": bins, "noisy_row_count": n_hat,
            "seeded": self.random_state is not None, "budget_plan": plan.to_dict(),
            "neighbouring": "add/remove one record",
            "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
            "versions": _versions(),
        }

    # ------------------------------------------------------------------ sample
    def sample(self, n: int, *, random_state: int | None = None,
               conditions: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Draw ``n`` synthetic rows (post-processing: costs no budget, never reads real data).

        ``conditions`` fixes columns: ``{"sex": "Female"}`` or a list of n values per column; the
        other columns are drawn from the model's conditional distribution given them.
        """
        model = self._fitted()
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ParameterError(f"The 'n' parameter must be a non-negative integer; got {n!r}.")
        if model.semantics:  # a unique ID format too small for n rows: refused before the long work
            Semantics.from_dict(model.semantics).check_rows(int(n))
        rules = self._compiled_rules(model)
        fixed_values = _condition_values(model, conditions or {}, int(n))
        if fixed_values and rules.targets:
            _check_conditions(rules, fixed_values)
        aliases = [alias_tables(t) for t in model.tables]
        starts = list(range(0, int(n), SAMPLE_CHUNK)) or [0]
        # one random stream per chunk: the rows do not depend on how chunks are scheduled
        streams = np.random.SeedSequence(random_state).spawn(len(starts) + 1)  # the last: generated values

        def chunk(i: int) -> pd.DataFrame:
            start, size = starts[i], min(SAMPLE_CHUNK, int(n) - starts[i])
            part = _sample_chunk(model, size, np.random.default_rng(streams[i]),
                                 {k: v[start:start + size] for k, v in fixed_values.items()}, aliases, rules,
                                 self._static)
            if bar:
                bar(size)
            return part

        sources = _sources(rules, model)
        try:
            with _progress(self.progress, int(n), "sample") as bar, ThreadPoolExecutor(_WORKERS) as pool:
                parts = list(pool.map(chunk, range(len(starts))))  # numpy releases the GIL in its loops
        except DSLSemanticError as exc:  # show the rules' lines (the model keeps their text)
            raise semantic_error(exc.diagnostics, sources) from None
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        semantics = Semantics.from_dict(model.semantics) if model.semantics else None
        if semantics is not None:  # fresh personal values and ids for the whole table at once (unique across chunks)
            out = fill(out, semantics, np.random.default_rng(streams[-1]))
        if not rules.derives:
            return out
        # formulas read the typed values as written (a formatted input is read back through its format)
        shown = {c: semantics.columns[c] for c in semantics.formatted} if semantics is not None else {}
        shown |= derived_formats(rules.rules, rules.derives)
        return add_derived(out, rules.derives, model.settings.get("output_columns"), formats=shown, sources=sources)

    def _compiled_rules(self, model: Model) -> Plan:
        """The model's derived formulas and enforced rules, compiled once from its rules source.

        The rules of ``combine`` statements come from the tuples stored in the model (learned at fit).
        """
        if getattr(self, "_rules", None) is None:
            learned = [n for n, s in model.schema.items() if s.kind == "categorical" and s.categories is None]
            plan = from_source(model.rules_source, {n: s.kind for n, s in model.schema.items()}, learned)
            self._rules, self._static = _stored_combinations(plan, model), {}
        return self._rules

    def save(self, path: str | Path, *, force: bool = False, inputs=()) -> Path:
        """Write the fitted model as a JSON file (temp file + rename).

        An existing file is replaced only with ``force=True``; ``inputs`` lists paths never to
        write onto (the training data, say).
        """
        return save_model(self._fitted(), path, force=force, inputs=inputs)

    def _fitted(self) -> Model:
        model = getattr(self, "model_", None)
        if model is None:
            raise NotFittedError("This Synthesizer is not fitted yet; call fit(data) or load_model(path).")
        return model

    def __repr__(self) -> str:
        return (f"Synthesizer(epsilon={self.epsilon!r}, delta={self.delta!r}, "
                f"max_parents={self.max_parents!r}, n_bins={self.n_bins!r}, random_state={self.random_state!r})")


def load_model(path: str | Path) -> Synthesizer:
    """Load a model file into a fitted :class:`Synthesizer` (nothing in the file is executed).

    >>> model = load_model("model.json")  # doctest: +SKIP
    >>> model.sample(10)                  # doctest: +SKIP
    >>> model.parents("income"), model.ledger.to_frame()  # doctest: +SKIP
    """
    model = load_model_file(path)
    s = model.settings
    k, bins = s.get("max_parents"), s.get("n_bins")
    synth = Synthesizer(epsilon=model.ledger.epsilon, delta=model.ledger.delta, schema=model.schema,
                        max_parents=k if isinstance(k, int) and not isinstance(k, bool) else None,
                        n_bins=bins if isinstance(bins, int) and not isinstance(bins, bool) else None)
    synth.model_ = model
    synth.ledger_ = model.ledger
    try:
        synth._compiled_rules(model)
    except DSLError as exc:
        raise ModelFormatError(f"{path}: $.rules.source does not check against the model:\n{exc}") from None
    except ModelFormatError as exc:
        raise ModelFormatError(f"{path}: {exc}") from None
    return synth


def _sources(plan: Plan, model: Model) -> dict[str, str]:
    """File name -> text of the rules, for errors raised while sampling (the model keeps the text)."""
    out = dict(plan.rules.sources) if plan.rules is not None else {}
    if model.rules_source:
        out.setdefault("<model rules>", model.rules_source)
    return out


def _with_combinations(plan: Plan, combinations: list[Combination], codecs) -> Plan:
    """``plan`` with the rules of its ``combine`` statements (from the kept tuples) added to its targets."""
    if not combinations:
        return plan
    return replace(plan, targets=[*plan.targets, *compile_combinations(combinations, codecs, plan.combines)])


def _stored_combinations(plan: Plan, model: Model) -> Plan:
    """Add the stored tuples' rules to a plan re-read from the model's rules; check they belong together."""
    written = [(g.text, g.columns) for g in plan.combines]
    stored = [(c.statement, c.columns) for c in model.combinations]
    if written != stored:
        raise ModelFormatError(f"$.combinations holds tuples for {[s for s, _ in stored]} (columns "
                               f"{[list(c) for _, c in stored]}) but the combine statements of $.rules.source "
                               f"are {[s for s, _ in written]} (columns {[list(c) for _, c in written]})")
    try:
        plan = _with_combinations(plan, model.combinations, model.codecs)
    except ValueError as exc:
        raise ModelFormatError(f"$.combinations: {exc}") from None
    position = {model.columns[i]: k for k, i in enumerate(model.order)}
    for rule in plan.targets:
        late = [c for c in rule.inputs if c in position and position[c] > position.get(rule.target, -1)]
        if late:
            raise ModelFormatError(f"$.structure.order draws '{rule.target}' before {late}, but '{rule.text}' "
                                   "restricts it given them")
    return plan


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"bayes_synth": __version__}
    for pkg in ("numpy", "pandas", "scipy", "pgmpy", "diffprivlib"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


class _progress:
    """A tqdm bar when asked for, else nothing; yields a callable advancing it (or None)."""

    def __init__(self, enabled: bool, total: int, desc: str):
        self.enabled, self.total, self.desc, self.bar = enabled, total, desc, None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm.auto import tqdm

        self.bar = tqdm(total=self.total, desc=self.desc, unit="step" if self.desc == "fit" else "row",
                        leave=False)
        return self.bar.update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
