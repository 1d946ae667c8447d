"""Bad input gives clear, typed errors (subclasses of BayesSynthError), never a raw pandas/pyarrow
traceback; odd but valid input (BOM, CRLF, "NA" strings, leading zeros) parses correctly."""

from __future__ import annotations

import math
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer
from bayes_synth.errors import (
    BayesSynthError,
    DomainTooLargeError,
    IngestError,
    PrivacyError,
    SchemaError,
)
from bayes_synth.ingest import read_table

INF = float("inf")


def fit(data, **params) -> Synthesizer:
    """Fit with warnings (inferred kinds, seeds) silenced: this file is about errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Synthesizer(**params).fit(data)


def assert_clean(exc: BaseException) -> None:
    """A typed error with a message, not chained onto a library exception (no raw traceback)."""
    assert isinstance(exc, BayesSynthError), type(exc)
    assert str(exc).strip()
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__, repr(exc.__context__)


def fails(cls, data, match: str | None = None, **params) -> BayesSynthError:
    with pytest.raises(cls, match=match) as info:
        fit(data, **params)
    assert_clean(info.value)
    return info.value


@pytest.fixture
def csv(tmp_path):
    """Write bytes to a CSV file in a temporary directory; returns its path."""

    def write(content: bytes, name: str = "data.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write


# ----------------------------------------------------------------------------- empty & tiny
def test_empty_dataframe():
    err = fails(IngestError, pd.DataFrame({"a": pd.Series([], dtype=object)}), epsilon=INF)
    assert "no rows" in str(err)
    fails(IngestError, pd.DataFrame(), "no columns", epsilon=INF)


def test_zero_byte_csv(csv):
    path = csv(b"")
    err = fails(IngestError, path, "empty", epsilon=INF)
    assert str(path) in str(err)


def test_header_only_csv(csv):
    fails(IngestError, csv(b"a,b\n"), "no rows", epsilon=INF)
    fails(IngestError, csv(b"a,b\r\n", "crlf.csv"), "no rows", epsilon=INF)


def test_one_row_fits_without_noise():
    one = pd.DataFrame({"a": ["x"], "n": [5]})
    out = fit(one, epsilon=INF).sample(20, random_state=0)
    assert out["a"].tolist() == ["x"] * 20
    assert out["n"].tolist() == [5] * 20


def test_one_row_under_dp():
    one = pd.DataFrame({"a": ["x"], "n": [5]})
    # undeclared category set: DP discovery needs delta > 0; the message says what to declare
    err = fails(PrivacyError, one, "Declare 'categories'", epsilon=1.0)
    assert "'a'" in str(err)
    # declared facts: nothing to discover, so it fits (the output is mostly noise, but valid)
    schema = {"a": {"kind": "categorical", "categories": ["x", "y"]}, "n": {"kind": "integer", "min": 0, "max": 10}}
    out = fit(one, epsilon=1.0, schema=schema, random_state=0).sample(50, random_state=0)
    assert set(out["a"].dropna()) <= {"x", "y"}
    assert out["n"].dropna().between(0, 10).all()


def test_all_missing_column():
    # text column with no value: the column can only be missing
    df = pd.DataFrame({"a": ["x", "y"] * 10, "m": [None] * 20})
    out = fit(df, epsilon=INF).sample(30, random_state=0)
    assert out["m"].isna().all()
    assert set(out["a"]) == {"x", "y"}
    # numeric column with no value and no declared bounds: nothing to bin, a clear error naming it
    df = pd.DataFrame({"a": ["x", "y"] * 10, "m": [np.nan] * 20})
    err = fails(BayesSynthError, df, epsilon=INF)
    assert "'m'" in str(err) and "declare its min and max" in str(err)
    # with declared bounds it fits, and the column stays missing
    out = fit(df, epsilon=INF, schema={"m": {"kind": "float", "min": 0, "max": 1}}).sample(30, random_state=0)
    assert out["m"].isna().all()


# ----------------------------------------------------------------------------- size guard
N_DISTINCT = 300_000


def _many_ids() -> pd.DataFrame:
    return pd.DataFrame({
        "id": pd.Series([f"user{i:06d}" for i in range(N_DISTINCT)], dtype=object),
        "g": pd.Series(["a", "b", "c"] * (N_DISTINCT // 3), dtype=object),
    })


def _check_domain_message(err: DomainTooLargeError) -> None:
    msg = str(err)
    assert "'id'" in msg and f"{N_DISTINCT}" in msg
    assert "identifier" in msg and "group rare values" in msg and "drop the column" in msg
    assert "'g'" not in msg


def test_huge_category_column_refused():
    err = fails(DomainTooLargeError, _many_ids(), epsilon=INF)
    _check_domain_message(err)


def test_huge_category_column_refused_before_allocating():
    """The refusal comes from the domain size, before any table over it is built.

    A conditional table over 300,000 values needs at least 300,000 x 300,000 cells (720 GB of float64)
    with the column as its own parent's size, 2.4 MB per parent value otherwise; the peak stays near
    the size of the input strings.
    """
    df = _many_ids()
    schema = {"id": {"kind": "categorical"}, "g": {"kind": "categorical"}}  # skip kind inference
    tracemalloc.start()
    try:
        with pytest.raises(DomainTooLargeError) as info:
            fit(df, epsilon=INF, schema=schema)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _check_domain_message(info.value)
    assert peak < 200 * 2**20, f"peak {peak / 2**20:.0f} MiB"


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("name", ["data.txt", "data.xlsx", "data", "data.json"])
def test_unknown_file_type(csv, name):
    path = csv(b"a,b\n1,2\n", name)
    err = fails(IngestError, path, "unknown file type", epsilon=INF)
    assert ".csv" in str(err)


def test_missing_file(tmp_path):
    fails(IngestError, tmp_path / "nope.csv", "no such file", epsilon=INF)


def test_corrupt_parquet(csv):
    path = csv(b"PAR1 this is not parquet", "data.parquet")
    err = fails(IngestError, path, "Parquet", epsilon=INF)
    assert str(path) in str(err)


def test_ragged_rows(csv):
    path = csv(b"a,b\n1,2\n3,4,5\n6,7\n")
    err = fails(IngestError, path, "malformed CSV", epsilon=INF)
    assert str(path) in str(err) and "line 3" in str(err)


def test_unclosed_quote(csv):
    path = csv(b'a,b\n"x,1\n2,3\n')
    err = fails(IngestError, path, "malformed CSV", epsilon=INF)
    assert str(path) in str(err)


def test_latin1_bytes(csv):
    path = csv("name,n\ncaf\u00e9,1\nx,2\n".encode("latin-1"))
    err = fails(IngestError, path, "not valid utf-8", epsilon=INF)
    assert "latin-1" in str(err)
    # the suggested fix works
    assert read_table(path, encoding="latin-1")["name"].tolist() == ["caf\u00e9", "x"]


