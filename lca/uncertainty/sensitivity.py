"""Sensitivity analysis: which uncertain inputs drive each impact category.

* :func:`one_at_a_time` (tornado): each parameter at a low and a high quantile of its
  distribution (each option, for a choice), all others at their values;
* :func:`spearman`: rank correlation of each parameter's Monte Carlo draws with the score;
* :func:`sobol`: first-order and total Sobol indices (the design and Saltelli 2010 / Jansen
  estimators of :func:`scipy.stats.sobol_indices`, evaluated in memory-bounded chunks), with
  bootstrap confidence intervals, ``n (d + 2)`` evaluations of the model for d parameters.

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
# Bootstrap resamples behind the Sobol confidence intervals (scipy's default), and the stream
# they are drawn from (a child of the seed, apart from the design's).
BOOTSTRAP_RESAMPLES = 999
BOOTSTRAP_STREAM = 0xB007


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
    if not categories:
        raise LCAError(f"{propagator.compiled.model.study.path}: the study has no impact category (no method "
                       "loaded): nothing to analyse")
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
    if np.ndim(rho) == 0:  # two variables (one parameter, one category): scipy gives the coefficient alone
        rho = np.array([[1.0, rho], [rho, 1.0]])
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
          progress: Progress | None = None, resamples: int = BOOTSTRAP_RESAMPLES,
          client: Any = None) -> SensitivityResult:
    """First-order and total Sobol indices (``first_order``, ``total``) of every parameter,
    with 95 % bootstrap confidence intervals (``first_order_ci``, ``total_ci``).

    The design and the estimators are those of :func:`scipy.stats.sobol_indices` (matrices A
    and B from one scrambled Sobol sequence of 2d dimensions, Saltelli 2010 first-order and
    Jansen total estimators on outputs centred by their mean), so for the same seed the indices
    equal scipy's. scipy builds the whole d x d x n array of the AB_i matrices; here each
    column of AB_i is made from A and B when its chunk is evaluated, so memory grows with
    d x n, not d^2 x n.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model.
    samples : int, optional
        The base sample size n, rounded up to a power of 2 (Sobol sequences balance there);
        the model is evaluated n (d + 2) times for d parameters, in memory-bounded chunks.
    seed : int, optional
        The seed of the design and of the bootstrap.
    parameters, categories : sequence of str, optional
        What to analyse (default: everything uncertain, every category).
    progress : callable (done, total), optional
        Called after each chunk.
    resamples : int, optional
        Bootstrap resamples of the n base samples for the confidence intervals (percentile
        method; 0: no intervals).
    client : distributed.Client, optional
        Evaluate the model on this Dask cluster (the same numbers); the model is sent once.

    Returns
    -------
    SensitivityResult
        ``{"first_order", "total", "first_order_ci", "total_ci"}`` per parameter (each
        interval ``[low, high]``), largest total first.

    Raises
    ------
    LCAError
        If fewer than 2 base samples or fewer than 0 resamples are asked for, a parameter is
        not uncertain, a category unknown, or nothing is uncertain.

    Examples
    --------
    >>> from lca import load_study
    >>> s = sobol(load_study("lca:scenarios/patterson2021_gpt3.toml"), 256, seed=1)
    >>> s.samples, list(s.values["climate_change"])
    (1536, ['grid_intensity', 'chip_power', 'pue', 'duration'])
    >>> low, high = s.values["climate_change"]["grid_intensity"]["first_order_ci"]
    >>> bool(low < s.values["climate_change"]["grid_intensity"]["first_order"] < high)
    True
    """
    propagator, rows = _setup(model, parameters, categories)
    if samples < 2:
        raise LCAError(f"Sobol indices need at least 2 base samples, got {samples}")
    if resamples < 0:
        raise LCAError(f"the number of bootstrap resamples must be at least 0, got {resamples}")
    n = 1 << (int(samples) - 1).bit_length()
    d = len(propagator.names)
    total = n * (d + 2)
    dists = [propagator.distributions[name] for name in propagator.names]
    a, b = sobol_design(n, dists, np.random.default_rng(seed))
    done = [0]
    # A, B and the AB_i pages are evaluated one after the other: send the model to the workers once
    scattered = None if client is None else client.scatter(propagator, broadcast=True, hash=False)

    def scores(count: int, columns) -> np.ndarray:
        offset = done[0]
        report = None if progress is None else (lambda k, _m: progress(offset + k, total))
        if client is None:
            out = evaluate_chunked(propagator, count, columns, progress=report).scores[rows]
        else:
            # a cluster is sent the values themselves: one AB_i page (n columns) at a time keeps
            # the client's memory at d x n, as the serial path
            parts = []
            for start in range(0, count, n):
                stop = min(count, start + n)
                page_report = None if report is None else (lambda k, m, s=start: report(s + k, m))
                parts.append(_scores(propagator, columns(start, stop), client, page_report, scattered)[rows])
            out = np.concatenate(parts, axis=1)
        done[0] += count
        return out

    f_a = scores(n, lambda start, stop: a[:, start:stop])
    f_b = scores(n, lambda start, stop: b[:, start:stop])

    def ab_columns(start: int, stop: int) -> np.ndarray:
        # column k of the stacked AB_i is A's column k % n with row i = k // n taken from B
        k = np.arange(start, stop)
        page, column = k // n, k % n
        block = a[:, column]
        block[page, np.arange(k.size)] = b[page, column]
        return block

    f_ab = scores(d * n, ab_columns).reshape(len(rows), d, n).transpose(1, 0, 2)  # (d, s, n) as scipy's
    first, total_order, centred = saltelli_jansen(f_a, f_b, f_ab)
    intervals = None
    if resamples:
        intervals = bootstrap_intervals(*centred, resamples, np.random.default_rng([seed, BOOTSTRAP_STREAM]))
    values = {}
    for k, row in enumerate(rows):
        per = {}
        for i, name in enumerate(propagator.names):
            record: dict[str, Any] = {"first_order": float(first[k, i]), "total": float(total_order[k, i])}
            if intervals is not None:
                record["first_order_ci"] = [float(intervals[0][0, k, i]), float(intervals[0][1, k, i])]
                record["total_ci"] = [float(intervals[1][0, k, i]), float(intervals[1][1, k, i])]
            per[name] = record
        values[propagator.compiled.categories[row]] = per
    return _result("sobol", propagator, rows, values, total, lambda r: r["total"])


def sobol_design(n: int, dists: Sequence[Any], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The matrices A and B (d, n) of :func:`scipy.stats.sobol_indices` for the same generator.

    One scrambled Sobol sequence of 2d dimensions (64 bits), its first d columns A and last d
    B, each row through its distribution's ``ppf`` (Saltelli et al. 2010, section 5).

    Parameters
    ----------
    n : int
        The base sample size (a power of 2).
    dists : sequence
        Objects with a ``ppf`` method, one per parameter.
    rng : numpy.random.Generator
        The generator scipy would be given.

    Returns
    -------
    a, b : numpy.ndarray
        The two (d, n) matrices, in the parameters' units.

    Examples
    --------
    >>> from scipy.stats import uniform
    >>> a, b = sobol_design(8, [uniform(0, 1)] * 3, np.random.default_rng(1))
    >>> a.shape, b.shape, bool(((a >= 0) & (a < 1)).all())
    ((3, 8), (3, 8), True)
    """
    from scipy.stats import qmc

    d = len(dists)
    design = qmc.Sobol(d=2 * d, seed=rng, bits=64).random(n).T.reshape(2, d, n)
    for row, dist in enumerate(dists):
        design[:, row] = dist.ppf(design[:, row])
    return design[0], design[1]


