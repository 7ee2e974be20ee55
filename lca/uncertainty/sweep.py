"""Scenario sweeps: one row of impacts per parameter set, from one compiled model.

A sweep sets a few free parameters to each scenario's values (a cartesian grid, or the rows of
a CSV table) and evaluates every scenario at once through :mod:`lca.engine.propagate`: the
model is compiled and prepared once, with the swept parameters as its inputs (choices as
option indices), and the scenarios are the columns of one batched evaluation. With
``samples``, every scenario is propagated with the same draws of the uncertain parameters
(common random numbers: the differences between scenarios are not sampling noise, and the
draws are those of ``lca run --samples``); as with ``lca run --set``, a swept parameter keeps
a relative spread (lognormal, pedigree) around its new value and loses an absolute one.

>>> from lca import load_study
>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> result = sweep(model, grid_scenarios(["pue=1.1,1.2"]))
>>> [round(row["climate_change"]) for row in result.rows()]
[553142, 603428]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.compile import CompiledModel, compile_model, influential_parameters
from ..engine.propagate import Progress, evaluate_chunked, prepare
from ..errors import LCAError, ParameterError
from ..load.parameters import override
from ..load.sites import dotted
from ..load.tables import MAX_FILE_BYTES, data_name, parse_csv_table, read_text_file
from ..model.frozen import ReadOnlyArrays
from ..model.records import Model
from .sampling import make_design
from .statistics import check_finite

# At most this many scenarios in one sweep: the grid is expanded before anything is evaluated,
# and a million rows is already more than a table or a CSV is read for.
MAX_SCENARIOS = 1_000_000
# The interval reported per scenario with samples.
INTERVAL = (2.5, 97.5)


@dataclass(frozen=True)
class Scenario:
    """One parameter set: the values as written (a number in the parameter's unit, a number
    with a unit, an option name; text or numbers) and where it was written, for messages."""

    values: Mapping[str, Any]
    where: str


def grid_scenarios(items: Sequence[str], where: str = "--grid") -> list[Scenario]:
    """The cartesian product of ``--grid NAME=V1,V2,...`` items, first item varying slowest.

    Parameters
    ----------
    items : sequence of str
        ``["grid_region=us,fr", "pue=1.1,1.2"]``; a value may carry a unit (``"300 W"``).
    where : str, optional
        What the items are, for messages.

    Returns
    -------
    list of Scenario
        One per combination.

    Raises
    ------
    LCAError
        If an item is not NAME=V1,..., names a parameter twice, has an empty value, or the
        grid has more than :data:`MAX_SCENARIOS` combinations.

    Examples
    --------
    >>> [dict(s.values) for s in grid_scenarios(["grid_region=us,fr", "pue=1.1,1.2"])]    # doctest: +NORMALIZE_WHITESPACE
    [{'grid_region': 'us', 'pue': '1.1'}, {'grid_region': 'us', 'pue': '1.2'},
     {'grid_region': 'fr', 'pue': '1.1'}, {'grid_region': 'fr', 'pue': '1.2'}]
    >>> grid_scenarios(["pue="])
    Traceback (most recent call last):
    lca.errors.LCAError: --grid 'pue=': expected NAME=V1,V2,... (e.g. pue=1.1,1.2 or grid_region=us,fr)
    """
    if not items:
        raise LCAError(f"{where}: no parameter to sweep (give NAME=V1,V2,...)")
    axes: dict[str, list[Any]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        values = [v.strip() for v in text.split(",")]
        if not sep or not name or not all(values):
            raise LCAError(f"{where} {item!r}: expected NAME=V1,V2,... (e.g. pue=1.1,1.2 or grid_region=us,fr)")
        if name in axes:
            raise LCAError(f"{where} {item!r}: {name!r} is swept twice (give all its values in one item)")
        axes[name] = values
    count = math.prod(len(v) for v in axes.values())
    if count > MAX_SCENARIOS:
        raise LCAError(f"{where}: {' x '.join(str(len(v)) for v in axes.values())} = {count:,} scenarios, "
                       f"more than the {MAX_SCENARIOS:,} a sweep takes")
    names = list(axes)
    return [Scenario(dict(zip(names, combination)), f"{where} scenario {k + 1}")
            for k, combination in enumerate(itertools.product(*axes.values()))]


def table_scenarios(path: str | Path, text: str | None = None) -> list[Scenario]:
    """The scenarios of a CSV table: a header of parameter names, one row per scenario.

    A header cell ``chip_power [W]`` gives the column's unit (its numbers are in W); a bare
    ``pue`` takes the parameter's own unit. Choice parameters take option names.

    Parameters
    ----------
    path : str or Path
        The CSV file (named in messages).
    text : str, optional
        Its content (default: read *path*).

    Returns
    -------
    list of Scenario
        One per data row, ``where`` naming the file and the row's line (the header is line 1).

    Raises
    ------
    LCAError
        If the file cannot be read, is empty, has an empty or repeated column name, a row with
        another number of cells than the header (:class:`~lca.errors.FileFormatError`, as for
        every CSV input: :func:`lca.load.tables.parse_csv_table`), an empty cell, or more than
        :data:`MAX_SCENARIOS` rows.

    Examples
    --------
    >>> rows = table_scenarios("s.csv", "grid_region,chip_power [W]\\nus,300\\nfr,250\\n")
    >>> [dict(s.values) for s in rows], rows[1].where
    ([{'grid_region': 'us', 'chip_power': '300 W'}, {'grid_region': 'fr', 'chip_power': '250 W'}], 's.csv: line 3')
    >>> table_scenarios("s.csv", "pue\\n1.1\\n1.2,3\\n")
    Traceback (most recent call last):
    lca.errors.FileFormatError: s.csv: line 3: 2 cells, the header has 1 columns
    """
    where = data_name(Path(path))
    if text is None:
        text = read_text_file(Path(path), where, "scenario table", MAX_FILE_BYTES, "split the sweep into several tables")
    elif not text.strip():
        raise LCAError.at(where, "empty scenario table (expected a header of parameter names and one row per scenario)")
    table = parse_csv_table(text, where, "scenario table")
    columns = [_column(cell, where, k + 1) for k, cell in enumerate(table.header)]
    names = [name for name, _unit in columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise LCAError.at(f"{where}: line 1", f"column {', '.join(repeated)} appears more than once")
    if len(table.rows) > MAX_SCENARIOS:
        raise LCAError.at(where, f"{len(table.rows):,} scenarios, more than the {MAX_SCENARIOS:,} a sweep takes")
    scenarios = []
    for number, row in table.rows:
        at = f"{where}: line {number}"
        values = {}
        for (name, unit), cell in zip(columns, row):
            if not cell:
                raise LCAError.at(at, f"empty cell for {name!r}")
            values[name] = f"{cell} {unit}" if unit else cell
        scenarios.append(Scenario(values, at))
    return scenarios


def _column(cell: str, where: str, number: int) -> tuple[str, str | None]:
    text = cell.strip()
    name, bracket, rest = text.partition("[")
    name = name.strip()
    unit = rest.rstrip().removesuffix("]").strip() if bracket else None
    if not name or (bracket and (not rest.rstrip().endswith("]") or not unit)):
        raise LCAError.at(f"{where}: line 1", f"column {number} {cell!r}: expected a parameter name, "
                                             f"optionally with a unit in brackets (chip_power [W])")
    return name, unit


@dataclass(frozen=True)
class SweepResult(ReadOnlyArrays):
    """The impacts of every scenario of a sweep (immutable; the arrays are read-only).

    Attributes
    ----------
    parameters : tuple of str
        The swept parameters.
    settings : tuple of tuple
        Per scenario, the swept parameters' values (in their declared units; choices as option names).
    categories, units : tuple of str
        The impact categories and their reference units.
    values : numpy.ndarray
        (scenarios, categories): deterministic scores, or with samples their means.
    low, high : numpy.ndarray or None
        (scenarios, categories) 2.5 % and 97.5 % percentiles, with samples.
    samples : int
        Monte Carlo samples per scenario (0: deterministic).
    seed : int
        The seed of the draws.

    Examples
    --------
    >>> from lca import load_study
    >>> result = sweep(load_study("lca:scenarios/patterson2021_gpt3.toml"), grid_scenarios(["pue=1.1,1.2"]))
    >>> result.parameters, result.settings, result.values.shape
    (('pue',), ((1.1,), (1.2,)), (2, 1))
    """

    _read_only = ("values", "low", "high")

    parameters: tuple[str, ...]
    settings: tuple[tuple[Any, ...], ...]
    categories: tuple[str, ...]
    units: tuple[str, ...]
    values: np.ndarray
    low: np.ndarray | None
    high: np.ndarray | None
    samples: int
    seed: int

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per scenario: the swept values, then each category (and, with samples,
        ``<category> 2.5%`` and ``<category> 97.5%``)."""
        out = []
        for k, setting in enumerate(self.settings):
            row: dict[str, Any] = dict(zip(self.parameters, setting))
            for c, category in enumerate(self.categories):
                row[category] = float(self.values[k, c])
                if self.low is not None and self.high is not None:
                    row[f"{category} {INTERVAL[0]:g}%"] = float(self.low[k, c])
                    row[f"{category} {INTERVAL[1]:g}%"] = float(self.high[k, c])
            out.append(row)
        return out


