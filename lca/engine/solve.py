"""Solve the technosphere for a demand: A s = f, factorized once and reused.

A small system, or one whose loops are small, gets SuperLU's sparse LU. A large loop whose
suppliers are spread over the whole database (ecoinvent-like: one strongly connected
component of nearly every process) has no small separators, so any elimination order fills
its LU in quadratically: the shared kit's random 5,000-process system fills to 10 million
entries and the 20,000-process one would need hundreds of millions. There the system is solved
iteratively (:class:`IterativeSolver`: the Jacobi iteration, then GMRES preconditioned with the
Jacobi splitting or an incomplete LU), each answer checked against its relative residual, and a
sparse LU is the last resort: never a silently inaccurate score.

>>> from lca import compile_model, load_study
>>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> system = factorize(compiled)
>>> system.solve(compiled.demand_vector(compiled.parameters.evaluate()))
array([1.000000e+00, 1.289376e+06])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from ..errors import SingularSystemError
from .compile import CompiledModel
from .preconditioner import fixed_point, incomplete_factors

# Normwise backward error (per demand vector) a solution may have: well above the ~1e-16 of a sound LU of a
# regular matrix, far below what a near-singular pivot leaves.
RESIDUAL_TOLERANCE = 1e-8
# A loop of this many processes is solved iteratively: below it SuperLU's fill stays small (the random 2,000-process
# system's loop, 1,983 processes, already fills its LU to 1.6 million entries, 0.27 s; the iteration takes 2 ms).
ITERATIVE_MIN_LOOP = 500
# An iterative answer's relative residual |f - A s|_2 / |f|_2 must be below this, else the next solver takes over;
# the supply's relative error is then at most the matrix's condition number times it.
ITERATIVE_RTOL = 1e-12
# Jacobi steps before GMRES takes over: 100 reach 1e-13 at a contraction ratio of 0.74 (the synthetic databases' is 0.25)
JACOBI_STEPS = 100
# GMRES restarts every RESTART steps, at most MAX_RESTARTS times, per preconditioner
RESTART, MAX_RESTARTS = 50, 20


@dataclass(frozen=True)
class Factorized:
    """A factorized technosphere matrix; :meth:`solve` takes one or many demand vectors.

    Attributes
    ----------
    matrix : scipy.sparse.csc_matrix
        The matrix A.
    lu : scipy.sparse.linalg.SuperLU
        Its sparse LU.
    labels : tuple of str
        The processes of its rows and columns, for messages.

    Examples
    --------
    >>> import numpy as np
    >>> system = factorize_matrix(np.array([[1.0, 0.0], [-0.5, 1.0]]), ("model", "electricity"))
    >>> system.solve(np.array([[1.0, 2.0], [0.0, 0.0]]))
    array([[1. , 2. ],
           [0.5, 1. ]])
    """

    matrix: sp.csc_matrix
    lu: Any  # SuperLU, or IterativeSolver for a large loop; both solve(rhs, trans="N" | "T")
    labels: tuple[str, ...]

    def solve(self, demand: np.ndarray) -> np.ndarray:
        demand = np.asarray(demand, dtype=float)
        supply = self.lu.solve(demand)
        if not np.all(np.isfinite(supply)):
            raise SingularSystemError("the technosphere matrix is singular for this demand "
                                      "(a loop that produces nothing net, or a zero production amount)")
        # A numerically singular matrix passes splu with a tiny pivot; its solution then fails
        # to reproduce the demand. (Scale-free: a ratio of pivots would flag well-conditioned
        # matrices with large entries.)
        residual = np.abs(self.matrix @ supply - demand).max(axis=0)
        scale = (abs(self.matrix) @ np.abs(supply) + np.abs(demand)).max(axis=0)
        if np.any(residual > RESIDUAL_TOLERANCE * np.maximum(scale, np.finfo(float).tiny)):
            raise SingularSystemError("the technosphere matrix is (numerically) singular: a loop whose "
                                      "processes consume as much as they make")
        return supply


def factorize(compiled: CompiledModel, params: Mapping[str, Any] | None = None) -> Factorized:
    """LU-factorize the technosphere matrix of a compiled model.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    params : mapping of str to float, optional
        Root-unit parameter values (default: the model's own).

    Returns
    -------
    Factorized
        The factorization, reused for every demand.

    Raises
    ------
    SingularSystemError
        If the matrix is singular (a zero production, a loop that produces nothing net) or has
        non-finite entries.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> factorize(compiled).solve([0.0, 1.0]) + 0.0     # 1 kWh of datacenter electricity (+ 0.0: no -0.)
    array([0., 1.])
    """
    params = compiled.parameters.evaluate() if params is None else params
    matrix = compiled.technosphere.matrix(params).tocsc()
    return factorize_matrix(matrix, compiled.processes)


def factorize_matrix(matrix: sp.spmatrix, labels: tuple[str, ...] = (),
                     iterative_from: int | None = None) -> Factorized:
    """LU-factorize a technosphere matrix, or prepare its iterative solve if it has a large loop.

    Parameters
    ----------
    matrix : scipy sparse matrix or array
        A square matrix A.
    labels : tuple of str, optional
        The processes of its columns, for messages.
    iterative_from : int, optional
        A loop (strongly connected component) of at least this many processes is solved by
        :class:`IterativeSolver` rather than a sparse LU (default :data:`ITERATIVE_MIN_LOOP`).

    Returns
    -------
    Factorized
        The factorization.

    Raises
    ------
    SingularSystemError
        If the matrix is empty, has non-finite entries, a zero diagonal or is singular.

    Examples
    --------
    >>> import numpy as np
    >>> factorize_matrix(np.array([[1.0, -2.0], [-0.5, 1.0]]), ("a", "b")).solve([1.0, 0.0])
    Traceback (most recent call last):
    lca.errors.SingularSystemError: ...
    """

    matrix = sp.csc_matrix(matrix)
    if matrix.shape[0] == 0:
        raise SingularSystemError("the model has no processes")
    if not np.all(np.isfinite(matrix.data)):
        bad = _bad_columns(matrix, labels)
        raise SingularSystemError(f"the technosphere matrix has non-finite entries (processes: {bad})")
    diagonal = matrix.diagonal()
    zero = [labels[i] if labels else str(i) for i in np.flatnonzero(diagonal == 0)]
    if zero:
        raise SingularSystemError(f"the technosphere matrix is singular: net production of "
                                  f"{', '.join(zero[:10])} is zero")
    if largest_loop(matrix) >= (ITERATIVE_MIN_LOOP if iterative_from is None else iterative_from):
        return Factorized(matrix, IterativeSolver(sp.csr_matrix(matrix)), tuple(labels))
    return Factorized(matrix, _sparse_lu(matrix), tuple(labels))


def _sparse_lu(matrix: sp.csc_matrix) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", sp.SparseEfficiencyWarning)
            return spla.splu(matrix)
    except RuntimeError as exc:
        raise SingularSystemError(f"the technosphere matrix is singular ({exc}): a loop whose processes "
                                  "consume all they make, or a product no process makes net") from None


def largest_loop(matrix: sp.spmatrix) -> int:
    """The number of processes in the largest loop (strongly connected component) of a technosphere matrix.

    >>> largest_loop(sp.csc_matrix(np.array([[1.0, -0.5, 0.0], [-0.5, 1.0, 0.0], [-1.0, 0.0, 1.0]])))
    2
    """
    _, component = connected_components(matrix, directed=True, connection="strong")
    return int(np.bincount(component).max())


@dataclass(frozen=True)
class IterativeSolver:
    """A x = b iteratively, for a technosphere with a large loop whose sparse LU would fill in.

    All right-hand sides first take the Jacobi fixed-point iteration (each process's own
    production as the splitting, as the Monte Carlo engine's loops do: sparse products only,
    no BLAS call, whose threads cost a loaded machine more than the solve). A column whose
    relative residual is not then below :data:`ITERATIVE_RTOL` (a loop that contracts slowly or
    not at all) takes GMRES preconditioned with the Jacobi splitting, then with an incomplete
    LU (``spilu``), then a complete sparse LU: the answer is accurate or the last resort's
    singularity error is raised. ``solve(rhs, trans="T")`` solves A^T x = b, as SuperLU's does.

    Examples
    --------
    >>> matrix = sp.csr_matrix(np.array([[1.0, -0.5], [-0.25, 1.0]]))
    >>> np.round(IterativeSolver(matrix).solve(np.array([1.0, 0.0])), 12).tolist()
    [1.142857142857, 0.285714285714]
    """

    matrix: sp.csr_matrix

    def solve(self, rhs: np.ndarray, trans: str = "N") -> np.ndarray:
        """Solve for every column of *rhs* (a vector or an (n, k) array)."""
        rhs = np.asarray(rhs, dtype=float)
        columns = rhs.reshape(rhs.shape[0], -1)
        matrix = self.matrix.T.tocsr() if trans == "T" else self.matrix
        inverse_diagonal = (1.0 / self.matrix.diagonal())[:, None]
        solution, _ = fixed_point(matrix, columns, lambda r: r * inverse_diagonal, ITERATIVE_RTOL, JACOBI_STEPS)
        for k in np.flatnonzero(~self._accurate(matrix, solution, columns)):
            solution[:, k] = self._krylov(matrix, columns[:, k], trans)
        return solution.reshape(rhs.shape)

    @staticmethod
    def _accurate(matrix: sp.csr_matrix, solution: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            residual = np.linalg.norm(rhs - matrix @ solution, axis=0)
            return residual <= ITERATIVE_RTOL * np.linalg.norm(rhs, axis=0)

    def _krylov(self, matrix: sp.csr_matrix, rhs: np.ndarray, trans: str) -> np.ndarray:
        for precondition in self._preconditioners(trans):
            operator = spla.LinearOperator(matrix.shape, matvec=precondition, dtype=float)
            with np.errstate(all="ignore"):
                # a tenth of the tolerance: GMRES stops on its own estimate, the check is on the true residual
                solution, _ = spla.gmres(matrix, rhs, rtol=0.1 * ITERATIVE_RTOL, atol=0.0, restart=RESTART,
                                         maxiter=MAX_RESTARTS, M=operator)
            if self._accurate(matrix, solution[:, None], rhs[:, None])[0]:
                return solution
        return self._direct.solve(rhs, trans=trans)

    def _preconditioners(self, trans: str) -> Iterator[Callable[[np.ndarray], np.ndarray]]:
        """Jacobi, then (made only if Jacobi fails) the incomplete LU."""
        inverse_diagonal = 1.0 / self.matrix.diagonal()
        yield lambda residual: residual * inverse_diagonal
        factors = self._incomplete
        if factors is not None:
            yield lambda residual: factors.solve(residual, trans=trans)

    @cached_property
    def _incomplete(self) -> Any:
        return incomplete_factors(self.matrix)

    @cached_property
    def _direct(self) -> Any:
        return _sparse_lu(sp.csc_matrix(self.matrix))


def _bad_columns(matrix: sp.csc_matrix, labels: tuple[str, ...]) -> str:
    bad = sorted({int(c) for c in matrix.tocoo().col[~np.isfinite(matrix.tocoo().data)]})
    return ", ".join((labels[c] if labels else str(c)) for c in bad[:10])
