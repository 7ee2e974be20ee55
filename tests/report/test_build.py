"""lca.report.build: study reports end to end: every scenario builds, the numbers shown equal
results.json (which equals ``lca run --format json``), figures are valid SVGs, the HTML is
well-formed, and a failed or interrupted run leaves the output folder as it was."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from studies import RICH_CLIMATE, RICH_ENERGY, RICH_WATER

from lca import load_study
from lca.cli import main
from lca.errors import ReportError
from lca.load.resources import data_folder
from lca.report import figures
from lca.report.build import build_report
from lca.report.content import ReportOptions
from lca.report.style import format_value

# the shipped studies, by the names a user passes to lca run
SCENARIOS = sorted(f"lca:scenarios/{p.name}" for p in data_folder("scenarios").glob("*.toml"))
XHTML = "{http://www.w3.org/1999/xhtml}"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_json(capsys, scenario, *extra) -> dict:
    capsys.readouterr()
    assert main(["run", str(scenario), "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _xhtml(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])  # after <!DOCTYPE html>


def _table_after(root: ET.Element, heading_id: str) -> ET.Element:
    body = root.find(f"{XHTML}body")
    children = list(body)
    start = next(i for i, e in enumerate(children) if e.get("id") == heading_id)
    return next(e for e in children[start:] if e.tag == f"{XHTML}table")


def _check_figures(out: Path, report) -> None:
    assert report.figures, "a report has figures"
    for figure in report.figures:
        path = out / "figures" / f"{figure.name}.svg"
        data = path.read_bytes()
        assert data == figure.svg
        svg = ET.fromstring(data)  # a well-formed SVG file of real size
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert float(svg.get("width").removesuffix("pt")) > 100 and float(svg.get("height").removesuffix("pt")) > 100


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[Path(s).stem for s in SCENARIOS])
def test_report_builds_for_every_scenario(scenario, tmp_path, capsys):
    out = tmp_path / "report"
    report = build_report(load_study(scenario), out, ReportOptions(samples=0))
    # results.json is byte for byte what `lca run --format json` prints
    capsys.readouterr()
    assert main(["run", str(scenario), "--format", "json"]) == 0
    assert (out / "results.json").read_text(encoding="utf-8") == capsys.readouterr().out
    capsys.readouterr()
    assert main(["run", str(scenario), "--format", "csv"]) == 0
    assert (out / "results.csv").read_text(encoding="utf-8") == capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    root = _xhtml(out / "report.html")
    # every score shown equals results.json, as an exact data-value and as the rounded text
    rows = _table_after(root, "impact-assessment").find(f"{XHTML}tbody")
    shown = {}
    for row in rows:
        cells = list(row)
        shown[cells[0].text] = (float(cells[2].get("data-value")), cells[2].text)
    assert len(shown) == len(results["impacts"])
    for category, impact in results["impacts"].items():
        value, text = shown[category.replace("_", " ").capitalize()]
        assert value == impact["value"] and text == format_value(impact["value"])
    markdown = (out / "report.md").read_text(encoding="utf-8")
    for category, impact in results["impacts"].items():
        assert f"| {format_value(impact['value'])} | {impact['unit']} |" in markdown
    _check_figures(out, report)
    assert len(report.figures) >= 4
    for figure in report.figures:
        assert f"](figures/{figure.name}.svg)" in markdown


def test_rich_study_with_uncertainty_matches_lca_run_and_hand_solution(rich, tmp_path, capsys):
    out = tmp_path / "report"
    report = build_report(load_study(rich), out, ReportOptions(samples=64, seed=7))
    results = json.loads((out / "results.json").read_text())
    assert results == _run_json(capsys, rich, "--samples", "64", "--seed", "7")
    assert results["impacts"]["climate_change"]["value"] == pytest.approx(RICH_CLIMATE, rel=1e-12)
    assert results["impacts"]["water_consumption"]["value"] == pytest.approx(RICH_WATER, rel=1e-12)
    assert report.content.energy.total_kwh == pytest.approx(RICH_ENERGY, rel=1e-12)
    assert dict(report.content.energy.by_stage) == pytest.approx({"use": 1200.0, "manufacturing": 20.0}, rel=1e-12)
    by_stage = results["impacts"]["climate_change"]["by_stage"]
    assert by_stage["manufacturing"] == pytest.approx(40 + 10 + 8.596, rel=1e-12)  # chips, server, its grid share
    names = {f.name for f in report.figures}
    assert {"system_boundary", "stages", "top_processes", "climate_flow", "distributions", "tornado",
            "sobol"} <= names
    _check_figures(out, report)
    root = _xhtml(out / "report.html")
    # the interval columns of the impact table are the Monte Carlo percentiles of results.json
    for row in _table_after(root, "impact-assessment").find(f"{XHTML}tbody"):
        cells = list(row)
        category = cells[0].text.lower().replace(" ", "_")
        pct = results["impacts"][category]["uncertainty"]["percentiles"]
        assert [float(cells[4].get("data-value")), float(cells[5].get("data-value"))] == [pct["2.5"], pct["97.5"]]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Test LLM &lt;training&gt; &amp; use" in html and "<training>" not in html
    assert html.count("<svg ") == len(report.figures) and "data:image" not in html
    assert "<script" not in html and "src=\"http" not in html  # self-contained


def test_same_inputs_give_identical_files(rich, tmp_path):
    first = build_report(load_study(rich), tmp_path / "a", ReportOptions(samples=32))
    second = build_report(load_study(rich), tmp_path / "b", ReportOptions(samples=32))
    a, b = _snapshot(first.out), _snapshot(second.out)
    assert a.keys() == b.keys()
    for name in ("results.json", "results.csv", "report.md", "snippet.tex"):
        assert a[name] == b[name]


def test_failing_figure_leaves_an_earlier_report_untouched(rich, tmp_path, monkeypatch):
    out = tmp_path / "report"
    build_report(load_study(rich), out)
    before = _snapshot(out)

    def broken(*args, **kwargs):
        raise RuntimeError("figure failed midway")

    monkeypatch.setattr(figures, "flow_diagram", broken)
    with pytest.raises(RuntimeError, match="midway"):
        build_report(load_study(rich), out, ReportOptions(formats=("md",)))
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.toml", "gwp.toml", "report", "study.toml",
                                                          "water.toml"]


def test_interrupted_write_leaves_no_folder_and_no_debris(rich, tmp_path, monkeypatch):
    out = tmp_path / "new" / "report"
    written = []
    original = Path.write_bytes

    def interrupted(self, data):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(self)
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_report(load_study(rich), out)
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_replaces_an_earlier_report_but_never_a_foreign_folder(rich, tmp_path):
    out = tmp_path / "report"
    build_report(load_study(rich), out, ReportOptions(formats=("html",)))
    assert (out / "report.html").exists() and not (out / "report.md").exists()
    build_report(load_study(rich), out, ReportOptions(formats=("md",)))
    assert (out / "report.md").exists() and not (out / "report.html").exists()
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.tex").write_text("keep me")
    with pytest.raises(ReportError, match="not empty"):
        build_report(load_study(rich), foreign)
    assert [p.name for p in foreign.iterdir()] == ["chapter1.tex"]
