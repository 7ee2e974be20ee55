"""``energy.by_site``: the kWh each site's datacenter draws from its grid (PUE x its IT energy)."""

from __future__ import annotations

import json

import pytest

import lca
from lca import calculate, with_parameters
from lca.cli import main

TWO_SITES = "lca:scenarios/finetune_de_serve_ie.toml"


@pytest.fixture(scope="module")
def result():
    return calculate(lca.load_study(TWO_SITES))


def test_each_site_draws_its_pue_times_its_it_energy(result):
    for site in ("finetune", "serve"):
        it_kwh = result.supply[f"site_{site}"]  # the site's IT energy, kWh
        pue = result.parameters[f"site_{site}_pue"].value
        assert result.energy.by_site[site] == pytest.approx(pue * it_kwh, rel=1e-12)


def test_the_sites_are_the_use_stage_energy(result):
    """Every use-stage kWh of this study goes through one of its two sites."""
    assert sum(result.energy.by_site.values()) == pytest.approx(result.energy.by_stage["use"], rel=1e-12)


def test_a_grid_factor_does_not_move_the_energy(result):
    changed = calculate(with_parameters(lca.load_study(TWO_SITES), {"grid_intensity_ie": 0.25}))
    assert dict(changed.energy.by_site) == pytest.approx(dict(result.energy.by_site), rel=1e-15)


def test_json_and_table_carry_it_only_for_studies_with_sites(capsys):
    assert main(["run", TWO_SITES, "--format", "json"]) == 0
    by_site = json.loads(capsys.readouterr().out)["energy"]["by_site"]
    assert set(by_site) == {"finetune", "serve"}
    assert main(["run", "lca:scenarios/patterson2021_gpt3.toml", "--format", "json"]) == 0
    assert "by_site" not in json.loads(capsys.readouterr().out)["energy"]
    assert main(["run", TWO_SITES]) == 0
    assert "drawn by the sites' datacenters: finetune 217.1, serve 315.9 kWh" in capsys.readouterr().out
