"""Study reports end to end: every scenario builds, the numbers shown equal results.json (which
equals ``lca run --format json``), figures are valid PNGs, the HTML is well-formed, and a failed
or interrupted run leaves the output folder as it was."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import matplotlib.image  # noqa: E402

from lca import load_study  # noqa: E402
from lca.cli import main  # noqa: E402
from lca.errors import ReportError  # noqa: E402
from lca.report import figures  # noqa: E402
from lca.report.build import build_report  # noqa: E402
from lca.report.content import ReportOptions  # noqa: E402
from lca.report.style import format_value  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
PNG = b"\x89PNG\r\n\x1a\n"
XHTML = "{http://www.w3.org/1999/xhtml}"

RICH = '''
[study]
name = "Test LLM <training> & use"
functional_unit = "one trained model"
goal = "Exercise every report section."
system_boundary = "Cradle to grave: silicon, chips, server, transport, datacenter use, end of life."
cutoff = "Networking and buildings are excluded."
assumptions = ["10 % of the server's life is spent on this model", "PUE 1.2"]
published = { emissions_kg_co2e = 580, energy_kWh = 1220 }

[demand]
training_run = { amount = 1, unit = "item" }

[parameters.pue]
value = 1.2
unit = ""
source = "test"
uncertainty = { distribution = "uniform", min = 1.1, max = 1.3 }

[parameters.server_share]
value = 0.1
unit = ""
source = "test"

[processes.training_run]
name = "Training run of one large language model on 1,000 kWh of IT load"
unit = "item"
stage = "use"
source = "test"
[[processes.training_run.technosphere]]
product = "it_energy"
amount = 1000
unit = "kWh"
[[processes.training_run.technosphere]]
product = "gpu_server"
amount = "server_share"
unit = "item"

[processes.it_energy]
name = "Datacenter operation (IT energy delivered)"
unit = "kWh"
stage = "use"
source = "test"
[[processes.it_energy.technosphere]]
product = "grid_electricity"
amount = "pue"
unit = "kWh"
[[processes.it_energy.biosphere]]
flow = "water"
amount = 0.002
unit = "m3"

[processes.grid_electricity]
name = "Electricity, grid mix"
unit = "kWh"
stage = "inherit"
source = "test"
[[processes.grid_electricity.biosphere]]
flow = "co2"
amount = 0.4
unit = "kg"
uncertainty = { distribution = "lognormal", gsd = 1.1 }
[[processes.grid_electricity.biosphere]]
flow = "ch4"
amount = 0.001
unit = "kg"
[[processes.grid_electricity.biosphere]]
flow = "water"
amount = 0.001
unit = "m3"

[processes.gpu_server]
name = "GPU server with eight accelerators"
unit = "item"
stage = "manufacturing"
source = "test"
[[processes.gpu_server.technosphere]]
product = "chip"
amount = 8
unit = "item"
[[processes.gpu_server.technosphere]]
product = "truck_transport"
amount = 50
unit = "t*km"
[[processes.gpu_server.technosphere]]
product = "grid_electricity"
amount = 200
unit = "kWh"
[[processes.gpu_server.technosphere]]
product = "eol_treatment"
amount = 1
unit = "item"
[[processes.gpu_server.biosphere]]
flow = "co2"
amount = 100
unit = "kg"

[processes.chip]
name = "Accelerator chip, packaged"
unit = "item"
stage = "manufacturing"
source = "test"
[[processes.chip.technosphere]]
product = "silicon"
amount = 0.5
unit = "kg"
[[processes.chip.biosphere]]
flow = "ghg"
amount = 50
unit = "kg CO2-eq"
uncertainty = { distribution = "triangular", min = 40, max = 70 }

[processes.silicon]
name = "Silicon, metallurgical grade"
unit = "kg"
stage = "extraction"
source = "test"
[[processes.silicon.biosphere]]
flow = "co2"
amount = 20
unit = "kg"
[[processes.silicon.biosphere]]
flow = "water"
amount = 0.05
unit = "m3"

[processes.truck_transport]
name = "Transport, lorry"
unit = "t*km"
stage = "transport"
source = "test"
[[processes.truck_transport.biosphere]]
flow = "co2"
amount = 0.1
unit = "kg"

[processes.eol_treatment]
name = "End-of-life treatment of a server"
unit = "item"
stage = "end_of_life"
source = "test"
[[processes.eol_treatment.biosphere]]
flow = "co2"
amount = 5
unit = "kg"
'''
# Hand-solved at pue = 1.2: grid electricity 0.4 + 0.001 * 29.8 = 0.4298 kg CO2-eq/kWh;
# use 1000 * 1.2 * 0.4298 = 515.76; server (100 + 8 * (50 + 0.5 * 20) + 50 * 0.1 + 200 * 0.4298 + 5)
# * 0.1 = 67.596; total 583.356 kg CO2-eq. Water: 2 + 1.22 + 0.02 = 3.24 m3. Energy at the
# grid: 1200 kWh (use) + 20 kWh (server manufacturing) = 1220 kWh; the grid is a background
# process, so its 8.596 kg CO2-eq for the server count in manufacturing.
RICH_CLIMATE, RICH_WATER, RICH_ENERGY = 583.356, 3.24, 1220.0


@pytest.fixture
def rich(study):
    return study(RICH)


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
        path = out / "figures" / f"{figure.name}.png"
        data = path.read_bytes()
        assert data[:8] == PNG and data == figure.png
        image = matplotlib.image.imread(path)
        assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
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
        assert f"](figures/{figure.name}.png)" in markdown


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
    assert html.count("data:image/png;base64,") == len(report.figures)
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

    code = main(["report", str(ROOT / "scenarios" / "patterson2021_gpt3.toml"), "--out", "/proc/lca-report",
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "error: /proc/lca-report: cannot write the report there" in err
    assert "Traceback" not in err
