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


# -- the in-line entries of uncertain exchanges are what add() makes ---------------------------

from lca.engine import compile as compile_module  # noqa: E402

MIXED = '''
[study]
name = "mixed exchanges"
functional_unit = "1 kg of a"

[demand]
a = { amount = 2, unit = "kg" }

[parameters.share]
value = 0.3
unit = "dimensionless"
source = "test"
uncertainty = { distribution = "uniform", min = 0.2, max = 0.4 }

[flows.co2]
compartment = "air"
unit = "kg"

[flows.water]
compartment = "water"
unit = "L"

[method]
id = "gwp"
category = "climate_change"
unit = "kg CO2-eq"
source = "test"

[[factors]]
flow = "co2"
value = 1.0
unit = "kg CO2-eq/kg"
uncertainty = { distribution = "lognormal", gsd = 1.1 }

[processes.a]
unit = "kg"
source = "test"
uncertainty = { distribution = "lognormal", gsd = 1.05 }
technosphere = [
    { product = "b", amount = 500.0, unit = "Wh", uncertainty = { distribution = "lognormal", gsd = 1.3 } },
    { product = "b", amount = 0.25, unit = "kWh" },
    { product = "b", amount = "share * 2", unit = "kWh", uncertainty = { distribution = "lognormal", gsd = 1.4 } },
    { product = "b", amount = 0.1, unit = "MJ", uncertainty = { distribution = "fixed" } },
    { product = "b", amount = 0.2, unit = "kWh", uncertainty = { distribution = "normal", sd = 0.01 } },
]
biosphere = [
    { flow = "co2", amount = 1500.0, unit = "g", uncertainty = { distribution = "lognormal", gsd = 1.3 } },
    { flow = "co2", amount = 2, unit = "kg" },
    { flow = "water", amount = 3.0, unit = "m3", uncertainty = { distribution = "triangular", min = 2.0, max = 4.0 } },
]

[processes.b]
unit = "kWh"
source = "test"
stage = "use"
biosphere = [{ flow = "co2", amount = 0.4, unit = "kg", uncertainty = { distribution = "lognormal", gsd = 1.2 } }]
'''


def _add_each(self, process, column, kind, target, sign=1.0):
    """The plain path: add() of every exchange."""
    for i, exchange in enumerate(getattr(process, kind)):
        row, unit = target(exchange)
        self.add(row, column, exchange.amount, unit, exchange.where, f"~{process.id}.{kind}[{i}]", sign,
                 process.production)


def _snapshot(compiled):
    """Everything a compiled model holds, numbers as their bytes."""
    table = compiled.parameters
    out = {"order": table.order, "implicit": table.implicit}
    for name in ("defaults", "formulas", "choices", "units", "root_factors", "uncertainty", "sources", "labels"):
        out[name] = list(getattr(table, name).items())
    out["defaults"] = [(k, repr(v)) for k, v in out["defaults"]]
    out["root_factors"] = [(k, repr(v)) for k, v in out["root_factors"]]
    for name in ("technosphere", "biosphere", "characterization", "demand"):
        entries = getattr(compiled, name)
        out[name] = (entries.shape, entries.rows.tobytes(), entries.cols.tobytes(), entries.constant.tobytes(),
                     entries.formulas, entries.multipliers, entries.labels, entries.amounts)
    return out


@pytest.mark.parametrize("source", ["mixed", "lca:scenarios/llm_training_lifecycle.toml",
                                    "lca:scenarios/mistral_large2_lifecycle.toml",
                                    "lca:scenarios/luccioni2022_bloom.toml"])
def test_inline_entries_are_what_add_makes(source, tmp_path, monkeypatch):
    (tmp_path / "mixed.toml").write_text(MIXED)
    model = lca.load_study(tmp_path / "mixed.toml" if source == "mixed" else source)
    fast = _snapshot(compile_module.compile_model(model))
    monkeypatch.setattr(compile_module._Entries, "add_exchanges", _add_each)
    assert fast == _snapshot(compile_module.compile_model(model))
    if source == "mixed":  # every kind of exchange: in line, through add(), with a formula, fixed
        assert len(fast["implicit"]) == 8 and len(fast["technosphere"][5]) == 4
