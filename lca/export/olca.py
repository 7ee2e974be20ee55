"""openLCA JSON-LD export: a compiled study as an olca-schema 2 zip.

The numbers are those :mod:`lca.export.brightway` gives Brightway (the compiled matrices at the
study's parameter values: formulas evaluated, intensities scaled, units converted), written
as openLCA entities with the ``olca-schema`` package:

* every process a unit process whose quantitative reference is its product's output, the
  other technosphere entries inputs linked to their provider (``defaultProvider``; a credit is
  a negative input, a loop an input of its own product); the functional unit a process
  ``functional_unit`` that takes the study's demand;
* elementary flows (``resource`` compartment as inputs, the rest as outputs: openLCA
  characterizes both by the amount, as ``lca`` does);
* one impact method named after the study, with one impact category per ``lca`` category;
* a product system of the functional unit, with every process link;
* unit groups and flow properties: a unit whose dimension has one of openLCA's reference unit
  groups (:data:`REFERENCE_GROUPS`) is a unit of that group, with openLCA's ids (from
  ``olca_schema.units``) so that the zip merges into a database that has the reference data;
  any other unit (kg CO2-eq as a flow unit, GPU-hour, item, token, GB) gets a unit group and
  flow property of its own. Every exchange is in its flow's reference flow property;
* uncertainty as olca-schema Uncertainty: lognormal (geomMean, geomSd), normal, triangle and
  uniform. An entry that a formula of uncertain parameters computes is uncertain through them
  (openLCA's Monte Carlo samples the parameters and evaluates the formula). Entries whose
  uncertainty has no such form (PERT, a weighted discrete choice, an entry's own uncertain
  number on a formula of uncertain parameters) are exported without it and listed in
  :attr:`OlcaExport.unsupported`;
* the study's parameters as openLCA global parameters in their declared (display) units: a free
  parameter an input parameter with its value and uncertainty (where it has an openLCA
  form), a formula parameter a dependent one whose formula openLCA evaluates; every exchange
  and impact factor that a formula computes carries an ``amountFormula`` (``formula`` for a
  factor) that evaluates to its ``amount``: each parameter read as ``(p * k)``, k its declared
  unit's factor to the root (SI) unit, times the entry's constant (the root to exchange unit
  factor, the sign, a fixed uncertain multiplier). The translation is
  :mod:`lca.load.olca_formula`'s; names that are no valid openLCA identifiers, are reserved or
  collide case-insensitively are renamed (:func:`~lca.load.olca_formula.olca_names`), and the
  parameter's tag ``lca:NAME`` and description keep the ``lca`` name. What openLCA cannot
  evaluate stays a value and is listed in :attr:`OlcaExport.unsupported` (and in
  :attr:`OlcaExport.formulas_as_values`);
* a choice parameter (openLCA has no strings) as an input parameter holding the 1-based index
  of the study's option, its description ``lca choice parameter NAME: 1 = tw, 2 = kr, ...`` and
  its tags (:data:`lca.load.olca.CHOICE_TAG`, then ``lca:option:K:OPTION`` per option) naming the options; a
  comparison ``fab_region == 'kr'`` is written ``(fab_region = 2)``, so openLCA evaluates every
  amount at any option as ``lca`` does, and ``lca import`` reads the parameter back as a choice.
  A weighted discrete uncertainty of a choice has no openLCA form: exported without it, listed.

Ids are UUID version 5 of names: elementary flows, units and methods have the same id in every
study; processes and product flows are named within the study (its file stem).

>>> from lca.export.olca import olca_unit
>>> from lca.units import parse_unit
>>> olca_unit(parse_unit("kWh")).group, round(olca_unit(parse_unit("kWh")).factor, 12)
('Units of energy', 3.6)
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pint

from ..engine.compile import CompiledModel
from ..errors import FormulaError
from ..load.distributions import parameter_distributions
from ..load.olca import CHOICE_TAG, OLCA_NAMES, OPTION_TAG
from ..load.olca_formula import OlcaText, olca_names, olca_number, to_olca
from ..units import conversion_factor, format_unit, parse_unit
from .brightway import (
    FUNCTIONAL_UNIT,
    LOGNORMAL,
    NORMAL,
    TRIANGULAR,
    UNDEFINED,
    UNIFORM,
    brightway_export,
    stats_arrays_uncertainty,
)
from .common import atomic_output, check_writable
from .common import require as _require

EXTRA = 'pip install "lca[olca]"'
MODULES = ("olca_schema",)
NAMESPACE = uuid.UUID("5f1c1d52-7a49-4c5e-9a3b-1ae0c0ffee10")  # of lca's openLCA ids
# openLCA's reference unit groups that lca's units fall in: (group, reference unit as openLCA
# spells it, as pint spells it). A unit whose dimension is none of these gets a group of its own.
REFERENCE_GROUPS = (
    ("Units of mass", "kg", "kg"),
    ("Units of energy", "MJ", "MJ"),
    ("Units of volume", "m3", "m3"),
    ("Units of area", "m2", "m2"),
    ("Units of length", "m", "m"),
    ("Units of time", "h", "h"),
    ("Units of mass*length", "t*km", "t * km"),
    ("Units of area*time", "m2*a", "m2 * a"),
)


@dataclass(frozen=True)
class OlcaUnit:
    """Where a unit goes in openLCA: its unit group, flow property, name and factor to the group's reference.

    >>> olca_unit(parse_unit("GPU_hour")).group
    'Units of GPUh'
    """

    group: str
    flow_property: str
    name: str
    reference: str  # the group's reference unit (openLCA's spelling)
    factor: float  # one of this unit in the reference unit
    group_id: str
    property_id: str
    unit_id: str
    reference_id: str


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@lru_cache(maxsize=None)
def _reference_dimensions() -> dict[Any, tuple[str, str, pint.Unit]]:
    return {_dimension(parse_unit(pint_name)): (group, name, parse_unit(pint_name))
            for group, name, pint_name in REFERENCE_GROUPS}


def _dimension(unit: pint.Unit) -> frozenset:
    return frozenset(dict(unit.dimensionality).items())


def _known(name: str, group: str, kind: str) -> str | None:
    """openLCA's reference-data id of a unit (kind "unit"), its group or flow property, if it has one."""
    try:
        from olca_schema import units as refdata
    except ImportError:
        return None
    ref = refdata.group_ref(name)
    if ref is None or ref.name != group:
        return None
    return {"unit": refdata.unit_ref, "group": refdata.group_ref, "property": refdata.property_ref}[kind](name).id


