"""One incomplete LU factorization, applied to a whole block of samples at once.

``scipy.sparse.linalg.spilu`` factorizes a loop of the technosphere once, at its central
values (Pr A Pc ~ L U). Applying it is two triangular solves, and a triangular system is
acyclic: its rows fall into levels whose dependencies are all in earlier levels
(:func:`lca.engine.structure.supply_order`). With the rows renumbered level by level,
each level is one sparse product over all samples on contiguous slices, several times
faster per right-hand side than SuperLU's own multi-column solve. A factor with very many
levels (a long chain inside the loop) keeps SuperLU's solve.

>>> import scipy.sparse as sp
>>> matrix = sp.csc_matrix(np.array([[1.0, -0.5], [-0.25, 1.0]]))
>>> lu = incomplete_lu(matrix, drop_tol=0.0)
>>> np.round(lu.solve(np.array([[1.0], [0.0]])), 6).tolist()
[[1.142857], [0.285714]]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .structure import supply_order

MAX_LEVELS = 256  # beyond this many levels per factor, SuperLU's solve is faster
JACOBI_MAX_RATIO = 0.5  # up to this contraction the diagonal beats an incomplete LU (benchmarks/RESULTS.md)


@dataclass(frozen=True)
class _Sweep:
    """A triangular solve with rows numbered level by level: rows lo:hi depend on rows :lo."""

    order: np.ndarray  # row of the factor at each level-ordered position
    levels: tuple[tuple[int, int, sp.csr_matrix | None, np.ndarray], ...]  # lo, hi, part, 1/diagonal

    def apply(self, rhs: np.ndarray) -> np.ndarray:
        """Solve for level-ordered *rhs*; the solution is level-ordered too."""
        solution = np.empty_like(rhs)
        for lo, hi, part, inverse_diagonal in self.levels:
            level = rhs[lo:hi] if part is None else rhs[lo:hi] - part @ solution[:lo]
            np.multiply(level, inverse_diagonal, out=solution[lo:hi])
        return solution


@dataclass(frozen=True)
class IncompleteLU:
    """M ~ A, with M^-1 applied to (n, N) blocks by :meth:`solve` (see :func:`incomplete_lu`).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> lu = incomplete_lu(sp.csc_matrix(np.array([[1.0, -0.5], [-0.25, 1.0]])), drop_tol=0.0)
    >>> lu.nnz     # L and U, both with their diagonals
    6
    """

    superlu: Any  # scipy SuperLU from spilu
    sweeps: tuple[_Sweep, _Sweep] | None  # lower, upper; None: too many levels, use superlu.solve
    gathers: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # into L order, L -> U order, U -> answer

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """M^-1 rhs for every column of *rhs* (n, N)."""
        if self.sweeps is None or self.gathers is None:
            return self.superlu.solve(rhs)
        lower, upper = self.sweeps
        into_lower, lower_to_upper, out_of_upper = self.gathers
        return upper.apply(lower.apply(rhs[into_lower])[lower_to_upper])[out_of_upper]

    @property
    def nnz(self) -> int:
        return int(self.superlu.L.nnz + self.superlu.U.nnz)


@dataclass(frozen=True)
class Diagonal:
    """M = the diagonal of each sample's own matrix (Jacobi), for a loop that contracts fast.

    The iteration x <- x + D_i^-1 (b - A_i x) shrinks the error by about ``ratio`` per step
    and costs one product with A_i: on a loop whose suppliers are spread over the whole
    database (ecoinvent-like) an incomplete LU fills in, and its triangular solves have
    thousands of levels, while the ratio is the share of a process's own output it buys
    back through the loop, well under one.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> jacobi = diagonal_splitting(sp.csr_matrix(np.array([[2.0, -0.5], [-0.25, 1.0]])))
    >>> jacobi.positions.tolist(), round(jacobi.ratio, 6)
    ([0, 3], 0.25)
    """

    positions: np.ndarray  # for each row, the index of its diagonal entry in the loop's row-sorted entries
    ratio: float  # an upper bound of the spectral radius of |D^-1 (D - A)| at the central values

    def inverse(self, values: np.ndarray) -> np.ndarray:
        """1 / diagonal, (size, N), of the samples' entry *values* (entries, N)."""
        return 1.0 / values[self.positions]


