"""The CO2-eq spellings of carbon reports (``tCO2e``, ``kgCO2eq``, ...) and the year's display name."""

from __future__ import annotations

import json

import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lca import calculate, load_study
from lca.errors import UnitError
from lca.units import conversion_factor, format_unit, normalize, parse_unit

MARKERS = ("CO2e", "CO2eq", "CO2-eq", "CO2 eq", "CO2_eq", "CO2-equivalents")
MASSES = {"g": 1e-3, "kg": 1.0, "t": 1e3, "lb": 0.45359237}


@pytest.mark.parametrize("text, kilograms", [
    ("tCO2e", 1e3), ("t CO2e", 1e3), ("kgCO2e", 1.0), ("gCO2eq", 1e-3), ("g CO2e", 1e-3), ("kgCO2eq", 1.0),
    ("t CO2-eq", 1e3), ("Mt CO2e", 1e9), ("kg CO2-eq", 1.0),
])
def test_carbon_report_spellings_are_co2_eq(text, kilograms):
    assert conversion_factor(parse_unit(text), parse_unit("kg CO2-eq")) == pytest.approx(kilograms, rel=1e-15)


@given(st.sampled_from(sorted(MASSES)), st.sampled_from(MARKERS), st.sampled_from(("", " ")),
       st.sampled_from(("", "/kWh")))
def test_every_mass_and_marker_spelling_parses_alike(mass, marker, gap, per):
    text = f"{mass}{gap}{marker}{per}"
    assert normalize(normalize(text)) == normalize(text)  # pint's preprocessor may run it twice
    unit = parse_unit(text)
    assert format_unit(unit) == f"{mass} CO2-eq{per}"
    assert conversion_factor(unit, parse_unit(f"kg CO2-eq{per}")) == pytest.approx(MASSES[mass], rel=1e-12)


def test_antimony_marker_written_against_the_mass():
    assert parse_unit("kgSb-eq") == parse_unit("kg Sb-eq")


def test_spellings_work_through_pint_itself():
    assert pint.Quantity("2.5 tCO2e").to("kg CO2-eq").magnitude == pytest.approx(2500.0)


def test_a_carbon_dioxide_mass_is_still_not_co2_eq():
    # kg of the substance CO2 is a mass; only the equivalents marker makes a climate unit
    with pytest.raises(UnitError, match="kgCO2"):
        parse_unit("kgCO2")


def test_year_prints_as_year_and_parses_back():
    assert format_unit(parse_unit("a")) == "year"
    assert format_unit(parse_unit("kg CO2-eq/year")) == "kg CO2-eq/year"
    assert parse_unit(format_unit(parse_unit("year"))) == parse_unit("a")
    assert conversion_factor(parse_unit("year"), parse_unit("d")) == pytest.approx(365.25)


def test_year_in_results_changes_no_number():
    data = calculate(load_study("lca:scenarios/pretrain_adapt.toml")).to_dict()
    # ai_lineage.toml: a 6-year hardware life and a one-year accounting period, in their declared unit
    assert data["parameters"]["hardware_lifetime"] == {"value": 6.0, "unit": "year"}
    assert data["parameters"]["accounting_period"] == {"value": 1.0, "unit": "year"}
    assert '"a"' not in json.dumps(data)
