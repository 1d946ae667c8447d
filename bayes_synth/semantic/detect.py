"""Detect a column's semantic type from its values (and its name), with a confidence.

Declared types always win (:mod:`bayes_synth.semantic.plan` never calls this for them). Detection
looks at up to :data:`SAMPLE` distinct non-missing values: a type is a candidate when at least
:data:`MIN_SHARE` of them validate (:data:`MIN_SHARE_WITH_HINT` when the column name suggests it);
types whose values alone are not telling (a first name is any word) need the name hint. The most
specific candidate wins (the catalogue's order). Text columns that match no type but are nearly all
distinct are identifiers or free text and are generated, never modelled as categories.

>>> import pandas as pd
>>> detect_column(pd.Series(["a@x.org", "b@y.com", "c@z.net"]), "contact").type
'email'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.catalogue import TYPES

SAMPLE = 2000
PLAIN_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
MIN_SHARE = 0.95
MIN_SHARE_WITH_HINT = 0.8
#: text columns with at least this share of distinct values (and MIN_DISTINCT values) are identifiers
ID_DISTINCT_SHARE = 0.9
MIN_DISTINCT = 20
#: whole-number ids are consecutive keys when their distinct values fill at least this share of their range
SEQUENTIAL_DENSITY = 0.5
#: values that repeat (order references of an event table) are identifiers when they have one ID shape
#: (ORD-000123, or digits under an id-like name) and either this many distinct values (more than can be
#: modelled as categories) or this share of distinct values (a handful of rows per value: too rare to learn)
REPEATED_ID_DISTINCT = 1000
REPEATED_ID_SHARE = 0.2
#: most specific first: a valid IBAN is also a pattern, an email is also text
ORDER = ("uuid", "email", "iban", "credit_card", "ssn", "uk_nino", "vat_number", "ipv6", "ipv4", "mac", "url",
         "user_agent", "hash_id", "timestamp_tz", "datetime", "date", "duration", "time", "money", "percentage",
         "card_expiry", "routing_number", "sort_code", "phone", "postcode", "colour_hex", "boolean", "gender", "title",
         "weekday", "month", "year", "country", "country_code3", "country_code", "currency_code", "language_code",
         "region", "city", "first_name", "last_name", "street_address", "company_name", "job_title", "domain",
         "file_name", "licence_plate", "ordinal", "latitude", "longitude")


@dataclass(frozen=True)
class Detection:
    """A detected type: ``confidence`` is the share of sampled values that validate (1.0 when declared)."""

    type: str
    confidence: float
    options: dict[str, Any] = field(default_factory=dict)
    declared: bool = False


def text_values(series: pd.Series) -> np.ndarray:
    """The distinct non-missing, non-empty values as stripped text (at most :data:`SAMPLE`)."""
    values = series.dropna()
    if not len(values):
        return np.array([], dtype=object)
    text = values.astype(str).str.strip()
    text = text[text != ""]
    return np.asarray(pd.unique(text.to_numpy(dtype=object))[:SAMPLE], dtype=object)


def detect_column(series: pd.Series, name: str) -> Detection | None:
    """The most specific type the values fit, an identifier/free-text type, or None (a plain column)."""
    values = text_values(series)
    if len(values) == 0:
        return None
    best = None
    numbers = bool(pd.Series(values, dtype=object).str.fullmatch(PLAIN_NUMBER).all())
    for type_name in ORDER:
        t = TYPES[type_name]
        hinted = t.matches_name(name)
        if t.validate is None or (t.needs_hint and not hinted):
            continue
        if numbers and t.format_family in ("number", "date", "duration"):
            continue  # plain numbers are read as numbers by ingest, not as dates or amounts
        share = float(np.mean(t.validate(values)))
        if share >= (MIN_SHARE_WITH_HINT if hinted else MIN_SHARE):
            best = Detection(type_name, round(share, 3))
            break
    if best is not None:
        return best
    return _identifier(series, values, name)


def _identifier(series: pd.Series, values: np.ndarray, name: str) -> Detection | None:
    """Nearly all distinct text: a sequential number, a patterned code, free text, or an opaque id."""
    present = series.dropna().astype(str).str.strip()
    present = present[present != ""]
    distinct = present.nunique()
    if len(values) < MIN_DISTINCT or distinct < ID_DISTINCT_SHARE * len(present):
        if TYPES["full_name"].matches_name(name) and _looks_like_names(values):
            return Detection("full_name", 0.8)
        if distinct >= REPEATED_ID_DISTINCT or (len(values) >= MIN_DISTINCT and distinct >= REPEATED_ID_SHARE
                                                * len(present)):
            return _repeated_identifier(values, name)
        return None
    digits = pd.Series(values, dtype=object).str.fullmatch(r"\d+")
    if not digits.all() and pd.Series(values, dtype=object).str.fullmatch(PLAIN_NUMBER).all():
        return None  # distinct decimals: a measurement, modelled as a number
    if digits.all() and TYPES["sequential_id"].matches_name(name):
        return _sequential(values, distinct)
    if digits.all():
        return None  # distinct numbers without an id name: a measurement, modelled as a number
    if _looks_like_names(values) and TYPES["full_name"].matches_name(name):
        return Detection("full_name", 0.8)
    for hinted in ("street_address", "company_name"):  # any words: only the column name tells
        if TYPES[hinted].matches_name(name):
            return Detection(hinted, 0.8)
    if np.mean([" " in v for v in values]) >= 0.5:
        return Detection("free_text", 0.9)
    from bayes_synth.semantic import ids

    pattern = ids.learn_pattern(values) or _modal_shape(values)
    return Detection("pattern_id", 0.9, {"pattern": pattern})


def _sequential(values: np.ndarray, distinct: int | None = None) -> Detection:
    """Whole numbers under an id-like name: consecutive keys (``1, 2, 3``, ``000123``), or random digit ids
    (``40518719``) generated as random digits of the same length and zero padding, never counted 1, 2, 3.

    The values are consecutive, or nearly, when the column's ``distinct`` values (all of them, not only the
    sample) fill at least :data:`SEQUENTIAL_DENSITY` of the range the sampled values span.
    """
    widths = {len(v) for v in values}
    padded = len(widths) == 1 and any(v.startswith("0") for v in values)
    told = distinct is not None or len(values) < SAMPLE  # (a sample of a larger column: keys, as before)
    if told and not _consecutive(values, len(values) if distinct is None else distinct):
        width = int(pd.Series([len(v) for v in values]).mode().iloc[0])
        options: dict[str, Any] = {"pattern": "0" * width}
        if not any(v.startswith("0") for v in values):
            options["nonzero_first"] = True
        return Detection("pattern_id", 0.9, options)
    return Detection("sequential_id", 1.0, {"width": widths.pop() if padded else 0})


def _consecutive(values: np.ndarray, distinct: int) -> bool:
    numbers = pd.Series(values, dtype=object)
    if numbers.str.len().max() > 18:
        return False  # longer than any key counted one by one
    numbers = numbers.astype(np.int64)
    return distinct >= SEQUENTIAL_DENSITY * (int(numbers.max()) - int(numbers.min()) + 1)


def _repeated_identifier(values: np.ndarray, name: str) -> Detection | None:
    """Many distinct values that repeat: an identifier only when they share one ID shape with digits
    (``ORD-000123``), or are whole numbers under an id-like name; anything else stays a category."""
    text = pd.Series(values, dtype=object)
    if text.str.fullmatch(r"\d+").all():
        return _sequential(values) if TYPES["sequential_id"].matches_name(name) else None
    if text.str.fullmatch(PLAIN_NUMBER).all() or text.str.contains(" ").any():
        return None
    from bayes_synth.semantic import ids

    pattern = ids.learn_pattern(values)
    if pattern is None or "0" not in pattern.replace("\\0", ""):
        return None
    return Detection("pattern_id", 0.9, {"pattern": pattern})


def _looks_like_names(values: np.ndarray) -> bool:
    text = pd.Series(values, dtype=object)
    return bool(text.str.fullmatch(r"[^\W\d_]+([ '.-][^\W\d_]+){1,3}").mean() >= 0.9)


def _modal_shape(values: np.ndarray) -> str:
    """The most common shape of the values as a template (letters A/a, digits 0, the rest literal)."""
    def shape(v: str) -> str:
        out = re.sub(r"[A-Z]", "A", v)
        out = re.sub(r"[a-z]", "a", out)
        out = re.sub(r"\d", "0", out)
        return re.sub(r"[^A-Za0\-_ ./:]", "X", out)

    return pd.Series([shape(v) for v in values]).mode().iloc[0]
