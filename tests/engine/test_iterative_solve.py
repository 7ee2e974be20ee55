"""lca.engine.solve on large loops: the iterative solve (Jacobi, then GMRES, then a sparse LU) equals a
dense or direct solve to 1e-9, is chosen by the size of the largest loop, and is never silently inaccurate."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import random_technosphere
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lca
from lca.engine import solve
from lca.engine.solve import ITERATIVE_RTOL, IterativeSolver, factorize_matrix, largest_loop


def matrix_of(rows, cols, values, n):
    return sp.csc_matrix((values, (rows, cols)), shape=(n, n))


@st.composite
def technospheres(draw):
    """Random sparse technosphere matrices, loops anywhere; some buy back more than they make (Jacobi diverges)."""
    n = draw(st.integers(2, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    high = draw(st.sampled_from([0.09, 0.3, 0.9]))
    rows, cols, values = random_technosphere(rng, n, draw(st.integers(n, 6 * n)), loops=True,
                                             production=(0.5, 2.0), amount=(0.01, high))
    matrix = matrix_of(rows, cols, values, n)
    return matrix, rng


@settings(max_examples=150, deadline=None)
@given(technospheres())
def test_iterative_scores_equal_a_dense_solve(drawn):
    matrix, rng = drawn
    dense = matrix.toarray()
    assume(np.linalg.cond(dense) < 1e3)  # the residual bounds the error by cond x 1e-12
    n = dense.shape[0]
    demand = np.zeros(n)
    demand[rng.integers(0, n)] = rng.uniform(0.5, 2.0)
    intensity = rng.uniform(0.0, 10.0, (3, n))  # C B: impact per unit of each process's supply
    expected = np.linalg.solve(dense, demand)
    supply = factorize_matrix(matrix, iterative_from=1).solve(demand)
    # relative to the sum of the contributions' magnitudes: a score of mixed signs can be near zero
    np.testing.assert_array_less(np.abs(intensity @ supply - intensity @ expected),
                                 1e-9 * (np.abs(intensity) @ np.abs(expected)) + 1e-300)
    transposed = factorize_matrix(matrix, iterative_from=1).lu.solve(intensity.T.copy(), trans="T")
    np.testing.assert_allclose(transposed, np.linalg.solve(dense.T, intensity.T), rtol=1e-9,
                               atol=1e-9 * np.abs(np.linalg.solve(dense.T, intensity.T)).max())


def test_the_random_structure_is_solved_iteratively_and_equals_splu():
    # the shared kit's random structure (uniform suppliers): one loop of nearly every process
    rng = np.random.default_rng(3)
    n = 1500
    rows, cols, values = random_technosphere(rng, n, 5 * n, loops=True, production=(1.0, 1.0))
    matrix = matrix_of(rows, cols, values, n)
    assert largest_loop(matrix) > 0.95 * n >= solve.ITERATIVE_MIN_LOOP
    system = factorize_matrix(matrix)
    assert isinstance(system.lu, IterativeSolver)
    demand = np.zeros((n, 2))
    demand[[17, 400], [0, 1]] = 1.0
    supply = system.solve(demand)
    direct = spla.splu(matrix).solve(demand)
    intensity = rng.uniform(0.1, 10.0, (4, n))
    np.testing.assert_allclose(intensity @ supply, intensity @ direct, rtol=1e-9)
    assert np.linalg.norm(matrix @ supply - demand, axis=0).max() < ITERATIVE_RTOL


def test_small_loops_keep_the_sparse_lu():
    rng = np.random.default_rng(4)
    rows, cols, values = random_technosphere(rng, 300, 900)  # acyclic: no loop larger than one process
    matrix = matrix_of(rows, cols, values, 300)
    assert largest_loop(matrix) == 1
    assert type(factorize_matrix(matrix).lu).__name__ == "SuperLU"


def test_a_loop_jacobi_cannot_solve_goes_to_gmres(monkeypatch):
    # each process buys back twice its output's worth from the other: the Jacobi iteration diverges
    matrix = sp.csc_matrix(np.array([[1.0, -2.0, 0.0], [-1.0, 1.0, -0.5], [0.0, -0.5, 1.0]]))
    calls = []
    gmres = spla.gmres
    monkeypatch.setattr(solve.spla, "gmres", lambda *a, **k: calls.append(1) or gmres(*a, **k))
    supply = factorize_matrix(matrix, iterative_from=1).solve(np.array([1.0, 0.0, 0.0]))
    assert calls
    np.testing.assert_allclose(supply, np.linalg.solve(matrix.toarray(), [1.0, 0.0, 0.0]), rtol=1e-12)


def test_when_no_iteration_converges_the_sparse_lu_answers(monkeypatch):
    matrix = sp.csc_matrix(np.array([[1.0, -2.0], [-1.0, 1.0]]))
    # GMRES that never converges: the answer still comes, from the sparse LU, and is exact
    monkeypatch.setattr(solve.spla, "gmres", lambda matrix, rhs, **k: (np.zeros_like(rhs), 1))
    supply = factorize_matrix(matrix, iterative_from=1).solve(np.array([1.0, 0.0]))
    np.testing.assert_allclose(supply, [-1.0, -1.0], rtol=1e-14)


@pytest.mark.parametrize("matrix", [
    np.array([[1.0, 0.0, -1.0], [-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]]),  # a ring that consumes all it makes
    np.array([[1.0, -1.0], [-1.0, 1.0 + 1e-17]]),  # numerically the same
])
def test_a_singular_large_loop_is_an_error_not_a_score(matrix):
    with pytest.raises(lca.SingularSystemError, match="singular"):
        factorize_matrix(sp.csc_matrix(matrix), iterative_from=1).solve(np.eye(len(matrix))[0])


def test_a_calculation_is_the_same_with_either_solver(monkeypatch, study):
    # a whole study (stages, an inherited background, contributions) through calculate, on a loop
    from studies import LOOP
    text = LOOP.replace("DEMAND", "1.0").replace("UNIT", "kg").replace('stage = "use"', 'stage = "inherit"')
    assert 'stage = "inherit"' in text
    model = lca.load_study(study(text))
    direct = lca.calculate(model)
    monkeypatch.setattr(solve, "ITERATIVE_MIN_LOOP", 2)
    assert isinstance(solve.factorize(lca.compile_model(model)).lu, IterativeSolver)
    iterative = lca.calculate(model)
    for category, result in direct.impacts.items():
        assert iterative.impacts[category].value == pytest.approx(result.value, rel=1e-12)
        assert iterative.impacts[category].by_stage == pytest.approx(dict(result.by_stage), rel=1e-12)
    assert iterative.supply == pytest.approx(dict(direct.supply), rel=1e-12)
