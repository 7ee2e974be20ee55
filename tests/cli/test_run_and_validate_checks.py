"""``lca run`` of a study without an impact method, and ``lca validate`` reading each file
once (issue 14)."""

from __future__ import annotations

import json
import os

import pytest

from lca.cli import main

from hardening_inputs import HEAD, PROCESS_A


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_without_a_method_is_one_error_saying_how_to_include_one(study, capsys):
    path = study(HEAD + PROCESS_A, header='include = ["base.toml"]\n')
    for output in ("table", "json", "csv"):
        code, out, err = _run(capsys, "run", str(path), "--format", output)
        assert code == 2 and out == ""
        (line,) = err.strip().splitlines()
        assert line == (f"error: {path}: no impact method is loaded, so there is nothing to calculate; include one, "
                        'e.g. include = ["lca:methods/ipcc_ar6_gwp100.toml"]')


def test_run_with_the_suggested_include_gives_the_hand_solved_result(study, capsys):
    # the advice works: the shipped AR6 method characterizes the test inventory's CO2 flow
    path = study(HEAD + PROCESS_A, header='include = ["base.toml", "gwp.toml"]\n')
    code, out, _ = _run(capsys, "run", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(2.0)


@pytest.mark.parametrize("kind", ["study", "inventory", "equivalents"])
def test_validate_reads_the_root_file_once(study, tmp_path, capsys, monkeypatch, kind):
    if kind == "study":
        path = study(HEAD + PROCESS_A)
    elif kind == "inventory":
        path = tmp_path / "inventory.toml"
        path.write_text('include = ["base.toml"]\n' + PROCESS_A)
        study("")  # writes base.toml
    else:
        path = tmp_path / "equivalents.toml"
        path.write_text('[equivalents.kettle]\ncategory = "climate_change"\nvalue = 0.02\nunit = "kg CO2-eq"\n'
                        'label = "boiling a kettle"\nsource = "test"\n')
    opened: list[str] = []
    real_open = os.open

    def counting_open(file, *args, **kwargs):
        opened.append(os.path.realpath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    code, out, err = _run(capsys, "validate", str(path))
    assert code == 0 and out.startswith(f"ok: {path}: "), err
    assert opened.count(os.path.realpath(path)) == 1
