"""lca.uncertainty.sweep: scenario grids and tables evaluated in one batch, against one-by-one runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.load.study import with_parameters
from lca.uncertainty import monte_carlo
from lca.uncertainty.sweep import MAX_SCENARIOS, grid_scenarios, sweep, table_scenarios

GPT3 = "lca:scenarios/patterson2021_gpt3.toml"
GPT3_SCORE = 553142.3  # kg CO2-eq at PUE 1.1 (Patterson et al. 2021, Table 4)


@pytest.fixture(scope="module")
def gpt3():
    return load_study(GPT3)


def one_by_one(model, scenario) -> np.ndarray:
    result = calculate(with_parameters(model, dict(scenario.values)))
    return np.array([impact.value for impact in result.impacts.values()])


def test_the_score_scales_with_pue_and_the_grid_factor(gpt3):
    result = sweep(gpt3, grid_scenarios(["pue=1.1,1.21", "grid_intensity=0.429,0.2145"]))
    assert result.settings == ((1.1, 0.429), (1.1, 0.2145), (1.21, 0.429), (1.21, 0.2145))
    expected = GPT3_SCORE * np.array([1.0, 0.5, 1.1, 0.55])
    np.testing.assert_allclose(result.values[:, 0], expected, rtol=1e-6)


def test_a_csv_column_with_a_unit_is_converted(gpt3):
    table = table_scenarios("power.csv", "chip_power [kW],grid_intensity\n0.33,0.429\n0.165,0.429\n")
    result = sweep(gpt3, table)
    assert result.settings == ((330.0, 0.429), (165.0, 0.429))  # declared unit W
    np.testing.assert_allclose(result.values[:, 0], [GPT3_SCORE, GPT3_SCORE / 2], rtol=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pue=st.lists(st.floats(1.0, 2.0), min_size=1, max_size=4, unique=True),
       power=st.lists(st.floats(100.0, 700.0), min_size=1, max_size=3, unique=True))
def test_a_batched_grid_equals_each_scenario_calculated_alone(gpt3, pue, power):
    items = ["pue=" + ",".join(repr(p) for p in pue), "chip_power=" + ",".join(repr(p) for p in power)]
    scenarios = grid_scenarios(items)
    result = sweep(gpt3, scenarios)
    assert len(result.settings) == len(pue) * len(power)
    for k, scenario in enumerate(scenarios):
        np.testing.assert_allclose(result.values[k], one_by_one(gpt3, scenario), rtol=1e-12)


def test_samples_use_common_random_numbers(gpt3):
    # The score is proportional to PUE; with the same draws of the other parameters in every
    # scenario, the means and percentiles keep that ratio exactly.
    result = sweep(gpt3, grid_scenarios(["pue=1.1,1.32"]), samples=2000, seed=7)
    assert result.values[1, 0] / result.values[0, 0] == pytest.approx(1.2, rel=1e-12)
    assert result.high[1, 0] / result.high[0, 0] == pytest.approx(1.2, rel=1e-12)
    assert result.low[0, 0] < result.values[0, 0] < result.high[0, 0]
    # the draws of chip power, grid factor and duration are those of lca run --samples
    reference = monte_carlo(gpt3, 2000, seed=7, keep_inputs=True)
    pue_row = reference.parameters.index("pue")
    scaled = reference.scores[0] * 1.1 / reference.inputs[pue_row]
    assert result.values[0, 0] == pytest.approx(scaled.mean(), rel=1e-12)


def test_samples_are_seeded(gpt3):
    scenarios = grid_scenarios(["grid_intensity=0.3,0.5"])
    first, again = sweep(gpt3, scenarios, samples=500, seed=3), sweep(gpt3, scenarios, samples=500, seed=3)
    assert np.array_equal(first.values, again.values) and np.array_equal(first.low, again.low)
    assert not np.array_equal(first.values, sweep(gpt3, scenarios, samples=500, seed=4).values)


@pytest.mark.parametrize(("items", "message"), [
    (["gpus=1,2"], "--grid scenario 1 gpus: no such parameter"),
    (["pue=1.1,fast"], "--grid scenario 2 pue: cannot read 'fast' as a number"),
    (["chip_power=300 kg"], "--grid scenario 1 chip_power: 'chip_power' is in W"),
])
def test_bad_grid_values_name_the_scenario_and_parameter(gpt3, items, message):
    with pytest.raises(LCAError, match=message):
        sweep(gpt3, grid_scenarios(items))


@pytest.fixture(scope="module")
def flagship():
    return load_study("lca:scenarios/llm_training_lifecycle.toml")


def test_a_wrong_option_names_the_options(flagship):
    with pytest.raises(LCAError, match=r"--grid scenario 2 grid_region: 'mars' is not an option .*options: glo, us"):
        sweep(flagship, grid_scenarios(["grid_region=us,mars"]))


def test_a_parameter_a_formula_computes_cannot_be_swept(flagship):
    with pytest.raises(LCAError, match="--grid scenario 1 training_hours: is computed by a formula"):
        sweep(flagship, grid_scenarios(["training_hours=100,200"]))


@pytest.mark.parametrize(("items", "message"), [
    ([], "no parameter to sweep"),
    (["pue"], "expected NAME=V1,V2"),
    (["pue=1.1,,1.2"], "expected NAME=V1,V2"),
    (["pue=1.1", "pue=1.2"], "'pue' is swept twice"),
])
def test_malformed_grids(items, message):
    with pytest.raises(LCAError, match=message):
        grid_scenarios(items)


def test_a_grid_over_the_bound_is_refused_before_it_is_expanded():
    values = ",".join(str(k) for k in range(1001))
    with pytest.raises(LCAError, match=f"1001 x 1001 = 1,002,001 scenarios, more than the {MAX_SCENARIOS:,}"):
        grid_scenarios([f"a={values}", f"b={values}"])


@pytest.mark.parametrize(("text", "message"), [
    ("", "s.csv: empty scenario table"),
    ("\n \n", "s.csv: empty scenario table"),
    ("pue\n", "s.csv: the scenario table has a header but no rows"),
    ("pue,chip_power\n1.1,300\n1.2\n", "s.csv: line 3: 1 cells, the header has 2 columns"),
    ("pue,chip_power\n1.1, \n", "s.csv: line 2: empty cell for 'chip_power'"),
    ("pue,pue\n1.1,1.2\n", "s.csv: line 1: column 'pue' is repeated in the header"),
    ("pue,pue []\n1.1,1.2\n", "s.csv: line 1: column 2 'pue \\[\\]'"),
    ("pue [],pue\n1.1,1.2\n", "s.csv: line 1: column 1 'pue \\[\\]'"),
    ("pue,pue [1]\n1.1,1.2\n", "s.csv: line 1: column pue appears more than once"),
    ('pue\n"' + "1" * 200_000 + '"\n', "s.csv: line 2: not a CSV row: field larger than field limit"),
    ("pue,chip_power [W\n1.1,300\n", "s.csv: line 1: column 2 'chip_power \\[W'"),
    ("pue,chip_power []\n1.1,300\n", "s.csv: line 1: column 2"),
    (",pue\n1,1.1\n", "s.csv: line 1: column 1"),
])
def test_malformed_tables_name_the_file_and_row(text, message):
    with pytest.raises(LCAError, match=message):
        table_scenarios("s.csv", text)


def test_table_values_are_checked_with_their_row(gpt3):
    with pytest.raises(LCAError, match=r"s.csv: line 3 chip_power: 'chip_power' is in W; kg has another dimension"):
        sweep(gpt3, table_scenarios("s.csv", "chip_power\n300\n3 kg\n"))


def test_an_unreadable_table_is_one_error(tmp_path):
    with pytest.raises(LCAError, match="missing.csv: scenario table not found"):
        table_scenarios(tmp_path / "missing.csv")


def test_a_compiled_model_takes_numbers_in_the_declared_unit(gpt3):
    compiled = compile_model(gpt3)
    result = sweep(compiled, grid_scenarios(["pue=1.2"]))
    assert result.values[0, 0] == pytest.approx(sweep(gpt3, grid_scenarios(["pue=1.2"])).values[0, 0], rel=1e-15)
    with pytest.raises(LCAError, match="--grid scenario 1 pue: expected a number in the parameter's unit, got '1.2 W'"):
        sweep(compiled, grid_scenarios(["pue=1.2 W"]))
