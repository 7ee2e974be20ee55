"""openLCA JSON-LD import: a zip built by hand with olca-schema (tests/olca_helpers.py) imports
and solves to its hand-computed result, every dropped item is reported, malformed input is one
clear error, and the round trip through lca's own export keeps scores and exchanges."""

from __future__ import annotations

import tomllib
import zipfile

import pytest
from olca_helpers import GWP, WASTE_GWP, hand_built, waste_and_credit, without

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.export.olca import olca_export, write_zip
from lca.load.olca import read_olca_zip, write_import


@pytest.fixture
def imported(tmp_path):
    path = hand_built(tmp_path / "db.zip")
    result = read_olca_zip(path)
    write_import(result, tmp_path / "out")
    return result, tmp_path / "out"


def test_hand_built_zip_solves_to_the_hand_computed_result(imported):
    result, out = imported
    assert result.scenarios == ("server_use.toml",)
    impacts = calculate(compile_model(load_study(out / "server_use.toml"))).impacts
    assert list(impacts) == ["climate_change_gwp100"]
    assert impacts["climate_change_gwp100"].value == pytest.approx(GWP, rel=1e-12)
    assert impacts["climate_change_gwp100"].unit == "kg CO2-eq"


def test_units_kept_where_pint_agrees_and_uncertainty_mapped(imported):
    _result, out = imported
    inventory = tomllib.loads((out / "inventory.toml").read_text())
    power = inventory["processes"]["electricity_production_coal"]
    assert (power["amount"], power["unit"]) == (1.0, "kWh")
    coal, = power["technosphere"]
    assert coal == {"product": "hard_coal", "provider": "hard_coal_mining", "amount": 200.0, "unit": "g"}
    co2, = power["biosphere"]
    assert co2["uncertainty"] == {"distribution": "lognormal", "gsd": 1.2}
    mine = inventory["processes"]["hard_coal_mining"]
    electricity, = mine["technosphere"]  # the loop back to power; the unmade input is cut off
    assert (electricity["provider"], electricity["amount"], electricity["unit"]) == \
        ("electricity_production_coal", 1.8, "MJ")
    assert inventory["flows"]["carbon_dioxide_fossil"]["compartment"] == "air"
    assert inventory["flows"]["carbon_dioxide_fossil"]["cas"] == "124-38-9"
    server = inventory["processes"]["server_use"]
    assert server["unit"] == "item"  # openLCA's "Item(s)"


def test_every_dropped_item_is_in_the_report(imported):
    result, out = imported
    report = "\n".join(result.report)
    assert "exchange 4 (ash): co-product dropped" in report
    assert "exchange 5 (water treatment): no process in the zip makes 'water treatment': input dropped" in report
    assert "unit 'kg CO2 eq' read as 'kg CO2-eq'" in report  # mapped items are listed too
    assert len(result.report) == 3  # the global parameter is imported (tests/load/test_olca_parameters.py)
    assert result.files["inventory.toml"]["parameters"]["load_factor"]["value"] == 0.8
    text = (out / "IMPORT-REPORT.md").read_text()
    assert all(f"- {item}" in text for item in result.report)


def test_round_trip_keeps_ids_exchanges_and_scores(tmp_path):
    scenario = "lca:scenarios/patterson2021_gpt3.toml"
    compiled = compile_model(load_study(scenario))
    result = read_olca_zip(write_zip(olca_export(compiled), tmp_path / "gpt3.zip"))
    write_import(result, tmp_path / "out")
    back = compile_model(load_study(tmp_path / "out" / result.scenarios[0]))
    assert set(back.processes) == set(compiled.processes) | {"functional_unit"}
    assert back.flows == compiled.flows and back.categories == compiled.categories
    inventory = tomllib.loads((tmp_path / "out" / "inventory.toml").read_text())
    energy, = inventory["processes"]["training_run"]["technosphere"]
    # the amount is the formula of the parameters again, in their declared units (W, d) times their root factors
    assert energy["unit"] == "kWh" and "n_chips" in energy["amount"] and "(duration * 86400.0)" in energy["amount"]
    row = back.processes.index("datacenter_electricity"), back.processes.index("training_run")
    at = {(r, c): v for r, c, v in zip(back.technosphere.rows, back.technosphere.cols,
                                       back.technosphere.values(back.parameters.evaluate()))}
    assert -at[row] == pytest.approx(1_289_376.0, rel=1e-12)
    assert inventory["processes"]["training_run"]["stage"] == "use"
    expected, got = calculate(compiled).impacts, calculate(back).impacts
    for category, impact in expected.items():
        assert got[category].value == pytest.approx(impact.value, rel=1e-12)


