"""Sites: where a study's processes run, expanded at load time into ordinary parameters and processes.

A study declares ``[sites.NAME]`` tables (``location``: a grid code of ``inventories/electricity.toml``
such as ``"de"``, ``"us_va"``, ``"se3"``, or a cloud region ``"aws:eu-west-1"``,
``"gcp:europe-west4"``, ``"azure:westeurope"``; optional ``pue``, ``wue``) and places processes at
them (``processes = [...]`` in the site, ``site = "NAME"`` on a process or on one of its exchanges,
or ``default = true``: every process drawing IT energy not placed elsewhere). The engine sees only
what this module writes (the format is in ``docs/file-format.md``):

* per grid location ``c``: a parameter ``grid_intensity_<c>`` (kg CO2-eq/kWh, the value,
  uncertainty and source of the grid's GHG factor) and a process ``site_electricity_<c>``, the
  grid's inventory with its GHG factor read from that parameter;
* per site ``S``: parameters ``site_<S>_location`` (a choice of the grid codes), ``site_<S>_pue``,
  ``site_<S>_wue``, and a process ``site_<S>`` making ``site_<S>_it_energy``: PUE kWh from its
  location's grid and WUE litres of cooling water consumed at its location per kWh of IT energy;
* the ``it_energy`` inputs of the processes placed at ``S`` are taken from ``site_<S>_it_energy``.

On the command line a dot stands for ``_`` in these names: ``--set grid_intensity.ie="0.25 kg
CO2-eq/kWh"``, ``--set site.serve.location=fr``.

>>> expanded = expand_sites({"serve": {"location": "azure:northeurope"}}, "s.toml", [], {})
Traceback (most recent call last):
lca.errors.ModelError: s.toml: sites: there are no grids to place a site on (include 'lca:electricity.toml', or 'lca:datacenter.toml' which includes it)
>>> cloud_region("azure:northeurope").grid, cloud_region("gcp:europe-west4").pue
('ie', 1.09)
"""

from __future__ import annotations

import copy
import csv
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from ..errors import FileFormatError, ModelError, ParameterError
from ..model.records import Parameter
from .resources import shipped
from .tables import check_id, check_keys, fail, shorten

SITE_KEYS = {"name", "location", "location_parameter", "pue", "wue", "processes", "default", "hardware_from",
             "source", "comment"}
IT_ENERGY = "it_energy"
TRANSPORT = "fab_to_datacenter_transport"
GHG_FLOW = "ghg_precharacterized_air"
WATER_PREFIX = "water_consumed_"
CLOUD_REGIONS = "lca:cloud_regions.csv"


@dataclass(frozen=True)
class CloudRegion:
    """A cloud region's grid location, PUE and on-site WUE (a row of ``inventories/cloud_regions.csv``).

    Examples
    --------
    >>> region = cloud_region("aws:eu-west-1")
    >>> region.grid, region.pue, region.wue
    ('ie', 1.15, 0.15)
    """

    name: str
    grid: str
    pue: float
    pue_range: tuple[float, float]
    pue_source: str
    wue: float
    wue_range: tuple[float, float]
    wue_source: str
    location_source: str


@dataclass
class Expansion:
    """What the sites add to a study: raw parameter and process tables, and the processes placed.

    Examples
    --------
    >>> Expansion().parameters
    {}
    """

    parameters: dict[str, tuple[dict, str]] = field(default_factory=dict)
    processes: list[tuple[str, dict, str]] = field(default_factory=list)
    placed: dict[str, str] = field(default_factory=dict)
    datacenters: dict[str, str] = field(default_factory=dict)  # site -> its datacenter process


@lru_cache(maxsize=None)
def cloud_regions() -> Mapping[str, CloudRegion]:
    """The shipped cloud regions, ``provider:region`` -> :class:`CloudRegion`.

    Returns
    -------
    Mapping of str to CloudRegion
        AWS, GCP and Azure regions whose grid the shipped electricity inventory has.

    Examples
    --------
    >>> regions = cloud_regions()
    >>> regions["gcp:us-central1"].grid, len(regions) > 100
    ('us_ia', True)
    """
    with open(shipped(CLOUD_REGIONS), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["region"]: CloudRegion(
        row["region"], row["grid"], float(row["pue"]), (float(row["pue_min"]), float(row["pue_max"])),
        row["pue_source"], float(row["wue_l_per_kwh"]), (float(row["wue_min"]), float(row["wue_max"])),
        row["wue_source"], row["location_source"]) for row in rows}


