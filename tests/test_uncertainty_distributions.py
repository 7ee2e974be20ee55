"""Distributions, load-time checks of every bad spec, pedigree matrix, sampling designs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.errors import DistributionError, FileFormatError, FormulaError
from lca.uncertainty import check_spec, make_design, make_distribution, monte_carlo, pedigree_sigma
from lca.engine.propagate import prepare
from test_uncertainty_models import LOGNORMAL_PRODUCT, load

BAD_SPECS = [
    ({"distribution": "lognormal", "gsd": 1.0}, 2.0, "gsd must be > 1"),
    ({"distribution": "lognormal", "gsd": 0.5}, 2.0, "gsd must be > 1"),
    ({"distribution": "lognormal", "sigma": 0}, 2.0, "sigma must be > 0"),
    ({"distribution": "lognormal", "sigma": -0.1}, 2.0, "sigma must be > 0"),
    ({"distribution": "lognormal"}, 2.0, "exactly one of 'gsd'"),
    ({"distribution": "lognormal", "gsd": 1.2, "sigma": 0.1}, 2.0, "exactly one of 'gsd'"),
    ({"distribution": "lognormal", "gsd": 1.2}, -3.0, "positive median"),
    ({"distribution": "lognormal", "gsd": 1.2}, 0.0, "positive median"),
    ({"distribution": "lognormal", "sigma": 0.1, "mu": 5.0}, 2.0, "disagrees with ln"),
    ({"distribution": "lognormal", "gsd": "big"}, 2.0, "must be a finite number"),
    ({"distribution": "normal", "sd": 0}, 2.0, "sd must be > 0"),
    ({"distribution": "normal", "sd": -1}, 2.0, "sd must be > 0"),
    ({"distribution": "normal"}, 2.0, "needs 'sd'"),
    ({"distribution": "uniform", "min": 3, "max": 1}, 2.0, "min < max"),
    ({"distribution": "uniform", "min": 1, "max": 1}, 1.0, "min < max"),
    ({"distribution": "uniform", "min": 1, "max": 3}, 5.0, "outside [min, max]"),
    ({"distribution": "uniform", "max": 3}, 2.0, "needs 'min'"),
    ({"distribution": "triangular", "min": 1, "max": 3, "mode": 4}, 2.0, "mode 4 is outside"),
    ({"distribution": "triangular", "min": 3, "max": 1}, 2.0, "min < max"),
    ({"distribution": "pert", "min": 1, "max": 3, "mode": 0.5}, 2.0, "mode 0.5 is outside"),
    ({"distribution": "pert", "min": 1, "max": 3}, 7.0, "outside [min, max]"),
    ({"distribution": "discrete", "values": []}, 1.0, "non-empty list"),
    ({"distribution": "discrete", "values": [1, 2], "weights": [1]}, 1.0, "2 non-negative weights"),
    ({"distribution": "discrete", "values": [1, 2], "weights": [1, -1]}, 1.0, "non-negative weights"),
    ({"distribution": "discrete", "values": [1, 2], "weights": [0, 0]}, 1.0, "positive sum"),
    ({"distribution": "gamma", "shape": 2}, 1.0, "unknown distribution 'gamma'"),
    ({"gsd": 1.2}, 1.0, "missing 'distribution'"),
    ({"distribution": "normal", "sd": 1, "sigma": 2}, 1.0, "normal does not take 'sigma'"),
    ({"pedigree": [1, 2, 3, 4]}, 1.0, "five integer scores"),
    ({"pedigree": [1, 2, 3, 4, 6]}, 1.0, "five integer scores"),
    ({"pedigree": [1, 2, 3, 4, 5], "pedigree_set": "ecoinvent9"}, 1.0, "unknown pedigree_set"),
    ({"pedigree": [1, 2, 3, 4, 5], "basic": "air_nothing"}, 1.0, "unknown basic uncertainty class"),
    ({"pedigree": [1, 2, 3, 4, 5], "basic_gsd": 0.9}, 1.0, "basic_gsd must be a number >= 1"),
    ({"pedigree": [1, 2, 3, 4, 5], "basic_gsd": 1.1, "basic": "air_co2"}, 1.0, "not both"),
    ({"pedigree": [1, 2, 3, 4, 5]}, -1.0, "positive median"),
    ({"pedigree": [1, 2, 3, 4, 5], "distribution": "normal"}, 1.0, "gives a lognormal"),
    ({"distribution": "normal", "sd": 1}, None, "formula takes no uncertainty"),
]


@pytest.mark.parametrize("spec,value,message", BAD_SPECS)
def test_every_bad_distribution_is_an_error_naming_the_item(spec, value, message):
    with pytest.raises(DistributionError, match="^file.toml: parameters.pue.uncertainty: .*" + _re(message)):
        check_spec(spec, value, "file.toml: parameters.pue.uncertainty")


def _re(text: str) -> str:
    import re

    return re.escape(text)


def test_a_bad_spec_in_a_file_names_file_and_item(tmp_path):
    text = LOGNORMAL_PRODUCT.replace('gsd = 1.3', 'gsd = 0.8')
    with pytest.raises(DistributionError, match=r"study\.toml: parameters\.intensity\.uncertainty: .*gsd must be > 1"):
        load(tmp_path, text)
    text = LOGNORMAL_PRODUCT.replace('amount = 3.0\nunit = "kg"\nuncertainty = { distribution = "lognormal", gsd = 1.5 }',
                                     'amount = 3.0\nunit = "kg"\nuncertainty = { distribution = "uniform", min = 4, max = 5 }')
    with pytest.raises(DistributionError, match=r"processes\.service\.technosphere\[0\]\.uncertainty: the value 3 is outside"):
        load(tmp_path, text)
    text = LOGNORMAL_PRODUCT.replace('uncertainty = { distribution = "lognormal", sigma = 0.2 }',
                                     'uncertainty = { distribution = "normal", sd = 0.2 }')
    with pytest.raises(FormulaError, match="only a relative uncertainty"):
        load(tmp_path, text)
    text = LOGNORMAL_PRODUCT.replace('[parameters.intensity]', '[parameters.region]\nvalue = "a"\noptions = ["a", "b"]\n'
                                     'uncertainty = { distribution = "discrete", weights = [1] }\n\n[parameters.intensity]')
    with pytest.raises(FileFormatError, match="parameters.region.uncertainty.weights"):
        load(tmp_path, text)


def test_distributions_are_centred_on_the_value():
    assert float(make_distribution({"distribution": "lognormal", "gsd": 1.4}, 7.0, "x").ppf(0.5)) == pytest.approx(7.0)
    lognormal = make_distribution({"distribution": "lognormal", "gsd": 1.4}, 7.0, "x")
    assert float(lognormal.ppf(0.975)) == pytest.approx(7.0 * 1.4 ** 1.959964, rel=1e-6)
    with_mu = make_distribution({"distribution": "lognormal", "sigma": 0.3, "mu": math.log(7.0)}, 7.0, "x")
    assert with_mu.frozen.std() == pytest.approx(7.0 * math.sqrt((math.exp(0.09) - 1) * math.exp(0.09)), rel=1e-9)
    assert make_distribution({"distribution": "normal", "sd": 2}, 5.0, "x").frozen.mean() == 5.0
    triangular = make_distribution({"distribution": "triangular", "min": 1, "max": 4}, 2.5, "x")
    assert triangular.frozen.mean() == pytest.approx((1 + 2.5 + 4) / 3)
    pert = make_distribution({"distribution": "pert", "min": 1, "max": 4, "mode": 2}, 2.5, "x")
    assert pert.frozen.mean() == pytest.approx((1 + 4 * 2 + 4) / 6)
    assert pert.frozen.var() == pytest.approx((pert.frozen.mean() - 1) * (4 - pert.frozen.mean()) / 7)
    discrete = make_distribution({"distribution": "discrete", "values": [10, 20, 40], "weights": [1, 1, 2]}, 10, "x")
    assert discrete.ppf(np.array([0.1, 0.3, 0.6, 0.99])).tolist() == [10.0, 20.0, 40.0, 40.0]
    assert float(make_distribution({"distribution": "fixed"}, 3.0, "x").ppf(0.9)) == 3.0


@settings(max_examples=60, deadline=None)
@given(low=st.floats(-1e3, 1e3), width=st.floats(1e-3, 1e3), a=st.floats(0, 1), b=st.floats(0, 1),
       kind=st.sampled_from(["uniform", "triangular", "pert"]))
def test_bounded_distributions_stay_in_range_and_are_monotone(low, width, a, b, kind):
    high = low + width
    value, mode = low + a * width, low + b * width
    spec = {"distribution": kind, "min": low, "max": high}
    if kind != "uniform":
        spec["mode"] = mode
    values = make_distribution(spec, min(max(value, low), high), "x").ppf(np.linspace(1e-9, 1 - 1e-9, 101))
    assert np.all(values >= low - 1e-9 * width) and np.all(values <= high + 1e-9 * width)
    assert np.all(np.diff(values) >= -1e-9 * width)


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


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300), cut=st.floats(0, 1), seed=st.integers(0, 2 ** 32),
       sampler=st.sampled_from(["random", "lhs", "sobol"]))
def test_design_blocks_do_not_depend_on_chunking(n, cut, seed, sampler):
    design = make_design(("b", "a", "~p.technosphere[0]"), n, seed, sampler)
    whole = design.block(0, n)
    split = int(cut * n)
    np.testing.assert_array_equal(np.hstack([design.block(0, split), design.block(split, n)]), whole)
    assert np.all((whole > 0) & (whole < 1))
    np.testing.assert_array_equal(design.subset(("a",)).block(0, n)[0], whole[1])


def test_latin_hypercube_is_stratified_and_sobol_balanced():
    lhs = make_design(("x", "y"), 64, 1, "lhs").block(0, 64)
    for row in lhs:
        assert sorted(np.floor(row * 64).astype(int).tolist()) == list(range(64))
    sobol = make_design(("x", "y"), 64, 1, "sobol").block(0, 64)
    for row in sobol:
        assert sorted(np.floor(row * 64).astype(int).tolist()) == list(range(64))


def test_values_on_a_bound_survive_the_root_unit_round_trip(tmp_path):
    # 0.3 kWh is 1.08e6 J in root units; back in kWh it must still equal min exactly.
    text = LOGNORMAL_PRODUCT.replace('[parameters.intensity]', '[parameters.energy]\nvalue = 0.3\nunit = "kWh"\n'
                                     'uncertainty = { distribution = "uniform", min = 0.3, max = 0.7 }\n\n'
                                     '[parameters.intensity]')
    # "energy" is read by no exchange: name it, or prepare() would skip it as without influence
    propagator = prepare(load(tmp_path, text), names=("energy",))
    assert propagator.distributions["energy"].center == 0.3
