"""What do constraint rules cost? Sampling time and fidelity with and without ``adult_rules.bsc``.

Usage (from the repository root; run on demand, not part of the test suite)::

    python benchmarks/rules_benchmark.py [--seeds 5] [--rows 200000] [--repeats 5]
                                         [--out benchmarks/results/rules_benchmark.json]
                                         [--doc docs/benchmarks.md] [--profile] [--breakdown]

For each seed, two models are fitted on the whole of ``examples/data/adult.csv`` at epsilon 1, with
the same ``random_state``:

* **without rules**: ``Synthesizer(constraints=<the privacy and column statements of the rules file>)``.
  The baseline gets the declarations of ``benchmarks/adult_rules.bsc`` and nothing else, so both
  models have the same domains, bins, missing markers and budget weights (``examples/adult_schema.json``
  differs: it has no ``bins 20`` for hours-per-week);
* **with rules**: ``Synthesizer(constraints="benchmarks/adult_rules.bsc")``: the same declarations plus
  12 rules, one ``combine`` and two ``derive`` formulas;
* (timing only) the rules file without its ``derive`` statements: the same model and rows as *with
  rules* (checked), so its time separates enforcing the rules from computing the derived columns.

What is measured:

* fit time (wall clock, once per model and seed, on the table as ``bayes_synth.ingest.read_table`` gives
  it: reading the CSV is not timed);
* sampling time of ``--rows`` rows (``model.sample(rows, random_state=seed)``, a decoded DataFrame,
  derived columns included for the rules model), ``--repeats`` times per model, the models
  interleaved (without, with, ..., then in reverse order) so that all see the same machine load; the ratio
  ``time_with_rules / time_without_rules`` is taken on the MIN over the repeats (the median ratio is
  reported too). An untimed warm-up fit and sample of each model runs first;
* 2-way fidelity: mean total-variation distance between the sample and the real table over pairs of
  columns (``benchmarks/metrics.py``: numeric columns in 20 quantile bins of the real data, missing as
  its own bin), for the pairs of *unconstrained* columns (no ``rule``, ``combine`` or ``derive``
  statement reads either column), pairs with one such column, pairs of constrained columns, and all
  105 pairs of the 15 real columns; derived columns are not scored;
* rule compliance: each sample is written to CSV and checked with the package's own checker
  (``python -m bayes_synth check --json``). The run fails (exit 1) unless every rule and declaration
  holds on every row of the with-rules sample. The without-rules sample's counts show that the rules
  bind.

With ``--profile`` (or automatically when the mean ratio exceeds 2), one with-rules sample of seed 0 is
run under cProfile (its chunks run in the profiled thread) and the hottest functions are written to the
results. With ``--breakdown``, each ``rule``/``combine``/``derive`` statement is also timed alone on top of
the declarations (seed 0, at least 9 interleaved repeats).

The machine's 1-minute load average is recorded before and after each seed: other work on the
machine adds noise to the timings. Results go to ``--out`` (JSON); ``--doc FILE`` also writes the
section "Constraint DSL: cost of rules" into FILE (between ``<!-- rules_benchmark:start -->`` and
``<!-- rules_benchmark:end -->``, replacing a previous one; ``adult_benchmark.py`` keeps that section
when it rewrites the file).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import metrics  # noqa: E402  (benchmarks/ is not a package)
from adult_benchmark import COLUMNS, N_BINS, NUMERIC, git_revision, write_atomic  # noqa: E402
from docsection import replace_section  # noqa: E402

DEFAULT_DATA = ROOT / "examples" / "data" / "adult.csv"
DEFAULT_RULES = HERE / "adult_rules.bsc"
DEFAULT_OUT = HERE / "results" / "rules_benchmark.json"
EPSILON = 1.0
RATIO_TARGET = 2.0
SECTION_TITLE = "Constraint DSL: cost of rules"
START_MARK = "<!-- rules_benchmark:start -->"
END_MARK = "<!-- rules_benchmark:end -->"
GROUPS = ("unconstrained", "mixed", "constrained", "all")


# ---------------------------------------------------------------------------------------------
# The rules file: its declarations-only twin and the columns its statements read.
# ---------------------------------------------------------------------------------------------


def split_rules(path: Path):
    """(full RuleSet, declarations-only RuleSet, sorted columns read by rule/combine/derive statements)."""
    from bayes_synth.dsl import RuleSet, load_constraints
    from bayes_synth.dsl.ast import Column, Combine, Derive, Privacy, Rule
    from bayes_synth.dsl.semantic import names_in

    full = load_constraints(path)
    declarations = RuleSet(tuple(s for s in full if isinstance(s, Column | Privacy)), full.sources)
    mentioned: set[str] = set()
    for s in full:
        if isinstance(s, Rule | Derive):
            mentioned.update(names_in(s.expr))
        if isinstance(s, Combine):
            mentioned.update(s.column_names)
    counts = {
        "rule": len(full.rules),
        "combine": len(full.of_type(Combine)),
        "derive": len(full.derives),
        "column": len(full.columns),
    }
    return full, declarations, sorted(mentioned), counts


def pair_groups(columns: list[str], mentioned: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The column pairs by how many of their two columns some statement reads (0, 1, 2), and all."""
    out: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for a, b in combinations(columns, 2):
        k = (a in mentioned) + (b in mentioned)
        out[("unconstrained", "mixed", "constrained")[k]].append((a, b))
        out["all"].append((a, b))
    return out


