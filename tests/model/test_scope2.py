"""The market-based rule of GHG Protocol Scope 2: instruments for covered kWh, residual mix for the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lca.errors import ModelError
from lca.model.scope2 import Instrument, MarketBased, market_based


def spec(*instruments: Instrument, residual: float | None = 0.5) -> MarketBased:
    return MarketBased(("grid",), instruments, residual, "AIB" if residual is not None else None, "s.toml: market_based")


def test_hand_computed_mix_of_share_energy_and_residual():
    # 1000 kWh at a 0.4 kg/kWh grid (400 kg) in a system of 450 kg: a wind PPA covers 30 %
    # (300 kWh at 0), certificates 200 kWh at 0.01 (2 kg), the residual 500 kWh at 0.5 (250 kg)
    result = market_based(spec(Instrument("ppa", "wind", 0.0, share=0.3),
                               Instrument("eac", "GOs", 0.01, energy_kwh=200.0)), 450.0, 1000.0, 400.0)
    assert result.covered_kwh == {"wind": 300.0, "GOs": 200.0}
    assert result.residual_kwh == 500.0
    assert result.market_based_electricity == pytest.approx(252.0, rel=1e-15)
    assert result.value == pytest.approx(302.0, rel=1e-15)
    assert result.location_based_electricity == 400.0


def test_full_cover_needs_no_residual_mix():
    result = market_based(spec(Instrument("supplier_specific", "rate", 0.33, share=1.0), residual=None),
                          1000.0, 2000.0, 806.0)
    assert result.residual_kwh == 0.0
    assert result.value == pytest.approx(1000.0 - 806.0 + 660.0, rel=1e-15)


def test_uncovered_kwh_without_a_residual_mix_is_an_error():
    with pytest.raises(ModelError, match=r"s.toml: market_based: 500 kWh are not covered .* no residual_mix"):
        market_based(spec(Instrument("ppa", "wind", 0.0, share=0.5), residual=None), 1.0, 1000.0, 1.0)


def test_claims_beyond_consumption_are_an_error():
    with pytest.raises(ModelError, match="cover 1500 kWh, more than the 1000 kWh"):
        market_based(spec(Instrument("eac", "RECs", 0.0, energy_kwh=1500.0)), 1.0, 1000.0, 1.0)


@example(kwh=4503596.0, share=0.9999999999999999, factor=0.0, residual=2.0)
@given(kwh=st.floats(1e-3, 1e9), share=st.floats(0, 1), factor=st.floats(0, 2), residual=st.floats(0, 2))
def test_instrument_at_the_residual_factor_changes_nothing_but_the_electricity_factor(kwh, share, factor, residual):
    # invariant: an instrument at the residual factor is the same as no instrument, and the
    # market-based figure is linear in the covered share between the two factors
    location = 0.4 * kwh
    # the figure subtracts the location-based emissions and adds the instruments' (terms of
    # about kwh x factor): it is exact to rounding at that scale, not at the result's, which
    # cancellation can make far smaller (kwh 4.5e6, share 1 - 1e-16, factor 0: 10 kg)
    scale = 1e-12 * (10.0 + kwh * max(0.4, factor, residual))
    plain = market_based(spec(residual=residual), 10.0 + location, kwh, location)
    same = market_based(spec(Instrument("eac", "x", residual, share=share), residual=residual), 10.0 + location,
                        kwh, location)
    assert same.value == pytest.approx(plain.value, rel=1e-12, abs=scale)
    mixed = market_based(spec(Instrument("ppa", "x", factor, share=share), residual=residual), 10.0 + location,
                         kwh, location)
    expected = 10.0 + kwh * (share * factor + (1 - share) * residual)
    assert math.isclose(mixed.value, expected, rel_tol=1e-12, abs_tol=scale)
