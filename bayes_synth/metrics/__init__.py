"""Metrics of a synthetic table against the real one: similarity, utility and privacy risk.

Pure functions over pandas DataFrames (``real``, ``synthetic`` and, where needed, a real ``holdout``
the synthesizer never saw), the building blocks of the quality and risk report:

* :mod:`.similarity`: marginal TVD (1-, 2-, 3-way), per-column similarity and KS, mutual information
  and correlation differences; :func:`similarity_report` bundles them.
* :mod:`.utility`: train-synthetic-test-real with permutation importance agreement; random counting
  queries.
* :mod:`.privacy`: distance to closest record, membership inference, density (singling-out) risk,
  and :func:`flag_risky_rows` for the disclosure filter.
* :mod:`.common`: how cells are read (numbers in text, missing markers, numeric vs categorical) and
  discretised; every metric goes through it.

Functions returning dicts return plain JSON-ready values (floats rounded to 6 digits, NaN as None).
These metrics read the real data: they are for the data owner and are not covered by differential
privacy.

>>> import pandas as pd
>>> real = pd.DataFrame({"a": ["x", "x", "y", "y"]})
>>> column_tvd(real, pd.DataFrame({"a": ["x", "y", "y", "y"]})).to_dict()
{'a': 0.25}
"""

from __future__ import annotations

from .common import MISSING_LABEL, coerce, discretise, infer_numeric, json_ready
from .privacy import density_disclosure, distance_to_closest_record, flag_risky_rows, membership_inference
from .sequence import sequence_report
from .similarity import (
    column_similarity,
    column_tvd,
    correlation_difference,
    marginal_tvd,
    mi_difference,
    mutual_information,
    similarity_report,
    upper_mean,
)
from .utility import counting_queries, train_synthetic_test_real

__all__ = [
    "MISSING_LABEL",
    "coerce",
    "column_similarity",
    "column_tvd",
    "correlation_difference",
    "counting_queries",
    "density_disclosure",
    "discretise",
    "distance_to_closest_record",
    "flag_risky_rows",
    "infer_numeric",
    "json_ready",
    "marginal_tvd",
    "membership_inference",
    "mi_difference",
    "mutual_information",
    "sequence_report",
    "similarity_report",
    "train_synthetic_test_real",
    "upper_mean",
]