def sweep(model: Model | CompiledModel, scenarios: Sequence[Scenario], samples: int = 0, seed: int = 42,
          sampler: str = "random", progress: Progress | None = None) -> SweepResult:
    """Impacts of every scenario, from one compiled model evaluated for all of them at once.

    Parameters
    ----------
    model : Model or CompiledModel
        The study. Its :class:`~lca.model.records.Model` form is needed to read values with
        units and option names as ``lca run --set`` does; a CompiledModel takes numbers in the
        declared units and option names.
    scenarios : sequence of Scenario
        The parameter sets (:func:`grid_scenarios`, :func:`table_scenarios`); each names the
        same free parameters.
    samples : int, optional
        Monte Carlo samples per scenario (0, the default: deterministic scores). The same
        draws serve every scenario.
    seed : int, optional
        The seed of the draws.
    sampler : {"random", "lhs", "sobol"}, optional
        The design of the draws.
    progress : callable (done, total), optional
        Called after each chunk.

    Returns
    -------
    SweepResult
        One row per scenario.

    Raises
    ------
    LCAError
        If there is no scenario, scenarios name different parameters, a name is not a free
        parameter (one a formula computes cannot be swept: sweep its inputs), a value has a
        wrong unit or is not an option; each message names the scenario's file and row.

    Examples
    --------
    Grid intensity 0.429 -> 0.1 kg CO2-eq/kWh scales the Patterson score by 0.1 / 0.429:

    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> result = sweep(model, grid_scenarios(["grid_intensity=0.429,0.1"]))
    >>> round(float(result.values[1, 0] / result.values[0, 0]), 4), round(0.1 / 0.429, 4)
    (0.2331, 0.2331)
    >>> sweep(model, grid_scenarios(["pue=fast"]))
    Traceback (most recent call last):
    lca.errors.ParameterError: --grid scenario 1 pue: cannot read 'fast' as a number with an optional unit
    """
    if not scenarios:
        raise LCAError("no scenario to sweep")
    if len(scenarios) > MAX_SCENARIOS:
        raise LCAError(f"{len(scenarios):,} scenarios, more than the {MAX_SCENARIOS:,} a sweep takes")
    if samples < 0:
        raise LCAError(f"the number of samples must be at least 0, got {samples}")
    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    definitions = None if isinstance(model, CompiledModel) else model.parameters
    table = compiled.parameters
    given = tuple(scenarios[0].values)
    names = tuple(dotted(name, table.order) for name in given)  # grid_intensity.ie -> grid_intensity_ie
    inputs = np.empty((len(names), len(scenarios)))
    settings = []
    for k, scenario in enumerate(scenarios):
        if tuple(scenario.values) != given:
            raise LCAError.at(scenario.where, f"sets {', '.join(scenario.values)}; the first scenario sets "
                                              f"{', '.join(given)}")
        for row, name in enumerate(names):
            inputs[row, k] = _declared_value(table, definitions, name, scenario.values[given[row]], scenario.where)
        settings.append(tuple(table.choices[n][int(inputs[r, k])] if n in table.choices else float(inputs[r, k])
                              for r, n in enumerate(names)))
    if samples == 0:
        propagator = prepare(compiled, names)
        scores = evaluate_chunked(propagator, len(scenarios), lambda a, b: inputs[:, a:b], progress=progress).scores
        values, low, high = scores.T.copy(), None, None
    else:
        values, low, high = _sampled(compiled, names, inputs, samples, seed, sampler, progress)
    return SweepResult(names, tuple(settings), compiled.categories, compiled.category_units, values, low, high,
                       int(samples), int(seed))


