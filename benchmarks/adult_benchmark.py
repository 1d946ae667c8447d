"""Benchmark bayes_synth against DataSynthesizer (PrivBayes) and pgmpy on UCI Adult, in one run.

Usage (from the repository root)::

    python benchmarks/adult_benchmark.py [--quick] [--out docs/benchmarks.md] [--seeds 5] [--skip-peers]

Peers come from the optional extra: ``pip install -e ".[bench]"`` (DataSynthesizer 0.1.13; pgmpy is
already a dependency). ``--skip-peers`` runs bayes_synth and the reference rows only. ``--quick`` uses
one seed and 100,000 timed rows (the DataSynthesizer fit still takes ~10-20 minutes on 2 cores; add
``--skip-peers`` for a smoke run of a minute or two).

What is measured, per method, each fit in a subprocess of its own (one at a time):

* fit time: wall clock of the library's fit on the 26,049-row TRAIN split (reading the CSV is not
  timed for bayes_synth/pgmpy; DataSynthesizer's describer reads its CSV itself inside the timed call);
* sample time: wall clock to produce ``--sample-rows`` (1,000,000) decoded rows as a DataFrame;
* peak RSS: ``max(ru_maxrss of the worker, ru_maxrss of its children)`` read by the worker at its end
  (its children are DataSynthesizer's multiprocessing pool); the "import" figure is the worker's
  ru_maxrss right after importing numpy/pandas and the method's library, before any data is read;
* utility, computed afterwards in the parent on a separate synthetic sample of 26,049 rows:
  mean total-variation distance over all 1-way and 2-way marginals against the real TRAIN table
  (numeric columns in 20 quantile bins of the real train data, missing as its own bin), and the
  holdout accuracy of a HistGradientBoostingClassifier trained on the synthetic rows
  (``benchmarks/metrics.py``).

Every number in the output file is computed by this script; nothing is typed in by hand.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

DEFAULT_DATA = ROOT / "examples" / "data" / "adult.csv"
DEFAULT_SCHEMA = ROOT / "examples" / "adult_schema.json"
NUMERIC = ("age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week")
TARGET = "income"
EPSILON = 1.0
TRAIN_FRACTION = 0.8
N_BINS = 20
GBM_RANDOM_STATE = 0
SCORE_SEED_OFFSET = 1000  # the scoring sample uses seed + this, the timed sample uses seed
PGMPY_BINS = 20

# ---------------------------------------------------------------------------------------------
# Public schema (used only if examples/adult_schema.json is absent). Categories are copied from the
# UCI adult.names file; bounds are the published ranges of the census fields. `?` marks missing.
# ---------------------------------------------------------------------------------------------
ADULT_CATEGORIES = {
    "workclass": [
        "Private",
        "Self-emp-not-inc",
        "Self-emp-inc",
        "Federal-gov",
        "Local-gov",
        "State-gov",
        "Without-pay",
        "Never-worked",
    ],
    "education": [
        "Bachelors",
        "Some-college",
        "11th",
        "HS-grad",
        "Prof-school",
        "Assoc-acdm",
        "Assoc-voc",
        "9th",
        "7th-8th",
        "12th",
        "Masters",
        "1st-4th",
        "10th",
        "Doctorate",
        "5th-6th",
        "Preschool",
    ],
    "marital-status": [
        "Married-civ-spouse",
        "Divorced",
        "Never-married",
        "Separated",
        "Widowed",
        "Married-spouse-absent",
        "Married-AF-spouse",
    ],
    "occupation": [
        "Tech-support",
        "Craft-repair",
        "Other-service",
        "Sales",
        "Exec-managerial",
        "Prof-specialty",
        "Handlers-cleaners",
        "Machine-op-inspct",
        "Adm-clerical",
        "Farming-fishing",
        "Transport-moving",
        "Priv-house-serv",
        "Protective-serv",
        "Armed-Forces",
    ],
    "relationship": ["Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried"],
    "race": ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"],
    "sex": ["Female", "Male"],
    "native-country": [
        "United-States",
        "Cambodia",
        "England",
        "Puerto-Rico",
        "Canada",
        "Germany",
        "Outlying-US(Guam-USVI-etc)",
        "India",
        "Japan",
        "Greece",
        "South",
        "China",
        "Cuba",
        "Iran",
        "Honduras",
        "Philippines",
        "Italy",
        "Poland",
        "Jamaica",
        "Vietnam",
        "Mexico",
        "Portugal",
        "Ireland",
        "France",
        "Dominican-Republic",
        "Laos",
        "Ecuador",
        "Taiwan",
        "Haiti",
        "Columbia",
        "Hungary",
        "Guatemala",
        "Nicaragua",
        "Scotland",
        "Thailand",
        "Yugoslavia",
        "El-Salvador",
        "Trinadad&Tobago",
        "Peru",
        "Hong",
        "Holand-Netherlands",
    ],
    "income": ["<=50K", ">50K"],
}
ADULT_BOUNDS = {
    "age": (17, 90),
    "fnlwgt": (10000, 1500000),
    "education-num": (1, 16),
    "capital-gain": (0, 99999),
    "capital-loss": (0, 4356),
    "hours-per-week": (1, 99),
}
COLUMNS = [
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
]


def fallback_schema() -> dict:
    """The bayes_synth schema dict built from the public facts above."""
    schema = {}
    for col in COLUMNS:
        if col in ADULT_BOUNDS:
            lo, hi = ADULT_BOUNDS[col]
            schema[col] = {"kind": "integer", "min": lo, "max": hi, "missing": ["?"]}
        else:
            schema[col] = {"kind": "categorical", "categories": ADULT_CATEGORIES[col], "missing": ["?"]}
    return schema


def load_schema() -> tuple[dict, str]:
    if DEFAULT_SCHEMA.is_file():
        with open(DEFAULT_SCHEMA, encoding="utf-8") as fh:
            return json.load(fh), str(DEFAULT_SCHEMA.relative_to(ROOT))
    return fallback_schema(), "built-in fallback (adult.names categories, public bounds)"


def split(df):
    """The fixed split of the data README: default_rng(0).permutation, first 80 % train."""
    import numpy as np

    perm = np.random.default_rng(0).permutation(len(df))
    n_train = int(round(TRAIN_FRACTION * len(df)))
    train = df.iloc[perm[:n_train]].reset_index(drop=True)
    holdout = df.iloc[perm[n_train:]].reset_index(drop=True)
    return train, holdout


def maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    """ru_maxrss in MiB (Linux reports KiB, macOS bytes)."""
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 1024.0 / 1024.0


def peak_rss_mb() -> float:
    """This process's own peak RSS in MiB: VmHWM from /proc/self/status where Linux has it.

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: on Linux that value survives fork+exec, so a worker
    spawned by a parent holding N MB reports at least N MB (checked: a parent holding 1.5 GB
    spawning a bare interpreter reads 1,553 MB from ru_maxrss, 13 MB from VmHWM). VmHWM belongs to
    the process's own address space, which exec creates fresh.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return maxrss_mb(resource.RUSAGE_SELF)


