"""bench_synthetic.py --json: one summary record per database; the shared kit found from anywhere."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import ROOT

KEYS = {"n", "structure", "lca_it_per_s", "bw2calc_it_per_s", "bw2calc_iterative_it_per_s", "score_rel_diff",
        "plan_cpu_s"}


def bench():
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "benchmarks" / "bench_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_kit(folder):
    """A shared/bench folder whose synthetic.py writes a small random-structure database."""
    kit = folder / "shared" / "bench"
    kit.mkdir(parents=True)
    (kit / "synthetic.py").write_text(
        "import argparse, numpy as np\n"
        "p = argparse.ArgumentParser(); p.add_argument('--n', type=int); p.add_argument('--structure')\n"
        "p.add_argument('--out'); a = p.parse_args(); n = a.n; rng = np.random.default_rng(42)\n"
        "cols = np.repeat(np.arange(n), 5); rows = rng.integers(0, n, 5 * n); keep = rows != cols\n"
        "pairs = np.unique(rows[keep] * n + cols[keep])\n"
        "b = np.unique(rng.integers(0, 10, 3 * n) * n + np.repeat(np.arange(n), 3))\n"
        "np.savez(a.out, n=np.int64(n), n_flows=np.int64(10), n_methods=np.int64(1),\n"
        "  tech_rows=np.concatenate([np.arange(n), pairs // n]), tech_cols=np.concatenate([np.arange(n), pairs % n]),\n"
        "  tech_amount=np.concatenate([np.ones(n), -rng.uniform(0.01, 0.09, len(pairs))]),\n"
        "  tech_sigma=np.concatenate([np.full(n, 0.02), np.full(len(pairs), 0.2)]),\n"
        "  bio_rows=b // n, bio_cols=b % n, bio_amount=rng.uniform(0.1, 10, len(b)), bio_sigma=np.full(len(b), 0.2),\n"
        "  cf_method=np.zeros(10, dtype=int), cf_flow=np.arange(10), cf_value=np.linspace(1, 10, 10),\n"
        "  demand=np.int64(3))\n")
    return kit


def test_json_prints_one_record_per_generated_database_with_the_direct_score(tmp_path, monkeypatch, capsys):
    kit = fake_kit(tmp_path)
    monkeypatch.setenv("LCA_SHARED_BENCH", str(kit))
    data, full = tmp_path / "data", tmp_path / "full.json"
    assert bench().main(["--structure", "random", "--n", "120", "--samples", "64", "--no-bw",
                         "--data", str(data), "--json", str(full)]) == 0
    record = json.loads(capsys.readouterr().out.rsplit("\n\n", 1)[1])[0]
    assert set(record) == KEYS
    assert record["n"] == 120 and record["structure"] == "random" and record["lca_it_per_s"] > 0
    assert record["bw2calc_it_per_s"] is None and record["score_rel_diff"] is None
    arrays = dict(np.load(data / "syn120_random.npz"))  # the recipe generated what it used, and kept it
    matrix = sp.csc_matrix((arrays["tech_amount"], (arrays["tech_rows"], arrays["tech_cols"])), shape=(120, 120))
    supply = spla.spsolve(matrix, np.eye(120)[3])
    inventory = sp.csr_matrix((arrays["bio_amount"], (arrays["bio_rows"], arrays["bio_cols"])), shape=(10, 120)) @ supply
    result = json.loads(full.read_text())[0]
    assert result["largest_loop"] > 100
    assert result["ours"]["deterministic_score"] == pytest.approx(arrays["cf_value"] @ inventory, rel=1e-12)


def test_json_alone_prints_only_the_records(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LCA_SHARED_BENCH", str(fake_kit(tmp_path)))
    assert bench().main(["--structure", "random", "--n", "80", "--samples", "32", "--no-bw", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [set(r) for r in records] == [KEYS]


def test_the_shared_kit_is_found_above_a_clone_wherever_it_is(tmp_path, monkeypatch):
    kit = fake_kit(tmp_path)
    clone = tmp_path / "wt" / "mine" / "benchmarks"
    clone.mkdir(parents=True)
    monkeypatch.delenv("LCA_SHARED_BENCH", raising=False)
    module = bench()
    assert module.find_shared(clone) == kit.resolve()
    monkeypatch.setenv("LCA_SHARED_BENCH", str(tmp_path / "other"))
    assert module.find_shared(clone) == (tmp_path / "other").resolve()


def test_structure_is_read_from_generated_names():
    module = bench()
    assert [module.structure_of(ROOT / name) for name in ("syn2000_random.npz", "syn10000_hub.npz", "tiny.npz")] \
        == ["random", "hub", None]
