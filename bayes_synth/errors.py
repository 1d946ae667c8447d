"""The one exception hierarchy of bayes_synth.

Every error a user can see derives from :class:`BayesSynthError` and also from the builtin it
resembles (``ValueError``, ``OSError`` ...), so ``except ValueError`` keeps working. Messages say what
went wrong, which column or parameter, the rule, and a hint; they never echo raw cell values beyond
what is needed to find the problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class BayesSynthError(Exception):
    """Root of every error raised by bayes_synth."""


class ParameterError(BayesSynthError, ValueError):
    """A parameter of the public API has an invalid value."""


class SchemaError(BayesSynthError, ValueError):
    """A declared schema is malformed or contradicts itself."""


class IngestError(BayesSynthError, ValueError):
    """A table could not be read or converted under its schema."""


class PrivacyError(BayesSynthError, ValueError):
    """A step would break the differential-privacy guarantee or exceed the budget."""


class BudgetExceededError(PrivacyError):
    """The privacy ledger would spend more than the declared budget."""


class DomainTooLargeError(BayesSynthError, ValueError):
    """A column or conditional table is too large to model; raised before allocating it."""


class NotFittedError(BayesSynthError, AttributeError):
    """A method needs a fitted synthesizer."""


class ModelFormatError(BayesSynthError, ValueError):
    """A model file is malformed, tampered with, or of an unknown version."""


class SamplingError(BayesSynthError, ValueError):
    """Sampling was asked for something the model cannot produce."""


class OutputError(BayesSynthError, OSError):
    """An output could not be written safely (it would overwrite an input, or exists already)."""


class MissingDependencyError(BayesSynthError, ImportError):
    """An optional feature needs a package that is not installed; the message names the pip extra."""


class DSLError(BayesSynthError, ValueError):
    """A constraints file is wrong; ``diagnostics`` lists each located problem, ``str()`` renders all.

    The items of ``diagnostics`` are ``bayes_synth.dsl.Diagnostic(code, message, span, help, label)``.
    """

    def __init__(self, message: str, diagnostics: Sequence[Any] = ()):
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class DSLSyntaxError(DSLError):
    """A constraints file does not parse (or an include cannot be read); reports the first problem."""


class DSLSemanticError(DSLError):
    """A constraints file parses but does not make sense for the table; reports every problem at once."""


class BayesSynthWarning(UserWarning):
    """Base class of the warnings bayes_synth emits."""


class PrivacyWarning(BayesSynthWarning):
    """Something weakens the privacy guarantee (a fixed seed, a not-DP mode, inferred metadata)."""
