"""lca.engine.propagate (batched evaluation): stage contributions under uncertainty equal the
deterministic split at the central values and add up to the score in every iteration, over
hand-made and random supply chains; numbers do not depend on threads, chunks or pruning."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write_study
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from studies import CHAIN
from uncertain_studies import LOGNORMAL_PRODUCT, load

import lca
from lca.engine.propagate import evaluate, prepare
from lca.uncertainty import monte_carlo

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


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


STAGES = ("extraction", "manufacturing", "transport", "use", "end_of_life", None)


@st.composite
def supply_chains(draw):
    n = draw(st.integers(2, 6))
    stages = [draw(st.sampled_from(STAGES)) for _ in range(n)]
    stages[0] = draw(st.sampled_from(STAGES))
    lines = ['[study]\nname = "random"\nfunctional_unit = "1 kg of p0"\n\n[demand]\np0 = 1\n']
    for i in range(n):
        lines.append(f'[processes.p{i}]\nunit = "kg"\nsource = "hypothesis"')
        if stages[i]:
            lines.append(f'stage = "{stages[i]}"')
        # inputs from any process (loops allowed), small enough that the system stays regular
        inputs = []
        for j in range(n):
            if j != i and draw(st.booleans()):
                amount = draw(st.floats(0.01, 0.9 / n))
                sign = -1 if draw(st.integers(0, 9)) == 0 else 1  # now and then a credit
                inputs.append(f'{{ product = "p{j}", amount = {sign * amount!r}, unit = "kg" }}')
        if inputs:
            lines.append("technosphere = [" + ", ".join(inputs) + "]")
        co2 = draw(st.floats(0.01, 10.0))  # lognormal: positive median
        water = draw(st.floats(0.0, 5.0))
        lines.append(f'biosphere = [{{ flow = "co2", amount = {co2!r}, unit = "kg", '
                     f'uncertainty = {{ distribution = "lognormal", gsd = 1.2 }} }}, '
                     f'{{ flow = "water", amount = {water!r}, unit = "L" }}]\n')
    return "\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=supply_chains())
def test_stages_add_up_and_match_monte_carlo(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("chain")
    model = lca.load_study(write_study(folder, text))
    result = lca.calculate(model)
    for impact in result.impacts.values():
        scale = max(abs(impact.value), sum(abs(v) for v in impact.by_process.values()), 1e-300)
        assert sum(impact.by_stage.values()) == pytest.approx(impact.value, abs=1e-9 * scale)
    propagator = prepare(model)
    table = propagator.compiled.parameters
    central = np.array([[table.defaults[n] / table.root_factors[n]] for n in propagator.names]).reshape(-1, 1)
    outcome = evaluate(propagator, central, by_stage=True)
    for row, category in enumerate(propagator.compiled.categories):
        impact = result.impacts[category]
        scale = max(abs(impact.value), sum(abs(v) for v in impact.by_process.values()), 1e-300)
        got = {s: outcome.by_stage[row, k, 0] for k, s in enumerate(propagator.stages)}
        assert set(got) == set(impact.by_stage)
        for stage, value in impact.by_stage.items():
            assert got[stage] == pytest.approx(value, abs=1e-9 * scale)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=supply_chains(), k=st.floats(0.1, 100.0))
def test_scores_equal_a_dense_solve_and_scale_with_demand(tmp_path_factory, text, k):
    folder = tmp_path_factory.mktemp("dense")
    model = lca.load_study(write_study(folder, text))
    compiled = lca.compile_model(model)
    params = compiled.parameters.evaluate()
    a = compiled.technosphere.matrix(params).toarray()
    b = compiled.biosphere.matrix(params).toarray()
    c = compiled.characterization.matrix(params).toarray()
    f = compiled.demand_vector(params)
    expected = c @ b @ np.linalg.solve(a, f)
    result = lca.calculate(model)
    got = np.array([result.impacts[cat].value for cat in compiled.categories])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12 * np.abs(expected).max(initial=1.0))
    scaled = lca.calculate(lca.load_study(write_study(folder, text.replace("p0 = 1\n", f"p0 = {k!r}\n"), "k.toml")))
    for cat in compiled.categories:
        assert scaled.impacts[cat].value == pytest.approx(k * result.impacts[cat].value, rel=1e-9, abs=1e-12)


def test_values_on_a_bound_survive_the_root_unit_round_trip(tmp_path):
    # 0.3 kWh is 1.08e6 J in root units; back in kWh it must still equal min exactly.
    text = LOGNORMAL_PRODUCT.replace('[parameters.intensity]', '[parameters.energy]\nvalue = 0.3\nunit = "kWh"\n'
                                     'uncertainty = { distribution = "uniform", min = 0.3, max = 0.7 }\n\n'
                                     '[parameters.intensity]')
    # "energy" is read by no exchange: name it, or prepare() would skip it as without influence
    propagator = prepare(load(tmp_path, text), names=("energy",))
    assert propagator.distributions["energy"].center == 0.3
