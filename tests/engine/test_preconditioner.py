"""lca.engine.preconditioner: the incomplete LU applied by levels equals SuperLU's own solve."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import random_technosphere

from lca.engine.preconditioner import incomplete_lu


@pytest.mark.parametrize("max_levels", [256, 0])
def test_incomplete_lu_applied_by_levels_equals_superlu(max_levels):
    rng = np.random.default_rng(8)
    rows, cols, central = random_technosphere(rng, 200, 1000, loops=True)
    matrix = sp.csc_matrix((central, (rows, cols)), shape=(200, 200))
    lu = incomplete_lu(matrix, drop_tol=1e-3, max_levels=max_levels)
    assert (lu.sweeps is None) == (max_levels == 0)
    rhs = rng.standard_normal((200, 6))
    np.testing.assert_allclose(lu.solve(rhs), lu.superlu.solve(rhs), rtol=1e-12, atol=1e-14)
