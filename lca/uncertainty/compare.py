"""Comparative analysis (ISO 14044 4.4.5): two or more studies or variants under uncertainty.

All studies are sampled with common random numbers: a parameter that two studies share (by
name; uncertain exchanges are named after their process) takes the same draw in the same
iteration, so the difference A - B carries only the uncertainty that does not cancel. The
probability that A is lower than B is the share of iterations where it is.

>>> c = compare([load_study("a.toml"), load_study("b.toml")], 10_000)   # doctest: +SKIP
>>> c.assertion("climate_change").p_a_lower                              # doctest: +SKIP
0.93
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
    """Study *a* against study *b* in one category: paired difference (a - b) and ratio (a / b)."""

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
    """Paired Monte Carlo results of several studies (same seed, sampler and draws)."""

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
        ratio = summarize(x / y, what=f"{category} ratio") if np.all(y != 0) else None
        return ComparativeAssertion(
            category=category, unit=first.units[first.categories.index(category)],
            a=summarize(x, what=f"{category} ({self.labels[self._index(a)]})"),
            b=summarize(y, what=f"{category} ({self.labels[self._index(b)]})"),
            difference=summarize(x - y, what=f"{category} difference"), ratio=ratio,
            p_a_lower=float(np.count_nonzero(x < y) / x.size),
        )

    def assertions(self, a: int | str = 0, b: int | str = 1) -> dict[str, ComparativeAssertion]:
        return {category: self.assertion(category, a, b) for category in self.categories}


def compare(models: Sequence[Model | CompiledModel], samples: int, seed: int = 42, sampler: str = "random",
            labels: Sequence[str] | None = None, chunk_size: int | None = None,
            progress: Progress | None = None) -> Comparison:
    """Sample every study in *models* with common random numbers (see the module docstring)."""
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
                                   design=design.subset(propagator.names)))
    common = [c for c in results[0].categories if all(c in r.categories for r in results[1:])]
    for category in common:
        units = {r.units[r.categories.index(category)] for r in results}
        if len(units) > 1:
            raise LCAError(f"category {category!r} is in different units across the studies ({', '.join(sorted(units))})")
    if not common:
        raise LCAError("the studies have no impact category in common")
    return Comparison(labels, tuple(results), tuple(common))
