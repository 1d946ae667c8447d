"""Duration display formats (clocks, number and unit, compound, ISO 8601): :class:`DurationFormat`.

Parsed values are seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
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
    _mode,
    _objects,
    _present,
    _rate,
    _text,
    _to_dict,
    _to_float,
)
from bayes_synth.semantic.formats.numbers import NumberFormat, render_numbers

DURATION_STYLES = ("clock", "unit", "compound", "iso")

_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "min": 60, "s": 1}
_UNIT_WORDS = {
    "w": ("w", "wk", "wks", "week", "weeks"),
    "d": ("d", "day", "days"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "min": ("m", "min", "mins", "minute", "minutes"),
    "s": ("s", "sec", "secs", "second", "seconds"),
}
_WORD_UNIT = {w: u for u, ws in _UNIT_WORDS.items() for w in ws}
_UNIT_RANK = {u: i for i, u in enumerate(_UNIT_SECONDS)}
_PLURALS = {"weeks", "wks", "days", "hours", "hrs", "minutes", "mins", "seconds", "secs"}
_SINGULARS = {"week", "day", "hour", "minute", "second"}
_CLOCK_UNITS = (("h", "min", "s"), ("h", "min"), ("min", "s"))
_ISO_LETTER = {"w": "W", "d": "D", "h": "H", "min": "M", "s": "S"}
_DNUM = r"\d+(?:[.,]\d+)?|[.,]\d+"
_MAX_PARTS = 5
_CLOCK_RX = r"^(?P<neg>-)?(?P<a>\d+):(?P<b>\d{1,2})(?::(?P<c>\d{1,2}))?(?:[.,](?P<f>\d+))?$"
_ISO_RX = (
    rf"^(?P<neg>-)?P(?:(?P<w>{_DNUM})W)?(?:(?P<d>{_DNUM})D)?"
    rf"(?:T(?=[\d.,])(?:(?P<h>{_DNUM})H)?(?:(?P<min>{_DNUM})M)?(?:(?P<s>{_DNUM})S)?)?$"
)


def _compound_regex() -> str:
    inner = ""
    for i in range(_MAX_PARTS - 1, -1, -1):
        part = rf"(?P<n{i}>{_DNUM})(?P<w{i}>\s*)(?P<l{i}>[A-Za-z]+)\.?"
        inner = (part if i == 0 else rf"(?P<s{i}>\s*,?\s*){part}") + (f"(?:{inner})?" if inner else "")
    return rf"^(?P<neg>-)?\s*{inner}$"


_COMPOUND_RX = _compound_regex()


@dataclass(frozen=True)
class DurationFormat:
    """How the durations of a column are displayed; parsed values are seconds (float).

    * ``style="clock"``: ``"01:30:00"``; ``units`` is ``("h", "min", "s")``, ``("h", "min")`` (two-field
      clocks are hours:minutes when learned) or ``("min", "s")``; ``lead_width`` pads the first field.
    * ``style="unit"``: one number and unit, ``"90 min"``; ``labels`` holds the unit text with its
      spacing (``(" min",)``); full words follow English number (``1 hour``, ``2 hours``).
    * ``style="compound"``: ``"2h 15m"``; one label per unit, ``separator`` between parts,
      ``omit_zero`` drops zero parts (all zero shows the smallest unit).
    * ``style="iso"``: ISO 8601 ``"P1DT2H"``, using ``units`` among w, d, h, min, s (zeros omitted).

    ``decimals`` is the number of fraction digits of the smallest unit (``None`` = shortest exact
    text, ``unit`` style only). Units are ``w``, ``d``, ``h``, ``min``, ``s`` (weeks of 7 days).

    >>> DurationFormat("compound", ("h", "min"), ("h", "m")).units
    ('h', 'min')
    """

    style: str
    units: tuple[str, ...]
    labels: tuple[str, ...] = ()
    separator: str = " "
    decimals: int | None = 0
    lead_width: int = 2
    omit_zero: bool = True

    family: ClassVar[str] = "duration"

    def __post_init__(self) -> None:
        c, ex = "DurationFormat", "DurationFormat('compound', ('h', 'min'), ('h', 'm'))"
        _check_str(self.style, c, "style", "one of clock, unit, compound, iso", ex, ok=self.style in DURATION_STYLES)
        units, labels = self.units, self.labels
        if (type(units) is not tuple or not units or any(type(u) is not str or u not in _UNIT_SECONDS for u in units)
                or [_UNIT_RANK[u] for u in units] != sorted({_UNIT_RANK[u] for u in units})):
            _fail(c, "units", "a non-empty tuple of w, d, h, min, s from largest to smallest", ex)
        if type(labels) is not tuple or any(type(la) is not str for la in labels):
            _fail(c, "labels", "a tuple of strings", ex)
        if self.style == "clock" and units not in _CLOCK_UNITS:
            _fail(c, "units", "('h', 'min', 's'), ('h', 'min') or ('min', 's') for a clock",
                  "DurationFormat('clock', ('h', 'min', 's'))")
        if self.style == "unit" and len(units) != 1:
            _fail(c, "units", "a single unit for style 'unit'", "DurationFormat('unit', ('min',), (' min',))")
        if self.style in ("unit", "compound"):
            if len(labels) != len(units):
                _fail(c, "labels", "one label per unit", ex)
            for u, la in zip(units, labels, strict=True):
                word = la.strip().rstrip(".").lower()
                if len(la) > 16 or not re.fullmatch(r"\s*[A-Za-z]+\.?", la) or _WORD_UNIT.get(word) != u:
                    _fail(c, "labels", "unit words matching the units (h, hr, hours, m, min, minutes, ...)", ex)
        elif labels:
            _fail(c, "labels", "empty for styles clock and iso", "DurationFormat('iso', ('h', 'min'))")
        _check_str(self.separator, c, "separator", "at most 4 spaces or commas", ex,
                   ok=type(self.separator) is str and bool(re.fullmatch(r"[\s,]{0,4}", self.separator)))
        _check_int(self.decimals, c, "decimals", 0, 9, "DurationFormat('unit', ('h',), (' h',), decimals=1)",
                   none_ok=self.style == "unit")
        _check_int(self.lead_width, c, "lead_width", 1, 4, "DurationFormat('clock', ('h', 'min', 's'), lead_width=1)")
        _check_bool(self.omit_zero, c, "omit_zero", ex)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists), read back by :func:`format_from_dict`.

        >>> DurationFormat("iso", ("d", "h")).to_dict()["units"]
        ['d', 'h']
        """
        return _to_dict(self)


