"""Flow tracing (de Chalendar, Taggart & Benson 2019): a hand-solved three-area grid, the invariants
of proportional sharing, and the batched solve against one dense solve per hour."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.engine import flow_tracing as tracing
from lca.engine.flow_tracing import trace_flows
from lca.errors import ModelError, SingularSystemError

# Three areas in a loop: A sends 30 MWh to B, B 40 to C, C 10 to A. Own intensities 900, 100, 400 kg/MWh.
#   A: 110 xA - 10 xC = 90000;  B: 80 xB - 30 xA = 5000;  C: 120 xC - 40 xB = 32000
# By substitution: 1305 xA = 1114500, so xA = 74300/87, xB = 33300/87, xC = 34300/87 kg/MWh.
P3 = np.array([[100.0, 50.0, 80.0]])
F3 = np.array([[90_000.0, 5_000.0, 32_000.0]])


def loop_interchange():
    flows = np.zeros((1, 3, 3))
    for i, j, mwh in ((0, 1, 30.0), (1, 2, 40.0), (2, 0, 10.0)):
        flows[0, i, j], flows[0, j, i] = mwh, -mwh
    return flows


def test_hand_solved_three_area_loop_to_1e_9():
    trace = trace_flows(P3, F3, loop_interchange(), areas=("A", "B", "C"))
    np.testing.assert_allclose(trace.intensity[0], np.array([74300, 33300, 34300]) / 87, rtol=0, atol=1e-9)
    # consumption = generation + imports - exports: 100 + 10 - 30, 50 + 30 - 40, 80 + 40 - 10
    assert trace.consumption[0].tolist() == [80.0, 40.0, 110.0]
    assert trace.imported[0].tolist() == [10.0, 30.0, 40.0]
    assert trace.production_intensity[0].tolist() == [900.0, 100.0, 400.0]


def test_hand_solved_origins_of_the_loop():
    trace = trace_flows(P3, F3, loop_interchange())
    X = trace.origins[0]  # X[i, k]: the part of area i's intensity emitted in area k
    A = np.array([[110.0, 0, -10], [-30, 80, 0], [0, -40, 120]])
    np.testing.assert_allclose(A @ X, np.diag(F3[0]), atol=1e-9)
    np.testing.assert_allclose(X.sum(axis=1), trace.intensity[0], rtol=1e-14)
    # A's own share: xA_A solves 110 y - 10 * (40/120) * (30/80) y = 90000, so y = 90000 / (110 - 1.25)
    assert X[0, 0] == pytest.approx(90_000 / 108.75, abs=1e-9)
    own = X[2, 2] * 110
    assert trace.imported_share(2) == pytest.approx(1 - own / (trace.intensity[0, 2] * 110), abs=1e-15)


def test_one_direction_given_uses_the_importers_figure():
    # only the exporter's sign given: area 1 has no import row, so nothing is traced into it
    flows = np.zeros((1, 2, 2))
    flows[0, 0, 1] = 50.0
    trace = trace_flows(np.array([[100.0, 50.0]]), np.array([[1e5, 0.0]]), flows)
    assert trace.intensity[0].tolist() == [1000.0, 0.0]


def test_an_area_without_supply_is_named():
    flows = np.zeros((2, 2, 2))
    with pytest.raises(ModelError, match=r"hour 9: area B has no generation and no imports"):
        trace_flows(np.array([[1.0, 1.0], [1.0, 0.0]]), np.ones((2, 2)), flows, areas=("A", "B"),
                    hours=("hour 1", "hour 9"))


def test_exports_beyond_supply_are_named():
    flows = np.zeros((1, 2, 2))
    flows[0, 0, 1], flows[0, 1, 0] = 150.0, -150.0
    with pytest.raises(ModelError, match=r"area A sends out 150 MWh but generates and imports only 100 MWh"):
        trace_flows(np.array([[100.0, 10.0]]), np.ones((1, 2)), flows, areas=("A", "B"))


def test_areas_trading_only_among_themselves_without_generation_are_singular():
    flows = np.zeros((1, 3, 3))
    flows[0, 1, 2] = flows[0, 2, 1] = -5.0  # each imports 5 from the other: a closed loop, no generation
    with pytest.raises(SingularSystemError, match=r"hour 0: areas that only trade among themselves"):
        trace_flows(np.array([[10.0, 0.0, 0.0]]), np.array([[1.0, 0.0, 0.0]]), flows)


def test_shapes_are_checked():
    with pytest.raises(ModelError, match=r"must have the shapes"):
        trace_flows(np.ones((2, 3)), np.ones((2, 3)), np.zeros((2, 3, 2)))


@st.composite
def grids(draw):
    hours, n = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    P = rng.uniform(1, 100, (hours, n))
    intensity = rng.uniform(0, 1000, (hours, n))
    # exports of each area: a random split of at most half its generation (so every area is balanced)
    share = rng.dirichlet(np.ones(n), size=(hours, n)) * rng.uniform(0, 0.5, (hours, n, 1))
    share[:, np.arange(n), np.arange(n)] = 0
    sent = share * P[:, :, None]
    return P, P * intensity, sent - sent.transpose(0, 2, 1)


@settings(max_examples=60, deadline=None)
@given(grids())
def test_invariants_of_proportional_sharing(grid):
    P, F, ID = grid
    trace = trace_flows(P, F, ID)
    x, D = trace.intensity, trace.consumption
    # every kilogram emitted is consumed somewhere, each hour
    np.testing.assert_allclose((x * D).sum(axis=1), F.sum(axis=1), rtol=1e-9)
    # a consumed mix lies between the cleanest and the dirtiest generation of that hour
    own = F / P
    assert np.all(x >= own.min(axis=1, keepdims=True) * (1 - 1e-9) - 1e-9)
    assert np.all(x <= own.max(axis=1, keepdims=True) * (1 + 1e-9) + 1e-9)
    # the origins add up to the intensity; each hour equals its own dense solve
    np.testing.assert_allclose(trace.origins.sum(axis=2), x, rtol=1e-9, atol=1e-9)
    for t in range(P.shape[0]):
        imports = np.clip(-ID[t], 0, None)
        A = np.diag(P[t] + imports.sum(axis=1)) - imports
        np.testing.assert_allclose(x[t], np.linalg.solve(A, F[t]), rtol=1e-9, atol=1e-9)


def test_without_trade_the_consumption_intensity_is_the_production_intensity():
    P = np.array([[10.0, 20.0], [30.0, 40.0]])
    F = np.array([[1000.0, 0.0], [600.0, 400.0]])
    trace = trace_flows(P, F, np.zeros((2, 2, 2)), origins=False)
    np.testing.assert_array_equal(trace.intensity, F / P)
    assert trace.origins is None
    with pytest.raises(ModelError, match="needs the traced origins"):
        trace.imported_share(0)


def test_stacks_of_hours_give_the_same_numbers_as_one_stack(monkeypatch):
    """Hours are solved in stacks bounded by HOURS_BUDGET; the stack size changes no number."""
    rng = np.random.default_rng(3)
    T, n = 37, 5
    P = rng.uniform(100, 1000, (T, n))
    F = P * rng.uniform(0, 900, (1, n))
    sent = rng.uniform(0, 0.2, (T, n, n)) * P[:, :, None]
    sent[:, np.arange(n), np.arange(n)] = 0.0
    ID = sent - sent.transpose(0, 2, 1)
    whole = trace_flows(P, F, ID)
    monkeypatch.setattr(tracing, "HOURS_BUDGET", 2 * n * n * 3)  # three hours a stack: 13 stacks
    stacked = trace_flows(P, F, ID)
    assert stacked.intensity.tobytes() == whole.intensity.tobytes()
    assert stacked.origins.tobytes() == whole.origins.tobytes()
    # hour by hour, the defining equations A x = F hold, and the origins add up to the intensity
    imports = np.clip(-ID, 0, None)
    for t in (0, 17, 36):
        A = np.diag(P[t] + imports[t].sum(axis=1)) - imports[t]
        assert np.allclose(A @ stacked.intensity[t], F[t], rtol=1e-12)
    assert np.allclose(stacked.origins.sum(axis=2), stacked.intensity, rtol=1e-12)
