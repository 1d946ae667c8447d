"""Months, weekdays and years shown on their own: :class:`MonthFormat`, :class:`WeekdayFormat`, :class:`YearFormat`.

Also the English month and day names that date patterns (``%b``, ``%A``...) render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bayes_synth.semantic.formats._common import (
    MATCH_THRESHOLD,
    _check_bool,
    _check_str,
    _expect,
    _int_str,
    _objects,
    _present,
    _rate,
    _series,
    _text,
    _to_dict,
    _to_int,
)
from bayes_synth.semantic.formats.case import apply_case, learn_case

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_NAME_STYLES = ("name", "abbr", "number")
_MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_NUMBER |= {m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS)}
_MONTH_NUMBER["sept"] = 9
_DAY_NUMBER = {d.lower(): i + 1 for i, d in enumerate(_DAYS)} | {d[:3].lower(): i + 1 for i, d in enumerate(_DAYS)}
_DAY_NUMBER |= {"tues": 2, "weds": 3, "thur": 4, "thurs": 4}
WEEKDAY_NUMBERINGS = ("iso", "sun0", "sun1")


def _check_named(obj: Any, c: str, ex: str) -> None:
    _check_str(obj.style, c, "style", "one of name, abbr, number", ex, ok=obj.style in _NAME_STYLES)
    _check_str(obj.case, c, "case", "one of upper, lower, title", ex, ok=obj.case in ("upper", "lower", "title"))


def _names_style(text: pd.Series, full: tuple[str, ...], abbr: dict[str, int]) -> tuple[str, str] | None:
    """(style, case) when enough values are English names or abbreviations."""
    low = text.str.lower()
    full_l = {n.lower() for n in full}
    r_full = _rate(low.isin(full_l).to_numpy())
    r_abbr = _rate(low.isin((set(abbr) - full_l) | {n[:3].lower() for n in full}).to_numpy())
    if max(r_full, r_abbr) < MATCH_THRESHOLD:
        return None
    case = learn_case(text)
    return ("name" if r_full >= r_abbr else "abbr"), ("title" if case == "mixed" else case)


@dataclass(frozen=True)
class MonthFormat:
    """English month display: ``name`` (January), ``abbr`` (Jan) or ``number`` (1 or 01 with ``zero_pad``).

    >>> MonthFormat("abbr", "upper").to_dict()["case"]
    'upper'
    """

    style: str
    case: str = "title"
    zero_pad: bool = False

    family: ClassVar[str] = "month"

    def __post_init__(self) -> None:
        _check_named(self, "MonthFormat", "MonthFormat('abbr', 'title')")
        _check_bool(self.zero_pad, "MonthFormat", "zero_pad", "MonthFormat('number', zero_pad=True)")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> MonthFormat("number", zero_pad=True).to_dict()["zero_pad"]
        True
        """
        return _to_dict(self)


def learn_month_format(values: pd.Series) -> MonthFormat | None:
    """Learn how a column shows months: English names, abbreviations (case kept) or numbers 1-12.

    ``"May"`` is both a name and an abbreviation; the style with more matching values wins (name on a
    tie). Numbers are ``zero_pad`` when some value is ``01``..``09``.

    >>> learn_month_format(pd.Series(["JAN", "FEB", "MAR"]))
    MonthFormat(style='abbr', case='upper', zero_pad=False)
    >>> learn_month_format(pd.Series(["01", "12"]))
    MonthFormat(style='number', case='title', zero_pad=True)
    """
    text = _present(values)
    if text.empty:
        return None
    named = _names_style(text, _MONTHS, _MONTH_NUMBER)
    if named is not None:
        return MonthFormat(named[0], named[1])
    num = pd.to_numeric(text.where(text.str.fullmatch(r"\d{1,2}")), errors="coerce")
    if _rate(num.between(1, 12).to_numpy()) < MATCH_THRESHOLD:
        return None
    return MonthFormat("number", zero_pad=bool(text.str.fullmatch(r"0\d").any()))


