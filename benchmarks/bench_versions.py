"""Monte Carlo on the synthetic databases with two or more versions of lca, taken in turn.

For each database file and each version (a folder holding an ``lca`` package, e.g. a
``git archive`` of an older commit), a fresh interpreter imports that version, plans the
technosphere (``plan_structure``: CPU seconds) and times ``bench_synthetic.monte_carlo`` (a
lognormal draw on every exchange, the batched solve, characterization) over ``--samples``
iterations after a warm-up: CPU milliseconds per iteration. The versions run alternately,
``--rounds`` times, so that all see the same load; BLAS threads are pinned to 1 (set
``--blas-threads`` to change it). It also reports which splitting each large loop got.

Usage:

    git archive b5c1a02 | tar -x -C /tmp/old
    python benchmarks/bench_versions.py /tmp/lca-bench/syn*.npz --version old=/tmp/old --version new=.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(npz: str, samples: int, chunk: int) -> dict:
    """In this interpreter (lca from sys.path): plan CPU s, ms per iteration, splittings."""
    sys.path.insert(0, str(HERE))
    import bench_synthetic as bench
    from lca.engine.batched import plan_structure

    db = bench.Database(Path(npz))
    rows, cols, amount, _ = db.tech
    start = time.process_time()
    plan = plan_structure(rows, cols, (db.n, db.n), central=amount, demand_rows=[db.demand])
    plan_cpu = time.process_time() - start
    bench.monte_carlo(db, plan, chunk, 1, chunk)  # warm-up
    start = time.process_time()
    bench.monte_carlo(db, plan, samples, 2, chunk)
    per_iteration = (time.process_time() - start) / samples
    splittings = [type(loop.preconditioner).__name__ for g in plan.generations for loop in g.large]
    return {"plan_cpu_s": plan_cpu, "cpu_ms_per_iteration": 1e3 * per_iteration, "splittings": splittings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", help=".npz files of ../shared/bench/synthetic.py")
    parser.add_argument("--version", action="append", required=True, metavar="LABEL=FOLDER",
                        help="a folder holding the lca package to import")
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--chunk", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--blas-threads", default="1")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.databases[0], args.samples, args.chunk)))
        return 0
    versions = [v.split("=", 1) for v in args.version]
    results: dict = {}
    for npz in args.databases:
        for _ in range(args.rounds):
            for label, folder in versions:
                env = dict(os.environ, PYTHONPATH=str(Path(folder).resolve()), OPENBLAS_NUM_THREADS=args.blas_threads,
                           OMP_NUM_THREADS=args.blas_threads, MKL_NUM_THREADS=args.blas_threads)
                done = subprocess.run([sys.executable, "-P", __file__, npz, "--worker", "--version", "x=.",
                                       "--samples", str(args.samples), "--chunk", str(args.chunk)],
                                      capture_output=True, text=True, env=env, check=True)
                results.setdefault(Path(npz).name, {}).setdefault(label, []).append(json.loads(done.stdout))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    labels = [label for label, _ in versions]
    print("| database | " + " | ".join(f"{label}, ms/it" for label in labels) + " | "
          + " | ".join(f"{label}, plan CPU s" for label in labels) + " | splitting |")
    print("|---" * (2 * len(labels) + 2) + "|")
    for name, by_label in results.items():
        ms = [", ".join(f"{r['cpu_ms_per_iteration']:.2f}" for r in by_label[label]) for label in labels]
        plan = [f"{statistics.median(r['plan_cpu_s'] for r in by_label[label]):.2f}" for label in labels]
        splitting = " / ".join(",".join(by_label[label][0]["splittings"]) or "-" for label in labels)
        print(f"| {name} | " + " | ".join(ms) + " | " + " | ".join(plan) + f" | {splitting} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
