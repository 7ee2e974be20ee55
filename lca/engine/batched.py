"""Solve the technosphere for many parameter samples at once: A_i s_i = f_i, i = 1..N.

The samples are the columns of every array, and the work follows the supply chain's shape
(:mod:`lca.engine.structure`): processes the demand reaches, in generations of
strongly connected components, consumers before their providers.

* a component of one process is back-substituted, s = (f - inflow from consumers) / production,
  for all processes of a generation and all samples in a few array operations: O(nnz) per
  sample over the acyclic part;
* a small loop (up to ``DENSE_MAX`` processes) is a batch of dense k x k systems, solved by
  ``numpy.linalg.solve`` over the sample axis;
* a large loop is solved by the fixed-point iteration x <- x + M^-1 (b - A_i x), run on the
  whole block of samples at once. M is one incomplete LU (``scipy.sparse.linalg.spilu``) of
  the loop at the central values, or each sample's own diagonal (Jacobi: one sparse product
  per step, no factorization) when the loop contracts fast at the central values (ratio up
  to ``JACOBI_MAX_RATIO``) and Jacobi's steps are estimated to cost less per sample than the
  incomplete LU's (:func:`lca.engine.preconditioner.cheaper_splitting`: an ecoinvent-like
  loop, whose LU fills in, keeps Jacobi; a hub-structured one gets the LU); the iteration
  starts from M^-1 b. A sample whose correction stalls or does not fall below ``rtol`` falls back to a
  direct sparse LU of its own matrix (the per-sample method of :func:`solve_batch_reference`).

Memory stays bounded: samples are processed in chunks. The acyclic and small-loop paths give
bit-identical numbers whatever the chunking; the large-loop iteration agrees to within
``rtol`` (SuperLU rounds differently with the number of right-hand sides).

>>> values = np.array([[1.0, 1.0], [-0.5, -0.25], [1.0, 1.0]])   # A = [[1, -x], [0, 1]]
>>> plan = plan_structure(np.array([0, 0, 1]), np.array([0, 1, 1]), (2, 2),
...                       central=values[:, 0], demand_rows=[1])
>>> solve_planned(plan, values, np.array([[0.0, 0.0], [2.0, 2.0]])).tolist()
[[1.0, 0.5], [2.0, 2.0]]
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from ..errors import SingularSystemError
from .compile import CompiledModel
from .preconditioner import (
    JACOBI_MAX_RATIO,
    Diagonal,
    IncompleteLU,
    Stopping,
    cheaper_splitting,
    diagonal_splitting,
    incomplete_lu,
)
from .solve import factorize_matrix
from .structure import supply_order

DENSE_MAX = 32  # loops up to this size are solved as batched dense systems
MEMORY = 256 * 2**20  # bytes of working arrays per chunk of samples
RTOL = 1e-10  # relative error left in an iteratively solved loop


@dataclass(frozen=True)
class _Inflow:
    """Contributions of already-solved consumers to one generation's right-hand side."""

    entries: np.ndarray  # value rows
    consumers: np.ndarray  # column (consumer process) of each entry
    gather: sp.csr_matrix  # (generation members, entries) of ones: sums per provider


@dataclass(frozen=True)
class _SmallLoops:
    """All loops of one size k in a generation, members[start:start + count * k] block-wise."""

    start: int
    count: int
    size: int
    block: np.ndarray  # per entry: which loop
    row: np.ndarray  # per entry: row within its loop
    col: np.ndarray
    entries: np.ndarray  # value rows


@dataclass(frozen=True)
class _LargeLoop:
    """One loop solved iteratively: members[start:start + size]."""

    start: int
    size: int
    row: np.ndarray  # local row of each entry
    col: np.ndarray
    entries: np.ndarray  # value rows
    gather: sp.csr_matrix  # (size, entries) of ones
    preconditioner: Diagonal | IncompleteLU | None  # chosen at the central values; None: direct solves
    # the entries cut at row boundaries into runs of about PRODUCT_BLOCK: (entries lo, hi,
    # rows lo, hi, the run's summing matrix), so that a product's gathered block stays in cache
    blocks: tuple[tuple[int, int, int, int, sp.csr_matrix], ...] = ()


