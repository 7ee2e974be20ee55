"""Strubell et al. 2019 (Table 3) reproduced from its inputs, in kWh, kg and lb CO2-eq.

A figure passes within 1 % of the published value or within half a unit of its last printed
digit, whichever is wider (within_published)."""

from __future__ import annotations

import json

import pytest
from conftest import within_published

import lca
from lca.cli import main
from lca.engine.calculate import calculate

LB = 0.45359237  # kg per avoirdupois pound (exact, by definition)


STRUBELL = [
    # file, kWh, lbs CO2e (Table 3; integers)
    ("strubell2019_transformer_base", 27, 26),
    ("strubell2019_transformer_big", 201, 192),
    ("strubell2019_elmo", 275, 262),
    ("strubell2019_bert_base", 1507, 1438),
    ("strubell2019_nas", 656347, 626155),
]


@pytest.mark.parametrize("name, kwh, lbs", STRUBELL)
def test_strubell2019_table3(name, kwh, lbs):
    result = calculate(lca.load_study(f"lca:scenarios/{name}.toml"))
    energy = result.supply["datacenter_electricity"]  # kWh, the provider's reference unit
    co2_lb = result.impacts["climate_change"].value / LB
    assert within_published(energy, kwh, 0), (energy, kwh)
    assert within_published(co2_lb, lbs, 0), (co2_lb, lbs)


def test_bert_base_in_kg_and_lb(capsys):
    assert main(["run", "lca:scenarios/strubell2019_bert_base.toml", "--format", "json"]) == 0
    value = json.loads(capsys.readouterr().out)["impacts"]["climate_change"]["value"]
    assert value == pytest.approx(652, rel=0.01)
    assert value / LB == pytest.approx(1438, rel=0.01)
