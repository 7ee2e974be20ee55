"""Reading ``uncertainty = {...}`` tables into :class:`~lca.model.uncertainty.Uncertainty`
records, once, at load time, so that a bad table names its item; and the distributions of a
compiled model's uncertain parameters.

The numbers of a table are in the item's declared unit; the central value (median of a
lognormal, mean of a normal, default mode) is the item's own value, so a changed value moves
its distribution with it (see :meth:`~lca.model.uncertainty.Uncertainty.distribution`).

>>> d = make_distribution({"distribution": "lognormal", "gsd": 1.2}, 10.0, "x")
>>> float(d.ppf(0.5))
10.0
>>> make_distribution({"distribution": "uniform", "min": 2, "max": 1}, 1.5, "pue")
Traceback (most recent call last):
lca.errors.DistributionError: pue: uniform needs min < max, got min = 2, max = 1
"""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import DistributionError
from ..model.uncertainty import Distribution, Uncertainty, discrete_distribution
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

__all__ = ["DISTRIBUTIONS", "Distribution", "Uncertainty", "check_spec", "discrete_distribution", "family_quantile",
           "family_quantiles", "make_distribution", "parameter_distributions", "parse_uncertainty",
           "plain_lognormal"]


def check_spec(spec: Mapping[str, Any], value: Any, where: str) -> None:
    """Check an ``uncertainty`` table without keeping the distribution.

    Parameters
    ----------
    spec : mapping
        The table, e.g. ``{"distribution": "lognormal", "gsd": 1.1}``.
    value : float or None
        The item's central value in its declared unit (1.0 for a relative uncertainty on a
        formula; None for a formula parameter, which takes no uncertainty of its own).
    where : str
        The file and item, for the message.

    Raises
    ------
    DistributionError
        If *spec* is not a valid distribution around *value*.

    Examples
    --------
    >>> check_spec({"distribution": "normal", "sd": 0.1}, 1.0, "pue")
    >>> check_spec({"distribution": "lognormal", "gsd": 0.9}, 1.0, "pue")
    Traceback (most recent call last):
    lca.errors.DistributionError: pue: ...
    """
    parse_uncertainty(spec, value, where)


def make_distribution(spec: Mapping[str, Any], value: Any, where: str) -> Distribution:
    """The distribution an ``uncertainty`` table describes around the central *value*."""
    return parse_uncertainty(spec, value, where).distribution(value, where)


def parse_uncertainty(spec: Mapping[str, Any], value: Any, where: str) -> Uncertainty:
    """The :class:`~lca.model.uncertainty.Uncertainty` an ``uncertainty`` table describes,
    checked around the item's central *value*; a bad table is a :class:`DistributionError`
    naming *where*.

    >>> parse_uncertainty({"distribution": "triangular", "min": 1, "max": 4}, 2.5, "x")
    Uncertainty(kind='triangular', gsd=None, sigma=None, sd=None, minimum=1, maximum=4, mode=None, values=None, \
weights=None, pedigree=None, basic_gsd=None, basic=None, pedigree_set=None, pedigree_sigma=None, source=None, \
comment=None)
    """
    if type(spec) is not dict and not isinstance(spec, Mapping):  # typing.Mapping's check is slow
        raise DistributionError.at(where, f"'uncertainty' must be a table, got {spec!r}")
    if value is None:
        raise DistributionError.at(where, "a parameter given by a formula takes no uncertainty of its own; "
                                   "put the uncertainty on the parameters the formula uses")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DistributionError.at(where, f"the central value must be a finite number, got {value!r}")
    key = _spec_key(spec)
    try:
        uncertainty = _PARSED.get(key) if key is not None else None
    except TypeError:  # unhashable: a list (pedigree scores, discrete values), parsed every time
        key = uncertainty = None
    if uncertainty is None:
        uncertainty = _parse_spec(spec, where)
        if key is not None:
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = uncertainty
    if not (uncertainty.kind == "lognormal" and value > 0):  # a positive median is all a lognormal needs
        uncertainty.distribution(value, where)  # the checks that need the central value
    mu = _number(spec, "mu", where, required=False) if uncertainty.pedigree is None else None
    if mu is not None and not math.isclose(mu, math.log(value), rel_tol=1e-6, abs_tol=1e-9):
        raise DistributionError.at(where, f"lognormal mu = {mu:g} disagrees with ln(value) = "
                                   f"{math.log(value):g}; the median is the value")
    return uncertainty


