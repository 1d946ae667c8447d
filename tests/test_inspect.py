"""The explainable-model API: tables, explain, query, strongest dependencies, model card, pictures, inspect CLI.

Exactness is checked against brute force: a small hand-built network with random tables is enumerated
cell by cell (every combination of every column's codes), and ``query`` (pgmpy) and the forward
propagation of :mod:`bayes_synth.inspect.joint` must agree with it within 1e-9.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import warnings
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from bayes_synth import Synthesizer
from bayes_synth.encode import CategoricalCodec, NumericCodec
from bayes_synth.errors import ParameterError, PrivacyWarning
from bayes_synth.ingest import read_table
from bayes_synth.inspect import cli as inspect_cli
from bayes_synth.inspect.examples import tiny_model
from bayes_synth.inspect.explain import explain, mutual_information_bits
from bayes_synth.inspect.graph import to_dot, to_mermaid, to_svg
from bayes_synth.inspect.joint import exact_joint, frontier_cells, model_joint
from bayes_synth.inspect.layout import layout
from bayes_synth.model import Model
from bayes_synth.modelfile import save_model
from bayes_synth.privacy.ledger import Ledger
from bayes_synth.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "examples" / "data" / "adult.csv"
SCHEMA = json.loads((ROOT / "examples" / "adult_schema.json").read_text())
COLUMNS = ["age", "education-num", "sex", "relationship", "marital-status", "income", "hours-per-week"]
INF = float("inf")


# ------------------------------------------------------------------------------------------ models
def random_model(seed: int = 0, zero: bool = False) -> Model:
    """Four columns, every kind of codec, random tables: colour -> size -> ok, colour & size -> flag."""
    rng = np.random.default_rng(seed)
    codecs = {
        "colour": CategoricalCodec("colour", "categorical", ["red", "green", "blue"], nullable=False),
        "size": NumericCodec("size", "integer", np.arange(0, 21, dtype=float), np.array([0, 5, 12]),
                             np.full(20, 0.05), nullable=True),
        "ok": CategoricalCodec("ok", "boolean", [False, True], nullable=True),
        "flag": CategoricalCodec("flag", "categorical", ["a", "b"], nullable=False),
    }
    schema = Schema.from_dict({"colour": {"kind": "categorical", "categories": ["red", "green", "blue"],
                                          "nullable": False},
                               "size": {"kind": "integer", "min": 0, "max": 19},
                               "ok": {"kind": "boolean"},
                               "flag": {"kind": "categorical", "categories": ["a", "b"], "nullable": False}})
    parents = ((), (0,), (1,), (0, 1))
    sizes = [3, 4, 3, 2]
    tables = []
    for i, ps in enumerate(parents):
        rows = math.prod(sizes[p] for p in ps)
        t = rng.dirichlet(np.ones(sizes[i]), size=rows)
        if zero and i == 2:
            t[:, 1] = 0.0  # 'ok' is never True
            t /= t.sum(axis=1, keepdims=True)
        tables.append(t)
    return Model(schema, codecs, (0, 1, 2, 3), parents, tables, Ledger(INF), {"seeded": False})


def brute_joint(model: Model) -> np.ndarray:
    """P(all columns) by enumerating every cell."""
    sizes = model.sizes
    joint = np.zeros(sizes)
    for cell in itertools.product(*[range(s) for s in sizes]):
        p = 1.0
        for i, ps in enumerate(model.parents_idx):
            row = np.ravel_multi_index(tuple(cell[q] for q in ps), tuple(sizes[q] for q in ps)) if ps else 0
            p *= model.tables[i][row, cell[i]]
        joint[cell] = p
    return joint


def brute_query(model: Model, target: str, codes: dict[str, int]) -> np.ndarray:
    joint = brute_joint(model)
    index = tuple(codes.get(c, slice(None)) for c in model.columns)
    sub = joint[index]
    free = [c for c in model.columns if c not in codes]
    t = free.index(target)
    marg = sub.sum(axis=tuple(a for a in range(sub.ndim) if a != t))
    return marg / marg.sum()


def fit(frame: pd.DataFrame, **params) -> Synthesizer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrivacyWarning)
        return Synthesizer(**params).fit(frame)


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return read_table(ADULT).iloc[:3000][COLUMNS].reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(adult) -> Model:
    """Seed 2 gives income two parents and two children (the structure is a DP output, reproducible by seed)."""
    model = fit(adult, epsilon=1.0, schema={c: SCHEMA[c] for c in COLUMNS}, random_state=2, max_parents=2).model_
    assert model.parents("income") and model.children("income"), "pick a seed where income has parents and children"
    return model


@pytest.fixture(scope="module")
def fitted_path(fitted, tmp_path_factory) -> Path:
    return save_model(fitted, tmp_path_factory.mktemp("inspect") / "model.json")


# ------------------------------------------------------------------------------------------- table
def test_table_is_readable(fitted):
    frame = fitted.table("income")
    parents = fitted.parents("income")
    assert list(frame.columns) == fitted.codecs["income"].labels()
    assert list(frame.index.names) == list(parents) or not parents
    assert np.allclose(frame.sum(axis=1), 1)
    age = fitted.table("age")
    assert all(re.fullmatch(r"\[\d+, \d+\]|\d+", label) for label in age.columns)  # bins shown as ranges


# ------------------------------------------------------------------------------------------- joint
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_propagation_is_exact(seed):
    model = random_model(seed)
    full = brute_joint(model)
    got = exact_joint(model.order, model.parents_idx, model.tables, model.sizes, [0, 1, 2, 3])
    assert np.abs(got - full).max() < 1e-12
    pair = exact_joint(model.order, model.parents_idx, model.tables, model.sizes, [3, 2])
    assert np.abs(pair - full.sum(axis=(0, 1)).T).max() < 1e-12


def test_joint_falls_back_to_sampling_and_says_so():
    model = random_model(3)
    exact = model_joint(model, [3, 2])
    sampled = model_joint(model, [3, 2], max_cells=frontier_cells(model.order, model.parents_idx, model.sizes,
                                                                  [3, 2]) - 1)
    assert exact.method == "exact" and sampled.method == "sampled"
    assert "200,000 rows" in sampled.note
    assert np.abs(sampled.table - exact.table).max() < 0.01


# ------------------------------------------------------------------------------------------- query
@pytest.mark.parametrize("seed", [0, 1])
def test_query_agrees_with_brute_force(seed):
    model = random_model(seed)
    # (target, evidence as values, the same evidence as codes worked out by hand)
    cases = [("flag", {}, {}), ("colour", {"flag": "b"}, {"flag": 1}),
             ("size", {"ok": True, "colour": "green"}, {"ok": 1, "colour": 1}),
             ("ok", {"flag": "a", "colour": "red"}, {"flag": 0, "colour": 0}),
             ("colour", {"ok": None}, {"ok": 2}), ("flag", {"size": "[5, 11]"}, {"size": 1}),
             ("colour", {"size": 7, "flag": "a"}, {"size": 1, "flag": 0}), ("ok", {"size": None}, {"size": 3}),
             ("size", {"ok": "false"}, {"ok": 0})]
    for target, evidence, codes in cases:
        got = model.query(target, evidence)
        assert list(got.index) == model.codecs[target].labels()
        want = brute_query(model, target, codes)
        assert np.abs(got.to_numpy() - want).max() < 1e-9, (target, evidence)


def test_numeric_evidence_maps_to_its_bin():
    model = random_model(5)
    by_label = model.query("colour", {"size": "[5, 11]"})
    for value in (5, 7, 11, 11.0, "9"):
        assert np.abs(model.query("colour", {"size": value}).to_numpy() - by_label.to_numpy()).max() < 1e-12
    want = brute_query(model, "colour", {"size": 0})
    assert np.abs(model.query("colour", {"size": 4}).to_numpy() - want).max() < 1e-9
    with pytest.raises(ParameterError, match="outside the range"):
        model.query("colour", {"size": 20})


def test_query_refuses_bad_evidence():
    model = random_model(0, zero=True)
    with pytest.raises(ParameterError, match="probability zero"):
        model.query("colour", {"ok": True})
    with pytest.raises(ParameterError, match="not a value"):
        model.query("colour", {"flag": "z"})
    with pytest.raises(ParameterError, match="cannot be missing"):
        model.query("size", {"colour": None})
    with pytest.raises(ParameterError, match="both the target"):
        model.query("colour", {"colour": "red"})
    with pytest.raises(ParameterError, match="Unknown column"):
        model.query("nope")


def test_query_on_a_fitted_model_agrees_with_forward_propagation(fitted):
    got = fitted.query("income", {"sex": "Female"})
    i, s = fitted.columns.index("income"), fitted.columns.index("sex")
    joint = exact_joint(fitted.order, fitted.parents_idx, fitted.tables, fitted.sizes, [s, i])
    female = fitted.codecs["sex"].labels().index("Female")
    want = joint[female] / joint[female].sum()
    assert np.abs(got.to_numpy() - want).max() < 1e-9
    assert got.name == "P(income | sex=Female)"


# ----------------------------------------------------------------------------------------- explain
def test_explain_parents_children_and_mutual_information(fitted):
    info = fitted.explain("income")
    assert [p["column"] for p in info["parents"]] and {p["column"] for p in info["parents"]} == set(
        fitted.parents("income"))
    assert {c["column"] for c in info["children"]} == set(fitted.children("income"))
    assert info["method"] == "exact"
    for p in info["parents"]:
        assert 0 <= p["mutual_information_bits"] <= info["entropy_bits"] + 1e-12
    text = fitted.explain("income", format="text")
    assert all(p in text for p in fitted.parents("income"))
    json.dumps(info)


def test_mutual_information_of_a_copy_is_the_entropy():
    t = [np.array([[0.25, 0.75]]), np.eye(2)]
    model = tiny_model(tables=[t[0], np.array([[1.0, 0, 0], [0, 1.0, 0]]),
                               np.tile([0.5, 0.5, 0.0], (6, 1))])
    info = explain(model, "age")
    h = -(0.25 * math.log2(0.25) + 0.75 * math.log2(0.75))
    assert abs(info["parents"][0]["mutual_information_bits"] - h) < 1e-12
    assert info["parents"][0]["share_of_entropy"] == pytest.approx(1.0)
    assert mutual_information_bits(np.full((3, 4), 1 / 12)) == 0.0


def test_explain_says_when_it_sampled():
    info = explain(random_model(1), "flag", max_cells=2)
    assert info["method"] == "sampled" and "sampled" in info["notes"][0]


def test_strongest_dependencies_ranked(fitted):
    deps = fitted.strongest_dependencies(k=3)
    assert len(deps) == min(3, len(fitted.edges()))
    mi = deps["mutual_information_bits"].tolist()
    assert mi == sorted(mi, reverse=True)
    assert set(zip(deps["parent"], deps["child"], strict=True)) <= set(fitted.edges())
    assert len(fitted.strongest_dependencies(k=None)) == len(fitted.edges())


# -------------------------------------------------------------------------------------- model card
def test_model_card_dp_model(fitted):
    card = fitted.model_card()
    for phrase in ("epsilon", "delta", "add/remove one record", "one row", "What is not covered",
                   "Budget split by query kind", "structure", "counts"):
        assert phrase in card
    assert "seeded" in card.lower()  # random_state given: stamped seeded


def test_model_card_not_dp_and_seeded():
    card = tiny_model(INF).model_card()
    assert "NOT DP" in card and "seeded" not in card.lower()
    assert "seeded noise" in tiny_model(1.0, seeded=True).model_card()
    assert "NOT DP" not in tiny_model(1.0).model_card()


def test_model_card_void_and_metadata():
    model = tiny_model()
    model.ledger.charge("metadata", ("age",), "none (assumed public)", 0, Fraction(0), note="kinds inferred")
    model.ledger.charge("disclosure_filter", ("age",), "none: reads the real data (no DP)", 0, Fraction(0))
    card = model.model_card()
    assert "DP guarantee void" in card
    assert "age: kinds inferred" in card


def test_model_card_html_and_semantic_types():
    model = tiny_model()
    model.semantics = {"columns": {"income": {"type": "money"}}}
    page = model.model_card("html")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "money" in page
    with pytest.raises(ParameterError):
        model.model_card("pdf")


# ----------------------------------------------------------------------------------------- pictures
def fake_model(names: list[str], parents: list[tuple[int, ...]]):
    """What the graph functions read of a model: names, parents, codecs' kinds and sizes, edges."""
    kinds = ["categorical", "integer", "boolean", "date"]
    codecs = {n: SimpleNamespace(kind=kinds[i % 4], size=2) for i, n in enumerate(names)}
    return SimpleNamespace(columns=names, parents_idx=tuple(parents), codecs=codecs,
                           edges=lambda: [(names[p], names[c]) for c in range(len(names)) for p in parents[c]])


