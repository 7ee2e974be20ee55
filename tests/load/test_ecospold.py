"""ecospold2 import: a dataset set built by hand (tests/ecospold_helpers.py) imports and solves to
its hand-computed result, uncertainties map to lca's (pedigree included), every dropped item is
reported, and the flow map proposes and applies lca's elementary flows."""

from __future__ import annotations

import math
import tomllib
import zipfile

import pytest
from ecospold_helpers import (GWP, PEDIGREE_VARIANCE, X_A, activities, dataset, elementary, intermediate,
                              write_folder)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.load.ecospold import read_ecospold, read_flow_map
from lca.load.imported import write_import
from lca.load.pedigree import pedigree_sigma
from lca.load.resources import shipped


@pytest.fixture
def imported(tmp_path):
    library = read_ecospold(write_folder(tmp_path / "db"))
    write_import(library, tmp_path / "out")
    return library, tmp_path / "out"


def test_hand_built_datasets_solve_to_the_hand_computed_result(imported):
    library, out = imported
    assert library.scenarios == ("hard_coal.toml", "electricity_medium_voltage.toml", "server_use.toml")
    impacts = calculate(compile_model(load_study(out / "server_use.toml"))).impacts
    assert list(impacts) == ["climate_change"]
    assert impacts["climate_change"].value == pytest.approx(GWP, rel=1e-12)
    assert impacts["climate_change"].unit == "kg CO2-eq"
    # one kWh: 0.9 kg CO2 plus its coal's methane, 0.4 kg/(1 - 0.02) of coal at 0.01 kg CH4 each
    electricity = calculate(compile_model(load_study(out / "electricity_medium_voltage.toml"))).impacts
    assert electricity["climate_change"].value == pytest.approx(0.9 / 0.98 + 0.4 / 0.98 * 0.01 * 29.8, rel=1e-12)
    assert X_A == pytest.approx(510.1989796, rel=1e-9)


def test_exchanges_units_uncertainty_and_sources_mapped(imported):
    _library, out = imported
    inventory = tomllib.loads((out / "inventory.toml").read_text())
    power = inventory["processes"]["electricity_production_hard_coal"]
    assert (power["amount"], power["unit"], power["location"]) == (1.0, "kWh", "GLO")
    assert "Hard coal power plant" in power["comment"] and "production volume 1e9 kWh" in power["comment"]
    coal, = power["technosphere"]
    assert (coal["provider"], coal["amount"], coal["unit"], coal["source"]) == \
        ("hard_coal_mining", 0.4, "kg", "Smith 2020")
    assert coal["uncertainty"] == {"pedigree": [2, 3, 1, 2, 4], "basic_gsd": pytest.approx(math.exp(math.sqrt(0.0006)))}
    # lca's pedigree gives ecospold's varianceWithPedigreeUncertainty back
    assert pedigree_sigma((2, 3, 1, 2, 4), basic_gsd=coal["uncertainty"]["basic_gsd"]) ** 2 == \
        pytest.approx(PEDIGREE_VARIANCE, rel=1e-12)
    co2, = power["biosphere"]
    assert co2 == {"flow": "carbon_dioxide_fossil_air", "amount": 0.9, "unit": "kg",
                   "uncertainty": {"distribution": "lognormal", "sigma": pytest.approx(0.05)}}
    server = inventory["processes"]["server_operation"]
    assert server["unit"] == "item"  # ecospold's "unit"
    electricity, credit = server["technosphere"]
    assert (electricity["amount"], electricity["unit"]) == (0.5, "MWh")
    assert electricity["uncertainty"] == {"distribution": "triangular", "min": 0.45, "max": 0.6, "mode": 0.5}
    assert (credit["provider"], credit["amount"]) == ("hard_coal_mining", -0.1)
    loop, = inventory["processes"]["hard_coal_mining"]["technosphere"]  # linked by the unique producer
    assert (loop["provider"], loop["amount"]) == ("electricity_production_hard_coal", 0.05)
    assert inventory["flows"] == {"particulate_matter_unknown_to_lca_air": {
        "name": "Particulate matter, unknown to lca", "compartment": "air", "unit": "kg",
        "comment": "ecospold2 elementaryExchangeId e-pm, air/unspecified"}}


