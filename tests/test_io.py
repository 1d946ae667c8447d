"""Tests of bayes_synth.io: atomic, non-destructive writes and safe tables (S-4, S-5)."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import bayes_synth.io as bio
from bayes_synth.errors import OutputError, ParameterError
from bayes_synth.io import (
    atomic_write_bytes,
    atomic_write_text,
    check_output_path,
    neutralise_formula_cells,
    write_table,
)

PACKAGE_ROOT = Path(bio.__file__).resolve().parents[1]
FORMULAS = ["=1+1", "+cmd", "+1-467-355-7856", "@SUM(A1)", "\t=x", "\r=x", "-2+A1", "a=b"]
# a phone number holds nothing a spreadsheet could run, so it is written as is; "-2+A1" reads a cell
EXPECTED = ["'=1+1", "'+cmd", "+1-467-355-7856", "'@SUM(A1)", "'\t=x", "'\r=x", "'-2+A1", "a=b"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def read_csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# --- atomic writes ------------------------------------------------------------------------------


def test_write_creates_file_with_normal_permissions(tmp_path):
    target = atomic_write_bytes(tmp_path / "out.bin", b"\x00data")
    assert target == tmp_path / "out.bin"
    assert target.read_bytes() == b"\x00data"
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_existing_file_is_refused_without_force_and_replaced_with_force(tmp_path):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with pytest.raises(OutputError, match=r"out\.json' exists already; pass force=True"):
        atomic_write_bytes(target, b"new")
    with pytest.raises(OutputError, match="exists already"):
        check_output_path(target)  # callers can fail fast, before any long work
    assert check_output_path(target, force=True) == target
    assert target.read_bytes() == b"old"
    atomic_write_bytes(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640  # permissions of the replaced file are kept
    assert leftovers(tmp_path) == []


def test_dangling_symlink_counts_as_existing(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(OutputError, match="exists already"):
        atomic_write_bytes(link, b"x")


@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink"])
def test_output_equal_to_input_is_refused_and_input_unchanged(tmp_path, spelling):
    source = tmp_path / "real.csv"
    pd.DataFrame({"a": [1, 2], "b": ["x", "=y"]}).to_csv(source, index=False)
    before = sha256(source)
    output = {
        "same": source,
        "dotdot": tmp_path / ".." / tmp_path.name / "real.csv",
        "symlink": tmp_path / "link.csv",
        "hardlink": tmp_path / "hard.csv",
    }[spelling]
    if spelling == "symlink":
        output.symlink_to(source)
    elif spelling == "hardlink":
        os.link(source, output)
    frame = pd.read_csv(source)
    with pytest.raises(OutputError, match="it is the input"):
        write_table(frame, output, inputs=[source], force=True)
    with pytest.raises(OutputError, match="it is the input"):
        atomic_write_bytes(output, b"overwritten", inputs=[str(source)], force=True)
    assert sha256(source) == before
    assert leftovers(tmp_path) == []


def test_output_equal_to_missing_input_path_is_refused(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputError, match="it is the input"):
        check_output_path(tmp_path / "sub" / ".." / "x.csv", inputs=[tmp_path / "x.csv"])
    assert check_output_path(tmp_path / "y.csv", inputs=[tmp_path / "x.csv"]) == tmp_path / "y.csv"


def test_missing_directory_and_directory_target_are_refused(tmp_path):
    with pytest.raises(OutputError, match="the directory '.*nope' does not exist"):
        atomic_write_bytes(tmp_path / "nope" / "out.json", b"{}")
    with pytest.raises(OutputError, match="it is a directory"):
        atomic_write_bytes(tmp_path, b"{}", force=True)
    assert not (tmp_path / "nope").exists()


def test_disk_full_during_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "model.json"
    target.write_bytes(b"old complete content")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device") as info:
        atomic_write_bytes(target, b"new" * 1000, force=True)
    assert isinstance(info.value, OSError)
    assert target.read_bytes() == b"old complete content"
    assert leftovers(tmp_path) == []


def test_interrupt_during_replace_propagates_and_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "fake.csv"
    target.write_bytes(b"old")
    seen = []

    def interrupted(src, dst):
        seen.append(Path(src))
        assert Path(src).read_bytes() == b"new"  # the temp file was complete before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new", force=True)
    assert seen and seen[0].parent == tmp_path and seen[0].name.startswith(".fake.csv.")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_file_appearing_during_write_is_not_overwritten(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    real_fsync = os.fsync

    def racing_fsync(fd):
        if not target.exists():
            target.write_bytes(b"written by someone else")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", racing_fsync)
    with pytest.raises(OutputError, match="exists already"):
        atomic_write_bytes(target, b"mine")
    assert target.read_bytes() == b"written by someone else"
    assert leftovers(tmp_path) == []


def test_file_system_without_hard_links_still_writes(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_links)
    atomic_write_bytes(tmp_path / "a.bin", b"abc")
    assert (tmp_path / "a.bin").read_bytes() == b"abc"
    with pytest.raises(OutputError, match="exists already"):
        atomic_write_bytes(tmp_path / "a.bin", b"xyz")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_directory_gives_output_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="Could not write"):
            atomic_write_bytes(folder / "x.csv", b"x")
    finally:
        folder.chmod(0o755)


def test_atomic_write_text_encodes_without_newline_translation(tmp_path):
    target = atomic_write_text(tmp_path / "rules.bsc", "ε ≤ 1\r\nend\n")
    assert target.read_bytes() == "ε ≤ 1\r\nend\n".encode()
    with pytest.raises(OutputError, match="cannot be encoded as ascii"):
        atomic_write_text(tmp_path / "b.txt", "é", encoding="ascii")
    assert not (tmp_path / "b.txt").exists()


CHILD = """
import sys
from bayes_synth.io import atomic_write_bytes
target, rows = sys.argv[1], int(sys.argv[2])
version = 0
while True:
    version += 1
    atomic_write_bytes(target, b"%015d\\n" % version * rows, force=True)
    if version == 2:
        print("writing", flush=True)
