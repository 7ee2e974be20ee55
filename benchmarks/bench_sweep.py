"""CPU seconds per scenario of a flagship sweep: ``lca.uncertainty.sweep`` against a loop.

The loop is what a user had before ``lca sweep``: for each scenario, ``with_parameters`` (a new
model, validated) and ``calculate`` (compile, solve, characterize). The sweep compiles and
prepares the model once and evaluates every scenario as one column of a batched evaluation
(:mod:`lca.engine.propagate`). Both run in the same process, on the same scenarios (grid
regions x PUE values of ``scenarios/llm_training_lifecycle.toml``), timed with
``time.process_time`` (CPU of all threads), each repeated and reported as the median. The
sweep's per-scenario cost includes its one compilation; the scores of both must agree to
1e-12 relative.

Usage:

    python benchmarks/bench_sweep.py                     # 40 looped scenarios, sweeps of 40 and 1,000
    python benchmarks/bench_sweep.py --loop 6 --sizes 6 --repeats 1 --json out.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from lca import calculate, load_study
from lca.load.study import with_parameters
from lca.uncertainty.sweep import Scenario, sweep

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"
REGIONS = ("us", "fr", "cn", "de", "se", "jp", "in", "br", "au", "za")


def scenarios(count: int) -> list[Scenario]:
    """*count* distinct (grid_region, pue) scenarios: the regions, each at PUE 1.05, 1.06, ..."""
    pues = [round(1.05 + 0.001 * k, 3) for k in range(-(-count // len(REGIONS)))]
    pairs = itertools.islice(itertools.product(pues, REGIONS), count)
    return [Scenario({"grid_region": region, "pue": pue}, f"scenario {k + 1}")
            for k, (pue, region) in enumerate(pairs)]


def cpu(function, *args):
    start = time.process_time()
    out = function(*args)
    return time.process_time() - start, out


def loop(model, chosen: list[Scenario]) -> np.ndarray:
    return np.array([[impact.value for impact in calculate(with_parameters(model, dict(s.values))).impacts.values()]
                     for s in chosen])


def run(loop_count: int, sizes: list[int], repeats: int) -> dict:
    model = load_study(FLAGSHIP)
    calculate(model)  # warm caches (units, formulas) so that neither side pays for them
    chosen = scenarios(loop_count)
    loop_times, reference = [], None
    for _ in range(repeats):
        seconds, reference = cpu(loop, model, chosen)
        loop_times.append(seconds / loop_count)
    per_loop = statistics.median(loop_times)
    result = {"study": FLAGSHIP.relative_to(ROOT).as_posix(), "repeats": repeats,
              "loop": {"scenarios": loop_count, "cpu_s_per_scenario": per_loop}, "sweeps": []}
    for size in sizes:
        times, swept = [], None
        for _ in range(repeats):
            seconds, swept = cpu(sweep, model, scenarios(size))
            times.append(seconds / size)
        common = min(size, loop_count)
        difference = float(np.max(np.abs(swept.values[:common] - reference[:common]) / np.abs(reference[:common])))
        per = statistics.median(times)
        result["sweeps"].append({"scenarios": size, "cpu_s_per_scenario": per, "speedup": per_loop / per,
                                 "max_rel_diff_vs_loop": difference})
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", type=int, default=40, help="scenarios in the with_parameters + calculate loop")
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 1000], help="scenarios per sweep")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.loop, args.sizes, args.repeats)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print()
    print("| method | scenarios | CPU ms per scenario (median) | speedup | max rel. diff |")
    print("|---|---|---|---|---|")
    print(f"| with_parameters + calculate loop | {result['loop']['scenarios']} "
          f"| {1000 * result['loop']['cpu_s_per_scenario']:.2f} | 1x | |")
    for row in result["sweeps"]:
        print(f"| lca.uncertainty.sweep | {row['scenarios']:,} | {1000 * row['cpu_s_per_scenario']:.3f} "
              f"| {row['speedup']:.0f}x | {row['max_rel_diff_vs_loop']:.1e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
