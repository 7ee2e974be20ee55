"""lca.load.pedigree: pedigree-matrix sigmas against hand-computed values from the published tables,
and a pedigree uncertainty propagating as a lognormal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from uncertain_studies import LOGNORMAL_PRODUCT, load

from lca.uncertainty import monte_carlo, pedigree_sigma


def test_pedigree_sigma_hand_computed():
    # Weidema et al. 2013 variances: r2 0.000595, c3 0.000595, t4 0.00831, g5 0.002271, tech1 0,
    # basic air CO2 0.000595.
    assert pedigree_sigma((2, 3, 4, 5, 1), basic="air_co2") == pytest.approx(math.sqrt(0.012366), rel=1e-9)
    # Ciroth et al. 2016: r2 0.046609, c3 0.000385, t4 0.007565, g5 0.002723, tech1 0.
    assert pedigree_sigma((2, 3, 4, 5, 1), basic="air_co2", pedigree_set="ciroth2016") \
        == pytest.approx(math.sqrt(0.057877), rel=1e-9)
    # The ecoinvent v2 form: GSD^2 = exp(sqrt(sum ln(U)^2)) with U = 1.5, 1.2, 1.5, 1.1, 2.0, basic 1.05.
    u = (1.5, 1.2, 1.5, 1.1, 2.0, 1.05)
    gsd_squared = math.exp(math.sqrt(sum(math.log(x) ** 2 for x in u)))
    assert math.exp(2 * pedigree_sigma((5, 5, 5, 5, 5), basic_gsd=math.sqrt(1.05))) == pytest.approx(gsd_squared, rel=2e-3)
    assert pedigree_sigma((1, 1, 1, 1, 1)) == 0.0
    assert pedigree_sigma((1, 1, 1, 1, 1), basic_gsd=1.2) == pytest.approx(math.log(1.2))


def test_pedigree_uncertainty_propagates_as_a_lognormal(tmp_path):
    text = LOGNORMAL_PRODUCT.replace('uncertainty = { distribution = "lognormal", gsd = 1.5 }',
                                     'uncertainty = { pedigree = [3, 3, 3, 3, 3], basic = "demand_transport", '
                                     'pedigree_set = "ciroth2016" }') \
        .replace('uncertainty = { distribution = "lognormal", gsd = 1.1 }', "") \
        .replace('uncertainty = { distribution = "lognormal", sigma = 0.2 }', "") \
        .replace('uncertainty = { distribution = "lognormal", gsd = 1.3 }', "")
    sigma = math.sqrt(0.120113 + 0.0567 + 0.000385 + 0.002271 + 0.001481 + 0.062694)
    result = monte_carlo(load(tmp_path, text), 8192, seed=4, sampler="lhs")
    assert result.parameters == ("~service.technosphere[0]",)
    logs = np.log(result.samples("climate_change"))
    assert logs.std(ddof=1) == pytest.approx(sigma, rel=0.03)
    assert np.median(result.samples("climate_change")) == pytest.approx(6.0, rel=0.02)
