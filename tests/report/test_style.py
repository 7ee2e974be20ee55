"""lca.report.style: numbers and units formatted for reading."""

from __future__ import annotations

import pytest

from lca.report.style import format_value, readable


@pytest.mark.parametrize("value, text", [(553142.304, "553,142"), (1.0, "1"), (0.4290, "0.429"),
                                         (1.2e-8, "1.2e-08"), (-12.345, "-12.35"), (0.0, "0")])
def test_format_value(value, text):
    assert format_value(value) == text


def test_readable_units():
    assert readable(553142.304, "kg CO2-eq") == pytest.approx((553.142304, "t CO2-eq"))
    assert readable(0.5, "m3") == (500.0, "L")
    assert readable(3.0, "CTUh") == (3.0, "CTUh")
