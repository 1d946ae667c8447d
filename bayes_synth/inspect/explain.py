"""What drives a column and how much: mutual information along the network's edges.

Every number comes from the model's own joint distribution (:mod:`bayes_synth.inspect.joint`), never
from data: it describes what the synthetic rows will show, not what the real table holds. Mutual
information is in bits; ``share`` divides it by the column's entropy (how much of the column's
uncertainty one parent removes on its own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bayes_synth.inspect.joint import MAX_CELLS, model_joint

if TYPE_CHECKING:
    from bayes_synth.model import Model


def entropy_bits(p: np.ndarray) -> float:
    """Shannon entropy of a distribution, in bits.

    >>> entropy_bits(np.array([0.5, 0.5]))
    1.0
    """
    p = np.asarray(p, dtype=float).ravel()
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum()) + 0.0


def mutual_information_bits(joint: np.ndarray) -> float:
    """I(X; Y) in bits from a 2-D joint table P(x, y) (rows x, columns y); never negative.

    >>> mutual_information_bits(np.array([[0.5, 0.0], [0.0, 0.5]]))
    1.0
    >>> mutual_information_bits(np.full((2, 2), 0.25))
    0.0
    """
    p = np.asarray(joint, dtype=float)
    p = p.reshape(p.shape[0], -1)
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    mask = p > 0
    ratio = np.where(mask, p / np.where(mask, px * py, 1.0), 1.0)
    return max(float((p[mask] * np.log2(ratio[mask])).sum()), 0.0)


def family_information(model: Model, column: str, *, max_cells: int = MAX_CELLS) -> dict[str, Any]:
    """I(column; each parent), I(column; all parents) and H(column) from the family's joint.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> info = family_information(tiny_model(), "age")
    >>> info["method"], round(info["parents"]["sex"], 4)
    ('exact', 0.0296)
    """
    i = model.columns.index(column)
    ps = list(model.parents_idx[i])
    joint = model_joint(model, [i, *ps], max_cells=max_cells)
    own = joint.marginal([i])
    h = entropy_bits(own)
    per_parent = {model.columns[p]: mutual_information_bits(joint.marginal([i, p])) for p in ps}
    together = mutual_information_bits(joint.marginal([i, *ps]).reshape(len(own), -1)) if ps else 0.0
    return {"column": column, "entropy_bits": h, "parents": per_parent, "parents_together_bits": together,
            "method": joint.method, "note": joint.note}


def explain(model: Model, column: str, *, max_cells: int = MAX_CELLS) -> dict[str, Any]:
    """The parents of ``column`` with I(column; parent), and the children it drives with I(child; column).

    Plain data (JSON-ready); :func:`explain_text` renders it.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> e = explain(tiny_model(), "age")
    >>> [p["column"] for p in e["parents"]], [c["column"] for c in e["children"]]
    (['sex'], ['income'])
    """
    model._index(column)  # unknown column: ParameterError naming the model's columns
    own = family_information(model, column, max_cells=max_cells)
    h = own["entropy_bits"]
    parents = sorted(({"column": p, "mutual_information_bits": mi, "share_of_entropy": _share(mi, h)}
                      for p, mi in own["parents"].items()), key=lambda d: -d["mutual_information_bits"])
    children, methods, notes = [], {own["method"]}, [own["note"]] if own["note"] else []
    for child in model.children(column):
        info = family_information(model, child, max_cells=max_cells)
        mi = info["parents"][column]
        children.append({"column": child, "mutual_information_bits": mi,
                         "share_of_child_entropy": _share(mi, info["entropy_bits"]),
                         "other_parents": [p for p in model.parents(child) if p != column]})
        methods.add(info["method"])
        notes += [info["note"]] if info["note"] else []
    children.sort(key=lambda d: -d["mutual_information_bits"])
    return {
        "column": column,
        "kind": model.codecs[column].kind,
        "values": model.codecs[column].size,
        "entropy_bits": h,
        "parents": parents,
        "parents_together_bits": own["parents_together_bits"],
        "parents_together_share": _share(own["parents_together_bits"], h),
        "children": children,
        "method": "sampled" if "sampled" in methods else "exact",
        "notes": sorted(set(notes)),
    }


def explain_text(info: dict[str, Any]) -> str:
    """A short readable rendering of :func:`explain`'s result.

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> print(explain_text(explain(tiny_model(), "sex")))  # doctest: +NORMALIZE_WHITESPACE
    sex (categorical, 2 values, entropy 0.971 bits)
      driven by: nothing (a root of the network: drawn from its own distribution)
      drives (mutual information):
        income  0.0349 bits  (3.3% of income's entropy)
        age     0.0296 bits  (1.9% of age's entropy)
      computed exactly from the model's own joint distribution
    """
    col, h = info["column"], info["entropy_bits"]
    lines = [f"{col} ({info['kind']}, {info['values']} values, entropy {h:.3g} bits)"]
    if info["parents"]:
        lines.append("  driven by (mutual information with each parent):")
        width = max(len(p["column"]) for p in info["parents"])
        lines += [f"    {p['column']:<{width}}  {p['mutual_information_bits']:.4f} bits  "
                  f"({_pct(p['share_of_entropy'])} of {col}'s entropy)" for p in info["parents"]]
        if len(info["parents"]) > 1:
            lines.append(f"    all parents together: {info['parents_together_bits']:.4f} bits "
                         f"({_pct(info['parents_together_share'])})")
    else:
        lines.append("  driven by: nothing (a root of the network: drawn from its own distribution)")
    if info["children"]:
        lines.append("  drives (mutual information):")
        width = max(len(c["column"]) for c in info["children"])
        lines += [f"    {c['column']:<{width}}  {c['mutual_information_bits']:.4f} bits  "
                  f"({_pct(c['share_of_child_entropy'])} of {c['column']}'s entropy)" for c in info["children"]]
    else:
        lines.append("  drives: nothing (no column is conditioned on it)")
    lines.append("  computed exactly from the model's own joint distribution" if info["method"] == "exact"
                 else "  some values " + "; ".join(info["notes"]))
    return "\n".join(lines)


def strongest_dependencies(model: Model, k: int | None = 10, *, max_cells: int = MAX_CELLS) -> pd.DataFrame:
    """The network's edges ranked by mutual information I(child; parent), strongest first (top ``k``).

    >>> from bayes_synth.inspect.examples import tiny_model
    >>> strongest_dependencies(tiny_model(), k=2)[["parent", "child"]].values.tolist()
    [['age', 'income'], ['sex', 'income']]
    """
    rows = []
    for child in model.columns:
        if not model.parents(child):
            continue
        info = family_information(model, child, max_cells=max_cells)
        rows += [{"parent": p, "child": child, "mutual_information_bits": mi,
                  "share_of_child_entropy": _share(mi, info["entropy_bits"]), "method": info["method"]}
                 for p, mi in info["parents"].items()]
    cols = ["parent", "child", "mutual_information_bits", "share_of_child_entropy", "method"]
    frame = pd.DataFrame(rows, columns=cols).sort_values("mutual_information_bits", ascending=False, kind="stable")
    frame = frame.head(k) if k is not None else frame
    return frame.reset_index(drop=True).rename(index=lambda r: r + 1)


def _share(mi: float, h: float) -> float:
    return mi / h if h > 0 else 0.0


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"
