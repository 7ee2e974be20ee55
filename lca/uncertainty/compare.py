"""Comparative analysis (ISO 14044 4.4.5): two or more studies or variants under uncertainty.

All studies are sampled with common random numbers: a parameter that two studies share (by
name; uncertain exchanges are named after their process) takes the same draw in the same
iteration, so the difference A - B carries only the uncertainty that does not cancel. The
probability that A is lower than B is the share of iterations where it is.

>>> from lca import load_study, with_parameters
>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> c = compare([model, with_parameters(model, {"pue": 1.2})], 1000, seed=1, labels=["pue 1.1", "pue 1.2"])
>>> c.assertion("climate_change").p_a_lower
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..engine.compile import CompiledModel
from ..engine.propagate import Progress, prepare
from ..errors import LCAError
from ..model.records import Model
from .montecarlo import MonteCarloResult, monte_carlo
from .sampling import make_design
from .statistics import Summary, summarize


@dataclass(frozen=True)
class ComparativeAssertion:
    """Study *a* against study *b* in one category: paired difference (a - b) and ratio (a / b).

    Attributes
    ----------
    category, unit : str
        The category and its reference unit.
    a, b : Summary
        Each study's score.
    difference : Summary
        a - b, iteration by iteration.
    ratio : Summary or None
        a / b, None when b is zero in some iteration.
    p_a_lower : float
        The share of iterations with a < b.

    Examples
    --------
    The central PUE (1.1) against 1.2: the paired ratio stays close to 1.1 / 1.2, far narrower
    than either score:

    >>> from lca import load_study, with_parameters
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> assertion = compare([model, with_parameters(model, {"pue": 1.2})], 1000, seed=1).assertion("climate_change")
    >>> round(assertion.ratio.median, 3), round(assertion.difference.mean)
    (0.933, -38340)
    """

    category: str
    unit: str
    a: Summary
    b: Summary
    difference: Summary
    ratio: Summary | None  # None when b is zero in some iteration
    p_a_lower: float  # share of iterations with a < b

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "samples": self.a.n, "a": self.a.to_dict(), "b": self.b.to_dict(),
                "difference": self.difference.to_dict(),
                "ratio": self.ratio.to_dict() if self.ratio is not None else None,
                "p_a_lower": self.p_a_lower}


@dataclass(frozen=True)
class Comparison:
    """Paired Monte Carlo results of several studies: same seed, sampler and draws (immutable).

    Attributes
    ----------
    labels : tuple of str
        The studies' labels.
    results : tuple of MonteCarloResult
        Their samples.
    categories : tuple of str
        The categories every study has.

    Examples
    --------
    >>> from lca import load_study, with_parameters
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> c = compare([model, with_parameters(model, {"grid_intensity": 0.05})], 1000, labels=["us", "hydro"])
    >>> c.labels, c.assertion("climate_change", "hydro", "us").p_a_lower
    (('us', 'hydro'), 1.0)
    """

    labels: tuple[str, ...]
    results: tuple[MonteCarloResult, ...]
    categories: tuple[str, ...]  # categories every study has

    def _index(self, study: int | str) -> int:
        if isinstance(study, str):
            if study not in self.labels:
                raise KeyError(f"no study {study!r} in the comparison (have: {', '.join(self.labels)})")
            return self.labels.index(study)
        return study

    def assertion(self, category: str, a: int | str = 0, b: int | str = 1) -> ComparativeAssertion:
        """Study *a* versus study *b* (indices or labels) in *category*."""
        if category not in self.categories:
            raise KeyError(f"category {category!r} is not in every study (common: {', '.join(self.categories)})")
        first, second = self.results[self._index(a)], self.results[self._index(b)]
        x, y = first.samples(category), second.samples(category)
        # the studies' own samples first: a non-finite one is named as such, not as a ratio
        a_summary = summarize(x, what=f"{category} ({self.labels[self._index(a)]})")
        b_summary = summarize(y, what=f"{category} ({self.labels[self._index(b)]})")
        ratio = summarize(x / y, what=f"{category} ratio") if np.all(y != 0) else None
        return ComparativeAssertion(
            category=category, unit=first.units[first.categories.index(category)],
            a=a_summary, b=b_summary,
            difference=summarize(x - y, what=f"{category} difference"), ratio=ratio,
            p_a_lower=float(np.count_nonzero(x < y) / x.size),
        )

    def assertions(self, a: int | str = 0, b: int | str = 1) -> dict[str, ComparativeAssertion]:
        return {category: self.assertion(category, a, b) for category in self.categories}


def compare(models: Sequence[Model | CompiledModel], samples: int, seed: int = 42, sampler: str = "random",
            labels: Sequence[str] | None = None, chunk_size: int | None = None,
            progress: Progress | None = None, client: Any = None) -> Comparison:
    """Sample several studies with common random numbers.

    Parameters
    ----------
    models : sequence of Model or CompiledModel
        At least two studies or variants.
    samples : int
        Iterations per study.
    seed : int, optional
        The seed.
    sampler : {"random", "lhs", "sobol"}, optional
        The design, shared by all studies.
    labels : sequence of str, optional
        Distinct labels (default: the study names).
    chunk_size : int, optional
        Iterations per chunk.
    progress : callable (done, total), optional
        Called after each chunk.
    client : distributed.Client, optional
        Run the chunks on this Dask cluster (the same numbers).

    Returns
    -------
    Comparison
        The paired results; :meth:`Comparison.assertion` compares two of them in a category.

    Raises
    ------
    LCAError
        If there are fewer than two studies, labels repeat, or the studies share no category
        (or give one in different units).

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> compare([model], 1000)
    Traceback (most recent call last):
    lca.errors.LCAError: a comparison needs at least two studies
    """
    if len(models) < 2:
        raise LCAError("a comparison needs at least two studies")
    propagators = [prepare(model) for model in models]
    labels = tuple(labels) if labels is not None else tuple(
        f"{p.compiled.model.study.name} [{i}]" if i else p.compiled.model.study.name
        for i, p in enumerate(propagators))
    if len(labels) != len(models) or len(set(labels)) != len(labels):
        raise LCAError(f"need {len(models)} distinct labels, got {list(labels)}")
    union = tuple(dict.fromkeys(name for p in propagators for name in p.names))
    design = make_design(union, samples, seed, sampler)
    total = samples * len(propagators)
    results = []
    for k, propagator in enumerate(propagators):
        report = None if progress is None else (lambda done, _n, k=k: progress(k * samples + done, total))
        results.append(monte_carlo(propagator, samples, seed, sampler, chunk_size=chunk_size, progress=report,
                                   design=design.subset(propagator.names), client=client))
    common = [c for c in results[0].categories if all(c in r.categories for r in results[1:])]
    for category in common:
        units = {r.units[r.categories.index(category)] for r in results}
        if len(units) > 1:
            raise LCAError(f"category {category!r} is in different units across the studies ({', '.join(sorted(units))})")
    if not common:
        raise LCAError("the studies have no impact category in common")
    return Comparison(labels, tuple(results), tuple(common))
