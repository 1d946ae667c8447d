"""The enforcing sampler: grouped masked draws, dead-end redraws and the satisfiability check."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bayes_synth import Synthesizer
from bayes_synth.dsl import parse_constraints
from bayes_synth.dsl.enforce import Axis, compile_rule
from bayes_synth.encode import CategoricalCodec, NumericCodec, fine_edges
from bayes_synth.enforcement import sample_with_rules
from bayes_synth.errors import DSLSemanticError, SamplingError
from bayes_synth.restrictions import bin_mask, draw_masked, group_rows
from bayes_synth.satisfiable import by_target, explorer, find_conflict
from bayes_synth.schema import ColumnSpec


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.int64, st.integers(0, 60), elements=st.one_of(st.integers(0, 50), st.integers(0, 2**62))))
def test_group_rows_agrees_with_unique(key):
    first, group = group_rows(key)
    _, first_u, group_u = np.unique(key, return_index=True, return_inverse=True)
    assert first.tolist() == first_u.tolist()
    assert group.tolist() == group_u.reshape(-1).tolist()


def test_masked_draws_follow_the_renormalised_table():
    """Each row draws from table[row] * mask / sum: counts within 5 binomial standard deviations."""
    table = np.array([[0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 0.5, 0.5]])
    n = 200_000
    rows = np.repeat([0, 0, 1], [n, n, n])
    mask = np.concatenate([np.tile([True, False, True, True], (n, 1)),   # renormalised over 0, 2, 3
                           np.tile([True, True, True, True], (n, 1)),
                           np.tile([True, True, False, False], (n, 1))])  # the model gives these no mass
    codes = draw_masked(table, rows, mask, np.random.default_rng(0))
    assert mask[np.arange(3 * n), codes].all()
    for part, expected in ((codes[:n], [0.125, 0, 0.375, 0.5]), (codes[n:2 * n], [0.1, 0.2, 0.3, 0.4]),
                           (codes[2 * n:], [0.5, 0.5, 0, 0])):
        freq = np.bincount(part, minlength=4) / n
        sd = np.sqrt(np.array(expected) * (1 - np.array(expected)) / n)
        assert np.all(np.abs(freq - expected) <= 5 * sd + 1e-12)


def _int_codec(name, lo, hi):
    """An integer codec with one bin per value lo..hi (not nullable)."""
    edges = np.arange(lo, hi + 2, dtype=float)
    k = hi - lo + 1
    return NumericCodec(name, "integer", edges, np.arange(k), np.full(k, 1.0 / k), nullable=False)


def _targets(text, kinds):
    rules = [compile_rule(r, kinds) for r in parse_constraints(text).rules]
    return by_target(rules)


def test_dead_ends_are_redrawn_and_every_row_obeys():
    """b >= a with a in 0..10 and b in 0..5: rows drawing a > 5 dead-end and are drawn again."""
    codecs = {"a": _int_codec("a", 0, 10), "b": _int_codec("b", 0, 5)}
    rules = _targets("rule b >= a", {"a": "integer", "b": "integer"})
    tables = [np.full((1, 11), 1 / 11), np.full((1, 6), 1 / 6)]
    axes = {n: Axis("integer") for n in codecs}
    codes, values = sample_with_rules([0, 1], [[], []], tables, codecs, 20_000, np.random.default_rng(1), rules, axes)
    a = codecs["a"].decode(codes[:, 0], np.random.default_rng(2)) if "a" not in values else values["a"]
    b = values["b"]
    assert (b.to_numpy() >= a.to_numpy()).all()
    # exact conditioning on "no dead end": a is uniform over 0..5
    freq = np.bincount(a.to_numpy().astype(int), minlength=11) / len(a)
    assert freq[6:].sum() == 0
    assert np.all(np.abs(freq[:6] - 1 / 6) <= 5 * np.sqrt((1 / 6) * (5 / 6) / len(a)))


def _float_codec(name, lo, hi):
    """A float codec with one bin per unit interval [lo, lo+1) .. [hi-1, hi) (not nullable)."""
    edges = np.arange(lo, hi + 1, dtype=float)
    k = hi - lo
    return NumericCodec(name, "float", edges, np.arange(k), np.full(k, 1.0 / k), nullable=False)


def test_rare_survivors_are_redrawn_until_every_row_is_found():
    """b >= a * a, a float in [0, 11), b in [0, 1): 1 draw of a in 11 survives; 200 rows need ~2,200 draws.

    a's bins hold many values (no lookahead) and a * a is not affine in a (no implied bound on a), so
    only redraws help: twenty fixed redraw rounds would leave about 200 * (10/11)**20 = 30 rows dead.
    Redraws go on while the work stays under the budget.
    """
    codecs = {"a": _float_codec("a", 0, 11), "b": _float_codec("b", 0, 1)}
    rules = _targets("rule b >= a * a", {"a": "float", "b": "float"})
    tables = [np.full((1, 11), 1 / 11), np.ones((1, 1))]
    codes, values = sample_with_rules([0, 1], [[], []], tables, codecs, 200, np.random.default_rng(3), rules,
                                      {n: Axis("float") for n in codecs})
    a, b = values["a"].to_numpy(), values["b"].to_numpy()
    assert len(a) == 200 and (a < 1).all() and (b >= a * a).all()


def test_redraws_stop_with_the_share_that_got_through_when_almost_nothing_does():
    """1 draw of a in 1001 survives: past the work budget the error names the rule and the measured share."""
    codecs = {"a": _float_codec("a", 0, 1001), "b": _float_codec("b", 0, 1)}
    rules = _targets("rule b >= a * a", {"a": "float", "b": "float"})
    tables = [np.full((1, 1001), 1 / 1001), np.ones((1, 1))]
    with pytest.raises(SamplingError, match=r"b >= a \* a.*Only \d+ of \d+ draws"):
        sample_with_rules([0, 1], [[], []], tables, codecs, 1000, np.random.default_rng(0), rules,
                          {n: Axis("float") for n in codecs})


def test_lookahead_finds_the_one_value_the_model_gives_no_weight():
    """b <= a + 0.5 with a in -2..0 and b in 0..3: only a == 0 leaves b a value, and the (noisy) table
    gives a == 0 no weight. Drawing a only among values that leave b something finds it for every row,
    with no redraw (the case hypothesis found: a small DP table put all its mass on dead ends)."""
    codecs = {"a": _int_codec("a", -2, 0), "b": _int_codec("b", 0, 3)}
    rules = _targets("rule b <= a + 0.5", {"a": "integer", "b": "integer"})
    tables = [np.array([[0.5, 0.5, 0.0]]), np.full((1, 4), 0.25)]
    codes, values = sample_with_rules([0, 1], [[], []], tables, codecs, 500, np.random.default_rng(0), rules,
                                      {n: Axis("integer") for n in codecs})
    assert (codes[:, 0] == 2).all() and (values["b"].to_numpy() == 0).all()


def test_lookahead_tries_each_value_inside_wide_bins():
    """b >= a with a in 0..16 in two wide bins [0, 7] and [8, 16], b in 0..1, and all the model's weight
    on the second bin: only a in {0, 1} fits. Each fine cell of a is one integer, so every value is
    tried: the first bin is drawn, and a is decoded between the smallest and largest value that fit."""
    a = NumericCodec("a", "integer", np.arange(18, dtype=float), np.array([0, 8]), np.full(17, 1 / 17),
                     nullable=False)
    codecs = {"a": a, "b": _int_codec("b", 0, 1)}
    rules = _targets("rule b >= a", {"a": "integer", "b": "integer"})
    tables = [np.array([[0.0, 1.0]]), np.full((1, 2), 0.5)]
    codes, values = sample_with_rules([0, 1], [[], []], tables, codecs, 1000, np.random.default_rng(0), rules,
                                      {n: Axis("integer") for n in codecs})
    va, vb = values["a"].to_numpy(), values["b"].to_numpy()
    assert (codes[:, 0] == 0).all() and set(np.unique(va)) == {0, 1} and (vb >= va).all()


def test_bounds_implied_by_the_rules_keep_a_float_column_where_rows_can_finish():
    """n + x <= 0.2 and n <= x, x a float in [0, 0.9) drawn first, n in 0..1, and the model's weight
    for x all in [0.3, 0.9): only x <= 0.2 lets n take a value. The rules bound x on their own
    (x <= 0.2 - min(n)), so x is drawn inside that bound (the case hypothesis found; no lookahead
    applies to floats, and redraws could not find x <= 0.2 where the model gives it no weight)."""
    codecs = {"x": _float_codec("x", 0, 9), "n": _int_codec("n", 0, 1)}
    codecs["x"] = NumericCodec("x", "float", np.linspace(0, 0.9, 10), np.array([0, 3]), np.full(9, 1 / 9),
                               nullable=False)
    rules = _targets("rule n + x <= 0.2\nrule n <= x", {"x": "float", "n": "integer"})
    tables = [np.array([[0.0, 1.0]]), np.full((1, 2), 0.5)]
    codes, values = sample_with_rules([0, 1], [[], []], tables, codecs, 500, np.random.default_rng(0), rules,
                                      {"x": Axis("float"), "n": Axis("integer")})
    x, n = values["x"].to_numpy(), values["n"].to_numpy()
    assert (x <= 0.2).all() and (n == 0).all() and (n <= x).all()


def test_lookahead_meets_the_bounds_the_rules_imply():
    """'if c != "a" then n between 0 and 0' and 'm <= n' with m in 1..3: m >= 1 implies n >= 1, so c must
    be "a". Looking ahead from c, its rule on n must be met together with n's implied bound (both in
    one bin of n), or c == "b" would look fine and every row would die at n (the case hypothesis found)."""
    codecs = {"c": CategoricalCodec("c", "categorical", ["a", "b"], nullable=False),
              "n": NumericCodec("n", "integer", np.arange(7.0), np.array([0]), np.full(6, 1 / 6), nullable=False),
              "m": _int_codec("m", 1, 3)}
    rules = _targets('rule if c != "a" then n between 0 and 0\nrule m <= n',
                     {"c": "categorical", "n": "integer", "m": "integer"})
    tables = [np.array([[0.0, 1.0]]), np.ones((1, 1)), np.full((1, 3), 1 / 3)]
    codes, values = sample_with_rules([0, 1, 2], [[], [], []], tables, codecs, 300, np.random.default_rng(0),
                                      rules, {"n": Axis("integer"), "m": Axis("integer")})
    n, m = values["n"].to_numpy(), values["m"].to_numpy()
    assert (codes[:, 0] == 0).all() and (m <= n).all() and (n >= 1).all()


def test_lookahead_keeps_the_model_proportions_among_values_that_fit():
    """Categorical x read by a rule on y: values of x that leave y nothing are masked, the others keep
    their model weights (the same rows as drawing x and throwing away dead ends)."""
    codecs = {"x": CategoricalCodec("x", "categorical", ["a", "b", "c"], nullable=False),
              "y": CategoricalCodec("y", "categorical", ["u", "v"], nullable=False)}
    rules = _targets('rule y == "u"\nrule if x == "c" then y == "v"', dict.fromkeys(codecs, "categorical"))
    tables = [np.array([[0.2, 0.3, 0.5]]), np.array([[0.5, 0.5]])]
    n = 20_000
    codes, _ = sample_with_rules([0, 1], [[], []], tables, codecs, n, np.random.default_rng(5), rules, {})
    freq = np.bincount(codes[:, 0], minlength=3) / n
    assert freq[2] == 0 and (codes[:, 1] == 0).all()
    # a is 0.2 / 0.5 = 0.4 of the rows; binomial standard error, 5 sigma
    assert abs(freq[0] - 0.4) <= 5 * np.sqrt(0.4 * 0.6 / n)


def test_rows_that_always_dead_end_raise_naming_the_rule():
    codecs = {"a": _int_codec("a", 6, 10), "b": _int_codec("b", 0, 5)}
    rules = _targets("rule b >= a", {"a": "integer", "b": "integer"})
    tables = [np.full((1, 5), 0.2), np.full((1, 6), 1 / 6)]
    with pytest.raises(SamplingError, match="b >= a"):
        sample_with_rules([0, 1], [[], []], tables, codecs, 100, np.random.default_rng(0), rules,
                          {n: Axis("integer") for n in codecs})


def test_conflict_names_only_the_rules_that_conflict():
    codecs = {"x": CategoricalCodec("x", "categorical", ["a", "b"], nullable=False),
              "y": CategoricalCodec("y", "categorical", ["u", "v"], nullable=False),
              "z": CategoricalCodec("z", "categorical", ["p", "q"], nullable=False)}
    kinds = dict.fromkeys(codecs, "categorical")
    rules = _targets('rule y == "u"\nrule if x == "a" then z == "p"\nrule y != "u"', kinds)
    conflict = find_conflict(rules, explorer(codecs, {}))
    assert sorted(r.text for r in conflict) == ['rule y != "u"', 'rule y == "u"']
    assert find_conflict(_targets('rule if x == "a" then z == "p"', kinds), explorer(codecs, {})) is None


ADULT_COLUMNS = ["age", "sex", "race", "hours-per-week"]


@pytest.fixture(scope="module")
def adult():
    return pd.read_csv("examples/data/adult.csv", usecols=ADULT_COLUMNS).head(3000)


def test_fit_refuses_rules_no_row_can_satisfy_naming_each(adult):
    rules = """column age: integer, min 17, max 90
