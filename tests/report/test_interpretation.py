"""lca.report.interpretation: published values far off are a warning; hotspots above a threshold."""

from __future__ import annotations

from types import SimpleNamespace

from lca import load_study
from lca.report.content import gather
from lca.report.interpretation import hotspots


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
