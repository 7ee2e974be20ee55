"""Allocation down a model lineage: a base model's footprint (pretraining, failed runs,
search) is passed to the models adapted from it and on to their tasks, by one rule.

Rules: ``equal`` shares, or keys on the children (``queries``, ``tokens``, ``compute``,
``economic`` value); ``amortized`` spreads a parent over its *expected* number of
adaptations, the part of adaptations not (yet) made staying unallocated.
A key not given on a node is the sum over its children (a deployed model's queries are its
tasks' queries). A node with one child passes everything to it: there is nothing to allocate.

>>> import numpy as np
>>> from lca.model.allocation import Node, build_lineage
>>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base"),
...                          "code": Node("code", parent="base")})
>>> own = {"base": np.array([[90.0]]), "chat": np.array([[5.0]]), "code": np.array([[5.0]])}
>>> keys = {"chat": {"queries": np.array([2e6])}, "code": {"queries": np.array([1e6])}}
>>> result = allocate_lineage(lineage, own, keys, {}, "queries")
>>> {target: float(v[0, 0]) for target, v in result.targets.items()}
{'chat': 65.0, 'code': 35.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from ..errors import AllocationError
from ..model.allocation import RULE_KEYS, Lineage, check_rule
from ..model.frozen import FrozenDict
from .shares import partition


@dataclass(frozen=True)
class LineageAllocation:
    """Footprints (categories, samples) after allocating down the lineage under one rule (immutable).

    Attributes
    ----------
    rule : str
        The rule.
    targets : mapping of str to numpy.ndarray
        The leaves' footprints.
    carried : mapping of str to numpy.ndarray
        Each node's own plus inherited footprint: what it passes on.
    subtree : mapping of str to numpy.ndarray
        What ends up in each node's leaves.
    unallocated : numpy.ndarray
        Unrealized adaptations (amortized rule).
    total : numpy.ndarray
        The sum of the nodes' own footprints.

    Examples
    --------
    >>> from lca.model.allocation import Node, build_lineage
    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
    >>> result = allocate_lineage(lineage, {"base": np.array([[90.0]]), "chat": np.array([[10.0]])}, {}, {}, "equal")
    >>> float(result.targets["chat"][0, 0]), float(result.carried["base"][0, 0])
    (100.0, 90.0)
    """

    rule: str
    targets: Mapping[str, np.ndarray]  # leaves
    carried: Mapping[str, np.ndarray]  # own + inherited, what each node passes on
    subtree: Mapping[str, np.ndarray]  # what ends up in each node's leaves
    unallocated: np.ndarray  # unrealized adaptations (amortized rule)
    total: np.ndarray  # sum of the nodes' own footprints


def aggregate_keys(lineage: Lineage, keys: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    """Each node's allocation keys, a key not given being the sum over its children.

    Parameters
    ----------
    lineage : Lineage
        The lineage.
    keys : mapping of str to mapping of str to numpy.ndarray
        node -> {key: (samples,)} as the study gives them.

    Returns
    -------
    dict of str to dict of str to numpy.ndarray
        Every node's keys (a key is missing if a leaf below lacks it).

    Examples
    --------
    >>> from lca.model.allocation import Node, build_lineage
    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base"),
    ...                          "code": Node("code", parent="base")})
    >>> keys = {"chat": {"queries": np.array([2.0])}, "code": {"queries": np.array([1.0])}}
    >>> aggregate_keys(lineage, keys)["base"]
    {'queries': array([3.])}
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    for node in reversed(lineage.order):
        values = dict(keys.get(node, {}))
        children = lineage.children[node]
        for name in ("queries", "tokens", "compute", "value"):
            if name not in values and children and all(name in out[c] for c in children):
                values[name] = sum(out[c][name] for c in children)
        out[node] = values
    return out


