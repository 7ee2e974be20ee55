"""``lca export``: Brightway project and datapackage from the command line; every user
mistake is one message and exit status 2, and nothing is left half-written."""

from __future__ import annotations

import json

import pytest
from bw_helpers import bw, load_package, package_views, relative  # noqa: F401

from lca import calculate, load_study
from lca.cli import main
from lca.export import brightway as export_module
from lca.export import common as export_common

# bw2calc imports bw2data, which makes its folder on import: every test gets the temporary one
pytestmark = pytest.mark.usefixtures("bw")
FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def run(capsys, *argv):
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def lca_json(capsys, study):
    status, out, _err = run(capsys, "run", study, "--format", "json")
    assert status == 0
    return json.loads(out)["impacts"]


def test_datapackage_export_reproduces_lca_run(capsys, tmp_path):
    import bw2calc

    out = tmp_path / "flagship.zip"
    status, stdout, err = run(capsys, "export", FLAGSHIP, "--format", "bw-datapackage", "--out", str(out))
    assert status == 0, err
    assert "298 processes and 'functional_unit', 77 elementary flows, 7 methods" in stdout
    # the flagship's formula-driven entries are named once, on stderr
    assert err.count("have an uncertainty with no stats_arrays form") == 1
    package = load_package(out)
    impacts = lca_json(capsys, FLAGSHIP)
    assert len(impacts) == 7
    for category, impact in impacts.items():
        lca = bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1}, data_objs=package_views(package, category))
        lca.lci()
        lca.lcia()
        assert relative(lca.score, impact["value"]) < 1e-9, category


def test_project_export_with_set_and_database_name(bw, capsys):
    import bw2calc

    status, stdout, err = run(capsys, "export", GPT3, "--set", "pue=1.5", "--format", "brightway",
                              "--project", "cli export", "--database", "gpt3 at pue 1.5")
    assert status == 0, err
    assert "databases 'gpt3 at pue 1.5' and 'gpt3 at pue 1.5 biosphere'" in stdout
    bw.projects.set_current("cli export")
    node = bw.get_node(database="gpt3 at pue 1.5", code="functional_unit")
    lca = bw2calc.LCA({node: 1}, method=("lca", "climate_change"))
    lca.lci()
    lca.lcia()
    expected = calculate(load_study(GPT3, overrides={"pue": 1.5})).impacts["climate_change"].value
    assert relative(lca.score, expected) < 1e-9
    assert relative(expected, calculate(load_study(GPT3)).impacts["climate_change"].value) > 0.1  # --set was used


def test_presamples_are_written_and_reported(capsys, tmp_path):
    out = tmp_path / "flagship.zip"
    status, stdout, err = run(capsys, "export", FLAGSHIP, "--format", "bw-datapackage", "--out", str(out),
                              "--presamples", "20", "--seed", "3")
    assert status == 0, err
    assert "20 presamples of 521 entries" in stdout and "no stats_arrays form" not in err
    package = load_package(out)
    arrays = [r for r in package.resources if r["category"] == "array" and r["kind"] == "data"]
    assert {r["matrix"] for r in arrays} >= {"technosphere_matrix", "biosphere_matrix"}
    assert all(package.get_resource(r["name"])[0].shape[1] == 20 for r in arrays)


@pytest.mark.parametrize(("argv", "message"), [
    (["--format", "openlca", "--out", "x.zip"], "argument --format: invalid choice: 'openlca'"),
    (["--format", "brightway"], "--format brightway needs --project NAME"),
    (["--format", "brightway", "--project", " padded "], "--project ' padded ': a Brightway project name must be"),
    (["--format", "brightway", "--project", "a\tb"], "a Brightway project name must be non-empty, without"),
    (["--format", "brightway", "--project", "p", "--out", "x.zip"], "--out and --presamples are for --format bw-datapackage"),
    (["--format", "bw-datapackage"], "--format bw-datapackage needs --out FILE.zip"),
    (["--format", "bw-datapackage", "--out", "x.zip", "--presamples", "-1"], "--presamples must be >= 0, got -1"),
    (["--format", "bw-datapackage", "--out", "x.zip", "--database", " "], "--database ' ': give a non-empty name"),
])
def test_bad_arguments_exit_2_with_one_message(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    status, stdout, err = run(capsys, "export", GPT3, *argv)
    assert status == 2
    assert message in err and "Traceback" not in err and stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_unwritable_out_exits_2(capsys, tmp_path):
    missing = tmp_path / "no such folder" / "x.zip"
    status, _out, err = run(capsys, "export", GPT3, "--format", "bw-datapackage", "--out", str(missing))
    assert status == 2 and err == f"error: --out {missing}: the folder {missing.parent} does not exist\n"
    status, _out, err = run(capsys, "export", GPT3, "--format", "bw-datapackage", "--out", str(tmp_path))
    assert status == 2 and f"--out {tmp_path}: is a folder" in err
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_the_previous_file(capsys, tmp_path, monkeypatch):
    import bw_processing

    out = tmp_path / "gpt3.zip"
    out.write_bytes(b"previous")

    def fail(self):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(bw_processing.Datapackage, "finalize_serialization", fail)
    status, _out, err = run(capsys, "export", GPT3, "--format", "bw-datapackage", "--out", str(out))
    assert status == 2 and err.endswith(f"error: --out {out}: cannot write: Permission denied\n")
    assert out.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["gpt3.zip"]


def test_malformed_study_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[study\nname = 1\n")
    status, _out, err = run(capsys, "export", str(bad), "--format", "bw-datapackage", "--out", str(tmp_path / "x.zip"))
    assert status == 2 and err.startswith("error: ") and "bad.toml" in err and "Traceback" not in err
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize(("fmt", "target", "module"), [
    ("brightway", ["--project", "p"], "bw2data"), ("bw-datapackage", ["--out", "x.zip"], "bw_processing")])
def test_missing_extra_exits_2_naming_it(capsys, tmp_path, monkeypatch, fmt, target, module):
    real = export_common.importlib.import_module

    def without(name, *args):
        if name == module:
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(export_common.importlib, "import_module", without)
    status, _out, err = run(capsys, "export", GPT3, "--format", fmt, *target)
    assert status == 2
    assert err == (f"error: --format {fmt} needs {module} (not installed); install the extra: "
                   'pip install "lca[brightway]"\n')