def saltelli_jansen(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray):
    """First-order (Saltelli 2010) and total (Jansen 1999) indices as scipy computes them.

    Parameters
    ----------
    f_a, f_b : numpy.ndarray
        (s, n) outputs at A and B.
    f_ab : numpy.ndarray
        (d, s, n) outputs at AB_i (A with row i from B).

    Returns
    -------
    first, total : numpy.ndarray
        (s, d) indices; 0 where an output does not vary.
    centred : tuple of numpy.ndarray
        f_a, f_b and f_ab minus the mean of f_a and f_b (the bootstrap resamples these; f_ab
        is centred in place).

    Examples
    --------
    y = x1 + 2 x2 on uniforms: first-order and total indices 1/5 and 4/5.

    >>> from scipy.stats import uniform
    >>> a, b = sobol_design(4096, [uniform(0, 1)] * 2, np.random.default_rng(0))
    >>> f = lambda x: (x[0] + 2 * x[1])[None, :]
    >>> f_ab = np.stack([f(np.where(np.arange(2)[:, None] == i, b, a)) for i in range(2)])
    >>> first, total, _ = saltelli_jansen(f(a), f(b), f_ab)
    >>> first.round(2).tolist(), total.round(2).tolist()
    ([[0.2, 0.8]], [[0.2, 0.8]])
    """
    mean = np.mean([f_a, f_b], axis=(0, -1)).reshape(-1, 1)
    f_a, f_b = f_a - mean, f_b - mean
    f_ab -= mean
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.var([f_a, f_b], axis=(0, -1))
        first = (np.mean(f_b * (f_ab - f_a), axis=-1) / variance).T
        total = (0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / variance).T
    first[~np.isfinite(first)] = 0
    total[~np.isfinite(total)] = 0
    return first, total, (f_a, f_b, f_ab)