def test_every_dropped_item_is_in_the_report(imported):
    library, out = imported
    report = "\n".join(library.report)
    assert "exchange 'water treatment': no activity makes 'water treatment': input dropped (cut off)" in report
    assert "exchange 'ash': by-product (outputGroup 2) dropped" in report
    assert "exchange 'ash': 1 property dropped (dry mass)" in report
    assert "'Particulate matter, unknown to lca' (air) matches no lca flow" in report
    assert "unit 'unit' read as 'item'" in report
    assert "varianceWithPedigreeUncertainty" not in report  # it agrees with lca's pedigree
    assert len(library.report) == 5
    text = (out / "IMPORT-REPORT.md").read_text()
    assert all(f"- {item}" in text for item in library.report)
    assert '"e-co2" = "carbon_dioxide_fossil_air"' in text and '"e-pm" = ""' in text


def test_flow_map_overrides_the_matching(tmp_path):
    folder = write_folder(tmp_path / "db")
    proposed = read_ecospold(folder)
    write_import(proposed, tmp_path / "first")
    flow_map = read_flow_map(tmp_path / "first" / "flow-map.toml")
    assert flow_map == {"e-co2": "carbon_dioxide_fossil_air", "e-ch4": "methane_fossil_air", "e-pm": ""}
    # the user maps methane to its biogenic flow and the particulates to PM2.5 (no GWP)
    (tmp_path / "map.toml").write_text('[flows]\n"e-ch4" = "methane_biogenic_air"\n"e-pm" = "particulates_pm2_5_air"\n')
    library = read_ecospold(folder, products=["server use"], flow_map=tmp_path / "map.toml")
    assert library.scenarios == ("server_use.toml",)
    assert not any("matches no lca flow" in item for item in library.report)
    write_import(library, tmp_path / "out")
    impacts = calculate(compile_model(load_study(tmp_path / "out" / "server_use.toml"))).impacts
    factors = {row["flow"]: row["value"] for row in
               tomllib.loads(shipped("lca:methods/ipcc_ar6_gwp100.toml").read_text())["factors"]}
    ch4 = factors["methane_biogenic_air"]
    assert ch4 == 27.0
    assert impacts["climate_change"].value == pytest.approx(GWP - 0.01 * (0.4 * X_A - 0.1) * (29.8 - ch4), rel=1e-12)


def test_a_zip_imports_like_the_folder(tmp_path):
    with zipfile.ZipFile(tmp_path / "db.zip", "w") as archive:
        for name, text in activities().items():
            archive.writestr(f"datasets/{name}", text)
    library = read_ecospold(tmp_path / "db.zip")
    folder = read_ecospold(write_folder(tmp_path / "db"))
    assert library.files["inventory.toml"]["processes"] == folder.files["inventory.toml"]["processes"]


def test_unknown_product_is_one_error(tmp_path):
    with pytest.raises(LCAError, match=r"--product steel: not a reference product of .*they are: electricity"):
        read_ecospold(write_folder(tmp_path / "db"), products=["steel"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coal=st.floats(0.01, 2.0), loop=st.floats(0.0, 0.4), co2=st.floats(0.0, 5.0), ch4=st.floats(0.0, 0.1))
def test_two_activity_loop_solves_to_its_closed_form(tmp_path_factory, coal, loop, co2, ch4):
    """Power uses *coal* kg per kWh, the mine *loop* kWh per kg: one kWh needs 1 / (1 - coal * loop) kWh made."""
    power = dataset("a-power", "power", "GLO", [
        intermediate("p-e", "electricity", 1, "kWh", 0, output=True),
        intermediate("p-c", "coal", repr(coal), "kg", 1, link="a-mine"),
        elementary("e-co2", "Carbon dioxide, fossil", repr(co2), "kg", "air", cas="124-38-9")])
    mine = dataset("a-mine", "mine", "GLO", [
        intermediate("p-c", "coal", 1, "kg", 0, output=True),
        intermediate("p-e", "electricity", repr(loop), "kWh", 2),
        elementary("e-ch4", "Methane, fossil", repr(ch4), "kg", "air", cas="74-82-8")])
    folder = tmp_path_factory.mktemp("db")
    library = read_ecospold(write_folder(folder / "db", {"power.spold": power, "mine.spold": mine}),
                            products=["electricity"])
    out = write_import(library, folder / "out")
    score = calculate(compile_model(load_study(out / "electricity.toml"))).impacts["climate_change"].value
    assert score == pytest.approx((co2 + coal * ch4 * 29.8) / (1 - coal * loop), rel=1e-9, abs=1e-12)
