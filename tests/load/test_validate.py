"""lca.load.validate: dimensions of exchanges, formulas and method factors are checked at load, and
processes the demand does not reach are a warning."""

from __future__ import annotations

import math

import pytest
from studies import HEAD, LOOP, PROCESS_A

import lca
from lca.engine.calculate import calculate


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


def test_dimension_mismatch_names_process_and_exchange(study):
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "steel", amount = 1, unit = "kWh" }]\n'
                 '[processes.steel]\nunit = "kg"\nsource = "t"\n')
    with pytest.raises(lca.UnitError, match=r"processes\.a\.technosphere\[0\] \(steel\): unit kWh .* has another "
                       r"dimension than kg; provider 'steel' makes 'steel' in kg"):
        lca.load_study(path)


def test_formula_dimension_error(study):
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "p", unit = "kg" }]\n' + '''
[parameters.p]
value = 3
unit = "kWh"
source = "t"
'''
    with pytest.raises(lca.UnitError, match=r"processes\.a\.biosphere\[0\] \(co2\): formula 'p' gives kWh, but the "
                       r"exchange is declared in kg"):
        lca.load_study(study(text))


def test_method_factor_with_wrong_unit(study, tmp_path):
    (tmp_path / "bad_method.toml").write_text('''include = ["base.toml"]
[method]
id = "bad"
category = "climate_change"
unit = "kg CO2-eq"
[[factors]]
flow = "co2"
value = 1
unit = "kg CO2-eq/kWh"
''')
    header = 'include = ["base.toml", "bad_method.toml"]\n'
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = 1, unit = "kg" }]\n'
    with pytest.raises(lca.UnitError, match=r"bad_method\.toml: factors\[0\] \(co2\): factor unit kg CO2-eq/kWh "
                       r"should be kg CO2-eq per kg"):
        lca.load_study(study(text, header=header))
