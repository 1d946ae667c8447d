"""How the privacy budget is split between the steps of a fit.

The split depends only on public facts (the budget, the number of columns and which facts were
declared), never on the data. Shares are exact fractions that add up to the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

#: Relative weights of the steps; a step with nothing to do gets no share.
WEIGHTS = {
    "row_count": Fraction(1, 50),
    "bounds": Fraction(1, 20),
    "categories": Fraction(1, 20),
    "histogram": Fraction(1, 10),
    "structure": Fraction(1, 4),
    "combinations": Fraction(1, 10),
}


@dataclass(frozen=True)
class BudgetPlan:
    """Per-query epsilon of each step (already divided among the step's queries)."""

    row_count: Fraction
    bounds: Fraction       # per column (one noisy histogram over the public magnitude grid)
    categories: Fraction   # per column (one partition selection)
    histogram: Fraction    # per numeric column (its fine-grid histogram)
    structure: Fraction    # per greedy selection
    counts: Fraction       # per conditional table
    categories_delta: Fraction
    combinations: Fraction = Fraction(0)  # per 'combine' statement (one noisy count of every tuple)

    def to_dict(self) -> dict[str, Any]:
        return {k: str(v) for k, v in self.__dict__.items()}


def plan_budget(epsilon: float, delta: float, *, n_columns: int, n_bounds: int, n_categories: int,
                n_numeric: int, n_combines: int = 0) -> BudgetPlan:
    """Split ``epsilon`` between the steps (and ``delta`` between category discoveries).

    ``n_combines``: the number of ``combine`` statements; they share the ``combinations`` weight
    equally, and the step takes nothing from the budget when there are none.

    >>> p = plan_budget(1.0, 0.0, n_columns=3, n_bounds=0, n_categories=0, n_numeric=1)
    >>> p.row_count + p.histogram + 2 * p.structure + 3 * p.counts == 1
    True
    """
    total = Fraction(epsilon) if epsilon != float("inf") else Fraction(1)
    used = {
        "row_count": 1,
        "bounds": n_bounds,
        "categories": n_categories,
        "histogram": n_numeric,
        "structure": max(n_columns - 1, 0),
        "combinations": n_combines,
    }
    fixed = sum((WEIGHTS[k] for k, n in used.items() if n), Fraction(0))
    counts_total = total * (1 - fixed)
    per = {k: (total * WEIGHTS[k] / n if n else Fraction(0)) for k, n in used.items()}
    return BudgetPlan(
        row_count=per["row_count"], bounds=per["bounds"], categories=per["categories"],
        histogram=per["histogram"], structure=per["structure"],
        counts=counts_total / max(n_columns, 1),
        categories_delta=Fraction(delta) / n_categories if n_categories else Fraction(0),
        combinations=per["combinations"],
    )