# =============================================================================================
# Workers: each runs in its own process, fits, times sampling, writes the scoring sample.
# =============================================================================================


def bayes_synth_adapter(train_path: str, schema: dict, seed: int):
    """The ONE place that knows bayes_synth's API; absorbs small differences between versions.

    Returns ``(train, fit, sample)``: the training table as bayes_synth reads it, ``fit(train)`` ->
    fitted model, ``sample(model, n, seed)`` -> DataFrame.
    """
    import inspect

    import pandas as pd

    from bayes_synth import Synthesizer

    try:
        from bayes_synth.ingest import read_table
    except ImportError:
        read_table = None
    if read_table is not None:
        kw = {"schema": schema} if "schema" in inspect.signature(read_table).parameters else {}
        train = read_table(train_path, **kw)
    else:
        train = pd.read_csv(train_path, dtype=str, keep_default_na=False)

    init_params = inspect.signature(Synthesizer).parameters
    init_kw = {"epsilon": EPSILON, "schema": schema}
    for name in ("random_state", "seed"):
        if name in init_params:
            init_kw[name] = seed
            break

    def fit(frame):
        return Synthesizer(**init_kw).fit(frame)

    def sample(model, n, s):
        params = inspect.signature(model.sample).parameters
        for name in ("random_state", "seed"):
            if name in params:
                return model.sample(n, **{name: s})
        return model.sample(n)

    return train, fit, sample


