"""Write one benchmark's section of docs/benchmarks.md between its markers (temp file + rename)."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, start: str, end: str, lines: list[str]) -> None:
    """Put ``lines`` (which begin with ``start`` and end with ``end``) in place of the old section, or append."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if start in text and end in text:
        text = text.split(start)[0] + "\n".join(lines) + text.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
