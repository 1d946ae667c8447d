"""Writing outputs without losing data.

This module owns every file bayes_synth writes on the user's disk:

* :func:`atomic_write_bytes` / :func:`atomic_write_text` write to a temporary file in the target's
  directory, flush and ``fsync`` it, move it over the target with one atomic rename, then ``fsync``
  the directory. A crash or kill at any moment leaves the target absent, with its old complete
  content, or with the new complete content, never a mix. The temporary file is removed on any
  exception (``KeyboardInterrupt`` included); only SIGKILL or power loss can leave a hidden
  ``.<name>.*.tmp`` file behind, which is never the target and may be deleted.
* Every write refuses a target that is one of the inputs (same file by inode, or the same resolved
  path), and an existing target unless ``force=True`` (CLI: ``--force``). Without ``force`` the new
  file is published with a hard link, so a file that appears meanwhile is not overwritten either.
* :func:`write_table` writes a DataFrame as CSV or Parquet, chosen by extension. CSV text cells that
  a spreadsheet would run as a formula get a leading ``'`` (OWASP ASVS v5 1.2.10, CWE-1236; see
  :func:`neutralise_formula_cells`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from bayes_synth.errors import OutputError, ParameterError

StrPath = str | os.PathLike[str]

#: First characters that make a spreadsheet evaluate a cell (ASVS 1.2.10, plus CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
#: Text that starts like a formula but holds only digits and number punctuation (``+1-467-355-7856``,
#: ``-2``): a spreadsheet can only do arithmetic with it, never call a function, so it is written as is.
PLAIN_NUMBERS = r"[+-][0-9 ().,/-]*"
TABLE_FORMATS = (".csv", ".parquet")
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES, errno.EBADF}


def check_output_path(
    path: StrPath, *, inputs: Iterable[StrPath] = (), force: bool = False
) -> Path:
    """Refuse an output path that would destroy data; return it as a :class:`~pathlib.Path`.

    Call it before long work (fitting, sampling) so that a bad path fails fast; the writers call
    it again just before writing.

    Parameters
    ----------
    path : str or path-like
        Where the output goes.
    inputs : iterable of str or path-like
        Files read to produce the output; the output may never be one of them.
    force : bool, default False
        Allow replacing an existing output.

    Raises
    ------
    OutputError
        If the directory does not exist, ``path`` is a directory or one of ``inputs``, or ``path``
        exists and ``force`` is False.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output_path(os.path.join(folder, "fake.csv"), inputs=["real.csv"]).name
    'fake.csv'
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise OutputError(
            f"Cannot write '{target}': the directory '{target.parent}' does not exist; create it "
            "first."
        )
    for source in inputs:
        if _same_file(target, Path(source)):
            raise OutputError(
                f"Refusing to write '{target}': it is the input '{source}', which would be lost. "
                "Choose another output path."
            )
    if target.is_dir():
        raise OutputError(f"Cannot write '{target}': it is a directory.")
    if not force and os.path.lexists(target):
        raise _exists_error(target)
    return target


def atomic_write_bytes(
    path: StrPath, data: bytes, *, inputs: Iterable[StrPath] = (), force: bool = False
) -> Path:
    """Write ``data`` to ``path`` atomically: all of it, or nothing changes.

    Parameters
    ----------
    path : str or path-like
        The target file; its directory must exist.
    data : bytes
        The complete new content.
    inputs : iterable of str or path-like
        Files the output must not overwrite (see :func:`check_output_path`).
    force : bool, default False
        Replace ``path`` if it exists.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        If the path is refused, or writing fails (disk full, permissions ...); the target is then
        left as it was and the temporary file is removed.

    Examples
    --------
    >>> import tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> atomic_write_bytes(target, b"{}").read_bytes()
    b'{}'
    >>> atomic_write_bytes(target, b"[]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bayes_synth.errors.OutputError: ...exists already; pass force=True (CLI: --force) to replace it.
    """
    inputs = tuple(inputs)
    target = check_output_path(path, inputs=inputs, force=force)
    return _commit(target, partial(_write_all, data=data), force=force)


