"""``bayes-synth demo``: fit and sample the bundled Adult data, and compare real and synthetic marginals."""

from __future__ import annotations

import argparse
import contextlib
import os
from importlib import resources
from pathlib import Path
from typing import Any

from bayes_synth.cli.console import PROG
from bayes_synth.cli.modelling import _read_schema, fit_summary
from bayes_synth.cli.options import _epsilon, _non_negative_int
from bayes_synth.errors import IngestError, OutputError

#: Rows of the bundled Adult file (a public constant of that file, not read from the data).
ADULT_ROWS = 32_561
DEMO_DIR = "bayes_synth_demo"
DEMO_MODEL = "adult_model.json"
DEMO_SYNTHETIC = "adult_synthetic.csv"
DEMO_CATEGORICAL = ("workclass", "education", "race", "sex", "income")
ADULT_HEADER = ("age,workclass,fnlwgt,education,education-num,marital-status,occupation,"
                "relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income")
_MAX_OWN_MODEL_BYTES = 50_000_000


def _add_demo(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="fit and sample the bundled Adult data",
                       description="Fit the bundled UCI Adult data, sample it, and compare "
                                   "real and synthetic marginals.")
    p.add_argument("-o", "--output-dir", metavar="OUTDIR", default=DEMO_DIR,
                   help=f"folder for {DEMO_MODEL} and {DEMO_SYNTHETIC} (default: ./{DEMO_DIR})")
    p.add_argument("--epsilon", type=_epsilon, default=1.0, help="privacy budget (default: 1.0)")
    p.add_argument("-n", "--rows", type=_non_negative_int, default=ADULT_ROWS, metavar="ROWS",
                   help=f"synthetic rows (default: {ADULT_ROWS:,}, the size of the real file)")
    p.add_argument("--seed", type=_non_negative_int, metavar="S",
                   help="fix the noise and the sampling (the model is stamped 'not for release')")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """``bayes-synth demo``: fit the bundled Adult data, sample it and compare the marginals."""
    from bayes_synth.io import write_table
    from bayes_synth.modelfile import save_model
    from bayes_synth.synthesizer import Synthesizer

    outdir = Path(args.output_dir)
    model_path, table_path = outdir / DEMO_MODEL, outdir / DEMO_SYNTHETIC
    with contextlib.ExitStack() as stack:
        data = stack.enter_context(_bundled("adult.csv"))
        schema_path = stack.enter_context(_bundled("adult_schema.json"))
        schema = _read_schema(schema_path)
        outdir.mkdir(parents=True, exist_ok=True)
        _check_demo_target(model_path, _is_model_file)
        _check_demo_target(table_path, _is_demo_table)
        synth = Synthesizer(epsilon=args.epsilon, schema=schema, random_state=args.seed,
                            progress=not args.quiet).fit(data)
        save_model(synth.model_, model_path, force=True, inputs=[data, schema_path])
        frame = synth.sample(args.rows, random_state=args.seed)
        write_table(frame, table_path, inputs=[data, schema_path], force=True)
        if not args.quiet:
            print("\n".join(fit_summary(synth, model_path)))
            print(f"Wrote {len(frame):,} synthetic rows to '{table_path}'.\n")
            print(_demo_report(data, schema, synth, frame))
            print(f"\nNext, the full quality and risk report (similarity, utility, privacy; HTML and JSON):\n"
                  f"  {PROG} report {_quoted(data)} {_quoted(table_path)} -o {_quoted(outdir / 'report')}")
    return 0


def _quoted(path: str | os.PathLike[str]) -> str:
    import shlex

    return shlex.quote(str(path))


@contextlib.contextmanager
def _bundled(name: str):
    """A real file path for a file of ``bayes_synth/data``."""
    with resources.as_file(resources.files("bayes_synth") / "data" / name) as path:
        if not Path(path).is_file():
            raise IngestError(f"The bundled demo file '{name}' is missing from the installation "
                              f"(looked for '{path}'); reinstall bayes-synth.")
        yield Path(path)


def _check_demo_target(path: Path, is_ours: Any) -> None:
    """The demo replaces its own earlier outputs, never another file."""
    if os.path.lexists(path) and not (path.is_file() and not path.is_symlink() and is_ours(path)):
        raise OutputError(f"'{path}' exists and is not an output of an earlier demo run; "
                          "choose another folder with -o.")


def _is_model_file(path: Path) -> bool:
    from bayes_synth.errors import ModelFormatError
    from bayes_synth.jsonio import loads_strict
    from bayes_synth.modelfile import FORMAT

    if path.stat().st_size > _MAX_OWN_MODEL_BYTES:
        return False
    try:
        data = loads_strict(path.read_bytes(), source=str(path))
    except ModelFormatError:
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def _is_demo_table(path: Path) -> bool:
    with open(path, "rb") as handle:
        first = handle.readline(4096)
    return first.decode("utf-8", errors="replace").rstrip("\r\n") == ADULT_HEADER


def _demo_report(data: Path, schema: Any, synth: Any, frame: Any) -> str:
    """Read the real data again (locally) and compare its marginals with the synthetic rows."""
    from bayes_synth.ingest import prepare, read_table
    from bayes_synth.summary import format_report

    real, typed_schema, _ = prepare(read_table(data), schema)
    numeric = [name for name, spec in typed_schema.items() if spec.is_numeric]
    categorical = [name for name in DEMO_CATEGORICAL if name in real.columns]
    return format_report(real, frame, numeric=numeric, categorical=categorical)