def _dnum(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")


def _frac_digits(s: pd.Series) -> pd.Series:
    """Digits after the decimal mark of number strings (0 without one; NaN where missing)."""
    return s.str.extract(r"[.,](\d+)$")[0].str.len().where(s.notna()).fillna(0).where(s.notna())


def _clock_parts(text: pd.Series) -> pd.DataFrame:
    return text.str.extract(_CLOCK_RX)


def _compound_parts(text: pd.Series) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Regex groups, seconds (NaN if not a valid compound) and number of parts per value."""
    m = text.str.extract(_COMPOUND_RX)
    total = pd.Series(0.0, index=m.index)
    ok = m["n0"].notna()
    prev = pd.Series(-1.0, index=m.index)
    nparts = pd.Series(0, index=m.index)
    for i in range(_MAX_PARTS):
        has = m[f"n{i}"].notna()
        unit = m[f"l{i}"].str.lower().map(_WORD_UNIT)
        rank = unit.map(_UNIT_RANK).astype(float)
        ok &= ~has | (unit.notna() & (rank > prev))
        prev = prev.where(~has, rank)
        secs = _dnum(m[f"n{i}"]) * unit.map(_UNIT_SECONDS).astype(float)
        total = total + secs.where(has, 0.0).fillna(0.0)
        nparts = nparts + has.astype(int)
        m[f"u{i}"] = unit
    sign = np.where(m["neg"].notna(), -1.0, 1.0)
    return m, (total * sign).where(ok), nparts


def _iso_parts(text: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    m = text.str.extract(_ISO_RX, flags=re.IGNORECASE)
    total = pd.Series(0.0, index=m.index)
    anyc = pd.Series(False, index=m.index)
    for u, sec in _UNIT_SECONDS.items():
        total = total + (_dnum(m[u]) * sec).fillna(0.0)
        anyc |= m[u].notna()
    sign = np.where(m["neg"].notna(), -1.0, 1.0)
    return m, (total * sign).where(anyc)


def parse_durations(values: pd.Series, fmt: DurationFormat) -> np.ndarray:
    """Durations displayed in ``fmt`` as seconds (float array); NaN where missing or not in the format.

    Clock values need the number of fields of ``fmt`` and minutes/seconds below 60; unit and compound
    values need units from ``fmt.units`` (any spelling: h, hr, hours, ...; case-insensitive), largest
    first; ISO values may use any of W, D, H, M, S (calendar years/months are refused).

    >>> fmt = DurationFormat("compound", ("h", "min"), ("h", "m"))
    >>> parse_durations(pd.Series(["2h 15m", "45m", "1 day"]), fmt).tolist()
    [8100.0, 2700.0, nan]
    """
    _expect(fmt, DurationFormat, "DurationFormat('clock', ('h', 'min', 's'))")
    text = _text(values)
    if fmt.style == "clock":
        m = _clock_parts(text)
        three = len(fmt.units) == 3
        ok = m["a"].notna() & (m["c"].notna() == three)
        big, small = _UNIT_SECONDS[fmt.units[0]], _UNIT_SECONDS[fmt.units[-1]]
        b = _dnum(m["b"])
        c = _dnum(m["c"]) if three else b
        ok &= (b < 60) & (c < 60)
        frac = _dnum("0." + m["f"].fillna("0"))
        secs = _dnum(m["a"]) * big + (b * 60 + c if three else b * small) + frac * small
        out = (secs * np.where(m["neg"].notna(), -1.0, 1.0)).where(ok)
    elif fmt.style == "iso":
        _, out = _iso_parts(text)
    else:
        m, out, nparts = _compound_parts(text)
        allowed = pd.Series(True, index=m.index)
        for i in range(_MAX_PARTS):
            allowed &= m[f"n{i}"].isna() | m[f"u{i}"].isin(fmt.units)
        out = out.where(allowed & ((nparts == 1) if fmt.style == "unit" else True))
    return out.to_numpy(dtype=float, na_value=np.nan)


def _split_units(av: np.ndarray, units: tuple[str, ...], decimals: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Whole counts of each unit but the last, and the last in steps of ``10**-decimals`` of its unit."""
    scale = 10**decimals
    small = _UNIT_SECONDS[units[-1]]
    q = np.round(av / small * scale).astype(np.int64)
    counts = []
    for u in units[:-1]:
        f = (_UNIT_SECONDS[u] // small) * scale
        counts.append(q // f)
        q = q - counts[-1] * f
    return counts, q


def _fixed(q: np.ndarray, decimals: int, width: int = 1) -> np.ndarray:
    """``q`` steps of ``10**-decimals`` as text with ``decimals`` fraction digits, integer part padded to width."""
    scale = 10**decimals
    txt = _int_str(q // scale, width)
    return _join([txt, ".", _int_str(q % scale, decimals)], len(q)) if decimals else txt


def _label(label: str, number: np.ndarray) -> np.ndarray:
    """A unit label in English number: a full word (hour/hours) is singular for exactly "1", plural otherwise;
    a plural abbreviation (hrs) is singular for "1"; other labels (h, min) never change."""
    word = label.strip().rstrip(".").lower()
    text = label.rstrip()
    if word in _SINGULARS and text[-1:].isalpha():
        singular, plural = label, text + ("S" if text.isupper() else "s")
    elif word in _PLURALS and text.endswith(("s", "S")):
        singular, plural = text[:-1], label
    else:
        return np.full(len(number), label)
    return np.where(number == "1", singular, plural)


def render_durations(x: np.ndarray, fmt: DurationFormat) -> np.ndarray:
    """Render durations in seconds as text in ``fmt``: object array of str, None for NaN/infinite/huge.

    The smallest unit is rounded half-to-even to ``fmt.decimals`` digits (``numpy.round`` of the
    scaled value), then carried into the larger units, so ``parse_durations(render_durations(x))``
    equals ``x`` rounded to that step (exactly for whole seconds).

    >>> render_durations(np.array([5400.0, 59.0, np.nan]), DurationFormat("clock", ("h", "min", "s"))).tolist()
    ['01:30:00', '00:00:59', None]
    >>> render_durations(np.array([8100.0, 3600.0]), DurationFormat("compound", ("h", "min"), ("h", "m"))).tolist()
    ['2h 15m', '1h']
    """
    _expect(fmt, DurationFormat, "DurationFormat('clock', ('h', 'min', 's'))")
    a = _to_float(x, "render_durations", "np.array([5400.0, 90.0])")
    step = _UNIT_SECONDS[fmt.units[-1]] / 10 ** (fmt.decimals or 0)
    ok = np.isfinite(a) & (np.abs(a) < min(1e15, 4e18 * step))
    n = int(ok.sum())
    if n == 0:
        return np.full(len(a), None, dtype=object)
    v = a[ok]
    av = np.abs(v)
    if fmt.style == "unit":
        num = render_numbers(av / _UNIT_SECONDS[fmt.units[0]], NumberFormat(decimals=fmt.decimals)).astype(str)
        body = np.strings.add(num, _label(fmt.labels[0], num))
        zero = np.strings.strip(np.strings.replace(num, ".", ""), "0") == ""
    else:
        dec = fmt.decimals or 0
        counts, q = _split_units(av, fmt.units, dec)
        zero = reduce(np.logical_and, [cnt == 0 for cnt in counts], q == 0)
        if fmt.style == "clock":
            texts = [_int_str(cnt, fmt.lead_width if i == 0 else 2) for i, cnt in enumerate(counts)]
            body = _join([p for t in texts for p in (t, ":")] + [_fixed(q, dec, 2)], n)
        else:
            iso = fmt.style == "iso"
            labels = [_ISO_LETTER[u] for u in fmt.units] if iso else list(fmt.labels)
            seps = [""] * len(fmt.units) if iso else [fmt.separator] * len(fmt.units)
            nums = [_int_str(cnt) for cnt in counts] + [_fixed(q, dec)]
            show = [(cnt != 0) | (not fmt.omit_zero and not iso) for cnt in [*counts, q]]
            show[-1] = show[-1] | zero
            date_parts, time_parts = np.full(n, "", dtype="<U1"), np.full(n, "", dtype="<U1")
            for u, num, lab, sep, sh in zip(fmt.units, nums, labels, seps, show, strict=True):
                piece = np.where(sh, np.strings.add(num, _label(lab, num)), "")
                if iso and u in ("h", "min", "s"):
                    time_parts = np.strings.add(time_parts, piece)
                else:
                    glue = np.where((date_parts != "") & sh, sep, "")
                    date_parts = _join([date_parts, glue, piece], n)
            if iso:
                body = _join(["P", date_parts, np.where(time_parts != "", "T", ""), time_parts], n)
            else:
                body = date_parts
    body = np.where((v < 0) & ~zero, np.strings.add("-", body), body)
    return _objects(body, ok)


def learn_duration_format(values: pd.Series) -> DurationFormat | None:
    """Learn how a column displays durations (clock, number+unit, compound or ISO 8601), or ``None``.

    Clock values ``"01:30:00"`` (two fields are hours:minutes; ``lead_width`` is the narrowest first
    field), ``"90 min"`` (one unit throughout: style ``unit``; ``decimals`` as for numbers), ``"2h 15m"``
    (style ``compound``; units are all units seen, ``omit_zero`` when some value leaves one out, the
    separator and labels are the most common ones), ISO ``"P1DT2H"``. ``m`` is minutes.

    >>> fmt = learn_duration_format(pd.Series(["2h 15m", "45m", "1h"]))
    >>> fmt.style, fmt.units, fmt.labels, fmt.omit_zero
    ('compound', ('h', 'min'), ('h', 'm'), True)
    """
    text = _present(values)
    if text.empty:
        return None
    fmt: DurationFormat | None = None
    if _rate(text.str.match(r"^-?P", case=False).to_numpy(dtype=bool)) >= MATCH_THRESHOLD:
        m, secs = _iso_parts(text)
        good = m[secs.notna()]
        units = tuple(u for u in _UNIT_SECONDS if good[u].notna().any())
        if units:
            fd = pd.concat([_frac_digits(good[u]) for u in units])
            fmt = DurationFormat("iso", units, decimals=int(fd.max()) if fd.notna().any() else 0)
    elif _rate(_clock_parts(text)["a"].notna().to_numpy()) >= MATCH_THRESHOLD:
        m = _clock_parts(text)
        m = m[m["a"].notna()]
        three = m["c"].notna().mean() >= 0.5
        fd = m["f"].str.len().fillna(0)
        fmt = DurationFormat("clock", ("h", "min", "s") if three else ("h", "min"), decimals=int(fd.max()),
                             lead_width=int(min(max(m["a"].str.len().min(), 1), 4)))
    else:
        m, secs, nparts = _compound_parts(text)
        good = secs.notna()
        if _rate(good.to_numpy()) < MATCH_THRESHOLD:
            return None
        m, nparts = m[good], nparts[good]
        seen = pd.concat([pd.DataFrame({"unit": m[f"u{i}"], "label": m[f"w{i}"] + m[f"l{i}"]})
                          for i in range(_MAX_PARTS)]).dropna()
        units = tuple(sorted(set(seen["unit"]), key=_UNIT_RANK.__getitem__))
        labels = tuple(_mode(seen.loc[(seen["unit"] == u).to_numpy(), "label"], u) for u in units)
        fd = pd.concat([_frac_digits(m[f"n{i}"]) for i in range(_MAX_PARTS)]).dropna()
        try:
            if len(units) == 1 and bool((nparts == 1).all()):
                dec = int(fd.iloc[0]) if fd.nunique() == 1 else None
                fmt = DurationFormat("unit", units, labels, decimals=dec)
            else:
                seps = pd.concat([m[f"s{i}"] for i in range(1, _MAX_PARTS)]).dropna()
                fmt = DurationFormat("compound", units, labels, separator=_mode(seps, " "), decimals=int(fd.max()),
                                     omit_zero=bool((nparts < len(units)).any()))
        except ParameterError:
            return None
    if fmt is None or _rate(~np.isnan(parse_durations(text, fmt))) < MATCH_THRESHOLD:
        return None
    return fmt
