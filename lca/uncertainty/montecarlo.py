"""Vectorized Monte Carlo: N iterations at once, in memory-bounded chunks.

Per chunk: uniforms -> parameter values (one draw per parameter per iteration, shared by
every exchange that uses it) -> all parameters (formulas on arrays) -> matrix entries for
every iteration -> supply for every iteration (:func:`lca.engine.batched.solve_batch`)
-> per-process, per-category contributions -> scores (and scores by lifecycle stage).
No Python loop runs per iteration; the engine's :mod:`lca.engine.propagate` does the work.

>>> from lca import load_study
>>> result = monte_carlo(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1)
>>> round(result.summary("climate_change").percentiles["97.5"])
814054
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.compile import CompiledModel
from ..engine.propagate import Outcome, Progress, Propagator, evaluate_chunked, prepare
from ..errors import LCAError
from ..model.frozen import ReadOnlyArrays
from ..model.records import Model
from .distributed import evaluate_distributed
from .sampling import Design, make_design
from .statistics import Convergence, Summary, convergence, summarize


@dataclass(frozen=True)
class MonteCarloResult(ReadOnlyArrays):
    """Samples of every category's score, and optionally of its stages and of the inputs (immutable; the arrays are read-only).

    Attributes
    ----------
    categories, units, methods : tuple of str
        The impact categories, their reference units and methods.
    stages : tuple of str
        The lifecycle stages of ``by_stage``.
    parameters : tuple of str
        The sampled parameters (rows of ``inputs``).
    scores : numpy.ndarray
        (categories, N) scores.
    by_stage : numpy.ndarray or None
        (categories, stages, N), with ``by_stage=True``.
    inputs : numpy.ndarray or None
        (parameters, N) draws in declared units (choices: option index), with ``keep_inputs=True``.
    seed : int
        The seed.
    sampler : str
        ``random``, ``lhs`` or ``sobol``.
    market_based : numpy.ndarray or None
        (N,) market-based climate change (GHG Protocol Scope 2) of each iteration, with
        ``market_based=True``: iteration i shares every draw with ``scores[:, i]``.

    Examples
    --------
    >>> from lca import load_study
    >>> result = monte_carlo(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1, by_stage=True)
    >>> result.n, result.samples("climate_change").shape
    (1000, (1000,))
    >>> round(result.stage_summaries("climate_change")["use"].mean)
    570362
    """

    _read_only = ("scores", "by_stage", "inputs", "market_based")

    categories: tuple[str, ...]
    units: tuple[str, ...]
    methods: tuple[str, ...]
    stages: tuple[str, ...]
    parameters: tuple[str, ...]  # the sampled parameters (rows of ``inputs``)
    scores: np.ndarray  # (categories, N)
    by_stage: np.ndarray | None  # (categories, stages, N)
    inputs: np.ndarray | None  # (parameters, N), declared units (choices: option index)
    seed: int
    sampler: str
    market_based: np.ndarray | None = None  # (N,) kg CO2-eq

    @property
    def n(self) -> int:
        return self.scores.shape[1]

    def _row(self, category: str) -> int:
        # asking for a category the result does not have is the caller's mistake, not the user's
        if category not in self.categories:
            raise KeyError(f"no category {category!r} in the result (have: {', '.join(self.categories)})")
        return self.categories.index(category)

    def samples(self, category: str) -> np.ndarray:
        return self.scores[self._row(category)]

    def summary(self, category: str) -> Summary:
        return summarize(self.samples(category), what=category)

    def convergence(self, category: str, points: int = 20) -> Convergence:
        return convergence(self.samples(category), points, what=category)

    def stage_summaries(self, category: str) -> dict[str, Summary]:
        """Contribution of each lifecycle stage under uncertainty (needs ``by_stage=True``)."""
        if self.by_stage is None:
            raise LCAError("stage contributions were not kept; run monte_carlo(..., by_stage=True)")
        row = self._row(category)
        return {stage: summarize(self.by_stage[row, i], what=f"{category} {stage}")
                for i, stage in enumerate(self.stages)}


def monte_carlo(model: Model | CompiledModel | Propagator, samples: int, seed: int = 42, sampler: str = "random",
                by_stage: bool = False, keep_inputs: bool = False, chunk_size: int | None = None,
                progress: Progress | None = None, design: Design | Any = None, client: Any = None,
                market_based: bool = False) -> MonteCarloResult:
    """Propagate every uncertain number of a model through the supply chain *samples* times.

    Every uncertain parameter, exchange and characterization factor is drawn once per
    iteration; the same (seed, sampler, samples) give identical numbers whatever *chunk_size*
    is.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        The model (compiled and prepared here if needed).
    samples : int
        The number of iterations.
    seed : int, optional
        The seed of every parameter's random stream.
    sampler : {"random", "lhs", "sobol"}, optional
        Plain random, Latin hypercube or Sobol sequence.
    by_stage : bool, optional
        Keep each iteration's scores by lifecycle stage.
    keep_inputs : bool, optional
        Keep each iteration's parameter values.
    chunk_size : int, optional
        Iterations per chunk (default: what fits in about 64 MB).
    progress : callable (done, total), optional
        Called after each chunk.
    design : Design, optional
        The uniforms to use (see :mod:`lca.uncertainty.sampling`), to share draws between studies.
    client : distributed.Client, optional
        Run the chunks on this Dask cluster (:func:`lca.uncertainty.distributed.connect`): the
        same numbers, bit for bit.
    market_based : bool, optional
        Also keep each iteration's market-based climate change (a study with a
        ``[market_based]`` table), read off the same solves as the scores.

    Returns
    -------
    MonteCarloResult
        The samples.

    Raises
    ------
    LCAError
        If the sampler, seed or number of samples is invalid or the design does not fit (a
        sample that is not a finite number is an error when it is summarized).
    SingularSystemError
        If an iteration's technosphere cannot be solved.

    Examples
    --------
    The Patterson model is a product of independent factors, so its mean is known: 553,142 kg
    CO2-eq times the means of the lognormal chip power (GSD 1.1: 1.0045) and grid factor
    (GSD 1.15: 1.0098) and of the triangular PUE (1.1233 / 1.1), that is 573,033. Latin
    hypercube sampling finds it with 1,000 samples:

    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> summary = monte_carlo(model, 1000, seed=7, sampler="lhs").summary("climate_change")
    >>> summary.n, round(summary.mean, -3)
    (1000, 573000.0)
    >>> bool((monte_carlo(model, 1000, seed=1, chunk_size=100).scores == monte_carlo(model, 1000, seed=1).scores).all())
    True
    """
    propagator = model if isinstance(model, Propagator) else prepare(model)
    design = make_design(propagator.names, samples, seed, sampler) if design is None else design
    if tuple(design.names) != propagator.names or design.n != samples:
        raise LCAError("the design does not match the model's uncertain parameters or the number of samples")
    if client is not None:
        outcome, kept = evaluate_distributed(client, propagator, samples, design, by_stage, keep_inputs,
                                             chunk_size, progress, market_based=market_based)
        return _result(propagator, outcome, kept, seed, sampler)
    kept = np.empty((len(propagator.names), samples)) if keep_inputs else None

    def transform(block: np.ndarray, start: int, stop: int) -> np.ndarray:
        values = propagator.transform(block)
        if kept is not None:
            kept[:, start:stop] = values
        return values

    outcome = evaluate_chunked(propagator, samples, design.block, by_stage, chunk_size, progress, transform,
                               market_based)
    return _result(propagator, outcome, kept, seed, sampler)


def _result(propagator: Propagator, outcome: Outcome, kept: np.ndarray | None, seed: int,
            sampler: str) -> MonteCarloResult:
    compiled = propagator.compiled
    return MonteCarloResult(
        categories=compiled.categories, units=compiled.category_units, methods=compiled.methods,
        stages=propagator.stages, parameters=propagator.names, scores=outcome.scores,
        by_stage=outcome.by_stage, inputs=kept, seed=seed, sampler=sampler, market_based=outcome.market_based,
    )


def sample_parameters(compiled: CompiledModel, n: int, seed: int = 42,
                      sampler: str = "random") -> dict[str, np.ndarray]:
    """Root-unit values of every parameter for *n* Monte Carlo draws of the uncertain ones.

    The same draws ``lca run --samples`` makes for the same seed and sampler; allocation keys
    and rules, which change no matrix, are drawn too.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    n : int
        The number of draws.
    seed : int, optional
        The seed.
    sampler : {"random", "lhs", "sobol"}, optional
        The design.

    Returns
    -------
    dict of str to numpy.ndarray or float
        Every parameter, evaluated on the draws (root units).

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> values = sample_parameters(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")), 1000, seed=1)
    >>> values["pue"].shape, bool(((values["pue"] >= 1.07) & (values["pue"] <= 1.2)).all())
    ((1000,), True)
    """
    # every uncertain parameter: allocation keys and rules change no matrix, but do change shares
    propagator = prepare(compiled, compiled.parameters.uncertain)
    inputs = propagator.transform(make_design(propagator.names, n, seed, sampler).block(0, n))
    table = compiled.parameters
    values = {name: inputs[row] * table.root_factors[name] for row, name in enumerate(propagator.names)}
    return table.evaluate(values)


def market_based_monte_carlo(model: Model | CompiledModel | Propagator, samples: int, seed: int = 42,
                             sampler: str = "random", chunk_size: int | None = None) -> np.ndarray:
    """Market-based climate change (GHG Protocol Scope 2) for each Monte Carlo iteration.

    The iterations are those of :func:`monte_carlo` with the same *samples*, *seed* and
    *sampler*, so sample i here and the location-based sample i there share every draw.

    Parameters
    ----------
    model : Model, CompiledModel or Propagator
        A study with a ``[market_based]`` table.
    samples : int
        The number of iterations.
    seed : int, optional
        The seed.
    sampler : {"random", "lhs", "sobol"}, optional
        The design.
    chunk_size : int, optional
        Iterations per chunk (the numbers do not depend on it).

    Returns
    -------
    numpy.ndarray
        (samples,) kg CO2-eq.

    Examples
    --------
    Switch Transformer (Patterson et al. 2021: 59.1 t net of 72.2 t gross, a ratio of 0.82):

    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_switch.toml")
    >>> market = market_based_monte_carlo(model, 1000, seed=3)
    >>> location = monte_carlo(model, 1000, seed=3).samples("climate_change")
    >>> round(float(np.median(market / location)), 2)
    0.82
    """
    return monte_carlo(model, samples, seed, sampler, chunk_size=chunk_size, market_based=True).market_based
