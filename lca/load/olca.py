"""openLCA JSON-LD import: an olca-schema zip as ``lca`` inventory, method and scenario TOML files.

:func:`read_olca_zip` reads the zip with olca-schema's ``ZipReader`` and builds the tables of:

* ``inventory.toml``: the elementary flows and the processes. Every amount is converted with
  openLCA's own factors (unit group and flow property factors) into its flow's reference unit,
  which pint must read (openLCA spellings such as ``t*km``, ``m2*a`` and ``Item(s)`` are mapped
  in :data:`PINT_NAMES`). Product inputs name their provider (the exchange's default provider,
  or the product system's link); an avoided product is a negative input; a waste output is an
  input of its treatment;
* ``methods/<category>.toml``: one ``lca`` method per impact category;
* ``<product system>.toml``: a scenario per product system, demanding its reference process's
  target amount and selecting every imported category.

What cannot be mapped is listed in :attr:`OlcaImport.report`, never dropped silently:
co-products (openLCA allocation is not imported), formulas and parameters (the amounts are
the values openLCA stored), uncertainties ``lca`` cannot hold, inputs nothing makes (cut
off), links that differ from a default provider. A zip that is not one, an object referenced
but missing, a unit that neither pint nor the unit group can resolve, or a provider that does
not exist is an :class:`~lca.errors.LCAError` naming the file and the object.
:func:`write_import` writes the files into a new folder, atomically.

>>> PINT_NAMES["Item(s)"]
'item'
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..errors import LCAError
from ..units import conversion_factor, format_unit, parse_unit
from .imported import Ids, ImportedLibrary, slug, write_import  # noqa: F401 (write_import: the olca API)
from .tables import ID_PATTERN

EXTRA = 'pip install "lca[olca]"'
# openLCA unit names pint does not read as they are; the others are read by lca.units.parse_unit
PINT_NAMES = {"Item(s)": "item", "Items": "item", "m2*a": "m2 * a", "m3*a": "m3 * a", "t*km": "t * km",
              "kg*km": "kg * km", "p*km": "item * km", "kg*a": "kg * a", "MJ/kg": "MJ/kg"}
# lca's unit spelling (as lca.units.format_unit prints it) -> openLCA's, where they differ (lca.export.olca)
OLCA_NAMES = {"t km": "t*km", "kg km": "kg*km", "m2 year": "m2*a", "m3 year": "m3*a"}
_COMPARTMENTS = ("resource", "air", "water", "soil")


# kept under its first name: an imported JSON-LD zip
OlcaImport = ImportedLibrary


def _require():
    try:
        import olca_schema
        from olca_schema import zipio
    except ImportError:
        raise LCAError(f"lca import needs olca-schema (not installed); install the extra: {EXTRA}") from None
    return olca_schema, zipio


class _Ids(Ids):
    """Unique lca ids for openLCA objects: the ``lca:`` tag lca's export writes, else the name's slug."""

    def __call__(self, entity, fallback: str) -> str:  # type: ignore[override]
        tags = [t[4:] for t in (entity.tags or []) if t.startswith("lca:") and ID_PATTERN.match(t[4:])]
        return super().__call__(entity.id, entity.name, fallback, tags[0] if tags else None)


def read_olca_zip(path: str | Path) -> OlcaImport:
    """Read an openLCA JSON-LD zip (olca-schema 2) into ``lca`` TOML tables (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The zip.

    Returns
    -------
    OlcaImport
        The tables of each file to write, and the report of what was mapped or dropped.

    Raises
    ------
    LCAError
        If the file is not a JSON-LD zip, an object refers to one the zip lacks, a unit cannot
        be resolved or a provider does not exist.

    Examples
    --------
    >>> import tempfile
    >>> from lca import compile_model, load_study
    >>> from lca.export.olca import olca_export, write_zip
    >>> zip_path = write_zip(olca_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))),
    ...                      Path(tempfile.mkdtemp()) / "gpt3.zip")
    >>> imported = read_olca_zip(zip_path)
    >>> sorted(imported.files["inventory.toml"]["processes"])
    ['datacenter_electricity', 'functional_unit', 'training_run']
    >>> imported.scenarios
    ('gpt_3_training_use_phase_patterson_et_al_2021_table_4.toml',)
    """
    path = Path(path)
    o, zipio = _require()
    if not path.is_file():
        raise LCAError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise LCAError(f"{path}: not a zip file (an openLCA JSON-LD export is a .zip)")
    report: list[str] = []
    try:
        return _read(o, zipio, path, report)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        # a damaged member: a bad deflate stream (zlib.error, found by the fuzzer), a
        # compression method Python lacks, a truncated file
        raise LCAError(f"{path}: cannot read the zip: {exc}") from None


def _read(o, zipio, path: Path, report: list[str]) -> OlcaImport:
    with zipio.ZipReader(path) as reader:
        def read_all(kind):
            out = {}
            for uid in reader.ids_of(kind):
                try:
                    entity = reader.read(kind, uid)
                except (ValueError, KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
                    raise LCAError(f"{path}: {kind.__name__} {uid}: cannot be read as olca-schema: {exc}") from None
                if not isinstance(entity.id, str):  # found by the format fuzzer: "@id": [] was a traceback
                    raise LCAError(f"{path}: {kind.__name__} {uid}: '@id' must be a string, got {entity.id!r}")
                out[uid] = entity
            return out

        groups, properties, flows = read_all(o.UnitGroup), read_all(o.FlowProperty), read_all(o.Flow)
        processes, categories = read_all(o.Process), read_all(o.ImpactCategory)
        methods, systems, locations = read_all(o.ImpactMethod), read_all(o.ProductSystem), read_all(o.Location)
        for kind in (o.Parameter, o.Source, o.Actor, o.DQSystem, o.Currency, o.SocialIndicator, o.Project,
                     o.Result, o.Epd):
            n = len(reader.ids_of(kind))
            if n:
                report.append(f"dropped {n} {kind.__name__} object(s): lca import does not map them"
                              + (" (the exchanges hold the values openLCA evaluated)" if kind is o.Parameter else ""))
    if not processes:
        raise LCAError(f"{path}: no processes (is it an openLCA JSON-LD export?)")
    where = str(path)

    def missing(what: str, ref, kind: str):
        return LCAError(f"{where}: {what}: refers to {kind} {getattr(ref, 'name', None) or ''} "
                        f"({getattr(ref, 'id', None)}), which is not in the zip")

    units_cache: dict[str, tuple[str, float]] = {}

    def reference_unit(flow, what: str) -> tuple[str, Any]:
        """The flow's reference unit (lca spelling) and its reference flow property."""
        factors = flow.flow_properties or []
        ref = next((f for f in factors if f.is_ref_flow_property), factors[0] if factors else None)
        if ref is None or ref.flow_property is None:
            raise LCAError(f"{where}: {what}: flow {flow.name!r} has no flow property")
        prop = properties.get(ref.flow_property.id)
        if prop is None:
            raise missing(f"{what}: flow {flow.name!r}", ref.flow_property, "flow property")
        group = groups.get(prop.unit_group.id) if prop.unit_group else None
        if group is None:
            raise missing(f"{what}: flow property {prop.name!r}", prop.unit_group, "unit group")
        unit = next((u for u in group.units or [] if u.is_ref_unit), None)
        if unit is None:
            raise LCAError(f"{where}: unit group {group.name!r}: no reference unit")
        return lca_unit(unit.name, f"unit group {group.name!r}"), prop

    def lca_unit(name: str, what: str) -> str:
        if name not in units_cache:
            try:
                units_cache[name] = format_unit(parse_unit(PINT_NAMES.get(name, name)))
            except LCAError:
                raise LCAError(f"{where}: {what}: unit {name!r} has no lca unit (pint cannot read it); "
                               "rename it in openLCA or map it") from None
            if units_cache[name] != name and name not in PINT_NAMES:
                report.append(f"unit {name!r} read as {units_cache[name]!r}")
        return units_cache[name]

    def to_reference(flow, prop_ref, unit_ref, what: str) -> tuple[float, str]:
        """The factor from an amount in (prop_ref, unit_ref) to the unit lca writes, and that unit.

        The exchange's own unit where pint reads it and it is of the flow's reference flow
        property (pint converts it, as in any lca file); else the flow's reference unit, with
        openLCA's factors.
        """
        factors = flow.flow_properties or []
        ref = next((f for f in factors if f.is_ref_flow_property), factors[0] if factors else None)
        if ref is None or ref.flow_property is None:
            raise LCAError(f"{where}: {what}: flow {flow.name!r} has no flow property")
        prop_id = prop_ref.id if prop_ref and prop_ref.id else ref.flow_property.id
        factor = next((f for f in factors if f.flow_property and f.flow_property.id == prop_id), None)
        if factor is None or not factor.conversion_factor:
            raise LCAError(f"{where}: {what}: flow {flow.name!r} has no factor for flow property "
                           f"{getattr(prop_ref, 'name', prop_id)!r}")
        prop = properties.get(prop_id)
        if prop is None:
            raise missing(what, prop_ref, "flow property")
        group = groups.get(prop.unit_group.id) if prop.unit_group else None
        if group is None:
            raise missing(f"{what}: flow property {prop.name!r}", prop.unit_group, "unit group")
        if unit_ref is None:
            unit = next((u for u in group.units or [] if u.is_ref_unit), None)
        else:
            unit = next((u for u in group.units or [] if u.id == unit_ref.id or
                         (not unit_ref.id and u.name == unit_ref.name)), None)
        if unit is None or not unit.conversion_factor:
            raise LCAError(f"{where}: {what}: unit {getattr(unit_ref, 'name', None)!r} is not a unit of "
                           f"{group.name!r}")
        reference, _prop = reference_unit(flow, what)
        if prop_id == ref.flow_property.id and unit.name != reference:
            own = _readable(PINT_NAMES.get(unit.name, unit.name))
            if own is not None and math.isclose(_factor(own, reference), unit.conversion_factor, rel_tol=1e-6):
                return 1.0, own  # pint's factor and openLCA's agree: keep the exchange's unit
        return unit.conversion_factor / factor.conversion_factor, reference

    flow_ids, process_ids, product_ids, method_ids = _Ids(), _Ids(), _Ids(), _Ids()
    elementary: dict[str, dict] = {}

    def elementary_flow(flow, is_input: bool, what: str) -> tuple[str, str]:
        compartment = _compartment(flow.category, is_input)
        key = flow_ids(flow, "flow")
        if key not in elementary:
            unit, _prop = reference_unit(flow, what)
            elementary[key] = {"name": flow.name or key, "compartment": compartment, "unit": unit,
                               **({"cas": flow.cas} if flow.cas else {}),
                               **({"comment": flow.category} if flow.category else {})}
        return key, elementary[key]["unit"]

    makers: dict[str, list[str]] = {}  # flow id -> processes whose reference it is
    references = {}
    for uid, process in processes.items():
        ref = next((e for e in process.exchanges or [] if e.is_quantitative_reference), None)
        if ref is None or ref.flow is None:
            raise LCAError(f"{where}: process {process.name!r} ({uid}): no quantitative reference")
        references[uid] = ref
        makers.setdefault(ref.flow.id, []).append(uid)
    # product-system links, for inputs without a default provider
    links: dict[tuple[str, int], str] = {}
    for system in systems.values():
        for link in system.process_links or []:
            for ref, kind in ((link.process, "process"), (link.provider, "provider")):
                if ref is None or ref.id not in processes:
                    raise missing(f"product system {system.name!r}: a process link", ref, kind)
            key = (link.process.id, link.exchange.internal_id if link.exchange else None)
            if links.setdefault(key, link.provider.id) != link.provider.id:
                report.append(f"product system {system.name!r}: the link of process {link.process.name!r} exchange "
                              f"{key[1]} differs from another system's; lca keeps the first")
    table_processes: dict[str, dict] = {}
    for uid, process in processes.items():
        what = f"process {process.name!r}"
        key = process_ids(process, "process")
        ref = references[uid]
        ref_flow = flows.get(ref.flow.id)
        if ref_flow is None:
            raise missing(what, ref.flow, "flow")
        factor, unit = to_reference(ref_flow, ref.flow_property, ref.unit, what)
        entry: dict[str, Any] = {"name": process.name or key, "reference_product": product_ids(ref_flow, "product"),
                                 "amount": _number(ref.amount) * factor, "unit": unit}
        if process.location is not None:
            entry["location"] = (locations.get(process.location.id) or process.location).code \
                or process.location.name or ""
            if process.location.id not in locations:
                report.append(f"{what}: location {process.location.name!r} is not in the zip; kept by name")
        if process.description:
            entry["comment"] = process.description
        if process.category and process.category.startswith("lca/") and process.category.count("/") >= 2:
            entry["stage"] = process.category.rsplit("/", 1)[1]  # lca's export files processes by stage
        spec = _uncertainty(ref.uncertainty, factor, entry["amount"], f"{what} reference", report)
        if spec:
            entry["uncertainty"] = spec
        if process.parameters:
            report.append(f"{what}: {len(process.parameters)} parameter(s) dropped (amounts are the stored values)")
        technosphere, biosphere = [], []
        for exchange in process.exchanges or []:
            if exchange is ref:
                continue
            flow = flows.get(exchange.flow.id) if exchange.flow else None
            label = f"{what}: exchange {exchange.internal_id} ({getattr(exchange.flow, 'name', None)})"
            if flow is None:
                raise missing(label, exchange.flow, "flow")
            if exchange.amount_formula:
                report.append(f"{label}: formula {exchange.amount_formula!r} imported as its value {exchange.amount!r}")
            factor, unit = to_reference(flow, exchange.flow_property, exchange.unit, label)
            amount = _number(exchange.amount) * factor
            if flow.flow_type == o.FlowType.ELEMENTARY_FLOW:
                fid, _unit = elementary_flow(flow, bool(exchange.is_input), label)
                row = {"flow": fid, "amount": amount, "unit": unit}
                spec = _uncertainty(exchange.uncertainty, factor, amount, label, report)
                if spec:
                    row["uncertainty"] = spec
                biosphere.append(row)
                continue
            waste = flow.flow_type == o.FlowType.WASTE_FLOW
            if exchange.is_avoided_product:
                sign = -1.0
            elif bool(exchange.is_input) != waste:  # a product input, or a waste output to its treatment
                sign = 1.0
            else:
                report.append(f"{label}: co-product {'(waste input) ' if waste else ''}dropped: lca import does not "
                              "map openLCA allocation; model it by substitution or declare an allocation")
                continue
            provider = exchange.default_provider.id if exchange.default_provider else None
            linked = links.get((uid, exchange.internal_id))
            if provider is not None and provider not in processes:
                raise missing(f"{label}: default provider", exchange.default_provider, "process")
            if provider is None:
                provider = linked
            elif linked is not None and linked != provider:
                report.append(f"{label}: the product system links {processes[linked].name!r}, the default provider "
                              f"is {processes[provider].name!r}; lca uses the default provider")
            if provider is None:
                candidates = makers.get(flow.id, [])
                if not candidates:
                    report.append(f"{label}: no process in the zip makes {flow.name!r}: input dropped (cut off)")
                    continue
                provider = candidates[0]
                if len(candidates) > 1:
                    report.append(f"{label}: {len(candidates)} processes make {flow.name!r} and none is linked; "
                                  f"lca uses {processes[provider].name!r}")
            if references[provider].flow.id != flow.id:
                raise LCAError(f"{where}: {label}: provider {processes[provider].name!r} makes "
                               f"{references[provider].flow.name!r}, not {flow.name!r}")
            row = {"product": product_ids(flow, "product"), "provider": process_ids(processes[provider], "process"),
                   "amount": sign * amount, "unit": unit}
            spec = _uncertainty(exchange.uncertainty, sign * factor, sign * amount, label, report)
            if spec:
                row["uncertainty"] = spec
            technosphere.append(row)
        if technosphere:
            entry["technosphere"] = technosphere
        if biosphere:
            entry["biosphere"] = biosphere
        table_processes[key] = entry
    files: dict[str, dict[str, Any]] = {}
    method_files = []
    used_categories: set[str] = set()
    for uid, category in categories.items():
        what = f"impact category {category.name!r}"
        method_id = method_ids(category, "impact")
        category_id, n = slug(category.name, method_id), 1
        while category_id in used_categories:
            n += 1
            category_id = f"{slug(category.name, method_id)}_{n}"
        used_categories.add(category_id)
        unit_text = lca_unit(category.ref_unit or "", what) if category.ref_unit else "dimensionless"
        factors = []
        for factor in category.impact_factors or []:
            flow = flows.get(factor.flow.id) if factor.flow else None
            if flow is None:
                raise missing(f"{what}: a factor", factor.flow, "flow")
            if factor.location is not None:
                report.append(f"{what}: regionalized factor of {flow.name!r} ({factor.location.name}) dropped")
                continue
            if factor.formula:
                report.append(f"{what}: factor formula {factor.formula!r} of {flow.name!r} imported as its value")
            fid, _unit = elementary_flow(flow, _compartment(flow.category, False) == "resource", what)
            per, flow_unit = to_reference(flow, factor.flow_property, factor.unit, f"{what}: factor of {flow.name!r}")
            value = _number(factor.value) / per
            row = {"flow": fid, "value": value, "unit": f"{unit_text} / ({flow_unit})"}
            spec = _uncertainty(factor.uncertainty, 1.0 / per, value, f"{what}: factor of {flow.name!r}", report)
            if spec:
                row["uncertainty"] = spec
            factors.append(row)
        name = f"methods/{method_id}.toml"
        method_files.append((uid, method_id, name))
        files[name] = {"include": ["../inventory.toml"],
                       "method": {"id": method_id, "category": category_id, "name": category.name or method_id,
                                  "unit": unit_text, "source": f"openLCA impact category {uid} in {path.name}"
                                  + "".join(f", method {m.name!r}" for m in methods.values()
                                            if any(c.id == uid for c in m.impact_categories or []))},
                       "factors": factors}
    files["inventory.toml"] = {"meta": {"title": f"Imported from {path.name} (openLCA JSON-LD)"},
                               **({"flows": elementary} if elementary else {}), "processes": table_processes}
    scenarios = []
    system_ids = _Ids()
    for uid, system in systems.items():
        what = f"product system {system.name!r}"
        if system.ref_process is None or system.ref_process.id not in processes:
            raise missing(f"{what}: reference process", system.ref_process, "process")
        ref = references[system.ref_process.id]
        ref_flow = flows[ref.flow.id]
        factor, unit = to_reference(ref_flow, system.target_flow_property, system.target_unit, what)
        amount = factor * _number(system.target_amount if system.target_amount is not None else ref.amount)
        name = f"{system_ids(system, 'system')}.toml"
        scenarios.append(name)
        files[name] = {
            "include": ["inventory.toml"] + [m for _u, _m, m in method_files],
            "methods": [m for _u, m, _n in method_files],
            "study": {"name": system.name or name[:-5], "functional_unit": f"{amount:g} {unit} of {ref_flow.name}",
                      "source": f"openLCA product system {uid} in {path.name}"},
            "demand": {process_ids(processes[system.ref_process.id], "process"): {"amount": amount, "unit": unit}},
        }
    if not systems:
        report.append("no product system in the zip: no scenario written (write one with a [demand])")
    counts = {"flows": len(elementary), "processes": len(table_processes), "impact categories": len(method_files),
              "scenarios": len(scenarios)}
    return OlcaImport(str(path), files, tuple(scenarios), tuple(report), counts)


