"""benchmarks/bench_dask.py runs on a tiny size and finds the cluster's scores identical to serial."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import ROOT

pytest.importorskip("distributed")


def test_bench_dask_reports_identical_scores(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_dask", ROOT / "benchmarks" / "bench_dask.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = tmp_path / "dask.json"
    study = str(ROOT / "scenarios" / "patterson2021_gpt3.toml")
    assert bench.main(["--samples", "3000", "--workers", "1", "--repeats", "1", "--study", study,
                       "--json", str(report)]) == 0
    rows = json.loads(report.read_text())["rows"]
    assert [row["workers"] for row in rows] == [0, 1]
    assert all(row["identical"] and row["samples_per_s"] > 0 and row["cpu_s"] > 0 for row in rows)
    assert "| 1 worker |" in capsys.readouterr().out
