"""Shared infrastructure: a datacenter (building, cooling plant, network, idle and overhead power,
hardware embodied impacts) used by many jobs over an accounting period.

The footprint of the facility over the period is split in proportion to each user's use of
one key (``wall_time``, ``gpu_hours``, ``energy`` or ``reserved_capacity``) relative to the
facility's *capacity* in that key over the same period. What no user used (idle capacity, i.e.
``capacity * (1 - utilization)``) is reported as an explicit unallocated remainder, never
spread silently over the users. The key may be a choice parameter, so Monte Carlo and
sensitivity analysis can vary it.

>>> import numpy as np
>>> users, idle = allocate_infrastructure(np.array([[100.0]]), 10.0, {"a": np.array([2.0]), "b": np.array([6.0])}, "dc")
>>> float(sum(users.values())[0, 0] + idle[0, 0])
100.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..errors import AllocationError
from ..model.allocation import Infrastructure
from ..model.frozen import FrozenDict
from .shares import check_keys, select


@dataclass(frozen=True)
class InfrastructureAllocation:
    """One facility's footprint (categories, samples) split among its users, plus idle capacity (immutable).

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.allocation import allocate_study
    >>> facility = allocate_study(load_study("lca:scenarios/pretrain_adapt.toml"), ["equal"]).infrastructure[0]
    >>> facility.keys, facility.utilization.tolist(), round(float(facility.idle[0, 0]))
    (('gpu_hours', 'energy'), [0.85], 10447)
    """

    id: str
    key: np.ndarray  # index of the key used, per sample (into ``keys``)
    keys: tuple[str, ...]
    users: Mapping[str, np.ndarray]
    idle: np.ndarray
    total: np.ndarray
    utilization: np.ndarray  # used / capacity, per sample


def allocate_infrastructure(footprint: np.ndarray, capacity: np.ndarray | float,
                            uses: Mapping[str, np.ndarray], where: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Users' shares ``footprint * use / capacity`` and the idle remainder.

    Parameters
    ----------
    footprint : numpy.ndarray
        The facility's footprint over the period, (categories, samples).
    capacity : numpy.ndarray or float
        Its capacity in the key over the period, (samples,).
    uses : mapping of str to numpy.ndarray
        Each user's use, (samples,).
    where : str
        The study and table, for messages.

    Returns
    -------
    users : dict of str to numpy.ndarray
        Each user's share.
    idle : numpy.ndarray
        What no user used.

    Raises
    ------
    AllocationError
        If the capacity is not positive, a use is invalid, or the users use more than the
        capacity.

    Examples
    --------
    >>> import numpy as np
    >>> users, idle = allocate_infrastructure(np.array([[100.0]]), 10.0, {"a": np.array([2.0]), "b": np.array([6.0])}, "dc")
    >>> float(users["a"][0, 0]), float(users["b"][0, 0]), float(idle[0, 0])
    (20.0, 60.0, 20.0)
    """
    capacity = np.broadcast_to(np.asarray(capacity, dtype=float), footprint.shape[-1:])
    if np.any(~np.isfinite(capacity)) or np.any(capacity <= 0):
        raise AllocationError(f"{where}: capacity must be positive, got {float(np.min(capacity)):g}")
    check_keys({**uses, "(capacity)": capacity}, where, "use")
    used = sum(np.asarray(u, dtype=float) for u in uses.values()) if uses else np.zeros_like(capacity)
    if np.any(used > capacity * (1 + 1e-12)):
        worst = float(np.max(used / capacity))
        raise AllocationError(f"{where}: users use {worst:.4g} times the capacity: the capacity over the "
                              "accounting period is too small or a user's use is too large")
    users = {name: footprint * (np.asarray(use, dtype=float) / capacity) for name, use in uses.items()}
    idle = footprint - sum(users.values()) if users else footprint.copy()
    return users, idle


def allocate_facility(infrastructure: Infrastructure, footprint: np.ndarray, params: Mapping[str, Any],
                      choices: Mapping[str, tuple[str, ...]]) -> InfrastructureAllocation:
    """Allocate one ``[infrastructure.*]`` table's footprint under its key (or key parameter).

    Parameters
    ----------
    infrastructure : Infrastructure
        The facility.
    footprint : numpy.ndarray
        Its footprint (categories, samples).
    params : mapping of str to float or numpy.ndarray
        Root-unit parameter values.
    choices : mapping of str to tuple of str
        The model's choice parameters and their options.

    Returns
    -------
    InfrastructureAllocation
        The users' shares and the idle remainder, per sample under that sample's key.

    Examples
    --------
    >>> from lca.model.allocation import Demand
    >>> from lca.model.quantity import read_quantity
    >>> hours = lambda n: read_quantity(n, "GPUh", {}, {}, "infrastructure.dc")
    >>> dc = Infrastructure("dc", "GPU partition", Demand((), "infrastructure.dc"), "gpu_hours",
    ...                     {"gpu_hours": hours(1000)}, {"job": {"gpu_hours": hours(850)}}, "infrastructure.dc")
    >>> split = allocate_facility(dc, np.array([[200.0]]), {}, {})
    >>> float(split.users["job"][0, 0]), float(split.idle[0, 0]), split.utilization.tolist()
    (170.0, 30.0, [0.85])
    """
    n_samples = footprint.shape[-1]
    if infrastructure.key in choices:
        keys = choices[infrastructure.key]
        index = np.broadcast_to(np.asarray(params[infrastructure.key], dtype=int), (n_samples,))
    else:
        keys = (infrastructure.key,)
        index = np.zeros(n_samples, dtype=int)
    per_key: dict[str, tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]] = {}
    for key in keys:
        capacity = np.broadcast_to(infrastructure.capacity[key].value(params, choices), (n_samples,))
        uses = {user: np.broadcast_to(values[key].value(params, choices), (n_samples,))
                for user, values in infrastructure.users.items()}
        users, idle = allocate_infrastructure(footprint, capacity, uses, f"{infrastructure.where} (key {key!r})")
        per_key[key] = users, idle, sum(uses.values()) / capacity
    users = {user: select({k: per_key[k][0][user] for k in keys}, index, keys) for user in infrastructure.users}
    idle = select({k: per_key[k][1] for k in keys}, index, keys)
    utilization = select({k: per_key[k][2][None, :] for k in keys}, index, keys)[0]
    return InfrastructureAllocation(infrastructure.id, index, tuple(keys), FrozenDict(users), idle,
                                    footprint, utilization)
