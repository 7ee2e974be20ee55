"""Includes stay inside the study's folder and the shipped data (issue 14): a study from
elsewhere cannot make lca read any file; ``allow_outside=True`` (``--allow-include-outside``)
lifts the rule. Symlinks are resolved before the check."""

from __future__ import annotations

from pathlib import Path

import pytest

import lca
from lca.cli import main
from lca.load.resources import shipped

from conftest import write_study
from hardening_inputs import HEAD, PROCESS_A

# a's emission of 2 kg CO2 is 2 kg CO2-eq: the result every accepted variant must give
EXPECTED = 2.0


@pytest.fixture
def outside(tmp_path) -> tuple[Path, Path]:
    """The test inventory in tmp/lib, and a project folder tmp/project beside it."""
    library, project = tmp_path / "lib", tmp_path / "project"
    library.mkdir()
    project.mkdir()
    write_study(library, HEAD + PROCESS_A)  # base.toml, gwp.toml (and a study nobody loads)
    return library, project


def _study(project: Path, include: str) -> Path:
    path = project / "study.toml"
    path.write_text(f'include = ["{include}"]\n' + HEAD + PROCESS_A)
    return path


def _score(model) -> float:
    return lca.calculate(model).impacts["climate_change"].value


@pytest.mark.parametrize("name", ["../lib/gwp.toml", "ABSOLUTE"])
def test_include_leaving_the_study_folder_is_refused(outside, name):
    library, project = outside
    include = str(library / "gwp.toml") if name == "ABSOLUTE" else name
    path = _study(project, include)
    with pytest.raises(lca.FileFormatError) as info:
        lca.load_study(path)
    message = str(info.value)
    assert message.startswith(f"{path}: include: {include!r}")
    assert f"is outside the folder of the study {path}" in message and "--allow-include-outside" in message
    # the refused file is never read: nothing of it is in the message
    assert "gwp_test" not in message


def test_allow_outside_lifts_the_rule(outside):
    library, project = outside
    path = _study(project, "../lib/gwp.toml")
    assert _score(lca.load_study(path, allow_outside=True)) == pytest.approx(EXPECTED)


def test_symlink_inside_the_folder_to_a_file_outside_is_refused(outside):
    library, project = outside
    (project / "gwp.toml").symlink_to(library / "gwp.toml")
    path = _study(project, "gwp.toml")
    with pytest.raises(lca.FileFormatError, match=r"include: 'gwp\.toml' \(it resolves to \S*lib/gwp\.toml\) is "
                                                  r"outside the folder of the study"):
        lca.load_study(path)
    assert _score(lca.load_study(path, allow_outside=True)) == pytest.approx(EXPECTED)


def test_symlinked_folder_inside_the_project_to_the_project_is_accepted(outside):
    library, project = outside
    for name in ("base.toml", "gwp.toml"):
        (project / name).write_text((library / name).read_text())
    (project / "linked").symlink_to(project)  # resolves back inside the project
    path = _study(project, "linked/gwp.toml")
    assert _score(lca.load_study(path)) == pytest.approx(EXPECTED)


def test_nested_include_is_checked_against_the_top_level_study(outside):
    # the rule's root is the study's folder, not the folder of the file that includes
    library, project = outside
    (project / "sub").mkdir()
    (project / "sub" / "inventory.toml").write_text('include = ["../../lib/gwp.toml"]\n')
    path = _study(project, "sub/inventory.toml")
    with pytest.raises(lca.FileFormatError, match=r"sub/inventory\.toml: include: '\.\./\.\./lib/gwp\.toml' "
                                                  r"\(it resolves to .*\) is outside the folder of the study "
                                                  r".*study\.toml .*\(included by .*study\.toml\)$"):
        lca.load_study(path)


def test_shipped_names_and_shipped_paths_are_accepted_from_anywhere(tmp_path):
    study = tmp_path / "study.toml"
    body = ('\n[study]\nname = "shipped"\nfunctional_unit = "1 kWh"\n\n[demand]\nelectricity_us = 1\n')
    study.write_text('include = ["lca:electricity.toml", "lca:flows/elementary.toml", '
                     '"lca:methods/ipcc_ar6_gwp100.toml"]\n' + body)
    by_name = _score(lca.load_study(study))
    # an absolute path into the installed package data is shipped data too
    study.write_text(f'include = ["{shipped("lca:electricity.toml")}", "lca:flows/elementary.toml", '
                     '"lca:methods/ipcc_ar6_gwp100.toml"]\n' + body)
    assert _score(lca.load_study(study)) == by_name > 0


def test_shipped_scenarios_still_load():
    # they include ../inventories/...: from scenarios to the inventories, both shipped
    assert lca.load_study("lca:scenarios/patterson2021_gpt3.toml").study.name.startswith("GPT-3")


def test_cli_refuses_and_the_flag_lifts(outside, capsys):
    library, project = outside
    path = str(_study(project, "../lib/gwp.toml"))
    assert main(["run", path, "--format", "csv"]) == 2
    _, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: {path}: include: '../lib/gwp.toml'") and "--allow-include-outside" in line
    assert main(["run", path, "--format", "csv", "--allow-include-outside"]) == 0
    out, _ = capsys.readouterr()
    (row,) = [line for line in out.splitlines() if line.startswith("climate_change,") and ",total," in line]
    assert float(row.rsplit(",", 1)[1]) == pytest.approx(EXPECTED)
    assert main(["validate", path]) == 2
    capsys.readouterr()
    assert main(["validate", path, "--allow-include-outside"]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {path}: 1 processes")
