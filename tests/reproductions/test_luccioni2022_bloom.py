"""Luccioni et al. 2022 (BLOOM's life-cycle carbon footprint) reproduced from its inputs.

A figure passes within 1 % of the published value or within half a unit of its last printed
digit, whichever is wider (within_published)."""

from __future__ import annotations

import json

import pytest
from conftest import within_published

import lca
from lca import with_parameters
from lca.cli import main
from lca.engine.calculate import calculate

BLOOM = "lca:scenarios/luccioni2022_bloom.toml"


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
