"""Stage contributions under uncertainty: inherit processes take their users' stage exactly as
in the deterministic calculation, and stages add up to the score in every iteration."""

from __future__ import annotations

import numpy as np
import pytest

import lca
from lca.uncertainty import monte_carlo
from lca.uncertainty.montecarlo import evaluate, prepare
from conftest import ROOT
from test_engine import CHAIN

FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"


def central_inputs(propagator) -> np.ndarray:
    table = propagator.compiled.parameters
    return np.array([[table.defaults[n] / table.root_factors[n]] for n in propagator.names])


@pytest.mark.parametrize("text", [CHAIN.replace('[processes.heat]\nunit = "kWh"\nstage = "use"',
                                                '[processes.heat]\nunit = "kWh"')])
def test_stage_split_at_central_values_equals_deterministic(study, text):
    text = text.replace('biosphere = [{ flow = "co2", amount = 0.25, unit = "kg" }]',
                        'biosphere = [{ flow = "co2", amount = 0.25, unit = "kg", '
                        'uncertainty = { distribution = "lognormal", gsd = 1.5 } }]')
    model = lca.load_study(study(text))
    propagator = prepare(model)
    outcome = evaluate(propagator, central_inputs(propagator), by_stage=True)
    expected = lca.calculate(model).impacts["climate_change"].by_stage
    row = propagator.compiled.categories.index("climate_change")
    got = {s: outcome.by_stage[row, k, 0] for k, s in enumerate(propagator.stages)}
    assert got == pytest.approx(dict(expected), rel=1e-12)


def test_flagship_stages_conserve_and_match_deterministic_centre():
    model = lca.load_study(FLAGSHIP)
    propagator = prepare(model)
    outcome = evaluate(propagator, central_inputs(propagator), by_stage=True)
    result = lca.calculate(model)
    for row, category in enumerate(propagator.compiled.categories):
        expected = result.impacts[category].by_stage
        got = {s: outcome.by_stage[row, k, 0] for k, s in enumerate(propagator.stages)}
        assert got == pytest.approx(dict(expected), rel=1e-9, abs=1e-12 * abs(result.impacts[category].value))
    mc = monte_carlo(model, 500, seed=3, by_stage=True)
    np.testing.assert_allclose(mc.by_stage.sum(axis=1), mc.scores, rtol=1e-10, atol=0)
