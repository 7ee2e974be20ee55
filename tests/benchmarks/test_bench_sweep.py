"""benchmarks/bench_sweep.py on a tiny size: it runs, and its sweep agrees with its loop."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT


def test_bench_sweep_runs_and_agrees(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_sweep", ROOT / "benchmarks" / "bench_sweep.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = tmp_path / "sweep.json"
    assert module.main(["--loop", "3", "--sizes", "3", "12", "--repeats", "1", "--json", str(target)]) == 0
    result = json.loads(target.read_text())
    assert result["loop"]["scenarios"] == 3 and [s["scenarios"] for s in result["sweeps"]] == [3, 12]
    assert all(s["max_rel_diff_vs_loop"] < 1e-12 for s in result["sweeps"])
    assert len({tuple(s.values.items()) for s in module.scenarios(12)}) == 12  # distinct scenarios
    assert "| lca.uncertainty.sweep | 12 |" in capsys.readouterr().out
