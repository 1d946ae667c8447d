"""``python -m bayes_synth.cli``: the ``bayes-synth`` command (see :mod:`bayes_synth.cli`)."""

from __future__ import annotations

import sys

from bayes_synth.cli import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
