"""Probability distributions of uncertain numbers, from the ``uncertainty = {...}`` tables.

Every distribution is a frozen :mod:`scipy.stats` distribution; sampling is by inverse
transform (``ppf``) of uniforms, so plain random, Latin hypercube and Sobol designs all go
through the same path and paired (common random number) draws come for free.

The numbers of a spec are in the item's declared unit; the central value (median of a
lognormal, mean of a normal, default mode) is the item's own value, so a changed value moves
its distribution with it.

>>> d = make_distribution({"distribution": "lognormal", "gsd": 1.2}, 10.0, "x")
>>> float(d.ppf(0.5))
10.0
>>> make_distribution({"distribution": "uniform", "min": 2, "max": 1}, 1.5, "pue")
Traceback (most recent call last):
lca.errors.DistributionError: pue: uniform needs min < max, got min = 2, max = 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np

from ..errors import DistributionError
from .pedigree import sigma_from_spec

# Keys each distribution accepts besides "distribution" (and free-text "source"/"comment").
_KEYS: Mapping[str, frozenset[str]] = {
    "fixed": frozenset(),
    "lognormal": frozenset({"gsd", "sigma", "mu"}),
    "normal": frozenset({"sd"}),
    "uniform": frozenset({"min", "max"}),
    "triangular": frozenset({"min", "max", "mode"}),
    "pert": frozenset({"min", "max", "mode"}),
    "discrete": frozenset({"values", "weights"}),
}
_PEDIGREE_KEYS = frozenset({"pedigree", "basic_gsd", "basic", "pedigree_set"})
_TEXT_KEYS = frozenset({"distribution", "source", "comment"})
DISTRIBUTIONS = tuple(_KEYS)
# The widest lognormal accepted. Shipped data go up to gsd = 10; gsd 1000 puts the 2.5 % and
# 97.5 % quantiles a factor of 7.5e5 from the median, and keeps every draw (even at the 1e-16
# tail) finite in floating point.
MAX_GSD = 1000.0


@dataclass(frozen=True)
class Distribution:
    """One uncertain number: ``ppf`` maps uniforms in (0, 1) to values (declared unit).

    ``frozen`` is the scipy.stats distribution (None for ``fixed``); ``center`` the item's
    deterministic value. The scipy object is built on first use: checking the thousand
    uncertainty tables of a study at load time must not pay for freezing (or importing)
    scipy.stats, which a deterministic run never needs.
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
        u = np.asarray(u, dtype=float)
        if self.frozen is None:
            return np.full(u.shape, self.center)
        if self.support is not None:
            index = self.frozen.ppf(u).astype(np.int64)
            return np.asarray(self.support)[np.clip(index, 0, len(self.support) - 1)]
        return self.frozen.ppf(u)

    def quantiles(self, low: float, high: float) -> tuple[float, float]:
        return float(self.ppf(low)), float(self.ppf(high))


def check_spec(spec: Mapping[str, Any], value: Any, where: str) -> None:
    """Raise :class:`DistributionError` naming *where* if *spec* is not a valid distribution.

    *value* is the item's central value in its declared unit (1.0 for a relative uncertainty
    on a formula; None for a formula parameter, which takes no uncertainty of its own).
    """
    make_distribution(spec, value, where)


def make_distribution(spec: Mapping[str, Any], value: Any, where: str) -> Distribution:
    """The distribution an ``uncertainty`` table describes around the central *value*."""
    if not isinstance(spec, Mapping):
        raise DistributionError(f"{where}: 'uncertainty' must be a table, got {spec!r}")
    if value is None:
        raise DistributionError(f"{where}: a parameter given by a formula takes no uncertainty of its own; "
                                "put the uncertainty on the parameters the formula uses")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DistributionError(f"{where}: the central value must be a finite number, got {value!r}")
    value = float(value)
    if "pedigree" in spec:
        return _pedigree(spec, value, where)
    kind = spec.get("distribution")
    if not isinstance(kind, str) or kind not in _KEYS:
        raise DistributionError(f"{where}: unknown distribution {kind!r} (known: {', '.join(DISTRIBUTIONS)}, "
                                "or a pedigree = [...] table)" if kind is not None else
                                f"{where}: missing 'distribution' (one of {', '.join(DISTRIBUTIONS)}) "
                                "or 'pedigree'")
    _check_keys(spec, _KEYS[kind], where, kind)
    return _BUILDERS[kind](spec, value, where)


def _check_keys(spec: Mapping[str, Any], allowed: frozenset[str], where: str, kind: str) -> None:
    unknown = sorted(set(spec) - allowed - _TEXT_KEYS)
    if unknown:
        expected = ", ".join(sorted(allowed)) or "no other keys"
        raise DistributionError(f"{where}: {kind} does not take {', '.join(map(repr, unknown))} (it takes {expected})")


