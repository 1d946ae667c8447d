"""What a generated column keeps of the real column's look: case, separators, length, grouping, layout, country.

Generated values are fresh (never copied), but they should look like the real ones: upper-case UUIDs stay upper
case, ``9A-79-42-...`` MAC addresses keep their hyphens, 40-digit SHA-1 ids stay 40 digits, ``+1-467-355-7856``
phones keep that layout, German IBANs stay German, spaced card numbers stay spaced and of the same card scheme,
``MM/YYYY`` expiries keep four-digit years. :func:`learn_layout` learns these as generator options (plain JSON,
stored with the column's type in the model file; :func:`check_options` checks them when a model is read).

Each option is one **public-format decision** about the column, never a value of it: the most common choice among
the column's distinct values that validate (the most common case, separator, length, layout, country or card
scheme; a tie keeps the generator's default). Like detected types and display formats, these are facts taken from
the data and treated as public, and the privacy ledger says so (the ``metadata`` entry lists the column); declare
the column's ``format`` in the constraints file to keep the generator's defaults and learn nothing.

>>> learn_layout("mac", np.array(["9A-79-42-0B-11-C3", "00-1B-44-11-3A-B7"], dtype=object))
{'sep': '-', 'upper': True}
>>> learn_layout("card_expiry", np.array(["03/2027", "11/2029"], dtype=object))
{'year_digits': 4}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

#: what each generated type keeps of the real values (for docs/types.md)
KEPT = {
    "uuid": "upper or lower case",
    "sequential_id": "zero padding (width)",
    "pattern_id": "learned template (`AAA-000000`) or declared `format`; random digit ids keep their length",
    "hash_id": "length (32, 40, 64... hex digits), upper or lower case",
    "phone": "layout (`+1-###-###-####`, `(###) ###-####`) and country",
    "uk_nino": "spaced or compact",
    "iban": "country, spaced in fours or compact",
    "credit_card": "card scheme (from the issuer prefixes), grouping and separator (`4051 8719 8915 0515`)",
    "card_expiry": "two- or four-digit year (`MM/YY`, `MM/YYYY`)",
    "vat_number": "country",
    "mac": "separator (`:` or `-`), upper or lower case",
}


def learn_layout(type_name: str, values: np.ndarray) -> dict[str, Any]:
    """Generator options for ``type_name`` learned from the real ``values`` (distinct, stripped text).

    Empty when the type keeps nothing or no value validates.

    >>> learn_layout("hash_id", np.array(["DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"], dtype=object))
    {'length': 40, 'upper': True}
    """
    learn = _LEARNERS.get(type_name)
    values = np.asarray(values, dtype=object)
    if learn is None or not len(values):
        return {}
    return learn(pd.Series(values, dtype=object).astype(str).to_numpy(dtype=object))


def _mode(values: Any, default: Any = None) -> Any:
    """The most common value (a tie keeps ``default`` when it is among the tied, else the first seen)."""
    counts = pd.Series(list(values), dtype=object).value_counts(sort=False)
    if counts.empty:
        return default
    top = counts[counts == counts.max()]
    return default if default in top.index else top.index[0]


def _upper(values: np.ndarray) -> bool:
    """Whether more of the values with letters are upper case than lower case."""
    s = pd.Series(values, dtype=object).astype(str)
    upper = int(((s == s.str.upper()) & (s != s.str.lower())).sum())
    lower = int(((s == s.str.lower()) & (s != s.str.upper())).sum())
    return upper > lower


def _uuid(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_uuid(values, upper=None)]
    return {"upper": _upper(ok)} if len(ok) else {}


def _hash(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_hash_id(values)]
    return {"length": int(_mode(len(v) for v in ok)), "upper": _upper(ok)} if len(ok) else {}


def _mac(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_mac(values)]
    return {"sep": str(_mode((v[2] for v in ok), ":")), "upper": _upper(ok)} if len(ok) else {}


def _iban(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_iban(values)]
    if not len(ok):
        return {}
    return {"country": str(_mode(v[:2] for v in ok)), "spaced": bool(_mode((" " in v for v in ok), False))}


def _vat(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_vat_number(values)]
    return {"country": str(_mode(v[:2] for v in ok))} if len(ok) else {}


def _nino(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    ok = values[ids.valid_uk_nino(values)]
    return {"spaced": bool(_mode((" " in v for v in ok), False))} if len(ok) else {}


def _card(values: np.ndarray) -> dict[str, Any]:
    """The most common scheme (a public fact of each number's issuer prefix), then the most common separator and
    grouping of that scheme's numbers."""
    from bayes_synth.semantic import ids

    ok = values[ids.valid_credit_card(values, grouped=True)]
    if not len(ok):
        return {}
    schemes = ids.card_scheme(ok)
    scheme = str(_mode(schemes))
    mine = ok[schemes == scheme]
    sep = str(_mode((" " if " " in v else "-" if "-" in v else "" for v in mine), ""))
    out: dict[str, Any] = {"scheme": scheme, "sep": sep}
    if sep:
        spaced = [v for v in mine if sep in v]
        out["groups"] = list(_mode(tuple(len(g) for g in v.split(sep)) for v in spaced))
    return out


def _expiry(values: np.ndarray) -> dict[str, Any]:
    from bayes_synth.semantic import ids

    long, short = int(ids.valid_card_expiry(values, 4).sum()), int(ids.valid_card_expiry(values, 2).sum())
    return {"year_digits": 4 if long > short else 2} if long or short else {}


def _phone(values: np.ndarray) -> dict[str, Any]:
    """The country most values are numbers of (the first in the catalogue's order on a tie), and their most
    common layout."""
    from bayes_synth.semantic import ids
    from bayes_synth.semantic.catalogue import COUNTRIES

    best, count = None, 0
    for country in COUNTRIES:
        try:
            k = int(ids.valid_phone(values, country).sum())
        except ValueError:  # a country without phone rules
            continue
        if k > count:
            best, count = country, k
    if best is None:
        return {}
    return {"country": best, "layout": ids.phone_layout(values, best)}


_LEARNERS: dict[str, Callable[[np.ndarray], dict[str, Any]]] = {
    "uuid": _uuid, "hash_id": _hash, "mac": _mac, "iban": _iban, "vat_number": _vat, "uk_nino": _nino,
    "credit_card": _card, "card_expiry": _expiry, "phone": _phone,
}


# ------------------------------------------------------------------------------------------ model file checks
def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_country(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 2 and v.isascii() and v.isalpha()


def _is_groups(v: Any) -> bool:
    return (isinstance(v, list) and 0 < len(v) <= 8
            and all(isinstance(g, int) and not isinstance(g, bool) and 1 <= g <= 19 for g in v))


def _is_layout(v: Any) -> bool:
    return isinstance(v, str) and 0 < len(v) <= 40 and "#" in v and v.isprintable()


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "upper": _is_bool, "spaced": _is_bool, "nonzero_first": _is_bool, "country": _is_country,
    "length": lambda v: v in (32, 40, 56, 64, 96, 128) and not isinstance(v, bool),
    "sep": lambda v: v in ("", " ", "-", ":"), "scheme": lambda v: v in ("visa", "mastercard", "amex", "discover"),
    "groups": _is_groups, "year_digits": lambda v: v in (2, 4) and not isinstance(v, bool), "layout": _is_layout,
    "learned": lambda v: isinstance(v, list) and all(isinstance(k, str) for k in v),
}


def check_options(type_name: str, options: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` when a learned option read from a model file has the wrong type or value.

    >>> check_options("mac", {"sep": "-", "upper": True})
    >>> check_options("mac", {"sep": "x"})
    Traceback (most recent call last):
    ...
    ValueError: option 'sep' of a mac column has an invalid value
    """
    for key, value in options.items():
        if type_name not in _LEARNERS and key not in ("learned", "nonzero_first"):
            continue  # other types' options are their own
        check = _CHECKS.get(key)
        if check is not None and not (key == "country" and value is None) and not check(value):
            raise ValueError(f"option {key!r} of a {type_name} column has an invalid value")
