"""lca.load.distributions: load-time checks of every bad spec, distributions centred on their value,
bounded families in range, and the fast family quantiles equal to scipy.stats' ppf."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as stats
from hypothesis import given, settings
from hypothesis import strategies as st
from uncertain_studies import LOGNORMAL_PRODUCT, load

from lca.errors import DistributionError, FileFormatError, FormulaError
from lca.load.distributions import family_quantile
from lca.uncertainty import check_spec, make_distribution

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
