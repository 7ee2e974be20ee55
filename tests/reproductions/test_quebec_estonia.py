"""The seed's Quebec vs Estonia comparison: the same job on two grids, ``lca compare`` gives the ratio.

The seed says the job emits "about 30 times" less in Quebec (hydro) than in Estonia. The shipped
grids (inventories/electricity.toml) carry each intensity with its sourced range: Quebec 20-30 g,
Estonia 341-1,044 g CO2-eq/kWh (life cycle). The ratio's sourced range is therefore
[341/30, 1,044/20]; its central value (341/30 = 11.4, Ember ~2024 for Estonia, after most oil-shale
plants stopped) is at the low end, and the seed's 30 (2019-era figures) lies inside the Monte
Carlo interval."""

from __future__ import annotations

import json
import tomllib

import pytest
from conftest import run_cli

from lca.load.resources import shipped

QUEBEC = "lca:scenarios/compare_quebec_hydro.toml"
ESTONIA = "lca:scenarios/compare_estonia_oil_shale.toml"


def grid(code):
    """The shipped grid's GHG per kWh: central value and its triangular range."""
    data = tomllib.loads(shipped("lca:electricity.toml").read_text(encoding="utf-8"))
    (ghg,) = [b for b in data["processes"][f"electricity_{code}"]["biosphere"] if b["flow"] == "ghg_precharacterized_air"]
    return ghg["amount"], ghg["uncertainty"]["min"], ghg["uncertainty"]["max"]


def climate(capsys, scenario):
    code, out, err = run_cli(capsys, "run", scenario, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    return data["impacts"]["climate_change"]["value"], data["energy"]["value"]


def test_the_same_job_on_both_grids_differs_only_by_the_grid_intensity(capsys):
    quebec, kwh_qc = climate(capsys, QUEBEC)
    estonia, kwh_ee = climate(capsys, ESTONIA)
    # 12,041.51 W x 79.2 h = 953.7 kWh of IT energy, x PUE 1.56 (industry average) drawn from the grid
    assert kwh_qc == kwh_ee == pytest.approx(12.04151 * 79.2 * 1.56, rel=1e-12)
    assert quebec == pytest.approx(kwh_qc * grid("ca_qc")[0], rel=1e-12)
    assert estonia / quebec == pytest.approx(grid("ee")[0] / grid("ca_qc")[0], rel=1e-12)


def test_compare_gives_the_ratio_within_its_sourced_range_and_the_seeds_30x_inside(capsys):
    code, out, err = run_cli(capsys, "compare", ESTONIA, QUEBEC, "--samples", "4000", "--seed", "7",
                             "--format", "json", "--quiet")
    assert code == 0, err
    ratio = json.loads(out)["climate_change"]["ratio"]
    _, ee_low, ee_high = grid("ee")
    _, qc_low, qc_high = grid("ca_qc")
    low, high = ee_low / qc_high, ee_high / qc_low  # 11.4 to 52.2
    percentiles = ratio["percentiles"]
    assert low <= percentiles["2.5"] < ratio["median"] < percentiles["97.5"] <= high
    assert percentiles["2.5"] < 30 < percentiles["97.5"]
    # every draw of Estonia is dirtier: P(A < B) is 0
    assert json.loads(out)["climate_change"]["p_a_lower"] == 0.0
