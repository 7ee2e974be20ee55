"""The model: flows, products, parameters, processes, impact methods and the study's demand.

Everything here is an immutable record produced by :mod:`lca.load` (files) and consumed by
:mod:`lca.engine` (matrices). Units are pint units; amounts are numbers or formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pint

from ..formula import Formula
from .allocation import AllocationSpec
from .frozen import FrozenDict, frozen
from .hourly import GridMatch
from .published import Published
from .scope2 import MarketBased
from .uncertainty import Uncertainty

STAGES = ("extraction", "manufacturing", "transport", "use", "end_of_life")
# A process whose stage is "inherit" (or not given) counts towards the stage of the processes
# that demand it: grid electricity is "manufacturing" in a fab and "use" in a datacenter.
INHERIT = "inherit"
# Impacts of inherited processes demanded directly by the functional unit.
UNASSIGNED = "unassigned"

CATEGORIES: Mapping[str, str] = FrozenDict(
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


@dataclass(frozen=True)
class Amount:
    """A number or a formula, in ``unit``, with its source and uncertainty (parsed at load, immutable).

    Attributes
    ----------
    value : float or None
        The number, or None when the amount is a formula.
    formula : Formula or None
        The formula over parameters, or None.
    unit : pint.Unit
        The unit the file gives; the compiler converts to the provider's reference unit.
    unit_text : str
        The unit as written.
    source : str or None
        Where the number comes from.
    uncertainty : Uncertainty or None
        The parsed uncertainty (:class:`lca.model.uncertainty.Uncertainty`).

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> model.demand["training_run"].text, model.demand["training_run"].unit_text
    ('1.0', 'item')
    """

    value: float | None
    formula: Formula | None
    unit: pint.Unit
    unit_text: str
    source: str | None = None
    uncertainty: Uncertainty | None = None

    @property
    def text(self) -> str:
        return self.formula.text if self.formula is not None else repr(self.value)


@dataclass(frozen=True)
class Flow:
    """An elementary flow: an exchange with nature, an emission or a resource (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> flow = load_study("lca:scenarios/patterson2021_gpt3.toml").flows["ghg_precharacterized_air"]
    >>> flow.compartment, flow.unit_text
    ('air', 'kg CO2-eq')
    """

    id: str
    name: str
    compartment: str
    unit: pint.Unit
    unit_text: str
    defined_in: str
    cas: str | None = None


@dataclass(frozen=True)
class Product:
    """A product flow between processes; its unit is the reference unit of its providers (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> sorted(model.products)
    ['datacenter_electricity', 'training_run']
    """

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
    """A named input: a number with a unit, a formula over other parameters, or a choice (immutable).

    Attributes
    ----------
    name : str
        The parameter's name, as formulas and overrides use it.
    value : float, str or None
        The number, the selected option of a choice, or None for a formula.
    unit : pint.Unit
        The unit of the value.
    formula : Formula or None
        For a computed parameter.
    options : tuple of str or None
        For a choice parameter (``grid_region = "us"``), the options it may take.
    source, description : str or None
        Provenance, quoted by ``lca sources`` and reports.
    uncertainty : Uncertainty or None
        The parsed uncertainty (for a choice: discrete weights over the options).

    Examples
    --------
    >>> from lca import load_study
    >>> pue = load_study("lca:scenarios/patterson2021_gpt3.toml").parameters["pue"]
    >>> pue.value, pue.source, pue.is_choice
    (1.1, 'Patterson et al. 2021, Table 4 (datacenter PUE)', False)
    """

    name: str
    value: float | str | None
    unit: pint.Unit
    unit_text: str
    defined_in: str
    formula: Formula | None = None
    options: tuple[str, ...] | None = None
    source: str | None = None
    uncertainty: Uncertainty | None = None
    description: str | None = None
    bounds: Bounds | None = None

    @property
    def is_choice(self) -> bool:
        return self.options is not None


@dataclass(frozen=True)
class Exchange:
    """One input of a process (technosphere) or one exchange with nature (biosphere) (immutable).

    Attributes
    ----------
    kind : {"technosphere", "biosphere"}
        Which matrix the exchange goes to.
    target : str
        The product id (technosphere) or elementary flow id (biosphere).
    amount : Amount
        How much, per the process's production amount.
    where : str
        ``"file: processes.X.technosphere[2]"``, for error messages.
    provider : str or None
        The process chosen when several make the product.

    Examples
    --------
    >>> from lca import load_study
    >>> process = load_study("lca:scenarios/patterson2021_gpt3.toml").processes["training_run"]
    >>> [(e.kind, e.target) for e in process.technosphere]
    [('technosphere', 'datacenter_electricity')]
    """

    kind: str  # "technosphere" | "biosphere"
    target: str  # product id or elementary flow id
    amount: Amount
    where: str  # "file: processes.X.technosphere[2]" for messages
    provider: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Process:
    """A unit process: its reference product and production amount, inputs and emissions (immutable).

    Attributes
    ----------
    id, name : str
        Identifier and display name.
    reference_product : str
        The product it makes, ``production`` units per run.
    production : Amount
        The amount of the reference product per run.
    stage : str
        Lifecycle stage (:data:`STAGES`, a custom stage, or ``"inherit"``: the stage of what uses it).
    technosphere, biosphere : tuple of Exchange
        Inputs from other processes; exchanges with nature.
    location, source, comment : str or None
        Metadata quoted in reports.
    extra : mapping
        Keys of the process table the engine does not read (kept for reports).

    Examples
    --------
    >>> from lca import load_study
    >>> process = load_study("lca:scenarios/patterson2021_gpt3.toml").processes["datacenter_electricity"]
    >>> process.reference_product, process.stage
    ('datacenter_electricity', 'use')
    """

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
    """A characterization factor: category units per unit of one elementary flow (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> method = load_study("lca:scenarios/patterson2021_gpt3.toml").methods["ipcc_ar6_gwp100"]
    >>> factor = next(f for f in method.factors if f.flow == "ghg_precharacterized_air")
    >>> factor.amount.value, factor.amount.unit_text
    (1.0, 'kg CO2-eq/kg CO2-eq')
    """

    flow: str
    amount: Amount
    where: str


@dataclass(frozen=True)
class Method:
    """An impact assessment method for one category: its reference unit and factors (immutable).

    Attributes
    ----------
    id : str
        The method's id (``ipcc_ar6_gwp100``), as ``methods = [...]`` and ``--method`` name it.
    category : str
        The impact category it characterizes (a key of :data:`CATEGORIES` or a custom one).
    unit : pint.Unit
        The category's reference unit.
    factors : tuple of Factor
        One factor per characterized elementary flow.

    Examples
    --------
    >>> from lca import load_study
    >>> method = load_study("lca:scenarios/patterson2021_gpt3.toml").methods["ipcc_ar6_gwp100"]
    >>> method.category, method.unit_text
    ('climate_change', 'kg CO2-eq')
    """

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
    """Goal and scope of a study (ISO 14044 4.2): free text the reports quote (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> study = load_study("lca:scenarios/patterson2021_gpt3.toml").study
    >>> study.functional_unit, study.info["published"]["emissions_t_co2e"]
    ('one trained GPT-3 model', 552.1)
    >>> [(p.key, p.of) for p in study.published]
    [('energy_MWh', 'energy'), ('emissions_t_co2e', 'climate_change')]
    """

    name: str
    functional_unit: str
    path: str
    info: Mapping[str, Any] = field(default_factory=frozen)
    # [study] published, parsed: what the study's source printed, compared in every result
    published: tuple[Published, ...] = ()


@dataclass(frozen=True)
class Model:
    """A loaded, validated model: everything a study file and its includes say (immutable).

    Built by :func:`lca.load_study` or :func:`lca.load_inventory`; changed only by making a new one
    (:func:`lca.with_parameters`, :func:`lca.with_methods`). The allocation, lineage and
    infrastructure tables are parsed into ``allocation`` at load time, so no later step reads a
    file.

    Attributes
    ----------
    study : Study
        Goal and scope.
    flows, products, parameters, processes, methods : mapping of str to record
        The model's records by id.
    selected_methods : tuple of str
        The methods results are characterized with (one per category).
    demand : mapping of str to Amount
        The functional unit: products (or processes) and amounts.
    files : tuple of str
        The study file and every file it includes, in load order.
    warnings : tuple of str
        Non-fatal findings of the validation.
    allocation : AllocationSpec or None
        The study's ``[allocation]``, ``[lineage]`` and ``[infrastructure]`` tables.
    market_based : MarketBased or None
        The study's ``[market_based]`` table (contractual instruments for its electricity).
    grid_profile : GridMatch or None
        The time-matched grid intensity that replaced the annual one (``--grid-profile``).
    sites : mapping of str to str
        The study's ``[sites]``: each site's datacenter process (``site_<name>``).

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> sorted(model.processes), model.selected_methods
    (['datacenter_electricity', 'training_run'], ('ipcc_ar6_gwp100',))
    >>> model.providers("datacenter_electricity")
    ('datacenter_electricity',)
    """

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
    market_based: MarketBased | None = None  # [market_based]: contractual instruments (Scope 2)
    grid_profile: GridMatch | None = None  # --grid-profile: the time-matched grid intensity
    sites: Mapping[str, str] = field(default_factory=FrozenDict)  # [sites]: site -> its datacenter process

    def providers(self, product: str) -> tuple[str, ...]:
        return tuple(p.id for p in self.processes.values() if p.reference_product == product)
