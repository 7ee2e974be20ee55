"""Where an impact travels through the supply chain: the score *embodied* in each process's
output and carried along each technosphere link towards the functional unit (the numbers a
Sankey diagram draws).

With supply (scaling) vector x, output q_k = A_kk x_k and direct impact d_i of process i, the
impact embodied in i's whole output is E_i = d_i + sum_k (-A_ki x_i) E_k / q_k: its own
emissions plus its share of each supplier's embodied impact. The link k -> i carries
(-A_ki x_i) E_k / q_k. In a loop-free system this is plain bookkeeping; with loops it is the
solution of the linear system (I - M) E = d, and the impact embodied in the final demand still
equals the score.

>>> from lca import load_study
>>> from lca.report import gather
>>> flows = gather(load_study("lca:scenarios/patterson2021_gpt3.toml")).flows
>>> {process: round(value, 1) for process, value in flows.embodied.items()}
{'training_run': 553142.3, 'datacenter_electricity': 553142.3}
>>> {link: round(value, 1) for link, value in flows.links.items()}
{('datacenter_electricity', 'training_run'): 553142.3}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..engine.compile import CompiledModel
from ..model.frozen import FrozenDict

if TYPE_CHECKING:
    import networkx as nx

# networkx is imported in the functions that draw the graph: the command line imports this
# module for every command, and networkx costs a fifth of a short `lca run`'s CPU to import.


@dataclass(frozen=True)
class EmbodiedFlows:
    """Impact of one category embodied in process outputs and carried along links (immutable).

    Attributes
    ----------
    category, unit : str
        The category and its unit.
    direct : mapping of str to float
        Emitted by each process itself.
    embodied : mapping of str to float
        In each process's whole output (direct + upstream).
    links : mapping of (str, str) to float
        (supplier, consumer) -> impact carried.
    roots : tuple of str
        The processes the functional unit demands.
    score : float
        The category score (= the impact embodied in the final demand).

    Examples
    --------
    See the module's example.
    """

    category: str
    unit: str
    direct: Mapping[str, float]  # emitted by the process itself
    embodied: Mapping[str, float]  # in the process's whole output (direct + upstream)
    links: Mapping[tuple[str, str], float]  # (supplier, consumer) -> impact carried
    roots: tuple[str, ...]  # processes the functional unit demands
    score: float  # the category score (= impact embodied in the final demand)


def running(compiled: CompiledModel, params: Mapping[str, Any], supply: np.ndarray) -> np.ndarray:
    """*supply* with exact zeros for processes the functional unit cannot reach through non-zero inputs.

    LU round-off leaves 1e-15 there; a switched-off option is not in the system.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to float
        Root-unit parameter values.
    supply : numpy.ndarray
        The supply at *params*.

    Returns
    -------
    numpy.ndarray
        The cleaned supply.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> from lca.engine.calculate import compute
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate()
    >>> running(compiled, params, compute(compiled, params).supply)
    array([1.000000e+00, 1.289376e+06])
    """
    import networkx as nx

    matrix = sp.coo_matrix(compiled.technosphere.matrix(params))
    links = (matrix.row != matrix.col) & (matrix.data != 0)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(compiled.processes)))
    graph.add_edges_from(zip(matrix.row[links].tolist(), matrix.col[links].tolist()))
    reached = set()
    for root in np.flatnonzero(compiled.demand_vector(params)):
        reached |= nx.ancestors(graph, int(root)) | {int(root)}
    mask = np.zeros(len(supply), dtype=bool)
    mask[list(reached)] = True
    return np.where(mask, supply, 0.0)


def active_graph(compiled: CompiledModel, params: Mapping[str, Any], supply: np.ndarray) -> nx.DiGraph:
    """The processes that run, as a supplier -> consumer graph.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to float
        Root-unit parameter values.
    supply : numpy.ndarray
        The supply (see :func:`running`).

    Returns
    -------
    networkx.DiGraph
        Processes with non-zero supply and the links between them.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> from lca.engine.calculate import compute
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate()
    >>> list(active_graph(compiled, params, compute(compiled, params).supply).edges)
    [('datacenter_electricity', 'training_run')]
    """
    import networkx as nx

    matrix = sp.coo_matrix(compiled.technosphere.matrix(params))
    graph = nx.DiGraph()
    for j in np.flatnonzero(supply):
        graph.add_node(compiled.processes[j], stage=compiled.stages[j], index=int(j))
    for k, i, a in zip(matrix.row, matrix.col, matrix.data):
        if k != i and a != 0 and supply[i] != 0 and supply[k] != 0:
            graph.add_edge(compiled.processes[k], compiled.processes[i], amount=float(-a * supply[i]))
    return graph


def demanded(compiled: CompiledModel, params: Mapping[str, Any]) -> tuple[str, ...]:
    """The processes the functional unit demands directly.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to float
        Root-unit parameter values.

    Returns
    -------
    tuple of str
        Their ids.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> demanded(compiled, compiled.parameters.evaluate())
    ('training_run',)
    """

    demand = compiled.demand_vector(params)
    return tuple(compiled.processes[i] for i in np.flatnonzero(demand))


def embodied_flows(compiled: CompiledModel, params: Mapping[str, Any], supply: np.ndarray,
                   direct: np.ndarray, category: str, unit: str) -> EmbodiedFlows:
    """Embodied impact per process and per link for one category.

    Parameters
    ----------
    compiled : CompiledModel
        The compiled study.
    params : mapping of str to float
        Root-unit parameter values.
    supply : numpy.ndarray
        The supply at *params*.
    direct : numpy.ndarray
        The category's row of per-process contributions (``Scores.by_process[row]``).
    category, unit : str
        The category and its unit.

    Returns
    -------
    EmbodiedFlows
        Embodied impacts and link flows; the impact embodied in the final demand equals the score.

    Examples
    --------
    See the module's example.
    """
    active = np.flatnonzero(supply)
    position = {int(j): n for n, j in enumerate(active)}
    matrix = sp.coo_matrix(compiled.technosphere.matrix(params))
    output = matrix.tocsc().diagonal() * supply
    rows, cols, vals = [], [], []
    for k, i, a in zip(matrix.row, matrix.col, matrix.data):
        if k != i and a != 0 and k in position and i in position:
            rows.append(position[int(i)])
            cols.append(position[int(k)])
            vals.append(-a * supply[i] / output[k])
    size = len(active)
    share = sp.csc_matrix((vals, (rows, cols)), shape=(size, size))
    system = sp.identity(size, format="csc") - share
    embodied = np.atleast_1d(spla.spsolve(system, direct[active])) if size else np.zeros(0)
    labels = [compiled.processes[j] for j in active]
    links = {}
    for r, c, v in zip(rows, cols, vals):
        links[(labels[c], labels[r])] = float(v * embodied[c])
    demand = compiled.demand_vector(params)
    score = float(sum(embodied[position[int(k)]] * demand[k] / output[k] for k in np.flatnonzero(demand)
                      if int(k) in position))
    return EmbodiedFlows(
        category=category, unit=unit,
        direct=FrozenDict({p: float(direct[j]) for p, j in zip(labels, active)}),
        embodied=FrozenDict(dict(zip(labels, map(float, embodied)))),
        links=FrozenDict(links), roots=demanded(compiled, params), score=score,
    )


def depths(graph: nx.DiGraph) -> dict[str, int]:
    """The column of each node in a left-to-right drawing.

    The longest path from it to a process nothing consumes (the functional unit, column 0);
    loops share their component's column.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supplier -> consumer.

    Returns
    -------
    dict of str to int
        Node -> column.

    Examples
    --------
    >>> import networkx as nx
    >>> depths(nx.DiGraph([("grid", "fab"), ("fab", "gpu"), ("gpu", "training"), ("grid", "training")]))
    {'grid': 3, 'fab': 2, 'gpu': 1, 'training': 0}
    """
    import networkx as nx

    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    depth: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        successors = list(condensed.successors(component))
        depth[component] = 1 + max((depth[s] for s in successors), default=-1)
    return {node: depth[members[node]] for node in graph}


def condense(graph: nx.DiGraph, keep: set[str], group_of: Mapping[str, str]) -> nx.DiGraph:
    """The graph with every node outside *keep* merged into its group.

    Links between merged nodes of one group disappear, parallel links become one.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supplier -> consumer.
    keep : set of str
        Nodes kept as they are.
    group_of : mapping of str to str
        The group of every other node.

    Returns
    -------
    networkx.DiGraph
        The condensed graph.

    Examples
    --------
    >>> import networkx as nx
    >>> graph = nx.DiGraph([("copper", "board"), ("gold", "board"), ("board", "gpu")])
    >>> sorted(condense(graph, {"board", "gpu"}, {"copper": "metals", "gold": "metals"}).edges)
    [('board', 'gpu'), ('metals', 'board')]
    """
    import networkx as nx

    def target(node: str) -> str:
        return node if node in keep else group_of[node]

    out = nx.DiGraph()
    out.add_nodes_from(target(n) for n in graph)
    out.add_edges_from((target(a), target(b)) for a, b in graph.edges if target(a) != target(b))
    return out


FUNCTIONAL_UNIT = "functional unit"  # the Sankey's last node (no process id has a space)


@dataclass(frozen=True)
class SankeyNodes:
    """What a Sankey draws: nodes standing for one process or a group, the links between them and
    what they exchange with processes not drawn, so that every node balances (immutable).

    For every node, ``value = direct + inflow from drawn nodes + hidden_in = outflow to drawn
    nodes (and the functional unit) + hidden_out``; the functional unit's inflow plus its
    ``hidden_in`` is the score. Nothing is dropped silently: what processes not drawn carry
    arrives as ``hidden_in``.

    Attributes
    ----------
    value : mapping of str to float
        Node -> the impact passing through it (a process's embodied impact; for a group, its
        members' own emissions plus what enters the group from outside).
    direct : mapping of str to float
        Node -> its members' own emissions.
    members : mapping of str to tuple of str
        Node -> the processes it stands for.
    links : mapping of (str, str) to float
        (supplier node, consumer node or :data:`FUNCTIONAL_UNIT`) -> impact carried.
    hidden_in, hidden_out : mapping of str to float
        Node -> impact from / to processes that are not drawn.

    Examples
    --------
    See :func:`sankey_nodes`.
    """

    value: Mapping[str, float]
    direct: Mapping[str, float]
    members: Mapping[str, tuple[str, ...]]
    links: Mapping[tuple[str, str], float]
    hidden_in: Mapping[str, float]
    hidden_out: Mapping[str, float]


def sankey_nodes(flows: EmbodiedFlows, groups: Mapping[str, tuple[str, ...]]) -> SankeyNodes:
    """The nodes of a Sankey: each group of processes (often one) becomes a node; links inside
    a group vanish, and links to or from processes in no group are summed per node as hidden.

    Parameters
    ----------
    flows : EmbodiedFlows
        :func:`embodied_flows` of one category.
    groups : mapping of str to tuple of str
        Node -> the processes it stands for; a process belongs to at most one node.

    Returns
    -------
    SankeyNodes
        Balanced nodes and links, the functional unit included.

    Examples
    --------
    The grid (300 kg) is drawn on its own; fab and chip are merged into one node whose
    internal link disappears:

    >>> flows = EmbodiedFlows("climate_change", "kg CO2-eq", {"grid": 300.0, "fab": 50.0, "chip": 10.0},
    ...                       {"grid": 300.0, "fab": 350.0, "chip": 360.0},
    ...                       {("grid", "fab"): 300.0, ("fab", "chip"): 350.0}, ("chip",), 360.0)
    >>> nodes = sankey_nodes(flows, {"grid": ("grid",), "chips": ("fab", "chip")})
    >>> dict(nodes.value)
    {'grid': 300.0, 'chips': 360.0, 'functional unit': 360.0}
    >>> dict(nodes.links)
    {('grid', 'chips'): 300.0, ('chips', 'functional unit'): 360.0}
    """
    node_of = {p: node for node, ps in groups.items() for p in ps}
    value = {node: sum(flows.direct.get(p, 0.0) for p in ps) for node, ps in groups.items()}
    direct = dict(value)
    hidden_in = dict.fromkeys(groups, 0.0)
    hidden_out = dict.fromkeys(groups, 0.0)
    links: dict[tuple[str, str], float] = {}
    for (supplier, consumer), carried in flows.links.items():
        source, target = node_of.get(supplier), node_of.get(consumer)
        if source == target:
            continue  # inside one node, or between two processes not drawn
        if target is not None:
            value[target] += carried
            if source is None:
                hidden_in[target] += carried
                continue
        if source is None:
            continue
        if target is None:
            hidden_out[source] += carried
        else:
            links[(source, target)] = links.get((source, target), 0.0) + carried
    delivered = 0.0
    for root in flows.roots:
        # what a demanded process delivers to the functional unit: its embodied impact less what others take
        share = flows.embodied.get(root, 0.0) - sum(v for (s, _), v in flows.links.items() if s == root)
        source = node_of.get(root)
        if source is not None and share != 0:
            links[(source, FUNCTIONAL_UNIT)] = links.get((source, FUNCTIONAL_UNIT), 0.0) + share
            delivered += share
    value[FUNCTIONAL_UNIT], direct[FUNCTIONAL_UNIT] = flows.score, 0.0
    hidden_in[FUNCTIONAL_UNIT], hidden_out[FUNCTIONAL_UNIT] = flows.score - delivered, 0.0
    return SankeyNodes(value=FrozenDict(value), direct=FrozenDict(direct),
                       members=FrozenDict({n: tuple(ps) for n, ps in groups.items()}), links=FrozenDict(links),
                       hidden_in=FrozenDict(hidden_in), hidden_out=FrozenDict(hidden_out))