def cloud_region(name: str) -> CloudRegion:
    """The cloud region *name* (``aws:eu-west-1``; provider and region case-insensitive).

    Parameters
    ----------
    name : str
        ``provider:region`` with provider ``aws``, ``gcp`` or ``azure``.

    Returns
    -------
    CloudRegion
        Its row.

    Raises
    ------
    KeyError
        If the region is not shipped.

    Examples
    --------
    >>> cloud_region("GCP:europe-west3").grid
    'de'
    """
    provider, _, region = name.strip().partition(":")
    key = f"{provider.lower()}:{region.lower().replace(' ', '')}"
    return cloud_regions()[key]


def grid_codes(raw_processes: list[tuple[str, dict, str]]) -> dict[str, tuple[dict, str, str, dict]]:
    """The grids a site can be on: code -> (electricity table, its where, its water flow, its GHG row).

    A grid is a process ``electricity_<code>`` (not a ``_direct`` variant) making 1 kWh with a
    numeric GHG factor (``ghg_precharacterized_air``, kg CO2-eq) and a ``water_consumed_<loc>``
    exchange that says where its water is consumed.

    Examples
    --------
    >>> grid_codes([("electricity_x", {"amount": 1, "unit": "kWh", "biosphere": [
    ...     {"flow": "ghg_precharacterized_air", "amount": 0.3, "unit": "kg CO2-eq"},
    ...     {"flow": "water_consumed_x", "amount": 0.001, "unit": "m3"}]}, "e.toml")])["x"][2]
    'water_consumed_x'
    """
    codes: dict[str, tuple[dict, str, str, dict]] = {}
    for key, table, where in raw_processes:
        if not key.startswith("electricity_") or key.endswith("_direct"):
            continue
        if table.get("amount", 1) != 1 or str(table.get("unit", "")).strip() != "kWh":
            continue
        rows = table.get("biosphere", [])
        ghg = [r for r in rows if isinstance(r, dict) and r.get("flow") == GHG_FLOW]
        water = [r for r in rows if isinstance(r, dict) and str(r.get("flow", "")).startswith(WATER_PREFIX)]
        if len(ghg) != 1 or len(water) != 1 or isinstance(ghg[0].get("amount"), (str, bool)):
            continue
        if str(ghg[0].get("unit", "")).replace(" ", "") != "kgCO2-eq":
            continue
        codes[key.removeprefix("electricity_")] = (table, where, water[0]["flow"], ghg[0])
    return codes


ROUTES = "lca:hardware/transport_routes.csv"
ORIGINS = ("tw", "kr", "cn", "us", "my")
# Relative spreads of the route distances (lognormal GSD): air GCD + 95 km is the routing rule
# itself (EN 16258 / GLEC); sea is searoute's shortest path (real lanes and transshipment are
# longer); road legs are circuity x great-circle + 50 km local legs (unverified).
ROUTE_GSD = {"freight_air": 1.05, "freight_sea": 1.15, "freight_truck": 1.5}


@lru_cache(maxsize=None)
def transport_routes() -> Mapping[tuple[str, str], Mapping[str, float]]:
    """Freight distances, (origin, grid code) -> km by ``air``, ``sea``, ``road_air``, ``road_sea``.

    Returns
    -------
    Mapping
        From ``inventories/hardware/transport_routes.csv`` (tools/gen_transport_routes.py).

    Examples
    --------
    >>> transport_routes()[("tw", "ie")]["air"], transport_routes()[("tw", "tw")]["sea"]
    (10028.0, 0.0)
    """
    with open(shipped(ROUTES), encoding="utf-8", newline="") as handle:
        return {(row["origin"], row["destination"]): {
            "air": float(row["air_km"]), "sea": float(row["sea_km"]), "road_air": float(row["road_air_km"]),
            "road_sea": float(row["road_sea_km"])} for row in csv.DictReader(handle)}


