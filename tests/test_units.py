"""lca.units: LCA unit spellings (pint at the edges), conversions, and unit errors."""

from __future__ import annotations

import pytest

from lca.errors import UnitError
from lca.units import conversion_factor, format_unit, parse_unit


@pytest.mark.parametrize("text, pretty", [
    ("kg CO2-eq", "kg CO2-eq"), ("kg CO2e", "kg CO2-eq"), ("kg CO2-eq/kWh", "kg CO2-eq/kWh"),
    ("m3 world-eq", "m3 world-eq"), ("kg Sb-eq", "kg Sb-eq"), ("CTUh", "CTUh"), ("tkm", "t km"),
    ("t*km", "t km"), ("unit", "item"), ("item", "item"), ("GPU_hour", "GPUh"), ("lb", "lb"),
    ("kg CO2-eq/kg CO2-eq", "dimensionless"), ("", "dimensionless"), ("MJ", "MJ"), ("m3", "m3"),
])
def test_lca_spellings(text, pretty):
    assert format_unit(parse_unit(text)) == pretty


@pytest.mark.parametrize("source, target, factor", [
    ("lb", "kg", 0.45359237), ("Wh", "kWh", 1e-3), ("kWh", "MJ", 3.6), ("t*km", "kg*km", 1000.0),
    ("g CO2-eq", "kg CO2-eq", 1e-3), ("L", "m3", 1e-3), ("GPU_hour", "GPU*s", 3600.0),
])
def test_conversions(source, target, factor):
    assert conversion_factor(parse_unit(source), parse_unit(target)) == pytest.approx(factor, rel=1e-12)


def test_wrong_dimension_and_bad_units():
    with pytest.raises(UnitError, match=r"here: unit kWh .* cannot be converted to kg"):
        conversion_factor(parse_unit("kWh"), parse_unit("kg"), "here")
    with pytest.raises(UnitError, match="kg CO2-eq .* cannot be converted to kg"):
        conversion_factor(parse_unit("kg CO2-eq"), parse_unit("kg"))
    with pytest.raises(UnitError, match="offset unit"):
        parse_unit("degC", "x")
    with pytest.raises(UnitError, match="numeric factor"):
        parse_unit("1000 kg", "x")
