"""Bad input gives clear, typed errors (subclasses of BayesSynthError), never a raw pandas/pyarrow
traceback; odd but valid input (BOM, CRLF, "NA" strings, leading zeros) parses correctly."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer
from bayes_synth.errors import (
    BayesSynthError,
    BayesSynthWarning,
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


def test_huge_identifier_column_is_generated_not_modelled():
    """Undeclared, 300,000 distinct codes are recognised as an identifier: learned as presence only and
    generated fresh in the same format, never a 300,000-value table."""
    synth = fit(_many_ids(), epsilon=INF)
    assert synth.model_.codecs["id"].size <= 2
    assert synth.model_.semantics["columns"]["id"]["options"]["pattern"] == "user000000"
    fake = synth.sample(1000, random_state=0)
    assert fake["id"].str.fullmatch(r"user\d{6}").all()


def test_huge_category_column_declared_categorical_is_refused():
    err = fails(DomainTooLargeError, _many_ids(), epsilon=INF, schema={"id": {"kind": "categorical"}})
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


def test_decode_error_names_the_line(csv):
    """A bad byte deep in the file is reported by line and column, not by a byte offset in some buffer."""
    lines = [b"name,n"] + [f"row{i},{i}".encode() for i in range(1000)] + [b"caf\xe9,1", b"x,2"]
    path = csv(b"\n".join(lines) + b"\n")
    assert lines[1001] == b"caf\xe9,1"  # line 1002 of the file
    err = fails(IngestError, path, "not valid utf-8", epsilon=INF)
    msg = str(err)
    assert "line 1002" in msg and "column 4" in msg, msg
    assert "byte 3" not in msg and "position" not in msg, msg
    assert "0xe9" in msg
    # the same with Windows line endings
    err = fails(IngestError, csv(b"\r\n".join(lines) + b"\r\n", "crlf.csv"), "not valid utf-8", epsilon=INF)
    assert "line 1002" in str(err)


# ----------------------------------------------------------------------------- odd but valid CSV
def test_bom_stripped_from_first_name(csv):
    path = csv(b"\xef\xbb\xbfcity,n\nParis,1\nRome,2\n")
    frame = read_table(path)
    assert frame.columns.tolist() == ["city", "n"]
    assert frame["city"].tolist() == ["Paris", "Rome"]
    # so a schema naming the first column matches it
    synth = fit(path, epsilon=INF, schema={"city": {"kind": "categorical", "categories": ["Paris", "Rome"]}})
    assert synth.model_.columns == ["city", "n"]
    assert set(synth.sample(50, random_state=0)["city"].dropna()) <= {"Paris", "Rome"}


def test_crlf_line_endings(csv):
    path = csv(b"a,b\r\nx,1\r\ny,2\r\n\"z\r\nw\",3\r\n")
    frame = read_table(path)
    assert frame.columns.tolist() == ["a", "b"]
    assert frame["a"].tolist() == ["x", "y", "z\r\nw"]  # a quoted line break is data
    assert frame["b"].tolist() == ["1", "2", "3"]
    synth = fit(path, epsilon=INF)
    assert synth.model_.schema["b"].kind == "integer"
    assert not any("\r" in str(c) for c in synth.model_.codecs["b"].labels())


# ----------------------------------------------------------------------------- column names
@pytest.mark.parametrize("header", [b"a,a", b"a.b,a.b", b"n,a,n"])
def test_duplicate_header_refused(csv, header):
    path = csv(header + b"\n1,2" + b",3" * (header.count(b",") - 1) + b"\n")
    err = fails(IngestError, path, "duplicate column name", epsilon=INF)
    assert str(path) in str(err)
    with pytest.raises(IngestError) as info:
        read_table(path)
    assert_clean(info.value)


@pytest.mark.parametrize("header", [b"price,price.usd", b"a,a.1", b"a.1,a"])
def test_similar_header_names_kept(csv, header):
    """Names that pandas' duplicate mangling would produce are real names: kept as written."""
    path = csv(header + b"\n1,2\n3,4\n")
    names = header.decode().split(",")
    assert read_table(path).columns.tolist() == names
    assert fit(path, epsilon=INF).model_.columns == names


