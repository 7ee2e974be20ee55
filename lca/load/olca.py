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
  target amount and selecting every imported category;
* parameters: the zip's global parameters and each process's own (named ``<process>_<name>``,
  shadowing the global ones in that process's formulas, as in openLCA) become dimensionless
  ``lca`` parameters (openLCA's are plain numbers): input parameters with their value and
  uncertainty, dependent ones with their formula; an exchange's ``amountFormula`` becomes its
  amount's formula, times the unit conversion of the stored amount. A parameter that lca's
  export tagged a choice (:data:`CHOICE_TAG` and its options' tags) is a choice parameter again,
  its value the option its index names, and ``(name = k)`` reads ``name == 'option k'``; an
  untagged parameter stays a number. The formulas are read by
  :func:`lca.load.olca_formula.to_lca` (openLCA's grammar, never ``eval``), so ``lca run --set
  NAME=VALUE`` moves the amounts that read the parameter.

What cannot be mapped is listed in :attr:`OlcaImport.report`, never dropped silently:
co-products (openLCA allocation is not imported), a formula ``lca`` cannot express
(``mod``, ``round``, ...; malformed; an unknown name) or an impact factor's formula (``lca``'s
factors are numbers), which keep the value openLCA stored, uncertainties ``lca`` cannot hold
(on a formula amount, a relative one only), inputs nothing makes (cut off), links that differ
from a default provider. A zip that is not one, an object referenced
but missing, a unit that neither pint nor the unit group can resolve, or a provider that does
not exist is an :class:`~lca.errors.LCAError` naming the file and the object.
:func:`write_import` writes the files into a new folder, atomically.

>>> PINT_NAMES["Item(s)"]
'item'
"""

from __future__ import annotations

import json
import keyword
import math
import re
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from ..errors import FormulaError, LCAError
from ..formula import FUNCTIONS, parse_formula
from ..units import conversion_factor, format_unit, parse_unit
from .flowmap import Proposal, choose, flow_map_text, lca_flows, read_flow_map
from .imported import Ids, ImportedLibrary, read_member, slug, write_import, zip_members  # noqa: F401 (write_import: the olca API)
from .olca_formula import to_lca
from .resources import shipped
from .tables import ID_PATTERN

EXTRA = 'pip install "lca[olca]"'
# openLCA unit names pint does not read as they are; the others are read by lca.units.parse_unit
PINT_NAMES = {"Item(s)": "item", "Items": "item", "m2*a": "m2 * a", "m3*a": "m3 * a", "t*km": "t * km",
              "kg*km": "kg * km", "p*km": "item * km", "kg*a": "kg * a", "MJ/kg": "MJ/kg"}
# lca's unit spelling (as lca.units.format_unit prints it) -> openLCA's, where they differ (lca.export.olca)
OLCA_NAMES = {"t km": "t*km", "kg km": "kg*km", "m2 year": "m2*a", "m3 year": "m3*a"}
_COMPARTMENTS = ("resource", "air", "water", "soil")
# the tags lca's export gives a choice parameter (an openLCA number, the 1-based index of its
# option): this one, then "lca:option:K:OPTION" for each option K = 1, 2, ...
CHOICE_TAG = "lca:choice-parameter"
OPTION_TAG = "lca:option:"


# kept under its first name: an imported JSON-LD zip
OlcaImport = ImportedLibrary


def _require():
    try:
        import olca_schema
    except ImportError:
        raise LCAError(f"lca import needs olca-schema (not installed); install the extra: {EXTRA}") from None
    return olca_schema


class _Ids(Ids):
    """Unique lca ids for openLCA objects: the ``lca:`` tag lca's export writes, else the name's slug."""

    @staticmethod
    def tag(entity) -> str | None:
        tags = [t[4:] for t in (entity.tags or []) if t.startswith("lca:") and ID_PATTERN.match(t[4:])]
        return tags[0] if tags else None

    def __call__(self, entity, fallback: str, avoid=()) -> str:  # type: ignore[override]
        preferred = self.tag(entity) or slug(entity.name, fallback)
        if preferred in avoid:
            preferred = f"{preferred}_imported"
        return super().__call__(entity.id, entity.name, fallback, preferred)


def read_olca_zip(path: str | Path, flow_map: str | Path | None = None, methods: Sequence[str] = ()) -> OlcaImport:
    """Read an openLCA JSON-LD zip (olca-schema 2) into ``lca`` TOML tables (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The zip.
    flow_map : str or Path, optional
        A flow map (:func:`lca.load.flowmap.read_flow_map`, keyed by openLCA flow UUID): map the
        elementary flows to ``lca``'s own, as the map says where it names a flow, else by CAS
        number, name and compartment. Without one, the zip's flows are kept (the proposed map
        is still in the report and ``flow-map.toml``).
    methods : sequence of str
        ``lca``'s shipped methods (``inventories/methods/<id>.toml``) the scenarios select besides
        the zip's impact categories; they characterize mapped flows only.

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
    o = _require()
    for method in methods:
        shipped(f"lca:methods/{method}.toml")  # an unknown method is an error before any work
    if not path.is_file():
        raise LCAError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise LCAError(f"{path}: not a zip file (an openLCA JSON-LD export is a .zip)")
    report: list[str] = []
    try:
        return _read(o, path, report, flow_map, tuple(methods))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
        # a damaged zip: a bad central directory, a truncated file
        raise LCAError(f"{path}: cannot read the zip: {exc}") from None
    except (TypeError, AttributeError, KeyError) as exc:
        # a field of the wrong JSON type (an id that is a list, an object that is a number):
        # olca-schema does not check types, so it surfaces where lca uses the field
        raise LCAError(f"{path}: not valid olca-schema data (a field of the wrong type): {exc!r}") from None


# olca-schema 2's folder of each kind of root entity in a zip (as olca_schema.zipio writes them)
FOLDERS = {"UnitGroup": "unit_groups", "FlowProperty": "flow_properties", "Flow": "flows", "Process": "processes",
           "ImpactCategory": "lcia_categories", "ImpactMethod": "lcia_methods", "ProductSystem": "product_systems",
           "Location": "locations", "Parameter": "parameters", "Source": "sources", "Actor": "actors",
           "DQSystem": "dq_systems", "Currency": "currencies", "SocialIndicator": "social_indicators",
           "Project": "projects", "Result": "results", "Epd": "epds"}
VIEWED = ("Process", "ProductSystem")  # read as _Json, for speed
READ = ("UnitGroup", "FlowProperty", "Flow", "Process", "ImpactCategory", "ImpactMethod", "ProductSystem", "Location",
        "Parameter")


def _entities(o, path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The entities lca maps, kind -> id -> olca-schema object, and the count of each kind it does not.

    Read member by member within the limits of :func:`~lca.load.imported.zip_members`, in one
    pass (olca-schema's ``ZipReader`` lists the zip's names again for every entity it reads,
    which is quadratic in the size of a database).
    """
    kinds = {folder: kind for kind, folder in FOLDERS.items()}
    read: dict[str, dict[str, Any]] = {kind: {} for kind in READ}
    other: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for info in zip_members(path, archive):
            parts = info.filename.split("/")
            if len(parts) < 2 or not parts[-1].endswith(".json") or parts[-2] not in kinds:
                continue
            kind, uid = kinds[parts[-2]], parts[-1][:-5]
            if kind not in read:
                other[kind] = other.get(kind, 0) + 1
                continue
            data = read_member(path, archive, info)
            try:
                if kind in VIEWED:
                    entity = json.loads(data, object_hook=_Json)
                    if not isinstance(entity, _Json):
                        raise TypeError(f"a JSON {type(entity).__name__}, not an object")
                    read[kind][uid] = entity
                else:
                    read[kind][uid] = getattr(o, kind).from_dict(json.loads(data))
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
                raise LCAError(f"{path}: {kind} {uid} ({info.filename}): cannot be read as olca-schema: {exc}") from None
            own_id = read[kind][uid].id
            if not isinstance(own_id, str):  # found by the format fuzzer: "@id": [] was a traceback
                raise LCAError(f"{path}: {kind} {uid} ({info.filename}): '@id' must be a string, got {own_id!r}")
    return read, other


class _Json:
    """An olca-schema JSON object read by the attribute names of olca-schema's classes (``exchange.flow.id``).

    For processes and product systems, the bulk of a database: olca-schema's ``from_dict`` looks
    up every reference's enum by scanning the enum's members, which made it 80 % of the CPU
    of importing a 20,000-process database (benchmarks/RESULTS.md). Built by ``json.loads``'s
    ``object_hook``, with the fields as attributes; enum fields are their JSON strings; a
    missing field is None, as in olca-schema's classes.

    >>> exchange = json.loads('{"internalId": 3, "flow": {"@id": "f1"}, "isInput": true}', object_hook=_Json)
    >>> exchange.internal_id, exchange.flow.id, exchange.is_input, exchange.uncertainty
    (3, 'f1', True, None)
    """

    def __init__(self, fields: dict[str, Any]):
        self.__dict__.update({_snake(key): value for key, value in fields.items()})

    def __getattr__(self, name: str) -> Any:  # only for a field the object does not have
        if name.startswith("__"):
            raise AttributeError(name)
        return None


@lru_cache(maxsize=None)
def _snake(key: str) -> str:
    """olca-schema's Python name of a JSON field: ``@id`` -> ``id``, ``isInput`` -> ``is_input``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key.lstrip("@")).lower()


def _read(o, path: Path, report: list[str], flow_map: str | Path | None, methods: Sequence[str]) -> OlcaImport:
    read, other = _entities(o, path)
    groups, properties, flows = read["UnitGroup"], read["FlowProperty"], read["Flow"]
    processes, categories = read["Process"], read["ImpactCategory"]
    methods_read, systems, locations = read["ImpactMethod"], read["ProductSystem"], read["Location"]
    parameters = _Parameters(path, report)
    for parameter in read["Parameter"].values():
        parameters.name(parameter, parameters.global_names)
    for kind in FOLDERS:
        n = other.get(kind, 0)
        if n:
            report.append(f"dropped {n} {kind} object(s): lca import does not map them")
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

    conversions: dict[tuple, tuple[float, str]] = {}

    def to_reference(flow, prop_ref, unit_ref, what: str) -> tuple[float, str]:
        """:func:`convert`, once per flow, flow property and unit (a database repeats them in every exchange)."""
        key = (flow.id, getattr(prop_ref, "id", None), getattr(unit_ref, "id", None), getattr(unit_ref, "name", None))
        if not all(isinstance(part, (str, type(None))) for part in key):  # a malformed zip: no cache
            return convert(flow, prop_ref, unit_ref, what)
        if key not in conversions:
            conversions[key] = convert(flow, prop_ref, unit_ref, what)
        return conversions[key]

    def convert(flow, prop_ref, unit_ref, what: str) -> tuple[float, str]:
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
    known = lca_flows()
    user_map = read_flow_map(flow_map, known) if flow_map is not None else {}
    proposed: dict[str, Proposal] = {}  # openLCA flow id -> the lca flow proposed
    chosen: dict[str, str] = {}  # openLCA flow id -> lca id in the tables

    def elementary_flow(flow, is_input: bool, what: str) -> str:
        if flow.id in chosen:
            return chosen[flow.id]
        compartment = _compartment(flow.category, is_input)
        unit, _prop = reference_unit(flow, what)
        tag = flow_ids.tag(flow)
        if tag in known and flow.id not in user_map and known[tag].get("compartment") == compartment:
            fid, how = tag, "lca's id (the export of lca tags it)"
        else:
            fid, how = choose(flow.id, flow.name or "", compartment, flow.cas, unit, known, user_map, flow_map)
        proposed[flow.id] = Proposal(fid or "", f"{flow.name}, {flow.category or compartment}"
                                     + (f", CAS {flow.cas}" if flow.cas else ""), how)
        if flow_map is not None and fid is not None:
            chosen[flow.id] = fid
            return fid
        # kept: with a flow map, apart from lca's ids (the inventory includes lca's flows)
        key = flow_ids(flow, "flow", avoid=known if flow_map is not None else ())
        chosen[flow.id] = key
        elementary[key] = {"name": flow.name or key, "compartment": compartment, "unit": unit,
                           **({"cas": flow.cas} if flow.cas else {}),
                           **({"comment": flow.category} if flow.category else {})}
        if flow_map is not None:
            report.append(f"{what}: elementary flow {flow.name!r} ({flow.category}) {how}: kept as a flow of the "
                          "imported inventory, which no lca method characterizes (map it in --flow-map)")
        return key

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
        resolve = parameters.scope(process.parameters, key, what)
        if ref.amount_formula:
            report.append(f"{what}: the formula {ref.amount_formula!r} of the reference amount imported as its value "
                          f"{ref.amount!r}")
        technosphere, biosphere = [], []
        for exchange in process.exchanges or []:
            if exchange is ref:
                continue
            flow = flows.get(exchange.flow.id) if exchange.flow else None
            label = f"{what}: exchange {exchange.internal_id} ({getattr(exchange.flow, 'name', None)})"
            if flow is None:
                raise missing(label, exchange.flow, "flow")
            factor, unit = to_reference(flow, exchange.flow_property, exchange.unit, label)
            amount = _number(exchange.amount) * factor
            formula = parameters.formula(exchange.amount_formula, resolve, label, exchange.amount)
            if flow.flow_type == o.FlowType.ELEMENTARY_FLOW:
                fid = elementary_flow(flow, bool(exchange.is_input), label)
                row = {"flow": fid, "amount": _scaled(formula, factor, amount), "unit": unit}
                spec = _uncertainty(exchange.uncertainty, factor, amount, label, report)
                if spec:
                    row["uncertainty"] = parameters.relative(spec, formula, label)
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
                   "amount": _scaled(formula, sign * factor, sign * amount), "unit": unit}
            spec = _uncertainty(exchange.uncertainty, sign * factor, sign * amount, label, report)
            if spec:
                row["uncertainty"] = parameters.relative(spec, formula, label)
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
        if category.parameters:
            report.append(f"{what}: {len(category.parameters)} parameter(s) dropped (lca's characterization "
                          "factors are numbers)")
        factors = []
        factor_of: dict[str, tuple[dict, str]] = {}  # lca flow id -> its factor row, and whose it is
        for factor in category.impact_factors or []:
            flow = flows.get(factor.flow.id) if factor.flow else None
            if flow is None:
                raise missing(f"{what}: a factor", factor.flow, "flow")
            if factor.location is not None:
                report.append(f"{what}: regionalized factor of {flow.name!r} ({factor.location.name}) dropped")
                continue
            fid = elementary_flow(flow, _compartment(flow.category, False) == "resource", what)
            per, flow_unit = to_reference(flow, factor.flow_property, factor.unit, f"{what}: factor of {flow.name!r}")
            value = _number(factor.value) / per
            if factor.formula:
                report.append(f"{what}: factor formula {factor.formula!r} of {flow.name!r} imported as its value "
                              f"{factor.value!r} (lca's characterization factors are numbers)")
            row = {"flow": fid, "value": value, "unit": f"{unit_text} / ({flow_unit})"}
            spec = _uncertainty(factor.uncertainty, 1.0 / per, value, f"{what}: factor of {flow.name!r}", report)
            if spec:
                row["uncertainty"] = spec
            if fid in factor_of:  # two openLCA flows mapped to one lca flow
                first, whose = factor_of[fid]
                if first != row:
                    report.append(f"{what}: the factor of {flow.name!r} ({flow.category}), {value:g} {row['unit']}, "
                                  f"dropped: {whose}, mapped to the same lca flow {fid!r}, has "
                                  f"{first['value']:g} {first['unit']}")
                continue
            factor_of[fid] = (row, f"{flow.name!r} ({flow.category})")
            factors.append(row)
        name = f"methods/{method_id}.toml"
        method_files.append((uid, method_id, name))
        files[name] = {"include": ["../inventory.toml"],
                       "method": {"id": method_id, "category": category_id, "name": category.name or method_id,
                                  "unit": unit_text, "source": f"openLCA impact category {uid} in {path.name}"
                                  + "".join(f", method {m.name!r}" for m in methods_read.values()
                                            if any(c.id == uid for c in m.impact_categories or []))},
                       "factors": factors}
    mapped = any(fid in known and fid not in elementary for fid in chosen.values())
    files["inventory.toml"] = {**({"include": ["lca:flows/elementary.toml"]} if mapped else {}),
                               "meta": {"title": f"Imported from {path.name} (openLCA JSON-LD)"},
                               **({"flows": elementary} if elementary else {}),
                               **({"parameters": parameters.tables()} if parameters.entities else {}),
                               "processes": table_processes}
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
            "include": ["inventory.toml"] + [m for _u, _m, m in method_files] + [f"lca:methods/{m}.toml" for m in methods],
            "methods": [m for _u, m, _n in method_files] + list(methods),
            "study": {"name": system.name or name[:-5], "functional_unit": f"{amount:g} {unit} of {ref_flow.name}",
                      "source": f"openLCA product system {uid} in {path.name}"},
            "demand": {process_ids(processes[system.ref_process.id], "process"): {"amount": amount, "unit": unit}},
        }
    if not systems:
        report.append("no product system in the zip: no scenario written (write one with a [demand])")
    counts = {"flows": len(elementary), "processes": len(table_processes), "impact categories": len(method_files),
              "scenarios": len(scenarios)}
    if flow_map is not None:
        counts = {"flows mapped to lca's": len(chosen) - len(elementary), **counts}
    map_text = flow_map_text(proposed, path.name, "openLCA flow UUID") if proposed else ""
    matching = sum(1 for p in proposed.values() if p.lca_id)
    section = ((f"{matching} of the zip's {len(proposed)} elementary flows match lca's; "
                + ("the map below was applied." if flow_map is not None else
                   "they were kept as the zip's own. Pass a flow map (this one, edited) with --flow-map to map them.")),
               "", "```toml", *map_text.splitlines(), "```")
    # the map is not written into the folder: lca run would take it for a scenario there
    return OlcaImport(str(path), files, tuple(scenarios), tuple(report), counts, flow_map=map_text,
                      flow_map_in_folder=False,
                      extra_report=(("Proposed flow map (lca import --write-flow-map FILE writes it)", section),)
                      if proposed else ())


def _scaled(formula: str | None, factor: float, value: float) -> float | str:
    """An amount: *value*, or ``factor * (formula)`` (the unit conversion and sign of the stored value)."""
    if formula is None:
        return value
    return formula if factor == 1.0 else f"{factor!r} * {formula}"


class _Parameters:
    """openLCA parameters as ``lca`` parameters (dimensionless: openLCA's are plain numbers).

    Global parameters keep their name (the ``lca:`` tag lca's export writes, else a valid
    ``lca`` identifier of the name); a process's or an impact category's own parameters are
    named after it (``<process>_<name>``) and shadow the global ones in its formulas, as in
    openLCA. Formulas are translated by :func:`lca.load.olca_formula.to_lca`; one it cannot
    translate leaves the stored value, and the report says so.
    """

    def __init__(self, path: Path, report: list[str]):
        self.path, self.zip_name, self.report = path, path.name, report
        self.ids = Ids()
        self.global_names: dict[str, str] = {}  # openLCA name, lower-cased -> lca name
        self.entities: list[tuple[str, Any, dict[str, str], str]] = []  # lca name, entity, its scope, label
        self.choices: dict[str, tuple[str, ...]] = {}  # lca name -> options, of the parameters tagged choices

    def name(self, entity, scope: dict[str, str], prefix: str = "", label: str = "") -> None:
        olca_name = str(entity.name or "")
        tag = _Ids.tag(entity)
        preferred = tag if tag and tag.isidentifier() and not keyword.iskeyword(tag) else None
        if preferred is None:
            preferred = slug(f"{prefix}_{olca_name}" if prefix else olca_name, "parameter")
            if not preferred.isidentifier() or keyword.iskeyword(preferred) or preferred in FUNCTIONS:
                preferred = f"p_{preferred}"
        lca_name = self.ids(f"{prefix}/{entity.id or olca_name}", olca_name, "parameter", preferred)
        scope.setdefault(olca_name.lower(), lca_name)
        label = label or f"parameter {olca_name!r}"
        options = self.options(entity, label)
        if options is not None:
            self.choices[lca_name] = options
        self.entities.append((lca_name, entity, scope, label))

    def options(self, entity, label: str) -> tuple[str, ...] | None:
        """The options of a parameter lca's export tagged a choice, or None (a number; reported if malformed)."""
        tags = [t for t in (entity.tags or []) if isinstance(t, str)]
        if CHOICE_TAG not in tags:
            return None
        found: dict[int, str] = {}
        for tag in tags:
            index, _, option = tag.removeprefix(OPTION_TAG).partition(":")
            if tag.startswith(OPTION_TAG) and index.isdigit() and option:
                found.setdefault(int(index), option)
        options = tuple(found[k] for k in range(1, len(found) + 1) if k in found)
        value = entity.value
        problem = None
        if not found:
            problem = f"it has no option tags ({OPTION_TAG}K:OPTION)"
        elif len(options) != len(found) or len(set(options)) != len(options):
            problem = f"its option tags ({OPTION_TAG}K:OPTION) do not name options 1 to {len(found)} once each"
        elif not entity.is_input_parameter:
            problem = "it is a dependent parameter"
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer() \
                or not 1 <= value <= len(options):
            problem = f"its value {value!r} is not the index of an option (1 to {len(options)})"
        if problem:
            self.report.append(f"{label}: tagged {CHOICE_TAG!r} but {problem}: imported as a number")
            return None
        return options

    def scope(self, local, owner: str, what: str):
        """The resolver of a process's or impact category's formulas, naming its own parameters."""
        if not local:
            return self.global_names.get
        names: dict[str, str] = {}
        for parameter in local:
            self.name(parameter, names, owner, f"{what}: parameter {parameter.name!r}")
        return lambda name: names.get(name) or self.global_names.get(name)

    def formula(self, text: str | None, resolve, label: str, stored: Any) -> str | None:
        """The lca text of an openLCA formula, or None (the stored value stands, reported)."""
        if not text:
            return None
        try:
            translated = to_lca(str(text), resolve, label, self.choices)
            parse_formula(translated, label)
        except FormulaError as exc:
            self.report.append(f"{exc}: imported as its value {stored!r}")
            return None
        return f"({translated})"

    def relative(self, spec: dict, formula: str | None, label: str) -> dict | None:
        """An uncertainty a formula amount can carry: a relative (lognormal) one only."""
        if formula is None or spec.get("distribution") == "lognormal":
            return spec
        self.report.append(f"{label}: {spec['distribution']} uncertainty dropped: on a formula amount lca holds a "
                           "relative (lognormal) uncertainty only")
        return None

    def tables(self) -> dict[str, dict[str, Any]]:
        """The ``[parameters]`` tables, their formulas translated now that every name is known."""
        out: dict[str, dict[str, Any]] = {}
        for lca_name, entity, scope, label in self.entities:
            if lca_name in self.choices:
                out[lca_name] = self.choice(lca_name, entity, label)
                continue
            table: dict[str, Any] = {"unit": ""}
            resolve = (lambda name, s=scope: s.get(name) or self.global_names.get(name))
            formula = None if entity.is_input_parameter else self.formula(entity.formula, resolve, label, entity.value)
            if formula is not None:
                table["formula"] = formula
            else:
                value = entity.value if entity.value is not None else 0.0
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                    raise LCAError(f"{self.path}: {label}: value {value!r} is not a finite number")
                table["value"] = value = float(value)
                spec = _uncertainty(entity.uncertainty, 1.0, value, label, self.report)
                if spec:
                    table["uncertainty"] = spec
            if entity.description:
                table["description"] = str(entity.description)
            table["source"] = f"openLCA parameter {entity.name!r} in {self.zip_name}"
            out[lca_name] = table
        return out

    def choice(self, lca_name: str, entity, label: str) -> dict[str, Any]:
        """The ``[parameters]`` table of a choice parameter: the option its openLCA value indexes."""
        options = self.choices[lca_name]
        if entity.uncertainty is not None and entity.uncertainty.distribution_type is not None:
            self.report.append(f"{label}: the uncertainty of choice parameter {lca_name!r} dropped (an option "
                               "index has no distribution in lca)")
        table: dict[str, Any] = {"value": options[int(entity.value) - 1], "options": list(options)}
        if entity.description:
            table["description"] = str(entity.description)
        table["source"] = f"openLCA parameter {entity.name!r} (a choice, by its index) in {self.zip_name}"
        return table


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
    kind = getattr(uncertainty.distribution_type, "value", uncertainty.distribution_type)  # an enum, or its JSON
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
