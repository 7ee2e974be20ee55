"""Hand-solvable systems, linearity, unit invariance and contributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.engine.calculate import calculate
from lca.engine.compile import compile_model
from lca.engine.solve import factorize
from lca import with_parameters

LOOP = '''
[study]
name = "two-process loop"
functional_unit = "1 kg of A"

[demand]
a = { amount = DEMAND, unit = "UNIT" }

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "hand-made test"
technosphere = [{ product = "b", amount = 0.5, unit = "kWh" }]
biosphere = [{ flow = "co2", amount = 2, unit = "kg" }]

[processes.b]
unit = "kWh"
stage = "use"
source = "hand-made test"
technosphere = [{ product = "a", amount = 0.2, unit = "kg" }]
biosphere = [{ flow = "co2", amount = 1, unit = "kg" }, { flow = "water", amount = 3, unit = "L" }]
'''


def loop(study, demand=1.0, unit="kg"):
    return lca.load_study(study(LOOP.replace("DEMAND", repr(demand)).replace("UNIT", unit)))


def test_two_process_loop_is_solved_exactly(study):
    # s_a = 1 + 0.2 s_b, s_b = 0.5 s_a  ->  s_a = 1/0.9, s_b = 0.5/0.9
    result = calculate(loop(study))
    s_a, s_b = 1 / 0.9, 0.5 / 0.9
    assert result.supply["a"] == pytest.approx(s_a, rel=1e-12)
    assert result.supply["b"] == pytest.approx(s_b, rel=1e-12)
    climate = result.impacts["climate_change"]
    assert climate.value == pytest.approx(2 * s_a + 1 * s_b, rel=1e-12)
    assert climate.by_stage == {"manufacturing": pytest.approx(2 * s_a), "use": pytest.approx(s_b)}
    assert result.impacts["water_consumption"].value == pytest.approx(3e-3 * s_b, rel=1e-12)
    assert result.inventory["water"].unit == "m3"


CHAIN = '''
[study]
name = "three-level chain with a by-product credit"
functional_unit = "1 server"

[demand]
server = 1

[processes.server]
unit = "item"
stage = "manufacturing"
source = "test"
technosphere = [
  { product = "board", amount = 2, unit = "item" },
  { product = "steel", amount = 10000, unit = "g" },
]
biosphere = [{ flow = "co2", amount = 5, unit = "kg" }]

[processes.board]
unit = "item"
stage = "manufacturing"
source = "test"
technosphere = [
  { product = "steel", amount = 0.5, unit = "kg" },
  # the board line's waste heat replaces heat from a boiler: a negative input (substitution)
  { product = "heat", amount = -2, unit = "MJ" },
]
biosphere = [{ flow = "ch4", amount = 10, unit = "g" }]

[processes.steel]
unit = "kg"
stage = "extraction"
source = "test"
technosphere = [{ product = "heat", amount = 20, unit = "MJ" }]
biosphere = [{ flow = "co2", amount = 1.8, unit = "kg" }]

[processes.heat]
unit = "kWh"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = 0.25, unit = "kg" }]
'''


def test_multi_level_chain_with_by_product_credit(study):
    result = calculate(lca.load_study(study(CHAIN)))
    steel = 10 + 2 * 0.5  # kg
    heat_mj = steel * 20 - 2 * 2  # MJ
    heat_kwh = heat_mj / 3.6
    expected = 5 + 2 * 0.010 * 29.8 + steel * 1.8 + heat_kwh * 0.25
    assert result.supply["steel"] == pytest.approx(steel)
    assert result.supply["heat"] == pytest.approx(heat_kwh)
    assert result.impacts["climate_change"].value == pytest.approx(expected, rel=1e-12)
    assert sum(result.impacts["climate_change"].by_process.values()) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(k=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False))
def test_linearity_in_demand(tmp_path_factory, k):
    from conftest import write_study

    folder = tmp_path_factory.mktemp("lin")
    base = calculate(lca.load_study(write_study(folder, LOOP.replace("DEMAND", "1.0").replace("UNIT", "kg"), "a.toml")))
    scaled = calculate(lca.load_study(write_study(folder, LOOP.replace("DEMAND", repr(k)).replace("UNIT", "kg"), "b.toml")))
    for category, impact in base.impacts.items():
        assert scaled.impacts[category].value == pytest.approx(k * impact.value, rel=1e-9)
        for stage, value in impact.by_stage.items():
            assert scaled.impacts[category].by_stage[stage] == pytest.approx(k * value, rel=1e-9, abs=1e-300)


def test_demand_unit_is_converted(study):
    grams = calculate(loop(study, 1000.0, "g"))
    kilo = calculate(loop(study, 1.0, "kg"))
    assert grams.impacts["climate_change"].value == pytest.approx(kilo.impacts["climate_change"].value, rel=1e-12)


UNITS_KG = '''
[study]
name = "unit invariance"
functional_unit = "1 training run"

[demand]
run = 1

[parameters.power]
value = POWER
unit = "POWER_UNIT"
source = "test"

[parameters.hours]
value = 10
unit = "h"
source = "test"

[processes.run]
unit = "item"
stage = "use"
source = "test"
technosphere = [{ product = "electricity", amount = "power * hours", unit = "ENERGY_UNIT" }]

[processes.electricity]
unit = "ELEC_UNIT"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = CO2, unit = "CO2_UNIT" }]
'''


@pytest.mark.parametrize("power, power_unit, energy_unit, elec_unit, co2, co2_unit", [
    (300, "W", "kWh", "kWh", 0.4, "kg"),
    (0.3, "kW", "Wh", "Wh", 0.4, "g"),
    (300, "W", "MJ", "MWh", 400, "kg"),
    (300000, "mW", "J", "GJ", 0.4 / 3.6, "t"),
])
def test_results_independent_of_units(study, power, power_unit, energy_unit, elec_unit, co2, co2_unit):
    # 300 W * 10 h = 3 kWh at 0.4 kg CO2/kWh = 1.2 kg CO2 in every spelling
    text = (UNITS_KG.replace("POWER_UNIT", power_unit).replace("POWER", repr(power))
            .replace("ENERGY_UNIT", energy_unit).replace("ELEC_UNIT", elec_unit)
            .replace("CO2_UNIT", co2_unit).replace("CO2", repr(co2)))
    result = calculate(lca.load_study(study(text)))
    assert result.impacts["climate_change"].value == pytest.approx(1.2, rel=1e-12)


def test_intensity_formula_is_multiplied_by_production(study):
    text = '''
    [study]
    name = "intensity"
    functional_unit = "10 kWh"

    [demand]
    grid = { amount = 10, unit = "kWh" }

    [parameters.intensity]
    value = 450
    unit = "g CO2-eq/kWh"
    source = "test"

    [processes.grid]
    unit = "MWh"
    amount = 0.001
    stage = "use"
    source = "test"
    biosphere = [{ flow = "ghg", amount = "intensity", unit = "kg CO2-eq" }]
    '''
    result = calculate(lca.load_study(study(text)))
    assert result.impacts["climate_change"].value == pytest.approx(4.5, rel=1e-12)


def test_factorization_is_reused_for_new_demands(study):
    compiled = compile_model(loop(study))
    system = factorize(compiled)
    one = system.solve(np.array([1.0, 0.0]))
    both = system.solve(np.column_stack([[1.0, 0.0], [0.0, 1.0]]))
    assert one == pytest.approx([1 / 0.9, 0.5 / 0.9])
    assert both[:, 1] == pytest.approx([0.2 / 0.9, 1 / 0.9])


def test_parameter_override_and_choice(study):
    text = '''
    [study]
    name = "choice"
    functional_unit = "1 kWh"

    [demand]
    use = 1

    [parameters.region]
    value = "hydro"
    options = ["hydro", "coal"]
    source = "test"

    [parameters.intensity]
    formula = "0.02 if region == 'hydro' else 1.0"
    source = "test"

    [processes.use]
    unit = "kWh"
    stage = "use"
    source = "test"
    biosphere = [{ flow = "co2", amount = "intensity", unit = "kg" }]
    '''
    model = lca.load_study(study(text))
    assert calculate(model).impacts["climate_change"].value == pytest.approx(0.02)
    coal = with_parameters(model, {"region": "coal"})
    assert calculate(coal).impacts["climate_change"].value == pytest.approx(1.0)
    assert calculate(coal).parameters["region"].value == "coal"


def test_parameters_depend_on_parameters_in_order(study):
    text = '''
    [study]
    name = "dependent parameters"
    functional_unit = "1 run"

    [demand]
    run = 1

    [parameters.energy]
    formula = "it_energy * pue"
    unit = "kWh"

    [parameters.it_energy]
    formula = "power * hours"

    [parameters.power]
    value = 2
    unit = "kW"
    source = "test"

    [parameters.hours]
    value = 5
    unit = "h"
    source = "test"

    [parameters.pue]
    value = 1.5
    source = "test"

    [parameters.emission_factor]
    value = 500
    unit = "g/kWh"
    source = "test"

    [processes.run]
    unit = "item"
    stage = "use"
    source = "test"
    biosphere = [{ flow = "co2", amount = "energy * emission_factor", unit = "kg" }]
    '''
    model = lca.load_study(study(text))
    result = calculate(model)
    # energy = 2 kW * 5 h * 1.5 = 15 kWh, declared in kWh; 15 kWh * 0.5 kg/kWh = 7.5 kg
    assert result.parameters["energy"].value == pytest.approx(15.0)
    assert result.parameters["energy"].unit == "kWh"
    assert result.impacts["climate_change"].value == pytest.approx(7.5, rel=1e-12)


def test_by_process_and_by_stage_sum_to_total(study):
    result = calculate(lca.load_study(study(CHAIN)))
    for impact in result.impacts.values():
        assert sum(impact.by_stage.values()) == pytest.approx(impact.value, rel=1e-12, abs=1e-15)
        assert sum(impact.by_flow.values()) == pytest.approx(impact.value, rel=1e-12, abs=1e-15)


def test_unreachable_process_is_a_warning(study):
    text = LOOP.replace("DEMAND", "1.0").replace("UNIT", "kg") + '''
[processes.orphan]
unit = "kg"
stage = "use"
source = "test"
'''
    model = lca.load_study(study(text))
    assert any("orphan" in w and "not reachable" in w for w in model.warnings)
    assert math.isfinite(calculate(model).impacts["climate_change"].value)


def test_background_processes_inherit_the_stage_that_demands_them(study):
    # heat has no stage: the steel mill's heat is extraction, the board's credit manufacturing
    text = CHAIN.replace('[processes.heat]\nunit = "kWh"\nstage = "use"', '[processes.heat]\nunit = "kWh"')
    result = calculate(lca.load_study(study(text)))
    climate = result.impacts["climate_change"]
    heat_per_kwh = 0.25
    steel = 11.0
    extraction = steel * 1.8 + steel * 20 / 3.6 * heat_per_kwh
    manufacturing = 5 + 2 * 0.010 * 29.8 - 2 * 2 / 3.6 * heat_per_kwh
    assert climate.by_stage == {"extraction": pytest.approx(extraction, rel=1e-12),
                                "manufacturing": pytest.approx(manufacturing, rel=1e-12)}
    assert sum(climate.by_stage.values()) == pytest.approx(climate.value, rel=1e-12)
    assert climate.by_process["heat"] == pytest.approx((steel * 20 - 4) / 3.6 * heat_per_kwh)


def test_inherited_stage_through_a_loop_and_direct_demand(study):
    # the loop's two processes inherit; demanding one directly is 'unassigned'
    text = LOOP.replace('stage = "manufacturing"\n', "").replace('stage = "use"\n', "")
    result = calculate(loop_study := lca.load_study(study(text.replace("DEMAND", "1.0").replace("UNIT", "kg"))))
    climate = result.impacts["climate_change"]
    assert climate.by_stage == {"unassigned": pytest.approx(climate.value, rel=1e-12)}
    assert loop_study.processes["a"].stage == "inherit"
