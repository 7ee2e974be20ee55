"""The shape of a supply chain, for solving it fast: which processes a demand reaches, the
loops among them (strongly connected components) and the order in which to solve them.

A process's supply is known once the supplies of all its consumers are known (row r of
A s = f reads A[r, r] s_r = f_r - sum of A[r, c] s_c over its consumers c). So supply flows
along consumer -> provider edges. Over the condensation of that graph (each loop collapsed
to one node) the order is topological, and the components of one *generation* do not
depend on each other: they are solved together, vectorized.

>>> order = supply_order(np.array([0, 1, 1, 0]), np.array([0, 0, 1, 1]), 2, [0])
>>> [[c.tolist() for c in generation] for generation in order.generations]
[[[0, 1]]]
>>> order = supply_order(np.array([0, 1, 1]), np.array([0, 0, 1]), 2, [0])
>>> [[c.tolist() for c in generation] for generation in order.generations]
[[[0]], [[1]]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass(frozen=True)
class SupplyOrder:
    """Processes a demand reaches, as generations of components in solving order.

    Each component is a sorted array of process indices; a component of one process is
    acyclic there (apart from its own production), a larger one is a loop. Components and
    generations are in a deterministic order (by smallest member).

    Examples
    --------
    >>> order = supply_order(np.array([0, 1, 2, 1]), np.array([0, 1, 2, 0]), 3, [0])
    >>> order.reached.tolist(), [[c.tolist() for c in g] for g in order.generations]
    ([0, 1], [[[0]], [[1]]])
    """

    reached: np.ndarray  # sorted process indices
    generations: tuple[tuple[np.ndarray, ...], ...]


def supply_order(rows: np.ndarray, cols: np.ndarray, n_processes: int,
                 demand_rows: Iterable[int]) -> SupplyOrder:
    """Order the processes that *demand_rows* reach through technosphere entries (rows, cols).

    Parameters
    ----------
    rows, cols : numpy.ndarray
        The positions of the technosphere entries (an entry in row r, column c: process c uses
        the product of process r).
    n_processes : int
        The number of processes.
    demand_rows : iterable of int
        The processes the demand names.

    Returns
    -------
    SupplyOrder
        The reached processes and their components, generation by generation, consumers first.

    Examples
    --------
    >>> supply_order(np.array([0, 1]), np.array([0, 1]), 2, [1]).reached.tolist()
    [1]
    """
    # Only the Monte Carlo planner needs this, and networkx costs a fifth of a deterministic
    # run's CPU to import, so it is imported here rather than with the engine.
    import networkx as nx

    off_diagonal = rows != cols
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n_processes))
    graph.add_edges_from(zip(cols[off_diagonal].tolist(), rows[off_diagonal].tolist()))
    sources = sorted({int(r) for r in demand_rows})
    graph.add_node("demand")
    graph.add_edges_from(("demand", process) for process in sources)  # one search from all
    reached = nx.descendants(graph, "demand")
    graph.remove_node("demand")
    condensed = nx.condensation(graph.subgraph(reached))
    generations = []
    for generation in nx.topological_generations(condensed):
        components = [np.array(sorted(condensed.nodes[c]["members"]), dtype=np.int64) for c in generation]
        components.sort(key=lambda members: int(members[0]))
        generations.append(tuple(components))
    return SupplyOrder(np.array(sorted(reached), dtype=np.int64), tuple(generations))
