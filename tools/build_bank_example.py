"""Build examples/data/bank.csv: a small, made-up banking table (one row per account) for examples/bank.bsc.

Nothing in the file is real: names, emails and employers are fake (Faker, seeded), the amounts, rates
and dates are drawn here. City, region (US state) and postcode come together from real places of the
bundled reference (bayes_synth/data/us_places.csv), a handful of them so that each has enough accounts
for ``combine city, region, postcode`` to be learned. The columns follow the rules of examples/bank.bsc:
terms only for loans and mortgages, loans overdrawn, closed accounts with a closing date after the
opening date, employers only for employed customers.

Run from the repository root: ``python tools/build_bank_example.py`` (deterministic).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
ROWS = 700
SEED = 20261205
#: (city, state) of the reference places used, with a share of the accounts each
PLACES = {("Washington", "DC"): 0.22, ("Orlando", "FL"): 0.16, ("Orland Park", "IL"): 0.12,
          ("Orange", "CA"): 0.12, ("Orangeburg", "NY"): 0.10, ("Oregon", "MO"): 0.10, ("Osborne", "KS"): 0.09,
          ("Oriental", "NC"): 0.09}


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def main() -> None:
    rng = np.random.default_rng(SEED)
    fake = Faker("en_US")
    Faker.seed(SEED)
    reference = pd.read_csv(ROOT / "bayes_synth/data/us_places.csv", dtype=str)
    places = []
    for (city, state), share in PLACES.items():
        codes = sorted(reference.loc[(reference["city"] == city) & (reference["state"] == state), "postcode"])[:2]
        places += [(city, state, code, share / len(codes)) for code in codes]
    pick = rng.choice(len(places), ROWS, p=np.array([p[3] for p in places]) / sum(p[3] for p in places))

    age = np.clip(np.round(rng.normal(46, 15, ROWS)), 18, 90).astype(int)
    employed = rng.random(ROWS) < np.where(age >= 67, 0.15, 0.85)
    young = age <= 75
    product = np.where(rng.random(ROWS) < 0.15 * young, "mortgage",
                       rng.choice(["current", "savings", "loan"], ROWS, p=[0.5, 0.33, 0.17]))
    status = rng.choice(["open", "dormant", "closed"], ROWS, p=[0.76, 0.1, 0.14])
    opened = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 9000, ROWS), unit="D")
    last = (pd.Timestamp("2024-12-31") - opened).days.to_numpy()
    closed = opened + pd.to_timedelta(np.floor(rng.random(ROWS) * last).astype(int), unit="D")
    term = np.where(product == "mortgage", rng.choice(np.arange(5, 36) * 12, ROWS),
                    np.where(product == "loan", rng.choice([6, 12, 24, 36, 48, 60, 84, 120], ROWS), 0))
    balance = np.select(
        [product == "current", product == "savings", product == "loan"],
        [rng.gamma(1.5, 2500, ROWS) - 300, rng.lognormal(9, 1.2, ROWS),
         -np.minimum(rng.gamma(2, 6000, ROWS) + 500, 50000)],
        rng.gamma(2, 1500, ROWS))  # mortgages: the offset balance
    balance = np.where(status == "closed", 0.0, np.clip(balance, -50000, 2000000))
    rate = np.select([product == "current", product == "savings", product == "loan"],
                     [rng.uniform(0, 0.005, ROWS), rng.uniform(0.01, 0.05, ROWS), rng.uniform(0.05, 0.15, ROWS)],
                     rng.uniform(0.02, 0.07, ROWS))
    first = [fake.first_name() for _ in range(ROWS)]
    last_names = [fake.last_name() for _ in range(ROWS)]
    domains = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "example.net"]
    email, seen = [], set()
    for a, b in zip(first, last_names, strict=True):
        address = f"{ascii_fold(a)}.{ascii_fold(b)}@{domains[rng.integers(0, len(domains))]}"
        while address in seen:  # unique, as an account table has
            local, domain = address.split("@")
            address = f"{local}{rng.integers(1, 99)}@{domain}"
        seen.add(address)
        email.append(address)
    out = pd.DataFrame({
        "account_id": [f"ACC-{i:06d}" for i in rng.choice(1_000_000, ROWS, replace=False)],
        "customer_name": [f"{a} {b}" for a, b in zip(first, last_names, strict=True)],
        "email": email,
        "age": age,
        "employed": np.where(employed, "true", "false"),
        "employer": [fake.company() if e else "" for e in employed],
        "city": [places[i][0] for i in pick], "region": [places[i][1] for i in pick],
        "postcode": [places[i][2] for i in pick],
        "product": product, "status": status,
        "opened": opened.strftime("%Y-%m-%d"),
        "closed": np.where(status == "closed", closed.strftime("%Y-%m-%d"), ""),
        "term_months": [str(t) if t else "" for t in term],
        "balance": [f"{b:.2f}" for b in balance],
        "interest_rate": [f"{r:.4f}" for r in rate],
    })
    path = ROOT / "examples/data/bank.csv"
    out.to_csv(path, index=False)
    print(f"wrote {path} ({len(out)} rows, {path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