column sex: categorical in ["Female", "Male"], not null
column `hours-per-week`: integer, min 1, max 99
rule `hours-per-week` >= age + 50
rule if sex == "Male" then `hours-per-week` <= 60
rule if sex == "Female" then `hours-per-week` <= 60
rule if race == "White" then age >= 30
"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DSLSemanticError) as info:
            Synthesizer(constraints=rules, epsilon=float("inf"), random_state=0).fit(adult)
    codes = [d.code for d in info.value.diagnostics]
    lines = sorted(d.span.line for d in info.value.diagnostics)
    assert codes == ["E0304"] * 3 and lines == [4, 5, 6]  # the race rule is not part of the conflict
    assert "4 | rule `hours-per-week` >= age + 50" in str(info.value)


def test_satisfiable_rules_with_dead_ends_sample_valid_rows(adult):
    """Rows whose age leaves no hours value are redrawn, never returned broken."""
    rules = """column age: integer, min 17, max 90
column `hours-per-week`: integer, min 1, max 99
rule `hours-per-week` >= age + 30
"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = Synthesizer(constraints=rules, epsilon=float("inf"), random_state=0).fit(adult)
        out = synth.sample(5000, random_state=1)
    assert (out["hours-per-week"] >= out["age"] + 30).all()
    assert out["age"].max() <= 69


def _category_codecs():
    return {"x": CategoricalCodec("x", "categorical", ["a", "b", "c"], nullable=False),
            "y": CategoricalCodec("y", "categorical", ["u", "v", "w"], nullable=False)}


def _within(freq, expected, n, sds=5):
    expected = np.asarray(expected, dtype=float)
    return np.all(np.abs(freq - expected) <= sds * np.sqrt(expected * (1 - expected) / n) + 1e-12)


def test_rules_on_categories_are_compiled_once_and_draw_from_the_renormalised_table():
    """y | x masked by rules that read only categories: each row draws from table[x] * mask / sum."""
    codecs = _category_codecs()
    rules = _targets('rule if x == "a" then y != "u"\nrule if x == "c" then y == "w"',
                     dict.fromkeys(codecs, "categorical"))
    tables = [np.array([[0.5, 0.3, 0.2]]), np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.3, 0.3, 0.4]])]
    static = {}
    n = 300_000
    codes, _ = sample_with_rules([0, 1], [[], [0]], tables, codecs, n, np.random.default_rng(3), rules,
                                 {}, static=static)
    assert static["y"] is not None and static["y"].inputs == [0]  # compiled ahead, not per row
    x, y = codes[:, 0], codes[:, 1]
    assert _within(np.bincount(x, minlength=3) / n, [0.5, 0.3, 0.2], n)
    for value, expected in ((0, [0, 0.3 / 0.8, 0.5 / 0.8]), (1, [0.6, 0.3, 0.1]), (2, [0, 0, 1])):
        part = y[x == value]
        assert _within(np.bincount(part, minlength=3) / len(part), expected, len(part))


def test_compiled_rules_redraw_rows_left_without_a_value():
    """x == "b" leaves y nothing: those rows are drawn again (exact conditioning: x is never b)."""
    codecs = _category_codecs()
    rules = _targets('rule if x == "b" then y == "u"\nrule if x == "b" then y == "v"',
                     dict.fromkeys(codecs, "categorical"))
    tables = [np.array([[0.5, 0.3, 0.2]]), np.full((3, 3), 1 / 3)]
    static = {}
    n = 100_000
    codes, _ = sample_with_rules([0, 1], [[], [0]], tables, codecs, n, np.random.default_rng(4), rules, {},
                                 static=static)
    assert static["y"] is not None
    assert _within(np.bincount(codes[:, 0], minlength=3) / n, [0.5 / 0.7, 0, 0.2 / 0.7], n)


def test_numeric_rules_on_categories_compile_ahead_and_bound_every_value():
    """A numeric target bounded given a category: compiled ahead, values inside the bounds, and
    uniform over the allowed integers of the cell (the within-bin draw is truncated, not shifted)."""
    codecs = {"x": CategoricalCodec("x", "categorical", ["a", "b"], nullable=False), "n": _int_codec("n", 0, 9)}
    rules = _targets('rule if x == "a" then n between 3 and 6', {"x": "categorical", "n": "integer"})
    tables = [np.array([[0.5, 0.5]]), np.full((2, 10), 0.1)]
    static = {}
    m = 200_000
    codes, values = sample_with_rules([0, 1], [[], [0]], tables, codecs, m, np.random.default_rng(5), rules,
                                      {"n": Axis("integer")}, static=static)
    assert static["n"] is not None
    n = values["n"].to_numpy()
    a = codes[:, 0] == 0
    assert n[a].min() == 3 and n[a].max() == 6 and n[~a].min() == 0 and n[~a].max() == 9
    assert _within(np.bincount(n[a].astype(int), minlength=10)[3:7] / a.sum(), [0.25] * 4, int(a.sum()))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_decode_within_stays_in_the_bin_and_the_bounds(data):
    """Coarse bins of several fine cells; per-row bounds that meet the row's bin: every value obeys both."""
    integer = data.draw(st.booleans(), label="integer")
    cells = data.draw(st.integers(2, 12), label="cells")
    width = data.draw(st.sampled_from([0.5, 1.0, 3.0]), label="width")
    edges = np.arange(cells + 1) * width - 0.5 * (width if integer else 0)
    cut = sorted(data.draw(st.sets(st.integers(1, cells - 1), max_size=3), label="cuts"))
    groups = np.array([0, *cut])
    kind = "integer" if integer else "float"
    codec = NumericCodec("v", kind, edges, groups, np.full(cells, 1.0 / cells), nullable=False)
    ranges = np.array(codec.bin_ranges())
    rows = data.draw(st.integers(1, 40), label="rows")
    codes, lo, hi = [], [], []
    for _ in range(rows):
        b = data.draw(st.integers(0, len(groups) - 1))
        a, z = ranges[b]
        if integer:
            inside = np.arange(np.ceil(a), np.ceil(z))
            if not len(inside):
                continue
            low = data.draw(st.sampled_from(inside.tolist()))
            high = data.draw(st.sampled_from(inside[inside >= low].tolist()))
            low -= data.draw(st.sampled_from([0, 0, 2]))
            high += data.draw(st.sampled_from([0, 0, 2]))
        else:
            low = data.draw(st.floats(a - 1, z - 1e-6))
            high = data.draw(st.floats(max(low, a), z + 1))
        codes.append(b)
        lo.append(low)
        hi.append(high)
    if not codes:
        return
    codes = np.array(codes)
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    values = codec.decode_within(codes, lo, hi, np.random.default_rng(data.draw(st.integers(0, 99))))
    v = values.to_numpy(dtype=float)
    assert np.all((v >= lo) & (v <= hi)), (v, lo, hi)
    assert np.all((v >= ranges[codes, 0]) & (v < ranges[codes, 1]))
    if integer:
        assert np.all(v == np.round(v))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_decimal_columns_are_drawn_on_their_grid_inside_the_bounds_and_the_bin(data):
    """A float column with ``decimals d`` draws values k / 10**d only: per-row bounds off the grid are met
    by the grid values inside them (the masks only allow bins holding one), and rounding the values to d
    decimals, as the output does, changes nothing."""
    from bayes_synth.encode import decimal_edges

    decimals = data.draw(st.integers(0, 4), label="decimals")
    scale = 10 ** decimals
    first = data.draw(st.integers(-3 * scale, 3 * scale), label="first")
    last = first + data.draw(st.sampled_from([0, 1, 7, 300, 5000]), label="span")
    lo = (first - data.draw(st.sampled_from([0, 0.4]))) / scale
    hi = (last + data.draw(st.sampled_from([0, 0.4]))) / scale
    edges = decimal_edges("v", lo, hi, decimals)
    cells = len(edges) - 1
    cut = sorted(data.draw(st.sets(st.integers(1, cells - 1), max_size=3), label="cuts")) if cells > 1 else []
    codec = NumericCodec("v", "float", edges, np.array([0, *cut]), np.full(cells, 1.0 / cells), nullable=False,
                         decimals=decimals)
    assert edges[0] == lo and edges[-1] == np.nextafter(hi, np.inf)
    assert np.all(codec.grid_up(edges[:-1]) <= codec.grid_up(edges[1:]) - 1)  # every cell holds a grid value
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    k = 60
    row_lo = rng.uniform(lo - 1, hi + 1, k)
    row_hi = row_lo + rng.choice([0.0, 0.01, 0.15, 1.0, 5.0], k)
    mask = bin_mask(codec, row_lo, row_hi, np.ones(k, dtype=bool))
    rows = np.flatnonzero(mask.any(axis=1))
    codes = np.array([rng.choice(np.flatnonzero(mask[r])) for r in rows], dtype=np.int64)
    ranges = np.array(codec.bin_ranges())
    for v, c, low, high in ((codec.decode(codes, rng), codes, -np.inf, np.inf),
                            (codec.decode_within(codes, row_lo[rows], row_hi[rows], rng), codes, row_lo[rows],
                             row_hi[rows])):
        v = v.to_numpy(dtype=float)
        assert np.array_equal(v, np.round(v, decimals)) and np.array_equal(v, codec.grid_value(codec.grid_up(v)))
        assert np.all((v >= low) & (v <= high)) and np.all((v >= lo) & (v <= hi))
        assert np.all((v >= ranges[c, 0]) & (v < ranges[c, 1]))


@pytest.mark.parametrize("kind, decimals", [("float", None), ("float", 2), ("integer", None)])
def test_a_numeric_domain_of_one_value_decodes_to_that_value(kind, decimals):
    """min == max: one cell holding just that value (a float one was [v, v + 1), outside the bounds)."""
    from bayes_synth.encode import decimal_edges

    edges = decimal_edges("v", 0.25, 0.25, 2) if decimals else fine_edges(ColumnSpec("v", kind), 3.0, 3.0)
    codec = NumericCodec("v", kind, edges, np.array([0]), np.array([1.0]), nullable=False, decimals=decimals)
    value = 0.25 if decimals else 3.0
    assert edges[0] == value and edges[-1] <= (np.nextafter(value, np.inf) if kind == "float" else value + 1)
    rng = np.random.default_rng(0)
    codes = np.zeros(1000, dtype=np.int64)
    assert (codec.decode(codes, rng) == value).all()
    assert (codec.decode_within(codes, np.full(1000, -np.inf), np.full(1000, np.inf), rng) == value).all()
