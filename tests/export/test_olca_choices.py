"""Choice parameters in the openLCA export: a numeric input parameter holding the 1-based index of
the option, its options in the description and tags, every comparison with an option an index
comparison, so that openLCA evaluates each amount at every option as lca computes it there.

The hand study is tests/olca_choice_cases.py's ROUTES.
"""

from __future__ import annotations

import olca_schema as o
import pytest

from lca import compile_model, load_study
from lca.export.olca import olca_export
from lca.load.olca import CHOICE_TAG
from lca.load.olca_formula import evaluate_olca
from lca.load.study import with_parameters

from olca_choice_cases import ROUTES  # tests/olca_choice_cases.py, shared with the command-line round trip

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


# per route (index 1, 2, 3): diesel of the 2 t (kg), rail electricity (kWh), CO2 per kWh of it (kg)
EXPECTED = {1: (100.0, 0.0, 1.0), 2: (20.0, 40.0, 0.1), 3: (4.0, 0.0, 0.1)}


def exchanges_by_flow(export):
    return {(p.name, e.flow.name.split(" (")[0]): e for p in export.entities if isinstance(p, o.Process)
            for e in p.exchanges if not e.is_quantitative_reference}


def test_a_choice_is_an_index_parameter_and_every_option_evaluates_as_lca_does(study):
    compiled = compile_model(load_study(study(ROUTES.replace("UNCERTAINTY", ""))))
    export = olca_export(compiled)
    (route,) = [p for p in export.entities if isinstance(p, o.Parameter)]
    assert (route.name, route.value, route.is_input_parameter) == ("route", 2.0, True)
    assert route.tags == ["lca:route", CHOICE_TAG, "lca:option:1:road", "lca:option:2:rail", "lca:option:3:ship"]
    assert route.description == "lca choice parameter route: 1 = road, 2 = rail, 3 = ship; test choice"
    assert route.uncertainty is None and export.unsupported == () and export.formulas_as_values == ()
    found = exchanges_by_flow(export)
    diesel, power = found[("freight", "diesel")], found[("freight", "rail_power")]
    co2 = found[("rail_power", "Carbon dioxide, fossil")]
    assert "(route = 1)" in diesel.amount_formula and "(route = 2)" in diesel.amount_formula
    assert "(route <> 1)" in co2.amount_formula
    # the exported amounts are those at rail; per unit of freight (1 kg) the input is its intensity
    assert (diesel.amount, power.amount, co2.amount) == pytest.approx((0.01, 0.02, 0.1), rel=1e-12)
    for k, (kg_diesel, kwh, co2_per_kwh) in EXPECTED.items():
        at = {**export.parameters, "route": float(k)}
        assert 2000 * evaluate_olca(diesel.amount_formula, at) == pytest.approx(kg_diesel, rel=1e-12), k
        assert 2000 * evaluate_olca(power.amount_formula, at) == pytest.approx(kwh, rel=1e-12, abs=1e-15), k
        assert evaluate_olca(co2.amount_formula, at) == pytest.approx(co2_per_kwh, rel=1e-12), k
        # and lca at that option exports those amounts
        option = ("road", "rail", "ship")[k - 1]
        moved = exchanges_by_flow(olca_export(compile_model(with_parameters(compiled.model, {"route": option}))))
        for key, exchange in found.items():
            value = evaluate_olca(exchange.amount_formula, at) if exchange.amount_formula else exchange.amount
            assert value == pytest.approx(moved[key].amount, rel=1e-12, abs=1e-15), (k, key)


def test_a_weighted_choice_is_exported_without_its_uncertainty_and_listed_once(study):
    text = ROUTES.replace("UNCERTAINTY", 'uncertainty = { distribution = "discrete", weights = [0.5, 0.3, 0.2] }')
    export = olca_export(compile_model(load_study(study(text))))
    (route,) = [p for p in export.entities if isinstance(p, o.Parameter)]
    assert route.uncertainty is None and route.value == 2.0
    assert export.formulas_as_values == ()
    assert [line for line in export.unsupported if "route" in line] == [line for line in export.unsupported
                                                                         if "choice parameter route" in line]
    (line,) = [line for line in export.unsupported if "choice parameter route" in line]
    assert line.endswith("parameters.route: choice parameter route: its weighted discrete uncertainty has no "
                         "openLCA form; exported without it")


@pytest.fixture(scope="module")
def flagship():
    compiled = compile_model(load_study(FLAGSHIP))
    return compiled, olca_export(compiled)


def test_the_flagship_exports_its_choices_and_folds_none(flagship):
    compiled, export = flagship
    params = {p.name: p for p in export.entities if isinstance(p, o.Parameter)}
    choices = compiled.parameters.choices
    assert len(choices) == 8
    for name, options in choices.items():
        p = params[name]
        assert p.value == options.index(compiled.parameters.display_value(name, compiled.parameters.defaults[name])) + 1
        assert p.tags[1] == CHOICE_TAG and len(p.tags) == 2 + len(options)
    assert params["grid_region"].value == 2.0 and len(choices["grid_region"]) == 63  # us, of 63 regions
    # before: 289 formulas or parameters (in part) as values, 288 of them choice comparisons; now the
    # one free parameter whose PERT uncertainty openLCA has no form for
    assert len(export.formulas_as_values) == 1 and "memory_vs_logic_intensity" in export.formulas_as_values[0]
    assert export.formulas == 539


def test_the_flagships_formulas_at_other_choices_are_lcas_amounts_there(flagship):
    compiled, export = flagship
    sets = {"fab_region": "kr", "grid_region": "fr", "accelerator": "h100", "eol_route": "landfill"}
    moved = olca_export(compile_model(with_parameters(compiled.model, sets)))
    at = dict(export.parameters)
    for name, option in sets.items():
        at[name] = float(compiled.parameters.choices[name].index(option) + 1)
    checked = 0
    for ours, theirs in zip(export.entities, moved.entities):
        if isinstance(ours, o.Process):
            assert ours.name == theirs.name
            for a, b in zip(ours.exchanges, theirs.exchanges, strict=True):
                value = evaluate_olca(a.amount_formula, at) if a.amount_formula else a.amount
                assert value == pytest.approx(b.amount, rel=1e-12, abs=1e-300), (ours.name, a.description)
                checked += bool(a.amount_formula)
    assert checked == 539 - sum(len([f for f in c.impact_factors if f.formula]) for c in export.entities
                                if isinstance(c, o.ImpactCategory))
