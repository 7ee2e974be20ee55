"""Parameters: dependency order, values with units (formulas evaluated, dimensions checked),
and overrides from studies, scripts and the command line.

>>> parameter_order(model.parameters)                         # doctest: +SKIP
['chip_power', 'duration', 'n_chips', 'pue', 'energy']
>>> apply_overrides(model, {"pue": 1.2, "chip_power": "0.3 kW"})   # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping

import networkx as nx

from ..errors import ParameterError, UnitError
from ..formula import evaluate_units, parse_formula
from ..model.records import Model, Parameter
from ..units import Quantity, conversion_factor, format_unit, parse_unit
from .tables import (
    BOUND_KEYS,
    PARAMETER_KEYS,
    check_bounds,
    check_keys,
    choice_uncertainty,
    number,
    string,
    validate_uncertainty,
)


def override(parameter: Parameter, value: Any, where: str) -> Parameter:
    """A new value for a defined parameter, in its unit unless another unit is given."""
    source = None
    uncertainty = parameter.uncertainty
    if isinstance(value, dict):
        check_keys(value, PARAMETER_KEYS - set(BOUND_KEYS), where)
        source = string(value, "source", where)
        if "uncertainty" in value:
            uncertainty = value["uncertainty"]
        if ("value" in value) == ("formula" in value):
            raise ParameterError(f"{where}: give exactly one of 'value' or 'formula'"
                                 + (" (both are given)" if "value" in value else ""))
        if "formula" in value:
            formula = parse_formula(value["formula"], f"{where}.formula")
            unit_text = value.get("unit", parameter.unit_text)
            return replace(parameter, value=None, formula=formula, unit=parse_unit(unit_text, f"{where}.unit"),
                           unit_text=unit_text, source=source or parameter.source, defined_in=where,
                           uncertainty=None)
        unit_text = value.get("unit")
        value = value.get("value")
        if unit_text is not None and not parameter.is_choice:
            # The study states the value (and its uncertainty) in its own unit: adopt that unit.
            unit = parse_unit(unit_text, f"{where}.unit")
            if unit.dimensionality != parameter.unit.dimensionality:
                raise UnitError(f"{where}.unit: {parameter.name!r} is in {format_unit(parameter.unit)} "
                                f"({parameter.defined_in}); {unit_text!r} has another dimension")
            bounds = parameter.bounds.scaled(conversion_factor(parameter.unit, unit)) if parameter.bounds else None
            parameter = replace(parameter, unit=unit, unit_text=unit_text, bounds=bounds)
    if parameter.is_choice:
        if value not in parameter.options:
            raise ParameterError(f"{where}: {value!r} is not an option of {parameter.name!r} "
                                 f"(options: {', '.join(parameter.options)})")
        return replace(parameter, value=value, source=source or parameter.source, defined_in=where,
                       uncertainty=choice_uncertainty(uncertainty, parameter.options, where) if uncertainty else None)
    magnitude = _quantity_in(value, parameter, where)
    if uncertainty is not None and uncertainty is not parameter.uncertainty:
        uncertainty = validate_uncertainty(uncertainty, magnitude, parameter.unit_text, f"{where}.uncertainty")
    elif uncertainty is not None:
        uncertainty = _recentre(uncertainty, parameter, magnitude, where)
    # the bounds stay those of the definition: an override cannot take a PUE below 1
    check_bounds(magnitude, parameter.bounds, parameter.name, where, uncertainty)
    return replace(parameter, value=magnitude, formula=None, source=source or parameter.source, defined_in=where,
                   uncertainty=uncertainty)


def _recentre(spec: Mapping[str, Any], parameter: Parameter, magnitude: float, where: str) -> Mapping[str, Any] | None:
    """Keep a relative uncertainty (lognormal, normal sd) when a value is overridden; absolute
    ranges (min/max) no longer describe the new value, so they are dropped."""
    if "pedigree" in spec or spec.get("distribution") in ("lognormal", "fixed"):
        return spec
    return None


def _quantity_in(value: Any, parameter: Parameter, where: str) -> float:
    if isinstance(value, bool):
        raise ParameterError(f"{where}: expected a number for {parameter.name!r}, got {value!r}")
    if isinstance(value, (int, float)):
        return number(value, where)
    if isinstance(value, str):
        text = value.strip()
        match = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$", text)
        if not match:
            raise ParameterError(f"{where}: cannot read {value!r} as a number with an optional unit")
        magnitude = float(match.group(1))
        if not match.group(2):
            return magnitude
        unit = parse_unit(match.group(2), where)
        if unit.dimensionality != parameter.unit.dimensionality:
            raise UnitError(f"{where}: {parameter.name!r} is in {format_unit(parameter.unit)}; "
                            f"{format_unit(unit)} has another dimension")
        # a finite number can overflow in the conversion (1e308 kW in W)
        return number(float(Quantity(magnitude, unit).to(parameter.unit).magnitude), where)
    raise ParameterError(f"{where}: expected a number for {parameter.name!r}, got {value!r}")


def parameter_order(parameters: Mapping[str, Parameter]) -> list[str]:
    """Parameters in dependency order; a cycle or an unknown name is a :class:`ParameterError`."""
    graph = nx.DiGraph()
    graph.add_nodes_from(parameters)
    for parameter in parameters.values():
        if parameter.formula is None:
            continue
        for name in parameter.formula.names:
            if name not in parameters:
                raise ParameterError(f"{parameter.defined_in}.formula: unknown parameter {name!r} "
                                     f"in {parameter.formula.text!r}")
            graph.add_edge(name, parameter.name)
    try:
        return list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
        first = parameters[cycle[0][1]]
        raise ParameterError(f"{first.defined_in}: parameters depend on each other in a cycle: {path}") from None


def parameter_quantities(model: Model) -> tuple[dict[str, Any], dict[str, tuple[tuple[str, ...], str]]]:
    """Each parameter's value with units at its current value (formulas evaluated, units checked)."""
    quantities: dict[str, Any] = {}
    choices: dict[str, tuple[tuple[str, ...], str]] = {}
    for name in parameter_order(model.parameters):
        parameter = model.parameters[name]
        if parameter.is_choice:
            choices[name] = (parameter.options, parameter.value)
            continue
        if parameter.formula is None:
            quantities[name] = Quantity(parameter.value, parameter.unit)
            continue
        result = evaluate_units(parameter.formula, quantities, choices, f"{parameter.defined_in}.formula")
        if parameter.unit_text:
            if result.dimensionality != parameter.unit.dimensionality:
                raise UnitError(f"{parameter.defined_in}.formula: {parameter.formula.text!r} gives "
                                f"{format_unit(result.units)}, but the parameter is declared in "
                                f"{format_unit(parameter.unit)}")
            result = result.to(parameter.unit)
        if parameter.bounds is not None:
            if not parameter.unit_text and not result.dimensionless:
                raise ParameterError(f"{parameter.defined_in}: declare the 'unit' its bounds are in")
            check_bounds(float(result.magnitude), parameter.bounds, name,
                         f"{parameter.defined_in}.formula ({parameter.formula.text!r})")
        quantities[name] = result
    return quantities, choices
