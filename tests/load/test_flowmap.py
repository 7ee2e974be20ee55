"""Elementary flows of an openLCA zip mapped to lca's own by CAS number, name and compartment, or
by the user's flow map: mapped flows take lca's ids so lca's methods characterize them, the
others stay the zip's and are listed in the report (tests/olca_helpers.py's hand-built zip)."""

from __future__ import annotations

import json
import tomllib
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from olca_helpers import GWP, hand_built

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.load.flowmap import lca_flows, match, normalize_cas, read_flow_map
from lca.load.olca import read_olca_zip, write_import

CO2, CH4 = 50 / 9, 2 / 9  # kg emitted for 1 item of server use (tests/olca_helpers.py)
CO2_ID, CH4_ID = "00000000-0000-4000-8000-000000000017", "00000000-0000-4000-8000-000000000018"


def padded(tmp_path, cas="000124-38-9", co2_name=None):
    """The hand-built zip with CO2's CAS number padded as openLCA's reference data writes it."""
    source = hand_built(tmp_path / "db.zip")
    target = tmp_path / "padded.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == f"flows/{CO2_ID}.json":
                flow = json.loads(data)
                assert flow["cas"] == "124-38-9"
                flow["cas"] = cas
                if co2_name:
                    flow["name"] = co2_name
                data = json.dumps(flow)
            dst.writestr(name, data)
    return target


def scores(out, scenario="server_use.toml"):
    return {c: i.value for c, i in calculate(compile_model(load_study(out / scenario))).impacts.items()}


def test_padded_cas_maps_to_lcas_co2_and_both_methods_give_the_hand_computed_gwp(tmp_path):
    zip_path = padded(tmp_path)
    proposal = read_olca_zip(zip_path)
    assert "flows" in proposal.files["inventory.toml"]  # without a map the zip's flows are kept
    (tmp_path / "map.toml").write_text(proposal.flow_map)
    assert read_flow_map(tmp_path / "map.toml") == {CO2_ID: "carbon_dioxide_fossil_air", CH4_ID: "methane_fossil_air"}
    library = read_olca_zip(zip_path, flow_map=tmp_path / "map.toml", methods=["ipcc_ar6_gwp100"])
    out = write_import(library, tmp_path / "out")
    inventory = tomllib.loads((out / "inventory.toml").read_text())
    assert inventory["include"] == ["lca:flows/elementary.toml"] and "flows" not in inventory
    assert inventory["processes"]["electricity_production_coal"]["biosphere"][0]["flow"] == "carbon_dioxide_fossil_air"
    method = tomllib.loads((out / "methods" / "climate_change_gwp100.toml").read_text())
    assert {row["flow"]: (row["value"], row["unit"]) for row in method["factors"]} == \
        {"carbon_dioxide_fossil_air": (1.0, "kg CO2-eq / (kg)"), "methane_fossil_air": (0.0298, "kg CO2-eq / (g)")}
    # the zip's own category and lca's IPCC AR6 (CO2 1, fossil CH4 29.8) characterize the same flows
    assert scores(out) == pytest.approx({"climate_change_gwp100": GWP, "climate_change": GWP}, rel=1e-12)
    assert library.counts["flows mapped to lca's"] == 2 and library.counts["flows"] == 0
    assert not any("kept as a flow" in item for item in library.report)


def test_a_flow_the_map_keeps_is_reported_and_only_the_zips_method_characterizes_it(tmp_path):
    zip_path = padded(tmp_path)
    (tmp_path / "map.toml").write_text(f'[flows]\n"{CH4_ID}" = ""\n')  # CO2 is not named: matched automatically
    library = read_olca_zip(zip_path, flow_map=tmp_path / "map.toml", methods=["ipcc_ar6_gwp100"])
    out = write_import(library, tmp_path / "out")
    inventory = tomllib.loads((out / "inventory.toml").read_text())
    assert list(inventory["flows"]) == ["methane_fossil"]
    kept = [item for item in library.report if "kept as a flow of the imported inventory" in item]
    assert len(kept) == 1 and "'Methane, fossil'" in kept[0] and "kept as imported by the flow map" in kept[0]
    assert scores(out) == pytest.approx({"climate_change_gwp100": GWP, "climate_change": CO2}, rel=1e-12)


def test_a_kept_flow_does_not_take_an_lca_id(tmp_path):
    # lca's export tags flows with lca's ids; a map that keeps one must not clash with lca's flow
    from lca.export.olca import olca_export, write_zip
    zip_path = write_zip(olca_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))),
                         tmp_path / "gpt3.zip")
    (fid, _lca_id), = tomllib.loads(read_olca_zip(zip_path).flow_map)["flows"].items()
    (tmp_path / "map.toml").write_text(f'[flows]\n"{fid}" = ""\n')
    library = read_olca_zip(zip_path, flow_map=tmp_path / "map.toml")
    assert list(library.files["inventory.toml"]["flows"]) == [f"{_lca_id}_imported"]
    out = write_import(library, tmp_path / "out")
    expected = scores(write_import(read_olca_zip(zip_path), tmp_path / "plain"), library.scenarios[0])
    assert scores(out, library.scenarios[0]) == pytest.approx(expected, rel=1e-12)


def test_ambiguous_cas_is_not_guessed(tmp_path):
    # fossil and biogenic CO2 share CAS 124-38-9: a flow named neither is left to the user
    library = read_olca_zip(padded(tmp_path, co2_name="Carbon dioxide"))
    line = next(line for line in library.flow_map.splitlines() if line.startswith(f'"{CO2_ID}"'))
    assert f'"{CO2_ID}" = ""' in line
    assert "carbon_dioxide_fossil_air" in line and "carbon_dioxide_biogenic_air" in line and "choose one" in line


def test_map_to_a_flow_of_another_dimension_is_one_error(tmp_path):
    (tmp_path / "map.toml").write_text(f'[flows]\n"{CO2_ID}" = "water_consumed_fr"\n')
    assert lca_flows()["water_consumed_fr"]["unit"] == "m3"
    with pytest.raises(LCAError, match=rf"--flow-map .*map.toml: flows.{CO2_ID} \(Carbon dioxide, fossil, in kg\): "
                                       r"lca flow 'water_consumed_fr' is in 'm3', another dimension"):
        read_olca_zip(padded(tmp_path), flow_map=tmp_path / "map.toml")


def test_map_naming_an_unknown_lca_flow_is_one_error(tmp_path):
    (tmp_path / "map.toml").write_text(f'[flows]\n"{CO2_ID}" = "carbon_dioxide"\n')
    with pytest.raises(LCAError, match=rf"flows.{CO2_ID}: 'carbon_dioxide' is not an lca elementary flow"):
        read_olca_zip(padded(tmp_path), flow_map=tmp_path / "map.toml")


def test_match_by_name_and_compartment_and_never_across_dimensions():
    flows = lca_flows()
    assert match("Methane, fossil", "air", None, "g", flows) == ("methane_fossil_air", "name and compartment")
    assert match("Methane, fossil", "water", None, "kg", flows)[0] is None
    assert match("methane, FOSSIL", "air", "74-82-8", "kg", flows)[0] == "methane_fossil_air"
    assert match("Methane, fossil", "air", "74-82-8", "kWh", flows)[0] is None


@given(st.integers(1, 9_999_999), st.integers(10, 99), st.integers(0, 9), st.integers(0, 4))
def test_padding_zeros_do_not_change_a_cas_number(head, middle, check, zeros):
    cas = f"{head}-{middle}-{check}"
    assert normalize_cas("0" * zeros + cas) == cas == normalize_cas(f" {cas} ")
