"""lca.engine.calculate: hand-solvable systems, linearity in the demand, contributions by process,
stage and flow, and stages inherited by background processes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from studies import CHAIN, LOOP, loop

import lca
from lca.engine.calculate import calculate


def test_two_process_loop_is_solved_exactly(study):
    # s_a = 1 + 0.2 s_b, s_b = 0.5 s_a  ->  s_a = 1/0.9, s_b = 0.5/0.9
    result = calculate(loop(study))
    s_a, s_b = 1 / 0.9, 0.5 / 0.9
    assert result.supply["a"] == pytest.approx(s_a, rel=1e-12)
    assert result.supply["b"] == pytest.approx(s_b, rel=1e-12)
    climate = result.impacts["climate_change"]
    assert climate.value == pytest.approx(2 * s_a + 1 * s_b, rel=1e-12)
    assert climate.by_stage == {"manufacturing": pytest.approx(2 * s_a), "use": pytest.approx(s_b)}
    assert result.impacts["water_consumption"].value == pytest.approx(3e-3 * s_b, rel=1e-12)
    assert result.inventory["water"].unit == "m3"


def test_multi_level_chain_with_by_product_credit(study):
    result = calculate(lca.load_study(study(CHAIN)))
    steel = 10 + 2 * 0.5  # kg
    heat_mj = steel * 20 - 2 * 2  # MJ
    heat_kwh = heat_mj / 3.6
    expected = 5 + 2 * 0.010 * 29.8 + steel * 1.8 + heat_kwh * 0.25
    assert result.supply["steel"] == pytest.approx(steel)
    assert result.supply["heat"] == pytest.approx(heat_kwh)
    assert result.impacts["climate_change"].value == pytest.approx(expected, rel=1e-12)
    assert sum(result.impacts["climate_change"].by_process.values()) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(k=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False))
def test_linearity_in_demand(tmp_path_factory, k):
    from conftest import write_study

    folder = tmp_path_factory.mktemp("lin")
    base = calculate(lca.load_study(write_study(folder, LOOP.replace("DEMAND", "1.0").replace("UNIT", "kg"), "a.toml")))
    scaled = calculate(lca.load_study(write_study(folder, LOOP.replace("DEMAND", repr(k)).replace("UNIT", "kg"), "b.toml")))
    for category, impact in base.impacts.items():
        assert scaled.impacts[category].value == pytest.approx(k * impact.value, rel=1e-9)
        for stage, value in impact.by_stage.items():
            assert scaled.impacts[category].by_stage[stage] == pytest.approx(k * value, rel=1e-9, abs=1e-300)


def test_demand_unit_is_converted(study):
    grams = calculate(loop(study, 1000.0, "g"))
    kilo = calculate(loop(study, 1.0, "kg"))
    assert grams.impacts["climate_change"].value == pytest.approx(kilo.impacts["climate_change"].value, rel=1e-12)


def test_by_process_and_by_stage_sum_to_total(study):
    result = calculate(lca.load_study(study(CHAIN)))
    for impact in result.impacts.values():
        assert sum(impact.by_stage.values()) == pytest.approx(impact.value, rel=1e-12, abs=1e-15)
        assert sum(impact.by_flow.values()) == pytest.approx(impact.value, rel=1e-12, abs=1e-15)


def test_background_processes_inherit_the_stage_that_demands_them(study):
    # heat has no stage: the steel mill's heat is extraction, the board's credit manufacturing
    text = CHAIN.replace('[processes.heat]\nunit = "kWh"\nstage = "use"', '[processes.heat]\nunit = "kWh"')
    result = calculate(lca.load_study(study(text)))
    climate = result.impacts["climate_change"]
    heat_per_kwh = 0.25
    steel = 11.0
    extraction = steel * 1.8 + steel * 20 / 3.6 * heat_per_kwh
    manufacturing = 5 + 2 * 0.010 * 29.8 - 2 * 2 / 3.6 * heat_per_kwh
    assert climate.by_stage == {"extraction": pytest.approx(extraction, rel=1e-12),
                                "manufacturing": pytest.approx(manufacturing, rel=1e-12)}
    assert sum(climate.by_stage.values()) == pytest.approx(climate.value, rel=1e-12)
    assert climate.by_process["heat"] == pytest.approx((steel * 20 - 4) / 3.6 * heat_per_kwh)


def test_inherited_stage_through_a_loop_and_direct_demand(study):
    # the loop's two processes inherit; demanding one directly is 'unassigned'
    text = LOOP.replace('stage = "manufacturing"\n', "").replace('stage = "use"\n', "")
    result = calculate(loop_study := lca.load_study(study(text.replace("DEMAND", "1.0").replace("UNIT", "kg"))))
    climate = result.impacts["climate_change"]
    assert climate.by_stage == {"unassigned": pytest.approx(climate.value, rel=1e-12)}
    assert loop_study.processes["a"].stage == "inherit"
