"""lca.engine.compile: units converted to one root unit per dimension (results independent of the
spelling), and intensity formulas multiplied by the production amount."""

from __future__ import annotations

import pytest

import lca
from lca.engine.calculate import calculate

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