def _transport(site: str, origin: Any, variable: str, codes: list[str], where: str,
               parameters: Mapping[str, Parameter]) -> dict:
    """The table of ``site_<S>_hardware_transport``: 1 kg of hardware from *origin* to the site's grid."""
    if origin not in ORIGINS:
        raise fail(ModelError, where, f"unknown origin {shorten(repr(origin))} (assembly regions: {', '.join(ORIGINS)})")
    if "transport_air_share" not in parameters:
        raise fail(ModelError, where, "the study has no freight transport: include 'lca:hardware/transport.toml'")
    routes = transport_routes()
    legs = {"freight_air": ("air", "road_air"), "freight_sea": ("sea", "road_sea")}
    rows = []
    for code in codes:
        route = routes.get((origin, code))
        if route is None:
            continue
        gate = _gate(variable, [code])
        for mode, (key, road) in legs.items():
            share = "transport_air_share" if mode == "freight_air" else "(1 - transport_air_share)"
            for product, km in ((mode, route[key]), ("freight_truck", route[road])):
                if km > 0:
                    rows.append({"product": product, "amount": f"0.001 * {km:g} * {share} * {gate}", "unit": "t*km",
                                 "source": f"{ROUTES}: {origin} -> {code}, {key if product == mode else road} "
                                           f"{km:g} km (1 kg = 0.001 t)",
                                 "uncertainty": {"distribution": "lognormal", "gsd": ROUTE_GSD[product]}})
    return {"name": f"Transport of 1 kg of hardware, assembly in {origin.upper()} -> site {site}",
            "reference_product": f"site_{site}_hardware_transport", "amount": 1, "unit": "kg", "stage": "transport",
            "source": f"{ROUTES} (air: GCD + 95 km, EN 16258 / GLEC; sea: searoute shortest path; road: circuity 1.2)",
            "technosphere": rows}


def _gate(variable: str, options: list[str]) -> str:
    """``(1 if (v == "a" or v == "b") else 0)``: a formula that is 1 at these options."""
    condition = " or ".join(f'{variable} == "{option}"' for option in options)
    return f"(1 if ({condition}) else 0)"


def _ratio_parameter(site: str, key: str, given: Any, where: str, region: CloudRegion | None,
                     default: str, parameters: Mapping[str, Parameter], unit: str) -> dict:
    """The table of ``site_<S>_pue`` / ``site_<S>_wue``: given, the cloud region's, or the study's."""
    bound = {"min": 1} if key == "pue" else {"min": 0}
    if given is not None:
        table = dict(given) if isinstance(given, dict) else {"value": given}
        table.setdefault("unit", unit)
        table.setdefault("source", f"{where}.{key}")
        for name, limit in bound.items():
            table.setdefault(name, limit)
        return table
    if region is not None:
        value, (low, high), source = ((region.pue, region.pue_range, region.pue_source) if key == "pue" else
                                      (region.wue, region.wue_range, region.wue_source))
        return {"value": value, "unit": unit, "source": f"{region.name}: {source}", **bound,
                "uncertainty": {"distribution": "triangular", "min": low, "max": high, "mode": value}}
    if default not in parameters:
        raise fail(ParameterError, f"{where}.{key}", f"give the site's {key} (the study has no parameter "
                   f"{default!r} to default to; include 'lca:datacenter.toml' for the shipped one)")
    return {"formula": default, "unit": unit,
            "description": f"{key.upper()} of site {site!r}: the study's {default} (no {key} given for the site)"}


