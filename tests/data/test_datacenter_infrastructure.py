"""Datacenter infrastructure per MW of IT capacity (inventories/datacenter_infrastructure.toml) and
the flagship's `datacenter_infrastructure` option (issue 13, build step 3).

1. the per-MW total against the published full-facility LCA (Data4 / APL Data Center 2026: 983 t
   CO2-eq per MW of construction materials and equipment), and the UPS battery against IVL's
   61-106 kg CO2-eq per kWh;
2. the option is off by default (the reproduced GPT-3 numbers do not move) and, switched on, adds
   exactly the time-allocated share of each system over its own service life, hand-computed here.
"""

from __future__ import annotations

import math

import pytest
from conftest import ROOT
from doc_tables import interval, number, table

import lca
from lca.cli import main
from lca.load.resources import data_folder, shipped
from lca.uncertainty import monte_carlo

INFRASTRUCTURE = data_folder("inventories") / "datacenter_infrastructure.toml"
FLAGSHIP = shipped("lca:scenarios/llm_training_lifecycle.toml")
SYSTEMS = ("datacenter_building_per_mw", "datacenter_cooling_plant_per_mw", "datacenter_power_distribution_per_mw")
DATA4_T_PER_MW = 0.39 * 12_600 / 5  # 39 % of 12.6 kt over 20 years for a 5 MW facility


def _study(tmp_path, product: str) -> lca.Model:
    methods = data_folder("inventories") / "methods" / "ipcc_ar6_gwp100.toml"
    path = tmp_path / f"{product}.toml"
    path.write_text(f'include = ["{INFRASTRUCTURE.as_posix()}", "{methods.as_posix()}"]\n'
                    'methods = ["ipcc_ar6_gwp100"]\n[study]\nname = "infrastructure"\n'
                    f'functional_unit = "one MW of IT capacity"\n[demand]\n{product} = 1\n')
    return lca.load_study(str(path))


def _climate(model: lca.Model) -> float:
    return lca.calculate(model).impacts["climate_change"].value


def test_lca_validate_accepts_the_file(capsys):
    assert main(["validate", str(INFRASTRUCTURE)]) == 0, capsys.readouterr().out


def test_the_whole_is_its_three_systems(tmp_path):
    total = _climate(_study(tmp_path, "datacenter_infrastructure_per_mw"))
    assert math.isclose(total, sum(_climate(_study(tmp_path, s)) for s in SYSTEMS), rel_tol=1e-9)


def test_per_mw_total_against_data4(tmp_path):
    """Data4's 983 t CO2-eq per MW (building materials and equipment, servers excluded) lies inside
    the 95 % interval of the bottom-up total, and the default is within a factor 1.5 of it."""
    model = _study(tmp_path, "datacenter_infrastructure_per_mw")
    default_t = _climate(model) / 1000
    percentiles = monte_carlo(model, 2000, seed=42).summary("climate_change").percentiles
    assert percentiles["2.5"] / 1000 < DATA4_T_PER_MW < percentiles["97.5"] / 1000, percentiles
    assert 1 / 1.5 < default_t / DATA4_T_PER_MW < 1.5, default_t


def test_building_services_share_is_plausible(tmp_path):
    """MECLA: building services (plant) are up to 60 % of a data centre's upfront embodied carbon,
    against ~14 % in other buildings: the plant's share sits between those."""
    building = _climate(_study(tmp_path, "datacenter_building_per_mw"))
    plant = sum(_climate(_study(tmp_path, s)) for s in SYSTEMS[1:])
    assert 0.14 < plant / (building + plant) <= 0.60


def test_ups_battery_inside_the_published_cell_range(tmp_path):
    """IVL (Emilsson & Dahllof 2019): 61-106 kg CO2-eq per kWh of lithium-ion cell production."""
    assert 61 <= _climate(_study(tmp_path, "ups_battery_per_kwh")) <= 106


