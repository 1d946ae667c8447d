"""The auditor's API on a fitted :class:`~bayes_synth.synthesizer.Synthesizer`: ``load_model(path).parents(col)``.

:class:`ModelView` forwards the read-only questions of :class:`~bayes_synth.model.Model` to the fitted
``model_``, so that ``model = load_model(path)`` answers them directly (``model.model_.parents(col)`` still
works). Before ``fit`` each raises :class:`~bayes_synth.errors.NotFittedError`. Everything here reads only
the model: it is post-processing and costs no privacy budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from bayes_synth.model import Model
    from bayes_synth.privacy.ledger import Ledger


class ModelView:
    """Mixin: the fitted model's explanations, queries, ledger and model card (needs ``self._fitted()``)."""

    def _fitted(self) -> Model:  # pragma: no cover - provided by the class using the mixin
        raise NotImplementedError

    @property
    def columns(self) -> list[str]:
        """The model's columns, in the order of the file (derived columns are not modelled)."""
        return self._fitted().columns

    @property
    def ledger(self) -> Ledger:
        """The privacy ledger: every use of the data with its mechanism and cost (``.to_frame()`` for a table)."""
        return self._fitted().ledger

    def parents(self, column: str) -> tuple[str, ...]:
        """The columns ``column`` is drawn given (its parents in the network)."""
        return self._fitted().parents(column)

    def children(self, column: str) -> tuple[str, ...]:
        """The columns drawn given ``column`` (its children in the network)."""
        return self._fitted().children(column)

    def edges(self) -> list[tuple[str, str]]:
        """Every (parent, child) pair of the network."""
        return self._fitted().edges()

    def table(self, column: str) -> pd.DataFrame:
        """P(column | parents) with readable labels: one row per parent configuration (bins as ranges)."""
        return self._fitted().table(column)

    def explain(self, column: str, *, format: str = "dict") -> dict[str, Any] | str:
        """What drives ``column`` and how much: parents and children with mutual information in bits
        (``format="text"`` for a readable rendering). See :meth:`bayes_synth.model.Model.explain`."""
        return self._fitted().explain(column, format=format)

    def query(self, target: str, evidence: dict[str, Any] | None = None) -> pd.Series:
        """P(target | evidence) by exact inference; evidence as the columns' own values, e.g.
        ``model.query("income", evidence={"sex": "Female", "age": 37})``."""
        return self._fitted().query(target, evidence)

    def strongest_dependencies(self, k: int | None = 10) -> pd.DataFrame:
        """The network's edges ranked by mutual information I(child; parent) in bits (top ``k``)."""
        return self._fitted().strongest_dependencies(k)

    def model_card(self, format: str = "markdown") -> str:
        """The model card (``markdown`` or ``html``): the guarantee, what was declared public and what was
        estimated under DP, the budget by query kind, the network, the rules and what is not covered."""
        return self._fitted().model_card(format)

    def graph(self, format: str = "svg", *, direction: str = "LR", column: str | None = None) -> str | bytes:
        """The network as ``svg``, ``png`` (bytes), ``dot`` or ``mermaid``; ``column`` draws only its
        neighbourhood. See :meth:`bayes_synth.model.Model.graph`."""
        return self._fitted().graph(format, direction=direction, column=column)
