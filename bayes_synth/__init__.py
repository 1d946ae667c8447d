"""bayes_synth: differentially private synthetic tables from Bayesian networks.

>>> from bayes_synth import Synthesizer, load_model
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Synthesizer", "evaluate", "load_model", "__version__"]


def __getattr__(name: str):
    # Lazy: `import bayes_synth` stays fast; pandas and the engines load on first use.
    if name in ("Synthesizer", "load_model"):
        from bayes_synth import synthesizer

        return getattr(synthesizer, name)
    if name == "evaluate":  # the quality and risk report (bayes_synth.report.evaluate)
        from bayes_synth.report.evaluate import evaluate

        return evaluate
    raise AttributeError(f"module 'bayes_synth' has no attribute {name!r}")
