"""The one door to the private data during training: counting queries over encoded columns.

:class:`CountSource` answers ``counts(columns)`` over integer codes and nothing else, so the same
learning code could run on an out-of-core or distributed engine that answers that one query.
:class:`PrivateQueries` is the only caller of the mechanisms during ``fit``: every answer it releases
is noisy (unless epsilon is infinite) and recorded in the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from bayes_synth.errors import DomainTooLargeError
from bayes_synth.privacy import mechanisms
from bayes_synth.privacy.ledger import Ledger

MAX_TABLE_CELLS = 5_000_000


class CountSource:
    """Contingency counts over the columns of an (n_rows, n_columns) integer code array.

    >>> src = CountSource(np.array([[0, 1], [1, 1], [1, 0]]), [2, 2], ["a", "b"])
    >>> src.counts([0, 1]).tolist()
    [[0, 1], [1, 1]]
    """

    def __init__(self, codes: np.ndarray, sizes: Sequence[int], names: Sequence[str]):
        codes = np.asarray(codes)
        # one contiguous array per column: counting reads columns, never rows
        self._columns = [np.ascontiguousarray(codes[:, j], dtype=np.int64) for j in range(codes.shape[1])]
        self._n = codes.shape[0]
        self.sizes = [int(s) for s in sizes]
        self.names = list(names)
        self.calls = 0

    def counts(self, columns: Sequence[int]) -> np.ndarray:
        """Exact counts of every combination of codes of ``columns`` (in the order given)."""
        self.calls += 1
        shape = tuple(self.sizes[c] for c in columns)
        cells = math.prod(shape)
        if cells > MAX_TABLE_CELLS:
            names = [self.names[c] for c in columns]
            raise DomainTooLargeError(
                f"A table over {names} would have {cells:,} cells (cap {MAX_TABLE_CELLS:,}); "
                "declare fewer bins or categories for these columns, or lower max_parents."
            )
        if not columns:
            return np.array(self._n, dtype=np.int64)
        index = self._columns[columns[0]].copy()
        for c in columns[1:]:
            index *= self.sizes[c]
            index += self._columns[c]
        return np.bincount(index, minlength=cells).reshape(shape).astype(np.int64)


class PrivateQueries:
    """Ledgered, noisy access to a :class:`CountSource`."""

    def __init__(self, source: CountSource, ledger: Ledger, noise_state=None):
        self.source = source
        self.ledger = ledger
        self.noise_state = noise_state

    def noisy_counts(self, columns: Sequence[int], epsilon: Fraction, *,
                     query_kind: str = "counts", sensitivity: int = 1, note: str = "") -> np.ndarray:
        """Counts over ``columns`` with geometric noise of scale sensitivity/epsilon, ledgered."""
        exact = self.source.counts(columns)
        names = tuple(self.source.names[c] for c in columns)
        self.ledger.charge(query_kind, names, _mech("geometric", self.ledger), sensitivity,
                           _cost(epsilon, self.ledger), note=note)
        return mechanisms.geometric_counts(exact, _eps(epsilon, self.ledger), sensitivity,
                                           self.noise_state)

    def select(self, n_candidates: int, utility: Callable[[Callable], np.ndarray], epsilon: Fraction,
               sensitivity: float, *, columns: Sequence[str], query_kind: str = "structure",
               note: str = "") -> int:
        """Exponential-mechanism choice among candidates scored by ``utility(counts)``."""
        scores = np.asarray(utility(self.source.counts), dtype=float)
        if scores.shape != (n_candidates,):
            raise ValueError("utility must return one score per candidate")
        self.ledger.charge(query_kind, tuple(columns), _mech("exponential", self.ledger),
                           sensitivity, _cost(epsilon, self.ledger), note=note)
        return mechanisms.exponential_select(scores, _eps(epsilon, self.ledger), sensitivity,
                                             self.noise_state)


def _eps(epsilon: Fraction, ledger: Ledger) -> float:
    return float(epsilon) if ledger.private else math.inf


def _cost(epsilon: Fraction, ledger: Ledger) -> Fraction:
    """What the ledger records: the share spent, or 0 for exact answers in the not-DP mode."""
    return Fraction(epsilon) if ledger.private else Fraction(0)


def _mech(name: str, ledger: Ledger) -> str:
    return name if ledger.private else "exact (not DP)"
