"""openLCA export of parameters and formulas: every amount a formula computes is written as an
openLCA formula that evaluates to the exported amount, the parameters in their declared units,
renamed where openLCA's grammar needs it, and what openLCA cannot evaluate listed."""

from __future__ import annotations

import olca_schema as o
import pytest
from olca_schema import zipio

from lca import calculate, compile_model, load_study
from lca.export.olca import olca_export, write_zip
from lca.load.olca_formula import OLCA_NAME, RESERVED, evaluate_olca

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"

# power 300 W for 2 h in region "fr" at 0.05 kg/kWh (or "de" at 0.4): 0.6 kWh, 0.03 kg CO2 per kg of a
FORMULAS = '''
[study]
name = "formulas"
functional_unit = "1 kg of a"

[demand]
a = { amount = "_x", unit = "kg" }

[parameters._x]
value = 1
unit = "kg"

[parameters.power]
value = 300
unit = "W"
uncertainty = { distribution = "normal", sd = 30 }

[parameters.hours]
value = 2
unit = "h"
uncertainty = { distribution = "pert", min = 1, max = 4, mode = 2 }

[parameters.e]
formula = "power * hours"
unit = "Wh"

[parameters.mod]
value = 0.05
unit = "kg / kWh"

[parameters.region]
value = "fr"
options = ["fr", "de"]

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
technosphere = [{ product = "b", amount = "e", unit = "Wh" }]

[processes.b]
unit = "kWh"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = "mod * (1 if region == 'fr' else 8)", unit = "kg" }]
'''


def formulas_of(export):
    """(formula, amount, where) of every exchange and factor that has a formula."""
    out = []
    for entity in export.entities:
        if isinstance(entity, o.Process):
            out += [(e.amount_formula, e.amount, f"{entity.name}: {e.description}") for e in entity.exchanges
                    if e.amount_formula]
        elif isinstance(entity, o.ImpactCategory):
            out += [(f.formula, f.value, f"{entity.name}: {f.flow.name}") for f in entity.impact_factors if f.formula]
    return out


def parameters_of(export):
    return {p.name: p for p in export.entities if isinstance(p, o.Parameter)}


def test_hand_built_study(study):
    compiled = compile_model(load_study(study(FORMULAS)))
    export = olca_export(compiled)
    params = parameters_of(export)
    # names: "e" is openLCA's constant, "mod" an operator, "_x" no identifier; tags and descriptions keep lca's
    assert set(params) == {"p__x", "power", "hours", "p_e", "p_mod", "region"}
    assert params["p_e"].tags == ["lca:e"] and params["p_e"].description.startswith("lca parameter e [Wh]")
    # display units: 300 W, 2 h; the dependent parameter in Wh: 600
    assert (params["power"].value, params["hours"].value, params["p_e"].value) == pytest.approx((300, 2, 600))
    assert not params["p_e"].is_input_parameter and params["power"].is_input_parameter
    assert evaluate_olca(params["p_e"].formula, export.parameters) == pytest.approx(600, rel=1e-12)
    assert params["power"].uncertainty.distribution_type == o.UncertaintyType.NORMAL_DISTRIBUTION
    assert (params["power"].uncertainty.mean, params["power"].uncertainty.sd) == pytest.approx((300, 30))
    assert params["hours"].uncertainty is None  # PERT has no openLCA form: listed
    processes = {p.name: p for p in export.entities if isinstance(p, o.Process)}
    (energy,) = [e for e in processes["a"].exchanges if e.is_input]
    assert (energy.amount, energy.unit.name) == (pytest.approx(0.6, rel=1e-12), "kWh")
    assert evaluate_olca(energy.amount_formula, export.parameters) == pytest.approx(0.6, rel=1e-12)
    # openLCA evaluates the formula at other parameter values as lca would: 400 W for 3 h = 1.2 kWh
    assert evaluate_olca(energy.amount_formula, {**export.parameters, "power": 400.0, "hours": 3.0}) == \
        pytest.approx(1.2, rel=1e-12)
    (co2,) = [e for e in processes["b"].exchanges if not e.is_quantitative_reference]
    assert co2.amount == pytest.approx(0.05, rel=1e-12)
    assert "if((region = 1); " in co2.amount_formula  # region == 'fr': 'fr' is option 1
    assert params["region"].value == 1 and params["region"].is_input_parameter
    assert evaluate_olca(co2.amount_formula, {**export.parameters, "p_mod": 0.07}) == pytest.approx(0.07, rel=1e-12)
    # in openLCA, region = 2 ('de') gives lca's amount there: 8 x 0.05
    assert evaluate_olca(co2.amount_formula, {**export.parameters, "region": 2.0}) == pytest.approx(0.4, rel=1e-12)
    (demand,) = [e for e in processes["functional_unit"].exchanges if e.is_input]
    assert evaluate_olca(demand.amount_formula, {**export.parameters, "p__x": 3.0}) == pytest.approx(3.0, rel=1e-12)
    (listed,) = export.formulas_as_values  # the choice is a formula now; only the PERT is lost
    assert "parameter hours: its pert uncertainty has no openLCA form" in listed
    # the energy reads the uncertain power: openLCA carries that through the formula, nothing else is lost
    assert export.unsupported == export.formulas_as_values
    assert calculate(compiled).impacts["climate_change"].value == pytest.approx(0.6 * 0.05, rel=1e-9)


