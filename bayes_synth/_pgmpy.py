"""Adapter to pgmpy: the only module that imports it (lazily, on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bayes_synth.model import Model


def to_pgmpy(model: Model):
    """Build a pgmpy ``DiscreteBayesianNetwork`` with one ``TabularCPD`` per column."""
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    net = DiscreteBayesianNetwork()
    net.add_nodes_from(model.columns)
    net.add_edges_from(model.edges())
    cpds = []
    for i, name in enumerate(model.columns):
        ps = [model.columns[p] for p in model.parents_idx[i]]
        states = {name: model.codecs[name].labels()}
        states.update({p: model.codecs[p].labels() for p in ps})
        cpds.append(TabularCPD(
            variable=name,
            variable_card=model.codecs[name].size,
            values=model.tables[i].T,
            evidence=ps or None,
            evidence_card=[model.codecs[p].size for p in ps] or None,
            state_names=states,
        ))
    net.add_cpds(*cpds)
    net.check_model()
    return net