@dataclass(frozen=True)
class _Generation:
    members: np.ndarray  # single processes first, then small loops by size, then large loops
    inflow: _Inflow
    single_diagonal: np.ndarray  # value rows of the production of the single processes
    small: tuple[_SmallLoops, ...]
    large: tuple[_LargeLoop, ...]


@dataclass(frozen=True)
class BatchPlan:
    """How to solve one technosphere structure for a set of demanded processes.

    Depends on the entries' positions only, apart from the preconditioners of large loops
    (incomplete LU at the central values). Build with :func:`plan_batch` or
    :func:`plan_structure`, use with :func:`solve_planned`.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> plan = plan_batch(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")))
    >>> plan.largest_loop, len(plan.generations)     # training run, then its electricity
    (1, 2)
    """

    shape: tuple[int, int]
    n_entries: int
    support: np.ndarray  # processes whose demand the plan can take
    merge: sp.csr_matrix | None  # value rows = merge @ entry values (sums duplicates), or None
    generations: tuple[_Generation, ...]
    labels: tuple[str, ...]

    @property
    def largest_loop(self) -> int:
        """Size of the largest strongly connected component solved (1 if acyclic)."""
        sizes = [g.large[-1].size if g.large else (g.small[-1].size if g.small else 1)
                 for g in self.generations]
        return max(sizes, default=0)


def plan_structure(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], *, central: np.ndarray,
                   demand_rows: Iterable[int], labels: Sequence[str] = (),
                   dense_max: int = DENSE_MAX, drop_tol: float = 1e-4) -> BatchPlan:
    """Plan the batched solve of technosphere entries (rows, cols) for *demand_rows*.

    Parameters
    ----------
    rows, cols : numpy.ndarray
        The positions of the entries.
    shape : tuple of int
        The matrix's shape.
    central : numpy.ndarray
        One value per entry (duplicates are summed); only used to build the preconditioners of
        loops larger than *dense_max*.
    demand_rows : iterable of int
        The processes a demand may name.
    labels : sequence of str, optional
        Process names, for messages.
    dense_max : int, optional
        The largest loop solved as a batch of dense systems.
    drop_tol : float, optional
        The drop tolerance of the incomplete LU of larger loops.

    Returns
    -------
    BatchPlan
        The plan.

    Examples
    --------
    >>> plan = plan_structure(np.array([0, 1, 1, 0]), np.array([0, 0, 1, 1]), (2, 2),
    ...                       central=np.array([1.0, -0.5, 1.0, -0.5]), demand_rows=[0])
    >>> plan.largest_loop
    2
    """
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    n = shape[0]
    labels = tuple(labels) or tuple(str(i) for i in range(n))
    keys = rows * n + cols
    unique, inverse = np.unique(keys, return_inverse=True)
    central = np.asarray(central, dtype=float)  # indexed by value row, like the plan's entries
    if len(unique) == len(keys):
        merge, value_row = None, np.argsort(keys, kind="stable")
    else:
        merge = sp.csr_matrix((np.ones(len(keys)), (inverse, np.arange(len(keys)))),
                              shape=(len(unique), len(keys)))
        value_row = np.arange(len(unique))
        central = merge @ central
    u_rows, u_cols = unique // n, unique % n
    support = np.unique(np.asarray(list(demand_rows), dtype=np.int64))
    order = supply_order(u_rows, u_cols, n, support.tolist())

    component = np.full(n, -1)
    generation_of = np.full(n, -1)
    for g, generation in enumerate(order.generations):
        for members in generation:
            component[members] = members[0]  # a component is named by its smallest member
            generation_of[members] = g
    kept = np.flatnonzero(component[u_cols] >= 0)  # a consumer the demand does not reach supplies nothing
    by_generation = kept[np.argsort(generation_of[u_rows[kept]], kind="stable")]
    bounds = np.searchsorted(generation_of[u_rows[by_generation]], np.arange(len(order.generations) + 1))

    generations = []
    for g, generation in enumerate(order.generations):
        entries = by_generation[bounds[g]:bounds[g + 1]]
        internal = component[u_rows[entries]] == component[u_cols[entries]]
        generations.append(_plan_generation(
            generation, entries[~internal], entries[internal], u_rows, u_cols, value_row, central,
            labels, dense_max, drop_tol))
    return BatchPlan(tuple(shape), len(keys), support, merge, tuple(generations), labels)


