"""Which cells of a table break their column's declared semantic type or format (for ``bayes-synth check``).

Independent of the sampler: reads only the constraints' declarations (:func:`plan_semantics` with
``detect=False``) and the catalogue's validators, on whole columns at once. The result is one boolean
mask per checked column (True: the cell is present but not of the type), never a value.

- a column with a display format (money ``$1,234.50``, a date ``format "%m/%d/%Y"``, a time, a duration)
  fails where a present value is not in that format;
- a ``pattern_id`` fails where a value does not fit its template (declared ``format``, else learned);
- other declared types fail where the catalogue's validator refuses the value (an email without ``@``,
  a card number failing Luhn, a sequential id that is not digits), except types validated by
  membership of a reference word list (:data:`~bayes_synth.semantic.catalogue.DETECTION_ONLY`) and
  types with no validator (the catalogue says why).

>>> import pandas as pd
>>> from bayes_synth.semantic.plan import ColumnType, Semantics
>>> s = Semantics({"mail": ColumnType("mail", "email", declared=True)})
>>> malformed_rows(s, pd.DataFrame({"mail": ["a@x.org", "nope", ""]}))["mail"].tolist()
[False, True, False]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from bayes_synth.semantic.catalogue import DETECTION_ONLY, TYPES
from bayes_synth.semantic.plan import FORMATTED, ColumnType, Semantics, _missing, parse_column

#: validators that judge a column as a whole (one pair of labels, one scale, one shared format), not each
#: value: their types are checked through their learned format, their template, or the declared kind
WHOLE_COLUMN = frozenset({"boolean", "ordinal", "pattern_id", *FORMATTED})


def malformed_rows(semantics: Semantics, frame: pd.DataFrame,
                   missing: Mapping[str, Iterable[str]] = {}) -> dict[str, np.ndarray]:
    """For each declared column that can be checked, the rows whose present value breaks its type or format.

    ``missing`` maps a column to its extra missing markers (``missing ["?"]``); blank cells are missing.
    """
    out: dict[str, np.ndarray] = {}
    for name, t in semantics.columns.items():
        if not t.declared or name not in frame.columns:
            continue
        present = ~_missing(frame[name], missing.get(name, ()))
        values = frame[name].astype(object).to_numpy()[present]
        ok = _valid(t, pd.Series(values, dtype=object).astype(str).str.strip())
        if ok is None:
            continue
        bad = np.zeros(len(frame), dtype=bool)
        bad[present] = ~ok
        out[name] = bad
    return out


def checkable(t: ColumnType) -> bool:
    """Whether :func:`malformed_rows` checks a column of this declared type."""
    return _valid(t, pd.Series([], dtype=object)) is not None


def _valid(t: ColumnType, values: pd.Series) -> np.ndarray | None:
    """True where a value (stripped text) is of the type; None when the type is not checked value by value."""
    if "format" in t.options:
        parsed = parse_column(values, t)
        return np.asarray(pd.notna(parsed), dtype=bool)
    if t.type == "pattern_id":
        from bayes_synth.semantic import ids

        pattern = t.options.get("pattern")
        return ids.valid_pattern_id(values.to_numpy(dtype=object), pattern) if pattern else None
    if t.type == "sequential_id":
        from bayes_synth.semantic import ids

        return ids.valid_sequential_id(values.to_numpy(dtype=object), str(t.options.get("prefix") or ""))
    validate = TYPES[t.type].validate
    if validate is None or t.type in WHOLE_COLUMN or t.type in DETECTION_ONLY:
        return None
    return np.asarray(validate(values.to_numpy(dtype=object)), dtype=bool)
