"""Explainable models and an auditor's API: look inside a fitted model without touching any data.

Everything here reads only the model (its tables, network, ledger and settings), so it is
post-processing and costs no privacy budget. The usual entry points are methods of
:class:`~bayes_synth.model.Model`:

- ``model.table(col)``: P(col | parents) with readable labels;
- ``model.explain(col)``: its parents and children with mutual information (:mod:`.explain`);
- ``model.query(target, evidence)``: P(target | evidence) by exact inference (:mod:`.query`);
- ``model.strongest_dependencies(k)``: edges ranked by mutual information;
- ``model.model_card(format)``: the guarantee and what it covers (:mod:`.card`);
- ``model.graph(format)``: DOT or Mermaid text (:mod:`.graph`), or SVG and PNG drawn by the optional
  matplotlib (:mod:`.png`; without it the SVG is drawn by :mod:`.graph`), all laid out by :mod:`.layout`;
  ``column=`` draws one column's neighbourhood.

Files are audited with :func:`~bayes_synth.inspect.audit.audit_file` (``bayes-synth audit``), which
reads the JSON itself so that it can explain why a file is wrong instead of failing to load it.

>>> from bayes_synth.inspect.examples import tiny_model
>>> tiny_model().strongest_dependencies(1)["child"].tolist()
['income']
"""

from __future__ import annotations

from bayes_synth.inspect.audit import AuditResult, audit_data, audit_file
from bayes_synth.inspect.card import model_card
from bayes_synth.inspect.explain import explain, explain_text, strongest_dependencies
from bayes_synth.inspect.graph import to_dot, to_mermaid, to_svg
from bayes_synth.inspect.png import to_png
from bayes_synth.inspect.query import query

__all__ = ["AuditResult", "audit_data", "audit_file", "explain", "explain_text", "model_card", "query",
           "strongest_dependencies", "to_dot", "to_mermaid", "to_png", "to_svg"]