def random_dag(n: int, seed: int) -> list[tuple[int, ...]]:
    rng = np.random.default_rng(seed)
    return [tuple(sorted(rng.choice(i, size=min(i, int(rng.integers(0, 4))), replace=False).tolist())) if i else ()
            for i in range(n)]


NAMES = ["age", "education-num", "marital status", 'say "hi"', "a<b&c", "x"]
PARENTS = [(), (0,), (0, 1), (2,), (1, 3), ()]


def test_dot_is_a_digraph_with_every_edge():
    model = fake_model(NAMES, PARENTS)
    dot = to_dot(model)
    assert re.match(r"digraph \w+ \{", dot) and dot.rstrip().endswith("}")
    edges = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*->\s*("(?:[^"\\]|\\.)*");$', dot, flags=re.M)

    def unquote(q: str) -> str:
        return re.sub(r"\\(.)", r"\1", q[1:-1])

    assert sorted((unquote(a), unquote(b)) for a, b in edges) == sorted(model.edges())
    try:
        import pydot  # noqa: F401 -- optional
    except ImportError:
        return
    from networkx.drawing.nx_pydot import from_pydot

    (graph,) = pydot.graph_from_dot_data(dot)
    assert from_pydot(graph).is_directed()


def test_mermaid_has_every_edge_and_quoted_labels():
    model = fake_model(NAMES, PARENTS)
    text = to_mermaid(model, direction="TD")
    assert text.splitlines()[0] == "graph TD"
    ids = dict(re.findall(r'^\s+(n\d+)\["([^"]*)"\]$', text, flags=re.M))
    assert len(ids) == len(NAMES) and ids["n2"] == "marital status" and "#quot;" in ids["n3"]
    found = re.findall(r"^\s+(n\d+) --> (n\d+)$", text, flags=re.M)
    by_id = {k: NAMES[int(k[1:])] for k in ids}
    assert sorted((by_id[a], by_id[b]) for a, b in found) == sorted(model.edges())


