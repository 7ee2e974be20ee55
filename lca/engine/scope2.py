"""Market-based climate change for each Monte Carlo iteration (GHG Protocol Scope 2).

The deterministic figure (:func:`lca.model.scope2.market_based`) needs three numbers, and each
iteration has its own: the system's location-based climate change, the kWh of the electricity
the study's ``[market_based]`` table names, and that electricity's location-based emissions.
They are read off the same solved block as the scores, so the market-based samples pair
one-to-one with the location-based ones.

The engine's batched evaluation (:func:`lca.engine.propagate.evaluate` with
``market_based=True``) applies this module's rule to each block it solves:

>>> from lca import calculate, load_study
>>> from lca.engine.propagate import evaluate, prepare
>>> model = load_study("lca:scenarios/patterson2021_switch.toml")
>>> propagator = prepare(model)
>>> at_values = np.array([[model.parameters[name].value] for name in propagator.names])  # declared units
>>> outcome = evaluate(propagator, at_values, market_based=True)
>>> float(outcome.market_based[0]) == calculate(model).market_based.value
True
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import ModelError
from ..model.scope2 import market_based_samples
from ..units import conversion_factor, parse_unit
from .compile import CompiledModel
from .energy import KWH, delivered_kwh, is_energy


def market_based_of_block(compiled: CompiledModel, climate: sp.spmatrix, pair_process: np.ndarray,
                          contributions: np.ndarray, technosphere: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Market-based climate change (kg CO2-eq) of a solved block of iterations.

    Parameters
    ----------
    compiled : CompiledModel
        A model whose study has a ``[market_based]`` table.
    climate : scipy.sparse matrix
        (1, pairs): selects the climate-change pairs of *contributions*.
    pair_process : numpy.ndarray
        (pairs,) the process of each characterization-biosphere pair.
    contributions : numpy.ndarray
        (pairs, n) each pair's contribution, one column per iteration.
    technosphere, supply : numpy.ndarray
        (entries, n) the technosphere entries and (processes, n) the supply of each iteration.

    Returns
    -------
    numpy.ndarray
        (n,) market-based climate change, one per iteration.

    Raises
    ------
    ModelError
        If the study has no ``[market_based]`` table, or a named process does not deliver energy.

    Examples
    --------
    See the module's example.
    """
    spec = compiled.model.market_based
    if spec is None:
        raise ModelError("the study has no [market_based] table: there is no market-based figure to sample")
    named = np.array([compiled.processes.index(p) for p in spec.electricity])
    to_kwh = np.zeros(len(compiled.processes))  # kWh per unit of output, of the named processes only
    for process in named:
        unit = compiled.product_units[process]
        if not is_energy(unit):
            raise ModelError.at(spec.defined_in, f"{compiled.processes[process]!r} makes {unit!r}, not energy: "
                                                 "name the grid process whose kWh the instruments cover")
        to_kwh[process] = conversion_factor(parse_unit(unit), KWH)
    total = np.asarray(climate @ contributions).ravel()
    on_named = np.isin(pair_process, named).astype(float)
    location = np.asarray(sp.csr_matrix(climate).multiply(on_named) @ contributions).ravel()
    kwh = delivered_kwh(compiled, technosphere, supply, to_kwh).sum(axis=0)
    return market_based_samples(spec, total, kwh, location)
