"""Sensitivity analysis: which uncertain inputs drive each impact category.

* :func:`one_at_a_time` (tornado): each parameter at a low and a high quantile of its
  distribution (each option, for a choice), all others at their values;
* :func:`spearman`: rank correlation of each parameter's Monte Carlo draws with the score;
* :func:`sobol`: first-order and total Sobol indices (:func:`scipy.stats.sobol_indices`,
  Saltelli 2010 estimators), ``n (d + 2)`` evaluations of the model for d parameters.

Choice parameters (alternatives, allocation choices) are discrete parameters: OAT tries each
option, Sobol draws them from their weights, Spearman ranks them by option index.

>>> from lca import load_study
>>> s = sobol(load_study("lca:scenarios/patterson2021_gpt3.toml"), 256, seed=1)
>>> round(s.values["climate_change"]["grid_intensity"]["first_order"], 1)
0.7
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.compile import CompiledModel
from ..engine.propagate import Progress, Propagator, evaluate_chunked, prepare
from ..errors import LCAError
from ..model.frozen import FrozenDict
from ..model.records import Model
from .distributed import evaluate_distributed
from .montecarlo import monte_carlo

METHODS = ("oat", "spearman", "sobol")


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity indices by category and parameter (immutable).

    Attributes
    ----------
    method : {"oat", "spearman", "sobol"}
        The method.
    categories, units : tuple of str
        The categories analysed and their reference units.
    parameters : tuple of str
        The parameters analysed.
    values : mapping of str to mapping of str to mapping
        ``values[category][parameter]``: the method's record of numbers (see each method),
        parameters most influential first.
    samples : int
        The model evaluations made.

    Examples
    --------
    >>> from lca import load_study
    >>> s = spearman(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1)
    >>> s.method, s.samples, list(s.values["climate_change"])
    ('spearman', 1000, ['grid_intensity', 'chip_power', 'pue', 'duration'])
    """

    method: str
    categories: tuple[str, ...]
    units: tuple[str, ...]
    parameters: tuple[str, ...]
    values: Mapping[str, Mapping[str, Mapping[str, Any]]]
    samples: int  # model evaluations made

    def to_dict(self) -> dict[str, dict[str, dict[str, Any]]]:
        return {c: {p: dict(v) for p, v in per.items()} for c, per in self.values.items()}


def _setup(model: Model | CompiledModel | Propagator, parameters: Sequence[str] | None,
           categories: Sequence[str] | None) -> tuple[Propagator, list[int]]:
    propagator = model if isinstance(model, Propagator) else prepare(model)
    if parameters is not None:
        uncertain = set(propagator.names)
        unknown = [p for p in parameters if p not in uncertain]
        if unknown:
            raise LCAError(f"not an uncertain parameter of the model: {', '.join(unknown)} "
                           f"(uncertain: {', '.join(propagator.names) or 'none'})")
        propagator = prepare(propagator.compiled, tuple(parameters))
    if not propagator.names:
        raise LCAError("the model has no uncertain parameters: nothing to analyse")
    known = propagator.compiled.categories
    categories = known if categories is None else tuple(categories)
    missing = [c for c in categories if c not in known]
    if missing:
        raise LCAError(f"no category {', '.join(missing)} in the study (have: {', '.join(known)})")
    return propagator, [known.index(c) for c in categories]


def _result(method: str, propagator: Propagator, rows: list[int], values: dict, samples: int,
            key) -> SensitivityResult:
    compiled = propagator.compiled
    ordered = {}
    for row in rows:
        per = values[compiled.categories[row]]
        ordered[compiled.categories[row]] = FrozenDict(
            {name: FrozenDict(per[name]) for name in sorted(per, key=lambda n: (-key(per[n]), n))})
    return SensitivityResult(method, tuple(compiled.categories[r] for r in rows),
                             tuple(compiled.category_units[r] for r in rows), propagator.names,
                             FrozenDict(ordered), samples)


