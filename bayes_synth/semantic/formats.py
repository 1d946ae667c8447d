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
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache, reduce
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bayes_synth.errors import ModelFormatError, ParameterError

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

#: Share of the non-blank values of a column that must parse under a learned format.
MATCH_THRESHOLD = 0.95

FAMILIES = ("number", "date", "duration", "bool", "month", "weekday", "year")
DATE_KINDS = ("date", "datetime", "time", "datetime_tz")
DURATION_STYLES = ("clock", "unit", "compound", "iso")
CASES = ("upper", "lower", "title", "mixed")

_MAX_SHAPES = 200  # distinct value shapes ("99/99/9999") screened per date candidate before parsing

# ----------------------------------------------------------------------------------------------
# shared helpers


def _series(values: Any) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values)


def _text(values: Any) -> pd.Series:
    """Object Series (RangeIndex) of stripped strings; ``None`` where missing or blank."""
    s = _series(values)
    out = np.full(len(s), None, dtype=object)
    na = s.isna().to_numpy(dtype=bool)
    if (~na).any():
        out[~na] = s[~na].astype(str).astype(object).str.strip().to_numpy(dtype=object)
    out[out == ""] = None
    return pd.Series(out, dtype=object)


def _present(values: Any) -> pd.Series:
    t = _text(values)
    return t[t.notna()].reset_index(drop=True)


def _rate(ok: Any) -> float:
    ok = np.asarray(ok, dtype=bool)
    return float(ok.mean()) if ok.size else 0.0


def _mode(s: pd.Series, default: str) -> str:
    s = s.dropna()
    if s.empty:
        return default
    return str(s.value_counts().index[0])


def _fail(cls: str, field: str, expected: str, example: str) -> None:
    raise ParameterError(f"{cls}.{field} must be {expected}, e.g. {example}")


def _check_str(v: Any, cls: str, field: str, expected: str, example: str, ok: bool = True) -> None:
    if type(v) is not str or not ok:
        _fail(cls, field, expected, example)


def _check_int(v: Any, cls: str, field: str, lo: int, hi: int, example: str, none_ok: bool = False) -> None:
    if none_ok and v is None:
        return
    if type(v) is not int or not lo <= v <= hi:
        _fail(cls, field, f"an integer from {lo} to {hi}" + (" or None" if none_ok else ""), example)


def _check_bool(v: Any, cls: str, field: str, example: str) -> None:
    if type(v) is not bool:
        _fail(cls, field, "True or False", example)


def _to_dict(fmt: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"family": fmt.family}
    for f in dataclasses.fields(fmt):
        v = getattr(fmt, f.name)
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


def _expect(fmt: Any, cls: type, example: str) -> None:
    if not isinstance(fmt, cls):
        raise ParameterError(f"expected a {cls.__name__}, e.g. {example}; got a {type(fmt).__name__}")


def _to_float(x: Any, what: str, example: str) -> np.ndarray:
    """Plain numbers as a float array (NaN for missing); refuses text that is not a number."""
    s = _series(x)
    if pd.api.types.is_bool_dtype(s.dtype):
        s = s.astype(float)
    num = pd.to_numeric(s, errors="coerce")
    bad = int((num.isna() & s.notna()).sum())
    if bad:
        raise ParameterError(f"{what} expects plain numbers, e.g. {example}; {bad} of {len(s)} values are not numbers")
    return num.to_numpy(dtype=float, na_value=np.nan)


