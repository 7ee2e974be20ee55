"""lca.cli.main: a user's mistake is one line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

from studies import HEAD, PROCESS_A

from lca.cli import main


def test_cli_user_error_is_one_line_and_exit_2(study, capsys):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co3", amount = 1, unit = "kg" }]\n')
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "study.toml: processes.a.biosphere[0] (co3): unknown elementary flow 'co3' (did you mean co2?)" in err
    assert "Traceback" not in err


def test_cli_missing_file(capsys, tmp_path):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err
    assert main(["run", str(tmp_path), "--set", "novalue"]) == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err