@pytest.mark.parametrize("scenario, n_formulas", [(FLAGSHIP, 539), (GPT3, 2)])
def test_every_formula_evaluates_to_its_amount(scenario, n_formulas, tmp_path):
    export = olca_export(compile_model(load_study(scenario)))
    found = formulas_of(export)
    assert len(found) == n_formulas
    for text, amount, where in found:
        assert evaluate_olca(text, export.parameters, where) == pytest.approx(amount, rel=1e-12, abs=1e-300), where
    params = parameters_of(export)
    for p in params.values():
        assert OLCA_NAME.match(p.name) and p.name.lower() not in RESERVED
        if not p.is_input_parameter:
            assert evaluate_olca(p.formula, export.parameters) == pytest.approx(p.value, rel=1e-12), p.name
    assert len({n.lower() for n in params}) == len(params)
    # the zip opens with olca-schema's reader, formulas and parameters as written
    path = write_zip(export, tmp_path / "study.zip")
    with zipio.ZipReader(path) as reader:
        back = sorted(e.amount_formula for p in reader.read_each(o.Process) for e in p.exchanges if e.amount_formula)
        read_params = {p.name: p for p in reader.read_each(o.Parameter)}
    assert back == sorted(t for t, _a, w in found if not w.startswith(tuple(
        c.name for c in export.entities if isinstance(c, o.ImpactCategory))))
    assert {n: (p.formula, p.value) for n, p in read_params.items()} == \
        {n: (p.formula, p.value) for n, p in params.items()}


def test_flagship_formulas_follow_the_parameters():
    export = olca_export(compile_model(load_study(FLAGSHIP)))
    params = parameters_of(export)
    assert params["hardware_lifetime_years"].is_input_parameter and params["hardware_lifetime_years"].value == 4
    share = params["hw_share"]
    assert not share.is_input_parameter and "hardware_lifetime_years" in share.formula
    # a longer service life lowers the share of the hardware the run is allocated
    longer = evaluate_olca(share.formula, {**export.parameters, "hardware_lifetime_years": 5.0})
    assert longer == pytest.approx(share.value * 4 / 5, rel=1e-12)
    # no choice comparison is folded any more: what stays a value is the one PERT parameter
    assert [line.split(": ")[-2] for line in export.formulas_as_values] == ["parameter memory_vs_logic_intensity"]
    power = params["node_max_power_kw"]
    assert "(accelerator = 1)" in power.formula  # accelerator == 'v100', option 1