SVG_NS = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of every column's box: a ``rect`` of class node (the hand-drawn SVG) or the
    bounding box of the path inside a ``g`` of class node (matplotlib's SVG)."""
    out = []
    for el in ET.fromstring(svg).iter():
        if el.get("class") != "node":
            continue
        if el.tag == f"{SVG_NS}rect":
            out.append(tuple(float(el.get(k)) for k in ("x", "y", "width", "height")))
        else:
            path = el.find(f"{SVG_NS}path")
            xy = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.get("d"))]
            xs, ys = xy[0::2], xy[1::2]
            out.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    return out


@pytest.fixture()
def no_matplotlib(monkeypatch):
    """``import matplotlib`` fails, as when the optional extra is not installed."""
    import sys

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


@pytest.fixture(params=["matplotlib", "hand-drawn"])
def svg_engine(request) -> str:
    """Run an SVG test with matplotlib (when installed) and with the hand-drawn fallback."""
    if request.param == "matplotlib":
        pytest.importorskip("matplotlib")
    else:
        request.getfixturevalue("no_matplotlib")
    return request.param


@pytest.mark.parametrize("direction", ["LR", "TD"])
def test_svg_well_formed_one_box_per_column_no_overlap(direction, svg_engine):
    names = [f"column-{i} {'x' * (i % 7)}" for i in range(30)]
    parents = random_dag(30, seed=7)
    model = fake_model(names, parents)
    svg = to_svg(model, direction=direction)
    root = ET.fromstring(svg)  # valid XML
    assert root.tag == f"{SVG_NS}svg" and svg.startswith("<svg")
    w, h = (float(v) for v in root.get("viewBox").split()[2:])
    boxes = _boxes(svg)
    assert len(boxes) == 30
    assert svg.count('class="edge"') == len(model.edges())
    for x, y, bw, bh in boxes:
        assert x >= 0 and x + bw <= w and y >= 0 and y + bh <= h
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(boxes, 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1, "boxes overlap"


def test_layout_reduces_crossings_and_escapes_names(svg_engine):
    from bayes_synth.inspect.layout import count_crossings  # noqa: F401 -- part of the layout's API

    lay = layout(NAMES, PARENTS)
    for parent, child, _ in lay.routes:
        assert lay.boxes[parent].layer < lay.boxes[child].layer
    svg = to_svg(fake_model(NAMES, PARENTS))
    root = ET.fromstring(svg)  # quotes, < and & escaped
    assert len(_boxes(svg)) == len(NAMES)
    hover = sorted(t.text for t in root.iter(f"{SVG_NS}title"))
    assert "a<b&c (categorical)" in hover and 'say "hi" \u2192 a<b&c' in hover  # boxes and arrows tell what they are
    with pytest.raises(ValueError, match="cycle"):
        layout(["a", "b"], [(1,), (0,)])


def test_svg_is_drawn_by_matplotlib_when_installed():
    pytest.importorskip("matplotlib")
    from bayes_synth.inspect.graph import KIND_COLOURS, svg_from_layout

    svg = to_svg(tiny_model())
    root = ET.fromstring(svg)
    assert "Matplotlib" in svg and "<?xml" not in svg and svg.startswith("<svg")  # embeddable as it is
    assert svg != svg_from_layout(layout(tiny_model().columns, tiny_model().parents_idx), {})
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert {"sex", "age", "income"} <= set(texts)  # names stay text, and the title is visible too
    assert any(t.startswith("Bayesian network: 3 columns") for t in texts)
    assert KIND_COLOURS["categorical"] in svg
    assert svg == to_svg(tiny_model()), "no date or random ids: the same model gives the same file"


def test_svg_falls_back_to_the_hand_drawn_one_without_matplotlib(no_matplotlib):
    from bayes_synth.inspect.graph import svg_from_layout

    model = tiny_model()
    svg = to_svg(model)
    ET.fromstring(svg)
    kinds = {c: model.codecs[c].kind for c in model.columns}
    assert svg == svg_from_layout(layout(model.columns, model.parents_idx), kinds,
                                  title="Bayesian network: 3 columns, 3 edges")
    assert "Matplotlib" not in svg


def test_model_graph_method(fitted):
    assert fitted.graph("dot").startswith("digraph")
    assert fitted.graph("mermaid").startswith("graph LR")
    assert len(_boxes(fitted.graph("svg"))) == len(fitted.columns)
    income = {"income", *fitted.parents("income"), *fitted.children("income")}
    assert len(_boxes(fitted.graph("svg", column="income"))) == len(income) < len(fitted.columns)
    with pytest.raises(ParameterError):
        fitted.graph("gif")


# -------------------------------------------------------------------------------------- inspect CLI
def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = inspect_cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_inspect_text(fitted, fitted_path, capsys):
    code, out, _ = run(["inspect", str(fitted_path)], capsys)
    assert code == 0
    income_line = next(ln for ln in out.splitlines() if ln.strip().startswith("- income <- "))
    assert all(p in income_line for p in fitted.parents("income"))
    spent = fitted.ledger.spent_epsilon
    assert f"Total: epsilon {spent.numerator if spent.denominator == 1 else spent} of budget 1" in out
    assert "FLAG: seeded noise" in out
    assert "Strongest dependencies" in out and "Privacy ledger" in out and "bayes_synth.model version 1" in out


def test_inspect_flags_not_dp(tmp_path, capsys):
    path = save_model(tiny_model(INF), tmp_path / "m.json")
    code, out, _ = run(["inspect", str(path)], capsys)
    assert code == 0 and "FLAG: NOT DP (epsilon = inf)" in out


def test_inspect_json_markdown_and_column(fitted, fitted_path, capsys):
    code, out, _ = run(["inspect", str(fitted_path), "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["network"]["parents"]["income"] == list(fitted.parents("income"))
    assert data["privacy"]["within_budget"] is True and "seeded noise" in data["flags"][0]
    code, out, _ = run(["inspect", str(fitted_path), "--format", "markdown"], capsys)
    assert code == 0 and out.startswith("# Model") and "| step | query kind |" in out
    code, out, _ = run(["inspect", str(fitted_path), "--column", "income"], capsys)
    assert code == 0 and "driven by" in out and "P(income |" in out
    code, out, _ = run(["inspect", str(fitted_path), "--column", "income", "--format", "json"], capsys)
    column = json.loads(out)
    assert column["explain"]["column"] == "income" and len(column["table"]["values"][0]) == 2
    code, _, err = run(["inspect", str(fitted_path), "--column", "nope"], capsys)
    assert code == 2 and "Unknown column 'nope'" in err


def test_inspect_graph_and_card_to_files(fitted_path, tmp_path, capsys):
    svg = tmp_path / "net.svg"
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "svg", "-o", str(svg)], capsys)
    assert code == 0 and "Wrote the svg graph" in out
    ET.fromstring(svg.read_text())
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "svg", "-o", str(svg)], capsys)
    assert code == 2  # no overwrite without --force
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "mermaid"], capsys)
    assert code == 0 and out.startswith("graph LR")
    code, out, _ = run(["inspect", str(fitted_path), "--card", "markdown"], capsys)
    assert code == 0 and "add/remove one record" in out