@pytest.mark.parametrize("header", [b"a,,c", b",b", b"a, ", b"a,b,"])
def test_empty_header_name_refused(csv, header):
    path = csv(header + b"\n1,2" + b",3" * (header.count(b",") - 1) + b"\n")
    fails(IngestError, path, "no name", epsilon=INF)


def test_dataframe_non_string_labels():
    df = pd.DataFrame({0: ["a", "b"] * 10, 1: list(range(20))})
    synth = fit(df, epsilon=INF)
    assert synth.model_.columns == ["0", "1"]
    out = synth.sample(10, random_state=0)
    assert out.columns.tolist() == ["0", "1"]
    assert set(out["0"]) <= {"a", "b"}
    # a schema names them as text
    synth = fit(df, epsilon=INF, schema={"1": {"kind": "integer", "min": 0, "max": 19}})
    assert synth.model_.schema["1"].declared >= {"kind", "min", "max"}


@pytest.mark.parametrize("columns", [["a", "a"], [0, "0"], [1, 1]], ids=["same text", "int and text", "same int"])
def test_dataframe_duplicate_labels_refused(columns):
    df = pd.DataFrame([["x", "y"], ["z", "w"]], columns=columns)
    err = fails(IngestError, df, "duplicate", epsilon=INF)
    assert "'" + str(columns[0]) + "'" in str(err)


# ----------------------------------------------------------------------------- cells kept as written
MISSING_LIKE = ["NA", "None", "null", "N/A", "NaN", "nan", "-"]


def test_missing_like_strings_kept_as_categories(csv):
    rows = "\n".join(f"{v},{i % 2}" for i, v in enumerate(MISSING_LIKE * 5))
    path = csv(f"c,k\n{rows}\n".encode())
    assert read_table(path)["c"].tolist() == MISSING_LIKE * 5
    synth = fit(path, epsilon=INF)
    assert set(synth.model_.codecs["c"].categories) == set(MISSING_LIKE)
    out = synth.sample(2000, random_state=0)
    assert not out["c"].isna().any(), "a missing-looking category became missing"
    assert set(out["c"]) == set(MISSING_LIKE)
    assert synth.ingest_report_.total == 0
    # the same from a DataFrame of strings
    df = pd.DataFrame({"c": MISSING_LIKE * 5})
    assert set(fit(df, epsilon=INF).model_.codecs["c"].categories) == set(MISSING_LIKE)
    # declared as missing, they are missing
    synth = fit(path, epsilon=INF, schema={"c": {"kind": "categorical", "missing": ["NA", "null"]}})
    assert set(synth.model_.codecs["c"].categories) == set(MISSING_LIKE) - {"NA", "null"}


def test_leading_zeros_kept(csv):
    path = csv(b"zip,n\n007,1\n012,2\n100,3\n007,4\n")
    assert read_table(path)["zip"].tolist() == ["007", "012", "100", "007"]
    synth = fit(path, epsilon=INF)
    assert synth.model_.schema["zip"].kind == "categorical"
    assert synth.model_.codecs["zip"].categories == ["007", "012", "100"]
    out = synth.sample(200, random_state=0)
    assert set(out["zip"]) <= {"007", "012", "100"} and "007" in set(out["zip"])
    assert synth.model_.schema["n"].kind == "integer"
    # declared numeric, they are numbers
    synth = fit(path, epsilon=INF, schema={"zip": {"kind": "integer", "min": 0, "max": 100}})
    assert synth.model_.schema["zip"].kind == "integer"
    assert set(synth.sample(200, random_state=0)["zip"]) <= {7, 12, 100}


# ----------------------------------------------------------------------------- unparseable cells
SECRET = "SECRET-123"


