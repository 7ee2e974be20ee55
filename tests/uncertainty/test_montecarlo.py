"""lca.uncertainty.montecarlo: known-answer Monte Carlo propagation (products of lognormals, shared
draws, stage contributions, choices), seeds independent of chunking, convergence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from uncertain_studies import (
    ADDITIVE,
    CHOICE,
    LOGNORMAL_PRODUCT,
    PRODUCT_MEDIAN,
    PRODUCT_SIGMA,
    PRODUCT_SIGMAS,
    load,
)

from lca.engine.calculate import calculate
from lca.engine.propagate import prepare
from lca.uncertainty import monte_carlo

# -- known-answer propagation ---------------------------------------------------------------


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_product_of_lognormals_is_lognormal_with_combined_gsd(tmp_path, sampler):
    model = load(tmp_path, LOGNORMAL_PRODUCT)
    assert calculate(model).impacts["climate_change"].value == pytest.approx(PRODUCT_MEDIAN)
    n = 2 ** 15
    result = monte_carlo(model, n, seed=11, sampler=sampler)
    assert set(result.parameters) == set(PRODUCT_SIGMAS)
    scores = result.samples("climate_change")
    logs = np.log(scores)
    assert abs(logs.mean() - math.log(PRODUCT_MEDIAN)) < 4 * PRODUCT_SIGMA / math.sqrt(n)
    assert abs(logs.std(ddof=1) - PRODUCT_SIGMA) < 4 * PRODUCT_SIGMA / math.sqrt(2 * n)
    summary = result.summary("climate_change")
    exact = stats.lognorm(s=PRODUCT_SIGMA, scale=PRODUCT_MEDIAN)
    assert abs(summary.mean - exact.mean()) < 4 * summary.sem
    assert summary.sem == pytest.approx(summary.std / math.sqrt(n))
    for key, q in (("2.5", 0.025), ("5", 0.05), ("25", 0.25), ("75", 0.75), ("95", 0.95), ("97.5", 0.975)):
        z = stats.norm.ppf(q)
        standard_error = math.sqrt(q * (1 - q) / n) / stats.norm.pdf(z) * PRODUCT_SIGMA  # of ln(quantile)
        assert abs(math.log(summary.percentiles[key]) - math.log(exact.ppf(q))) < 4 * standard_error, key
    assert abs(math.log(summary.median) - math.log(PRODUCT_MEDIAN)) < 4 * 1.2533 * PRODUCT_SIGMA / math.sqrt(n)


def test_one_draw_per_parameter_is_shared_by_every_exchange_that_uses_it(tmp_path):
    # Two exchanges use the same parameter: the score is 2 * (intensity), perfectly correlated,
    # so its GSD is gsd^1 on a doubled median, not the sqrt(2)-narrower sum of two draws.
    text = LOGNORMAL_PRODUCT.replace('uncertainty = { distribution = "lognormal", gsd = 1.1 }', "") \
        .replace('uncertainty = { distribution = "lognormal", sigma = 0.2 }', "") \
        .replace('uncertainty = { distribution = "lognormal", gsd = 1.5 }', "") + """
[[processes.material.biosphere]]
flow = "co2"
amount = "intensity"
unit = "kg"
"""
    result = monte_carlo(load(tmp_path, text), 4096, seed=3)
    assert result.parameters == ("intensity",)
    logs = np.log(result.samples("climate_change"))
    assert logs.std(ddof=1) == pytest.approx(math.log(1.3), rel=0.05)
    assert np.median(result.samples("climate_change")) == pytest.approx(12.0, rel=0.02)


def test_stage_contributions_add_up_and_have_the_right_means(tmp_path):
    result = monte_carlo(load(tmp_path, ADDITIVE), 20_000, seed=5, by_stage=True)
    assert result.stages == ("extraction", "manufacturing", "transport", "use")
    np.testing.assert_allclose(result.by_stage[0].sum(axis=0), result.scores[0], rtol=1e-12)
    stages = result.stage_summaries("climate_change")
    for stage, mean, sd in (("extraction", 1.0, 0.5), ("manufacturing", 2.0, 2 / math.sqrt(12)),
                            ("transport", 3.0, 0.6)):
        assert abs(stages[stage].mean - mean) < 4 * sd / math.sqrt(20_000), stage
        assert stages[stage].std == pytest.approx(sd, rel=0.05)
    assert stages["use"].std == 0 and stages["use"].mean == pytest.approx(0.5)


def test_choice_parameter_is_drawn_with_its_weights(tmp_path):
    model = load(tmp_path, CHOICE)
    result = monte_carlo(model, 40_000, seed=2, keep_inputs=True)
    names = result.parameters
    region = result.inputs[names.index("region")]
    assert set(np.unique(region)) == {0.0, 1.0}
    assert abs(np.mean(region == 0.0) - 0.25) < 4 * math.sqrt(0.25 * 0.75 / 40_000)
    load_factor = result.inputs[names.index("load")]
    assert abs(load_factor.mean() - (0.8 + 4 * 1.0 + 1.4) / 6) < 0.002  # PERT mean
    expected = load_factor * np.where(region == 0.0, 0.5, 0.1)
    np.testing.assert_allclose(result.samples("climate_change"), expected, rtol=1e-12)


# -- reproducibility ------------------------------------------------------------------------

@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_same_seed_same_numbers_whatever_the_chunk_size(tmp_path, sampler):
    propagator = prepare(load(tmp_path, LOGNORMAL_PRODUCT))
    whole = monte_carlo(propagator, 1000, seed=9, sampler=sampler, by_stage=True, keep_inputs=True)
    for chunk in (1, 7, 128, 999):
        part = monte_carlo(propagator, 1000, seed=9, sampler=sampler, chunk_size=chunk, by_stage=True,
                           keep_inputs=True)
        np.testing.assert_array_equal(part.inputs, whole.inputs)
        np.testing.assert_array_equal(part.scores, whole.scores)
        np.testing.assert_array_equal(part.by_stage, whole.by_stage)
    other = monte_carlo(propagator, 1000, seed=10, sampler=sampler)
    assert not np.array_equal(other.scores, whole.scores)


def test_random_draws_of_a_parameter_do_not_depend_on_the_other_parameters(tmp_path):
    full = monte_carlo(load(tmp_path, LOGNORMAL_PRODUCT), 500, seed=4, keep_inputs=True)
    fixed_exchange = LOGNORMAL_PRODUCT.replace('uncertainty = { distribution = "lognormal", gsd = 1.5 }', "")
    fewer = monte_carlo(load(tmp_path, fixed_exchange, "fewer"), 500, seed=4, keep_inputs=True)
    row = full.parameters.index("intensity")
    np.testing.assert_array_equal(fewer.inputs[fewer.parameters.index("intensity")], full.inputs[row])


def test_convergence_view_settles_on_the_final_estimates(tmp_path):
    result = monte_carlo(load(tmp_path, LOGNORMAL_PRODUCT), 10_000, seed=1)
    view = result.convergence("climate_change", points=12)
    summary = result.summary("climate_change")
    assert view.n[-1] == 10_000 and np.all(np.diff(view.n) > 0)
    assert view.mean[-1] == pytest.approx(summary.mean, rel=1e-12)
    assert view.sem[-1] == pytest.approx(summary.sem, rel=1e-9)
    assert view.upper[-1] == pytest.approx(summary.percentiles["97.5"], rel=1e-12)
    assert view.sem[0] > view.sem[-1]