def _declared_value(table, definitions, name: str, value: Any, where: str) -> float:
    """A scenario's value in the parameter's declared unit (a choice: its option index)."""
    at = f"{where} {name}"
    if name not in table.order:
        known = ", ".join(table.free) if len(table.free) <= 40 else f"{len(table.free)} free parameters; see lca list parameters"
        raise ParameterError.at(at, f"no such parameter (known: {known})")
    if name not in table.free:
        raise ParameterError.at(at, "is computed by a formula and cannot be swept (sweep the parameters it uses)")
    if name in table.choices:
        options = table.choices[name]
        if value not in options:
            raise ParameterError.at(at, f"{value!r} is not an option of {name!r} (options: {', '.join(options)})")
        return float(options.index(value))
    if definitions is None or name not in definitions:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            raise ParameterError.at(at, f"expected a number in the parameter's unit, got {value!r}")
        return number
    # the same reading as lca run --set: a number in the parameter's unit, or text with a unit
    return float(override(definitions[name], value, at).value)


def _sampled(compiled: CompiledModel, names: tuple[str, ...], inputs: np.ndarray, samples: int, seed: int,
             sampler: str, progress: Progress | None):
    table = compiled.parameters
    influential = influential_parameters(compiled)
    # As lca run --set does, a swept value keeps a relative spread (lognormal: median = the
    # value, so a draw scales with it) and loses an absolute one (a range no longer fits it).
    scaled = tuple(n for n in names if n in table.uncertain and n in influential and table.uncertainty[n].relative
                   and table.defaults[n] != 0)
    drawn = scaled + tuple(n for n in table.uncertain if n in influential and n not in names)
    propagator = prepare(compiled, names + tuple(n for n in drawn if n not in names))
    rows = [propagator.names.index(n) for n in drawn]
    design = make_design(drawn, samples, seed, sampler) if drawn else None
    swept_rows = {name: row for row, name in enumerate(names)}
    scale = np.array([1.0 / (table.defaults[n] / table.root_factors[n]) for n in scaled])
    scaled_rows = [swept_rows[n] for n in scaled]
    n_scenarios = inputs.shape[1]
    values = np.empty((n_scenarios, len(compiled.categories)))
    low, high = np.empty_like(values), np.empty_like(values)
    total = n_scenarios * samples

    def block(k: int):
        def make(start: int, stop: int) -> np.ndarray:
            if design is None:
                return np.repeat(inputs[:, k: k + 1], stop - start, axis=1)
            # the same uniforms for every scenario: common random numbers
            uniforms = np.full((len(propagator.names), stop - start), 0.5)
            uniforms[rows] = design.block(start, stop)
            out = propagator.transform(uniforms)
            relative = out[scaled_rows] * (inputs[scaled_rows, k] * scale)[:, None]
            out[: len(names)] = inputs[:, k: k + 1]
            out[scaled_rows] = relative
            return out
        return make

    for k in range(n_scenarios):
        report = None if progress is None else (lambda done, _n, k=k: progress(k * samples + done, total))
        scores = evaluate_chunked(propagator, samples, block(k), progress=report).scores
        for c, category in enumerate(compiled.categories):
            check_finite(scores[c], f"{category}, scenario {k + 1}")
        values[k] = scores.mean(axis=1)
        low[k], high[k] = np.percentile(scores, INTERVAL, axis=1)
    return values, low, high
