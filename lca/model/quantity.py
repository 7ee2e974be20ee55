"""Amounts in allocation tables: a number (with an optional unit) or a formula over the
model's parameters, checked for dimension once and then evaluated on root-unit parameters,
vectorized over Monte Carlo samples like every matrix entry.

>>> expr = read_quantity({"amount": 2, "unit": "MWh"}, "kWh", {}, {}, "lineage.x.energy")
>>> float(expr.value({}))
2000.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pint

from ..errors import FileFormatError, UnitError
from ..formula import Formula, evaluate_numeric, evaluate_units, parse_formula
from ..units import conversion_factor, format_unit, parse_unit, root_unit


@dataclass(frozen=True)
class QuantityExpr:
    """``constant * formula(params)`` in the unit it was read in (``unit``); immutable.

    Examples
    --------
    >>> from lca.units import ureg
    >>> expr = read_quantity("queries_per_day * days", "query", {"queries_per_day": 1e6 * ureg.query / ureg.d,
    ...                      "days": 30 * ureg.d}, {}, "lineage.chat.queries")
    >>> float(expr.value({"queries_per_day": 1e6 / 86400, "days": 30 * 86400}))
    30000000.0
    """

    constant: float
    formula: Formula | None
    unit: pint.Unit
    where: str

    def value(self, params: Mapping[str, Any], choices: Mapping[str, tuple[str, ...]] | None = None) -> np.ndarray:
        """The amount, in ``unit``, for root-unit *params* (floats or arrays of samples)."""
        if self.formula is None:
            return np.asarray(self.constant, dtype=float)
        return self.constant * evaluate_numeric(self.formula, params, choices, self.where)

    @property
    def text(self) -> str:
        return self.formula.text if self.formula is not None else repr(self.constant)


def read_quantity(raw: Any, unit: str | pint.Unit | None, quantities: Mapping[str, Any],
                  choices: Mapping[str, Any], where: str) -> QuantityExpr:
    """Read an allocation amount: ``1e9``, ``"queries_per_day * service_days"`` or ``{amount = 2, unit = "MWh"}``.

    Parameters
    ----------
    raw : float, str or dict
        The value as the TOML table gives it.
    unit : str, pint.Unit or None
        The unit the amount is wanted in (None: any unit, kept as given); a plain number or a
        dimensionless formula is in the table's ``unit`` (or *unit*).
    quantities : mapping of str to pint.Quantity
        The model's parameters as quantities, for the dimension check of formulas.
    choices : mapping
        The model's choice parameters.
    where : str
        The file and item, for error messages.

    Returns
    -------
    QuantityExpr
        The amount, ready to evaluate on root-unit parameters.

    Raises
    ------
    FileFormatError
        If the value is neither a number, a formula nor an ``{amount, unit}`` table.
    UnitError
        If its dimension is not the wanted one.

    Examples
    --------
    >>> float(read_quantity(1.5, "kWh", {}, {}, "x").value({}))
    1.5
    >>> read_quantity({"amount": 2, "unit": "kg"}, "kWh", {}, {}, "lineage.x.energy")
    Traceback (most recent call last):
    lca.errors.UnitError: lineage.x.energy: unit kg ([mass]) cannot be converted to kWh (...)
    """
    target = parse_unit(unit, where) if isinstance(unit, str) else unit
    declared = target
    given = target is not None
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {"amount", "unit", "source", "comment"})
        if unknown or "amount" not in raw:
            raise FileFormatError.at(where, "expected {amount = ..., unit = \"...\", source = \"...\"}"
                                  + (f", got unknown key(s) {', '.join(unknown)}" if unknown else ""))
        if "unit" in raw:
            declared = parse_unit(raw["unit"], f"{where}.unit")
            given = True
        raw = raw["amount"]
    if declared is None:
        declared = parse_unit("", where)
    target = declared if target is None else target
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise FileFormatError.at(where, f"expected a number or a formula string, got {raw!r}")
    if isinstance(raw, (int, float)):
        if not np.isfinite(raw):
            raise FileFormatError.at(where, f"{raw!r} is not a finite number")
        return QuantityExpr(float(raw) * conversion_factor(declared, target, where), None, target, where)
    formula = parse_formula(raw, where)
    result = evaluate_units(formula, quantities, choices, where)
    if not given:  # any unit: keep the formula's own
        target = result.units
    if result.dimensionless and not declared.dimensionless:
        factor = conversion_factor(declared, target, where)  # a plain number in the declared unit
    else:
        if result.dimensionality != target.dimensionality:
            raise UnitError.at(where, f"formula {raw!r} gives {format_unit(result.units)}, expected "
                            f"{format_unit(target)}")
        factor = conversion_factor(root_unit(result.units), target, where)
    return QuantityExpr(factor, formula, target, where)
