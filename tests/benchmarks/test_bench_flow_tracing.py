"""The flow-tracing benchmark runs on the sample and a tiny synthetic grid, and checks what it claims."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
from conftest import ROOT


def load():
    spec = importlib.util.spec_from_file_location("bench_flow_tracing", ROOT / "benchmarks" / "bench_flow_tracing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_agrees_with_the_dense_loop_and_conserves_emissions(tmp_path, capsys):
    bench = load()
    out = tmp_path / "r.json"
    assert bench.main(["--synthetic", "24x7", "--repeat", "1", "--json", str(out)]) == 0
    records = json.loads(out.read_text())
    assert [(r["hours"], r["areas"]) for r in records] == [(168, 6), (24, 7)]
    for record in records:
        assert record["max_rel_diff"] < 1e-12 and record["conservation_rel_error"] < 1e-12
    assert "| sample week | 168 | 6 |" in capsys.readouterr().out


def test_synthetic_grids_are_balanced():
    P, F, ID = load().synthetic(5, 9, seed=1)
    np.testing.assert_array_equal(ID, -ID.transpose(0, 2, 1))
    assert np.all(P - ID.sum(axis=2) > 0)  # every area keeps part of its generation
