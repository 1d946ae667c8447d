"""Boolean display formats, the two words a column uses for True and False: :class:`BoolFormat`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError
from bayes_synth.semantic.formats._common import (
    MATCH_THRESHOLD,
    _check_str,
    _expect,
    _fail,
    _mode,
    _objects,
    _present,
    _rate,
    _series,
    _text,
    _to_dict,
)
from bayes_synth.semantic.formats.case import apply_case, learn_case

_BOOL_PAIRS = (("yes", "no"), ("y", "n"), ("true", "false"), ("t", "f"), ("1", "0"), ("on", "off"))


@dataclass(frozen=True)
class BoolFormat:
    """The two words a column uses for True and False, case preserved (``"Yes"``/``"No"``, ``"Y"``/``"N"``).

    >>> BoolFormat("Y", "N").to_dict()
    {'family': 'bool', 'true': 'Y', 'false': 'N'}
    """

    true: str
    false: str

    family: ClassVar[str] = "bool"

    def __post_init__(self) -> None:
        c, ex = "BoolFormat", "BoolFormat('yes', 'no')"
        for name in ("true", "false"):
            v = getattr(self, name)
            _check_str(v, c, name, "a non-blank word of at most 16 characters", ex,
                       ok=type(v) is str and 0 < len(v) <= 16 and v == v.strip())
        if self.true.lower() == self.false.lower():
            _fail(c, "false", "a different word from the true one (ignoring case)", ex)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> BoolFormat("true", "false").to_dict()["false"]
        'false'
        """
        return _to_dict(self)


def _case_like(word: str, model: str) -> str:
    case = learn_case(pd.Series([model]))
    return str(apply_case(np.array([word], dtype=object), "title" if case == "mixed" else case)[0])


def learn_bool_format(values: pd.Series) -> BoolFormat | None:
    """Learn the true/false words of a column (yes/no, y/n, true/false, t/f, 1/0, on/off), or ``None``.

    The most common spelling of each word is kept (``"Yes"`` stays ``"Yes"``); if a column only shows
    one of the two, the other is derived in the same case. At least :data:`MATCH_THRESHOLD` of the
    non-blank values must be one of the two words (case-insensitively).

    >>> learn_bool_format(pd.Series(["Y", "N", "Y", None]))
    BoolFormat(true='Y', false='N')
    >>> learn_bool_format(pd.Series(["TRUE", "TRUE"]))
    BoolFormat(true='TRUE', false='FALSE')
    """
    text = _present(values)
    if text.empty:
        return None
    low = text.str.lower()
    for t, f in _BOOL_PAIRS:
        if _rate(low.isin((t, f)).to_numpy()) < MATCH_THRESHOLD:
            continue
        ts, fs = text[low == t], text[low == f]
        true = _mode(ts, "") or _case_like(t, _mode(fs, f))
        false = _mode(fs, "") or _case_like(f, true)
        return BoolFormat(true, false)
    return None


def parse_bools(values: pd.Series, fmt: BoolFormat) -> pd.Series:
    """The words of ``fmt`` as a nullable ``boolean`` Series (case-insensitive; others are NA).

    >>> parse_bools(pd.Series(["Yes", "no", "maybe", None]), BoolFormat("Yes", "No")).tolist()
    [True, False, <NA>, <NA>]
    """
    _expect(fmt, BoolFormat, "BoolFormat('yes', 'no')")
    s = _series(values)
    low = _text(s).str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[(low == fmt.true.lower()).to_numpy(dtype=bool)] = True
    out[(low == fmt.false.lower()).to_numpy(dtype=bool)] = False
    return out


def render_bools(x: np.ndarray, fmt: BoolFormat) -> np.ndarray:
    """Render booleans (or 0/1) as the words of ``fmt``: object array, None for missing.

    >>> render_bools(np.array([True, False, None], dtype=object), BoolFormat("Y", "N")).tolist()
    ['Y', 'N', None]
    """
    _expect(fmt, BoolFormat, "BoolFormat('yes', 'no')")
    try:
        b = _series(x).astype("boolean")
    except (TypeError, ValueError):
        raise ParameterError("render_bools expects booleans, 0/1 or missing values, e.g. "
                             "np.array([True, False])") from None
    ok = b.notna().to_numpy(dtype=bool)
    return _objects(np.where(b[ok].to_numpy(dtype=bool), fmt.true, fmt.false), ok)