def atomic_write_text(
    path: StrPath,
    text: str,
    *,
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
    force: bool = False,
) -> Path:
    """Encode ``text`` (no newline translation) and write it with :func:`atomic_write_bytes`.

    Examples
    --------
    >>> import tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "rules.bsc")
    >>> atomic_write_text(target, "ε = 1\\n").read_text(encoding="utf-8")
    'ε = 1\\n'
    """
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(
            f"Cannot write '{path}': the text cannot be encoded as {encoding} "
            f"(character {exc.start})."
        ) from None
    return atomic_write_bytes(path, data, inputs=inputs, force=force)


def write_table(
    df: pd.DataFrame,
    path: StrPath,
    *,
    inputs: Iterable[StrPath] = (),
    force: bool = False,
    neutralise_formulas: bool | None = None,
) -> Path:
    """Write a table atomically as CSV or Parquet, chosen by the file extension.

    CSV is UTF-8 with a header, no index, RFC 4180 line ends (``\\r\\n``, so a text cell holding a
    ``\\r`` or ``\\n`` is quoted). Parquet uses pyarrow, no index. The index is never written.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    path : str or path-like
        Target ending in ``.csv`` or ``.parquet`` (any case).
    inputs : iterable of str or path-like
        Files the output must not overwrite.
    force : bool, default False
        Replace ``path`` if it exists.
    neutralise_formulas : bool, optional
        Prefix text cells and header names that start with ``= + - @``, tab, CR or NUL with ``'``
        (see :func:`neutralise_formula_cells`). Default: True for CSV, False for Parquet. Reading
        such a CSV back gives the prefixed text; strip one leading ``'`` to undo it.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        For an unsupported extension, a refused path, or a failed write (the target is then
        unchanged).

    Examples
    --------
    >>> import tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "fake.csv")
    >>> frame = pd.DataFrame({"name": ["=1+1", "Ann"], "delta": [-2, 3]})
    >>> print(write_table(frame, target).read_text(encoding="utf-8"), end="")
    name,delta
    '=1+1,-2
    Ann,3
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise OutputError(
            f"Cannot write '{target}': unsupported extension '{suffix}'; "
            f"supported: {', '.join(TABLE_FORMATS)}."
        )
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"write_table needs a pandas DataFrame; got {type(df).__name__}.")
    inputs = tuple(inputs)
    check_output_path(target, inputs=inputs, force=force)
    if neutralise_formulas is None:
        neutralise_formulas = suffix == ".csv"
    frame = neutralise_formula_cells(df) if neutralise_formulas else df
    writer = _write_csv if suffix == ".csv" else _write_parquet
    return _commit(target, partial(writer, frame=frame, target=target), force=force)


def neutralise_formula_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose formula-like text cells and header names start with ``'``.

    Only text is touched: cells of object, string and text-categorical columns that are ``str``
    and start with one of :data:`FORMULA_STARTS`, except phone-number-like text that holds only
    digits and number punctuation (:data:`PLAIN_NUMBERS`: no function can hide in it). Numbers
    (``-2`` in a numeric column) and missing values are kept. Categorical text columns come back as
    object columns. Vectorised: one pass per column, no loop over rows; ``df`` is not modified.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": ["=1+1", "+1-467-355-7856", "-2+cmd|' /C calc'!A0", "ok"]})
    >>> neutralise_formula_cells(frame)["a"].tolist()
    ["'=1+1", '+1-467-355-7856', "'-2+cmd|' /C calc'!A0", 'ok']
    """
    out = df.copy(deep=False)
    for position in range(df.shape[1]):
        column = _neutralise_column(df.iloc[:, position])
        if column is not None:
            out.isetitem(position, column)
    out.columns = df.columns.map(_neutralise_label)
    return out


