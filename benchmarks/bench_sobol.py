"""Time Sobol indices (first order and total) of 20 parameters with 2^14 base samples.

Runs ``lca.uncertainty.sobol`` (scipy's Sobol design and estimators over the batched engine, n (d + 2)
= 360,448 model evaluations for d = 20) on the flagship lifecycle study, varying the first
20 of its uncertain parameters (named parameters first, then uncertain exchanges and
factors); the others stay at their central values. Target on a 2-core machine: < 30 s.

Usage:

    python benchmarks/bench_sobol.py                    # 20 parameters, 2^14 base samples
    python benchmarks/bench_sobol.py --parameters 5 --base 1024
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lca import load_study
from lca.engine.compile import compile_model
from lca.engine.propagate import prepare
from lca.uncertainty import sobol

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"
FALLBACK = ROOT / "scenarios" / "patterson2021_gpt3.toml"


def run(path: Path, n_parameters: int, base: int, seed: int, category: str | None) -> dict:
    compiled = compile_model(load_study(path))
    table = compiled.parameters
    uncertain = prepare(compiled).names
    names = sorted(uncertain, key=lambda name: (name in table.implicit, uncertain.index(name)))[:n_parameters]
    categories = [category] if category else [compiled.categories[0]]
    t0 = time.perf_counter()
    result = sobol(compiled, base, seed=seed, parameters=names, categories=categories)
    elapsed = time.perf_counter() - t0
    indices = result.to_dict()[categories[0]]  # most influential first
    return {
        "study": path.relative_to(ROOT).as_posix(), "category": categories[0], "parameters": len(names),
        "base_samples": base, "evaluations": base * (len(names) + 2), "seconds": elapsed,
        "evaluations_per_s": base * (len(names) + 2) / elapsed,
        "sum_first_order": sum(indices[name]["first_order"] for name in names),
        "top": dict(list(indices.items())[:5]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=FLAGSHIP if FLAGSHIP.exists() else FALLBACK)
    parser.add_argument("--parameters", type=int, default=20)
    parser.add_argument("--base", type=int, default=2**14, help="base samples n (a power of 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--category", default=None, help="default: the study's first category")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.study.resolve(), args.parameters, args.base, args.seed, args.category)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print()
    print("| study | parameters | base samples | evaluations | seconds | evaluations/s |")
    print("|---|---|---|---|---|---|")
    print(f"| {result['study']} | {result['parameters']} | {result['base_samples']:,} | {result['evaluations']:,} "
          f"| {result['seconds']:.1f} | {result['evaluations_per_s']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