# ------------------------------------------------------------------------------------------ PNG pictures
def _decode_png(data: bytes) -> np.ndarray:
    """The picture as an (height, width, channels) array, decoded by matplotlib."""
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(data), format="png")


def _hex_rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_png_is_a_valid_picture_in_the_kind_colours():
    pytest.importorskip("matplotlib")
    from bayes_synth.inspect.graph import KIND_COLOURS
    from bayes_synth.inspect.png import PNG_SIGNATURE, to_png

    data = to_png(tiny_model(), title="tiny")
    assert data.startswith(PNG_SIGNATURE) and data.startswith(b"\x89PNG\r\n\x1a\n")
    image = _decode_png(data)
    height, width, channels = image.shape
    assert channels in (3, 4) and 100 < height < 1000 and height < width < 3000
    rgb = np.rint(image[..., :3] * 255).astype(int).reshape(-1, 3)
    pixels = set(map(tuple, rgb.tolist()))
    assert len(pixels) > 10, "blank picture"
    for kind in ("categorical", "integer"):  # tiny_model's kinds; boxes are filled with the SVG's colours
        assert _hex_rgb(KIND_COLOURS[kind]) in pixels
    assert _decode_png(to_png(tiny_model(), direction="TD")).shape[0] > 100
    with pytest.raises(ParameterError, match="dpi"):
        to_png(tiny_model(), dpi=50)