def _readable(text: str) -> str | None:
    """*text* in lca's spelling if pint reads it, else None."""
    try:
        return format_unit(parse_unit(text))
    except LCAError:
        return None


def _factor(source: str, target: str) -> float:
    try:
        return conversion_factor(parse_unit(source), parse_unit(target))
    except LCAError:
        return math.nan


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _compartment(category: str | None, is_input: bool) -> str:
    """lca's compartment of an openLCA elementary flow category (``Elementary flows/Emission to air/...``)."""
    text = (category or "").lower()
    for compartment in _COMPARTMENTS:
        if compartment in text:
            return compartment
    return "resource" if is_input else "unspecified"


def _uncertainty(uncertainty, factor: float, value: float, what: str, report: list[str]) -> dict | None:
    """The lca uncertainty table of an openLCA one, its numbers times *factor* (the unit conversion)."""
    if uncertainty is None or uncertainty.distribution_type is None:
        return None
    kind = uncertainty.distribution_type.value
    low, high = (None if x is None else x * factor for x in (uncertainty.minimum, uncertainty.maximum))
    if factor < 0 and low is not None and high is not None:
        low, high = high, low
    # a bound that equals the amount but for the last digits of a unit conversion is the amount
    if low is not None and value < low and math.isclose(value, low, rel_tol=1e-9):
        low = value
    if high is not None and value > high and math.isclose(value, high, rel_tol=1e-9):
        high = value
    if kind == "LOG_NORMAL_DISTRIBUTION":
        if uncertainty.geom_sd is None or not uncertainty.geom_sd > 1 or not value > 0:
            report.append(f"{what}: lognormal uncertainty dropped (lca needs geomSd > 1 and a positive amount)")
            return None
        if uncertainty.geom_mean is not None and not math.isclose(uncertainty.geom_mean * factor, value, rel_tol=1e-9):
            report.append(f"{what}: lognormal geomMean {uncertainty.geom_mean:g} differs from the amount; "
                          "lca takes the amount as the median")
        return {"distribution": "lognormal", "gsd": uncertainty.geom_sd}
    if kind == "NORMAL_DISTRIBUTION" and uncertainty.sd:
        return {"distribution": "normal", "sd": abs(uncertainty.sd * factor)}
    if kind == "UNIFORM_DISTRIBUTION" and low is not None and high is not None and low < high:
        return {"distribution": "uniform", "min": low, "max": high}
    if kind == "TRIANGLE_DISTRIBUTION" and low is not None and high is not None and low < high:
        mode = uncertainty.mode * factor if uncertainty.mode is not None else value
        return {"distribution": "triangular", "min": low, "max": high, "mode": mode}
    report.append(f"{what}: uncertainty {kind} dropped (incomplete)")
    return None