def diagonal_splitting(matrix: sp.spmatrix, iterations: int = 60) -> Diagonal | None:
    """The Jacobi splitting of a loop at its central values, with its contraction ratio.

    Parameters
    ----------
    matrix : scipy sparse matrix
        A square matrix; its stored entries in row-major order are the loop's entries.
    iterations : int, optional
        Power iterations for the ratio (a Collatz-Wielandt upper bound: never optimistic).

    Returns
    -------
    Diagonal or None
        None if a row has no stored diagonal entry or a zero one.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> print(diagonal_splitting(sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))))
    None
    """
    csr = sp.csr_matrix(matrix)
    csr.sort_indices()
    n = csr.shape[0]
    row = np.repeat(np.arange(n), np.diff(csr.indptr))
    on_diagonal = np.flatnonzero(row == csr.indices)
    if len(on_diagonal) != n or np.any(csr.data[on_diagonal] == 0):
        return None
    diagonal = csr.data[on_diagonal]
    iteration = sp.diags(1.0 / np.abs(diagonal)) @ abs(csr - sp.diags(diagonal))
    # |J| + I has the same Perron vector and is aperiodic, so the power iteration settles;
    # max((|J| x) / x) over a positive x bounds the spectral radius of |J| from above
    vector = np.ones(n)
    for _ in range(iterations):
        vector = iteration @ vector + vector
        vector /= vector.max()
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.max((iteration @ vector) / vector)
    return Diagonal(on_diagonal, float(bound) if np.isfinite(bound) else np.inf)


class Stopping:
    """When each sample's fixed-point iteration stops: converged, or diverging.

    The error left after a step of a contraction with ratio q is about step * q / (1 - q);
    a sample stops at a tenth of rtol of its supply's L1 norm (a score sums every process's
    error), as the ratio is only estimated from the last two steps. A correction that grows
    three times running, or is not a number, diverges (the caller then solves directly).

    Examples
    --------
    >>> stopping = Stopping(1, rtol=1e-10)
    >>> bool(stopping.moving(np.array([1e-3]))[0]), stopping.settle(np.array([1e-3]), np.array([1.0]))
    (True, False)
    >>> stopping.moving(np.array([1e-13])); stopping.settle(np.array([1e-13]), np.array([1.0]))
    array([ True])
    True
    """

    def __init__(self, n_samples: int, rtol: float):
        self.rtol = rtol
        self.active = np.ones(n_samples, dtype=bool)
        self.failed = np.zeros(n_samples, dtype=bool)
        self.previous = np.full(n_samples, np.inf)
        self.growing = np.zeros(n_samples, dtype=np.int64)

    def moving(self, size: np.ndarray) -> np.ndarray:
        """The samples to take this step (the L1 *size* of their correction); the others stay put."""
        self.growing = np.where(size > self.previous, self.growing + 1, 0)
        self.failed |= self.active & ((self.growing >= 3) | ~np.isfinite(size))
        self.active &= ~self.failed
        return self.active

    def settle(self, size: np.ndarray, total: np.ndarray) -> bool:
        """After the step, stop the converged samples (*total*: L1 of each supply); True if none is left."""
        ratio = np.where(np.isfinite(self.previous), np.minimum(size / self.previous, 0.99), 0.99)
        self.previous = size
        self.active &= ~(size * ratio / (1 - ratio) <= 0.1 * self.rtol * total)
        return not self.active.any()


# Relative costs per sample of one step, measured on the synthetic databases (benchmarks/
# RESULTS.md): an entry of the loop's product costs 1 (about 1 ns), an entry of the
# incomplete LU's level-scheduled triangular solves 0.3 (one sparse product per level, all
# samples of a row side by side), each level 50 (a call of some 7 microseconds shared by a
# chunk of about 150 samples), a pass over the loop's supply vector 1 per process; Jacobi
# makes about 4 such passes per step, the incomplete LU about 6 (its gathers into and out of
# level order).
LU_ENTRY_COST, LEVEL_COST = 0.3, 50
JACOBI_PASSES, LU_PASSES = 4, 6