def _plan_generation(components, inflow, internal, u_rows, u_cols, value_row, central, labels,
                     dense_max, drop_tol) -> _Generation:
    singles = [c for c in components if len(c) == 1]
    small = sorted((c for c in components if 1 < len(c) <= dense_max), key=lambda c: (len(c), int(c[0])))
    large = [c for c in components if len(c) > dense_max]
    members = np.concatenate(singles + small + large)
    position = np.full(len(labels), -1)
    position[members] = np.arange(len(members))
    local_row, local_col = position[u_rows[internal]], position[u_cols[internal]]

    diagonal = {int(u_rows[e]): value_row[e] for e in internal[u_rows[internal] == u_cols[internal]]}
    missing = [labels[int(c[0])] for c in singles if int(c[0]) not in diagonal]
    if missing:
        raise SingularSystemError(f"the technosphere matrix is singular: {', '.join(missing[:10])} "
                                  "has no production amount")
    single_diagonal = np.array([diagonal[int(c[0])] for c in singles], dtype=np.int64)

    plan_inflow = _Inflow(value_row[inflow], u_cols[inflow], _summing(position[u_rows[inflow]], len(members)))

    small_groups, start = [], len(singles)
    for size in sorted({len(c) for c in small}):
        count = sum(1 for c in small if len(c) == size)
        stop = start + count * size
        pick = (local_row >= start) & (local_row < stop)
        offset_row, offset_col = local_row[pick] - start, local_col[pick] - start
        small_groups.append(_SmallLoops(start, count, size, offset_row // size, offset_row % size,
                                        offset_col % size, value_row[internal[pick]]))
        start = stop
    large_loops = []
    for members_of_loop in large:
        size = len(members_of_loop)
        pick = (local_row >= start) & (local_row < start + size)
        row, col = local_row[pick] - start, local_col[pick] - start
        by_row = np.lexsort((col, row))
        row, col, entries = row[by_row], col[by_row], value_row[internal[pick]][by_row]
        large_loops.append(_LargeLoop(start, size, row, col, entries, _summing(row, size),
                                      _preconditioner(row, col, central[entries], size, drop_tol), _product_blocks(row, size)))
        start += size
    return _Generation(members, plan_inflow, single_diagonal, tuple(small_groups), tuple(large_loops))


def _preconditioner(row, col, central, size, drop_tol) -> Diagonal | IncompleteLU | None:
    """An incomplete LU, or Jacobi if the loop contracts fast at its central values and
    Jacobi's steps cost less than the incomplete LU's (:func:`cheaper_splitting`)."""
    if len(np.unique(row * size + col)) == len(row):  # entries already merged: the CSR keeps their order
        matrix = sp.csr_matrix((central, (row, col)), shape=(size, size))
        jacobi = diagonal_splitting(matrix)
        if jacobi is not None and jacobi.ratio <= JACOBI_MAX_RATIO:
            return cheaper_splitting(matrix, jacobi, drop_tol, RTOL)
    return incomplete_lu(sp.csc_matrix((central, (row, col)), shape=(size, size)), drop_tol)


def _summing(rows: np.ndarray, n_rows: int) -> sp.csr_matrix:
    """A matrix of ones that sums entry-wise products into their rows."""
    return sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(n_rows, len(rows)))


