"""Generated personal values: names agree with gender, e-mails with names, locales use their own lists.

Vocabulary sets are taken straight from Faker's provider classes (not from the module under test), so a
wrong list, a wrong gender mapping or a broken fallback shows up as a value outside the expected set.
"""

from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
import pandas as pd
import pytest
from faker.providers.job import Provider as GenericJobs
from faker.providers.job import es as es_jobs
from faker.providers.lorem import de_DE as de_lorem
from faker.providers.lorem import en_US as en_lorem
from faker.providers.person import de_DE, en_US, fr_FR, it_IT, nl_NL, pt_BR
from faker.providers.person import en_GB as en_GB_person
from faker.providers.person import es_ES as es_ES_person

from bayes_synth.semantic.people import (
    GENDER_LABELS,
    LOCALES,
    company_names,
    emails,
    first_names,
    free_text,
    full_names,
    guess_locale,
    job_titles,
    last_names,
    normalise_gender,
    street_addresses,
    titles,
    valid_email,
    vocabulary,
)

PERSON = {
    "en_US": en_US.Provider,
    "en_GB": en_GB_person.Provider,
    "de_DE": de_DE.Provider,
    "fr_FR": fr_FR.Provider,
    "es_ES": es_ES_person.Provider,
    "it_IT": it_IT.Provider,
    "nl_NL": nl_NL.Provider,
    "pt_BR": pt_BR.Provider,
}


def fold(text: str) -> str:
    """Independent ASCII folding for the checks (NFKD, drop non-ASCII, keep [a-z0-9])."""
    text = text.replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", ascii_text)


def test_locales_listed() -> None:
    assert set(PERSON) <= set(LOCALES)


# ----------------------------------------------------------------------------- gender
def test_normalise_gender_maps_common_labels() -> None:
    values = ["F", "Male", "w", None, "female", " MANN ", "x", np.nan, "", "Woman", "m.", "Frau", pd.NA, 1]
    expected = ["female", "male", "female", "", "female", "male", "", "", "", "female", "male", "female", "", ""]
    assert normalise_gender(values).tolist() == expected
    assert normalise_gender(pd.Series(["F", None, "M"], dtype="str")).tolist() == ["female", "", "male"]
    assert set(GENDER_LABELS.values()) == {"female", "male"}


@pytest.mark.parametrize("locale", sorted(PERSON))
def test_first_names_agree_with_gender(locale: str) -> None:
    P = PERSON[locale]
    female, male = set(P.first_names_female), set(P.first_names_male)
    female_only, male_only = female - male, male - female
    labels = np.array(["F", "Female", "female", "woman", "W", "w", "M", "Male", "man", "Mann"], dtype=object)
    gender = np.resize(labels, 6000)
    names = first_names(len(gender), np.random.default_rng(11), gender=gender, locale=locale)
    is_f = normalise_gender(gender) == "female"
    assert is_f.sum() == 3600
    assert not set(names[is_f]) & male_only
    assert not set(names[~is_f]) & female_only
    assert set(names[is_f]) <= female
    assert set(names[~is_f]) <= male
    # enough draws that both lists are really used
    assert len(set(names[is_f])) > 20 and len(set(names[~is_f])) > 20


def test_unknown_gender_mixes_both_lists() -> None:
    P = en_US.Provider
    female_only = set(P.first_names_female) - set(P.first_names_male)
    male_only = set(P.first_names_male) - set(P.first_names_female)
    gender = np.array([None, "x", "", "unknown"] * 1000, dtype=object)
    names = first_names(len(gender), np.random.default_rng(3), gender=gender)
    share_f = np.isin(names, list(female_only)).mean()
    share_m = np.isin(names, list(male_only)).mean()
    assert 0.35 < share_f < 0.65 and 0.35 < share_m < 0.65
    plain = first_names(4000, np.random.default_rng(3))
    assert np.isin(plain, list(female_only)).any() and np.isin(plain, list(male_only)).any()


def test_gender_length_checked() -> None:
    with pytest.raises(ValueError, match="length"):
        first_names(3, np.random.default_rng(0), gender=["F", "M"])


