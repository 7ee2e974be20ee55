"""Issue 12's done-when, as a user runs it: in an empty folder outside the clone, the installed
``lca`` console script writes a study with ``lca new`` and runs it with ``lca run``; ``lca list
flows`` lists the shipped flows."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest


def _installed_helpers():
    # tests/cli/test_installed.py runs the console script as a user would; it is not on the
    # tests' import path (only tests/ is), so it is loaded from beside this file
    spec = importlib.util.spec_from_file_location("installed_helpers", Path(__file__).with_name("test_installed.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lca_cli = _installed_helpers().lca_cli

# 8 x (10.2 kW / 8) x 0.754 x 10 h x PUE 1.15 at the German grid, as tests/cli/test_new_and_quick.py
USE_KWH = 8 * 10.2 / 8 * 0.754 * 10 * 1.15


def test_new_then_run_in_an_empty_folder(tmp_path):
    done = lca_cli(tmp_path, "new", "training", "--accelerator", "h100", "--count", "8", "--hours", "10",
                   "--region", "de", "--out", "x.toml")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["x.toml"]
    ran = lca_cli(tmp_path, "run", "x.toml")
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0] == "AI training run on 8 x h100 for 10 h, grid de (lca new training)"
    assert [line.split()[0] for line in lines[4:11]] == [
        "climate_change", "water_consumption", "water_scarcity", "human_toxicity_cancer",
        "human_toxicity_non_cancer", "abiotic_depletion_elements", "abiotic_depletion_fossil"]
    data = json.loads(lca_cli(tmp_path, "run", "x.toml", "--format", "json").stdout)
    assert data["energy"]["by_process"]["electricity_de"] == pytest.approx(USE_KWH, rel=1e-12)


def test_list_flows_of_the_installed_inventories(tmp_path):
    done = lca_cli(tmp_path, "list", "flows")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["flow", "name", "unit", "compartment", "cas", "source"]
    assert any(line.startswith("carbon_dioxide_fossil_air ") and line.endswith("lca:flows/elementary.toml")
               for line in lines)
    assert max(len(line) for line in lines) <= 120
