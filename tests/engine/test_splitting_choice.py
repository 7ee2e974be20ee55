"""Jacobi or incomplete LU per loop by estimated cost (issue 11): hub-structured loops, whose
incomplete LU has few levels and few steps, get the LU; ecoinvent-like random loops, whose
LU fills in, keep Jacobi; either way the scores are those of a direct solve."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.engine.batched import plan_structure, solve_planned
from lca.engine.preconditioner import (
    Diagonal,
    IncompleteLU,
    _level_count,
    cheaper_splitting,
    diagonal_splitting,
    iteration_steps,
)
from lca.engine.structure import supply_order


def database(n: int, structure: str, seed: int = 42):
    """Technosphere entries shaped like ../shared/bench/synthetic.py's: production 1, 5 inputs
    per process of 0.01 to 0.09 each, suppliers by Zipf popularity (hub) or uniform (random)."""
    rng = np.random.default_rng(seed)
    if structure == "hub":
        popularity = 1.0 / np.arange(1, n + 1)
        suppliers = rng.permutation(n)[rng.choice(n, size=5 * n, p=popularity / popularity.sum())]
    else:
        suppliers = rng.integers(0, n, size=5 * n)
    inputs = sp.csr_matrix((-rng.uniform(0.01, 0.09, 5 * n), (suppliers, np.repeat(np.arange(n), 5))), shape=(n, n))
    inputs.setdiag(0.0)  # a process is not its own supplier here
    inputs.eliminate_zeros()
    technosphere = sp.coo_matrix(sp.eye(n) + inputs)
    return technosphere.row, technosphere.col, technosphere.data


def loop_splittings(plan):
    return [loop.preconditioner for generation in plan.generations for loop in generation.large]


@pytest.mark.parametrize("structure, chosen", [("hub", IncompleteLU), ("random", Diagonal)])
def test_each_structure_gets_the_cheaper_splitting_and_direct_solve_scores(structure, chosen):
    n = 2000
    rows, cols, amounts = database(n, structure)
    plan = plan_structure(rows, cols, (n, n), central=amounts, demand_rows=[7])
    splittings = loop_splittings(plan)
    assert len(splittings) == 1 and isinstance(splittings[0], chosen)
    # 16 samples, lognormal on every entry as in the benchmark; scores against splu
    rng = np.random.default_rng(3)
    values = amounts[:, None] * np.exp(rng.normal(0, 0.2, (len(amounts), 16)))
    demand = np.zeros(n)
    demand[7] = 1.0
    supply = solve_planned(plan, values, demand)
    weights = rng.uniform(0.1, 10, n)  # a score: a positive weighted sum over every process
    for i in range(16):
        exact = spla.splu(sp.csc_matrix((values[:, i], (rows, cols)), shape=(n, n))).solve(demand)
        assert weights @ supply[:, i] == pytest.approx(weights @ exact, rel=1e-10)


def test_jacobi_steps_follow_the_contraction_ratio():
    # [[1, -q], [-q, 1]]: the Jacobi error shrinks by exactly q per step, from a total of 2 / (1 - q)
    for q in (0.1, 0.25, 0.5):
        matrix = sp.csr_matrix(np.array([[1.0, -q], [-q, 1.0]]))
        steps = iteration_steps(matrix, np.ones((2, 1)), lambda r: r.copy())
        # stop when the step (2 q^k) times q / (1 - q) is under 1e-11 of the supply's L1 (about 2 / (1 - q))
        expected = int(np.ceil(np.log(1e-11 / q) / np.log(q)))
        assert abs(steps - expected) <= 1, (q, steps, expected)
    assert iteration_steps(sp.csr_matrix(np.array([[1.0, -2.0], [-2.0, 1.0]])), np.ones((2, 1)),
                           lambda r: r.copy()) == np.inf  # ratio 2: diverges


def test_a_complete_lu_wins_on_a_small_dense_loop_and_jacobi_on_a_fast_sparse_one():
    dense = sp.csr_matrix(np.array([[1.0, -0.4, -0.4], [-0.4, 1.0, -0.4], [-0.4, -0.4, 1.0]]))
    assert isinstance(cheaper_splitting(dense, diagonal_splitting(dense), drop_tol=0.0), IncompleteLU)
    # a ring where each process buys 1 % of the next: Jacobi converges in a handful of steps
    n = 400
    ring = sp.csr_matrix(sp.eye(n) - 0.01 * sp.eye(n, k=1) - 0.01 * sp.eye(n, k=1 - n))
    assert isinstance(cheaper_splitting(ring, diagonal_splitting(ring)), Diagonal)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.floats(0.05, 0.6), st.integers(0, 2 ** 32 - 1), st.booleans())
def test_level_count_is_the_number_of_generations_of_the_triangular_solve(n, density, seed, lower):
    # the count decides whether a factor gets a level-scheduled solve, as the sweeps' own
    # generations (lca.engine.structure.supply_order) would
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n, n)) < density, rng.random((n, n)), 0.0)
    factor = sp.coo_matrix((np.tril(dense) if lower else np.triu(dense)) + np.eye(n))
    generations = supply_order(factor.row, factor.col, n, range(n)).generations
    assert _level_count(factor, lower=lower) == len(generations)
