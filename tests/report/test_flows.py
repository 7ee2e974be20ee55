"""lca.report.flows: embodied flows conserve impact at every process, loops included, and match a
hand-solved chain."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.report.flows import embodied_flows


def _fake_compiled(matrix: np.ndarray, demand: np.ndarray):
    """The three things embodied_flows reads from a compiled model."""
    n = matrix.shape[0]
    return SimpleNamespace(processes=tuple(f"p{i}" for i in range(n)),
                           technosphere=SimpleNamespace(matrix=lambda params: sp.csc_matrix(matrix)),
                           demand_vector=lambda params: demand)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.floats(0, 0.3), min_size=n, max_size=n), min_size=n, max_size=n),
    st.lists(st.floats(-5, 50), min_size=n, max_size=n),
    st.lists(st.floats(0.5, 3), min_size=n, max_size=n))))
def test_embodied_flows_conserve_impact_even_with_loops(case):
    """Inputs of at most 0.3 / n per unit keep A diagonally dominant (invertible); loops allowed.
    Impact is conserved at every running process and in total."""
    inputs, intensity, production = (np.array(x) for x in case)
    n = len(intensity)
    matrix = -inputs / n
    np.fill_diagonal(matrix, production)
    demand = np.zeros(n)
    demand[0] = 1.0
    supply = np.linalg.solve(matrix, demand)
    direct = intensity * supply
    flows = embodied_flows(_fake_compiled(matrix, demand), {}, supply, direct, "climate_change", "kg CO2-eq")
    score = direct.sum()
    assert flows.score == pytest.approx(score, rel=1e-9, abs=1e-9)
    for i in np.flatnonzero(supply):
        node = f"p{i}"
        inflow = sum(v for (a, b), v in flows.links.items() if b == node)
        outflow = sum(v for (a, b), v in flows.links.items() if a == node)
        assert flows.embodied[node] == pytest.approx(direct[i] + inflow, rel=1e-9, abs=1e-9)
        to_demand = flows.embodied[node] * demand[i] / (matrix[i, i] * supply[i])
        assert outflow + to_demand == pytest.approx(flows.embodied[node], rel=1e-9, abs=1e-9)


def test_embodied_flows_hand_solved_chain():
    # p0 (functional unit) takes 2 of p1; p1 takes 3 of p2 per unit; p2 emits 1, p1 emits 10.
    matrix = np.array([[1.0, 0, 0], [-2.0, 1, 0], [0, -3.0, 1]])
    demand = np.array([1.0, 0, 0])
    supply = np.linalg.solve(matrix, demand)  # 1, 2, 6
    direct = np.array([0.0, 10 * 2, 1 * 6])
    flows = embodied_flows(_fake_compiled(matrix, demand), {}, supply, direct, "climate_change", "kg CO2-eq")
    assert flows.embodied == pytest.approx({"p0": 26.0, "p1": 26.0, "p2": 6.0})
    assert flows.links == pytest.approx({("p1", "p0"): 26.0, ("p2", "p1"): 6.0})
