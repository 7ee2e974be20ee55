"""Parse a study's ``[allocation]``, ``[lineage.*]`` and ``[infrastructure.*]`` tables into
the immutable records of :mod:`lca.model.allocation`, once, at load time, checking every name
and dimension (errors name the file and key). :func:`lca.load.study.load_study` calls
:func:`parse_allocation`; its result is ``model.allocation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import AllocationError, FileFormatError
from ..model.allocation import (
    INFRASTRUCTURE_KEYS,
    KEY_UNITS,
    KINDS,
    RULES,
    AllocationSpec,
    Demand,
    Infrastructure,
    Lineage,
    Node,
    build_lineage,
    check_rule,
)
from ..model.frozen import FrozenDict
from ..model.quantity import QuantityExpr, read_quantity
from ..model.records import Model
from .parameters import parameter_quantities
from .tables import check_keys, named_tables, string

_ALLOCATION_KEYS = {"rules", "rule", "multioutput", "comment", "source"}
_NODE_KEYS = {"name", "parent", "kind", "demand", "queries", "tokens", "compute", "value",
              "expected_adaptations", "source", "comment"}
_INFRA_KEYS = {"name", "demand", "key", "capacity", "users", "source", "comment"}


def parse_allocation(data: Mapping[str, Any], model: Model) -> AllocationSpec | None:
    """The allocation tables of a study file over the loaded model.

    Parameters
    ----------
    data : mapping
        The study file's TOML.
    model : Model
        The model loaded from it (parameters, processes), against which names and dimensions
        are checked.

    Returns
    -------
    AllocationSpec or None
        The parsed tables; None when the study has neither a lineage nor shared infrastructure.

    Raises
    ------
    FileFormatError, AllocationError, UnitError
        If a table has an unknown key, names an unknown node, process or rule, or an amount has
        the wrong dimension.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.load.resources import shipped
    >>> from lca.load.tables import read_toml
    >>> path = shipped("lca:scenarios/pretrain_adapt.toml")
    >>> model = load_study(path)
    >>> spec = parse_allocation(read_toml(path), model)
    >>> spec.lineage.order == model.allocation.lineage.order, spec.rule_parameter, spec.lineage.nodes["chat"].parent
    (True, 'lineage_rule', 'bloomz')
    >>> parse_allocation({}, model) is None
    True
    """
    if not data.get("lineage") and not data.get("infrastructure"):
        table = data.get("allocation")
        if table is not None:
            path = model.study.path
            check_keys(table, _ALLOCATION_KEYS, f"{path}: allocation")
            if any(key in table for key in ("rules", "rule")):
                raise FileFormatError(f"{path}: allocation: 'rules'/'rule' allocate a [lineage.*] or "
                                      "[infrastructure.*] table, and the study has neither")
        return None
    path = model.study.path
    quantities, choice_state = parameter_quantities(model)
    choices = {name: options for name, (options, _) in choice_state.items()}
    context = _Context(model, quantities, choice_state, path)
    table = named_tables(data, "allocation", path)
    check_keys(table, _ALLOCATION_KEYS, f"{path}: allocation")
    lineage = _read_lineage(named_tables(data, "lineage", path), context)
    rules = table.get("rules", list(RULES))
    if not isinstance(rules, list) or not rules or not all(isinstance(rule, str) for rule in rules):
        raise FileFormatError.at(path, "allocation.rules: expected a non-empty list of rule names")
    rule_parameter = string(table, "rule", f"{path}: allocation")
    if rule_parameter is not None:
        options = choices.get(rule_parameter)
        if options is None:
            raise FileFormatError.at(path, f"allocation.rule: {rule_parameter!r} is not a choice parameter "
                                  f"(declare [parameters.{rule_parameter}] with options = [rule names])")
        for option in options:
            check_rule(option, f"{path}: parameters.{rule_parameter}.options")
    for rule in rules:
        if rule != rule_parameter:
            check_rule(rule, f"{path}: allocation.rules")
    infrastructure = tuple(_read_infrastructure(key, value, lineage, context)
                           for key, value in named_tables(data, "infrastructure", path).items())
    return AllocationSpec(path, tuple(rules), rule_parameter, lineage, infrastructure, FrozenDict(choices))


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
            raise FileFormatError.at(where, "expected a table {product = amount, ...} naming what this "
                                  "item's footprint is made of")
        items = []
        for key, amount in raw.items():
            product = self.model.products.get(key)
            if product is None and key in self.model.processes:
                product = self.model.products[self.model.processes[key].reference_product]
            if product is None:
                raise AllocationError.at(f"{where}.{key}", f"no process makes {key!r}")
            items.append((key, self.quantity(amount, product.unit_text, f"{where}.{key}")))
        return Demand(tuple(items), where)


def _read_lineage(tables: Mapping[str, Any], context: _Context) -> Lineage:
    nodes: dict[str, Node] = {}
    for key, table in tables.items():
        where = f"{context.path}: lineage.{key}"
        check_keys(table, _NODE_KEYS, where)
        parent = string(table, "parent", where)
        keys = {name: context.quantity(table[name], KEY_UNITS[name], f"{where}.{name}")
                for name in ("queries", "tokens", "compute", "value") if name in table}
        expected = table.get("expected_adaptations")
        kind = table.get("kind")
        if kind is not None and kind not in KINDS:
            raise FileFormatError.at(f"{where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        nodes[key] = Node(
            id=key, name=str(table.get("name", key)), kind=kind, parent=parent,
            demand=context.demand(table.get("demand"), f"{where}.demand"), keys=FrozenDict(keys),
            expected_adaptations=None if expected is None else
            context.quantity(expected, "", f"{where}.expected_adaptations"),
            where=where,
        )
    return build_lineage(nodes, f"{context.path}: lineage")


def _read_infrastructure(key: str, table: Any, lineage: Lineage, context: _Context) -> Infrastructure:
    where = f"{context.path}: infrastructure.{key}"
    check_keys(table, _INFRA_KEYS, where)
    capacity_table = check_keys(table.get("capacity", {}), set(INFRASTRUCTURE_KEYS), f"{where}.capacity")
    capacity = {name: context.quantity(raw, None, f"{where}.capacity.{name}") for name, raw in capacity_table.items()}
    if not capacity:
        raise FileFormatError.at(f"{where}.capacity", "give the capacity over the accounting period for at least "
                              f"one key ({', '.join(INFRASTRUCTURE_KEYS)})")
    key_name = table.get("key")
    if key_name is None and len(capacity) == 1:
        key_name = next(iter(capacity))
    if not isinstance(key_name, str):
        raise FileFormatError.at(f"{where}.key", f"name the allocation key ({', '.join(capacity)}) or a choice "
                              "parameter whose options are key names")
    options = context.choice_state.get(key_name, ((key_name,), key_name))[0]
    for option in options:
        if option not in capacity:
            raise AllocationError.at(f"{where}.key", f"{option!r} has no capacity (keys with a capacity: "
                                  f"{', '.join(capacity)})")
    users_table = table.get("users", {})
    if not isinstance(users_table, dict) or not users_table:
        raise FileFormatError.at(f"{where}.users", f"expected [infrastructure.{key}.users.NAME] tables")
    users = {}
    for user, keys in users_table.items():
        user_where = f"{where}.users.{user}"
        check_keys(keys, set(INFRASTRUCTURE_KEYS), user_where)
        users[user] = FrozenDict({
            name: context.quantity(raw, capacity[name].unit if name in capacity else None, f"{user_where}.{name}")
            for name, raw in keys.items()})
        for option in options:
            if option not in keys:
                raise AllocationError.at(user_where, f"allocation key {option!r} is not given for this user "
                                      "(every user needs every key the allocation may use)")
    return Infrastructure(key, str(table.get("name", key)), context.demand(table.get("demand"), f"{where}.demand"),
                          key_name, FrozenDict(capacity), FrozenDict(users), where)
