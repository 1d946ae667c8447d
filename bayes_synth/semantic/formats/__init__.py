"""Display formats of table values: learn them from real strings, parse them, render them back.

A column of a real table is often text that *displays* a plainer value: ``"$1,234.50"`` is the
number 1234.5, ``"3/7/2021"`` a date, ``"2h 15m"`` a duration of 8100 seconds, ``"Y"``/``"N"`` a
boolean. This module learns such a display format from the real strings of a column, parses the
strings into plain values a model can learn (floats, datetimes, timedeltas, integers, booleans) and
renders generated plain values back into strings in the same format, so synthetic output looks like
the input.

Every format is a frozen dataclass, JSON-serialisable with ``to_dict()`` and read back with
:func:`format_from_dict`, which only checks plain strings, integers and booleans (nothing is ever
evaluated, imported or looked up by name). Work is vectorised over a column with pandas/numpy string
methods; the only Python loops run over a handful of candidate formats or units.

Each family lives in its own submodule (:mod:`~bayes_synth.semantic.formats.numbers`, ``dates``,
``durations``, ``bools``, ``calendar`` for months, weekdays and years, ``case`` for letter case); this
package re-exports their public names and dispatches on a format's family (:func:`learn_format`,
:func:`parse_values`, :func:`render_values`, :func:`format_from_dict`).

Rules for ambiguous input (each is repeated where it applies):

* **Acceptance.** A learner returns a format only if at least :data:`MATCH_THRESHOLD` (95 %) of the
  non-blank values parse under it, otherwise ``None``. Missing values and blank strings are ignored.
* **Decimal mark vs thousands separator** (:func:`learn_number_format`), decided over *all* values:
  a value with both ``.`` and ``,`` uses the last one as decimal mark; a mark that occurs twice in a
  value, or before the other mark, is a thousands separator; a single ``.``/``,`` next to a space or
  apostrophe separator is the decimal mark; a single ``.``/``,`` is the decimal mark unless the value
  has exactly the shape ``d,ddd`` .. ``ddd,ddd`` (1-3 digits, not starting with 0, then exactly 3
  digits). If every occurrence of a mark in the column has that ambiguous shape and no value proves
  otherwise, the mark is a **thousands separator** (``"1,234"`` alone is 1234, ``"1.234"`` alone is
  1234 too). Proof wins over the ambiguous shape; conflicting proofs are decided by majority.
  Without any ``.``/``,`` the decimal mark is ``,`` if the thousands separator is ``.``, else ``.``.
* **Number details**: ``decimals`` is the common number of fraction digits when all values agree,
  else ``None`` (render the shortest text that reads back exactly). Percentages keep the displayed
  scale (``"12.5%"`` is 12.5). Zero padding (``min_width``) is learned only when all values have the
  same number of integer digits and some start with ``0`` (``"007"``, postcodes ``"02134"``).
* **Day/month order** (:func:`learn_date_format`): a value whose first field is above 12 decides. If
  both orders parse every value, **day-first** wins and ``DateFormat.ambiguous`` is ``True``.
* **Zero padding of dates**: ``%-d``, ``%-m``, ``%-H``, ``%-I`` (no padding) are learned when more
  values show a one-digit field (``3/7/2021``) than a zero-led two-digit one (``03/07/2021``).
* **Time zones**: ``datetime_tz`` values are parsed to UTC. A column with one fixed offset renders in
  that offset; a column with mixed offsets renders in UTC (``+00:00``), in the offset style of the
  input (``Z``, ``+0000`` or ``+00:00``).
* **Durations**: two-field clocks (``"01:30"``) are hours:minutes; the unit ``m`` is minutes (months
  and years are not fixed lengths and are refused, also in ISO 8601).
* **Text case** (:func:`learn_case`): ``upper``/``lower``/``title`` when at least
  :data:`MATCH_THRESHOLD` of the values with letters have it, else ``mixed``.
* **Weekday numbers** are ISO (Monday=1 .. Sunday=7) unless a ``0`` appears (Sunday=0 .. Saturday=6).
* **Rounding** is half-to-even everywhere, on the exact binary value for numbers (the same as
  Python's ``round``), and by :func:`numpy.round` of the scaled value for durations.

>>> fmt = learn_number_format(pd.Series(["$1,234.50", "$99.00", "($5.25)"]))
>>> parse_numbers(pd.Series(["$2,000.10"]), fmt).tolist()
[2000.1]
>>> render_numbers(np.array([-1234.5, 3.0]), fmt).tolist()
['($1,234.50)', '$3.00']
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.errors import ModelFormatError, ParameterError
from bayes_synth.semantic.formats._common import MATCH_THRESHOLD, _to_dict
from bayes_synth.semantic.formats.bools import BoolFormat, learn_bool_format, parse_bools, render_bools
from bayes_synth.semantic.formats.calendar import (
    WEEKDAY_NUMBERINGS,
    MonthFormat,
    WeekdayFormat,
    YearFormat,
    learn_month_format,
    learn_weekday_format,
    learn_year_format,
    parse_months,
    parse_weekdays,
    parse_years,
    render_months,
    render_weekdays,
    render_years,
)
from bayes_synth.semantic.formats.case import CASES, apply_case, learn_case
from bayes_synth.semantic.formats.dates import DATE_KINDS, DateFormat, learn_date_format, parse_dates, render_dates
from bayes_synth.semantic.formats.durations import (
    DURATION_STYLES,
    DurationFormat,
    learn_duration_format,
    parse_durations,
    render_durations,
)
from bayes_synth.semantic.formats.numbers import (
    NEGATIVE_STYLES,
    THOUSANDS_SEPARATORS,
    NumberFormat,
    learn_number_format,
    parse_numbers,
    render_numbers,
)

__all__ = [
    "CASES",
    "DATE_KINDS",
    "DURATION_STYLES",
    "FAMILIES",
    "MATCH_THRESHOLD",
    "NEGATIVE_STYLES",
    "THOUSANDS_SEPARATORS",
    "WEEKDAY_NUMBERINGS",
    "BoolFormat",
    "DateFormat",
    "DurationFormat",
    "MonthFormat",
    "NumberFormat",
    "WeekdayFormat",
    "YearFormat",
    "apply_case",
    "format_from_dict",
    "learn_bool_format",
    "learn_case",
    "learn_date_format",
    "learn_duration_format",
    "learn_format",
    "learn_month_format",
    "learn_number_format",
    "learn_weekday_format",
    "learn_year_format",
    "parse_bools",
    "parse_dates",
    "parse_durations",
    "parse_months",
    "parse_numbers",
    "parse_values",
    "parse_weekdays",
    "parse_years",
    "render_bools",
    "render_dates",
    "render_durations",
    "render_months",
    "render_numbers",
    "render_values",
    "render_weekdays",
    "render_years",
]

FAMILIES = ("number", "date", "duration", "bool", "month", "weekday", "year")

Format = NumberFormat | DateFormat | DurationFormat | BoolFormat | MonthFormat | WeekdayFormat | YearFormat
_CLASSES: dict[str, type] = {
    "number": NumberFormat, "date": DateFormat, "duration": DurationFormat, "bool": BoolFormat,
    "month": MonthFormat, "weekday": WeekdayFormat, "year": YearFormat,
}
_LEARN = {
    "number": learn_number_format, "date": learn_date_format, "duration": learn_duration_format,
    "bool": learn_bool_format, "month": learn_month_format, "weekday": learn_weekday_format,
    "year": learn_year_format,
}
_PARSE = {
    NumberFormat: parse_numbers, DateFormat: parse_dates, DurationFormat: parse_durations, BoolFormat: parse_bools,
    MonthFormat: parse_months, WeekdayFormat: parse_weekdays, YearFormat: parse_years,
}
_RENDER = {
    NumberFormat: render_numbers, DateFormat: render_dates, DurationFormat: render_durations,
    BoolFormat: render_bools, MonthFormat: render_months, WeekdayFormat: render_weekdays, YearFormat: render_years,
}
_EXAMPLES: dict[str, Any] = {
    "number": NumberFormat(decimals=2, thousands=",", prefix="$"), "date": DateFormat("%Y-%m-%d", "date"),
    "duration": DurationFormat("clock", ("h", "min", "s")), "bool": BoolFormat("yes", "no"),
    "month": MonthFormat("abbr"), "weekday": WeekdayFormat("name"), "year": YearFormat(),
}
_FAMILY_HINT = "expected one of number, date, duration, bool, month, weekday, year, e.g. learn_format(values, 'date')"


def learn_format(values: pd.Series, family: str) -> Format | None:
    """Learn the display format of a column for one family, or ``None`` if the values do not fit it.

    >>> learn_format(pd.Series(["12.5%", "3.0%"]), "number").suffix
    '%'
    >>> learn_format(pd.Series(["yes", "no"]), "bool")
    BoolFormat(true='yes', false='no')
    """
    if not isinstance(family, str) or family not in _LEARN:
        raise ParameterError(f"unknown format family; {_FAMILY_HINT}")
    return _LEARN[family](values)


def parse_values(values: pd.Series, fmt: Format) -> Any:
    """Parse with the parser of ``fmt``'s family (see ``parse_numbers``, ``parse_dates``, ...).

    >>> parse_values(pd.Series(["P1DT2H"]), DurationFormat("iso", ("d", "h"))).tolist()
    [93600.0]
    """
    fn = _PARSE.get(type(fmt))
    if fn is None:
        raise ParameterError(f"expected a format object, e.g. NumberFormat(decimals=2); got a {type(fmt).__name__}")
    return fn(values, fmt)


def render_values(x: Any, fmt: Format) -> np.ndarray:
    """Render with the renderer of ``fmt``'s family (see ``render_numbers``, ``render_dates``, ...).

    >>> render_values(np.array([93600.0]), DurationFormat("iso", ("d", "h"))).tolist()
    ['P1DT2H']
    """
    fn = _RENDER.get(type(fmt))
    if fn is None:
        raise ParameterError(f"expected a format object, e.g. NumberFormat(decimals=2); got a {type(fmt).__name__}")
    return fn(x, fmt)


def format_from_dict(d: dict[str, Any]) -> Format:
    """Rebuild a format from :meth:`to_dict` output, checking every field; never evaluates anything.

    Raises :class:`~bayes_synth.errors.ModelFormatError` (a ``ValueError``) for an unknown family,
    unknown or missing fields, or a field of the wrong type or value.

    >>> format_from_dict({"family": "bool", "true": "Y", "false": "N"})
    BoolFormat(true='Y', false='N')
    """
    if not isinstance(d, dict):
        raise ModelFormatError("a display format must be a JSON object, e.g. {'family': 'bool', 'true': 'Y', "
                               "'false': 'N'}")
    family = d.get("family")
    if not isinstance(family, str) or family not in _CLASSES:
        raise ModelFormatError(f"display format has an unknown 'family'; {_FAMILY_HINT}")
    cls = _CLASSES[family]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in d if k != "family" and k not in fields]
    if unknown:
        raise ModelFormatError(f"{family} format has {len(unknown)} unknown field(s); expected only "
                               f"{', '.join(['family', *fields])}")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in d:
            v = d[name]
            kwargs[name] = tuple(v) if isinstance(v, list) else v
        elif f.default is dataclasses.MISSING:
            raise ModelFormatError(f"{family} format lacks the field {name!r}; expected the fields "
                                   f"{', '.join(['family', *fields])}, e.g. {_to_dict(_EXAMPLES[family])}")
    try:
        return cls(**kwargs)
    except ParameterError as e:
        raise ModelFormatError(f"invalid {family} format in the model file: {e}") from None
