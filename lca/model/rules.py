"""Pure rules over the model records: which process provides an exchange, when a formula is an
intensity, the order of lifecycle stages, the supply chain (as the processes upstream of a
demand, and as a graph).

>>> stage_key("use") < stage_key("end_of_life") < stage_key("custom")
True
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Iterable

import pint

from ..errors import AmbiguousProviderError, MissingProviderError, ModelError
from .records import STAGES, Amount, Exchange, Model

if TYPE_CHECKING:
    import networkx as nx


def resolve_provider(model: Model, exchange: Exchange) -> str:
    """The process that supplies a technosphere exchange's product.

    Parameters
    ----------
    model : Model
        The model the exchange belongs to.
    exchange : Exchange
        A technosphere exchange; its ``provider`` (if any) chooses among several makers.

    Returns
    -------
    str
        The id of the providing process.

    Raises
    ------
    MissingProviderError
        If no process makes the product (with close names as a hint), or the named provider is
        not a process.
    AmbiguousProviderError
        If several processes make it and the exchange names none.
    ModelError
        If the named provider makes another product.

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> [resolve_provider(model, e) for e in model.processes["training_run"].technosphere]
    ['datacenter_electricity']
    """
    provider = exchange.provider  # read once: this runs for every input, in validation and the compile
    if provider is not None:
        process = model.processes.get(provider)
        if process is None:
            raise MissingProviderError.at(exchange.where, f"provider {provider!r} is not a process")
        if process.reference_product != exchange.target:
            raise ModelError.at(exchange.where, f"provider {provider!r} makes "
                             f"{process.reference_product!r}, not {exchange.target!r}")
        return provider
    providers = model.providers(exchange.target)
    if not providers:
        close = difflib.get_close_matches(exchange.target, list(model.products), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise MissingProviderError.at(exchange.where, f"no process makes product {exchange.target!r}{hint}")
    if len(providers) > 1:
        raise AmbiguousProviderError.at(exchange.where, f"several processes make {exchange.target!r} "
                                     f"({', '.join(providers)}); choose one with 'provider = \"...\"'")
    return providers[0]


def is_intensity(result: pint.Unit, declared: pint.Unit, production: Amount | None) -> bool:
    """Whether a formula giving *result* states an amount per unit of the reference product.

    ``grid_intensity`` in kg CO2-eq/kWh on an exchange declared in kg CO2-eq of a process that
    makes kWh is an intensity: it is multiplied by the production amount.

    Parameters
    ----------
    result : pint.Unit
        The unit the formula gives.
    declared : pint.Unit
        The unit the exchange declares.
    production : Amount or None
        The process's production amount (None: not a process exchange).

    Returns
    -------
    bool
        True if *result* is *declared* per unit of production.

    Examples
    --------
    >>> from lca.model.records import Amount
    >>> from lca.units import parse_unit
    >>> kwh = Amount(1.0, None, parse_unit("kWh"), "kWh")
    >>> is_intensity(parse_unit("kg CO2-eq/kWh"), parse_unit("kg CO2-eq"), kwh)
    True
    >>> is_intensity(parse_unit("kg CO2-eq"), parse_unit("kg CO2-eq"), kwh)
    False
    """
    if production is None or production.value is None:
        return False
    return result.dimensionality == (declared / production.unit).dimensionality \
        and result.dimensionality != declared.dimensionality


def stage_key(stage: str) -> tuple[int, str]:
    """Sort key of lifecycle stages: cradle to grave, then custom stages by name.

    Parameters
    ----------
    stage : str
        A stage of :data:`~lca.model.records.STAGES` or a custom stage.

    Returns
    -------
    tuple of (int, str)
        The key; sorting by it puts extraction first and end of life after use.

    Examples
    --------
    >>> sorted(["end_of_life", "training", "use", "extraction"], key=stage_key)
    ['extraction', 'use', 'end_of_life', 'training']
    """
    return (STAGES.index(stage) if stage in STAGES else len(STAGES), stage)


def technosphere_graph(model: Model) -> nx.DiGraph:
    """The supply chain as a directed graph: an edge provider -> consumer per input.

    Parameters
    ----------
    model : Model
        A loaded model.

    Returns
    -------
    networkx.DiGraph
        One node per process (attributes ``stage``, ``name``), one edge per technosphere input
        (attribute ``product``).

    Raises
    ------
    MissingProviderError, AmbiguousProviderError
        If an input cannot be resolved to one provider.

    Examples
    --------
    >>> import networkx as nx
    >>> from lca import load_study
    >>> graph = technosphere_graph(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> sorted(nx.ancestors(graph, "training_run"))
    ['datacenter_electricity']
    """
    # networkx costs a fifth of a short run's CPU to import, and loading and calculating a
    # study do not need it (upstream() is the walk they use): imported here, for callers of this.
    import networkx as nx

    graph = nx.DiGraph()
    for process in model.processes.values():
        graph.add_node(process.id, stage=process.stage, name=process.name)
    for process in model.processes.values():
        for exchange in process.technosphere:
            provider = resolve_provider(model, exchange)
            graph.add_edge(provider, process.id, product=exchange.target)
    return graph


def upstream(model: Model, processes: Iterable[str]) -> set[str]:
    """*processes* and every process that supplies them, directly or further up the chain.

    Parameters
    ----------
    model
        The model whose providers are followed (:func:`resolve_provider`).
    processes
        Ids of the processes to start from.

    Returns
    -------
    set of str
        The ids reached, *processes* included; the same as their ancestors in
        :func:`technosphere_graph`, without building the graph.

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> sorted(upstream(model, ["training_run"]))
    ['datacenter_electricity', 'training_run']
    """
    reached = set(processes)
    waiting = list(reached)
    while waiting:
        for exchange in model.processes[waiting.pop()].technosphere:
            provider = resolve_provider(model, exchange)
            if provider not in reached:
                reached.add(provider)
                waiting.append(provider)
    return reached
