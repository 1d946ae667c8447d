"""Attack-based privacy risks after Anonymeter: singling out, linkability and attribute inference.

The three attacks of Giomi et al., "A Unified Framework for Quantifying Privacy Risk in Synthetic
Data" (PETS 2023), the method of the Anonymeter library, computed here natively (Anonymeter itself
pins numpy < 1.27 and cannot be installed beside this package). Each attack is run three times:

- on **training** records (the attack's success rate ``r_train``),
- on **control** records, real rows the synthesizer never saw (``r_control``): what the synthetic data
  teaches about the population, which is not a privacy leak,
- as a **baseline** that guesses at random (``r_baseline``): when it does as well as the attack, the
  attack is too weak for its result to mean anything (``weak_attack``).

The risk is the attack's success on training records beyond what it achieves on control records,
``risk = (r_train - r_control) / (1 - r_control)``, clipped to [0, 1]; 0 means the synthetic data
tells no more about the people it was trained on than about anyone else. Rates come with 95% Wilson
intervals, and the risk with the interval those imply.

- **singling out**: predicates built from synthetic rows (``col == value`` for categories, ``col <= v``
  or ``col >= v`` for numbers, on 1 column (univariate) or ``n_cols`` columns (multivariate)) that
  match exactly one synthetic row; success when a predicate matches exactly one real record. The
  training frame is subsampled to the control's size so both are judged at the same size.
- **linkability**: the attacker holds two halves of a record's columns (``aux_cols``, default a
  seeded split) and links them through the synthetic data: success when the nearest synthetic row on
  each half is the same row.
- **inference**: the attacker knows every column but ``secret`` and guesses it from the nearest
  synthetic row; success when the guess is right (numbers: within ``tolerance`` of the true value,
  relative).

Distances are the mixed-type distance of :mod:`.privacy`.

>>> import pandas as pd
>>> train = pd.DataFrame({"a": list("abcdefgh") * 5, "b": list("pqrstuvw") * 5})
>>> control = pd.DataFrame({"a": list("abcdefgh") * 5, "b": list("wvutsrqp") * 5})
>>> inference_risk(train, train.copy(), control, secret="b")["risk"]
1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .common import json_ready
from .privacy import _prepare, _Space, _subsample

__all__ = ["attack_risks", "inference_risk", "linkability_risk", "singling_out_risk"]

Z95 = 1.959964


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a binomial rate."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _risk(s_train: int, s_control: int, s_base: int, n: int, n_control: int) -> dict[str, Any]:
    """Rates, their intervals, and the risk ``(r_train - r_control) / (1 - r_control)`` with its interval."""
    r_t, r_c, r_b = s_train / max(n, 1), s_control / max(n_control, 1), s_base / max(n, 1)
    (t_lo, t_hi), (c_lo, c_hi), (b_lo, b_hi) = _wilson(s_train, n), _wilson(s_control, n_control), _wilson(s_base, n)

    def excess(t: float, c: float) -> float:
        return float(np.clip((t - c) / (1 - c), 0.0, 1.0)) if c < 1 else 0.0

    return {"risk": excess(r_t, r_c), "risk_ci": [excess(t_lo, c_hi), excess(t_hi, c_lo)],
            "rate_train": r_t, "rate_train_ci": [t_lo, t_hi], "rate_control": r_c, "rate_control_ci": [c_lo, c_hi],
            "rate_baseline": r_b, "rate_baseline_ci": [b_lo, b_hi], "weak_attack": bool(t_hi <= b_hi),
            "n_attacks": n, "n_control": n_control}


def _check(train: pd.DataFrame, synth: pd.DataFrame, control: pd.DataFrame) -> None:
    for name, frame in (("train", train), ("synthetic", synth), ("control", control)):
        if len(frame) == 0:
            raise ValueError(f"the {name} frame has no rows")


def inference_risk(train: pd.DataFrame, synth: pd.DataFrame, control: pd.DataFrame, secret: str,
                   aux_cols: Sequence[str] | None = None, n_attacks: int = 500, tolerance: float = 0.05,
                   seed: int = 0) -> dict[str, Any]:
    """Attribute inference: guess ``secret`` from the nearest synthetic row on ``aux_cols``."""
    _check(train, synth, control)
    if secret not in train.columns:
        raise ValueError(f"the secret column {secret!r} is not in the real frame")
    aux = [c for c in (aux_cols or train.columns) if c != secret]
    if not aux:
        raise ValueError("the inference attack needs at least one column besides the secret")
    rng = np.random.default_rng(seed)
    n = min(n_attacks, len(train), len(control))
    targets, controls = _subsample(rng, len(train), n), _subsample(rng, len(control), n)
    cols = [*aux, secret]
    prep = _prepare([train[cols], synth[cols], control[cols]], None)
    space = _Space(_prepare([train[aux], synth[aux], control[aux]], None))
    ref = space.encode(1, np.arange(len(synth)))
    values = [prep.values[f][secret] for f in range(3)]

    def correct(guess: np.ndarray, truth: np.ndarray) -> int:
        if prep.is_numeric(secret):
            scale = np.maximum(np.abs(truth), 1e-12)
            return int(np.sum(np.abs(guess - truth) <= tolerance * scale))
        return int(np.sum(guess == truth))

    s_train = correct(values[1][space.nearest_index(space.encode(0, targets), ref)], values[0][targets])
    s_control = correct(values[1][space.nearest_index(space.encode(2, controls), ref)], values[2][controls])
    s_base = correct(values[1][rng.integers(0, len(synth), n)], values[0][targets])
    return json_ready({"secret": secret, "aux_cols": aux, **_risk(s_train, s_control, s_base, n, n)})


def linkability_risk(train: pd.DataFrame, synth: pd.DataFrame, control: pd.DataFrame,
                     aux_cols: tuple[Sequence[str], Sequence[str]] | None = None, n_attacks: int = 500,
                     seed: int = 0) -> dict[str, Any]:
    """Linkability: do a record's two halves (``aux_cols``) lead to the same nearest synthetic row?"""
    _check(train, synth, control)
    rng = np.random.default_rng(seed)
    if aux_cols is None:
        cols = list(rng.permutation(list(train.columns)))
        if len(cols) < 2:
            raise ValueError("the linkability attack needs at least two columns")
        aux_cols = (cols[: len(cols) // 2], cols[len(cols) // 2:])
    n = min(n_attacks, len(train), len(control))
    targets, controls = _subsample(rng, len(train), n), _subsample(rng, len(control), n)
    links = []
    for half in aux_cols:
        half = list(half)
        space = _Space(_prepare([train[half], synth[half], control[half]], None))
        ref = space.encode(1, np.arange(len(synth)))
        links.append((space.nearest_index(space.encode(0, targets), ref),
                      space.nearest_index(space.encode(2, controls), ref)))
    s_train = int(np.sum(links[0][0] == links[1][0]))
    s_control = int(np.sum(links[0][1] == links[1][1]))
    s_base = int(np.sum(rng.integers(0, len(synth), n) == rng.integers(0, len(synth), n)))
    return json_ready({"aux_cols": [list(a) for a in aux_cols], **_risk(s_train, s_control, s_base, n, n)})


def singling_out_risk(train: pd.DataFrame, synth: pd.DataFrame, control: pd.DataFrame, n_attacks: int = 500,
                      n_cols: int = 1, seed: int = 0) -> dict[str, Any]:
    """Singling out: predicates that isolate one synthetic row, tried on the real records.

    Univariate (``n_cols=1``): a category seen once in the synthetic data (``col == v``), or below the
    smallest / above the largest synthetic number (``col <= min``, ``col >= max``). Multivariate: the
    values of a synthetic row on ``n_cols`` random columns (numbers as ``<= v`` below the synthetic
    median, ``>= v`` above it), kept when they match that row alone.
    """
    _check(train, synth, control)
    rng = np.random.default_rng(seed)
    size = min(len(train), len(control))
    prep = _prepare([train.iloc[_subsample(rng, len(train), size)], synth,
                     control.iloc[_subsample(rng, len(control), size)]], None)
    k = min(n_cols, len(prep.columns))
    if k == 1:
        attack = _univariate(prep, rng, n_attacks)
    else:
        tried = _from_rows(prep, rng, 20 * n_attacks, k)
        attack = [p for p, m in zip(tried, _matches(prep, 1, tried), strict=True) if m == 1][:n_attacks]
    n = len(attack)
    s_train, s_control = (int(np.sum(_matches(prep, f, attack) == 1)) if n else 0 for f in (0, 2))
    s_base = int(np.sum(_matches(prep, 0, _random(prep, rng, n, k)) == 1)) if n else 0
    mode = "univariate" if k == 1 else f"multivariate ({k} columns)"
    return json_ready({"mode": mode, **_risk(s_train, s_control, s_base, n, n)})


def _univariate(prep, rng: np.random.Generator, count: int) -> list[list[tuple]]:
    """Conditions on one column that single out one synthetic row (a seeded sample of ``count``)."""
    found = []
    for col in prep.columns:
        x = prep.values[1][col]
        if prep.is_numeric(col):
            known = x[~np.isnan(x)]
            if known.size:
                found += [[(col, "<=", known.min())], [(col, ">=", known.max())]]
        else:
            values, counts = np.unique(x[x >= 0], return_counts=True)
            found += [[(col, "==", v)] for v in values[counts == 1]]
    chosen = rng.permutation(len(found))[:count]
    return [p for i, p in enumerate(found) if i in set(chosen.tolist())]


def _from_rows(prep, rng: np.random.Generator, count: int, k: int) -> list[list[tuple]]:
    """The values of ``count`` random synthetic rows on ``k`` random columns each."""
    medians = {c: np.nanmedian(prep.values[1][c]) for c in prep.numeric if np.isfinite(prep.values[1][c]).any()}
    out = []
    for row in rng.integers(0, prep.n_rows[1], count):  # a loop over predicates, never over table rows
        conds = []
        for j in rng.choice(len(prep.columns), size=k, replace=False):
            col = prep.columns[j]
            v = prep.values[1][col][row]
            op = "==" if not prep.is_numeric(col) else "<=" if v <= medians.get(col, np.inf) else ">="
            conds.append((col, op, v))
        out.append(conds)
    return out


def _random(prep, rng: np.random.Generator, count: int, k: int) -> list[list[tuple]]:
    """The baseline: ``count`` conjunctions of ``k`` conditions with values drawn at random."""
    out = []
    for _ in range(count):
        conds = []
        for j in rng.choice(len(prep.columns), size=k, replace=False):
            col = prep.columns[j]
            if prep.is_numeric(col):
                known = prep.values[0][col][~np.isnan(prep.values[0][col])]
                v = rng.uniform(known.min(), known.max()) if known.size else np.nan
                conds.append((col, "<=" if rng.random() < 0.5 else ">=", v))
            else:
                conds.append((col, "==", rng.integers(0, max(len(prep.categories[col]), 1))))
        out.append(conds)
    return out


def _matches(prep, frame: int, predicates: list[list[tuple]]) -> np.ndarray:
    """How many rows of ``frame`` each predicate matches (missing matches nothing but ``== missing``)."""
    out = np.empty(len(predicates), dtype=np.int64)
    for i, conds in enumerate(predicates):
        hit = np.ones(prep.n_rows[frame], dtype=bool)
        for col, op, v in conds:
            x = prep.values[frame][col]
            hit &= (x == v) if op == "==" else (x <= v) if op == "<=" else (x >= v)
        out[i] = int(hit.sum())
    return out


def attack_risks(train: pd.DataFrame, synth: pd.DataFrame, control: pd.DataFrame, secret: str | None = None,
                 n_attacks: int = 500, seed: int = 0) -> dict[str, Any]:
    """All three attacks (singling out univariate and 3-column, linkability, inference on ``secret`` or
    on the last column)."""
    secret = secret if secret is not None else list(train.columns)[-1]
    return {"singling_out": singling_out_risk(train, synth, control, n_attacks, 1, seed),
            "singling_out_multivariate": singling_out_risk(train, synth, control, n_attacks, 3, seed),
            "linkability": linkability_risk(train, synth, control, None, n_attacks, seed),
            "inference": inference_risk(train, synth, control, secret, None, n_attacks, seed=seed)}
