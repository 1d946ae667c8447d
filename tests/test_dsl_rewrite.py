"""Properties of the rule rewrites in bayes_synth.dsl.rewrite: each keeps (or, for rounding, implies) the
rule as written, checked by evaluating both forms with the package's evaluator on drawn values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bayes_synth.dsl import parse_constraints
from bayes_synth.dsl.ast import Rule
from bayes_synth.dsl.evaluate import rule_holds
from bayes_synth.dsl.rewrite import contrapositive, push_not, tighten, unguard

OPS = ["<", "<=", ">", ">=", "=="]
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


def _rule(text: str):
    return parse_constraints(text).rules[0]


@PROPERTY
@given(op=st.sampled_from(OPS), digits=st.integers(0, 3), c=st.integers(-5000, 5000),
       c_scale=st.sampled_from([1, 10, 100, 1000]), seed=st.integers(0, 2**32 - 1))
def test_a_tightened_rounding_implies_the_rule(op, digits, c, c_scale, seed):
    """Wherever the tightened rule holds, round(x, d) op c holds (values drawn densely around c)."""
    const = c / c_scale
    rule = _rule(f"rule round(x * 3, {digits}) {op} {const!r}")
    tight = tighten(rule)
    assert tight != rule  # it was rewritten (the sampler can now restrict x)
    rng = np.random.default_rng(seed)
    step = 10.0 ** -digits
    x = np.concatenate([const / 3 + rng.uniform(-2 * step, 2 * step, 4000) / 3,
                        (np.round(const, digits) + step * (np.arange(-4, 5) / 2)) / 3])  # the ties
    frame = pd.DataFrame({"x": x})
    implied = rule_holds(tight, frame)
    assert rule_holds(rule, frame)[implied].all()
    if op != "==" or round(const, digits) == const:  # not vacuous: most of the allowed values are kept
        assert implied.sum() >= 0.9 * rule_holds(rule, frame).sum() - 20


@PROPERTY
@given(a=st.sampled_from([None, 0, 1, 2]), b=st.sampled_from([None, "u", "v"]),
       op=st.sampled_from([*OPS, "!="]), form=st.integers(0, 4))
def test_not_and_the_contrapositive_keep_the_meaning_with_missing_values(a, b, op, form):
    """Three-valued logic: the rewritten rule is broken on exactly the same rows as the rule as written."""
    text = ['rule not (n {op} 1 or s == "u")', 'rule if n {op} 1 then s == "u"',
            'rule if s != "v" then not (n {op} 1)', 'rule not (0 <= n {op} 1)',
            'rule if s != "v" and n is not null then n {op} 1'][form].format(op=op)
    rule = _rule(text)
    frame = pd.DataFrame({"n": pd.array([a], dtype="Float64"), "s": pd.Series([b], dtype=object)})
    expected = rule_holds(rule, frame)
    assert (rule_holds(Rule(push_not(rule.expr)), frame) == expected).all()
    assert (rule_holds(Rule(unguard(rule.expr)), frame) == expected).all()
    turned = contrapositive(rule)
    if turned is not None:
        assert (rule_holds(turned, frame) == expected).all()


@PROPERTY
@given(form=st.sampled_from(["abs(x - 3) {op} y", "max(x, y, 2) {op} 4", "y {op} abs(x)", "min(x, y) {op} 1"]),
       op=st.sampled_from(["<", "<=", ">", ">="]), seed=st.integers(0, 2**32 - 1))
def test_abs_max_and_min_bounds_spread_over_their_arguments_imply_the_rule(form, op, seed):
    """Where the spread rule is not false, the rule as written is not false (missing values included)."""
    rule = _rule("rule " + form.format(op=op))
    spread = tighten(rule)
    rng = np.random.default_rng(seed)
    x, y = rng.integers(-8, 9, 400).astype(float), rng.integers(-8, 9, 400).astype(float)
    x[rng.random(400) < 0.1], y[rng.random(400) < 0.1] = np.nan, np.nan
    frame = pd.DataFrame({"x": pd.array(x, dtype="Float64"), "y": pd.array(y, dtype="Float64")})
    allowed = rule_holds(spread, frame)
    assert rule_holds(rule, frame)[allowed].all()
    if spread != rule and form.startswith("abs"):  # abs() <= R is spread exactly: the same rows
        assert (allowed == rule_holds(rule, frame)).all()
