"""Energy out: the ``"energy"`` record of ``lca run --format json`` (kWh drawn at the sources,
by stage and by source process), against the published kWh of the reproductions and a
hand-solved chain of energy carriers."""

from __future__ import annotations

import json
import math

import pytest

from lca.cli import main
from lca.engine.calculate import calculate
from lca.load import load_study


def run_json(capsys, *argv) -> dict:
    assert main(["run", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_gpt3_energy_is_the_readmes_1289_4_mwh(capsys):
    energy = run_json(capsys, "lca:scenarios/patterson2021_gpt3.toml")["energy"]
    # 10,000 V100 x 330 W x 14.8 d x 24 h/d x PUE 1.1 = 1,289,376 kWh (README: 1,289.4 MWh; paper 1,287)
    assert energy["unit"] == "kWh"
    assert energy["value"] == pytest.approx(10_000 * 0.330 * 14.8 * 24 * 1.1, rel=1e-12)
    assert round(energy["value"] / 1000, 1) == 1289.4
    assert energy["by_stage"] == {"use": pytest.approx(energy["value"], rel=1e-12)}
    assert list(energy["by_process"]) == ["datacenter_electricity"]


def test_strubell_transformer_big_energy_is_201_1_kwh(capsys):
    energy = run_json(capsys, "lca:scenarios/strubell2019_transformer_big.toml")["energy"]
    # 1,515.43 W x 84 h x PUE 1.58 / 1000 = 201.128 kWh (paper: 201 kWh)
    assert energy["value"] == pytest.approx(1.51543 * 84 * 1.58, rel=1e-12)
    assert round(energy["value"], 1) == 201.1


def test_lifecycle_energy_by_stage_sums_to_the_total(capsys):
    energy = run_json(capsys, "lca:scenarios/llm_training_lifecycle.toml")["energy"]
    assert set(energy["by_stage"]) >= {"manufacturing", "use"}
    assert math.fsum(energy["by_stage"].values()) == pytest.approx(energy["value"], rel=1e-9)
    assert math.fsum(energy["by_process"].values()) == pytest.approx(energy["value"], rel=1e-9)
    # the use phase draws the US grid only; manufacturing draws the fab regions' grids
    assert energy["by_stage"]["use"] == pytest.approx(energy["by_process"]["site_electricity_us"])


CHAIN = '''
[study]
name = "chain"
functional_unit = "one run"

[processes.training]
unit = "item"
stage = "use"
[[processes.training.technosphere]]
product = "dc_power"
amount = 100
unit = "kWh"

[processes.chips]
unit = "item"
stage = "manufacturing"
[[processes.chips.technosphere]]
product = "grid"
amount = 20
unit = "MJ"

[processes.dc_power]
unit = "kWh"
[[processes.dc_power.technosphere]]
product = "grid"
amount = 1.2
unit = "kWh"

[processes.grid]
unit = "kWh"
[[processes.grid.biosphere]]
flow = "ghg"
amount = 0.5
unit = "kg CO2-eq"

[demand]
training = 1
chips = 2
'''


def test_energy_through_two_carriers_counts_once_at_the_grid(study):
    # use: 100 kWh at the datacenter = 120 kWh at the grid (the datacenter's 100 is not added);
    # manufacturing: 2 x 20 MJ = 40 MJ = 11.111 kWh
    result = calculate(load_study(study(CHAIN)))
    assert result.energy.by_stage == {"use": pytest.approx(120.0), "manufacturing": pytest.approx(40 / 3.6)}
    assert result.to_dict()["energy"] == {
        "value": pytest.approx(120 + 40 / 3.6), "unit": "kWh",
        "by_stage": {"manufacturing": pytest.approx(40 / 3.6), "use": pytest.approx(120.0)},
        "by_process": {"grid": pytest.approx(120 + 40 / 3.6)}}


def test_no_energy_record_without_energy_carriers(study):
    body = '''
[study]
name = "widget"
functional_unit = "one widget"

[processes.widget]
unit = "item"
stage = "manufacturing"
[[processes.widget.biosphere]]
flow = "co2"
amount = 2
unit = "kg"

[demand]
widget = 1
'''
    assert "energy" not in calculate(load_study(study(body))).to_dict()


def test_table_shows_the_energy_line(capsys):
    assert main(["run", "lca:scenarios/strubell2019_transformer_big.toml"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("energy drawn at the sources: 201.1 kWh (use 201.1)")
