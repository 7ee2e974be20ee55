"""``lca allocate`` (lca.cli.allocate): the JSON contract, the side-by-side table of rules, and
errors naming the file and item."""

from __future__ import annotations

import json

import pytest
from studies import write_lineage_study

from lca.cli import main

STUDY = "lca:scenarios/pretrain_adapt.toml"

ALL_RULES = ["equal", "queries", "tokens", "compute", "economic", "amortized"]


def test_cli_json_contract(capsys):
    assert main(["allocate", str(STUDY), "--rule", "equal", "--rule", "queries", "--rule", "compute",
                 "--rule", "economic", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["rules"]) == ["equal", "queries", "compute", "economic"]
    for rule in data["rules"].values():
        for category, total in rule["total"].items():
            allocated = sum(t[category] for t in rule["targets"].values()) + rule["unallocated"][category]
            assert allocated == pytest.approx(total, rel=1e-9)
        assert {"chat", "translation", "code_completion", "classification", "extractive_qa",
                "summarization"} <= set(rule["targets"])


def test_cli_table_shows_rules_side_by_side(capsys):
    assert main(["allocate", str(STUDY)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("target"))
    assert header.split() == ["target"] + ALL_RULES
    assert "per query" in out and "unallocated: idle capacity" in out and "per deployed model" in out


def test_cli_errors_name_the_file_and_item(tmp_path, capsys):
    path = write_lineage_study(tmp_path, """
[lineage.base]
demand = { train = 1 }
[lineage.a]
parent = "base"
demand = { serve = 10 }
queries = 10
[lineage.b]
parent = "base"
demand = { serve = 30 }
""")
    assert main(["allocate", str(path), "--rule", "queries"]) == 2
    err = capsys.readouterr().err
    assert "study.toml: lineage.b" in err and "needs 'queries'" in err
    bad = write_lineage_study(tmp_path, """
[lineage.base]
demand = { nothing = 1 }
""", "bad.toml")
    assert main(["allocate", str(bad)]) == 2
    assert "lineage.base.demand.nothing: no process makes 'nothing'" in capsys.readouterr().err
    assert main(["allocate", str(path), "--rule", "mass"]) == 2
    assert "unknown allocation rule 'mass'" in capsys.readouterr().err
