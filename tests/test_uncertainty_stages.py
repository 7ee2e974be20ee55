"""Stage contributions under uncertainty: inherit processes take their users' stage exactly as
in the deterministic calculation, and stages add up to the score in every iteration."""

from __future__ import annotations

import numpy as np
import pytest

import lca
from lca.uncertainty import monte_carlo
from lca.engine.propagate import evaluate, prepare
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


def test_same_numbers_whatever_the_threads_and_chunks(monkeypatch):
    import lca.engine.propagate as montecarlo

    model = lca.compile_model(lca.load_study(FLAGSHIP))
    monkeypatch.setattr(montecarlo, "THREADS", 2)
    threaded = monte_carlo(model, 3000, seed=5, chunk_size=277, by_stage=True)
    monkeypatch.setattr(montecarlo, "THREADS", 1)
    single = monte_carlo(model, 3000, seed=5, chunk_size=3000, by_stage=True)
    np.testing.assert_array_equal(threaded.scores, single.scores)
    np.testing.assert_array_equal(threaded.by_stage, single.by_stage)


def test_pruned_and_folded_model_gives_the_same_numbers():
    """Sampling only influential parameters and folding constants changes no number."""
    from lca.engine.compile import influential_parameters, specialize

    compiled = lca.compile_model(lca.load_study(FLAGSHIP))
    table = compiled.parameters
    influential = influential_parameters(compiled)
    names = tuple(n for n in table.uncertain if n in influential)
    assert len(names) < len(table.uncertain)  # the unused grids' numbers are skipped
    rng = np.random.default_rng(0)
    values = {n: table.defaults[n] * rng.uniform(0.5, 1.5, 8) if n not in table.choices
              else np.full(8, table.defaults[n]) for n in names}
    full = prepare(compiled, names=table.uncertain)
    reduced = prepare(compiled)
    assert reduced.names == names
    inputs_full = np.array([values[n] / table.root_factors[n] if n in values else
                            np.full(8, table.defaults[n] / table.root_factors[n]) for n in full.names])
    inputs_reduced = np.array([values[n] / table.root_factors[n] for n in reduced.names])
    a = evaluate(full, inputs_full, by_stage=True)
    b = evaluate(reduced, inputs_reduced, by_stage=True)
    np.testing.assert_allclose(a.scores, b.scores, rtol=1e-12)
    np.testing.assert_allclose(a.by_stage, b.by_stage, rtol=1e-9, atol=1e-12 * np.abs(a.scores).max())
    assert specialize(compiled, names).technosphere.nnz < compiled.technosphere.nnz
