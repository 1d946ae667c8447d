"""A tiny hand-built model (three columns, no data read) for examples, doctests and tests.

>>> model = tiny_model()
>>> model.columns, model.parents("income")
(['sex', 'age', 'income'], ('sex', 'age'))
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from bayes_synth.encode import CategoricalCodec, NumericCodec
from bayes_synth.model import Model
from bayes_synth.privacy.ledger import Ledger
from bayes_synth.schema import Schema

SCHEMA = {
    "sex": {"kind": "categorical", "categories": ["F", "M"], "nullable": False},
    "age": {"kind": "integer", "min": 0, "max": 99, "nullable": False},
    "income": {"kind": "categorical", "categories": ["low", "high"]},
}


def tiny_model(epsilon: float = 1.0, *, seeded: bool = False, tables: list[np.ndarray] | None = None) -> Model:
    """sex -> age -> income, sex -> income; ``age`` has three bins (0-29, 30-59, 60-99), ``income`` a
    missing state. The ledger charges the budget as a fit would (``epsilon=inf``: every entry exact).

    ``tables`` replaces the conditional tables (shapes (1, 2), (2, 3), (6, 3)).
    """
    codecs = {
        "sex": CategoricalCodec("sex", "categorical", ["F", "M"], nullable=False),
        "age": NumericCodec("age", "integer", np.arange(0, 101, dtype=float), np.array([0, 30, 60]),
                            np.full(100, 0.01), nullable=False),
        "income": CategoricalCodec("income", "categorical", ["low", "high"], nullable=True),
    }
    if tables is None:
        tables = [
            np.array([[0.4, 0.6]]),
            np.array([[0.5, 0.3, 0.2], [0.3, 0.4, 0.3]]),
            np.array([[0.9, 0.05, 0.05], [0.7, 0.25, 0.05], [0.8, 0.15, 0.05],
                      [0.85, 0.1, 0.05], [0.5, 0.45, 0.05], [0.6, 0.35, 0.05]]),
        ]
    ledger = Ledger(epsilon)
    dp = ledger.private

    def cost(share: Fraction) -> Fraction:
        return share if dp else Fraction(0)

    def mech(name: str) -> str:
        return name if dp else "exact (not DP)"

    ledger.charge("row_count", (), mech("geometric"), 1, cost(Fraction(1, 50)))
    ledger.charge("histogram", ("age",), mech("geometric"), 1, cost(Fraction(1, 10)),
                  note="fine-grid histogram for bins and decoding")
    for step in (1, 2):
        ledger.charge("structure", ("sex", "age", "income"), mech("exponential"), 4, cost(Fraction(1, 8)),
                      note=f"greedy step {step}: choose a column and its parents")
    for cols in (("sex",), ("sex", "age"), ("sex", "age", "income")):
        ledger.charge("counts", cols, mech("geometric"), 1, cost(Fraction(21, 100)),
                      note=f"P({cols[-1]} | {', '.join(cols[:-1]) or '-'})")
    settings = {"epsilon": epsilon if dp else "inf", "delta": 0.0, "max_parents": 2, "n_bins": 3,
                "seeded": seeded, "neighbouring": "add/remove one record",
                "versions": {"bayes_synth": "0.1.0"}}
    return Model(Schema.from_dict(SCHEMA), codecs, (0, 1, 2), ((), (0,), (0, 1)), [np.asarray(t, float)
                 for t in tables], ledger, settings)
