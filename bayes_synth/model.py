"""The fitted model: schema, codecs, network, conditional tables, ledger and fit settings.

A :class:`Model` holds no raw rows and no exact counts: only public facts and DP outputs. It can
explain itself (parents, children, readable tables) and convert to a pgmpy network for inference. The
file format lives in :mod:`bayes_synth.modelfile`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.combinations import Combination
from bayes_synth.encode import Codec
from bayes_synth.errors import ParameterError
from bayes_synth.privacy.ledger import Ledger
from bayes_synth.schema import Schema


@dataclass
class Model:
    """A fitted differentially private Bayesian network over encoded columns.

    ``parents_idx[i]`` lists column ``i``'s parents (column indices); ``tables[i]`` has shape
    (number of parent configurations, size of column ``i``), parent configurations in C order.
    ``combinations`` holds, for each ``combine`` statement of the rules, the value tuples kept under DP.
    """

    schema: Schema
    codecs: dict[str, Codec]
    order: tuple[int, ...]
    parents_idx: tuple[tuple[int, ...], ...]
    tables: list[np.ndarray]
    ledger: Ledger
    settings: dict[str, Any] = field(default_factory=dict)
    rules_source: str | None = None  # the constraints the model was fitted with (includes expanded)
    combinations: list[Combination] = field(default_factory=list)  # kept tuples of each 'combine' (DP)
    semantics: dict[str, Any] | None = None  # semantic types, formats, entities (plain data, no values)

    @property
    def columns(self) -> list[str]:
        return list(self.codecs)

    @property
    def sizes(self) -> list[int]:
        return [c.size for c in self.codecs.values()]

    def _index(self, column: str) -> int:
        try:
            return self.columns.index(column)
        except ValueError:
            raise ParameterError(f"Unknown column {column!r}; the model's columns are {self.columns}.") from None

    def parents(self, column: str) -> tuple[str, ...]:
        """The columns ``column`` is conditioned on.

        >>> model.parents("income")  # doctest: +SKIP
        ('relationship', 'education-num')
        """
        return tuple(self.columns[p] for p in self.parents_idx[self._index(column)])

    def children(self, column: str) -> tuple[str, ...]:
        """The columns conditioned on ``column``."""
        i = self._index(column)
        return tuple(self.columns[c] for c in range(len(self.columns)) if i in self.parents_idx[c])

    def edges(self) -> list[tuple[str, str]]:
        """Every (parent, child) pair of the network."""
        return [(self.columns[p], self.columns[c]) for c in range(len(self.columns))
                for p in self.parents_idx[c]]

    def table(self, column: str) -> pd.DataFrame:
        """P(column | parents) with readable labels: one row per parent configuration.

        Bins of numeric columns are shown as ranges; the missing state as ``<missing>``.
        """
        i = self._index(column)
        ps = self.parents_idx[i]
        labels = [self.codecs[self.columns[p]].labels() for p in ps]
        index = (pd.MultiIndex.from_product(labels, names=[self.columns[p] for p in ps])
                 if ps else pd.Index(["(no parents)"], name=""))
        cols = pd.Index(self.codecs[column].labels(), name=column)
        return pd.DataFrame(self.tables[i], index=index, columns=cols)

    @property
    def private(self) -> bool:
        """True when the model was fitted under differential privacy (finite epsilon)."""
        return self.ledger.private

    def to_pgmpy(self):
        """The network as a pgmpy ``DiscreteBayesianNetwork`` (states named by readable labels).

        pgmpy's inference engines then answer queries, e.g.
        ``VariableElimination(model.to_pgmpy()).query(["income"], evidence={"sex": "Male"})``.
        """
        from bayes_synth._pgmpy import to_pgmpy

        return to_pgmpy(self)

    def __repr__(self) -> str:
        mode = f"epsilon={self.ledger.epsilon:g}" if self.private else "NOT DP"
        return f"Model({len(self.columns)} columns, {len(self.edges())} edges, {mode})"
