"""openLCA parameters and formulas imported as lca parameters and formulas.

The hand-built database of tests/olca_helpers.py, its amounts given formulas of a global input
parameter ``Load_Factor`` (0.8), a dependent global ``server_kwh = 12.5 * LOAD_FACTOR`` (10 kWh)
and a process parameter of the mine, ``load_factor`` (1.0) that shadows the global one there:

* server: electricity ``server_kwh`` kWh (10);
* power: CO2 ``if(load_factor > 0.5; 0.5; 0)`` kg (0.5);
* mine: CH4 ``100 * load_factor`` g with the mine's own load factor (100);
  electricity ``round(18) / 10`` MJ, which lca cannot express (kept as 1.8, reported);
* the CH4 factor ``0.0298 * sqr(1)`` kg CO2 eq per g (lca's factors are numbers: its value, reported).

At the defaults the GWP is the helper's 109.6/9. With Load_Factor = 1: 12.5 kWh of server
electricity, 1.25 times everything: 1.25 x 109.6/9. With Load_Factor = 0.4: 5 kWh and no CO2
(x_power = 5/0.9 kWh, x_mine = 1/0.9 kg): 29.8 x 0.1/0.9 kg CO2-eq of CH4 only.
"""

from __future__ import annotations

import json
import zipfile

import pytest

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.load.olca import read_olca_zip, write_import
from lca.load.study import with_parameters

from olca_helpers import GWP, hand_built


def _parameter(uid, name, value, formula=None, uncertainty=None):
    return {"@type": "Parameter", "@id": uid, "name": name, "value": value, "isInputParameter": formula is None,
            "parameterScope": "GLOBAL_SCOPE", **({"formula": formula} if formula else {}),
            **({"uncertainty": uncertainty} if uncertainty else {})}


