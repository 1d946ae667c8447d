"""At sample time: generated values, entity by entity, and display formats rendered back.

The sampled table holds, for each generated column, a presence indicator (``"present"`` or missing)
drawn by the network. :func:`fill` replaces each ``"present"`` with a fresh value of the column's type,
made for the whole table at once (so ``unique`` holds across every row), and entity by entity so the
values agree: first names with the row's modelled gender, emails with the generated names, full names
with first and last names, phone, postcode and IBAN formats with the row's country (a modelled country
code or name; else the regions' country; else the data's locale), and street, city and postcode with one
place of that country. US places are real rows of a reference, in the modelled state when there is one;
places of other countries come from the country's Faker locale and agree in format and locale only
(:func:`bayes_synth.semantic.places.sample_addresses`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bayes_synth.semantic.catalogue import TYPES, Context
from bayes_synth.semantic.plan import DAY_SECONDS, PRESENT, ColumnType, Semantics

#: within an entity, columns are generated in this order of their types (later ones read earlier ones)
ORDER = ("gender", "country", "country_code", "region", "title", "first_name", "last_name", "full_name", "email",
         "phone", "city", "postcode", "street_address")


def fill(frame: pd.DataFrame, semantics: Semantics, rng: np.random.Generator) -> pd.DataFrame:
    """``frame`` with generated columns filled and formatted columns rendered (a new frame).

    >>> from bayes_synth.semantic.plan import ColumnType, Semantics
    >>> s = Semantics({"id": ColumnType("id", "uuid")})
    >>> out = fill(pd.DataFrame({"id": ["present", None]}), s, np.random.default_rng(0))
    >>> len(out["id"][0]), out["id"][1] is None
    (36, True)
    """
    out = frame.copy()
    n = len(out)
    groups = [cols for _, cols in semantics.entities]
    grouped = {c for cols in groups for c in cols}
    groups += [(c,) for c in sorted(semantics.generated) if c not in grouped]  # an order the model file keeps
    for columns in groups:
        present = [c for c in columns if c in out.columns]
        _fill_entity(out, present, semantics, rng, n)
    for name in semantics.formatted:
        if name in out.columns:
            out[name] = _render(out[name], semantics.columns[name])
    return out


def _fill_entity(out: pd.DataFrame, columns: list[str], semantics: Semantics, rng: np.random.Generator,
                 n: int) -> None:
    ctx = Context(locale=semantics.locale)
    typed = [(c, semantics.columns[c]) for c in columns if c in semantics.columns]
    for c, t in typed:  # modelled columns of the entity are what the generated ones agree with
        if not t.generated:
            ctx.entity[t.type] = out[c].to_numpy(dtype=object)
    if any(t.generated and t.type in ("city", "postcode", "street_address") for _, t in typed):
        # without a modelled country, the country learned from the entity's phones or IBANs is the place's
        learned = [str(t.options["country"]) for _, t in typed if t.generated and t.options.get("country")]
        ctx.options = {"country": max(sorted(set(learned)), key=learned.count)} if learned else {}
        ctx.entity["_place"] = _place(n, rng, ctx)
    rank = {name: i for i, name in enumerate(ORDER)}
    for c, t in sorted(typed, key=lambda ct: rank.get(ct[1].type, len(ORDER))):
        if not t.generated:
            continue
        ctx.options = dict(t.options)
        values = np.asarray(TYPES[t.type].generate(n, rng, ctx), dtype=object)
        ctx.entity[t.type] = values
        keep = out[c].to_numpy(dtype=object) == PRESENT
        out[c] = pd.Series(np.where(keep, values, None), index=out.index, dtype=object)


def _place(n: int, rng: np.random.Generator, ctx: Context) -> pd.DataFrame:
    """One place per row in the row's country, agreeing with the entity's modelled region when it can."""
    from bayes_synth.semantic.catalogue import entity_places

    return entity_places(n, rng, ctx)  # columns taken as text when used


def _render(series: pd.Series, t: ColumnType) -> pd.Series:
    """A modelled column back in its display format (text), missing stays missing."""
    from bayes_synth.semantic import formats

    fmt = formats.format_from_dict(t.options["format"]["spec"])
    if t.options["format"]["family"] == "number":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        if _plain(fmt):  # digits and a point only: stay a number, rounded to the decimals
            return pd.Series(np.round(values, fmt.decimals), index=series.index)
        text = formats.render_numbers(values, fmt)
    elif t.options["format"]["family"] == "bool":  # the column's own two words (Y/N, yes/no ...)
        text = formats.render_bools(series.to_numpy(dtype=object), fmt)
    elif t.options["format"]["family"] == "duration":  # modelled in seconds
        text = formats.render_durations(series.to_numpy(dtype=float, na_value=np.nan), fmt)
    elif fmt.kind == "time":  # modelled in seconds since midnight; 24:00 is 00:00
        seconds = np.mod(series.to_numpy(dtype=float, na_value=np.nan), DAY_SECONDS)
        text = formats.render_dates(pd.Series(pd.to_timedelta(seconds, unit="s")), fmt)
    else:
        text = formats.render_dates(series, fmt)
    return pd.Series(np.asarray(text, dtype=object), index=series.index, dtype=object)


def _plain(fmt) -> bool:
    return (fmt.decimals is not None and not fmt.thousands and fmt.decimal_mark == "." and not fmt.prefix
            and not fmt.suffix and not fmt.min_width and fmt.negative == "-")
