"""ecospold2 import: ``.spold`` datasets (a folder or a zip) as ``lca`` inventory and scenario TOML.

:func:`read_ecospold` parses each ``activityDataset`` / ``childActivityDataset`` with lxml
(bounded: no DTD, no entities, no network, no huge trees, at most :data:`MAX_BYTES` a file) and
builds the tables of:

* ``inventory.toml``: the processes, one per activity, named after the activity and its
  geography, with its reference product (``outputGroup`` 0) as ``reference_product``; every
  amount in its own unit, which pint must read (ecoinvent spellings such as ``unit``, ``tkm``
  and ``m2*year`` are mapped in :data:`PINT_NAMES`). An intermediate input names its provider:
  the activity its ``activityLinkId`` points to, else the only activity whose reference product
  it is. A negative input is a credit (avoided product). Elementary exchanges are mapped to
  ``lca``'s own flows (``inventories/flows/elementary.toml``) by the user's flow map, else by
  CAS number and compartment, else by name and compartment; the others become flows of the
  imported inventory;
* ``<product>.toml``: one scenario per reference product asked for (``products``, or all),
  demanding its reference amount and selecting *methods* (``lca``'s shipped methods).

Uncertainty: ecospold2's lognormal gives ``sigma`` = sqrt(variance of ln); with a pedigree
matrix it is ``lca``'s pedigree spec (the five scores and ``basic_gsd`` = exp(sqrt(variance)));
normal (``sd``), triangular and uniform are kept; others are reported.

What cannot be mapped is listed in :attr:`~lca.load.imported.ImportedLibrary.report`: by-products
(``outputGroup`` 2: no allocation is imported), inputs nothing makes (cut off), properties,
parameters and formulas (the stored amounts are kept), inherited child datasets, elementary flows
no ``lca`` flow matches. Not XML, a DTD or entity, a missing amount, a unit pint cannot read or an
``activityLinkId`` that points nowhere is an :class:`~lca.errors.LCAError` naming the file and item.

>>> PINT_NAMES["tkm"], NAMESPACE
('t * km', 'http://www.EcoInvent.org/EcoSpold02')
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import LCAError
from ..units import format_unit, parse_unit
from .imported import MAX_MEMBER_BYTES, MAX_MEMBERS, Ids, ImportedLibrary, read_member, slug, zip_members
from .flowmap import Proposal, choose, flow_map_text, lca_flows, read_flow_map  # noqa: F401 (read_flow_map: the API)
from .pedigree import pedigree_sigma
from .resources import shipped

EXTRA = 'pip install "lca[ecospold]"'
NAMESPACE = "http://www.EcoInvent.org/EcoSpold02"
# A .spold file larger than this is refused (ecoinvent's largest datasets are a few MB)
MAX_BYTES = MAX_MEMBER_BYTES
# ecospold2 (ecoinvent) unit names pint does not read as they are
PINT_NAMES = {"unit": "item", "units": "item", "tkm": "t * km", "m2*year": "m2 * year", "m3*year": "m3 * year",
              "kg*day": "kg * day", "km*year": "km * year", "person*km": "item * km", "kWh": "kWh",
              "hour": "hour", "guest night": "item", "metric ton*km": "t * km", "kg*km": "kg * km"}
PEDIGREE = ("reliability", "completeness", "temporalCorrelation", "geographicalCorrelation",
            "furtherTechnologyCorrelation")
_COMPARTMENTS = {"air": "air", "water": "water", "soil": "soil", "natural resource": "resource",
                 "resource": "resource", "land": "resource"}
DEFAULT_METHODS = ("ipcc_ar6_gwp100",)


def _require():
    try:
        from lxml import etree
    except ImportError:
        raise LCAError(f"lca import of ecospold2 needs lxml (not installed); install the extra: {EXTRA}") from None
    return etree


@dataclass
class _Exchange:
    kind: str  # "intermediate" or "elementary"
    uid: str  # the exchange's flow id (intermediateExchangeId / elementaryExchangeId)
    name: str
    amount: float
    unit: str
    is_input: bool
    group: int | None
    link: str | None = None
    cas: str | None = None
    compartment: str = ""
    subcompartment: str = ""
    comment: str = ""
    source: str = ""
    uncertainty: Any = None
    extras: list[str] = field(default_factory=list)


@dataclass
class _Activity:
    uid: str
    name: str
    geography: str
    comment: str
    file: str
    exchanges: list[_Exchange]
    parent: str | None = None


def _local(tag: Any) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _child(node, name: str):
    return next((c for c in node if _local(c.tag) == name), None)


def _text(node, name: str) -> str:
    child = _child(node, name)
    if child is None:
        return ""
    # ecospold2 text fields hold <text> paragraphs (generalComment) or plain text (name, comment)
    parts = [t.text or "" for t in child if _local(t.tag) in ("text", "imageUri")] or [child.text or ""]
    return " ".join(p.strip() for p in parts if p and p.strip())


def _sources(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every ``.spold`` file of a folder or zip, each at most MAX_BYTES."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.spold") if p.is_file())
        if len(files) > MAX_MEMBERS:
            raise LCAError(f"{path}: {len(files):,} .spold files; lca import refuses more than {MAX_MEMBERS:,} "
                           "(lca.load.imported.MAX_MEMBERS)")
        for file in files:
            if file.stat().st_size > MAX_BYTES:
                raise LCAError(f"{file}: larger than {MAX_BYTES // 2**20} MB; lca import refuses it")
            yield str(file), file.read_bytes()
        return
    if not path.is_file():
        raise LCAError(f"{path}: no such file or folder")
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                for info in sorted(zip_members(path, archive), key=lambda i: i.filename):
                    if info.filename.lower().endswith(".spold"):
                        yield f"{path}:{info.filename}", read_member(path, archive, info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise LCAError(f"{path}: cannot read the zip: {exc}") from None
        return
    if path.stat().st_size > MAX_BYTES:
        raise LCAError(f"{path}: larger than {MAX_BYTES // 2**20} MB; lca import refuses it")
    yield str(path), path.read_bytes()


def _number(node, attribute: str, where: str, required: bool = True) -> float | None:
    text = node.get(attribute)
    if text is None:
        if required:
            raise LCAError(f"{where}: no {attribute!r}")
        return None
    try:
        value = float(text)
    except ValueError:
        raise LCAError(f"{where}: {attribute} = {text!r} is not a number") from None
    if not math.isfinite(value):
        raise LCAError(f"{where}: {attribute} = {text!r} is not a finite number")
    return value


def _parse(etree, name: str, data: bytes) -> list[_Activity]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LCAError(f"{name}: not XML (an ecospold2 .spold file is XML): {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise LCAError(f"{name}: has a DTD (<!DOCTYPE>); lca import refuses DTDs and entities")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise LCAError(f"{name}: uses an XML entity; lca import refuses DTDs and entities")
    if _local(root.tag) not in ("ecoSpold", "activityDataset", "childActivityDataset"):
        raise LCAError(f"{name}: root element <{_local(root.tag)}> is not ecoSpold (is it an ecospold2 file?)")
    datasets = [root] if _local(root.tag) != "ecoSpold" else \
        [c for c in root if _local(c.tag) in ("activityDataset", "childActivityDataset")]
    if not datasets:
        raise LCAError(f"{name}: no activityDataset or childActivityDataset (is it an ecospold2 file?)")
    return [_activity(name, dataset) for dataset in datasets]


def _activity(name: str, dataset) -> _Activity:
    description = _child(dataset, "activityDescription")
    activity = _child(description, "activity") if description is not None else None
    if activity is None or not activity.get("id"):
        raise LCAError(f"{name}: no activityDescription/activity with an id")
    title = _text(activity, "activityName") or activity.get("activityName") or activity.get("id")
    where = f"{name}: activity {title!r}"
    geography = _child(description, "geography")
    geo = _text(geography, "shortname") if geography is not None else ""
    flow_data = _child(dataset, "flowData")
    exchanges = []
    for node in flow_data if flow_data is not None else ():
        kind = _local(node.tag)
        if kind not in ("intermediateExchange", "elementaryExchange"):
            if kind in ("parameter", "impactIndicator"):
                exchanges.append(_Exchange("dropped", kind, _text(node, "name"), 0.0, "", False, None))
            continue
        label = f"{where}: {kind} {_text(node, 'name') or node.get('id')!r}"
        uid = node.get("intermediateExchangeId" if kind == "intermediateExchange" else "elementaryExchangeId")
        if not uid:
            raise LCAError(f"{label}: no {'intermediate' if kind == 'intermediateExchange' else 'elementary'}"
                           "ExchangeId")
        amount = _number(node, "amount", label)
        unit = _text(node, "unitName")
        if not unit:
            raise LCAError(f"{label}: no unitName")
        outputs, inputs = _text(node, "outputGroup"), _text(node, "inputGroup")
        if not outputs and not inputs:
            raise LCAError(f"{label}: neither an outputGroup nor an inputGroup")
        try:
            group = int(outputs or inputs)
        except ValueError:
            raise LCAError(f"{label}: group {outputs or inputs!r} is not a number") from None
        exchange = _Exchange("intermediate" if kind == "intermediateExchange" else "elementary", uid,
                             _text(node, "name") or uid, amount, unit, bool(inputs), group,
                             link=node.get("activityLinkId"), cas=node.get("casNumber") or None,
                             comment=_text(node, "comment"))
        authors = [node.get(k) for k in ("sourceFirstAuthor", "sourceYear") if node.get(k)]
        exchange.source = " ".join(authors)
        if node.get("mathematicalRelation"):
            exchange.extras.append(f"formula {node.get('mathematicalRelation')!r} imported as its amount")
        properties = [c for c in node if _local(c.tag) == "property"]
        if properties:
            exchange.extras.append(f"{len(properties)} propert{'y' if len(properties) == 1 else 'ies'} dropped ("
                                   + ", ".join(sorted({_text(p, 'name') or p.get('propertyId', '?')
                                                       for p in properties})) + ")")
        volume = node.get("productionVolumeAmount")
        if volume is not None:
            volume_text = f"production volume {volume} {unit}"
            exchange.comment = f"{exchange.comment} {volume_text}" if exchange.comment else volume_text
        compartment = _child(node, "compartment")
        if compartment is not None:
            exchange.compartment = _text(compartment, "compartment")
            exchange.subcompartment = _text(compartment, "subcompartment")
        exchange.uncertainty = _child(node, "uncertainty")
        if exchange.uncertainty is not None:
            exchange.uncertainty = _uncertainty_fields(exchange.uncertainty, label)
        exchanges.append(exchange)
    return _Activity(activity.get("id"), title, geo, _text(activity, "generalComment"), name, exchanges,
                     parent=activity.get("parentActivityId") or
                     ("(not named)" if _local(dataset.tag) == "childActivityDataset" else None))


def _uncertainty_fields(node, where: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in node:
        kind = _local(child.tag)
        if kind == "pedigreeMatrix":
            fields["pedigree"] = tuple(int(_number(child, k, f"{where}: pedigreeMatrix")) for k in PEDIGREE)
        elif kind not in ("comment",):
            fields["kind"] = kind
            fields.update({k: v for k, v in child.attrib.items()})
    return fields


def _lca_uncertainty(fields: dict[str, Any] | None, amount: float, where: str, report: list[str]) -> dict | None:
    """lca's uncertainty table of an ecospold2 one (the amount is the median / mean / mode)."""
    if not fields or "kind" not in fields:
        return None
    kind = fields["kind"]

    def number(key: str) -> float | None:
        try:
            return float(fields[key]) if key in fields else None
        except ValueError:
            raise LCAError(f"{where}: uncertainty {kind} {key} = {fields[key]!r} is not a number") from None

    if kind == "lognormal":
        variance = number("variance")
        with_pedigree = number("varianceWithPedigreeUncertainty")
        if "pedigree" in fields and variance is not None and variance >= 0:
            scores = fields["pedigree"]
            basic_gsd = math.exp(math.sqrt(variance))
            sigma = pedigree_sigma(scores, basic_gsd=basic_gsd, where=where)
            if with_pedigree is not None and not math.isclose(sigma ** 2, with_pedigree, rel_tol=1e-3, abs_tol=1e-9):
                report.append(f"{where}: varianceWithPedigreeUncertainty {with_pedigree:g} differs from lca's "
                              f"pedigree (weidema2013) {sigma ** 2:.6g}; lca uses its own")
            return {"pedigree": list(scores), "basic_gsd": basic_gsd}
        total = with_pedigree if with_pedigree is not None else variance
        if total is None or not total > 0:
            report.append(f"{where}: lognormal uncertainty with variance {total} dropped (lca needs a variance > 0)")
            return None
        return {"distribution": "lognormal", "sigma": math.sqrt(total)}
    if kind == "normal":
        total = number("varianceWithPedigreeUncertainty") or number("variance")
        if total and total > 0:
            return {"distribution": "normal", "sd": math.sqrt(total)}
    if kind == "triangular":
        low, mode, high = number("minValue"), number("mostLikelyValue"), number("maxValue")
        if low is not None and high is not None and low < high:
            return {"distribution": "triangular", "min": low, "max": high,
                    "mode": mode if mode is not None else amount}
    if kind == "uniform":
        low, high = number("minValue"), number("maxValue")
        if low is not None and high is not None and low < high:
            return {"distribution": "uniform", "min": low, "max": high}
    why = "incomplete" if kind in ("normal", "triangular", "uniform") else "lca has no such distribution"
    report.append(f"{where}: uncertainty {kind} dropped ({why})")
    return None