# ---------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------


def source_fingerprint() -> str:
    """sha256 of the package's .py files: shows whether the engine changed during the run."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "bayes_synth").rglob("*.py")):
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def load1() -> float:
    return round(os.getloadavg()[0], 2)


def fit(constraints, raw, seed: int):
    from bayes_synth import Synthesizer

    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the seeded-noise PrivacyWarning and the broken-real-rows report
        t0 = time.perf_counter()
        synth = Synthesizer(epsilon=EPSILON, constraints=constraints, random_state=seed).fit(raw)
        return synth, time.perf_counter() - t0


def timed_sample(synth, rows: int, seed: int):
    gc.collect()
    t0 = time.perf_counter()
    frame = synth.sample(rows, random_state=seed)
    return frame, time.perf_counter() - t0


def cli_check(rules_path: Path, csv: Path) -> dict:
    """Run the package's checker, ``python -m bayes_synth check --json RULES CSV``; a summary of its report."""
    proc = subprocess.run(
        [sys.executable, "-m", "bayes_synth", "check", "--json", str(rules_path), str(csv)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"bayes_synth check exited {proc.returncode}: {proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    broken_rules = {r["source"]: r["violations"] for r in report["rules"] if r["violations"]}
    broken_columns = {f"{c['column']}: {c['check']}": c["count"] for c in report["columns"] if c["count"]}
    return {
        "exit_code": proc.returncode,
        "ok": bool(report["ok"]),
        "rows": report["rows"],
        "rules_checked": len(report["rules"]),
        "column_checks": len(report["columns"]),
        "rules_broken": broken_rules,
        "columns_broken": broken_columns,
        "rows_breaking_some_rule_max": max(broken_rules.values(), default=0),
    }


def check_sample(rules_path: Path, frame, workdir: Path, tag: str) -> dict:
    """Write ``frame`` as CSV (as ``bayes-synth sample -o x.csv`` would) and check it."""
    csv = workdir / f"{tag}.csv"
    frame.to_csv(csv, index=False)
    try:
        return cli_check(rules_path, csv)
    finally:
        csv.unlink()


def tvd_groups(real, frame, groups: dict[str, list[tuple[str, str]]]) -> dict[str, float]:
    t = metrics.marginal_tvd(real, frame, numeric=NUMERIC, n_bins=N_BINS, columns=COLUMNS)
    out = {g: statistics.mean(t["per_pair"][p] for p in pairs) for g, pairs in groups.items() if pairs}
    out["1way"] = t["tvd_1way"]
    out["per_pair"] = {f"{a} x {b}": v for (a, b), v in t["per_pair"].items()}
    return out


class _InlineExecutor:
    """Stands in for ``ThreadPoolExecutor`` while profiling: cProfile sees only the calling thread."""

    def __init__(self, *_args, **_kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False

    def map(self, fn, *iterables):
        return map(fn, *iterables)


def profile_sample(synth, rows: int, seed: int, top: int = 25) -> dict:
    """cProfile one ``synth.sample(rows)``, its chunks run in this thread so that the profiler sees them."""
    import bayes_synth.synthesizer as synthesizer

    prof = cProfile.Profile()
    pool = synthesizer.ThreadPoolExecutor
    synthesizer.ThreadPoolExecutor = _InlineExecutor
    gc.collect()
    t0 = time.perf_counter()
    try:
        prof.enable()
        synth.sample(rows, random_state=seed)
        prof.disable()
    finally:
        synthesizer.ThreadPoolExecutor = pool
    wall = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    rows_out = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = (
            os.path.relpath(file, ROOT)
            if file.startswith(str(ROOT))
            else "/".join(Path(file).parts[-2:])
            if file.startswith("/")
            else file
        )
        rows_out.append({"function": f"{short}:{line}({func})", "ncalls": nc, "tottime_s": tt, "cumtime_s": ct})
    stages = {}
    for want in (
        "synthesizer.py(sample)",
        "enforcement.py(sample_with_rules)",
        "restrictions.py(restrict)",
        "restrictions.py(compile_static)",
        "restrictions.py(draw_masked)",
        "restrictions.py(draw)",
        "encode.py(decode_within)",
        "constraints.py(add_derived)",
        "rows.py(_strings_from_codes)",
    ):
        file, func = want[:-1].split("(")
        hits = [r["cumtime_s"] for r in rows_out if r["function"].endswith(f"({func})") and file in r["function"]]
        if hits:
            stages[want] = max(hits)
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(30)
    return {
        "rows": rows,
        "seed": seed,
        "note": "sampling chunks run inline in the profiled thread (ThreadPoolExecutor swapped out)",
        "wall_s_under_profiler": wall,
        "stages": stages,
        "by_tottime": sorted(rows_out, key=lambda r: -r["tottime_s"])[:top],
        "by_cumtime": sorted(rows_out, key=lambda r: -r["cumtime_s"])[:top],
        "text": text.getvalue(),
    }


def statement_breakdown(full, declarations, raw, args, seed: int = 0) -> dict:
    """Sampling time of each rule/combine/derive statement ALONE (on top of the declarations), seed 0.

    Also all statements, and all but the derives. Models are interleaved over the repeats; min times.
    """
    from bayes_synth.dsl import RuleSet, to_source
    from bayes_synth.dsl.ast import Column, Derive, Privacy

    extra = [st for st in full if not isinstance(st, Column | Privacy)]
    variants = {
        "(declarations only)": declarations,
        "(all statements)": full,
        "(all but the derives)": RuleSet(tuple(st for st in full if not isinstance(st, Derive)), full.sources),
    }
    for st in extra:
        variants[to_source(st)] = RuleSet((*declarations.statements, st), full.sources)
    models = {k: fit(v, raw, seed)[0] for k, v in variants.items()}
    for m in models.values():
        m.sample(min(args.rows, 20_000), random_state=seed)
    repeats = max(9, args.repeats)
    times: dict[str, list[float]] = {k: [] for k in models}
    for rep in range(repeats):
        items = list(models.items())
        for k, m in items if rep % 2 == 0 else items[::-1]:
            times[k].append(timed_sample(m, args.rows, seed)[1])
    base = min(times["(declarations only)"])
    rows = [
        {
            "statement": k,
            "min_s": min(v),
            "extra_s": min(v) - base,
            "ratio": min(v) / base,
            "targets": len(models[k]._compiled_rules(models[k].model_).targets)
            if hasattr(models[k], "_compiled_rules")
            else None,
        }
        for k, v in times.items()
    ]
    for r in rows:
        print(f"[rules] breakdown {r['min_s']:.3f}s {r['ratio']:.2f}x  {r['statement']}", flush=True)
    return {"seed": seed, "rows": args.rows, "repeats": repeats, "load_after": load1(), "statements": rows}


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def ms(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(statistics.mean(values), fmt)} ± {format(statistics.stdev(values), fmt)}"


def span(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:,}" if lo == hi else f"{lo:,} to {hi:,}"


def summarize(runs: list[dict]) -> dict:
    def col(path):
        out = []
        for r in runs:
            v = r
            for k in path:
                v = v[k]
            out.append(v)
        return out

    def stat(values):
        return {
            "mean": statistics.mean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else None,
            "min": min(values),
            "max": max(values),
        }

    s = {
        "ratio_min": stat(col(["ratio_min"])),
        "ratio_median": stat(col(["ratio_median"])),
        "ratio_min_no_derive": stat(col(["ratio_min_no_derive"])),
        "sample_min_s_no_derive": stat(col(["no_derive", "sample_min_s"])),
        "fit_ratio": stat(col(["fit_ratio"])),
    }
    for m in ("without", "with"):
        s[f"fit_s_{m}"] = stat(col([m, "fit_s"]))
        s[f"sample_min_s_{m}"] = stat(col([m, "sample_min_s"]))
        s[f"sample_median_s_{m}"] = stat(col([m, "sample_median_s"]))
        for g in (*GROUPS, "1way"):
            s[f"tvd_{g}_{m}"] = stat(col([m, "tvd", g]))
    for g in (*GROUPS, "1way"):
        s[f"tvd_{g}_diff"] = stat([r["with"]["tvd"][g] - r["without"]["tvd"][g] for r in runs])
    s["with_rules_sample_ok_all_seeds"] = all(r["with"]["check"]["ok"] for r in runs)
    return s


def print_table(res: dict) -> None:
    runs = res["runs"]
    head = (
        f"{'seed':>4} {'fit w/o':>8} {'fit w/':>8} {'smp w/o':>8} {'smp w/':>8} {'ratio':>6} {'ratio md':>8} "
        f"{'unc w/o':>8} {'unc w/':>8} {'all w/o':>8} {'all w/':>8} {'rules ok':>8} {'load':>11}"
    )
    print(head)
    for r in runs:
        w, o = r["with"], r["without"]
        print(
            f"{r['seed']:>4} {o['fit_s']:>8.2f} {w['fit_s']:>8.2f} {o['sample_min_s']:>8.3f} {w['sample_min_s']:>8.3f} "
            f"{r['ratio_min']:>6.2f} {r['ratio_median']:>8.2f} {o['tvd']['unconstrained']:>8.4f} "
            f"{w['tvd']['unconstrained']:>8.4f} {o['tvd']['all']:>8.4f} {w['tvd']['all']:>8.4f} "
            f"{str(w['check']['ok']):>8} {r['load_before']:>5.2f}/{r['load_after']:<5.2f}"
        )
    s = res["summary"]
    print(
        f"mean ratio (min of repeats) {s['ratio_min']['mean']:.2f} (sd {s['ratio_min']['sd'] or 0:.2f}); "
        f"median-based {s['ratio_median']['mean']:.2f}; unconstrained 2-way TVD without "
        f"{s['tvd_unconstrained_without']['mean']:.4f}, with {s['tvd_unconstrained_with']['mean']:.4f} "
        f"(paired diff {s['tvd_unconstrained_diff']['mean']:+.4f})"
    )


def build_section(res: dict) -> str:
    s, cfg, runs = res["summary"], res["config"], res["runs"]
    lines: list[str] = []
    add = lines.append
    seeds = ", ".join(str(r["seed"]) for r in runs)
    add(START_MARK)
    add(f"## {SECTION_TITLE}")
    add("")
    add(
        "Generated by `benchmarks/rules_benchmark.py` in a run of its own (not by `adult_benchmark.py`, which "
        "keeps this section when it rewrites the file); every number comes from that run, whose full results "
        f"are in `{cfg['out']}`."
    )
    add("")
    add(f"- Command: `{res['command']}`")
    add(f"- Started {res['started']} UTC, finished {res['finished']} UTC; {res['machine']}")
    add(
        f"- bayes_synth source: {res['source']['git']}; source fingerprint {res['source']['fingerprint_start']}"
        + (" (unchanged during the run)" if res["source"]["unchanged"] else " (CHANGED during the run)")
    )
    loads = [x for r in runs for x in (r["load_before"], r["load_after"])]
    add(
        f"- 1-minute load average before/after each seed: {min(loads):.2f} to {max(loads):.2f} on "
        f"{os.cpu_count()} cores (the benchmark itself keeps about one core busy; the rest is other work on "
        "the machine)"
    )
    c = cfg["statements"]
    add(
        f"- Data: `{cfg['data']}`, all {cfg['real_rows']:,} rows; epsilon {cfg['epsilon']:g}; seeds {seeds} "
        f"(`random_state`, the same for both models); {cfg['rows']:,} sampled rows per run, sampling timed "
        f"{cfg['repeats']} times per model, the models interleaved"
    )
    add(
        f"- Rules: `{cfg['rules']}`: {c['rule']} `rule`s (one-column bounds, conditional category rules, "
        f"null rules, conditional numeric rules, relations between numeric columns), {c['combine']} `combine` "
        f"and {c['derive']} `derive`s, on top of the {c['column']} `column` declarations. The model *without "
        "rules* is fitted with those declarations (and the `privacy` statement) only, so both models share "
        "every domain, bin count, missing marker and budget weight."
    )
    add("")
    add("| | without rules | with rules | with − without (paired) | seeds where with rules is higher |")
    add("| --- | --- | --- | --- | --- |")

    def row(label, key, fmt):
        o = [r["without"][key] if not isinstance(key, tuple) else r["without"][key[0]][key[1]] for r in runs]
        w = [r["with"][key] if not isinstance(key, tuple) else r["with"][key[0]][key[1]] for r in runs]
        d = [b - a for a, b in zip(o, w, strict=True)]
        sign = "+" if statistics.mean(d) >= 0 else ""
        higher = f"{sum(x > 0 for x in d)} of {len(d)}"
        add(f"| {label} | {ms(o, fmt)} | {ms(w, fmt)} | {sign}{ms(d, fmt)} | {higher} |")

    row(f"sample {cfg['rows']:,} rows, min of {cfg['repeats']} (s)", "sample_min_s", ".3f")
    row(f"sample {cfg['rows']:,} rows, median of {cfg['repeats']} (s)", "sample_median_s", ".3f")
    row("fit (s)", "fit_s", ".2f")
    ng = {g: len(p) for g, p in res["pair_groups"].items()}
    row(f"2-way TVD, unconstrained pairs ({ng['unconstrained']})", ("tvd", "unconstrained"), ".4f")
    row(f"2-way TVD, pairs with one constrained column ({ng['mixed']})", ("tvd", "mixed"), ".4f")
    row(f"2-way TVD, pairs of constrained columns ({ng['constrained']})", ("tvd", "constrained"), ".4f")
    row(f"2-way TVD, all pairs ({ng['all']})", ("tvd", "all"), ".4f")
    row("1-way TVD, all 15 columns", ("tvd", "1way"), ".4f")
    add("")
    r_min, r_med = s["ratio_min"], s["ratio_median"]
    add(
        f"**Sampling time ratio with rules / without rules: {r_min['mean']:.2f} ± {r_min['sd'] or 0:.2f}** "
        f"(mean ± sd over seeds of the per-seed ratio of the minimum times; range {r_min['min']:.2f} to "
        f"{r_min['max']:.2f}; from the medians {r_med['mean']:.2f} ± {r_med['sd'] or 0:.2f}). The target is at "
        f"most {RATIO_TARGET:g}x: {'met' if r_min['mean'] <= RATIO_TARGET else 'NOT met'} on the mean of the "
        f"minimum-time ratios. Without the two `derive` statements (same rules, same model: the rows drawn are "
        f"identical{'' if all(r['no_derive']['same_rows_as_with_rules'] for r in runs) else ' in NOT every seed'}) "
        f"the ratio is {s['ratio_min_no_derive']['mean']:.2f} ± {s['ratio_min_no_derive']['sd'] or 0:.2f}. Fit "
        f"time ratio: {s['fit_ratio']['mean']:.2f} ± {s['fit_ratio']['sd'] or 0:.2f}."
    )
    add("")
    ok = s["with_rules_sample_ok_all_seeds"]
    wo = [r["without"]["check"] for r in runs]
    add(
        f"Rule compliance (`bayes-synth check --json` on each sample written as CSV): with rules, "
        f"{'every rule and every declaration held on every row in every seed' if ok else 'SOME ROWS BROKE A RULE'}"
        f" ({runs[0]['with']['check']['rules_checked']} rules, {runs[0]['with']['check']['column_checks']} "
        "column checks including the derived columns' formulas). Without rules, "
        f"{span([len(c['rules_broken']) for c in wo])} of the {runs[0]['with']['check']['rules_checked']} rules "
        "were broken (per seed), the most-broken one by "
        f"{span([c['rows_breaking_some_rule_max'] for c in wo])} of {cfg['rows']:,} rows."
    )
    add("")
    add("Per seed:")
    add("")
    add(
        "| seed | fit w/o (s) | fit w/ (s) | sample w/o, min (s) | sample w/, min (s) | ratio (min) | ratio "
        "(median) | TVD unconstrained w/o | w/ | TVD all w/o | w/ | load before / after |"
    )
    add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        o, w = r["without"], r["with"]
        add(
            f"| {r['seed']} | {o['fit_s']:.2f} | {w['fit_s']:.2f} | {o['sample_min_s']:.3f} | {w['sample_min_s']:.3f} "
            f"| {r['ratio_min']:.2f} | {r['ratio_median']:.2f} | {o['tvd']['unconstrained']:.4f} | "
            f"{w['tvd']['unconstrained']:.4f} | {o['tvd']['all']:.4f} | {w['tvd']['all']:.4f} | "
            f"{r['load_before']:.2f} / {r['load_after']:.2f} |"
        )
    add("")
    if res.get("breakdown"):
        b = res["breakdown"]
        add(
            f"Where the time goes: each statement alone on top of the declarations (seed {b['seed']}, "
            f"{b['rows']:,} rows, min of {b['repeats']} interleaved repeats; timings of ~0.1 s carry a few "
            "hundredths of a second of noise on this loaded machine):"
        )
        add("")
        add("| statement | rules enforced while drawing | sample (s) | extra over declarations only (s) | ratio |")
        add("| --- | --- | --- | --- | --- |")
        for r in b["statements"]:
            text = r["statement"].replace("|", "\\|")
            code = text if text.startswith("(") else f"`` {text} ``"
            targets = "" if r["targets"] is None else str(r["targets"])
            add(f"| {code} | {targets} | {r['min_s']:.3f} | {r['extra_s']:+.3f} | {r['ratio']:.2f} |")
        add("")
        singles = [r for r in b["statements"] if not r["statement"].startswith("(")]
        every = next(r for r in b["statements"] if r["statement"] == "(all statements)")
        top = sorted(singles, key=lambda r: -r["extra_s"])[:3]
        total = sum(r["extra_s"] for r in singles)
        if total > 1.3 * every["extra_s"]:
            how = ("more than the whole set costs, so part of each statement's extra is paid once however many "
                   "statements there are (the rule-aware draw and the decoding of the columns the rules read), "
                   "and the set shares it")
        elif total >= 0.5 * every["extra_s"]:
            how = ("the cost is spread over the statements (each rule that restricts a column draw adds its own "
                   "pass over the rows) rather than caused by one")
        else:
            how = ("alone, each statement's extra time is within the timing noise; the cost shows only when they "
                   "are together (the rows pass through the restricted draws and the decoding of the columns "
                   "the rules read)")
        add(
            f"The statements' extra times add up to {total:.3f} s, against {every['extra_s']:.3f} s for all of "
            f"them together: {how}. The largest: "
            + "; ".join(f"`` {r['statement']} `` {r['extra_s']:+.3f} s" for r in top) + "."
        )
        add("")
    pairs = list(runs[0]["with"]["tvd"]["per_pair"])
    change = {p: [r["with"]["tvd"]["per_pair"][p] - r["without"]["tvd"]["per_pair"][p] for r in runs] for p in pairs}
    ranked = sorted(pairs, key=lambda p: -statistics.mean(change[p]))

    def show(p):
        d = change[p]
        return f"{p} {statistics.mean(d):+.4f} (higher in {sum(x > 0 for x in d)} of {len(d)} seeds)"

    add(
        "Pairs whose 2-way TVD changes most with rules (mean paired change over the seeds): worse: "
        + "; ".join(show(p) for p in ranked[:5])
        + ". Better: "
        + "; ".join(show(p) for p in ranked[::-1][:3])
        + "."
    )
    a, b = ranked[0].split(" x ")
    parents = "; ".join(
        f"{m} rules: " + ", ".join(f"`{c}` <- {runs[0][key]['network_parents'][c]}" for c in (a, b))
        for m, key in (("without", "without"), ("with", "with"))
    )
    add(f"Parents of those two columns in the networks of seed {runs[0]['seed']}: {parents}.")
    add("")
    unc = ", ".join(f"`{c}`" for c in res["unconstrained_columns"])
    add("How it is measured, and what makes the comparison fair:")
    add("")
    add(
        f"- *Unconstrained columns* are those no `rule`, `combine` or `derive` statement reads: {unc}. Their "
        f"{ng['unconstrained']} pairs are the fidelity the rules must not make worse. Rules still reach them "
        "indirectly: the network's structure must draw each rule's target after the columns it reads, and the "
        "`combine` takes its share of the budget (1/10 of the weights) from the conditional tables of every "
        "column, so with rules each table is learned with less epsilon."
    )
    add(
        "- TVD: `benchmarks/metrics.py` (`marginal_tvd`, numeric columns in 20 quantile bins of the real "
        f"data, missing as its own bin), each {cfg['rows']:,}-row sample against the {cfg['real_rows']:,} real "
        "rows the models were fitted on; the derived columns are not scored. The differences between seeds "
        "include the privacy noise, which differs between the two models even with the same seed (their "
        "budget split and structure differ)."
    )
    add(
        "- Timing: wall clock of `Synthesizer.sample(rows, random_state=seed)` returning a decoded DataFrame "
        "(with rules: the rules enforced while drawing and the derived columns computed); each repeat draws "
        f"the same rows. {cfg['rows']:,} rows are one sampling chunk, so one thread. The ratio is per seed, "
        "min(with) / min(without), both measured in the same run, interleaved; the minimum is the least "
        "disturbed by other load on the machine."
    )
    if res.get("profile"):
        p = res["profile"]
        top = "; ".join(f"`{e['function']}` {e['tottime_s']:.3f} s ({e['ncalls']} calls)" for e in p["by_tottime"][:8])
        stages = "; ".join(f"`{k}` {v:.3f} s" for k, v in p["stages"].items())
        add(
            f"- Profile (cProfile, one with-rules sample of {p['rows']:,} rows, seed {p['seed']}, chunks run in the "
            f"profiled thread; {p['wall_s_under_profiler']:.2f} s under the profiler, which inflates Python-level "
            f"calls). Cumulative time of the stages: {stages}. Hottest functions by own time: {top}. Full "
            "listing in the results JSON (`profile`)."
        )
    add("")
    took = f"{res['wall_s'] / 60:.0f} minutes" if res["wall_s"] >= 90 else f"{res['wall_s']:.0f} s"
    add(
        "Rerun: `python benchmarks/rules_benchmark.py --breakdown --doc docs/benchmarks.md` "
        f"(this run took {took}; options `--seeds`, `--rows`, `--repeats`, `--out`, `--profile`)."
    )
    add(END_MARK)
    return "\n".join(lines) + "\n"


def write_section(doc: Path, section: str) -> None:
    replace_section(doc, START_MARK, END_MARK, [*section.rstrip("\n").split("\n"), "", ""])


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def run(args) -> int:
    import numpy as np
    import pandas as pd

    import bayes_synth
    from bayes_synth.ingest import read_table

    t_start = time.perf_counter()
    started = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    fingerprint = source_fingerprint()
    rules_path = Path(args.rules).resolve()
    full, declarations, mentioned, counts = split_rules(rules_path)
    from bayes_synth.dsl import RuleSet
    from bayes_synth.dsl.ast import Derive

    no_derive = RuleSet(tuple(st for st in full if not isinstance(st, Derive)), full.sources)
    variants = {"without": declarations, "with": full, "no_derive": no_derive}
    unconstrained = [c for c in COLUMNS if c not in mentioned]
    groups = pair_groups(COLUMNS, set(mentioned))
    real = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    raw = read_table(args.data)
    real_check = cli_check(rules_path, Path(args.data).resolve())
    print(f"[rules] real data: rules broken {real_check['rules_broken']}", flush=True)
    print(
        f"[rules] {counts} ; unconstrained columns {unconstrained} ({len(groups['unconstrained'])} pairs)",
        flush=True,
    )

    # warm-up: imports, caches, first-call costs; nothing timed
    for cons in (declarations, full):
        synth, _ = fit(cons, raw, 10_000)
        synth.sample(min(args.rows, 20_000), random_state=0)
    del synth

    runs = []
    with tempfile.TemporaryDirectory(prefix="rules_bench_") as tmp:
        workdir = Path(tmp)
        for seed in range(args.seeds):
            load_before = load1()
            models, fit_s = {}, {}
            order = ("without", "with") if seed % 2 == 0 else ("with", "without")
            for m in (*order, "no_derive"):
                models[m], fit_s[m] = fit(variants[m], raw, seed)
            times: dict[str, list[float]] = {m: [] for m in models}
            frames, digests = {}, {m: set() for m in models}
            for rep in range(args.repeats):
                for m in (("without", "with", "no_derive"), ("no_derive", "with", "without"))[rep % 2]:
                    frames[m] = None
                    frames[m], dt = timed_sample(models[m], args.rows, seed)
                    times[m].append(dt)
                    if rep in (0, args.repeats - 1):
                        digests[m].add(int(pd.util.hash_pandas_object(frames[m], index=False).sum()))
            run_res = {"seed": seed, "load_before": load_before}
            for m in ("without", "with"):
                frame = frames[m]
                run_res[m] = {
                    "fit_s": fit_s[m],
                    "sample_s": times[m],
                    "sample_min_s": min(times[m]),
                    "sample_median_s": statistics.median(times[m]),
                    "rows": len(frame),
                    "repeats_identical": len(digests[m]) == 1,
                    "columns": list(frame.columns),
                    "network_order": [models[m].model_.columns[i] for i in models[m].model_.order],
                    "network_parents": {
                        models[m].model_.columns[i]: [models[m].model_.columns[p] for p in ps]
                        for i, ps in enumerate(models[m].model_.parents_idx)
                    },
                    "tvd": tvd_groups(real, frame[COLUMNS], groups),
                    "check": check_sample(rules_path, frame, workdir, f"{m}_{seed}"),
                }
            same_rows = frames["no_derive"].equals(frames["with"][list(frames["no_derive"].columns)])
            run_res["no_derive"] = {
                "fit_s": fit_s["no_derive"],
                "sample_s": times["no_derive"],
                "sample_min_s": min(times["no_derive"]),
                "sample_median_s": statistics.median(times["no_derive"]),
                "same_rows_as_with_rules": bool(same_rows),
            }
            run_res["ratio_min_no_derive"] = run_res["no_derive"]["sample_min_s"] / run_res["without"]["sample_min_s"]
            if run_res["with"].get("rows") != args.rows:
                raise RuntimeError("the with-rules sample has the wrong number of rows")
            run_res["ratio_min"] = run_res["with"]["sample_min_s"] / run_res["without"]["sample_min_s"]
            run_res["ratio_median"] = run_res["with"]["sample_median_s"] / run_res["without"]["sample_median_s"]
            run_res["fit_ratio"] = run_res["with"]["fit_s"] / run_res["without"]["fit_s"]
            run_res["load_after"] = load1()
            runs.append(run_res)
            w, o = run_res["with"], run_res["without"]
            print(
                f"[rules] seed {seed}: fit {o['fit_s']:.2f}/{w['fit_s']:.2f}s  sample min "
                f"{o['sample_min_s']:.3f}/{w['sample_min_s']:.3f}s  ratio {run_res['ratio_min']:.2f} "
                f"(median {run_res['ratio_median']:.2f})  TVD unconstrained {o['tvd']['unconstrained']:.4f}/"
                f"{w['tvd']['unconstrained']:.4f}  all {o['tvd']['all']:.4f}/{w['tvd']['all']:.4f}  "
                f"check ok {w['check']['ok']}  load {load_before}/{run_res['load_after']}",
                flush=True,
            )
            del models, frames

    summary = summarize(runs)
    profile = None
    if args.profile or summary["ratio_min"]["mean"] > RATIO_TARGET:
        synth, _ = fit(full, raw, 0)
        profile = profile_sample(synth, args.rows, 0)
        print("[rules] profile of one with-rules sample (seed 0), by cumulative time:")
        print("\n".join(profile["text"].splitlines()[:45]))
    breakdown = statement_breakdown(full, declarations, raw, args) if args.breakdown else None
    fingerprint_end = source_fingerprint()
    res = {
        "benchmark": "rules_benchmark",
        "command": command,
        "started": started,
        "finished": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "wall_s": time.perf_counter() - t_start,
        "machine": (
            f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}, pandas "
            f"{pd.__version__}, bayes_synth {getattr(bayes_synth, '__version__', '?')}, {os.cpu_count()} logical "
            "cores"
        ),
        "source": {
            "git": git_revision(),
            "fingerprint_start": fingerprint,
            "fingerprint_end": fingerprint_end,
            "unchanged": fingerprint == fingerprint_end,
        },
        "config": {
            "data": os.path.relpath(args.data, ROOT),
            "rules": os.path.relpath(rules_path, ROOT),
            "out": os.path.relpath(Path(args.out).resolve(), ROOT),
            "epsilon": EPSILON,
            "seeds": list(range(args.seeds)),
            "rows": args.rows,
            "repeats": args.repeats,
            "real_rows": len(real),
            "statements": counts,
            "timing_statistic": "min over repeats (median also reported)",
        },
        "mentioned_columns": mentioned,
        "unconstrained_columns": unconstrained,
        "pair_groups": {g: [f"{a} x {b}" for a, b in p] for g, p in groups.items()},
        "real_data_check": real_check,
        "runs": runs,
        "summary": summary,
        "profile": profile,
        "breakdown": breakdown,
    }
    out = Path(args.out)
    write_atomic(out, json.dumps(res, indent=1, default=str) + "\n")
    print_table(res)
    print(f"[rules] wrote {out}", flush=True)
    if args.doc:
        write_section(Path(args.doc), build_section(res))
        print(f"[rules] wrote the section '{SECTION_TITLE}' into {args.doc}", flush=True)
    if not res["source"]["unchanged"]:
        print("[rules] WARNING: bayes_synth/ changed during the run; the numbers mix two versions", flush=True)
    return 0 if summary["with_rules_sample_ok_all_seeds"] else 1


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=5, help="number of seeds, 0 .. n-1 (default 5)")
    p.add_argument("--rows", type=int, default=200_000, help="rows per timed sample (default 200,000)")
    p.add_argument("--repeats", type=int, default=5, help="timed samples per model and seed (default 5)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="results JSON (default benchmarks/results/...)")
    p.add_argument("--doc", default=None, help="also write the markdown section into this file")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="adult.csv")
    p.add_argument("--rules", default=str(DEFAULT_RULES), help="the constraints file")
    p.add_argument("--profile", action="store_true", help="cProfile one with-rules sample (seed 0)")
    p.add_argument(
        "--render-only",
        action="store_true",
        help="do not measure: write the --doc section from the results already in --out",
    )
    p.add_argument(
        "--breakdown", action="store_true", help="also time each rule/combine/derive statement alone (seed 0)"
    )
    args = p.parse_args(argv)
    if args.seeds < 1 or args.rows < 1 or args.repeats < 1:
        p.error("--seeds, --rows and --repeats must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.render_only:
        if not args.doc:
            raise SystemExit("--render-only needs --doc")
        res = json.loads(Path(args.out).read_text(encoding="utf-8"))
        write_section(Path(args.doc), build_section(res))
        print(f"[rules] wrote the section '{SECTION_TITLE}' into {args.doc} from {args.out}", flush=True)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
