"""Partition of a footprint by allocation keys: the one operation every allocation rule shares.

Footprints are arrays (categories, samples); keys are arrays (samples,). Shares are computed
per sample so that Monte Carlo draws of the keys move the allocation with them.

>>> import numpy as np
>>> parts = partition(np.array([[10.0]]), {"a": np.array([1.0]), "b": np.array([3.0])}, "example")
>>> float(parts["a"][0, 0]), float(parts["b"][0, 0])
(2.5, 7.5)
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..errors import AllocationError


def check_keys(keys: Mapping[str, np.ndarray], where: str, what: str = "key") -> None:
    """Check allocation keys: finite, non-negative and with a positive sum in every sample.

    Parameters
    ----------
    keys : mapping of str to numpy.ndarray
        Target -> key (samples,).
    where : str
        The study and table, for messages.
    what : str, optional
        What the keys are, for messages.

    Raises
    ------
    AllocationError
        If there are no keys, or a key is not finite, negative, or all sum to zero.

    Examples
    --------
    >>> check_keys({"a": np.array([0.0]), "b": np.array([0.0])}, "lineage.base")
    Traceback (most recent call last):
    lca.errors.AllocationError: lineage.base: keys of a, b sum to zero: the allocation is undefined (choose another rule or give non-zero keys)
    """
    if not keys:
        raise AllocationError(f"{where}: nothing to allocate to")
    for name, value in keys.items():
        value = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(value)):
            raise AllocationError(f"{where}: {what} of {name!r} is not a finite number")
        if np.any(value < 0):
            raise AllocationError(f"{where}: {what} of {name!r} is negative ({float(np.min(value)):g})")
    total = sum(np.asarray(v, dtype=float) for v in keys.values())
    if np.any(total <= 0):
        raise AllocationError(f"{where}: {what}s of {', '.join(keys)} sum to zero: the allocation is undefined "
                              "(choose another rule or give non-zero keys)")


def partition(amount: np.ndarray, keys: Mapping[str, np.ndarray], where: str,
              what: str = "key") -> dict[str, np.ndarray]:
    """Split *amount* (categories, samples) in proportion to *keys*; the parts sum to *amount*.

    Parameters
    ----------
    amount : numpy.ndarray
        The footprint, (categories, samples).
    keys : mapping of str to numpy.ndarray
        Target -> key, (samples,).
    where : str
        The study and table, for messages.
    what : str, optional
        What the keys are, for messages.

    Returns
    -------
    dict of str to numpy.ndarray
        Each target's part.

    Raises
    ------
    AllocationError
        If the keys are invalid (see :func:`check_keys`).

    Examples
    --------
    >>> parts = partition(np.array([[10.0, 10.0]]), {"a": np.array([1.0, 1.0]), "b": np.array([3.0, 1.0])}, "x")
    >>> parts["a"].tolist(), parts["b"].tolist()
    ([[2.5, 5.0]], [[7.5, 5.0]])
    """
    check_keys(keys, where, what)
    total = sum(np.asarray(v, dtype=float) for v in keys.values())
    return {name: amount * (np.asarray(value, dtype=float) / total) for name, value in keys.items()}


def select(options: Mapping[str, np.ndarray], index: np.ndarray | float, names: tuple[str, ...]) -> np.ndarray:
    """Per sample, the array of the option whose position in *names* is *index*.

    How a rule chosen by a choice parameter varies across Monte Carlo samples.

    Parameters
    ----------
    options : mapping of str to numpy.ndarray
        Option -> (categories, samples).
    index : numpy.ndarray or float
        The choice parameter's value (option index) per sample.
    names : tuple of str
        The options in order.

    Returns
    -------
    numpy.ndarray
        (categories, samples).

    Examples
    --------
    >>> options = {"equal": np.array([[1.0, 1.0]]), "queries": np.array([[2.0, 2.0]])}
    >>> select(options, np.array([0, 1]), ("equal", "queries")).tolist()
    [[1.0, 2.0]]
    """
    stacked = np.stack([options[name] for name in names])  # (options, categories, samples)
    index = np.broadcast_to(np.asarray(index, dtype=int), stacked.shape[-1:])
    return np.take_along_axis(stacked, index[None, None, :].repeat(stacked.shape[1], axis=1), axis=0)[0]
