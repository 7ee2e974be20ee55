"""Market-based climate change per Monte Carlo iteration (lca.engine.scope2,
lca.uncertainty.montecarlo.market_based_monte_carlo, lca run --samples on a [market_based] study)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca import calculate, with_parameters
from lca.cli import main
from lca.engine import propagate
from lca.engine.propagate import evaluate, prepare
from lca.errors import ModelError
from lca.model.scope2 import Instrument, MarketBased, market_based, market_based_samples
from lca.uncertainty.montecarlo import market_based_monte_carlo, monte_carlo

SWITCH, GSHARD = "lca:scenarios/patterson2021_switch.toml", "lca:scenarios/patterson2021_gshard.toml"


@pytest.mark.parametrize("study", [SWITCH, GSHARD])
def test_at_the_deterministic_values_it_is_the_deterministic_figure(study):
    model = lca.load_study(study)
    propagator = prepare(model)
    values = np.array([[model.parameters[name].value] for name in propagator.names])
    assert evaluate(propagator, values, market_based=True).market_based[0] == pytest.approx(calculate(model).market_based.value, rel=1e-12)


def test_each_iteration_is_the_deterministic_figure_at_its_draws():
    """Pairing: iteration i of the market-based samples is lca's market-based figure at the
    parameter values iteration i of monte_carlo drew."""
    model = lca.load_study(SWITCH)
    drawn = monte_carlo(model, 40, seed=5, keep_inputs=True)
    market = market_based_monte_carlo(model, 40, seed=5)
    for i in (0, 7, 39):
        at = with_parameters(model, {name: float(drawn.inputs[row, i]) for row, name in enumerate(drawn.parameters)})
        result = calculate(at)
        assert result.impacts["climate_change"].value == pytest.approx(drawn.samples("climate_change")[i], rel=1e-12)
        assert result.market_based.value == pytest.approx(market[i], rel=1e-12)


def test_chunking_does_not_change_the_numbers():
    model = lca.load_study(GSHARD)
    assert np.array_equal(market_based_monte_carlo(model, 500, seed=2, chunk_size=37),
                          market_based_monte_carlo(model, 500, seed=2))


def test_a_study_without_instruments_has_no_market_based_samples():
    with pytest.raises(ModelError, match="no \\[market_based\\] table"):
        market_based_monte_carlo(lca.load_study("lca:scenarios/patterson2021_gpt3.toml"), 10)


SPEC = MarketBased(("grid",), (Instrument("ppa", "wind", 0.01, share=0.3, source="contract"),
                               Instrument("eac", "GOs", 0.0, energy_kwh=200.0, source="registry")),
                   0.6, "residual mix", "s.toml: market_based")


@settings(max_examples=60, deadline=None)
@given(kwh=st.lists(st.floats(min_value=300.0, max_value=1e6), min_size=1, max_size=8),
       grid=st.floats(min_value=0.0, max_value=1.5), other=st.floats(min_value=0.0, max_value=1e5))
def test_vector_rule_equals_the_scalar_rule_when_claims_fit(kwh, grid, other):
    """Where the instruments fit inside the consumption (0.3 x kWh + 200 <= kWh for kWh >= 286),
    each element is the scalar GHG Protocol figure."""
    kwh = np.array(kwh)
    location = grid * kwh
    total = other + location
    vector = market_based_samples(SPEC, total, kwh, location)
    for i in range(kwh.size):
        assert vector[i] == pytest.approx(market_based(SPEC, total[i], kwh[i], location[i]).value, rel=1e-12, abs=1e-9)


def test_claims_beyond_a_drawn_consumption_are_scaled_down():
    """An iteration drawing 250 kWh: the PPA claims 75 and the GOs 200, 275 > 250; both are scaled
    by 250/275, so nothing is left to the residual mix. By hand: 75 x 250/275 x 0.01 = 0.682 kg."""
    value = market_based_samples(SPEC, np.array([1000.0]), np.array([250.0]), np.array([150.0]))
    assert value[0] == pytest.approx(1000.0 - 150.0 + 75 * 250 / 275 * 0.01, rel=1e-12)


def test_uncovered_kwh_without_a_residual_mix_name_the_iteration():
    spec = MarketBased(("grid",), (Instrument("eac", "GOs", 0.0, energy_kwh=100.0),), None, None, "s.toml: market_based")
    with pytest.raises(ModelError, match="iteration 1 and no residual_mix"):
        market_based_samples(spec, np.array([10.0, 10.0]), np.array([100.0, 150.0]), np.array([5.0, 5.0]))


def test_lca_run_samples_reports_both_intervals(capsys):
    assert main(["run", SWITCH, "--samples", "2000", "--seed", "4", "--quiet", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    intervals = data["scope2"]["uncertainty"]
    assert intervals["location_based"]["percentiles"] == data["impacts"]["climate_change"]["uncertainty"]["percentiles"]
    market = intervals["market_based"]
    # Patterson's net 59.1 t lies inside the market-based interval, and the interval sits below
    # the location-based one (the PPAs replace most of the grid's 0.403 kg/kWh)
    assert market["percentiles"]["2.5"] < 59_100 < market["percentiles"]["97.5"]
    assert market["median"] < intervals["location_based"]["median"]
    assert math.isclose(data["scope2"]["market_based"], 59_013.0, rel_tol=1e-4)
    assert main(["run", SWITCH, "--samples", "500", "--quiet"]) == 0
    assert "market-based 59,013.0 (95 %:" in capsys.readouterr().out


def test_market_based_comes_from_the_score_solves():
    """monte_carlo(market_based=True) reads the market-based figure off the solves that give the
    scores: the same numbers as the separate sampler, bit for bit, and read-only."""
    model = lca.load_study(SWITCH)
    result = monte_carlo(model, 300, seed=9, chunk_size=64, market_based=True)
    assert result.market_based.tobytes() == market_based_monte_carlo(model, 300, seed=9).tobytes()
    assert result.scores.tobytes() == monte_carlo(model, 300, seed=9).scores.tobytes()
    assert not result.market_based.flags.writeable
    assert monte_carlo(model, 10, seed=9).market_based is None


def test_lca_run_samples_solves_each_block_once(monkeypatch, capsys):
    calls = []
    original = propagate.solve_batch  # (compiled, technosphere, demand): one column per iteration
    monkeypatch.setattr(propagate, "solve_batch", lambda *a, **k: calls.append(a[2].shape[1]) or original(*a, **k))
    assert main(["run", SWITCH, "--samples", "400", "--seed", "4", "--quiet", "--format", "json"]) == 0
    assert sum(calls) == 400  # every iteration solved once, for the scores and the market-based figure
    assert "market_based" in json.loads(capsys.readouterr().out)["scope2"]["uncertainty"]
