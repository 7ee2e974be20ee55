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

from ..errors import ModelError, UnitError
from ..formula import evaluate_units
from ..model.records import Amount, Model
from ..model.rules import is_intensity, resolve_provider, upstream
from ..units import format_unit
from .parameters import parameter_quantities
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
    for process in model.processes.values():
        _check_amount(process.production, model.products[process.reference_product].unit,
                      f"{process.defined_in}.amount", quantities, choices)
        for exchange in process.technosphere:
            provider = resolve_provider(model, exchange)
            unit = model.processes[provider].production.unit
            _check_amount(exchange.amount, unit, exchange.where, quantities, choices,
                          f"provider {provider!r} makes {exchange.target!r} in {format_unit(unit)}",
                          per=process.production)
        for exchange in process.biosphere:
            flow = model.flows.get(exchange.target)
            if flow is None:
                known = _close(exchange.target, model.flows)
                raise ModelError.at(exchange.where, f"unknown elementary flow {exchange.target!r}{known}")
            _check_amount(exchange.amount, flow.unit, exchange.where, quantities, choices,
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
    if model.demand:
        reachable = upstream(model, [p for key in model.demand for p in _demand_providers(model, key)])
        # Library processes a study does not use are normal; the study's own are worth a word.
        own = [p.id for p in model.processes.values() if p.defined_in.startswith(display_path(Path(model.study.path)))]
        unreachable = sorted(set(own) - reachable)
        if unreachable:
            shown = ", ".join(unreachable[:10]) + (" ..." if len(unreachable) > 10 else "")
            warnings.append(f"{len(unreachable)} process(es) of the study not reachable from the demand: {shown}")
    return replace(model, warnings=tuple(warnings))


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
