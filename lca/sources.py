"""Where every number comes from, and how much the result depends on it.

For each number a result depends on (parameter values, exchange amounts, production
amounts, characterization factors) :func:`number_sources` gives its value, unit, source,
uncertainty and its *elasticity* per impact category: the relative change of the score per
relative change of the number (d ln h / d ln x). Matrix entries get exact elasticities from
one adjoint solve (A^T lambda = (C B)^T); named parameters get central finite differences.

>>> from lca import load_study
>>> rows = number_sources(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> {row.name: round(row.elasticity["climate_change"], 6) for row in rows if row.kind == "parameter"}
{'chip_power': 1.0, 'duration': 1.0, 'grid_intensity': 1.0, 'n_chips': 1.0, 'pue': 1.0}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .engine.calculate import compute
from .engine.compile import CompiledModel, MatrixEntries, compile_model
from .engine.propagate import evaluate, prepare
from .engine.solve import factorize
from .model.frozen import FrozenDict
from .model.records import Amount, Model
from .model.uncertainty import Uncertainty
from .units import format_unit

# Relative step of the central differences for parameters: small enough that formulas are
# locally linear, large enough that float round-off (1e-16 relative) stays far below it.
RELATIVE_STEP = 1e-4


@dataclass(frozen=True)
class NumberSource:
    """One number behind a result: its value, unit, source, uncertainty and elasticities (immutable).

    Attributes
    ----------
    kind : {"parameter", "production", "technosphere", "biosphere", "characterization"}
        What the number is.
    name : str
        The parameter's name, or the number's place in the files.
    value : float or str
        The number (a choice parameter: its option).
    unit : str
        Its unit.
    source : str or None
        Where it comes from.
    uncertainty : str
        A short reading of its uncertainty (``lognormal gsd=1.1``, ``none``).
    elasticity : mapping of str to float
        d ln(score) / d ln(number), per category.

    Examples
    --------
    >>> from lca import load_study
    >>> row = next(r for r in number_sources(load_study("lca:scenarios/patterson2021_gpt3.toml")) if r.name == "pue")
    >>> row.value, row.unit, row.uncertainty
    (1.1, 'dimensionless', 'triangular min=1.07 max=1.2')
    """

    kind: str  # parameter | production | technosphere | biosphere | characterization
    name: str  # parameter name, or the place in the files
    value: float | str
    unit: str
    source: str | None
    uncertainty: str
    elasticity: Mapping[str, float]  # per category


def describe_uncertainty(uncertainty: Uncertainty | None) -> str:
    """A short human reading of an uncertainty spec.

    Parameters
    ----------
    uncertainty : Uncertainty or None
        A parsed uncertainty record.

    Returns
    -------
    str
        ``lognormal gsd=1.1``, ``pedigree (1,2,1,1,1)``, ``none``, ...

    Examples
    --------
    >>> describe_uncertainty(Uncertainty("lognormal", gsd=1.1)), describe_uncertainty(None)
    ('lognormal gsd=1.1', 'none')
    >>> describe_uncertainty(Uncertainty("triangular", minimum=1, maximum=3, mode=2))
    'triangular min=1 mode=2 max=3'
    """
    if uncertainty is None:
        return "none"
    if uncertainty.pedigree is not None:
        return f"pedigree ({','.join(str(s) for s in uncertainty.pedigree)})"
    parts = [uncertainty.kind]
    parts += [f"{key}={value}" for key, value in (("gsd", uncertainty.gsd), ("sigma", uncertainty.sigma),
                                                  ("sd", uncertainty.sd), ("min", uncertainty.minimum),
                                                  ("mode", uncertainty.mode), ("max", uncertainty.maximum))
              if value is not None]
    if uncertainty.weights is not None:
        parts.append("weights=" + ",".join(f"{w:g}" for w in uncertainty.weights))
    if uncertainty.values is not None:
        parts.append("values=" + ",".join(f"{w:g}" for w in uncertainty.values))
    return " ".join(parts)


def number_sources(model: Model | CompiledModel) -> tuple[NumberSource, ...]:
    """Every number behind the results, with its elasticities, largest influence first.

    Parameters
    ----------
    model : Model or CompiledModel
        The model.

    Returns
    -------
    tuple of NumberSource
        Parameters, production and exchange amounts and characterization factors, sorted by
        the largest absolute elasticity over the categories.

    Examples
    --------
    In the Patterson model the score is a product, so every factor has elasticity 1 and each
    process's production amount -1:

    >>> from lca import load_study
    >>> rows = number_sources(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> sorted({(row.kind, round(row.elasticity["climate_change"], 6)) for row in rows})
    [('characterization', 1.0), ('parameter', 1.0), ('production', -1.0)]
    """
    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    params = compiled.parameters.evaluate()
    base = compute(compiled, params)
    scores = base.scores
    rows = _entry_rows(compiled, params, base) + _parameter_rows(compiled, params, scores)
    categories = compiled.categories

    def influence(row: NumberSource) -> tuple[float, str, str]:
        largest = max((abs(row.elasticity.get(c, 0.0)) for c in categories), default=0.0)
        return (-round(largest, 6), row.kind, row.name)  # rounded: finite-difference noise

    return tuple(sorted(rows, key=influence))


def _elasticity(contribution: np.ndarray, scores: np.ndarray, categories: tuple[str, ...]) -> Mapping[str, float]:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(scores != 0, contribution / np.where(scores != 0, scores, 1.0), 0.0)
    return FrozenDict({c: float(v) for c, v in zip(categories, ratio)})


def _entry_rows(compiled: CompiledModel, params: Mapping[str, Any], base) -> list[NumberSource]:
    system = factorize(compiled, params)
    biosphere = compiled.biosphere.matrix(params)
    characterization = compiled.characterization.matrix(params)
    cb = (characterization @ biosphere).toarray()  # (categories, processes)
    # adjoint: lambda_c = A^-T (C B)_c ; dh_c/dA_ij = -lambda_c[i] * s[j]
    adjoint = system.lu.solve(np.ascontiguousarray(cb.T), trans="T") if cb.size else np.zeros((len(compiled.processes), 0))
    supply, inventory = base.supply, base.inventory
    dense_c = characterization.toarray()
    rows: list[NumberSource] = []

    tech = compiled.technosphere
    values = tech.values(params)
    for k in range(tech.nnz):
        contribution = -adjoint[tech.rows[k], :] * values[k] * supply[tech.cols[k]]
        kind = "production" if tech.rows[k] == tech.cols[k] and tech.labels[k].endswith(".amount") else "technosphere"
        rows.append(_entry(tech, k, kind, contribution, base.scores, compiled.categories))
    bio = compiled.biosphere
    values = bio.values(params)
    for k in range(bio.nnz):
        contribution = dense_c[:, bio.rows[k]] * values[k] * supply[bio.cols[k]]
        rows.append(_entry(bio, k, "biosphere", contribution, base.scores, compiled.categories))
    char = compiled.characterization
    values = char.values(params)
    for k in range(char.nnz):
        contribution = np.zeros(len(compiled.categories))
        contribution[char.rows[k]] = values[k] * inventory[char.cols[k]]
        rows.append(_entry(char, k, "characterization", contribution, base.scores, compiled.categories))
    return [row for row in rows if row is not None]


def _entry(entries: MatrixEntries, k: int, kind: str, contribution: np.ndarray, scores: np.ndarray,
           categories: tuple[str, ...]) -> NumberSource | None:
    amount: Amount = entries.amounts[k]
    if amount.formula is not None:
        return None  # its numbers are parameters, listed on their own
    uncertainty = describe_uncertainty(amount.uncertainty)
    if kind == "production" and amount.uncertainty is None:
        uncertainty = "exact (reference amount)"
    return NumberSource(
        kind=kind, name=entries.labels[k], value=amount.value, unit=amount.unit_text or "dimensionless",
        source=amount.source, uncertainty=uncertainty,
        elasticity=_elasticity(contribution, scores, categories),
    )


def _parameter_rows(compiled: CompiledModel, params: Mapping[str, Any], scores: np.ndarray) -> list[NumberSource]:
    table = compiled.parameters
    model = compiled.model
    named = [n for n in table.free if n not in table.implicit]  # implicit ones are listed as entries
    numeric = [n for n in named if n not in table.choices and table.defaults[n] != 0]
    contributions = _central_differences(compiled, numeric)
    rows = []
    for name in named:
        parameter = model.parameters[name]
        if name in table.choices:
            elasticity = FrozenDict({c: 0.0 for c in compiled.categories})
            value: Any = parameter.value
            unit = "option of " + ", ".join(parameter.options)
        else:
            contribution = contributions.get(name, np.zeros(len(compiled.categories)))
            elasticity = _elasticity(contribution, scores, compiled.categories)
            value = parameter.value
            unit = format_unit(parameter.unit)
        rows.append(NumberSource(
            kind="parameter", name=name, value=value, unit=unit, source=parameter.source,
            uncertainty=describe_uncertainty(parameter.uncertainty), elasticity=elasticity,
        ))
    return rows


def _central_differences(compiled: CompiledModel, names: list[str]) -> dict[str, np.ndarray]:
    """d score / d ln x for each parameter, all perturbations solved in one batch: column 2j
    raises parameter j by RELATIVE_STEP, column 2j + 1 lowers it."""
    if not names:
        return {}

    table = compiled.parameters
    propagator = prepare(compiled, tuple(names))
    base = np.array([table.defaults[n] / table.root_factors[n] for n in propagator.names])
    inputs = np.repeat(base[:, None], 2 * len(base), axis=1)
    rows = np.arange(len(base))
    inputs[rows, 2 * rows] *= 1 + RELATIVE_STEP
    inputs[rows, 2 * rows + 1] *= 1 - RELATIVE_STEP
    scores = evaluate(propagator, inputs).scores
    slopes = (scores[:, 0::2] - scores[:, 1::2]) / (2 * RELATIVE_STEP)
    return {name: slopes[:, j] for j, name in enumerate(propagator.names)}
