"""Amounts in allocation tables: a number (with an optional unit) or a formula over the
model's parameters, checked for dimension once and then evaluated on root-unit parameters,
vectorized over Monte Carlo samples like every matrix entry.

>>> expr = read_quantity({"amount": 2, "unit": "MWh"}, "kWh", {}, {}, "lineage.x.energy")  # doctest: +SKIP
>>> expr.value({})                                                                          # doctest: +SKIP
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
    """``constant * formula(params)`` in the unit it was read in (``unit``)."""

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
    """Read ``1e9``, ``"queries_per_day * service_days"`` or ``{amount = 2, unit = "MWh"}``.

    *unit* is the unit the amount is wanted in (None: any unit, kept as given); a plain
    number or a dimensionless formula is in the table's ``unit`` (or *unit*).
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
