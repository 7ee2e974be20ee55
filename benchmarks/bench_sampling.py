"""Monte Carlo start-up and sampling of the flagship study against a numpy floor, and what
stage contributions add.

Four figures, CPU seconds (``time.process_time``) on one thread, medians of ``--repeats``,
the variants taken in turn so that all see the same load:

* start-up: ``lca.engine.propagate.prepare`` of the compiled flagship (the influential
  parameters, specialization, the families of distributions), and whether it imported
  scipy.stats;
* sampling: uniforms and their quantiles for every sampled parameter, chunk by chunk as
  ``monte_carlo`` does (``Design.block``, one seeded stream per parameter, then
  ``Propagator.transform``);
* the floor: the same numbers of uniforms from one numpy Generator in one call per chunk,
  and the same quantile arithmetic per family on contiguous rows (scipy.special's ``ndtri``
  and ``betaincinv``, numpy's exp, sqrt and the multiply-adds, in place): what no
  implementation of this sampling can undercut by much;
* ``monte_carlo`` with and without ``by_stage`` (stage contributions), the whole iteration.

Usage:

    python benchmarks/bench_sampling.py                  # --samples 100000 --repeats 5
    PYTHONPATH=/path/to/other/clone python benchmarks/bench_sampling.py   # another version

Targets (issue 11, step 5): sampling within 1.3x of the floor; stage contributions at most
30 % over a run without them; no scipy.stats in the start-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"


def cpu(function, *args) -> float:
    start = time.process_time()
    function(*args)
    return time.process_time() - start


def floor_plan(propagator) -> list[tuple[str, slice, dict, tuple[float, ...] | None]]:
    """The sampled parameters grouped by family on contiguous rows: (family, rows, columns, support)."""
    by_family: dict[tuple, list] = {}
    for name in propagator.names:
        distribution = propagator.distributions[name]
        key = (distribution.family, distribution.support is not None, tuple(k for k, _ in distribution.arguments))
        by_family.setdefault(key, []).append(distribution)
    plan, start = [], 0
    for (family, discrete, keys), members in by_family.items():
        rows = slice(start, start + len(members))
        start += len(members)
        if discrete:
            for i, distribution in enumerate(members):  # each alternative set on its own
                cumulative = np.cumsum(dict(distribution.arguments)["values"][1])
                plan.append(("discrete", slice(rows.start + i, rows.start + i + 1),
                             {"cumulative": cumulative}, distribution.support))
            continue
        columns = {k: np.array([dict(d.arguments)[k] for d in members], dtype=float)[:, None] for k in keys}
        plan.append((family, rows, columns, None))
    return plan


def floor_block(plan, uniforms: np.ndarray) -> np.ndarray:
    """The quantiles of each family's rows of *uniforms*, in place, with the least work numpy allows."""
    from scipy.special import betaincinv, ndtri

    for family, rows, p, support in plan:
        u = uniforms[rows]
        if family == "lognorm":
            ndtri(u, out=u)
            u *= p["s"]
            np.exp(u, out=u)
            u *= p["scale"]
        elif family == "norm":
            ndtri(u, out=u)
            u *= p["scale"]
            u += p["loc"]
        elif family == "uniform":
            u *= p["scale"]
            u += p["loc"]
        elif family == "triang":
            c = p["c"]
            right = np.sqrt((1.0 - c) * (1.0 - u))
            left = np.sqrt(c * u)
            np.subtract(1.0, right, out=right)
            np.copyto(u, np.where(u < c, left, right))
            u *= p["scale"]
            u += p["loc"]
        elif family == "beta":
            betaincinv(p["a"], p["b"], u, out=u)
            u *= p["scale"]
            u += p["loc"]
        elif family == "discrete":
            index = np.searchsorted(p["cumulative"], u[0])
            u[0] = np.asarray(support)[np.minimum(index, len(support) - 1)]
        else:
            raise ValueError(f"no floor for the family {family!r}")
    return uniforms


def sampling(propagator, design, bounds) -> None:
    for start, stop in bounds:
        propagator.transform(design.block(start, stop))


def floor(plan, n_rows: int, bounds, seed: int) -> None:
    generator = np.random.default_rng(seed)
    for start, stop in bounds:
        floor_block(plan, generator.random((n_rows, stop - start)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=FLAGSHIP)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    import lca
    import lca.engine.propagate as propagate
    from lca.engine.compile import compile_model
    from lca.load import load_study
    from lca.uncertainty.montecarlo import monte_carlo
    from lca.uncertainty.sampling import make_design

    propagate.THREADS = 1  # CPU of the work itself, not of threads waiting on each other
    compiled = compile_model(load_study(args.study))
    had_stats = "scipy.stats" in sys.modules
    start = time.process_time()
    propagator = propagate.prepare(compiled)
    prepare_s = time.process_time() - start
    prepare_imported_stats = not had_stats and "scipy.stats" in sys.modules
    bounds = propagate.chunk_bounds(args.samples, propagator.chunk_size())
    plan = floor_plan(propagator)
    n_rows = len(propagator.names)

    monte_carlo(propagator, 2000, seed=args.seed)  # warm-up: the solver's plan, caches
    times: dict[str, list[float]] = {"sampling": [], "floor": [], "monte_carlo": [], "monte_carlo_by_stage": []}
    for _ in range(args.repeats):
        design = make_design(propagator.names, args.samples, args.seed)
        times["sampling"].append(cpu(sampling, propagator, design, bounds))
        times["floor"].append(cpu(floor, plan, n_rows, bounds, args.seed))
        times["monte_carlo"].append(cpu(monte_carlo, propagator, args.samples, args.seed))
        times["monte_carlo_by_stage"].append(cpu(lambda: monte_carlo(propagator, args.samples, args.seed,
                                                                     by_stage=True)))
    median = {key: statistics.median(values) for key, values in times.items()}
    kinds: dict[str, int] = {}
    for distribution in propagator.distributions.values():
        kinds[distribution.kind] = kinds.get(distribution.kind, 0) + 1
    result = {
        "lca": str(Path(lca.__file__).parent), "study": str(args.study), "samples": args.samples,
        "repeats": args.repeats, "chunks": len(bounds), "sampled_parameters": n_rows, "families": kinds,
        "prepare_cpu_s": prepare_s, "prepare_imported_scipy_stats": prepare_imported_stats,
        "cpu_s": times, "median_cpu_s": median,
        "sampling_over_floor": median["sampling"] / median["floor"],
        "by_stage_over_plain": median["monte_carlo_by_stage"] / median["monte_carlo"],
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