def one_at_a_time(model: Model | CompiledModel | Propagator, low: float = 0.025, high: float = 0.975,
                  parameters: Sequence[str] | None = None, categories: Sequence[str] | None = None,
                  client: Any = None) -> SensitivityResult:
    """Scores with each parameter at its *low* and *high* quantile, the others at their values.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model.
    low, high : float, optional
        The quantiles (default 2.5 % and 97.5 %).
    parameters : sequence of str, optional
        The parameters to vary (default: every uncertain one).
    categories : sequence of str, optional
        The categories to report (default: all).
    client : distributed.Client, optional
        Evaluate on this Dask cluster (:func:`lca.uncertainty.distributed.connect`).

    Returns
    -------
    SensitivityResult
        Per parameter: ``low``/``high`` (scores), ``low_value``/``high_value`` (the parameter, in
        its unit), ``swing`` (high - low score) and ``baseline``; for a choice, ``options``
        (score per option). Largest swing first.

    Raises
    ------
    LCAError
        If a parameter is not uncertain, a category unknown, or nothing is uncertain.

    Examples
    --------
    The grid factor (lognormal, GSD 1.15) at its 2.5 % quantile, 0.429 / 1.15^1.96 = 0.326 kg
    CO2-eq/kWh, scales the score by the same ratio:

    >>> from lca import load_study
    >>> oat = one_at_a_time(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> grid = oat.values["climate_change"]["grid_intensity"]
    >>> round(grid["low_value"], 3), round(grid["low"]), round(grid["swing"])
    (0.326, 420602, 306847)
    """
    if not 0 < low < high < 1:
        raise LCAError(f"OAT quantiles must satisfy 0 < low < high < 1, got {low}, {high}")
    propagator, rows = _setup(model, parameters, categories)
    table = propagator.compiled.parameters
    names = propagator.names
    center = np.array([propagator.distributions[n].center for n in names])
    columns: list[np.ndarray] = [center]
    settings: list[tuple[str, Any]] = []
    for i, name in enumerate(names):
        if name in table.choices:
            points = [float(k) for k in range(len(table.choices[name]))]
        else:
            points = list(propagator.distributions[name].quantiles(low, high))
        for value in points:
            column = center.copy()
            column[i] = value
            columns.append(column)
            settings.append((name, value))
    inputs = np.array(columns).T
    scores = _scores(propagator, inputs, client)
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        category = propagator.compiled.categories[row]
        per: dict[str, dict[str, Any]] = {}
        for column, (name, value) in enumerate(settings, start=1):
            per.setdefault(name, {"points": []})["points"].append((value, float(scores[row, column])))
        for name, record in per.items():
            per[name] = _oat_record(name, record["points"], table, float(scores[row, 0]))
        values[category] = per
    return _result("oat", propagator, rows, values, inputs.shape[1], lambda r: abs(r["swing"]))


def _scores(propagator: Propagator, inputs: np.ndarray, client: Any = None, progress: Progress | None = None,
            scattered: Any = None) -> np.ndarray:
    """Scores (categories, n) of the value columns *inputs*, here or on a Dask cluster."""
    if client is None:
        return evaluate_chunked(propagator, inputs.shape[1], lambda a, b: inputs[:, a:b], progress=progress).scores
    return evaluate_distributed(client, propagator, inputs.shape[1], inputs, progress=progress,
                                scattered=scattered)[0].scores


def _oat_record(name: str, points: list[tuple[float, float]], table, baseline: float) -> dict[str, Any]:
    if name in table.choices:
        options = {table.choices[name][int(v)]: score for v, score in points}
        lowest = min(options, key=lambda o: (options[o], o))
        highest = max(options, key=lambda o: (options[o], o))
        return {"low": options[lowest], "high": options[highest], "low_value": lowest, "high_value": highest,
                "swing": options[highest] - options[lowest], "baseline": baseline, "options": options}
    (low_value, low_score), (high_value, high_score) = points
    return {"low": low_score, "high": high_score, "low_value": low_value, "high_value": high_value,
            "swing": high_score - low_score, "baseline": baseline}


def spearman(model: Model | CompiledModel | Propagator, samples: int = 10_000, seed: int = 42,
             sampler: str = "random", parameters: Sequence[str] | None = None,
             categories: Sequence[str] | None = None, progress: Progress | None = None,
             client: Any = None) -> SensitivityResult:
    """Spearman rank correlation ``rho`` between each parameter's draws and each score.

    A choice parameter is ranked by its option index (``"note"`` says so); rho is None for a
    category whose score does not vary.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model.
    samples : int, optional
        Monte Carlo iterations.
    seed : int, optional
        The seed.
    sampler : {"random", "lhs", "sobol"}, optional
        The design.
    parameters, categories : sequence of str, optional
        What to analyse (default: everything uncertain, every category).
    progress : callable (done, total), optional
        Called after each chunk.
    client : distributed.Client, optional
        Run the Monte Carlo on this Dask cluster (the same numbers).

    Returns
    -------
    SensitivityResult
        ``{"rho": ...}`` per parameter, largest ``|rho|`` first.

    Raises
    ------
    LCAError
        If a parameter is not uncertain, a category unknown, or nothing is uncertain.

    Examples
    --------
    >>> from lca import load_study
    >>> s = spearman(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1)
    >>> round(s.values["climate_change"]["grid_intensity"]["rho"], 2)
    0.8
    """
    propagator, rows = _setup(model, parameters, categories)
    result = monte_carlo(propagator, samples, seed, sampler, keep_inputs=True, progress=progress, client=client)
    table = propagator.compiled.parameters
    names = propagator.names
    with warnings.catch_warnings():
        import scipy.stats as stats

        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        rho = stats.spearmanr(np.vstack([result.inputs, result.scores[rows]]), axis=1).statistic
    rho = np.atleast_2d(rho)
    values = {}
    for k, row in enumerate(rows):
        per = {}
        for i, name in enumerate(names):
            r = float(rho[len(names) + k, i])
            per[name] = {"rho": r if math.isfinite(r) else None}
            if name in table.choices:
                per[name]["note"] = "choice parameter: ranked by option index (" + ", ".join(table.choices[name]) + ")"
        values[propagator.compiled.categories[row]] = per
    return _result("spearman", propagator, rows, values, samples, lambda r: abs(r["rho"] or 0.0))