"""


def assert_complete(data: bytes, rows: int) -> int:
    """Check ``data`` is one whole version written by CHILD; return the version number."""
    assert len(data) == 16 * rows, f"partial file: {len(data)} of {16 * rows} bytes"
    assert data == data[:16] * rows, "mixed content"
    return int(data[:15])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("duration", [0.0, 0.4])
def test_sigkill_mid_write_leaves_old_or_new_complete_file(tmp_path, duration):
    target = tmp_path / "table.csv"
    rows = 1 << 18  # 4 MiB per version
    target.write_bytes(b"%015d\n" % 0 * rows)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), *sys.path])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), str(rows)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert child.stdout.readline() == b"writing\n"
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:  # a reader never sees a partial file either
            assert_complete(target.read_bytes(), rows)
        assert child.poll() is None, "the writer stopped before it was killed"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    assert assert_complete(target.read_bytes(), rows) >= 2  # old version 0 was replaced
    # SIGKILL may leave one hidden temp file; it is never the target.
    assert all(name.startswith(".table.csv.") for name in leftovers(tmp_path))
    assert len(leftovers(tmp_path)) <= 1


# --- tables -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["object", "str", "string", "category"])
def test_csv_formula_cells_are_neutralised(tmp_path, dtype):
    frame = pd.DataFrame(
        {"text": pd.Series(FORMULAS, dtype=dtype), "number": [-2, 1, 2, 3, 4, 5, 6, -7]}
    )
    target = write_table(frame, tmp_path / "fake.csv")
    cells = read_csv_cells(target)
    assert cells[0] == ["text", "number"]
    assert [row[0] for row in cells[1:]] == EXPECTED
    assert [row[1] for row in cells[1:]] == ["-2", "1", "2", "3", "4", "5", "6", "-7"]
    assert frame["text"].tolist() == FORMULAS  # the caller's frame is untouched
    assert target.read_bytes().count(b"\r\n") == 9  # RFC 4180 line ends; "\r=x" is quoted


def test_csv_neutralisation_can_be_switched_off_and_round_trips(tmp_path):
    frame = pd.DataFrame({"text": FORMULAS})
    raw = write_table(frame, tmp_path / "raw.csv", neutralise_formulas=False)
    assert [row[0] for row in read_csv_cells(raw)[1:]] == FORMULAS
    safe = write_table(frame, tmp_path / "safe.csv")
    back = pd.read_csv(safe, keep_default_na=False)["text"]
    assert back.str.replace(r"^'", "", regex=True).tolist() == FORMULAS  # documented inverse


def test_neutralise_touches_only_text_cells_and_headers():
    frame = pd.DataFrame(
        {
            "=hdr": ["@x", "y"],
            "mixed": pd.Series(["=a", -2], dtype=object),
            "ints_as_objects": pd.Series([-2, 3], dtype=object),
            "floats": [-2.5, float("nan")],
            "nul": ["\0x", None],
            "when": pd.to_datetime(["2020-01-01", "2021-01-01"]),
        }
    )
    out = neutralise_formula_cells(frame)
    assert list(out.columns) == ["'=hdr", "mixed", "ints_as_objects", "floats", "nul", "when"]
    assert out["'=hdr"].tolist() == ["'@x", "y"]
    assert out["mixed"].tolist() == ["'=a", -2]
    assert out["ints_as_objects"].tolist() == [-2, 3]
    assert out["floats"].iloc[0] == -2.5
    assert out["nul"].iloc[0] == "'\0x" and pd.isna(out["nul"].iloc[1])
    assert out["when"].equals(frame["when"])
    assert list(frame.columns)[0] == "=hdr" and frame["mixed"].iloc[0] == "=a"


def test_parquet_round_trip_is_exact_and_not_neutralised(tmp_path):
    frame = pd.DataFrame(
        {
            "age": pd.Series([17, 90, 45], dtype="int64"),
            "pay": [1.5, float("nan"), -2.0],
            "name": ["=1+1", "Zoë", "-2"],
            "grade": pd.Series(["a", "b", "a"], dtype="category"),
            "vip": [True, False, True],
            "joined": pd.to_datetime(["2001-01-01", "2024-12-31", "2010-06-15"]),
        },
        index=[10, 11, 12],
    )
    target = write_table(frame, tmp_path / "fake.PARQUET")
    back = pd.read_parquet(target)
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True))
    assert leftovers(tmp_path) == []


def test_parquet_conversion_failure_is_output_error_and_keeps_old_file(tmp_path):
    target = tmp_path / "out.parquet"
    target.write_bytes(b"old")
    frame = pd.DataFrame({"mixed": pd.Series(["a", 1], dtype=object)})
    with pytest.raises(OutputError, match="as Parquet"):
        write_table(frame, target, force=True)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["out.xlsx", "out", "out.csv.gz", "out.json"])
def test_unsupported_extension_lists_supported_ones(tmp_path, name):
    with pytest.raises(OutputError, match=r"unsupported extension.*supported: \.csv, \.parquet"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_write_table_refuses_existing_and_non_frames(tmp_path):
    target = tmp_path / "t.csv"
    write_table(pd.DataFrame({"a": [1]}), target)
    with pytest.raises(OutputError, match="exists already"):
        write_table(pd.DataFrame({"a": [2]}), target)
    write_table(pd.DataFrame({"a": [2]}), target, force=True)
    assert pd.read_csv(target)["a"].tolist() == [2]
    with pytest.raises(ParameterError, match="DataFrame"):
        write_table({"a": [1]}, tmp_path / "d.csv")  # type: ignore[arg-type]


def test_csv_with_unencodable_text_is_output_error(tmp_path):
    frame = pd.DataFrame({"a": pd.Series(["ok", "\ud800"], dtype=object)})
    with pytest.raises(OutputError, match="cannot be encoded as UTF-8"):
        write_table(frame, tmp_path / "bad.csv")
    assert list(tmp_path.iterdir()) == []


def test_csv_bytes_are_deterministic(tmp_path):
    frame = pd.DataFrame({"x": [0.1, 2.0], "s": ["é", "b"]})
    first = write_table(frame, tmp_path / "a.csv").read_bytes()
    assert first == write_table(frame, tmp_path / "b.csv").read_bytes()
    assert first.decode("utf-8") == "x,s\r\n0.1,é\r\n2.0,b\r\n"
    assert isinstance(io.BytesIO(first).read(), bytes)
