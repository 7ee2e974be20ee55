"""Solve the technosphere for many parameter samples at once.

Reference implementation: one sparse LU per sample. Correct for any model; the structured
fast paths (topological order over strongly connected components, a reused factorization
with iterative refinement) replace it where they apply.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..compile import CompiledModel
from ..solve import factorize_matrix


def solve_batch(compiled: CompiledModel, technosphere_values: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Supply vectors for N samples: solve A_i s_i = f_i for each column i.

    *technosphere_values* is (nnz, N) as given by ``compiled.technosphere.values(params)``,
    *demand* is (n_processes, N); returns (n_processes, N).
    """
    entries = compiled.technosphere
    n_samples = technosphere_values.shape[1]
    supply = np.empty((entries.shape[0], n_samples))
    for i in range(n_samples):
        matrix = sp.csc_matrix((technosphere_values[:, i], (entries.rows, entries.cols)), shape=entries.shape)
        supply[:, i] = factorize_matrix(matrix, compiled.processes).solve(demand[:, i])
    return supply