def sobol(model: Model | CompiledModel | Propagator, samples: int = 4096, seed: int = 42,
          parameters: Sequence[str] | None = None, categories: Sequence[str] | None = None,
          progress: Progress | None = None, client: Any = None) -> SensitivityResult:
    """First-order and total Sobol indices (``first_order``, ``total``) of every parameter.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model.
    samples : int, optional
        The base sample size n, rounded up to a power of 2 (Sobol sequences balance there);
        the model is evaluated n (d + 2) times for d parameters, in memory-bounded chunks.
    seed : int, optional
        The seed.
    parameters, categories : sequence of str, optional
        What to analyse (default: everything uncertain, every category).
    progress : callable (done, total), optional
        Called after each chunk.
    client : distributed.Client, optional
        Evaluate the model on this Dask cluster (the same numbers); the model is sent once.

    Returns
    -------
    SensitivityResult
        ``{"first_order": ..., "total": ...}`` per parameter, largest total first.

    Raises
    ------
    LCAError
        If fewer than 2 base samples are asked for, a parameter is not uncertain, a category
        unknown, or nothing is uncertain.

    Examples
    --------
    >>> from lca import load_study
    >>> s = sobol(load_study("lca:scenarios/patterson2021_gpt3.toml"), 256, seed=1)
    >>> s.samples, list(s.values["climate_change"])
    (1536, ['grid_intensity', 'chip_power', 'pue', 'duration'])
    """
    propagator, rows = _setup(model, parameters, categories)
    if samples < 2:
        raise LCAError(f"Sobol indices need at least 2 base samples, got {samples}")
    n = 1 << (int(samples) - 1).bit_length()
    d = len(propagator.names)
    total = n * (d + 2)
    done = [0]
    # scipy evaluates the model three times (A, B, the AB mixes): send it to the workers once
    scattered = None if client is None else client.scatter(propagator, broadcast=True, hash=False)

    def model_scores(x: np.ndarray) -> np.ndarray:
        offset = done[0]
        report = None if progress is None else (lambda k, _m: progress(offset + k, total))
        scores = _scores(propagator, x, client, report, scattered)
        done[0] += x.shape[1]
        return scores[rows]

    dists = [propagator.distributions[name] for name in propagator.names]
    from scipy.stats import sobol_indices

    indices = sobol_indices(func=model_scores, n=n, dists=dists, rng=np.random.default_rng(seed))
    first = np.asarray(indices.first_order).reshape(len(rows), d)
    total_order = np.asarray(indices.total_order).reshape(len(rows), d)
    values = {
        propagator.compiled.categories[row]: {
            name: {"first_order": float(first[k, i]), "total": float(total_order[k, i])}
            for i, name in enumerate(propagator.names)
        }
        for k, row in enumerate(rows)
    }
    return _result("sobol", propagator, rows, values, total, lambda r: r["total"])


def sensitivity(model: Model | CompiledModel | Propagator, method: str, **options: Any) -> SensitivityResult:
    """Run the sensitivity analysis named *method*.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model.
    method : {"oat", "spearman", "sobol"}
        :func:`one_at_a_time`, :func:`spearman` or :func:`sobol`.
    **options
        Passed on to that function.

    Returns
    -------
    SensitivityResult
        Its result.

    Raises
    ------
    LCAError
        If the method is unknown.

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> sensitivity(model, "oat", categories=["climate_change"]).parameters
    ('chip_power', 'duration', 'grid_intensity', 'pue')
    >>> sensitivity(model, "morris")
    Traceback (most recent call last):
    lca.errors.LCAError: unknown sensitivity method 'morris' (known: oat, spearman, sobol)
    """
    functions = {"oat": one_at_a_time, "spearman": spearman, "sobol": sobol}
    if method not in functions:
        raise LCAError(f"unknown sensitivity method {method!r} (known: {', '.join(METHODS)})")
    return functions[method](model, **options)
