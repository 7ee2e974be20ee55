"""What lca installs on Dask workers (imported only when a cluster is used: it needs
dask.distributed, an optional dependency, ``pip install 'lca[dask]'``).

>>> plugin = PinThreads()
>>> plugin.name
'lca-pin-blas-threads'
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin


class PinThreads(WorkerPlugin):
    """Limit every BLAS and OpenMP pool of a worker process to one thread (threadpoolctl).

    A worker runs one chunk per thread; pools sized to the machine in every worker process
    would oversubscribe its cores. Dask's nannies set ``OMP_NUM_THREADS`` and
    ``MKL_NUM_THREADS`` but not OpenBLAS's, and a joined cluster's workers were started by
    someone else: this applies the limit on each worker as it joins.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> plugin = PinThreads()
    >>> plugin.setup(worker=None)
    >>> {pool["num_threads"] for pool in threadpool_info()} <= {1}
    True
    >>> plugin.teardown(worker=None)
    """

    name = "lca-pin-blas-threads"

    def __init__(self) -> None:
        self._limits: Any = None

    def setup(self, worker: Any) -> None:
        from threadpoolctl import threadpool_limits

        self._limits = threadpool_limits(limits=1)

    def teardown(self, worker: Any) -> None:
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None