def plain_lognormal(spec: Any) -> Uncertainty | None:
    """The record of the commonest table, ``{distribution = "lognormal", gsd = G}`` with a float
    G in (1, :data:`MAX_GSD`], as :func:`parse_uncertainty` makes it around a positive value;
    None for any other table.

    A big import writes this table on every exchange; here it costs two lookups instead of the
    general checks. The caller takes :func:`parse_uncertainty` on None (which checks the table and
    words any error) and checks that the value is positive (what a lognormal needs of it).

    >>> plain_lognormal({"distribution": "lognormal", "gsd": 1.5}) == parse_uncertainty(
    ...     {"distribution": "lognormal", "gsd": 1.5}, 2.0, "x")
    True
    >>> plain_lognormal({"distribution": "lognormal", "gsd": 0.9}) is None    # the general path words the error
    True
    """
    if type(spec) is not dict or len(spec) != 2 or spec.get("distribution") != "lognormal":
        return None
    gsd = spec.get("gsd")
    if type(gsd) is not float or not 1.0 < gsd <= MAX_GSD:
        return None
    return _lognormal_gsd(gsd)


@lru_cache(maxsize=1024)
def _lognormal_gsd(gsd: float) -> Uncertainty:
    """One record per gsd (records are immutable; an import repeats a few gsds everywhere)."""
    return Uncertainty("lognormal", gsd=gsd)


# Parsed tables by content. A big imported database repeats a few tables over hundreds of
# thousands of exchanges; the record is a pure function of the table's keys, values and their
# types (never of the file, the item or the central value, whose checks run on every call), and
# it is immutable, so sharing it cannot go stale. Only tables that parsed are kept: a bad one is
# parsed again, and its message names its own item.
_PARSED: dict[tuple, Uncertainty] = {}
_PARSED_MAX = 4096


def _spec_key(spec: Mapping[str, Any]) -> tuple | None:
    """A key of *spec* that tells apart what parsing tells apart (1 from 1.0 from True, by
    type); None for a table holding a zero (0.0 and -0.0 are equal keys but print apart)."""
    values = tuple(spec.values())
    try:
        if 0 in values:
            return None
    except ValueError:  # an array's ambiguous truth (a table built in Python)
        return None
    return tuple(spec), values, tuple(map(type, values))


def _parse_spec(spec: Mapping[str, Any], where: str) -> Uncertainty:
    """The record of *spec*, with every check that does not need the central value."""
    text = {"source": spec.get("source"), "comment": spec.get("comment")}
    if "pedigree" in spec:
        return _pedigree(spec, where, text)
    kind = spec.get("distribution")
    if not isinstance(kind, str) or kind not in _KEYS:
        raise DistributionError.at(where, f"unknown distribution {kind!r} (known: {', '.join(DISTRIBUTIONS)}, "
                                   "or a pedigree = [...] table)" if kind is not None else
                                   f"missing 'distribution' (one of {', '.join(DISTRIBUTIONS)}) or 'pedigree'")
    _check_keys(spec, _KEYS[kind], where, kind)
    return _PARSERS[kind](spec, where, text)


def _check_keys(spec: Mapping[str, Any], allowed: frozenset[str], where: str, kind: str) -> None:
    unknown = sorted(set(spec) - allowed - _TEXT_KEYS)
    if unknown:
        expected = ", ".join(sorted(allowed)) or "no other keys"
        raise DistributionError.at(where, f"{kind} does not take {', '.join(map(repr, unknown))} "
                                   f"(it takes {expected})")


def _number(spec: Mapping[str, Any], key: str, where: str, required: bool = True) -> float | None:
    """The number *key* of *spec* as written (an int stays an int: messages and descriptions
    show it as the file does); the distributions convert it to float."""
    raw = spec.get(key)
    if raw is None:
        if required:
            raise DistributionError.at(where, f"{spec.get('distribution')} needs {key!r}")
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise DistributionError.at(where, f"{key!r} must be a finite number, got {raw!r}")
    return raw


def _fixed(spec, where, text) -> Uncertainty:
    return Uncertainty("fixed", **text)


def _lognormal(spec, where, text) -> Uncertainty:
    gsd, sigma = (_number(spec, k, where, required=False) for k in ("gsd", "sigma"))
    _number(spec, "mu", where, required=False)
    if (gsd is None) == (sigma is None):
        raise DistributionError.at(where, "lognormal needs exactly one of 'gsd' (> 1) or 'sigma' (> 0, of ln)")
    if gsd is not None and not gsd > 1:
        raise DistributionError.at(where, f"lognormal gsd must be > 1, got {gsd:g}")
    if sigma is not None and not sigma > 0:
        raise DistributionError.at(where, f"lognormal sigma must be > 0, got {sigma:g}")
    if (gsd if gsd is not None else math.exp(min(sigma, 700.0))) > MAX_GSD:
        raise DistributionError.at(where, f"lognormal {'gsd' if gsd is not None else 'sigma'} = "
                                   f"{gsd if gsd is not None else sigma:g} is wider than the bound gsd <= {MAX_GSD:g} "
                                   f"(sigma <= {math.log(MAX_GSD):.2f}); a 95 % range of a factor over a million "
                                   "each way is no longer a measurement")
    return Uncertainty("lognormal", gsd=gsd, sigma=sigma, **text)


