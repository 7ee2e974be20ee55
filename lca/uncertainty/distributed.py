"""Monte Carlo, comparisons and sensitivity on a Dask cluster (``pip install 'lca[dask]'``).

The prepared model (:class:`~lca.engine.propagate.Propagator`, which holds the compiled
model) and the design of uniforms are scattered once to every worker; the iterations are cut
into chunks keyed by chunk index, each a task that draws its own block of uniforms
(``design.block(start, stop)``: every parameter has its own random stream, advanced straight to
the chunk's first iteration), evaluates it and sends its scores back. The client gathers each
chunk into preallocated arrays as it finishes, with only a few chunks in flight, so memory
stays bounded and the numbers are bit for bit those of the serial run, however many workers
there are and whichever one ran which chunk.

>>> import numpy as np
>>> from lca import load_study
>>> from lca.engine.propagate import prepare
>>> from lca.uncertainty.sampling import make_design
>>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> design = make_design(propagator.names, 100, seed=1)
>>> scores, _stages, _market, _inputs = evaluate_chunk(propagator, design, 40, 60, by_stage=False, keep_inputs=False)
>>> from lca.uncertainty.montecarlo import monte_carlo
>>> bool((scores == monte_carlo(propagator, 100, seed=1).scores[:, 40:60]).all())
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import uuid
import warnings
from typing import Any, Iterator

import numpy as np

from ..engine.propagate import Outcome, Progress, Propagator, chunk_bounds, evaluate
from ..errors import LCAError
from .sampling import Design, _SobolSubset

MISSING = "needs dask.distributed, which is not installed: pip install 'lca[dask]'"
# The environment of a local cluster's worker processes. BLAS and OpenMP pools each sized to
# the machine, in every worker process of a machine, would oversubscribe its cores; a worker runs
# one chunk per thread, so one BLAS thread each (older Dask nannies set OMP and MKL, not OpenBLAS).
# Dask's nannies also set MALLOC_TRIM_THRESHOLD_=65536, which makes glibc map and unmap every
# chunk's work arrays afresh: measured on the flagship, 2.5x the page faults and 40 % more CPU
# per chunk than glibc's defaults. Keeping arrays of up to 256 MiB on the heap removes the faults (a worker
# then keeps about one chunk's peak, some 64 MB, allocated).
WORKER_ENV = {
    **{name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    "MALLOC_MMAP_THRESHOLD_": str(2 ** 28),
    "MALLOC_TRIM_THRESHOLD_": str(2 ** 28),
}
# Chunks in flight per worker thread: one running, one queued (no idle gap between chunks).
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT = "30s"


def _distributed():
    try:
        import distributed
    except ImportError:
        raise LCAError(f"running on a cluster {MISSING}") from None
    return distributed


@contextlib.contextmanager
def connect(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: of a new local cluster of *workers* processes, or of the cluster at *scheduler*.

    The local cluster's workers run one thread each, with BLAS pinned to one thread and glibc
    told to keep work arrays on the heap (``WORKER_ENV``); on a joined cluster the same BLAS
    pinning is applied by a worker plugin (threadpoolctl). The client,
    and a cluster started here, are closed on leaving the block.

    Parameters
    ----------
    workers : int, optional
        Start a ``dask.distributed.LocalCluster`` of this many worker processes.
    scheduler : str, optional
        The address of a running scheduler (``tcp://host:8786``) to join instead.

    Yields
    ------
    distributed.Client
        Pass it as ``client=`` to :func:`~lca.uncertainty.monte_carlo`, ``compare``, ``spearman``,
        ``sobol`` or ``one_at_a_time``.

    Raises
    ------
    LCAError
        If dask.distributed is not installed, both or neither of *workers* and *scheduler* are
        given, *workers* < 1, or the scheduler cannot be reached.

    Examples
    --------
    >>> with connect(workers=0):
    ...     pass
    Traceback (most recent call last):
    lca.errors.LCAError: --workers must be at least 1, got 0
    """
    if (workers is None) == (scheduler is None):
        raise LCAError("give either --workers N (a local cluster) or --scheduler ADDRESS (a running one)")
    if workers is not None and workers < 1:
        raise LCAError(f"--workers must be at least 1, got {workers}")
    distributed = _distributed()
    with contextlib.ExitStack() as stack:
        if workers is not None:
            import dask

            # set before each worker process is spawned (glibc reads MALLOC_* when a process starts)
            environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENV}
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), warnings.catch_warnings():
                # the scheduler's HTTP port (no dashboard) moves on its own if another cluster has it
                warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR))
            client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = stack.enter_context(distributed.Client(scheduler, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError, ValueError) as error:
                raise LCAError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({error})") from None
        from .workers import (
            PinThreads,  # needs distributed: imported only once a cluster is asked for
        )

        client.register_plugin(PinThreads(), name=PinThreads.name)
        yield client


def _fresh(design: Any) -> Any:
    """The design without the random streams another chunk left behind (tasks may share a worker's copy)."""
    if isinstance(design, _SobolSubset):
        return dataclasses.replace(design, parent=_fresh(design.parent))
    if isinstance(design, Design):
        return dataclasses.replace(design, _cursors={})
    return design


def evaluate_chunk(propagator: Propagator, source: Any, start: int, stop: int, by_stage: bool,
                   keep_inputs: bool, uniforms: bool = False,
                   market_based: bool = False) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None,
                                                        np.ndarray | None]:
    """One task: iterations [start, stop) of a design, of a block of its uniforms, or of values.

    Parameters
    ----------
    propagator : Propagator
        The prepared model (the worker's scattered copy).
    source : Design or numpy.ndarray
        A design, whose uniforms are drawn and turned into values here; or a block
        (len(propagator.names), stop - start) of uniforms or of values in declared units.
    start, stop : int
        The iterations.
    by_stage : bool
        Also return the scores by lifecycle stage.
    keep_inputs : bool
        Also return the values.
    uniforms : bool, optional
        *source* is a block of uniforms (turned into values here), not of values.
    market_based : bool, optional
        Also return the market-based climate change of each iteration.

    Returns
    -------
    tuple
        Scores (categories, stop - start), scores by stage or None, market-based climate
        change or None, values or None.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.engine.propagate import prepare
    >>> propagator = prepare(load_study("lca:scenarios/patterson2021_gpt3.toml"), ("pue",))
    >>> evaluate_chunk(propagator, np.array([[1.1, 1.2]]), 0, 2, False, False)[0].round(1)
    array([[553142.3, 603428. ]])
    """
    if isinstance(source, np.ndarray):
        values = propagator.transform(source) if uniforms else source
    else:
        values = propagator.transform(_fresh(source).block(start, stop))
    outcome = evaluate(propagator, values, by_stage, market_based=market_based)
    return outcome.scores, outcome.by_stage, outcome.market_based, values if keep_inputs else None


