"""The privacy ledger against what a fit really does.

- DP-2 ledger audit: spies around the mechanism adapter (``geometric_counts``, ``exponential_select``),
  around diffprivlib's constructors, around ``Ledger.charge`` and around ``CountSource.counts``. Every
  mechanism call is preceded by exactly one ledger entry of the matching kind, epsilon and analytic
  sensitivity; exact data reads happen only inside the ledgered privacy layer; the entries add up to
  the budget exactly (``Fraction``); the no-noise mode is stamped "exact (not DP)".
- DP-1: every query kind a fit emits has a section in docs/privacy.md (headings ``### `<kind>` ``).
- DP-8: ``sample`` (also conditional, also from a loaded model file) runs with the training data gone
  and every data door poisoned, and spends nothing.
- S-7 seed hygiene: a seeded fit warns and is stamped; an unseeded fit draws from ``secrets.SystemRandom``.

Data: the first 2,000 rows of the bundled Adult file with the example schema, plus a variant in which
some bounds and category sets are not declared (so DP bounds estimation and partition selection run).
"""

from __future__ import annotations

import copy
import gc
import json
import math
import re
import secrets
import sys
import warnings
import weakref
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any
from unittest import mock

import diffprivlib.mechanisms as dpl
import numpy as np
import pandas as pd
import pytest
from diffprivlib.utils import check_random_state

import bayes_synth.ingest as ingest
import bayes_synth.synthesizer as synthesizer_module
from bayes_synth.errors import PrivacyWarning
from bayes_synth.ingest import read_table
from bayes_synth.privacy import discovery, mechanisms
from bayes_synth.privacy.access import CountSource, PrivateQueries
from bayes_synth.privacy.ledger import QUERY_KINDS, Ledger
from bayes_synth.synthesizer import Synthesizer, load_model

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA_PATH = ROOT / "examples" / "adult_schema.json"
PRIVACY_DOC = ROOT / "docs" / "privacy.md"
N_ROWS = 2_000
EPS = 0.9            # not a dyadic number: Fraction(0.9) has a large denominator, a harder sum
DELTA = 1e-6

#: Sensitivity of each query kind from the privacy argument (not from the code's constants).
ANALYTIC_SENSITIVITY = {"row_count": 1.0, "bounds": 1.0, "categories": 1.0, "histogram": 1.0,
                        "counts": 1.0, "structure": 4.0}
MECHANISM_OF_KIND = {"structure": "exponential"}  # every other kind: geometric

#: Variant schema: these facts are removed from the example schema.
UNDECLARED_BOUNDS = {"capital-loss": ("min", "max"), "hours-per-week": ("min", "max"), "age": ("max",)}
UNDECLARED_CATEGORIES = ("race", "workclass")


# ------------------------------------------------------------------ spies
@dataclass
class Recorder:
    """What happened during one fit, in order."""

    events: list[tuple[str, Any]] = field(default_factory=list)   # ("charge", Entry) | (mechanism, call)
    dpl_instances: list[Any] = field(default_factory=list)
    dpl_names: set[str] = field(default_factory=set)       # diffprivlib names the adapter looked up
    counts_calls: int = 0
    unledgered_reads: list[str] = field(default_factory=list)
    warnings: list[warnings.WarningMessage] = field(default_factory=list)

    def calls(self, mechanism: str) -> list[dict]:
        return [p for k, p in self.events if k == mechanism]

    @property
    def entries(self):
        return [p for k, p in self.events if k == "charge"]


# exact reads must happen inside one of these (each charges the ledger before releasing anything)
_LEDGERED = {PrivateQueries.noisy_counts.__code__, PrivateQueries.select.__code__,
             discovery.discover_categories.__code__}


