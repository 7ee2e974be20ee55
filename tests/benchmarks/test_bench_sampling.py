"""benchmarks/bench_sampling.py: its floor computes the very quantiles Monte Carlo does (so the
ratio compares equal work), and the script runs on a small study."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
from conftest import ROOT

from lca.engine.propagate import prepare
from lca.load import load_study
from lca.uncertainty.sampling import make_design


def script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floor_gives_the_values_monte_carlo_gives():
    bench = script("bench_sampling")
    propagator = prepare(load_study(ROOT / "scenarios" / "llm_training_lifecycle.toml"))
    plan = bench.floor_plan(propagator)
    # the floor's rows are the parameters grouped by family, in the order floor_plan met them
    order = sorted(range(len(propagator.names)),
                   key=lambda r: [f for f, *_ in plan].index(propagator.distributions[propagator.names[r]].family))
    block = make_design(propagator.names, 400, seed=2).block(0, 400)
    floor = bench.floor_block(plan, block[order].copy())
    assert np.allclose(floor, propagator.transform(block)[order], rtol=1e-14, atol=0)


def test_the_script_reports_its_ratios(tmp_path, capsys):
    bench = script("bench_sampling")
    out = tmp_path / "sampling.json"
    assert bench.main(["--study", str(ROOT / "scenarios" / "patterson2021_gpt3.toml"), "--samples", "3000",
                       "--repeats", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["sampled_parameters"] == 4 and result["families"] == {
        "lognormal": 2, "uniform": 1, "triangular": 1}
    assert result["sampling_over_floor"] > 0 and result["by_stage_over_plain"] > 0
    assert json.loads(capsys.readouterr().out)["samples"] == 3000