def _location(site: str, table: dict, where: str, codes: Mapping[str, Any],
              parameters: Mapping[str, Parameter]) -> tuple[str, CloudRegion | None, str | None]:
    """(grid code or parameter, cloud region, source) of a site's location."""
    if ("location" in table) == ("location_parameter" in table):
        raise fail(FileFormatError, where, "give exactly one of 'location' (a grid code such as \"de\" or a cloud "
                   "region such as \"aws:eu-west-1\") or 'location_parameter' (a choice parameter of grid codes)")
    if "location_parameter" in table:
        name = table["location_parameter"]
        parameter = parameters.get(name) if isinstance(name, str) else None
        if parameter is None or not parameter.is_choice:
            raise fail(ParameterError, f"{where}.location_parameter", f"{shorten(repr(name))} is not a choice "
                       "parameter of the study")
        unknown = [option for option in parameter.options if option not in codes]
        if unknown:
            raise fail(ParameterError, f"{where}.location_parameter", f"option(s) {', '.join(map(repr, unknown))} "
                       f"of {name!r} are not grid locations (known: {', '.join(codes)})")
        return name, None, None
    text = table["location"]
    if not isinstance(text, str) or not text.strip():
        raise fail(FileFormatError, f"{where}.location", "must be a grid code (\"de\") or a cloud region "
                   "(\"aws:eu-west-1\")")
    if ":" in text:
        try:
            region = cloud_region(text)
        except KeyError:
            provider = text.partition(":")[0].lower()
            known = [name for name in cloud_regions() if name.startswith(provider + ":")]
            hint = (f"known {provider} regions: {', '.join(known)}" if known else
                    "providers: aws, gcp, azure (e.g. aws:eu-west-1, gcp:europe-west4, azure:westeurope)")
            raise fail(ModelError, f"{where}.location", f"unknown cloud region {shorten(text)!r} "
                       f"(not in {CLOUD_REGIONS}; {hint})") from None
        if region.grid not in codes:
            raise fail(ModelError, f"{where}.location", f"cloud region {text!r} is on grid {region.grid!r}, which "
                       "the study does not include (include 'lca:electricity.toml')")
        return region.grid, region, f"{region.name} -> grid {region.grid} ({region.location_source})"
    code = text.strip().lower().replace("-", "_")
    if code not in codes:
        raise fail(ModelError, f"{where}.location", f"unknown location {shorten(text)!r} (grid codes: "
                   f"{', '.join(codes)}; or a cloud region such as aws:eu-west-1, gcp:europe-west4, "
                   "azure:westeurope)")
    return code, None, None


def _placements(sites: Mapping[str, dict], where: str, raw_processes: list[tuple[str, dict, str]]) -> dict[str, str]:
    """process id -> site, from the sites' ``processes`` lists, processes' ``site`` keys and ``default``."""
    placed: dict[str, str] = {}
    by_id = {key: (table, item) for key, table, item in raw_processes}
    for name, table in sites.items():
        listed = table.get("processes", [])
        if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
            raise fail(FileFormatError, f"{where}: sites.{name}.processes", "must be a list of process ids")
        for process in listed:
            if process not in by_id:
                raise fail(ModelError, f"{where}: sites.{name}.processes", f"no process {shorten(process)!r}")
            if placed.get(process, name) != name:
                raise fail(ModelError, f"{where}: sites.{name}.processes", f"process {process!r} is already "
                           f"placed at site {placed[process]!r}")
            placed[process] = name
    for key, (table, item) in by_id.items():
        site = table.get("site")
        if site is None:
            continue
        if site not in sites:
            declared = ", ".join(sites) or "none: add [sites.NAME] tables to the study"
            raise fail(ModelError, f"{item}.site", f"site {shorten(repr(site))} is not declared (declared: {declared})")
        if placed.get(key, site) != site:
            raise fail(ModelError, f"{item}.site", f"the process is placed at {site!r} here and at "
                       f"{placed[key]!r} by sites.{placed[key]}.processes")
        placed[key] = site
    defaults = [name for name, table in sites.items() if table.get("default", False)]
    for name in defaults:
        if not isinstance(sites[name]["default"], bool):
            raise fail(FileFormatError, f"{where}: sites.{name}.default", "must be true or false")
    if len(defaults) > 1:
        raise fail(ModelError, f"{where}: sites", f"two default sites ({defaults[0]!r}, {defaults[1]!r}); "
                   "at most one site has default = true")
    if defaults:
        for key, (table, _) in by_id.items():
            rows = table.get("technosphere", [])
            if key not in placed and isinstance(rows, list) and any(
                    isinstance(r, dict) and r.get("product") == IT_ENERGY for r in rows):
                placed[key] = defaults[0]
    return placed


