"""The synthetic JSON-LD database of benchmarks/synthetic_jsonld.py imports and solves to a direct
sparse solve of its arrays, also when the imported inventory is split into included parts."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import ROOT

from lca import calculate, compile_model, load_study
from lca.load import imported
from lca.load.olca import read_olca_zip, write_import


def generator():
    spec = importlib.util.spec_from_file_location("synthetic_jsonld", ROOT / "benchmarks" / "synthetic_jsonld.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def system(n=160, flows=12, methods=3, seed=5):
    """A random system in the layout of the shared kit's synthetic.py: loops anywhere, inputs below 0.5 a column."""
    rng = np.random.default_rng(seed)
    suppliers, consumers = rng.integers(0, n, 4 * n), np.repeat(np.arange(n), 4)
    keep = suppliers != consumers
    pairs = np.unique(suppliers[keep] * n + consumers[keep])
    bio = np.unique(rng.integers(0, flows, 2 * n) * n + np.repeat(np.arange(n), 2))
    return dict(n=n, n_flows=flows, n_methods=methods,
                tech_rows=np.concatenate([np.arange(n), pairs // n]), tech_cols=np.concatenate([np.arange(n), pairs % n]),
                tech_amount=np.concatenate([np.ones(n), -rng.uniform(0.01, 0.1, len(pairs))]),
                tech_sigma=np.concatenate([np.full(n, 0.02), np.full(len(pairs), 0.2)]),
                bio_rows=bio // n, bio_cols=bio % n, bio_amount=rng.uniform(0.1, 10, len(bio)),
                bio_sigma=np.full(len(bio), 0.2), cf_method=np.repeat(np.arange(methods), flows),
                cf_flow=np.tile(np.arange(flows), methods), cf_value=rng.uniform(0.1, 100, methods * flows), demand=7)


@pytest.mark.parametrize("part_bytes", [imported.PART_BYTES, 20_000])
def test_imported_synthetic_database_scores_match_a_direct_solve(tmp_path, monkeypatch, part_bytes):
    data = system()
    zip_path = generator().write_jsonld(data, tmp_path / "tiny.zip")
    monkeypatch.setattr(imported, "PART_BYTES", part_bytes)
    library = read_olca_zip(zip_path)
    out = write_import(library, tmp_path / "out")
    parts = sorted(p.name for p in (out / "inventory-processes").glob("*.toml")) \
        if (out / "inventory-processes").exists() else []
    assert (len(parts) > 3) == (part_bytes == 20_000)
    impacts = calculate(compile_model(load_study(out / library.scenarios[0]))).impacts
    n, flows = int(data["n"]), int(data["n_flows"])
    technosphere = sp.csc_matrix((data["tech_amount"], (data["tech_rows"], data["tech_cols"])), shape=(n, n))
    inventory = sp.csr_matrix((data["bio_amount"], (data["bio_rows"], data["bio_cols"])), shape=(flows, n)) @ \
        spla.spsolve(technosphere, np.eye(n)[int(data["demand"])])
    for m in range(int(data["n_methods"])):
        chosen = data["cf_method"] == m
        expected = data["cf_value"][chosen] @ inventory[data["cf_flow"][chosen]]
        assert impacts[f"category_{m}"].value == pytest.approx(expected, rel=1e-9)


def test_benchmark_runs_ours_and_reports_the_scores(tmp_path, capsys):
    data = system(n=40, flows=5, methods=2)
    zip_path = generator().write_jsonld(data, tmp_path / "tiny.zip")
    spec = importlib.util.spec_from_file_location("bench_olca_import", ROOT / "benchmarks" / "bench_olca_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main([str(zip_path), "--runs", "1", "--no-bw", "--json", str(tmp_path / "r.json")]) == 0
    assert "| **ours: import + run** |" in capsys.readouterr().out
    figures = json.loads((tmp_path / "r.json").read_text())
    assert figures["ours"]["import"] > 0 and figures["ours"]["run"] > 0
    library = read_olca_zip(zip_path)
    out = write_import(library, tmp_path / "out")
    impacts = calculate(compile_model(load_study(out / library.scenarios[0]))).impacts
    assert figures["scores"] == pytest.approx({c.replace("_", " "): i.value for c, i in impacts.items()}, rel=1e-12)