def plan_batch(compiled: CompiledModel, demand_rows: Iterable[int] | None = None) -> BatchPlan:
    """The batch plan of a compiled model's technosphere (cached per compiled model and demand rows).

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    demand_rows : iterable of int, optional
        The processes a demand may name (default: those of the study's demand).

    Returns
    -------
    BatchPlan
        The plan; preconditioners use the parameters' central values.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> plan_batch(compiled) is plan_batch(compiled)
    True
    """
    support = np.unique(np.asarray(list(compiled.demand.rows if demand_rows is None else demand_rows),
                                   dtype=np.int64))
    key = support.tobytes()
    ref, plans = _PLANS.get(id(compiled), (None, None))
    if ref is None or ref() is not compiled:
        plans = {}
        _PLANS[id(compiled)] = (weakref.ref(compiled), plans)
        weakref.finalize(compiled, _PLANS.pop, id(compiled), None)
    if key not in plans:
        entries = compiled.technosphere
        central = entries.values(compiled.parameters.evaluate())
        plans[key] = plan_structure(entries.rows, entries.cols, entries.shape, central=central,
                                    demand_rows=support, labels=compiled.processes)
    return plans[key]


_PLANS: dict[int, tuple[weakref.ref, dict[bytes, BatchPlan]]] = {}


def solve_batch(compiled: CompiledModel, technosphere_values: np.ndarray, demand: np.ndarray, *,
                plan: BatchPlan | None = None, rtol: float = RTOL, max_iter: int = 200,
                memory: int = MEMORY) -> np.ndarray:
    """Supply vectors for N samples: solve A_i s_i = f_i for each column i.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    technosphere_values : numpy.ndarray
        (nnz, N) as ``compiled.technosphere.values(params)`` gives it (duplicate positions are
        summed), or (nnz,) for the same matrix in every sample.
    demand : numpy.ndarray
        (n_processes, N), or (n_processes,).
    plan : BatchPlan, optional
        A plan from :func:`plan_batch` (default: planned, and cached, here).
    rtol : float, optional
        The relative tolerance of the iteration on large loops.
    max_iter : int, optional
        Its iteration limit, after which a sample falls back to a direct LU.
    memory : int, optional
        The floats a block may hold.

    Returns
    -------
    numpy.ndarray
        (n_processes, N) supplies.

    Raises
    ------
    SingularSystemError
        Naming the sample and processes of a singular system.

    Examples
    --------
    Two samples of the Patterson model, PUE 1.1 and 1.2 (the electricity its run needs):

    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate({"pue": np.array([1.1, 1.2])})
    >>> solve_batch(compiled, compiled.technosphere.values(params), compiled.demand_vector(params))
    array([[1.000000e+00, 1.000000e+00],
           [1.289376e+06, 1.406592e+06]])
    """
    demand = np.asarray(demand, dtype=float)
    if plan is None:
        support = np.flatnonzero(np.any(demand != 0, axis=1) if demand.ndim == 2 else demand != 0)
        plan = plan_batch(compiled, support)
    return solve_planned(plan, technosphere_values, demand, rtol=rtol, max_iter=max_iter, memory=memory)


