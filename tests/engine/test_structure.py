"""supply_order against networkx's condensation and topological generations (the reference)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.engine.structure import supply_order


def reference(rows, cols, n, demand):
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(c), int(r)) for r, c in zip(rows, cols) if r != c)
    reached = set(demand)
    for d in demand:
        reached |= nx.descendants(graph, d)
    condensed = nx.condensation(graph.subgraph(reached))
    generations = [sorted(sorted(condensed.nodes[c]["members"]) for c in generation)
                   for generation in nx.topological_generations(condensed)]
    return sorted(reached), generations


@st.composite
def technospheres(draw):
    n = draw(st.integers(1, 25))
    entries = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=70))
    demand = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    rows = np.array([r for r, _ in entries], dtype=np.int64)
    cols = np.array([c for _, c in entries], dtype=np.int64)
    return rows, cols, n, demand


@settings(max_examples=300, deadline=None)
@given(technospheres())
def test_same_components_and_generations_as_networkx(case):
    rows, cols, n, demand = case
    order = supply_order(rows, cols, n, demand)
    reached, generations = reference(rows, cols, n, demand)
    assert order.reached.tolist() == reached
    assert [[c.tolist() for c in g] for g in order.generations] == generations


def test_every_reached_process_is_in_exactly_one_component():
    rng = np.random.default_rng(7)
    n = 3000
    rows, cols = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
    order = supply_order(rows, cols, n, [0, 5])
    members = np.concatenate([c for g in order.generations for c in g])
    assert sorted(members.tolist()) == order.reached.tolist()


def test_a_loop_is_one_component_after_its_consumer():
    # 0 uses 1; 1 and 2 use each other; 2 uses 3.
    rows, cols = np.array([1, 2, 1, 3]), np.array([0, 1, 2, 2])
    order = supply_order(rows, cols, 4, [0])
    assert [[c.tolist() for c in g] for g in order.generations] == [[[0]], [[1, 2]], [[3]]]
