"""lca.report.content: what a report says, gathered from a study: Patterson et al. 2021 reproduced,
and parameter labels naming the process and flow."""

from __future__ import annotations

import pytest

from lca import load_study
from lca.report.content import ReportOptions, gather, parameter_label
from lca.report.equivalents import compare, load_equivalents

PATTERSON = "lca:scenarios/patterson2021_gpt3.toml"

LB = 0.45359237  # kg per pound (exact)


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
    # every equivalent is computed; the report shows the ones that read best (tests/report/test_readable_text.py)
    every = compare({"climate_change": (content.result.impacts["climate_change"].value, "kg CO2-eq")},
                    load_equivalents())
    flights = next(c for c in every if c.equivalent.id == "flight_nyc_sfo_round_trip")
    assert flights.count == pytest.approx(553_142.304 / (1984 * LB), rel=1e-9)
    # the study's region is the US (Table 4's datacenters): US references first, 553 t = 33.7 years of
    # an average American's emissions (36,156 lb) and 9.7 car lifetimes (126,000 lb)
    assert [c.equivalent.id for c in content.comparisons] == ["american_year", "car_lifetime"]
    assert content.comparisons[0].count == pytest.approx(553_142.304 / (36_156 * LB), rel=1e-9)


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
