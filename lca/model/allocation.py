"""Allocation records: a study's model lineage, shared infrastructure and allocation rules, as
parsed at load time from its ``[lineage.*]``, ``[infrastructure.*]`` and ``[allocation]`` tables
(see :mod:`lca.load.allocation`), and the pure rules over them.

>>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
>>> lineage.roots, lineage.leaves
(('base',), ('chat',))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import networkx as nx

from ..errors import AllocationError
from .frozen import FrozenDict
from .quantity import QuantityExpr

# Lineage rules and the key each reads on the children of a node (None: no key).
RULE_KEYS: Mapping[str, str | None] = FrozenDict({
    "equal": None,
    "queries": "queries",
    "tokens": "tokens",
    "compute": "compute",
    "economic": "value",
    "amortized": None,
})
RULES = tuple(RULE_KEYS)
KEY_UNITS = FrozenDict({"queries": "query", "tokens": "token", "compute": None, "value": None})
INFRASTRUCTURE_KEYS = ("wall_time", "gpu_hours", "energy", "reserved_capacity")

KINDS = ("base_model", "adaptation", "deployed_model", "task")


@dataclass(frozen=True)
class Demand:
    """Products (or processes) and amounts whose LCA is a node's own footprint."""

    items: tuple[tuple[str, QuantityExpr], ...]
    where: str


@dataclass(frozen=True)
class Node:
    """One model or task of a lineage (``kind`` None: inferred from its place)."""

    id: str
    parent: str | None = None
    name: str = ""
    kind: str | None = None
    demand: Demand = Demand((), "")
    keys: Mapping[str, QuantityExpr] = field(default_factory=dict)  # queries, tokens, compute, value
    expected_adaptations: QuantityExpr | None = None
    where: str = "lineage"


@dataclass(frozen=True)
class Lineage:
    """A forest of model lineage nodes; ``order`` lists parents before children."""

    nodes: Mapping[str, Node]
    children: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]

    @property
    def leaves(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if not self.children[n])

    @property
    def roots(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if self.nodes[n].parent is None)


@dataclass(frozen=True)
class Infrastructure:
    """Shared infrastructure whose footprint over an accounting period is split among users."""

    id: str
    name: str
    demand: Demand
    key: str  # a key name, or a choice parameter whose options are key names
    capacity: Mapping[str, QuantityExpr]
    users: Mapping[str, Mapping[str, QuantityExpr]]
    where: str


@dataclass(frozen=True)
class AllocationSpec:
    path: str
    rules: tuple[str, ...]
    rule_parameter: str | None
    lineage: Lineage
    infrastructure: tuple[Infrastructure, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def check_rule(rule: Any, where: str) -> str:
    if rule not in RULE_KEYS:
        raise AllocationError.at(where, f"unknown allocation rule {rule!r} (rules: {', '.join(RULES)})")
    return rule


def build_lineage(nodes: Mapping[str, Node], where: str = "lineage") -> Lineage:
    """A :class:`Lineage` from nodes naming their parents (parents before children in ``order``).

    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
    >>> lineage.children["base"], lineage.nodes["chat"].kind
    (('chat',), 'task')
    """
    nodes = dict(nodes)
    for node in nodes.values():
        if node.parent is not None and node.parent not in nodes:
            raise AllocationError.at(f"{node.where}.parent", f"no lineage node {node.parent!r}")
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((n.parent, n.id) for n in nodes.values() if n.parent is not None)
    try:
        order = tuple(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(edge[0] for edge in nx.find_cycle(graph))
        raise AllocationError.at(where, f"parents form a cycle ({cycle})") from None
    children = {n: tuple(sorted(graph.successors(n), key=order.index)) for n in order}
    for node in list(nodes.values()):  # kinds not declared follow from the node's place
        if node.kind is None:
            kind = "base_model" if node.parent is None else "deployed_model" if children[node.id] else "task"
            nodes[node.id] = replace(node, kind=kind)
    return Lineage(FrozenDict(nodes), FrozenDict(children), order)
