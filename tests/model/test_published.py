"""lca.model.published: [study] published parsed and compared: hand-solved differences, the
relative difference does not depend on the unit a source printed, and a malformed entry is
one clear error naming the file and the item (exit status 2)."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli
from hypothesis import given
from hypothesis import strategies as st

from lca import calculate, load_study
from lca.errors import LCAError
from lca.model.published import compare_published, parse_published

ONE_KWH = '''
[study]
name = "one kWh"
functional_unit = "1 kWh"
{published}
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
'''


def test_shorthand_keys_name_their_quantity_and_unit():
    items = parse_published({"energy_MWh": 1287, "emissions_lb_co2e": 1438, "total_million_L": 5.4,
                             "total_t_co2e": 50.5, "net_emissions_t_co2e": 4.3, "net_grid_intensity": 0.177},
                            "s.toml: study.published")
    found = [(p.key, p.of, p.unit, p.scale) for p in items]
    assert found == [("energy_MWh", "energy", "MWh", 1.0), ("emissions_lb_co2e", "climate_change", "lb CO2-eq", 1.0),
                     ("total_million_L", "water_consumption", "million l", 1e6),
                     ("total_t_co2e", "climate_change", "t CO2-eq", 1.0),
                     # net (market-based) emissions are not the gross score: never compared with it
                     ("net_emissions_t_co2e", None, "t CO2-eq", 1.0), ("net_grid_intensity", None, "", 1.0)]


def test_hand_solved_differences_of_gpt3():
    """Patterson et al. 2021, Table 4: 1,287 MWh and 552.1 t; this model: 1,289,376 kWh and
    553,142.304 kg CO2-eq (10,000 V100 x 330 W x 14.8 d x 24 h x PUE 1.1; x 0.429 kg/kWh)."""
    result = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    energy, climate = result.published
    assert energy.computed == pytest.approx(1289.376, rel=1e-12)
    assert energy.relative_difference == pytest.approx(1289.376 / 1287 - 1, rel=1e-12)
    assert climate.computed == pytest.approx(553.142304, rel=1e-12)
    assert climate.relative_difference == pytest.approx(553.142304 / 552.1 - 1, rel=1e-12)
    data = result.to_dict()["published"]
    assert list(data) == ["energy_MWh", "emissions_t_co2e"]
    assert data["energy_MWh"] == {"value": 1287.0, "unit": "MWh", "of": "energy", "computed": energy.computed,
                                  "relative_difference": energy.relative_difference}


def test_stage_values_of_bloom_are_compared_with_their_stage():
    """Luccioni et al. 2022: embodied 11.2 t, dynamic 24.69 t, idle 14.6 t; 433,196 kWh dynamic."""
    data = calculate(load_study("lca:scenarios/luccioni2022_bloom.toml")).to_dict()["published"]
    assert data["embodied_t_co2e"]["stage"] == "manufacturing"
    for key, published in (("embodied_t_co2e", 11.2), ("dynamic_t_co2e", 24.69), ("idle_t_co2e", 14.6),
                           ("total_t_co2e", 50.5)):
        assert abs(data[key]["computed"] - published) <= 0.05, key  # the paper prints 0.1 t or 0.01 t
    assert data["dynamic_energy_kWh"]["computed"] == pytest.approx(433196, rel=1e-12)
    assert "not_compared" in data["embodied_gpus_t_co2e"]


@given(st.floats(1e-3, 1e9), st.floats(1e-3, 1e9), st.sampled_from([("MWh", 1e-3), ("GJ", 3.6e-3), ("Wh", 1e3)]))
def test_relative_difference_does_not_depend_on_the_printed_unit(ours_kwh, published_kwh, unit):
    name, per_kwh = unit
    items = parse_published({"energy_kWh": published_kwh, f"energy_{name}": published_kwh * per_kwh}, "s.toml")
    in_kwh, in_other = compare_published(items, {"energy": (ours_kwh, "kWh")})
    assert in_other.computed == pytest.approx(ours_kwh * per_kwh, rel=1e-12)
    assert math.isclose(in_kwh.relative_difference, in_other.relative_difference, rel_tol=1e-9, abs_tol=1e-12)


def test_a_stage_no_process_has_is_not_compared_as_zero():
    items = parse_published({"idle": {"value": 1.0, "unit": "kg CO2-eq", "of": "climate_change",
                                      "stage": "use_idle"}}, "s.toml")
    (found,) = compare_published(items, {"climate_change": (2.0, "kg CO2-eq")}, {"climate_change": {}}, {"use"})
    assert found.computed is None and "use_idle" in found.note


@pytest.mark.parametrize("published, message", [
    ('published = { energy_kWh = "1" }', "study.published.energy_kWh: expected a number or a table"),
    ('published = { x = { value = 1, unit = "kWh" } }', "study.published.x: missing key(s) of"),
    ('published = { x = { value = 1, unit = "kWh", of = "energy", colour = 2 } }', "unknown key(s) colour"),
    ('published = { x = { value = 1, unit = "bananas", of = "energy" } }', "study.published.x: unit"),
    ("published = 3", "study.published: expected a table of published values"),
])
def test_malformed_published_is_one_clear_error(study, capsys, published, message):
    path = study(ONE_KWH.format(published=published))
    with pytest.raises(LCAError, match="study.toml"):
        load_study(path)
    status, out, err = run_cli(capsys, "run", str(path))
    assert status == 2 and out == ""
    assert message in err and "study.toml" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_run_prints_and_writes_published_beside_computed(study, capsys):
    path = study(ONE_KWH.format(published='published = { emissions_kg_co2e = 0.4, energy_kWh = 1 }'))
    status, out, _ = run_cli(capsys, "run", str(path), "--format", "json")
    data = json.loads(out)["published"]
    assert data["emissions_kg_co2e"]["computed"] == 0.5
    assert data["emissions_kg_co2e"]["relative_difference"] == pytest.approx(0.25)
    assert data["energy_kWh"]["relative_difference"] == 0.0
    status, out, _ = run_cli(capsys, "run", str(path))
    line = next(line for line in out.splitlines() if line.startswith("emissions_kg_co2e"))
    assert line.split() == ["emissions_kg_co2e", "climate_change", "0.4", "0.5", "kg", "CO2-eq", "+25.00%"]
