"""A study's ``[market_based]`` table: location- and market-based climate change from ``lca run``;
every malformed table is one ``error:`` line naming the file and the item, exit status 2."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from lca import calculate, load_study, with_parameters

# 1000 kWh from a 0.4 kg/kWh grid (400 kg) plus 50 kg of manufacturing: 450 kg location-based
STUDY = '''
[study]
name = "market-based"
functional_unit = "one run"

[parameters]
it_kwh = {{ value = 1, unit = "MWh" }}

[processes.run]
unit = "item"
stage = "use"
[[processes.run.technosphere]]
product = "grid"
amount = "it_kwh"
unit = "kWh"
[[processes.run.technosphere]]
product = "chips"
amount = 1
unit = "item"

[processes.chips]
unit = "item"
stage = "manufacturing"
[[processes.chips.biosphere]]
flow = "ghg"
amount = 50
unit = "kg CO2-eq"

[processes.grid]
unit = "kWh"
[[processes.grid.biosphere]]
flow = "ghg"
amount = 0.4
unit = "kg CO2-eq"

[demand]
run = 1

{market}
'''
MARKET = '''
[market_based]
electricity = ["grid"]
residual_mix = { intensity = 500, unit = "g CO2-eq/kWh", source = "AIB European Residual Mixes (test value)" }

[[market_based.instruments]]
kind = "ppa"
name = "wind PPA"
share = 0.3
intensity = 0
source = "contract"

[[market_based.instruments]]
kind = "eac"
name = "GOs"
energy = 0.2
unit = "MWh"
intensity = 10
intensity_unit = "g CO2-eq/kWh"
source = "registry"
'''


def test_run_reports_both_figures_hand_computed(study, capsys):
    path = study(STUDY.format(market=MARKET))
    code, out, err = run_cli(capsys, "run", str(path), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    climate = data["impacts"]["climate_change"]
    assert climate["value"] == pytest.approx(450.0, rel=1e-12)  # unchanged: location-based
    # 300 kWh x 0 + 200 kWh x 0.01 + 500 kWh residual x 0.5 = 252 kg, plus the 50 kg of chips
    assert climate["market_based"] == pytest.approx(302.0, rel=1e-12)
    electricity = data["scope2"]["electricity"]
    assert electricity["value"] == pytest.approx(1000.0, rel=1e-12)
    assert electricity["covered_kwh"] == {"wind PPA": pytest.approx(300.0), "GOs": pytest.approx(200.0)}
    assert electricity["residual_kwh"] == pytest.approx(500.0)
    assert data["scope2"]["location_based"] == climate["value"]
    code, out, _ = run_cli(capsys, "run", str(path))
    assert "location-based 450.0, market-based 302.0 kg CO2-eq" in out


def test_set_changes_the_kwh_the_share_covers(study):
    model = load_study(study(STUDY.format(market=MARKET)))
    result = calculate(with_parameters(model, {"it_kwh": "2 MWh"}))
    # 2000 kWh: PPA 600 at 0, GOs 200 at 0.01, residual 1200 at 0.5
    assert result.market_based.value == pytest.approx(50 + 2 + 600, rel=1e-12)
    assert result.impacts["climate_change"].value == pytest.approx(850.0, rel=1e-12)


def test_without_the_table_the_contract_is_unchanged(study):
    data = calculate(load_study(study(STUDY.format(market="")))).to_dict()
    assert "scope2" not in data and "market_based" not in data["impacts"]["climate_change"]


def test_records_pickle(study):
    import pickle
    model = load_study(study(STUDY.format(market=MARKET)))
    assert pickle.loads(pickle.dumps(model)).market_based == model.market_based


BAD = [
    (MARKET.replace('kind = "ppa"', 'kind = "rec"'),
     "market_based.instruments[0].kind: 'rec' is not an instrument kind"),
    (MARKET.replace('share = 0.3', 'share = 1.3'), "market_based.instruments[0].share: 1.3 is not a share"),
    (MARKET.replace('share = 0.3', 'share = 0.3\nenergy = 3'), "market_based.instruments[0]: give either 'share'"),
    (MARKET.replace('source = "contract"\n', ''), "market_based.instruments[0]"),
    (MARKET.replace('unit = "MWh"', 'unit = "kg"'), "market_based.instruments[1].unit: the energy an instrument"),
    (MARKET.replace('intensity_unit = "g CO2-eq/kWh"', 'intensity_unit = "kWh"'),
     "market_based.instruments[1].intensity_unit: an emission factor is"),
    (MARKET.replace('intensity = 0\n', 'intensity = -1\n'), "market_based.instruments[0].intensity: -1.0 is negative"),
    (MARKET.replace('electricity = ["grid"]', 'electricity = ["gird"]'), "market_based.electricity[0]: no process 'gird'"),
    (MARKET.replace('electricity = ["grid"]', 'electricity = ["chips"]'), "'chips' makes item, not an energy"),
    (MARKET.replace('electricity = ["grid"]', 'electricity = []'), "market_based.electricity: name the electricity"),
    (MARKET.replace('electricity = ["grid"]', 'electricity = ["grid"]\nresidual = 1'), "market_based"),
    (MARKET.replace('residual_mix = {', '# residual_mix = {'), "500 kWh are not covered by an instrument"),
    (MARKET.replace('energy = 0.2', 'energy = 2'), "the instruments cover 2300 kWh, more than the 1000 kWh"),
]


@pytest.mark.parametrize("market, message", BAD)
def test_malformed_tables_are_one_clear_error(study, capsys, market, message):
    path = study(STUDY.format(market=market))
    code, out, err = run_cli(capsys, "run", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "study.toml" in err and message in err, err
    assert "Traceback" not in err
