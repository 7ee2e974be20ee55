"""Deterministic LCA: solve the supply, build the inventory, characterize, and split the
scores by process, lifecycle stage and elementary flow (contribution analysis).

>>> from lca import load_study, calculate
>>> result = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> round(result.impacts["climate_change"].value, 1)
553142.3
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..errors import ModelError
from ..load.tables import collection_paused
from ..model.frozen import FrozenDict, ReadOnlyArrays
from ..model.records import INHERIT, UNASSIGNED, Model
from ..model.rules import stage_key
from ..model.published import ENERGY, MARKET_BASED, PublishedComparison, compare_published
from ..model.scope2 import MarketBasedResult, market_based
from ..units import format_unit
from .compile import CompiledModel, compile_at_defaults
from .energy import EnergyUse, source_energy
from .solve import Factorized, factorize, factorize_matrix


@dataclass(frozen=True)
class CategoryResult:
    """One impact category's score, in its reference unit, with its contributions (immutable).

    Attributes
    ----------
    category : str
        The impact category (``climate_change``, ...).
    method : str
        The method that characterized it.
    unit : str
        The category's reference unit (``kg CO2-eq``).
    value : float
        The score.
    by_stage : mapping of str to float
        The score by lifecycle stage; background processes count towards the stage of the
        processes that use them. Sums to ``value``.
    by_process : mapping of str to float
        The direct contribution of each process (its own emissions times its supply), largest
        magnitude first, zeros left out. Sums to ``value``.
    by_flow : mapping of str to float
        The contribution of each elementary flow, in the same order. Sums to ``value``.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> climate = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")).impacts["climate_change"]
    >>> climate.method, climate.unit, {stage: round(v) for stage, v in climate.by_stage.items()}
    ('ipcc_ar6_gwp100', 'kg CO2-eq', {'use': 553142})
    """

    category: str
    method: str
    unit: str
    value: float
    by_stage: Mapping[str, float]
    by_process: Mapping[str, float]
    by_flow: Mapping[str, float]


@dataclass(frozen=True)
class FlowResult:
    """One elementary flow of the inventory: its amount in the flow's reference unit (immutable).

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> flow = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")).inventory["ghg_precharacterized_air"]
    >>> round(flow.value, 1), flow.unit
    (553142.3, 'kg CO2-eq')
    """

    value: float
    unit: str


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value in a result, in the parameter's declared unit (immutable).

    A choice parameter's value is its option, with the unit ``"option"``.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")).parameters["duration"]
    ParameterValue(value=14.8, unit='d')
    """

    value: float | str
    unit: str


