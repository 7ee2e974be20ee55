"""Sobol indices evaluated in chunks: equal to scipy's for the same A and B, with seeded
bootstrap confidence intervals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import sobol_indices
from scipy.stats._sensitivity_analysis import saltelli_2010
from uncertain_studies import ADDITIVE, ADDITIVE_NAMES, ADDITIVE_VARIANCES, ISHIGAMI, LOGNORMAL_PRODUCT, load

from lca.engine.propagate import evaluate, prepare
from lca.errors import LCAError
from lca.uncertainty import sobol
from lca.uncertainty.sensitivity import bootstrap_intervals, saltelli_jansen, sobol_design


def scipy_indices(propagator, n, seed):
    dists = [propagator.distributions[name] for name in propagator.names]
    result = sobol_indices(func=lambda x: evaluate(propagator, x).scores, n=n, dists=dists,
                           rng=np.random.default_rng(seed))
    return np.atleast_2d(result.first_order), np.atleast_2d(result.total_order), result


@pytest.mark.parametrize("study", [ISHIGAMI, LOGNORMAL_PRODUCT])
def test_indices_equal_scipys_for_the_same_design(tmp_path, study):
    propagator = prepare(load(tmp_path, study))
    first, total, _ = scipy_indices(propagator, 256, seed=11)
    ours = sobol(propagator, 256, seed=11, resamples=0).values["climate_change"]
    for i, name in enumerate(propagator.names):
        assert ours[name]["first_order"] == pytest.approx(first[0, i], rel=1e-12, abs=1e-15), name
        assert ours[name]["total"] == pytest.approx(total[0, i], rel=1e-12, abs=1e-15), name


def test_the_design_is_scipys(tmp_path):
    propagator = prepare(load(tmp_path, ISHIGAMI))
    _, _, result = scipy_indices(propagator, 64, seed=2)
    a, b = sobol_design(64, [propagator.distributions[n] for n in propagator.names], np.random.default_rng(2))
    assert np.array_equal(a, result._A) and np.array_equal(b, result._B)


def test_a_bootstrap_resample_is_scipys_statistic_on_the_resampled_outputs():
    rng = np.random.default_rng(5)
    d, s, n = 3, 2, 50
    f_a, f_b = rng.normal(size=(s, n)), rng.normal(size=(s, n))
    f_ab = f_a + rng.normal(scale=0.5, size=(d, s, n))
    _, _, (ca, cb, cab) = saltelli_jansen(f_a, f_b, f_ab.copy())
    # one resample: its bounds are its own value
    draw = np.random.default_rng(9)
    first, total = bootstrap_intervals(ca, cb, cab, 1, draw)
    counts = np.random.default_rng(9).multinomial(n, np.full(n, 1 / n))
    idx = np.repeat(np.arange(n), counts)
    expected_first, expected_total = saltelli_2010(ca[:, idx], cb[:, idx], cab[..., idx])
    np.testing.assert_allclose(first[0], expected_first, rtol=1e-12)
    np.testing.assert_allclose(first[1], expected_first, rtol=1e-12)
    np.testing.assert_allclose(total[0], expected_total, rtol=1e-12)


def test_intervals_are_seeded_and_cover_the_analytic_indices(tmp_path):
    model = load(tmp_path, ADDITIVE)
    result = sobol(model, 2 ** 12, seed=4)
    again = sobol(model, 2 ** 12, seed=4)
    assert result.to_dict() == again.to_dict()
    other = sobol(model, 2 ** 12, seed=5).to_dict()["climate_change"]
    values = result.values["climate_change"]
    share = np.array(ADDITIVE_VARIANCES) / sum(ADDITIVE_VARIANCES)
    for name, expected in zip(ADDITIVE_NAMES, share):
        record = values[name]
        assert record["first_order_ci"][0] < record["first_order"] < record["first_order_ci"][1]
        assert record["total_ci"][0] < record["total"] < record["total_ci"][1]
        # 95 % intervals: with a wide margin (three half-widths) they hold the analytic share
        for key in ("first_order", "total"):
            low, high = record[f"{key}_ci"]
            assert low - (high - low) < expected < high + (high - low), (name, key)
        assert other[name]["first_order_ci"] != record["first_order_ci"]


def test_intervals_narrow_with_more_samples(tmp_path):
    model = load(tmp_path, ADDITIVE)
    small = sobol(model, 2 ** 10, seed=3).values["climate_change"]
    large = sobol(model, 2 ** 14, seed=3).values["climate_change"]
    for name in ADDITIVE_NAMES:
        width = lambda r: r["total_ci"][1] - r["total_ci"][0]  # noqa: E731
        # 16 times the samples: about a quarter of the width (1 / sqrt(16))
        assert 0.1 < width(large[name]) / width(small[name]) < 0.45, name


def test_resamples_must_not_be_negative(tmp_path):
    with pytest.raises(LCAError, match="bootstrap resamples must be at least 0, got -1"):
        sobol(load(tmp_path, ADDITIVE), 64, resamples=-1)
