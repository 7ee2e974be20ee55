"""The benchmark scripts run on tiny sizes (no bw2calc needed) and check what they claim."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import ROOT


def script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_database(path, n=150, flows=20, methods=2, seed=3):
    """A database in the layout of /work/shared/bench/synthetic.py (hub structure)."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n + 1)
    suppliers = rng.permutation(n)[rng.choice(n, size=5 * n, p=weights / weights.sum())]
    consumers = np.repeat(np.arange(n), 5)
    keep = suppliers != consumers
    pairs = np.unique(suppliers[keep] * n + consumers[keep])
    bio = np.unique(rng.integers(0, flows, 3 * n) * n + np.repeat(np.arange(n), 3))
    np.savez(path, n=np.int64(n), n_flows=np.int64(flows), n_methods=np.int64(methods),
             tech_rows=np.concatenate([np.arange(n), pairs // n]), tech_cols=np.concatenate([np.arange(n), pairs % n]),
             tech_amount=np.concatenate([np.ones(n), -rng.uniform(0.01, 0.09, len(pairs))]),
             tech_sigma=np.concatenate([np.full(n, 0.02), np.full(len(pairs), 0.2)]),
             bio_rows=bio // n, bio_cols=bio % n, bio_amount=rng.uniform(0.1, 10, len(bio)),
             bio_sigma=np.full(len(bio), 0.2), cf_method=np.repeat(np.arange(methods), flows),
             cf_flow=np.tile(np.arange(flows), methods), cf_value=rng.uniform(0.1, 100, methods * flows),
             demand=np.int64(4))
    return path


def test_synthetic_benchmark_scores_match_a_direct_solve(tmp_path, capsys):
    bench = script("bench_synthetic")
    npz = tiny_database(tmp_path / "tiny.npz")
    report = tmp_path / "r.json"
    assert bench.main([str(npz), "--samples", "200", "--chunk", "64", "--no-bw", "--json", str(report)]) == 0
    result = json.loads(report.read_text())[0]
    assert "| tiny.npz | 150 |" in capsys.readouterr().out
    data = dict(np.load(npz))
    technosphere = sp.csc_matrix((data["tech_amount"], (data["tech_rows"], data["tech_cols"])), shape=(150, 150))
    supply = spla.spsolve(technosphere, np.eye(150)[4])
    inventory = sp.csr_matrix((data["bio_amount"], (data["bio_rows"], data["bio_cols"])), shape=(20, 150)) @ supply
    score = data["cf_value"][:20] @ inventory
    assert result["ours"]["deterministic_score"] == pytest.approx(score, rel=1e-9)
    assert result["ours"]["samples"] == 200 and result["ours"]["iterations_per_s"] > 0


def test_agreement_z_scores_tell_same_from_shifted_distributions():
    bench = script("bench_synthetic")
    rng = np.random.default_rng(0)
    ours = rng.lognormal(np.log(100), 0.1, 4000)
    theirs = rng.lognormal(np.log(100), 0.1, 400)
    same = {"mean": theirs.mean(), "p2.5": np.percentile(theirs, 2.5), "p97.5": np.percentile(theirs, 97.5)}
    assert all(abs(row["z"]) < 4 for row in bench.agreement(ours, same, 400).values())
    shifted = {key: 1.1 * value for key, value in same.items()}
    assert all(abs(row["z"]) > 4 for row in bench.agreement(ours, shifted, 400).values())


def test_flagship_and_sobol_benchmarks_run(tmp_path):
    study = ROOT / "scenarios" / "patterson2021_gpt3.toml"
    assert script("bench_flagship").main(["--study", str(study), "--samples", "2000",
                                          "--json", str(tmp_path / "f.json")]) == 0
    flagship = json.loads((tmp_path / "f.json").read_text())[0]
    assert flagship["samples"] == 2000 and flagship["samples_per_s"] > 0
    assert 0 <= flagship["time_share"]["supply solve (solve_batch)"] <= 1
    assert flagship["p2.5"] < flagship["mean"] < flagship["p97.5"]
    assert script("bench_sobol").main(["--study", str(study), "--parameters", "3", "--base", "64",
                                       "--json", str(tmp_path / "s.json")]) == 0
    sobol = json.loads((tmp_path / "s.json").read_text())
    assert sobol["parameters"] == 3 and sobol["evaluations"] == 64 * 5
