"""Energy drawn by a study, read off the technosphere: the kWh its energy carriers deliver.

A product is an *energy carrier* when its reference unit is an energy (kWh, MJ). Energy can
pass through several carriers (grid -> fab electricity -> ...), so summing every carrier would
count it several times. The total is taken at the *sources*: carrier processes that take no
other carrier as input (a grid mix with a per-kWh emission factor, a generator). It is split by
lifecycle stage exactly as impacts are (background sources count in their users' stages).

>>> from lca import compile_model, load_study
>>> from lca.engine.calculate import compute
>>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> params = compiled.parameters.evaluate()
>>> energy = source_energy(compiled, params, compute(compiled, params).supply)
>>> energy.total_kwh, dict(energy.by_stage)
(1289376.0, {'use': 1289376.0})
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp

from ..model.frozen import FrozenDict
from ..model.records import INHERIT, UNASSIGNED
from ..model.rules import stage_key
from ..units import conversion_factor, parse_unit
from .batched import solve_batch
from .compile import CompiledModel
from .solve import factorize_matrix

KWH = parse_unit("kWh")


@dataclass(frozen=True)
class EnergyUse:
    """Energy drawn from the system's energy sources, in kWh, by lifecycle stage (immutable).

    Examples
    --------
    See the module's example.
    """

    total_kwh: float
    by_stage: Mapping[str, float]
    by_source: Mapping[str, float]
    carriers: tuple[str, ...]  # processes whose product is energy
    # the study's [sites]: the energy each site's datacenter draws (PUE x its IT energy)
    by_site: Mapping[str, float] = field(default_factory=FrozenDict)

    @property
    def assessed(self) -> bool:
        return bool(self.carriers)


def is_energy(unit_text: str) -> bool:
    """Whether a unit is an energy (kWh, MJ, ...): what makes a product an energy carrier.

    Parameters
    ----------
    unit_text : str
        A product's unit.

    Returns
    -------
    bool
        True for energy units.

    Examples
    --------
    >>> is_energy("kWh"), is_energy("MJ"), is_energy("kg")
    (True, True, False)
    """

    return parse_unit(unit_text).dimensionality == KWH.dimensionality


def delivered_kwh(compiled: CompiledModel, technosphere_values: np.ndarray, supply: np.ndarray,
                  to_kwh: np.ndarray) -> np.ndarray:
    """kWh each process delivers in each sample: its own output entry x its supply, in kWh.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    technosphere_values, supply : numpy.ndarray
        (entries, n) matrix entries and (processes, n) supply of n samples.
    to_kwh : numpy.ndarray
        kWh per unit of each process's product (0 for products that are not energy).

    Returns
    -------
    numpy.ndarray
        (processes, n) kWh; zero for processes whose product is not energy.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> values = compiled.technosphere.values(compiled.parameters.evaluate())[:, None]
    >>> delivered_kwh(compiled, values, np.array([[1.0], [1289376.0]]), np.array([0.0, 1.0])).ravel().tolist()
    [0.0, 1289376.0]
    """
    entries = compiled.technosphere
    diagonal = np.zeros_like(supply)
    on_diagonal = entries.rows == entries.cols
    np.add.at(diagonal, entries.rows[on_diagonal], technosphere_values[on_diagonal])
    return to_kwh[:, None] * diagonal * supply


def _sources(compiled: CompiledModel, matrix: sp.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(carrier mask, kWh per unit of each product, source mask) of a technosphere matrix."""
    carrier = np.array([is_energy(u) for u in compiled.product_units], dtype=bool)
    to_kwh = np.array([conversion_factor(parse_unit(u), KWH) if c else 0.0
                       for u, c in zip(compiled.product_units, carrier)])
    coo = sp.coo_matrix(matrix)
    off = (coo.row != coo.col) & (coo.data != 0)
    takes_carrier = np.zeros(len(carrier), dtype=bool)
    takes_carrier[coo.col[off & carrier[coo.row]]] = True
    return carrier, to_kwh, carrier & ~takes_carrier