def test_unparseable_cells_counted_never_echoed(csv, caplog):
    n_rows = 40
    cells = [str(i % 10) for i in range(n_rows)]
    cells[3] = cells[17] = SECRET
    cells[25] = "4.5"  # not whole: unparseable for an integer column too
    text = "n,g,m\n" + "\n".join(f"{c},{'ab'[i % 2]},{SECRET if i == 9 else i % 3}" for i, c in enumerate(cells))
    path = csv((text + "\n").encode())
    schema = {"n": {"kind": "integer", "min": 0, "max": 9}, "m": {"kind": "integer", "min": 0, "max": 2}}
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("DEBUG"):
        warnings.simplefilter("always")
        synth = Synthesizer(epsilon=INF, schema=schema).fit(path)
    report = synth.ingest_report_
    assert report.unparseable == {"n": 3, "m": 1}
    assert report.out_of_domain == {} and report.clipped == {}
    texts = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records] + report.lines()
    assert any("'n'" in t and "3 cell(s)" in t for t in report.lines())
    assert not [t for t in texts if SECRET in t]
    assert SECRET not in repr(report) and SECRET not in str(synth.model_.codecs)
    out = synth.sample(300, random_state=0)
    assert out["n"].dropna().between(0, 9).all() and SECRET not in out.astype(str).to_numpy()
    # a refusal about the same column does not echo the cell either
    bad = csv(f"n\n{SECRET}\n{SECRET}\n".encode(), "all_bad.csv")
    err = fails(BayesSynthError, bad, epsilon=INF, schema={"n": {"kind": "integer"}})
    assert "'n'" in str(err) and SECRET not in str(err)
    # nor a declared-categories column's outsider
    df = pd.DataFrame({"c": ["a", "b", SECRET, "a"] * 5})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth = Synthesizer(epsilon=INF, schema={"c": {"kind": "categorical", "categories": ["a", "b"]}}).fit(df)
    assert synth.ingest_report_.out_of_domain == {"c": 5}
    assert not [w for w in caught if SECRET in str(w.message)]
    assert not [t for t in synth.ingest_report_.lines() if SECRET in t]


def test_unparseable_cells_never_reach_the_model_file(tmp_path, csv):
    path = csv(f"n,g\n1,a\n{SECRET},b\n3,a\n2,b\n".encode())
    synth = fit(path, epsilon=INF, schema={"n": {"kind": "integer", "min": 0, "max": 5}})
    saved = synth.save(tmp_path / "model.json")
    assert SECRET not in saved.read_text(encoding="utf-8")
    assert synth.ingest_report_.unparseable == {"n": 1}


# ----------------------------------------------------------------------------- schema problems
def test_schema_errors_reported_together():
    df = pd.DataFrame({"a": ["x", "y"] * 5, "b": list(range(10)), "c": [0.5] * 10})
    schema = {
        "a": {"kind": "categorial"},
        "b": {"kind": "integer", "min": 5, "max": 1},
        "c": {"kind": "float", "colour": "red"},
    }
    err = fails(SchemaError, df, epsilon=INF, schema=schema)
    msg = str(err)
    assert "column 'a'" in msg and "did you mean 'categorical'" in msg, msg
    assert "column 'b'" in msg and "greater than max" in msg, msg
    assert "column 'c'" in msg and "unknown key" in msg and "'colour'" in msg, msg
    assert isinstance(err, ValueError)


def test_unknown_schema_column_refused():
    df = pd.DataFrame({"a": ["x", "y"] * 5})
    err = fails(SchemaError, df, epsilon=INF, schema={"b": {"kind": "integer"}})
    assert "'b'" in str(err) and "'a'" in str(err)


def test_missing_numbers_in_a_not_null_column_are_left_out_not_put_in_the_lowest_bin():
    """A missing age in a column declared not null once became the lowest bin: 20% of rows piled up there."""
    rng = np.random.default_rng(0)
    n = 3000
    age = rng.integers(20, 80, n).astype(float)
    age[: n // 5] = np.nan
    df = pd.DataFrame({"age": age})
    with pytest.warns(BayesSynthWarning, match=r"600 row\(s\) .* declared not null \('age'\)"):
        synth = Synthesizer(epsilon=INF, random_state=0,
                            schema={"age": {"kind": "integer", "min": 18, "max": 90, "nullable": False}}).fit(df)
    assert synth.ingest_report_.left_out == {"age": n // 5}
    assert any("left out of training" in line for line in synth.ingest_report_.lines())
    fake = synth.sample(5000, random_state=1)["age"]
    assert fake.notna().all()
    # ages 20-22 are 3 of 60 equally likely values: 5%, binomial sd 0.3% at 5000 rows; the bug gave about 24%
    share = fake.between(18, 22).mean()
    assert share < 0.05 + 6 * np.sqrt(0.05 * 0.95 / 5000), share
