"""Re-check a model file from scratch: ``bayes-synth audit MODEL``.

The audit reads the JSON itself (with :func:`bayes_synth.jsonio.loads_strict`, so hostile files stay
harmless) and does not trust the library's own loader: it runs the strict loader (and reports what it
rejects), then repeats the important checks independently, so a file the loader refuses (a table that
does not sum to 1, a cycle) still gets a reasoned verdict instead of a crash:

- every conditional table has the shape its parents and domain need, is non-negative and every row
  sums to 1 within 1e-9;
- the network is acyclic and ``structure.order`` is a topological order of it;
- the ledger's entries add up to no more than the stated budget (epsilon and delta, exact fractions),
  and its stated totals are the sums of its entries;
- every entry's query kind has a section in docs/privacy.md (embedded: :mod:`bayes_synth.inspect.kinds`)
  and its mechanism and sensitivity are the documented ones;
- every table was measured (one ``counts`` entry over its parents and column) and, when the network has
  edges, the structure was chosen by d - 1 ledgered selections.

Verdict: ``PASS`` (exit 0), ``FAIL`` with one reason per line (exit 1), or ``UNREADABLE`` (exit 2).
A model that is not DP, seeded or void passes with a note (``require_dp=True`` makes those failures).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from bayes_synth.errors import BayesSynthError, ModelFormatError
from bayes_synth.inspect.guarantee import pretty
from bayes_synth.inspect.kinds import DOCUMENTED, EXACT

ROW_TOLERANCE = 1e-9
_FRACTION = re.compile(r"\d{1,60}(/\d{1,60})?")


@dataclass
class AuditResult:
    """The outcome of an audit: failures (reasons), checks that passed, and notes."""

    path: str
    unreadable: str | None = None
    failures: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "UNREADABLE" if self.unreadable else "FAIL" if self.failures else "PASS"

    @property
    def exit_code(self) -> int:
        return {"PASS": 0, "FAIL": 1, "UNREADABLE": 2}[self.verdict]

    def lines(self) -> list[str]:
        """The verdict, then one line per reason: ``fail``, then ``ok``, then ``note`` lines."""
        head = f"{self.verdict}  {self.path}"
        if self.unreadable:
            return [head, f"  error  {self.unreadable}"]
        return ([head] + [f"  fail   {r}" for r in self.failures] + [f"  ok     {r}" for r in self.passed]
                + [f"  note   {r}" for r in self.notes])

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "verdict": self.verdict, "exit_code": self.exit_code,
                "unreadable": self.unreadable, "failures": self.failures, "passed": self.passed,
                "notes": self.notes}


def audit_file(path: str | Path, *, require_dp: bool = False) -> AuditResult:
    """Audit the model file at ``path`` (never raises for a bad file: the result says what is wrong)."""
    from bayes_synth.jsonio import loads_strict

    p = Path(path)
    if p.is_dir():
        return AuditResult(str(p), unreadable="it is a directory, not a model file")
    try:
        data = loads_strict(p.read_bytes(), source=str(p))
    except OSError as exc:
        return AuditResult(str(p), unreadable=f"cannot read the file: {exc.strerror or exc}")
    except BayesSynthError as exc:
        return AuditResult(str(p), unreadable=" ".join(str(exc).split()))
    return audit_data(data, str(p), require_dp=require_dp)


def audit_data(data: Any, source: str = "model", *, require_dp: bool = False) -> AuditResult:
    """Audit a parsed model file (plain JSON data).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> from bayes_synth.modelfile import model_to_dict
    >>> data = model_to_dict(tiny_model())
    >>> audit_data(data).verdict
    'PASS'
    >>> data["tables"]["age"][0] = [0.5, 0.5, 0.5]
    >>> audit_data(data).failures[0]
    'tables: $.tables.age row 0 sums to 1.5, not 1 (1 row(s) of 2 off by more than 1e-09)'
    """
    result = AuditResult(source)
    if not isinstance(data, dict):
        result.unreadable = "the top level is not a JSON object: not a model file"
        return result
    names, sizes = _columns(data, result)
    parents = _structure(data, names, result)
    if names is not None and sizes is not None and parents is not None:
        _tables(data, names, sizes, parents, result)
    entries = _ledger(data, result)
    if entries is not None and names is not None and parents is not None:
        _coverage(entries, names, parents, result)
    _settings(data, result)
    _loader(data, source, result)  # last: its reasons follow the independent ones
    _flags(data, entries, result, require_dp)
    return result


# ---------------------------------------------------------------------------------------- checks
def _loader(data: dict, source: str, result: AuditResult) -> None:
    from bayes_synth.modelfile import model_from_dict

    try:
        model_from_dict(data, source=source)
    except ModelFormatError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        items = [ln.removeprefix("- ") for ln in lines[1:]] or lines
        result.failures += [f"strict loader: {_strip_source(item, source)}" for item in items]
        return
    except Exception as exc:  # the audit reports, it never crashes on a bad file
        result.failures.append(f"strict loader crashed on the file: {type(exc).__name__}: {exc}")
        return
    result.passed.insert(0, "strict loader: the file loads")


def _columns(data: dict, result: AuditResult) -> tuple[list[str] | None, list[int] | None]:
    codecs = data.get("codecs")
    if not isinstance(codecs, list) or not codecs:
        result.failures.append("columns: $.codecs must be a non-empty list")
        return None, None
    names, sizes = [], []
    for i, c in enumerate(codecs):
        size = _codec_size(c)
        if size is None or not isinstance(c.get("name"), str):
            result.failures.append(f"columns: $.codecs[{i}] is malformed (its domain size cannot be read)")
            return None, None
        names.append(c["name"])
        sizes.append(size)
    if len(set(names)) != len(names):
        result.failures.append("columns: $.codecs names a column twice")
        return None, None
    return names, sizes


def _codec_size(c: Any) -> int | None:
    if not isinstance(c, dict) or not isinstance(c.get("nullable"), bool):
        return None
    extra = int(c["nullable"])
    if c.get("type") == "categorical" and isinstance(c.get("categories"), list) and c["categories"]:
        return len(c["categories"]) + extra
    if c.get("type") == "numeric" and isinstance(c.get("groups"), list) and c["groups"]:
        return len(c["groups"]) + extra
    return None


def _structure(data: dict, names: list[str] | None, result: AuditResult) -> list[list[int]] | None:
    struct = data.get("structure")
    if names is None or not isinstance(struct, dict) or not isinstance(struct.get("parents"), dict):
        result.failures.append("structure: $.structure.parents must be an object (column -> list of parents)")
        return None
    given = struct["parents"]
    index = {n: i for i, n in enumerate(names)}
    bad = False
    for key in given:
        if key not in index:
            result.failures.append(f"structure: $.structure.parents names an unknown column {key!r}")
            bad = True
    parents: list[list[int]] = []
    for name in names:
        ps = given.get(name)
        if not isinstance(ps, list) or not all(isinstance(p, str) and p in index for p in ps) \
                or len(set(ps)) != len(ps) or name in ps:
            result.failures.append(f"structure: the parents of {name!r} must be a list of distinct other columns")
            bad = True
            ps = []
        parents.append([index[p] for p in ps])
    if bad:
        return None
    cycle = find_cycle(parents)
    if cycle:
        path = " -> ".join(names[v] for v in cycle)
        result.failures.append(f"structure: the network has a cycle ({path}): it is not a Bayesian network")
        return None
    order = struct.get("order")
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(names) or len(set(order)) != len(order):
        result.failures.append("structure: $.structure.order must list every column exactly once")
    else:
        pos = {n: i for i, n in enumerate(order)}
        late = [f"{names[p]} -> {name}" for name, ps in zip(names, parents, strict=True) for p in ps
                if pos[names[p]] > pos[name]]
        if late:
            result.failures.append("structure: $.structure.order is not a topological order of the network "
                                   f"(a parent comes after its child: {', '.join(late[:5])})")
            return parents
    edges = sum(len(ps) for ps in parents)
    result.passed.append(f"structure: {len(names)} columns, {edges} edges; acyclic, and the stated order "
                         "draws every parent before its children")
    return parents


def find_cycle(parents: list[list[int]]) -> list[int] | None:
    """A directed cycle (as a closed path of nodes, parent to child) or None.

    >>> find_cycle([[2], [0], [1]])
    [0, 1, 2, 0]
    >>> find_cycle([[], [0]]) is None
    True
    """
    children: list[list[int]] = [[] for _ in parents]
    for v, ps in enumerate(parents):
        for p in ps:
            children[p].append(v)
    state = [0] * len(parents)  # 0 unseen, 1 on the stack, 2 done
    for root in range(len(parents)):
        if state[root]:
            continue
        stack = [(root, iter(children[root]))]
        path = [root]
        state[root] = 1
        while stack:
            v, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[v] = 2
                stack.pop()
                path.pop()
            elif state[nxt] == 1:
                return [*path[path.index(nxt):], nxt]
            elif state[nxt] == 0:
                state[nxt] = 1
                stack.append((nxt, iter(children[nxt])))
                path.append(nxt)
    return None


def _tables(data: dict, names: list[str], sizes: list[int], parents: list[list[int]], result: AuditResult) -> None:
    tables = data.get("tables")
    if not isinstance(tables, dict):
        result.failures.append("tables: $.tables must be an object with one table per column")
        return
    ok = True
    extra = [k for k in tables if k not in names]
    if extra:
        result.failures.append(f"tables: $.tables has a table for {', '.join(map(repr, extra[:5]))}, which is not "
                               "a column of $.codecs (one table per column, no others)")
        ok = False
    for name, size, ps in zip(names, sizes, parents, strict=True):
        shape = (math.prod(sizes[p] for p in ps), size)
        where = f"$.tables.{name}"
        if name not in tables:
            result.failures.append(f"tables: {where} is missing (every column needs its table)")
            ok = False
            continue
        odd = _not_numbers(tables[name])
        if odd:
            result.failures.append(f"tables: {where}{odd}")
            ok = False
            continue
        t = np.array(tables[name], dtype=float)
        if t.shape != shape:
            result.failures.append(f"tables: {where} has shape {list(t.shape)}, but its parents and domain "
                                   f"need {list(shape)}")
            ok = False
            continue
        if not np.all(np.isfinite(t)):
            result.failures.append(f"tables: {where} holds non-finite numbers")
            ok = False
            continue
        if np.any(t < 0):
            row = int(np.argwhere(t < 0)[0][0])
            result.failures.append(f"tables: {where} row {row} holds a negative probability ({t[row].min():.6g})")
            ok = False
        off = np.abs(t.sum(axis=1) - 1) > ROW_TOLERANCE
        if off.any():
            row = int(np.argmax(off))
            result.failures.append(f"tables: {where} row {row} sums to {t[row].sum():.12g}, not 1 ({int(off.sum())} "
                                   f"row(s) of {len(t)} off by more than {ROW_TOLERANCE:g})")
            ok = False
    if ok:
        result.passed.append(f"tables: {len(names)} tables with the shapes their parents need; every row "
                             f"non-negative and summing to 1 (within {ROW_TOLERANCE:g})")


@dataclass(frozen=True)
class _Entry:
    step: Any
    kind: str
    columns: tuple[str, ...]
    mechanism: str
    sensitivity: Any
    epsilon: Fraction
    delta: Fraction


def _ledger(data: dict, result: AuditResult) -> list[_Entry] | None:
    priv = data.get("privacy")
    if not isinstance(priv, dict) or not isinstance(priv.get("entries"), list):
        result.failures.append("ledger: $.privacy must be an object with a list of 'entries'")
        return None
    budget_raw, delta_raw = priv.get("epsilon"), priv.get("delta")
    private = budget_raw != "inf"
    if private and not (_number(budget_raw) and budget_raw > 0):
        result.failures.append(f"ledger: the budget $.privacy.epsilon must be a number > 0 or 'inf'; got "
                               f"{str(budget_raw)[:40]!r}")
        return None
    if not (_number(delta_raw) and 0 <= delta_raw < 1):
        result.failures.append(f"ledger: $.privacy.delta must be a number in [0, 1); got {str(delta_raw)[:40]!r}")
        return None
    if priv.get("private") is not private:
        result.failures.append("ledger: $.privacy.private disagrees with the budget (it must be true exactly when "
                               "epsilon is finite)")
    failures_before = len(result.failures)
    entries = []
    for i, raw in enumerate(priv["entries"]):
        entry = _entry(raw, i, private, result)
        if entry is not None:
            entries.append(entry)
    if len(entries) != len(priv["entries"]):
        return None
    steps = [e.step for e in entries]
    if steps != list(range(len(entries))):
        result.failures.append("ledger: the entries' steps are not 0, 1, 2, ... in order (entries removed, added "
                               "or reordered)")
    spent_eps = sum((e.epsilon for e in entries), Fraction(0))
    spent_delta = sum((e.delta for e in entries), Fraction(0))
    if private:
        budget = Fraction(float(budget_raw))
        if spent_eps > budget:
            result.failures.append(f"ledger: the entries spend epsilon {_frac(spent_eps)} ({float(spent_eps):.6g}), "
                                   f"more than the budget {budget_raw:g}")
        if spent_delta > Fraction(float(delta_raw)):
            result.failures.append(f"ledger: the entries spend delta {pretty(spent_delta)} "
                                   f"({float(spent_delta):.3g}), more than the budget {delta_raw:g}")
    for key, total in (("spent_epsilon", spent_eps), ("spent_delta", spent_delta)):
        stated = priv.get(key)
        if stated is not None and (not isinstance(stated, str) or not _FRACTION.fullmatch(stated)
                                   or _fraction(stated) != total):
            result.failures.append(f"ledger: $.privacy.{key} says {str(stated)[:40]!r}, but the entries add up to "
                                   f"{pretty(total)}")
    settings = data.get("settings")
    if isinstance(settings, dict) and "epsilon" in settings and settings["epsilon"] != budget_raw:
        result.failures.append(f"ledger: the budget {budget_raw!r} differs from the fit settings' epsilon "
                               f"{settings['epsilon']!r}")
    if len(result.failures) == failures_before:
        within = (f"epsilon {_frac(spent_eps)} of budget {budget_raw:g}, delta {pretty(spent_delta)} of "
                  f"{delta_raw:g}" if private else "no budget (epsilon = inf): every entry charged 0")
        result.passed.append(f"ledger: {len(entries)} entries spend {within} (exact fractions); every query kind "
                             "is documented in docs/privacy.md with a matching mechanism and sensitivity")
    return entries


def _entry(raw: Any, i: int, private: bool, result: AuditResult) -> _Entry | None:
    where = f"ledger entry {i}"
    if not isinstance(raw, dict):
        result.failures.append(f"{where} is not an object")
        return None
    kind, mech, sens = raw.get("query_kind"), raw.get("mechanism"), raw.get("sensitivity")
    eps, delta = _fraction(raw.get("epsilon")), _fraction(raw.get("delta"))
    if eps is None or delta is None:
        result.failures.append(f"{where}: epsilon and delta must be fractions such as '1/50'")
        return None
    doc = DOCUMENTED.get(kind) if isinstance(kind, str) else None
    if doc is None:
        result.failures.append(f"{where}: query kind {str(kind)[:40]!r} has no section in docs/privacy.md "
                               f"(documented kinds: {', '.join(DOCUMENTED)})")
    else:
        if not isinstance(mech, str) or not doc.accepts(mech, private):
            allowed = list(doc.mechanisms) + ([EXACT] if doc.charges_budget and not private else [])
            result.failures.append(f"{where} ({kind}): mechanism {str(mech)[:60]!r} is not the documented one "
                                   f"({' or '.join(map(repr, allowed))})")
        if not _number(sens) or float(sens) != doc.sensitivity:
            result.failures.append(f"{where} ({kind}): sensitivity {str(sens)[:40]} differs from the documented "
                                   f"{doc.sensitivity:g}")
        if private and doc.charges_budget and mech != EXACT and eps == 0:
            result.failures.append(f"{where} ({kind}): a DP measurement recorded at epsilon 0 (the ledger does not "
                                   "say what it cost)")
        if (not doc.charges_budget or not private) and (eps != 0 or delta != 0):
            reason = "is not a DP query" if not doc.charges_budget else "was answered exactly (epsilon = inf)"
            result.failures.append(f"{where} ({kind}): {reason} but charges epsilon {pretty(eps)}, "
                                   f"delta {pretty(delta)}")
    columns = raw.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        result.failures.append(f"{where}: 'columns' must be a list of column names")
        columns = []
    return _Entry(raw.get("step"), str(kind), tuple(columns), str(mech), sens, eps, delta)


def _coverage(entries: list[_Entry], names: list[str], parents: list[list[int]], result: AuditResult) -> None:
    counts = [e for e in entries if e.kind == "counts"]
    missing = []
    for name, ps in zip(names, parents, strict=True):
        scope = {names[p] for p in ps} | {name}
        if not any(e.columns and e.columns[-1] == name and set(e.columns) == scope for e in counts):
            missing.append(name)
    if missing:
        result.failures.append(f"coverage: no 'counts' ledger entry measured the table of {', '.join(missing[:8])}"
                               f"{' ...' if len(missing) > 8 else ''} (its probabilities were not paid for)")
    structure = sum(e.kind == "structure" for e in entries)
    edges = sum(len(ps) for ps in parents)
    if edges and structure < len(names) - 1:
        result.failures.append(f"coverage: the network has {edges} edges but the ledger records {structure} structure "
                               f"selections; a greedy fit of {len(names)} columns makes {len(names) - 1}")
    if not missing and not (edges and structure < len(names) - 1):
        result.passed.append(f"coverage: every table has its 'counts' entry; the structure took {structure} ledgered "
                             "selections")


def _settings(data: dict, result: AuditResult) -> None:
    """``$.settings`` must say whether the noise was seeded (true/false) and record the library versions."""
    settings = data.get("settings")
    if not isinstance(settings, dict):
        what = "missing" if settings is None else f"not an object ({type(settings).__name__})"
        result.failures.append(f"settings: $.settings is {what}: the file cannot say whether its noise was seeded or "
                               "which library versions fitted it")
        return
    failures_before = len(result.failures)
    seeded = settings.get("seeded")
    if not isinstance(seeded, bool):
        got = "nothing (missing)" if "seeded" not in settings else f"{str(seeded)[:40]!r}"
        result.failures.append(f"settings: $.settings.seeded must be true or false; got {got} (anything else hides "
                               "whether the noise is reproducible)")
    versions = settings.get("versions")
    if not isinstance(versions, dict) or not versions:
        got = "missing" if versions is None else "not an object of library versions"
        result.failures.append(f"settings: $.settings.versions is {got}: it must map each library (bayes_synth, "
                               "numpy, ...) to its version (text)")
    elif not isinstance(versions.get("bayes_synth"), str) or not all(isinstance(k, str) and isinstance(v, str)
                                                                     for k, v in versions.items()):
        result.failures.append("settings: $.settings.versions must map library names to versions as text, "
                               "including 'bayes_synth'")
    if len(result.failures) == failures_before:
        result.passed.append(f"settings: seeded is {str(seeded).lower()}; versions recorded for "
                             f"{', '.join(versions)}")


def _flags(data: dict, entries: list[_Entry] | None, result: AuditResult, require_dp: bool) -> None:
    priv = data.get("privacy") if isinstance(data.get("privacy"), dict) else {}
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
    notes = []
    if priv.get("epsilon") == "inf":
        notes.append("NOT DP (epsilon = inf): no noise was added; not for release")
    if settings.get("seeded") is True:
        notes.append("seeded noise: the noise is reproducible, for tests only, not for release")
    void = entries is not None and any(e.kind == "disclosure_filter" for e in entries)
    if void:
        notes.append("DP guarantee void: a disclosure filter read the real data")
    stated = priv.get("dp_guarantee")
    expected = "void" if void else ("none (epsilon = inf)" if priv.get("epsilon") == "inf" else "holds")
    if stated is not None and entries is not None and stated != expected:
        result.failures.append(f"ledger: $.privacy.dp_guarantee says {str(stated)[:40]!r} but the entries make it "
                               f"{expected!r}")
    (result.failures if require_dp else result.notes).extend(notes)


# --------------------------------------------------------------------------------------- helpers
def _not_numbers(table: Any) -> str | None:
    """Why ``table`` is not a non-empty list of equally long rows of JSON numbers, or None.

    Text (``"0.5"``) and booleans are refused: ``numpy`` would silently read them as numbers.

    >>> _not_numbers([[0.5, 0.5]]) is None, _not_numbers([[True, 0.5]])
    (True, '[0][0] must be a number, not true (a boolean)')
    """
    if not isinstance(table, list) or not table:
        return " must be a non-empty list of rows of probabilities"
    width = len(table[0]) if isinstance(table[0], list) else -1
    for r, row in enumerate(table):
        if not isinstance(row, list) or len(row) != width:
            return f"[{r}] must be a list of numbers as long as row 0"
        for c, v in enumerate(row):
            if type(v) is not float and type(v) is not int:
                shown = f"{str(v).lower()} (a boolean)" if isinstance(v, bool) else \
                    f"text {v[:40]!r}" if isinstance(v, str) else f"a {type(v).__name__}"
                return f"[{r}][{c}] must be a number, not {shown}"
    return None


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _fraction(x: Any) -> Fraction | None:
    if not isinstance(x, str) or not _FRACTION.fullmatch(x):
        return None
    try:
        return Fraction(x)
    except ZeroDivisionError:
        return None


def _frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _strip_source(text: str, source: str) -> str:
    return text.removeprefix(f"{source}: ")
