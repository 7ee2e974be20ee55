"""lca.uncertainty.sensitivity: OAT, Spearman and Sobol' indices against analytic values."""

from __future__ import annotations

import math

import pytest
from uncertain_studies import (
    ADDITIVE,
    ADDITIVE_NAMES,
    ADDITIVE_VARIANCES,
    CHOICE,
    ISHIGAMI,
    LOGNORMAL_PRODUCT,
    PRODUCT_SIGMA,
    PRODUCT_SIGMAS,
    load,
)

from lca.errors import LCAError
from lca.uncertainty import one_at_a_time, sobol, spearman


def test_sobol_indices_of_an_additive_supply_chain(tmp_path):
    result = sobol(load(tmp_path, ADDITIVE), 2 ** 13, seed=1)
    assert result.samples == 2 ** 13 * (3 + 2)
    values = result.values["climate_change"]
    total_variance = sum(ADDITIVE_VARIANCES)
    for name, variance in zip(ADDITIVE_NAMES, ADDITIVE_VARIANCES):
        assert values[name]["first_order"] == pytest.approx(variance / total_variance, abs=0.03), name
        assert values[name]["total"] == pytest.approx(variance / total_variance, abs=0.03), name
    assert list(values) == [ADDITIVE_NAMES[2], ADDITIVE_NAMES[1], ADDITIVE_NAMES[0]]  # largest first


def test_sobol_indices_of_the_ishigami_function_built_in_the_engine(tmp_path):
    a, b = 7.0, 0.1
    variance = a ** 2 / 8 + b * math.pi ** 4 / 5 + b ** 2 * math.pi ** 8 / 18 + 0.5
    v1 = 0.5 * (1 + b * math.pi ** 4 / 5) ** 2
    v13 = b ** 2 * math.pi ** 8 * 8 / 225
    expected = {"x1": (v1 / variance, (v1 + v13) / variance), "x2": (a ** 2 / 8 / variance, a ** 2 / 8 / variance),
                "x3": (0.0, v13 / variance)}
    values = sobol(load(tmp_path, ISHIGAMI), 2 ** 14, seed=3).values["climate_change"]
    for name, (first, total) in expected.items():
        assert values[name]["first_order"] == pytest.approx(first, abs=0.03), name
        assert values[name]["total"] == pytest.approx(total, abs=0.03), name


def test_sobol_rounds_base_samples_up_to_a_power_of_two_and_is_seeded(tmp_path):
    model = load(tmp_path, ADDITIVE)
    first, again = sobol(model, 1000, seed=5), sobol(model, 1024, seed=5)
    assert first.samples == 1024 * 5
    assert first.to_dict() == again.to_dict()


def test_oat_hand_solved_values(tmp_path):
    result = one_at_a_time(load(tmp_path, ADDITIVE))
    values = result.values["climate_change"]
    uniform = values["~service.technosphere[1]"]  # uniform [0.5, 1.5], times 2 kg CO2-eq
    assert uniform["low_value"] == pytest.approx(0.525) and uniform["high_value"] == pytest.approx(1.475)
    assert uniform["baseline"] == pytest.approx(6.5)
    assert uniform["low"] == pytest.approx(6.5 + 2 * (0.525 - 1)) and uniform["high"] == pytest.approx(6.5 + 2 * 0.475)
    normal = values["~service.technosphere[2]"]  # normal sd 0.2, times 3
    assert normal["swing"] == pytest.approx(3 * 2 * 1.959964 * 0.2, rel=1e-6)
    assert result.samples == 1 + 2 * 3


def test_oat_tries_every_option_of_a_choice(tmp_path):
    values = one_at_a_time(load(tmp_path, CHOICE)).values["climate_change"]
    region = values["region"]
    assert region["options"] == {"TW": pytest.approx(0.5), "FR": pytest.approx(0.1)}
    assert (region["low_value"], region["high_value"]) == ("FR", "TW")
    assert region["swing"] == pytest.approx(0.4)


def test_spearman_of_a_lognormal_product_matches_the_normal_copula(tmp_path):
    # ln(score) = sum sigma_i z_i: Pearson correlation with z_i is sigma_i / sigma, and
    # Spearman's rho of a bivariate normal with correlation r is (6 / pi) asin(r / 2).
    result = spearman(load(tmp_path, LOGNORMAL_PRODUCT), 20_000, seed=8)
    values = result.values["climate_change"]
    for name, sigma in PRODUCT_SIGMAS.items():
        expected = 6 / math.pi * math.asin(sigma / PRODUCT_SIGMA / 2)
        assert values[name]["rho"] == pytest.approx(expected, abs=0.02), name
    assert list(values)[0] == "~service.technosphere[0]"


def test_sensitivity_rejects_unknown_parameters_and_categories(tmp_path):
    model = load(tmp_path, ADDITIVE)
    with pytest.raises(LCAError, match="not an uncertain parameter.*nonsense"):
        one_at_a_time(model, parameters=["nonsense"])
    with pytest.raises(LCAError, match="no category water_scarcity"):
        sobol(model, 64, categories=["water_scarcity"])