def test_titles_agree_with_gender() -> None:
    rng = np.random.default_rng(5)
    gender = np.array(["F", "M", None] * 2000, dtype=object)
    for locale in ("en_US", "de_DE", "fr_FR"):
        t = titles(len(gender), rng, gender=gender, locale=locale)
        g = normalise_gender(gender)
        tf, tm = set(vocabulary("titles_female", locale)), set(vocabulary("titles_male", locale))
        assert set(t[g == "female"]) <= tf
        assert set(t[g == "male"]) <= tm
        assert set(t[g == ""]) <= tf & tm  # gender-neutral only, e.g. Dr
    t = titles(len(gender), rng, gender=gender)
    assert "Mr." not in set(t[g == "female"]) and "Mrs." not in set(t[g == "male"])
    assert {"Mrs.", "Mr.", "Dr."} <= set(t)
    mixed = titles(3000, rng, unknown="mix")
    assert {"Mr.", "Mrs."} <= set(mixed)
    # Faker's French "prefixes" are nobiliary particles, never titles
    assert not {"de", "de la", "Le", "du"} & set(titles(len(gender), rng, gender=gender, locale="fr_FR"))


# ----------------------------------------------------------------------------- names
def test_full_names_built_from_given_parts() -> None:
    rng = np.random.default_rng(1)
    first = first_names(500, rng, gender=["F"] * 500)
    last = last_names(500, rng)
    full = full_names(500, rng, first=first, last=last)
    assert full.tolist() == [f"{a} {b}" for a, b in zip(first, last, strict=True)]
    part = full_names(3, rng, first=["Ann", None, "Bo"], last=["Lee", "Kim", None])
    assert part.tolist() == ["Ann Lee", "Kim", "Bo"]
    generated = full_names(300, rng, gender=["M"] * 300, locale="de_DE")
    firsts = {s.split(" ", 1)[0] for s in generated}
    assert firsts <= set(de_DE.Provider.first_names_male)


@pytest.mark.parametrize("locale", sorted(PERSON))
def test_locale_names_come_from_own_lists(locale: str) -> None:
    P = PERSON[locale]
    rng = np.random.default_rng(8)
    first = first_names(2000, rng, locale=locale)
    last = last_names(2000, rng, locale=locale)
    assert set(first) <= set(P.first_names_female) | set(P.first_names_male)
    assert set(last) <= set(P.last_names)
    if locale != "en_US":  # and not the English fallback
        assert not set(last) <= set(en_US.Provider.last_names)


def test_weighted_lists_use_weights() -> None:
    last = last_names(50_000, np.random.default_rng(2))
    share = (last == "Smith").mean()
    weights = en_US.Provider.last_names
    expected = weights["Smith"] / sum(weights.values())
    assert abs(share - expected) < 0.004  # Smith is ~2.2 %, uniform over 1,000 names would give 0.1 %


def test_locale_fallback() -> None:
    rng = np.random.default_rng(4)
    # en_GB has no lorem words: falls back to en_US; es_ES has no job list: falls back to the "es" language list
    words = {w.strip(".").lower() for s in free_text(200, rng, locale="en_GB") for w in s.split()}
    assert words <= {w.lower() for w in en_lorem.Provider.word_list}
    assert set(job_titles(500, rng, locale="es_ES")) <= {j.strip() for j in es_jobs.Provider.jobs}
    assert set(job_titles(500, rng)) <= set(GenericJobs.jobs)
    assert len(first_names(5, rng, locale="de")) == 5  # a bare language works
    with pytest.raises(ValueError, match="locale"):
        first_names(5, rng, locale="xx_YY")


# ----------------------------------------------------------------------------- e-mail
def test_emails_derived_from_given_names() -> None:
    rng = np.random.default_rng(6)
    first = np.array(["José", "Renée", "Seán", "Jürgen", "Anna Liz"] * 200, dtype=object)
    last = np.array(["Muñoz", "O'Brien", "van der Berg", "Groß", "Weiß-Müller"] * 200, dtype=object)
    out = emails(len(first), rng, first=first, last=last)
    assert valid_email(out).all()
    local = np.array([e.split("@")[0] for e in out], dtype=object)
    for lp, f, la in zip(local, first, last, strict=True):
        assert lp == lp.lower() and lp.isascii()
        assert fold(la) in lp
        assert fold(f) in lp or lp.startswith(fold(f)[0])
    assert "jose.munoz" in set(local)
    assert {fold(x) for x in ("O'Brien", "van der Berg")} == {"obrien", "vanderberg"}
    domains = {e.split("@")[1] for e in out}
    assert domains <= {"gmail.com", "yahoo.com", "hotmail.com"}


