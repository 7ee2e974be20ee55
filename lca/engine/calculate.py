"""Deterministic LCA: solve the supply, build the inventory, characterize, and split the
scores by process, lifecycle stage and elementary flow (contribution analysis).

>>> from lca import load_study, calculate
>>> result = calculate(load_study("scenarios/patterson2021_gpt3.toml"))    # doctest: +SKIP
>>> result.impacts["climate_change"].value                                  # doctest: +SKIP
553...
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from ..errors import ModelError
from ..model.records import INHERIT, UNASSIGNED, Model
from ..model.rules import stage_key
from ..units import format_unit
from .compile import CompiledModel, compile_model
from .solve import Factorized, factorize, factorize_matrix


@dataclass(frozen=True)
class CategoryResult:
    """One impact category's score, in its reference unit, with its contributions."""

    category: str
    method: str
    unit: str
    value: float
    by_stage: Mapping[str, float]
    by_process: Mapping[str, float]
    by_flow: Mapping[str, float]


@dataclass(frozen=True)
class FlowResult:
    value: float
    unit: str


@dataclass(frozen=True)
class ParameterValue:
    value: float | str
    unit: str


@dataclass(frozen=True)
class LCAResult:
    """The result of one deterministic calculation (immutable)."""

    study: str
    functional_unit: str
    impacts: Mapping[str, CategoryResult]
    inventory: Mapping[str, FlowResult]
    supply: Mapping[str, float]
    parameters: Mapping[str, ParameterValue]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``lca run --format json``."""
        return {
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


@dataclass(frozen=True)
class Scores:
    """The numeric core's answer for one parameter point: arrays, no labels."""

    supply: np.ndarray  # (processes,)
    inventory: np.ndarray  # (flows,)
    scores: np.ndarray  # (categories,)
    by_process: np.ndarray  # (categories, processes)
    intensity: np.ndarray  # (categories, processes): C B, impact per unit of each process's supply
    by_flow: np.ndarray  # (categories, flows): C diag(g)


def compute(compiled: CompiledModel, params: Mapping[str, Any] | None = None,
            system: Factorized | None = None) -> Scores:
    """Supply, inventory, scores and per-process contributions at one parameter point."""
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
    """Run a deterministic LCA of *model* (at its parameter values, or root-unit *params*)."""
    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    params = compiled.parameters.evaluate() if params is None else params
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
    """Scores split by lifecycle stage: (stage names, array (categories, stages)).

    A process tagged with a stage counts its own emissions there. An ``inherit`` process
    (background: electricity, materials) counts towards the stages of the processes that
    demand it: with T the tagged and U the inherit processes, the U-inputs demanded by the
    stage-k processes, d_k = -A_UT[:, k] s_k, need x_k = A_UU^-1 d_k of the U processes, whose
    impacts join stage k. The stages sum to the total: sum_k x_k + A_UU^-1 f_U = s_U.
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
    """Attach names and units to the numeric core's arrays."""
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
            by_stage=MappingProxyType({s: float(v) for s, v in zip(stages, per_stage)}),
            by_process=MappingProxyType(_sorted_nonzero(compiled.processes, per_process)),
            by_flow=MappingProxyType(_sorted_nonzero(compiled.flows, numbers.by_flow[row])),
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
    return LCAResult(
        study=compiled.model.study.name,
        functional_unit=compiled.model.study.functional_unit,
        impacts=MappingProxyType(impacts),
        inventory=MappingProxyType(inventory),
        supply=MappingProxyType({p: float(v) for p, v in zip(compiled.processes, numbers.supply)}),
        parameters=MappingProxyType(parameters),
        warnings=compiled.model.warnings,
    )



def _sorted_nonzero(labels: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    """Non-zero contributions, largest magnitude first (ties by name, for stable output)."""
    pairs = [(label, float(v)) for label, v in zip(labels, values) if v != 0]
    pairs.sort(key=lambda item: (-abs(item[1]), item[0]))
    return dict(pairs)
