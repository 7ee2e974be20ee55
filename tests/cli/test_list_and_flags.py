"""Issue 12's command-line fixes: ``lca list flows``, ``lca list`` tables at most 120 characters wide
(JSON whole), and ``lca sensitivity --analysis`` with ``--method`` the impact method as in ``lca run``."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

import lca
from lca.cli.study import LIST_WIDTH, fit_columns

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


@pytest.mark.parametrize("what", ["parameters", "flows", "processes", "methods"])
def test_list_tables_fit_in_120_characters(capsys, what):
    status, out, err = run_cli(capsys, "list", what, FLAGSHIP)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= LIST_WIDTH == 120
    status, js, _ = run_cli(capsys, "list", what, FLAGSHIP, "--format", "json")
    records = json.loads(js)
    assert len(lines) == len(records) + 2  # header and rule, then one line per record
    ids = [line.split()[0] for line in lines[2:]]
    assert ids == [next(iter(r.values())) for r in records]  # ids are never cut


def test_parameter_json_keeps_whole_sources(capsys):
    model = lca.load_study(FLAGSHIP)
    _, js, _ = run_cli(capsys, "list", "parameters", FLAGSHIP, "--format", "json")
    records = {r["parameter"]: r for r in json.loads(js)}
    longest = max(model.parameters.values(), key=lambda p: len(p.source or ""))
    assert len(longest.source) > LIST_WIDTH
    assert records[longest.name]["source"] == longest.source
    _, table, _ = run_cli(capsys, "list", "parameters", FLAGSHIP)
    row = next(line for line in table.splitlines() if line.startswith(longest.name + " "))
    assert row.endswith("...") and longest.source.startswith(row.split("  ")[-1].strip()[:-3])


def test_list_flows_of_the_flagship(capsys):
    model = lca.load_study(FLAGSHIP)
    status, js, _ = run_cli(capsys, "list", "flows", FLAGSHIP, "--format", "json")
    assert status == 0
    records = json.loads(js)
    assert [r["flow"] for r in records] == list(model.flows)
    co2 = next(r for r in records if r["flow"] == "carbon_dioxide_fossil_air")
    # issue 12's catalogue: every row has its name, unit and source (for a flow, the file that defines it)
    assert co2 == {"flow": "carbon_dioxide_fossil_air", "name": "Carbon dioxide, fossil", "unit": "kg",
                   "compartment": "air", "cas": "124-38-9", "source": "lca:flows/elementary.toml",
                   "file": "lca:flows/elementary.toml"}
    _, table, _ = run_cli(capsys, "list", "flows", FLAGSHIP)
    assert table.splitlines()[0].split() == ["flow", "name", "unit", "compartment", "cas", "source"]


def test_fit_columns_cuts_the_widest_cuttable_column_first():
    headers = ["parameter", "value", "source"]
    fitted = fit_columns(headers, [["id", "v" * 50, "s" * 100]], 80, ("value", "source"))
    widths = [max(len(h), len(c)) for h, c in zip(headers, fitted[0])]
    assert sum(widths) + 4 == 80  # two spaces between columns
    # source is cut to value's width first, then both alike: 67 characters for the two
    assert fitted[0] == ["id", "v" * 30 + "...", "s" * 31 + "..."]
    # nothing to cut: left whole even if wider than asked
    assert fit_columns(["id"], [["x" * 200]], 80, ()) == [["x" * 200]]


# one item emits 2 kg of fossil methane: 59.6 kg CO2-eq with AR6's GWP100 (29.8), 60.0 with AR5's (30)
METHANE = """
include = ["lca:flows/elementary.toml", "lca:methods/ipcc_ar6_gwp100.toml", "lca:methods/ipcc_ar5_gwp100.toml"]
methods = ["ipcc_ar6_gwp100"]
[study]
name = "methane"
functional_unit = "one item"
[demand]
service = { amount = 1, unit = "item" }
[parameters.methane]
value = 2.0
unit = "kg"
source = "hand-made test"
uncertainty = { distribution = "lognormal", gsd = 1.2 }
[processes.service]
name = "service"
unit = "item"
stage = "use"
source = "hand-made test"
biosphere = [{ flow = "methane_fossil_air", amount = "methane", unit = "kg" }]
"""


def test_sensitivity_method_is_the_impact_method(tmp_path, capsys):
    path = tmp_path / "methane.toml"
    path.write_text(METHANE, encoding="utf-8")
    argv = ("sensitivity", str(path), "--analysis", "oat", "--category", "climate_change", "--format", "json")
    status, ar6, err = run_cli(capsys, *argv)
    assert status == 0, err
    status, ar5, _ = run_cli(capsys, *argv, "--method", "ipcc_ar5_gwp100")
    assert status == 0
    assert json.loads(ar6)["climate_change"]["methane"]["baseline"] == pytest.approx(59.6, rel=1e-12)
    assert json.loads(ar5)["climate_change"]["methane"]["baseline"] == pytest.approx(60.0, rel=1e-12)


@pytest.mark.parametrize("analysis", ["oat", "spearman", "sobol"])
def test_old_method_flag_says_the_new_one(capsys, analysis):
    status, out, err = run_cli(capsys, "sensitivity", GPT3, "--method", analysis)
    assert status == 2 and out == ""
    assert err == (f"error: --method {analysis}: the sensitivity analysis is now chosen with --analysis {analysis}; "
                   "--method names an impact method, as in lca run\n")


def test_old_impact_method_flag_says_the_new_one(capsys):
    status, out, err = run_cli(capsys, "sensitivity", GPT3, "--impact-method", "ipcc_ar5_gwp100")
    assert status == 2 and out == ""
    assert err == "error: --impact-method was renamed --method, as in lca run: --method ipcc_ar5_gwp100\n"


def test_default_analysis_is_spearman(capsys):
    status, out, _ = run_cli(capsys, "sensitivity", GPT3, "--samples", "200", "--quiet")
    assert status == 0 and out.startswith("climate_change (kg CO2-eq), spearman, 200 model evaluations")
