"""What a user installs: the ``lca`` console script run from a folder outside the clone, on a
shipped study and on a new study that includes only shipped (``lca:``) inventories; the import
resolving to site-packages in CI; the wheel carrying every inventory and scenario file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

import lca
from lca.load.resources import data_folder

# README, "Quick start": the flagship's climate change, kg CO2-eq.
FLAGSHIP_CLIMATE = 519_950.7

# A new study in an empty folder: one DGX H100 node fine-tuning for three days on the French
# grid. Every inventory, method and table comes from the installed package; the node's power has
# a pedigree-matrix uncertainty (Weidema et al. 2013 scores, basic GSD 1.05).
FINE_TUNING = '''
include = [
  "lca:hardware/products.toml",
  "lca:datacenter.toml",
  "lca:electricity.toml",
  "lca:flows/elementary.toml",
  "lca:methods/ipcc_ar6_gwp100.toml",
  "lca:methods/water_consumption.toml",
]
methods = ["ipcc_ar6_gwp100", "water_consumption"]

[study]
name = "Fine-tuning on one DGX H100 node"
functional_unit = "one fine-tuned model"

[demand]
fine_tuning_run = 1

[parameters.node_power]
value = 10.2
unit = "kW"
source = "NVIDIA DGX H100 datasheet, maximum system power"
uncertainty = { pedigree = [2, 3, 2, 1, 3], basic_gsd = 1.05 }

[parameters.training_time]
value = 72
unit = "h"
source = "study choice: three days"

[parameters.hardware_lifetime]
value = 35040
unit = "h"
source = "four years of service, as in the flagship study"

[parameters.grid_region]
value = "fr"

[processes.fine_tuning_run]
unit = "item"
stage = "use"
source = "study choice"
technosphere = [
  { product = "it_energy", amount = "node_power * training_time", unit = "kWh" },
  { product = "server_dgx_h100", amount = "training_time / hardware_lifetime", unit = "item" },
]
'''


def lca_command() -> list[str]:
    """The console script pip installed next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("lca.exe" if os.name == "nt" else "lca")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lca.cli"]


def lca_cli(cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    """Run ``lca ARGV`` in *cwd*, a folder outside the clone, as a user would."""
    assert ROOT not in cwd.resolve().parents, "the test folder must be outside the clone"
    return subprocess.run([*lca_command(), *argv], cwd=cwd, capture_output=True, text=True, timeout=600)


def run_json(cwd: Path, *argv: str) -> dict:
    done = lca_cli(cwd, "run", *argv, "--format", "json", "--quiet")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def fine_tuning(tmp_path) -> Path:
    path = tmp_path / "fine_tuning.toml"
    path.write_text(textwrap.dedent(FINE_TUNING), encoding="utf-8")
    return path


def test_shipped_flagship_runs_by_its_lca_name(tmp_path):
    data = run_json(tmp_path, "lca:scenarios/llm_training_lifecycle.toml")
    climate = data["impacts"]["climate_change"]
    assert climate["unit"] == "kg CO2-eq"
    assert climate["value"] == pytest.approx(FLAGSHIP_CLIMATE, rel=1e-6)
    assert sum(climate["by_stage"].values()) == pytest.approx(climate["value"], rel=1e-12)


def test_new_study_on_shipped_inventories_with_a_pedigree_uncertainty(fine_tuning):
    folder = fine_tuning.parent
    central = run_json(folder, fine_tuning.name)
    climate = central["impacts"]["climate_change"]
    # the console script gives what the library gives in this process
    assert climate["value"] == pytest.approx(
        lca.calculate(lca.load_study(fine_tuning)).impacts["climate_change"].value, rel=1e-12)
    # the use stage is IT energy x PUE x grid: linear in the node's power, hardware unchanged
    doubled = run_json(folder, fine_tuning.name, "--set", "node_power=20.4 kW")["impacts"]["climate_change"]
    assert doubled["by_stage"]["use"] == pytest.approx(2 * climate["by_stage"]["use"], rel=1e-12)
    assert doubled["by_stage"]["manufacturing"] == pytest.approx(climate["by_stage"]["manufacturing"], rel=1e-12)

    sampled = run_json(folder, fine_tuning.name, "--samples", "1000", "--seed", "7")
    record = sampled["impacts"]["climate_change"]["uncertainty"]
    assert record["samples"] == 1000 and record["seed"] == 7
    pct = record["percentiles"]
    assert pct["2.5"] < record["median"] < pct["97.5"] and record["std"] > 0
    assert sum(s["mean"] for s in record["by_stage"].values()) == pytest.approx(record["mean"], rel=1e-9)
    assert run_json(folder, fine_tuning.name, "--samples", "1000", "--seed", "7") == sampled

    sources = lca_cli(folder, "sources", fine_tuning.name, "--format", "json")
    assert sources.returncode == 0, sources.stderr
    node_power = next(r for r in json.loads(sources.stdout) if r["name"] == "node_power")
    assert node_power["uncertainty"] == "pedigree (2,3,2,1,3)"
    # a multiplicative input's elasticity is the share of the score that flows through it
    assert node_power["elasticity"]["climate_change"] == pytest.approx(
        climate["by_stage"]["use"] / climate["value"], rel=1e-6)


def test_report_on_the_new_study_writes_html_and_markdown(fine_tuning):
    pytest.importorskip("matplotlib")
    folder = fine_tuning.parent
    done = lca_cli(folder, "report", fine_tuning.name, "--samples", "200", "--out", "report", "--quiet")
    assert done.returncode == 0, done.stderr
    out = folder / "report"
    html = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "Fine-tuning on one DGX H100 node" in html and "Fine-tuning on one DGX H100 node" in markdown
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["impacts"]["climate_change"]["uncertainty"]["samples"] == 200


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI installs lca non-editable; a local clone may not")
def test_ci_imports_the_installed_package_not_the_clone():
    installed = Path(lca.__file__).resolve()
    assert ROOT.resolve() not in installed.parents, f"lca imported from the source tree: {installed}"


@pytest.mark.parametrize("folder", ["inventories", "scenarios"])
def test_every_data_file_of_the_clone_is_installed(folder):
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}

    clone = files(ROOT / folder)
    assert clone, f"{ROOT / folder} is empty"
    assert clone - files(data_folder(folder)) == set()
