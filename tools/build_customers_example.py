"""Build examples/data/customers.csv: real Adult census rows with planted FAKE personal data.

The demographic columns (age, sex, occupation, income) are 1,000 real rows of the UCI Adult data
(examples/data/adult.csv, CC BY 4.0). Every personal value (names, emails, phones, street addresses,
card numbers, customer ids) is fake, made here with Faker (seeded), so no real person is in the file.
City, state and ZIP come together from the bundled US reference (bayes_synth/data/us_places.csv).
The balance (money, "$12,345.67") and the account opening date ("03/07/2016") are made up, with the
balance depending on the real income class so the table has a relation worth learning.

Run from the repository root: ``python tools/build_customers_example.py`` (deterministic).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1000


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def main() -> None:
    rng = np.random.default_rng(20261204)
    fake = Faker("en_US")
    Faker.seed(20261204)
    adult = pd.read_csv(ROOT / "examples/data/adult.csv", dtype=str, keep_default_na=False)
    rows = adult.iloc[np.sort(rng.choice(len(adult), ROWS, replace=False))].reset_index(drop=True)
    places = pd.read_csv(ROOT / "bayes_synth/data/us_places.csv", dtype=str)
    where = places.iloc[rng.integers(0, len(places), ROWS)].reset_index(drop=True)
    female = rows["sex"].to_numpy() == "Female"
    first = [fake.first_name_female() if f else fake.first_name_male() for f in female]
    last = [fake.last_name() for _ in range(ROWS)]
    domains = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "example.org"]
    email = [f"{ascii_fold(a)}.{ascii_fold(b)}{rng.integers(1, 99) if rng.random() < 0.3 else ''}@"
             f"{domains[rng.integers(0, len(domains))]}" for a, b in zip(first, last, strict=True)]
    seen: dict[str, int] = {}
    for i, e in enumerate(email):  # unique addresses, as a customer table has
        seen[e] = seen.get(e, 0) + 1
        if seen[e] > 1:
            local, domain = e.split("@")
            email[i] = f"{local}{seen[e]}@{domain}"
    ids = rng.choice(1_000_000, ROWS, replace=False)
    rich = rows["income"].to_numpy() == ">50K"
    balance = np.round(rng.lognormal(np.where(rich, 10.2, 8.6), 1.0), 2)
    opened = pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 5478, ROWS), unit="D")
    area, exchange = rng.integers(200, 1000, ROWS), rng.integers(200, 1000, ROWS)  # NANP: N is 2-9
    phone = [f"({a}) {e}-{x:04d}" for a, e, x in zip(area, exchange, rng.integers(0, 10000, ROWS), strict=True)]
    out = pd.DataFrame({
        "customer_id": [f"CUS-{i:06d}" for i in ids],
        "first_name": first, "last_name": last, "email": email, "phone": phone,
        "sex": rows["sex"], "age": rows["age"], "occupation": rows["occupation"], "income": rows["income"],
        "street": [fake.street_address() for _ in range(ROWS)],
        "city": where["city"], "state": where["state"], "zip": where["postcode"],
        "opened": [f"{d.month:02d}/{d.day:02d}/{d.year}" for d in opened],
        "balance": [f"${b:,.2f}" for b in balance],
        "card_number": [fake.credit_card_number(card_type="visa16") for _ in range(ROWS)],
    })
    path = ROOT / "examples/data/customers.csv"
    out.to_csv(path, index=False)
    print(f"wrote {path} ({len(out)} rows, {path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
