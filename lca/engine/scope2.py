"""Market-based climate change for each Monte Carlo iteration (GHG Protocol Scope 2).

The deterministic figure (:func:`lca.model.scope2.market_based`) needs three numbers, and each
iteration has its own: the system's location-based climate change, the kWh of the electricity
the study's ``[market_based]`` table names, and that electricity's location-based emissions.
They are read off the same solved block as the scores, so the market-based samples pair
one-to-one with the location-based ones.

>>> from lca import calculate, load_study
>>> from lca.engine.propagate import prepare
>>> model = load_study("lca:scenarios/patterson2021_switch.toml")
>>> propagator = prepare(model)
>>> at_values = np.array([[model.parameters[name].value] for name in propagator.names])  # declared units
>>> float(market_based_block(propagator, at_values)[0]) == calculate(model).market_based.value
True
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from ..model.scope2 import market_based_samples
from ..units import conversion_factor, parse_unit
from .energy import KWH, delivered_kwh, is_energy
from .propagate import Propagator, solve_block


def market_based_block(propagator: Propagator, inputs: np.ndarray, first_sample: int = 0) -> np.ndarray:
    """Market-based climate change (kg CO2-eq) of a block of iterations.

    Parameters
    ----------
    propagator : Propagator
        A prepared model whose study has a ``[market_based]`` table.
    inputs : numpy.ndarray
        (len(propagator.names), n): the varied parameters' values in their declared units.
    first_sample : int, optional
        The number of the block's first iteration, for messages.

    Returns
    -------
    numpy.ndarray
        (n,) market-based climate change, one per iteration.

    Raises
    ------
    ModelError
        If the study has no ``[market_based]`` table or assesses no climate change, or a named
        process does not deliver energy.

    Examples
    --------
    See the module's example.
    """
    compiled = propagator.compiled
    spec = compiled.model.market_based
    if spec is None:
        raise ModelError("the study has no [market_based] table: there is no market-based figure to sample")
    if "climate_change" not in compiled.categories:
        raise ModelError.at(spec.defined_in, "the study assesses no climate_change: a market-based figure needs it")
    named = np.array([compiled.processes.index(p) for p in spec.electricity])
    to_kwh = np.zeros(len(compiled.processes))  # kWh per unit of output, of the named processes only
    for process in named:
        unit = compiled.product_units[process]
        if not is_energy(unit):
            raise ModelError.at(spec.defined_in, f"{compiled.processes[process]!r} makes {unit!r}, not energy: "
                                                 "name the grid process whose kWh the instruments cover")
        to_kwh[process] = conversion_factor(parse_unit(unit), KWH)
    block = solve_block(propagator, inputs, first_sample)
    row = compiled.categories.index("climate_change")
    climate = propagator.to_category[row]  # (1, pairs) selection of the climate pairs
    total = np.asarray(climate @ block.contributions).ravel()
    on_named = np.isin(propagator.pair_process, named).astype(float)
    location = np.asarray(climate.multiply(on_named) @ block.contributions).ravel()
    kwh = delivered_kwh(compiled, block.technosphere, block.supply, to_kwh).sum(axis=0)
    return market_based_samples(spec, total, kwh, location)
