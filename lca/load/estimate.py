"""A training, fine-tuning or serving job's footprint from four facts: hardware, count, hours, region.

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
the file. The three kinds of job (:data:`KINDS`) share that wiring and differ in what the study
says; a serving job given the requests it served (``requests=``) is one 1,000-request functional
unit, as the shipped inference study (``lca:scenarios/llm_inference_lifecycle.toml``) has.

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
from dataclasses import dataclass
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
# A serving job's functional unit: the shipped inference study's (1,000 generated responses).
REQUESTS_UNIT = 1000


@dataclass(frozen=True)
class Kind:
    """What a kind of job changes in the study: its process id, wording, and the command that wrote it.

    Examples
    --------
    >>> KINDS["inference"].process, KINDS["finetune"].noun
    ('serving_job', 'fine-tuning run')
    """

    process: str
    noun: str
    goal: str


KINDS = {
    "training": Kind("training_job", "training run",
                     "Estimate the life-cycle impacts of one training run from its hardware, size, duration and grid, "
                     "including the amortised share of the hardware's life cycle."),
    "finetune": Kind("finetuning_job", "fine-tuning run",
                     "Estimate the life-cycle impacts of one fine-tuning run from its hardware, size, duration and "
                     "grid, "
                     "including the amortised share of the hardware's life cycle (the base model's training is "
                     "outside: see lca:scenarios/pretrain_adapt.toml for allocating it)."),
    "inference": Kind("serving_job", "serving window",
                      "Estimate the life-cycle impacts of serving a model on reserved accelerators from their count, "
                      "hours of serving and grid, including the amortised share of the hardware's life cycle."),
}


@dataclass(frozen=True)
class Flags:
    """The option names the messages use: ``lca estimate``'s, or ``lca new`` and ``lca quick``'s.

    Examples
    --------
    >>> NEW_FLAGS.hardware, NEW_FLAGS.hardware_list
    ('--accelerator', 'lca list hardware')
    """

    hardware: str = "--hardware"
    hardware_list: str = "lca estimate --list hardware"
    region_list: str = "lca estimate --list regions"
    command: str = "lca estimate"  # a format string: "{kind}" is the kind of job


ESTIMATE_FLAGS = Flags()
NEW_FLAGS = Flags("--accelerator", "lca list hardware", "lca list locations", "lca new {kind}")


@lru_cache(maxsize=1)
def _template() -> dict:
    return read_toml(shipped(TEMPLATE))


def _includes(template: Mapping[str, Any]) -> list[str]:
    # the template's includes are relative to scenarios/; an estimate lives anywhere
    return [f"lca:{Path(name).as_posix().removeprefix('../')}" if not name.startswith("lca:") else name
            for name in template["include"]]


@lru_cache(maxsize=1)
def hardware_table() -> dict[str, dict[str, str]]:
    """The hardware an estimate can use: option -> the server process, its name and source.

    Returns
    -------
    dict of str to dict
        For each of the flagship's ``accelerator`` options: ``process`` (the server, node or
        rack, its amortised share is), ``name`` and ``source`` of that process, and ``file``,
        the ``lca:hardware/`` file that defines it.

    Examples
    --------
    >>> hardware_table()["h100"]["process"]
    'server_dgx_h100'
    """
    template = _template()
    servers: dict[str, str] = {}
    for exchange in template["processes"][TEMPLATE_PROCESS]["technosphere"]:
        match = _GATE.search(str(exchange["amount"]))
        if match:
            servers.setdefault(match["option"], exchange["product"])  # the node first, then its network
    processes: dict[str, tuple[str, dict]] = {}
    for name in _includes(template):
        if name.removeprefix("lca:").removeprefix("inventories/").startswith("hardware/"):
            found = read_toml(shipped(name)).get("processes", {})
            processes.update({key: (name, table) for key, table in found.items()})
    table = {}
    for option in template["parameters"]["accelerator"]["options"]:
        process = servers.get(option, "")
        file, found = processes.get(process, ("", {}))
        table[option] = {"process": process, "name": found.get("name", option), "source": found.get("source", ""),
                         "file": file}
    return table


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
    return {option: row["name"] for option, row in hardware_table().items()}


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


def _choose(flag: str, value: str, options: Mapping[str, str], listing: str, noun: str) -> str:
    key = value.strip().lower().replace("-", "_")
    if key in options:
        return key
    # codes it begins ("a100" -> a100_40gb), close spellings, codes whose name holds it ("france" -> fr)
    close = [code for code in options if code.startswith(key)]
    close += [code for code in difflib.get_close_matches(key, list(options), n=4, cutoff=0.6) if code not in close]
    close += [code for code, name in options.items() if len(key) > 2 and key in name.lower() and code not in close]
    hint = f"close matches: {', '.join(close[:6])}; " if close else ""
    raise ParameterError(f"{flag} {value!r}: no such {noun} ({hint}all: {listing})")


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
                   utilization: float | None = None, *, kind: str = "job", requests: float | None = None,
                   flags: Flags = ESTIMATE_FLAGS) -> str:
    """The study of one job on shipped hardware, as TOML text that ``lca run`` reads.

    Parameters
    ----------
    hardware : str
        An option of :func:`hardware_options` (``"h100"``; case and ``-`` do not matter).
    count : int
        Accelerators the job uses (at least 1).
    hours : float
        Wall-clock hours of the job (> 0): of training, fine-tuning or serving.
    region : str
        An option of :func:`region_options`: the grid that feeds the datacenter.
    pue : float, optional
        The datacenter's PUE (>= 1); default: the hyperscale fleet's (1.15, triangular
        1.08-1.2, ``inventories/datacenter.toml``).
    utilization : float, optional
        Average IT power of a node as a fraction of its maximum (0 to 1); default: the
        flagship's 0.754 (Patterson et al. 2021), triangular 0.5-0.9.
    kind : {"job", "training", "finetune", "inference"}, default "job"
        What the job is (:data:`KINDS`): the same wiring, its own process id and wording;
        ``"job"`` is ``lca estimate``'s training-or-fine-tuning job.
    requests : float, optional
        Inference only: the requests the accelerators served in those hours. The functional
        unit is then 1,000 requests (the job's inputs x 1,000 / *requests*); without it, the
        whole serving window.
    flags : Flags, optional
        The option names messages and the header use (``lca estimate``'s by default).

    Returns
    -------
    str
        A complete, commented study: the shipped inventories it includes, the seven
        categories' methods, the job's parameters and its process.

    Raises
    ------
    ParameterError
        Unknown hardware, region or kind (with close matches), count below 1, hours not
        positive, PUE below 1, utilisation outside (0, 1], requests not positive or given
        for a job that is not inference.

    Examples
    --------
    >>> text = estimate_study("h100", count=64, hours=120, region="fr")
    >>> "[parameters.n_accelerators]" in text, 'value = "fr"' in text
    (True, True)
    >>> estimate_study("h100", count=0, hours=120, region="fr")
    Traceback (most recent call last):
    lca.errors.ParameterError: --count 0: must be a number >= 1
    >>> print(estimate_study("h100", 8, 10, "de", kind="inference", requests=50000, flags=NEW_FLAGS).splitlines()[0])
    # Written by `lca new inference --accelerator h100 --count 8 --hours 10 --region de --requests 50000`.
    """
    if kind not in KINDS and kind != "job":
        raise ParameterError(f"{kind!r}: no such kind of job (one of: {', '.join(KINDS)})")
    hardware = _choose(flags.hardware, hardware, hardware_options(), flags.hardware_list, "hardware")
    region = _choose("--region", region, region_options(), flags.region_list, "region")
    if isinstance(count, bool) or not float(count).is_integer():
        raise ParameterError(f"--count {count:g}: must be a whole number of accelerators")
    count = int(_positive("--count", count, low=1, closed_low=True))
    hours = _positive("--hours", hours)
    if pue is not None:
        pue = _positive("--pue", pue, low=1, closed_low=True)
    if utilization is not None:
        utilization = _positive("--utilization", utilization, high=1)
    if requests is not None:
        if kind != "inference":
            raise ParameterError(f"--requests {requests:g}: only an inference job serves requests "
                                 f"({flags.command.format(kind='inference')} ... --requests N)")
        requests = _positive("--requests", requests)

    template = copy.deepcopy(_template())
    job = KINDS[kind] if kind in KINDS else Kind(JOB, "job", _JOB_GOAL)
    label = f"{count} x {hardware} for {hours:g} h, grid {region}"
    parameters: dict[str, Any] = {
        "accelerator": {**template["parameters"]["accelerator"], "value": hardware,
                        "source": f"{flags.command.format(kind=kind)} {flags.hardware}"},
        "n_accelerators": {"value": float(count), "unit": "", "source": f"{flags.command.format(kind=kind)} --count",
                           "uncertainty": {"distribution": "fixed"},
                           "description": "Number of accelerators the job uses"},
        "training_hours": {"value": hours, "unit": "", "source": f"{flags.command.format(kind=kind)} --hours",
                           "uncertainty": {"distribution": "fixed"},
                           "description": f"Wall-clock hours of the {job.noun} (the wiring's name is the flagship's)"},
        "grid_region": {"value": region, "source": f"{flags.command.format(kind=kind)} --region",
                        "description": f"Grid of the datacenter: {region_options()[region]}"},
    }
    if requests is not None:
        parameters["requests_served"] = {
            "value": requests, "unit": "request", "source": f"{flags.command.format(kind=kind)} --requests",
            "uncertainty": {"distribution": "fixed"},
            "description": "Requests the accelerators served in those hours"}
    if pue is not None:
        parameters["pue"] = {"value": pue, "unit": "", "source": f"{flags.command.format(kind=kind)} --pue",
                             "uncertainty": {"distribution": "fixed"},
                             "description": "Power usage effectiveness of the datacenter"}
    parameters.update({k: v for k, v in template["parameters"].items() if k not in JOB_PARAMETERS})
    if utilization is not None:
        parameters["power_utilisation"] = {
            **parameters["power_utilisation"], "value": utilization,
            "source": f"{flags.command.format(kind=kind)} --utilization", "uncertainty": {"distribution": "fixed"}}

    process = template["processes"][TEMPLATE_PROCESS]
    process.update(name=f"One {job.noun}, {label}: IT energy + amortised servers, network, transport and end of life",
                   reference_product=job.process,
                   source=f"{flags.command.format(kind=kind)}; the wiring of scenarios/llm_training_lifecycle.toml")
    if requests is not None:
        # the window's inputs make requests_served requests; the demand asks for 1,000 of them
        process.update(amount="requests_served", unit="request")
    for exchange in process["technosphere"]:
        if exchange["product"] == "it_energy":
            exchange["source"] = "accelerators x IT power per accelerator x hours"
    if requests is not None:
        functional_unit = (f"{REQUESTS_UNIT:,} requests served by {count} {hardware} accelerators "
                           f"({requests:,.0f} requests in {hours:g} hours)")
        demand = {"amount": REQUESTS_UNIT, "unit": "request"}
    else:
        functional_unit = f"one {job.noun}: {count} {hardware} accelerators for {hours:g} hours"
        demand = {"amount": 1, "unit": "item"}
    scope = template["study"]
    title = "AI job" if kind == "job" else f"AI {job.noun}"
    study = {
        "include": _includes(template),
        "methods": template["methods"],
        "study": {
            "name": f"{title} on {label} ({flags.command.format(kind=kind)})",
            "functional_unit": functional_unit,
            "goal": job.goal,
            "system_boundary": scope["system_boundary"].replace("transport Taiwan -> US, ", "transport from Taiwan, "),
            "cutoff": scope["cutoff"] if kind != "inference" else scope["cutoff"].replace(", inference", ", training"),
            "allocation": scope["allocation"].replace("training hours", "job hours"),
            "assumptions": [
                f"{count} {hardware} accelerators for {hours:g} h; hardware: {hardware_options()[hardware]}.",
                "IT power per accelerator = node maximum power / accelerators per node x power_utilisation "
                + (f"({utilization:g}, given)." if utilization is not None
                   else "(0.754, Patterson et al. 2021 for DGX-1; triangular 0.5-0.9)."),
                f"PUE {pue:g} (given)." if pue is not None
                else "PUE of a hyperscale fleet (inventories/datacenter.toml; set pue for a known facility).",
                f"Grid: {region_options()[region]}.",
                "Hardware amortised over a 4-year service life at 85 % lifetime utilisation (editable below).",
            ] + ([f"{requests:,.0f} requests served in the {hours:g} h: each carries an equal share of the window, "
                  "idle time included."] if requests is not None else []),
            "source": f"{flags.command.format(kind=kind)} from the shipped inventories; wiring of {TEMPLATE}",
        },
        "demand": {job.process: demand},
        "parameters": parameters,
        "processes": {job.process: process},
    }
    command = (f"{flags.command.format(kind=kind)} {flags.hardware} {hardware} --count {count} --hours {hours:g} "
               f"--region {region}" + (f" --pue {pue:g}" if pue is not None else "")
               + (f" --utilization {utilization:g}" if utilization is not None else "")
               + (f" --requests {requests:g}" if requests is not None else ""))
    header = (f"# Written by `{command}`.\n"
              "# A complete study: edit it and run `lca run FILE`. accelerator and grid_region are choices\n"
              "# (their options are listed), n_accelerators and training_hours the job; the hardware's\n"
              "# service life and lifetime utilisation set its amortised share (hw_share).\n\n")
    return header + _commented(tomli_w.dumps(study, multiline_strings=False), job.process)


_JOB_GOAL = ("Estimate the life-cycle impacts of one training or fine-tuning job from its hardware, size, "
             "duration and grid, including the amortised share of the hardware's life cycle.")


def _comments(process: str) -> dict[str, str]:
    # what each part of a written study is for, above its first line (TOML writers keep no comments)
    return {
        "include = [":
            "# The shipped inventories, by lca: name (found wherever this file lies): the servers and their\n"
            "# life cycle, transport, end of life, the datacenter (PUE, cooling water) with every grid it\n"
            "# can draw from, and the methods of the seven impact categories.",
        "methods = [":
            "# The impact methods calculated, one per category (lca list methods FILE lists the alternatives).",
        "[study]": "# Goal and scope (ISO 14044): lca report prints them.",
        f"[demand.{process}]": "# The functional unit: every result is per this amount of the job.",
        "[parameters.accelerator]":
            "# The job: lca list hardware / lca list locations say what accelerator and grid_region take.",
        "[parameters.accelerators_per_node]":
            "# The flagship's wiring: node power, utilisation, service life and the amortised share\n"
            "# (hw_share) of the servers, with their sources and uncertainties.",
        f"[processes.{process}]":
            "# The job: IT energy through the datacenter (PUE, grid), and its share of the servers,\n"
            "# rack and network, their transport and end of life.",
    }


def _commented(text: str, process: str) -> str:
    comments = _comments(process)
    lines = []
    for line in text.splitlines():
        comment = comments.pop(line, None)
        if comment:
            lines.append(comment)
        lines.append(line)
    return "\n".join(lines) + "\n"


def estimate_model(hardware: str, count: int, hours: float, region: str, pue: float | None = None,
                   utilization: float | None = None, *, kind: str = "job", requests: float | None = None,
                   flags: Flags = ESTIMATE_FLAGS) -> Model:
    """The model of :func:`estimate_study`, loaded as ``lca run`` loads the written file.

    Parameters
    ----------
    hardware, count, hours, region, pue, utilization, kind, requests, flags
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
    text = estimate_study(hardware, count, hours, region, pue, utilization, kind=kind, requests=requests, flags=flags)
    with tempfile.TemporaryDirectory(prefix="lca-estimate-") as folder:
        path = Path(folder) / "estimate.toml"
        path.write_text(text, encoding="utf-8")
        return load_study(path)
