"""Date, datetime and time display formats (strftime patterns, time zones): :class:`DateFormat`.

Learned from candidate patterns, parsed with pandas and rendered field by field with numpy.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bayes_synth.errors import ParameterError
from bayes_synth.semantic.formats._common import (
    MATCH_THRESHOLD,
    _check_bool,
    _check_int,
    _check_str,
    _expect,
    _fail,
    _int_str,
    _join,
    _objects,
    _present,
    _series,
    _text,
    _to_dict,
)
from bayes_synth.semantic.formats.calendar import _DAYS, _MONTHS

DATE_KINDS = ("date", "datetime", "time", "datetime_tz")
_MAX_SHAPES = 200  # distinct value shapes ("99/99/9999") screened per date candidate before parsing

_DATE_TOKEN = re.compile(r"%(?:-[dmHI]|:z|[YymdHIMSfpbBaAjz%])")
_TOKEN_RX = {
    "%Y": r"\d{4}", "%y": r"\d{2}", "%m": r"\d{1,2}", "%-m": r"\d{1,2}", "%d": r"\d{1,2}", "%-d": r"\d{1,2}",
    "%H": r"\d{1,2}", "%-H": r"\d{1,2}", "%I": r"\d{1,2}", "%-I": r"\d{1,2}", "%M": r"\d{2}", "%S": r"\d{2}",
    "%f": r"\d{1,9}", "%p": r"[AaPp]\.?[Mm]\.?", "%b": r"[A-Za-z]{3}", "%B": r"[A-Za-z]+", "%a": r"[A-Za-z]{3}",
    "%A": r"[A-Za-z]+", "%j": r"\d{1,3}", "%z": r"Z|[+-]\d{2}:?\d{2}", "%:z": r"Z|[+-]\d{2}:?\d{2}", "%%": "%",
}
_DATE_TOKENS = {"%Y", "%y", "%m", "%-m", "%d", "%-d", "%b", "%B", "%j"}
_TIME_TOKENS = {"%H", "%-H", "%I", "%-I", "%M", "%S", "%f", "%p"}
_OFFSET_RX = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_EPOCH_1900 = pd.Timestamp("1900-01-01")

_DAY_FIRST = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y")
_TIMES = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f", "%I:%M %p", "%I:%M:%S %p")


def _date_candidates() -> tuple[tuple[str, str], ...]:
    # Order is priority: day-first before month-first (the documented tie-break), full month names
    # before abbreviations.
    c = [("date", p) for p in _DAY_FIRST]
    c += [("date", p) for p in ("%d-%b-%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y%m%d",
                                "%d/%m/%y", "%m/%d/%y", "%d-%b-%y")]
    c += [("datetime", f"%Y-%m-%dT{t}") for t in _TIMES[:3]]
    c += [("datetime", f"{d} {t}") for d in _DAY_FIRST for t in _TIMES]
    for sep in ("T", " "):
        for t in _TIMES[:3]:
            c.append(("datetime_tz", f"%Y-%m-%d{sep}{t}%z"))
            if sep == " ":
                c.append(("datetime_tz", f"%Y-%m-%d{sep}{t} %z"))
    c += [("time", t) for t in _TIMES]
    return tuple(c)


_DATE_CANDIDATES = _date_candidates()


def _tokens(pattern: str) -> list[tuple[bool, str]]:
    """Split a pattern into (is_token, text) pieces; raises on a '%' that starts no known token."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _DATE_TOKEN.finditer(pattern):
        if m.start() > pos:
            out.append((False, pattern[pos:m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    if pos < len(pattern):
        out.append((False, pattern[pos:]))
    if any(not tok and "%" in text for tok, text in out):
        raise ParameterError("DateFormat.pattern may only use the directives %Y %y %m %-m %d %-d %H %-H %I %-I %M %S "
                             "%f %p %b %B %a %A %j %z %:z %%, e.g. DateFormat('%d/%m/%Y', 'date')")
    return out


_SHAPE_RX = {
    "%Y": "9999", "%y": "99", "%f": "9{1,9}", "%j": r"\s?9{1,3}", "%p": r"a\.?a\.?", "%b": "a+", "%B": "a+",
    "%a": "a+", "%A": "a+", "%z": r"(?:a|[+-]99:?99(?::?99(?:\.9+)?)?)", "%:z": r"(?:a|[+-]99:?99)", "%%": "%",
}


@lru_cache(maxsize=256)
def _shape_regex(pattern: str) -> re.Pattern[str]:
    """Regex over value shapes (digits as 9, letters as a) at least as lenient as pandas' strptime."""
    parts = []
    for is_tok, text in _tokens(pattern):
        if is_tok:
            parts.append(_SHAPE_RX.get(text, r"\s?9{1,2}"))
        else:
            parts.append("".join(r"\s+" if ch.isspace() else re.escape("9" if ch.isdigit() else "a" if ch.isalpha()
                                                                      else ch) for ch in text))
    return re.compile("".join(parts))


def _literal_z(pattern: str) -> bool:
    return pattern.endswith("Z") and not pattern.endswith("%Z")


@dataclass(frozen=True)
class DateFormat:
    """How the dates, datetimes or times of a column are displayed.

    ``pattern`` is a strftime pattern, extended with ``%-d %-m %-H %-I`` (no zero padding, rendered
    the same on every platform) and ``%:z`` (offset ``+02:00``; ``%z`` is ``+0200``); a trailing
    literal ``Z`` means UTC. ``kind`` is ``date``, ``datetime``, ``time`` or ``datetime_tz``.
    ``ambiguous`` records that another candidate pattern (e.g. month-first) also read every value.
    ``utc_offset`` (``"+HH:MM"``, only for ``datetime_tz``) is the offset values are rendered in.
    ``fraction_digits`` is the number of digits ``%f`` renders (truncating, like strftime).

    >>> DateFormat("%-d/%-m/%Y", "date").resolution
    Timedelta('1 days 00:00:00')
    """

    pattern: str
    kind: str
    ambiguous: bool = False
    utc_offset: str = ""
    fraction_digits: int = 6

    family: ClassVar[str] = "date"

    def __post_init__(self) -> None:
        c, ex = "DateFormat", "DateFormat('%d/%m/%Y', 'date')"
        _check_str(self.pattern, c, "pattern", "a strftime pattern of at most 64 characters", ex,
                   ok=type(self.pattern) is str and 0 < len(self.pattern) <= 64)
        _check_str(self.kind, c, "kind", "one of date, datetime, time, datetime_tz", ex,
                   ok=self.kind in DATE_KINDS)
        toks = {t for is_tok, t in _tokens(self.pattern) if is_tok}
        has_date, has_time = bool(toks & _DATE_TOKENS), bool(toks & _TIME_TOKENS)
        tz_marks = len(toks & {"%z", "%:z"}) + _literal_z(self.pattern)
        want = {"date": (True, False, 0), "datetime": (True, True, 0), "time": (False, True, 0),
                "datetime_tz": (True, True, 1)}[self.kind]
        if (has_date, has_time, tz_marks) != want:
            _fail(c, "pattern", f"a pattern with the fields of a {self.kind}",
                  {"date": ex, "datetime": "DateFormat('%Y-%m-%d %H:%M', 'datetime')",
                   "time": "DateFormat('%H:%M:%S', 'time')",
                   "datetime_tz": "DateFormat('%Y-%m-%dT%H:%M:%S%:z', 'datetime_tz', utc_offset='+02:00')"}[self.kind])
        if bool(toks & {"%I", "%-I"}) != ("%p" in toks):
            _fail(c, "pattern", "a pattern using %I together with %p", "DateFormat('%I:%M %p', 'time')")
        _check_bool(self.ambiguous, c, "ambiguous", "DateFormat('%d/%m/%Y', 'date', ambiguous=True)")
        tz_ex = "DateFormat('%Y-%m-%dT%H:%M:%S%z', 'datetime_tz', utc_offset='+05:30')"
        if self.kind == "datetime_tz":
            m = _OFFSET_RX.match(self.utc_offset) if type(self.utc_offset) is str else None
            if m is None or int(m.group(2)) > 14 or int(m.group(3)) > 59:
                _fail(c, "utc_offset", "an offset '+HH:MM' (at most 14 hours)", tz_ex)
            if _literal_z(self.pattern) and self.utc_offset not in ("+00:00", "-00:00"):
                _fail(c, "utc_offset", "'+00:00' for a pattern ending in Z", "DateFormat('%Y-%m-%dT%H:%MZ', "
                      "'datetime_tz', utc_offset='+00:00')")
        elif self.utc_offset != "":
            _fail(c, "utc_offset", "'' for a kind without a time zone", ex)
        _check_int(self.fraction_digits, c, "fraction_digits", 1, 9, "DateFormat('%H:%M:%S.%f', 'time', "
                   "fraction_digits=3)")

    @property
    def resolution(self) -> pd.Timedelta:
        """Smallest step the pattern displays; rendering truncates to it.

        >>> DateFormat("%H:%M:%S.%f", "time", fraction_digits=3).resolution
        Timedelta('0 days 00:00:00.001000')
        """
        toks = {t for is_tok, t in _tokens(self.pattern) if is_tok}
        if "%f" in toks:
            return pd.Timedelta(10 ** (9 - self.fraction_digits), "ns")
        for tok, step in (("%S", "1s"), ("%M", "1min"), ("%H", "1h"), ("%-H", "1h"), ("%I", "1h"), ("%-I", "1h")):
            if tok in toks:
                return pd.Timedelta(step)
        return pd.Timedelta("1D")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> DateFormat("%Y-%m-%d", "date").to_dict()["pattern"]
        '%Y-%m-%d'
        """
        return _to_dict(self)


def _pandas_pattern(pattern: str) -> str:
    for a, b in (("%-d", "%d"), ("%-m", "%m"), ("%-H", "%H"), ("%-I", "%I"), ("%:z", "%z")):
        pattern = pattern.replace(a, b)
    return pattern


def _parse_raw(text: pd.Series, kind: str, pattern: str) -> pd.Series:
    """``text`` (object strings/None) parsed with one pattern; NaT where it does not fit."""
    pp = _pandas_pattern(pattern)
    utc = kind == "datetime_tz" and not _literal_z(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = pd.to_datetime(text, format=pp, errors="coerce", utc=utc)
    except (ValueError, TypeError, OverflowError):
        r = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
    if kind == "time":
        return (_as_ns(r) - _EPOCH_1900).astype("timedelta64[ns]")
    if kind == "datetime_tz" and not utc:
        r = r.dt.tz_localize("UTC")
    return _as_ns(r)


def _as_ns(r: pd.Series) -> pd.Series:
    """Nanosecond datetimes; values outside 1677-09-22 .. 2262-04-11 (the ns range) become NaT."""
    tz = isinstance(r.dtype, pd.DatetimeTZDtype)
    dtype = "datetime64[ns, UTC]" if tz else "datetime64[ns]"
    try:
        return r.astype(dtype)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        lo, hi = pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11")
        if tz:
            lo, hi = lo.tz_localize("UTC"), hi.tz_localize("UTC")
        return r.where((r >= lo) & (r < hi)).astype(dtype)


def _field_regex(pattern: str) -> str:
    pieces = []
    for i, (is_tok, text) in enumerate(_tokens(pattern)):
        pieces.append(f"(?P<t{i}>{_TOKEN_RX[text]})" if is_tok else re.escape(text))
    return "^" + "".join(pieces) + "$"


def _refine_date_format(kind: str, pattern: str, text: pd.Series, weight: np.ndarray, ambiguous: bool) -> DateFormat:
    """Padding, fraction digits and offset style of a chosen pattern, from the values it read."""
    toks = _tokens(pattern)
    fields = text.str.extract(_field_regex(pattern))
    w = pd.Series(weight, index=text.index)
    out = []
    frac_digits, offset, offset_style = 6, "", None
    for i, (is_tok, tok) in enumerate(toks):
        col = fields[f"t{i}"] if is_tok else None
        if is_tok and tok in ("%d", "%m", "%H", "%I"):
            f = col.dropna()
            single = float(w[f.index][f.str.len() == 1].sum())
            zero_led = float(w[f.index][f.str.match(r"0\d")].sum())
            out.append(tok.replace("%", "%-") if single > zero_led else tok)
        elif is_tok and tok == "%f":
            f = col.dropna()
            frac_digits = int(f.str.len().max()) if not f.empty else 6
            out.append(tok)
        elif is_tok and tok == "%z":
            f = col.dropna()
            zulu = f == "Z"
            if f.empty or bool(zulu.all()):
                offset_style = "Z"
                out.append("Z")
            else:
                colon = float(w[f.index][f.str.contains(":")].sum()) >= float(w[f.index][~f.str.contains(":")].sum())
                out.append("%:z" if colon else "%z")
            norm = f.where(~zulu, "+00:00").str.replace(r"^([+-]\d{2}):?(\d{2})$", r"\1:\2", regex=True)
            norm = norm.replace("-00:00", "+00:00")
            offset = str(norm.iloc[0]) if norm.nunique() == 1 else "+00:00"
        else:
            out.append(tok)
    if offset_style == "Z":
        offset = "+00:00"
    return DateFormat("".join(out), kind, ambiguous, offset if kind == "datetime_tz" else "", frac_digits)


def learn_date_format(values: pd.Series) -> DateFormat | None:
    """Learn the date/datetime/time display pattern of a column, or ``None``.

    Candidate strftime patterns (ISO ``%Y-%m-%d``, ``%d/%m/%Y``, ``%m/%d/%Y``, ``%d.%m.%Y``,
    ``%Y/%m/%d``, ``%d-%b-%Y``, ``%b %d, %Y``, ``%d %B %Y``, ``%Y%m%d``, two-digit years, the same
    with times ``%H:%M``, ``%H:%M:%S``, ``%H:%M:%S.%f``, ``%I:%M %p``, ISO ``T`` forms, ISO with ``Z``
    or an offset, and times alone) are tried in order; the first that reads at least
    :data:`MATCH_THRESHOLD` of the non-blank values wins. Day-first wins over month-first when both
    read everything, and ``ambiguous`` is then ``True`` (a first field above 12 decides). One-digit
    day/month/hour fields give ``%-d``-style tokens. Mixed formats in one column give ``None``.

    >>> learn_date_format(pd.Series(["3/7/2021", "28/12/2020"]))
    DateFormat(pattern='%-d/%-m/%Y', kind='date', ambiguous=False, utc_offset='', fraction_digits=6)
    >>> learn_date_format(pd.Series(["03/07/2021", "04/08/2021"])).ambiguous
    True
    """
    text = _present(values)
    if text.empty:
        return None
    vc = text.value_counts()
    uniq = pd.Series(vc.index.to_numpy(dtype=object), dtype=object)
    w = vc.to_numpy(dtype=float)
    # Screen candidates on the shapes of the values (digits -> 9, letters -> a): a value pandas parses
    # has a matching shape, so a candidate whose shapes cover too little of the column is skipped.
    shapes = uniq.str.replace(r"\d", "9", regex=True).str.replace(r"[^\W\d_]", "a", regex=True)
    shape_w = pd.Series(w).groupby(shapes.to_numpy()).sum().sort_values(ascending=False).iloc[:_MAX_SHAPES]
    passing: list[tuple[str, str, pd.Series]] = []
    for kind, pattern in _DATE_CANDIDATES:
        rx = _shape_regex(pattern)
        if sum(wt for shape, wt in shape_w.items() if rx.fullmatch(shape)) < MATCH_THRESHOLD * w.sum():
            continue
        parsed = _parse_raw(uniq, kind, pattern)
        ok = parsed.notna().to_numpy()
        if w[ok].sum() / w.sum() >= MATCH_THRESHOLD:
            passing.append((kind, pattern, parsed))
    if not passing:
        return None
    kind, pattern, parsed = passing[0]
    ambiguous = any(bool((parsed.notna() & p2.notna() & (parsed != p2)).any())
                    for k2, _, p2 in passing[1:] if k2 == kind)
    ok = parsed.notna().to_numpy()
    return _refine_date_format(kind, pattern, uniq[ok], w[ok], ambiguous)


def parse_dates(values: pd.Series, fmt: DateFormat) -> pd.Series:
    """Values displayed in ``fmt`` as a Series on the input's index; NaT where missing or not in the format.

    ``date``/``datetime`` give ``datetime64[ns]``; ``time`` gives ``timedelta64[ns]`` since midnight;
    ``datetime_tz`` gives ``datetime64[ns, UTC]`` (every offset converted to UTC; the offset the column
    is rendered in is kept in ``fmt.utc_offset``). One-digit fields are read whether padded or not.
    Dates outside the nanosecond range (1677-09-22 .. 2262-04-10, e.g. a ``9999-12-31`` sentinel) are NaT.

    >>> parse_dates(pd.Series(["2021-03-07T10:00:00+02:00"]), DateFormat("%Y-%m-%dT%H:%M:%S%:z",
    ...     "datetime_tz", utc_offset="+02:00")).tolist()
    [Timestamp('2021-03-07 08:00:00+0000', tz='UTC')]
    """
    _expect(fmt, DateFormat, "DateFormat('%Y-%m-%d', 'date')")
    s = _series(values)
    r = _parse_raw(_text(s), fmt.kind, fmt.pattern)
    r.index = s.index
    return r


def _offset(utc_offset: str) -> pd.Timedelta:
    m = _OFFSET_RX.match(utc_offset)
    if m is None:
        return pd.Timedelta(0)
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return pd.Timedelta(minutes=-minutes if m.group(1) == "-" else minutes)


def _render_token(tok: str, dt: pd.Series, fmt: DateFormat) -> Any:
    acc = dt.dt
    pad = not tok.startswith("%-")
    letter = tok[-1]
    if tok == "%%":
        return "%"
    if letter == "Y":
        return _int_str(acc.year.to_numpy(), 4)
    if letter == "y":
        return _int_str(acc.year.to_numpy() % 100, 2)
    if letter in "mdHMS":
        a = {"m": acc.month, "d": acc.day, "H": acc.hour, "M": acc.minute, "S": acc.second}[letter].to_numpy()
        return _int_str(a, 2 if pad else 1)
    if letter == "I":
        h = acc.hour.to_numpy() % 12
        return _int_str(np.where(h == 0, 12, h), 2 if pad else 1)
    if letter == "p":
        return np.where(acc.hour.to_numpy() < 12, "AM", "PM")
    if letter == "f":
        ns = acc.microsecond.to_numpy().astype(np.int64) * 1000 + acc.nanosecond.to_numpy()
        return _int_str(ns // 10 ** (9 - fmt.fraction_digits), fmt.fraction_digits)
    if letter in "bB":
        names = np.array([m[:3] if letter == "b" else m for m in _MONTHS])
        return names[acc.month.to_numpy() - 1]
    if letter in "aA":
        names = np.array([d[:3] if letter == "a" else d for d in _DAYS])
        return names[acc.weekday.to_numpy()]
    if letter == "j":
        return _int_str(acc.dayofyear.to_numpy(), 3)
    # %z / %:z
    off = fmt.utc_offset or "+00:00"
    return off if tok == "%:z" else off.replace(":", "")


def render_dates(x: pd.Series, fmt: DateFormat) -> np.ndarray:
    """Render datetimes (or, for ``time``, timedeltas since midnight) as text; object array, None for NaT.

    Fields are truncated to the pattern (strftime semantics), so ``parse_dates(render_dates(t))``
    equals ``t.dt.floor(fmt.resolution)``. For ``datetime_tz``, naive input is taken as UTC and
    values are shown in ``fmt.utc_offset``; for naive kinds tz-aware input is shown in its own wall
    time. ``time`` renders timedeltas in [0, 24h) (others give None) or the time of day of datetimes.
    Month and day names are English.

    >>> render_dates(pd.Series(pd.to_datetime(["2021-07-03", None])), DateFormat("%-d/%-m/%Y", "date")).tolist()
    ['3/7/2021', None]
    """
    _expect(fmt, DateFormat, "DateFormat('%Y-%m-%d', 'date')")
    s = _series(x)
    if fmt.kind == "time":
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            td = s - s.dt.floor("D")
        else:
            td = pd.to_timedelta(s, errors="coerce")
        td = td.astype("timedelta64[ns]")
        ok = (td.notna() & (td >= pd.Timedelta(0)) & (td < pd.Timedelta("1D"))).to_numpy(dtype=bool)
        dt = (_EPOCH_1900 + td[ok]).astype("datetime64[ns]")
    else:
        if not pd.api.types.is_datetime64_any_dtype(s.dtype):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = pd.to_datetime(s, errors="coerce")
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert("UTC").dt.tz_localize(None) if fmt.kind == "datetime_tz" else s.dt.tz_localize(None)
        ok = s.notna().to_numpy(dtype=bool)
        dt = s[ok]
        if fmt.kind == "datetime_tz":
            dt = dt + _offset(fmt.utc_offset)
    n = int(ok.sum())
    if n == 0:
        return np.full(len(ok), None, dtype=object)
    parts = [_render_token(text, dt, fmt) if is_tok else text for is_tok, text in _tokens(fmt.pattern)]
    return _objects(_join(parts, n), ok)
