"""The Sankey's layout on a hand-made study whose suppliers crowd one column: at 9 pt the
smallest are merged into one "N other processes" node carrying exactly their total, the
caption names them, every box balances, and no two labels overlap; and, on random supply
chains grouped at random, every node balances (a property test)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")

from lca import load_study
from lca.report import figures as fig
from lca.report import gather
from lca.report.flows import FUNCTIONAL_UNIT, EmbodiedFlows, sankey_nodes

SUPPLIERS = 14  # one column of 14 four-line labels is taller than SANKEY_MAX_IN


def _crowded() -> str:
    inputs = ", ".join(f'{{ product = "part_{i}", amount = 1, unit = "item" }}' for i in range(SUPPLIERS))
    parts = "".join(f'''
[processes.part_{i}]
name = "Hand-made component number {i} with a long descriptive name, per item"
unit = "item"
stage = "manufacturing"
source = "hand-made test"
biosphere = [{{ flow = "co2", amount = {10 * (i + 1)}, unit = "kg" }}]
''' for i in range(SUPPLIERS))
    return f'''
[study]
name = "crowded"
functional_unit = "one assembly"

[demand]
assembly = {{ amount = 1, unit = "item" }}

[processes.assembly]
unit = "item"
stage = "manufacturing"
source = "hand-made test"
technosphere = [{inputs}]
biosphere = [{{ flow = "co2", amount = 5, unit = "kg" }}]
''' + parts


@pytest.fixture
def crowded(study):
    return gather(load_study(study(_crowded())))


def test_a_crowded_column_merges_its_smallest_processes_and_keeps_their_total(crowded):
    # 12 processes are drawn at most: the 3 smallest parts (10, 20, 30 kg) reach the assembly as a stub
    layout = fig.sankey_layout(crowded.flows, crowded.graph, crowded.names)
    nodes = layout.nodes
    groups = {n: ps for n, ps in nodes.members.items() if len(ps) > 1}
    assert len(groups) == 1
    (group, members), = groups.items()
    assert layout.labels[group].startswith(f"{len(members)} other processes")
    # the merged node carries its members' emissions, nothing more or less
    assert nodes.value[group] == pytest.approx(sum(10.0 * (int(p.split("_")[1]) + 1) for p in members))
    # the merged ones are the smallest drawn parts
    drawn = sorted(int(p.split("_")[1]) for ps in nodes.members.values() for p in ps if p.startswith("part_"))
    assert sorted(int(p.split("_")[1]) for p in members) == drawn[:len(members)]
    assert nodes.hidden_in["assembly"] == pytest.approx(10 + 20 + 30)
    assert nodes.value[FUNCTIONAL_UNIT] == pytest.approx(5 + sum(10 * (i + 1) for i in range(SUPPLIERS)))
    # the column now fits the drawing's height cap
    assert layout.height <= fig.SANKEY_MAX_IN + 1e-9
    caption = fig.sankey_caption(layout, crowded.names)
    assert caption.startswith(f"Merged: {len(members)} other processes (Hand-made component number")
    assert all(crowded.names[p] in caption for p in members)
    assert "emit 5.7 % of the score; it reaches the boxes they supply as grey stubs" in caption  # 60 of 1,055 kg


def test_crowded_labels_do_not_overlap_and_the_boxes_balance(crowded):
    drawing = fig.flow_diagram(crowded.flows, crowded.graph, crowded.names, crowded.stages)
    drawing.draw_without_rendering()
    labels = [t.get_window_extent() for t in drawing.axes[0].texts]
    assert len(labels) == len(drawing.sankey.position)
    for a, b in itertools.combinations(labels, 2):
        assert not a.overlaps(b)
    nodes = drawing.sankey.nodes
    for node, value in nodes.value.items():
        inflow = sum(v for (_, c), v in nodes.links.items() if c == node)
        assert nodes.direct[node] + inflow + nodes.hidden_in[node] == pytest.approx(value)
    fig._pyplot().close(drawing)


@st.composite
def _chains(draw):
    """A loop-free supply chain as EmbodiedFlows (process 0 is demanded; each other process
    sells its whole output to processes of lower index), and a random grouping of some of it."""
    n = draw(st.integers(2, 9))
    direct = [draw(st.floats(0.0, 100.0)) for _ in range(n)]
    embodied = [0.0] * n
    links = {}
    consumers = {i: draw(st.lists(st.integers(0, i - 1), min_size=1, max_size=3, unique=True)) for i in range(1, n)}
    weights = {i: [draw(st.floats(0.1, 1.0)) for _ in consumers[i]] for i in range(1, n)}
    for i in reversed(range(n)):  # suppliers (higher index) first
        embodied[i] = direct[i] + sum(v for (s, c), v in links.items() if c == f"p{i}")
        for j, w in zip(consumers.get(i, []), weights.get(i, [])):
            links[(f"p{i}", f"p{j}")] = embodied[i] * w / sum(weights[i])
    flows = EmbodiedFlows("climate_change", "kg CO2-eq", {f"p{i}": d for i, d in enumerate(direct)},
                          {f"p{i}": e for i, e in enumerate(embodied)}, links, ("p0",), embodied[0])
    label = draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n))  # -1: not drawn
    groups: dict[str, tuple[str, ...]] = {}
    for i, g in enumerate(label):
        if g >= 0:
            groups[f"g{g}"] = groups.get(f"g{g}", ()) + (f"p{i}",)
    return flows, groups


@settings(max_examples=200, deadline=None)
@given(_chains())
def test_every_sankey_node_balances_whatever_is_merged_or_left_out(chain):
    flows, groups = chain
    nodes = sankey_nodes(flows, groups)
    tolerance = 1e-9 * (abs(flows.score) + 1)
    for node, value in nodes.value.items():
        inflow = sum(v for (_, c), v in nodes.links.items() if c == node)
        outflow = sum(v for (s, _), v in nodes.links.items() if s == node)
        assert nodes.direct[node] + inflow + nodes.hidden_in[node] == pytest.approx(value, abs=tolerance)
        if node != FUNCTIONAL_UNIT:
            assert outflow + nodes.hidden_out[node] == pytest.approx(value, abs=tolerance)
    assert nodes.value[FUNCTIONAL_UNIT] == flows.score
    # a group carries its members' own emissions: nothing is lost between nodes and processes
    for node, members in groups.items():
        assert nodes.direct[node] == pytest.approx(sum(flows.direct[p] for p in members))
