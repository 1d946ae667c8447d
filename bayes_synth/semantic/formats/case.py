"""Letter case of text: learn it from a column (upper, lower, title or mixed) and apply it to strings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError
from bayes_synth.semantic.formats._common import MATCH_THRESHOLD, _objects, _present, _rate

CASES = ("upper", "lower", "title", "mixed")


def _title(s: pd.Series) -> pd.Series:
    # First letter of each word upper, the rest lower; a word starts after whitespace, '-', '/' or '('
    # (not after an apostrophe: "Don't", not "Don'T" as str.title gives).
    return s.str.lower().str.replace(r"(?:^|(?<=[\s\-/(]))\w", lambda m: m.group(0).upper(), regex=True)


def learn_case(values: pd.Series) -> str:
    """The letter case of a text column: ``upper``, ``lower``, ``title`` or ``mixed``.

    Values without cased letters are ignored; a case is returned when at least
    :data:`MATCH_THRESHOLD` of the others have it (checked in the order upper, lower, title).

    >>> learn_case(pd.Series(["NEW YORK", "PARIS", None]))
    'upper'
    >>> learn_case(pd.Series(["New York", "Rio de Janeiro"]))
    'mixed'
    """
    s = _present(values)
    s = s[s.str.upper() != s.str.lower()]
    if s.empty:
        return "mixed"
    for case, t in (("upper", s.str.upper()), ("lower", s.str.lower()), ("title", _title(s))):
        if _rate((s == t).to_numpy()) >= MATCH_THRESHOLD:
            return case
    return "mixed"


def apply_case(values: np.ndarray, case: str) -> np.ndarray:
    """Put strings in a letter case (``upper``, ``lower``, ``title``; ``mixed`` leaves them); None stays None.

    >>> apply_case(np.array(["new york", None, "don't stop"], dtype=object), "title").tolist()
    ['New York', None, "Don't Stop"]
    """
    if case not in CASES:
        raise ParameterError("case must be one of upper, lower, title, mixed, e.g. apply_case(values, 'upper')")
    s = pd.Series(np.asarray(values, dtype=object), dtype=object)
    ok = s.notna().to_numpy()
    if case == "mixed" or not ok.any():
        return _objects(s[ok].to_numpy(dtype=object), ok)
    t = s[ok].astype(str)
    t = t.str.upper() if case == "upper" else t.str.lower() if case == "lower" else _title(t)
    return _objects(t.to_numpy(dtype=object), ok)
