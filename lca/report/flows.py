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