@contextmanager
def spied():
    rec = Recorder()
    orig_geo, orig_exp = mechanisms.geometric_counts, mechanisms.exponential_select
    orig_charge, orig_counts, orig_dpl = Ledger.charge, CountSource.counts, mechanisms._dpl

    def geometric_counts(counts, epsilon, sensitivity, random_state=None):
        rec.events.append(("geometric", {"epsilon": epsilon, "sensitivity": sensitivity,
                                         "random_state": random_state, "cells": int(np.size(counts))}))
        return orig_geo(counts, epsilon, sensitivity, random_state)

    def exponential_select(utilities, epsilon, sensitivity, random_state=None):
        rec.events.append(("exponential", {"epsilon": epsilon, "sensitivity": sensitivity,
                                           "random_state": random_state, "cells": int(np.size(utilities))}))
        return orig_exp(utilities, epsilon, sensitivity, random_state)

    def charge(self, *args, **kwargs):
        entry = orig_charge(self, *args, **kwargs)
        rec.events.append(("charge", entry))
        return entry

    def counts(self, columns):
        rec.counts_calls += 1
        frame = sys._getframe(1)
        while frame is not None and frame.f_code not in _LEDGERED:
            frame = frame.f_back
        if frame is None:
            caller = sys._getframe(1).f_code
            rec.unledgered_reads.append(f"{caller.co_filename}:{caller.co_name}")
        return orig_counts(self, columns)

    class DplProxy:
        def __getattr__(self, name):
            rec.dpl_names.add(name)
            return getattr(orig_dpl(), name)

    class SpyGeometric(dpl.Geometric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            rec.dpl_instances.append(self)

    class SpyExponential(dpl.Exponential):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            rec.dpl_instances.append(self)

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(mechanisms, "geometric_counts", geometric_counts))
        stack.enter_context(mock.patch.object(mechanisms, "exponential_select", exponential_select))
        stack.enter_context(mock.patch.object(Ledger, "charge", charge))
        stack.enter_context(mock.patch.object(CountSource, "counts", counts))
        stack.enter_context(mock.patch.object(mechanisms, "_dpl", DplProxy))
        stack.enter_context(mock.patch.object(dpl, "Geometric", SpyGeometric))
        stack.enter_context(mock.patch.object(dpl, "Exponential", SpyExponential))
        yield rec


def fit_spied(data: pd.DataFrame, **params) -> tuple[Synthesizer, Recorder]:
    with spied() as rec, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth = Synthesizer(**params).fit(data)
    rec.warnings = list(caught)
    return synth, rec


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return read_table(ADULT).head(N_ROWS).reset_index(drop=True)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def variant_schema(schema) -> dict:
    out = copy.deepcopy(schema)
    for col, keys in UNDECLARED_BOUNDS.items():
        for k in keys:
            del out[col][k]
    for col in UNDECLARED_CATEGORIES:
        del out[col]["categories"]
    return out


@pytest.fixture(scope="module")
def fit_declared(adult, schema):
    """Everything declared; unseeded (noise from OS entropy)."""
    return fit_spied(adult, epsilon=EPS, schema=schema)


@pytest.fixture(scope="module")
def fit_discovery(adult, variant_schema):
    """Some bounds and categories undeclared, delta > 0; seeded."""
    return fit_spied(adult, epsilon=EPS, delta=DELTA, schema=variant_schema, random_state=11)


@pytest.fixture(scope="module")
def fit_exact(adult, variant_schema):
    return fit_spied(adult, epsilon=math.inf, schema=variant_schema)


@pytest.fixture(scope="module")
def fit_inferred(adult):
    """No schema at all, no-noise mode: every kind, including inferred-kind metadata, is emitted."""
    return fit_spied(adult, epsilon=math.inf)


def _expected_kinds(schema_dict: dict, n_columns: int) -> Counter:
    numeric = [c for c, s in schema_dict.items() if s["kind"] in ("integer", "float", "date", "datetime")]
    return Counter({
        "row_count": 1,
        "histogram": len(numeric),
        "bounds": sum(not ("min" in schema_dict[c] and "max" in schema_dict[c]) for c in numeric),
        "categories": sum(s["kind"] == "categorical" and "categories" not in s for s in schema_dict.values()),
        "structure": n_columns - 1,
        "counts": n_columns,
    })


