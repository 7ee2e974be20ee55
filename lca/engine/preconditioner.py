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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            superlu = spla.spilu(sp.csc_matrix(matrix), drop_tol=drop_tol)
    except RuntimeError:
        return None
    diagonal = superlu.U.diagonal()
    if not np.all(np.isfinite(diagonal)) or np.any(diagonal == 0):
        return None
    lower = _sweep(superlu.L, max_levels)
    upper = _sweep(superlu.U, max_levels) if lower is not None else None
    if lower is None or upper is None:
        return IncompleteLU(superlu, None, None)
    # x = Pc U^-1 L^-1 Pr b, with (Pr b)[perm_r[k]] = b[k] and (Pc z)[k] = z[perm_c[k]]
    n = len(diagonal)
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
