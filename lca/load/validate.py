"""Checks of a loaded model: every exchange has a provider or a flow, every unit the right
dimension, every factor the right unit; processes the demand cannot reach are a warning.

>>> from lca import load_study
>>> validate_model(load_study("lca:scenarios/patterson2021_gpt3.toml")).warnings
()
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..errors import LCAError, ModelError, UnitError
from ..formula import evaluate_numeric, evaluate_units
from ..model.records import Amount, Model
from ..model.rules import is_intensity, resolve_provider, upstream
from ..units import UnitMemo, format_unit
from .parameters import parameter_order, parameter_quantities
from .tables import display_path


def validate_model(model: Model) -> Model:
    """Check a model's references, units and graph; return it with its warnings attached.

    Parameters
    ----------
    model : Model
        A model as the loader assembled it.

    Returns
    -------
    Model
        The same model with ``warnings`` set (processes the demand cannot reach, ...).

    Raises
    ------
    MissingProviderError, AmbiguousProviderError, ModelError
        If an exchange has no provider, several, or names an unknown flow.
    UnitError
        If an amount, a production or a factor has the wrong dimension.

    Examples
    --------
    >>> from lca import load_study, with_parameters
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> validate_model(model).warnings
    ()
    """
    warnings: list[str] = []
    quantities, choices = parameter_quantities(model)
    # A number in the unit of its target passes _check_amount: looked up by unit pair, without
    # the call and its message's context (219,000 exchanges of an imported database, in a few units).
    memo = UnitMemo()
    production_units = {pid: process.production.unit for pid, process in model.processes.items()}
    for process in model.processes.values():
        _check_amount(process.production, model.products[process.reference_product].unit,
                      f"{process.defined_in}.amount", quantities, choices)
        for exchange in process.technosphere:
            provider = resolve_provider(model, exchange)
            unit = production_units[provider]
            amount = exchange.amount
            if amount.formula is None and memo.same_dimension(amount.unit, unit):
                continue
            _check_amount(amount, unit, exchange.where, quantities, choices,
                          f"provider {provider!r} makes {exchange.target!r} in {format_unit(unit)}",
                          per=process.production)
        for exchange in process.biosphere:
            flow = model.flows.get(exchange.target)
            if flow is None:
                known = _close(exchange.target, model.flows)
                raise ModelError.at(exchange.where, f"unknown elementary flow {exchange.target!r}{known}")
            amount = exchange.amount
            if amount.formula is None and memo.same_dimension(amount.unit, flow.unit):
                continue
            _check_amount(amount, flow.unit, exchange.where, quantities, choices,
                          f"flow {flow.id!r} is measured in {format_unit(flow.unit)}", per=process.production)
    for method_id in model.selected_methods:
        method = model.methods[method_id]
        for factor in method.factors:
            flow = model.flows.get(factor.flow)
            if flow is None:
                continue  # a method may characterize flows this model never uses
            expected = method.unit / flow.unit
            if factor.amount.unit.dimensionality != expected.dimensionality:
                raise UnitError.at(factor.where, f"factor unit {format_unit(factor.amount.unit)} should be "
                                f"{method.unit_text} per {flow.unit_text} ({format_unit(expected)})")
    for key, amount in model.demand.items():
        product = model.products.get(key) or model.products[model.processes[key].reference_product]
        _check_amount(amount, product.unit, f"{model.study.path}: demand.{key}", quantities, choices)
    choice_names = [name for name, parameter in model.parameters.items() if parameter.is_choice]
    if choice_names:
        # Numeric evaluation in root units (units were checked above; zero is zero in any unit),
        # choices as option indices; numpy scalars: a division by zero for one option gives inf
        # (non-zero), not an exception.
        values = {name: np.float64(quantity.to_root_units().magnitude) for name, quantity in quantities.items()}
        values.update({name: np.float64(opts.index(current)) for name, (opts, current) in choices.items()})
        options = {name: opts for name, (opts, _current) in choices.items()}
        order = parameter_order(model.parameters)
        for name in choice_names:
            _check_options(model, name, values, options, order)
    if model.demand:
        # Library processes a study does not use are normal; the study's own are worth a word.
        study = display_path(Path(model.study.path))  # once: it resolves the path on disk
        own = [p.id for p in model.processes.values() if p.defined_in.startswith(study)]
        if own:  # (the study file of an imported database has none: no walk up its supply chain)
            reachable = upstream(model, [p for key in model.demand for p in _demand_providers(model, key)])
            unreachable = sorted(set(own) - reachable)
            if unreachable:
                shown = ", ".join(unreachable[:10]) + (" ..." if len(unreachable) > 10 else "")
                warnings.append(f"{len(unreachable)} process(es) of the study not reachable from the demand: "
                                f"{shown}")
    return replace(model, warnings=tuple(warnings))


def _check_options(model: Model, choice: str, root_values: dict, option_lists: dict, order: list[str]) -> None:
    """Every option of a choice selects something wherever the others do.

    A process whose inputs pick one alternative per option (``n * (1 if accelerator == "v100"
    else 0)``, one input per server type) gets none of them for an option no formula handles:
    the model would count no server at all and still run. Each option is evaluated once; an
    option for which every input of such a group is zero, while the other options select
    inputs of it, is an error naming the option, the parameter and the process.
    """
    options = model.parameters[choice].options
    dependents = _dependents(model, choice, order)
    reads = set(dependents) | {choice}
    groups = []
    for process in model.processes.values():
        group = [e for e in (*process.technosphere, *process.biosphere)
                 if e.amount.formula is not None and e.amount.formula.names & reads]
        if len(group) >= 2:
            groups.append((process, group))
    if not groups:
        return
    # all options at once: the choice as the array of its option indices, as Monte Carlo does
    values = dict(root_values)
    values[choice] = np.arange(len(options), dtype=float)
    selected: dict[str, list[set[int]]] = {}
    try:
        for name in dependents:
            parameter = model.parameters[name]
            values[name] = evaluate_numeric(parameter.formula, values, option_lists, f"{parameter.defined_in}.formula")
        for process, group in groups:
            selected[process.id] = [
                set(np.flatnonzero(np.broadcast_to(
                    evaluate_numeric(e.amount.formula, values, option_lists, e.where) != 0, (len(options),))))
                for e in group]
    except LCAError as exc:
        raise type(exc)(f"{exc} (evaluating every option of {choice!r})") from None
    for process, group in groups:
        # the inputs that select: each on for at most half of the options. The others are used by
        # every option (energy, ...) or by all but a few (a shared rack that one option replaces),
        # and must not make an option no selector names look handled
        selective = [i for i, chosen in enumerate(selected[process.id]) if chosen and 2 * len(chosen) <= len(options)]
        chosen = set().union(*(selected[process.id][i] for i in selective))
        if len(selective) < 2 or len(chosen) < 2:
            continue  # not a selector: the inputs are on or off together
        group = [group[i] for i in selective]
        for index, option in enumerate(options):
            if index not in chosen:
                raise ModelError(f"{process.defined_in}: option {option!r} of parameter {choice!r} "
                                 f"({model.parameters[choice].defined_in}) selects none of the inputs "
                                 f"{', '.join(e.target for e in group[:6])}, which the other options choose "
                                 "between; no formula handles it")


def _dependents(model: Model, choice: str, order: list[str]) -> list[str]:
    """Formula parameters that read *choice*, directly or through each other, in evaluation order."""
    found: set[str] = {choice}
    ordered: list[str] = []
    for name in order:
        formula = model.parameters[name].formula
        if formula is not None and formula.names & found:
            found.add(name)
            ordered.append(name)
    return ordered


def _demand_providers(model: Model, key: str) -> list[str]:
    if key in model.products and model.providers(key):
        return list(model.providers(key))
    return [key]


def _check_amount(amount: Amount, target_unit, where: str, quantities: dict, choices: dict,
                  context: str = "", per: Amount | None = None) -> None:
    if amount.formula is not None:
        result = evaluate_units(amount.formula, quantities, choices, where)
        # A formula's own dimension must match the declared unit, unless it is a plain number:
        # then the declared unit applies ("0.2 * share" with unit = "kg").
        if result.dimensionality != amount.unit.dimensionality and not result.dimensionless \
                and not is_intensity(result.units, amount.unit, per):
            raise UnitError.at(where, f"formula {amount.formula.text!r} gives {format_unit(result.units)}, "
                            f"but the exchange is declared in {amount.unit_text or 'dimensionless'}")
    if amount.unit.dimensionality != target_unit.dimensionality:
        raise UnitError.at(where, f"unit {amount.unit_text or 'dimensionless'} ({format_unit(amount.unit)}) has "
                        f"another dimension than {format_unit(target_unit)}" + (f"; {context}" if context else ""))


def _close(name: str, known: Mapping[str, Any]) -> str:
    import difflib

    matches = difflib.get_close_matches(name, list(known), n=3)
    return f" (did you mean {', '.join(matches)}?)" if matches else ""
