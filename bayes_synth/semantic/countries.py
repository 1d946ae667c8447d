"""Countries: ISO codes from codes or names, the Faker locale of a country, and a country from region names.

US regions are the USPS state codes and names (:mod:`~bayes_synth.semantic.usps`); other countries' regions come
from their Faker locales. Re-exported by :mod:`~bayes_synth.semantic.places`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from bayes_synth.semantic.usps import _STATE_KEYS, _fold

__all__ = ["COUNTRY_LOCALES", "COUNTRY_NAMES", "country_codes", "country_locale", "country_of_regions"]

# --- countries --------------------------------------------------------------------------------------------------

#: ISO 3166 alpha-2 code -> names, alpha-3 code and other spellings that :func:`country_codes` recognises (English
#: names, common native names, abbreviations; matched ignoring case, dots and repeated spaces).
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "USA", "US", "America"),
    "GB": ("United Kingdom", "GBR", "UK", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"),
    "DE": ("Germany", "DEU", "Deutschland", "Federal Republic of Germany"),
    "FR": ("France", "FRA", "French Republic"),
    "NL": ("Netherlands", "NLD", "The Netherlands", "Holland", "Nederland", "Kingdom of the Netherlands"),
    "CA": ("Canada", "CAN"),
    "AU": ("Australia", "AUS"),
    "NZ": ("New Zealand", "NZL", "Aotearoa"),
    "IE": ("Ireland", "IRL", "Republic of Ireland", "Éire", "Eire"),
    "ES": ("Spain", "ESP", "España", "Espana"),
    "IT": ("Italy", "ITA", "Italia"),
    "PT": ("Portugal", "PRT"),
    "BR": ("Brazil", "BRA", "Brasil"),
    "MX": ("Mexico", "MEX", "México"),
    "AR": ("Argentina", "ARG"),
    "CL": ("Chile", "CHL"),
    "CO": ("Colombia", "COL"),
    "PE": ("Peru", "PER", "Perú"),
    "VE": ("Venezuela", "VEN"),
    "AT": ("Austria", "AUT", "Österreich", "Oesterreich"),
    "CH": ("Switzerland", "CHE", "Schweiz", "Suisse", "Svizzera", "Swiss Confederation"),
    "BE": ("Belgium", "BEL", "Belgique", "België", "Belgie"),
    "LU": ("Luxembourg", "LUX", "Luxemburg"),
    "LI": ("Liechtenstein", "LIE"),
    "DK": ("Denmark", "DNK", "Danmark"),
    "SE": ("Sweden", "SWE", "Sverige"),
    "NO": ("Norway", "NOR", "Norge"),
    "FI": ("Finland", "FIN", "Suomi"),
    "IS": ("Iceland", "ISL", "Ísland"),
    "PL": ("Poland", "POL", "Polska"),
    "CZ": ("Czechia", "CZE", "Czech Republic", "Česko", "Česká republika"),
    "SK": ("Slovakia", "SVK", "Slovensko", "Slovak Republic"),
    "HU": ("Hungary", "HUN", "Magyarország"),
    "RO": ("Romania", "ROU", "România"),
    "BG": ("Bulgaria", "BGR"),
    "GR": ("Greece", "GRC", "Hellas"),
    "CY": ("Cyprus", "CYP"),
    "MT": ("Malta", "MLT"),
    "HR": ("Croatia", "HRV", "Hrvatska"),
    "SI": ("Slovenia", "SVN", "Slovenija"),
    "RS": ("Serbia", "SRB", "Srbija"),
    "BA": ("Bosnia and Herzegovina", "BIH", "Bosnia"),
    "MK": ("North Macedonia", "MKD", "Macedonia"),
    "AL": ("Albania", "ALB"),
    "EE": ("Estonia", "EST", "Eesti"),
    "LV": ("Latvia", "LVA", "Latvija"),
    "LT": ("Lithuania", "LTU", "Lietuva"),
    "UA": ("Ukraine", "UKR"),
    "RU": ("Russia", "RUS", "Russian Federation"),
    "BY": ("Belarus", "BLR"),
    "TR": ("Turkey", "TUR", "Türkiye", "Turkiye"),
    "IL": ("Israel", "ISR"),
    "PS": ("Palestine", "PSE", "State of Palestine"),
    "EG": ("Egypt", "EGY"),
    "SA": ("Saudi Arabia", "SAU"),
    "AE": ("United Arab Emirates", "ARE", "UAE"),
    "BH": ("Bahrain", "BHR"),
    "JO": ("Jordan", "JOR"),
    "IR": ("Iran", "IRN", "Islamic Republic of Iran"),
    "AZ": ("Azerbaijan", "AZE"),
    "AM": ("Armenia", "ARM"),
    "GE": ("Georgia", "GEO"),
    "IN": ("India", "IND", "Bharat"),
    "PK": ("Pakistan", "PAK"),
    "BD": ("Bangladesh", "BGD"),
    "LK": ("Sri Lanka", "LKA"),
    "NP": ("Nepal", "NPL"),
    "CN": ("China", "CHN", "People's Republic of China", "PRC"),
    "TW": ("Taiwan", "TWN"),
    "HK": ("Hong Kong", "HKG"),
    "JP": ("Japan", "JPN"),
    "KR": ("South Korea", "KOR", "Korea", "Republic of Korea", "Korea, Republic of"),
    "TH": ("Thailand", "THA"),
    "VN": ("Vietnam", "VNM", "Viet Nam"),
    "PH": ("Philippines", "PHL"),
    "ID": ("Indonesia", "IDN"),
    "MY": ("Malaysia", "MYS"),
    "SG": ("Singapore", "SGP"),
    "ZA": ("South Africa", "ZAF"),
    "NG": ("Nigeria", "NGA"),
    "KE": ("Kenya", "KEN"),
    "GH": ("Ghana", "GHA"),
    "ET": ("Ethiopia", "ETH"),
    "DZ": ("Algeria", "DZA"),
    "MA": ("Morocco", "MAR"),
    "TN": ("Tunisia", "TUN"),
    "UZ": ("Uzbekistan", "UZB"),
    "KZ": ("Kazakhstan", "KAZ"),
}

#: Country -> the Faker locale its places (streets, cities, postcodes) come from when the data's locale is of
#: another country and no locale of the data's language exists for it (see :func:`country_locale`).
COUNTRY_LOCALES: dict[str, str] = {
    "US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "NL": "nl_NL", "CA": "en_CA", "AU": "en_AU",
    "NZ": "en_NZ", "IE": "en_IE", "ES": "es_ES", "IT": "it_IT", "PT": "pt_PT", "BR": "pt_BR", "MX": "es_MX",
    "AT": "de_AT", "CH": "de_CH", "BE": "nl_BE", "IN": "en_IN",
}  # fmt: skip


def _country_key(value: str) -> str:
    return " ".join(value.replace(".", "").split()).casefold()


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    from faker.providers.address import Provider as Address

    keys = {c.casefold(): c for c in Address.alpha_2_country_codes}
    for code, names in COUNTRY_NAMES.items():
        keys.update({_country_key(name): code for name in names})
    return keys


def country_codes(values: Any) -> np.ndarray:
    """ISO 3166 alpha-2 codes of country codes or names (``""`` for missing or unrecognised values).

    Accepts alpha-2 codes (any that Faker lists), the alpha-3 codes and names of :data:`COUNTRY_NAMES` (English and
    common native names: ``"United Kingdom"``, ``"UK"``, ``"Deutschland"``, ``"DEU"``), ignoring case and dots.
    Work is per distinct value.

    >>> country_codes(["United Kingdom", "de", "U.S.A.", "Deutschland", "FRA", "Atlantis", None]).tolist()
    ['GB', 'DE', 'US', 'DE', 'FR', '', '']
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    codes, uniques = pd.factorize(arr.ravel(), use_na_sentinel=True)
    keys = _country_keys()
    mapped = [keys.get(_country_key(u), "") if isinstance(u, str) else "" for u in uniques]
    return np.array([*mapped, ""], dtype=object)[codes]