@pytest.fixture(scope="module")
def flagship():
    return lca.load_study(str(FLAGSHIP))


def test_option_is_off_by_default(flagship):
    default = lca.calculate(flagship)
    off = lca.calculate(lca.with_parameters(flagship, {"datacenter_infrastructure": "off"}))
    # zero up to the solver's round-off (a node is ~1e-1 item here)
    assert all(abs(default.supply[s]) < 1e-12 for s in SYSTEMS), [default.supply[s] for s in SYSTEMS]
    for category in lca.CATEGORIES:
        assert default.impacts[category].value == off.impacts[category].value


@pytest.mark.parametrize("accelerator", ["v100", "h100", "gb200_nvl72"])
def test_option_adds_each_system_amortised_over_its_own_life(accelerator, flagship, tmp_path):
    """On: IT capacity (nodes x node maximum power) x run hours / (life x 8760 x lifetime
    utilisation) of each system, the building over 60 years, the plant over 20 (Whitehead et al.
    2015); the rest of the result is unchanged."""
    base = lca.with_parameters(flagship, {"accelerator": accelerator})
    off = lca.calculate(base)
    on = lca.calculate(lca.with_parameters(base, {"datacenter_infrastructure": "on"}))
    p = off.parameters
    capacity = p["n_nodes"].value * p["node_max_power_kw"].value / 1000
    hours, utilisation = p["training_hours"].value, p["lifetime_utilisation"].value
    building = capacity * hours / (p["building_lifetime_years"].value * 8760 * utilisation)
    plant = capacity * hours / (p["plant_lifetime_years"].value * 8760 * utilisation)
    assert math.isclose(on.supply["datacenter_building_per_mw"], building, rel_tol=1e-9)
    assert math.isclose(on.supply["datacenter_cooling_plant_per_mw"], plant, rel_tol=1e-9)
    expected = building * _climate(_study(tmp_path, SYSTEMS[0])) + plant * sum(
        _climate(_study(tmp_path, s)) for s in SYSTEMS[1:])
    added = on.impacts["climate_change"].value - off.impacts["climate_change"].value
    assert math.isclose(added, expected, rel_tol=1e-6), (added, expected)
    assert on.impacts["climate_change"].by_stage["use"] == off.impacts["climate_change"].by_stage["use"]
    assert all(on.impacts[c].value >= off.impacts[c].value for c in lca.CATEGORIES)


def test_longer_building_life_halves_its_share(flagship):
    """Time-based amortisation: twice the building's life, half its contribution."""
    on = lca.with_parameters(flagship, {"datacenter_infrastructure": "on"})
    short = lca.calculate(lca.with_parameters(on, {"building_lifetime_years": 30})).supply
    long = lca.calculate(lca.with_parameters(on, {"building_lifetime_years": 60})).supply
    assert math.isclose(short["datacenter_building_per_mw"], 2 * long["datacenter_building_per_mw"], rel_tol=1e-9)


def test_the_comparison_doc_prints_the_engines_numbers(tmp_path):
    """docs/hardware-comparison.md's infrastructure table: the defaults and the 95 % intervals
    (2,000 draws, seed 42) to the 3 significant figures printed."""
    rows = table(ROOT / "docs" / "hardware-comparison.md", "## Beyond the servers: datacenter infrastructure")
    assert set(rows) == {"datacenter_infrastructure_per_mw", *SYSTEMS, "ups_battery_per_kwh"}
    for product, cells in rows.items():
        model = _study(tmp_path, product)
        percentiles = monte_carlo(model, 2000, seed=42).summary("climate_change").percentiles
        low, high = interval(cells[2])
        assert math.isclose(number(cells[1]), _climate(model), rel_tol=0.006), product
        assert math.isclose(low, percentiles["2.5"], rel_tol=0.006), product
        assert math.isclose(high, percentiles["97.5"], rel_tol=0.006), product