def worker_bayes_synth(args, result: dict) -> object:
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import bayes_synth
    from bayes_synth import Synthesizer  # noqa: F401  (the package imports lazily)

    result["version"] = getattr(bayes_synth, "__version__", "unknown")
    result["import_rss_mb"] = peak_rss_mb()
    result["source"] = git_revision()
    schema, source = load_schema()
    result["schema"] = source
    train, fit, sample = bayes_synth_adapter(args.train, schema, args.seed)
    t0 = time.perf_counter()
    model = fit(train)
    result["fit_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    big = sample(model, args.sample_rows, args.seed)
    result["sample_s"] = time.perf_counter() - t0
    result["sample_rows"] = len(big)
    del big
    return sample(model, args.score_rows, args.seed + SCORE_SEED_OFFSET)


# ---------------------------------------------------------------------------------------------
# DataSynthesizer 0.1.13 under numpy 2.x / pandas 3.x -- WORKAROUNDS (all applied at run time here,
# nothing in site-packages is edited):
#
# W1 (speed, not correctness): pandas 3 makes text columns the new `str` dtype. PrivBayes'
#    greedy_bayes() casts its encoded table with `astype(str)`, and mutual_information() builds the
#    joint label of a parent pair with a row-wise `DataFrame.apply(lambda x: ' '.join(x.values),
#    axis=1)`. On `str`-dtype rows that apply is several times slower than on the object-dtype rows
#    DataSynthesizer was written for, and the k=2 greedy search on Adult's 15 columns needs 1,820 such
#    2-parent mutual informations, so the fit goes from minutes to most of an hour. The DataSynthesizer
#    worker therefore sets `pd.set_option("future.infer_string", False)` (pandas 2's object dtype for
#    text). The same values are computed either way. The `ds_probe` worker measures both timings and
#    checks that the mutual information is equal; the results file reports what it measured.
#
# Nothing else was needed with numpy 2.4 / pandas 3.1: the description JSON round-trips (parent keys
# are written as e.g. "[0, 1]", not "[np.int64(0), ...]", which DataGenerator could not eval), and
# no removed numpy alias is reached on this code path. The worker checks the keys at run time
# (W-check below) and fails loudly if one holds "np.".
# ---------------------------------------------------------------------------------------------


def ds_workarounds(probe: dict | None) -> list[str]:
    """The workaround notes for the results file, with the probe's measurements filled in."""
    if probe and probe.get("ok"):
        same = "equal" if probe["mi_str_dtype"] == probe["mi_object_dtype"] else "DIFFERENT"
        evidence = (
            f"Measured in this run (`ds_probe`): one 2-parent `mutual_information` on the train split "
            f"took {probe['mi_s_str_dtype']:.2f} s with `str` dtype vs {probe['mi_s_object_dtype']:.2f} s "
            f"with object dtype ({probe['mi_s_str_dtype'] / probe['mi_s_object_dtype']:.1f}x), values "
            f"{same}; the k=2 search on {len(COLUMNS)} columns makes {probe['mi_two_parent_calls']:,} "
            "such calls."
        )
    else:
        evidence = "The `ds_probe` measurement did not run in this run (peers skipped or it failed)."
    return [
        "W1 (speed only): `pandas.set_option('future.infer_string', False)` in the DataSynthesizer "
        "worker, so text columns are object dtype as under pandas 2, for which DataSynthesizer was "
        "written. Without it, PrivBayes' row-wise `apply(' '.join)` in `mutual_information` is several "
        "times slower on pandas 3's `str` dtype. " + evidence,
        "No other workaround was needed with numpy 2.4 / pandas 3.1: the description JSON's parent keys "
        "are written as plain `[0, 1]` (checked at run time: the worker fails if a key contains `np.`), "
        "and no removed numpy alias or pandas API is reached on this code path. Nothing in "
        "site-packages is edited.",
    ]


def worker_datasynthesizer(args, result: dict):
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.set_option("future.infer_string", False)  # W1
    import DataSynthesizer
    from DataSynthesizer.DataDescriber import DataDescriber
    from DataSynthesizer.DataGenerator import DataGenerator

    result["version"] = getattr(DataSynthesizer, "__version__", "unknown")
    result["import_rss_mb"] = peak_rss_mb()
    work = Path(args.workdir)
    header = list(pd.read_csv(args.train, nrows=0).columns)
    datatype = {c: ("Integer" if c in NUMERIC else "String") for c in header}
    categorical = {c: c not in NUMERIC for c in header}
    candidate_key = {c: False for c in header}
    domain_file = work / "ds_categorical_domains.json"
    domain_file.write_text(json.dumps({c: ADULT_CATEGORIES[c] for c in header if c in ADULT_CATEGORIES}))
    ranges = {c: list(ADULT_BOUNDS[c]) for c in header if c in ADULT_BOUNDS}
    description = work / f"ds_description_{args.seed}.json"

    t0 = time.perf_counter()
    describer = DataDescriber(histogram_bins=20, category_threshold=20, null_values=["?"])
    describer.describe_dataset_in_correlated_attribute_mode(
        args.train,
        k=2,
        epsilon=EPSILON,
        attribute_to_datatype=datatype,
        attribute_to_is_categorical=categorical,
        attribute_to_is_candidate_key=candidate_key,
        categorical_attribute_domain_file=str(domain_file),
        numerical_attribute_ranges=ranges,
        seed=args.seed,
    )
    describer.save_dataset_description_to_file(str(description))
    result["fit_s"] = time.perf_counter() - t0
    result["network"] = describer.bayesian_network

    # W-check: the saved parent keys must be eval-able by DataGenerator (no numpy reprs).
    desc = json.loads(description.read_text())
    bad = [
        k for dist in desc["conditional_probabilities"].values() if isinstance(dist, dict) for k in dist if "np." in k
    ]
    if bad:
        raise RuntimeError(f"DataSynthesizer description holds numpy reprs in keys, e.g. {bad[0]!r}")

    t0 = time.perf_counter()
    gen = DataGenerator()
    gen.generate_dataset_in_correlated_attribute_mode(args.sample_rows, str(description), seed=args.seed)
    result["sample_s"] = time.perf_counter() - t0
    result["sample_rows"] = len(gen.synthetic_dataset)
    gen = None
    gen = DataGenerator()
    gen.generate_dataset_in_correlated_attribute_mode(
        args.score_rows, str(description), seed=args.seed + SCORE_SEED_OFFSET
    )
    return gen.synthetic_dataset


class PgmpyModel:
    """pgmpy baseline: hill-climb/BIC structure, MLE parameters, no noise.

    Numeric columns are cut into PGMPY_BINS equal-frequency bins of the training data (np.quantile
    edges, deduplicated) and decoded by a uniform draw of an integer inside the bin; missing (`?`)
    is a state of its own in every column.
    """

    MISSING = "?"

    def __init__(self, seed: int):
        self.seed = seed

    @staticmethod
    def api():
        """(structure search: data -> DAG, parameter estimator, model class, description)."""
        from pgmpy.models import DiscreteBayesianNetwork

        try:  # pgmpy >= 1.1: sklearn-style causal_discovery API
            from pgmpy.causal_discovery import HillClimbSearch
            from pgmpy.parameter_estimator import DiscreteMLE

            def search(data):
                est = HillClimbSearch(scoring_method="bic-d", return_type="dag", show_progress=False)
                return est.fit(data).causal_graph_

            label = (
                "`pgmpy.causal_discovery.HillClimbSearch(scoring_method='bic-d', return_type='dag').fit(data)` "
                "(BIC, no in-degree cap), parameters by `DiscreteBayesianNetwork.fit(data, estimator=DiscreteMLE())`"
            )
            return search, DiscreteMLE(), DiscreteBayesianNetwork, label
        except ImportError:  # pgmpy 1.0
            from pgmpy.estimators import HillClimbSearch, MaximumLikelihoodEstimator

            def search(data):
                return HillClimbSearch(data).estimate(scoring_method="bic-d", show_progress=False)

            label = (
                "`pgmpy.estimators.HillClimbSearch(data).estimate(scoring_method='bic-d')` (BIC, no in-degree "
                "cap), parameters by `DiscreteBayesianNetwork.fit(data, estimator=MaximumLikelihoodEstimator)`"
            )
            return search, MaximumLikelihoodEstimator, DiscreteBayesianNetwork, label

    def fit(self, train):
        import metrics
        import numpy as np
        import pandas as pd
        from pgmpy.models import DiscreteBayesianNetwork

        self.columns = list(train.columns)
        self.edges = {}
        states = {}
        for c in self.columns:
            if c in NUMERIC:
                values = metrics.to_numeric(train[c])
                edges = metrics.quantile_edges(values, PGMPY_BINS)
                self.edges[c] = edges
                codes = metrics.bin_numeric(values, edges)
                states[c] = np.where(codes < 0, self.MISSING, codes.astype(str)).astype(object)
            else:
                states[c] = metrics.to_text(train[c])
                states[c][states[c] == metrics.MISSING_TOKEN] = self.MISSING
        data = pd.DataFrame(states).astype("category")
        search, estimator, _ = self.api()[:3]
        dag = search(data)
        model = DiscreteBayesianNetwork(dag.edges())
        model.add_nodes_from(self.columns)
        model.fit(data, estimator=estimator)
        self.model = model
        return self

    def sample(self, n: int, seed: int):
        import numpy as np
        import pandas as pd

        raw = self.model.simulate(n_samples=n, seed=seed, show_progress=False)
        rng = np.random.default_rng(seed)
        out = {}
        for c in self.columns:
            col = raw[c].astype(str).to_numpy()
            if c not in self.edges:
                out[c] = col
                continue
            edges = self.edges[c]
            last = len(edges) - 2
            miss = col == self.MISSING
            idx = np.zeros(n, dtype=np.int64)
            idx[~miss] = col[~miss].astype(np.int64)
            lo = np.ceil(edges[idx])
            hi = np.where(
                idx == last,
                np.floor(edges[np.minimum(idx + 1, len(edges) - 1)]),
                np.ceil(edges[np.minimum(idx + 1, len(edges) - 1)]) - 1,
            )
            hi = np.maximum(hi, lo)
            vals = np.floor(lo + rng.random(n) * (hi - lo + 1)).astype(float)
            vals = np.minimum(vals, hi)
            vals[miss] = np.nan
            out[c] = vals
        return pd.DataFrame(out, columns=self.columns)


def worker_pgmpy(args, result: dict):
    import pandas as pd
    import pgmpy

    result["version"] = getattr(pgmpy, "__version__", "unknown")
    result["api"] = PgmpyModel.api()[3]
    result["import_rss_mb"] = peak_rss_mb()
    train = pd.read_csv(args.train, dtype=str, keep_default_na=False)
    t0 = time.perf_counter()
    model = PgmpyModel(args.seed).fit(train)
    result["fit_s"] = time.perf_counter() - t0
    result["network"] = sorted([list(e) for e in model.model.edges()])
    t0 = time.perf_counter()
    big = model.sample(args.sample_rows, args.seed)
    result["sample_s"] = time.perf_counter() - t0
    result["sample_rows"] = len(big)
    del big
    return model.sample(args.score_rows, args.seed + SCORE_SEED_OFFSET)


def worker_ds_probe(args, result: dict):
    """Evidence for W1: one 2-parent PrivBayes mutual information, pandas 3 `str` vs object dtype.

    Times ``DataSynthesizer.lib.utils.mutual_information(age, [education, sex])`` on the train split
    encoded as greedy_bayes encodes it (integer bin codes, then ``astype(str)``), once with pandas 3's
    default string inference and once with it switched off (W1). Returns no sample.
    """
    from math import comb

    import pandas as pd
    from DataSynthesizer.lib.utils import mutual_information

    raw = pd.read_csv(args.train, dtype=str, keep_default_na=False)
    codes = pd.DataFrame({c: pd.factorize(raw[c])[0] for c in ("age", "education", "sex")})
    for infer in (True, False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.set_option("future.infer_string", infer)
        frame = codes.astype(str)
        t0 = time.perf_counter()
        mi = mutual_information(frame["age"], frame[["education", "sex"]])
        key = "str_dtype" if infer else "object_dtype"
        result[f"mi_s_{key}"] = time.perf_counter() - t0
        result[f"mi_{key}"] = mi
        result[f"dtype_{key}"] = str(frame["age"].dtype)
    d = raw.shape[1]
    # greedy_bayes with k=2: 1 single-parent candidate per remaining attribute at the first step,
    # then (d - i) children x C(i, 2) parent pairs when i attributes are already in the network.
    result["mi_two_parent_calls"] = sum((d - i) * comb(i, 2) for i in range(2, d))
    return None


WORKERS = {
    "bayes_synth": worker_bayes_synth,
    "DataSynthesizer": worker_datasynthesizer,
    "pgmpy": worker_pgmpy,
    "ds_probe": worker_ds_probe,
}


def run_worker(args) -> int:
    result = {"method": args.worker, "seed": args.seed, "ok": False}
    out_json = Path(args.workdir) / f"{args.worker}_{args.seed}.json"
    try:
        score = WORKERS[args.worker](args, result)
        result["peak_rss_self_mb"] = peak_rss_mb()
        # Children (DataSynthesizer's multiprocessing pool) were forked from this worker, so their
        # ru_maxrss carries nothing from the orchestrating parent.
        result["peak_rss_children_mb"] = maxrss_mb(resource.RUSAGE_CHILDREN)
        if score is not None:
            score_path = Path(args.workdir) / f"{args.worker}_{args.seed}_score.csv"
            score.to_csv(score_path, index=False, na_rep="?")
            result["score_csv"] = str(score_path)
        result["ok"] = True
    except Exception as exc:  # reported in the results file, not hidden
        import traceback

        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
    out_json.write_text(json.dumps(result, default=str))
    return 0 if result["ok"] else 1


# =============================================================================================
# Parent: orchestrates workers, scores samples, writes the markdown.
# =============================================================================================


def spawn(method: str, seed: int, args, workdir: Path, train_csv: Path, log) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        method,
        "--seed",
        str(seed),
        "--workdir",
        str(workdir),
        "--train",
        str(train_csv),
        "--sample-rows",
        str(args.sample_rows),
        "--score-rows",
        str(args.score_rows),
    ]
    load = os.getloadavg()[0]
    print(f"[bench] {method} seed={seed} (load avg {load:.2f}) ...", flush=True)
    t0 = time.perf_counter()
    with open(workdir / f"{method}_{seed}.log", "w") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - t0
    res_path = workdir / f"{method}_{seed}.json"
    if res_path.is_file():
        res = json.loads(res_path.read_text())
    else:
        res = {"method": method, "seed": seed, "ok": False, "error": f"worker exited {proc.returncode}"}
    res["wall_s"] = wall
    res["load_before"] = load
    res["load_after"] = os.getloadavg()[0]
    if not res.get("ok"):
        tail = (workdir / f"{method}_{seed}.log").read_text()[-2000:]
        print(f"[bench] {method} seed={seed} FAILED: {res.get('error')}\n{tail}", flush=True)
        log.append(f"{method} seed {seed} failed: {res.get('error')}")
    elif "fit_s" in res:
        print(
            f"[bench]   fit {res['fit_s']:.2f}s  sample {res['sample_s']:.2f}s  "
            f"rss {max(res['peak_rss_self_mb'], res['peak_rss_children_mb']):.0f}MB",
            flush=True,
        )
    return res


def score(res: dict, train, holdout) -> None:
    import metrics
    import pandas as pd

    synth = pd.read_csv(res["score_csv"], dtype=str, keep_default_na=False)
    tvd = metrics.marginal_tvd(train, synth, numeric=NUMERIC, n_bins=N_BINS, columns=list(train.columns))
    res["tvd_1way"] = tvd["tvd_1way"]
    res["tvd_2way"] = tvd["tvd_2way"]
    res["gbm_acc"] = metrics.gbm_accuracy(synth, holdout, target=TARGET, numeric=NUMERIC, random_state=GBM_RANDOM_STATE)
    res["peak_rss_mb"] = max(res["peak_rss_self_mb"], res["peak_rss_children_mb"])


def agg(values: list[float], fmt: str) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(statistics.mean(values), fmt)} ± {format(statistics.stdev(values), fmt)}"


