"""Parameters: dependency order, values with units (formulas evaluated, dimensions checked),
and overrides from studies, scripts and the command line.

>>> from lca import load_study
>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> parameter_order(model.parameters)
['chip_power', 'duration', 'grid_intensity', 'n_chips', 'pue']
>>> override(model.parameters["chip_power"], "0.3 kW", "--set chip_power").value
300.0
"""

from __future__ import annotations

import graphlib
import re
from dataclasses import replace
from typing import Any, Mapping

from ..errors import ParameterError, UnitError
from ..formula import evaluate_units, parse_formula
from ..model.order import dependency_order
from ..model.records import Model, Parameter
from ..model.uncertainty import Uncertainty
from ..units import Quantity, conversion_factor, format_unit
from .tables import (
    BOUND_KEYS,
    PARAMETER_KEYS,
    check_bounds,
    check_keys,
    choice_uncertainty,
    number,
    read_unit,
    string,
    validate_uncertainty,
)


def override(parameter: Parameter, value: Any, where: str) -> Parameter:
    """A new value for a defined parameter, in its unit unless another unit is given.

    Parameters
    ----------
    parameter : Parameter
        The parameter as defined (inventory or study).
    value : float, str or dict
        A number (in the parameter's unit), a string with a unit (``"300 W"``), an option of a
        choice parameter, or a table ``{value, unit, uncertainty, source}`` or ``{formula, unit}``.
    where : str
        Where the new value comes from, for messages; it becomes the parameter's ``defined_in``.

    Returns
    -------
    Parameter
        The parameter with the new value; a relative uncertainty (lognormal, pedigree) moves
        with it, an absolute range (min/max) no longer describes it and is dropped.

    Raises
    ------
    ParameterError
        If the value is not a number, not an option, or not of the right type.
    UnitError
        If its unit has another dimension.

    Examples
    --------
    >>> from lca import load_study
    >>> chip_power = load_study("lca:scenarios/patterson2021_gpt3.toml").parameters["chip_power"]
    >>> override(chip_power, "0.3 kW", "--set chip_power").value
    300.0
    >>> override(chip_power, "fast", "--set chip_power")
    Traceback (most recent call last):
    lca.errors.ParameterError: ...
    """
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
            return replace(parameter, value=None, formula=formula, unit=read_unit(unit_text, f"{where}.unit"),
                           unit_text=unit_text, source=source or parameter.source, defined_in=where,
                           uncertainty=None)
        unit_text = value.get("unit")
        value = value.get("value")
        if unit_text is not None and not parameter.is_choice:
            # The study states the value (and its uncertainty) in its own unit: adopt that unit.
            unit = read_unit(unit_text, f"{where}.unit")
            if unit.dimensionality != parameter.unit.dimensionality:
                raise UnitError.at(f"{where}.unit", f"{parameter.name!r} is in {format_unit(parameter.unit)} "
                                f"({parameter.defined_in}); {unit_text!r} has another dimension")
            bounds = parameter.bounds.scaled(conversion_factor(parameter.unit, unit)) if parameter.bounds else None
            parameter = replace(parameter, unit=unit, unit_text=unit_text, bounds=bounds)
    if parameter.is_choice:
        if value not in parameter.options:
            raise ParameterError.at(where, f"{value!r} is not an option of {parameter.name!r} "
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


def _recentre(uncertainty: Uncertainty, parameter: Parameter, magnitude: float, where: str) -> Uncertainty | None:
    """Keep a relative uncertainty (lognormal, pedigree) when a value is overridden; absolute
    ones (ranges, a normal's sd) no longer describe the new value, so they are dropped."""
    return uncertainty if uncertainty.relative else None


def _quantity_in(value: Any, parameter: Parameter, where: str) -> float:
    if isinstance(value, bool):
        raise ParameterError.at(where, f"expected a number for {parameter.name!r}, got {value!r}")
    if isinstance(value, (int, float)):
        return number(value, where)
    if isinstance(value, str):
        text = value.strip()
        match = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$", text)
        if not match:
            raise ParameterError.at(where, f"cannot read {value!r} as a number with an optional unit")
        magnitude = float(match.group(1))
        if not match.group(2):
            return magnitude
        unit = read_unit(match.group(2), where)
        if unit.dimensionality != parameter.unit.dimensionality:
            raise UnitError.at(where, f"{parameter.name!r} is in {format_unit(parameter.unit)}; "
                            f"{format_unit(unit)} has another dimension")
        # a finite number can overflow in the conversion (1e308 kW in W)
        return number(float(Quantity(magnitude, unit).to(parameter.unit).magnitude), where)
    raise ParameterError.at(where, f"expected a number for {parameter.name!r}, got {value!r}")


def parameter_order(parameters: Mapping[str, Parameter]) -> list[str]:
    """Parameters in dependency order: every formula after the parameters it reads.

    Parameters
    ----------
    parameters : mapping of str to Parameter
        A model's parameters.

    Returns
    -------
    list of str
        The names, sorted by dependency, then alphabetically.

    Raises
    ------
    ParameterError
        If a formula names an unknown parameter or parameters depend on each other in a cycle.

    Examples
    --------
    >>> from lca import load_study
    >>> parameter_order(load_study("lca:scenarios/patterson2021_gpt3.toml").parameters)
    ['chip_power', 'duration', 'grid_intensity', 'n_chips', 'pue']
    """
    uses: dict[str, set[str]] = {}
    for parameter in parameters.values():
        uses[parameter.name] = set()
        if parameter.formula is None:
            continue
        for name in parameter.formula.names:
            if name not in parameters:
                raise ParameterError.at(f"{parameter.defined_in}.formula", f"unknown parameter {name!r} "
                                     f"in {parameter.formula.text!r}")
            uses[parameter.name].add(name)
    try:
        return dependency_order(uses)
    except graphlib.CycleError as exc:
        cycle = exc.args[1]  # [a, b, ..., a]: each name is used by the next
        first = parameters[cycle[1]]
        raise ParameterError.at(first.defined_in, f"parameters depend on each other in a cycle: {' -> '.join(cycle)}") from None


def parameter_quantities(model: Model) -> tuple[dict[str, Any], dict[str, tuple[tuple[str, ...], str]]]:
    """Each parameter's value with its unit at the current values (formulas evaluated, units checked).

    Parameters
    ----------
    model : Model
        A loaded model.

    Returns
    -------
    quantities : dict of str to pint.Quantity
        Numeric and formula parameters.
    choices : dict of str to (options, current)
        Choice parameters.

    Raises
    ------
    FormulaError, UnitError
        If a formula cannot be evaluated or gives another dimension than declared.

    Examples
    --------
    >>> from lca import load_study
    >>> quantities, choices = parameter_quantities(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> quantities["chip_power"], choices
    (<Quantity(330.0, 'watt')>, {})
    """
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
                raise UnitError.at(f"{parameter.defined_in}.formula", f"{parameter.formula.text!r} gives "
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