@lru_cache(maxsize=256)
def country_locale(country: str, locale: str = "en_US") -> str | None:
    """The Faker locale for places of ``country`` in data whose locale is ``locale`` (None if Faker has none).

    The data's own locale when it is of that country; else that country in the data's language when Faker has it
    (French data, Swiss rows: ``fr_CH``); else :data:`COUNTRY_LOCALES`; else any Faker locale of that country.

    >>> country_locale("GB"), country_locale("DE", "de_DE"), country_locale("CH", "fr_FR"), country_locale("XX")
    ('en_GB', 'de_DE', 'fr_CH', None)
    """
    from faker.config import AVAILABLE_LOCALES

    code = str(country).upper()
    lang, _, own = str(locale).partition("_")
    if own.upper() == code and locale in AVAILABLE_LOCALES:
        return locale
    if f"{lang}_{code}" in AVAILABLE_LOCALES:
        return f"{lang}_{code}"
    if code in COUNTRY_LOCALES:
        return COUNTRY_LOCALES[code]
    return next((loc for loc in sorted(AVAILABLE_LOCALES) if loc.endswith("_" + code)), None)


@lru_cache(maxsize=256)
def _address_provider(locale: str) -> type | None:
    import importlib

    try:
        return importlib.import_module(f"faker.providers.address.{locale}").Provider
    except ModuleNotFoundError:
        return None


_REGION_LISTS = ("states", "states_abbr", "counties", "provinces", "provinces_abbr", "regions", "cantons")


@lru_cache(maxsize=256)
def _region_words(country: str, locale: str) -> dict[str, str]:
    """Folded region name -> as Faker writes it, for the regions of ``country`` (US: the reference's states)."""
    if country == "US":
        return dict(_STATE_KEYS)
    out: dict[str, str] = {}
    provider = _address_provider(locale)
    for attr in _REGION_LISTS:
        for klass in getattr(provider, "__mro__", ())[:1]:  # the locale's own lists, not Faker's generic ones
            for value in klass.__dict__.get(attr, ()) or ():
                if isinstance(value, str):
                    out[_fold(value)] = value
    for _number, name in getattr(provider, "__dict__", {}).get("departments", ()) or ():
        out[_fold(name)] = name
    return out


def country_of_regions(values: Any, prefer: str = "US", locale: str = "en_US") -> str | None:
    """The country whose region names cover most of the distinct ``values`` (at least half), else None.

    Regions are the reference's US states (codes and names) and the region lists of the Faker locales of
    :data:`COUNTRY_LOCALES` (UK counties, German states, French regions and departments, Canadian provinces...).
    Ties go to ``prefer``, then to the US. Used when an entity has a region but no country column.

    >>> country_of_regions(["Kent", "Essex", "Cornwall"]), country_of_regions(["CA", "TX"], prefer="GB")
    ('GB', 'US')
    """
    arr = pd.unique(pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object).dropna())
    folded = {_fold(v) for v in arr if isinstance(v, str) and v.strip()}
    if not folded:
        return None
    counts = {}
    for country in dict.fromkeys(["US", *COUNTRY_LOCALES]):
        loc = country_locale(country, locale)
        counts[country] = len(folded & _region_words(country, loc).keys()) if loc else 0
    best = max(counts.values())
    if 2 * best < len(folded) or best == 0:
        return None
    for country in (prefer, "US", *counts):
        if counts.get(country) == best:
            return country
    return None  # pragma: no cover
