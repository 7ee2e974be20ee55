"""benchmarks/bench_big_run.py on a tiny import: both parsers give the scores `lca run` gives, the phases are
timed, and a run past the CPU limit is reported as stopped, not as a time."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import ROOT

from lca import calculate, load_study
from lca.load.olca import read_olca_zip, write_import


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    import numpy as np
    folder = tmp_path_factory.mktemp("big-run")
    n = 30
    rng = np.random.default_rng(2)
    pairs = np.unique(rng.integers(0, n, 3 * n) * n + np.repeat(np.arange(n), 3))
    pairs = pairs[pairs // n != pairs % n]
    system = dict(n=n, n_flows=4, n_methods=2, tech_rows=np.concatenate([np.arange(n), pairs // n]),
                  tech_cols=np.concatenate([np.arange(n), pairs % n]),
                  tech_amount=np.concatenate([np.ones(n), -rng.uniform(0.01, 0.1, len(pairs))]),
                  tech_sigma=np.concatenate([np.full(n, 0.02), np.full(len(pairs), 0.2)]),
                  bio_rows=np.arange(n) % 4, bio_cols=np.arange(n), bio_amount=rng.uniform(0.1, 10, n),
                  bio_sigma=np.full(n, 0.2), cf_method=np.array([0, 0, 1, 1]), cf_flow=np.array([0, 1, 2, 3]),
                  cf_value=np.array([1.0, 2.0, 3.0, 4.0]), demand=3)
    library = read_olca_zip(load("synthetic_jsonld").write_jsonld(system, folder / "tiny.zip"))
    return write_import(library, folder / "out") / library.scenarios[0]


def test_both_parsers_give_lca_runs_scores(scenario, tmp_path, capsys):
    bench = load("bench_big_run")
    assert bench.main([str(scenario), "--runs", "1", "--json", str(tmp_path / "r.json")]) == 0
    assert "| new, rtoml |" in capsys.readouterr().out
    figures = json.loads((tmp_path / "r.json").read_text())["variants"]
    assert set(figures) == {"new, rtoml", "new, tomllib"}
    for row in figures.values():
        # CPU clocks here tick in 4 ms steps: a tiny file's parse and solve may read 0, never more than the run
        assert row["finished"] and row["cpu"] > row["toml"] + row["solve"] >= 0
        assert row["score_rel_diff"] == 0.0  # the same numbers either way: the parsers give the same tables
    impacts = calculate(load_study(scenario)).impacts
    result = bench.run_variant(scenario, ROOT, "tomllib", 300)
    assert result["scores"] == pytest.approx({c: i.value for c, i in impacts.items()}, rel=1e-12)


def test_a_run_past_the_cpu_limit_is_stopped(scenario):
    stopped = load("bench_big_run").run_variant(scenario, ROOT, "tomllib", cpu_limit=0)
    assert stopped == {"cpu": stopped["cpu"], "finished": False}
