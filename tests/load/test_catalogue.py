"""The catalogue (``lca list KIND [STUDY]``, docs/catalogue.md): every item of the shipped inventory
files once, with the values those files hold; a study's catalogue is what it loads."""

from __future__ import annotations

import tomllib

import pytest

import lca
from lca.errors import LCAError
from lca.load.catalogue import COLUMNS, KINDS, catalogue, markdown_table, shipped_files
from lca.load.resources import data_folder, shipped

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


def raw(name: str) -> dict:
    with open(shipped(name), "rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("kind, table", [("flows", "flows"), ("processes", "processes"), ("parameters", "parameters")])
def test_every_item_of_every_shipped_file_is_listed_once(kind, table):
    # each file's own items, as its TOML defines them: nothing from the files it includes again
    expected = sorted((name, key) for name in shipped_files() for key in raw(name).get(table, {}))
    rows = catalogue(kind)
    assert sorted((row["file"], row[COLUMNS[kind][0]]) for row in rows) == expected
    assert len(expected) > 100


def test_a_flow_row_is_its_file_entry():
    elementary = raw("lca:flows/elementary.toml")["flows"]["methane_fossil_air"]
    row = next(r for r in catalogue("flows") if r["flow"] == "methane_fossil_air")
    assert row == {"flow": "methane_fossil_air", "name": elementary["name"], "unit": "kg", "compartment": "air",
                   "cas": elementary["cas"], "source": "lca:flows/elementary.toml", "file": "lca:flows/elementary.toml"}


def test_a_parameter_row_keeps_value_unit_and_whole_source():
    rows = {r["parameter"]: r for r in catalogue("parameters") if r["file"] == "lca:datacenter.toml"}
    hyperscale = raw("lca:datacenter.toml")["parameters"]["pue_hyperscale"]
    row = rows["pue_hyperscale"]
    assert row["source"] == hyperscale["source"] and len(row["source"]) > 300
    assert (float(row["value"]), row["unit"], row["uncertain"]) == (hyperscale["value"], "-", "yes")
    assert row["description"] == hyperscale["description"]
    # a formula shows as its text, a choice with its options
    assert rows["pue"]["value"] == raw("lca:datacenter.toml")["parameters"]["pue"]["formula"]
    assert rows["grid_region"]["value"].startswith("glo (of glo, us, cn, ") and rows["grid_region"]["unit"] == "option"


def test_products_name_their_makers():
    rows = {r["product"]: r for r in catalogue("products")}
    assert rows["it_energy"]["made by"] == "datacenter_operation" and rows["it_energy"]["unit"] == "kWh"
    assert rows["server_dgx_h100"]["made by"] == "server_dgx_h100"


def test_locations_are_the_datacenter_grids_with_their_intensity():
    options = raw("lca:datacenter.toml")["parameters"]["grid_region"]["options"]
    rows = catalogue("locations")
    assert [r["location"] for r in rows] == options and len(rows) == 63
    electricity = raw("lca:electricity.toml")["processes"]
    for row in rows:
        process = electricity[f"electricity_{row['location']}"]
        ghg = next(e for e in process["biosphere"] if e["flow"] == "ghg_precharacterized_air")
        assert row["name"] == process["name"] and row["unit"] == "kWh"
        # kg CO2-eq per kWh: the grid mix's amount per its 1 kWh
        assert float(row["kg CO2-eq/kWh"]) == pytest.approx(ghg["amount"] / process["amount"], rel=5e-4)
    france = next(r for r in rows if r["location"] == "fr")
    assert float(france["kg CO2-eq/kWh"]) < 0.1 < float(next(r for r in rows if r["location"] == "pl")["kg CO2-eq/kWh"])


def test_hardware_is_the_flagships_accelerator_options_with_their_servers():
    rows = catalogue("hardware")
    flagship = lca.load_study(FLAGSHIP)
    assert [r["hardware"] for r in rows] == list(flagship.parameters["accelerator"].options)
    for row in rows:
        server = flagship.processes[row["server"]]
        assert (row["name"], row["source"], row["unit"]) == (server.name, server.source, "item")
        assert row["file"].startswith("lca:hardware/")


def test_a_studys_catalogue_is_what_it_loads():
    model = lca.load_study(FLAGSHIP)
    assert [r["process"] for r in catalogue("processes", model)] == list(model.processes)
    assert [r["parameter"] for r in catalogue("parameters", model)] == list(model.parameters)
    methods = {r["method"]: r["selected"] for r in catalogue("methods", model)}
    assert {m for m, s in methods.items() if s == "yes"} == set(model.selected_methods)
    assert catalogue("hardware", model) == catalogue("hardware")
    assert [r["location"] for r in catalogue("locations", model)] == list(model.parameters["grid_region"].options)


def test_shipped_methods_are_not_marked_selected():
    assert {r["selected"] for r in catalogue("methods")} == {""}
    assert len(catalogue("methods")) == len(list((data_folder("inventories") / "methods").glob("*.toml")))


@pytest.mark.parametrize("kind", ["hardware", "locations"])
def test_a_study_without_hardware_or_grids_says_so(kind):
    model = lca.load_study("lca:scenarios/patterson2021_gpt3.toml")
    with pytest.raises(LCAError, match="patterson2021_gpt3.toml: no "):
        catalogue(kind, model)


def test_an_unknown_kind_names_the_kinds():
    with pytest.raises(LCAError, match="one of: " + ", ".join(KINDS)):
        catalogue("regions")


def test_markdown_cells_are_escaped_flattened_and_cut():
    text = markdown_table(["id", "source"], [["a", "x | y\nz"], ["b", "s" * 200]], widest=20)
    assert text.splitlines() == ["| id | source |", "| --- | --- |", "| a | x \\| y z |", f"| b | {'s' * 17}... |"]
