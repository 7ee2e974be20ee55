"""The openLCA round trip with formulas, from the command line: ``lca export --format olca``,
``lca import``, ``lca run`` give the same scores as ``lca run`` of the study to 1e-9, and so does
``--set`` of a parameter on both sides (the imported amounts are formulas of it again)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli as run

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def scores(capsys, scenario, *sets):
    status, out, err = run(capsys, "run", str(scenario), "--format", "json", *sets)
    assert status == 0, err
    return {c: i["value"] for c, i in json.loads(out)["impacts"].items()}


@pytest.mark.parametrize("scenario, sets", [
    # the servers' service life (years) and the grids of the datacenter (US) and of the fabs (TW), kg CO2-eq/kWh
    (FLAGSHIP, ("--set", "hardware_lifetime_years=6", "--set", "grid_intensity_us=0.25",
                "--set", "grid_intensity_tw=0.7")),
    # the processors' power (W) and the datacenter's PUE
    (GPT3, ("--set", "chip_power=400", "--set", "pue=1.3")),
])
def test_round_trip_with_parameters_set_on_both_sides(capsys, tmp_path, scenario, sets):
    zip_path, out = tmp_path / "study.zip", tmp_path / "imported"
    status, stdout, err = run(capsys, "export", scenario, "--format", "olca", "--out", str(zip_path))
    assert status == 0, err
    assert "amounts as openLCA formulas of the parameters" in stdout
    status, stdout, err = run(capsys, "import", str(zip_path), "--out", str(out))
    assert status == 0, err
    (imported,) = [p for p in out.glob("*.toml") if p.name != "inventory.toml"]
    expected, got = scores(capsys, scenario), scores(capsys, imported)
    assert len(expected) == (7 if scenario == FLAGSHIP else 1) and set(got) == set(expected)
    for category, value in expected.items():
        assert got[category] == pytest.approx(value, rel=1e-9), category
    moved, moved_back = scores(capsys, scenario, *sets), scores(capsys, imported, *sets)
    assert moved["climate_change"] != pytest.approx(expected["climate_change"], rel=1e-3)  # the parameters matter
    for category, value in moved.items():
        assert moved_back[category] == pytest.approx(value, rel=1e-9), category


def test_flagship_lists_what_stays_a_value(capsys, tmp_path):
    status, _stdout, err = run(capsys, "export", FLAGSHIP, "--format", "olca", "--out", str(tmp_path / "f.zip"))
    assert status == 0
    assert err.count("formulas or parameters are exported (in part) as values") == 1
    assert "warning: 1 (" in err and "memory_vs_logic_intensity: its pert uncertainty has no openLCA form" in err
    assert "study's choice" not in err  # choices are openLCA parameters now
