"""``--workers N`` and ``--scheduler ADDRESS``: the same bytes as the serial command, and one
clear error (exit 2) when Dask is missing or the cluster cannot be had."""

from __future__ import annotations

import sys

import pytest
from conftest import run_cli

import lca.uncertainty.distributed as distributed_module

pytest.importorskip("distributed")

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("workers", ["1", "2"])
def test_run_with_workers_is_byte_identical(capsys, workers):
    # the done-when, on fewer samples: several default-size chunks per worker
    argv = ("run", FLAGSHIP, "--samples", "7000", "--seed", "3", "--format", "json", "--quiet")
    status, serial, _ = run_cli(capsys, *argv)
    assert status == 0
    status, spread, err = run_cli(capsys, *argv, "--workers", workers)
    assert status == 0, err
    assert spread == serial
    assert '"samples": 7000' in spread


def test_compare_and_sensitivity_on_a_running_cluster_are_byte_identical(capsys, scheduler):
    for argv in (("compare", FLAGSHIP, FLAGSHIP, "--set-b", "grid_region=fr", "--samples", "1500"),
                 ("sensitivity", FLAGSHIP, "--analysis", "spearman", "--samples", "1500"),
                 ("sensitivity", GPT3, "--analysis", "sobol", "--samples", "512"),
                 ("sensitivity", GPT3, "--analysis", "oat")):
        argv = (*argv, "--seed", "4", "--format", "json", "--quiet")
        status, serial, _ = run_cli(capsys, *argv)
        assert status == 0
        status, spread, err = run_cli(capsys, *argv, "--scheduler", scheduler)
        assert (status, err) == (0, "")
        assert spread == serial, argv[:4]


def test_without_dask_the_flags_give_one_clear_error(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    status, out, err = run_cli(capsys, "run", GPT3, "--samples", "100", "--workers", "2")
    assert (status, out) == (2, "")
    assert err == "error: running on a cluster needs dask.distributed, which is not installed: pip install 'lca[dask]'\n"


@pytest.mark.parametrize("argv, message", [
    (("run", GPT3, "--samples", "100", "--workers", "0"), "error: --workers must be at least 1, got 0\n"),
    (("run", GPT3, "--workers", "2"), "error: --workers and --scheduler run Monte Carlo: give --samples N too\n"),
    (("sensitivity", GPT3, "--workers", "-1"), "error: --workers must be at least 1, got -1\n"),
])
def test_bad_worker_counts(capsys, argv, message):
    assert run_cli(capsys, *argv) == (2, "", message)


def test_both_flags_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_cli(capsys, "run", GPT3, "--samples", "10", "--workers", "1", "--scheduler", "tcp://127.0.0.1:1")
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_a_user_error(capsys, monkeypatch):
    monkeypatch.setattr(distributed_module, "CONNECT_TIMEOUT", "1s")
    status, out, err = run_cli(capsys, "compare", GPT3, GPT3, "--samples", "100", "--scheduler", "tcp://127.0.0.1:9")
    assert (status, out) == (2, "")
    assert err.startswith("error: --scheduler tcp://127.0.0.1:9: cannot reach a Dask scheduler (")
    assert err.count("\n") == 1
