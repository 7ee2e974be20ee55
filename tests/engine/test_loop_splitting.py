"""Large loops solved by the Jacobi iteration: chosen by the central values' contraction, exact to 1e-10."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.engine.batched import multiply_batch, plan_structure, solve_planned
from lca.engine.preconditioner import JACOBI_MAX_RATIO, Diagonal, IncompleteLU, diagonal_splitting


def random_structure(rng, n, inputs=5, low=0.01, high=0.09):
    """The `random` structure of ../shared/bench/synthetic.py: uniform suppliers, one big loop."""
    cols = np.repeat(np.arange(n), inputs)
    rows = rng.integers(0, n, size=n * inputs)
    pairs = np.unique(rows[rows != cols] * n + cols[rows != cols])
    rows = np.concatenate([np.arange(n), pairs // n])
    cols = np.concatenate([np.arange(n), pairs % n])
    central = np.concatenate([np.ones(n), -rng.uniform(low, high, len(pairs))])
    sigma = np.concatenate([np.full(n, 0.02), np.full(len(pairs), 0.2)])
    return rows, cols, central, sigma


def large_loops(plan):
    return [loop for generation in plan.generations for loop in generation.large]


def test_monte_carlo_scores_on_one_big_loop_match_direct_solves_to_1e10():
    rng = np.random.default_rng(11)
    n, flows, samples = 600, 30, 64
    rows, cols, central, sigma = random_structure(rng, n)
    plan = plan_structure(rows, cols, (n, n), central=central, demand_rows=[17])
    (loop,) = large_loops(plan)
    assert loop.size > 0.95 * n and isinstance(loop.preconditioner, Diagonal)
    values = central[:, None] * np.exp(sigma[:, None] * rng.standard_normal((len(central), samples)))
    bio_rows, bio_cols = rng.integers(0, flows, 3 * n), np.repeat(np.arange(n), 3)
    bio = rng.uniform(0.1, 10, (3 * n, samples))
    factors = rng.uniform(0.1, 100, flows)
    demand = np.zeros(n)
    demand[17] = 1.0
    supply = solve_planned(plan, values, demand[:, None])
    scores = factors @ multiply_batch(bio_rows, bio_cols, (flows, n), bio, supply)
    for i in range(samples):
        matrix = sp.csc_matrix((values[:, i], (rows, cols)), shape=(n, n))
        direct = spla.splu(matrix).solve(demand)
        inventory = sp.csr_matrix((bio[:, i], (bio_rows, bio_cols)), shape=(flows, n)) @ direct
        assert abs(scores[i] - factors @ inventory) <= 1e-10 * abs(factors @ inventory)
        # and the supply itself: the residual of the sample's own system
        assert np.linalg.norm(matrix @ supply[:, i] - demand) <= 1e-10 * np.linalg.norm(demand)


def test_a_loop_that_buys_back_most_of_its_output_keeps_the_incomplete_lu():
    rng = np.random.default_rng(12)
    n = 300
    # inputs U(0.12, 0.18) on about 5 suppliers: each process buys back about 0.75 of its output
    rows, cols, central, sigma = random_structure(rng, n, low=0.12, high=0.18)
    plan = plan_structure(rows, cols, (n, n), central=central, demand_rows=[0])
    (loop,) = large_loops(plan)
    assert isinstance(loop.preconditioner, IncompleteLU)
    values = central[:, None] * np.exp(sigma[:, None] * rng.standard_normal((len(central), 8)))
    demand = np.zeros((n, 8))
    demand[0] = 1.0
    supply = solve_planned(plan, values, demand)
    for i in range(8):
        matrix = sp.csc_matrix((values[:, i], (rows, cols)), shape=(n, n))
        expected = spla.spsolve(matrix, demand[:, i])
        assert np.abs(supply[:, i] - expected).max() <= 1e-9 * np.abs(expected).max()


def test_the_central_ratio_of_the_synthetic_structure_is_its_column_sums():
    # every column's inputs average 5 x 0.05 = 0.25 of its output: the Perron root of |J|
    rng = np.random.default_rng(13)
    rows, cols, central, _ = random_structure(rng, 2000)
    jacobi = diagonal_splitting(sp.csr_matrix((central, (rows, cols)), shape=(2000, 2000)))
    assert 0.22 < jacobi.ratio < 0.28 < JACOBI_MAX_RATIO


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.integers(0, 2**32 - 1))
def test_the_ratio_never_underestimates_the_spectral_radius(n, seed):
    rng = np.random.default_rng(seed)
    matrix = np.where(rng.random((n, n)) < 0.4, rng.uniform(-1, 1, (n, n)), 0.0)
    np.fill_diagonal(matrix, rng.uniform(0.5, 2.0, n) * rng.choice([-1, 1], n))
    jacobi = diagonal_splitting(sp.csr_matrix(matrix))
    iteration = np.eye(n) - matrix / np.diag(matrix)[:, None]
    assert jacobi.ratio >= np.abs(np.linalg.eigvals(iteration)).max() * (1 - 1e-9) - 1e-12


def test_a_missing_or_zero_diagonal_gives_no_jacobi_splitting():
    assert diagonal_splitting(sp.csr_matrix(np.array([[1.0, -0.5], [-0.5, 0.0]]))) is None
    assert diagonal_splitting(sp.csr_matrix(np.array([[1.0, -0.5], [0.0, 1.0]]))) is not None
