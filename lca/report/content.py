"""What a report shows, computed once (:func:`gather`): the deterministic result and its JSON,
energy use, embodied flows, interpretation, everyday equivalents, and, with samples,
Monte Carlo, sensitivity and allocation. Sections and figures only lay these numbers out.

>>> from lca import load_study
>>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"), ReportOptions(samples=200))
>>> round(content.results["impacts"]["climate_change"]["value"], 1), content.uncertainty.n
(553142.3, 200)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from ..allocation import allocate_study
from ..engine.calculate import LCAResult, Scores, compute, label
from ..engine.compile import CompiledModel, compile_model
from ..engine.energy import EnergyUse, energy_samples, source_energy
from ..engine.propagate import Progress, prepare
from ..model.frozen import FrozenDict
from ..model.records import Model
from ..serialize import uncertainty_records
from ..uncertainty.montecarlo import monte_carlo, sample_parameters
from ..uncertainty.sensitivity import one_at_a_time, sobol
from .equivalents import DEFAULT_PATH, WORLD, Comparison, choose, compare, load_equivalents, region_of
from .flows import EmbodiedFlows, active_graph, embodied_flows, running
from .interpretation import HOTSPOT_SHARE, Interpretation, interpret

if TYPE_CHECKING:
    import networkx as nx

CLIMATE = "climate_change"


def headline_category(categories) -> str | None:
    """The category the flow figure and the boundary weights follow.

    Parameters
    ----------
    categories : iterable of str
        The study's categories.

    Returns
    -------
    str or None
        Climate change when the study has it, else its first category (None: no category).

    Examples
    --------
    >>> headline_category(("water_consumption", "climate_change")), headline_category(("water_consumption",))
    ('climate_change', 'water_consumption')
    """
    return CLIMATE if CLIMATE in categories else next(iter(categories), None)


FORMATS = ("html", "md")
SOBOL_PARAMETERS = 10  # Sobol indices for the parameters with the widest one-at-a-time swings
SOBOL_BASE_SAMPLES = 1024


# The shipped grid mixes are processes ``electricity_<code>``, and a site's grid is
# ``site_electricity_<code>`` (lca.load.sites): their code names the country.
_GRID_PROCESS = re.compile(r"(?:^|_)electricity_([a-z]{2,3}(?:_[a-z0-9]+)?)$")

@dataclass(frozen=True)
class ReportOptions:
    """What a report computes and writes (immutable); ``samples = 0`` skips Monte Carlo and sensitivity.

    Attributes
    ----------
    samples : int
        Monte Carlo iterations (0: deterministic report).
    seed : int
        The seed.
    sampler : str
        ``random``, ``lhs`` or ``sobol``.
    formats : tuple of str
        ``html`` and/or ``md``.
    threshold : float
        The share of a score above which a stage, process or flow is a hotspot.
    top : int
        How many processes the contribution figures show.
    equivalents : str
        The everyday-equivalents file (default: the shipped one).
    png : bool
        Also write each figure as a PNG (figures/NAME.png); SVG only by default.

    Examples
    --------
    >>> options = ReportOptions(samples=2000, formats=("md",))
    >>> options.samples, options.seed, options.formats
    (2000, 42, ('md',))
    """

    samples: int = 0
    seed: int = 42
    sampler: str = "random"
    formats: tuple[str, ...] = FORMATS
    threshold: float = HOTSPOT_SHARE
    top: int = 10
    equivalents: str = str(DEFAULT_PATH)
    png: bool = False


@dataclass(frozen=True)
class Uncertainty:
    """Monte Carlo samples of each category's score and their summaries, as in the JSON (immutable).

    Examples
    --------
    See :mod:`lca.report.content`.
    """

    samples: Mapping[str, np.ndarray]
    summaries: Mapping[str, Mapping[str, Any]]
    n: int
    seed: int
    sampler: str
    parameters: tuple[str, ...]
    energy_kwh: np.ndarray | None = None  # source energy per sample, when the study has energy carriers


@dataclass(frozen=True)
class Sensitivity:
    """One category's sensitivity in a report: one-at-a-time swings and/or Sobol indices (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"), ReportOptions(samples=200))
    >>> [row[0] for row in content.sensitivity.tornado]
    ['grid_intensity', 'chip_power', 'pue', 'duration']
    """

    category: str
    unit: str
    base: float
    tornado: tuple[tuple[str, float, float], ...] = ()  # (parameter, score at low, at high)
    sobol: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # parameter -> (S1, ST)
    method: str = ""
    # parameter -> ((S1 low, high), (ST low, high)), 95 % bootstrap intervals
    sobol_ci: Mapping[str, tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Allocation:
    """Scores of each allocation target under each rule, the ``lca allocate`` JSON (immutable).

    Examples
    --------
    See :func:`gather`: ``content.allocation`` is None for a study with nothing to allocate.
    """

    data: Mapping[str, Any]


@dataclass(frozen=True)
class StudyContent:
    """Everything a report shows, from one compiled model and one parameter point (immutable).

    ``results`` is the JSON written next to the report (the same as ``lca run --format json``);
    ``not_computed`` says which analyses were skipped and why.

    Examples
    --------
    >>> from lca import load_study
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> content.energy.total_kwh, content.uncertainty, dict(content.not_computed)["allocation"]
    (1289376.0, None, 'the study has no multi-output process or model lineage to allocate')
    """

    model: Model
    compiled: CompiledModel
    params: Mapping[str, Any]
    scores: Scores
    result: LCAResult
    results: Mapping[str, Any]  # the JSON written next to the report (== lca run --format json)
    energy: EnergyUse
    graph: nx.DiGraph  # processes that run, supplier -> consumer
    flows: EmbodiedFlows | None  # of the headline category (climate change when present)
    interpretation: Interpretation
    comparisons: tuple[Comparison, ...]
    uncertainty: Uncertainty | None
    sensitivity: Sensitivity | None
    allocation: Allocation | None
    not_computed: Mapping[str, str]  # analysis -> why not
    options: ReportOptions

    @property
    def names(self) -> Mapping[str, str]:
        return {p.id: p.name for p in self.model.processes.values()}

    @property
    def stages(self) -> Mapping[str, str]:
        return dict(zip(self.compiled.processes, self.compiled.stages))

    def parameter_label(self, name: str) -> str:
        return parameter_label(self.model, name)


_IMPLICIT = re.compile(r"^~(?P<owner>[a-z0-9_]+)\.(?P<kind>technosphere|biosphere|amount)(\[(?P<index>\d+)\])?$")


def parameter_label(model: Model, name: str) -> str:
    """A reader's name for a parameter: its description when the study gives one; uncertain
    exchanges and factors (implicit parameters, ``~chip.biosphere[0]``) are named after their
    process and flow.

    Parameters
    ----------
    model : Model
        The study.
    name : str
        A parameter name, possibly implicit.

    Returns
    -------
    str
        The name to show.

    Examples
    --------
    >>> from lca import load_study
    >>> gpt3 = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> parameter_label(gpt3, "pue") == (gpt3.parameters["pue"].description or "pue")
    True
    """
    match = _IMPLICIT.match(name)
    if match is None or match["owner"] not in model.processes:
        if name.startswith("~") and "." in name:
            owner, _, flow = name[1:].partition(".")
            if owner in model.methods and flow in model.flows:
                return f"factor of {model.flows[flow].name} ({model.methods[owner].name})"
        parameter = model.parameters.get(name)
        # a study's own description reads better than its identifier (power_utilisation)
        return parameter.description if parameter is not None and parameter.description else name
    process = model.processes[match["owner"]]
    if match["kind"] == "amount":
        return f"{process.name}: production amount"
    exchanges = process.technosphere if match["kind"] == "technosphere" else process.biosphere
    exchange = exchanges[int(match["index"])]
    target = model.flows[exchange.target].name if exchange.kind == "biosphere" else exchange.target
    return f"{process.name}: {target}"


def study_region(model: Model, result: LCAResult) -> str:
    """The country a study's equivalents should come from: its ``[study] region``, else the
    region of the grid that supplies most of its electricity (``site_electricity_ie``,
    ``electricity_us_va`` -> ``us``), else the ``grid_region`` it runs on, else ``"world"``.

    Parameters
    ----------
    model : Model
        The study.
    result : LCAResult
        Its result (the parameter values it was computed at).

    Returns
    -------
    str
        A lower-case ISO 3166 alpha-2 code or ``"world"``.

    Examples
    --------
    >>> from lca import calculate, load_study, with_parameters
    >>> flagship = load_study("lca:scenarios/llm_training_lifecycle.toml")
    >>> study_region(flagship, calculate(flagship)), study_region(flagship, calculate(with_parameters(flagship, {"grid_region": "ie"})))
    ('us', 'ie')

    Fine-tuned in Germany (217 kWh), served from Ireland (316 kWh):

    >>> two_sites = load_study("lca:scenarios/finetune_de_serve_ie.toml")
    >>> study_region(two_sites, calculate(two_sites))
    'ie'
    """
    declared = model.study.info.get("region")
    if isinstance(declared, str) and declared.strip():
        return region_of(declared.strip())
    # by_source lists the electricity processes by kWh, the largest first
    for process in result.energy.by_source if result.energy is not None else ():
        grid = _GRID_PROCESS.search(process)
        if grid is not None and region_of(grid.group(1)) != WORLD:
            return region_of(grid.group(1))
    grid = result.parameters.get("grid_region")
    return region_of(grid.value if grid is not None and isinstance(grid.value, str) else None)


def gather(model: Model, options: ReportOptions = ReportOptions(),
           progress: Callable[[str], None] | None = None,
           sample_progress: Callable[[str], Progress | None] | None = None) -> StudyContent:
    """Compute everything a report shows, from one compiled model and one parameter point.

    Parameters
    ----------
    model : Model
        The study.
    options : ReportOptions, optional
        What to compute (Monte Carlo and sensitivity only with ``samples > 0``).
    progress : callable (message), optional
        Told each step.
    sample_progress : callable (label) -> progress callback or None, optional
        Gives the ``(done, total)`` callback of each sampled step (``"monte carlo"``,
        ``"sobol"``), as :func:`lca.uncertainty.monte_carlo` takes it.

    Returns
    -------
    StudyContent
        The numbers of every section.

    Examples
    --------
    >>> from lca import load_study
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> [(h.kind, h.name) for h in content.interpretation.hotspots]
    [('stage', 'use'), ('process', 'datacenter_electricity'), ('flow', 'ghg_precharacterized_air')]
    """
    say = progress or (lambda message: None)
    compiled = compile_model(model)
    params = compiled.parameters.evaluate()
    scores = compute(compiled, params)
    result = label(compiled, scores, params)
    results = result.to_dict()
    not_computed: dict[str, str] = {}
    say("energy and contributions")
    supply = running(compiled, params, scores.supply)
    energy = source_energy(compiled, params, supply)
    graph = active_graph(compiled, params, supply)
    flows = None
    headline = headline_category(compiled.categories)
    if headline is not None:
        row = compiled.categories.index(headline)
        flows = embodied_flows(compiled, params, supply, scores.by_process[row] * (supply != 0), headline,
                                 compiled.category_units[row])
    uncertainty = sensitivity = None
    if options.samples > 0:
        say(f"Monte Carlo, {options.samples} samples")
        bar = sample_progress or (lambda label: None)
        uncertainty, results = _monte_carlo(compiled, results, options, not_computed, energy.assessed,
                                            bar("monte carlo"))
        say("sensitivity")
        sensitivity = _sensitivity(compiled, result, options, not_computed, bar)
    else:
        not_computed["uncertainty"] = "no Monte Carlo samples requested (run with --samples N)"
        not_computed["sensitivity"] = "needs Monte Carlo samples (run with --samples N)"
    say("allocation")
    allocation = _allocation(model, compiled, not_computed)
    comparisons = choose(compare({c: (i.value, i.unit) for c, i in result.impacts.items()},
                                 load_equivalents(options.equivalents)), study_region(model, result))
    return StudyContent(
        model=model, compiled=compiled, params=params, scores=scores, result=result,
        results=FrozenDict(results), energy=energy, graph=graph, flows=flows,
        interpretation=interpret(compiled, result, energy, set(graph), params, options.threshold, intervals=None if
                                 uncertainty is None else {c: (s["percentiles"]["2.5"], s["percentiles"]["97.5"])
                                                           for c, s in uncertainty.summaries.items()}),
        comparisons=comparisons, uncertainty=uncertainty, sensitivity=sensitivity, allocation=allocation,
        not_computed=FrozenDict(not_computed), options=options,
    )


def _monte_carlo(compiled: CompiledModel, results: dict, options: ReportOptions,
                 not_computed: dict[str, str], with_energy: bool,
                 progress: Progress | None = None) -> tuple[Uncertainty | None, dict]:
    """Samples for the figures, and the JSON exactly as ``lca run --samples`` writes it."""

    if not compiled.parameters.uncertain:
        not_computed["uncertainty"] = "no parameter, exchange or factor of this study has an uncertainty"
        return None, results
    # one run serves the figures and the JSON, which equals lca run --samples (same seed)
    mc = monte_carlo(compiled, options.samples, seed=options.seed, sampler=options.sampler, by_stage=True,
                     progress=progress)
    summaries = uncertainty_records(mc)
    results = dict(results)
    results["impacts"] = {c: {**i, "uncertainty": summaries[c]} if c in summaries else i
                          for c, i in results["impacts"].items()}
    energy = None
    if with_energy:

        energy = energy_samples(compiled, sample_parameters(compiled, options.samples, options.seed, options.sampler))
    return Uncertainty(
        samples=FrozenDict({c: mc.samples(c) for c in mc.categories}),
        summaries=FrozenDict(summaries), n=mc.n, seed=options.seed, sampler=options.sampler,
        parameters=mc.parameters, energy_kwh=energy,
    ), results


def _sensitivity(compiled: CompiledModel, result: LCAResult, options: ReportOptions,
                 not_computed: dict[str, str],
                 bar: Callable[[str], Progress | None] = lambda label: None) -> Sensitivity | None:
    """Tornado (2.5th/97.5th percentiles, one parameter at a time) for every uncertain input,
    then Sobol indices of the most influential ones (the others held at their central values):
    screening first keeps the n (d + 2) Sobol evaluations affordable for large studies."""
    category = CLIMATE if CLIMATE in result.impacts else next(iter(result.impacts), None)
    if category is None or not compiled.parameters.uncertain:
        not_computed["sensitivity"] = "no uncertain parameter to vary"
        return None

    propagator = prepare(compiled)
    swings = one_at_a_time(propagator, categories=[category]).values[category]
    tornado = tuple((name, float(r["low"]), float(r["high"])) for name, r in swings.items())
    base = float(next(iter(swings.values()))["baseline"])
    influential = [name for name, r in swings.items() if r["swing"] != 0][:SOBOL_PARAMETERS]
    indices: dict[str, tuple[float, float]] = {}
    intervals: dict = {}
    method = "one at a time (2.5th and 97.5th percentiles)"
    if len(influential) >= 2:
        base_samples = min(options.samples, SOBOL_BASE_SAMPLES)
        values = sobol(propagator, base_samples, seed=options.seed, parameters=influential,
                       categories=[category], progress=bar("sobol")).values[category]
        indices = {name: (float(r["first_order"]), float(r["total"])) for name, r in values.items()}
        intervals = {name: (tuple(map(float, r["first_order_ci"])), tuple(map(float, r["total_ci"])))
                     for name, r in values.items()}
        method += (f"; Sobol indices (Saltelli) of the {len(influential)} most influential parameters, "
                   f"{1 << (base_samples - 1).bit_length()} base samples, the others at their central values")
    return Sensitivity(category, result.impacts[category].unit, base, tornado, FrozenDict(indices), method,
                       FrozenDict(intervals))


def _allocation(model: Model, compiled: CompiledModel, not_computed: dict[str, str]) -> Allocation | None:
    if model.allocation is None or not model.allocation.lineage.nodes:
        not_computed["allocation"] = "the study has no multi-output process or model lineage to allocate"
        return None

    return Allocation(FrozenDict(allocate_study(model, compiled=compiled).to_dict()))
