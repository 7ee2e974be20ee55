"""A training or fine-tuning job's footprint from four facts: hardware, count, hours, region.

The one-line path ML engineers know from ML CO2 Impact and Green Algorithms, on this project's
life-cycle model: :func:`estimate_study` writes a complete study (TOML) from the shipped data and
:func:`estimate_model` loads it. The wiring is the flagship's (``lca:scenarios/
llm_training_lifecycle.toml``): IT power per accelerator = node maximum power / accelerators per
node x power utilisation; IT energy = count x that power x hours; the datacenter
(``inventories/datacenter.toml``) draws PUE x IT energy from the region's grid
(``inventories/electricity.toml``) with its cooling water; the servers, their rack and network
share, transport and end of life are amortised as hours / (service life x lifetime utilisation).
Hardware names are the flagship's ``accelerator`` options, regions the datacenter's
``grid_region`` options; the written study keeps both as choices, so a user can switch them in
the file.

>>> model = estimate_model("h100", count=8, hours=10, region="de", pue=1.2, utilization=0.8)
>>> model.parameters["n_accelerators"].value, model.parameters["grid_region"].value
(8.0, 'de')
>>> estimate_model("h10", count=8, hours=10, region="de")
Traceback (most recent call last):
lca.errors.ParameterError: --hardware 'h10': no such hardware (close matches: h100; all: lca estimate --list hardware)
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import tomli_w

from ..errors import ParameterError
from ..model.records import Model
from .resources import shipped
from .study import load_study
from .tables import read_toml

# The study whose wiring an estimate reuses, and its process that one job is.
TEMPLATE = "lca:scenarios/llm_training_lifecycle.toml"
TEMPLATE_PROCESS = "llm_training_run"
DATACENTER = "lca:inventories/datacenter.toml"
ELECTRICITY = "lca:inventories/electricity.toml"
JOB = "training_job"
# Parameters of the template that describe GPT-3's run, not the job's: replaced or dropped.
# pue: dropped unless given, so the datacenter's (hyperscale fleet, with its uncertainty) applies.
JOB_PARAMETERS = ("accelerator", "n_accelerators", "training_days", "training_hours", "grid_region", "pue")
_GATE = re.compile(r'\(1 if accelerator == "(?P<option>\w+)" else 0\)')


@lru_cache(maxsize=1)
def _template() -> dict:
    return read_toml(shipped(TEMPLATE))


def _includes(template: Mapping[str, Any]) -> list[str]:
    # the template's includes are relative to scenarios/; an estimate lives anywhere
    return [f"lca:{Path(name).as_posix().removeprefix('../')}" if not name.startswith("lca:") else name
            for name in template["include"]]


@lru_cache(maxsize=1)
def hardware_options() -> dict[str, str]:
    """The hardware an estimate can use: option -> the server (node or rack) it runs in.

    Returns
    -------
    dict of str to str
        The flagship's ``accelerator`` options, each with the name of the server process its
        amortised hardware is (from ``inventories/hardware/``).

    Examples
    --------
    >>> options = hardware_options()
    >>> options["h100"]
    'NVIDIA DGX H100 (8x H100 SXM5 80 GB) server node'
    >>> len(options) >= 12
    True
    """
    template = _template()
    servers: dict[str, str] = {}
    for exchange in template["processes"][TEMPLATE_PROCESS]["technosphere"]:
        match = _GATE.search(str(exchange["amount"]))
        if match:
            servers.setdefault(match["option"], exchange["product"])  # the node first, then its network
    names: dict[str, str] = {}
    for name in _includes(template):
        if name.removeprefix("lca:").removeprefix("inventories/").startswith("hardware/"):
            names.update({key: table.get("name", key) for key, table in read_toml(shipped(name)).get("processes", {}).items()})
    return {option: names.get(servers.get(option, ""), option)
            for option in template["parameters"]["accelerator"]["options"]}


@lru_cache(maxsize=1)
def region_options() -> dict[str, str]:
    """The grid regions an estimate can use: code -> the grid mix's name.

    Returns
    -------
    dict of str to str
        The datacenter's ``grid_region`` options (``inventories/datacenter.toml``) and the name
        of each ``electricity_<code>`` process (``inventories/electricity.toml``).

    Examples
    --------
    >>> regions = region_options()
    >>> regions["fr"], regions["us_va"]
    ('Electricity, France, grid mix', 'Electricity, Virginia (US state), grid mix')
    """
    options = read_toml(shipped(DATACENTER))["parameters"]["grid_region"]["options"]
    processes = read_toml(shipped(ELECTRICITY))["processes"]
    return {code: processes.get(f"electricity_{code}", {}).get("name", code) for code in options}


def _choose(flag: str, value: str, options: Mapping[str, str], listing: str) -> str:
    key = value.strip().lower().replace("-", "_")
    if key in options:
        return key
    # codes it begins ("a100" -> a100_40gb), close spellings, codes whose name holds it ("france" -> fr)
    close = [code for code in options if code.startswith(key)]
    close += [code for code in difflib.get_close_matches(key, list(options), n=4, cutoff=0.6) if code not in close]
    close += [code for code, name in options.items() if len(key) > 2 and key in name.lower() and code not in close]
    hint = f"close matches: {', '.join(close[:6])}; " if close else ""
    raise ParameterError(f"{flag} {value!r}: no such {flag[2:]} ({hint}all: lca estimate --list {listing})")


def _positive(flag: str, value: float, low: float = 0.0, high: float = math.inf, closed_low: bool = False) -> float:
    number = float(value)
    inside = (number >= low if closed_low else number > low) and number <= high
    if not math.isfinite(number) or not inside:
        bound = f">= {low:g}" if closed_low else f"> {low:g}"
        if high != math.inf:
            bound += f" and <= {high:g}"
        raise ParameterError(f"{flag} {number:g}: must be a number {bound}")
    return number


def estimate_study(hardware: str, count: int, hours: float, region: str, pue: float | None = None,
                   utilization: float | None = None) -> str:
    """The study of one job on shipped hardware, as TOML text that ``lca run`` reads.

    Parameters
    ----------
    hardware : str
        An option of :func:`hardware_options` (``"h100"``; case and ``-`` do not matter).
    count : int
        Accelerators the job uses (at least 1).
    hours : float
        Wall-clock hours of the job (> 0).
    region : str
        An option of :func:`region_options`: the grid that feeds the datacenter.
    pue : float, optional
        The datacenter's PUE (>= 1); default: the hyperscale fleet's (1.15, triangular
        1.08-1.2, ``inventories/datacenter.toml``).
    utilization : float, optional
        Average IT power of a node as a fraction of its maximum (0 to 1); default: the
        flagship's 0.754 (Patterson et al. 2021), triangular 0.5-0.9.

    Returns
    -------
    str
        A complete, commented study: the shipped inventories it includes, the seven
        categories' methods, the job's parameters and its process.

    Raises
    ------
    ParameterError
        Unknown hardware or region (with close matches), count below 1, hours not positive,
        PUE below 1 or utilisation outside (0, 1].

    Examples
    --------
    >>> text = estimate_study("h100", count=64, hours=120, region="fr")
    >>> "[parameters.n_accelerators]" in text, 'value = "fr"' in text
    (True, True)
    >>> estimate_study("h100", count=0, hours=120, region="fr")
    Traceback (most recent call last):
    lca.errors.ParameterError: --count 0: must be a number >= 1
    """
    hardware = _choose("--hardware", hardware, hardware_options(), "hardware")
    region = _choose("--region", region, region_options(), "regions")
    if isinstance(count, bool) or not float(count).is_integer():
        raise ParameterError(f"--count {count:g}: must be a whole number of accelerators")
    count = int(_positive("--count", count, low=1, closed_low=True))
    hours = _positive("--hours", hours)
    if pue is not None:
        pue = _positive("--pue", pue, low=1, closed_low=True)
    if utilization is not None:
        utilization = _positive("--utilization", utilization, high=1)

    template = copy.deepcopy(_template())
    label = f"{count} x {hardware} for {hours:g} h, grid {region}"
    parameters: dict[str, Any] = {
        "accelerator": {**template["parameters"]["accelerator"], "value": hardware,
                        "source": "lca estimate --hardware"},
        "n_accelerators": {"value": float(count), "unit": "", "source": "lca estimate --count",
                           "uncertainty": {"distribution": "fixed"},
                           "description": "Number of accelerators the job uses"},
        "training_hours": {"value": hours, "unit": "", "source": "lca estimate --hours",
                           "uncertainty": {"distribution": "fixed"},
                           "description": "Wall-clock hours of the job"},
        "grid_region": {"value": region, "source": "lca estimate --region",
                        "description": f"Grid of the datacenter: {region_options()[region]}"},
    }
    if pue is not None:
        parameters["pue"] = {"value": pue, "unit": "", "source": "lca estimate --pue",
                             "uncertainty": {"distribution": "fixed"},
                             "description": "Power usage effectiveness of the datacenter"}
    parameters.update({k: v for k, v in template["parameters"].items() if k not in JOB_PARAMETERS})
    if utilization is not None:
        parameters["power_utilisation"] = {
            **parameters["power_utilisation"], "value": utilization, "source": "lca estimate --utilization",
            "uncertainty": {"distribution": "fixed"}}

    process = template["processes"][TEMPLATE_PROCESS]
    process.update(name=f"One job, {label}: IT energy + amortised servers, network, transport and end of life",
                   reference_product=JOB, source="lca estimate; the wiring of scenarios/llm_training_lifecycle.toml")
    for exchange in process["technosphere"]:
        if exchange["product"] == "it_energy":
            exchange["source"] = "accelerators x IT power per accelerator x hours"
    scope = template["study"]
    study = {
        "include": _includes(template),
        "methods": template["methods"],
        "study": {
            "name": f"AI job on {label} (lca estimate)",
            "functional_unit": f"one job: {count} {hardware} accelerators for {hours:g} hours",
            "goal": "Estimate the life-cycle impacts of one training or fine-tuning job from its hardware, "
                    "size, duration and grid, including the amortised share of the hardware's life cycle.",
            "system_boundary": scope["system_boundary"].replace("transport Taiwan -> US, ", "transport from Taiwan, "),
            "cutoff": scope["cutoff"], "allocation": scope["allocation"],
            "assumptions": [
                f"{count} {hardware} accelerators for {hours:g} h; hardware: {hardware_options()[hardware]}.",
                "IT power per accelerator = node maximum power / accelerators per node x power_utilisation "
                + (f"({utilization:g}, given)." if utilization is not None
                   else "(0.754, Patterson et al. 2021 for DGX-1; triangular 0.5-0.9)."),
                f"PUE {pue:g} (given)." if pue is not None
                else "PUE of a hyperscale fleet (inventories/datacenter.toml; set pue for a known facility).",
                f"Grid: {region_options()[region]}.",
                "Hardware amortised over a 4-year service life at 85 % lifetime utilisation (editable below).",
            ],
            "source": f"lca estimate from the shipped inventories; wiring of {TEMPLATE}",
        },
        "demand": {JOB: {"amount": 1, "unit": "item"}},
        "parameters": parameters,
        "processes": {JOB: process},
    }
    command = (f"lca estimate --hardware {hardware} --count {count} --hours {hours:g} --region {region}"
               + (f" --pue {pue:g}" if pue is not None else "") + (f" --utilization {utilization:g}"
                                                                 if utilization is not None else ""))
    header = (f"# Written by `{command}`.\n"
              "# A complete study: edit it and run `lca run FILE`. accelerator and grid_region are choices\n"
              "# (their options are listed), n_accelerators and training_hours the job; the hardware's\n"
              "# service life and lifetime utilisation set its amortised share (hw_share).\n\n")
    return header + tomli_w.dumps(study, multiline_strings=False)


def estimate_model(hardware: str, count: int, hours: float, region: str, pue: float | None = None,
                   utilization: float | None = None) -> Model:
    """The model of :func:`estimate_study`, loaded as ``lca run`` loads the written file.

    Parameters
    ----------
    hardware, count, hours, region, pue, utilization
        As :func:`estimate_study`.

    Returns
    -------
    Model
        The checked model, loaded from a temporary ``estimate.toml`` (``lca estimate
        --write-study FILE`` keeps the file).

    Raises
    ------
    ParameterError
        As :func:`estimate_study`.

    Examples
    --------
    >>> from lca import calculate
    >>> result = calculate(estimate_model("h100", count=64, hours=120, region="fr", pue=1.2, utilization=0.8))
    >>> round(result.energy.by_source["electricity_fr"], 2)    # 64 x 10.2 kW / 8 x 0.8 x 120 h x 1.2
    9400.32
    """
    text = estimate_study(hardware, count, hours, region, pue, utilization)
    with tempfile.TemporaryDirectory(prefix="lca-estimate-") as folder:
        path = Path(folder) / "estimate.toml"
        path.write_text(text, encoding="utf-8")
        return load_study(path)
