"""``lca sensitivity --method sobol``: confidence intervals in the JSON and the table, seeded."""

from __future__ import annotations

import json

from conftest import run_cli

GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def test_sobol_json_carries_seeded_intervals(capsys):
    argv = ("sensitivity", GPT3, "--analysis", "sobol", "--samples", "512", "--seed", "8", "--format", "json")
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0
    records = json.loads(out)["climate_change"]
    assert list(records) == ["grid_intensity", "chip_power", "pue", "duration"]
    for record in records.values():
        assert set(record) == {"first_order", "total", "first_order_ci", "total_ci"}
        low, high = record["total_ci"]
        assert low < record["total"] < high
    assert run_cli(capsys, *argv)[1] == out  # the same seed, the same intervals, byte for byte
    other = json.loads(run_cli(capsys, *argv[:-4], "--seed", "9", "--format", "json")[1])["climate_change"]
    assert other["pue"]["total_ci"] != records["pue"]["total_ci"]


def test_sobol_table_shows_the_intervals(capsys):
    status, out, _ = run_cli(capsys, "sensitivity", GPT3, "--analysis", "sobol", "--samples", "256")
    assert status == 0
    header = out.splitlines()[1].split()
    assert header == ["parameter", "first_order", "first_order_ci", "total", "total_ci"]
    assert out.splitlines()[3].split()[2].startswith("[")
