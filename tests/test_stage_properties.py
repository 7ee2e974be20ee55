"""Stage contributions over random supply chains: with any mix of tagged and inheriting
processes, loops included, the stages add up to the score, and the Monte Carlo path gives the
deterministic split at the central values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lca
from lca.engine.propagate import evaluate, prepare
from conftest import write_study

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
