"""Dependency order (lca.model.order): networkx's lexicographic topological order, from the
standard library, and the cycle it reports."""

from __future__ import annotations

import graphlib

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lca.model.order import dependency_order

NAMES = st.sampled_from([f"p{i}" for i in range(12)])


@given(st.dictionaries(NAMES, st.sets(NAMES, max_size=4), max_size=12))
def test_same_order_as_networkx_or_the_same_verdict_on_a_cycle(predecessors):
    graph = nx.DiGraph()
    graph.add_nodes_from(predecessors)
    graph.add_edges_from((before, name) for name, befores in predecessors.items() for before in befores)
    try:
        expected = list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        with pytest.raises(graphlib.CycleError) as error:
            dependency_order(predecessors)
        cycle = error.value.args[1]
        assert cycle[0] == cycle[-1] and len(cycle) >= 2
        assert all(graph.has_edge(a, b) for a, b in zip(cycle, cycle[1:]))  # a real cycle, in order
    else:
        assert dependency_order(predecessors) == expected


def test_smallest_free_name_goes_first_whatever_the_mapping_order():
    # "energy" < "power" < "pue", but energy is free only once power is placed
    forward = {"power": (), "pue": (), "energy": ("power",), "total": ("energy", "pue")}
    assert dependency_order(forward) == ["power", "energy", "pue", "total"]
    assert dependency_order(dict(reversed(list(forward.items())))) == ["power", "energy", "pue", "total"]


def test_a_name_that_uses_itself_is_a_cycle():
    with pytest.raises(graphlib.CycleError) as error:
        dependency_order({"x": ("x",)})
    assert error.value.args[1] == ["x", "x"]
