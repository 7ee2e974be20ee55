"""More published studies reproduced from their inputs: Luccioni et al. 2022 (BLOOM's life-cycle
carbon footprint) and Li et al. 2023 (GPT-3 training water footprint).

Same rule as test_reproductions.py: a figure passes within 1 % of the published value or within
half a unit of its last printed digit, whichever is wider.
"""

from __future__ import annotations

import json

import pytest

import lca
from lca.engine.calculate import calculate
from lca.cli import main
from lca.engine.compile import compile_model
from conftest import ROOT
from test_reproductions import within_published
from lca import with_parameters

BLOOM = ROOT / "scenarios" / "luccioni2022_bloom.toml"
WATER = ROOT / "scenarios" / "li2023_gpt3_water.toml"


@pytest.fixture(scope="module")
def bloom_model():
    return lca.load_study(BLOOM)


@pytest.fixture(scope="module")
def bloom(bloom_model):
    return calculate(bloom_model).impacts["climate_change"]


@pytest.mark.parametrize("stage, tonnes, decimals", [
    # the paper's breakdown: embodied, dynamic, idle (t CO2-eq as printed)
    ("manufacturing", 11.2, 1),
    ("use", 24.69, 2),
    ("use_idle", 14.6, 1),
])
def test_bloom_breakdown_by_stage(bloom, stage, tonnes, decimals):
    computed = bloom.by_stage[stage] / 1000
    assert within_published(computed, tonnes, decimals), (stage, computed, tonnes)


def test_bloom_total(bloom):
    assert set(bloom.by_stage) == {"manufacturing", "use", "use_idle"}
    assert within_published(bloom.value / 1000, 50.5, 1), bloom.value
    assert bloom.value == pytest.approx(sum(bloom.by_stage.values()), rel=1e-12)


def test_bloom_embodied_servers_and_gpus(bloom):
    # Section 4.1: "approximately 7.57 tonnes for the servers and 3.64 tonnes for the GPUs"
    assert within_published(bloom.by_process["bloom_server_manufacturing"] / 1000, 7.57, 2)
    assert within_published(bloom.by_process["bloom_a100_manufacturing"] / 1000, 3.64, 2)


def test_bloom_energies(bloom_model):
    supply = calculate(bloom_model).supply
    assert supply["bloom_gpu_compute"] == pytest.approx(1_082_990)  # GPU-hours
    idle = supply["bloom_idle_overhead"]
    dynamic = supply["bloom_grid_electricity"] - idle
    assert within_published(dynamic, 433_196, 0), dynamic
    assert within_published(idle, 256_646, 0), idle


def test_bloom_embodied_is_amortized_by_used_hours(bloom_model, bloom):
    # Halving lifetime x usage doubles the embodied share and leaves the energy rows alone.
    shorter = calculate(with_parameters(bloom_model, {"bloom_hardware_lifetime": 3}))
    climate = shorter.impacts["climate_change"]
    assert climate.by_stage["manufacturing"] == pytest.approx(2 * bloom.by_stage["manufacturing"], rel=1e-12)
    assert climate.by_stage["use"] == pytest.approx(bloom.by_stage["use"], rel=1e-12)


def test_bloom_json_contract(capsys):
    assert main(["run", str(BLOOM), "--format", "json"]) == 0
    climate = json.loads(capsys.readouterr().out)["impacts"]["climate_change"]
    assert climate["unit"] == "kg CO2-eq"
    assert climate["value"] == pytest.approx(50_500, rel=0.01)
    assert climate["by_stage"]["use"] == pytest.approx(24_690, rel=0.001)


@pytest.fixture(scope="module")
def water():
    return calculate(lca.load_study(WATER)).impacts["water_consumption"]


def test_li2023_onsite_water(water):
    # Abstract: "directly evaporate 700,000 liters"; m3 / 1000 = million litres
    onsite = water.by_process["li2023_datacenter"] / 1000
    assert within_published(onsite, 0.7, 1), onsite


def test_li2023_total_water(water):
    # Abstract / Table 1: about 5.4 million litres on-site plus off-site
    assert water.unit == "m3"
    assert within_published(water.value / 1000, 5.4, 1), water.value
    offsite = water.by_process["li2023_grid_electricity"]
    assert water.value == pytest.approx(water.by_process["li2023_datacenter"] + offsite, rel=1e-12)


def test_li2023_per_kwh_factor_matches_the_paper_formula():
    # Water per kWh of server energy = WUE + PUE x EWIF = 0.55 + 1.17 x 3.142 L/kWh
    model = with_parameters(lca.load_study(WATER), {"li2023_training_energy": 0.001})  # 1 kWh
    litres = calculate(model).impacts["water_consumption"].value * 1000
    assert litres == pytest.approx(0.55 + 1.17 * 3.142, rel=1e-12)


@pytest.mark.parametrize("path", [BLOOM, WATER])
def test_every_study_parameter_has_source_and_uncertainty(path):
    model = lca.load_study(path)
    own = [p for p in model.parameters.values() if "/studies/" in p.defined_in.replace("\\", "/")]
    assert own, "no study parameters found"
    for parameter in own:
        assert parameter.source and "et al." in parameter.source, parameter.name
        assert parameter.uncertainty, parameter.name
    uncertain = set(compile_model(model).parameters.uncertain)
    declared = {p.name for p in own if p.uncertainty.varies}
    assert declared <= uncertain
