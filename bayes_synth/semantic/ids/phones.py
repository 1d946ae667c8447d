"""Phone numbers of US, CA, GB, DE, FR, NL and AU: national formats and E.164, and learned print layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_synth.semantic.ids._common import (
    _as_values,
    _cat,
    _check_n,
    _from_codes,
    _fullmatch,
    _norm_country,
    _pick,
    _rand_digits,
)

_NANP = r"[2-9](?!11)[0-9]{2}"
_NANP_AREAS_US = tuple(str(a) for a in range(200, 1000) if a % 100 != 11 and (a // 10) % 10 != 9)
_NANP_AREAS_CA = ("204", "226", "236", "249", "250", "289", "306", "343", "365", "403", "416", "418", "431",
                  "437", "438", "450", "506", "514", "519", "548", "579", "581", "587", "604", "613", "639",
                  "647", "672", "705", "709", "742", "778", "780", "782", "807", "819", "825", "867", "873",
                  "902", "905")
_NANP_EXCHANGES = tuple(str(a) for a in range(200, 1000) if a % 100 != 11)

# A phone "form" is a weight and pieces: a str is display-only (trunk prefix, separators); ("p", options) and
# ("d", k, first_digit_min) are digits that belong to both the display and the national significant number.
_Piece = str | tuple
_PHONE_FORMS: dict[str, list[tuple[float, tuple[_Piece, ...]]]] = {
    "US": [(1.0, ("(", ("p", _NANP_AREAS_US), ") ", ("p", _NANP_EXCHANGES), "-", ("d", 4, 0)))],
    "CA": [(1.0, ("(", ("p", _NANP_AREAS_CA), ") ", ("p", _NANP_EXCHANGES), "-", ("d", 4, 0)))],
    "GB": [
        (0.6, ("0", ("p", ("71", "72", "73", "74", "75", "77", "78", "79")), ("d", 2, 0), " ", ("d", 6, 0))),
        (0.2, ("0", ("p", ("20",)), " ", ("p", ("3", "7", "8")), ("d", 3, 0), " ", ("d", 4, 0))),
        (0.2, ("0", ("p", ("113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161", "191")),
               " ", ("d", 3, 2), " ", ("d", 4, 0))),
    ],
    "DE": [
        (0.35, ("0", ("p", ("30", "40", "69", "89")), " ", ("d", 8, 2))),
        (0.25, ("0", ("p", ("211", "221", "231", "341", "351", "511", "711", "911")), " ", ("d", 7, 2))),
        (0.40, ("0", ("p", ("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174",
                            "175", "176", "177", "178", "179")), " ", ("d", 8, 0))),
    ],
    "FR": [(1.0, ("0", ("p", ("1", "2", "3", "4", "5", "6", "6", "6", "7", "7", "9")), " ", ("d", 2, 0), " ",
                  ("d", 2, 0), " ", ("d", 2, 0), " ", ("d", 2, 0)))],
    "NL": [
        (0.5, ("0", ("p", ("6",)), " ", ("p", ("1", "2", "3", "4", "5")), ("d", 7, 0))),
        (0.5, ("0", ("p", ("10", "20", "30", "40", "50", "70", "13", "15", "23", "24", "26", "35", "36", "38",
                           "43", "45", "46", "53", "55", "58", "71", "72", "73", "74", "75", "76", "77", "78", "79")),
               " ", ("d", 3, 1), " ", ("d", 4, 0))),
    ],
    "AU": [
        (0.5, ("0", ("p", ("4",)), ("d", 2, 0), " ", ("d", 3, 0), " ", ("d", 3, 0))),
        (0.5, ("(0", ("p", ("2", "3", "7", "8")), ") ", ("d", 4, 2), " ", ("d", 4, 0))),
    ],
}
# country -> (calling code, national significant number regex, national display regex)
_PHONE_RULES: dict[str, tuple[str, str, str]] = {
    "US": ("1", rf"{_NANP}{_NANP}[0-9]{{4}}", rf"\({_NANP}\) {_NANP}-[0-9]{{4}}|{_NANP}-{_NANP}-[0-9]{{4}}"),
    "CA": ("1", rf"{_NANP}{_NANP}[0-9]{{4}}", rf"\({_NANP}\) {_NANP}-[0-9]{{4}}|{_NANP}-{_NANP}-[0-9]{{4}}"),
    "GB": ("44", r"7[1-57-9][0-9]{8}|20[0-9]{8}|1[0-9]{8,9}|3[0-9]{9}",
           r"07[1-57-9][0-9]{2} [0-9]{6}|020 [0-9]{4} [0-9]{4}|01[0-9]1 [0-9]{3} [0-9]{4}|011[0-9] [0-9]{3} [0-9]{4}"
           r"|01[0-9]{3} [0-9]{5,6}"),
    "DE": ("49", r"1[5-7][0-9]{8,9}|[2-9][0-9]{6,10}", r"0(?:1[5-7][0-9][ /][0-9]{7,8}|[2-9][0-9]{1,4}[ /][0-9]{4,8})"),
    "FR": ("33", r"[1-79][0-9]{8}", r"0[1-79](?: [0-9]{2}){4}|0[1-79](?:\.[0-9]{2}){4}"),
    "NL": ("31", r"6[1-5][0-9]{7}|[1-57][0-9]{8}|8[58][0-9]{7}",
           r"06[ -][1-5][0-9]{7}|0[1-57][0-9][ -][0-9]{3} [0-9]{4}|0[1-57][0-9]{2}[ -][0-9]{6}"),
    "AU": ("61", r"4[0-9]{8}|[2378][0-9]{8}",
           r"04[0-9]{2} [0-9]{3} [0-9]{3}|\(0[2378]\) [0-9]{4} [0-9]{4}|0[2378] [0-9]{4} [0-9]{4}"),
}


def valid_phone(values: np.ndarray, country: str | None = None) -> np.ndarray:
    """True where the value is a phone number of ``country`` (US, GB, DE, FR, NL, CA, AU; None = any of them).

    Accepted: the usual national formats (e.g. ``(415) 555-2671``, ``07911 123456``, ``030 12345678``,
    ``06 12 34 56 78``, compact national digits for trunk-0 countries) and international ``+CC`` numbers,
    compact E.164 or with spaces/hyphens/parentheses (``+49 30 12345678``).

    >>> valid_phone(np.array(["(415) 555-2671", "+14155552671", "(115) 555-2671", "07911 123456"], dtype=object),
    ...             "US").tolist()
    [True, True, False, False]
    """
    countries = list(_PHONE_RULES) if country is None else [_norm_country(country, list(_PHONE_RULES), "phone")]
    arr = _as_values(values)
    national = "|".join(
        f"{_PHONE_RULES[c][2]}" + ("" if _PHONE_RULES[c][0] == "1" else f"|0(?:{_PHONE_RULES[c][1]})")
        for c in countries
    )
    ok = _fullmatch(arr, national)
    intl = np.flatnonzero(~ok & _fullmatch(arr, r"\+[0-9 ()-]{6,24}"))
    if intl.size:
        stripped = pd.Series(arr[intl], dtype=object).str.replace(r"[ ()-]", "", regex=True).to_numpy(dtype=object)
        by_code: dict[str, list[str]] = {}
        for c in countries:
            by_code.setdefault(_PHONE_RULES[c][0], []).append(f"(?:{_PHONE_RULES[c][1]})")
        e164 = "|".join(rf"\+{cc}(?:{'|'.join(nsns)})" for cc, nsns in by_code.items())
        ok[intl] = _fullmatch(stripped, e164)
    return ok


def _phone_form(pieces: tuple[_Piece, ...], m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    display: list[np.ndarray | str] = [np.full(m, "")]
    nsn: list[np.ndarray | str] = [np.full(m, "")]
    for piece in pieces:
        if isinstance(piece, str):
            display.append(piece)
            continue
        part = _pick(rng, m, piece[1]) if piece[0] == "p" else _rand_digits(rng, m, piece[1], piece[2])
        display.append(part)
        nsn.append(part)
    return _cat(*display), _cat(*nsn)


def _phone_numbers(n: int, rng: np.random.Generator, country: str) -> tuple[np.ndarray, np.ndarray]:
    """``n`` numbers of ``country``: (national display, national significant number) ``U`` arrays."""
    forms = _PHONE_FORMS[country]
    weights = np.array([w for w, _ in forms])
    which = rng.choice(len(forms), size=n, p=weights / weights.sum())
    parts = []
    for k, (_, pieces) in enumerate(forms):
        idx = np.flatnonzero(which == k)
        if idx.size:
            parts.append((idx, *_phone_form(pieces, idx.size, rng)))
    if len(parts) == 1 and parts[0][0].size == n:
        return parts[0][1], parts[0][2]
    out = []
    for j in (1, 2):  # display, then national significant number
        joined = np.empty(n, dtype=f"U{max([p[j].dtype.itemsize // 4 for p in parts], default=1)}")
        for p in parts:
            joined[p[0]] = p[j]
        out.append(joined)
    return out[0], out[1]


def generate_phone(n: int, rng: np.random.Generator, country: str = "US", international: bool = False,
                   layout: str | None = None) -> np.ndarray:
    """``n`` random phone numbers of ``country`` in a national format, or E.164 (``+14155552671``) if ``international``.

    Formats: US/CA ``(NXX) NXX-XXXX``; GB ``07NNN NNNNNN``, ``020 NNNN NNNN``, ``01N1 NNN NNNN``; DE ``030 NNNNNNNN``,
    ``0151 NNNNNNNN``; FR ``0N NN NN NN NN``; NL ``06 NNNNNNNN``, ``020 NNN NNNN``; AU ``04NN NNN NNN``,
    ``(0N) NNNN NNNN``. ``layout`` (see :func:`phone_layout`) prints them in a learned layout instead.

    >>> generate_phone(2, np.random.default_rng(0), country="GB").tolist()
    ['020 3441 3126', '07362 192071']
    >>> generate_phone(1, np.random.default_rng(0), country="DE", international=True).tolist()
    ['+4917197027936']
    >>> generate_phone(1, np.random.default_rng(0), layout="+1-###-###-####")[0][:3]
    '+1-'
    """
    n = _check_n(n)
    country = _norm_country(country, list(_PHONE_RULES), "phone")
    if layout is not None:
        return _phones_in_layout(n, rng, country, str(layout))
    display, nsn = _phone_numbers(n, rng, country)
    cc = _PHONE_RULES[country][0]
    return (_cat(np.full(n, "+" + cc), nsn) if international else display).astype(object)


def phone_layout(values: np.ndarray, country: str) -> str | None:
    """The most common layout of the ``country`` phone numbers among ``values`` (None if there are none).

    A layout is the number with every digit written ``#``, except the calling code after a leading ``+``, kept
    as written: ``+1-###-###-####``, ``(###) ###-####``, ``+44 #### ######``.

    >>> phone_layout(np.array(["+1-467-355-7856", "+1-212-555-0199", "(415) 555-2671"], dtype=object), "US")
    '+1-###-###-####'
    """
    country = _norm_country(country, list(_PHONE_RULES), "phone")
    arr = _as_values(values)
    arr = arr[valid_phone(arr, country)]
    if not arr.size:
        return None
    cc = _PHONE_RULES[country][0]
    shapes = pd.Series(arr, dtype=object).astype(str).str.replace(r"[0-9]", "#", regex=True)
    intl = shapes.str.startswith("+")
    shapes[intl] = "+" + cc + shapes[intl].str.slice(1 + len(cc))
    return str(shapes.value_counts(sort=True).index[0])


def _phones_in_layout(n: int, rng: np.random.Generator, country: str, layout: str) -> np.ndarray:
    """Numbers of ``country`` printed in ``layout``: the layout's ``#`` are filled with the national number (the
    trunk ``0`` and the national significant number, or only the latter after ``+CC``). Numbers whose length or
    kind the layout cannot hold (another country's layout, a mobile in a landline layout) are drawn again, and
    after a few draws printed in the country's usual format."""
    cc = _PHONE_RULES[country][0]
    intl = layout.startswith("+")
    codes = np.frombuffer(layout.encode("utf-32-le"), dtype=np.uint32)
    slots = np.flatnonzero(codes == ord("#"))
    out = np.empty(n, dtype=object)
    todo = np.arange(n)
    if not intl or layout.startswith("+" + cc):  # (another country's calling code: the usual format below)
        trunk = "" if intl or cc == "1" else "0"
        for _ in range(20):
            if not todo.size:
                break
            _, nsn = _phone_numbers(todo.size, rng, country)
            digits = np.strings.add(trunk, nsn)
            fits = np.flatnonzero(np.strings.str_len(digits) == slots.size)
            if not fits.size:
                continue
            filled = np.broadcast_to(codes, (fits.size, codes.size)).copy()
            filled[:, slots] = np.asarray(digits[fits], dtype=f"U{slots.size}").view(np.uint32).reshape(
                fits.size, slots.size)
            made = _from_codes(filled)
            if cc != "1":  # NANP numbers fit every valid NANP layout; others must stay valid numbers
                keep = valid_phone(made, country)
                fits, made = fits[keep], made[keep]
            out[todo[fits]] = made
            todo = np.delete(todo, fits)
    if todo.size:
        out[todo] = generate_phone(todo.size, rng, country)
    return out