def olca_unit(unit: pint.Unit) -> OlcaUnit:
    """The openLCA unit group, flow property and unit of *unit* (see :data:`REFERENCE_GROUPS`).

    Parameters
    ----------
    unit : pint.Unit
        A unit of lca's registry.

    Returns
    -------
    OlcaUnit
        The group and the factor of *unit* to its reference unit; ids are openLCA's reference
        data ids where it has the unit (with olca-schema installed), else UUIDs of the names.

    Examples
    --------
    >>> u = olca_unit(parse_unit("t km"))
    >>> u.group, u.name, u.reference, u.factor
    ('Units of mass*length', 't*km', 't*km', 1.0)
    >>> olca_unit(parse_unit("kg CO2-eq")).group, olca_unit(parse_unit("kg CO2-eq")).factor
    ('Units of kg CO2-eq', 1.0)
    """
    text = format_unit(unit)
    name = OLCA_NAMES.get(text, text)
    reference = _reference_dimensions().get(_dimension(unit)) if not unit.dimensionless else None
    if reference is None:
        group, prop = f"Units of {text}", text
        return OlcaUnit(group, prop, name, name, 1.0, _uid("unit group", text), _uid("flow property", text),
                        _uid("unit", text), _uid("unit", text))
    group, reference_name, reference_unit = reference
    prop = group.removeprefix("Units of ").capitalize()
    group_id = _known(reference_name, group, "group") or _uid("unit group", group)
    property_id = _known(reference_name, group, "property") or _uid("flow property", group)
    reference_id = _known(reference_name, group, "unit") or _uid("unit", group, reference_name)
    unit_id = _known(name, group, "unit") or _uid("unit", group, name)
    factor = 1.0 if name == reference_name else conversion_factor(unit, reference_unit)
    return OlcaUnit(group, prop, name, reference_name, factor, group_id, property_id, unit_id, reference_id)


