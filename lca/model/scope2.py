"""Market-based Scope 2 accounting of purchased electricity (GHG Protocol Scope 2 Guidance, 2015).

Location-based climate change uses the grid-average factor of the electricity a system draws.
The market-based figure replaces, for the electricity a study names, the grid factor by the
factor of the contractual instruments that cover it (PPAs, unbundled energy attribute
certificates, a supplier-specific rate), instrument by instrument, and by the *residual mix*
factor for the kWh no instrument covers (GHG Protocol Scope 2 Guidance, ch. 6-7: the residual
mix, not the grid average, because the grid average double counts the attributes already sold).

>>> spec = MarketBased(electricity=("datacenter_electricity",), defined_in="s.toml: market_based",
...     instruments=(Instrument("ppa", "wind PPA", 0.0, share=0.25, source="contract"),),
...     residual_mix=0.5, residual_source="supplier disclosure")
>>> result = market_based(spec, location_total=1000.0, kwh=2000.0, location_electricity=800.0)
>>> result.value, result.residual_kwh, dict(result.covered_kwh)
(950.0, 1500.0, {'wind PPA': 500.0})
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import ModelError
from .frozen import FrozenDict, frozen

KINDS = ("ppa", "eac", "supplier_specific")


@dataclass(frozen=True)
class Instrument:
    """One contractual instrument: the kWh it covers and their emission factor (immutable).

    Attributes
    ----------
    kind : str
        ``ppa`` (power purchase agreement), ``eac`` (unbundled energy attribute certificates:
        GOs, RECs) or ``supplier_specific`` (a supplier's or operator's disclosed emission rate).
    name : str
        The label results use.
    intensity : float
        kg CO2-eq per kWh of the covered electricity.
    share : float or None
        Share (0-1) of the named electricity the instrument covers; or
    energy_kwh : float or None
        the kWh it covers (certificates retired for the study).
    source : str
        Where the contract, certificate or rate is documented.

    Examples
    --------
    >>> Instrument("eac", "GOs", 0.0, energy_kwh=1e3, source="registry").energy_kwh
    1000.0
    """

    kind: str
    name: str
    intensity: float
    share: float | None = None
    energy_kwh: float | None = None
    source: str = ""


@dataclass(frozen=True)
class MarketBased:
    """A study's ``[market_based]`` table: the electricity it covers and its instruments (immutable).

    Attributes
    ----------
    electricity : tuple of str
        Energy-source processes (grid electricity at the datacenter) the instruments apply to.
    instruments : tuple of Instrument
        Applied in order.
    residual_mix : float or None
        kg CO2-eq/kWh for the kWh no instrument covers; needed only when some are uncovered.
    residual_source : str or None
        Its source (AIB European Residual Mixes, Green-e Residual Mix, ...).
    defined_in : str
        File and item, for messages.

    Examples
    --------
    See the module's example.
    """

    electricity: tuple[str, ...]
    instruments: tuple[Instrument, ...]
    residual_mix: float | None
    residual_source: str | None
    defined_in: str


@dataclass(frozen=True)
class MarketBasedResult:
    """Climate change of the whole system with the named electricity accounted market-based (immutable).

    Attributes
    ----------
    value : float
        kg CO2-eq: the location-based total with the named electricity's emissions replaced.
    electricity_kwh : float
        kWh of the named electricity.
    location_based_electricity, market_based_electricity : float
        kg CO2-eq of that electricity, each way.
    covered_kwh : mapping of str to float
        kWh each instrument covers.
    residual_kwh : float
        kWh left to the residual mix.

    Examples
    --------
    See the module's example.
    """

    value: float
    electricity_kwh: float
    location_based_electricity: float
    market_based_electricity: float
    covered_kwh: Mapping[str, float] = field(default_factory=frozen)
    residual_kwh: float = 0.0


def market_based(spec: MarketBased, location_total: float, kwh: float,
                 location_electricity: float) -> MarketBasedResult:
    """Apply a study's contractual instruments to its electricity (GHG Protocol Scope 2, market-based).

    Parameters
    ----------
    spec : MarketBased
        The instruments and residual mix.
    location_total : float
        Location-based climate change of the whole system, kg CO2-eq.
    kwh : float
        kWh of the electricity *spec* names.
    location_electricity : float
        Its location-based emissions, kg CO2-eq (part of *location_total*).

    Returns
    -------
    MarketBasedResult
        The market-based total and how the kWh were covered.

    Raises
    ------
    ModelError
        If the instruments claim more kWh than the electricity drawn (a claim beyond consumption
        is not allowed), or kWh are left uncovered and no residual-mix factor is given.

    Examples
    --------
    >>> spec = MarketBased(("grid",), (Instrument("eac", "RECs", 0.0, energy_kwh=300.0),), None, None, "s.toml: market_based")
    >>> market_based(spec, 100.0, 200.0, 100.0)
    Traceback (most recent call last):
    lca.errors.ModelError: s.toml: market_based: the instruments cover 300 kWh, more than the 200 kWh of electricity they apply to
    """
    covered: dict[str, float] = {}
    emissions = []
    for instrument in spec.instruments:
        amount = kwh * instrument.share if instrument.share is not None else float(instrument.energy_kwh or 0.0)
        covered[instrument.name] = amount
        emissions.append(amount * instrument.intensity)
    claimed = math.fsum(covered.values())
    # a relative tolerance: a 100 % share must not fail on rounding of the kWh
    if claimed > kwh * (1 + 1e-12):
        raise ModelError.at(spec.defined_in, f"the instruments cover {claimed:.6g} kWh, more than the "
                                             f"{kwh:.6g} kWh of electricity they apply to")
    residual = max(kwh - claimed, 0.0)
    if residual > kwh * 1e-12:
        if spec.residual_mix is None:
            raise ModelError.at(spec.defined_in, f"{residual:.6g} kWh are not covered by an instrument and no "
                                                 "residual_mix factor is given (GHG Protocol Scope 2: uncovered kWh "
                                                 "take the residual mix of their market; give it with its source)")
        emissions.append(residual * spec.residual_mix)
    else:
        residual = 0.0
    market_electricity = math.fsum(emissions)
    return MarketBasedResult(
        value=location_total - location_electricity + market_electricity,
        electricity_kwh=kwh,
        location_based_electricity=location_electricity,
        market_based_electricity=market_electricity,
        covered_kwh=FrozenDict(covered),
        residual_kwh=residual,
    )


def market_based_samples(spec: MarketBased, location_total: np.ndarray, kwh: np.ndarray,
                         location_electricity: np.ndarray) -> np.ndarray:
    """:func:`market_based` for arrays of Monte Carlo iterations.

    A drawn consumption can fall below the kWh that fixed-quantity instruments (certificates
    retired for the study) cover. A claim beyond consumption is not allowed (GHG Protocol Scope 2
    Quality Criteria), so in such an iteration the instruments are scaled down together to the
    kWh drawn. That is a property of the draw, not an error of the study: :func:`market_based`
    still refuses instruments that exceed the deterministic consumption.

    Parameters
    ----------
    spec : MarketBased
        The instruments and residual mix.
    location_total, kwh, location_electricity : numpy.ndarray
        (n,) per iteration: location-based climate change of the system, kWh of the named
        electricity, and its location-based emissions.

    Returns
    -------
    numpy.ndarray
        (n,) market-based climate change.

    Raises
    ------
    ModelError
        If some kWh are left uncovered in an iteration and no residual-mix factor is given.

    Examples
    --------
    >>> spec = MarketBased(("grid",), (Instrument("eac", "RECs", 0.0, energy_kwh=300.0),), 0.5, "AIB", "s.toml")
    >>> market_based_samples(spec, np.array([500.0, 100.0]), np.array([400.0, 200.0]), np.array([200.0, 100.0]))
    array([350.,   0.])
    """
    location_total, kwh = np.asarray(location_total, dtype=float), np.asarray(kwh, dtype=float)
    claims = np.array([kwh * i.share if i.share is not None else np.full_like(kwh, float(i.energy_kwh or 0.0))
                       for i in spec.instruments]).reshape(len(spec.instruments), kwh.size)
    claimed = claims.sum(axis=0)
    scale = np.where(claimed > kwh, np.divide(kwh, claimed, out=np.zeros_like(kwh), where=claimed > 0), 1.0)
    claims = claims * scale
    intensities = np.array([i.intensity for i in spec.instruments], dtype=float)
    market_electricity = intensities @ claims if len(spec.instruments) else np.zeros_like(kwh)
    residual = np.maximum(kwh - claims.sum(axis=0), 0.0)
    uncovered = residual > kwh * 1e-12
    if uncovered.any():
        if spec.residual_mix is None:
            raise ModelError.at(spec.defined_in, f"{residual[uncovered][0]:.6g} kWh are not covered by an instrument "
                                                 f"in iteration {int(np.flatnonzero(uncovered)[0])} and no residual_mix "
                                                 "factor is given (GHG Protocol Scope 2: uncovered kWh take the "
                                                 "residual mix of their market; give it with its source)")
        market_electricity = market_electricity + np.where(uncovered, residual, 0.0) * spec.residual_mix
    return location_total - np.asarray(location_electricity, dtype=float) + market_electricity
