"""Vectorized Monte Carlo: N iterations at once, in memory-bounded chunks.

Per chunk: uniforms -> parameter values (one draw per parameter per iteration, shared by
every exchange that uses it) -> all parameters (formulas on arrays) -> matrix entries for
every iteration -> supply for every iteration (:func:`lca.uncertainty.batched.solve_batch`)
-> per-process, per-category contributions -> scores (and scores by lifecycle stage).
No Python loop runs per iteration.

>>> result = monte_carlo(load_study("scenarios/patterson2021_gpt3.toml"), 10_000, seed=1)  # doctest: +SKIP
>>> result.summary("climate_change").percentiles["97.5"]                                    # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.compile import CompiledModel
from ..engine.propagate import Progress, Propagator, evaluate_chunked, prepare
from ..errors import LCAError
from ..model.frozen import ReadOnlyArrays
from ..model.records import Model
from .sampling import Design, make_design
from .statistics import Convergence, Summary, convergence, summarize


@dataclass(frozen=True)
class MonteCarloResult(ReadOnlyArrays):
    """Samples of every category's score (and optionally of its stages and of the inputs),
    in read-only arrays."""

    _read_only = ("scores", "by_stage", "inputs")

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
                progress: Progress | None = None, design: Design | Any = None) -> MonteCarloResult:
    """Propagate every uncertain parameter of *model* through the supply chain *samples* times.

    The same (seed, sampler, samples) give identical numbers whatever *chunk_size* is. Pass
    *design* (see :mod:`lca.uncertainty.sampling`) to share draws between studies.

    >>> r = monte_carlo(model, 100_000, seed=7, sampler="lhs")     # doctest: +SKIP
    >>> r.summary("climate_change").mean                           # doctest: +SKIP
    """
    propagator = model if isinstance(model, Propagator) else prepare(model)
    design = make_design(propagator.names, samples, seed, sampler) if design is None else design
    if tuple(design.names) != propagator.names or design.n != samples:
        raise LCAError("the design does not match the model's uncertain parameters or the number of samples")
    kept = np.empty((len(propagator.names), samples)) if keep_inputs else None

    def transform(block: np.ndarray, start: int, stop: int) -> np.ndarray:
        values = propagator.transform(block)
        if kept is not None:
            kept[:, start:stop] = values
        return values

    outcome = evaluate_chunked(propagator, samples, design.block, by_stage, chunk_size, progress, transform)
    compiled = propagator.compiled
    return MonteCarloResult(
        categories=compiled.categories, units=compiled.category_units, methods=compiled.methods,
        stages=propagator.stages, parameters=propagator.names, scores=outcome.scores,
        by_stage=outcome.by_stage, inputs=kept, seed=seed, sampler=sampler,
    )


def sample_parameters(compiled: CompiledModel, n: int, seed: int = 42,
                      sampler: str = "random") -> dict[str, np.ndarray]:
    """Root-unit values of every parameter for *n* Monte Carlo draws of the uncertain ones
    (the same draws ``lca run --samples`` makes for the same seed and sampler)."""
    # every uncertain parameter: allocation keys and rules change no matrix, but do change shares
    propagator = prepare(compiled, compiled.parameters.uncertain)
    inputs = propagator.transform(make_design(propagator.names, n, seed, sampler).block(0, n))
    table = compiled.parameters
    values = {name: inputs[row] * table.root_factors[name] for row, name in enumerate(propagator.names)}
    return table.evaluate(values)
