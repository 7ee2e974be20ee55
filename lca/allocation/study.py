"""Allocate a study: shared infrastructure first (each facility's footprint to its users, idle
capacity unallocated), then each rule down the model lineage. Everything is computed for
arrays of parameter samples, so a rule (or key) chosen by a choice parameter varies per
Monte Carlo sample like any other input. See :func:`allocate_study`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.compile import CompiledModel, compile_model
from ..errors import AllocationError
from ..model.allocation import AllocationSpec, check_rule
from ..model.frozen import FrozenDict
from ..model.records import Model
from .footprints import demand_scores
from .infrastructure import InfrastructureAllocation, allocate_facility
from .lineage import LineageAllocation, aggregate_keys, allocate_lineage
from .shares import select


@dataclass(frozen=True)
class RuleResult:
    """One rule's allocation, arrays (categories, samples); targets + unallocated == total (immutable).

    Attributes
    ----------
    rule : str
        The rule (``equal``, ``queries``, ``tokens``, ``compute``, ``economic``, ``amortized``).
    targets : mapping of str to numpy.ndarray
        The lineage's leaves (downstream tasks) and the infrastructure's other users.
    unallocated : mapping of str to numpy.ndarray
        The remainder by reason: ``idle_capacity``, ``unrealized_adaptations``.
    total : numpy.ndarray
        The unallocated total.
    lineage : LineageAllocation
        The allocation down the lineage.
    per_query, per_1k_tokens : mapping of str to numpy.ndarray
        Each node's footprint per query and per 1,000 tokens.

    Examples
    --------
    See :func:`allocate_study`, which checks that the parts add up to the total.
    """

    rule: str
    targets: Mapping[str, np.ndarray]
    unallocated: Mapping[str, np.ndarray]  # by reason: idle_capacity, unrealized_adaptations
    total: np.ndarray
    lineage: LineageAllocation
    per_query: Mapping[str, np.ndarray]
    per_1k_tokens: Mapping[str, np.ndarray]

    @property
    def unallocated_total(self) -> np.ndarray:
        return sum(self.unallocated.values())


@dataclass(frozen=True)
class StudyAllocation:
    """A study's footprint allocated under each rule (immutable); ``to_dict`` is ``lca allocate``'s JSON.

    Attributes
    ----------
    study : str
        The study's name.
    categories, units : tuple of str
        The impact categories and their reference units (rows of every array).
    spec : AllocationSpec
        The study's allocation tables.
    own : mapping of str to numpy.ndarray
        Each lineage node's own footprint (categories, samples), infrastructure shares included.
    infrastructure : tuple of InfrastructureAllocation
        Each shared facility split among its users.
    rules : mapping of str to RuleResult
        One result per rule.
    kinds : mapping of str to str
        The kind of each node and target (``base_model``, ``task``, ``other_workload``, ...).

    Examples
    --------
    >>> from lca import load_study
    >>> result = allocate_study(load_study("lca:scenarios/pretrain_adapt.toml"), ["queries"])
    >>> result.infrastructure[0].id, result.kinds["translation"], round(float(result.own["bloom_base"][0, 0]))
    ('a100_partition', 'task', 67239)
    >>> sorted(result.to_dict())
    ['kinds', 'rules', 'study', 'units']
    """

    study: str
    categories: tuple[str, ...]
    units: tuple[str, ...]
    spec: AllocationSpec
    own: Mapping[str, np.ndarray]  # lineage nodes' own footprints incl. infrastructure shares
    infrastructure: tuple[InfrastructureAllocation, ...]
    rules: Mapping[str, RuleResult]
    kinds: Mapping[str, str]  # target or node -> kind

    def to_dict(self, sample: int | None = None) -> dict[str, Any]:
        """The JSON contract of ``lca allocate``: floats per category in its reference unit
        (the mean over samples when there are several, or one *sample*)."""
        def scalars(array: np.ndarray) -> dict[str, float]:
            values = array.mean(axis=-1) if sample is None else array[:, sample]
            return {c: float(v) for c, v in zip(self.categories, values)}

        rules = {}
        for name, result in self.rules.items():
            deployed = [n for n in self.spec.lineage.order if self.kinds[n] in ("deployed_model", "adaptation")]
            rules[name] = {
                "targets": {t: scalars(v) for t, v in result.targets.items()},
                "unallocated": scalars(result.unallocated_total),
                "total": scalars(result.total),
                "unallocated_by_reason": {r: scalars(v) for r, v in result.unallocated.items()},
                "deployed_models": {n: scalars(result.lineage.subtree[n]) for n in deployed},
                "per_query": {t: scalars(v) for t, v in result.per_query.items()},
                "per_1k_tokens": {t: scalars(v) for t, v in result.per_1k_tokens.items()},
            }
        return {"study": self.study, "units": dict(zip(self.categories, self.units)),
                "kinds": dict(self.kinds), "rules": rules}


def allocate_study(model: Model, rules: Sequence[str] | None = None,
                   params: Mapping[str, Any] | None = None, compiled: CompiledModel | None = None) -> StudyAllocation:
    """Allocate a study's footprint to its downstream tasks under each of *rules*.

    Parameters
    ----------
    model : Model
        A study with ``[lineage.*]`` tables (and optionally ``[infrastructure.*]``).
    rules : sequence of str, optional
        Lineage rules (default: the study's ``allocation.rules``). A rule may also be the name
        of the choice parameter given as ``allocation.rule``: then each sample uses the rule
        that parameter names.
    params : mapping of str to float or numpy.ndarray, optional
        Root-unit parameter values, floats or arrays of samples (default: the model's values).
    compiled : CompiledModel, optional
        The model compiled, to reuse.

    Returns
    -------
    StudyAllocation
        The allocation under every rule.

    Raises
    ------
    AllocationError
        If the study has no lineage, a rule is unknown, or keys are missing, negative or sum to
        zero.

    Examples
    --------
    >>> import numpy as np
    >>> from lca import load_study
    >>> result = allocate_study(load_study("lca:scenarios/pretrain_adapt.toml"), ["queries"])
    >>> queries = result.to_dict()["rules"]["queries"]
    >>> round(queries["targets"]["classification"]["climate_change"]), round(queries["unallocated"]["climate_change"])
    (56859, 10447)
    >>> rule = result.rules["queries"]
    >>> bool(np.allclose(sum(rule.targets.values()) + rule.unallocated_total, rule.total, rtol=1e-12))
    True
    >>> allocate_study(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    Traceback (most recent call last):
    lca.errors.AllocationError: ...: no [lineage.*] table: nothing to allocate
    """
    spec = model.allocation
    if spec is None or not spec.lineage.nodes:
        raise AllocationError(f"{model.study.path}: no [lineage.*] table: nothing to allocate")
    compiled = compiled or compile_model(model)
    params = compiled.parameters.evaluate() if params is None else params
    choices = compiled.parameters.choices
    nodes = spec.lineage.order
    demands = [spec.lineage.nodes[n].demand for n in nodes] + [i.demand for i in spec.infrastructure]
    scores = demand_scores(compiled, demands, params)
    n_samples = scores.shape[-1]
    own = {node: scores[:, k, :] for k, node in enumerate(nodes)}
    targets_outside: dict[str, np.ndarray] = {}
    idle = np.zeros_like(scores[:, 0, :])
    facilities = []
    for j, infrastructure in enumerate(spec.infrastructure):
        split = allocate_facility(infrastructure, scores[:, len(nodes) + j, :], params, choices)
        facilities.append(split)
        idle = idle + split.idle
        for user, share in split.users.items():
            if user in own:
                own[user] = own[user] + share
            else:
                targets_outside[user] = targets_outside.get(user, 0) + share
    keys = {n: {k: np.broadcast_to(q.value(params, choices), (n_samples,)).astype(float)
                for k, q in spec.lineage.nodes[n].keys.items()} for n in nodes}
    expected = {n: np.broadcast_to(spec.lineage.nodes[n].expected_adaptations.value(params, choices), (n_samples,))
                for n in nodes if spec.lineage.nodes[n].expected_adaptations is not None}
    usage = aggregate_keys(spec.lineage, keys)
    total_infrastructure = sum((f.total for f in facilities), np.zeros_like(idle))
    wanted = list(rules) if rules else list(spec.rules)
    results = {}
    for rule in wanted:
        lineage = _lineage_for(rule, spec, own, keys, expected, params)
        targets = dict(lineage.targets)
        targets.update(targets_outside)
        results[rule] = RuleResult(
            rule=rule, targets=FrozenDict(targets),
            unallocated=FrozenDict({"idle_capacity": idle, "unrealized_adaptations": lineage.unallocated}),
            total=sum(scores[:, k, :] for k in range(len(nodes))) + total_infrastructure,
            lineage=lineage,
            per_query=_per_unit(lineage.subtree, usage, "queries", 1.0),
            per_1k_tokens=_per_unit(lineage.subtree, usage, "tokens", 1000.0),
        )
    kinds = {n: spec.lineage.nodes[n].kind for n in nodes}
    kinds.update({user: "other_workload" for user in targets_outside})
    return StudyAllocation(
        study=model.study.name, categories=compiled.categories, units=compiled.category_units, spec=spec,
        own=FrozenDict(own), infrastructure=tuple(facilities), rules=FrozenDict(results),
        kinds=FrozenDict(kinds))


def _lineage_for(rule: str, spec: AllocationSpec, own, keys, expected, params) -> LineageAllocation:
    if rule != spec.rule_parameter:
        return allocate_lineage(spec.lineage, own, keys, expected, check_rule(rule, f"{spec.path}: rule"))
    options = spec.choices[spec.rule_parameter]
    per_rule = {r: allocate_lineage(spec.lineage, own, keys, expected, r) for r in options}
    index = params[spec.rule_parameter]

    def pick(attribute: str, name: str | None = None) -> np.ndarray:
        values = {r: getattr(a, attribute) if name is None else getattr(a, attribute)[name] for r, a in per_rule.items()}
        return select(values, index, options)

    first = next(iter(per_rule.values()))
    return LineageAllocation(
        rule=spec.rule_parameter,
        targets=FrozenDict({t: pick("targets", t) for t in first.targets}),
        carried=FrozenDict({n: pick("carried", n) for n in first.carried}),
        subtree=FrozenDict({n: pick("subtree", n) for n in first.subtree}),
        unallocated=pick("unallocated"), total=first.total)


def _per_unit(footprints: Mapping[str, np.ndarray], usage, key: str, scale: float) -> Mapping[str, np.ndarray]:
    """Footprint per query (or per 1,000 tokens) of every node that serves some."""
    out = {}
    for node, footprint in footprints.items():
        amount = usage[node].get(key)
        if amount is not None and np.all(amount > 0):
            out[node] = footprint * (scale / amount)
    return FrozenDict(out)