def parse_months(values: pd.Series, fmt: MonthFormat) -> pd.Series:
    """Months as ``Int64`` 1-12 (English names, abbreviations or numbers, whatever the style); NA otherwise.

    >>> parse_months(pd.Series(["Sept", "12", "Smarch"]), MonthFormat("abbr")).tolist()
    [9, 12, <NA>]
    """
    _expect(fmt, MonthFormat, "MonthFormat('name')")
    s = _series(values)
    t = _text(s).str.lower()
    num = pd.to_numeric(t.where(t.str.fullmatch(r"\d{1,2}", na=False)), errors="coerce")
    num = num.where(num.between(1, 12))
    out = t.map(_MONTH_NUMBER).astype("Float64").fillna(num.astype("Float64")).astype("Int64")
    out.index = s.index
    return out


def render_months(x: np.ndarray, fmt: MonthFormat) -> np.ndarray:
    """Render month numbers 1-12 in ``fmt``: object array, None for missing or out of range.

    >>> render_months(np.array([1, 9, 13]), MonthFormat("name", "upper")).tolist()
    ['JANUARY', 'SEPTEMBER', None]
    """
    _expect(fmt, MonthFormat, "MonthFormat('name')")
    m, ok = _to_int(x, "render_months", "np.array([1, 12])", 1, 12)
    if fmt.style == "number":
        return _objects(_int_str(m[ok], 2 if fmt.zero_pad else 1), ok)
    names = np.array([n if fmt.style == "name" else n[:3] for n in _MONTHS], dtype=object)
    return apply_case(_objects(names[m[ok] - 1], ok), fmt.case)


@dataclass(frozen=True)
class WeekdayFormat:
    """English weekday display: ``name`` (Monday), ``abbr`` (Mon) or ``number``.

    Parsed values are ISO weekdays (Monday=1 .. Sunday=7). ``numbering`` says what displayed numbers
    mean: ``iso`` (Monday=1 .. Sunday=7), ``sun0`` (Sunday=0 .. Saturday=6), ``sun1`` (Sunday=1 ..
    Saturday=7; never learned, the data cannot tell it from ``iso``).

    >>> WeekdayFormat("number", numbering="sun0").numbering
    'sun0'
    """

    style: str
    case: str = "title"
    numbering: str = "iso"

    family: ClassVar[str] = "weekday"

    def __post_init__(self) -> None:
        _check_named(self, "WeekdayFormat", "WeekdayFormat('abbr', 'title')")
        _check_str(self.numbering, "WeekdayFormat", "numbering", "one of iso, sun0, sun1",
                   "WeekdayFormat('number', numbering='iso')", ok=self.numbering in WEEKDAY_NUMBERINGS)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> WeekdayFormat("name").to_dict()["style"]
        'name'
        """
        return _to_dict(self)


def learn_weekday_format(values: pd.Series) -> WeekdayFormat | None:
    """Learn how a column shows weekdays: English names, abbreviations (case kept) or numbers.

    Numbers are ISO (1-7, Monday=1) unless a ``0`` appears (then 0-6, Sunday=0).

    >>> learn_weekday_format(pd.Series(["Mon", "Tue", "Sun"]))
    WeekdayFormat(style='abbr', case='title', numbering='iso')
    >>> learn_weekday_format(pd.Series(["0", "6", "3"])).numbering
    'sun0'
    """
    text = _present(values)
    if text.empty:
        return None
    named = _names_style(text, _DAYS, _DAY_NUMBER)
    if named is not None:
        return WeekdayFormat(named[0], named[1])
    num = pd.to_numeric(text.where(text.str.fullmatch(r"\d")), errors="coerce")
    zero = bool((num == 0).any())
    if _rate(num.between(0 if zero else 1, 6 if zero else 7).to_numpy()) < MATCH_THRESHOLD:
        return None
    return WeekdayFormat("number", numbering="sun0" if zero else "iso")


def parse_weekdays(values: pd.Series, fmt: WeekdayFormat) -> pd.Series:
    """Weekdays as ``Int64`` ISO numbers (Monday=1 .. Sunday=7); numbers read per ``fmt.numbering``.

    >>> parse_weekdays(pd.Series(["Sunday", "thu", "0"]), WeekdayFormat("number", numbering="sun0")).tolist()
    [7, 4, 7]
    """
    _expect(fmt, WeekdayFormat, "WeekdayFormat('name')")
    s = _series(values)
    t = _text(s).str.lower()
    num = pd.to_numeric(t.where(t.str.fullmatch(r"\d", na=False)), errors="coerce")
    if fmt.numbering == "iso":
        num = num.where(num.between(1, 7))
    elif fmt.numbering == "sun0":
        num = num.where(num.between(0, 6)).replace(0, 7)
    else:
        num = ((num - 2) % 7 + 1).where(num.between(1, 7))
    out = t.map(_DAY_NUMBER).astype("Float64").fillna(num.astype("Float64")).astype("Int64")
    out.index = s.index
    return out


def render_weekdays(x: np.ndarray, fmt: WeekdayFormat) -> np.ndarray:
    """Render ISO weekday numbers (Monday=1 .. Sunday=7) in ``fmt``: object array, None if invalid.

    >>> render_weekdays(np.array([1, 7]), WeekdayFormat("abbr", "upper")).tolist()
    ['MON', 'SUN']
    """
    _expect(fmt, WeekdayFormat, "WeekdayFormat('name')")
    d, ok = _to_int(x, "render_weekdays", "np.array([1, 7])", 1, 7)
    if fmt.style == "number":
        shown = d if fmt.numbering == "iso" else (d % 7 if fmt.numbering == "sun0" else d % 7 + 1)
        return _objects(_int_str(shown[ok]), ok)
    names = np.array([n if fmt.style == "name" else n[:3] for n in _DAYS], dtype=object)
    return apply_case(_objects(names[d[ok] - 1], ok), fmt.case)


@dataclass(frozen=True)
class YearFormat:
    """Four-digit years (``"2021"``; a trailing ``.0`` as written by float columns is read too).

    >>> YearFormat().to_dict()
    {'family': 'year'}
    """

    family: ClassVar[str] = "year"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> from bayes_synth.semantic.formats import format_from_dict
        >>> format_from_dict(YearFormat().to_dict())
        YearFormat()
        """
        return _to_dict(self)