def energy_samples(compiled: CompiledModel, params: Mapping[str, Any]) -> np.ndarray:
    """Total source energy (kWh) for each sample of *params*.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to numpy.ndarray
        Parameter values, arrays of N samples (root units).

    Returns
    -------
    numpy.ndarray
        (N,) kWh.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> energy_samples(compiled, compiled.parameters.evaluate({"pue": np.array([1.1, 1.2])})).round(1)
    array([1289376., 1406592.])
    """

    entries = compiled.technosphere
    values = entries.values(params)
    demand = compiled.demand_vector(params)
    n = max(values.shape[1] if values.ndim == 2 else 1, demand.shape[1] if demand.ndim == 2 else 1)
    values = values if values.ndim == 2 else np.repeat(values[:, None], n, axis=1)
    demand = demand if demand.ndim == 2 else np.repeat(demand[:, None], n, axis=1)
    carrier, to_kwh, sources = _sources(compiled, sp.csc_matrix(
        (values[:, 0], (entries.rows, entries.cols)), shape=entries.shape))
    supply = solve_batch(compiled, values, demand)
    return (sources[:, None] * delivered_kwh(compiled, values, supply, to_kwh)).sum(axis=0)


def source_energy(compiled: CompiledModel, params: Mapping[str, Any], supply: np.ndarray) -> EnergyUse:
    """Energy (kWh) the system draws from its energy sources, split by lifecycle stage.

    The split is the one :func:`lca.engine.calculate.stage_contributions` makes of impacts: a
    source tagged with a stage counts there; an ``inherit`` (background) source counts in the
    stages of the processes that demand it.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to float
        Root-unit parameter values.
    supply : numpy.ndarray
        The supply at *params*.

    Returns
    -------
    EnergyUse
        Total and by stage.

    Examples
    --------
    See the module's example.
    """
    matrix = compiled.technosphere.matrix(params).tocsc()
    carrier, to_kwh, sources = _sources(compiled, matrix)
    if not carrier.any():
        return EnergyUse(0.0, FrozenDict({}), FrozenDict({}), ())
    per_unit = np.where(sources, matrix.diagonal() * to_kwh, 0.0)  # kWh at the source per unit of supply
    drawn = per_unit * supply
    by_source = {compiled.processes[j]: float(drawn[j]) for j in np.flatnonzero(drawn)}
    return EnergyUse(
        total_kwh=float(math.fsum(by_source.values())),
        by_stage=FrozenDict(_by_stage(compiled, params, matrix.tocsr(), supply, per_unit)),
        by_source=FrozenDict(dict(sorted(by_source.items(), key=lambda kv: (-abs(kv[1]), kv[0])))),
        carriers=tuple(p for p, c in zip(compiled.processes, carrier) if c),
        by_site=FrozenDict(_by_site(compiled, matrix, supply, carrier, to_kwh)),
    )


def _by_site(compiled: CompiledModel, matrix: sp.csc_matrix, supply: np.ndarray, carrier: np.ndarray,
             to_kwh: np.ndarray) -> dict[str, float]:
    """kWh each site's datacenter draws: its energy-carrier inputs times its supply."""
    index = {p: j for j, p in enumerate(compiled.processes)}
    drawn = {}
    for site, process in compiled.model.sites.items():
        j = index.get(process)
        if j is None:
            continue
        column = matrix.getcol(j).tocoo()
        inputs = (column.row != j) & carrier[column.row] & (column.data < 0)
        drawn[site] = float(supply[j] * -np.dot(column.data[inputs], to_kwh[column.row[inputs]]))
    return drawn


def _by_stage(compiled: CompiledModel, params: Mapping[str, Any], matrix: sp.csr_matrix, supply: np.ndarray,
              per_unit: np.ndarray) -> dict[str, float]:
    stages = np.array(compiled.stages, dtype=object)
    background = stages == INHERIT
    tagged = sorted({s for s in compiled.stages if s != INHERIT}, key=stage_key)
    direct = per_unit * supply
    out = {stage: float(direct[stages == stage].sum()) for stage in tagged}
    u = np.flatnonzero(background)
    if not u.size or not per_unit[u].any():
        return {k: v for k, v in out.items() if v}
    # background supply each stage's processes call for, solved within the background system
    system = factorize_matrix(matrix[u][:, u], tuple(compiled.processes[i] for i in u))
    for stage in tagged:
        members = np.flatnonzero(stages == stage)
        out[stage] += float(per_unit[u] @ system.solve(-(matrix[u][:, members] @ supply[members])))
    demanded = compiled.demand_vector(params)[u]
    if np.any(demanded):
        out[UNASSIGNED] = float(per_unit[u] @ system.solve(demanded))
    return {k: v for k, v in out.items() if v}
