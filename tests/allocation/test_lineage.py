"""lca.allocation.lineage: lineage rules hand-solved, a published figure, conservation as property
tests, and errors for keys that cannot allocate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.allocation.infrastructure import allocate_infrastructure
from lca.allocation.lineage import allocate_lineage
from lca.allocation.shares import partition, select
from lca.errors import AllocationError
from lca.model.allocation import RULES, Node, build_lineage


def fp(*values: float) -> np.ndarray:
    """A footprint of one category and one sample."""
    return np.array([[v] for v in values]) if len(values) > 1 else np.array([[values[0]]])


# Three levels: R -> (M1 -> (T1, T2), M2 -> T3).
THREE = build_lineage({
    "R": Node("R"), "M1": Node("M1", parent="R"), "M2": Node("M2", parent="R"),
    "T1": Node("T1", parent="M1"), "T2": Node("T2", parent="M1"), "T3": Node("T3", parent="M2"),
})
OWN = {"R": fp(120.0), "M1": fp(30.0), "M2": fp(0.0), "T1": fp(5.0), "T2": fp(5.0), "T3": fp(2.0)}
QUERIES = {"T1": {"queries": np.array([100.0])}, "T2": {"queries": np.array([300.0])},
           "T3": {"queries": np.array([200.0])}}


def values(result) -> dict[str, float]:
    return {t: float(v[0, 0]) for t, v in result.targets.items()}


def test_three_level_recursion_by_queries_hand_solved():
    # R's 120 splits 400:200 (M1's tasks serve 400 queries, M2's 200): 80 and 40.
    # M1 carries 30 + 80 = 110, split 100:300 -> 27.5 and 82.5; plus the tasks' own 5.
    result = allocate_lineage(THREE, OWN, QUERIES, {}, "queries")
    assert values(result) == pytest.approx({"T1": 32.5, "T2": 87.5, "T3": 42.0})
    assert float(result.subtree["M1"][0, 0]) == pytest.approx(120.0)
    assert float(result.carried["M1"][0, 0]) == pytest.approx(110.0)
    assert float(result.total[0, 0]) == pytest.approx(162.0)


def test_three_level_recursion_equal_and_amortized_hand_solved():
    equal = allocate_lineage(THREE, OWN, {}, {}, "equal")
    assert values(equal) == pytest.approx({"T1": 50.0, "T2": 50.0, "T3": 62.0})
    # Four adaptations expected of R, two made: each gets 120/4, 60 stays unallocated; M1 has
    # no expected count, so its 30 + 30 splits equally.
    amortized = allocate_lineage(THREE, OWN, {}, {"R": np.array([4.0])}, "amortized")
    assert values(amortized) == pytest.approx({"T1": 35.0, "T2": 35.0, "T3": 32.0})
    assert float(amortized.unallocated[0, 0]) == pytest.approx(60.0)


def test_patterson_per_query_formula():
    # Patterson et al. 2021: emissions = R * (E_train + queries * E_inference). With one model
    # serving one task the whole training footprint lands on its queries.
    lineage = build_lineage({"base": Node("base"), "task": Node("task", parent="base")})
    e_train, e_query, n = 552_100.0, 0.002, 1e9
    result = allocate_lineage(lineage, {"base": fp(e_train), "task": fp(n * e_query)},
                              {"task": {"queries": np.array([n])}}, {}, "queries")
    assert float(result.targets["task"][0, 0]) / n == pytest.approx(e_train / n + e_query)


def test_published_embodied_share_of_bloom():
    # Luccioni et al. 2023: 48 nodes x (2,500 + 8 x 150) kg CO2-eq, 6-year life, 118 days, 85 %
    # utilization -> 11.2 t. Their method spreads idle time over users pro rata: our user share
    # divided by the utilization. The partition (52 nodes) is used 85 % of the year.
    nodes_total, per_node = 52, 2500 + 8 * 150
    footprint = np.array([[nodes_total * per_node / 6.0]])  # one year
    capacity = nodes_total * 365.0  # node-days
    bloom = 48 * 118.0
    others = 0.85 * capacity - bloom
    users, idle = allocate_infrastructure(footprint, capacity, {"bloom": np.array([bloom]),
                                                                "others": np.array([others])}, "jean_zay")
    assert float(users["bloom"][0, 0]) / 0.85 / 1000 == pytest.approx(11.2, rel=0.01)
    assert float(idle[0, 0]) == pytest.approx(0.15 * float(footprint[0, 0]))


def test_rule_chosen_per_sample_by_a_parameter():
    a = np.array([[1.0, 2.0, 3.0]])
    b = np.array([[10.0, 20.0, 30.0]])
    picked = select({"x": a, "y": b}, np.array([0, 1, 0]), ("x", "y"))
    assert picked.tolist() == [[1.0, 20.0, 3.0]]


# -- conservation -------------------------------------------------------------------------------

@st.composite
def lineages(draw):
    n = draw(st.integers(min_value=1, max_value=9))
    parents = [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n)]
    nodes = {f"n{i}": Node(f"n{i}", parent=None if p is None else f"n{p}") for i, p in enumerate(parents)}
    lineage = build_lineage(nodes)
    samples = 3
    positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
    own = {name: np.array([[draw(positive) for _ in range(samples)] for _ in range(2)]) for name in nodes}
    keys = {leaf: {k: np.array([draw(positive) for _ in range(samples)]) for k in ("queries", "tokens", "compute", "value")}
            for leaf in lineage.leaves}
    expected = {name: np.full(samples, float(len(lineage.children[name]) + draw(st.integers(0, 50))))
                for name in nodes if lineage.children[name]}
    return lineage, own, keys, expected


@settings(max_examples=60, deadline=None)
@given(lineages(), st.sampled_from(RULES))
def test_allocation_conserves_the_footprint(case, rule):
    lineage, own, keys, expected = case
    result = allocate_lineage(lineage, own, keys, expected, rule)
    allocated = sum(result.targets.values()) + result.unallocated
    np.testing.assert_allclose(allocated, result.total, rtol=1e-9)
    np.testing.assert_allclose(result.total, sum(own.values()), rtol=1e-12)
    for leaf in lineage.leaves:  # a task carries at least its own footprint
        assert np.all(result.targets[leaf] >= own[leaf] * (1 - 1e-12))
    if rule != "amortized":
        assert np.all(result.unallocated == 0)


# -- errors -------------------------------------------------------------------------------------

def test_key_missing_for_a_target_names_it():
    keys = {"T1": {"queries": np.array([1.0])}, "T2": {"queries": np.array([1.0])}}  # T3 has none
    with pytest.raises(AllocationError, match=r"needs 'queries'.*T3|M2"):
        allocate_lineage(THREE, OWN, keys, {}, "queries")


def test_keys_summing_to_zero_are_an_error():
    keys = {"T1": {"compute": np.array([0.0])}, "T2": {"compute": np.array([0.0])},
            "T3": {"compute": np.array([0.0])}}
    with pytest.raises(AllocationError, match="sum to zero"):
        allocate_lineage(THREE, OWN, keys, {}, "compute")


def test_negative_key_and_too_few_expected_adaptations():
    with pytest.raises(AllocationError, match="negative"):
        partition(fp(1.0), {"a": np.array([-1.0]), "b": np.array([2.0])}, "x")
    with pytest.raises(AllocationError, match="fewer than the 2 adaptations"):
        allocate_lineage(THREE, OWN, {}, {"R": np.array([1.0])}, "amortized")


def test_users_beyond_capacity_and_unknown_rule():
    with pytest.raises(AllocationError, match="times the capacity"):
        allocate_infrastructure(fp(1.0), 1.0, {"a": np.array([0.8]), "b": np.array([0.5])}, "dc")
    with pytest.raises(AllocationError, match="unknown allocation rule 'mass'"):
        allocate_lineage(THREE, OWN, {}, {}, "mass")
