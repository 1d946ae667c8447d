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
    rules_source: str | None = None  # the constraints the model was fitted with (see rules_origin)
    combinations: list[Combination] = field(default_factory=list)  # kept tuples of each 'combine' (DP)
    semantics: dict[str, Any] | None = None  # semantic types, formats, entities (plain data, no values)
    # where the rules came from: "file" (name or None), "sha256" (of the file's bytes), "as_written" (bool)
    rules_origin: dict[str, Any] = field(default_factory=dict)

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

    def explain(self, column: str, *, format: str = "dict") -> dict[str, Any] | str:
        """What drives ``column`` and how much: its parents with the mutual information I(column; parent)
        in bits, and the children it drives with I(child; column), from the model's own joint
        distribution (exact enumeration; sampled, and said so, when the joint is too large).

        ``format="text"`` gives a short readable rendering instead of the dict.

        >>> from bayes_synth.inspect.examples import tiny_model
        >>> [p["column"] for p in tiny_model().explain("income")["parents"]]
        ['age', 'sex']
        """
        from bayes_synth.inspect.explain import explain, explain_text

        if format not in ("dict", "text"):
            raise ParameterError(f"format must be 'dict' or 'text'; got {format!r}")
        info = explain(self, column)
        return explain_text(info) if format == "text" else info

    def query(self, target: str, evidence: dict[str, Any] | None = None) -> pd.Series:
        """P(target | evidence) with readable labels, by exact inference (pgmpy ``VariableElimination``).

        Evidence values are the columns' own values (a category, a number inside a numeric column's
        range: its bin, or a bin label such as ``"[30, 59]"``; ``None`` for the missing state).

        >>> model.query("income", evidence={"sex": "Female", "age": 37})  # doctest: +SKIP
        """
        from bayes_synth.inspect.query import query

        return query(self, target, evidence)

    def strongest_dependencies(self, k: int | None = 10) -> pd.DataFrame:
        """The network's edges ranked by mutual information I(child; parent) in bits (top ``k``).

        >>> from bayes_synth.inspect.examples import tiny_model
        >>> tiny_model().strongest_dependencies(1)[["parent", "child"]].values.tolist()
        [['age', 'income']]
        """
        from bayes_synth.inspect.explain import strongest_dependencies

        return strongest_dependencies(self, k)

    def model_card(self, format: str = "markdown") -> str:
        """The model card (``markdown`` or ``html``): the formal guarantee, its status (DP, NOT DP, seeded,
        void), what was declared public, estimated under DP or assumed public, the budget by query kind,
        the columns, the network, the rules, the versions and what is not covered.
        """
        from bayes_synth.inspect.card import model_card

        if format not in ("markdown", "html"):
            raise ParameterError(f"format must be 'markdown' or 'html'; got {format!r}")
        return model_card(self, format)

    def graph(self, format: str = "svg", *, direction: str = "LR", column: str | None = None) -> str | bytes:
        """The network as ``svg`` text or ``png`` bytes (drawn with matplotlib when it is installed:
        ``pip install 'bayes_synth[pictures]'``; without it the SVG is drawn by bayes_synth itself and PNG
        is refused), or as ``dot`` (Graphviz) or ``mermaid`` text.

        ``column`` draws only that column's neighbourhood: the column, its parents and its children.
        """
        from bayes_synth.inspect import graph, png

        makers = {"svg": graph.to_svg, "png": png.to_png, "dot": graph.to_dot, "mermaid": graph.to_mermaid}
        if format not in makers:
            raise ParameterError(f"format must be one of {', '.join(makers)}; got {format!r}")
        if column is None:
            return makers[format](self, direction=direction)
        sub = graph.neighbourhood(self, column)
        titled = {"title": sub.title} if format in ("svg", "png") else {}
        return makers[format](sub, direction=direction, **titled)

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
