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
import scipy.sparse as sp
from scipy.sparse import csgraph


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
    off_diagonal = rows != cols
    # Supply flows from a consumer (column) to its providers (rows): edges consumer -> provider.
    consumers = np.asarray(cols, dtype=np.int64)[off_diagonal]
    providers = np.asarray(rows, dtype=np.int64)[off_diagonal]
    sources = np.unique(np.fromiter((int(r) for r in demand_rows), dtype=np.int64))
    if not len(sources):
        return SupplyOrder(np.zeros(0, dtype=np.int64), ())
    # One search from all demanded processes: a virtual root (index n_processes) supplies each.
    root = np.full(len(sources), n_processes, dtype=np.int64)
    edges = sp.csr_matrix((np.ones(len(consumers) + len(sources)),
                           (np.concatenate([consumers, root]), np.concatenate([providers, sources]))),
                          shape=(n_processes + 1, n_processes + 1))
    reached = np.sort(csgraph.breadth_first_order(edges, n_processes, directed=True, return_predecessors=False))
    reached = reached[reached < n_processes]
    sub = edges[reached][:, reached]
    n_components, label = csgraph.connected_components(sub, directed=True, connection="strong")
    # The condensation: one node per loop, an edge where any member uses another's product.
    sub = sub.tocoo()
    between = label[sub.row] != label[sub.col]
    condensed = sp.csr_matrix((np.ones(int(between.sum())), (label[sub.row[between]], label[sub.col[between]])),
                              shape=(n_components, n_components))
    condensed.sum_duplicates()
    members = np.argsort(label, kind="stable")  # positions in *reached*, grouped by component
    bounds = np.searchsorted(label[members], np.arange(n_components + 1))
    in_degree = np.diff(condensed.tocsc().indptr)
    frontier = np.flatnonzero(in_degree == 0)
    generations = []
    while len(frontier):
        components = [reached[members[bounds[c]:bounds[c + 1]]] for c in frontier]  # sorted, as reached is
        components.sort(key=lambda component: int(component[0]))
        generations.append(tuple(components))
        successors = condensed[frontier].indices
        in_degree = in_degree - np.bincount(successors, minlength=n_components)
        frontier = np.unique(successors[in_degree[successors] == 0])
    return SupplyOrder(reached.astype(np.int64), tuple(generations))
