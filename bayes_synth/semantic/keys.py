"""Identifiers that stay the same across related tables: entity number -> ID, keyed and one-to-one.

An entity table and its event table (accounts and their transactions) must give account number ``k``
the same ``account_id`` in both. :func:`entity_ids` maps entity numbers to IDs of a template with a
keyed permutation of the template's values (``x -> (a*x + b) mod capacity``, ``a`` coprime with the
capacity): the same key, template and number give the same ID in any table and any process, and
different numbers never share an ID. The key is a secret of the release, not of the data: IDs carry
nothing about real records.

>>> entity_ids([0, 1, 2], "ACC-000000", key=7).tolist() == entity_ids([0, 1, 2], "ACC-000000", key=7).tolist()
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bayes_synth.semantic.ids import pattern_capacity, pattern_values


def entity_ids(numbers: Sequence[int] | np.ndarray, pattern: str, key: int) -> np.ndarray:
    """The ID of each entity number (0-based, below the template's capacity) under ``key``.

    >>> entity_ids([5], "ID-00", key=1)[0] != entity_ids([6], "ID-00", key=1)[0]
    True
    """
    capacity = pattern_capacity(pattern)
    index = np.asarray(numbers, dtype=np.int64)
    if len(index) and (index.min() < 0 or index.max() >= capacity):
        raise ValueError(f"entity numbers must be in [0, {capacity}) for the pattern {pattern!r}; "
                         f"got {int(index.min())} to {int(index.max())}")
    rng = np.random.default_rng(np.random.SeedSequence([int(key) & 0xFFFFFFFF, capacity % 2**32]))
    a = 1
    for _ in range(1000):  # a multiplier coprime with the capacity makes the map one-to-one
        a = int(rng.integers(1, max(capacity, 2))) | 1
        if math.gcd(a, capacity) == 1:
            break
    b = int(rng.integers(0, max(capacity, 1)))
    if capacity < 2**31:
        mapped = (index * a + b) % capacity
    else:  # exact integer arithmetic beyond int64 products
        mapped = (index.astype(object) * a + b) % capacity
    return pattern_values(mapped, pattern)