def olca_uncertainty(record: dict[str, Any]) -> dict[str, Any] | None:
    """The olca-schema Uncertainty fields of a stats_arrays record, or None if it has no openLCA form.

    An undefined (fixed) record gives an empty dict: no uncertainty.

    >>> olca_uncertainty({"uncertainty type": 2, "loc": math.log(4.0), "scale": math.log(1.5), "negative": False})
    {'distribution_type': 'LOG_NORMAL_DISTRIBUTION', 'geom_mean': 4.0, 'geom_sd': 1.5}
    >>> olca_uncertainty({"uncertainty type": 5, "loc": 2.0, "minimum": 1.0, "maximum": 4.0})
    {'distribution_type': 'TRIANGLE_DISTRIBUTION', 'minimum': 1.0, 'mode': 2.0, 'maximum': 4.0}
    >>> olca_uncertainty({"uncertainty type": 10, "loc": 2.0, "shape": 3.0}) is None
    True
    """
    kind = record.get("uncertainty type", UNDEFINED)
    if kind == UNDEFINED:
        return {}
    if kind == LOGNORMAL:
        median = math.exp(record["loc"]) * (-1.0 if record.get("negative") else 1.0)
        return {"distribution_type": "LOG_NORMAL_DISTRIBUTION", "geom_mean": median, "geom_sd": math.exp(record["scale"])}
    if kind == NORMAL:
        return {"distribution_type": "NORMAL_DISTRIBUTION", "mean": record["loc"], "sd": record["scale"]}
    if kind == UNIFORM:
        return {"distribution_type": "UNIFORM_DISTRIBUTION", "minimum": record["minimum"], "maximum": record["maximum"]}
    if kind == TRIANGULAR:
        return {"distribution_type": "TRIANGLE_DISTRIBUTION", "minimum": record["minimum"], "mode": record["loc"],
                "maximum": record["maximum"]}
    return None


@dataclass
class OlcaExport:
    """A compiled study as olca-schema entities (``entities``, in writing order).

    ``unsupported`` lists the entries exported without their uncertainty, and the formulas
    (or parts of them) exported as values, which ``formulas_as_values`` repeats; ``parameters``
    maps each parameter's openLCA name to its formula (dependent parameters) or value,
    ``formulas`` counts the amounts written as formulas and ``counts`` the entities per kind.
    """

    study: str
    entities: list[Any]
    unsupported: tuple[str, ...]
    product_system_id: str
    counts: dict[str, int] = field(default_factory=dict)
    formulas_as_values: tuple[str, ...] = ()
    parameters: dict[str, float | str] = field(default_factory=dict)
    formulas: int = 0  # exchanges and factors written with an openLCA formula


