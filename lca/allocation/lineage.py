"""Pretrain-then-adapt: a foundation model's footprint allocated down its lineage.

Each node of the lineage (base model, fine-tunes, adapters, distillations, deployed models,
downstream tasks) has its own footprint (its demand solved by the LCA engine, plus its share
of shared infrastructure). A node carries its own footprint plus what it inherited, and passes
all of it to its children by a rule; leaves (tasks) keep what reaches them. Rules:

* ``equal``: one share per child;
* ``queries`` / ``tokens``: usage served over the service period;
* ``compute``: adaptation compute of each child (GPU-hours, FLOPs, energy);
* ``economic``: economic value of each child;
* ``amortized``: 1/N per child for N expected adaptations (``expected_adaptations`` on the
  parent); the N - n adaptations not (yet) made leave an explicit unallocated remainder.

A key not given on a node is the sum over its children (a deployed model's queries are its
tasks' queries). A node with one child passes everything to it: there is nothing to allocate.

>>> result = allocate_lineage(lineage, own, keys, expected, "queries")     # doctest: +SKIP
>>> sum(result.targets.values()) + result.unallocated   # == result.total  # doctest: +SKIP
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
    """Footprints (categories, samples) after allocating down the lineage under one rule."""

    rule: str
    targets: Mapping[str, np.ndarray]  # leaves
    carried: Mapping[str, np.ndarray]  # own + inherited, what each node passes on
    subtree: Mapping[str, np.ndarray]  # what ends up in each node's leaves
    unallocated: np.ndarray  # unrealized adaptations (amortized rule)
    total: np.ndarray  # sum of the nodes' own footprints


def aggregate_keys(lineage: Lineage, keys: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, dict[str, np.ndarray]]:
    """Each node's keys, a key not given being the sum over its children (None if a leaf lacks it)."""
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

    *own* maps node -> (categories, samples); *keys* node -> {key: (samples,)} as given;
    *expected* node -> expected number of adaptations (amortized rule).
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
