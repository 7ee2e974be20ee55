"""Uncertainty of one number, parsed once at load: the record and its probability distribution.

An ``uncertainty = {...}`` table is read by :func:`lca.load.distributions.parse_uncertainty`
into an :class:`Uncertainty`; everything after the loader asks the record (``varies``,
``relative``, ``pedigree``) and :meth:`Uncertainty.distribution` gives the
:class:`Distribution` around the item's central value, so a changed value moves its
distribution with it.

Every distribution is a frozen :mod:`scipy.stats` distribution; sampling is by inverse
transform (``ppf``) of uniforms, so plain random, Latin hypercube and Sobol designs all go
through the same path and paired (common random number) draws come for free.

>>> spread = Uncertainty("lognormal", gsd=1.2)
>>> spread.varies, spread.relative
(True, True)
>>> float(spread.distribution(10.0).ppf(0.5))
10.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

import numpy as np

from ..errors import DistributionError


@dataclass(frozen=True)
class Distribution:
    """One uncertain number: ``ppf`` maps uniforms in (0, 1) to values (declared unit).

    ``frozen`` is the scipy.stats distribution (None for ``fixed``); ``center`` the item's
    deterministic value. The scipy object is built on first use: checking the thousand
    uncertainty tables of a study at load time must not pay for freezing (or importing)
    scipy.stats, which a deterministic run never needs.

    Examples
    --------
    >>> Distribution("fixed", 3.0).quantiles(0.025, 0.975)
    (3.0, 3.0)
    """

    kind: str
    center: float
    family: str | None = None  # scipy.stats name: lognorm, norm, uniform, triang, beta, rv_discrete
    arguments: tuple[tuple[str, Any], ...] = ()
    support: tuple[float, ...] | None = None  # discrete alternatives

    @cached_property
    def frozen(self) -> Any:
        if self.family is None:
            return None
        import scipy.stats as stats

        return getattr(stats, self.family)(**dict(self.arguments))

    def ppf(self, u: Any) -> np.ndarray:
        """Values at the probabilities *u* (any shape)."""
        u = np.asarray(u, dtype=float)
        if self.family is None:
            return np.full(u.shape, self.center)
        if self.support is not None:
            # rv_discrete's ppf (the first alternative whose cumulative probability reaches u)
            # without importing scipy.stats into a Monte Carlo run; a u above the rounded cumulative
            # sum's last entry is the last option that has weight
            _, probabilities = dict(self.arguments)["values"]
            index = np.searchsorted(np.cumsum(probabilities), u, side="left")
            return np.asarray(self.support)[np.minimum(index, np.flatnonzero(probabilities)[-1])]
        return self.frozen.ppf(u)

    def quantiles(self, low: float, high: float) -> tuple[float, float]:
        """The values at the probabilities *low* and *high*."""
        return float(self.ppf(low)), float(self.ppf(high))


@dataclass(frozen=True)
class Uncertainty:
    """A parsed ``uncertainty = {...}`` table: the distribution's kind and its numbers as written.

    A pedigree table (``pedigree = [...]`` scores) is a lognormal whose ``pedigree_sigma`` the
    loader computed from the scores, the basic uncertainty and the factor set. Numbers are in
    the item's declared unit; the central value is the item's own (median of a lognormal, mean
    of a normal, default mode of a triangular or PERT), given to :meth:`distribution`.

    Examples
    --------
    >>> Uncertainty("triangular", minimum=1.0, maximum=4.0).distribution(2.5).quantiles(0.0, 1.0)
    (1.0, 4.0)
    >>> Uncertainty("uniform", minimum=1.0, maximum=2.0).relative
    False
    """

    kind: str  # fixed, lognormal, normal, uniform, triangular, pert, discrete; a pedigree is "lognormal"
    gsd: float | None = None
    sigma: float | None = None  # of ln, as written
    sd: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    mode: float | None = None  # None: the central value
    values: tuple[float, ...] | None = None  # discrete alternatives
    weights: tuple[float, ...] | None = None  # discrete (or choice) weights; None: equal
    pedigree: tuple[int, ...] | None = None  # five data-quality scores, 1 (best) to 5
    basic_gsd: float | None = None
    basic: str | None = None  # basic uncertainty class id
    pedigree_set: str | None = None
    pedigree_sigma: float | None = None  # sigma of ln from the pedigree, computed at load
    source: str | None = None
    comment: str | None = None

    @property
    def varies(self) -> bool:
        """Whether Monte Carlo draws the number (``fixed`` keeps it at its value)."""
        return self.kind != "fixed"

    @property
    def relative(self) -> bool:
        """Whether the spread is relative to the central value (lognormal, pedigree, fixed),
        so that it holds for another value: a formula's result, an overridden parameter.
        Ranges and a normal's sd are absolute."""
        return self.kind in ("lognormal", "fixed")

    @property
    def log_sigma(self) -> float | None:
        """Sigma of ln of a lognormal (from gsd, sigma or the pedigree); None otherwise."""
        if self.kind != "lognormal":
            return None
        if self.pedigree is not None:
            return self.pedigree_sigma
        return math.log(self.gsd) if self.gsd is not None else self.sigma

    def distribution(self, center: float, where: str = "uncertainty") -> Distribution:
        """The distribution around the central value *center*; a center it cannot hold (a
        non-positive lognormal median, a value outside [min, max]) is a
        :class:`~lca.errors.DistributionError` naming *where*."""
        center = float(center)
        if self.kind == "fixed":
            return Distribution("fixed", center)
        if self.kind == "lognormal":
            if not center > 0:
                what = "a pedigree (lognormal)" if self.pedigree is not None else "a lognormal"
                raise DistributionError.at(where, f"{what} needs a positive median (the value), got {center:g}")
            return lognormal(center, self.log_sigma)
        if self.kind == "normal":
            return Distribution("normal", center, "norm", (("loc", center), ("scale", float(self.sd))))
        if self.kind == "discrete":
            if self.values is None:
                raise ValueError("a choice parameter's weights are over its options: see "
                                 "lca.load.distributions.parameter_distributions")
            return discrete_distribution([float(v) for v in self.values], self.weights, center, where)
        low, high = float(self.minimum), float(self.maximum)
        if not low <= center <= high:
            raise DistributionError.at(where, f"the value {center:g} is outside [min, max] = [{low:g}, {high:g}]")
        if self.kind == "uniform":
            return Distribution("uniform", center, "uniform", (("loc", low), ("scale", high - low)))
        mode = center if self.mode is None else float(self.mode)
        if not low <= mode <= high:
            raise DistributionError.at(where, f"mode {mode:g} is outside [min, max] = [{low:g}, {high:g}]")
        width = high - low
        if self.kind == "triangular":
            return Distribution("triangular", center, "triang",
                                (("c", (mode - low) / width), ("loc", low), ("scale", width)))
        # The standard (lambda = 4) PERT: a beta on [min, max] with mean (min + 4 mode + max) / 6.
        alpha, beta = 1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width
        return Distribution("pert", center, "beta", (("a", alpha), ("b", beta), ("loc", low), ("scale", width)))

    def to_dict(self) -> dict[str, Any]:
        """The table as a study file writes it (keys of the file format, numbers as written).

        >>> Uncertainty("lognormal", gsd=1.4, source="expert guess").to_dict()
        {'distribution': 'lognormal', 'gsd': 1.4, 'source': 'expert guess'}
        """
        out: dict[str, Any] = {} if self.pedigree is not None else {"distribution": self.kind}
        for key, value in (("gsd", self.gsd), ("sigma", self.sigma), ("sd", self.sd), ("min", self.minimum),
                           ("max", self.maximum), ("mode", self.mode), ("values", self.values),
                           ("weights", self.weights), ("pedigree", self.pedigree), ("basic_gsd", self.basic_gsd),
                           ("basic", self.basic), ("pedigree_set", self.pedigree_set), ("source", self.source),
                           ("comment", self.comment)):
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


