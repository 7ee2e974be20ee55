"""Read a scenario's ``[allocation]``, ``[lineage.*]`` and ``[infrastructure.*]`` tables into
immutable records, checking every name and dimension once (errors name the file and key).

>>> spec = read_spec(model)            # doctest: +SKIP
>>> spec.lineage.children["base_model"]  # doctest: +SKIP
('bloomz', 'code_adapter')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import networkx as nx

from ..errors import AllocationError, FileFormatError
from ..parameters import parameter_quantities
from ..tables import check_keys, named_tables, read_toml
from ..model import Model
from .quantity import QuantityExpr, read_quantity

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

_ALLOCATION_KEYS = {"rules", "rule", "multioutput", "comment", "source"}
_NODE_KEYS = {"name", "parent", "kind", "demand", "queries", "tokens", "compute", "value",
              "expected_adaptations", "source", "comment"}
_INFRA_KEYS = {"name", "demand", "key", "capacity", "users", "source", "comment"}
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


def read_spec(model: Model) -> AllocationSpec:
    """The allocation tables of *model*'s scenario file."""
    path = model.study.path
    data = read_toml(Path(path))
    quantities, choice_state = parameter_quantities(model)
    choices = {name: options for name, (options, _) in choice_state.items()}
    context = _Context(model, quantities, choice_state, path)
    table = named_tables(data, "allocation", path)
    check_keys(table, _ALLOCATION_KEYS, f"{path}: allocation")
    lineage = _read_lineage(named_tables(data, "lineage", path), context)
    if not lineage.nodes:
        raise AllocationError(f"{path}: no [lineage.*] table: nothing to allocate")
    rules = table.get("rules", list(RULES))
    if not isinstance(rules, list) or not rules:
        raise FileFormatError(f"{path}: allocation.rules: expected a non-empty list of rule names")
    rule_parameter = table.get("rule")
    if rule_parameter is not None:
        options = choices.get(rule_parameter)
        if options is None:
            raise FileFormatError(f"{path}: allocation.rule: {rule_parameter!r} is not a choice parameter "
                                  f"(declare [parameters.{rule_parameter}] with options = [rule names])")
        for option in options:
            check_rule(option, f"{path}: parameters.{rule_parameter}.options")
    for rule in rules:
        if rule != rule_parameter:
            check_rule(rule, f"{path}: allocation.rules")
    infrastructure = tuple(_read_infrastructure(key, value, lineage, context)
                           for key, value in named_tables(data, "infrastructure", path).items())
    return AllocationSpec(path, tuple(rules), rule_parameter, lineage, infrastructure, MappingProxyType(choices))


def check_rule(rule: Any, where: str) -> str:
    if rule not in RULE_KEYS:
        raise AllocationError(f"{where}: unknown allocation rule {rule!r} (rules: {', '.join(RULES)})")
    return rule


@dataclass(frozen=True)
class _Context:
    model: Model
    quantities: Mapping[str, Any]
    choice_state: Mapping[str, Any]
    path: str

    def quantity(self, raw: Any, unit: str | None, where: str) -> QuantityExpr:
        return read_quantity(raw, unit, self.quantities, self.choice_state, where)

    def demand(self, raw: Any, where: str) -> Demand:
        if not isinstance(raw, dict) or not raw:
            raise FileFormatError(f"{where}: expected a table {{product = amount, ...}} naming what this "
                                  "item's footprint is made of")
        items = []
        for key, amount in raw.items():
            product = self.model.products.get(key)
            if product is None and key in self.model.processes:
                product = self.model.products[self.model.processes[key].reference_product]
            if product is None:
                raise AllocationError(f"{where}.{key}: no process makes {key!r}")
            items.append((key, self.quantity(amount, product.unit_text, f"{where}.{key}")))
        return Demand(tuple(items), where)


def _read_lineage(tables: Mapping[str, Any], context: _Context) -> Lineage:
    nodes: dict[str, Node] = {}
    for key, table in tables.items():
        where = f"{context.path}: lineage.{key}"
        check_keys(table, _NODE_KEYS, where)
        parent = table.get("parent")
        keys = {name: context.quantity(table[name], KEY_UNITS[name], f"{where}.{name}")
                for name in ("queries", "tokens", "compute", "value") if name in table}
        expected = table.get("expected_adaptations")
        kind = table.get("kind")
        if kind is not None and kind not in KINDS:
            raise FileFormatError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
        nodes[key] = Node(
            id=key, name=str(table.get("name", key)), kind=kind, parent=parent,
            demand=context.demand(table.get("demand"), f"{where}.demand"), keys=MappingProxyType(keys),
            expected_adaptations=None if expected is None else
            context.quantity(expected, "", f"{where}.expected_adaptations"),
            where=where,
        )
    return build_lineage(nodes, f"{context.path}: lineage")


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
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((n.parent, n.id) for n in nodes.values() if n.parent is not None)
    try:
        order = tuple(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(edge[0] for edge in nx.find_cycle(graph))
        raise AllocationError(f"{where}: parents form a cycle ({cycle})") from None
    children = {n: tuple(sorted(graph.successors(n), key=order.index)) for n in order}
    for node in list(nodes.values()):  # kinds not declared follow from the node's place
        if node.kind is None:
            kind = "base_model" if node.parent is None else "deployed_model" if children[node.id] else "task"
            nodes[node.id] = replace(node, kind=kind)
    return Lineage(MappingProxyType(nodes), MappingProxyType(children), order)


def _read_infrastructure(key: str, table: Any, lineage: Lineage, context: _Context) -> Infrastructure:
    where = f"{context.path}: infrastructure.{key}"
    check_keys(table, _INFRA_KEYS, where)
    capacity_table = check_keys(table.get("capacity", {}), set(INFRASTRUCTURE_KEYS), f"{where}.capacity")
    capacity = {name: context.quantity(raw, None, f"{where}.capacity.{name}") for name, raw in capacity_table.items()}
    if not capacity:
        raise FileFormatError(f"{where}.capacity: give the capacity over the accounting period for at least "
                              f"one key ({', '.join(INFRASTRUCTURE_KEYS)})")
    key_name = table.get("key")
    if key_name is None and len(capacity) == 1:
        key_name = next(iter(capacity))
    if not isinstance(key_name, str):
        raise FileFormatError(f"{where}.key: name the allocation key ({', '.join(capacity)}) or a choice "
                              "parameter whose options are key names")
    options = context.choice_state.get(key_name, ((key_name,), key_name))[0]
    for option in options:
        if option not in capacity:
            raise AllocationError(f"{where}.key: {option!r} has no capacity (keys with a capacity: "
                                  f"{', '.join(capacity)})")
    users_table = table.get("users", {})
    if not isinstance(users_table, dict) or not users_table:
        raise FileFormatError(f"{where}.users: expected [infrastructure.{key}.users.NAME] tables")
    users = {}
    for user, keys in users_table.items():
        user_where = f"{where}.users.{user}"
        check_keys(keys, set(INFRASTRUCTURE_KEYS), user_where)
        users[user] = MappingProxyType({
            name: context.quantity(raw, capacity[name].unit if name in capacity else None, f"{user_where}.{name}")
            for name, raw in keys.items()})
        for option in options:
            if option not in keys:
                raise AllocationError(f"{user_where}: allocation key {option!r} is not given for this user "
                                      "(every user needs every key the allocation may use)")
    return Infrastructure(key, str(table.get("name", key)), context.demand(table.get("demand"), f"{where}.demand"),
                          key_name, MappingProxyType(capacity), MappingProxyType(users), where)
