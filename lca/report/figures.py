r"""Report figures drawn with matplotlib (SVG backend, no display needed).

Every figure is readable in grey scale and by colour-blind readers (Okabe-Ito colours plus a
hatch per stage), has units on its value axis, and wraps long process names. Each function
returns a matplotlib Figure; :func:`render` turns it into SVG bytes with text kept as text and
no date or random id in them, so the same study gives the same bytes. Figures are shown at
their natural size (1 SVG unit = 1 pt), and no text is smaller than :data:`MIN_FONT_PT`, i.e.
12 CSS px.

>>> from lca import calculate, load_study
>>> svg = render(stage_contributions(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))))
>>> svg.startswith(b"<svg"), b"<text" in svg
(True, True)
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ..engine.calculate import LCAResult
from ..errors import ReportError
from ..model.frozen import FrozenDict
from .flows import FUNCTIONAL_UNIT, EmbodiedFlows, SankeyNodes, depths, sankey_nodes
from .style import (
    HATCHES,
    OKABE_ITO,
    format_share,
    format_value,
    humanize,
    scale_of,
    stage_order,
    stage_style,
    wrap,
)

DPI = 130
#: The smallest font in a figure, in pt (12 CSS px, 1 pt = 4/3 px) at the natural size.
MIN_FONT_PT = 9.0
# The report's text column is 980 CSS px = 10.2 in at 1 pt = 1/72 in (96 px per inch); figures
# are laid out to fit 9.9 in of it at their natural size, so no text shrinks and nothing
# scrolls sideways.
PAGE_WIDTH_IN = 9.9
OKABE_BLUE, OKABE_ORANGE = OKABE_ITO[1], OKABE_ITO[0]


def _pyplot():
    """matplotlib.pyplot on the Agg backend; a clear message when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        raise ReportError("reports need matplotlib: pip install 'lca[report]'") from None
    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": MIN_FONT_PT, "axes.titlesize": 10, "legend.title_fontsize": MIN_FONT_PT,
                         "hatch.linewidth": 0.6,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "svg.hashsalt": "lca", "svg.fonttype": "none", "figure.dpi": DPI})
    return plt


def require_matplotlib() -> None:
    """Raise :class:`~lca.errors.ReportError` now if matplotlib is missing, before any work.

    Raises
    ------
    ReportError
        If matplotlib cannot be imported (``pip install 'lca[report]'``).

    Examples
    --------
    >>> require_matplotlib()     # matplotlib is installed: nothing happens
    """
    _pyplot()


@dataclass(frozen=True)
class Figure:
    r"""A rendered figure: *name* is the file stem, *alt* the text for readers who cannot see it (immutable).

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> result = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> figure = Figure("stages", "Stages", "Climate change by lifecycle stage", "All of it is use.",
    ...                 render(stage_contributions(result)))
    >>> figure.svg.startswith(b"<svg")
    True
    """

    name: str
    title: str
    caption: str
    alt: str
    svg: bytes
    png: bytes = b""  # only when asked for (lca report --png): slides and word processors


_XML_PROLOGUE = re.compile(rb"\A.*?(?=<svg\b)", re.S)


def render(figure) -> bytes:
    """SVG bytes of a matplotlib figure (which is closed afterwards), ready to inline in HTML.

    Text stays text (``svg.fonttype = "none"``), ids come from a fixed salt and the metadata
    carries no date, so the bytes depend only on the figure. The XML declaration and DOCTYPE
    are dropped: the element is embedded in the report's page and also valid as a file.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure of this module.

    Returns
    -------
    bytes
        The SVG, starting at ``<svg``.

    Examples
    --------
    See the module's example.
    """
    return render_both(figure, png=False)[0]


PNG_DPI = 200  # sharp on slides and high-density screens


def render_both(figure, png: bool) -> tuple[bytes, bytes]:
    """The SVG of :func:`render` and, if *png*, the same figure as a PNG at :data:`PNG_DPI`.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure of this module (closed afterwards).
    png : bool
        Also draw the PNG.

    Returns
    -------
    tuple of bytes
        SVG, and PNG (empty unless asked for).

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> svg, png = render_both(stage_contributions(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))), True)
    >>> svg.startswith(b"<svg"), png[1:4]
    (True, b'PNG')
    """
    plt = _pyplot()
    buffer, bitmap = io.BytesIO(), io.BytesIO()
    try:
        figure.savefig(buffer, format="svg", bbox_inches="tight",
                       metadata={"Date": None, "Creator": "lca report", "Format": None, "Type": None})
        if png:
            figure.savefig(bitmap, format="png", bbox_inches="tight", dpi=PNG_DPI, metadata={"Software": None})
    finally:
        plt.close(figure)
    return _XML_PROLOGUE.sub(b"", buffer.getvalue(), count=1), bitmap.getvalue()


def _stage_handles(stages: Sequence[str]):
    from matplotlib.patches import Patch

    return [Patch(facecolor=stage_style(s, tuple(stages))[0], hatch=stage_style(s, tuple(stages))[1],
                  edgecolor="black", linewidth=0.5, label=humanize(s)) for s in stages]


def stage_contributions(result: LCAResult):
    """Stacked horizontal bars: each category's score split by lifecycle stage, as % of the score.

    Categories have different units; absolute values are in the report's table.

    Parameters
    ----------
    result : LCAResult
        A deterministic result.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (render it with :func:`render`).

    Examples
    --------
    See the module's example.
    """
    plt = _pyplot()
    categories = [c for c, i in result.impacts.items() if i.value != 0]
    stages = stage_order(s for c in categories for s in result.impacts[c].by_stage)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * max(len(categories), 1) + 1.6))
    for row, category in enumerate(categories):
        impact = result.impacts[category]
        # shares of the sum of magnitudes, so that credits (negative) show to the left of 0
        scale = sum(abs(v) for v in impact.by_stage.values()) or 1.0
        left_pos, left_neg = 0.0, 0.0
        for stage in stages:
            share = 100 * impact.by_stage.get(stage, 0.0) / scale
            if share == 0:
                continue
            colour, hatch = stage_style(stage, tuple(stages))
            left = left_pos if share > 0 else left_neg + share
            ax.barh(row, abs(share), left=left, color=colour, hatch=hatch, edgecolor="black", linewidth=0.5)
            if abs(share) >= 8:
                ax.text(left + abs(share) / 2, row, f"{share:.0f} %", ha="center", va="center", fontsize=MIN_FONT_PT,
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))
            if share > 0:
                left_pos += share
            else:
                left_neg += share
    ax.set_yticks(range(len(categories)),
                  [wrap(f"{humanize(c)} ({result.impacts[c].unit})", 28) for c in categories])
    ax.invert_yaxis()
    ax.set_xlabel("Share of the category score (%)")
    ax.set_xlim(min(0, ax.get_xlim()[0]), 100)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title("Contribution of lifecycle stages to each impact category")
    ax.legend(handles=_stage_handles(stages), loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(categories) < 3
              else -0.12 - 0.6 / len(categories)), ncol=min(len(stages), 5), frameon=False)
    return fig