def _number(spec: Mapping[str, Any], key: str, where: str, required: bool = True) -> float | None:
    raw = spec.get(key)
    if raw is None:
        if required:
            raise DistributionError(f"{where}: {spec.get('distribution')} needs {key!r}")
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise DistributionError(f"{where}: {key!r} must be a finite number, got {raw!r}")
    return float(raw)


def _fixed(spec, value, where) -> Distribution:
    return Distribution("fixed", value)


def _lognormal(spec, value, where) -> Distribution:
    gsd, sigma, mu = (_number(spec, k, where, required=False) for k in ("gsd", "sigma", "mu"))
    if (gsd is None) == (sigma is None):
        raise DistributionError(f"{where}: lognormal needs exactly one of 'gsd' (> 1) or 'sigma' (> 0, of ln)")
    if gsd is not None and not gsd > 1:
        raise DistributionError(f"{where}: lognormal gsd must be > 1, got {gsd:g}")
    if sigma is not None and not sigma > 0:
        raise DistributionError(f"{where}: lognormal sigma must be > 0, got {sigma:g}")
    if (gsd if gsd is not None else math.exp(min(sigma, 700.0))) > MAX_GSD:
        raise DistributionError(f"{where}: lognormal {'gsd' if gsd is not None else 'sigma'} = "
                                f"{gsd if gsd is not None else sigma:g} is wider than the bound gsd <= {MAX_GSD:g} "
                                f"(sigma <= {math.log(MAX_GSD):.2f}); a 95 % range of a factor over a million "
                                "each way is no longer a measurement")
    if not value > 0:
        raise DistributionError(f"{where}: a lognormal needs a positive median (the value), got {value:g}")
    if mu is not None and not math.isclose(mu, math.log(value), rel_tol=1e-6, abs_tol=1e-9):
        raise DistributionError(f"{where}: lognormal mu = {mu:g} disagrees with ln(value) = "
                                f"{math.log(value):g}; the median is the value")
    sigma = math.log(gsd) if gsd is not None else sigma
    return _lognormal_sigma(value, sigma)


def _lognormal_sigma(median: float, sigma: float) -> Distribution:
    if sigma == 0:  # a pedigree of all 1s and no basic uncertainty: no spread
        return Distribution("fixed", median)
    return Distribution("lognormal", median, "lognorm", (("s", sigma), ("scale", median)))


def _normal(spec, value, where) -> Distribution:
    sd = _number(spec, "sd", where)
    if not sd > 0:
        raise DistributionError(f"{where}: normal sd must be > 0, got {sd:g}")
    return Distribution("normal", value, "norm", (("loc", value), ("scale", sd)))


def _range(spec, value, where) -> tuple[float, float]:
    low, high = _number(spec, "min", where), _number(spec, "max", where)
    if not low < high:
        raise DistributionError(f"{where}: {spec['distribution']} needs min < max, got min = {low:g}, max = {high:g}")
    if not low <= value <= high:
        raise DistributionError(f"{where}: the value {value:g} is outside [min, max] = [{low:g}, {high:g}]")
    return low, high


def _mode(spec, value, where, low, high) -> float:
    mode = _number(spec, "mode", where, required=False)
    mode = value if mode is None else mode
    if not low <= mode <= high:
        raise DistributionError(f"{where}: mode {mode:g} is outside [min, max] = [{low:g}, {high:g}]")
    return mode


def _uniform(spec, value, where) -> Distribution:
    low, high = _range(spec, value, where)
    return Distribution("uniform", value, "uniform", (("loc", low), ("scale", high - low)))


def _triangular(spec, value, where) -> Distribution:
    low, high = _range(spec, value, where)
    mode = _mode(spec, value, where, low, high)
    return Distribution("triangular", value, "triang",
                        (("c", (mode - low) / (high - low)), ("loc", low), ("scale", high - low)))


def _pert(spec, value, where) -> Distribution:
    # The standard (lambda = 4) PERT: a beta on [min, max] with mean (min + 4 mode + max) / 6.
    low, high = _range(spec, value, where)
    mode = _mode(spec, value, where, low, high)
    width = high - low
    alpha, beta = 1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width
    return Distribution("pert", value, "beta", (("a", alpha), ("b", beta), ("loc", low), ("scale", width)))


def _discrete(spec, value, where) -> Distribution:
    values = spec.get("values")
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)):
        raise DistributionError(f"{where}: discrete needs 'values', a non-empty list of numbers")
    return discrete_distribution([float(v) for v in values], spec.get("weights"), value, where)