def _redirect(table: dict, item: str, site: str | None, sites: Mapping[str, dict], moved: set[str]) -> dict:
    """A copy of a process table whose IT energy (and, if the site says, hardware transport) come from sites."""
    rows = table.get("technosphere", [])
    if not isinstance(rows, list):
        return table
    new_rows = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            new_rows.append(row)
            continue
        row = dict(row)
        at = row.pop("site", site)
        if "site" in (rows[index] if isinstance(rows[index], dict) else {}):
            if at not in sites:
                declared = ", ".join(sites) or "none: add [sites.NAME] tables to the study"
                raise fail(ModelError, f"{item}.technosphere[{index}].site", f"site {shorten(repr(at))} is not "
                           f"declared (declared: {declared})")
            if row.get("product") not in moved:
                raise fail(ModelError, f"{item}.technosphere[{index}].site", f"a site supplies "
                           f"{' or '.join(map(repr, sorted(moved)))}, not {row.get('product')!r}")
        if at is not None and row.get("product") == IT_ENERGY:
            row["product"] = f"site_{at}_it_energy"
            row.pop("provider", None)
        elif at is not None and row.get("product") == TRANSPORT and sites[at].get("hardware_from") is not None:
            row["product"] = f"site_{at}_hardware_transport"
            row.pop("provider", None)
        new_rows.append(row)
    return {**{k: v for k, v in table.items() if k != "site"}, "technosphere": new_rows}


