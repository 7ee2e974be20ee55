"""lca.engine.batched: the batched supply-chain solver against hand-solved systems and the per-sample
direct solve: acyclic chains, loops small and large, hub databases, duplicates, singular samples."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import random_technosphere
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.engine.batched import (
    multiply_batch,
    plan_batch,
    plan_structure,
    solve_batch,
    solve_batch_reference,
    solve_planned,
)
from lca.engine.calculate import calculate
from lca.engine.compile import compile_model
from lca.engine.structure import supply_order
from lca.errors import SingularSystemError


def direct(rows, cols, shape, values, demand):
    """Oracle: one sparse LU per sample."""
    return np.column_stack([spla.spsolve(sp.csc_matrix((values[:, i], (rows, cols)), shape=shape), demand[:, i])
                            for i in range(values.shape[1])])


def relative_error(supply, expected):
    return np.abs(supply - expected).max() / np.abs(expected).max()


def samples(rng, central, n_samples, sigma=0.2):
    return central[:, None] * np.exp(sigma * rng.standard_normal((len(central), n_samples)))


def hub_system(rng, n, k=5):
    """The shape of /work/shared/bench/synthetic.py: suppliers drawn with Zipf popularity."""
    weights = 1.0 / np.arange(1, n + 1)
    suppliers = rng.permutation(n)[rng.choice(n, size=n * k, p=weights / weights.sum())]
    consumers = np.repeat(np.arange(n), k)
    keep = suppliers != consumers
    pairs = np.unique(suppliers[keep] * n + consumers[keep])
    rows = np.concatenate([np.arange(n), pairs // n])
    cols = np.concatenate([np.arange(n), pairs % n])
    central = np.concatenate([np.ones(n), -rng.uniform(0.01, 0.09, len(pairs))])
    return rows, cols, central


# --- hand-solved -------------------------------------------------------------------------

def test_two_process_loop_matches_the_closed_form():
    # A = [[1, -x], [-y, 1]], f = (1, 0): s_a = 1 / (1 - x y), s_b = y / (1 - x y)
    x = np.array([0.5, 0.9, 0.1, 0.0])
    y = np.array([0.2, 0.5, 0.99, 0.3])
    values = np.vstack([np.ones(4), -x, -y, np.ones(4)])
    plan = plan_structure(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), (2, 2),
                          central=values[:, 0], demand_rows=[0])
    supply = solve_planned(plan, values, np.array([1.0, 0.0]))
    np.testing.assert_allclose(supply[0], 1 / (1 - x * y), rtol=1e-14)
    np.testing.assert_allclose(supply[1], y / (1 - x * y), rtol=1e-14)


def test_chain_is_back_substituted_exactly():
    # c <- b <- a: a needs 2 b per unit, b needs 3 c, productions 1, 2, 4
    rows, cols = np.array([0, 1, 2, 1, 2]), np.array([0, 1, 2, 0, 1])
    values = np.array([[1.0], [2.0], [4.0], [-2.0], [-3.0]])
    plan = plan_structure(rows, cols, (3, 3), central=values[:, 0], demand_rows=[0])
    assert [[c.tolist() for c in g] for g in supply_order(rows, cols, 3, [0]).generations] == [[[0]], [[1]], [[2]]]
    np.testing.assert_array_equal(solve_planned(plan, values, np.array([[5.0], [0], [0]]))[:, 0], [5.0, 5.0, 3.75])


def test_duplicate_entries_are_summed():
    # production given as 0.5 + 0.5, the input as two halves
    rows, cols = np.array([0, 0, 1, 1, 1]), np.array([0, 0, 1, 0, 0])
    values = np.array([[0.5, 1.0], [0.5, 1.0], [1.0, 1.0], [-0.2, -0.1], [-0.2, -0.1]])
    plan = plan_structure(rows, cols, (2, 2), central=values[:, 0], demand_rows=[0])
    supply = solve_planned(plan, values, np.array([[1.0, 1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(supply, [[1.0, 0.5], [0.4, 0.1]], rtol=1e-15)


def test_processes_the_demand_does_not_reach_supply_nothing():
    rows, cols, central = np.array([0, 1, 2, 0]), np.array([0, 1, 2, 2]), np.array([1.0, 1.0, 1.0, -1.0])
    plan = plan_structure(rows, cols, (3, 3), central=central, demand_rows=[1])
    assert plan.generations[0].members.tolist() == [1]
    supply = solve_planned(plan, central, np.array([0.0, 2.0, 0.0]))
    assert supply.tolist() == [0.0, 2.0, 0.0]
    with pytest.raises(ValueError, match="not made for"):
        solve_planned(plan, central, np.array([1.0, 0.0, 0.0]))
    nothing = plan_structure(rows, cols, (3, 3), central=central, demand_rows=[])
    assert solve_planned(nothing, central, np.zeros((3, 2))).tolist() == [[0.0, 0.0]] * 3


# --- against the direct solve ------------------------------------------------------------

def test_random_acyclic_systems_match_the_direct_solve():
    rng = np.random.default_rng(1)
    rows, cols, central = random_technosphere(rng, 60, 200)
    values = samples(rng, central, 25)
    demand = np.zeros((60, 25))
    demand[0], demand[5] = 1.0, rng.uniform(0, 2, 25)
    plan = plan_structure(rows, cols, (60, 60), central=central, demand_rows=[0, 5])
    assert plan.largest_loop == 1 and len(plan.generations) > 3
    supply = solve_planned(plan, values, demand)
    assert relative_error(supply, direct(rows, cols, (60, 60), values, demand)) < 1e-13


@pytest.mark.parametrize("dense_max", [32, 2])
def test_mixed_components_match_the_direct_solve(dense_max):
    # an acyclic head feeding two 3-loops, which feed a 39-process loop
    rng = np.random.default_rng(2)
    rows, cols, central = [np.arange(50)], [np.arange(50)], [np.ones(50)]

    def link(supplier, consumer, amount):
        rows.append([supplier]), cols.append([consumer]), central.append([-amount])
    for i in range(4):
        link(i + 1, i, 0.5)  # head 0 <- 1 <- 2 <- 3 <- 4
    for start in (5, 8):  # 3-loops 5-6-7 and 8-9-10, fed by the head
        link(start, 4, 0.3)
        for i in range(3):
            link(start + (i + 1) % 3, start + i, 0.4)
    ring = np.arange(11, 50)
    for i in range(39):  # the big loop: a ring with chords
        link(ring[(i + 1) % 39], ring[i], 0.3)
        link(ring[(i + 7) % 39], ring[i], 0.1)
    link(11, 7, 0.2), link(11, 10, 0.2)
    rows, cols, central = (np.concatenate(x) for x in (rows, cols, central))
    values = samples(rng, central, 30)
    plan = plan_structure(rows, cols, (50, 50), central=central, demand_rows=[0], dense_max=dense_max)
    assert plan.largest_loop == 39
    assert sum(len(g.large) for g in plan.generations) == (1 if dense_max == 32 else 3)
    assert sum(s.count for g in plan.generations for s in g.small) == (2 if dense_max == 32 else 0)
    demand = np.zeros((50, 30))
    demand[0] = 1.0
    supply = solve_planned(plan, values, demand)
    assert relative_error(supply, direct(rows, cols, (50, 50), values, demand)) < 1e-9


def test_hub_database_matches_the_direct_solve_and_its_deterministic_score():
    rng = np.random.default_rng(3)
    n = 400
    rows, cols, central = hub_system(rng, n)
    plan = plan_structure(rows, cols, (n, n), central=central, demand_rows=[7], dense_max=8)
    assert plan.largest_loop > 50  # the hubs make one big loop
    values = samples(rng, central, 40)
    demand = np.zeros((n, 40))
    demand[7] = 1.0
    supply = solve_planned(plan, values, demand)
    assert relative_error(supply, direct(rows, cols, (n, n), values, demand)) < 1e-9
    at_central = solve_planned(plan, central, demand[:, 0])
    assert relative_error(at_central, direct(rows, cols, (n, n), central[:, None], demand[:, :1])[:, 0]) < 1e-10


def test_a_sample_far_from_the_central_values_falls_back_to_the_direct_solve(monkeypatch):
    # sample 1 turns the loop's inputs into five times larger co-products: the iteration
    # (Jacobi, chosen at the central values) diverges there and the direct solve takes over
    import lca.engine.batched as batched

    direct_solves = []
    factorize = batched.factorize_matrix
    monkeypatch.setattr(batched, "factorize_matrix", lambda *a: direct_solves.append(1) or factorize(*a))
    rng = np.random.default_rng(4)
    rows, cols, central = hub_system(rng, 120)
    values = np.column_stack([central, np.where(central < 0, -5 * central, central), central * 1.01])
    demand = np.zeros((120, 3))
    demand[3] = 1.0
    plan = plan_structure(rows, cols, (120, 120), central=central, demand_rows=[3], dense_max=4)
    supply = solve_planned(plan, values, demand)
    assert len(direct_solves) == 1
    assert relative_error(supply, direct(rows, cols, (120, 120), values, demand)) < 1e-9


def test_chunking_does_not_change_the_numbers_of_direct_paths():
    rng = np.random.default_rng(5)
    rows, cols, central = random_technosphere(rng, 80, 300)
    pairs = np.arange(0, 60, 6)  # add 2-loops: i+1 also supplies i
    rows, cols = np.concatenate([rows, pairs]), np.concatenate([cols, pairs + 1])
    central = np.concatenate([central, np.full(len(pairs), -0.05)])
    values = samples(rng, central, 23)
    demand = np.zeros((80, 23))
    demand[0] = 1.0
    plan = plan_structure(rows, cols, (80, 80), central=central, demand_rows=[0])
    assert 1 < plan.largest_loop <= 32
    whole = solve_planned(plan, values, demand)
    for memory in (1, 8 * (3 * len(rows) + 4 * 80) * 5):  # one sample, then five, per chunk
        np.testing.assert_array_equal(solve_planned(plan, values, demand, memory=memory), whole)


def test_chunking_changes_iterated_loops_by_less_than_the_tolerance():
    rng = np.random.default_rng(5)
    rows, cols, central = random_technosphere(rng, 80, 300, loops=True, amount=(0.005, 0.02))
    values = samples(rng, central, 23)
    demand = np.zeros((80, 23))
    demand[0] = 1.0
    plan = plan_structure(rows, cols, (80, 80), central=central, demand_rows=[0], dense_max=4)
    assert plan.largest_loop > 4
    whole = solve_planned(plan, values, demand)
    for memory in (1, 8 * (3 * len(rows) + 4 * 80) * 5):
        assert relative_error(solve_planned(plan, values, demand, memory=memory), whole) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 9), st.integers(0, 30), st.integers(0, 2**32 - 1), st.sampled_from([32, 2]))
def test_random_well_conditioned_systems_agree_with_the_dense_solve(n, edges, seed, dense_max):
    rng = np.random.default_rng(seed)
    rows, cols, central = random_technosphere(rng, n, edges, loops=True, amount=(0.01, 0.5 / max(edges, 1)))
    values = samples(rng, central, 5, sigma=0.3)  # column sums of inputs stay well below production
    demand = rng.uniform(0, 1, (n, 5)) * (rng.uniform(size=(n, 1)) < 0.5)
    demand[0] = 1.0
    plan = plan_structure(rows, cols, (n, n), central=central, demand_rows=np.flatnonzero(demand.any(axis=1)),
                          dense_max=dense_max)
    supply = solve_planned(plan, values, demand)
    expected = np.column_stack([
        np.linalg.solve(sp.coo_matrix((values[:, i], (rows, cols)), shape=(n, n)).toarray(), demand[:, i])
        for i in range(5)])
    assert relative_error(supply, expected) < 1e-9


# --- singular samples ----------------------------------------------------------------------

def test_a_loop_that_consumes_all_it_makes_in_one_sample_is_an_error_naming_it():
    values = np.array([[1.0] * 4, [-0.5, -0.5, -1.0, -0.5], [-0.5, -0.5, -1.0, -0.5], [1.0] * 4])
    plan = plan_structure(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), (2, 2), central=values[:, 0],
                          demand_rows=[0], labels=("cement", "clinker"))
    with pytest.raises(SingularSystemError, match="sample 2 at cement, clinker"):
        solve_planned(plan, values, np.array([1.0, 0.0]))


def test_zero_production_in_one_sample_is_an_error_naming_the_process():
    values = np.array([[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [-0.5, -0.5, -0.5]])
    plan = plan_structure(np.array([0, 1, 1]), np.array([0, 1, 0]), (2, 2), central=values[:, 0],
                          demand_rows=[0], labels=("gpu", "wafer"))
    with pytest.raises(SingularSystemError, match="sample 1 at wafer: its net production is zero"):
        solve_planned(plan, values, np.array([1.0, 0.0]), memory=1)


def test_a_process_without_production_cannot_be_planned():
    with pytest.raises(SingularSystemError, match="wafer has no production amount"):
        plan_structure(np.array([0, 1]), np.array([0, 0]), (2, 2), central=np.array([1.0, -1.0]),
                       demand_rows=[0], labels=("gpu", "wafer"))


def test_a_singular_sample_in_a_large_loop_is_an_error_naming_the_sample():
    n = 6  # a ring in which every process makes one unit and consumes one unit of the next
    rows = np.concatenate([np.arange(n), (np.arange(n) + 1) % n])
    cols = np.concatenate([np.arange(n), np.arange(n)])
    central = np.concatenate([np.ones(n), np.full(n, -0.5)])
    values = np.column_stack([central, np.concatenate([np.ones(n), -np.ones(n)])])
    plan = plan_structure(rows, cols, (n, n), central=central, demand_rows=[0], dense_max=2)
    with pytest.raises(SingularSystemError, match="sample 1"):
        solve_planned(plan, values, np.eye(n)[:, :1])


# --- the engine's compiled models ---------------------------------------------------------

LOOP = '''
[study]
name = "two-process loop"
functional_unit = "1 kg of A"

[demand]
a = { amount = 1, unit = "kg" }

[processes.a]
unit = "kg"
source = "test"
technosphere = [{ product = "b", amount = 0.5, unit = "kWh", uncertainty = { distribution = "lognormal", gsd = 1.2 } }]
biosphere = [{ flow = "co2", amount = 2, unit = "kg" }]

[processes.b]
unit = "kWh"
source = "test"
technosphere = [{ product = "a", amount = 200, unit = "g", uncertainty = { distribution = "lognormal", gsd = 1.2 } }]
biosphere = [{ flow = "co2", amount = 1, unit = "kg" }]
'''


def test_solve_batch_on_a_compiled_loop_matches_the_closed_form(study):
    compiled = compile_model(lca.load_study(study(LOOP)))
    table = compiled.parameters
    x = np.array([0.5, 0.6, 0.4])  # kWh of b per kg of a
    y = np.array([0.2, 0.3, 0.25])  # kg of a per kWh of b (declared in g)
    params = table.evaluate({"~a.technosphere[0]": x * table.root_factors["~a.technosphere[0]"],
                             "~b.technosphere[0]": 1000 * y * table.root_factors["~b.technosphere[0]"]})
    supply = solve_batch(compiled, compiled.technosphere.values(params), compiled.demand_vector(params))
    a, b = compiled.processes.index("a"), compiled.processes.index("b")
    np.testing.assert_allclose(supply[a], 1 / (1 - x * y), rtol=1e-13)
    np.testing.assert_allclose(supply[b], x / (1 - x * y), rtol=1e-13)


def test_solve_batch_on_the_flagship_study_matches_the_reference_and_calculate():
    compiled = compile_model(lca.load_study("lca:scenarios/llm_training_lifecycle.toml"))
    params = compiled.parameters.evaluate()
    rng = np.random.default_rng(6)
    central = compiled.technosphere.values(params)
    values = np.column_stack([central, samples(rng, central, 7, sigma=0.1)])
    demand = np.repeat(compiled.demand_vector(params)[:, None], 8, axis=1)
    supply = solve_batch(compiled, values, demand)
    assert relative_error(supply, solve_batch_reference(compiled, values, demand)) < 1e-12
    deterministic = calculate(compiled).supply
    assert relative_error(supply[:, 0], np.array([deterministic[p] for p in compiled.processes])) < 1e-12
    assert plan_batch(compiled) is plan_batch(compiled)  # planned once per model


def test_solve_batch_takes_one_dimensional_inputs_as_shared_by_every_sample(study):
    compiled = compile_model(lca.load_study(study(LOOP)))
    params = compiled.parameters.evaluate()
    values = compiled.technosphere.values(params)
    one = solve_batch(compiled, values, compiled.demand_vector(params))
    assert one.shape == (2,)
    many = solve_batch(compiled, np.repeat(values[:, None], 3, axis=1), compiled.demand_vector(params))
    np.testing.assert_array_equal(many, np.repeat(one[:, None], 3, axis=1))


# --- helpers -------------------------------------------------------------------------------

def test_multiply_batch_is_each_sample_s_matrix_times_its_vector():
    rng = np.random.default_rng(7)
    rows, cols = rng.integers(0, 5, 30), rng.integers(0, 8, 30)
    values, vectors = rng.uniform(size=(30, 4)), rng.uniform(size=(8, 4))
    expected = np.column_stack([sp.coo_matrix((values[:, i], (rows, cols)), shape=(5, 8)) @ vectors[:, i]
                                for i in range(4)])
    np.testing.assert_allclose(multiply_batch(rows, cols, (5, 8), values, vectors), expected, rtol=1e-14)