def _normal(spec, where, text) -> Uncertainty:
    sd = _number(spec, "sd", where)
    if not sd > 0:
        raise DistributionError.at(where, f"normal sd must be > 0, got {sd:g}")
    return Uncertainty("normal", sd=sd, **text)


def _range(spec, where, text) -> Uncertainty:
    kind = spec["distribution"]
    low, high = _number(spec, "min", where), _number(spec, "max", where)
    if not low < high:
        raise DistributionError.at(where, f"{kind} needs min < max, got min = {low:g}, max = {high:g}")
    mode = _number(spec, "mode", where, required=False) if kind != "uniform" else None
    return Uncertainty(kind, minimum=low, maximum=high, mode=mode, **text)


def _discrete(spec, where, text) -> Uncertainty:
    values = spec.get("values")
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)):
        raise DistributionError.at(where, "discrete needs 'values', a non-empty list of numbers")
    weights = spec.get("weights")
    discrete_distribution([float(v) for v in values], weights, 0.0, where)  # checks the weights
    return Uncertainty("discrete", values=tuple(values), weights=None if weights is None else tuple(weights), **text)


def _pedigree(spec, where, text) -> Uncertainty:
    kind = spec.get("distribution", "lognormal")
    if kind != "lognormal":
        raise DistributionError.at(where, f"a pedigree gives a lognormal, not {kind!r}")
    _check_keys(spec, _PEDIGREE_KEYS, where, "pedigree")
    sigma = sigma_from_spec(spec, where)
    if not sigma <= math.log(MAX_GSD):
        raise DistributionError.at(where, f"the pedigree gives sigma = {sigma:g}, wider than the bound gsd <= "
                                   f"{MAX_GSD:g} (sigma <= {math.log(MAX_GSD):.2f}); check basic_gsd")
    return Uncertainty("lognormal", pedigree=tuple(spec["pedigree"]), basic_gsd=spec.get("basic_gsd"),
                       basic=spec.get("basic"), pedigree_set=spec.get("pedigree_set"), pedigree_sigma=sigma, **text)


_PARSERS = {
    "fixed": _fixed,
    "lognormal": _lognormal,
    "normal": _normal,
    "uniform": _range,
    "triangular": _range,
    "pert": _range,
    "discrete": _discrete,
}


def parameter_distributions(parameters, names: tuple[str, ...] | None = None) -> dict[str, Distribution]:
    """The distributions of the uncertain free parameters of a compiled parameter table.

    Parameters
    ----------
    parameters : ParameterTable
        ``compiled.parameters`` of a :class:`~lca.engine.compile.CompiledModel`.
    names : tuple of str, optional
        Which parameters (default: every uncertain one).

    Returns
    -------
    dict of str to Distribution
        In declared units; choice parameters get a discrete distribution over option indices.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> {name: d.kind for name, d in sorted(parameter_distributions(compiled.parameters).items())}
    {'chip_power': 'lognormal', 'duration': 'uniform', 'grid_intensity': 'lognormal', 'pue': 'triangular'}
    """
    names = parameters.uncertain if names is None else names
    out: dict[str, Distribution] = {}
    for name in names:
        uncertainty = parameters.uncertainty[name]
        where = parameters.labels[name]
        if name in parameters.choices:
            options = parameters.choices[name]
            out[name] = discrete_distribution([float(i) for i in range(len(options))], uncertainty.weights,
                                              parameters.defaults[name], where)
        else:
            # Back to the declared unit; rounding to 15 digits undoes the root-unit round trip so
            # that a value typed on a bound (value = min) stays on it.
            center = float(f"{parameters.defaults[name] / parameters.root_factors[name]:.15g}")
            out[name] = uncertainty.distribution(center, where)
    return out


def family_quantile(frozen: Any) -> Any:
    """A vectorized quantile function equal to ``frozen.ppf`` (tested to 1e-12).

    scipy.stats' generic ``ppf`` spends about ten times longer validating and broadcasting
    arguments than computing; Monte Carlo draws hundreds of parameters per iteration, so for
    the families that dominate inventories the quantile is computed directly: the normal
    quantile with scipy.special.ndtri (what ``norm.ppf`` itself calls) and the uniform and
    triangular ones in closed form. Other families keep scipy's ``ppf``.

    Parameters
    ----------
    frozen : scipy.stats frozen distribution
        A distribution, possibly with array parameters.

    Returns
    -------
    callable
        u -> quantiles, the same as ``frozen.ppf(u)``.

    Examples
    --------
    >>> import scipy.stats as stats
    >>> frozen = stats.norm(loc=np.array([[0.0], [10.0]]), scale=1.0)
    >>> u = np.array([[0.1, 0.5, 0.9], [0.1, 0.5, 0.9]])
    >>> bool(np.allclose(family_quantile(frozen)(u), frozen.ppf(u), rtol=1e-12))
    True
    """
    if frozen.args or frozen.dist.name == "beta":
        return frozen.ppf
    return family_quantiles(frozen.dist.name, frozen.kwds) or frozen.ppf


