"""lca.report.equivalents.choose and lca.report.snippet: equivalents whose count reads well, from
the study's region; the snippet names assumptions in words with units (issue 12: no "0.00604
Olympic pools", no "hw_lifetime = 4 a")."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lca import calculate, load_study, with_parameters
from lca.report.content import gather, study_region
from lca.report.equivalents import EUROPE, READABLE, Equivalent, choose, compare, load_equivalents, region_of
from lca.report.snippet import assumption_phrase, snippet

TABLE = load_equivalents()
FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


def test_shipped_equivalents_have_sources_regions_and_citations():
    for e in TABLE:
        assert e.source.strip() and e.citation.strip(), e.id
        assert e.region in ("world", "us", "europe"), e.id
    table = {e.id: e for e in TABLE}
    # Green Algorithms v3.0 referenceValues.csv: 175 and 251 g CO2/km, 917 g per tree-month
    assert (table["car_km_europe"].value, table["car_km_us"].value, table["tree_month"].value) == (175, 251, 917)


def test_no_tiny_pools_for_a_small_water_footprint():
    """15.1 m3 is 0.00604 Olympic pools (issue 12); choose gives 49 US home-water days in the US."""
    every = compare({"water_consumption": (15.1, "m3")}, TABLE)
    pool = next(c for c in every if c.equivalent.id == "olympic_pool")
    assert pool.count == pytest.approx(0.00604)
    us = choose(every, "us")
    assert [c.equivalent.id for c in us] == ["home_water_day_us"]
    assert us[0].count == pytest.approx(15.1 / (82 * 3.785411784e-3))
    # outside the US no local source exists: the closest readable world-wide one, never a US one
    assert [c.equivalent.region for c in choose(every, "fr")] == ["world"]


def test_region_decides_between_equally_readable_equivalents():
    every = compare({"climate_change": (50.0, "kg CO2-eq")}, TABLE)
    assert choose(every, "de")[0].equivalent.id == "car_km_europe"  # 50 kg / 175 g = 286 km
    # in the US: 5.6 gallons of gasoline (8,887 g each) or 199 km by car (251 g/km), both local
    assert [c.equivalent.id for c in choose(every, "us")] == ["gasoline_gallon", "car_km_us"]
    assert all(c.equivalent.region != "us" for c in choose(every, "ie"))
    assert "ie" in EUROPE and "gb" in EUROPE and "us" not in EUROPE


@given(st.floats(1e-3, 1e10), st.sampled_from(["us", "fr", "world", "jp"]))
def test_the_first_choice_reads_best(kg, country):
    """No equivalent outside the study's other regions reads better than the one shown first."""
    every = compare({"climate_change": (kg, "kg CO2-eq")}, TABLE)
    picked = choose(every, country)
    low, high = READABLE
    shown = picked[0].count

    def decades(count):
        return max(0.0, __import__("math").log10(low / count), __import__("math").log10(count / high))

    allowed = [c for c in every if c.equivalent.region in ("world", country)
               or (c.equivalent.region == "europe" and country in EUROPE)]
    assert decades(shown) <= min(decades(c.count) for c in allowed) + 1e-12
    # any further ones are readable
    assert all(low <= c.count <= high for c in picked[1:])


def test_a_zero_score_gets_no_equivalent():
    flight = Equivalent("f", "climate_change", 1984, "lb CO2-eq", "flights", "Strubell 2019")
    assert choose(compare({"climate_change": (0.0, "kg CO2-eq")}, [flight])) == ()


def test_study_region_from_the_grid_and_from_the_study(study):
    flagship = load_study(FLAGSHIP)
    assert study_region(flagship, calculate(with_parameters(flagship, {"grid_region": "us_va"}))) == "us"
    assert region_of("se3") == "se" and region_of("glo") == "world"
    path = study('''
    [study]
    name = "in Ireland"
    functional_unit = "1 item"
    region = "IE"
    [demand]
    thing = 1
    [processes.thing]
    unit = "item"
    stage = "use"
    source = "test"
    [[processes.thing.biosphere]]
    flow = "co2"
    amount = 50
    unit = "kg"
    ''')
    content = gather(load_study(path))
    assert [c.equivalent.id for c in content.comparisons if c.equivalent.category == "climate_change"][0] == "car_km_europe"
    assert "286 kilometres driven in an average European passenger car" in snippet(content).markdown


def test_assumptions_are_phrases_with_units():
    flagship = load_study(FLAGSHIP)
    assert assumption_phrase(flagship, "hardware_lifetime_years", 4.0, "dimensionless") == \
        "service life of the servers of 4 years"
    assert assumption_phrase(flagship, "training_days", 14.8, "d") == "wall-clock training time of 14.8 days"
    assert assumption_phrase(flagship, "training_days", 1.0, "d") == "wall-clock training time of 1 day"
    text = snippet(gather(load_study(FLAGSHIP))).markdown
    sentence = text[text.index("We assume"):text.index("Computed with")]
    # no identifiers (snake_case) and no "name = value"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", sentence) and " = " not in sentence
    # the most influential inputs, with their units (the sites' grid intensity outranks the
    # hardware lifetime since the grids became parameters)
    assert "14.8 days" in sentence and "0.3836 kg CO2-eq/kWh" in sentence