def lognormal(median: float, sigma: float) -> Distribution:
    """A lognormal of *median* and *sigma* (of ln); no spread is a fixed number.

    >>> lognormal(2.0, 0.0).kind
    'fixed'
    """
    if sigma == 0:  # a pedigree of all 1s and no basic uncertainty: no spread
        return Distribution("fixed", median)
    return Distribution("lognormal", median, "lognorm", (("s", sigma), ("scale", median)))


def discrete_distribution(support: Sequence[float], weights: Any, center: float, where: str) -> Distribution:
    """Alternatives *support* with *weights* (equal if None); also used for choice parameters.

    >>> discrete_distribution([10.0, 20.0], [3, 1], 10.0, "x").ppf([0.5, 0.9]).tolist()
    [10.0, 20.0]
    """
    support = list(support)
    if weights is None:
        weights = [1.0] * len(support)
    if (not isinstance(weights, (list, tuple)) or len(weights) != len(support)
            or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
                       for w in weights) or not sum(weights) > 0):
        raise DistributionError.at(where, f"discrete needs {len(support)} non-negative weights (one per value) "
                                   f"with a positive sum, got {list(weights) if isinstance(weights, tuple) else weights!r}")
    total = float(sum(weights))
    probabilities = np.asarray(weights, dtype=float) / total
    return Distribution("discrete", center, "rv_discrete", (("values", (np.arange(len(support)), probabilities)),),
                        tuple(support))
