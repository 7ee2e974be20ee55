"""Allocation records: a study's model lineage, shared infrastructure and allocation rules, as
parsed at load time from its ``[lineage.*]``, ``[infrastructure.*]`` and ``[allocation]`` tables
(see :mod:`lca.load.allocation`), and the pure rules over them.

>>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
>>> lineage.roots, lineage.leaves
(('base',), ('chat',))
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import AllocationError
from .order import dependency_order
from .quantity import QuantityExpr

# Lineage rules and the key each reads on the children of a node (None: no key).
RULE_KEYS: Mapping[str, str | None] = MappingProxyType({
    "equal": None,
    "queries": "queries",
    "tokens": "tokens",
    "compute": "compute",
    "economic": "value",
    "amortized": None,
})
RULES = tuple(RULE_KEYS)
KEY_UNITS = MappingProxyType({"queries": "query", "tokens": "token", "compute": None, "value": None})
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
        raise AllocationError(f"{where}: unknown allocation rule {rule!r} (rules: {', '.join(RULES)})")
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
            raise AllocationError(f"{node.where}.parent: no lineage node {node.parent!r}")
    try:
        order = tuple(dependency_order({n.id: () if n.parent is None else (n.parent,) for n in nodes.values()}))
    except graphlib.CycleError as exc:
        cycle = " -> ".join(exc.args[1][:-1])  # each node the parent of the next
        raise AllocationError(f"{where}: parents form a cycle ({cycle})") from None
    children = {n: tuple(c for c in order if nodes[c].parent == n) for n in order}
    for node in list(nodes.values()):  # kinds not declared follow from the node's place
        if node.kind is None:
            kind = "base_model" if node.parent is None else "deployed_model" if children[node.id] else "task"
            nodes[node.id] = replace(node, kind=kind)
    return Lineage(MappingProxyType(nodes), MappingProxyType(children), order)
