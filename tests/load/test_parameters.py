"""lca.load.parameters and overrides: parameters computed in dependency order, choices, overrides
with units; a cycle, an unknown name or a unit of another dimension is an error naming the item."""

from __future__ import annotations

import pytest
from studies import HEAD, PROCESS_A

import lca
from lca import with_parameters
from lca.engine.calculate import calculate


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


def test_parameter_cycle(study):
    text = HEAD + PROCESS_A + '''
[parameters.x]
formula = "y * 2"
[parameters.y]
formula = "x + 1"
'''
    with pytest.raises(lca.ParameterError, match=r"parameters\.[xy]: parameters depend on each other in a cycle: "):
        lca.load_study(study(text))


def test_override_errors(study):
    text = HEAD + PROCESS_A + '''
[parameters.power]
value = 300
unit = "W"
source = "t"
'''
    model = lca.load_study(study(text))
    with pytest.raises(lca.ParameterError, match=r"no such parameter .*known: power"):
        with_parameters(model, {"powr": 1})
    with pytest.raises(lca.UnitError, match=r"'power' is in W; kg has another dimension"):
        with_parameters(model, {"power": "3 kg"})
    assert with_parameters(model, {"power": "0.5 kW"}).parameters["power"].value == pytest.approx(500)


def test_override_is_checked_against_every_exchange(study):
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "factor * 2", unit = "kg" }]\n' + '''
[parameters.factor]
value = 3
unit = "kg"
source = "t"

[parameters.energy]
value = 5
unit = "kWh"
source = "t"
'''
    model = lca.load_study(study(text))
    with pytest.raises(lca.UnitError, match=r"processes\.a\.biosphere\[0\] \(co2\): formula 'factor \* 2' gives "
                       r"kWh, but the exchange is declared in kg"):
        with_parameters(model, {"factor": {"formula": "energy", "unit": "kWh"}})