def test_not_a_zip(tmp_path):
    path = tmp_path / "db.zip"
    path.write_text("not a zip")
    with pytest.raises(LCAError, match=r"db.zip: not a zip file"):
        read_olca_zip(path)


def test_missing_object(tmp_path):
    path = without(hand_built(tmp_path / "db.zip"), "flow_properties", tmp_path / "broken.zip")
    with pytest.raises(LCAError, match=r"broken.zip: process 'electricity production, coal': refers to flow "
                                       r"property Energy \(00000000-0000-4000-8000-000000000010\), which is not in "
                                       r"the zip"):
        read_olca_zip(path)


def test_provider_that_does_not_exist(tmp_path):
    path = hand_built(tmp_path / "db.zip", provider_id="99999999-0000-4000-8000-000000000000")
    with pytest.raises(LCAError, match=r"process 'server use': exchange 2 .*: default provider: refers to process "
                                       r".*99999999-0000-4000-8000-000000000000.* not in the zip"):
        read_olca_zip(path)


def test_bad_unit(tmp_path):
    path = hand_built(tmp_path / "db.zip", reference_unit="kilo-furlong xyz")
    with pytest.raises(LCAError, match=r"unit group 'Units of mass': unit 'kilo-furlong xyz' has no lca unit"):
        read_olca_zip(path)


def test_output_folder_must_be_new(imported, tmp_path):
    result, out = imported
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(LCAError, match="exists and is not an empty folder"):
        write_import(result, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_no_tomli_w_is_one_clear_error(imported, tmp_path, monkeypatch):
    import sys

    result, _out = imported
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    with pytest.raises(LCAError, match=r'lca import needs tomli-w .*pip install "lca\[olca\]"'):
        write_import(result, tmp_path / "again")
    assert not (tmp_path / "again").exists()


def test_damaged_zip_and_broken_object(tmp_path):
    path = hand_built(tmp_path / "db.zip")
    data = bytearray(path.read_bytes())
    start = data.index(b"flows/") + 6  # the first flow's name in its local header
    data[start:start + 4] = b"XXXX"
    (tmp_path / "damaged.zip").write_bytes(bytes(data))
    with pytest.raises(LCAError, match=r"damaged.zip: cannot read the zip"):
        read_olca_zip(tmp_path / "damaged.zip")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            target.writestr(name, "{not json" if name.startswith("processes/") else source.read(name))
    with pytest.raises(LCAError, match=r"broken.zip: Process .*: cannot be read as olca-schema"):
        read_olca_zip(broken)


def test_waste_treatment_and_avoided_product(tmp_path):
    result = read_olca_zip(waste_and_credit(tmp_path / "waste.zip"))
    write_import(result, tmp_path / "out")
    part = result.files["inventory.toml"]["processes"]["part_making"]
    assert [(row["provider"], row["amount"]) for row in part["technosphere"]] == [("scrap_treatment", 0.2),
                                                                                  ("grid", -0.1)]
    impacts = calculate(compile_model(load_study(tmp_path / "out" / "part.toml"))).impacts
    assert impacts["gwp"].value == pytest.approx(WASTE_GWP, rel=1e-12)
    assert result.report == ()