def _pairs(rec: Recorder) -> list[tuple[Any, str, dict]]:
    """Match every mechanism call with the ledger entry charged just before it."""
    pairs, pending = [], None
    for kind, payload in rec.events:
        if kind == "charge":
            if payload.query_kind == "metadata":
                assert payload.epsilon == 0 and payload.delta == 0, payload
                continue
            assert pending is None, f"ledger entry {pending} was not followed by a mechanism call"
            pending = payload
        else:
            assert pending is not None, f"{kind} mechanism called with no ledger entry: {payload}"
            pairs.append((pending, kind, payload))
            pending = None
    assert pending is None, f"ledger entry {pending} was not followed by a mechanism call"
    return pairs


# ------------------------------------------------------------------ DP-2
@pytest.mark.parametrize("which", ["fit_declared", "fit_discovery"])
def test_dp2_one_ledger_entry_per_mechanism_call(which, request, schema, variant_schema):
    synth, rec = request.getfixturevalue(which)
    schema_dict = schema if which == "fit_declared" else variant_schema
    ledger = synth.ledger_
    assert ledger.private
    assert [e for e in rec.entries] == ledger.entries, "the fitted ledger is not the one that was charged"

    pairs = _pairs(rec)
    by_kind = Counter(entry.query_kind for entry, _, _ in pairs)
    assert by_kind == _expected_kinds(schema_dict, len(synth.model_.columns)), by_kind
    for entry, mech, call in pairs:
        assert mech == MECHANISM_OF_KIND.get(entry.query_kind, "geometric"), (entry, mech)
        assert entry.sensitivity == ANALYTIC_SENSITIVITY[entry.query_kind], entry
        assert call["sensitivity"] == entry.sensitivity, (entry, call)
        assert entry.epsilon > 0
        assert call["epsilon"] == float(entry.epsilon), (entry, call)
        expected_mech = {"structure": "exponential", "categories": "geometric partition selection"}
        assert entry.mechanism == expected_mech.get(entry.query_kind, "geometric"), entry

    # diffprivlib is reached only through the adapter, for its two mechanisms: one object per call
    assert rec.dpl_names == {"Geometric", "Exponential"}, rec.dpl_names
    n_geo, n_exp = len(rec.calls("geometric")), len(rec.calls("exponential"))
    assert sum(isinstance(m, dpl.Geometric) for m in rec.dpl_instances) == n_geo
    assert sum(isinstance(m, dpl.Exponential) for m in rec.dpl_instances) == n_exp
    assert rec.counts_calls > 0
    assert rec.unledgered_reads == [], f"exact counts read outside the ledgered layer: {rec.unledgered_reads}"


@pytest.mark.parametrize("which", ["fit_declared", "fit_discovery"])
def test_dp2_budget_adds_up_exactly(which, request):
    synth, _ = request.getfixturevalue(which)
    ledger = synth.ledger_
    spent = sum((e.epsilon for e in ledger.entries), Fraction(0))
    assert all(isinstance(e.epsilon, Fraction) for e in ledger.entries)
    assert spent == ledger.spent_epsilon
    assert spent == Fraction(EPS), f"spent {spent} != budget {Fraction(EPS)} (every step ran, so all of it)"
    spent_delta = sum((e.delta for e in ledger.entries), Fraction(0))
    if which == "fit_discovery":
        assert spent_delta == Fraction(DELTA)
        assert all(e.delta == Fraction(DELTA) / len(UNDECLARED_CATEGORIES)
                   for e in ledger.entries if e.query_kind == "categories")
    else:
        assert spent_delta == 0


def test_dp2_ledger_survives_the_model_file(fit_discovery, tmp_path):
    synth, _ = fit_discovery
    path = synth.save(tmp_path / "model.json")
    loaded = load_model(path).ledger_
    assert loaded.entries == synth.ledger_.entries
    assert loaded.spent_epsilon == Fraction(EPS)


def test_dp2_exact_mode_is_stamped_not_dp(fit_exact, tmp_path):
    synth, rec = fit_exact
    ledger, model = synth.ledger_, synth.model_
    assert ledger.private is False and model.private is False
    assert "NOT DP" in repr(model) and "NOT DP" in repr(ledger)
    assert model.settings["epsilon"] == "inf"
    entries = [e for e in ledger.entries if e.query_kind != "metadata"]
    assert Counter(e.query_kind for e in entries)["bounds"] == len(UNDECLARED_BOUNDS)
    for e in entries:
        assert e.mechanism == "exact (not DP)", e
        assert e.epsilon == 0 and e.delta == 0, e
    saved = json.loads(synth.save(tmp_path / "exact.json").read_text(encoding="utf-8"))
    assert saved["privacy"]["private"] is False
    assert saved["privacy"]["epsilon"] == "inf"
    assert load_model(tmp_path / "exact.json").model_.private is False


