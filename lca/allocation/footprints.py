"""Own footprints of allocation items (lineage nodes, shared infrastructure) from the LCA engine:
each item's demand is solved against the study's technosphere, all items at once, so that an
item's footprint is exactly what ``lca run`` gives for the same demand (see :func:`demand_scores`).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from ..engine.compile import CompiledModel
from ..engine.solve import factorize_matrix
from ..errors import AllocationError
from ..model.allocation import Demand
from ..units import conversion_factor


def demand_matrix(compiled: CompiledModel, demands: Sequence[Demand], params: Mapping[str, Any],
                  n_samples: int) -> np.ndarray:
    """Demand vectors, one per item: shape (processes, items, samples), in reference units.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    demands : sequence of Demand
        The items' demands.
    params : mapping of str to float or numpy.ndarray
        Root-unit parameter values.
    n_samples : int
        The number of samples.

    Returns
    -------
    numpy.ndarray
        (processes, items, samples).

    Raises
    ------
    AllocationError
        If a demanded product or process is not in the model.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> from lca.model.allocation import Demand
    >>> from lca.model.quantity import read_quantity
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> runs = Demand((("training_run", read_quantity(2, "item", {}, {}, "x")),), "x")
    >>> demand_matrix(compiled, [runs], compiled.parameters.evaluate(), 1)[:, 0, 0]
    array([2., 0.])
    """
    model = compiled.model
    index = {pid: i for i, pid in enumerate(compiled.processes)}
    out = np.zeros((len(compiled.processes), len(demands), n_samples))
    for column, demand in enumerate(demands):
        for key, quantity in demand.items:
            provider = _provider(model, key, demand.where)
            factor = conversion_factor(quantity.unit, model.processes[provider].production.unit, demand.where)
            out[index[provider], column] += factor * np.broadcast_to(
                quantity.value(params, compiled.parameters.choices), (n_samples,))
    return out


def demand_scores(compiled: CompiledModel, demands: Sequence[Demand], params: Mapping[str, Any]) -> np.ndarray:
    """Characterized footprints of *demands*: shape (categories, items, samples).

    The technosphere is factorized once per sample and solved for all items together.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    demands : sequence of Demand
        The items' demands.
    params : mapping of str to float or numpy.ndarray
        Root-unit parameter values (floats, or arrays of N samples).

    Returns
    -------
    numpy.ndarray
        (categories, items, samples) scores in the categories' reference units.

    Examples
    --------
    One and two training runs of the Patterson model, as ``lca run`` scores them:

    >>> from lca import compile_model, load_study
    >>> from lca.model.allocation import Demand
    >>> from lca.model.quantity import read_quantity
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> runs = [Demand((("training_run", read_quantity(n, "item", {}, {}, "x")),), "x") for n in (1, 2)]
    >>> demand_scores(compiled, runs, compiled.parameters.evaluate()).round(1)
    array([[[ 553142.3],
            [1106284.6]]])
    """
    n_samples = _sample_size(params)
    demand = demand_matrix(compiled, demands, params, n_samples)
    tech = _columns(compiled.technosphere.values(params), n_samples)
    bio = _columns(compiled.biosphere.values(params), n_samples)
    char = _columns(compiled.characterization.values(params), n_samples)
    out = np.zeros((len(compiled.categories), len(demands), n_samples))
    for i in range(n_samples):
        entries = compiled.technosphere
        matrix = sp.csc_matrix((tech[:, i], (entries.rows, entries.cols)), shape=entries.shape)
        supply = factorize_matrix(matrix, compiled.processes).solve(demand[:, :, i])
        biosphere = sp.csr_matrix((bio[:, i], (compiled.biosphere.rows, compiled.biosphere.cols)),
                                  shape=compiled.biosphere.shape)
        characterization = sp.csr_matrix((char[:, i], (compiled.characterization.rows,
                                                       compiled.characterization.cols)),
                                         shape=compiled.characterization.shape)
        out[:, :, i] = characterization @ (biosphere @ supply.reshape(len(compiled.processes), -1))
    return out


def _provider(model, key: str, where: str) -> str:
    if key in model.processes and key not in model.products:
        return key
    providers = model.providers(key)
    if len(providers) != 1:

        raise AllocationError(f"{where}.{key}: {len(providers)} processes make {key!r}"
                              + (f" ({', '.join(providers)}); name the process instead" if providers else ""))
    return providers[0]


def _sample_size(params: Mapping[str, Any]) -> int:
    for value in params.values():
        if np.ndim(value) == 1:
            return len(value)
    return 1


def _columns(values: np.ndarray, n_samples: int) -> np.ndarray:
    return values[:, None].repeat(n_samples, axis=1) if values.ndim == 1 else values
