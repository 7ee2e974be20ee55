"""Solve the technosphere for a demand: A s = f, factorized once and reused.

>>> from lca import compile_model, load_study
>>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> system = factorize(compiled)
>>> system.solve(compiled.demand_vector(compiled.parameters.evaluate()))
array([1.000000e+00, 1.289376e+06])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import SingularSystemError
from .compile import CompiledModel

# Normwise backward error (per demand vector) a solution may have: well above the ~1e-16 of a sound LU of a
# regular matrix, far below what a near-singular pivot leaves.
RESIDUAL_TOLERANCE = 1e-8


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
    lu: Any
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


def factorize_matrix(matrix: sp.spmatrix, labels: tuple[str, ...] = ()) -> Factorized:
    """LU-factorize a technosphere matrix.

    Parameters
    ----------
    matrix : scipy sparse matrix or array
        A square matrix A.
    labels : tuple of str, optional
        The processes of its columns, for messages.

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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", sp.SparseEfficiencyWarning)
            lu = spla.splu(matrix)
    except RuntimeError as exc:
        raise SingularSystemError(f"the technosphere matrix is singular ({exc}): a loop whose processes "
                                  "consume all they make, or a product no process makes net") from None
    return Factorized(matrix, lu, tuple(labels))


def _bad_columns(matrix: sp.csc_matrix, labels: tuple[str, ...]) -> str:
    bad = sorted({int(c) for c in matrix.tocoo().col[~np.isfinite(matrix.tocoo().data)]})
    return ", ".join((labels[c] if labels else str(c)) for c in bad[:10])