def _neutralise_column(column: pd.Series) -> pd.Series | None:
    """The column with formula-like text prefixed, or None when nothing changes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        if not pd.api.types.is_string_dtype(column.cat.categories.dtype):
            return None
        column = column.astype(object)
    elif not pd.api.types.is_string_dtype(column.dtype):  # numbers, dates, booleans
        return None
    try:
        risky = column.str.startswith(FORMULA_STARTS, na=False).astype(bool)
        risky &= ~column.str.fullmatch(PLAIN_NUMBERS, na=False).astype(bool)
    except (AttributeError, TypeError):  # an object column without text (all ints, bytes)
        return None
    if not risky.any():
        return None
    result = column.copy()
    result[risky] = "'" + column[risky]
    return result


def _neutralise_label(label: Any) -> Any:
    if isinstance(label, tuple):  # MultiIndex columns
        return tuple(_neutralise_label(part) for part in label)
    if isinstance(label, str) and label.startswith(FORMULA_STARTS):
        return "'" + label
    return label


def _write_all(handle: BinaryIO, *, data: bytes) -> None:
    handle.write(data)


def _write_csv(handle: BinaryIO, *, frame: pd.DataFrame, target: Path) -> None:
    try:
        frame.to_csv(handle, index=False, encoding="utf-8", lineterminator="\r\n", mode="wb")
    except UnicodeEncodeError as exc:
        raise OutputError(
            f"Cannot write '{target}': a text cell cannot be encoded as UTF-8 ({exc.reason})."
        ) from None


def _write_parquet(handle: BinaryIO, *, frame: pd.DataFrame, target: Path) -> None:
    import pyarrow as pa  # lazily: only Parquet output needs it

    try:
        frame.to_parquet(handle, engine="pyarrow", index=False)
    except (ValueError, TypeError, pa.ArrowException) as exc:
        if isinstance(exc, OSError):
            raise
        raise OutputError(f"Cannot write '{target}' as Parquet: {exc}") from exc


def _commit(target: Path, write: Callable[[BinaryIO], None], *, force: bool) -> Path:
    """Run ``write`` into a temp file and publish it at ``target``; wrap OS errors."""
    try:
        _write_and_publish(target, write, force=force)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(
            f"Could not write '{target}': {exc.strerror or exc}. The target was left as it was."
        ) from exc
    _fsync_directory(target)
    return target


def _write_and_publish(target: Path, write: Callable[[BinaryIO], None], *, force: bool) -> None:
    fd, temp_name = _mkstemp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _new_file_mode(target))
        _publish(temp_name, target, force=force)
    finally:  # BaseException included: KeyboardInterrupt must not leave the temp file
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)


def _mkstemp(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")


def _publish(temp_name: str, target: Path, *, force: bool) -> None:
    """Move the complete temp file to ``target``; without ``force`` never replace a file."""
    if force:
        os.replace(temp_name, target)
        return
    try:
        os.link(temp_name, target)  # atomic and fails if the target appeared meanwhile
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError:  # no hard links on this file system
        if os.path.lexists(target):
            raise _exists_error(target) from None
        os.replace(temp_name, target)


def _fsync_directory(target: Path) -> None:
    """Make the rename durable (``os.replace`` alone can leave an empty file after power loss)."""
    if os.name == "nt":  # directories cannot be opened on Windows; NTFS journals the rename
        return
    try:
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in _DIR_FSYNC_UNSUPPORTED:  # the file system cannot sync directories
            return
        raise OutputError(
            f"'{target}' was written, but its directory could not be synced to disk: "
            f"{exc.strerror or exc}."
        ) from exc


def _new_file_mode(target: Path) -> int:
    """Keep an existing target's permissions; otherwise what ``open()`` would give (umask)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0o077)  # probe with a strict mask: a racing thread errs on the safe side
        os.umask(umask)
        return 0o666 & ~umask


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): compare where the paths lead
        return os.path.normcase(os.path.realpath(first)) == os.path.normcase(
            os.path.realpath(second)
        )


def _exists_error(target: Path) -> OutputError:
    return OutputError(f"'{target}' exists already; pass force=True (CLI: --force) to replace it.")
