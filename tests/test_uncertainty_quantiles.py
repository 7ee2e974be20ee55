"""The fast family quantiles used by Monte Carlo equal scipy.stats' ppf."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as stats
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.load.distributions import family_quantile

U = np.concatenate([[1e-15, 1e-9, 0.025, 0.5, 0.975, 1 - 1e-9, 1 - 1e-15], np.random.default_rng(3).random(500)])


@pytest.mark.parametrize("frozen", [
    stats.lognorm(s=np.array([[0.1], [1.3]]), scale=np.array([[2.0], [1e-7]])),
    stats.norm(loc=np.array([[5.0], [-2.0]]), scale=np.array([[0.5], [3.0]])),
    stats.uniform(loc=np.array([[1.0], [-4.0]]), scale=np.array([[0.2], [8.0]])),
    stats.triang(c=np.array([[0.0], [0.3], [1.0]]), loc=np.array([[1.0], [2.0], [3.0]]),
                 scale=np.array([[0.5], [4.0], [1.0]])),
])
def test_quantiles_equal_scipy(frozen):
    u = np.broadcast_to(U, (frozen.kwds[next(iter(frozen.kwds))].shape[0], U.size))
    np.testing.assert_allclose(family_quantile(frozen)(u), frozen.ppf(u), rtol=1e-12, atol=1e-300)


@settings(max_examples=50, deadline=None)
@given(c=st.floats(0, 1), low=st.floats(-1e6, 1e6), width=st.floats(1e-6, 1e6))
def test_triangular_quantile_property(c, low, width):
    frozen = stats.triang(c=c, loc=low, scale=width)
    np.testing.assert_allclose(family_quantile(frozen)(U), frozen.ppf(U), rtol=1e-9, atol=1e-9 * width)


def test_other_families_fall_back_to_scipy():
    frozen = stats.beta(a=2.0, b=3.0)
    assert family_quantile(frozen) == frozen.ppf
