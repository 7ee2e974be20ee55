"""lca.report.sections: the report opens with its key results and their uncertainty, flags a
deterministic score outside the central 50 % of its distribution, shows published vs computed,
and keeps the parameter table for the appendix."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("matplotlib")

from load.test_grid_profile import STUDY as HOURLY_STUDY

from lca import load_study
from lca.report.content import ReportOptions, gather
from lca.report.document import Heading, Table
from lca.report.sections import central_flag, document

# A triangular(0, 0.1, 1) share with its mode as the central value: the mode sits below the
# 25th percentile, 1 - sqrt(0.75 x 0.9) = 0.1784, and above the 2.5th, sqrt(0.025 x 0.1) = 0.05.
SKEWED = '''
[study]
name = "skewed"
functional_unit = "1 item"
published = { emissions_kg_co2e = 0.5, net_emissions_kg_co2e = 0.1 }
[demand]
thing = 1
[parameters.share]
value = 0.1
unit = ""
source = "test"
description = "share of the emissions that escape"
uncertainty = { distribution = "triangular", min = 0.0, max = 1.0 }
[processes.thing]
unit = "item"
stage = "use"
source = "test"
[[processes.thing.biosphere]]
flow = "co2"
amount = "share"
unit = "kg"
'''


def _sections(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Heading) and b.level == 2]


def _table_after(blocks, heading: str) -> Table:
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == heading)
    return next(b for b in blocks[start:] if isinstance(b, Table))


def test_central_flag_of_the_ireland_case():
    """Issue 12: deterministic 2.75 t against a Monte Carlo median of 3.2 t."""
    record = {"percentiles": {"2.5": 2.5, "25": 2.9, "75": 3.6, "97.5": 4.4}}
    assert central_flag(2.75, record) == "below the central 50 %"
    assert central_flag(3.2, record) == "" and central_flag(2.9, record) == ""
    assert central_flag(4.0, record) == "above the central 50 %"
    assert central_flag(4.5, record) == "above the 95 % interval"


def test_order_key_results_first_parameters_last(study):
    blocks = document(gather(load_study(study(SKEWED)), ReportOptions(samples=4000)))
    sections = _sections(blocks)
    assert sections[:3] == ["Key results", "Published and computed", "Goal and scope"]
    order = ["Goal and scope", "Impact assessment", "Contribution analysis", "Uncertainty analysis",
             "Sensitivity analysis", "Allocation", "Interpretation"]
    assert [s for s in sections if s in order] == order
    assert sections[-1] == "Appendix: input parameters"
    assert _table_after(blocks, "Appendix: input parameters").rows[0][:2] == (
        "share", "share of the emissions that escape")


def test_skewed_input_flags_the_deterministic_score(study):
    content = gather(load_study(study(SKEWED)), ReportOptions(samples=4000))
    blocks = document(content)
    rows = {r[0]: r for r in _table_after(blocks, "Key results").rows}
    assert rows["Water consumption"][-1] == "inside the central 50 %"  # no water: every sample is 0
    row = rows["Climate change"]
    name, median, interval, deterministic, unit, flag = row
    assert (name, unit, flag) == ("Climate change", "g CO2-eq", "below the central 50 %")
    # kg -> g: 0.1 kg; the triangle's median is 1 - sqrt(0.5 x 0.9) = 0.3292 kg
    assert deterministic.value == pytest.approx(100.0)
    assert median.value == pytest.approx(1000 * (1 - math.sqrt(0.45)), rel=0.03)
    low, high = (float(v.replace(",", "")) for v in interval.split(" to "))
    # 2.5th percentile sqrt(0.025 x 0.1) = 0.05 kg, 97.5th 1 - sqrt(0.025 x 0.9) = 0.8500 kg
    assert low == pytest.approx(50.0, rel=0.1) and high == pytest.approx(850.0, rel=0.03)
    # one flagged score: "score ... lies ... its"; the water row is not flagged
    assert [b.text for b in blocks if "outside the central 50 %" in getattr(b, "text", "")] == [
        "The deterministic score of climate change lies outside the central 50 % of its distribution: skewed or "
        "bounded inputs move most outcomes away from the central-value calculation, so quote the median and its "
        "interval."]


def test_several_flagged_scores_are_named_in_the_plural():
    blocks = document(gather(load_study("lca:scenarios/llm_training_lifecycle.toml"), ReportOptions(samples=400)))
    flagged = [b.text for b in blocks if "outside the central 50 %" in getattr(b, "text", "")]
    assert len(flagged) == 1 and flagged[0].startswith("The deterministic scores of ")
    assert " lie outside the central 50 % of their distributions: " in flagged[0]


def test_the_appendix_writes_uncertainty_numbers_short(study):
    big = SKEWED.replace('value = 0.1\n', 'value = 1.56e14\n').replace(
        'min = 0.0, max = 1.0', 'min = 1e14, max = 1.56e14')
    rows = {r[0]: r for r in _table_after(document(gather(load_study(study(big)))), "Appendix: input parameters").rows}
    # six figures, no thousands separators in a comma-separated list, no "100000000000000.0"
    assert rows["share"][4] == "triangular, min 1e+14, max 1.56e+14"


def test_published_table_beside_computed_with_the_interval(study):
    blocks = document(gather(load_study(study(SKEWED)), ReportOptions(samples=4000)))
    rows = {r[0]: r for r in _table_after(blocks, "Published and computed").rows}
    key, of, published, computed, unit, difference, interval = rows["emissions_kg_co2e"]
    assert (of, unit, published.value, computed.value, difference) == ("Climate change", "kg CO2-eq", 0.5, 0.1, "-80.0%")
    # 0.5 kg lies inside the 95 % interval of the triangle (0.05 to 0.85 kg)
    assert "outside" not in interval
    assert rows["net_emissions_kg_co2e"][5].startswith("not compared")


def test_deterministic_report_has_key_results_without_intervals(study):
    blocks = document(gather(load_study(study(SKEWED))))
    table = _table_after(blocks, "Key results")
    assert table.headers == ("Result", "Deterministic", "Unit")
    assert table.rows[0][1].value == pytest.approx(100.0)
    assert _table_after(blocks, "Published and computed").headers[-1] == "Difference"


def test_market_based_scope2_beside_location_based():
    """Patterson et al. 2021, Table 4: Switch Transformer 72.2 t gross (location-based) and 59.1 t
    net (market-based); the published net value is compared with the market-based figure."""
    blocks = document(gather(load_study("lca:scenarios/patterson2021_switch.toml")))
    rows = _table_after(blocks, "Electricity accounting").rows
    (location, *_), (market, *_) = rows
    assert location.startswith("Location-based") and market.startswith("Market-based")
    assert rows[0][1].value == pytest.approx(72.2, rel=0.01) and rows[0][3] == "+0.0%"
    assert rows[1][1].value == pytest.approx(59.1, rel=0.01)
    assert rows[1][3] == f"{rows[1][1].value / rows[0][1].value - 1:+.1%}"
    published = {r[0]: r for r in _table_after(blocks, "Published and computed").rows}
    assert published["net_emissions_t_co2e"][3].value == pytest.approx(59.1, rel=0.01)


def test_hourly_matched_beside_annual_average(study, tmp_path):
    """One 2-hour run of 2 kWh IT energy (PUE 1 in the log) at 100 then 300 g/kWh: 0.2 kg/kWh
    hourly-matched against the study's 0.4 annual average (0.4 vs 0.8 kg)."""
    path = study(HOURLY_STUDY)  # an [energy_log] of it_kwh and a grid_intensity of 0.4 kg/kWh
    log = tmp_path / "emissions.csv"
    log.write_text("timestamp,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed,pue\n"
                   "2026-03-02T13:00:00+00:00,r1,7200,0,2,0,2,1\n", encoding="utf-8")
    grid = tmp_path / "FR_2026_hourly.csv"
    grid.write_text("Datetime (UTC),Zone id,Carbon intensity gCO₂eq/kWh (direct),Carbon intensity gCO₂eq/kWh "
                    "(Life cycle)\n2026-03-02 11:00:00,FR,1,100\n2026-03-02 12:00:00,FR,1,300\n", encoding="utf-8")
    model = load_study(path, energy_logs=[log], grid_profile=grid, log_timezone="UTC")
    rows = _table_after(document(gather(model)), "Electricity accounting").rows
    (annual, *_), (hourly, *_) = rows
    assert annual.startswith("Annual-average") and hourly.startswith("Hourly-matched") and "the headline" in hourly
    assert rows[0][1].value == pytest.approx(800.0) and rows[0][2] == "g CO2-eq"  # 2 kWh x 0.4 kg
    assert rows[1][1].value == pytest.approx(400.0) and rows[0][3] == "+100.0%" and rows[1][3] == "+0.0%"