@dataclass(frozen=True)
class LCAResult:
    """The result of one deterministic calculation (immutable).

    Attributes
    ----------
    study, functional_unit : str
        From the study's ``[study]`` table.
    impacts : mapping of str to CategoryResult
        One result per impact category.
    inventory : mapping of str to FlowResult
        The life-cycle inventory: every elementary flow's total.
    supply : mapping of str to float
        How much of each process runs, in its reference unit.
    parameters : mapping of str to ParameterValue
        The parameter values the result was computed at.
    warnings : tuple of str
        The model's validation warnings.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> result = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> result.functional_unit, result.supply["datacenter_electricity"]
    ('one trained GPT-3 model', 1289376.0)
    >>> sorted(result.to_dict())
    ['energy', 'functional_unit', 'impacts', 'inventory', 'parameters', 'published', 'study']
    """

    study: str
    functional_unit: str
    impacts: Mapping[str, CategoryResult]
    inventory: Mapping[str, FlowResult]
    supply: Mapping[str, float]
    parameters: Mapping[str, ParameterValue]
    warnings: tuple[str, ...] = ()
    # electricity and other energy drawn at its sources (grid, meter); None without energy carriers
    energy: EnergyUse | None = None
    # climate change with the study's electricity accounted market-based (its [market_based] table)
    market_based: MarketBasedResult | None = None
    # --grid-profile: the time-matched intensity, the annual one and climate change with each
    grid_profile: Mapping[str, Any] | None = None
    # the study's [study] published values beside this result's
    published: tuple[PublishedComparison, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``lca run --format json``."""
        data = {
            "study": self.study,
            "functional_unit": self.functional_unit,
            "impacts": {
                cid: {
                    "value": c.value,
                    "unit": c.unit,
                    "method": c.method,
                    "by_stage": dict(c.by_stage),
                    "by_process": dict(c.by_process),
                }
                for cid, c in self.impacts.items()
            },
            "inventory": {fid: {"value": f.value, "unit": f.unit} for fid, f in self.inventory.items()},
            "parameters": {name: {"value": p.value, "unit": p.unit} for name, p in self.parameters.items()},
        }
        if self.energy is not None and self.energy.assessed:
            data["energy"] = {"value": self.energy.total_kwh, "unit": "kWh", "by_stage": dict(self.energy.by_stage),
                              "by_process": dict(self.energy.by_source)}
            if self.energy.by_site:
                data["energy"]["by_site"] = dict(self.energy.by_site)
        if self.market_based is not None:
            scope2 = self.market_based
            data["impacts"]["climate_change"]["market_based"] = scope2.value
            data["scope2"] = {
                "location_based": data["impacts"]["climate_change"]["value"], "market_based": scope2.value,
                "unit": data["impacts"]["climate_change"]["unit"],
                "electricity": {"value": scope2.electricity_kwh, "unit": "kWh",
                                "location_based": scope2.location_based_electricity,
                                "market_based": scope2.market_based_electricity,
                                "covered_kwh": dict(scope2.covered_kwh), "residual_kwh": scope2.residual_kwh},
            }
        if self.grid_profile is not None:
            data["grid_profile"] = dict(self.grid_profile)
        if self.published:
            data["published"] = {c.published.key: c.to_dict() for c in self.published}
        return data


@dataclass(frozen=True)
class Scores(ReadOnlyArrays):
    """The numeric core's answer for one parameter point: arrays, no labels (see :func:`compute`).

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> numbers = compute(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")))
    >>> numbers.supply.shape, numbers.by_process.shape
    ((2,), (1, 2))
    """

    _read_only = ("supply", "inventory", "scores", "by_process", "intensity", "by_flow")

    supply: np.ndarray  # (processes,)
    inventory: np.ndarray  # (flows,)
    scores: np.ndarray  # (categories,)
    by_process: np.ndarray  # (categories, processes)
    intensity: np.ndarray  # (categories, processes): C B, impact per unit of each process's supply
    by_flow: np.ndarray  # (categories, flows): C diag(g)


def compute(compiled: CompiledModel, params: Mapping[str, Any] | None = None,
            system: Factorized | None = None) -> Scores:
    """Supply, inventory, scores and per-process contributions at one parameter point, as arrays.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    params : mapping of str to float, optional
        Root-unit parameter values (default: the model's own).
    system : Factorized, optional
        A factorization of the technosphere at *params*, to reuse.

    Returns
    -------
    Scores
        Arrays indexed like the compiled model's labels.

    Raises
    ------
    SingularSystemError
        If the technosphere cannot be solved.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate({"pue": 1.2})
    >>> compute(compiled).scores, compute(compiled, params).scores
    (array([553142.304]), array([603427.968]))
    """
    params = compiled.parameters.evaluate() if params is None else params
    system = system or factorize(compiled, params)
    supply = system.solve(compiled.demand_vector(params))
    biosphere = compiled.biosphere.matrix(params)
    characterization = compiled.characterization.matrix(params)
    inventory = np.asarray(biosphere @ supply).ravel()
    intensity = (characterization @ biosphere).toarray()
    scores = np.asarray(characterization @ inventory).ravel()
    by_flow = characterization.toarray() * inventory[None, :]
    return Scores(supply, inventory, scores, intensity * supply[None, :], intensity, by_flow)


def calculate(model: Model | CompiledModel, params: Mapping[str, Any] | None = None) -> LCAResult:
    """Run a deterministic LCA: supply, inventory, characterized scores and contributions.

    Parameters
    ----------
    model : Model or CompiledModel
        The model (compiled here if needed).
    params : mapping of str to float, optional
        Root-unit parameter values (default: the model's own); to change values in their own
        units use :func:`lca.with_parameters`.

    Returns
    -------
    LCAResult
        Scores by category, with contributions by stage, process and flow; the inventory.

    Raises
    ------
    SingularSystemError
        If the technosphere cannot be solved for the demand.

    Examples
    --------
    >>> from lca import load_study, with_parameters
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> climate = calculate(with_parameters(model, {"pue": 1.2})).impacts["climate_change"]
    >>> f"{climate.value:,.0f} {climate.unit}"
    '603,428 kg CO2-eq'
    """
    with collection_paused():  # a big database's contributions: many objects, no garbage
        if isinstance(model, CompiledModel):
            compiled, defaults = model, None
        else:
            compiled, defaults = compile_at_defaults(model)
        if params is None:
            params = compiled.parameters.evaluate() if defaults is None else defaults
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, by name
            numbers = compute(compiled, params)
        _check_finite(compiled, numbers)
        return label(compiled, numbers, params)


def _check_finite(compiled: CompiledModel, numbers: Scores) -> None:
    """Finite entries can still overflow in the products of the solve: name where it happens."""
    for values, labels, kind in ((numbers.supply, compiled.processes, "supply of process"),
                                 (numbers.inventory, compiled.flows, "inventory of flow"),
                                 (numbers.scores, compiled.categories, "score of category")):
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            shown = ", ".join(repr(labels[i]) for i in bad[:5])
            raise ModelError(f"{compiled.model.study.path}: the {kind} {shown} is {float(values[bad[0]])}, not a finite "
                             "number: the amounts multiply beyond floating-point range (check the magnitudes "
                             "of the demand and of the exchanges on that path)")


def stage_contributions(compiled: CompiledModel, params: Mapping[str, Any], numbers: Scores,
                        ) -> tuple[tuple[str, ...], np.ndarray]:
    """Scores split by lifecycle stage.

    A process with a stage counts towards it; an ``inherit`` process (grid electricity, say)
    counts towards the stages of the processes that demand it, in proportion, and towards
    ``unassigned`` where the functional unit demands it directly.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    params : mapping of str to float
        Root-unit parameter values.
    numbers : Scores
        :func:`compute` at *params*.

    Returns
    -------
    stages : tuple of str
        The stages, cradle to grave.
    scores : numpy.ndarray
        (categories, stages).

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate()
    >>> stage_contributions(compiled, params, compute(compiled, params))
    (('use',), array([[553142.304]]))
    """
    stages_of = np.array(compiled.stages, dtype=object)
    inherit = stages_of == INHERIT
    tagged = sorted({s for s in compiled.stages if s != INHERIT}, key=stage_key)
    if not inherit.any():
        index = np.array([tagged.index(s) for s in compiled.stages], dtype=np.int64)
        matrix = np.stack([np.bincount(index, weights=row, minlength=len(tagged)) for row in numbers.by_process]) \
            if len(numbers.by_process) else np.zeros((0, len(tagged)))
        return tuple(tagged), matrix
    supply = numbers.supply
    technosphere = compiled.technosphere.matrix(params).tocsr()
    u = np.flatnonzero(inherit)
    a_uu = technosphere[u][:, u]
    a_u_all = technosphere[u]
    demands = []
    for stage in tagged:
        members = np.flatnonzero(stages_of == stage)
        demands.append(-(a_u_all[:, members] @ supply[members]))
    direct = compiled.demand_vector(params)[u]
    names = list(tagged)
    if np.any(direct != 0):
        demands.append(direct)
        names.append(UNASSIGNED)
    inherited = factorize_matrix(a_uu, tuple(compiled.processes[i] for i in u)).solve(np.column_stack(demands))
    inherited = inherited.reshape(len(u), len(names))
    per_unit = numbers.intensity[:, u]
    matrix = np.zeros((len(compiled.categories), len(names)))
    for k, stage in enumerate(names):
        members = np.flatnonzero(stages_of == stage)
        matrix[:, k] = numbers.by_process[:, members].sum(axis=1) + per_unit @ inherited[:, k]
    return tuple(names), matrix


def label(compiled: CompiledModel, numbers: Scores, params: Mapping[str, Any]) -> LCAResult:
    """An :class:`LCAResult` from the arrays of :func:`compute`, labelled with the model's names and units.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled model.
    numbers : Scores
        :func:`compute` at *params*.
    params : mapping of str to float
        The root-unit parameter values.

    Returns
    -------
    LCAResult
        The labelled result.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate()
    >>> label(compiled, compute(compiled, params), params).impacts["climate_change"].by_process
    FrozenDict({'datacenter_electricity': 553142.30...})
    """
    stages, by_stage = stage_contributions(compiled, params, numbers)
    impacts = {}
    for row, category in enumerate(compiled.categories):
        per_process = numbers.by_process[row]
        per_stage = by_stage[row]
        impacts[category] = CategoryResult(
            category=category,
            method=compiled.methods[row],
            unit=compiled.category_units[row],
            value=float(numbers.scores[row]),
            by_stage=FrozenDict({s: float(v) for s, v in zip(stages, per_stage)}),
            by_process=FrozenDict(_sorted_nonzero(compiled.processes, per_process)),
            by_flow=FrozenDict(_sorted_nonzero(compiled.flows, numbers.by_flow[row])),
        )
    table = compiled.parameters
    parameters = {
        name: ParameterValue(
            value=table.display_value(name, params[name]) if name in table.choices else float(table.display_value(name, params[name])),
            unit="option" if name in table.choices else format_unit(table.units[name]),
        )
        for name in table.order
        if name not in table.implicit
    }
    inventory = {
        flow: FlowResult(float(v), unit) for flow, v, unit in zip(compiled.flows, numbers.inventory, compiled.flow_units)
    }
    energy = source_energy(compiled, params, numbers.supply)
    market = _market_based(compiled, impacts, energy, dict(zip(compiled.processes, numbers.supply.tolist())))
    return LCAResult(
        study=compiled.model.study.name,
        functional_unit=compiled.model.study.functional_unit,
        impacts=FrozenDict(impacts),
        inventory=FrozenDict(inventory),
        supply=FrozenDict({p: float(v) for p, v in zip(compiled.processes, numbers.supply)}),
        parameters=FrozenDict(parameters),
        warnings=compiled.model.warnings,
        energy=energy,
        market_based=market,
        grid_profile=_grid_profile(compiled, params, impacts),
        published=_published(compiled, impacts, energy, market),
    )


def _published(compiled: CompiledModel, impacts: Mapping[str, CategoryResult], energy: EnergyUse,
               market: MarketBasedResult | None) -> tuple[PublishedComparison, ...]:
    totals = {c: (i.value, i.unit) for c, i in impacts.items()}
    by_stage = {c: i.by_stage for c, i in impacts.items()}
    if energy.assessed:
        totals[ENERGY] = (energy.total_kwh, "kWh")
        by_stage[ENERGY] = energy.by_stage
    if market is not None and "climate_change" in impacts:
        totals[MARKET_BASED] = (market.value, impacts["climate_change"].unit)
    return compare_published(compiled.model.study.published, totals, by_stage, set(compiled.stages))


def _grid_profile(compiled: CompiledModel, params: Mapping[str, Any],
                  impacts: Mapping[str, CategoryResult]) -> FrozenDict | None:
    """Annual-average vs time-matched: the climate change the annual intensity gives, beside the run's."""
    match = compiled.model.grid_profile
    if match is None:
        return None
    table = compiled.parameters
    free = {name: params[name] for name in table.order if name not in table.formulas}
    free[match.parameter] = match.annual_value * table.root_factors[match.parameter]
    annual = compute(compiled, table.evaluate(free))
    block: dict[str, Any] = {"file": match.file, "column": match.column, "parameter": match.parameter,
                             "unit": "kg CO2-eq/kWh", "annual_average": match.annual, "time_matched": match.time_matched,
                             "hours": match.hours, "kwh": match.kwh}
    if "climate_change" in impacts:
        row = compiled.categories.index("climate_change")
        block["climate_change"] = {"annual_average": float(annual.scores[row]),
                                   "time_matched": impacts["climate_change"].value,
                                   "unit": impacts["climate_change"].unit}
    return FrozenDict(block)


def _market_based(compiled: CompiledModel, impacts: Mapping[str, CategoryResult], energy: EnergyUse,
                  supply: Mapping[str, float]) -> MarketBasedResult | None:
    """The study's electricity re-accounted with its contractual instruments (GHG Protocol Scope 2)."""
    spec = compiled.model.market_based
    if spec is None:
        return None
    climate = impacts.get("climate_change")
    if climate is None:
        raise ModelError.at(spec.defined_in, "the study assesses no climate_change: a market-based figure needs it")
    for process in spec.electricity:
        # a carrier fed by another carrier has its kWh (and emissions) counted at that source
        if process not in energy.by_source and supply.get(process, 0.0) != 0:
            raise ModelError.at(spec.defined_in, f"{process!r} takes its electricity from another process, so its kWh "
                                                 "are counted there: name the grid process that supplies it")
    kwh = math.fsum(energy.by_source.get(p, 0.0) for p in spec.electricity)
    # a source's direct emissions are its grid factor times its kWh: what the instruments replace
    location = math.fsum(climate.by_process.get(p, 0.0) for p in spec.electricity)
    return market_based(spec, climate.value, kwh, location)


def _sorted_nonzero(labels: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    """Non-zero contributions, largest magnitude first (ties by name, for stable output)."""
    pairs = [(label, float(v)) for label, v in zip(labels, values) if v != 0]
    pairs.sort(key=lambda item: (-abs(item[1]), item[0]))
    return dict(pairs)