def top_processes(result: LCAResult, stages: Mapping[str, str], names: Mapping[str, str],
                  category: str = "climate_change", top: int = 10):
    """Horizontal bars of the processes that contribute most to one category, coloured by stage.

    Direct contributions; the rest are summed in one bar.

    Parameters
    ----------
    result : LCAResult
        A deterministic result.
    stages, names : mapping of str to str
        Each process's stage and display name.
    category : str, optional
        The category.
    top : int, optional
        How many processes get their own bar.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> figure = top_processes(calculate(model), {p: model.processes[p].stage for p in model.processes},
    ...                        {p: model.processes[p].name for p in model.processes})
    >>> len(render(figure)) > 0
    True
    """
    plt = _pyplot()
    impact = result.impacts[category]
    items = list(impact.by_process.items())
    shown = items[:top]
    rest = items[top:]
    factor, unit = scale_of([v for _, v in items] or [impact.value], impact.unit)
    labels = [wrap(names.get(p, p), 34, 2) for p, _ in shown]
    values = [v / factor for _, v in shown]
    order = stage_order(stages[p] for p, _ in items)
    fig, ax = plt.subplots(figsize=(7.5, 0.46 * (len(shown) + bool(rest)) + 1.5))
    for row, ((process, _), value) in enumerate(zip(shown, values)):
        colour, hatch = stage_style(stages[process], tuple(order))
        ax.barh(row, value, color=colour, hatch=hatch, edgecolor="black", linewidth=0.5)
    if rest:
        labels.append(f"{len(rest)} other processes")
        values.append(sum(v for _, v in rest) / factor)
        ax.barh(len(shown), values[-1], color="white", edgecolor="black", linewidth=0.5)
    span = max((abs(v) for v in values), default=1.0) or 1.0
    for row, value in enumerate(values):
        share = value * factor / impact.value if impact.value else 0.0
        ax.text(value + (0.01 * span if value >= 0 else -0.01 * span), row,
                f"{format_value(value, 3)} ({format_share(share)})", va="center",
                ha="left" if value >= 0 else "right", fontsize=MIN_FONT_PT)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(min(0, min(values) * 1.3), max(0, max(values)) * 1.3 or 1)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"{humanize(category)} ({unit})")
    ax.set_title(f"Processes contributing most to {humanize(category).lower()} (direct emissions)")
    _legend_below(ax, ncol=min(len(order), 3), handles=_stage_handles(order), title="Lifecycle stage")
    return fig


def _columns(graph, keep) -> tuple[dict[str, int], dict[int, list[str]]]:
    """Columns of the *keep* nodes from their depth in the whole graph (a process's distance to
    the functional unit does not change when its consumers are left out of the drawing);
    columns nobody kept is in are closed up."""
    whole = depths(graph)
    used = {depth: rank for rank, depth in enumerate(sorted({whole.get(n, 0) for n in keep}))}
    column = {node: used[whole.get(node, 0)] for node in keep}
    by_column: dict[int, list[str]] = {}
    for node in keep:
        by_column.setdefault(column[node], []).append(node)
    return column, by_column


