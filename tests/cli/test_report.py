"""``lca report`` (lca.cli.report): overrides and formats, a missing matplotlib, an unwritable folder."""

from __future__ import annotations

import json

import pytest

from lca.cli import main

pytest.importorskip("matplotlib")


def test_cli_report(rich, tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", str(rich), "--out", str(out), "--format", "md", "--set", "pue=1.5", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    results = json.loads((out / "results.json").read_text())
    # pue 1.5: use 1000 * 1.5 * 0.4298 = 644.7; server share unchanged 67.596
    assert results["impacts"]["climate_change"]["value"] == pytest.approx(644.7 + 67.596, rel=1e-12)
    assert (out / "report.md").exists() and not (out / "report.html").exists()
    assert main(["report", str(rich), "--out", str(tmp_path / "x"), "--format", "pdf"]) == 2
    assert "choose from html, md" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_cli_without_matplotlib_says_how_to_install(rich, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    assert main(["report", str(rich), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'lca[report]'" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_unwritable_folder_is_one_clear_error(capsys):
    from lca.cli import main

    code = main(["report", "lca:scenarios/patterson2021_gpt3.toml", "--out", "/proc/lca-report",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "error: /proc/lca-report: cannot write the report there" in err
    assert "Traceback" not in err