def expand_sites(sites: Any, where: str, raw_processes: list[tuple[str, dict, str]],
                 parameters: Mapping[str, Parameter]) -> Expansion:
    """Expand a study's ``[sites]`` into parameter and process tables, and place processes at the sites.

    Parameters
    ----------
    sites : dict or None
        The study's ``sites`` table (``NAME -> {location, pue, wue, processes, default, ...}``).
    where : str
        The study file, for messages.
    raw_processes : list of (id, table, where)
        Every process table loaded (inventories and study); tables of processes placed at a site
        are replaced by copies whose IT energy comes from the site.
    parameters : mapping of str to Parameter
        The study's parameters (a site's PUE and WUE default to ``pue`` and ``wue_onsite``).

    Returns
    -------
    Expansion
        New parameter tables (id -> (table, where)), new process tables, and the placements.

    Raises
    ------
    FileFormatError, ModelError, ParameterError
        For a malformed site, an unknown location or cloud region, a process placed at an
        undeclared site or at two sites, a placed exchange that is not IT energy.

    Examples
    --------
    >>> from lca.load.study import load_study
    >>> model = load_study("lca:scenarios/finetune_de_serve_ie.toml")
    >>> model.parameters["site_serve_location"].value, model.parameters["grid_intensity_ie"].unit_text
    ('ie', 'kg CO2-eq/kWh')
    """
    sites = {} if sites is None else sites
    if not isinstance(sites, dict):
        raise fail(FileFormatError, f"{where}: sites", "must be a table of named sites ([sites.NAME])")
    expansion = Expansion()
    if not sites and not any("site" in table or any(isinstance(r, dict) and "site" in r for r in
                                                    table.get("technosphere", []) if isinstance(table, dict))
                             for _, table, _ in raw_processes):
        return expansion
    codes = grid_codes(raw_processes)
    if sites and not codes:
        raise fail(ModelError, f"{where}: sites", "there are no grids to place a site on (include "
                   "'lca:electricity.toml', or 'lca:datacenter.toml' which includes it)")
    existing = {key for key, _, _ in raw_processes}
    for name, table in sites.items():
        site_where = f"{where}: sites.{name}"
        check_id(name, site_where)
        check_keys(table, SITE_KEYS, site_where)
    placed = _placements(sites, where, raw_processes)
    moved = {IT_ENERGY} | ({TRANSPORT} if any(t.get("hardware_from") is not None for t in sites.values()) else set())
    replaced = []
    for key, table, item in raw_processes:
        has_site = "site" in table or any(isinstance(r, dict) and "site" in r for r in table.get("technosphere", [])
                                          if isinstance(table.get("technosphere", []), list))
        if key in placed or has_site:
            table = _redirect(table, item, placed.get(key), sites, moved)
        replaced.append((key, table, item))
    raw_processes[:] = replaced
    expansion.placed = placed
    if not sites:
        return expansion
    for code, (table, item, _, ghg) in codes.items():
        name = f"grid_intensity_{code}"
        if name not in parameters:
            spec = {"value": ghg["amount"], "unit": "kg CO2-eq/kWh", "min": 0,
                    "source": ghg.get("source") or table.get("source") or f"{item} ({GHG_FLOW})",
                    "description": f"Grid GHG intensity of {table.get('name', code)} (life cycle unless the "
                                   "grid says otherwise), for the sites on this grid"}
            if ghg.get("uncertainty") is not None:
                spec["uncertainty"] = ghg["uncertainty"]
            expansion.parameters[name] = (spec, f"{item}.biosphere ({GHG_FLOW}) via {where}: sites")
        process = f"site_electricity_{code}"
        if process in existing:
            raise fail(ModelError, f"{where}: sites", f"process id {process!r} is reserved for the sites' grid "
                       f"{code!r} (defined in {next(i for k, _, i in raw_processes if k == process)})")
        copied = copy.deepcopy({k: v for k, v in table.items() if k != "reference_product"})
        copied["name"] = f"{table.get('name', code)} (for sites; GHG from grid_intensity_{code})"
        copied["biosphere"] = [
            {"flow": GHG_FLOW, "amount": name, "unit": "kg CO2-eq", "source": f"parameter {name}",
             "comment": row.get("comment")} if row is ghg or row.get("flow") == GHG_FLOW else row
            for row in table["biosphere"]]
        copied["biosphere"] = [{k: v for k, v in row.items() if v is not None} for row in copied["biosphere"]]
        expansion.processes.append((process, copied, f"{item} (copied for {where}: sites)"))
    waters: dict[str, list[str]] = {}
    for code, (_, _, water, _) in codes.items():
        waters.setdefault(water, []).append(code)
    for name, table in sites.items():
        site_where = f"{where}: sites.{name}"
        location, region, location_source = _location(name, table, site_where, codes, parameters)
        variable = location if "location_parameter" in table else f"site_{name}_location"
        if "location_parameter" not in table:
            expansion.parameters[variable] = ({
                "value": location, "options": list(codes),
                "source": location_source or table.get("source") or f"{site_where}.location",
                "description": f"Grid location of site {name!r} (its electricity and cooling water)"},
                f"{site_where}.location")
        for key, default, unit in (("pue", "pue", ""), ("wue", "wue_onsite", "L/kWh")):
            expansion.parameters[f"site_{name}_{key}"] = (
                _ratio_parameter(name, key, table.get(key), site_where, region, default, parameters, unit),
                f"{site_where}.{key}")
        pue, wue = f"site_{name}_pue", f"site_{name}_wue"
        for process in (f"site_{name}", f"site_{name}_hardware_transport"):
            if process in existing:
                raise fail(ModelError, site_where, f"process id {process!r} is reserved for the site")
        expansion.datacenters[name] = f"site_{name}"
        expansion.processes.append((f"site_{name}", {
            "name": table.get("name") or f"Datacenter at site {name}, per kWh of IT energy",
            "reference_product": f"site_{name}_it_energy", "amount": 1, "unit": "kWh", "stage": "use",
            "source": f"{site_where}: PUE {pue}, on-site WUE {wue}, grid of {variable}",
            "comment": "Grid electricity = PUE x IT energy from the site's grid; on-site cooling water = WUE x IT "
                       "energy consumed at the site's location. Building and cooling plant are not included.",
            "technosphere": [
                {"product": f"site_electricity_{code}", "amount": f"{pue} * {_gate(variable, [code])}",
                 "unit": "kWh", "source": f"{pue}: the site's PUE"} for code in codes],
            "biosphere": [
                {"flow": water, "amount": f"{wue} * {_gate(variable, located)}", "unit": "L",
                 "source": f"{wue}: the site's on-site WUE"} for water, located in waters.items()],
        }, site_where))
        origin = table.get("hardware_from")
        if origin is not None:
            expansion.processes.append((f"site_{name}_hardware_transport", _transport(
                name, origin, variable, list(codes), f"{site_where}.hardware_from", parameters), site_where))
    return expansion


def dotted(name: str, known: Mapping[str, Any]) -> str:
    """The parameter a ``--set`` name means: a dot stands for ``_`` (``grid_intensity.ie``).

    Parameters
    ----------
    name : str
        The name as given.
    known : mapping
        The model's parameters.

    Returns
    -------
    str
        *name*, or its spelling with ``_`` for ``.`` when only that one is a parameter.

    Examples
    --------
    >>> dotted("grid_intensity.ie", {"grid_intensity_ie": None}), dotted("pue", {"pue": None})
    ('grid_intensity_ie', 'pue')
    """
    if name in known or "." not in name:
        return name
    spelled = name.replace(".", "_")
    return spelled if spelled in known else name