def flow_diagram(flows: EmbodiedFlows, graph, names: Mapping[str, str], stages: Mapping[str, str],
                 max_nodes: int = 12):
    """Sankey-style diagram: boxes are processes (height: the impact embodied in their output),
    bands the impact each link carries towards the functional unit (right).

    Labels sit right of their box, wrapped to the width measured for them, each in a slot of
    its column at least as tall as its text, so no two labels overlap and no label covers a
    box. A column too crowded for :data:`SANKEY_MAX_IN` merges its smallest processes into one
    "N other processes" node (listed by :func:`sankey_caption`); processes not drawn reach
    their consumers as grey stubs, so every box still balances (:func:`~.flows.sankey_nodes`).

    Parameters
    ----------
    flows : EmbodiedFlows
        :func:`~lca.report.flows.embodied_flows` of one category.
    graph : networkx.DiGraph
        The processes that run, supplier -> consumer.
    names, stages : mapping of str to str
        Each process's display name and stage.
    max_nodes : int, optional
        Processes drawn; the rest are grouped.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; ``figure.sankey`` holds its :class:`SankeyLayout` (what is drawn where).

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> drawing = flow_diagram(content.flows, content.graph, content.names, content.stages)
    >>> sorted(drawing.sankey.nodes.value)
    ['datacenter_electricity', 'functional unit', 'training_run']
    >>> len(render(drawing)) > 0
    True
    """
    plt = _pyplot()
    from matplotlib.patches import Patch, PathPatch, Rectangle
    from matplotlib.path import Path

    layout = sankey_layout(flows, graph, names, max_nodes)
    nodes, column, pitch, k = layout.nodes, layout.column, layout.pitch, layout.scale
    n_columns = max(column.values(), default=0) + 1
    factor, unit = scale_of([flows.score], flows.unit)
    total = abs(flows.score) or 1.0
    fu_x = n_columns * pitch
    width_in = fu_x + SANKEY_BOX_IN + FU_LABEL_IN
    height_in = layout.height
    fig = plt.figure(figsize=(width_in, height_in))
    ax = fig.add_axes((0, 0, 1, 1))
    drawn = [n for n in nodes.value if n != FUNCTIONAL_UNIT]
    single = [n for n in drawn if len(nodes.members[n]) == 1]
    order = stage_order(stages[nodes.members[n][0]] for n in single)

    def style(node: str) -> tuple[str, str]:
        if len(nodes.members[node]) == 1:
            return stage_style(stages[nodes.members[node][0]], tuple(order))
        return OTHER_COLOUR, ""  # plain grey: background processes are grey with "++"

    position = dict(layout.position)  # node -> (x, bottom, height), inches
    out_offset = dict.fromkeys(nodes.value, 0.0)
    # the filled top of a box is its own emissions; bands from suppliers enter below it
    in_offset = {n: abs(nodes.direct[n]) * k for n in nodes.value}
    links = sorted(((s, c, v) for (s, c), v in nodes.links.items() if v != 0),
                   key=lambda item: (position[item[1]][0], -position[item[1]][1], -position[item[0]][1]))
    for supplier, consumer, value in links:
        h = abs(value) * k
        x0, b0, h0 = position[supplier]
        x1, b1, h1 = position[consumer]
        top0, top1 = b0 + h0 - out_offset[supplier], b1 + h1 - in_offset[consumer]
        out_offset[supplier] += h
        in_offset[consumer] += h
        ax.add_patch(PathPatch(_band(x0 + SANKEY_BOX_IN, top0, x1, top1, h, Path), facecolor=style(supplier)[0],
                               alpha=0.3 if value > 0 else 0.12, edgecolor="none", hatch=None if value > 0 else "//"))
    # what processes not drawn send in (or take): short grey stubs, so each box balances
    stub = 0.15
    for node, (x, bottom, h) in position.items():
        for hidden, x0, top in ((nodes.hidden_in.get(node, 0.0), x - stub, bottom + h - in_offset[node]),
                                (nodes.hidden_out.get(node, 0.0), x + SANKEY_BOX_IN, bottom + h - out_offset[node])):
            if abs(hidden) * k > 0.004:
                ax.add_patch(Rectangle((x0, top - abs(hidden) * k), stub, abs(hidden) * k, facecolor=OTHER_COLOUR,
                                       alpha=0.35, edgecolor="none"))
    fu_bottom, fu_height = position[FUNCTIONAL_UNIT][1:]
    ax.add_patch(Rectangle((fu_x, fu_bottom), SANKEY_BOX_IN, fu_height, facecolor="black", edgecolor="black"))
    ax.text(fu_x + SANKEY_BOX_IN + LABEL_PAD_IN, fu_bottom + fu_height / 2, layout.labels[FUNCTIONAL_UNIT],
            va="center", ha="left", fontsize=MIN_FONT_PT, fontweight="bold", parse_math=False)
    for node in drawn:
        x, bottom, h = position[node]
        colour, hatch = style(node)
        ax.add_patch(Rectangle((x, bottom), SANKEY_BOX_IN, h, facecolor="white", edgecolor="black", linewidth=0.6))
        direct = abs(nodes.direct[node]) * k
        if direct:
            ax.add_patch(Rectangle((x, bottom + h - direct), SANKEY_BOX_IN, direct, facecolor=colour, hatch=hatch,
                                   edgecolor="black", linewidth=0.6))
        ax.text(x + SANKEY_BOX_IN + LABEL_PAD_IN, bottom + h / 2, layout.labels[node], va="center", ha="left",
                fontsize=MIN_FONT_PT, parse_math=False,
                bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none", alpha=0.8))
    ax.set_xlim(0, width_in)
    ax.set_ylim(0, height_in)
    ax.axis("off")
    handles = _stage_handles(order) + [Patch(facecolor="white", edgecolor="black", label="from suppliers")]
    if len(single) < len(drawn) or any(abs(v) * k > 0.004 for v in (*nodes.hidden_in.values(),
                                                                    *nodes.hidden_out.values())):
        handles.append(Patch(facecolor=OTHER_COLOUR, alpha=0.35, label="processes not drawn or merged"))
    ax.legend(handles=handles, title="Box: own emissions (filled, by stage) and from suppliers (white)",
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False, fontsize=MIN_FONT_PT,
              title_fontsize=MIN_FONT_PT)
    ax.set_title(f"{humanize(flows.category)} carried through the supply chain to the functional unit (right)\n"
                 f"total {format_value(flows.score / factor, 4)} {unit}; box heights and band widths "
                 f"are proportional to {unit}", fontsize=10)
    fig.sankey = layout
    return fig


def _band(start: float, top0: float, end: float, top1: float, h: float, path_class):
    """A band of height *h* from a supplier's right side to a consumer's left side (Bezier edges)."""
    mid = (start + end) / 2
    vertices = [(start, top0), (mid, top0), (mid, top1), (end, top1), (end, top1 - h),
                (mid, top1 - h), (mid, top0 - h), (start, top0 - h), (start, top0)]
    codes = [path_class.MOVETO, path_class.CURVE4, path_class.CURVE4, path_class.CURVE4, path_class.LINETO,
             path_class.CURVE4, path_class.CURVE4, path_class.CURVE4, path_class.CLOSEPOLY]
    return path_class(vertices, codes)


SANKEY_BOX_IN = 0.08  # a box's width
SANKEY_FLOW_IN = 3.6  # the tallest column's boxes, end to end
SANKEY_MAX_IN = 7.5  # the tallest a column may grow before its smallest processes are merged
SANKEY_MIN_PITCH_IN = 1.3  # a column and its labels: about 15 characters of 9 pt text
SANKEY_GAP_IN = 0.06  # between two slots of a column
FU_LABEL_IN = 1.2  # "Functional unit" and the score, bold, right of the last box
LABEL_PAD_IN = 0.04
OTHER_COLOUR = "#999999"


@dataclass(frozen=True)
class SankeyLayout:
    """Where :func:`flow_diagram` puts things, in inches from the bottom left (immutable).

    Attributes
    ----------
    nodes : SankeyNodes
        What is drawn.
    column : mapping of str to int
        Node -> column, 0 next to the functional unit.
    position : mapping of str to (float, float, float)
        Node -> (x, bottom, height) of its box.
    labels : mapping of str to str
        Node -> its label with line breaks.
    pitch, scale, height : float
        Column pitch (in), inches per impact unit, drawing height (in).

    Examples
    --------
    See :func:`sankey_layout`.
    """

    nodes: SankeyNodes
    column: Mapping[str, int]
    position: Mapping[str, tuple[float, float, float]]
    labels: Mapping[str, str]
    pitch: float
    scale: float
    height: float


def sankey_layout(flows: EmbodiedFlows, graph, names: Mapping[str, str], max_nodes: int = 12) -> SankeyLayout:
    """Choose the Sankey's nodes, wrap their labels to the measured room and stack them in slots.

    The largest *max_nodes* processes (each at least 0.5 % of the score) are drawn, fewer when
    more columns would not fit the page at :data:`SANKEY_MIN_PITCH_IN`. Each node's slot is as
    tall as its box or its label, whichever is taller; a column taller than
    :data:`SANKEY_MAX_IN` merges its smallest nodes into one until it fits.

    Parameters
    ----------
    flows : EmbodiedFlows
        One category's flows.
    graph : networkx.DiGraph
        The processes that run, supplier -> consumer.
    names : mapping of str to str
        Display names.
    max_nodes : int, optional
        The most processes drawn on their own.

    Returns
    -------
    SankeyLayout
        The nodes and their places.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> layout = sankey_layout(content.flows, content.graph, content.names)
    >>> sorted(layout.column.items(), key=lambda item: item[1])
    [('functional unit', -1), ('training_run', 0), ('datacenter_electricity', 1)]
    """
    total = abs(flows.score) or 1.0
    ranked = sorted(flows.embodied, key=lambda p: (-abs(flows.embodied[p]), p))
    keep = [p for p in ranked[:max_nodes] if abs(flows.embodied[p]) >= 0.005 * total] or ranked[:1]
    room = PAGE_WIDTH_IN - SANKEY_BOX_IN - FU_LABEL_IN
    column, by_column = _columns(graph, keep)
    while len(by_column) > max(1, int(room // SANKEY_MIN_PITCH_IN)) and len(keep) > 1:
        keep = keep[:-1]  # the smallest goes: it still reaches its consumers as a stub
        column, by_column = _columns(graph, keep)
    n_columns = len(by_column)
    pitch = min(2.4, room / n_columns)
    label_width = (pitch - SANKEY_BOX_IN - 2 * LABEL_PAD_IN) * 72
    factor, unit = scale_of([flows.score], flows.unit)

    def label(name: str, value: float) -> str:
        detail = f"{format_value(value / factor, 3)} {unit} ({format_share(value / total)})"
        if text_width(detail) > label_width:
            detail = f"{format_value(value / factor, 3)} {unit}\n{format_share(value / total)}"
        return fit_lines(name, label_width, 3) + "\n" + detail

    column_sums = [sum(abs(flows.embodied[p]) for p in ps) for ps in by_column.values()] + [total]
    k = SANKEY_FLOW_IN / max(column_sums)

    def slot(text: str, value: float) -> float:
        return max(abs(value) * k, text_height(text)) + SANKEY_GAP_IN

    groups = {p: (p,) for p in keep}
    group_column = dict(column)
    labels = {p: label(names.get(p, p), flows.embodied[p]) for p in keep}
    for col, members in by_column.items():
        members.sort(key=lambda p: (-abs(flows.embodied[p]), p))
        if sum(slot(labels[p], flows.embodied[p]) for p in members) <= SANKEY_MAX_IN:
            continue
        node = f"other {col}"  # no process id has a space
        for merged in range(2, len(members) + 1):  # merge the smallest until the column fits
            head, tail = members[:-merged], tuple(members[-merged:])
            value = sankey_nodes(flows, {node: tail}).value[node]
            text = label(f"{merged} other processes", value)
            if sum(slot(labels[p], flows.embodied[p]) for p in head) + slot(text, value) <= SANKEY_MAX_IN:
                for p in tail:
                    del groups[p], group_column[p]
                groups[node], group_column[node], labels[node] = tail, col, text
                break
    nodes = sankey_nodes(flows, groups)
    labels[FUNCTIONAL_UNIT] = f"Functional unit\n{format_value(flows.score / factor, 3)} {unit}"
    stacks: dict[int, list[str]] = {}
    for node, col in group_column.items():
        stacks.setdefault(col, []).append(node)
    heights = {col: sum(slot(labels[n], nodes.value[n]) for n in ns) for col, ns in stacks.items()}
    height = max([*heights.values(), slot(labels[FUNCTIONAL_UNIT], total)])
    position = {}
    for col, members in stacks.items():
        members.sort(key=lambda n: (len(nodes.members[n]) > 1, -abs(nodes.value[n]), n))  # groups last
        x = (n_columns - 1 - col) * pitch
        y = (height + heights[col]) / 2  # columns are centred on the drawing
        for node in members:
            s, h = slot(labels[node], nodes.value[node]), abs(nodes.value[node]) * k
            position[node] = (x, y - (s + h) / 2, h)
            y -= s
    position[FUNCTIONAL_UNIT] = (n_columns * pitch, (height - total * k) / 2, total * k)
    group_column[FUNCTIONAL_UNIT] = -1
    return SankeyLayout(nodes=nodes, column=FrozenDict(group_column), position=FrozenDict(position),
                        labels=FrozenDict(labels), pitch=pitch, scale=k, height=height)


def sankey_caption(layout: SankeyLayout, names: Mapping[str, str]) -> str:
    """What the Sankey merged or left out, in words, for its caption and alt text.

    Parameters
    ----------
    layout : SankeyLayout
        The Sankey's layout.
    names : mapping of str to str
        Display names.

    Returns
    -------
    str
        One sentence per merged node, and one on processes not drawn; empty when nothing is.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> sankey_caption(sankey_layout(content.flows, content.graph, content.names), content.names)
    ''
    """
    nodes = layout.nodes
    parts = []
    for node, members in nodes.members.items():
        if len(members) > 1:
            parts.append(f"{layout.labels[node].splitlines()[0]} ("
                         + "; ".join(names.get(p, p) for p in members) + ")")
    sentences = [f"Merged: {' and '.join(parts)}."] if parts else []
    score = nodes.value[FUNCTIONAL_UNIT]
    # every process's own emissions add up to the score: what the drawn ones do not emit, the others do
    undrawn = score - sum(v for n, v in nodes.direct.items() if n != FUNCTIONAL_UNIT)
    if any(abs(v) > 1e-9 * (abs(score) or 1) for v in nodes.hidden_in.values()):
        sentences.append(f"Processes not drawn (each under 0.5 % of the score, or beyond the "
                         f"{sum(len(m) for m in nodes.members.values())} drawn) emit "
                         f"{format_share(undrawn / (score or 1.0))} of the score; it reaches the boxes they supply "
                         "as grey stubs.")
    return " ".join(sentences)


def fit_lines(text: str, width_pt: float, lines: int = 3, size: float = MIN_FONT_PT) -> str:
    """*text* wrapped so that each line is at most *width_pt* wide at *size* pt (measured with
    matplotlib's font metrics), shortened with "..." past *lines* lines.

    Parameters
    ----------
    text : str
        The label.
    width_pt : float
        The room, in pt.
    lines : int, optional
        The most lines.
    size : float, optional
        Font size in pt.

    Returns
    -------
    str
        The label with newlines.

    Examples
    --------
    >>> print(fit_lines("Electricity, Taiwan, grid mix", 80))
    Electricity,
    Taiwan, grid mix
    """
    for chars in range(max(len(text), 1), 3, -1):
        label = wrap(text, chars, lines)
        if all(text_width(line, size) <= width_pt for line in label.splitlines()):
            return label
    return wrap(text, 4, lines)


def text_width(text: str, size: float = MIN_FONT_PT, weight: str = "normal") -> float:
    """The width of one line of text in pt, from the font matplotlib draws it with.

    Parameters
    ----------
    text : str
        One line.
    size : float, optional
        Font size in pt.
    weight : str, optional
        Font weight.

    Returns
    -------
    float
        Width in pt.

    Examples
    --------
    >>> text_width("ii") < text_width("MM")
    True
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    return TextToPath().get_text_width_height_descent(text, FontProperties(size=size, weight=weight),
                                                      ismath=False)[0]


def text_height(text: str, size: float = MIN_FONT_PT) -> float:
    """The height in inches of a label of several lines (matplotlib's 1.2 line spacing), with a
    little air, for stacking labels.

    Parameters
    ----------
    text : str
        The label, lines separated by newlines.
    size : float, optional
        Font size in pt.

    Returns
    -------
    float
        Inches.

    Examples
    --------
    >>> round(text_height("one\\ntwo"), 3)
    0.38
    """
    return (text.count("\n") + 1) * 1.2 * size / 72 + 0.08


def system_boundary(graph, names: Mapping[str, str], stages: Mapping[str, str], excluded: Sequence[str],
                    functional_unit: str):
    """The product system: processes that run, linked supplier -> consumer, inside the system
    boundary (dashed); lifecycle stages left out are drawn outside it.

    Parameters
    ----------
    graph : networkx.DiGraph
        The processes that run, supplier -> consumer.
    names, stages : mapping of str to str
        Each process's display name and stage.
    excluded : sequence of str
        Lifecycle stages the study leaves out.
    functional_unit : str
        The study's functional unit.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> figure = system_boundary(content.graph, content.names, content.stages, ["manufacturing"], "one trained model")
    >>> len(render(figure)) > 0
    True
    """
    plt = _pyplot()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
    from matplotlib.path import Path

    column, by_column = _columns(graph, list(graph))
    n_columns = max(column.values(), default=0) + 1
    tallest = max((len(v) for v in by_column.values()), default=1)
    dense = tallest > 8
    # 9 pt names: three lines of about 23 characters in a box (two in a dense column)
    box_w, box_h = 1.9, (0.56 if not dense else 0.4)
    step_x, step_y = box_w + 0.55, box_h + (0.22 if not dense else 0.1)
    fu_width = 1.3  # the functional unit's label, wrapped to this width
    # A deep supply chain is folded into bands of columns stacked top to bottom (read like
    # text: extraction top left, the functional unit bottom right), so the figure keeps its
    # natural size inside the text column; boxes stay on one grid, so every route stays clear.
    lane_room = 0.6  # the arrows' lanes after the last column stay inside the boundary
    # figure width with k columns: margins, k boxes with their gaps, the lanes, the functional unit
    per_band = max([1] + [k for k in range(1, n_columns + 1)
                          if 0.35 + (k - 1) * step_x + box_w + lane_room + 0.25 + fu_width + 0.3 <= PAGE_WIDTH_IN])
    sequence = [by_column[c] for c in sorted(by_column, reverse=True)]  # deepest suppliers first
    position = {}
    row0 = 0
    for band in range(0, len(sequence), per_band):
        members_of_band = sequence[band:band + per_band]
        for k, members in enumerate(members_of_band):
            members.sort(key=lambda n: (stage_order([stages[n]]), names.get(n, n)))
            # rows line up across columns, so the channels between rows run clear of every box
            for i, node in enumerate(members):
                position[node] = (k * step_x, -(row0 + i) * step_y)
        row0 += max(len(m) for m in members_of_band) + 1  # a free row between bands for the arrows
    rows = row0 - 1
    order = stage_order(stages[n] for n in graph)
    left, right = -0.25, (min(per_band, n_columns) - 1) * step_x + box_w + lane_room
    bottom, top = -(rows - 1) * step_y - box_h - 0.25, 0.25
    legend_rows = max(len(excluded), 1)
    lowest = bottom - 0.25 - 0.32 * legend_rows
    x_min, x_max, y_min, y_max = left - 0.1, right + fu_width + 0.3, lowest - 0.1, top + 0.45
    fig = plt.figure(figsize=(x_max - x_min, y_max - y_min))
    ax = fig.add_axes((0, 0, 1, 1))
    for node, (x, y) in position.items():
        colour, hatch = stage_style(stages[node], tuple(order))
        ax.add_patch(FancyBboxPatch((x, y - box_h), box_w, box_h, boxstyle="round,pad=0.01",
                                    facecolor="white", edgecolor="black", linewidth=0.7))
        ax.add_patch(Rectangle((x, y - box_h), 0.14, box_h, facecolor=colour, hatch=hatch, edgecolor="black",
                               linewidth=0.5))
        ax.text(x + 0.14 + (box_w - 0.14) / 2, y - box_h / 2,
                fit_lines(names.get(node, node), (box_w - 0.14 - 0.1) * 72, 2 if dense else 3),
                ha="center", va="center", fontsize=MIN_FONT_PT, parse_math=False)
    for path in boundary_routes(graph.edges, position, box_w, box_h, step_x, step_y):
        ax.add_patch(FancyArrowPatch(path=Path(path), arrowstyle="-|>", mutation_scale=8, linewidth=0.6,
                                     color="#444444", shrinkA=0, shrinkB=1))
    ax.add_patch(Rectangle((left, bottom), right - left, top - bottom, fill=False, linestyle="--",
                           edgecolor="black", linewidth=1.0))
    ax.text(left, top + 0.05, "System boundary", fontsize=MIN_FONT_PT, ha="left", va="bottom")
    roots = [n for n in graph if column[n] == 0]
    targets = [position[r] for r in roots] or [(right - box_w, top + box_h / 2)]
    # every demanded process feeds the functional unit: a line from each to a collector just
    # outside the boundary, and one arrow from it to the label, level with their middle
    middles = [y - box_h / 2 for _, y in targets]
    label_y, collector = (max(middles) + min(middles)) / 2, right + 0.08
    for x, y in zip((x for x, _ in targets), middles):
        ax.plot([x + box_w, collector], [y, y], color="black", linewidth=0.8, solid_capstyle="butt")
    ax.plot([collector, collector], [min(middles), max(middles)], color="black", linewidth=0.8)
    ax.annotate("", xy=(right + 0.22, label_y), xytext=(collector, label_y),
                arrowprops=dict(arrowstyle="-|>", color="black", linewidth=0.8, shrinkA=0, shrinkB=0))
    ax.text(right + 0.25, label_y, fit_lines(f"Functional unit: {functional_unit}", (fu_width - 0.05) * 72, 9),
            fontsize=MIN_FONT_PT, ha="left", va="center", parse_math=False)
    for i, stage in enumerate(excluded):
        y = bottom - 0.25 - i * 0.32
        ax.add_patch(Rectangle((left, y - 0.24), 2.0, 0.24, fill=False, linestyle=":", edgecolor="#666666"))
        ax.text(left + 0.08, y - 0.12, f"excluded: {humanize(stage).lower()}", fontsize=MIN_FONT_PT, va="center",
                color="#333333")
    handles = _stage_handles(order)
    ax.legend(handles=handles, title="Lifecycle stage", loc="lower right", frameon=False,
              ncol=min(len(handles), 3))
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.axis("off")
    return fig


def boundary_routes(edges, position: Mapping[str, tuple[float, float]], box_w: float, box_h: float,
                    step_x: float, step_y: float) -> list[list[tuple[float, float]]]:
    """Orthogonal routes of the system-boundary arrows that never cross a box.

    Boxes sit in a grid (top-left corners in *position*, columns *step_x* apart, rows *step_y*);
    an arrow leaves its supplier's right side into the vertical gap after that column, runs
    along the horizontal channel just above its consumer's row to the gap before the consumer's
    column, and enters the consumer's left side. Loops (a supplier right of or in the column of
    its consumer, or a process feeding itself) take the same channels, so no arrow covers a label.
    Arrows sharing a gap are spread across it.

    Parameters
    ----------
    edges : iterable of (str, str)
        Supplier -> consumer.
    position : mapping of str to (float, float)
        Top-left corner of each box.
    box_w, box_h, step_x, step_y : float
        Box size and grid pitch.

    Returns
    -------
    list of list of (float, float)
        One polyline per edge, ending at the consumer's left side.

    Examples
    --------
    The grid feeds the fab next to it straight, and the training run two columns on over the
    channel above the row (y = 0.25), not through the fab's box:

    >>> boxes = {"grid": (0.0, 0.0), "fab": (2.0, 0.0), "training": (4.0, 0.0)}
    >>> for route in boundary_routes([("grid", "fab"), ("grid", "training")], boxes, 1.0, 0.5, 2.0, 1.0):
    ...     print([(round(x, 2), round(y, 2)) for x, y in route])
    [(1.0, -0.25), (2.0, -0.25)]
    [(1.0, -0.25), (1.47, -0.25), (1.47, 0.25), (3.85, 0.25), (3.85, -0.25), (4.0, -0.25)]
    """
    edges = list(edges)
    half_gap_x, half_gap_y = (step_x - box_w) / 2, (step_y - box_h) / 2
    # arrows that share a vertical gap get their own lane in it; lanes keep clear of the boxes
    lanes: dict[float, list[tuple[str, str]]] = {}
    for supplier, consumer in edges:
        lanes.setdefault(position[supplier][0] + box_w, []).append((supplier, consumer))
    lane = {}
    for gap_x, members in lanes.items():
        for k, edge in enumerate(members):  # the left 70 % of the gap; arrows come in on the right
            lane[edge] = gap_x + 1.4 * half_gap_x * (k + 1) / (len(members) + 1)
    routes = []
    for supplier, consumer in edges:
        (x0, y0), (x1, y1) = position[supplier], position[consumer]
        out_x = lane[(supplier, consumer)]
        channel = y1 + half_gap_y
        start, end = (x0 + box_w, y0 - box_h / 2), (x1, y1 - box_h / 2)
        if x1 - (x0 + box_w) == step_x - box_w and abs(y0 - y1) < 1e-9:
            routes.append([start, end])  # next column, same row: straight across the gap
            continue
        in_x = x1 - half_gap_x * 0.3
        routes.append([start, (out_x, start[1]), (out_x, channel), (in_x, channel), (in_x, end[1]), end])
    return routes


def distributions(samples: Mapping[str, np.ndarray], deterministic: Mapping[str, float],
                  units: Mapping[str, str], interval: tuple[float, float] = (2.5, 97.5)):
    """Histograms of Monte Carlo results, one panel per category, with the deterministic score and the 95 % interval.

    Parameters
    ----------
    samples : mapping of str to numpy.ndarray
        Category -> samples.
    deterministic : mapping of str to float
        Category -> deterministic score (solid line).
    units : mapping of str to str
        Category -> unit.
    interval : tuple of float, optional
        The percentiles of the dashed lines.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> samples = np.random.default_rng(1).lognormal(np.log(553.1), 0.15, 1000)
    >>> len(render(distributions({"climate_change": samples}, {"climate_change": 553.1}, {"climate_change": "t CO2-eq"}))) > 0
    True
    """
    plt = _pyplot()
    from matplotlib.lines import Line2D

    categories = list(samples)
    columns = min(len(categories), 2)
    rows = -(-len(categories) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.0 * columns, 2.6 * rows + 0.6), squeeze=False)
    for ax, category in zip(axes.flat, categories):
        values = np.asarray(samples[category], dtype=float)
        values = values[np.isfinite(values)]
        low, high = np.percentile(values, interval)
        factor, unit = scale_of([deterministic[category], low, high], units[category])
        edges, log = histogram_bins(values / factor)
        ax.hist(values / factor, bins=edges, weights=np.full(len(values), 100.0 / len(values)), color=OKABE_BLUE,
                edgecolor="black", linewidth=0.3, hatch="//")
        if log:
            from matplotlib.ticker import FuncFormatter, NullFormatter

            ax.set_xscale("log")
            # plain "1e-05" labels: the default 10^n puts its exponent at 70 % size, under 9 pt
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(deterministic[category] / factor, color="black", linewidth=1.4)
        for bound in (low, high):
            ax.axvline(bound / factor, color="black", linestyle="--", linewidth=1.0)
        ax.set_xlabel(f"{humanize(category)} ({unit})")
        ax.set_ylabel("Share of samples (%)")
    for ax in list(axes.flat)[len(categories):]:
        ax.axis("off")
    n = len(next(iter(samples.values())))
    fig.suptitle(f"Monte Carlo distributions ({n} samples; x axes show the central 99 %, "
                 f"logarithmic where it spans over {LOG_SPAN:.0f}x)")
    handles = [Line2D([], [], color="black", linewidth=1.4, label="deterministic score"),
               Line2D([], [], color="black", linestyle="--", label=f"{interval[0]:g}th and {interval[1]:g}th percentiles")]
    fig.tight_layout(rect=(0, 0.06 if rows > 1 else 0.1, 1, 1))
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False)
    return fig


#: Samples spanning more than this ratio (central 99 %) get a log axis: two decades.
LOG_SPAN = 100.0


def histogram_bins(values: np.ndarray, bins: int = 40) -> tuple[np.ndarray, bool]:
    """Bin edges over the central 99 % of *values*, evenly spaced in log when the values are
    positive and span more than :data:`LOG_SPAN` (a toxicity score spread over decades would
    otherwise put most samples in the first linear bin).

    Parameters
    ----------
    values : numpy.ndarray
        Finite samples.
    bins : int, optional
        How many bins.

    Returns
    -------
    edges : numpy.ndarray
        ``bins + 1`` increasing edges.
    log : bool
        Whether the edges are logarithmic (draw on a log axis).

    Examples
    --------
    >>> edges, log = histogram_bins(np.array([0.01, 1.0, 100.0]), bins=4)
    >>> log, np.round(edges, 2).tolist()
    (True, [0.02, 0.17, 1.4, 11.79, 99.01])
    """
    low, high = np.percentile(values, (0.5, 99.5))
    if low > 0 and high / low > LOG_SPAN:
        return np.geomspace(low, high, bins + 1), True
    if high <= low:
        low, high = low - 0.5 * (abs(low) or 1.0), high + 0.5 * (abs(high) or 1.0)
    return np.linspace(low, high, bins + 1), False


def tornado(rows: Sequence[tuple[str, float, float]], base: float, category: str, unit: str,
            label_low: str = "input at its 2.5th percentile", label_high: str = "input at its 97.5th percentile"):
    """Tornado chart: the score when each parameter is at its low and its high value, widest swing on top.

    Parameters
    ----------
    rows : sequence of (str, float, float)
        (parameter, score at low, score at high).
    base : float
        The deterministic score.
    category, unit : str
        What the score is.
    label_low, label_high : str, optional
        The legend of the two bars.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> figure = tornado([("grid_intensity", 420.6, 727.4), ("pue", 543.0, 594.4)], 553.1, "climate_change", "t CO2-eq")
    >>> len(render(figure)) > 0
    True
    """
    plt = _pyplot()
    rows = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    factor, shown_unit = scale_of([base] + [v for r in rows for v in r[1:]], unit)
    labels = unique_labels([r[0] for r in rows])
    fig, ax = plt.subplots(figsize=(7.5, _row_height(labels) * len(rows) + 1.6))
    for i, (name, low, high) in enumerate(rows):
        ax.barh(i, (low - base) / factor, left=base / factor, color=OKABE_BLUE, hatch="//", edgecolor="black",
                linewidth=0.5, label=label_low if i == 0 else None)
        ax.barh(i, (high - base) / factor, left=base / factor, color=OKABE_ORANGE, hatch="..", edgecolor="black",
                linewidth=0.5, label=label_high if i == 0 else None)
    ax.axvline(base / factor, color="black", linewidth=1.0)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"{humanize(category)} ({shown_unit})")
    ax.set_title(f"One-at-a-time sensitivity of {humanize(category).lower()} "
                 f"(base {format_value(base / factor, 4)} {shown_unit})")
    _legend_below(ax)
    return fig


def _row_height(labels: Sequence[str]) -> float:
    """Inches per bar row, so that the tallest wrapped label (a 9 pt line is 0.15 in) fits with air."""
    return max(0.4, 0.19 * max((label.count("\n") + 1 for label in labels), default=1) + 0.1)


def _legend_below(ax, ncol: int = 2, **options) -> None:
    """The legend under the axes and their x label, clear of every bar."""
    axes_height = ax.figure.get_figheight() * ax.get_position().height
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.6 / axes_height), ncol=ncol, **options)


def unique_labels(labels: Sequence[str], width: int = 44) -> list[str]:
    """Axis labels wrapped at *width* characters, never shortened, and distinct: labels that
    read the same get a running number ("(2)") so no two rows share one.

    Parameters
    ----------
    labels : sequence of str
        Readable names, one per row.
    width : int, optional
        Characters per line.

    Returns
    -------
    list of str
        The labels with newlines.

    Examples
    --------
    >>> unique_labels(["Grid: CO2", "Grid: CO2", "PUE"])
    ['Grid: CO2 (1)', 'Grid: CO2 (2)', 'PUE']
    """
    return [wrap(label, width, lines=len(label) // max(width // 2, 1) + 2) for label in distinct(labels)]


def distinct(labels: Sequence[str]) -> list[str]:
    """*labels* with a running number on those that read the same, so each names one row.

    Parameters
    ----------
    labels : sequence of str
        Readable names.

    Returns
    -------
    list of str
        The names, all different.

    Examples
    --------
    >>> distinct(["PUE", "Grid: CO2", "Grid: CO2"])
    ['PUE', 'Grid: CO2 (1)', 'Grid: CO2 (2)']
    """
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label} ({seen[label]})"
        out.append(label)
    return out


def sobol_bars(indices: Mapping[str, tuple[float, float]], category: str,
               intervals: Mapping[str, tuple[tuple[float, float], tuple[float, float]]] | None = None):
    """First-order and total Sobol indices per parameter (shares of the output variance), with
    their 95 % bootstrap intervals as error bars when given.

    Parameters
    ----------
    indices : mapping of str to (float, float)
        Parameter -> (first order, total).
    category : str
        The category.
    intervals : mapping of str to ((float, float), (float, float)), optional
        Parameter -> (S1 interval, ST interval), each (low, high).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> len(render(sobol_bars({"grid_intensity": (0.66, 0.65), "chip_power": (0.32, 0.31)}, "climate_change"))) > 0
    True
    """
    plt = _pyplot()
    names = sorted(indices, key=lambda n: -indices[n][1])
    y = np.arange(len(names))
    labels = unique_labels(names)
    fig, ax = plt.subplots(figsize=(7.5, max(0.45, _row_height(labels)) * len(names) + 1.7))
    highest = max((v for pair in indices.values() for v in pair), default=1.0)
    lowest = min((v for pair in indices.values() for v in pair), default=0.0)
    for k, (offset, colour, hatch, label) in enumerate(((-0.2, OKABE_BLUE, "//", "first order (S1)"),
                                                        (0.2, OKABE_ORANGE, "..", "total (ST)"))):
        values = np.array([indices[n][k] for n in names])
        error = None
        if intervals:
            bounds = np.array([intervals[n][k] for n in names]).reshape(len(names), 2)
            # a percentile interval need not contain the estimate; error bars cannot be negative
            error = np.clip(np.stack([values - bounds[:, 0], bounds[:, 1] - values]), 0, None)
            highest, lowest = max(highest, bounds.max()), min(lowest, bounds.min())
        ax.barh(y + offset, values, height=0.4, color=colour, hatch=hatch, edgecolor="black", linewidth=0.5,
                label=label + (" with 95 % bootstrap interval" if intervals and k == 1 else ""),
                xerr=error, error_kw=dict(ecolor="black", elinewidth=0.8, capsize=2.5))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(min(0.0, lowest * 1.1), max(1.0, highest * 1.05))
    ax.set_xlabel("Sobol index (share of output variance, dimensionless)")
    ax.set_title(f"Global sensitivity of {humanize(category).lower()} (Sobol indices)")
    _legend_below(ax)
    return fig


def sobol_noise(indices: Mapping[str, tuple[float, float]],
                intervals: Mapping[str, tuple[tuple[float, float], tuple[float, float]]]) -> list[str]:
    """Parameters whose S1 < 0 or S1 > ST is within the bootstrap noise (impossible for exact
    indices, so only sampling error can make them; the interval tells whether it does).

    Parameters
    ----------
    indices : mapping of str to (float, float)
        Parameter -> (S1, ST).
    intervals : mapping of str to ((float, float), (float, float))
        Parameter -> (S1 interval, ST interval).

    Returns
    -------
    list of str
        One sentence per such parameter, e.g. "pue: S1 = -0.002 < 0, within its 95 % interval
        [-0.01, 0.006] (noise)".

    Examples
    --------
    >>> sobol_noise({"pue": (-0.002, 0.004)}, {"pue": ((-0.01, 0.006), (0.001, 0.007))})
    ['pue: S1 = -0.002 < 0, within its 95 % interval [-0.01, 0.006] (noise)']
    """
    notes = []
    for name, (first, total) in indices.items():
        (low, high), (total_low, total_high) = intervals[name]
        if first < 0:
            bounds = f"[{format_value(low, 3)}, {format_value(high, 3)}]"
            notes.append(f"{name}: S1 = {format_value(first, 3)} < 0, within its 95 % interval {bounds} (noise)"
                         if high >= 0 else
                         f"{name}: S1 = {format_value(first, 3)} < 0 and its 95 % interval {bounds} is below 0: "
                         "more samples needed")
        if first > total:
            overlap = low <= total_high
            notes.append(f"{name}: S1 = {format_value(first, 3)} > ST = {format_value(total, 3)}, "
                         + ("the intervals overlap (noise)" if overlap else
                            "the intervals do not overlap: more samples needed"))
    return notes


def allocation_bars(scores: Mapping[str, Mapping[str, float]], category: str, unit: str):
    """Grouped bars: the score allocated to each target (rows) under each rule (bars).

    Parameters
    ----------
    scores : mapping of str to mapping of str to float
        Rule -> target -> score.
    category, unit : str
        What the scores are.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> figure = allocation_bars({"equal": {"chat": 15.1, "translation": 14.6}, "queries": {"chat": 2.0, "translation": 0.8}},
    ...                          "climate_change", "t CO2-eq")
    >>> len(render(figure)) > 0
    True
    """
    plt = _pyplot()
    rules = list(scores)
    targets = list(next(iter(scores.values()), {}))
    factor, shown = scale_of([v for r in rules for v in scores[r].values()], unit)
    height = 0.8 / max(len(rules), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.16 * len(rules) * len(targets) + 1.6))
    for i, rule in enumerate(rules):
        y = np.arange(len(targets)) - 0.4 + height * (i + 0.5)
        ax.barh(y, [scores[rule][t] / factor for t in targets], height=height, color=OKABE_ITO[i % 7],
                hatch=HATCHES[i % len(HATCHES)], edgecolor="black", linewidth=0.5, label=humanize(rule))
    ax.set_yticks(range(len(targets)), [wrap(t, 30, 2) for t in targets])
    ax.invert_yaxis()
    ax.set_xlabel(f"{humanize(category)} ({shown})")
    ax.set_title(f"{humanize(category)} allocated to each target, by rule")
    _legend_below(ax, ncol=min(len(rules), 4), title="Rule")
    return fig
