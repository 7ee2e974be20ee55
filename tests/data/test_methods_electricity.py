"""Checks of the DATA files: elementary flows, impact methods, electricity and datacenter inventories."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import pytest

import lca
from lca.load.resources import data_folder

# the installed package data: what a user of lca gets
INV = data_folder("inventories")
FLOWS_FILE = INV / "flows" / "elementary.toml"
METHOD_FILES = sorted((INV / "methods").glob("*.toml"))
ELECTRICITY = INV / "electricity.toml"
DATACENTER = INV / "datacenter.toml"
DATA_FILES = [FLOWS_FILE, *METHOD_FILES, ELECTRICITY, DATACENTER]
EXPECTED_METHODS = {
    "ipcc_ar6_gwp100": "climate_change",
    "ipcc_ar5_gwp100": "climate_change",
    "water_consumption": "water_consumption",
    "aware_water_scarcity": "water_scarcity",
    "ef3_human_toxicity_cancer": "human_toxicity_cancer",
    "ef3_human_toxicity_non_cancer": "human_toxicity_non_cancer",
    "cml_ia_adp_elements": "abiotic_depletion_elements",
    "cml_ia_adp_fossil": "abiotic_depletion_fossil",
}


def load(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def flows() -> dict:
    return load(FLOWS_FILE)["flows"]


def method(mid: str) -> dict:
    return load(INV / "methods" / f"{mid}.toml")


def factor(mid: str, flow: str) -> dict:
    hits = [f for f in method(mid)["factors"] if f["flow"] == flow]
    assert len(hits) == 1, (mid, flow)
    return hits[0]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_parses_with_tomllib(path):
    assert load(path)


def test_all_methods_present():
    data = {p.stem: load(p)["method"] for p in METHOD_FILES}
    for mid, category in EXPECTED_METHODS.items():
        assert data[mid]["id"] == mid
        assert data[mid]["category"] == category
        assert data[mid]["source"]


def _check_numeric(item: dict, where: str, inherited_source: str | None = None):
    assert (item.get("source") or inherited_source), f"{where}: no source"
    if isinstance(item.get("value", item.get("amount")), (int, float)):
        assert "uncertainty" in item and item["uncertainty"].get("distribution"), f"{where}: no uncertainty"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_number_has_source_and_uncertainty(path):
    data = load(path)
    for name, p in data.get("parameters", {}).items():
        if "value" in p and not isinstance(p["value"], str):
            _check_numeric(p, f"parameters.{name}")
    for pid, proc in data.get("processes", {}).items():
        assert proc.get("source"), f"processes.{pid}: no source"
        for kind in ("technosphere", "biosphere"):
            for i, ex in enumerate(proc.get(kind, [])):
                where = f"processes.{pid}.{kind}[{i}]"
                if isinstance(ex["amount"], str):  # formula: its uncertainty comes from the parameters
                    assert ex.get("source") or proc.get("source"), where
                else:
                    _check_numeric(ex, where, proc.get("source"))
    for i, f in enumerate(data.get("factors", [])):
        _check_numeric(f, f"factors[{i}]")


@pytest.mark.parametrize("path", [*METHOD_FILES, ELECTRICITY], ids=lambda p: p.name)
def test_referenced_flows_are_defined(path, flows):
    data = load(path)
    used = [f["flow"] for f in data.get("factors", [])]
    for proc in data.get("processes", {}).values():
        used += [ex["flow"] for ex in proc.get("biosphere", [])]
    missing = sorted(set(used) - set(flows))
    assert not missing, missing


def test_flow_ids_and_fields(flows):
    for fid, f in flows.items():
        assert fid == fid.lower() and " " not in fid
        assert f["name"] and f["unit"] and f["compartment"] in ("air", "water", "soil", "resource")
    for required in ["carbon_dioxide_fossil_air", "carbon_dioxide_biogenic_air", "methane_fossil_air",
                     "nitrogen_trifluoride_air", "octafluorocyclobutane_air", "arsenic_water",
                     "gallium_resource", "hard_coal_resource", "fossil_energy_resource",
                     "water_consumed_glo", "water_consumed_tw", "ghg_precharacterized_air",
                     "adp_elements_precharacterized"]:
        assert required in flows, required
    assert flows["ghg_precharacterized_air"]["unit"] == "kg CO2-eq"


def test_spot_values_against_publications():
    # IPCC AR6 WG1 Table 7.15 / 7.SM.7
    assert factor("ipcc_ar6_gwp100", "methane_fossil_air")["value"] == 29.8
    assert factor("ipcc_ar6_gwp100", "methane_biogenic_air")["value"] == 27.0
    assert factor("ipcc_ar6_gwp100", "dinitrogen_monoxide_air")["value"] == 273
    assert factor("ipcc_ar6_gwp100", "nitrogen_trifluoride_air")["value"] == 17400
    assert factor("ipcc_ar6_gwp100", "sulfur_hexafluoride_air")["value"] == 25200
    assert factor("ipcc_ar6_gwp100", "tetrafluoromethane_air")["value"] == 7380
    assert factor("ipcc_ar6_gwp100", "carbon_dioxide_biogenic_air")["value"] == 0
    assert factor("ipcc_ar6_gwp100", "ghg_precharacterized_air")["value"] == 1
    # IPCC AR5 (no climate-carbon feedback)
    assert factor("ipcc_ar5_gwp100", "sulfur_hexafluoride_air")["value"] == 23500
    assert factor("ipcc_ar5_gwp100", "nitrogen_trifluoride_air")["value"] == 16100
    # AWARE
    assert factor("aware_water_scarcity", "water_consumed_glo")["value"] == 42.95
    assert factor("aware_water_scarcity", "water_consumed_us")["value"] == 33.84
    # CML-IA
    assert factor("cml_ia_adp_elements", "antimony_resource")["value"] == 1.0
    assert factor("cml_ia_adp_elements", "gold_resource")["value"] == 52.0
    assert factor("cml_ia_adp_fossil", "crude_oil_resource")["value"] == 43.2
    # EF 3.0 human toxicity (unspecified compartments)
    assert factor("ef3_human_toxicity_non_cancer", "mercury_air")["value"] == 0.12759
    assert factor("ef3_human_toxicity_cancer", "chromium_vi_water")["value"] == 5.27e-05


def test_toxicity_uncertainty_is_orders_of_magnitude():
    for mid in ("ef3_human_toxicity_cancer", "ef3_human_toxicity_non_cancer"):
        for f in method(mid)["factors"]:
            assert f["uncertainty"]["distribution"] == "lognormal" and f["uncertainty"]["gsd"] >= 10


def test_electricity_regions():
    procs = load(ELECTRICITY)["processes"]
    life_cycle = [p for p in procs if not p.endswith("_direct")]
    assert len(life_cycle) >= 40
    for required in ["electricity_tw", "electricity_us", "electricity_us_ia", "electricity_ca_qc",
                     "electricity_glo", "electricity_se3", "electricity_fr", "electricity_is"]:
        assert required in procs, required
    for pid, p in procs.items():
        # no stage: grid electricity inherits the stage of the process that uses it
        assert p["unit"] == "kWh" and "stage" not in p and p["location"]
        ghg = [e for e in p["biosphere"] if e["flow"] == "ghg_precharacterized_air"]
        assert len(ghg) == 1 and 0 < ghg[0]["amount"] < 1.5, pid
        assert any(e["flow"].startswith("water_consumed_") for e in p["biosphere"]), pid
    # spot values: EcoLogits/OWID life-cycle intensities
    tw = {e["flow"]: e for e in procs["electricity_tw"]["biosphere"]}
    assert tw["ghg_precharacterized_air"]["amount"] == 0.63565
    fr = {e["flow"]: e for e in procs["electricity_fr"]["biosphere"]}
    assert fr["ghg_precharacterized_air"]["amount"] == 0.04418


COMBUSTION_FLOWS = ["mercury_air", "arsenic_air", "cadmium_air", "nickel_air", "lead_air", "chromium_vi_air",
                    "sulfur_dioxide_air", "nitrogen_oxides_air", "particulates_pm2_5_air"]


@functools.lru_cache(maxsize=1)
def _electricity_processes() -> dict:
    return load(ELECTRICITY)["processes"]


def _biosphere(pid: str) -> dict:
    return {e["flow"]: e for e in _electricity_processes()[pid]["biosphere"]}


def test_every_grid_emits_combustion_pollutants_with_lognormal_uncertainty():
    procs = _electricity_processes()
    for pid, p in procs.items():
        bio = {e["flow"]: e for e in p["biosphere"]}
        for flow in COMBUSTION_FLOWS:
            assert flow in bio, (pid, flow)
            u = bio[flow]["uncertainty"]
            if bio[flow]["amount"] == 0:  # no fossil generation in the mix (Iceland)
                assert u["distribution"] == "fixed", (pid, flow)
                continue
            assert u["distribution"] == "lognormal" and 0.1 < u["sigma"] < 1.5, (pid, flow, u)
        if pid.endswith("_direct"):  # stack emissions do not depend on the GHG scope
            base = {e["flow"]: e["amount"] for e in procs[pid.removesuffix("_direct")]["biosphere"]}
            assert all(bio[f]["amount"] == base[f] for f in COMBUSTION_FLOWS), pid
    assert _biosphere("electricity_is")["mercury_air"]["amount"] == 0  # OWID: no fossil generation
    assert _biosphere("electricity_us")["mercury_air"]["amount"] > 0


def test_mercury_per_kwh_of_poland_recomputed_by_hand():
    """Poland 2023 (CodeCarbon/OWID mix: total 168.75 TWh, coal 103.02, gas 14.75, oil 5.17) x EMEP/EEA
    2023 1.A.1 Tier 1 Hg (hard coal 1.4, gas 0.1, heavy fuel oil 0.341 mg/GJ) / net efficiency
    (Graus et al. 2007: 35, 45, 38 %) x 0.0036 GJ/kWh."""
    total = 168.75
    hand = (103.02 / total * 1.4 / 0.35 + 14.75 / total * 0.1 / 0.45 + 5.17 / total * 0.341 / 0.38) * 1e-6 * 0.0036
    assert hand == pytest.approx(8.96e-9, rel=1e-3)
    assert _biosphere("electricity_pl")["mercury_air"]["amount"] == pytest.approx(hand, rel=1e-5)
    # sub-national regions take their country's mix (stated in the source)
    us, va = _biosphere("electricity_us"), _biosphere("electricity_us_va")
    assert va["mercury_air"]["amount"] == us["mercury_air"]["amount"]
    assert "national USA mix" in va["mercury_air"]["source"]


def test_combustion_pollutants_follow_the_fossil_share():
    fr, pl, no = (_biosphere(f"electricity_{c}") for c in ("fr", "pl", "no"))
    for flow in ("mercury_air", "arsenic_air", "sulfur_dioxide_air"):
        assert pl[flow]["amount"] > 10 * fr[flow]["amount"] > 10 * no[flow]["amount"], flow
    # Cr(VI) is 12 % of the hard-coal total Cr (4.5 mg/GJ) on a coal-only grid: Poland is ~61 % coal
    coal_only_cr6 = 0.12 * 4.5e-6 * 0.0036 / 0.35
    assert 0.55 * coal_only_cr6 < pl["chromium_vi_air"]["amount"] < 0.7 * coal_only_cr6


def test_datacenter_parameters_and_regions():
    data = load(DATACENTER)
    params = data["parameters"]
    for name in ("pue", "pue_hyperscale", "pue_industry_average", "wue_onsite", "grid_region"):
        assert name in params
    assert params["pue_industry_average"]["value"] == 1.56
    options = set(params["grid_region"]["options"])
    codes = {p.removeprefix("electricity_") for p in load(ELECTRICITY)["processes"] if not p.endswith("_direct")}
    assert options == codes
    proc = data["processes"]["datacenter_operation"]
    assert proc["reference_product"] == "it_energy"
    assert len(proc["technosphere"]) == len(codes)


# ------------------------------------------------------------------ with the engine


@pytest.mark.parametrize("path", [FLOWS_FILE, *METHOD_FILES, ELECTRICITY], ids=lambda p: p.name)
def test_engine_loads_inventory(path):
    model = lca.load_inventory([path])
    assert model.flows


def test_engine_loads_datacenter_with_all_methods(tmp_path):
    # datacenter.toml defines parameters: load it through a scenario (as a study would).
    includes = ["lca:datacenter.toml"] + [f"lca:methods/{p.name}" for p in METHOD_FILES]
    scenario = tmp_path / "dc.toml"
    scenario.write_text(
        "include = [" + ", ".join(f'"{p}"' for p in includes) + "]\n"
        'methods = ["ipcc_ar6_gwp100", "aware_water_scarcity", "water_consumption", '
        '"cml_ia_adp_elements", "cml_ia_adp_fossil", "ef3_human_toxicity_cancer", "ef3_human_toxicity_non_cancer"]\n'
        '[study]\nname = "datacenter test"\nfunctional_unit = "1 kWh IT energy"\n'
        '[demand]\nit_energy = { amount = 1, unit = "kWh" }\n'
        '[parameters]\ngrid_region = "us_ia"\n'
    )
    model = lca.load_study(scenario)
    assert "datacenter_operation" in model.processes
    assert len(model.methods) == len(METHOD_FILES)


def test_engine_datacenter_result_matches_hand_calculation(tmp_path):
    """1 kWh IT in Iowa, hyperscale: pue x grid GHG, pue x grid water + on-site water."""
    scenario = tmp_path / "dc.toml"
    scenario.write_text(
        'include = ["lca:datacenter.toml", "lca:methods/ipcc_ar6_gwp100.toml", "lca:methods/water_consumption.toml"]\n'
        'methods = ["ipcc_ar6_gwp100", "water_consumption"]\n'
        '[study]\nname = "dc"\nfunctional_unit = "1 kWh IT energy"\n'
        '[demand]\nit_energy = { amount = 1, unit = "kWh" }\n'
        '[parameters]\ngrid_region = "us_ia"\ndatacenter_type = "hyperscale"\n'
    )
    result = lca.calculate(lca.load_study(scenario))
    dc = load(DATACENTER)["parameters"]
    pue, wue = dc["pue_hyperscale"]["value"], dc["wue_onsite_hyperscale"]["value"]
    ia = {e["flow"]: e["amount"] for e in load(ELECTRICITY)["processes"]["electricity_us_ia"]["biosphere"]}
    assert result.impacts["climate_change"].value == pytest.approx(pue * ia["ghg_precharacterized_air"], rel=1e-9)
    assert result.impacts["water_consumption"].value == pytest.approx(pue * ia["water_consumed_us"] + wue / 1000, rel=1e-9)
