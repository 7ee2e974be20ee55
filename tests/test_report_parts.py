"""Report building blocks: embodied flows (Sankey numbers), source energy, equivalents,
interpretation checks, the paper snippet, number formatting and writers."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lca import load_study
from lca.errors import FileFormatError
from lca.report.content import ReportOptions, gather, parameter_label
from lca.report.document import Code, Heading, Num, Paragraph, Table
from lca.report.equivalents import DEFAULT_PATH, Equivalent, compare, load_equivalents
from lca.report.flows import embodied_flows
from lca.report.html import render_html
from lca.report.interpretation import hotspots
from lca.report.markdown import render_markdown
from lca.report.snippet import latex_escape, snippet
from lca.report.style import format_value, readable

ROOT = Path(__file__).resolve().parents[1]
PATTERSON = ROOT / "scenarios" / "patterson2021_gpt3.toml"
LB = 0.45359237  # kg per pound (exact)


def _fake_compiled(matrix: np.ndarray, demand: np.ndarray):
    """The three things embodied_flows reads from a compiled model."""
    n = matrix.shape[0]
    return SimpleNamespace(processes=tuple(f"p{i}" for i in range(n)),
                           technosphere=SimpleNamespace(matrix=lambda params: sp.csc_matrix(matrix)),
                           demand_vector=lambda params: demand)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.floats(0, 0.3), min_size=n, max_size=n), min_size=n, max_size=n),
    st.lists(st.floats(-5, 50), min_size=n, max_size=n),
    st.lists(st.floats(0.5, 3), min_size=n, max_size=n))))
def test_embodied_flows_conserve_impact_even_with_loops(case):
    """Inputs of at most 0.3 / n per unit keep A diagonally dominant (invertible); loops allowed.
    Impact is conserved at every running process and in total."""
    inputs, intensity, production = (np.array(x) for x in case)
    n = len(intensity)
    matrix = -inputs / n
    np.fill_diagonal(matrix, production)
    demand = np.zeros(n)
    demand[0] = 1.0
    supply = np.linalg.solve(matrix, demand)
    direct = intensity * supply
    flows = embodied_flows(_fake_compiled(matrix, demand), {}, supply, direct, "climate_change", "kg CO2-eq")
    score = direct.sum()
    assert flows.score == pytest.approx(score, rel=1e-9, abs=1e-9)
    for i in np.flatnonzero(supply):
        node = f"p{i}"
        inflow = sum(v for (a, b), v in flows.links.items() if b == node)
        outflow = sum(v for (a, b), v in flows.links.items() if a == node)
        assert flows.embodied[node] == pytest.approx(direct[i] + inflow, rel=1e-9, abs=1e-9)
        to_demand = flows.embodied[node] * demand[i] / (matrix[i, i] * supply[i])
        assert outflow + to_demand == pytest.approx(flows.embodied[node], rel=1e-9, abs=1e-9)


def test_embodied_flows_hand_solved_chain():
    # p0 (functional unit) takes 2 of p1; p1 takes 3 of p2 per unit; p2 emits 1, p1 emits 10.
    matrix = np.array([[1.0, 0, 0], [-2.0, 1, 0], [0, -3.0, 1]])
    demand = np.array([1.0, 0, 0])
    supply = np.linalg.solve(matrix, demand)  # 1, 2, 6
    direct = np.array([0.0, 10 * 2, 1 * 6])
    flows = embodied_flows(_fake_compiled(matrix, demand), {}, supply, direct, "climate_change", "kg CO2-eq")
    assert flows.embodied == pytest.approx({"p0": 26.0, "p1": 26.0, "p2": 6.0})
    assert flows.links == pytest.approx({("p1", "p0"): 26.0, ("p2", "p1"): 6.0})


def test_patterson_report_content_reproduces_the_paper():
    content = gather(load_study(PATTERSON), ReportOptions())
    # 10,000 chips * 330 W * 14.8 d * 24 h * 1.1 = 1,289,376 kWh (the paper rounds to 1,287 MWh)
    assert content.energy.total_kwh == pytest.approx(10_000 * 0.330 * 14.8 * 24 * 1.1, rel=1e-12)
    checks = {c.name: c for c in content.interpretation.consistency}
    assert checks["published energy_MWh"].status == "ok" and "+0.2%" in checks["published energy_MWh"].message
    assert checks["published emissions_t_co2e"].status == "ok"
    assert checks["contributions add up"].status == "ok"
    completeness = {c.name: c for c in content.interpretation.completeness}
    assert "water_consumption" in completeness["impact categories assessed"].message
    assert "not modelled: extraction, manufacturing, transport, end_of_life" in \
        completeness["lifecycle stages"].message
    flights = next(c for c in content.comparisons if c.equivalent.id == "flight_nyc_sfo_round_trip")
    assert flights.count == pytest.approx(553_142.304 / (1984 * LB), rel=1e-9)


def test_published_value_far_off_is_a_warning(study):
    path = study('''
    [study]
    name = "off"
    functional_unit = "1 kWh"
    published = { emissions_kg_co2e = 1.0, water_L = 4.1, mystery = 4 }
    [demand]
    power = 1
    [processes.power]
    unit = "kWh"
    stage = "use"
    source = "test"
    [[processes.power.biosphere]]
    flow = "co2"
    amount = 0.5
    unit = "kg"
    [[processes.power.biosphere]]
    flow = "water"
    amount = 0.004
    unit = "m3"
    ''')
    content = gather(load_study(path))
    checks = {c.name: c for c in content.interpretation.consistency}
    assert checks["published emissions_kg_co2e"].status == "warning"
    assert "-50.0%" in checks["published emissions_kg_co2e"].message
    assert checks["published water_L"].status == "ok" and "(-2.4%)" in checks["published water_L"].message
    assert checks["published mystery"].status == "note"
    # a functional unit that is itself energy: 1 kWh drawn, counted in the use stage
    assert content.energy.total_kwh == 1.0 and dict(content.energy.by_stage) == {"use": 1.0}


def test_hotspots_threshold():
    result = SimpleNamespace(impacts={"climate_change": SimpleNamespace(
        value=100.0, unit="kg CO2-eq", by_stage={"use": 91.0, "manufacturing": 9.0},
        by_process={"grid": 80.0, "fab": 11.0, "chip": 9.0}, by_flow={})})
    found = [(h.kind, h.name, h.share) for h in hotspots(result, threshold=0.1)]
    assert found == [("stage", "use", 0.91), ("process", "grid", 0.8), ("process", "fab", 0.11)]


def test_equivalents_file_has_sources_and_the_seed_values():
    table = {e.id: e for e in load_equivalents(DEFAULT_PATH)}
    assert table["flight_nyc_sfo_round_trip"].value == 1984 and table["flight_nyc_sfo_round_trip"].unit == "lb CO2-eq"
    assert table["car_lifetime"].value == 126_000
    assert all(e.source.strip() for e in table.values())
    flight = Equivalent("f", "climate_change", 1984, "lb CO2-eq", "flights", "Strubell 2019")
    (one,) = compare({"climate_change": (1984 * LB, "kg CO2-eq")}, [flight])
    assert one.count == pytest.approx(1.0, rel=1e-12)
    assert compare({"water_consumption": (1.0, "m3")}, [flight]) == ()


def test_equivalents_errors_name_the_file_and_item(tmp_path):
    bad = tmp_path / "eq.toml"
    bad.write_text('[equivalents.x]\ncategory = "climate_change"\nvalue = -1\nunit = "kg CO2-eq"\n'
                   'label = "x"\nsource = "s"\n')
    with pytest.raises(FileFormatError, match=r"eq\.toml: equivalents\.x: 'value' must be a positive"):
        load_equivalents(bad)
    bad.write_text('[equivalents.y]\ncategory = "climate_change"\nvalue = 1\nunit = "kg CO2-eq"\n')
    with pytest.raises(FileFormatError, match=r"equivalents\.y: missing key\(s\) label, source"):
        load_equivalents(bad)


def test_snippet_states_the_numbers_of_the_report():
    content = gather(load_study(PATTERSON), ReportOptions(samples=200, seed=3))
    text = snippet(content)
    pct = content.uncertainty.summaries["climate_change"]["percentiles"]
    assert "553.1 t CO2-eq" in text.markdown and "1.289 GWh" in text.markdown
    assert f"{format_value(pct['2.5'] / 1000, 3)} to {format_value(pct['97.5'] / 1000, 3)} t CO2-eq" in text.markdown
    assert "200 Monte Carlo samples, seed 3" in text.markdown
    assert "CO$_2$-eq" in text.latex and "grid\\_intensity" in text.latex and "95\\,\\%" in text.latex


def test_parameter_labels_name_the_process_and_flow(study):
    path = study('''
    [study]
    name = "labels"
    functional_unit = "1 kWh"
    [demand]
    power = 1
    [processes.power]
    name = "Power plant"
    unit = "kWh"
    stage = "use"
    source = "test"
    [[processes.power.biosphere]]
    flow = "co2"
    amount = 0.5
    unit = "kg"
    uncertainty = { distribution = "lognormal", gsd = 1.2 }
    ''')
    model = load_study(path)
    assert parameter_label(model, "~power.biosphere[0]") == "Power plant: Carbon dioxide, fossil"
    assert parameter_label(model, "pue") == "pue"


@pytest.mark.parametrize("value, text", [(553142.304, "553,142"), (1.0, "1"), (0.4290, "0.429"),
                                         (1.2e-8, "1.2e-08"), (-12.345, "-12.35"), (0.0, "0")])
def test_format_value(value, text):
    assert format_value(value) == text


def test_readable_units():
    assert readable(553142.304, "kg CO2-eq") == pytest.approx((553.142304, "t CO2-eq"))
    assert readable(0.5, "m3") == (500.0, "L")
    assert readable(3.0, "CTUh") == (3.0, "CTUh")


def test_writers_escape_study_text():
    blocks = (Heading(1, "A <b> & c"), Paragraph("x | y *z* <script>"),
              Table(("name", "value"), (("a|b", Num(1.5, "1.5")),)), Code("a```b", "latex"))
    html = render_html("A <b>", blocks)
    root = ET.fromstring(html.split("\n", 1)[1])
    assert root.find(".//{http://www.w3.org/1999/xhtml}td[@class='num']").get("data-value") == "1.5"
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = render_markdown(blocks)
    assert "x \\| y \\*z\\* \\<script\\>" in markdown and "| a\\|b | 1.5 |" in markdown
    assert "````latex\na```b\n````" in markdown
    assert latex_escape("50% of a_b & {c}") == r"50\% of a\_b \& \{c\}"
    assert math.isclose(float(root.find(".//{http://www.w3.org/1999/xhtml}td[@class='num']").get("data-value")),
                        1.5)