# ------------------------------------------------------------------ DP-1
def _headings(markdown: str) -> list[str]:
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m and not fenced:
            out.append(m.group(1))
    return out


def _has_section(headings: list[str], kind: str) -> bool:
    return any(h == kind or f"`{kind}`" in h for h in headings)


def _doc_headings() -> list[str]:
    if not PRIVACY_DOC.is_file():
        pytest.fail(f"{PRIVACY_DOC} is missing: it needs one section per ledger query kind, "
                    "headed '### `<kind>`'")
    return _headings(PRIVACY_DOC.read_text(encoding="utf-8"))


def test_dp1_every_emitted_query_kind_is_documented(fit_declared, fit_discovery, fit_exact, fit_inferred):
    emitted = {e.query_kind for synth, _ in (fit_declared, fit_discovery, fit_exact, fit_inferred)
               for e in synth.ledger_.entries}
    assert emitted <= set(QUERY_KINDS)
    assert {"row_count", "bounds", "categories", "histogram", "structure", "counts"} <= emitted
    headings = _doc_headings()
    missing = sorted(k for k in emitted if not _has_section(headings, k))
    assert not missing, f"docs/privacy.md has no '### `<kind>`' section for {missing}"


def test_dp1_every_declared_query_kind_is_documented():
    headings = _doc_headings()
    missing = [k for k in QUERY_KINDS if not _has_section(headings, k)]
    assert not missing, f"docs/privacy.md has no '### `<kind>`' section for {missing}"


def test_dp1_heading_parser():
    doc = "# T\n## Steps\n### `row_count`\n```\n### `bounds`\n```\n## counts\n"
    h = _headings(doc)
    assert _has_section(h, "row_count") and _has_section(h, "counts")
    assert not _has_section(h, "bounds") and not _has_section(h, "structure")


# ------------------------------------------------------------------ DP-8
def _poison(*_args, **_kwargs):
    raise AssertionError("sampling touched the data or the privacy layer")


@contextmanager
def poisoned():
    """Every door to real data and to the noise mechanisms raises."""
    targets = [
        (CountSource, "counts"), (CountSource, "__init__"),
        (mechanisms, "geometric_counts"), (mechanisms, "exponential_select"), (mechanisms, "_dpl"),
        (Ledger, "charge"), (ingest, "read_table"), (ingest, "prepare"),
        (synthesizer_module, "read_table"), (synthesizer_module, "prepare"),
        (pd, "read_csv"), (pd, "read_parquet"),
    ]
    with ExitStack() as stack:
        for obj, name in targets:
            stack.enter_context(mock.patch.object(obj, name, _poison))
        yield


def _check_sample(synth: Synthesizer, columns: list[str]) -> pd.DataFrame:
    before = list(synth.ledger_.entries)
    with poisoned():
        out = synth.sample(500, random_state=3)
        cond = synth.sample(50, random_state=4, conditions={"sex": "Female"})
    assert list(out.columns) == columns and len(out) == 500
    assert (cond["sex"] == "Female").all() and len(cond) == 50
    assert synth.ledger_.entries == before, "sampling charged the ledger"
    return out