def discrete_distribution(support: list[float], weights: Any, center: float, where: str) -> Distribution:
    """Alternatives *support* with *weights* (equal if None); also used for choice parameters."""
    if weights is None:
        weights = [1.0] * len(support)
    if (not isinstance(weights, (list, tuple)) or len(weights) != len(support)
            or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and math.isfinite(w) and w >= 0
                       for w in weights) or not sum(weights) > 0):
        raise DistributionError(f"{where}: discrete needs {len(support)} non-negative weights (one per value) "
                                f"with a positive sum, got {weights!r}")
    total = float(sum(weights))
    probabilities = np.asarray(weights, dtype=float) / total
    return Distribution("discrete", center, "rv_discrete", (("values", (np.arange(len(support)), probabilities)),),
                        tuple(support))


def _pedigree(spec, value, where) -> Distribution:
    kind = spec.get("distribution", "lognormal")
    if kind != "lognormal":
        raise DistributionError(f"{where}: a pedigree gives a lognormal, not {kind!r}")
    _check_keys(spec, _PEDIGREE_KEYS, where, "pedigree")
    if not value > 0:
        raise DistributionError(f"{where}: a pedigree (lognormal) needs a positive median (the value), got {value:g}")
    sigma = sigma_from_spec(spec, where)
    if not sigma <= math.log(MAX_GSD):
        raise DistributionError(f"{where}: the pedigree gives sigma = {sigma:g}, wider than the bound gsd <= "
                                f"{MAX_GSD:g} (sigma <= {math.log(MAX_GSD):.2f}); check basic_gsd")
    return _lognormal_sigma(value, sigma)


_BUILDERS = {
    "fixed": _fixed,
    "lognormal": _lognormal,
    "normal": _normal,
    "uniform": _uniform,
    "triangular": _triangular,
    "pert": _pert,
    "discrete": _discrete,
}


def parameter_distributions(parameters, names: tuple[str, ...] | None = None) -> dict[str, Distribution]:
    """Distributions (declared units) of the uncertain free parameters of a compiled ParameterTable.

    Choice parameters get a discrete distribution over their option indices.
    """
    names = parameters.uncertain if names is None else names
    out: dict[str, Distribution] = {}
    for name in names:
        spec = parameters.uncertainty[name]
        where = parameters.labels[name]
        if name in parameters.choices:
            options = parameters.choices[name]
            out[name] = discrete_distribution([float(i) for i in range(len(options))], spec.get("weights"),
                                              parameters.defaults[name], where)
        else:
            # Back to the declared unit; rounding to 15 digits undoes the root-unit round trip so
            # that a value typed on a bound (value = min) stays on it.
            center = float(f"{parameters.defaults[name] / parameters.root_factors[name]:.15g}")
            out[name] = make_distribution(spec, center, where)
    return out


def family_quantile(frozen: Any) -> Any:
    """A vectorized quantile function equal to ``frozen.ppf`` (tested to 1e-12).

    scipy.stats' generic ``ppf`` spends about ten times longer validating and broadcasting
    arguments than computing; Monte Carlo draws hundreds of parameters per iteration, so for
    the families that dominate inventories the quantile is computed directly: the normal
    quantile with scipy.special.ndtri (what ``norm.ppf`` itself calls) and the uniform and
    triangular ones in closed form. Other families keep scipy's ``ppf``.
    """
    from scipy.special import ndtri

    name, kwds = frozen.dist.name, frozen.kwds
    if frozen.args:
        return frozen.ppf
    if name == "lognorm" and set(kwds) <= {"s", "scale"}:
        s, scale = kwds["s"], kwds.get("scale", 1.0)
        return lambda u: scale * np.exp(s * ndtri(u))
    if name == "norm" and set(kwds) <= {"loc", "scale"}:
        loc, scale = kwds.get("loc", 0.0), kwds.get("scale", 1.0)
        return lambda u: loc + scale * ndtri(u)
    if name == "uniform" and set(kwds) <= {"loc", "scale"}:
        loc, scale = kwds.get("loc", 0.0), kwds.get("scale", 1.0)
        return lambda u: loc + scale * u
    if name == "triang" and set(kwds) <= {"c", "loc", "scale"}:
        c, loc, scale = kwds["c"], kwds.get("loc", 0.0), kwds.get("scale", 1.0)

        def triangular(u: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                left = np.sqrt(c * u)
                right = 1.0 - np.sqrt((1.0 - c) * (1.0 - u))
            return loc + scale * np.where(u < c, left, right)

        return triangular
    return frozen.ppf