def solve_planned(plan: BatchPlan, technosphere_values: np.ndarray, demand: np.ndarray, *,
                  rtol: float = RTOL, max_iter: int = 200, memory: int = MEMORY) -> np.ndarray:
    """:func:`solve_batch` with an explicit plan (see the module example).

    Parameters
    ----------
    plan : BatchPlan
        From :func:`plan_batch` or :func:`plan_structure`.
    technosphere_values : numpy.ndarray
        (plan.n_entries, N) or (plan.n_entries,).
    demand : numpy.ndarray
        (n_processes, N) or (n_processes,).
    rtol, max_iter, memory
        As for :func:`solve_batch`.

    Returns
    -------
    numpy.ndarray
        (n_processes, N) supplies, or (n_processes,) when both inputs are one-dimensional.

    Raises
    ------
    ValueError
        If the arrays do not fit the plan.
    SingularSystemError
        If a sample's system is singular.

    Examples
    --------
    >>> values = np.array([[1.0, 1.0], [-0.5, -0.25], [1.0, 1.0]])   # A = [[1, -x], [0, 1]]
    >>> plan = plan_structure(np.array([0, 0, 1]), np.array([0, 1, 1]), (2, 2),
    ...                       central=values[:, 0], demand_rows=[1])
    >>> solve_planned(plan, values, np.array([[0.0, 0.0], [2.0, 2.0]])).tolist()
    [[1.0, 0.5], [2.0, 2.0]]
    """
    values = np.asarray(technosphere_values, dtype=float)
    demand = np.asarray(demand, dtype=float)
    single = values.ndim == 1 and demand.ndim == 1
    values = values.reshape(len(values), -1)
    demand = demand.reshape(len(demand), -1)
    n_samples = max(values.shape[1], demand.shape[1])
    values = np.broadcast_to(values, (len(values), n_samples))
    demand = np.broadcast_to(demand, (len(demand), n_samples))
    if values.shape[0] != plan.n_entries or demand.shape[0] != plan.shape[0]:
        raise ValueError(f"expected {plan.n_entries} entry values and {plan.shape[0]} demand rows, "
                         f"got {values.shape[0]} and {demand.shape[0]}")
    outside = np.setdiff1d(np.flatnonzero(np.any(demand != 0, axis=1)), plan.support)
    if outside.size:
        raise ValueError(f"demand on processes {outside[:10].tolist()} that the plan was not made for")
    supply = np.zeros((plan.shape[0], n_samples))
    chunk = max(1, memory // (8 * (3 * plan.n_entries + 4 * plan.shape[0]) + 1))
    for start in range(0, n_samples, chunk):
        part = slice(start, min(start + chunk, n_samples))
        supply[:, part] = _solve_chunk(plan, values[:, part], demand[:, part], rtol, max_iter, start)
    return supply[:, 0] if single else supply


def _solve_chunk(plan, values, demand, rtol, max_iter, offset) -> np.ndarray:
    values = values if plan.merge is None else plan.merge @ values
    supply = np.zeros(demand.shape)
    for generation in plan.generations:
        members = generation.members
        rhs = demand[members]
        inflow = generation.inflow
        if inflow.entries.size:
            rhs -= inflow.gather @ (values[inflow.entries] * supply[inflow.consumers])
        n_single = len(generation.single_diagonal)
        if n_single:
            with np.errstate(divide="ignore", invalid="ignore"):
                single = rhs[:n_single] / values[generation.single_diagonal]
            _check_finite(single, members, plan.labels, offset, "its net production is zero")
            supply[members[:n_single]] = single
        for loops in generation.small:
            stop = loops.start + loops.count * loops.size
            supply[members[loops.start:stop]] = _solve_small(loops, values, rhs[loops.start:stop],
                                                             members[loops.start:stop], plan.labels, offset)
        for loop in generation.large:
            part = slice(loop.start, loop.start + loop.size)
            supply[members[part]] = _solve_large(loop, values[loop.entries], rhs[part], members[part],
                                                 plan.labels, offset, rtol, max_iter)
    return supply


def _solve_small(loops: _SmallLoops, values, rhs, members, labels, offset) -> np.ndarray:
    k, count, n_samples = loops.size, loops.count, rhs.shape[1]
    matrices = np.zeros((count, n_samples, k, k))
    matrices[loops.block, :, loops.row, loops.col] = values[loops.entries]
    right = rhs.reshape(count, k, n_samples).transpose(0, 2, 1)[..., None]
    try:
        with np.errstate(all="ignore"):
            solution = np.linalg.solve(matrices, right)[..., 0]
    except np.linalg.LinAlgError:
        zero = np.argwhere(np.linalg.det(matrices) == 0)
        loop, sample = zero[0] if len(zero) else (0, 0)
        raise SingularSystemError(_singular(labels, members[loop * k:(loop + 1) * k], offset + sample,
                                            "the loop consumes as much as it makes")) from None
    supply = solution.transpose(0, 2, 1).reshape(count * k, n_samples)
    _check_finite(supply, members, labels, offset, "the loop consumes as much as it makes")
    return supply


def _solve_large(loop: _LargeLoop, values, rhs, members, labels, offset, rtol, max_iter) -> np.ndarray:
    n_samples = rhs.shape[1]
    if loop.preconditioner is None:
        supply, failed = np.zeros_like(rhs), np.ones(n_samples, dtype=bool)
    elif isinstance(loop.preconditioner, Diagonal):
        supply, failed = _iterate_jacobi(loop, values, rhs, rtol, max_iter)
    else:
        supply, failed = _iterate_preconditioned(loop, values, rhs, rtol, max_iter)
    for sample in np.flatnonzero(failed):
        matrix = sp.csc_matrix((values[:, sample], (loop.row, loop.col)), shape=(loop.size, loop.size))
        try:
            supply[:, sample] = factorize_matrix(matrix, tuple(labels[p] for p in members)).solve(rhs[:, sample])
        except SingularSystemError as error:
            raise SingularSystemError(f"sample {offset + sample}: {error}") from None
    return supply


def _iterate_preconditioned(loop: _LargeLoop, values, rhs, rtol, max_iter):
    """x <- x + M^-1 (b - A_i x) with one incomplete LU M for every sample, from x = M^-1 b."""
    precondition = loop.preconditioner.solve
    supply = precondition(rhs)
    stopping = Stopping(rhs.shape[1], rtol)
    for _ in range(max_iter):
        residual = rhs - _product(loop, values, supply)
        with np.errstate(invalid="ignore", over="ignore"):
            step = precondition(residual)
            size = np.abs(step).sum(axis=0)
            np.add(supply, step, out=supply, where=stopping.moving(size))
            if stopping.settle(size, np.abs(supply).sum(axis=0)):
                break
    return supply, stopping.failed | stopping.active


def _iterate_jacobi(loop: _LargeLoop, values, rhs, rtol, max_iter):
    """x <- x + D_i^-1 (b - A_i x), each sample with its own diagonal D_i, from x = D_i^-1 b.

    D_i^-1 is folded into the entries once per chunk: a step is one product and a subtraction."""
    inverse = loop.preconditioner.inverse(values)  # (size, N)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * inverse[loop.row]  # D_i^-1 A_i, entry by entry
        start = rhs * inverse  # D_i^-1 b
    supply = start.copy()
    stopping = Stopping(rhs.shape[1], rtol)
    for _ in range(max_iter):
        with np.errstate(invalid="ignore", over="ignore"):
            step = np.subtract(start, _product(loop, scaled, supply))  # the correction D^-1 (b - A x)
            size = np.abs(step).sum(axis=0)
            np.add(supply, step, out=supply, where=stopping.moving(size))
            if stopping.settle(size, np.abs(supply).sum(axis=0)):
                break
    return supply, stopping.failed | stopping.active


def _product(loop: _LargeLoop, values: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """A_i x_i for every sample: gather, multiply and sum entry by entry, each entry's samples
    side by side (contiguous: every operation is a vector operation over the samples), a run
    of entries at a time so that the gathered block stays in cache (1.2 to 1.8x faster than
    one block-diagonal sparse product on the synthetic databases, benchmarks/RESULTS.md)."""
    out = np.empty((loop.size, supply.shape[1]))
    for lo, hi, row_lo, row_hi, gather in loop.blocks or ((0, len(loop.col), 0, loop.size, loop.gather),):
        product = supply[loop.col[lo:hi]]
        product *= values[lo:hi]
        out[row_lo:row_hi] = gather @ product
    return out


PRODUCT_BLOCK = 2048  # entries per run of a product (times the chunk's samples: a few MB)


def _product_blocks(row: np.ndarray, size: int) -> tuple:
    """Runs of about PRODUCT_BLOCK row-sorted entries, cut where a row starts."""
    starts = np.searchsorted(row, np.arange(size + 1))  # entry where each row starts; starts[size] = len
    blocks, lo_row = [], 0
    while lo_row < size:
        hi_row = max(lo_row + 1, int(np.searchsorted(starts, starts[lo_row] + PRODUCT_BLOCK, side="right")) - 1)
        hi_row = min(hi_row, size)
        lo, hi = int(starts[lo_row]), int(starts[hi_row])
        blocks.append((lo, hi, lo_row, hi_row, _summing(row[lo:hi] - lo_row, hi_row - lo_row)))
        lo_row = hi_row
    return tuple(blocks)


def _check_finite(supply, members, labels, offset, reason) -> None:
    bad = ~np.isfinite(supply)
    if bad.any():
        row, sample = np.argwhere(bad)[0]
        raise SingularSystemError(_singular(labels, members[row:row + 1], offset + sample, reason))


def _singular(labels, processes, sample, reason) -> str:
    names = ", ".join(labels[p] for p in processes[:10])
    return f"the technosphere matrix is singular in sample {sample} at {names}: {reason}"


def multiply_batch(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], values: np.ndarray,
                   vectors: np.ndarray) -> np.ndarray:
    """M_i x_i for N samples of a sparse matrix (entries rows, cols; values (nnz, N)).

    One-dimensional values and vectors give one product; duplicate entries are summed. The
    biosphere step of Monte Carlo: ``inventory = multiply_batch(B.rows, B.cols, B.shape,
    B.values(params), supply)``.

    Parameters
    ----------
    rows, cols : numpy.ndarray
        The positions of the entries.
    shape : tuple of int
        The matrix's shape.
    values : numpy.ndarray
        (nnz, N) or (nnz,).
    vectors : numpy.ndarray
        (shape[1], N) or (shape[1],).

    Returns
    -------
    numpy.ndarray
        (shape[0], N) products.

    Examples
    --------
    >>> multiply_batch(np.array([0, 0]), np.array([0, 1]), (1, 2),
    ...                np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 1.0], [1.0, 0.5]])).tolist()
    [[4.0, 4.0]]
    """
    values, vectors = np.asarray(values, dtype=float), np.asarray(vectors, dtype=float)
    if values.ndim == 1 and vectors.ndim == 1:
        return sp.csr_matrix((values, (rows, cols)), shape=shape) @ vectors
    values = values.reshape(len(values), -1)
    vectors = vectors.reshape(len(vectors), -1)
    return _summing(np.asarray(rows), shape[0]) @ (values * vectors[np.asarray(cols)])


def solve_batch_reference(compiled: CompiledModel, technosphere_values: np.ndarray,
                          demand: np.ndarray) -> np.ndarray:
    """The slow oracle of :func:`solve_batch`: one sparse LU of the whole matrix per sample.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    technosphere_values : numpy.ndarray
        (nnz, N) entry values.
    demand : numpy.ndarray
        (n_processes, N) demands.

    Returns
    -------
    numpy.ndarray
        (n_processes, N) supplies.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params = compiled.parameters.evaluate({"pue": np.array([1.1, 1.5])})
    >>> values, demand = compiled.technosphere.values(params), compiled.demand_vector(params)
    >>> bool(np.allclose(solve_batch_reference(compiled, values, demand), solve_batch(compiled, values, demand)))
    True
    """
    entries = compiled.technosphere
    n_samples = technosphere_values.shape[1]
    supply = np.empty((entries.shape[0], n_samples))
    for i in range(n_samples):
        matrix = sp.csc_matrix((technosphere_values[:, i], (entries.rows, entries.cols)), shape=entries.shape)
        supply[:, i] = factorize_matrix(matrix, compiled.processes).solve(demand[:, i])
    return supply