def test_png_grows_with_the_layout_so_text_keeps_its_size():
    pytest.importorskip("matplotlib")
    from bayes_synth.inspect.png import to_png

    names = [f"column-{i} {'x' * (i % 7)}" for i in range(30)]
    parents = random_dag(30, seed=7)
    big = _decode_png(to_png(fake_model(names, parents), dpi=72))
    small = _decode_png(to_png(fake_model(names[:3], [(), (0,), (0, 1)]), dpi=72))
    lay = layout(names, parents)
    # at dpi 72 one layout pixel is one image pixel: the picture is at least the SVG's size, never shrunk
    assert big.shape[1] >= int(lay.width) and big.shape[0] >= int(lay.height)
    assert big.shape[0] > 1.5 * small.shape[0] and big.shape[1] > 1.5 * small.shape[1]
    double = _decode_png(to_png(fake_model(names, parents), dpi=144))
    assert abs(double.shape[1] - 2 * big.shape[1]) <= 2 and abs(double.shape[0] - 2 * big.shape[0]) <= 2


def test_model_graph_png(fitted):
    pytest.importorskip("matplotlib")
    data = fitted.graph("png", direction="TD")
    assert isinstance(data, bytes) and data.startswith(b"\x89PNG\r\n\x1a\n")


def test_inspect_graph_png_needs_a_file_and_force(fitted_path, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code, out, err = run(["inspect", str(fitted_path), "--graph", "png"], capsys)
    assert code == 2 and "-o FILE" in err and out == ""
    target = tmp_path / "net.png"
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "png", "-o", str(target)], capsys)
    assert code == 0 and "Wrote the png graph" in out
    first = target.read_bytes()
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and _decode_png(first).shape[0] > 100
    code, _, err = run(["inspect", str(fitted_path), "--graph", "png", "--direction", "TD", "-o", str(target)],
                       capsys)
    assert code == 2 and "exists already" in err and target.read_bytes() == first
    code, _, _ = run(["inspect", str(fitted_path), "--graph", "png", "--direction", "TD", "-o", str(target),
                      "--force", "-q"], capsys)
    assert code == 0 and target.read_bytes() != first and target.read_bytes().startswith(b"\x89PNG")


