"""Patterson et al. 2021, Table 4: gross and net figures of Switch Transformer and GShard as
location-based and market-based climate change of one run of each study (``[market_based]``)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli, within_published

MARKET = [
    # file, t CO2e gross (location-based), t CO2e net (market-based), tolerance of the net row
    ("patterson2021_switch", 72.2, 59.1, 0.01),
    ("patterson2021_gshard", 4.8, 4.3, 0.02),  # the paper rounds GShard's days: see its scenario file
]


@pytest.mark.parametrize("name, gross, net, rel", MARKET)
def test_location_based_is_gross_and_market_based_is_net(capsys, name, gross, net, rel):
    code, out, err = run_cli(capsys, "run", f"lca:scenarios/{name}.toml", "--format", "json")
    assert code == 0, err
    climate = json.loads(out)["impacts"]["climate_change"]
    assert within_published(climate["value"] / 1000, gross, 1)
    assert within_published(climate["market_based"] / 1000, net, 1, rel)
    # the net figure is strictly below the gross one: the purchases lower the factor
    assert climate["market_based"] < climate["value"]
