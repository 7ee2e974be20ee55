"""Every figure of the flagship, lineage and inference reports, measured with matplotlib's own
renderer (no browser): no text under 9 pt at the size shown (figures are shown at their
natural size, 1 pt = 4/3 CSS px, and fit the report's 980 px text column), no two pieces of
text overlap, no Sankey label covers a box, and the Sankey's boxes balance."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

from lca import load_study
from lca.report import figures as fig
from lca.report import gather
from lca.report.content import ReportOptions
from lca.report.flows import FUNCTIONAL_UNIT
from lca.report.sections import document

STUDIES = ("llm_training_lifecycle", "pretrain_adapt", "llm_inference_lifecycle")
MIN_PT = 9.0  # = 12 CSS px
PAGE_PT = 980 * 0.75  # the HTML text column, 980 CSS px
TOUCH_PT = 0.5  # boxes that share an edge do not overlap


@pytest.fixture(scope="module", params=STUDIES)
def drawn(request):
    """(study, name, matplotlib figure, its SVG) for every figure of the study's report."""
    captured = []
    original = fig.render_both

    def keep(drawing, png):
        drawing.draw_without_rendering()
        hidden = _ticks_out_of_view(drawing)
        texts = [(t.get_text(), t.get_fontsize(), t.get_window_extent()) for t in drawing.findobj(_is_text)
                 if id(t) not in hidden]
        boxes = _sankey_boxes(drawing)
        sankey = getattr(drawing, "sankey", None)
        rendered = original(drawing, png)
        captured.append((texts, boxes, sankey, rendered[0]))
        return rendered

    fig.render_both = keep
    try:
        content = gather(load_study(f"lca:scenarios/{request.param}.toml"), ReportOptions(samples=128))
        blocks = [b for b in document(content) if hasattr(b, "figure")]
    finally:
        fig.render_both = original
    return [(request.param, b.figure.name, *data) for b, data in zip(blocks, captured)]


def _is_text(artist) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text) and artist.get_visible() and bool(artist.get_text().strip())


def _ticks_out_of_view(drawing) -> set[int]:
    """Tick labels matplotlib keeps but does not draw: their tick lies outside the axis's view."""
    out = set()
    for ax in drawing.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    out |= {id(tick.label1), id(tick.label2)}
    return out


def _sankey_boxes(drawing):
    if not hasattr(drawing, "sankey"):
        return []
    ax = drawing.axes[0]
    layout = drawing.sankey
    return [(node, ax.transData.transform_bbox(_bbox(x, bottom, fig.SANKEY_BOX_IN, h)))
            for node, (x, bottom, h) in layout.position.items()]


def _bbox(x, y, w, h):
    from matplotlib.transforms import Bbox

    return Bbox.from_bounds(x, y, w, h)


def _overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOUCH_PT) and (min(a.y1, b.y1) - max(a.y0, b.y0) > TOUCH_PT)


def test_the_reports_draw_every_kind_of_figure(drawn):
    names = {name for _, name, *_ in drawn}
    assert {"system_boundary", "stages", "top_processes", "climate_flow", "distributions", "tornado",
            "sobol"} <= names


def test_no_text_is_under_9_pt_and_no_figure_is_wider_than_the_page(drawn):
    for study, name, texts, _, _, svg in drawn:
        small = [(t, size) for t, size, _ in texts if size < MIN_PT]
        assert small == [], (study, name, small)
        width = float(ET.fromstring(svg).get("width").removesuffix("pt"))
        assert width <= PAGE_PT, (study, name, width)


def test_no_two_texts_overlap(drawn):
    for study, name, texts, _, _, _ in drawn:
        clashes = [(a[0], b[0]) for a, b in itertools.combinations(texts, 2) if _overlap(a[2], b[2])]
        assert clashes == [], (study, name, clashes)


def test_no_sankey_label_covers_a_box(drawn):
    flows = [(study, texts, boxes) for study, name, texts, boxes, *_ in drawn if name.endswith("_flow")]
    assert flows
    for study, texts, boxes in flows:
        assert len(boxes) >= 3
        covered = [(t, node) for t, _, extent in texts for node, box in boxes if _overlap(extent, box)]
        assert covered == [], (study, covered)


def test_sankey_nodes_balance_and_nothing_is_dropped(drawn):
    for study, name, _, _, layout, _ in drawn:
        if layout is None:
            continue
        nodes = layout.nodes
        score = nodes.value[FUNCTIONAL_UNIT]
        tolerance = 1e-9 * abs(score)
        for node, value in nodes.value.items():
            inflow = sum(v for (_, c), v in nodes.links.items() if c == node)
            outflow = sum(v for (s, _), v in nodes.links.items() if s == node)
            assert nodes.direct[node] + inflow + nodes.hidden_in[node] == pytest.approx(value, abs=tolerance), node
            if node != FUNCTIONAL_UNIT:
                assert outflow + nodes.hidden_out[node] == pytest.approx(value, abs=tolerance), node
        # each process is in at most one node, and what enters the functional unit is the score
        members = [p for ps in nodes.members.values() for p in ps]
        assert len(members) == len(set(members))
        delivered = sum(v for (_, c), v in nodes.links.items() if c == FUNCTIONAL_UNIT)
        assert delivered + nodes.hidden_in[FUNCTIONAL_UNIT] == pytest.approx(score, rel=1e-12)