def test_png_without_matplotlib_says_how_to_install_it(monkeypatch, fitted_path, tmp_path, capsys):
    import sys

    from bayes_synth.errors import BayesSynthError, MissingDependencyError
    from bayes_synth.inspect.png import to_png

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # 'import matplotlib...' now fails
    with pytest.raises(MissingDependencyError) as caught:
        to_png(tiny_model())
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, BayesSynthError)
    message = str(caught.value)
    assert "PNG pictures need matplotlib: pip install 'bayes_synth[pictures]'" in message and "SVG" in message
    target = tmp_path / "net.png"
    code, _, err = run(["inspect", str(fitted_path), "--graph", "png", "-o", str(target)], capsys)
    assert code == 2 and "pip install 'bayes_synth[pictures]'" in err and not target.exists()
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "svg"], capsys)
    assert code == 0 and out.startswith("<svg")  # the other pictures need nothing


# ------------------------------------------------------------------- what inspect and the card must show
def _text_sections(out: str) -> dict[str, str]:
    """The inspect text report split at its underlined headings: heading -> body."""
    lines = out.splitlines()
    heads = [i for i in range(len(lines) - 1) if lines[i] and set(lines[i + 1]) <= {"-", "="}
             and len(lines[i + 1]) == len(lines[i])]
    return {lines[i]: "\n".join(lines[i + 2:[*heads, len(lines) + 1][k + 1] - 1]) for k, i in enumerate(heads)}