def with_formulas(source, out, broken=False):
    """The hand-built zip with the formulas and parameters of the module docstring."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = json.loads(zin.read(info))
            if info.filename.startswith("parameters/"):
                continue  # the helper's own load_factor
            if data.get("@type") == "Process":
                formulas = {"server use": {2: "server_kwh"},
                            "electricity production, coal": {3: "if(load_factor > 0.5; 0.5; 0)"},
                            "hard coal mining": {3: "100 * load_factor", 2: "round(18) / 10"}}[data["name"]]
                for exchange in data["exchanges"]:
                    if exchange["internalId"] in formulas:
                        exchange["amountFormula"] = formulas[exchange["internalId"]]
                if data["name"] == "hard coal mining":
                    data["parameters"] = [_parameter("local-1", "load_factor", 1.0)]
                    data["parameters"][0]["parameterScope"] = "PROCESS_SCOPE"
            if data.get("@type") == "ImpactCategory":
                for factor in data["impactFactors"]:
                    if factor["flow"]["name"] == "Methane, fossil":
                        factor["formula"] = "0.0298 * sqr(1)"
            zout.writestr(info.filename, json.dumps(data))
        zout.writestr("parameters/p-1.json", json.dumps(_parameter(
            "p-1", "Load_Factor", 0.8, uncertainty={"distributionType": "NORMAL_DISTRIBUTION", "mean": 0.8, "sd": 0.1})))
        zout.writestr("parameters/p-2.json", json.dumps(_parameter("p-2", "server_kwh", 10.0, "12.5 * LOAD_FACTOR")))
        if broken:
            zout.writestr("parameters/p-3.json", json.dumps(_parameter("p-3", "broken", 1.0, "min(1, 2)")))
    return out


@pytest.fixture
def imported(tmp_path):
    source = hand_built(tmp_path / "db.zip")
    result = read_olca_zip(with_formulas(source, tmp_path / "formulas.zip", broken=True))
    write_import(result, tmp_path / "out")
    return result, tmp_path / "out"


def test_parameters_and_formulas_are_imported(imported):
    result, _out = imported
    inventory = result.files["inventory.toml"]
    params = inventory["parameters"]
    assert params["load_factor"]["value"] == 0.8 and params["load_factor"]["unit"] == ""
    assert params["load_factor"]["uncertainty"] == {"distribution": "normal", "sd": 0.1}
    assert params["server_kwh"]["formula"] == "((12.5 * load_factor))"  # case-insensitive names
    assert params["hard_coal_mining_load_factor"]["value"] == 1.0  # the process's own, named after it
    assert params["broken"] == {"unit": "", "value": 1.0, "source": "openLCA parameter 'broken' in formulas.zip"}
    server = inventory["processes"]["server_use"]
    (electricity,) = server["technosphere"]
    assert electricity["amount"] == "(server_kwh)" and electricity["unit"] == "kWh"
    mine = inventory["processes"]["hard_coal_mining"]
    (ch4,) = mine["biosphere"]
    assert ch4 == {"flow": "methane_fossil", "amount": "((100.0 * hard_coal_mining_load_factor))", "unit": "g"}
    (power_in,) = mine["technosphere"]
    assert power_in["amount"] == 1.8  # round() has no lca form: the stored value
    power = inventory["processes"]["electricity_production_coal"]
    (co2,) = power["biosphere"]
    assert co2["amount"] == "((0.5 if (load_factor > 0.5) else 0.0))"
    assert co2["uncertainty"] == {"distribution": "lognormal", "gsd": 1.2}  # relative: kept on a formula
    (method,) = [f for name, f in result.files.items() if name.startswith("methods/")]
    factor = next(f for f in method["factors"] if f["flow"] == "methane_fossil")
    assert factor["value"] == pytest.approx(0.0298) and factor["unit"].endswith("/ (g)")  # the stored value


def test_what_cannot_be_translated_is_reported(imported):
    result, out = imported
    report = "\n".join(result.report)
    assert "exchange 2 (electricity, medium voltage): openLCA formula 'round(18) / 10': lca has no round" in report
    assert "imported as its value 1.8" in report
    assert "parameter 'broken': openLCA formula 'min(1, 2)': unexpected character ','" in report
    assert "factor formula '0.0298 * sqr(1)' of 'Methane, fossil' imported as its value 0.0298" in report
    assert "Parameter object(s)" not in report
    text = (out / "IMPORT-REPORT.md").read_text()
    assert all(f"- {item}" in text for item in result.report)


def test_imported_formulas_solve_and_follow_their_parameters(imported):
    result, out = imported
    model = load_study(out / result.scenarios[0])
    assert calculate(compile_model(model)).impacts["climate_change_gwp100"].value == pytest.approx(GWP, rel=1e-12)
    full = calculate(compile_model(with_parameters(model, {"load_factor": 1.0})))
    assert full.impacts["climate_change_gwp100"].value == pytest.approx(1.25 * GWP, rel=1e-12)
    low = calculate(compile_model(with_parameters(model, {"load_factor": 0.4})))
    assert low.impacts["climate_change_gwp100"].value == pytest.approx(29.8 * 0.1 / 0.9, rel=1e-12)
    # the mine's own load factor moves the CH4 only: 2 x the CH4 of the defaults
    mine = calculate(compile_model(with_parameters(model, {"hard_coal_mining_load_factor": 2.0})))
    assert mine.impacts["climate_change_gwp100"].value == pytest.approx(GWP + 29.8 * 2 / 9, rel=1e-12)


@pytest.mark.parametrize("value", ["abc", [1], True, 1e400])
def test_a_parameter_value_that_is_no_number_is_one_clear_error(tmp_path, value):
    path = with_formulas(hand_built(tmp_path / "db.zip"), tmp_path / "formulas.zip")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = json.loads(zin.read(info))
            if data.get("name") == "Load_Factor":
                data["value"] = value
            zout.writestr(info.filename, json.dumps(data))
    with pytest.raises(LCAError, match=r"bad.zip: (parameter 'Load_Factor': value .* is not a finite number|"
                                       r"not valid olca-schema data)"):
        read_olca_zip(bad)
