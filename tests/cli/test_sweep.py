"""``lca sweep``: the flagship grid against ``lca run --set``, the formats, and bad input (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from conftest import run_cli

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def test_flagship_grid_equals_lca_run_set_of_each_scenario(capsys):
    status, out, err = run_cli(capsys, "sweep", FLAGSHIP, "--grid", "grid_region=us,fr,cn", "--grid",
                               "pue=1.1,1.35", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["parameters"] == ["grid_region", "pue"] and len(data["scenarios"]) == 6
    assert [tuple(s["parameters"].values()) for s in data["scenarios"]] == [
        ("us", 1.1), ("us", 1.35), ("fr", 1.1), ("fr", 1.35), ("cn", 1.1), ("cn", 1.35)]
    for scenario in data["scenarios"]:
        region, pue = scenario["parameters"]["grid_region"], scenario["parameters"]["pue"]
        _, single, _ = run_cli(capsys, "run", FLAGSHIP, "--set", f"grid_region={region}", "--set", f"pue={pue}",
                               "--format", "json")
        impacts = json.loads(single)["impacts"]
        assert list(scenario["impacts"]) == list(impacts)
        for category, value in scenario["impacts"].items():
            assert value == pytest.approx(impacts[category]["value"], rel=1e-12), (region, pue, category)
            assert data["units"][category] == impacts[category]["unit"]
    # the regions differ: the grid factor of France is a fraction of that of China
    climate = [s["impacts"]["climate_change"] for s in data["scenarios"]]
    assert climate[2] < climate[0] < climate[4]


def test_csv_table_and_json_agree(tmp_path, capsys):
    table = tmp_path / "scenarios.csv"
    table.write_text("grid_region,pue,accelerator\nus,1.1,v100\nfr,1.2,h100\n", encoding="utf-8")
    _, out, _ = run_cli(capsys, "sweep", FLAGSHIP, "--scenarios", str(table), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    _, js, _ = run_cli(capsys, "sweep", FLAGSHIP, "--scenarios", str(table), "--format", "json")
    scenarios = json.loads(js)["scenarios"]
    assert [r["accelerator"] for r in rows] == ["v100", "h100"]
    assert [float(r["climate_change [kg CO2-eq]"]) for r in rows] == [s["impacts"]["climate_change"]
                                                                       for s in scenarios]
    _, single, _ = run_cli(capsys, "run", FLAGSHIP, "--set", "grid_region=fr", "--set", "pue=1.2", "--set",
                           "accelerator=h100", "--format", "json")
    assert scenarios[1]["impacts"]["climate_change"] == pytest.approx(
        json.loads(single)["impacts"]["climate_change"]["value"], rel=1e-12)


def test_table_output_and_samples(capsys):
    status, out, _ = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.1,1.2", "--samples", "300", "--seed", "2",
                             "--quiet")
    assert status == 0
    assert "2 scenarios, 300 samples each (seed 2, random)" in out
    assert "climate_change 97.5% [kg CO2-eq]" in out.splitlines()[1]
    _, js, _ = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.1,1.2", "--samples", "300", "--seed", "2",
                       "--format", "json")
    again = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.1,1.2", "--samples", "300", "--seed", "2",
                    "--format", "json")[1]
    assert js == again
    record = json.loads(js)["scenarios"][1]["impacts"]["climate_change"]
    assert record["percentiles"]["2.5"] < record["mean"] < record["percentiles"]["97.5"]


def test_output_file(tmp_path, capsys):
    target = tmp_path / "out.csv"
    status, out, _ = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.2", "--format", "csv", "--output", str(target))
    assert status == 0 and out == ""
    pue, score = target.read_text(encoding="utf-8").splitlines()[1].split(",")
    assert float(pue) == 1.2 and float(score) == pytest.approx(603428.0, rel=1e-6)


def test_parquet(tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "out.parquet"
    status, _, err = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.1,1.2", "--format", "parquet",
                             "--output", str(target))
    assert status == 0, err
    table = pq.read_table(target).to_pydict()
    assert table["pue"] == [1.1, 1.2]
    assert table["climate_change [kg CO2-eq]"] == pytest.approx([553142.3, 603428.0], rel=1e-6)


def test_parquet_without_pyarrow_is_one_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    status, out, err = run_cli(capsys, "sweep", GPT3, "--grid", "pue=1.1", "--format", "parquet",
                               "--output", str(tmp_path / "x.parquet"))
    assert status == 2 and out == ""
    assert err == "error: --format parquet needs pyarrow, which is not installed (pip install 'lca[parquet]')\n"


@pytest.mark.parametrize(("csv_text", "message"), [
    ("gpus\n8\n", "error: {path}: line 2 gpus: no such parameter"),
    ("chip_power [kg]\n300\n", "error: {path}: line 2 chip_power: 'chip_power' is in W"),
    ("chip_power [furlongs]\n300\n", "error: {path}: line 2 chip_power"),
    ("pue\n1.1\nfast\n", "error: {path}: line 3 pue: cannot read 'fast' as a number"),
    ("", "error: {path}: empty scenario table"),
    ("pue,chip_power\n1.1,300\n1.2\n", "error: {path}: line 3: 1 cells, the header has 2"),
])
def test_malformed_tables_exit_2_naming_file_and_row(tmp_path, capsys, csv_text, message):
    path = tmp_path / "scenarios.csv"
    path.write_text(csv_text, encoding="utf-8")
    status, out, err = run_cli(capsys, "sweep", GPT3, "--scenarios", str(path))
    assert status == 2 and out == ""
    assert err.startswith(message.format(path=path)) and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(("argv", "message"), [
    (("--grid", "pue=1.1,x"), "error: --grid scenario 2 pue: cannot read 'x'"),
    (("--grid", "pue"), "error: --grid 'pue': expected NAME=V1,V2,..."),
    (("--grid", "a=" + ",".join(map(str, range(1001))), "--grid", "b=" + ",".join(map(str, range(1001)))),
     "error: --grid: 1001 x 1001 = 1,002,001 scenarios, more than the 1,000,000 a sweep takes"),
    (("--grid", "pue=1.1", "--format", "parquet"), "error: --format parquet writes a binary file: give --output FILE"),
])
def test_malformed_grids_exit_2(capsys, argv, message):
    status, out, err = run_cli(capsys, "sweep", GPT3, *argv)
    assert status == 2 and out == "" and err.startswith(message) and err.count("\n") == 1


def test_samples_equal_lca_run_set_samples_of_each_scenario(capsys):
    # grid_intensity is lognormal (its spread moves with the value), pue triangular (dropped,
    # as lca run --set drops it); the other parameters take the same draws in both
    argv = ("--samples", "400", "--seed", "5", "--sampler", "lhs", "--format", "json", "--quiet")
    _, out, _ = run_cli(capsys, "sweep", GPT3, "--grid", "grid_intensity=0.2,0.6", "--grid", "pue=1.15", *argv)
    for scenario in json.loads(out)["scenarios"]:
        sets = [x for name, value in scenario["parameters"].items() for x in ("--set", f"{name}={value}")]
        _, single, _ = run_cli(capsys, "run", GPT3, *sets, *argv)
        reference = json.loads(single)["impacts"]["climate_change"]["uncertainty"]
        record = scenario["impacts"]["climate_change"]
        assert record["mean"] == pytest.approx(reference["mean"], rel=1e-12)
        for p in ("2.5", "97.5"):
            assert record["percentiles"][p] == pytest.approx(reference["percentiles"][p], rel=1e-12)
