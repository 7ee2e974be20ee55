"""Batched evaluation: a compiled model prepared once (:class:`Propagator`), then scores for
blocks of parameter sets, many iterations at once, in memory-bounded chunks.

Per block: parameter values (in declared units) -> all parameters (formulas on arrays) ->
matrix entries for every iteration -> supply for every iteration
(:func:`lca.engine.batched.solve_batch`) -> per-process, per-category contributions -> scores
(and scores by lifecycle stage). No Python loop runs per iteration. Monte Carlo, sensitivity
analysis and ``lca sources`` all evaluate through here.

>>> import numpy as np
>>> from lca.load import load_study
>>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> outcome = evaluate(propagator, np.ones((len(propagator.names), 3)))
>>> outcome.scores.shape[1]
3
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import scipy.sparse as sp

from ..errors import LCAError, ModelError
from ..load.distributions import family_quantiles, parameter_distributions
from ..model.records import INHERIT, UNASSIGNED, Model
from ..model.rules import stage_key
from ..model.uncertainty import Distribution
from .batched import plan_structure, solve_batch, solve_planned
from .compile import (
    CompiledModel,
    check_entries,
    compile_model,
    influential_parameters,
    specialize,
)
from .scope2 import market_based_of_block

# Floats one chunk may hold (about 64 MB): bounds memory whatever N is.
CHUNK_BUDGET = 2 ** 23
# Threads evaluating chunks side by side (at most a few chunks are in memory at once).
THREADS = max(1, min(4, os.cpu_count() or 1))

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Propagator:
    """A compiled model prepared for batched evaluation (built once, reused for every chunk).

    ``names`` are the uncertain free parameters in sampling order; ``pairs`` link each
    characterization entry to each biosphere entry of the same flow, so that a category's
    score is a sum of per-process contributions ``C[c, f] * B[f, j] * s[j]``.

    Examples
    --------
    >>> from lca import load_study
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> propagator.names, propagator.stages
    (('chip_power', 'duration', 'grid_intensity', 'pue'), ('use',))
    >>> propagator.transform(np.full((4, 1), 0.5)).ravel().tolist()     # medians, declared units
    [330.0, 14.8, 0.429, 1.1193...]
    """

    compiled: CompiledModel
    names: tuple[str, ...]
    distributions: Mapping[str, Distribution]
    stages: tuple[str, ...]
    pair_char: np.ndarray
    pair_bio: np.ndarray
    pair_process: np.ndarray
    to_category: sp.csr_matrix  # (categories, pairs)
    to_stage: sp.csr_matrix  # (categories * stages, pairs)
    floats_per_sample: int
    # Parameters of one family (all lognormals, all triangulars, ...) share one quantile
    # function with array parameters: one call per family per chunk, not per parameter.
    families: tuple[tuple[np.ndarray, Any], ...] = ()
    singles: tuple[int, ...] = ()  # rows transformed one by one (discrete, fixed)
    inheritance: "_Inheritance | None" = None  # background processes that take their user's stage
    # (processes, technosphere entries): sums each process's own-product entries, its net
    # production, which a draw must keep positive (checked per chunk, one sparse product)
    production: sp.csr_matrix | None = None

    def chunk_size(self, requested: int | None = None) -> int:
        if requested is not None:
            if requested < 1:
                raise LCAError(f"chunk size must be at least 1, got {requested}")
            return requested
        return max(16, CHUNK_BUDGET // self.floats_per_sample)

    def transform(self, uniforms: np.ndarray) -> np.ndarray:
        """Uniforms (parameters, n) -> values in the parameters' declared units.

        A row whose parameter has no distribution (one a sweep sets) is passed through."""
        out = np.empty_like(uniforms)
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite draw is reported by name in evaluate
            for rows, quantile in self.families:
                out[rows] = quantile(uniforms[rows])
            for row in self.singles:
                distribution = self.distributions.get(self.names[row])
                out[row] = uniforms[row] if distribution is None else distribution.ppf(uniforms[row])
        return out


def prepare(model: Model | CompiledModel, names: tuple[str, ...] | None = None) -> Propagator:
    """Compile (if needed) and index a model for batched evaluation.

    Parameters
    ----------
    model : Model or CompiledModel
        The model.
    names : tuple of str, optional
        The parameters to vary, in order. Default: every uncertain parameter (named ones,
        uncertain exchanges and factors, uncertain choices) that can change a result
        (:func:`lca.engine.compile.influential_parameters`).

    Returns
    -------
    Propagator
        The prepared model, reduced to what *names* can change.

    Raises
    ------
    LCAError
        If a name is not a free parameter of the model.

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> prepare(model, ("pue",)).names
    ('pue',)
    >>> prepare(model, ("energy",))
    Traceback (most recent call last):
    lca.errors.LCAError: not a free parameter of the model: energy
    """
    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    table = compiled.parameters
    if names is None:
        influential = influential_parameters(compiled)
        names = tuple(n for n in table.uncertain if n in influential)
    names = tuple(names)
    unknown = [n for n in names if n not in table.free]
    if unknown:
        raise LCAError(f"not a free parameter of the model: {', '.join(unknown)}")
    compiled = specialize(compiled, names)  # evaluate what no sampled parameter changes once
    distributions = parameter_distributions(table, tuple(n for n in names if table.uncertainty.get(n) is not None))
    char, bio = compiled.characterization, compiled.biosphere
    # Pair every factor with every biosphere entry of its flow.
    order = np.argsort(bio.rows, kind="stable")
    per_flow = np.bincount(bio.rows, minlength=len(compiled.flows))
    offsets = np.concatenate(([0], np.cumsum(per_flow)))
    counts = per_flow[char.cols] if char.nnz else np.zeros(0, dtype=np.int64)
    pair_char = np.repeat(np.arange(char.nnz), counts)
    within = np.arange(pair_char.size) - np.repeat(np.cumsum(counts) - counts, counts)
    pair_bio = order[np.repeat(offsets[char.cols] if char.nnz else counts, counts) + within]
    pair_process = bio.cols[pair_bio]
    n_categories, n_pairs = len(compiled.categories), pair_char.size
    pair_category = char.rows[pair_char]
    ones = np.ones(n_pairs)
    to_category = sp.csr_matrix((ones, (pair_category, np.arange(n_pairs))), shape=(n_categories, n_pairs))
    stages, inheritance = _stage_plan(compiled, pair_char, pair_process)
    stage_of = {stage: k for k, stage in enumerate(stages)}
    direct = np.array([compiled.stages[p] in stage_of for p in pair_process], dtype=bool)
    pair_stage = np.array([stage_of.get(compiled.stages[p], 0) for p in pair_process], dtype=np.int64)
    to_stage = sp.csr_matrix((ones[direct], (pair_category[direct] * len(stages) + pair_stage[direct],
                                             np.flatnonzero(direct))),
                             shape=(n_categories * len(stages), n_pairs))
    floats = (compiled.technosphere.nnz + 3 * len(compiled.processes) + bio.nnz + char.nnz + 2 * n_pairs
              + 2 * len(names) + n_categories * (len(stages) + 1) + len(compiled.flows))
    families, singles = _families(names, distributions)
    tech = compiled.technosphere
    diagonal = np.flatnonzero(tech.rows == tech.cols)
    production = sp.csr_matrix((np.ones(len(diagonal)), (tech.rows[diagonal], diagonal)),
                               shape=(len(compiled.processes), tech.nnz))
    return Propagator(compiled, names, distributions, stages, pair_char, pair_bio, pair_process,
                      to_category, to_stage, max(floats, 1), families, singles, inheritance, production)


@dataclass(frozen=True)
class _Inheritance:
    """How the supply of ``inherit`` processes U splits over the stages of their users.

    Per sample, the U-inputs demanded by the processes of stage k are
    d_k = -A[U, stage k] s[stage k] (plus, for "unassigned", the demand on U itself), and
    x_k = A_UU^-1 d_k is the part of U's supply that stage k causes (see
    :func:`lca.engine.calculate.stage_contributions`, the deterministic twin).
    """

    inherit: np.ndarray  # process index of each U process
    uu_entries: np.ndarray  # technosphere entries inside U
    plan: Any  # batched plan of the U subsystem
    ut_entries: np.ndarray  # entries from a staged process (column) to a U process (row)
    ut_cols: np.ndarray
    scatter: sp.csr_matrix  # (|U| * stages, len(ut_entries)): entry -> (U row, stage of its column)
    unassigned: int  # stage index of direct demand on U, or -1
    pairs: np.ndarray  # (factor, flow) pairs whose process is in U
    pair_local: np.ndarray  # U-local index of each such pair's process
    to_category: sp.csr_matrix  # (categories, len(pairs))


def _stage_plan(compiled: CompiledModel, pair_char: np.ndarray, pair_process: np.ndarray):
    stages_of = np.array(compiled.stages, dtype=object)
    tagged = tuple(sorted({s for s in compiled.stages if s != INHERIT}, key=stage_key))
    inherit = np.flatnonzero(stages_of == INHERIT)
    if inherit.size == 0:
        return tagged, None
    tech = compiled.technosphere
    demand_on_u = np.isin(compiled.demand.rows, inherit)
    stages = tagged + ((UNASSIGNED,) if demand_on_u.any() else ())
    # Only the inherit processes that a staged process or the demand reaches can be caused by a
    # stage (the others supply nothing); solving the stages' systems on those alone keeps
    # stage contributions cheap when a library ships many background processes.
    is_u = np.zeros(len(compiled.processes), dtype=bool)
    is_u[inherit] = True
    seeds = np.concatenate([tech.rows[is_u[tech.rows] & ~is_u[tech.cols]], compiled.demand.rows[demand_on_u]])
    inherit = inherit[_reached(tech.rows, tech.cols, seeds, is_u)[inherit]]
    if inherit.size == 0:
        return stages, None
    local = np.full(len(compiled.processes), -1)
    local[inherit] = np.arange(inherit.size)
    row_u, col_u = local[tech.rows] >= 0, local[tech.cols] >= 0
    uu = np.flatnonzero(row_u & col_u)
    ut = np.flatnonzero(row_u & ~col_u)
    stage_index = {s: k for k, s in enumerate(stages)}
    col_stage = np.array([stage_index[compiled.stages[c]] for c in tech.cols[ut]], dtype=np.int64)
    scatter = sp.csr_matrix((np.ones(ut.size), (local[tech.rows[ut]] * len(stages) + col_stage, np.arange(ut.size))),
                            shape=(inherit.size * len(stages), ut.size))
    central = tech.values(compiled.parameters.evaluate())[uu]
    plan = plan_structure(local[tech.rows[uu]], local[tech.cols[uu]], (inherit.size, inherit.size),
                          central=central, demand_rows=range(inherit.size),
                          labels=[compiled.processes[i] for i in inherit])
    pairs = np.flatnonzero(local[pair_process] >= 0)
    category = compiled.characterization.rows[pair_char[pairs]]
    to_category = sp.csr_matrix((np.ones(pairs.size), (category, np.arange(pairs.size))),
                                shape=(len(compiled.categories), pairs.size))
    inheritance = _Inheritance(inherit, uu, plan, ut, tech.cols[ut], scatter,
                               stage_index.get(UNASSIGNED, -1), pairs, local[pair_process[pairs]], to_category)
    return stages, inheritance


def _reached(rows: np.ndarray, cols: np.ndarray, seeds: np.ndarray, within: np.ndarray) -> np.ndarray:
    """Which processes of *within* (a mask) the *seeds* reach through their providers, the
    seeds included: entry (row, col) means process row supplies process col."""
    keep = within[rows] & within[cols]
    n = len(within)
    supplies = sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
    reached = np.zeros(n, dtype=bool)
    reached[seeds] = True
    frontier = reached.copy()
    while frontier.any():
        frontier = (supplies @ frontier.astype(float) > 0) & ~reached
        reached |= frontier
    return reached & within


def _families(names: tuple[str, ...], distributions: Mapping[str, Distribution]):
    """Rows grouped by distribution family, each group with one vectorized quantile function
    (:func:`lca.load.distributions.family_quantiles`), built from the distributions' own
    parameters: no scipy.stats object is frozen (or imported) for a Monte Carlo run."""
    groups: dict[tuple, list[int]] = {}
    singles = []
    for row, name in enumerate(names):
        distribution = distributions.get(name)
        if distribution is None or distribution.family is None or distribution.support is not None:
            singles.append(row)
            continue
        groups.setdefault((distribution.family, tuple(sorted(k for k, _ in distribution.arguments))), []).append(row)
    families = []
    for (family, keys), rows in groups.items():
        arguments = [dict(distributions[names[r]].arguments) for r in rows]
        columns = {key: np.array([a[key] for a in arguments], dtype=float)[:, None] for key in keys}
        quantile = family_quantiles(family, columns)
        if quantile is None:
            singles.extend(rows)
        else:
            families.append((np.array(rows), quantile))
    return tuple(families), tuple(sorted(singles))


@dataclass(frozen=True)
class Outcome:
    """Scores (categories, n) and, if asked, scores by stage (categories, stages, n) and
    market-based climate change (n,) of a block.

    Examples
    --------
    >>> from lca import load_study
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"), ("pue",))
    >>> outcome = evaluate(propagator, np.array([[1.1, 1.2]]), by_stage=True)
    >>> outcome.scores.shape, outcome.by_stage.shape
    ((1, 2), (1, 1, 2))
    """

    scores: np.ndarray
    by_stage: np.ndarray | None
    market_based: np.ndarray | None = None


def _per_sample(values: np.ndarray, n: int) -> np.ndarray:
    """Entry values as (entries, n) even when no uncertain parameter reaches them."""
    return np.repeat(values[:, None], n, axis=1) if values.ndim == 1 else values


def evaluate(propagator: Propagator, inputs: np.ndarray, by_stage: bool = False, first_sample: int = 0,
             market_based: bool = False) -> Outcome:
    """Scores for one block of iterations.

    Parameters
    ----------
    propagator : Propagator
        A prepared model.
    inputs : numpy.ndarray
        (len(propagator.names), n): the varied parameters' values in their declared units, one
        column per iteration.
    by_stage : bool, optional
        Also split the scores by lifecycle stage.
    first_sample : int, optional
        The number of the block's first iteration, for messages.
    market_based : bool, optional
        Also the market-based climate change of each iteration (GHG Protocol Scope 2, the
        study's ``[market_based]`` table; :mod:`lca.engine.scope2`), from the same solve.

    Returns
    -------
    Outcome
        Scores of every category for every iteration.

    Raises
    ------
    SingularSystemError
        If an iteration's technosphere is singular (naming the sample).
    ModelError
        If a draw or a matrix entry is not a finite number (naming the parameter or the
        exchange and its parameters, and the sample); with *market_based*, if the study has
        no ``[market_based]`` table or assesses no climate change.

    Examples
    --------
    PUE 1.1 and 1.2: the score scales with it (553.1 t and 603.4 t CO2-eq):

    >>> from lca import load_study
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"), ("pue",))
    >>> evaluate(propagator, np.array([[1.1, 1.2]])).scores.round(1)
    array([[553142.3, 603428. ]])
    """
    compiled = propagator.compiled
    n = inputs.shape[1]
    block = solve_block(propagator, inputs, first_sample)
    scores = np.asarray(propagator.to_category @ block.contributions).reshape(len(compiled.categories), n)
    stages = None
    if by_stage:
        stages = np.asarray(propagator.to_stage @ block.contributions).reshape(
            len(compiled.categories), len(propagator.stages), n)
        if propagator.inheritance is not None:
            inherit = propagator.inheritance.pairs  # only the pairs of inherit processes
            per_unit = (block.characterization[propagator.pair_char[inherit]]
                        * block.biosphere[propagator.pair_bio[inherit]])
            stages += _inherited_by_stage(propagator.inheritance, block.technosphere, block.supply, block.demand,
                                          per_unit, len(propagator.stages))
    market = _market_based(propagator, block) if market_based else None
    return Outcome(scores, stages, market)


def _market_based(propagator: Propagator, block: Block) -> np.ndarray:
    compiled = propagator.compiled
    spec = compiled.model.market_based
    if spec is not None and "climate_change" not in compiled.categories:
        raise ModelError.at(spec.defined_in, "the study assesses no climate_change: a market-based figure needs it")
    climate = propagator.to_category[compiled.categories.index("climate_change")] if spec is not None else None
    return market_based_of_block(compiled, climate, propagator.pair_process, block.contributions,
                                 block.technosphere, block.supply)


@dataclass(frozen=True)
class Block:
    """One block of iterations solved: parameter values, matrices, supply and the per-pair
    contributions ``C[c, f] * B[f, j] * s[j]`` (columns are iterations).

    Examples
    --------
    >>> from lca import load_study
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"), ("pue",))
    >>> solve_block(propagator, np.array([[1.1, 1.2]])).supply[1].tolist()   # kWh of grid electricity
    [1289376.0, 1406592.0]
    """

    params: Mapping[str, Any]
    technosphere: np.ndarray
    demand: np.ndarray
    supply: np.ndarray
    biosphere: np.ndarray
    characterization: np.ndarray
    contributions: np.ndarray


def solve_block(propagator: Propagator, inputs: np.ndarray, first_sample: int = 0) -> Block:
    """Evaluate the parameters of a block of iterations and solve its systems.

    Parameters
    ----------
    propagator : Propagator
        A prepared model.
    inputs : numpy.ndarray
        (len(propagator.names), n): the varied parameters' values in their declared units.
    first_sample : int, optional
        The number of the block's first iteration, for messages.

    Returns
    -------
    Block
        The solved block (see :func:`evaluate` for the errors it raises).

    Examples
    --------
    See :class:`Block`.
    """
    compiled = propagator.compiled
    table = compiled.parameters
    n = inputs.shape[1]
    _check_draws(propagator, inputs, first_sample)
    values = {name: inputs[row] * table.root_factors[name] for row, name in enumerate(propagator.names)}
    params = table.evaluate(values)
    technosphere = _per_sample(compiled.technosphere.values(params), n)
    demand = _per_sample(compiled.demand_vector(params), n)
    if not (np.isfinite(technosphere).all() and np.isfinite(demand).all()):
        check_entries(compiled, params, first_sample)  # raises, naming the entry
    if propagator.production is not None and not (propagator.production @ technosphere > 0).all():
        # a draw that makes a process use all (or more) of what it makes: singular, or every
        # impact it carries flips sign; named with the process, its parameters and the sample
        check_entries(compiled, params, first_sample, sampled=True)
    supply = solve_batch(compiled, technosphere, demand)
    biosphere = _per_sample(compiled.biosphere.values(params), n)
    characterization = _per_sample(compiled.characterization.values(params), n)
    contributions = characterization[propagator.pair_char]
    # an overflow here is no warning on stderr: the non-finite score is an error where the
    # samples are summarized, naming the category
    with np.errstate(over="ignore", invalid="ignore"):
        contributions *= biosphere[propagator.pair_bio]
        contributions *= supply[propagator.pair_process]
    return Block(params, technosphere, demand, supply, biosphere, characterization, contributions)


def _check_draws(propagator: Propagator, inputs: np.ndarray, first_sample: int) -> None:
    bad = ~np.isfinite(inputs)
    if bad.any():
        row, sample = np.argwhere(bad)[0]
        name = propagator.names[row]
        where = propagator.compiled.parameters.labels.get(name, name)
        raise ModelError(f"{where}: Monte Carlo sample {first_sample + int(sample)} of {name!r} is "
                         f"{float(inputs[row, sample])}, not a finite number: its uncertainty is too wide "
                         "for floating point")


def _inherited_by_stage(inheritance: _Inheritance, technosphere: np.ndarray, supply: np.ndarray,
                        demand: np.ndarray, per_unit: np.ndarray, n_stages: int) -> np.ndarray:
    """Scores of the inherit processes by the stage that caused them: (categories, stages, n).

    *per_unit* is C[c, f] B[f, j] for the inherit processes' (factor, flow) pairs, in the order
    of ``inheritance.pairs``."""
    n_u, n = inheritance.inherit.size, supply.shape[1]
    caused = -(technosphere[inheritance.ut_entries] * supply[inheritance.ut_cols])
    rhs = np.asarray(inheritance.scatter @ caused).reshape(n_u, n_stages, n)
    if inheritance.unassigned >= 0:
        rhs[:, inheritance.unassigned, :] += demand[inheritance.inherit]
    # one batched solve: the K stages' right-hand sides side by side, k-major like np.tile
    values = np.tile(technosphere[inheritance.uu_entries], (1, n_stages))
    shares = solve_planned(inheritance.plan, values, rhs.reshape(n_u, n_stages * n)).reshape(n_u, n_stages, n)
    out = np.empty((inheritance.to_category.shape[0], n_stages, n))
    for k in range(n_stages):
        out[:, k, :] = inheritance.to_category @ (per_unit * shares[inheritance.pair_local, k, :])
    return out


def chunk_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """The iterations [start, stop) of each chunk of *n* iterations in chunks of *size*.

    The first chunk runs alone (it builds the solver's plan, which later chunks share), so it
    is kept short: the threads start sooner. A Dask run cuts the same chunks, so that each chunk
    evaluates the same columns together wherever it runs.

    Parameters
    ----------
    n : int
        The number of iterations.
    size : int
        Iterations per chunk after the first.

    Returns
    -------
    list of tuple of int
        The chunks, in order.

    Examples
    --------
    >>> chunk_bounds(1000, 400)
    [(0, 50), (50, 450), (450, 850), (850, 1000)]
    """
    first = min(n, max(16, size // 8))
    return [(0, first)] * (n > 0) + [(start, min(n, start + size)) for start in range(first, n, size)]


def evaluate_chunked(propagator: Propagator, n: int, inputs: Callable[[int, int], np.ndarray],
                     by_stage: bool = False, chunk_size: int | None = None,
                     progress: Progress | None = None,
                     transform: Callable[[np.ndarray, int, int], np.ndarray] | None = None,
                     market_based: bool = False) -> Outcome:
    """Evaluate *n* iterations whose inputs ``inputs(start, stop)`` supplies, chunk by chunk.

    ``inputs`` is called in order, chunk after chunk, in this thread (random streams continue
    where the last chunk stopped); ``transform(block, start, stop)``, if given, and the
    evaluation run on a pool of threads, one chunk each: numpy and scipy release the GIL in
    their array loops, so the cores share the work. Each chunk writes its own columns, so the
    numbers do not depend on the number of threads.

    Parameters
    ----------
    propagator : Propagator
        A prepared model.
    n : int
        The number of iterations.
    inputs : callable (start, stop) -> numpy.ndarray
        The block of inputs (uniforms, or values) for iterations start to stop.
    by_stage : bool, optional
        Also split the scores by lifecycle stage.
    chunk_size : int, optional
        Iterations per chunk (default: what fits in about 64 MB).
    progress : callable (done, n), optional
        Called after each chunk.
    transform : callable (block, start, stop) -> numpy.ndarray, optional
        Applied to each block before evaluation (uniforms -> values).
    market_based : bool, optional
        Also the market-based climate change of every iteration (see :func:`evaluate`).

    Returns
    -------
    Outcome
        Scores for all *n* iterations.

    Examples
    --------
    >>> from lca import load_study
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"), ("pue",))
    >>> pue = np.linspace(1.0, 1.5, 100)[None, :]
    >>> outcome = evaluate_chunked(propagator, 100, lambda start, stop: pue[:, start:stop], chunk_size=30)
    >>> bool(np.allclose(outcome.scores, evaluate(propagator, pue).scores))
    True
    """
    size = propagator.chunk_size(chunk_size)
    categories, stages = len(propagator.compiled.categories), len(propagator.stages)
    scores = np.empty((categories, n))
    per_stage = np.empty((categories, stages, n)) if by_stage else None
    market = np.empty(n) if market_based else None

    def run(block: np.ndarray, start: int, stop: int) -> int:
        values = block if transform is None else transform(block, start, stop)
        outcome = evaluate(propagator, values, by_stage, start, market_based)
        scores[:, start:stop] = outcome.scores
        if per_stage is not None:
            per_stage[:, :, start:stop] = outcome.by_stage
        if market is not None:
            market[start:stop] = outcome.market_based
        return stop

    bounds = chunk_bounds(n, size)
    if not bounds:
        return Outcome(scores, per_stage, market)
    done = run(inputs(*bounds[0]), *bounds[0])
    if progress is not None:
        progress(done, n)
    workers = min(THREADS, len(bounds) - 1)
    if workers <= 1:
        for start, stop in bounds[1:]:
            done = run(inputs(start, stop), start, stop)
            if progress is not None:
                progress(done, n)
        return Outcome(scores, per_stage, market)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for start, stop in bounds[1:]:
            if len(pending) >= 2 * workers:  # bounded memory: a few chunks in flight
                done = pending.popleft().result()
                if progress is not None:
                    progress(done, n)
            pending.append(pool.submit(run, inputs(start, stop), start, stop))
        while pending:
            done = pending.popleft().result()
            if progress is not None:
                progress(done, n)
    return Outcome(scores, per_stage, market)