def evaluate_distributed(client: Any, propagator: Propagator, n: int, source: Any, by_stage: bool = False,
                         keep_inputs: bool = False, chunk_size: int | None = None,
                         progress: Progress | None = None, scattered: Any = None,
                         market_based: bool = False) -> tuple[Outcome, np.ndarray | None]:
    """Evaluate *n* iterations on a Dask cluster, chunk by chunk, gathering as chunks finish.

    Parameters
    ----------
    client : distributed.Client
        The cluster (see :func:`connect`).
    propagator : Propagator
        The prepared model; scattered once to every worker.
    n : int
        The number of iterations.
    source : Design or numpy.ndarray
        A design of uniforms (scattered once, each task draws its own block; a Latin
        hypercube's whole columns are not: each task is sent its block of them), or the values
        (len(propagator.names), n) themselves (each task is sent its columns).
    by_stage : bool, optional
        Also split the scores by lifecycle stage.
    keep_inputs : bool, optional
        Also return the values of every iteration.
    chunk_size : int, optional
        Iterations per task (default: the serial chunk size, about 64 MB of work); the chunks
        are those of the serial run (:func:`lca.engine.propagate.chunk_bounds`).
    progress : callable (done, n), optional
        Called after each chunk is gathered.
    scattered : distributed.Future, optional
        *propagator* already scattered (``client.scatter(propagator, broadcast=True)``), for
        several evaluations of one model.
    market_based : bool, optional
        Also the market-based climate change of every iteration.

    Returns
    -------
    tuple of Outcome and numpy.ndarray or None
        The scores of all *n* iterations, and the values with *keep_inputs*.

    Raises
    ------
    SingularSystemError
        If an iteration's technosphere is singular (raised again here from the worker).
    """
    distributed = _distributed()
    size = propagator.chunk_size(chunk_size)
    categories, stages = len(propagator.compiled.categories), len(propagator.stages)
    scores = np.empty((categories, n))
    per_stage = np.empty((categories, stages, n)) if by_stage else None
    kept = np.empty((len(propagator.names), n)) if keep_inputs else None
    market = np.empty(n) if market_based else None
    bounds = chunk_bounds(n, size)  # the serial run's chunks: each evaluates the same columns together
    model = client.scatter(propagator, broadcast=True, hash=False) if scattered is None else scattered
    # A Latin hypercube holds n uniforms per parameter: send each chunk its own, not every worker all.
    sliced = isinstance(source, np.ndarray) or getattr(source, "sampler", None) == "lhs"
    design = None if sliced else client.scatter(source, broadcast=True, hash=False)
    run = uuid.uuid4().hex  # task keys: this run's, then the chunk index
    limit = max(1, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))
    pending = iter(enumerate(bounds))
    in_flight: dict[str, tuple[int, int]] = {}

    def submit(index: int, start: int, stop: int):
        if design is not None:
            block = design
        else:
            block = source[:, start:stop] if isinstance(source, np.ndarray) else source.block(start, stop)
        key = f"lca-chunk-{run}-{index}"
        in_flight[key] = (start, stop)
        return client.submit(evaluate_chunk, model, block, start, stop, by_stage, keep_inputs,
                             not isinstance(source, np.ndarray), market_based, key=key)

    done = 0
    running = distributed.as_completed([submit(i, *b) for i, b in _take(pending, limit)])
    for future in running:
        start, stop = in_flight.pop(future.key)
        chunk_scores, chunk_stages, chunk_market, chunk_inputs = future.result()
        future.release()
        scores[:, start:stop] = chunk_scores
        if per_stage is not None:
            per_stage[:, :, start:stop] = chunk_stages
        if kept is not None:
            kept[:, start:stop] = chunk_inputs
        if market is not None:
            market[start:stop] = chunk_market
        done += stop - start
        if progress is not None:
            progress(done, n)
        for index, (a, b) in _take(pending, 1):
            running.add(submit(index, a, b))
    return Outcome(scores, per_stage, market), kept


def _take(items: Iterator, count: int) -> list:
    return [item for _, item in zip(range(count), items)]
