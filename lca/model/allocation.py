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
from typing import Any, Mapping

from ..errors import AllocationError
from .frozen import FrozenDict
from .order import dependency_order
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
    """Products (or processes) and amounts whose LCA is a lineage node's or a facility's own footprint.

    Examples
    --------
    >>> from lca.model.quantity import read_quantity
    >>> demand = Demand((("training_run", read_quantity(1, "item", {}, {}, "lineage.base.demand")),), "lineage.base")
    >>> [(product, float(amount.value({}))) for product, amount in demand.items]
    [('training_run', 1.0)]
    """

    items: tuple[tuple[str, QuantityExpr], ...]
    where: str


@dataclass(frozen=True)
class Node:
    """One model or task of a lineage (``kind`` None: inferred from its place by :func:`build_lineage`).

    Attributes
    ----------
    id, name : str
        Identifier and display name.
    parent : str or None
        The node it was adapted from (None: a base model).
    kind : {"base_model", "adaptation", "deployed_model", "task"} or None
        Its role in the lineage.
    demand : Demand
        What its own footprint is the LCA of (pretraining, a fine-tuning run, ...).
    keys : mapping of str to QuantityExpr
        Allocation keys: ``queries``, ``tokens``, ``compute``, ``value``.
    expected_adaptations : QuantityExpr or None
        For the ``amortized`` rule: how many adaptations the parent's footprint is spread over.

    Examples
    --------
    >>> Node("chat", parent="base").kind is None
    True
    """

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
    """A forest of model lineage nodes; ``order`` lists parents before children (immutable).

    Examples
    --------
    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base"),
    ...                          "code": Node("code", parent="base")})
    >>> lineage.order, lineage.roots, lineage.leaves
    (('base', 'chat', 'code'), ('base',), ('chat', 'code'))
    """

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
    """Shared infrastructure whose footprint over an accounting period is split among its users.

    Attributes
    ----------
    demand : Demand
        The facility's footprint over the period (servers, building, idle electricity, ...).
    key : str
        The key it is shared by (``wall_time``, ``gpu_hours``, ``energy``,
        ``reserved_capacity``), or a choice parameter whose options are key names.
    capacity : mapping of str to QuantityExpr
        The facility's capacity in each key; capacity no user takes is the idle remainder.
    users : mapping of str to mapping of str to QuantityExpr
        Each user's use, by key.

    Examples
    --------
    >>> from lca.model.quantity import read_quantity
    >>> hours = lambda n: read_quantity(n, "GPUh", {}, {}, "infrastructure.dc")
    >>> dc = Infrastructure("dc", "GPU partition", Demand((), "infrastructure.dc"), "gpu_hours",
    ...                     {"gpu_hours": hours(1000)}, {"job": {"gpu_hours": hours(850)}}, "infrastructure.dc")
    >>> float(dc.users["job"]["gpu_hours"].value({}) / dc.capacity["gpu_hours"].value({}))
    0.85
    """

    id: str
    name: str
    demand: Demand
    key: str  # a key name, or a choice parameter whose options are key names
    capacity: Mapping[str, QuantityExpr]
    users: Mapping[str, Mapping[str, QuantityExpr]]
    where: str


@dataclass(frozen=True)
class AllocationSpec:
    """A study's allocation tables, parsed at load time (:func:`lca.load.allocation.parse_allocation`).

    Attributes
    ----------
    path : str
        The study file the tables come from, for messages.
    rules : tuple of str
        The lineage rules ``lca allocate`` reports (``[allocation] rules``).
    rule_parameter : str or None
        A choice parameter whose options are rules, so Monte Carlo can vary the rule.
    lineage : Lineage
        The model lineage.
    infrastructure : tuple of Infrastructure
        Shared facilities.
    choices : mapping of str to tuple of str
        The options of the choice parameters the tables read.

    Examples
    --------
    >>> from lca import load_study
    >>> spec = load_study("lca:scenarios/pretrain_adapt.toml").allocation
    >>> spec.rules
    ('equal', 'queries', 'tokens', 'compute', 'economic', 'amortized')
    >>> spec.lineage.roots, [(i.id, i.key) for i in spec.infrastructure]
    (('bloom_base',), [('a100_partition', 'partition_key')])
    >>> [product for product, _ in spec.lineage.nodes["bloom_base"].demand.items]
    ['bloom_final_training', 'bloom_failed_runs', 'bloom_hp_search', 'bloom_experiments']
    """

    path: str
    rules: tuple[str, ...]
    rule_parameter: str | None
    lineage: Lineage
    infrastructure: tuple[Infrastructure, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def check_rule(rule: Any, where: str) -> str:
    """A lineage allocation rule, checked against :data:`RULES`.

    Parameters
    ----------
    rule : object
        The rule as a file or argument gives it.
    where : str
        The file and item, for the message.

    Returns
    -------
    str
        *rule*.

    Raises
    ------
    AllocationError
        If it is not a rule.

    Examples
    --------
    >>> check_rule("queries", "--rule")
    'queries'
    >>> check_rule("revenue", "--rule")
    Traceback (most recent call last):
    lca.errors.AllocationError: --rule: unknown allocation rule 'revenue' (rules: equal, queries, tokens, compute, economic, amortized)
    """

    if rule not in RULE_KEYS:
        raise AllocationError.at(where, f"unknown allocation rule {rule!r} (rules: {', '.join(RULES)})")
    return rule


def build_lineage(nodes: Mapping[str, Node], where: str = "lineage") -> Lineage:
    """A :class:`Lineage` from nodes that name their parents.

    Parameters
    ----------
    nodes : mapping of str to Node
        The nodes by id.
    where : str, optional
        The file and table, for error messages.

    Returns
    -------
    Lineage
        The nodes (kinds inferred where not given), their children, and an order that lists
        parents before children.

    Raises
    ------
    AllocationError
        If a parent is not a node or parents form a cycle.

    Examples
    --------
    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
    >>> lineage.children["base"], lineage.nodes["chat"].kind
    (('chat',), 'task')
    >>> build_lineage({"a": Node("a", parent="b"), "b": Node("b", parent="a")})
    Traceback (most recent call last):
    lca.errors.AllocationError: lineage: parents form a cycle (...)
    """
    nodes = dict(nodes)
    for node in nodes.values():
        if node.parent is not None and node.parent not in nodes:
            raise AllocationError.at(f"{node.where}.parent", f"no lineage node {node.parent!r}")
    try:
        order = tuple(dependency_order({n.id: () if n.parent is None else (n.parent,) for n in nodes.values()}))
    except graphlib.CycleError as exc:
        cycle = " -> ".join(exc.args[1][:-1])  # each node the parent of the next
        raise AllocationError.at(where, f"parents form a cycle ({cycle})") from None
    children = {n: tuple(c for c in order if nodes[c].parent == n) for n in order}
    for node in list(nodes.values()):  # kinds not declared follow from the node's place
        if node.kind is None:
            kind = "base_model" if node.parent is None else "deployed_model" if children[node.id] else "task"
            nodes[node.id] = replace(node, kind=kind)
    return Lineage(FrozenDict(nodes), FrozenDict(children), order)
