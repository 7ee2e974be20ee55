"""lca.uncertainty.compare: comparative analysis with common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from uncertain_studies import ADDITIVE, ADDITIVE_VARIANCES, LOGNORMAL_PRODUCT, load

from lca import with_parameters
from lca.errors import LCAError
from lca.uncertainty import compare


def test_compare_uses_common_random_numbers(tmp_path):
    # B doubles the (uncertain, lognormal) intensity: with paired draws A / B is exactly 0.5
    # in every iteration, and A is lower in all of them.
    a = load(tmp_path, LOGNORMAL_PRODUCT)
    b = with_parameters(a, {"intensity": 4.0})
    for sampler in ("random", "lhs", "sobol"):
        assertion = compare([a, b], 2048, seed=1, sampler=sampler).assertion("climate_change")
        assert assertion.p_a_lower == 1.0
        assert all(v == pytest.approx(0.5, rel=1e-12) for v in assertion.ratio.percentiles.values())
        assert assertion.difference.mean == pytest.approx(-assertion.a.mean, rel=1e-12)
        assert assertion.a.n == 2048


def test_compare_probability_of_a_lower_than_b(tmp_path):
    # A - B = 3 * (x3 - 1.1) with x3 ~ normal(1, 0.2) when B's third amount is 1.1 and fixed:
    # P(A < B) = Phi(0.1 / 0.2).
    a = load(tmp_path, ADDITIVE)
    b = load(tmp_path, ADDITIVE.replace('amount = 1.0\nunit = "kg"\nuncertainty = { distribution = "normal", sd = 0.2 }',
                                        'amount = 1.1\nunit = "kg"\nuncertainty = { distribution = "fixed" }'), "b")
    comparison = compare([a, b], 40_000, seed=2, labels=("a", "b"))
    assertion = comparison.assertion("climate_change", "a", "b")
    from scipy.stats import norm

    assert assertion.p_a_lower == pytest.approx(norm.cdf(0.5), abs=4 * math.sqrt(0.25 / 40_000))
    # the shared first two amounts cancel in the paired difference: only the third one's spread is left
    difference = comparison.results[0].samples("climate_change") - comparison.results[1].samples("climate_change")
    assert np.std(difference) == pytest.approx(math.sqrt(ADDITIVE_VARIANCES[2]), rel=0.03)
    assert assertion.difference.mean == pytest.approx(-0.3, abs=4 * 0.6 / math.sqrt(40_000))
    with pytest.raises(LCAError, match="at least two"):
        compare([a], 10)
