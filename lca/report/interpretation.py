"""Interpretation (ISO 14044 4.5): significant issues, completeness, consistency, limitations
and a data-quality summary, computed from a study's model and result.

>>> from lca import load_study
>>> from lca.report import gather
>>> notes = gather(load_study("lca:scenarios/patterson2021_gpt3.toml")).interpretation
>>> [h.name for h in notes.hotspots if h.kind == "stage"]
['use']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np

from ..engine.calculate import LCAResult
from ..engine.compile import CompiledModel
from ..engine.energy import EnergyUse
from ..errors import LCAError
from ..model.records import CATEGORIES, STAGES, Amount, Model
from ..model.rules import stage_key
from ..model.uncertainty import Uncertainty
from ..units import conversion_factor, parse_unit

HOTSPOT_SHARE = 0.10  # a stage, process or flow is significant from 10 % of its category score
CONSISTENCY_RTOL = 1e-9


@dataclass(frozen=True)
class Hotspot:
    """A stage, process or flow whose contribution is at least the hotspot share of a score (immutable).

    Examples
    --------
    See :func:`hotspots`.
    """

    category: str
    kind: str  # "stage" | "process" | "flow"
    name: str
    value: float
    share: float  # of the category score
    unit: str


@dataclass(frozen=True)
class Check:
    """One completeness or consistency check: status is "ok", "note" or "warning" (immutable).

    Examples
    --------
    See :func:`completeness_checks`.
    """

    name: str
    status: str
    message: str


@dataclass(frozen=True)
class DataQuality:
    """How many of the numbers the result depends on have a source and an uncertainty (immutable).

    Examples
    --------
    See :func:`data_quality`.
    """

    numbers: int
    with_source: int
    with_uncertainty: int
    with_pedigree: int
    statement: str | None  # the study's own data-quality requirements

    def share(self, count: int) -> float:
        return count / self.numbers if self.numbers else math.nan


@dataclass(frozen=True)
class Interpretation:
    """Everything the interpretation section states (immutable): hotspots, completeness and
    consistency checks, limitations, data quality.

    Examples
    --------
    See :func:`interpret`.
    """

    hotspots: tuple[Hotspot, ...]
    completeness: tuple[Check, ...]
    consistency: tuple[Check, ...]
    limitations: tuple[str, ...]
    data_quality: DataQuality


def interpret(compiled: CompiledModel, result: LCAResult, energy: EnergyUse, active: set[str],
              params: Mapping[str, Any] | None = None, threshold: float = HOTSPOT_SHARE,
              intervals: Mapping[str, tuple[float, float]] | None = None) -> Interpretation:
    """Everything the interpretation section states, from numbers only (no judgement calls).

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    result : LCAResult
        Its deterministic result.
    energy : EnergyUse
        Its energy use.
    active : set of str
        The processes that run.
    params : mapping of str to float, optional
        Root-unit parameter values (default: the model's).
    threshold : float, optional
        The hotspot share.
    intervals : mapping of str to (float, float), optional
        The Monte Carlo 95 % interval per category, when computed.

    Returns
    -------
    Interpretation
        Hotspots, checks, limitations and data quality.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> c = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> notes = interpret(c.compiled, c.result, c.energy, set(c.graph))
    >>> notes.hotspots == c.interpretation.hotspots, len(notes.limitations) > 0
    (True, True)
    """
    params = compiled.parameters.evaluate() if params is None else params
    return Interpretation(
        hotspots=hotspots(result, threshold),
        completeness=completeness_checks(compiled, result, params),
        consistency=consistency_checks(result, active) + interval_checks(result, intervals or {}),
        limitations=limitations(compiled.model, result),
        data_quality=data_quality(compiled, result, active),
    )


def hotspots(result: LCAResult, threshold: float = HOTSPOT_SHARE) -> tuple[Hotspot, ...]:
    """Stages, processes and flows whose contribution is at least *threshold* of the score.

    Parameters
    ----------
    result : LCAResult
        A deterministic result.
    threshold : float, optional
        The share of a score that makes a hotspot.

    Returns
    -------
    tuple of Hotspot
        By category, then stages, processes and flows, largest first.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> spots = hotspots(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")))
    >>> [(h.kind, h.name, h.share) for h in spots]
    [('stage', 'use', 1.0), ('process', 'datacenter_electricity', 1.0), ('flow', 'ghg_precharacterized_air', 1.0)]
    """
    out = []
    for category, impact in result.impacts.items():
        if impact.value == 0:
            continue
        for kind, parts in (("stage", impact.by_stage), ("process", impact.by_process), ("flow", impact.by_flow)):
            for name, value in sorted(parts.items(), key=lambda kv: -abs(kv[1])):
                share = value / impact.value
                if abs(share) >= threshold:
                    out.append(Hotspot(category, kind, name, value, share, impact.unit))
    return tuple(out)


def completeness_checks(compiled: CompiledModel, result: LCAResult, params: Mapping[str, Any]) -> tuple[Check, ...]:
    """Which categories are not assessed or zero, which stages contribute nothing, which inventory
    flows no selected method characterizes.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    result : LCAResult
        Its result.
    params : mapping of str to float
        Root-unit parameter values.

    Returns
    -------
    tuple of Check
        The checks.

    Examples
    --------
    >>> from lca import calculate, compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> checks = completeness_checks(compiled, calculate(compiled), compiled.parameters.evaluate())
    >>> checks[0].name, checks[0].status
    ('impact categories assessed', 'note')
    """
    checks = []
    missing = [c for c in CATEGORIES if c not in result.impacts]
    checks.append(Check("impact categories assessed", "note" if missing else "ok",
                        f"{len(result.impacts)} of {len(CATEGORIES)} default categories assessed"
                        + (f"; not assessed (no method selected): {', '.join(missing)}" if missing else "")))
    zero = [c for c, i in result.impacts.items() if i.value == 0]
    if zero:
        checks.append(Check("zero scores", "warning",
                            f"categories with a score of exactly zero: {', '.join(zero)} (no characterized "
                            "flow in the inventory: check the method's flows against the inventory)"))
    modelled = set(compiled.stages)
    active = {s for i in result.impacts.values() for s, v in i.by_stage.items() if v != 0}
    absent = [s for s in STAGES if s not in modelled]
    silent = [s for s in STAGES if s in modelled and s not in active]
    message = f"stages contributing: {', '.join(s for s in _ordered(active)) or 'none'}"
    if absent:
        message += f"; not modelled: {', '.join(absent)}"
    if silent:
        message += f"; modelled but contributing nothing: {', '.join(silent)}"
    checks.append(Check("lifecycle stages", "note" if absent or silent else "ok", message))
    characterization = compiled.characterization.matrix(params).tocsc()
    characterized = np.diff(characterization.indptr) > 0
    uncharacterized = [f for f, ok in zip(compiled.flows, characterized)
                       if not ok and result.inventory[f].value != 0]
    checks.append(Check(
        "characterized flows", "note" if uncharacterized else "ok",
        f"{len(compiled.flows) - len(uncharacterized)} of {len(compiled.flows)} inventory flows characterized"
        + (f"; not characterized by any selected method: {', '.join(uncharacterized[:12])}"
           + (" ..." if len(uncharacterized) > 12 else "") if uncharacterized else "")))
    return tuple(checks)


def consistency_checks(result: LCAResult, active: set[str]) -> tuple[Check, ...]:
    """Checks that the study is consistent with itself: energy and published values, the stages it
    excludes, the demanded processes that run.

    Parameters
    ----------
    result : LCAResult
        Its result.
    active : set of str
        The processes that run.

    Returns
    -------
    tuple of Check
        The checks.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> c = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> [check.status for check in consistency_checks(c.result, set(c.graph))]
    ['ok', 'ok', 'ok', 'ok']
    """
    checks = []
    gaps = []
    for category, impact in result.impacts.items():
        for kind, parts in (("stages", impact.by_stage), ("processes", impact.by_process)):
            total = math.fsum(parts.values())
            if not math.isclose(total, impact.value, rel_tol=CONSISTENCY_RTOL, abs_tol=1e-300):
                gaps.append(f"{category}: {kind} sum to {total!r}, score is {impact.value!r}")
    checks.append(Check("contributions add up", "warning" if gaps else "ok",
                        "; ".join(gaps) or "stage and process contributions sum to each category score"))
    odd_units = [f"{c} in {i.unit} (reference {CATEGORIES[c]})" for c, i in result.impacts.items()
                 if c in CATEGORIES and _unit_differs(i.unit, CATEGORIES[c])]
    checks.append(Check("reference units", "warning" if odd_units else "ok",
                        "; ".join(odd_units) or "every category is reported in its reference unit"))
    # only processes that run: a switched-off option keeps a round-off supply of about 1e-15
    negative = [f"{c}: {p}" for c, i in result.impacts.items() for p, v in i.by_process.items()
                if v < 0 and p in active]
    if negative:
        checks.append(Check("negative contributions", "note",
                            "avoided burdens (credits) in " + ", ".join(negative[:8])
                            + (" ..." if len(negative) > 8 else "")))
    checks.extend(published_checks(result))
    if result.warnings:
        checks.append(Check("model warnings", "note", "; ".join(result.warnings)))
    return tuple(checks)


def interval_checks(result: LCAResult, intervals: Mapping[str, tuple[float, float]]) -> tuple[Check, ...]:
    """A deterministic score outside its own Monte Carlo 95 % interval: skewed inputs, worth stating.

    Parameters
    ----------
    result : LCAResult
        The deterministic result.
    intervals : mapping of str to (float, float)
        The 95 % interval per category.

    Returns
    -------
    tuple of Check
        One check (none without intervals).

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> result = calculate(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> interval_checks(result, {"climate_change": (400350.6, 814053.5)})[0].status
    'ok'
    """
    outside = [f"{c} ({result.impacts[c].value:.4g} not in {low:.4g} to {high:.4g})"
               for c, (low, high) in intervals.items() if not low <= result.impacts[c].value <= high]
    if not intervals:
        return ()
    return (Check("deterministic within the 95 % interval", "note" if outside else "ok",
                  ("outside for " + "; ".join(outside) + ": the central values sit in a tail of the distributions")
                  if outside else "every deterministic score lies inside its Monte Carlo 95 % interval"),)


def published_checks(result: LCAResult) -> list[Check]:
    """Compare results with the values a study says its source published (``[study] published``):
    within 5 % is ok, further off a warning, a value with no computed counterpart a note.

    Parameters
    ----------
    result : LCAResult
        The result, with its published comparisons (:mod:`lca.model.published`).

    Returns
    -------
    list of Check
        One check per published value.

    Examples
    --------
    Patterson et al. 2021 published 552.1 t CO2-eq and 1,287 MWh for GPT-3:

    >>> from lca import calculate, load_study
    >>> [check.message for check in published_checks(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")))]
    ['this model gives 1289, the source published 1287 (+0.2%)', 'this model gives 553.1, the source published 552.1 (+0.2%)']
    """
    checks = []
    for comparison in result.published:
        item, deviation = comparison.published, comparison.relative_difference
        if comparison.computed is None:
            checks.append(Check(f"published {item.key}", "note", f"{item.key} = {item.value:g}: not compared: "
                                f"{comparison.note}"))
            continue
        status = "ok" if deviation is not None and abs(deviation) <= 0.05 else "warning"
        checks.append(Check(f"published {item.key}", status,
                            f"this model gives {comparison.computed:.4g}, the source published {item.value:g} "
                            + (f"({deviation:+.1%})" if deviation is not None else "(published as 0)")))
    return checks


def limitations(model: Model, result: LCAResult) -> tuple[str, ...]:
    """Limitations the study states, then those that follow from what was modelled.

    Parameters
    ----------
    model : Model
        The study.
    result : LCAResult
        Its result.

    Returns
    -------
    tuple of str
        The limitations.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> limitations(model, calculate(model))[0]
    'Hardware manufacturing, networking, and end of life are excluded, as in the paper.'
    """
    info = model.study.info
    out = []
    for key in ("limitations", "cutoff"):
        value = info.get(key)
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
        elif isinstance(value, list):
            out.extend(str(v) for v in value if str(v).strip())
    missing = [c for c in CATEGORIES if c not in result.impacts]
    if missing:
        out.append(f"Impact categories not assessed: {', '.join(missing)}.")
    absent = [s for s in STAGES if s not in {p.stage for p in model.processes.values()}]
    if absent:
        out.append(f"Lifecycle stages not modelled: {', '.join(absent)}.")
    out.append("Everyday equivalents are indicative: they have their own boundaries, regions and years.")
    return tuple(out)


def data_quality(compiled: CompiledModel, result: LCAResult, active: set[str]) -> DataQuality:
    """How many of the numbers the result depends on have a source and an uncertainty.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    result : LCAResult
        Its result.
    active : set of str
        The processes that run.

    Returns
    -------
    DataQuality
        The counts and the study's own data-quality statement.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> c = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> quality = data_quality(c.compiled, c.result, set(c.graph))
    >>> quality.numbers, quality.with_source, quality.with_uncertainty
    (9, 8, 4)
    """
    model = compiled.model
    amounts, parameters = dependencies(model, result, active)
    numbers = [a for a in amounts if a.formula is None]
    uncertain_params = {n for n in parameters if _is_uncertain(model.parameters[n].uncertainty)}
    with_uncertainty = sum(_is_uncertain(a.uncertainty) for a in numbers) + len(uncertain_params)
    # a formula's numbers are its parameters: they are counted there, not per formula
    sourced = sum(bool(a.source) for a in numbers) + sum(bool(model.parameters[n].source) for n in parameters)
    pedigree = sum(_has_pedigree(a.uncertainty) for a in numbers) + sum(
        _has_pedigree(model.parameters[n].uncertainty) for n in parameters)
    statement = model.study.info.get("data_quality")
    return DataQuality(len(numbers) + len(parameters), sourced, with_uncertainty, pedigree,
                       statement if isinstance(statement, str) else None)


def dependencies(model: Model, result: LCAResult, active: set[str]) -> tuple[list[Amount], set[str]]:
    """The amounts the result reads and the free parameters their formulas reach.

    Exchanges of the processes that run, the demand, and the characterization factors of the
    inventory's flows.

    Parameters
    ----------
    model : Model
        The study.
    result : LCAResult
        Its result.
    active : set of str
        The processes that run.

    Returns
    -------
    amounts : list of Amount
        The amounts.
    parameters : set of str
        The free parameters.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> amounts, parameters = dependencies(model, calculate(model), set(model.processes))
    >>> sorted(parameters)
    ['chip_power', 'duration', 'grid_intensity', 'n_chips', 'pue']
    """
    amounts: list[Amount] = []
    names: set[str] = set()
    for pid in sorted(active):
        process = model.processes[pid]
        amounts.append(process.production)
        amounts.extend(e.amount for e in process.technosphere + process.biosphere)
    amounts.extend(model.demand.values())
    used_flows = {f for f, r in result.inventory.items() if r.value != 0}
    for method_id in model.selected_methods:
        amounts.extend(f.amount for f in model.methods[method_id].factors if f.flow in used_flows)
    for amount in amounts:
        if amount.formula is not None:
            names |= amount.formula.names
    return amounts, _closure(model, names)


def _closure(model: Model, names: Iterable[str]) -> set[str]:
    """Free (number or choice) parameters reached from *names* through parameter formulas."""
    seen, stack, free = set(), list(names), set()
    while stack:
        name = stack.pop()
        if name in seen or name not in model.parameters:
            continue
        seen.add(name)
        parameter = model.parameters[name]
        if parameter.formula is not None:
            stack.extend(parameter.formula.names)
        else:
            free.add(name)
    return free


def _is_uncertain(uncertainty: Uncertainty | None) -> bool:
    return uncertainty is not None and uncertainty.varies


def _has_pedigree(uncertainty: Uncertainty | None) -> bool:
    return uncertainty is not None and uncertainty.pedigree is not None


def _unit_differs(unit: str, reference: str) -> bool:
    try:
        return conversion_factor(parse_unit(unit), parse_unit(reference)) != 1.0
    except LCAError:
        return True


def _ordered(stages: Iterable[str]) -> list[str]:
    return sorted(stages, key=stage_key)