def _md_section(text: str, heading: str) -> str:
    """The Markdown between ``heading`` (a whole line) and the next heading."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[start:end])


RULES_TEXT = "# adults only\nrule age >= 18   # a comment that must be kept\n\nrule age <= 99\n"


def test_inspect_shows_the_columns_table_rules_and_versions(tmp_path, capsys):
    from bayes_synth.inspect.card import domain_text

    model = tiny_model()
    model.rules_source = RULES_TEXT
    model.rules_origin = {"file": "rules.bsc", "sha256": "ab" * 32, "as_written": True}
    model.settings["versions"] = {"bayes_synth": "0.1.0", "numpy": "9.8.7", "pgmpy": "1.1.2", "scipy": "1.17.1"}
    code, out, _ = run(["inspect", str(save_model(model, tmp_path / "m.json"))], capsys)
    sections = _text_sections(out)
    assert code == 0
    columns = sections["Columns"].strip("\n").splitlines()
    assert re.fullmatch(r"\s+column\s+kind\s+semantic type\s+modelled domain", columns[0])
    for name in model.columns:  # one row per column: its kind and modelled domain
        row = next(ln for ln in columns if ln.split()[0] == name)
        assert model.codecs[name].kind in row and domain_text(model, name) in row
    rules = sections["Rules"]
    for line in RULES_TEXT.splitlines():  # the rules source, as stored (comments included)
        assert line.strip() in rules
    assert "file: rules.bsc" in rules and f"SHA-256 of the file's bytes: {'ab' * 32}" in rules
    assert "stored in the model as written" in rules
    versions = sections["Format and versions"]
    for pkg, version in model.settings["versions"].items():
        assert f"- {pkg}: {version}" in versions
    code, out, _ = run(["inspect", str(save_model(tiny_model(), tmp_path / "plain.json"))], capsys)
    assert _text_sections(out)["Rules"].strip() == "No constraints file."


def test_a_fit_records_scipy_and_pgmpy_versions(fitted, fitted_path, capsys):
    import importlib.metadata as md

    versions = fitted.settings["versions"]
    assert {"bayes_synth", "numpy", "pandas", "scipy", "pgmpy", "diffprivlib"} <= set(versions)
    code, out, _ = run(["inspect", str(fitted_path)], capsys)
    for pkg in ("scipy", "pgmpy"):
        assert f"- {pkg}: {md.version(pkg)}" in _text_sections(out)["Format and versions"]


def test_model_card_lists_declared_public_and_estimated_under_dp(fitted):
    card = fitted.model_card()
    declared = _md_section(card, "### Declared public (costs nothing)")
    estimated = _md_section(card, "### Estimated under DP (charged to the ledger)")
    assert declared.strip() and estimated.strip()
    for column in fitted.columns:  # every column's declared facts are listed
        assert column in declared
    assert "bounds" in declared and "categories" in declared and "nullability" in declared
    for fact in ("row count", "network structure (parent choices)", "conditional probability tables"):
        assert fact in estimated
    counts = sum(e.query_kind == "counts" for e in fitted.ledger.entries)
    assert f"conditional probability tables ({counts} queries)" in estimated
    html = fitted.model_card("html")
    assert "Declared public (costs nothing)" in html and "Estimated under DP (charged to the ledger)" in html


# --------------------------------------------------------------------------------- rules as written
@pytest.fixture(scope="module")
def ruled(adult, tmp_path_factory):
    """Two no-noise fits: one with a single rules file (comments, blank lines), one with an include."""
    folder = tmp_path_factory.mktemp("rules")
    single = folder / "rules.bsc"
    single.write_bytes(RULES_TEXT.replace("\n", "\r\n").encode())  # CRLF: the hash is of the bytes as read
    (folder / "common.bsc").write_text("# shared\nrule age >= 18\n")
    main = folder / "main.bsc"
    main.write_text('include "common.bsc"\n# local\nrule age <= 99\n')
    out = {}
    for name, rules in (("single", single), ("include", main)):
        synth = fit(adult, epsilon=INF, schema={c: SCHEMA[c] for c in COLUMNS}, constraints=rules, max_parents=1)
        out[name] = (synth.save(folder / f"{name}.json"), rules)
    return out


def test_rules_are_stored_as_written_with_file_name_and_sha256(ruled, capsys):
    import hashlib

    from bayes_synth import load_model

    path, rules = ruled["single"]
    stored = json.loads(path.read_text())["rules"]
    assert stored["source"] == RULES_TEXT  # comments, blank lines and spacing kept (line ends as LF)
    assert stored["file"] == "rules.bsc" and stored["as_written"] is True
    assert stored["sha256"] == hashlib.sha256(rules.read_bytes()).hexdigest()
    model = load_model(path)
    assert (model.sample(300, random_state=0)["age"] >= 18).all()  # the stored text still drives sampling
    card = model.model_card()
    assert "stored in the model as written (comments and layout kept)" in card and stored["sha256"] in card
    assert "# a comment that must be kept" in card
    code, out, _ = run(["inspect", str(path)], capsys)
    assert code == 0 and "file: rules.bsc" in out and stored["sha256"] in out


def test_rules_with_includes_are_stored_in_canonical_form_and_say_so(ruled):
    import hashlib

    from bayes_synth import load_model

    path, rules = ruled["include"]
    stored = json.loads(path.read_text())["rules"]
    assert stored["as_written"] is False and stored["file"] == "main.bsc" and "include" not in stored["source"]
    assert stored["sha256"] == hashlib.sha256(rules.read_bytes()).hexdigest()
    card = load_model(path).model_card()
    assert "canonical form (includes expanded; comments and layout not kept)" in card
    assert "stored in the model as written" not in card


def test_stored_rules_may_not_include_files(ruled, tmp_path):
    from bayes_synth import load_model
    from bayes_synth.errors import ModelFormatError

    path, _ = ruled["single"]
    data = json.loads(path.read_text())
    secret = tmp_path / "secret.bsc"
    secret.write_text("rule age >= 0\n")
    data["rules"]["source"] = f'include "{secret}"\n' + data["rules"]["source"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ModelFormatError, match="must not include other files"):
        load_model(bad)


# ------------------------------------------------------------------------- options that go together
def test_inspect_graph_with_column_draws_its_neighbourhood(fitted, fitted_path, capsys):
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "mermaid", "--column", "income"], capsys)
    labels = set(re.findall(r'\["([^"]*)"\]', out))
    assert code == 0 and labels == {"income", *fitted.parents("income"), *fitted.children("income")}
    assert len(re.findall(r"-->", out)) >= len(fitted.parents("income")) + len(fitted.children("income"))
    code, out, _ = run(["inspect", str(fitted_path), "--graph", "svg", "--column", "income"], capsys)
    assert code == 0 and len(_boxes(out)) == len(labels) and "Neighbourhood of income" in out
    code, _, err = run(["inspect", str(fitted_path), "--graph", "dot", "--column", "nope"], capsys)
    assert code == 2 and "Unknown column 'nope'" in err


@pytest.mark.parametrize(("extra", "message"), [
    (["--graph", "svg", "--format", "json"], "--format json sets how the report is printed; --graph svg"),
    (["--graph", "mermaid", "--format", "text"], "--format text sets how the report is printed"),
    (["--card", "markdown", "--format", "markdown"], "--card markdown has its own format"),
    (["--card", "html", "--column", "income"], "the model card covers the whole model"),
])
def test_inspect_refuses_options_it_would_ignore(fitted_path, capsys, extra, message):
    code, out, err = run(["inspect", str(fitted_path), *extra], capsys)
    assert code == 2 and message in err and out == ""


# ------------------------------------------------------------------- load_model answers directly
def test_load_model_answers_the_auditors_questions(fitted_path):
    from bayes_synth import Synthesizer, load_model
    from bayes_synth.errors import NotFittedError
    from bayes_synth.modelview import ModelView

    model = load_model(fitted_path)
    inner = model.model_
    assert model.parents("income") == inner.parents("income") and model.children("income") == inner.children("income")
    assert model.columns == inner.columns and model.edges() == inner.edges()
    assert model.table("income").equals(inner.table("income"))
    assert model.explain("income") == inner.explain("income")
    assert model.explain("income", format="text") == inner.explain("income", format="text")
    evidence = {"sex": "Female"}
    assert model.query("income", evidence=evidence).equals(inner.query("income", evidence=evidence))
    assert model.ledger is inner.ledger and model.ledger.to_frame().equals(inner.ledger.to_frame())
    assert model.model_card() == inner.model_card() and model.model_card("html") == inner.model_card("html")
    assert model.strongest_dependencies(3).equals(inner.strongest_dependencies(3))
    assert model.graph("mermaid", column="income") == inner.graph("mermaid", column="income")
    fresh = Synthesizer()
    for call in (lambda: fresh.parents("income"), lambda: fresh.ledger, lambda: fresh.model_card(),
                 lambda: fresh.query("income"), lambda: fresh.table("income"), lambda: fresh.explain("income")):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            call()
    for name in ("parents", "children", "table", "explain", "query", "ledger", "model_card", "graph", "edges"):
        assert getattr(ModelView, name).__doc__, name
