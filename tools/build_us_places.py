#!/usr/bin/env python
"""Build ``bayes_synth/data/us_places.csv``: a small, real US place reference.

The reference is a stratified sample of the *standard*, active ZIP codes of the 50 states and the District of
Columbia, taken from the ``zipcodes`` package (MIT; see ``bayes_synth/data/us_places.README.md`` for its upstream
data sources). ``zipcodes`` is needed only to run this script, never at run time.

Sampling (reproducible: fixed seed, input sorted by ZIP code first):

* one quota per state, proportional to the state's number of eligible ZIP codes (largest-remainder rounding),
  raised to at least ``MIN_PER_STATE`` (or all the state's ZIPs if it has fewer); the proportional total is
  lowered until the file has at most ``MAX_ROWS`` rows;
* within a state, distinct cities first: each ZIP gets a random rank among the ZIPs of its city and the state's
  quota is filled in order of (rank, random tie-break), so a second ZIP of a city is taken only once every city of
  the state has one.

Usage (from the repository root)::

    pip install zipcodes
    python tools/build_us_places.py            # writes bayes_synth/data/us_places.csv
    python tools/build_us_places.py --check    # exits 1 if the committed file differs from a fresh build
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bayes_synth.semantic.places import COLUMNS, STATE_NAMES  # noqa: E402

OUT = ROOT / "bayes_synth" / "data" / "us_places.csv"
SEED = 20240611
MAX_ROWS = 3200
MIN_PER_STATE = 10


def _title(city: str) -> str:
    """Title-case a city name that is all upper or all lower case; keep mixed case (``McAllen``) as it is."""
    city = " ".join(city.split())
    if city.isupper() or city.islower():
        return city.title()
    return city


def eligible_zips() -> pd.DataFrame:
    """All standard, active ZIP codes of the 50 states + DC with a city, a county and coordinates."""
    import zipcodes

    rows = [
        z
        for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD" and z["active"] and z["state"] in STATE_NAMES
    ]
    df = pd.DataFrame(
        {
            "postcode": [z["zip_code"] for z in rows],
            "city": [_title(z["city"]) for z in rows],
            "state": [z["state"] for z in rows],
            "county": [" ".join(z["county"].split()) for z in rows],
            "latitude": pd.to_numeric(pd.Series([z["lat"] for z in rows]), errors="coerce").to_numpy(),
            "longitude": pd.to_numeric(pd.Series([z["long"] for z in rows]), errors="coerce").to_numpy(),
        }
    )
    ok = (
        df["postcode"].str.fullmatch(r"\d{5}")
        & (df["city"] != "")
        & (df["county"] != "")
        & df["latitude"].between(-90, 90)
        & df["longitude"].between(-180, 180)
        & (df["latitude"] != 0)
        & (df["longitude"] != 0)
    )
    df = df[ok].drop_duplicates("postcode").sort_values("postcode", kind="stable").reset_index(drop=True)
    df["state_name"] = df["state"].map(STATE_NAMES)
    return df


def quotas(counts: pd.Series, total: int, minimum: int = MIN_PER_STATE) -> pd.Series:
    """Largest-remainder proportional allocation of ``total`` over ``counts``, then at least ``minimum`` each."""
    exact = counts / counts.sum() * total
    base = np.floor(exact).astype(int)
    left = int(total - base.sum())
    if left > 0:
        order = (exact - base).sort_values(ascending=False, kind="stable").index[:left]
        base[order] += 1
    return np.minimum(np.maximum(base, minimum), counts).astype(int)


def sample(df: pd.DataFrame, max_rows: int = MAX_ROWS, seed: int = SEED) -> pd.DataFrame:
    """The stratified, city-distinct-first sample described in the module docstring."""
    counts = df["state"].value_counts().sort_index()
    total = max_rows
    q = quotas(counts, total)
    while q.sum() > max_rows:
        total -= q.sum() - max_rows
        q = quotas(counts, total)
    rng = np.random.default_rng(seed)
    work = df.assign(_tie=rng.random(len(df)))
    # rank of each ZIP among the ZIPs of its (state, city), in random order
    work = work.sort_values(["state", "city", "_tie"], kind="stable")
    work["_rank"] = work.groupby(["state", "city"], sort=False).cumcount()
    work = work.sort_values(["state", "_rank", "_tie"], kind="stable")
    work["_pos"] = work.groupby("state", sort=False).cumcount()
    keep = work["_pos"] < work["state"].map(q)
    out = work[keep].sort_values(["state", "postcode"], kind="stable")
    return out[list(COLUMNS)].reset_index(drop=True)


def render(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    out = df.copy()
    out["latitude"] = out["latitude"].round(4)
    out["longitude"] = out["longitude"].round(4)
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output CSV (default: %(default)s)")
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="compare with the existing file instead of writing")
    args = parser.parse_args(argv)

    import zipcodes

    df = eligible_zips()
    text = render(sample(df, args.max_rows, args.seed))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'DIFFERS from a fresh build'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    n = text.count("\n") - 1
    print(
        f"wrote {args.out} ({n} rows, {len(text.encode('utf-8'))} bytes) from zipcodes {zipcodes.__version__}: "
        f"{len(df)} eligible ZIPs in {df['state'].nunique()} states+DC"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
