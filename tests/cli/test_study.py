"""The study commands (lca.cli.study): run in table, CSV and JSON, --set overrides, list, validate
and sources."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import run_cli

from lca.cli import main
from lca.load.resources import data_folder

GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def test_table_shows_value_unit_and_stages(capsys):
    code, out, _ = run_cli(capsys, "run", GPT3)
    assert code == 0
    assert "climate_change" in out and "kg CO2-eq" in out and "553,142.3" in out and "use" in out


def test_csv_totals_match_json(capsys):
    _, out, _ = run_cli(capsys, "run", GPT3, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    total = [r for r in rows if r["scope"] == "total" and r["category"] == "climate_change"][0]
    _, js, _ = run_cli(capsys, "run", GPT3, "--format", "json")
    assert float(total["value"]) == json.loads(js)["impacts"]["climate_change"]["value"]


def test_set_overrides_with_units(capsys):
    _, base, _ = run_cli(capsys, "run", GPT3, "--format", "json")
    _, changed, _ = run_cli(capsys, "run", GPT3, "--format", "json", "--set", "pue=1.2", "--set", "chip_power=0.3 kW")
    base_value = json.loads(base)["impacts"]["climate_change"]["value"]
    changed_value = json.loads(changed)["impacts"]["climate_change"]["value"]
    assert changed_value == pytest.approx(base_value * (1.2 / 1.1) * (300 / 330), rel=1e-12)


def test_json_is_byte_identical_between_runs(tmp_path):
    # -m puts the working directory on sys.path: run outside the clone so the installed lca is used
    command = [sys.executable, "-m", "lca.cli", "run", GPT3, "--format", "json"]
    first = subprocess.run(command, capture_output=True, check=True, cwd=tmp_path).stdout
    second = subprocess.run(command, capture_output=True, check=True, cwd=tmp_path).stdout
    assert first == second and first.startswith(b"{")


@pytest.mark.parametrize("what, expected", [
    ("processes", "training_run"), ("methods", "ipcc_ar5_gwp100"), ("parameters", "grid_intensity"),
])
def test_list(capsys, what, expected):
    code, out, _ = run_cli(capsys, "list", what, GPT3)
    assert code == 0 and expected in out


def test_validate_reports_each_file(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[processes.x]\nunit = "kg"\nstage = "use"\n[[processes.x.biosphere]]\nflow = "nope"\n'
                   'amount = 1\nunit = "kg"\n')
    code, out, err = run_cli(capsys, "validate", GPT3, str(bad))
    assert code == 2
    assert "ok: " in out and "patterson2021_gpt3.toml" in out
    assert "bad.toml: processes.x.biosphere[0] (nope): unknown elementary flow 'nope'" in err


def test_every_shipped_file_validates(capsys):
    files = [f"lca:{folder}/{path.relative_to(data_folder(folder)).as_posix()}"
             for folder in ("inventories", "scenarios") for path in sorted(data_folder(folder).rglob("*.toml"))]
    code, out, err = run_cli(capsys, "validate", *files)
    assert code == 0, err
    assert out.count("ok: ") == len(files)


def test_cli_sources_lists_every_number_with_a_source(capsys):
    assert main(["sources", "lca:scenarios/strubell2019_bert_base.toml", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["source"] for r in rows)
    assert {r["name"] for r in rows if r["kind"] == "parameter"} == {
        "n_chips", "chip_power", "duration", "pue", "grid_intensity"}