def olca_export(compiled: CompiledModel, database: str | None = None) -> OlcaExport:
    """The olca-schema entities of *compiled* (see the module docstring); needs the ``olca`` extra.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    database : str, optional
        The name processes and product flows are named within (default: the study file's stem).

    Returns
    -------
    OlcaExport
        The entities and what was exported without its uncertainty.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> export = olca_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")))
    >>> export.counts["Process"], export.counts["ImpactCategory"], export.counts["ProductSystem"]
    (3, 1, 1)
    >>> export.formulas, export.parameters["pue"]    # the energy and the emission read the parameters
    (2, 1.1)
    """
    o = require(MODULES, "--format olca")["olca_schema"]
    bw = brightway_export(compiled, database)
    model, study = compiled.model, bw.database
    entities: dict[str, Any] = {}  # id -> entity, in order of first use

    def add(entity):
        entities.setdefault(entity.id, entity)
        return entity

    groups: dict[str, Any] = {}

    def unit_of(unit_text: str):
        """The unit's (flow property ref, unit ref), writing its unit group and flow property."""
        target = olca_unit(parse_unit(unit_text))
        group = groups.get(target.group_id)
        if group is None:
            prop_ref = o.Ref(ref_type=o.RefType.FlowProperty, id=target.property_id, name=target.flow_property)
            group = o.UnitGroup(id=target.group_id, name=target.group, default_flow_property=prop_ref,
                                units=[o.Unit(id=target.reference_id, name=target.reference, conversion_factor=1.0,
                                              is_ref_unit=True)])
            groups[target.group_id] = group
            add(group)
            add(o.FlowProperty(id=target.property_id, name=target.flow_property,
                               flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY, unit_group=group.to_ref()))
        if all(u.id != target.unit_id for u in group.units):
            group.units.append(o.Unit(id=target.unit_id, name=target.name, conversion_factor=target.factor,
                                      is_ref_unit=False))
        return (o.Ref(ref_type=o.RefType.FlowProperty, id=target.property_id, name=target.flow_property),
                o.Ref(ref_type=o.RefType.Unit, id=target.unit_id, name=target.name))

    def flow(flow_id: str, name: str, kind, unit_text: str, **fields):
        prop, unit = unit_of(unit_text)
        entity = add(o.Flow(id=flow_id, name=name, flow_type=kind, flow_properties=[
            o.FlowPropertyFactor(flow_property=prop, conversion_factor=1.0, is_ref_flow_property=True)], **fields))
        return entity, prop, unit

    def location(code: str | None):
        if not code:
            return None
        return add(o.Location(id=_uid("location", code), name=code, code=code)).to_ref()

    def uncertainty(record, label, unsupported):
        form = olca_uncertainty(record)
        if form is None or unsupported:
            skipped.append(label)
            return None
        if not form:
            return None
        return o.Uncertainty(**{**form, "distribution_type": o.UncertaintyType[form["distribution_type"]]})

    skipped: list[str] = []
    elementary = []
    for fid, unit_text in zip(compiled.flows, compiled.flow_units):
        record = model.flows[fid]
        elementary.append(flow(_uid("flow", fid), record.name, o.FlowType.ELEMENTARY_FLOW, unit_text,
                               category=f"Elementary flows/{record.compartment}", cas=record.cas,
                               tags=[f"lca:{fid}"]))
    names = bw.activities
    units = compiled.product_units + ("item",)
    products = []
    for i, (activity, unit_text) in enumerate(zip(names, units)):
        process = model.processes.get(activity)
        label = process.reference_product if process else FUNCTIONAL_UNIT
        title = process.name if process else model.study.functional_unit
        products.append(flow(_uid("product", study, activity), f"{title} ({label})" if process else title,
                             o.FlowType.PRODUCT_FLOW, unit_text, tags=[f"lca:{label}"]))
    table = compiled.parameters
    values = table.evaluate()
    formulas = _Formulas(compiled, values, study)
    tech_formulas = (formulas.entries(compiled.technosphere, np.where(bw.production[:compiled.technosphere.nnz], 1.0, -1.0))
                     + [None] + formulas.entries(compiled.demand, np.ones(compiled.demand.nnz)))
    tech_carried = (formulas.carried(compiled.technosphere, tech_formulas) + [False]
                    + formulas.carried(compiled.demand, tech_formulas[compiled.technosphere.nnz + 1:]))
    exchanges: list[list[Any]] = [[] for _ in names]
    links = []
    tech = bw.technosphere
    for i in range(len(tech.rows)):
        row, col = int(tech.rows[i]), int(tech.cols[i])
        product, prop, unit = products[row]
        reference = bool(bw.production[i])
        exchange = o.Exchange(internal_id=len(exchanges[col]) + 1, flow=product.to_ref(), flow_property=prop, unit=unit,
                              amount=float(tech.amounts[i]), amount_formula=tech_formulas[i], is_input=not reference,
                              is_quantitative_reference=reference, description=tech.labels[i],
                              uncertainty=uncertainty(tech.uncertainty[i], tech.labels[i],
                                                      bool(tech.unsupported[i]) and not tech_carried[i]))
        if not reference:
            exchange.default_provider = o.Ref(ref_type=o.RefType.Process, id=_uid("process", study, names[row]),
                                              name=names[row])
            links.append((row, col, exchange))
        exchanges[col].append(exchange)
    bio = bw.biosphere
    bio_formulas = formulas.entries(compiled.biosphere, np.ones(compiled.biosphere.nnz))
    bio_carried = formulas.carried(compiled.biosphere, bio_formulas)
    for i in range(len(bio.rows)):
        row, col = int(bio.rows[i]), int(bio.cols[i])
        entity, prop, unit = elementary[row]
        exchanges[col].append(o.Exchange(
            internal_id=len(exchanges[col]) + 1, flow=entity.to_ref(), flow_property=prop, unit=unit,
            amount=float(bio.amounts[i]), amount_formula=bio_formulas[i], is_input=model.flows[compiled.flows[row]].compartment == "resource",
            is_quantitative_reference=False,
            description=bio.labels[i],
            uncertainty=uncertainty(bio.uncertainty[i], bio.labels[i], bool(bio.unsupported[i]) and not bio_carried[i])))
    processes = []
    for col, activity in enumerate(names):
        record = model.processes.get(activity)
        processes.append(add(o.Process(
            id=_uid("process", study, activity), name=record.name if record else FUNCTIONAL_UNIT, process_type=o.ProcessType.UNIT_PROCESS,
            exchanges=exchanges[col], last_internal_id=len(exchanges[col]),
            location=location(record.location if record else None),
            category=f"lca/{study}/{record.stage}" if record else f"lca/{study}",
            description="; ".join(filter(None, (record.comment, record.source))) if record else model.study.name,
            tags=[f"lca:{activity}"])))
    char = bw.characterization
    char_formulas = formulas.entries(compiled.characterization, np.ones(compiled.characterization.nnz))
    char_carried = formulas.carried(compiled.characterization, char_formulas)
    categories = []
    for row, (category, unit_text, method_id) in enumerate(zip(compiled.categories, compiled.category_units,
                                                               compiled.methods)):
        factors = []
        for i in np.flatnonzero(char.rows == row):
            entity, prop, unit = elementary[int(char.cols[i])]
            factors.append(o.ImpactFactor(flow=entity.to_ref(), flow_property=prop, unit=unit,
                                          value=float(char.amounts[i]), formula=char_formulas[int(i)],
                                          uncertainty=uncertainty(char.uncertainty[i], char.labels[i],
                                                                  bool(char.unsupported[i]) and not char_carried[i])))
        method = model.methods[method_id]
        categories.append(add(o.ImpactCategory(
            id=_uid("impact category", method_id), name=category, ref_unit=unit_text, impact_factors=factors,
            description=f"{method.name} (lca method {method_id})" + (f"; {method.source}" if method.source else ""),
            tags=[f"lca:{method_id}"])))
    add(o.ImpactMethod(id=_uid("impact method", study), name=f"lca: {model.study.name}", code=study,
                       impact_categories=[c.to_ref() for c in categories]))
    for parameter in formulas.parameters():
        add(parameter)
    fu = processes[-1]
    fu_exchange = next(e for e in fu.exchanges if e.is_quantitative_reference)
    system_id = _uid("product system", study)
    add(o.ProductSystem(
        id=system_id, name=model.study.name, description=model.study.functional_unit,
        ref_process=fu.to_ref(), ref_exchange=o.ExchangeRef(internal_id=fu_exchange.internal_id),
        target_amount=1.0, target_flow_property=fu_exchange.flow_property, target_unit=fu_exchange.unit,
        processes=[p.to_ref() for p in processes],
        process_links=[o.ProcessLink(provider=processes[row].to_ref(), flow=exchange.flow, process=processes[col].to_ref(),
                                     exchange=o.ExchangeRef(internal_id=exchange.internal_id))
                       for row, col, exchange in links]))
    counts: dict[str, int] = {}
    for entity in entities.values():
        counts[type(entity).__name__] = counts.get(type(entity).__name__, 0) + 1
    as_values = tuple(dict.fromkeys(formulas.as_values))
    return OlcaExport(study=study, entities=list(entities.values()),
                      unsupported=tuple(dict.fromkeys(skipped + formulas.skipped + list(as_values))),
                      product_system_id=system_id,
                      counts=counts, formulas_as_values=as_values, parameters=formulas.bindings,
                      formulas=sum(f is not None for f in tech_formulas + bio_formulas + char_formulas))