def family_quantiles(family: str, parameters: Mapping[str, Any]) -> Callable[[np.ndarray], np.ndarray] | None:
    """The quantile function of a whole family of parameters at once, without scipy.stats.

    Monte Carlo groups its uncertain parameters by family (every lognormal, every
    triangular, ...) and turns one block of uniforms per family into values with one call:
    *parameters* holds a column (k, 1) per scipy.stats keyword, one row per parameter, and
    the function maps uniforms (k, n) to values (k, n). The arithmetic is scipy.stats'
    own, operation for operation (``_ppf(u) * scale + loc``, with ``_ppf`` from
    scipy.special: ``ndtri`` for the normal and lognormal, ``betaincinv`` for PERT's beta),
    so the values are bit for bit those of ``ppf``; importing scipy.stats (about 0.5 s) and
    freezing one distribution per parameter are left out.

    Parameters
    ----------
    family : str
        The scipy.stats name (``Distribution.family``): lognorm, norm, uniform, triang or beta.
    parameters : mapping of str to array
        Its keywords (``Distribution.arguments``), as columns (k, 1) or numbers.

    Returns
    -------
    callable or None
        u -> quantiles; None for a family or a set of keywords it does not know.

    Examples
    --------
    >>> quantile = family_quantiles("lognorm", {"s": np.array([[0.1], [0.2]]), "scale": np.array([[1.0], [5.0]])})
    >>> quantile(np.full((2, 3), 0.5)).tolist()
    [[1.0, 1.0, 1.0], [5.0, 5.0, 5.0]]
    >>> print(family_quantiles("gamma", {"a": 2.0}))
    None
    """
    # Module-level functions bound with partial, not closures: a prepared model (which holds
    # these) must pickle to be sent to Dask workers.
    keys = set(parameters)
    get = parameters.get
    if family == "lognorm" and "s" in keys and keys <= {"s", "scale"}:
        return partial(_lognormal_quantile, parameters["s"], get("scale", 1.0))
    if family == "norm" and keys <= {"loc", "scale"}:
        return partial(_normal_quantile, get("loc", 0.0), get("scale", 1.0))
    if family == "uniform" and keys <= {"loc", "scale"}:
        return partial(_uniform_quantile, get("loc", 0.0), get("scale", 1.0))
    if family == "triang" and "c" in keys and keys <= {"c", "loc", "scale"}:
        return partial(_triangular_quantile, parameters["c"], get("loc", 0.0), get("scale", 1.0))
    if family == "beta" and {"a", "b"} <= keys <= {"a", "b", "loc", "scale"}:
        return partial(_beta_quantile, parameters["a"], parameters["b"], get("loc", 0.0), get("scale", 1.0))
    return None


# Each works in one scratch array (out= throughout): a chunk of the flagship study is a million
# numbers, and every temporary is another pass over memory.

def _lognormal_quantile(s: Any, scale: Any, u: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    out = ndtri(u)
    np.multiply(s, out, out=out)
    np.exp(out, out=out)
    return np.multiply(scale, out, out=out)


def _normal_quantile(loc: Any, scale: Any, u: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    out = ndtri(u)
    np.multiply(scale, out, out=out)
    return np.add(loc, out, out=out)


def _uniform_quantile(loc: Any, scale: Any, u: np.ndarray) -> np.ndarray:
    out = np.multiply(scale, u)
    return np.add(loc, out, out=out)


def _triangular_quantile(c: Any, loc: Any, scale: Any, u: np.ndarray) -> np.ndarray:
    # scipy's triang._ppf: where(u < c, sqrt(c u), 1 - sqrt((1 - c)(1 - u)))
    with np.errstate(invalid="ignore"):
        out = np.multiply(c, u)
        np.sqrt(out, out=out)
        right = np.subtract(1.0, u)
        np.multiply(1.0 - c, right, out=right)
        np.sqrt(right, out=right)
        np.subtract(1.0, right, out=right)
    np.copyto(out, right, where=~(u < c))
    np.multiply(scale, out, out=out)
    return np.add(loc, out, out=out)


def _beta_quantile(a: Any, b: Any, loc: Any, scale: Any, u: np.ndarray) -> np.ndarray:
    from scipy.special import betaincinv

    out = betaincinv(a, b, u)
    np.multiply(out, scale, out=out)
    return np.add(out, loc, out=out)