def cheaper_splitting(matrix: sp.spmatrix, jacobi: Diagonal, drop_tol: float = 1e-4, rtol: float = 1e-10,
                      max_levels: int = MAX_LEVELS, max_iter: int = 200) -> Diagonal | IncompleteLU:
    """Jacobi or an incomplete LU for a loop that contracts fast: whichever costs less per sample.

    Jacobi needs no factorization, but one step per factor ``jacobi.ratio`` of error; an
    incomplete LU needs a few steps, each dearer by its factors' entries. Both are run on the
    loop at its central values (one right-hand side, the same stopping rule as the batched
    solve) to count their steps, and the estimated cost per sample, steps times the entries,
    levels and vector passes of a step, decides. A factor with more than *max_levels* levels (its
    solve would be SuperLU's own, many times dearer per entry) or a factorization that fails
    leaves Jacobi.

    Parameters
    ----------
    matrix : scipy sparse matrix
        The loop at its central values (square; its row-major entries are the loop's entries).
    jacobi : Diagonal
        Its Jacobi splitting (:func:`diagonal_splitting`).
    drop_tol : float, optional
        The incomplete LU's drop tolerance.
    rtol : float, optional
        The batched solve's tolerance.
    max_levels : int, optional
        The most levels a factor may have for its level-scheduled solve.
    max_iter : int, optional
        The iteration limit when counting steps.

    Returns
    -------
    Diagonal or IncompleteLU
        The cheaper splitting.

    Examples
    --------
    A ring of 400 processes, each buying 1 % of its output from the next: Jacobi converges in
    five steps, and the LU's factors are a chain of hundreds of levels:

    >>> ring = sp.csr_matrix(sp.eye(400) - 0.01 * sp.eye(400, k=1) - 0.01 * sp.eye(400, k=-399))
    >>> type(cheaper_splitting(ring, diagonal_splitting(ring))).__name__
    'Diagonal'
    """
    superlu = incomplete_factors(matrix, drop_tol)
    if superlu is None:
        return jacobi
    levels = (_level_count(superlu.L, lower=True), _level_count(superlu.U, lower=False))
    if max(levels) > max_levels:
        return jacobi
    csr = sp.csr_matrix(matrix)
    n, rhs = csr.shape[0], np.ones((csr.shape[0], 1))
    diagonal = csr.diagonal()[:, None]
    jacobi_steps = iteration_steps(csr, rhs, lambda r: r / diagonal, rtol, max_iter)
    lu_steps = iteration_steps(csr, rhs, superlu.solve, rtol, max_iter)
    jacobi_cost = jacobi_steps * (csr.nnz + JACOBI_PASSES * n)
    apply_cost = LU_ENTRY_COST * (superlu.L.nnz + superlu.U.nnz) + LEVEL_COST * sum(levels)
    lu_cost = (lu_steps + 1) * apply_cost + lu_steps * (csr.nnz + LU_PASSES * n)
    if jacobi_cost <= lu_cost:
        return jacobi
    return _level_scheduled(superlu, max_levels)


def iteration_steps(matrix: sp.csr_matrix, rhs: np.ndarray, precondition: Any, rtol: float = 1e-10,
                    max_iter: int = 200) -> float:
    """Steps of x <- x + M^-1 (b - A x) from x = M^-1 b until :class:`Stopping` stops (inf if it diverges).

    >>> matrix = sp.csr_matrix(np.array([[1.0, -0.5], [-0.5, 1.0]]))
    >>> iteration_steps(matrix, np.ones((2, 1)), lambda r: r)     # Jacobi, ratio 0.5
    36
    """
    return fixed_point(matrix, rhs, precondition, rtol, max_iter)[1]


def fixed_point(matrix: sp.csr_matrix, rhs: np.ndarray, precondition: Any, rtol: float = 1e-10,
                max_iter: int = 200) -> tuple[np.ndarray, float]:
    """x <- x + M^-1 (b - A x) from x = M^-1 b for every column of *rhs*, until :class:`Stopping` stops.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix
        A, square.
    rhs : numpy.ndarray
        b, (n, k).
    precondition : callable
        M^-1 applied to an (n, k) array (a new array: the rhs must stay as it is).
    rtol : float, optional
        The stopping tolerance (a tenth of it on each column's estimated L1 error).
    max_iter : int, optional
        The most steps.

    Returns
    -------
    solution : numpy.ndarray
        x, (n, k); a column that diverged keeps its last step before that.
    steps : float
        The steps taken, or inf if a column diverged or *max_iter* ran out.

    Examples
    --------
    >>> matrix = sp.csr_matrix(np.array([[1.0, -0.5], [-0.25, 1.0]]))
    >>> solution, steps = fixed_point(matrix, np.array([[1.0], [0.0]]), lambda r: r.copy(), rtol=1e-12)
    >>> np.round(solution.ravel(), 10).tolist(), steps
    ([1.1428571429, 0.2857142857], 29)
    """
    supply = np.array(precondition(rhs), dtype=float)  # a copy: the rhs must stay as it is
    stopping = Stopping(rhs.shape[1], rtol)
    for step_count in range(1, max_iter + 1):
        with np.errstate(invalid="ignore", over="ignore"):
            step = precondition(rhs - matrix @ supply)
            size = np.abs(step).sum(axis=0)
            np.add(supply, step, out=supply, where=stopping.moving(size))
            if stopping.settle(size, np.abs(supply).sum(axis=0)):
                return supply, (step_count if not stopping.failed.any() else np.inf)
    return supply, np.inf


