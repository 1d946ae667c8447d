"""The quality and risk report: one result object, written as JSON (machines) and HTML (people).

:func:`bayes_synth.report.evaluate.evaluate` computes it; :mod:`bayes_synth.report.html` renders it.
"""