def bootstrap_intervals(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, resamples: int,
                        rng: np.random.Generator, confidence: float = 0.95, block: int = 64):
    """Percentile bootstrap intervals of the first-order and total indices.

    Each resample draws n of the n base samples with replacement and recomputes the
    estimators of :func:`saltelli_jansen` on them (what ``scipy.stats.sobol_indices(...).bootstrap``
    does, there with BCa intervals, whose jackknife would cost n more passes over f_ab). A
    resample's estimator is a weighted mean over the base samples, its weights the counts of
    each sample in the resample, so a block of resamples is one matrix product with the
    per-sample terms: no copy of f_ab per resample.

    Parameters
    ----------
    f_a, f_b, f_ab : numpy.ndarray
        The centred outputs of :func:`saltelli_jansen`.
    resamples : int
        The number of bootstrap resamples.
    rng : numpy.random.Generator
        The resampling stream.
    confidence : float, optional
        The confidence level.
    block : int, optional
        Resamples per matrix product (bounds memory).

    Returns
    -------
    first, total : numpy.ndarray
        (2, s, d): the lower and upper bounds of each index.

    Examples
    --------
    >>> from scipy.stats import uniform
    >>> a, b = sobol_design(1024, [uniform(0, 1)] * 2, np.random.default_rng(0))
    >>> f = lambda x: (x[0] + 2 * x[1])[None, :]
    >>> f_ab = np.stack([f(np.where(np.arange(2)[:, None] == i, b, a)) for i in range(2)])
    >>> _, _, centred = saltelli_jansen(f(a), f(b), f_ab)
    >>> first, total = bootstrap_intervals(*centred, 999, np.random.default_rng(1))
    >>> bool(first[0, 0, 1] < 0.8 < first[1, 0, 1])
    True
    """
    d, s, n = f_ab.shape
    first_terms = (f_b * (f_ab - f_a)).reshape(d * s, n).T  # (n, d s)
    total_terms = (0.5 * (f_a - f_ab) ** 2).reshape(d * s, n).T
    moments = np.concatenate([f_a, f_b, f_a ** 2, f_b ** 2]).T  # (n, 4 s)
    first = np.empty((resamples, s, d))
    total = np.empty((resamples, s, d))
    uniform = np.full(n, 1.0 / n)
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        weights = rng.multinomial(n, uniform, size=stop - start) / n  # (block, n), rows sum to 1
        m = weights @ moments
        mean = 0.5 * (m[:, :s] + m[:, s:2 * s])
        variance = 0.5 * (m[:, 2 * s:3 * s] + m[:, 3 * s:]) - mean ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            first[start:stop] = (weights @ first_terms).reshape(-1, d, s).transpose(0, 2, 1) / variance[:, :, None]
            total[start:stop] = (weights @ total_terms).reshape(-1, d, s).transpose(0, 2, 1) / variance[:, :, None]
    for values in (first, total):
        values[~np.isfinite(values)] = 0
    tail = 100 * (1 - confidence) / 2
    return np.percentile(first, (tail, 100 - tail), axis=0), np.percentile(total, (tail, 100 - tail), axis=0)


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
