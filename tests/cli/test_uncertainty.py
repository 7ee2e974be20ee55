"""The uncertainty commands: ``lca run --samples``, ``lca compare``, ``lca sensitivity``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import run_cli
from uncertain_studies import ADDITIVE, CHOICE, LOGNORMAL_PRODUCT, write_study

GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def test_csv_carries_monte_carlo_statistics(capsys):
    _, out, _ = run_cli(capsys, "run", GPT3, "--format", "csv", "--samples", "500", "--seed", "3", "--quiet")
    rows = {(r["scope"], r["name"]): float(r["value"]) for r in csv.DictReader(io.StringIO(out))}
    _, js, _ = run_cli(capsys, "run", GPT3, "--format", "json", "--samples", "500", "--seed", "3", "--quiet")
    uncertainty = json.loads(js)["impacts"]["climate_change"]["uncertainty"]
    assert rows[("uncertainty", "mean")] == uncertainty["mean"]
    assert rows[("uncertainty", "p97.5")] == uncertainty["percentiles"]["97.5"]


def test_run_with_samples_adds_uncertainty_and_is_byte_identical(tmp_path, capsys):
    path = str(write_study(tmp_path, ADDITIVE))
    status, first, _ = run_cli(capsys, "run", path, "--samples", "4000", "--seed", "3", "--format", "json")
    assert status == 0
    _, second, _ = run_cli(capsys, "run", path, "--samples", "4000", "--seed", "3", "--format", "json")
    assert first == second
    record = json.loads(first)["impacts"]["climate_change"]["uncertainty"]
    assert set(record) >= {"mean", "std", "median", "percentiles", "samples", "sem"}
    assert list(record["percentiles"]) == ["2.5", "5", "25", "75", "95", "97.5"]
    assert record["samples"] == 4000
    assert abs(record["mean"] - 6.5) < 4 * record["sem"]
    assert record["by_stage"]["use"]["mean"] == pytest.approx(0.5)
    _, other, _ = run_cli(capsys, "run", path, "--samples", "4000", "--seed", "4", "--format", "json")
    assert other != first


def test_run_table_shows_the_interval(tmp_path, capsys):
    status, out, err = run_cli(capsys, "run", str(write_study(tmp_path, LOGNORMAL_PRODUCT)), "--samples", "1000",
                           "--sampler", "sobol", "--quiet")
    assert status == 0 and "97.5%" in out and err == ""


def test_compare_json(tmp_path, capsys):
    path = str(write_study(tmp_path, LOGNORMAL_PRODUCT))
    argv = ("compare", path, path, "--set-b", "intensity=4", "--samples", "2000", "--format", "json")
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0
    record = json.loads(out)["climate_change"]
    assert record["p_a_lower"] == 1.0
    assert record["ratio"]["percentiles"]["97.5"] == pytest.approx(0.5)
    assert set(record["difference"]["percentiles"]) == {"2.5", "5", "25", "75", "95", "97.5"}
    assert run_cli(capsys, *argv)[1] == out
    status, table, _ = run_cli(capsys, "compare", path, path, "--set-b", "intensity=4", "--samples", "500")
    assert status == 0 and "P(A<B)" in table


@pytest.mark.parametrize("method,keys", [("oat", {"low", "high", "swing"}), ("spearman", {"rho"}),
                                         ("sobol", {"first_order", "total"})])
def test_sensitivity_json(tmp_path, capsys, method, keys):
    path = str(write_study(tmp_path, CHOICE))
    argv = ("sensitivity", path, "--analysis", method, "--samples", "512", "--format", "json",
            "--category", "climate_change")
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0
    data = json.loads(out)
    assert set(data) == {"climate_change"} and set(data["climate_change"]) == {"region", "load"}
    assert all(keys <= set(v) for v in data["climate_change"].values())
    assert run_cli(capsys, *argv)[1] == out
    assert run_cli(capsys, "sensitivity", path, "--analysis", method, "--samples", "256")[0] == 0


def test_user_mistakes_are_one_line_errors(tmp_path, capsys):
    bad = str(write_study(tmp_path, LOGNORMAL_PRODUCT.replace("gsd = 1.3", "gsd = 1"), "bad"))
    status, out, err = run_cli(capsys, "run", bad, "--samples", "100")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "parameters.intensity.uncertainty" in err and "gsd must be > 1" in err
    good = str(write_study(tmp_path, ADDITIVE))
    status, _, err = run_cli(capsys, "sensitivity", good, "--parameter", "nope")
    assert status == 2 and "nope" in err
    status, _, err = run_cli(capsys, "sensitivity", good, "--category", "water_scarcity")
    assert status == 2 and "water_scarcity" in err
