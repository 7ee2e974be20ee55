"""``lca export --format olca`` and ``lca import`` from the command line: the flagship's seven
scores survive the round trip to 1e-9, and every user mistake is one message, exit status 2,
with nothing written."""

from __future__ import annotations

import json
import sys

import olca_schema as o
import pytest
from conftest import run_cli as run
from olca_helpers import GWP, hand_built
from olca_schema import zipio

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def scores(capsys, scenario):
    status, out, err = run(capsys, "run", str(scenario), "--format", "json")
    assert status == 0, err
    return {c: i["value"] for c, i in json.loads(out)["impacts"].items()}


def test_flagship_round_trip_gives_the_same_seven_scores(capsys, tmp_path):
    zip_path, out = tmp_path / "flagship.zip", tmp_path / "imported"
    status, stdout, err = run(capsys, "export", FLAGSHIP, "--format", "olca", "--out", str(zip_path))
    assert status == 0, err
    assert "299 Process" in stdout and "7 ImpactCategory" in stdout and "1 ProductSystem" in stdout
    assert err.count("have an uncertainty with no openLCA form") == 1
    with zipio.ZipReader(zip_path) as reader:
        assert len(list(reader.read_each(o.Process))) == 299
    status, stdout, err = run(capsys, "import", str(zip_path), "--out", str(out))
    assert status == 0, err
    assert "299 processes, 7 impact categories, 1 scenario" in stdout
    (scenario,) = [p for p in out.glob("*.toml") if p.name != "inventory.toml"]
    expected, got = scores(capsys, FLAGSHIP), scores(capsys, scenario)
    assert len(expected) == 7 and set(got) == set(expected)
    for category, value in expected.items():
        assert got[category] == pytest.approx(value, rel=1e-9), category


def test_gpt3_exports(capsys, tmp_path):
    zip_path = tmp_path / "gpt3.zip"
    status, stdout, _err = run(capsys, "export", GPT3, "--format", "olca", "--out", str(zip_path))
    assert status == 0
    assert "'patterson2021_gpt3': 3 UnitGroup, 3 FlowProperty, 4 Flow, 3 Process" in stdout
    assert "2 amounts as openLCA formulas of the parameters" in stdout


def test_hand_built_zip_runs(capsys, tmp_path):
    out = tmp_path / "imported"
    status, stdout, err = run(capsys, "import", str(hand_built(tmp_path / "db.zip")), "--out", str(out))
    assert status == 0, err
    assert "- process 'hard coal mining': exchange 4 (ash): co-product dropped" in stdout  # the report is printed
    assert scores(capsys, out / "server_use.toml") == {"climate_change_gwp100": pytest.approx(GWP, rel=1e-12)}


@pytest.mark.parametrize("problem, message", [
    ("not a zip", "not a zip file"),
    ("missing provider", "default provider: refers to process"),
    ("bad unit", "has no lca unit"),
])
def test_malformed_input_is_exit_2_and_writes_nothing(capsys, tmp_path, problem, message):
    path = tmp_path / "db.zip"
    if problem == "not a zip":
        path.write_text("PK? no")
    elif problem == "missing provider":
        hand_built(path, provider_id="99999999-0000-4000-8000-000000000000")
    else:
        hand_built(path, reference_unit="zorkmid")
    status, out, err = run(capsys, "import", str(path), "--out", str(tmp_path / "imported"))
    assert status == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.zip"]


def test_export_mistakes(capsys, tmp_path, monkeypatch):
    status, _out, err = run(capsys, "export", GPT3, "--format", "olca")
    assert status == 2 and err == "error: --format olca needs --out FILE.zip\n"
    status, _out, err = run(capsys, "export", GPT3, "--format", "olca", "--out", str(tmp_path / "no" / "x.zip"))
    assert status == 2 and "the folder" in err and "does not exist" in err
    monkeypatch.setitem(sys.modules, "olca_schema", None)
    status, _out, err = run(capsys, "export", GPT3, "--format", "olca", "--out", str(tmp_path / "x.zip"))
    assert status == 2 and 'install the extra: pip install "lca[olca]"' in err
    status, _out, err = run(capsys, "import", str(tmp_path / "x.zip"), "--out", str(tmp_path / "imported"))
    assert status == 2 and 'install the extra: pip install "lca[olca]"' in err
    assert list(tmp_path.iterdir()) == []