def allocate_lineage(lineage: Lineage, own: Mapping[str, np.ndarray], keys: Mapping[str, Mapping[str, np.ndarray]],
                     expected: Mapping[str, np.ndarray], rule: str, where: str = "lineage") -> LineageAllocation:
    """Allocate every node's footprint (own + inherited) to its children by *rule*, recursively.

    Parameters
    ----------
    lineage : Lineage
        The lineage.
    own : mapping of str to numpy.ndarray
        node -> its own footprint (categories, samples).
    keys : mapping of str to mapping of str to numpy.ndarray
        node -> {key: (samples,)}, as given (see :func:`aggregate_keys`).
    expected : mapping of str to numpy.ndarray
        node -> its expected number of adaptations (``amortized`` rule).
    rule : str
        ``equal``, ``queries``, ``tokens``, ``compute``, ``economic`` or ``amortized``.
    where : str, optional
        The study and table, for messages.

    Returns
    -------
    LineageAllocation
        The leaves' footprints; targets + unallocated == total.

    Raises
    ------
    AllocationError
        If the rule is unknown or a key it needs is missing, negative or sums to zero.

    Examples
    --------
    A base model (90) expected to serve 4 adaptations, of which one (10 of its own) exists:
    amortized, the adaptation carries 90 / 4 + 10 and 3/4 of the base stays unallocated:

    >>> from lca.model.allocation import Node, build_lineage
    >>> lineage = build_lineage({"base": Node("base"), "chat": Node("chat", parent="base")})
    >>> own = {"base": np.array([[90.0]]), "chat": np.array([[10.0]])}
    >>> result = allocate_lineage(lineage, own, {}, {"base": np.array([4.0])}, "amortized")
    >>> float(result.targets["chat"][0, 0]), float(result.unallocated[0, 0]), float(result.total[0, 0])
    (32.5, 67.5, 100.0)
    """
    check_rule(rule, where)
    key_name = RULE_KEYS[rule]
    all_keys = aggregate_keys(lineage, keys)
    shape = next(iter(own.values())).shape
    inherited = {node: np.zeros(shape) for node in lineage.order}
    carried: dict[str, np.ndarray] = {}
    unallocated = np.zeros(shape)
    for node in lineage.order:
        carried[node] = own[node] + inherited[node]
        children = lineage.children[node]
        if not children:
            continue
        node_where = lineage.nodes[node].where
        if len(children) == 1 and rule != "amortized":
            inherited[children[0]] = inherited[children[0]] + carried[node]
            continue
        if rule == "amortized":
            shares, remainder = _amortized(carried[node], children, expected.get(node), node_where)
            unallocated = unallocated + remainder
        elif key_name is None:
            shares = partition(carried[node], {c: np.ones(shape[-1]) for c in children}, node_where)
        else:
            missing = [c for c in children if key_name not in all_keys[c]]
            if missing:
                raise AllocationError(
                    f"{lineage.nodes[missing[0]].where}: rule {rule!r} needs {key_name!r} for every child of "
                    f"{node!r}; not given on {', '.join(missing)} (nor on all of their descendants)")
            shares = partition(carried[node], {c: all_keys[c][key_name] for c in children},
                               f"{node_where}: rule {rule!r}", key_name)
        for child, share in shares.items():
            inherited[child] = inherited[child] + share
    subtree: dict[str, np.ndarray] = {}
    for node in reversed(lineage.order):
        children = lineage.children[node]
        subtree[node] = carried[node] if not children else sum(subtree[c] for c in children)
    subtree = {node: subtree[node] for node in lineage.order}
    total = sum(own[node] for node in lineage.order)
    return LineageAllocation(
        rule=rule, targets=FrozenDict({n: carried[n] for n in lineage.leaves}),
        carried=FrozenDict(carried), subtree=FrozenDict(subtree), unallocated=unallocated, total=total)


def _amortized(amount: np.ndarray, children: tuple[str, ...], expected: np.ndarray | None,
               where: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """1/N of *amount* per child; the share of the N - n adaptations not made stays unallocated."""
    n = len(children)
    count = np.full(amount.shape[-1], float(n)) if expected is None else np.asarray(expected, dtype=float)
    count = np.broadcast_to(count, amount.shape[-1:])
    if np.any(~np.isfinite(count)) or np.any(count < n):
        raise AllocationError(f"{where}.expected_adaptations: {float(np.min(count)):g} is fewer than the "
                              f"{n} adaptations already made ({', '.join(children)})")
    share = amount / count
    return {child: share for child in children}, amount - share * n
