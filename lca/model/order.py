"""Dependency order of named records: parameters before the formulas that use them, lineage
parents before their children. The standard library's :mod:`graphlib` does the sorting, so
loading a study needs no graph package.

>>> dependency_order({"b": {"a"}, "a": set(), "c": {"a"}})
['a', 'b', 'c']
"""

from __future__ import annotations

import graphlib
import heapq
from typing import Iterable, Mapping


def dependency_order(predecessors: Mapping[str, Iterable[str]]) -> list[str]:
    """Every name after the names it depends on; among names free to go, the smallest first.

    The order is networkx's ``lexicographical_topological_sort``, so it does not depend on
    the order of the mapping. Names only mentioned as predecessors are included.

    Parameters
    ----------
    predecessors
        Each name with the names that must come before it.

    Returns
    -------
    list of str
        The names in dependency order.

    Raises
    ------
    graphlib.CycleError
        If names depend on each other in a cycle; ``error.args[1]`` is the cycle as a list of
        names that starts and ends with the same name, each one before the next.

    Examples
    --------
    >>> dependency_order({"total": {"energy", "pue"}, "energy": {"power"}, "pue": ()})
    ['power', 'energy', 'pue', 'total']
    >>> dependency_order({"x": {"y"}, "y": {"x"}})
    Traceback (most recent call last):
    graphlib.CycleError: ('nodes are in a cycle', ['x', 'y', 'x'])
    """
    sorter = graphlib.TopologicalSorter(predecessors)
    sorter.prepare()
    ready = list(sorter.get_ready())
    heapq.heapify(ready)
    order = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        sorter.done(name)
        for freed in sorter.get_ready():
            heapq.heappush(ready, freed)
    return order
