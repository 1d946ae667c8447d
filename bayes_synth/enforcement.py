"""Ancestral sampling that enforces rules by construction.

Columns are drawn in the network's order as codes. When a rule's target comes up, the rule is
evaluated once per *distinct* combination of the columns it reads (decoded on demand, only at one row
per combination), and the restriction it returns (a mask over the target's codes, or per-row value
bounds for numeric targets) is spread back over the rows that share that combination. The row's
conditional distribution times the mask is drawn once per distinct (parent configuration, mask) pair
with the alias method, and numeric values are decoded inside their bounds, so every sampled row obeys
every rule. Only the columns rules read are decoded while drawing; the rest are decoded at the end by
the caller's fast path. The restrictions themselves live in :mod:`bayes_synth.restrictions`.

Before a column is drawn, its values that would leave a later column no allowed value are masked
out where that can be known: the range the rules imply for it whatever the other columns hold
(:mod:`bayes_synth.narrow`), and, value by value, what the rules it is the last input of still allow
(:mod:`bayes_synth.lookahead`). A row whose earlier values still
leave a later column no allowed value (a *dead end*) is drawn again from
the start, with the same masks: keeping only rows that avoid dead ends is exact conditioning on that
event, so no row is ever returned broken. Redraws go on while they pay: they stop, with an error
naming the rules and the share of draws that got through, only once the rows drawn exceed
``REDRAW_WORK`` times the rows asked for (a pass survived by 1 draw in 50 or fewer). Up to that
work every dead row is redrawn, however many rounds it takes (at most ``MAX_REDRAW_ROUNDS``).
:mod:`bayes_synth.satisfiable` names, before sampling, a smallest set of rules no row can satisfy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth import lookahead
from bayes_synth.draws import draw_rows
from bayes_synth.encode import Codec
from bayes_synth.errors import SamplingError
from bayes_synth.narrow import Bound, implied_bounds
from bayes_synth.restrictions import (
    Allowed,
    Drawn,
    allowed_here,
    compile_static,
    decode_within,
    draw_masked,
    restrict,
    within,
)
from bayes_synth.sampling import parent_index

#: redraws stop once the rows drawn in all exceed this many times the rows asked for (plus REDRAW_SLACK)
REDRAW_WORK = 50
REDRAW_SLACK = 10_000
MAX_REDRAW_ROUNDS = 1_000


@dataclass
class Outcome:
    """Codes and the values decoded while drawing; ``dead`` rows hit a dead end at ``blame`` rules."""

    codes: np.ndarray
    values: dict[str, pd.Series]
    dead: np.ndarray
    blame: dict[str, int]


#: ``preset(rows) -> (codes, values)``: codes of the columns drawn before the rest (conditioned columns
#: and their ancestors, from the exact posterior) for those rows, and the given values of the fixed ones.
Preset = Callable[[np.ndarray], tuple[dict[int, np.ndarray], dict[str, pd.Series]]]


def sample_with_rules(order: Sequence[int], parents, tables, codecs: Mapping[str, Codec], n: int,
                      rng: np.random.Generator, rules: Mapping[str, list[Any]], axes: Mapping[str, Any],
                      aliases=None, preset: Preset | None = None, static: dict[str, Any] | None = None
                      ) -> tuple[np.ndarray, dict[str, pd.Series]]:
    """Draw ``n`` rows of codes obeying ``rules`` (target column -> compiled rules).

    ``static`` caches what is compiled ahead of drawing (:func:`compile_static`, the lookahead's tables
    over categorical columns) between calls with the same model and rules (they never depend on the
    random stream).

    With ``preset`` (conditional sampling) the preset columns are not drawn but checked: a row whose
    preset values break a rule is drawn again, preset included (exact conditioning on the rules).
    Returns the codes and the columns decoded while drawing (the output must use those values).
    Raises :class:`SamplingError` naming the rules if rows keep reaching dead ends.
    """
    static = {} if static is None else static
    narrowed = implied_bounds(rules, codecs)  # sound for preset columns too: they are never drawn
    out = draw_once(order, parents, tables, codecs, n, rng, rules, axes, aliases,
                    preset(np.arange(n)) if preset else None, static, narrowed)
    drawn, survived, rounds = n, n - int(out.dead.sum()), 0
    budget = REDRAW_WORK * n + REDRAW_SLACK
    while out.dead.any():
        rows = np.flatnonzero(out.dead)
        # no survivor in 3 * REDRAW_WORK draws: the survival rate is below 1 / REDRAW_WORK (95% confidence)
        hopeless = survived == 0 and drawn >= 3 * REDRAW_WORK
        if hopeless or drawn + len(rows) > budget or rounds == MAX_REDRAW_ROUNDS:
            who = "every row" if survived == 0 else f"{len(rows)} of {n} rows, after {rounds} redraws,"
            raise SamplingError(_dead_end_message(out, n, who, drawn, survived))
        again = draw_once(order, parents, tables, codecs, len(rows), rng, rules, axes, aliases,
                          preset(rows) if preset else None, static, narrowed)
        drawn, survived, rounds = drawn + len(rows), survived + int((~again.dead).sum()), rounds + 1
        _replace(out, rows, again, codecs, rng)
    return out.codes, out.values


def _replace(out: Outcome, rows: np.ndarray, again: Outcome, codecs: Mapping[str, Codec],
             rng: np.random.Generator) -> None:
    """Put the redrawn rows in place; decoded columns stay consistent with the codes."""
    names = list(codecs)
    for name in set(out.values) | set(again.values):
        j = names.index(name)
        column = out.values.get(name)
        column = (codecs[name].decode(out.codes[:, j], rng) if column is None else column).copy()
        new = again.values.get(name)
        new = codecs[name].decode(again.codes[:, j], rng) if new is None else new
        column.iloc[rows] = new.to_numpy()
        out.values[name] = column
    out.codes[rows] = again.codes
    out.dead[rows] = again.dead
    for text, count in again.blame.items():
        out.blame[text] = out.blame.get(text, 0) + count


def _dead_end_message(out: Outcome, n: int, who: str, drawn: int, survived: int) -> str:
    rules = "; ".join(f"'{text}' ({count} rows)" for text, count in sorted(out.blame.items(), key=lambda kv: -kv[1]))
    share = f" Only {survived} of {drawn} draws ({survived / drawn:.2%}) got past them." if drawn else ""
    return (f"No allowed value was left for {who} at these rules: {rules}.{share} Given the values drawn "
            "before them, the rules and the columns' bounds contradict each other (or the model gives the "
            "values that fit them almost no weight): widen the bounds, or add a rule on the earlier columns "
            "that keeps them compatible.")


def draw_once(order: Sequence[int], parents, tables, codecs: Mapping[str, Codec], n: int,
              rng: np.random.Generator, rules: Mapping[str, list[Any]], axes: Mapping[str, Any],
              aliases=None, preset: tuple[dict[int, np.ndarray], dict[str, pd.Series]] | None = None,
              static: dict[str, Any] | None = None,
              narrowed: Mapping[str, Bound] | None = None) -> Outcome:
    """One pass of ancestral sampling with masks; rows left without an allowed value are marked dead.

    ``preset``: (column index -> codes, column name -> given values) of columns already drawn; rows
    whose preset values break a rule are marked dead too. ``static`` caches, per target column, the
    masked tables of :func:`compile_static` between passes. ``narrowed``: column -> the bounds the rules
    imply for it on their own (:func:`bayes_synth.narrow.implied_bounds`).
    """
    static = {} if static is None else static
    narrowed = narrowed or {}
    names = list(codecs)
    sizes = [c.size for c in codecs.values()]
    drawn = Drawn(names, codecs, np.zeros((n, len(names)), dtype=np.int64, order="F"), rng)
    dead = np.zeros(n, dtype=bool)
    blame: dict[str, int] = {}
    fixed_codes, fixed_values = preset or ({}, {})
    for x, codes in fixed_codes.items():
        drawn.codes[:, x] = codes
    drawn.values.update({k: v.reset_index(drop=True) for k, v in fixed_values.items()})
    ahead = lookahead.plan(order, codecs, rules, list(fixed_codes))
    for x in order:
        name, codec = names[x], codecs[names[x]]
        if x in fixed_codes:
            continue
        rows = parent_index(drawn.codes, parents[x], sizes)
        later = lookahead.allowed(drawn, x, ahead[x], rules, axes, narrowed, static) if x in ahead else None
        why = [r.text for t in ahead.get(x, ()) for r in rules[t]]
        if name in narrowed:  # bounds the rules imply for this column whatever the other columns hold
            bounded = within(codec, narrowed[name].lo, narrowed[name].hi, n)
            later = bounded if later is None else later.meet(bounded, codec)
            why += list(narrowed[name].rules)
        if name not in rules and later is None:
            drawn.codes[:, x] = draw_rows(tables[x], rows, rng, aliases[x] if aliases else None)
            continue
        fast, allowed = None, None
        if name in rules:
            if name not in static:
                static[name] = compile_static(rules[name], x, drawn, tables[x], axes.get(name))
            fast = static[name]
            allowed = fast.allowed_for(drawn.codes, sizes) if fast is not None else \
                restrict(rules[name], drawn, codec, axes.get(name))
            if _dead_ends(allowed, [r.text for r in rules[name]], dead, blame) and fast is not None:
                # the compiled restriction is shared between passes: open a copy
                allowed = Allowed(allowed.group, allowed.mask.copy(),
                                  *(None if a is None else a.copy() for a in (allowed.lo, allowed.hi)),
                                  allowed.choice, allowed.choices)
            _open_dead_ends(allowed)
        if later is not None:  # values of this column that leave a later column nothing are never drawn
            allowed, fast = later if allowed is None else allowed.meet(later, codec), None
            _dead_ends(allowed, why, dead, blame)
            _open_dead_ends(allowed)
        if fast is not None:
            drawn.codes[:, x] = fast.draw(rows, allowed, rng)
        else:
            drawn.codes[:, x] = draw_masked(tables[x], rows, allowed.mask, rng, allowed.group)
        if allowed.lo is not None:
            drawn.values[name] = decode_within(codec, drawn.codes[:, x], allowed, rng)
    for x in fixed_codes:  # preset columns are checked once every column their rules read is drawn
        name = names[x]
        if name in rules:
            broken = ~allowed_here(rules[name], drawn, codecs[name], axes.get(name), x) & ~dead
            if broken.any():
                text = "; ".join(r.text for r in rules[name])
                blame[text] = blame.get(text, 0) + int(broken.sum())
                dead |= broken
    return Outcome(drawn.codes, drawn.values, dead, blame)


def _dead_ends(allowed: Allowed, rules: list[str], dead: np.ndarray, blame: dict[str, int]) -> bool:
    """Mark rows whose group allows no code dead, blaming ``rules`` (their text); whether there were any."""
    empty_groups = ~allowed.mask.any(axis=1)
    if not empty_groups.any():
        return False
    empty = empty_groups[allowed.group]
    text = "; ".join(dict.fromkeys(rules))
    blame[text] = blame.get(text, 0) + int((empty & ~dead).sum())
    dead |= empty
    return True


def _open_dead_ends(allowed: Allowed) -> None:
    """Let groups that allow nothing draw anything (their rows are dead and thrown away)."""
    empty_groups = ~allowed.mask.any(axis=1)
    if empty_groups.any():
        allowed.open(empty_groups)