class _Formulas:
    """The study's parameters as openLCA parameters, and its entries' formulas as openLCA text."""

    def __init__(self, compiled: CompiledModel, values: dict[str, Any], study: str):
        self.o = require(MODULES, "--format olca")["olca_schema"]
        self.compiled, self.values, self.study = compiled, values, study
        table = compiled.parameters
        self.table = table
        self.exported = tuple(n for n in table.order if n not in table.implicit)
        self.names = olca_names(self.exported)
        self.as_values: list[str] = []
        self.skipped: list[str] = []  # parameters exported without their uncertainty (not formulas)
        self.bindings: dict[str, float | str] = {}  # openLCA name -> value or formula, as exported

    def read(self, name: str) -> str:
        """openLCA text of a parameter's root-unit value: its declared-unit value times its root factor."""
        factor = self.table.root_factors[name]
        return self.names[name] if factor == 1.0 else f"({self.names[name]} * {olca_number(factor)})"

    def translate(self, formula, where: str) -> OlcaText | None:
        try:
            return to_olca(formula, self.read, self.table.choices, where)
        except FormulaError as exc:
            self.as_values.append(f"{exc}: exported as its value")
            return None

    def entries(self, matrix, signs: np.ndarray) -> list[str | None]:
        """Each entry's amountFormula (None: a number), scaled as its exported amount."""
        out: list[str | None] = [None] * matrix.nnz
        multipliers: dict[int, float] = {}
        for index, name in matrix.multipliers:
            multipliers[index] = multipliers.get(index, 1.0) * float(self.values[name])
        for index, formula, where in matrix.formulas:
            text = self.translate(formula, where)
            if text is None:
                continue
            scale = float(signs[index]) * float(matrix.constant[index]) * multipliers.get(index, 1.0)
            out[index] = text.text if scale == 1.0 else f"{olca_number(scale)} * {text.text}"
        return out

    @staticmethod
    def carried(matrix, texts: list[str | None]) -> list[bool]:
        """Which entries' uncertainty openLCA carries through their formula: the formula of
        uncertain parameters was written, and the entry has no uncertain number of its own
        (which Brightway's form drops where a formula reads uncertain parameters)."""
        own = {index for index, _name in matrix.multipliers}
        return [text is not None and i not in own for i, text in enumerate(texts)]

    def parameters(self) -> list[Any]:
        """The openLCA global parameters, in the order of the study's parameters."""
        o, table = self.o, self.table
        distributions = parameter_distributions(table, tuple(n for n in table.uncertain if n in self.names))
        out = []
        for name in self.exported:
            if name in table.choices:
                out.append(self.choice(name))
                continue
            value = float(table.display_value(name, self.values[name]))
            unit = format_unit(table.units[name])
            fields: dict[str, Any] = {"is_input_parameter": True}
            formula = table.formulas.get(name)
            if formula is not None:
                text = self.translate(formula, f"{table.labels[name]}: parameter {name}")
                if text is not None:
                    factor = table.root_factors[name]
                    fields = {"is_input_parameter": False,
                              "formula": text.text if factor == 1.0 else f"{text.text} / {olca_number(factor)}"}
            elif name in distributions:
                form = stats_arrays_uncertainty(distributions[name], 1.0)
                form = olca_uncertainty(form) if form is not None else None
                if form is None:
                    self.as_values.append(f"{table.labels[name]}: parameter {name}: its {distributions[name].kind} "
                                          "uncertainty has no openLCA form; exported as a value without it")
                elif form:
                    fields["uncertainty"] = o.Uncertainty(
                        **{**form, "distribution_type": o.UncertaintyType[form["distribution_type"]]})
            olca_name = self.names[name]
            self.bindings[olca_name] = fields.get("formula", value)
            source = table.sources.get(name)
            out.append(o.Parameter(
                id=_uid("parameter", self.study, name), name=olca_name, value=value,
                parameter_scope=o.ParameterScope.GLOBAL_SCOPE, tags=[f"lca:{name}"],
                description=f"lca parameter {name} [{unit}]" + (f"; {source}" if source else ""), **fields))
        return out

    def choice(self, name: str) -> Any:
        """A choice parameter as an openLCA input parameter: the 1-based index of its option."""
        o, table = self.o, self.table
        options, olca_name = table.choices[name], self.names[name]
        index = int(self.values[name]) + 1
        uncertainty = table.uncertainty.get(name)
        if uncertainty is not None and uncertainty.varies:
            self.skipped.append(f"{table.labels[name]}: choice parameter {name}: its weighted discrete uncertainty "
                                "has no openLCA form; exported without it")
        self.bindings[olca_name] = float(index)
        source = table.sources.get(name)
        listed = ", ".join(f"{k} = {option}" for k, option in enumerate(options, 1))
        return o.Parameter(
            id=_uid("parameter", self.study, name), name=olca_name, value=float(index), is_input_parameter=True,
            parameter_scope=o.ParameterScope.GLOBAL_SCOPE,
            tags=[f"lca:{name}", CHOICE_TAG] + [f"{OPTION_TAG}{k}:{option}" for k, option in enumerate(options, 1)],
            description=f"lca choice parameter {name}: {listed}" + (f"; {source}" if source else ""))


def require(modules: tuple[str, ...], purpose: str) -> dict[str, ModuleType]:
    """Import olca-schema, or raise one :class:`LCAError` naming the ``olca`` extra.

    >>> require(MODULES, "--format olca")["olca_schema"].__name__
    'olca_schema'
    """
    return _require(modules, purpose, EXTRA)


def write_zip(export: OlcaExport, path: str | Path) -> Path:
    """Write *export* as a JSON-LD zip at *path* with olca-schema's ``ZipWriter``, atomically.

    >>> import tempfile
    >>> from lca import compile_model, load_study
    >>> out = write_zip(olca_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))),
    ...                 Path(tempfile.mkdtemp()) / "gpt3.zip")
    >>> from olca_schema import Process, zipio
    >>> sorted(p.name for p in zipio.ZipReader(out).read_each(Process))
    ['Electricity at the datacenter, study grid factor', 'Training run of one model (use phase)', 'functional_unit']
    """
    path = Path(path)
    check_writable(path)
    zipio = require(("olca_schema.zipio",), "--format olca")["olca_schema.zipio"]
    with atomic_output(path) as partial, zipio.ZipWriter(partial) as writer:
        for entity in export.entities:
            writer.write(entity)
    return path