def _level_count(factor: sp.spmatrix, lower: bool) -> int:
    """Levels of a triangular factor's solve (its longest chain of dependent rows), in one pass."""
    csr = sp.csr_matrix(factor)
    indptr, indices = csr.indptr, csr.indices
    level = np.zeros(csr.shape[0], dtype=np.int64)
    for i in (range(csr.shape[0]) if lower else range(csr.shape[0] - 1, -1, -1)):
        depends = indices[indptr[i]:indptr[i + 1]]
        depends = depends[depends != i]
        level[i] = level[depends].max() + 1 if depends.size else 0
    return int(level.max(initial=-1)) + 1


def incomplete_factors(matrix: sp.spmatrix, drop_tol: float = 1e-4) -> Any:
    """``scipy.sparse.linalg.spilu`` of a matrix, or None if it fails or leaves a zero or non-finite pivot.

    Its ``solve(rhs, trans="N" | "T")`` applies M^-1 with SuperLU's own triangular solves.

    >>> factors = incomplete_factors(sp.csc_matrix(np.array([[1.0, -0.5], [-0.25, 1.0]])), drop_tol=0.0)
    >>> np.round(factors.solve(np.array([1.0, 0.0])), 6).tolist()
    [1.142857, 0.285714]
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            superlu = spla.spilu(sp.csc_matrix(matrix), drop_tol=drop_tol)
    except RuntimeError:
        return None
    diagonal = superlu.U.diagonal()
    if not np.all(np.isfinite(diagonal)) or np.any(diagonal == 0):
        return None
    return superlu


def incomplete_lu(matrix: sp.spmatrix, drop_tol: float = 1e-4,
                  max_levels: int = MAX_LEVELS) -> IncompleteLU | None:
    """Incomplete LU of a matrix, to precondition the iteration on a large loop.

    Parameters
    ----------
    matrix : scipy sparse matrix
        A square matrix (a loop of the technosphere at its central values).
    drop_tol : float, optional
        ``scipy.sparse.linalg.spilu``'s drop tolerance (0: a complete LU).
    max_levels : int, optional
        Above this many levels, keep SuperLU's own triangular solve.

    Returns
    -------
    IncompleteLU or None
        The factorization, or None if the matrix is singular (no useful preconditioner).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> print(incomplete_lu(sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 1.0]]))))
    None
    """
    superlu = incomplete_factors(matrix, drop_tol)
    return None if superlu is None else _level_scheduled(superlu, max_levels)


def _level_scheduled(superlu: Any, max_levels: int) -> IncompleteLU:
    lower = _sweep(superlu.L, max_levels)
    upper = _sweep(superlu.U, max_levels) if lower is not None else None
    if lower is None or upper is None:
        return IncompleteLU(superlu, None, None)
    # x = Pc U^-1 L^-1 Pr b, with (Pr b)[perm_r[k]] = b[k] and (Pc z)[k] = z[perm_c[k]]
    n = superlu.shape[0]
    inverse_perm_r = np.empty(n, dtype=np.int64)
    inverse_perm_r[superlu.perm_r] = np.arange(n)
    gathers = (inverse_perm_r[lower.order], _inverse(lower.order)[upper.order],
               _inverse(upper.order)[superlu.perm_c])
    return IncompleteLU(superlu, (lower, upper), gathers)


def _inverse(order: np.ndarray) -> np.ndarray:
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return inverse


def _sweep(factor: sp.spmatrix, max_levels: int) -> _Sweep | None:
    factor = sp.coo_matrix(factor)
    n = factor.shape[0]
    generations = supply_order(factor.row, factor.col, n, range(n)).generations
    if len(generations) > max_levels:
        return None
    order = np.concatenate([np.concatenate(generation) for generation in generations])
    csr = sp.csr_matrix(factor)
    diagonal = csr.diagonal()
    off_diagonal = sp.csr_matrix(csr - sp.diags(diagonal))
    off_diagonal.eliminate_zeros()
    renumbered = sp.csr_matrix(off_diagonal[order][:, order])  # rows and columns in level order
    levels, lo = [], 0
    for generation in generations:
        hi = lo + sum(len(component) for component in generation)
        part = renumbered[lo:hi, :lo]
        levels.append((lo, hi, part if part.nnz else None, (1.0 / diagonal[order[lo:hi]])[:, None]))
        lo = hi
    return _Sweep(order, tuple(levels))