def mean_of(runs: list[dict], key: str) -> float | None:
    vals = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    return statistics.mean(vals) if vals else None


def machine_facts() -> list[str]:
    import numpy as np
    import pandas as pd
    import sklearn

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = [f"numpy {np.__version__}", f"pandas {pd.__version__}", f"scikit-learn {sklearn.__version__}"]
    for mod in ("pgmpy", "DataSynthesizer", "bayes_synth"):
        try:
            from importlib.metadata import version

            dist = {"bayes_synth": "bayes-synth"}.get(mod, mod)
            versions.append(f"{mod} {version(dist)}")
        except Exception:
            versions.append(f"{mod} (not installed)")
    blas = os.environ.get("OPENBLAS_CORETYPE")
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; memory {mem}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        "- " + ", ".join(versions),
        f"- OPENBLAS_CORETYPE={blas}" if blas else "- OPENBLAS_CORETYPE unset",
    ]


def git_revision() -> str:
    """Read-only look at the checkout the benchmark ran from (commit, and whether it was modified)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--", "bayes_synth"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"git `{head}`" + (" with uncommitted changes under `bayes_synth/`" if dirty else " (clean)")


def build_markdown(args, command, started, finished, methods, refs, notes, schema_source, probe=None) -> str:
    lines: list[str] = []
    add = lines.append
    pgmpy_api = next((r["api"] for r in methods.get("pgmpy", []) if r.get("api")), "(pgmpy not run)")
    add("# Benchmark: bayes_synth vs DataSynthesizer (PrivBayes) vs pgmpy on UCI Adult")
    add("")
    add(
        "Generated by `benchmarks/adult_benchmark.py`; every number below comes from the run described "
        "here (nothing is edited by hand). Rerun it to refresh this file."
    )
    add("")
    add(f"- Command: `{command}`")
    add(f"- Started {started} UTC, finished {finished} UTC")
    sources = list(dict.fromkeys(r["source"] for r in methods.get("bayes_synth", []) if r.get("source")))
    if len(sources) > 1:
        add(f"- bayes_synth source CHANGED during the run; seen by its workers: {'; '.join(sources)}")
    elif sources:
        add(f"- bayes_synth source (read by each bayes_synth worker as it started): {sources[0]}")
    data = Path(args.data).resolve()
    data_label = data.relative_to(ROOT) if data.is_relative_to(ROOT) else data
    add(
        f"- Data: `{data_label}`, "
        f"fixed split `numpy.random.default_rng(0).permutation`, first 80 % train = "
        f"{args.n_train:,} rows, holdout = {args.n_holdout:,} rows"
    )
    add(
        f"- Timed sample: {args.sample_rows:,} rows per run; scoring sample: {args.score_rows:,} rows (a separate draw)"
    )
    add(
        f"- bayes_synth: epsilon = {EPSILON:g}, schema `{schema_source}` (declared bounds and "
        f"categories), seeds {', '.join(map(str, args.seed_list))}"
    )
    add("")
    add("## Machine")
    add("")
    lines.extend(machine_facts())
    add(
        "- The 1-minute load average before and after each worker is logged under *Per-run details*; "
        "the benchmark itself keeps one core busy (DataSynthesizer's pool: two), so a load well above that "
        "means something else shared the machine and the timings carry that noise."
    )
    add("")
    add("## Results")
    add("")
    add(
        "| Method | runs | fit (s) | sample 1M (s) | peak RSS MB (import baseline) | mean 1-way TVD | "
        "mean 2-way TVD | GBM accuracy on holdout |"
    )
    add("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, runs in methods.items():
        ok = [r for r in runs if r.get("ok")]
        if not ok:
            add(f"| {name} | 0 of {len(runs)} | failed: {runs[0].get('error', '?') if runs else 'not run'} | | | | | |")
            continue
        sample_label = agg([r["sample_s"] for r in ok], ".2f")
        if args.sample_rows != 1_000_000:
            sample_label += f" (for {args.sample_rows:,} rows)"
        add(
            f"| {name} | {len(ok)} | {agg([r['fit_s'] for r in ok], '.2f')} | {sample_label} | "
            f"{agg([r['peak_rss_mb'] for r in ok], '.0f')} ({agg([r['import_rss_mb'] for r in ok], '.0f')}) | "
            f"{agg([r['tvd_1way'] for r in ok], '.4f')} | {agg([r['tvd_2way'] for r in ok], '.4f')} | "
            f"{agg([r['gbm_acc'] for r in ok], '.4f')} |"
        )
    for name, ref in refs.items():
        add(f"| *{name}* | {ref['runs']} | | | | {ref['tvd_1way']} | {ref['tvd_2way']} | {ref['gbm_acc']} |")
    add("")
    add(
        "Mean ± sample standard deviation over the runs where there is more than one. "
        "`sample 1M` is the wall-clock time to produce the timed sample as a decoded DataFrame."
    )
    add("")

    add("## Ratios (same run)")
    add("")
    bs = methods.get("bayes_synth", [])
    rows = []
    for peer in ("DataSynthesizer", "pgmpy"):
        if peer not in methods:
            continue
        pr = methods[peer]
        for key, label in (("fit_s", "fit speed-up"), ("sample_s", "sampling speed-up")):
            a, b = mean_of(pr, key), mean_of(bs, key)
            if a is not None and b:
                rows.append(
                    f"| {label} of bayes_synth vs {peer} | {a / b:.1f}x | {peer} {a:.2f} s / bayes_synth {b:.2f} s |"
                )
        a, b = mean_of(pr, "peak_rss_mb"), mean_of(bs, "peak_rss_mb")
        if a is not None and b:
            rows.append(f"| peak-RSS ratio {peer} / bayes_synth | {a / b:.2f} | {a:.0f} MB / {b:.0f} MB |")
    if rows:
        add("| Ratio | value | from |")
        add("| --- | --- | --- |")
        lines.extend(rows)
    else:
        add("No peer was measured in this run (`--skip-peers` or peers failed); no ratios.")
    add("")

    add("## How each method was run")
    add("")
    add(
        f"- **bayes_synth**: `Synthesizer(epsilon={EPSILON:g}, schema=schema, random_state=seed).fit(train)` "
        "on the table read by `bayes_synth.ingest.read_table` (cells as text; the schema declares "
        "`?` as missing), then `.sample(n, random_state=seed)` (the scoring sample uses seed + "
        f"{SCORE_SEED_OFFSET}). The adapter is `bayes_synth_adapter()` in the script."
    )
    add(
        "- **DataSynthesizer 0.1.13** (PrivBayes): `DataDescriber(histogram_bins=20, category_threshold=20, "
        "null_values=['?']).describe_dataset_in_correlated_attribute_mode(train.csv, k=2, epsilon=1, "
        "attribute_to_datatype=..., attribute_to_is_categorical=..., attribute_to_is_candidate_key=all False, "
        "categorical_attribute_domain_file=<adult.names categories>, numerical_attribute_ranges=<the same "
        "public bounds bayes_synth gets>)`, description saved to JSON, then "
        "`DataGenerator().generate_dataset_in_correlated_attribute_mode(n, description, seed)`. "
        "Numeric columns are 20 equal-width histogram bins over the declared bounds (DataSynthesizer's "
        "own scheme); fit time includes its own CSV read and writing the description JSON. "
        f"Run with {args.peer_seeds} seed(s) (`--peer-seeds`): its fit takes minutes."
    )
    add(
        "- **pgmpy** (no privacy): numeric columns cut into 20 equal-frequency bins of the train data "
        "(`np.quantile` edges, deduplicated), `?` kept as a state; structure by "
        f"{pgmpy_api}, sampling by `DiscreteBayesianNetwork.simulate` (forward sampling); "
        "numeric bins decoded by a uniform draw of an integer inside the bin. Its bins coincide with the "
        "scoring bins, so its numeric marginals lose nothing at decoding time under this metric (an "
        "advantage); it also sees the data without noise. "
        f"Run with {args.peer_seeds} seed(s); pgmpy's structure search takes no seed; the seed "
        "drives `simulate` and the within-bin decoding."
    )
    add(
        "- **real train -> holdout**: the GBM trained on the real train split (the accuracy ceiling). "
        "Its TVD cells compare the real HOLDOUT (6,512 rows) with the train table: the sampling-noise "
        "floor for a sample of that size (a 26,049-row sample would sit lower)."
    )
    add(
        "- **independent columns**: every column drawn independently from its empirical train marginal "
        "(no privacy), 26,049 rows per seed: 1-way TVD near zero, 2-way TVD shows what ignoring all "
        "dependencies costs."
    )
    add("")
    add("## Metrics")
    add("")
    add(
        "- TVD: 0.5 · Σ|p − q| per marginal, averaged over all 15 one-way marginals and all 105 "
        "two-way marginals, synthetic (26,049 rows) vs real TRAIN. Numeric columns (age, fnlwgt, "
        "education-num, capital-gain, capital-loss, hours-per-week) are scored in 20 quantile bins of "
        "the real train data (`np.quantile` edges, deduplicated; values outside go to the end bins); "
        "missing (`?`/NaN) is its own bin everywhere. Code: `benchmarks/metrics.py`."
    )
    add(
        f"- GBM accuracy: `HistGradientBoostingClassifier(random_state={GBM_RANDOM_STATE})` for `income`, "
        "trained on the synthetic scoring sample, tested on the real HOLDOUT; categorical columns "
        "ordinal-encoded on the training rows (missing is a category; unknown at test time -> NaN)."
    )
    add(
        "- Peak RSS: each method runs in a fresh Python process (one at a time); the figure is "
        "max(that process's own peak RSS, `getrusage(RUSAGE_CHILDREN).ru_maxrss` of its children) at its "
        "end; the children are DataSynthesizer's multiprocessing pool. The process's own peak is `VmHWM` "
        "from `/proc/self/status`, not `getrusage(RUSAGE_SELF).ru_maxrss`: on Linux the latter carries "
        "over the RSS of the parent that spawned the process (fork+exec), so it would report the "
        "orchestrator's size. The baseline in brackets is the same measure right after importing numpy, "
        "pandas and the method's library, before reading any data. Scoring happens in the parent, "
        "outside these figures."
    )
    add("")
    add("## DataSynthesizer workarounds (numpy 2 / pandas 3)")
    add("")
    for w in ds_workarounds(probe):
        add(f"- {w}")
    add(
        "- Installed with `pip install DataSynthesizer==0.1.13` (the `bench` extra). Its requirements are "
        "lower bounds only (numpy, pandas, scikit-learn, matplotlib, seaborn, python-dateutil), so it "
        "downgrades nothing; matplotlib and seaborn are pulled in although only its ModelInspector uses them."
    )
    add("")
    add("## Per-run details")
    add("")
    add(
        "| Method | seed | fit (s) | sample (s) | peak RSS MB | import MB | 1-way TVD | 2-way TVD | GBM acc | "
        "load avg before / after | worker wall (s) |"
    )
    add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, runs in methods.items():
        for r in runs:
            if not r.get("ok"):
                add(
                    f"| {name} | {r['seed']} | failed: {r.get('error', '?')} | | | | | | | "
                    f"{r.get('load_before', 0):.2f} / {r.get('load_after', 0):.2f} | {r.get('wall_s', 0):.1f} |"
                )
                continue
            add(
                f"| {name} | {r['seed']} | {r['fit_s']:.2f} | {r['sample_s']:.2f} | {r['peak_rss_mb']:.0f} | "
                f"{r['import_rss_mb']:.0f} | {r['tvd_1way']:.4f} | {r['tvd_2way']:.4f} | {r['gbm_acc']:.4f} | "
                f"{r['load_before']:.2f} / {r['load_after']:.2f} | {r['wall_s']:.1f} |"
            )
    nets = [(n, r) for n, runs in methods.items() for r in runs if r.get("network")]
    if nets:
        add("")
        for name, r in nets:
            add(f"- {name} seed {r['seed']} network: `{json.dumps(r['network'])}`")
    if notes:
        add("")
        add("## Notes from this run")
        add("")
        for n in notes:
            add(f"- {n}")
    add("")
    return "\n".join(lines)


def kept_sections(path: Path) -> str:
    """Sections other benchmarks wrote into ``path`` between their markers (kept when this file is rewritten).

    ``benchmarks/rules_benchmark.py`` and ``benchmarks/pii_benchmark.py`` write theirs between
    ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``.
    """
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    kept = ""
    for name in ("rules_benchmark", "pii_benchmark", "report_benchmark"):
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start in text and end in text:
            kept += "\n" + start + text.split(start, 1)[1].split(end, 1)[0] + end + "\n"
    return kept


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main_parent(args) -> int:
    import metrics
    import numpy as np
    import pandas as pd

    started = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    if args.quick:
        args.seeds = 1 if args.seeds_given is None else args.seeds
        args.sample_rows = args.sample_rows or 100_000
    args.sample_rows = args.sample_rows or 1_000_000
    args.seed_list = list(range(args.seeds))

    df = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    train, holdout = split(df)
    args.n_train, args.n_holdout = len(train), len(holdout)
    args.score_rows = len(train)
    _, schema_source = load_schema()
    notes: list[str] = []
    methods: dict[str, list[dict]] = {}

    with tempfile.TemporaryDirectory(prefix="adult_bench_") as tmp:
        workdir = Path(tmp)
        train_csv = workdir / "adult_train.csv"
        train.to_csv(train_csv, index=False)
        probe = None
        if not args.skip_peers:
            probe = spawn("ds_probe", 0, args, workdir, train_csv, notes)
        plan = [("bayes_synth", args.seed_list)]
        if not args.skip_peers:
            plan += [
                ("DataSynthesizer", args.seed_list[: args.peer_seeds]),
                ("pgmpy", args.seed_list[: args.peer_seeds]),
            ]
        for method, seeds in plan:
            runs = []
            for seed in seeds:
                res = spawn(method, seed, args, workdir, train_csv, notes)
                if res.get("ok"):
                    score(res, train, holdout)
                    print(
                        f"[bench]   tvd1 {res['tvd_1way']:.4f} tvd2 {res['tvd_2way']:.4f} acc {res['gbm_acc']:.4f}",
                        flush=True,
                    )
                runs.append(res)
            methods[method] = runs
            if runs and runs[0].get("schema"):
                schema_source = runs[0]["schema"]

    refs = {}
    real_acc = metrics.gbm_accuracy(train, holdout, target=TARGET, numeric=NUMERIC, random_state=GBM_RANDOM_STATE)
    hold_tvd = metrics.marginal_tvd(train, holdout, numeric=NUMERIC, n_bins=N_BINS)
    refs["real train -> holdout"] = {
        "runs": 1,
        "tvd_1way": f"{hold_tvd['tvd_1way']:.4f} (holdout vs train)",
        "tvd_2way": f"{hold_tvd['tvd_2way']:.4f} (holdout vs train)",
        "gbm_acc": f"{real_acc:.4f}",
    }
    ind = {"tvd_1way": [], "tvd_2way": [], "gbm_acc": []}
    for seed in args.seed_list:
        fake = metrics.independent_sample(train, len(train), np.random.default_rng(seed))
        t = metrics.marginal_tvd(train, fake, numeric=NUMERIC, n_bins=N_BINS)
        ind["tvd_1way"].append(t["tvd_1way"])
        ind["tvd_2way"].append(t["tvd_2way"])
        ind["gbm_acc"].append(
            metrics.gbm_accuracy(fake, holdout, target=TARGET, numeric=NUMERIC, random_state=GBM_RANDOM_STATE)
        )
    refs["independent columns (no privacy)"] = {
        "runs": len(args.seed_list),
        "tvd_1way": agg(ind["tvd_1way"], ".4f"),
        "tvd_2way": agg(ind["tvd_2way"], ".4f"),
        "gbm_acc": agg(ind["gbm_acc"], ".4f"),
    }
    if args.skip_peers:
        notes.append("Peers skipped (`--skip-peers`).")
    finished = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    text = build_markdown(args, command, started, finished, methods, refs, notes, schema_source, probe)
    out = Path(args.out)
    if not out.is_absolute():
        out = ROOT / out
    write_atomic(out, text + kept_sections(out))
    print(f"[bench] wrote {out}", flush=True)
    failed = [n for n, runs in methods.items() for r in runs if not r.get("ok")]
    return 1 if "bayes_synth" in failed else 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="1 seed and 100,000 timed rows (smoke run)")
    p.add_argument("--out", default="docs/benchmarks.md", help="markdown file to write (atomically)")
    p.add_argument("--seeds", type=int, default=None, help="bayes_synth seeds (default 5; 1 with --quick)")
    p.add_argument(
        "--peer-seeds",
        type=int,
        default=1,
        help="seeds for DataSynthesizer and pgmpy (default 1: the DataSynthesizer fit is slow)",
    )
    p.add_argument("--skip-peers", action="store_true", help="run bayes_synth and the reference rows only")
    p.add_argument("--sample-rows", type=int, default=None, help="rows in the timed sample (default 1,000,000)")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="adult.csv (missing values are `?`)")
    # internal: one method in a fresh process
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    p.add_argument("--train", help=argparse.SUPPRESS)
    p.add_argument("--score-rows", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.seeds_given = args.seeds
    if args.seeds is None:
        args.seeds = 5
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return run_worker(args)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
