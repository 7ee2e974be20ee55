"""Monte Carlo throughput of the flagship lifecycle study, end to end through the public API.

Times ``lca.uncertainty.monte_carlo`` (sampling every uncertain parameter, exchange and
factor; formulas on arrays; the batched supply solve; characterization) at each --samples
size and reports samples per second (chunks run on ``lca.engine.propagate.THREADS``
threads), with the share of the time spent in each step, measured in a second run on one
thread (the steps are timed by wrapping them, so the split costs a few calls of overhead).

Usage:

    python benchmarks/bench_flagship.py                       # N = 10^5 and 10^6
    python benchmarks/bench_flagship.py --samples 100000 --sampler lhs

The target on a 2-core machine is >= 100,000 samples per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import lca.engine.propagate as propagate
import lca.uncertainty.montecarlo as montecarlo
from lca.uncertainty.sampling import Design
from lca import load_study
from lca.engine.compile import compile_model
from lca.engine.batched import plan_batch

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"
FALLBACK = ROOT / "scenarios" / "patterson2021_gpt3.toml"


@contextmanager
def timed_steps(totals: dict[str, float]):
    """Accumulate the time spent in the Monte Carlo steps into *totals* while active."""
    originals = {}

    def wrap(owner, name, label):
        original = getattr(owner, name)
        originals[(owner, name)] = original

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start
        setattr(owner, name, timed)

    wrap(propagate, "solve_batch", "supply solve (solve_batch)")
    wrap(propagate.Propagator, "transform", "sampling: uniforms to distributions")
    wrap(Design, "block", "sampling: uniforms")
    try:
        yield totals
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)


def run(path: Path, samples: int, seed: int, sampler: str, chunk: int | None) -> dict:
    t0 = time.perf_counter()
    compiled = compile_model(load_study(path))
    propagator = propagate.prepare(compiled)
    prepare_s = time.perf_counter() - t0
    montecarlo.monte_carlo(propagator, min(samples, 1000), seed=seed + 1, sampler=sampler)  # warm-up
    t0 = time.perf_counter()
    result = montecarlo.monte_carlo(propagator, samples, seed=seed, sampler=sampler, chunk_size=chunk)
    elapsed = time.perf_counter() - t0
    # Where the time goes, measured on one thread (with several, the steps overlap in time).
    threads, propagate.THREADS = propagate.THREADS, 1
    totals: dict[str, float] = defaultdict(float)
    try:
        with timed_steps(totals):
            t0 = time.perf_counter()
            montecarlo.monte_carlo(propagator, min(samples, 200_000), seed=seed, sampler=sampler, chunk_size=chunk)
            single = time.perf_counter() - t0
    finally:
        propagate.THREADS = threads
    steps = {label: seconds / single for label, seconds in sorted(totals.items())}
    steps["the rest: formulas, matrix values, characterization"] = 1 - sum(steps.values())
    first = compiled.categories[0]
    summary = result.summary(first)
    return {
        "study": path.relative_to(ROOT).as_posix(), "processes": len(compiled.processes),
        "technosphere_nnz": compiled.technosphere.nnz, "uncertain_parameters": len(propagator.names),
        "largest_loop": plan_batch(compiled).largest_loop,
        "samples": samples, "sampler": sampler, "threads": propagate.THREADS, "prepare_s": prepare_s,
        "seconds": elapsed,
        "samples_per_s": samples / elapsed, "time_share": steps,
        "category": first, "mean": summary.mean, "p2.5": summary.percentiles["2.5"],
        "p97.5": summary.percentiles["97.5"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=FLAGSHIP if FLAGSHIP.exists() else FALLBACK)
    parser.add_argument("--samples", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sampler", default="random", choices=["random", "lhs", "sobol"])
    parser.add_argument("--chunk", type=int, default=None, help="iterations per chunk (default: by memory)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    results = [run(args.study.resolve(), n, args.seed, args.sampler, args.chunk) for n in args.samples]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print()
    print("| study | uncertain parameters | samples | seconds | samples/s | share in supply solve |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['study']} | {r['uncertain_parameters']} | {r['samples']:,} | {r['seconds']:.2f} "
              f"| {r['samples_per_s']:,.0f} | {r['time_share']['supply solve (solve_batch)']:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
