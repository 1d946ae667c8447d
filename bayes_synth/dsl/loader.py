"""Reading constraints files: ``include`` resolution (relative to the including file), cycle detection.

Each file is read once per load: a second ``include`` of the same file (a diamond) adds nothing, an
include that leads back to a file being read is an include cycle (E0121).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType

from bayes_synth.dsl import ast
from bayes_synth.dsl.diagnostics import Diagnostic, syntax_error
from bayes_synth.dsl.parser import normalize, parse_source
from bayes_synth.dsl.ruleset import RuleSet


class Loader:
    """Expand the includes of one top-level file or text into a :class:`~bayes_synth.dsl.ruleset.RuleSet`.

    >>> Loader().load_text("rule a > 1", "<string>", Path(".")).statements[0].expr.ops
    ('>',)
    """

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.reading: list[tuple[Path, str]] = []
        self.done: set[Path] = set()

    def load_text(self, text: str, display: str, base: Path, path: Path | None = None) -> RuleSet:
        """A RuleSet from text whose includes resolve against ``base``; ``path`` is the file it came
        from, if any (so that an include of that file is seen as a cycle)."""
        statements = self._expand(text, display, base, path.resolve() if path else None)
        return RuleSet(tuple(statements), MappingProxyType(dict(self.sources)))

    def load_path(self, path: Path) -> RuleSet:
        """A RuleSet from a file."""
        statements = self._read(path, str(path), None)
        return RuleSet(tuple(statements), MappingProxyType(dict(self.sources)))

    def _read(self, path: Path, display: str, at: ast.Span | None) -> list[ast.Statement]:
        resolved = path.resolve()
        chain = [shown for p, shown in self.reading] + [display]
        if any(p == resolved for p, _ in self.reading):
            raise syntax_error(Diagnostic("E0121", "include cycle: " + " -> ".join(chain), at,
                                          help="a file must not include itself, directly or through others",
                                          label="includes a file that is already being read"), self.sources)
        if resolved in self.done:
            return []
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise self._unreadable(display, f"it is not UTF-8 text (byte {exc.start})", at) from None
        except OSError as exc:
            raise self._unreadable(display, exc.strerror or type(exc).__name__, at) from None
        return self._expand(text, display, path.parent, resolved)

    def _unreadable(self, display: str, why: str, at: ast.Span | None) -> Exception:
        what = "the included file" if at else "the constraints file"
        return syntax_error(Diagnostic("E0120", f"cannot read {what} '{display}': {why}", at), self.sources)

    def _expand(self, text: str, display: str, base: Path, resolved: Path | None) -> list[ast.Statement]:
        statements = parse_source(text, display)
        self.sources[display] = normalize(text)
        if resolved is not None:
            self.reading.append((resolved, display))
        out: list[ast.Statement] = []
        for statement in statements:
            if isinstance(statement, ast.Include):
                out.extend(self._read(base / statement.path, _shown(display, statement.path), statement.span))
            else:
                out.append(statement)
        if resolved is not None:
            self.reading.pop()
            self.done.add(resolved)
        return out


def _shown(parent: str, path: str) -> str:
    """How an included file is named in messages: relative to the including file's name."""
    if parent.startswith("<") or os.path.isabs(path):
        return path
    return os.path.normpath(os.path.join(os.path.dirname(parent), path))
