"""Disclosure-risk thresholds: cut synthetic rows that sit too close to a real record or single out a
rare real combination.

This reads the real data after the model was fitted, outside the privacy budget, so the result has
**no differential privacy guarantee**. The cut is recorded as a ``disclosure_filter`` entry in the
ledger, which then reports ``dp_guarantee: void``; the CLI writes the same stamp next to the output
(``OUT.disclosure.json``, with the ledger, and the model card ``OUT.card.md``) and the report shows
it. Use it when a data owner's policy asks for a distance or k-anonymity style check on top of DP,
knowing what it costs.

Thresholds: ``min_distance`` is a mixed-type distance in [0, 1] (numbers scaled by the real range,
categories 0/1, averaged over the columns, see :func:`bayes_synth.metrics.privacy.flag_risky_rows`);
``rare_k`` cuts rows equal, on ``columns`` (default: every column), to a real combination seen fewer
than ``k`` times. They may be set in the constraints file (``privacy min_distance = 0.02, rare_k = 5``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError
from bayes_synth.privacy.ledger import Ledger


@dataclass(frozen=True)
class DisclosureCut:
    """What the filter did: how many rows it cut, of how many, and the thresholds used."""

    rows_in: int
    rows_cut: int
    min_distance: float | None
    rare_k: int | None
    columns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"dp_guarantee": "void", "reason": "a disclosure filter read the real data after fitting",
                "rows_in": self.rows_in, "rows_cut": self.rows_cut, "rows_out": self.rows_in - self.rows_cut,
                "min_distance": self.min_distance, "rare_k": self.rare_k, "columns": list(self.columns)}

    def message(self) -> str:
        return (f"DP guarantee void: the disclosure filter read the real data and cut {self.rows_cut} of "
                f"{self.rows_in} synthetic rows (min_distance={self.min_distance}, rare_k={self.rare_k}).")


def filter_disclosure(synthetic: pd.DataFrame, real: pd.DataFrame, *, min_distance: float | None = None,
                      rare_k: int | None = None, columns: Sequence[str] | None = None,
                      ledger: Ledger | None = None) -> tuple[pd.DataFrame, DisclosureCut]:
    """The synthetic rows that pass both thresholds, and a record of the cut (also put in ``ledger``).

    >>> real = pd.DataFrame({"a": ["x", "y", "y"], "n": [1.0, 5.0, 9.0]})
    >>> fake = pd.DataFrame({"a": ["x", "y"], "n": [1.0, 7.0]})
    >>> kept, cut = filter_disclosure(fake, real, rare_k=2, columns=["a"])
    >>> len(kept), cut.rows_cut
    (1, 1)
    """
    if min_distance is None and rare_k is None:
        raise ParameterError("The disclosure filter needs a threshold: min_distance (e.g. 0.02) and/or rare_k "
                             "(e.g. 5).")
    if min_distance is not None and not (0 < float(min_distance) <= 1):
        raise ParameterError(f"The 'min_distance' threshold must be in (0, 1]; got {min_distance!r}.")
    if rare_k is not None and (isinstance(rare_k, bool) or int(rare_k) != rare_k or rare_k < 2):
        raise ParameterError(f"The 'rare_k' threshold must be a whole number >= 2; got {rare_k!r}.")
    shared = [c for c in synthetic.columns if c in real.columns]
    chosen = list(columns) if columns is not None else shared
    missing = [c for c in chosen if c not in shared]
    if missing:
        raise ParameterError(f"The disclosure filter's columns {missing} are not in both tables; the shared "
                             f"columns are {shared}.")
    from bayes_synth.metrics.privacy import flag_risky_rows

    risky = np.asarray(flag_risky_rows(real[shared], synthetic[shared], min_distance=min_distance,
                                       rare_combination_k=rare_k, columns=chosen), dtype=bool)
    cut = DisclosureCut(len(synthetic), int(risky.sum()), None if min_distance is None else float(min_distance),
                        None if rare_k is None else int(rare_k), tuple(chosen))
    if ledger is not None:
        ledger.charge("disclosure_filter", tuple(chosen), "none: reads the real data (no DP)", 0, Fraction(0),
                      note=cut.message())
    return synthetic.loc[~risky].reset_index(drop=True), cut


def write_stamp(output: str | Path, cut: DisclosureCut, ledger: Ledger | None = None,
                card: str | None = None) -> Path:
    """``OUT.disclosure.json`` next to a filtered output: the void stamp a report shows.

    With ``ledger`` (the model's, holding the ``disclosure_filter`` entry) the stamp carries the whole
    ledger of the output, marked ``dp_guarantee: void``; with ``card`` (the model card rendered from
    that ledger, Markdown) it is written as ``OUT.card.md`` beside it, so the void status travels with
    the table in all three places: ledger, model card and report.
    """
    from bayes_synth.io import atomic_write_text

    data = cut.to_dict()
    if ledger is not None:
        data["ledger"] = ledger.to_dict()
    if card is not None:
        card_path = atomic_write_text(Path(str(output) + ".card.md"), card, force=True)
        data["model_card"] = card_path.name
    path = Path(str(output) + ".disclosure.json")
    return atomic_write_text(path, json.dumps(data, indent=1) + "\n", force=True)


def read_stamp(synthetic_path: str | Path) -> dict[str, Any] | None:
    """The stamp written next to a synthetic file, if any (for the report)."""
    path = Path(str(synthetic_path) + ".disclosure.json")
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"dp_guarantee": "void", "reason": f"unreadable stamp {path.name}"}
    return data if isinstance(data, dict) else None