def test_dp8_sampling_never_touches_real_data(schema, tmp_path):
    held: list[weakref.ref] = []
    orig_prepare, orig_init = synthesizer_module.prepare, CountSource.__init__

    def keep_prepare(*args, **kwargs):
        frame, sch, report = orig_prepare(*args, **kwargs)
        held.append(weakref.ref(frame))
        return frame, sch, report

    def keep_init(self, codes, *args, **kwargs):
        orig_init(self, codes, *args, **kwargs)
        held.append(weakref.ref(self))  # the data-access object, and with it whatever copy it holds
        if isinstance(codes, np.ndarray):
            held.append(weakref.ref(codes))

    data = read_table(ADULT).head(N_ROWS)
    held.append(weakref.ref(data))
    with mock.patch.object(synthesizer_module, "prepare", keep_prepare), \
            mock.patch.object(CountSource, "__init__", keep_init), warnings.catch_warnings():
        warnings.simplefilter("ignore", PrivacyWarning)
        synth = Synthesizer(epsilon=EPS, schema=schema, random_state=5).fit(data)
    columns = list(data.columns)
    del data
    gc.collect()
    assert len(held) >= 3
    alive = [r() for r in held if r() is not None]
    assert not alive, f"the fitted synthesizer keeps training data alive: {[type(a) for a in alive]}"

    out = _check_sample(synth, columns)
    path = synth.save(tmp_path / "model.json")
    del synth
    gc.collect()
    loaded = load_model(path)
    out_loaded = _check_sample(loaded, columns)
    pd.testing.assert_frame_equal(out, out_loaded)


# ------------------------------------------------------------------ S-7 seed hygiene
def test_s7_seeded_fit_warns_and_is_stamped(fit_discovery, tmp_path):
    synth, rec = fit_discovery
    seeded = [w for w in rec.warnings if issubclass(w.category, PrivacyWarning) and "random_state" in str(w.message)]
    assert seeded, "a seeded fit must emit a PrivacyWarning"
    assert synth.model_.settings["seeded"] is True
    calls = rec.calls("geometric") + rec.calls("exponential")
    assert calls and all(isinstance(c["random_state"], np.random.RandomState) for c in calls)
    assert all(isinstance(m._rng, np.random.RandomState) for m in rec.dpl_instances)
    assert load_model(synth.save(tmp_path / "seeded.json")).model_.settings["seeded"] is True


def test_s7_unseeded_fit_uses_os_entropy(fit_declared):
    synth, rec = fit_declared
    assert synth.model_.settings["seeded"] is False
    assert not [w for w in rec.warnings
                if issubclass(w.category, PrivacyWarning) and "random_state" in str(w.message)]
    calls = rec.calls("geometric") + rec.calls("exponential")
    assert calls and all(c["random_state"] is None for c in calls)
    assert isinstance(check_random_state(None, True), secrets.SystemRandom)
    assert rec.dpl_instances
    assert all(isinstance(m._rng, secrets.SystemRandom) for m in rec.dpl_instances)


# ------------------------------------------------------------------ outlier and rare-value notes
def test_ledger_notes_say_outliers_are_clipped_and_rare_values_merged(fit_discovery, fit_declared, schema):
    """docs/privacy.md, `bounds` and `categories`: the ledger says what happens to outliers and rare values.

    Estimated bounds: the `bounds` entry's note; declared bounds: the `histogram` entry's note (a public
    fact, no budget). The notes are fixed text, the same whatever the data holds (no count of clipped
    values enters the model).
    """
    synth, _ = fit_discovery
    entries = synth.ledger_.entries
    bounds = [e for e in entries if e.query_kind == "bounds"]
    assert {e.columns[0] for e in bounds} == set(UNDECLARED_BOUNDS)
    for e in bounds:
        assert "outliers" in e.note and "clipped" in e.note, e
    categories = [e for e in entries if e.query_kind == "categories"]
    assert {e.columns[0] for e in categories} == set(UNDECLARED_CATEGORIES)
    for e in categories:
        assert "rarer values are merged" in e.note, e

    declared_synth, _ = fit_declared
    histograms = {e.columns[0]: e.note for e in declared_synth.ledger_.entries if e.query_kind == "histogram"}
    bounded = [c for c, s in schema.items() if "min" in s and "max" in s and c in histograms]
    assert bounded
    for column in bounded:
        assert "outliers beyond the declared min and max are clipped to them" in histograms[column], column
        assert not any(ch.isdigit() for ch in histograms[column]), "no data-derived count in the note"
    # partly declared: the note names the declared bound only (age's max is estimated in the variant)
    notes = {e.columns[0]: e.note for e in entries if e.query_kind == "histogram"}
    assert "declared min are clipped to it" in notes["age"]
    assert "declared" not in notes["capital-loss"]  # nothing declared: the bounds entry says it
