"""Monte Carlo of the flagship study serial and on a Dask LocalCluster of 1, 2, ... workers.

For each configuration it reports samples per second (wall clock of ``monte_carlo(...,
by_stage=True)``, what ``lca run --samples`` does), the CPU seconds spent for it by every
process (the client's and each worker's, read with ``time.process_time`` before and after),
the cluster's start-up time, and whether the scores are bit for bit the serial ones. Each
cluster first runs a short warm-up (the workers import lca and build the solver's plan once);
the timed run then includes scattering the model.

Usage:

    python benchmarks/bench_dask.py                          # 10^5 samples; serial, 1 and 2 workers
    python benchmarks/bench_dask.py --samples 1000000 --workers 1 2 4 --json dask.json

Serial runs chunks on ``lca.engine.propagate.THREADS`` threads of one process; each worker is
one process with one thread and BLAS pinned to one thread.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lca import load_study
from lca.engine.propagate import THREADS, prepare
from lca.uncertainty.distributed import connect
from lca.uncertainty.montecarlo import monte_carlo

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"


def _worker_cpu() -> float:
    return time.process_time()


def measure(propagator, samples: int, seed: int, client=None, repeats: int = 1) -> dict:
    """The best of *repeats* runs: wall seconds, CPU seconds of all processes, the scores."""
    best = None
    for _ in range(repeats):
        workers_before = client.run(_worker_cpu) if client is not None else {}
        cpu, wall = time.process_time(), time.perf_counter()
        result = monte_carlo(propagator, samples, seed=seed, by_stage=True, client=client)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if client is not None:
            workers_after = client.run(_worker_cpu)
            cpu += sum(workers_after[w] - workers_before.get(w, 0.0) for w in workers_after)
        if best is None or wall < best["wall_s"]:
            best = {"wall_s": wall, "cpu_s": cpu, "scores": result.scores}
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs per configuration")
    parser.add_argument("--study", default=str(FLAGSHIP))
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    propagator = prepare(load_study(args.study))
    monte_carlo(propagator, min(args.samples, 2_000), seed=args.seed)  # the plan, once, as a worker does
    rows = []
    serial = measure(propagator, args.samples, args.seed, repeats=args.repeats)
    rows.append({"configuration": f"serial ({THREADS} threads)", "workers": 0, "startup_s": 0.0, **serial})
    for workers in args.workers:
        start = time.perf_counter()
        with connect(workers=workers) as client:
            client.wait_for_workers(workers)
            startup = time.perf_counter() - start
            monte_carlo(propagator, min(args.samples, 2 * propagator.chunk_size() * workers), seed=args.seed,
                        by_stage=True, client=client)  # warm-up: imports and the plan on every worker
            row = measure(propagator, args.samples, args.seed, client, repeats=args.repeats)
        rows.append({"configuration": f"{workers} worker{'s' * (workers > 1)}", "workers": workers,
                     "startup_s": startup, **row})

    reference = rows[0]["scores"]
    print(f"{Path(args.study).name}: {len(propagator.names)} uncertain numbers, {args.samples:,} samples, "
          f"seed {args.seed}, chunks of {propagator.chunk_size():,}\n")
    print("| configuration | samples/s | wall s | CPU s (all processes) | CPU s per 10^5 samples | cluster start-up s | "
          "identical to serial |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        row["samples_per_s"] = args.samples / row["wall_s"]
        row["identical"] = row.pop("scores").tobytes() == reference.tobytes()
        print(f"| {row['configuration']} | {row['samples_per_s']:,.0f} | {row['wall_s']:.2f} | {row['cpu_s']:.2f} | "
              f"{row['cpu_s'] * 1e5 / args.samples:.2f} | {row['startup_s']:.1f} | "
              f"{'yes' if row['identical'] else 'NO'} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"samples": args.samples, "seed": args.seed, "rows": rows}, indent=2)
                                   + "\n", encoding="utf-8")
    return 0 if all(row["identical"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
