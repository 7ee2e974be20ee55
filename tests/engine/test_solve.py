"""lca.engine.solve: the factorization is reused for new demands, wide-range entries are not
mistaken for singular, and a singular or nearly singular loop is an error."""

from __future__ import annotations

import numpy as np
import pytest
from studies import HEAD, PROCESS_A, loop

import lca
from lca.engine.calculate import calculate
from lca.engine.compile import compile_model
from lca.engine.solve import factorize


def test_factorization_is_reused_for_new_demands(study):
    compiled = compile_model(loop(study))
    system = factorize(compiled)
    one = system.solve(np.array([1.0, 0.0]))
    both = system.solve(np.column_stack([[1.0, 0.0], [0.0, 1.0]]))
    assert one == pytest.approx([1 / 0.9, 0.5 / 0.9])
    assert both[:, 1] == pytest.approx([0.2 / 0.9, 1 / 0.9])


def test_singular_loop_is_an_error(study):
    # a and b each consume all the other makes: nothing is left over for the demand
    text = HEAD + PROCESS_A + 'technosphere = [{ product = "b", amount = 1, unit = "kg" }]\n' + '''
[processes.b]
unit = "kg"
source = "t"
technosphere = [{ product = "a", amount = 1, unit = "kg" }]
'''
    with pytest.raises(lca.SingularSystemError, match="singular"):
        calculate(lca.load_study(study(text)))


def test_large_entries_are_not_mistaken_for_singular():
    # well-conditioned triangular system with entries spanning 9 orders of magnitude
    import numpy as np
    import scipy.sparse as sp

    from lca.engine.solve import factorize_matrix

    matrix = sp.csc_matrix(np.array([[1.0, -3.65e8, 0.0], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]]))
    supply = factorize_matrix(matrix).solve(np.array([1.0, 0.0, 0.0]))
    assert supply == pytest.approx([1.0, 0.0, 0.0])
    supply = factorize_matrix(matrix).solve(np.array([0.0, 0.0, 1.0]))
    assert supply == pytest.approx([7.3e8, 2.0, 1.0])


def test_nearly_singular_loop_is_an_error():
    import numpy as np
    import scipy.sparse as sp

    from lca.engine.solve import factorize_matrix

    matrix = sp.csc_matrix(np.array([[1.0, -1.0], [-1.0, 1.0 + 1e-17]]))
    with pytest.raises(lca.SingularSystemError, match="singular"):
        factorize_matrix(matrix).solve(np.array([1.0, 0.0]))