def read_ecospold(path: str | Path, products: Sequence[str] | None = None, flow_map: str | Path | None = None,
                  methods: Sequence[str] = DEFAULT_METHODS) -> ImportedLibrary:
    """Read ecospold2 datasets (a ``.spold`` file, a folder of them or a zip) into ``lca`` TOML tables.

    Parameters
    ----------
    path : str or Path
        A ``.spold`` file, a folder (searched recursively) or a zip of ``.spold`` files.
    products : sequence of str, optional
        Reference product names to write a scenario for (default: every reference product).
    flow_map : str or Path, optional
        A TOML flow map (see :func:`read_flow_map`) that overrides the automatic matching.
    methods : sequence of str
        ``lca``'s shipped methods the scenarios select (``inventories/methods/<id>.toml``).

    Returns
    -------
    ImportedLibrary
        The tables of each file to write, and the report of what was mapped or dropped.

    Raises
    ------
    LCAError
        If a file is not XML or has a DTD, an amount or unit is missing or unknown, an
        ``activityLinkId`` points nowhere, or a product asked for is not a reference product.

    Examples
    --------
    >>> import tempfile
    >>> spold = Path(tempfile.mkdtemp()) / "power.spold"
    >>> _ = spold.write_text(f'''<ecoSpold xmlns="{NAMESPACE}"><activityDataset>
    ... <activityDescription><activity id="a1"><activityName>electricity production</activityName></activity>
    ... </activityDescription><flowData>
    ... <intermediateExchange id="x1" intermediateExchangeId="p1" amount="1"><name>electricity</name>
    ... <unitName>kWh</unitName><outputGroup>0</outputGroup></intermediateExchange>
    ... <elementaryExchange id="x2" elementaryExchangeId="e1" amount="0.8" casNumber="124-38-9">
    ... <name>Carbon dioxide, fossil</name><unitName>kg</unitName>
    ... <compartment><compartment>air</compartment></compartment><outputGroup>4</outputGroup></elementaryExchange>
    ... </flowData></activityDataset></ecoSpold>''')
    >>> library = read_ecospold(spold)
    >>> library.files["inventory.toml"]["processes"]["electricity_production"]["biosphere"]
    [{'flow': 'carbon_dioxide_fossil_air', 'amount': 0.8, 'unit': 'kg'}]
    >>> library.scenarios
    ('electricity.toml',)
    """
    path = Path(path)
    etree = _require()
    activities: list[_Activity] = []
    for name, data in _sources(path):
        activities.extend(_parse(etree, name, data))
    if not activities:
        raise LCAError(f"{path}: no .spold datasets")
    known = lca_flows()
    user_map = read_flow_map(flow_map, known) if flow_map is not None else {}
    for method in methods:
        shipped(f"lca:methods/{method}.toml")  # an unknown method is an error before any work
    report: list[str] = []
    by_id: dict[str, _Activity] = {}
    for activity in activities:
        if activity.uid in by_id:
            raise LCAError(f"{activity.file}: activity id {activity.uid} is also in {by_id[activity.uid].file}")
        by_id[activity.uid] = activity
    # units first, all at once: one message lists every unit pint cannot read
    units: dict[str, str] = {}
    unknown: dict[str, str] = {}
    for activity in activities:
        for exchange in activity.exchanges:
            if exchange.kind == "dropped" or exchange.unit in units or exchange.unit in unknown:
                continue
            try:
                units[exchange.unit] = format_unit(parse_unit(PINT_NAMES.get(exchange.unit, exchange.unit)))
            except LCAError:
                unknown[exchange.unit] = f"{activity.file}: activity {activity.name!r}, exchange {exchange.name!r}"
    if unknown:
        raise LCAError(f"{path}: {len(unknown)} unit(s) neither pint nor lca's ecospold names read: "
                       + "; ".join(f"{u!r} (first in {w})" for u, w in unknown.items())
                       + "; add them to lca.load.ecospold.PINT_NAMES or fix the datasets")
    for name, unit in sorted(units.items()):
        if unit != name:
            report.append(f"unit {name!r} read as {unit!r}")
    references: dict[str, _Exchange] = {}
    makers: dict[str, list[str]] = {}
    process_ids, product_ids, flow_ids = Ids(), Ids(), Ids()
    for activity in activities:
        refs = [e for e in activity.exchanges if e.kind == "intermediate" and not e.is_input and e.group == 0]
        if len(refs) != 1:
            raise LCAError(f"{activity.file}: activity {activity.name!r}: {len(refs)} reference products "
                           "(intermediateExchange with outputGroup 0); lca needs exactly one")
        if refs[0].amount == 0:
            raise LCAError(f"{activity.file}: activity {activity.name!r}: reference product {refs[0].name!r} "
                           "has amount 0")
        references[activity.uid] = refs[0]
        makers.setdefault(refs[0].uid, []).append(activity.uid)
        title = activity.name + (f" {activity.geography}" if activity.geography else "")
        same_name = sum(a.name == activity.name for a in activities) > 1
        process_ids(activity.uid, title if same_name else activity.name, "process")
    proposed: dict[str, Proposal] = {}  # elementaryExchangeId -> the lca flow proposed
    elementary: dict[str, dict] = {}
    processes: dict[str, dict] = {}
    for activity in activities:
        where = f"{Path(activity.file).name}: activity {activity.name!r}"
        ref = references[activity.uid]
        key = process_ids(activity.uid, activity.name, "process")
        entry: dict[str, Any] = {"name": activity.name, "reference_product": product_ids(ref.uid, ref.name, "product"),
                                 "amount": ref.amount, "unit": units[ref.unit]}
        if activity.geography:
            entry["location"] = activity.geography
        entry["source"] = f"ecospold2 activity {activity.uid} ({Path(activity.file).name})"
        comment = " ".join(t for t in (activity.comment, ref.comment) if t)
        if comment:
            entry["comment"] = comment
        if activity.parent:
            inherited = " (in this import)" if activity.parent in by_id else " (not in this import)"
            report.append(f"{where}: UNSUPPORTED child dataset of parent {activity.parent}{inherited}: lca imports "
                          "only the exchanges the child lists, not those it inherits from its parent (ecospold2 "
                          "inheritance is not applied): its results miss the inherited exchanges")
        spec = _lca_uncertainty(ref.uncertainty, ref.amount, f"{where}: reference product", report)
        if spec:
            entry["uncertainty"] = spec
        technosphere, biosphere = [], []
        for exchange in activity.exchanges:
            label = f"{where}: exchange {exchange.name!r}"
            if exchange.kind == "dropped":
                report.append(f"{where}: {exchange.uid} {exchange.name!r} dropped (lca import does not map it; "
                              "the exchanges hold the stored amounts)")
                continue
            report.extend(f"{label}: {extra}" for extra in exchange.extras)
            if exchange is ref:
                continue
            row: dict[str, Any]
            if exchange.kind == "elementary":
                compartment = _COMPARTMENTS.get(exchange.compartment.lower(), "resource" if exchange.is_input
                                                else "unspecified")
                fid, how = choose(exchange.uid, exchange.name, compartment, exchange.cas, units[exchange.unit],
                                  known, user_map, flow_map)
                proposed.setdefault(exchange.uid, Proposal(
                    fid or "", f"{exchange.name}, {exchange.compartment}"
                    + (f"/{exchange.subcompartment}" if exchange.subcompartment else "")
                    + (f", CAS {exchange.cas}" if exchange.cas else ""), how))
                if fid is None:
                    base = slug(f"{exchange.name} {compartment}", "flow")
                    # an lca id the exchange was not mapped to: the imported flow keeps apart from it
                    fid = flow_ids(exchange.uid, None, "flow", f"{base}_imported" if base in known else base)
                    if fid not in elementary:
                        report.append(f"{label}: elementary flow {exchange.name!r} ({exchange.compartment}) "
                                      "matches no lca flow: kept as a flow of the imported inventory, which "
                                      "no lca method characterizes (map it in --flow-map)")
                        elementary[fid] = {"name": exchange.name, "compartment": compartment,
                                           "unit": units[exchange.unit],
                                           **({"cas": exchange.cas} if exchange.cas else {}),
                                           "comment": f"ecospold2 elementaryExchangeId {exchange.uid}"
                                           + (f", {exchange.compartment}/{exchange.subcompartment}"
                                              if exchange.subcompartment else "")}
                row = {"flow": fid, "amount": exchange.amount, "unit": units[exchange.unit]}
                target = biosphere
            else:
                if not exchange.is_input:
                    report.append(f"{label}: by-product (outputGroup {exchange.group}) dropped: lca import does "
                                  "not map ecospold2 allocation; model it by substitution or declare an allocation")
                    continue
                provider = exchange.link
                if provider is not None:
                    if provider not in by_id:
                        raise LCAError(f"{label}: activityLinkId {provider} points to no activity of {path}")
                    if references[provider].uid != exchange.uid:
                        raise LCAError(f"{label}: activityLinkId {provider} ({by_id[provider].name!r}) makes "
                                       f"{references[provider].name!r}, not {exchange.name!r}")
                else:
                    candidates = makers.get(exchange.uid, [])
                    if not candidates:
                        report.append(f"{label}: no activity makes {exchange.name!r}: input dropped (cut off)")
                        continue
                    if len(candidates) > 1:
                        report.append(f"{label}: {len(candidates)} activities make {exchange.name!r} and no "
                                      f"activityLinkId chooses: input dropped (link it in the dataset)")
                        continue
                    provider = candidates[0]
                row = {"product": product_ids(exchange.uid, exchange.name, "product"),
                       "provider": process_ids(provider, by_id[provider].name, "process"),
                       "amount": exchange.amount, "unit": units[exchange.unit]}
                target = technosphere
            spec = _lca_uncertainty(exchange.uncertainty, exchange.amount, label, report)
            if spec:
                row["uncertainty"] = spec
            if exchange.source:
                row["source"] = exchange.source
            if exchange.comment:
                row["comment"] = exchange.comment
            target.append(row)
        if technosphere:
            entry["technosphere"] = technosphere
        if biosphere:
            entry["biosphere"] = biosphere
        processes[key] = entry
    includes = ["lca:flows/elementary.toml"]
    files: dict[str, dict[str, Any]] = {
        "inventory.toml": {"include": includes, "meta": {"title": f"Imported from {path.name} (ecospold2)"},
                           **({"flows": elementary} if elementary else {}), "processes": processes}}
    asked = set(products) if products else None
    names = {references[a.uid].name for a in activities}
    if asked and asked - names:
        raise LCAError(f"--product {', '.join(sorted(asked - names))}: not a reference product of {path} "
                       f"(they are: {', '.join(sorted(names))})")
    scenarios = []
    for activity in activities:
        ref = references[activity.uid]
        if asked is not None and ref.name not in asked:
            continue
        key = process_ids(activity.uid, activity.name, "process")
        same = len(makers[ref.uid]) > 1
        name = f"{slug(ref.name, 'product') + (f'_{key}' if same else '')}.toml"
        scenarios.append(name)
        files[name] = {"include": ["inventory.toml"] + [f"lca:methods/{m}.toml" for m in methods],
                       "methods": list(methods),
                       "study": {"name": f"{ref.amount:g} {ref.unit} of {ref.name}",
                                 "functional_unit": f"{ref.amount:g} {units[ref.unit]} of {ref.name}",
                                 "source": f"ecospold2 activity {activity.uid} ({activity.name})"},
                       "demand": {key: {"amount": ref.amount, "unit": units[ref.unit]}}}
    map_text = flow_map_text(proposed, path.name, "ecospold2 elementaryExchangeId") if proposed else ""
    counts = {"activities": len(processes), "flows mapped to lca's": sum(1 for p in proposed.values() if p.lca_id),
              "flows kept": len(elementary), "scenarios": len(scenarios)}
    return ImportedLibrary(str(path), files, tuple(scenarios), tuple(report), counts, kind="ecospold2", extra=EXTRA,
                           flow_map=map_text,
                           extra_report=(("Proposed flow map (also in flow-map.toml)",
                                          ("```toml", *map_text.splitlines(), "```")),) if proposed else ())


def is_ecospold(path: str | Path) -> bool:
    """Whether *path* looks like ecospold2 input: a ``.spold`` file, a folder, or a zip with ``.spold`` members.

    Examples
    --------
    >>> is_ecospold("db.spold"), is_ecospold("db.zip")
    (True, False)
    """
    path = Path(path)
    if path.suffix.lower() == ".spold" or path.is_dir():
        return True
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                return any(n.lower().endswith(".spold") for n in archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    return False

