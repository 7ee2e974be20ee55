"""Summaries of Monte Carlo samples: moments, percentiles, standard error, convergence.

>>> s = summarize(np.arange(1.0, 101.0))
>>> s.mean, s.median, round(s.percentiles["97.5"], 6)
(50.5, 50.5, 97.525)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..errors import LCAError
from ..model.frozen import FrozenDict, ReadOnlyArrays

PERCENTILES = (2.5, 5.0, 25.0, 75.0, 95.0, 97.5)


def percentile_key(p: float) -> str:
    """The JSON key of a percentile: ``2.5 -> "2.5"``, ``5.0 -> "5"``.

    Parameters
    ----------
    p : float
        A percentile.

    Returns
    -------
    str
        Its key in ``Summary.percentiles`` and the JSON contract.

    Examples
    --------
    >>> percentile_key(2.5), percentile_key(5.0)
    ('2.5', '5')
    """
    return f"{p:g}"


@dataclass(frozen=True)
class Summary:
    """The distribution of one quantity over the Monte Carlo iterations (immutable).

    Attributes
    ----------
    n : int
        The number of samples.
    mean, std, median : float
        Moments (std with ddof 1) and median.
    percentiles : mapping of str to float
        ``"2.5"``, ``"5"``, ``"25"``, ``"75"``, ``"95"``, ``"97.5"`` (see :func:`percentile_key`).
    sem : float
        The standard error of the mean, std / sqrt(n).

    Examples
    --------
    >>> s = summarize(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> s.mean, s.median, round(s.sem, 4)
    (2.5, 2.5, 0.6455)
    >>> sorted(s.to_dict())
    ['mean', 'median', 'percentiles', 'samples', 'sem', 'std']
    """

    n: int
    mean: float
    std: float
    median: float
    percentiles: Mapping[str, float]
    sem: float  # standard error of the mean, std / sqrt(n)

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "std": self.std, "median": self.median,
                "percentiles": dict(self.percentiles), "samples": self.n, "sem": self.sem}


def check_finite(samples: np.ndarray, what: str) -> np.ndarray:
    """Samples as a float array; non-finite values are an error naming *what*.

    A non-finite sample comes from a draw outside a formula's domain or a supply chain that
    cannot be solved.

    Parameters
    ----------
    samples : array_like
        The samples.
    what : str
        The quantity, for the message.

    Returns
    -------
    numpy.ndarray
        The samples as floats.

    Raises
    ------
    LCAError
        If any sample is NaN or infinite.

    Examples
    --------
    >>> check_finite([1.0, float("nan")], "climate_change")
    Traceback (most recent call last):
    lca.errors.LCAError: climate_change: 1 of 2 Monte Carlo samples are not finite numbers ...
    """
    samples = np.asarray(samples, dtype=float)
    bad = int(np.count_nonzero(~np.isfinite(samples)))
    if bad:
        raise LCAError(f"{what}: {bad} of {samples.size} Monte Carlo samples are not finite numbers "
                       "(a draw outside a formula's domain, e.g. a negative value under sqrt or log, "
                       "or a supply chain that cannot be solved); narrow the distributions")
    return samples


def summarize(samples: np.ndarray, percentiles: tuple[float, ...] = PERCENTILES, what: str = "samples") -> Summary:
    """Mean, standard deviation (ddof 1), median, percentiles and standard error of samples.

    Parameters
    ----------
    samples : array_like
        The samples.
    percentiles : tuple of float, optional
        The percentiles to report (default :data:`PERCENTILES`).
    what : str, optional
        The quantity, for messages.

    Returns
    -------
    Summary
        The summary.

    Raises
    ------
    LCAError
        If there are no samples or some are not finite.

    Examples
    --------
    >>> s = summarize(np.arange(1.0, 101.0))
    >>> s.mean, s.median, round(s.percentiles["97.5"], 6)
    (50.5, 50.5, 97.525)
    """
    samples = check_finite(samples, what).ravel()
    n = samples.size
    if n == 0:
        raise LCAError(f"{what}: no samples to summarize")
    std = float(np.std(samples, ddof=1)) if n > 1 else 0.0
    values = np.percentile(samples, (50.0,) + tuple(percentiles))
    return Summary(
        n=n, mean=float(np.mean(samples)), std=std, median=float(values[0]),
        percentiles=FrozenDict({percentile_key(p): float(v) for p, v in zip(percentiles, values[1:])}),
        sem=float(std / np.sqrt(n)),
    )


@dataclass(frozen=True)
class Convergence(ReadOnlyArrays):
    """How the estimates settle as iterations accumulate (immutable; the arrays are read-only).

    At each ``n``: the running mean, its standard error and the 2.5 and 97.5 percentiles of the
    first n samples.

    Examples
    --------
    >>> c = convergence(np.arange(1.0, 1001.0), points=3)
    >>> c.n.tolist(), c.mean.tolist()
    ([10, 100, 1000], [5.5, 50.5, 500.5])
    """

    _read_only = ("n", "mean", "sem", "lower", "upper")

    n: np.ndarray
    mean: np.ndarray
    sem: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def to_dict(self) -> dict[str, list]:
        return {"n": self.n.tolist(), "mean": self.mean.tolist(), "sem": self.sem.tolist(),
                "2.5": self.lower.tolist(), "97.5": self.upper.tolist()}


def convergence(samples: np.ndarray, points: int = 20, first: int = 10, what: str = "samples") -> Convergence:
    """Estimates on the first n samples, for *points* values of n spaced geometrically.

    Parameters
    ----------
    samples : array_like
        The samples, in iteration order.
    points : int, optional
        How many values of n.
    first : int, optional
        The smallest n.
    what : str, optional
        The quantity, for messages.

    Returns
    -------
    Convergence
        Running mean, standard error and percentiles.

    Examples
    --------
    >>> c = convergence(np.random.default_rng(0).normal(5, 1, 10_000))
    >>> int(c.n[-1]), bool(abs(c.mean[-1] - 5) < 4 * c.sem[-1])
    (10000, True)
    """
    samples = check_finite(samples, what).ravel()
    total = samples.size
    sizes = np.unique(np.geomspace(min(first, total), total, points).round().astype(np.int64))
    # Running moments of the samples shifted by the first one: no cancellation for a small
    # spread around a large mean.
    shifted = samples - samples[0]
    sums, squares = np.cumsum(shifted), np.cumsum(shifted ** 2)
    shifted_means = sums[sizes - 1] / sizes
    means = shifted_means + samples[0]
    variances = np.where(sizes > 1, (squares[sizes - 1] - sizes * shifted_means ** 2) / np.maximum(sizes - 1, 1), 0.0)
    bounds = np.array([np.percentile(samples[:k], (2.5, 97.5)) for k in sizes])
    return Convergence(sizes, means, np.sqrt(np.maximum(variances, 0.0) / sizes), bounds[:, 0], bounds[:, 1])
