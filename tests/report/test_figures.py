"""Report figures: byte-reproducible SVG with text as text and no label under 9 pt (12 px), Sankey
columns from the whole graph with a functional-unit box, system-boundary arrows clear of the
boxes, log histograms for samples over decades, distinct tornado labels, Sobol intervals."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from lca import calculate, load_study
from lca.report import figures as fig
from lca.report import gather
from lca.report.content import ReportOptions
from lca.report.html import render_html
from lca.report.sections import document

SVG = "{http://www.w3.org/2000/svg}"
FONT_SIZE = re.compile(r"font(?:-size)?:\s*(?:[a-z]+\s+)*([0-9.]+)px")

TWO_DEMANDS = '''
[study]
name = "training and serving"
functional_unit = "one model trained and served"

[demand]
training = { amount = 1, unit = "item" }
serving = { amount = 1, unit = "item" }

[processes.training]
unit = "item"
stage = "use"
source = "hand-made test"
technosphere = [{ product = "grid", amount = 300, unit = "kWh" }]

[processes.serving]
unit = "item"
stage = "use"
source = "hand-made test"
technosphere = [{ product = "grid", amount = 100, unit = "kWh" }]

[processes.grid]
unit = "kWh"
stage = "use"
source = "hand-made test"
biosphere = [{ flow = "co2", amount = 0.5, unit = "kg" }]
'''


@pytest.fixture(scope="module")
def flagship():
    return gather(load_study("lca:scenarios/llm_training_lifecycle.toml"), ReportOptions(samples=256))


def _font_sizes(svg: bytes) -> list[float]:
    # every styled element: <text>, and the <tspan>s of superscripts and mathtext
    root = ET.fromstring(svg)
    return [float(m) for e in root.iter() for m in FONT_SIZE.findall(e.get("style", ""))]


def test_render_is_byte_reproducible_svg_with_text():
    model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    first = fig.render(fig.stage_contributions(calculate(model)))
    second = fig.render(fig.stage_contributions(calculate(model)))
    assert first == second
    assert first.startswith(b"<svg") and b"<dc:date>" not in first
    text = "".join(ET.fromstring(first).itertext())
    assert "Contribution of lifecycle stages" in text  # a real <text>, not glyph outlines
    assert b"DejaVuSans-" not in first  # no embedded glyph paths


def test_every_label_of_the_flagship_report_is_at_least_9_pt(flagship):
    figures = [b.figure for b in document(flagship) if hasattr(b, "figure")]
    assert {f.name for f in figures} >= {"system_boundary", "climate_flow", "tornado", "sobol", "distributions"}
    assert b"1e-05" in next(f.svg for f in figures if f.name == "distributions")  # a log axis is among them
    for figure in figures:
        root = ET.fromstring(figure.svg)
        assert root.get("width").endswith("pt")  # shown at natural size: 1 unit = 1 pt = 4/3 px
        sizes = _font_sizes(figure.svg)
        assert sizes, figure.name
        assert min(sizes) * 4 / 3 >= 12, (figure.name, min(sizes))  # 9 pt


def test_html_inlines_each_figure_once_with_page_unique_ids(flagship):
    page = render_html("report", document(flagship))
    root = ET.fromstring(page.split("\n", 1)[1])  # after the DOCTYPE
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert "data:image" not in page
    figures = [e for e in root.iter("{http://www.w3.org/1999/xhtml}figure")]
    assert figures and all(len(list(f.iter(f"{SVG}svg"))) == 1 for f in figures)
    # every reference inside an SVG points to an id on the page
    refs = re.findall(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"', page)
    assert refs and {a or b for a, b in refs} <= set(ids)


def test_sankey_columns_come_from_the_whole_graph():
    graph = nx.DiGraph([("grid", "fab"), ("fab", "gpu"), ("gpu", "training"), ("grid", "training")])
    # with gpu left out, fab still sits left of training (not in its column, as on the subgraph)
    column, by_column = fig._columns(graph, ["fab", "training", "grid"])
    assert column == {"training": 0, "fab": 1, "grid": 2}
    assert by_column == {0: ["training"], 1: ["fab"], 2: ["grid"]}


def test_sankey_keeps_memory_wafers_out_of_the_functional_unit_column():
    # in the inference lifecycle the memory wafers' consumers carry too little to be drawn:
    # on the kept subgraph nothing consumes them, and they landed in the demand's column
    content = gather(load_study("lca:scenarios/llm_inference_lifecycle.toml"))
    flows, graph = content.flows, content.graph
    ranked = sorted(flows.embodied, key=lambda p: (-abs(flows.embodied[p]), p))[:12]
    assert "memory_wafer_processing" in ranked
    assert fig.depths(graph.subgraph(ranked).copy())["memory_wafer_processing"] == 0  # the old bug's cause
    column, _ = fig._columns(graph, ranked)
    assert column["memory_wafer_processing"] > max(column[r] for r in flows.roots)
    # its column keeps the order of the whole graph: every kept supplier sits left of its consumer
    for supplier, consumer in graph.subgraph(ranked).edges:
        if not nx.has_path(graph, consumer, supplier):  # outside loops
            assert column[supplier] > column[consumer]


def test_sankey_has_a_functional_unit_box_fed_by_both_demands(study):
    content = gather(load_study(study(TWO_DEMANDS)))
    drawing = fig.flow_diagram(content.flows, content.graph, content.names, content.stages)
    text = "\n".join(t.get_text() for t in drawing.axes[0].texts)
    assert "Functional unit\n200 kg CO2-eq" in text
    # bands: grid -> training (150), grid -> serving (50), training -> FU (150), serving -> FU (50)
    bands = [p for p in drawing.axes[0].patches if type(p).__name__ == "PathPatch"]
    assert len(bands) == 4
    fig._pyplot().close(drawing)


def test_log_bins_spread_lognormal_samples_with_gsd_10():
    samples = np.random.default_rng(7).lognormal(np.log(3.0), np.log(10.0), 20000)
    edges, log = fig.histogram_bins(samples)
    assert log
    counts, _ = np.histogram(samples, edges)
    assert counts.max() / len(samples) <= 0.5
    # on the old linear axis over the same range most samples fall in the first bin
    linear, _ = np.histogram(samples, np.linspace(edges[0], edges[-1], len(edges)))
    assert linear[0] / len(samples) > 0.5
    narrow = np.random.default_rng(7).lognormal(np.log(3.0), np.log(1.2), 2000)
    assert not fig.histogram_bins(narrow)[1]


def test_distributions_draw_a_log_axis_only_where_data_span_decades():
    rng = np.random.default_rng(3)
    drawing = fig.distributions({"toxicity": rng.lognormal(0, np.log(10), 2000),
                                 "climate_change": rng.lognormal(np.log(550), 0.1, 2000)},
                                {"toxicity": 1.0, "climate_change": 550.0}, {"toxicity": "CTUh",
                                                                          "climate_change": "t CO2-eq"})
    assert [ax.get_xscale() for ax in drawing.axes[:2]] == ["log", "linear"]
    fig._pyplot().close(drawing)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=12), st.data())
def test_boundary_routes_never_cross_a_box(columns, data):
    box_w, box_h, step_x, step_y = 1.75, 0.5, 2.5, 0.72
    rows: dict[int, int] = {}
    position = {}
    for n, col in enumerate(columns):
        position[f"p{n}"] = (col * step_x, -rows.get(col, 0) * step_y)
        rows[col] = rows.get(col, 0) + 1
    names = list(position)
    edges = data.draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=15, unique=True))
    for (supplier, consumer), route in zip(edges, fig.boundary_routes(edges, position, box_w, box_h, step_x, step_y)):
        assert route[0] == (position[supplier][0] + box_w, position[supplier][1] - box_h / 2)
        assert route[-1] == (position[consumer][0], position[consumer][1] - box_h / 2)
        for (xa, ya), (xb, yb) in zip(route, route[1:]):
            assert xa == xb or ya == yb  # orthogonal
            for x, y in position.values():
                # the segment's box and the box's interior do not overlap
                inside_x = min(xa, xb) < x + box_w - 1e-9 and max(xa, xb) > x + 1e-9
                inside_y = min(ya, yb) < y - 1e-9 and max(ya, yb) > y - box_h + 1e-9
                assert not (inside_x and inside_y), (supplier, consumer, route)


def test_tornado_rows_have_distinct_untruncated_labels(flagship):
    rows = flagship.sensitivity.tornado[:15]
    labels = fig.distinct([flagship.parameter_label(n) for n, _, _ in rows])
    drawing = fig.tornado([(label, lo, hi) for label, (_, lo, hi) in zip(labels, rows)], flagship.sensitivity.base,
                          "climate_change", "kg CO2-eq")
    ax = drawing.axes[0]
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert len(set(shown)) == len(shown) and not any("..." in s or "~" in s for s in shown)
    assert [s.replace("\n", " ") for s in shown] == labels
    # the legend sits below the axes, so it covers no bar
    drawing.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0
    fig._pyplot().close(drawing)


def test_sobol_bars_carry_the_bootstrap_intervals():
    indices = {"grid": (0.66, 0.7), "pue": (-0.01, 0.02)}
    intervals = {"grid": ((0.6, 0.72), (0.65, 0.75)), "pue": ((-0.03, 0.01), (0.01, 0.03))}
    drawing = fig.sobol_bars(indices, "climate_change", intervals)
    from matplotlib.container import ErrorbarContainer

    errors = [c for c in drawing.axes[0].containers if isinstance(c, ErrorbarContainer)]
    assert len(errors) == 2
    # whisker ends are the interval bounds: S1 of the grid row spans 0.6 .. 0.72
    segments = errors[0].lines[2][0].get_segments()
    assert np.allclose(sorted(segments[0][:, 0]), [0.6, 0.72])
    assert np.allclose(sorted(errors[1].lines[2][0].get_segments()[1][:, 0]), [0.01, 0.03])
    fig._pyplot().close(drawing)


def test_sobol_noise_notes():
    notes = fig.sobol_noise({"a": (-0.01, 0.05), "b": (0.31, 0.30), "c": (0.2, 0.5), "d": (-0.2, 0.1)},
                            {"a": ((-0.03, 0.01), (0.0, 0.1)), "b": ((0.25, 0.36), (0.27, 0.33)),
                             "c": ((0.1, 0.3), (0.4, 0.6)), "d": ((-0.3, -0.1), (0.0, 0.2))})
    assert notes[0] == "a: S1 = -0.01 < 0, within its 95 % interval [-0.03, 0.01] (noise)"
    assert notes[1] == "b: S1 = 0.31 > ST = 0.3, the intervals overlap (noise)"
    assert notes[2].startswith("d: S1 = -0.2 < 0 and its 95 % interval") and "more samples" in notes[2]
    assert len(notes) == 3


def test_flagship_sensitivity_keeps_sobol_intervals(flagship):
    s = flagship.sensitivity
    assert s.sobol and set(s.sobol_ci) == set(s.sobol)
    for name, (first, total) in s.sobol.items():
        (low, high), (t_low, t_high) = s.sobol_ci[name]
        assert low <= high and t_low <= t_high