_YEAR_RX = r"\d{4}(?:\.0+)?"


def learn_year_format(values: pd.Series) -> YearFormat | None:
    """A :class:`YearFormat` if at least :data:`MATCH_THRESHOLD` of the values are 4-digit years, else None.

    >>> learn_year_format(pd.Series(["1999", "2021", None]))
    YearFormat()
    """
    text = _present(values)
    if text.empty or _rate(text.str.fullmatch(_YEAR_RX).to_numpy(dtype=bool)) < MATCH_THRESHOLD:
        return None
    return YearFormat()


def parse_years(values: pd.Series, fmt: YearFormat) -> pd.Series:
    """4-digit years as ``Int64``; NA where missing or not 4 digits.

    >>> parse_years(pd.Series(["2021", "21", "1999.0"]), YearFormat()).tolist()
    [2021, <NA>, 1999]
    """
    _expect(fmt, YearFormat, "YearFormat()")
    s = _series(values)
    t = _text(s)
    ok = t.str.fullmatch(_YEAR_RX, na=False)
    out = pd.to_numeric(t.where(ok).str.slice(0, 4), errors="coerce").astype("Int64")
    out.index = s.index
    return out


def render_years(x: np.ndarray, fmt: YearFormat) -> np.ndarray:
    """Render years 0-9999 as 4 digits: object array, None for missing or out of range.

    >>> render_years(np.array([2021.0, 987, np.nan]), YearFormat()).tolist()
    ['2021', '0987', None]
    """
    _expect(fmt, YearFormat, "YearFormat()")
    y, ok = _to_int(x, "render_years", "np.array([1999, 2021])", 0, 9999)
    return _objects(_int_str(y[ok], 4), ok)

