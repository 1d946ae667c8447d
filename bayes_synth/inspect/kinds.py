"""The ledger's query kinds as documented in docs/privacy.md, embedded so an audit works from a wheel.

One :class:`DocumentedKind` per ``### `<kind>``` section of docs/privacy.md: the mechanism the section
documents (``doc_phrase`` is quoted from it), the mechanism names a ledger entry of that kind may carry,
and the documented sensitivity. A test keeps this table and the page in step.

>>> DOCUMENTED["structure"].sensitivity, DOCUMENTED["structure"].mechanisms
(4.0, ('exponential',))
"""

from __future__ import annotations

from dataclasses import dataclass

#: What a ledger entry says in the no-noise mode (epsilon = inf), whatever its kind's mechanism.
EXACT = "exact (not DP)"


@dataclass(frozen=True)
class DocumentedKind:
    """What docs/privacy.md says about one query kind."""

    kind: str
    doc_phrase: str            # the mechanism as the section names it
    mechanisms: tuple[str, ...]  # the mechanism strings a ledger entry of this kind may hold
    sensitivity: float         # the documented sensitivity (0: not a query of the data under DP)
    charges_budget: bool       # False: recorded with epsilon = 0 (never a DP release)
    summary: str

    def accepts(self, mechanism: str, private: bool) -> bool:
        """Whether a ledger entry's mechanism agrees with this section (exact answers only when not DP)."""
        return mechanism in self.mechanisms or (not private and self.charges_budget and mechanism == EXACT)


DOCUMENTED: dict[str, DocumentedKind] = {d.kind: d for d in (
    DocumentedKind("row_count", "geometric", ("geometric",), 1.0, True,
                   "the number of rows, geometric noise of scale 1/epsilon"),
    DocumentedKind("bounds", "geometric", ("geometric",), 1.0, True,
                   "bounds of undeclared numeric columns, from a noisy histogram over a public grid"),
    DocumentedKind("categories", "DP partition selection", ("geometric partition selection",), 1.0, True,
                   "category sets of undeclared categorical columns, noisy counts over a threshold (needs delta)"),
    DocumentedKind("histogram", "geometric", ("geometric",), 1.0, True,
                   "fine-grid histogram of each numeric column (bins and within-bin draws)"),
    DocumentedKind("structure", "exponential", ("exponential",), 4.0, True,
                   "one greedy choice of a column and its parents, exponential mechanism"),
    DocumentedKind("counts", "geometric", ("geometric",), 1.0, True,
                   "the contingency table behind one conditional table, geometric noise"),
    DocumentedKind("combinations", "geometric", ("geometric",), 1.0, True,
                   "noisy counts of every tuple of a 'combine' statement's public domain"),
    DocumentedKind("metadata", "none (assumed public)", ("none (assumed public)",), 0.0, False,
                   "schema facts taken from the input and treated as public (not protected)"),
    DocumentedKind("disclosure_filter", "not a DP mechanism", ("none: reads the real data (no DP)",), 0.0, False,
                   "a filter that read the real data at sample time: the DP guarantee is void"),
)}