def test_emails_generated_and_with_domains() -> None:
    rng = np.random.default_rng(9)
    out = emails(3000, rng, locale="de_DE")
    assert valid_email(out).all()
    assert {e.split("@")[1] for e in out} <= set(vocabulary("free_email_domains", "de_DE"))
    assert any(e.endswith("@gmx.de") for e in out)
    company = emails(100, rng, domains="acme-corp.example")
    assert all(e.endswith("@acme-corp.example") for e in company)
    with pytest.raises(ValueError, match="domains"):
        emails(3, rng, domains=["not a domain"])


def test_unique_emails_are_distinct() -> None:
    rng = np.random.default_rng(10)
    n = 20_000
    first = np.array(["Ann", "Bo"] * (n // 2), dtype=object)
    last = np.array(["Lee"] * n, dtype=object)
    out = emails(n, rng, first=first, last=last, domains="example.com", unique=True)
    assert len(set(out)) == n
    assert valid_email(out).all()
    assert all("lee" in e for e in out)
    plain = emails(n, rng, first=first, last=last, domains="example.com")
    assert len(set(plain)) < n  # without unique=True there are repeats, so the option does something


def test_valid_email() -> None:
    good = ["a@b.co", "jose.munoz42@gmail.com", "x_y+tag@sub.example.org", "o'neil@example.ie"]
    bad = ["", "a@b", "a..b@c.com", ".a@c.com", "a.@c.com", "a@-c.com", "a b@c.com", "a@c.c", "@c.com", None, 3,
           "a" * 65 + "@c.com", "a@c.com.", "a@@c.com"]  # fmt: skip
    assert valid_email(good).all()
    assert not valid_email(bad).any()
    assert valid_email(pd.Series([*good, None], dtype="str")).tolist() == [True] * 4 + [False]


# ----------------------------------------------------------------------------- other values
def test_free_text_uses_only_vocabulary_words() -> None:
    rng = np.random.default_rng(12)
    sentinel = "zqxjsentinel"
    for locale, provider in (("en_US", en_lorem.Provider), ("de_DE", de_lorem.Provider)):
        vocab = {w.lower() for w in provider.word_list}
        texts = free_text(2000, rng, locale=locale, words=(2, 7))
        assert all(t.endswith(".") and t[0] == t[0].upper() for t in texts)
        counts = np.array([len(t.split()) for t in texts])
        assert counts.min() == 2 and counts.max() == 7
        words = {w.rstrip(".").lower() for t in texts for w in t.split()}
        assert words <= vocab
        assert not any(sentinel in t for t in texts)
    with pytest.raises(ValueError):
        free_text(3, rng, words=(5, 2))


def test_company_names_and_jobs() -> None:
    rng = np.random.default_rng(13)
    names = company_names(2000, rng, locale="de_DE")
    german = set(de_DE.Provider.last_names)
    assert all(any(n.startswith(la) for la in german) for n in names)
    assert any(n.endswith("GmbH") for n in names)
    en = company_names(2000, rng)
    suffixes = set(vocabulary("company_suffixes"))
    with_suffix = [n for n in en if " " in n and "," not in n]
    assert with_suffix and all(n.split(" ", 1)[1] in suffixes for n in with_suffix)
    assert set(job_titles(1000, rng, locale="fr_FR")) <= set(vocabulary("jobs", "fr_FR"))


def test_street_addresses_follow_locale_order() -> None:
    rng = np.random.default_rng(14)
    us = street_addresses(2000, rng)
    assert all(re.fullmatch(r"[1-9]\d{2,4} \S.* \S+", s) for s in us)
    suffixes = set(vocabulary("street_suffixes"))
    assert all(s.rsplit(" ", 1)[1] in suffixes for s in us)
    de = street_addresses(2000, rng, locale="de_DE")
    assert all(re.fullmatch(r"\D+ [1-9][\d/-]*", s) for s in de)
    assert any("straße " in s.lower() or "-Straße " in s for s in de)
    fr = street_addresses(2000, rng, locale="fr_FR")
    assert all(re.fullmatch(r"[1-9]\d*, \D+", s) for s in fr)
    assert not any("\n" in s for s in np.concatenate([us, de, fr]))


def test_determinism_per_seed() -> None:
    def run(seed: int) -> list[list[str]]:
        rng = np.random.default_rng(seed)
        g = ["F", "M", None] * 100
        f = first_names(300, rng, gender=g)
        la = last_names(300, rng)
        return [
            f.tolist(),
            la.tolist(),
            titles(300, rng, gender=g).tolist(),
            full_names(300, rng, first=f, last=la).tolist(),
            emails(300, rng, first=f, last=la, unique=True).tolist(),
            company_names(300, rng).tolist(),
            job_titles(300, rng).tolist(),
            street_addresses(300, rng, locale="it_IT").tolist(),
            free_text(300, rng).tolist(),
        ]

    a, b, c = run(42), run(42), run(43)
    assert a == b
    assert all(x != y for x, y in zip(a, c, strict=True))


def test_n_validation_and_empty() -> None:
    rng = np.random.default_rng(0)
    assert first_names(0, rng).shape == (0,)
    assert emails(0, rng, unique=True).shape == (0,)
    assert free_text(0, rng).shape == (0,)
    with pytest.raises(ValueError):
        last_names(-1, rng)


# ----------------------------------------------------------------------------- locale guessing
def test_guess_locale() -> None:
    german = pd.Series(
        ["Jürgen Müller", "Ursula Schmidt", "Klaus Schneider", "Heike Fischer", "Wolfgang Weber", "Sabine Becker",
         "Dieter Hoffmann", "Gisela Wagner", "Helmut Schäfer", "Monika Koch", None]
    )  # fmt: skip
    assert guess_locale(german) == "de_DE"
    italian = pd.Series(["Giuseppe Rossi", "Francesca Bianchi", "Alessandro Romano", "Chiara Colombo"])
    assert guess_locale(italian) == "it_IT"
    rng = np.random.default_rng(15)
    rand = pd.Series(["".join(rng.choice(list(string.ascii_lowercase), 9)) for _ in range(300)])
    assert guess_locale(rand) is None
    # a few real-looking names among many unknown words: below the 0.3 share, so no guess
    diluted = pd.concat([german.iloc[:10], rand.iloc[:60]], ignore_index=True)
    assert guess_locale(diluted) is None
    assert guess_locale(diluted, threshold=0.1) == "de_DE"
    assert guess_locale(pd.Series([], dtype="str")) is None
    assert guess_locale(pd.Series(first_names(400, rng, locale="nl_NL"))) == "nl_NL"


def test_names_follow_each_rows_country_in_an_entity():
    """With a country column in the entity, first and last names come from each row's country (they came
    from the data's locale only: a German row got an American name); gender and full names still agree."""
    from bayes_synth.semantic.catalogue import TYPES, Context
    from bayes_synth.semantic.wordlists import vocabulary

    n = 1200
    countries = np.array(["Germany", "FR", "ITA", None] * (n // 4), dtype=object)
    gender = np.array(["F", "M", "M", "F", "M", "F"] * (n // 6), dtype=object)
    ctx = Context(locale="en_US", entity={"country": countries, "gender": gender})
    rng = np.random.default_rng(0)
    first = TYPES["first_name"].generate(n, rng, ctx)
    ctx.entity["first_name"] = first
    last = TYPES["last_name"].generate(n, rng, ctx)
    ctx.entity["last_name"] = last
    full = TYPES["full_name"].generate(n, rng, ctx)
    for country, locale in [("Germany", "de_DE"), ("FR", "fr_FR"), ("ITA", "it_IT"), (None, "en_US")]:
        rows = np.array([c == country for c in countries])
        assert set(last[rows]) <= set(vocabulary("last_names", locale)), country
        female = rows & (gender == "F")
        assert set(first[female]) <= set(vocabulary("first_names_female", locale)), country
    assert all(f"{a} {b}" == c for a, b, c in zip(first, last, full, strict=True))
