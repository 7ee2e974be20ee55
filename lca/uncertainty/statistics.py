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
    """``2.5 -> "2.5"``, ``5.0 -> "5"``: the JSON keys of the percentiles."""
    return f"{p:g}"


@dataclass(frozen=True)
class Summary:
    """Distribution of one quantity over the Monte Carlo iterations."""

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
    """Samples as a float array; non-finite values (a draw outside a formula's domain, a
    singular supply chain) are an error naming *what*."""
    samples = np.asarray(samples, dtype=float)
    bad = int(np.count_nonzero(~np.isfinite(samples)))
    if bad:
        raise LCAError(f"{what}: {bad} of {samples.size} Monte Carlo samples are not finite numbers "
                       "(a draw outside a formula's domain, e.g. a negative value under sqrt or log, "
                       "or a supply chain that cannot be solved); narrow the distributions")
    return samples


def summarize(samples: np.ndarray, percentiles: tuple[float, ...] = PERCENTILES, what: str = "samples") -> Summary:
    """Mean, std (ddof 1), median, *percentiles* and the standard error of the mean."""
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
    """How the estimates settle as iterations accumulate: at each ``n``, the running mean,
    its standard error and the 2.5 / 97.5 percentiles of the first n samples (read-only)."""

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
    """Estimates on the first n samples for *points* values of n spaced geometrically.

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
