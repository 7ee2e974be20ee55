"""lca.report.equivalents: the shipped equivalents have sources and the seed values; errors name the
file and item."""

from __future__ import annotations

import pytest

from lca.errors import FileFormatError
from lca.report.equivalents import DEFAULT_PATH, Equivalent, compare, load_equivalents

LB = 0.45359237  # kg per pound (exact)


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
