"""benchmarks/bench_versions.py on a tiny database: two versions (here the same one twice)
run in turn in fresh interpreters and report the splitting each loop got."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_versions_runs_each_version_in_turn(tmp_path, capsys):
    module = load("bench_versions", ROOT / "benchmarks" / "bench_versions.py")
    # the smoke tests' tiny hub database
    npz = load("smoke", ROOT / "tests" / "benchmarks" / "test_smoke.py").tiny_database(tmp_path / "tiny.npz")
    out = tmp_path / "versions.json"
    assert module.main([str(npz), "--version", f"a={ROOT}", "--version", f"b={ROOT}", "--samples", "64",
                        "--chunk", "32", "--rounds", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())["tiny.npz"]
    assert set(result) == {"a", "b"} and all(len(runs) == 1 for runs in result.values())
    assert result["a"][0]["splittings"] == result["b"][0]["splittings"]  # same code, same plan
    assert all(r[0]["cpu_ms_per_iteration"] > 0 for r in result.values())
    assert "| tiny.npz |" in capsys.readouterr().out
