"""The model: flows, products, parameters, processes, impact methods and the study's demand.

Everything here is an immutable record produced by :mod:`lca.load` (files) and consumed by
:mod:`lca.engine` (matrices). Units are pint units; amounts are numbers or formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import pint

from ..formula import Formula
from .allocation import AllocationSpec

STAGES = ("extraction", "manufacturing", "transport", "use", "end_of_life")
# A process whose stage is "inherit" (or not given) counts towards the stage of the processes
# that demand it: grid electricity is "manufacturing" in a fab and "use" in a datacenter.
INHERIT = "inherit"
# Impacts of inherited processes demanded directly by the functional unit.
UNASSIGNED = "unassigned"

CATEGORIES: Mapping[str, str] = MappingProxyType(
    {
        "climate_change": "kg CO2-eq",
        "water_consumption": "m3",
        "water_scarcity": "m3 world-eq",
        "human_toxicity_cancer": "CTUh",
        "human_toxicity_non_cancer": "CTUh",
        "abiotic_depletion_elements": "kg Sb-eq",
        "abiotic_depletion_fossil": "MJ",
    }
)


def frozen(mapping: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Amount:
    """A number or a formula, in ``unit``, with its source and uncertainty (raw spec)."""

    value: float | None
    formula: Formula | None
    unit: pint.Unit
    unit_text: str
    source: str | None = None
    uncertainty: Mapping[str, Any] | None = None

    @property
    def text(self) -> str:
        return self.formula.text if self.formula is not None else repr(self.value)


@dataclass(frozen=True)
class Flow:
    """An elementary flow: an exchange with nature (emission or resource)."""

    id: str
    name: str
    compartment: str
    unit: pint.Unit
    unit_text: str
    defined_in: str
    cas: str | None = None


@dataclass(frozen=True)
class Product:
    """A product flow between processes; its unit is the reference unit of its providers."""

    id: str
    name: str
    unit: pint.Unit
    unit_text: str
    defined_in: str


@dataclass(frozen=True)
class Bounds:
    """The values a numeric parameter may take, in its declared unit: ``min``/``max`` inclusive,
    ``above``/``below`` strict (a PUE is at least 1, a duration above 0).

    >>> Bounds(minimum=1.0).violation(0.9)
    'is 0.9, below its min 1'
    >>> Bounds(above=0.0).violation(0.0) is None
    False
    """

    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    below: float | None = None

    def violation(self, value: float) -> str | None:
        """Why *value* is out of bounds, or None if it is inside."""
        if self.minimum is not None and not value >= self.minimum:
            return f"is {value:g}, below its min {self.minimum:g}"
        if self.maximum is not None and not value <= self.maximum:
            return f"is {value:g}, above its max {self.maximum:g}"
        if self.above is not None and not value > self.above:
            return f"is {value:g}; it must be above {self.above:g}"
        if self.below is not None and not value < self.below:
            return f"is {value:g}; it must be below {self.below:g}"
        return None

    def scaled(self, factor: float) -> "Bounds":
        """The same bounds in another unit (1 old unit = *factor* new units, factor > 0)."""
        def scale(x: float | None) -> float | None:
            return None if x is None else x * factor
        return Bounds(scale(self.minimum), scale(self.maximum), scale(self.above), scale(self.below))


@dataclass(frozen=True)
class Parameter:
    """A named input: a number with unit, a formula over other parameters, or a choice."""

    name: str
    value: float | str | None
    unit: pint.Unit
    unit_text: str
    defined_in: str
    formula: Formula | None = None
    options: tuple[str, ...] | None = None
    source: str | None = None
    uncertainty: Mapping[str, Any] | None = None
    description: str | None = None
    bounds: Bounds | None = None

    @property
    def is_choice(self) -> bool:
        return self.options is not None


@dataclass(frozen=True)
class Exchange:
    """One input (technosphere) or one exchange with nature (biosphere) of a process."""

    kind: str  # "technosphere" | "biosphere"
    target: str  # product id or elementary flow id
    amount: Amount
    where: str  # "file: processes.X.technosphere[2]" for messages
    provider: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Process:
    id: str
    name: str
    reference_product: str
    production: Amount
    stage: str
    defined_in: str
    technosphere: tuple[Exchange, ...] = ()
    biosphere: tuple[Exchange, ...] = ()
    location: str | None = None
    source: str | None = None
    comment: str | None = None
    extra: Mapping[str, Any] = field(default_factory=frozen)


@dataclass(frozen=True)
class Factor:
    """A characterization factor: category unit per unit of one elementary flow."""

    flow: str
    amount: Amount
    where: str


@dataclass(frozen=True)
class Method:
    id: str
    category: str
    name: str
    unit: pint.Unit
    unit_text: str
    defined_in: str
    factors: tuple[Factor, ...]
    source: str | None = None


@dataclass(frozen=True)
class Study:
    """Goal and scope of a study (ISO 14044 4.2): free text the reports quote."""

    name: str
    functional_unit: str
    path: str
    info: Mapping[str, Any] = field(default_factory=frozen)


@dataclass(frozen=True)
class Model:
    """A loaded, validated model: what a study file and its includes describe."""

    study: Study
    flows: Mapping[str, Flow]
    products: Mapping[str, Product]
    parameters: Mapping[str, Parameter]
    processes: Mapping[str, Process]
    methods: Mapping[str, Method]
    selected_methods: tuple[str, ...]
    demand: Mapping[str, Amount]
    files: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    allocation: AllocationSpec | None = None  # [lineage], [infrastructure] and [allocation] tables

    def providers(self, product: str) -> tuple[str, ...]:
        return tuple(p.id for p in self.processes.values() if p.reference_product == product)
