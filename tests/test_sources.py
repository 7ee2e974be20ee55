"""`lca sources`: every number with its source, and exact elasticities."""

from __future__ import annotations

import pytest
from studies import CHAIN

import lca
from lca.engine.calculate import calculate
from lca.sources import number_sources


def test_multiplicative_model_has_unit_elasticities():
    rows = number_sources(lca.load_study("lca:scenarios/patterson2021_gpt3.toml"))
    by_name = {r.name: r for r in rows if r.kind == "parameter"}
    for name in ("n_chips", "chip_power", "duration", "pue", "grid_intensity"):
        assert by_name[name].elasticity["climate_change"] == pytest.approx(1.0, rel=1e-6)
        assert by_name[name].source.startswith("Patterson et al. 2021")
    production = [r for r in rows if r.kind == "production"]
    assert all(r.elasticity["climate_change"] == pytest.approx(-1.0) for r in production)


def test_entry_elasticities_match_finite_differences(study):
    """The adjoint elasticity of an input amount equals re-running the model with it changed."""
    path = study(CHAIN)
    base = calculate(lca.load_study(path)).impacts["climate_change"].value
    rows = number_sources(lca.load_study(path))
    steel_input = [r for r in rows if "processes.board.technosphere[0]" in r.name][0]
    changed_path = study(CHAIN.replace('{ product = "steel", amount = 0.5, unit = "kg" }',
                                       '{ product = "steel", amount = 0.5005, unit = "kg" }'), name="changed.toml")
    changed = calculate(lca.load_study(changed_path)).impacts["climate_change"].value
    assert steel_input.elasticity["climate_change"] == pytest.approx((changed - base) / base / 1e-3, rel=1e-6)
    steel_co2 = [r for r in rows if "processes.steel.biosphere[0]" in r.name][0]
    assert steel_co2.elasticity["climate_change"] == pytest.approx(11 * 1.8 / base, rel=1e-12)
    assert steel_co2.value == 1.8 and steel_co2.unit == "kg" and steel_co2.source == "test"