def _to_int(x: Any, what: str, example: str, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Integers in ``[lo, hi]`` and the mask of valid ones (others render as None)."""
    a = _to_float(x, what, example)
    ok = np.isfinite(a) & (a == np.round(a)) & (a >= lo) & (a <= hi)
    return np.where(ok, a, lo).astype(np.int64), ok


def _int_str(a: np.ndarray, width: int = 1) -> np.ndarray:
    s = np.asarray(a, dtype=np.int64).astype(str)
    return np.strings.zfill(s, width) if width > 1 else s


def _join(parts: list[Any], n: int) -> np.ndarray:
    """Concatenate string arrays and literals elementwise into ``n`` strings."""
    return reduce(np.strings.add, parts, np.full(n, "", dtype="<U1"))


def _objects(strings: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.full(len(ok), None, dtype=object)
    out[ok] = np.asarray(strings, dtype=object)
    return out


# ----------------------------------------------------------------------------------------------
# text case


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


# ----------------------------------------------------------------------------------------------
# numbers

_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'\u2019"
THOUSANDS_SEPARATORS = ("", ",", ".", *_SPACES, *_APOSTROPHES)
NEGATIVE_STYLES = ("-", "prefix-", "()")
_SIGN = "[-+\u2212]"
_MINUSES = ("-", "\u2212")
# Currency symbols and codes: $ € £ ¥ ₹ ..., US$ / C$ style, and any 3-uppercase-letter code (CHF, USD).
_CUR = r"(?:[A-Z]{2}\$|[A-Z]\$|[A-Z]{3}|[$€£¥₹₩₽₪¢]|kr|zł)"
_NUMBER_SHAPE = (
    rf"^(?P<lp>\()?\s*(?P<s1>{_SIGN})?\s*(?P<pre>{_CUR}\s*)?(?P<s2>{_SIGN})?\s*"
    r"(?P<num>\d(?:[\d.,'\u2019\s]*\d)?|[.,]\d+)"
    rf"(?P<suf>\s*(?:%|{_CUR})(?:\s*(?:%|{_CUR}))?)?\s*(?P<rp>\))?$"
)
_AFFIX_BAD = re.compile(r"[\d()+\-\u2212]")
_MAX_DECIMALS = 20  # more learned fraction digits than this: decimals=None (shortest exact text)
_MAX_WIDTH = 40


@dataclass(frozen=True)
class NumberFormat:
    """How the numbers of a column are displayed.

    * ``decimals``: digits after the decimal mark (rendering rounds half-to-even on the exact binary
      value, like Python's ``round``); ``None`` renders the shortest text that reads back exactly.
    * ``thousands``: grouping separator of 3 digits (``""`` none, ``,`` ``.`` space, no-break space,
      narrow no-break space, thin space, apostrophe); ``decimal_mark``: ``.`` or ``,``.
    * ``prefix`` / ``suffix``: literal text before/after the digits, spacing included (``"EUR "``,
      ``" €"``, ``"%"``); parsing requires the same symbols but ignores differences in spacing.
    * ``percent``: the suffix holds a ``%`` sign; the value keeps the displayed scale (12.5% is 12.5).
    * ``min_width``: integer digits are zero-padded to this width (``"007"`` has 3; 0 = no padding).
    * ``negative``: ``"-"`` (``-$5.00``), ``"prefix-"`` (``$-5.00``) or ``"()"`` (``($5.00)``).

    >>> NumberFormat(decimals=2, thousands=",", prefix="$").to_dict()["prefix"]
    '$'
    """

    decimals: int | None = None
    thousands: str = ""
    decimal_mark: str = "."
    prefix: str = ""
    suffix: str = ""
    percent: bool = False
    min_width: int = 0
    negative: str = "-"

    family: ClassVar[str] = "number"

    def __post_init__(self) -> None:
        c, ex = "NumberFormat", "NumberFormat(decimals=2, thousands=',', prefix='$')"
        _check_int(self.decimals, c, "decimals", 0, _MAX_DECIMALS, ex, none_ok=True)
        if type(self.thousands) is not str or self.thousands not in THOUSANDS_SEPARATORS:
            _fail(c, "thousands", "one of '', ',', '.', a space or an apostrophe", ex)
        if type(self.decimal_mark) is not str or self.decimal_mark not in (".", ","):
            _fail(c, "decimal_mark", "'.' or ','", ex)
        if self.decimal_mark == self.thousands:
            _fail(c, "decimal_mark", "different from the thousands separator",
                  "NumberFormat(thousands='.', decimal_mark=',')")
        for name in ("prefix", "suffix"):
            v = getattr(self, name)
            _check_str(v, c, name, "text of at most 16 characters without digits, signs or parentheses", ex,
                       ok=type(v) is str and len(v) <= 16 and not _AFFIX_BAD.search(v))
        if "%" in self.prefix:
            _fail(c, "prefix", "text without '%' (a percent sign belongs in the suffix)",
                  "NumberFormat(suffix='%', percent=True)")
        _check_bool(self.percent, c, "percent", "NumberFormat(suffix='%', percent=True)")
        if self.percent != ("%" in self.suffix):
            _fail(c, "percent", "True exactly when the suffix holds '%'", "NumberFormat(suffix='%', percent=True)")
        _check_int(self.min_width, c, "min_width", 0, _MAX_WIDTH, "NumberFormat(decimals=0, min_width=5)")
        if self.negative not in NEGATIVE_STYLES:
            _fail(c, "negative", "one of '-', 'prefix-', '()'", "NumberFormat(negative='()')")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, read back by :func:`format_from_dict`.

        >>> NumberFormat(decimals=1, suffix="%", percent=True).to_dict()["percent"]
        True
        """
        return _to_dict(self)


def _affix_regex(a: str) -> str:
    return r"\s*".join(re.escape(tok) for tok in a.split())


@lru_cache(maxsize=256)
def _number_regex(fmt: NumberFormat) -> str:
    d = re.escape(fmt.decimal_mark)
    t = fmt.thousands
    if not t:
        ip = r"\d+"
    else:
        tc = f"[{re.escape(_SPACES)}]" if t in _SPACES else f"[{_APOSTROPHES}]" if t in _APOSTROPHES else re.escape(t)
        ip = rf"\d{{1,3}}(?:{tc}\d{{3}})+|\d+"
    return (
        rf"^(?P<lp>\()?\s*(?P<s1>{_SIGN})?\s*{_affix_regex(fmt.prefix)}\s*(?P<s2>{_SIGN})?\s*"
        rf"(?=\d|{d}\d)(?P<int>{ip})?(?:{d}(?P<frac>\d+))?\s*{_affix_regex(fmt.suffix)}\s*(?P<rp>\))?$"
    )


def _number_parts(text: pd.Series, fmt: NumberFormat) -> pd.DataFrame:
    """Per value: ok, value, integer digits, fraction digits and sign style (text must be strings/None)."""
    m = text.str.extract(_number_regex(fmt))
    lp, rp = m["lp"].notna(), m["rp"].notna()
    s1m, s2m = m["s1"].isin(_MINUSES), m["s2"].isin(_MINUSES)
    ok = (m["int"].notna() | m["frac"].notna()) & (lp == rp) & ~(m["s1"].notna() & m["s2"].notna())
    digits = m["int"].fillna("").str.replace(r"\D", "", regex=True)
    frac = m["frac"].fillna("")
    sign = pd.Series(np.where((s1m | s2m | lp).to_numpy(), "-", ""), index=m.index, dtype=object)
    num = sign + digits.where(digits != "", "0") + "." + frac.where(frac != "", "0")
    value = pd.to_numeric(num.where(ok), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame({"ok": ok.to_numpy(dtype=bool), "value": value, "digits": digits, "frac": frac,
                         "parens": lp, "before": s1m, "after": s2m})


def _learn_separators(num: pd.Series) -> tuple[str, str]:
    """(decimal mark, thousands separator) from the digit runs of a column; see the module docstring."""
    cnt = {c: num.str.count(re.escape(c)).to_numpy() for c in ".,"}
    last = {c: num.str.rfind(c).to_numpy() for c in ".,"}
    other = num.str.contains(f"[{_SPACES}{_APOSTROPHES}]", regex=True).to_numpy(dtype=bool)
    both = (cnt["."] > 0) & (cnt[","] > 0)
    dec, thou, amb = {}, {}, {}
    for c, o in ((".", ","), (",", ".")):
        single = (cnt[c] == 1) & ~both
        grouped = num.str.fullmatch(rf"[1-9]\d{{0,2}}{re.escape(c)}\d{{3}}").to_numpy(dtype=bool)
        shape_amb = single & ~other & grouped
        amb[c] = int(shape_amb.sum())
        dec[c] = int(((both & (last[c] > last[o])) | (single & ~shape_amb)).sum())
        thou[c] = int(((cnt[c] >= 2) | (both & (last[c] < last[o]))).sum())
    mark: str | None
    if dec["."] or dec[","]:
        mark = "." if dec["."] >= dec[","] else ","
    elif thou["."] or thou[","]:
        mark = "," if thou["."] >= thou[","] else "."
    elif amb["."] or amb[","]:
        mark = "," if amb["."] >= amb[","] else "."  # ambiguous shapes only: they are thousands separators
    else:
        mark = None
    counts: dict[str, int] = {}
    if mark is not None:
        o = "," if mark == "." else "."
        counts[o] = int((cnt[o] > 0).sum())
    for ch in _SPACES + _APOSTROPHES:
        counts[ch] = int(num.str.contains(ch, regex=False).sum())
    best = max(counts, key=counts.__getitem__)
    thousands = best if counts[best] > 0 else ""
    if mark is None:
        mark = "."
    return mark, thousands


def learn_number_format(values: pd.Series) -> NumberFormat | None:
    """Learn how a column of text displays numbers, or ``None`` if it does not.

    Recognises currency symbols and codes as prefix or suffix (``$ € £ ¥ ₹``, ``US$``, ``CHF``,
    ``USD``, any 3-uppercase-letter code), percent signs, thousands separators (``,`` ``.`` space,
    (narrow) no-break space, apostrophe), the decimal mark (rule in the module docstring: ``"1,234"``
    alone is 1234), accounting negatives ``(1,200.00)`` and zero padding (``min_width`` is the common
    width when all values have the same number of integer digits and some start with 0, as in
    ``"007"`` or postcodes ``"02134"``). ``decimals`` is the number of fraction digits when all values
    agree, else ``None``. Returns ``None`` when fewer than :data:`MATCH_THRESHOLD` of the non-blank
    values parse under the learned format (free text, phone numbers, mixed currencies, ...).

    >>> fmt = learn_number_format(pd.Series(["1.234,50 €", "12,00 €"]))
    >>> fmt.decimals, fmt.thousands, fmt.decimal_mark, fmt.suffix
    (2, '.', ',', ' €')
    >>> learn_number_format(pd.Series(["call me", "maybe"])) is None
    True
    """
    text = _present(values)
    if text.empty:
        return None
    shape = text.str.extract(_NUMBER_SHAPE)
    matched = shape["num"].notna().to_numpy(dtype=bool)
    if _rate(matched) < MATCH_THRESHOLD:
        return None
    sh = shape[matched]
    prefix = _mode(sh["pre"].fillna(""), "")
    suffix = _mode(sh["suf"].fillna(""), "")
    mark, thousands = _learn_separators(sh["num"].reset_index(drop=True))
    try:
        fmt = NumberFormat(thousands=thousands, decimal_mark=mark, prefix=prefix, suffix=suffix, percent="%" in suffix)
    except ParameterError:
        return None
    parts = _number_parts(text, fmt)
    ok = parts["ok"].to_numpy()
    if _rate(ok) < MATCH_THRESHOLD:
        return None
    good = parts[ok]
    frac_len = good["frac"].str.len()
    decimals = int(frac_len.iloc[0]) if frac_len.nunique() == 1 and frac_len.iloc[0] <= _MAX_DECIMALS else None
    lens = good["digits"].str.len()
    padded = lens.nunique() == 1 and 2 <= lens.iloc[0] <= _MAX_WIDTH and bool(good["digits"].str.startswith("0").any())
    parens, before, after = int(good["parens"].sum()), int(good["before"].sum()), int(good["after"].sum())
    if parens and parens >= before + after:
        negative = "()"
    elif prefix.strip() and after > before:
        negative = "prefix-"
    else:
        negative = "-"
    return dataclasses.replace(fmt, decimals=decimals, min_width=int(lens.iloc[0]) if padded else 0, negative=negative)


def parse_numbers(values: pd.Series, fmt: NumberFormat) -> np.ndarray:
    """Numbers displayed in ``fmt`` as a float array; NaN where missing, blank or not in the format.

    A percentage keeps its displayed scale (``"12.5%"`` is 12.5, not 0.125). The currency symbols and
    the percent sign must be those of ``fmt``; spacing, ungrouped digits (``"1234.5"`` in a format with
    thousands separators), a leading ``+`` and either minus style or parentheses are accepted.

    >>> parse_numbers(pd.Series(["1'234.50", None, "n/a"]), NumberFormat(thousands="'")).tolist()
    [1234.5, nan, nan]
    """
    _expect(fmt, NumberFormat, "NumberFormat(decimals=2, thousands=',')")
    text = _text(values)
    parts = _number_parts(text, fmt)
    return np.where(parts["ok"].to_numpy() & text.notna().to_numpy(), parts["value"].to_numpy(), np.nan)


def _shortest_positional(av: np.ndarray) -> np.ndarray:
    """Shortest decimal text that reads back to each (finite, non-negative) float, never with an exponent."""
    r = av.astype(str)
    sci = np.strings.find(r, "e") >= 0
    if sci.any():
        rs = r[sci]
        e = np.strings.find(rs, "e")
        mant = np.strings.slice(rs, 0, e)
        exp = np.strings.slice(rs, e + 1, None).astype(np.int64)
        dot = np.strings.find(mant, ".")
        int_len = np.where(dot >= 0, dot, np.strings.str_len(mant))
        digits = np.strings.replace(mant, ".", "")
        pos = int_len + exp
        n = np.strings.str_len(digits)
        small = _join(["0.", np.strings.multiply("0", np.maximum(-pos, 0)), digits], len(rs))
        big = np.strings.add(digits, np.strings.multiply("0", np.maximum(pos - n, 0)))
        mid = _join([np.strings.slice(digits, 0, pos), ".", np.strings.slice(digits, pos, None)], len(rs))
        r = r.astype(object)
        r[sci] = np.where(pos <= 0, small, np.where(pos >= n, big, mid)).astype(object)
        r = r.astype(str)
    return np.where(np.strings.endswith(r, ".0"), np.strings.slice(r, 0, -2), r)


def _group_thousands(digits: np.ndarray, sep: str) -> np.ndarray:
    """Digit strings with ``sep`` every three digits from the right, built group by group with numpy.

    >>> _group_thousands(np.array(["1234567", "12", "000123"]), ",").tolist()
    ['1,234,567', '12', '000,123']
    """
    digits = np.asarray(digits, dtype=str)
    length = np.strings.str_len(digits)
    if len(digits) == 0:
        return digits
    groups = (length + 2) // 3
    out = np.full(len(digits), "", dtype=f"<U{int(length.max()) + len(sep) * int(groups.max())}")
    for j in range(int(groups.max()) - 1, -1, -1):  # most significant group first
        stop = np.maximum(length - 3 * j, 0)
        lead = groups == j + 1  # the leading group: 1-3 digits, as written
        piece = np.where(lead, np.strings.slice(digits, 0, stop),
                         np.where(groups > j, np.strings.add(sep, np.strings.slice(digits, stop - 3, stop)), ""))
        out = np.strings.add(out, piece)
    return out


def render_numbers(x: np.ndarray, fmt: NumberFormat) -> np.ndarray:
    """Render plain numbers as text in ``fmt``: object array of str, None for NaN and infinities.

    Rounds to ``fmt.decimals`` half-to-even on the exact binary value (as Python's ``round``), so
    ``parse_numbers(render_numbers(x, fmt), fmt) == round(x, fmt.decimals)``; with ``decimals=None``
    the shortest exact text is used and the round trip gives ``x`` back. Zero padding is applied to
    the integer digits before grouping; a value that rounds to zero is rendered without a sign.

    >>> fmt = NumberFormat(decimals=2, thousands=".", decimal_mark=",", suffix=" €")
    >>> render_numbers(np.array([1234.5, -0.001, np.nan]), fmt).tolist()
    ['1.234,50 €', '0,00 €', None]
    """
    _expect(fmt, NumberFormat, "NumberFormat(decimals=2, thousands=',')")
    a = _to_float(x, "render_numbers", "np.array([1.5, 2.0])")
    ok = np.isfinite(a)
    if not ok.any():
        return np.full(len(a), None, dtype=object)
    v = a[ok]
    av = np.abs(v)
    if fmt.decimals is not None:
        return _objects(_render_fixed(v, av, fmt), ok)
    body = _shortest_positional(av)
    parts = pd.Series(body.astype(object), dtype=object).str.partition(".")
    ip, fp = parts[0], parts[2]
    neg = (v < 0) & ((ip.str.strip("0") != "") | (fp.str.strip("0") != "")).to_numpy()
    if fmt.min_width > 1:
        ip = ip.str.zfill(fmt.min_width)
    if fmt.thousands:
        ip = pd.Series(_group_thousands(ip.to_numpy(dtype=str), fmt.thousands).astype(object), index=ip.index)
    core = ip + fp.where(fp == "", fmt.decimal_mark + fp)
    pre, suf = fmt.prefix, fmt.suffix
    plain = (pre + core + suf).to_numpy(dtype=object)
    if fmt.negative == "()":
        minus = ("(" + pre + core + suf + ")").to_numpy(dtype=object)
    elif fmt.negative == "prefix-":
        minus = (pre + "-" + core + suf).to_numpy(dtype=object)
    else:
        minus = ("-" + pre + core + suf).to_numpy(dtype=object)
    return _objects(np.where(neg, minus, plain), ok)


def _render_fixed(v: np.ndarray, av: np.ndarray, fmt: NumberFormat) -> np.ndarray:
    """:func:`render_numbers` with known decimals.

    Without zero padding, one C-level ``format`` per value does rounding and grouping together: measured
    about 8x faster than the numpy string ufuncs below for 200,000 values (numpy's fixed-width
    strings copy every intermediate), so that is the one per-value step here.
    """
    if fmt.min_width <= 1:
        spec = f"{',' if fmt.thousands else ''}.{fmt.decimals}f"
        body = [format(x, spec) for x in av.tolist()]
        if (fmt.thousands or ",") != "," or fmt.decimal_mark != ".":
            table = str.maketrans({",": fmt.thousands, ".": fmt.decimal_mark})
            body = [b.translate(table) for b in body]
        core = np.array(body, dtype=object)
        zero = np.array([not b.strip("0.,' \u00a0\u202f\u2009") for b in body], dtype=bool)
        pre, suf = fmt.prefix, fmt.suffix
        plain = pre + core + suf
        minus = {"()": "(" + plain + ")", "prefix-": pre + "-" + core + suf}.get(fmt.negative, "-" + plain)
        return np.where((v < 0) & ~zero, minus, plain)
    body = np.strings.mod(f"%.{fmt.decimals}f", av)
    ip, _, fp = np.strings.partition(body, ".")
    neg = (v < 0) & (np.strings.strip(body, "0.") != "")
    if fmt.min_width > 1:
        ip = np.strings.zfill(ip, fmt.min_width)
    if fmt.thousands:
        ip = _group_thousands(ip, fmt.thousands)
    core = np.where(fp == "", ip, np.strings.add(np.strings.add(ip, fmt.decimal_mark), fp))
    pre, suf = fmt.prefix, fmt.suffix
    plain = np.strings.add(np.strings.add(pre, core), suf)
    if fmt.negative == "()":
        minus = np.strings.add(np.strings.add("(", plain), ")")
    elif fmt.negative == "prefix-":
        minus = np.strings.add(np.strings.add(np.strings.add(pre, "-"), core), suf)
    else:
        minus = np.strings.add("-", plain)
    return np.where(neg, minus, plain)


# ----------------------------------------------------------------------------------------------
# dates, datetimes and times

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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


# ----------------------------------------------------------------------------------------------
# durations

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


# ----------------------------------------------------------------------------------------------
# booleans

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


# ----------------------------------------------------------------------------------------------
# months, weekdays, years

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


# ----------------------------------------------------------------------------------------------
# dispatch

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
