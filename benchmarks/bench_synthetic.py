"""Monte Carlo on the synthetic databases of ../shared/bench, against bw2calc in the same run.

For each database (a .npz from /work/shared/bench/synthetic.py, generated here if not given)
this runs our engine's batched path and Brightway's bw2calc (through the shared
bw2calc_baseline.py, in its own virtual environment, as a subprocess) and prints iterations
per second of both, their ratio, and the agreement of the results: the deterministic score
(within 1e-9 relative) and the Monte Carlo mean and 2.5/97.5 percentiles (within sampling
error, as z-scores).

Our path is the direct array path into the solver (no TOML: 100,000 exchanges would be
100,000 implicit parameters), and it does every step of an iteration: a lognormal draw
for every technosphere and biosphere exchange (numpy Generator), the batched supply
solve (lca.engine.batched.solve_planned, planned once), the inventory B_i s_i and
its characterization. The one-off plan (structure + preconditioner) is timed separately.

Usage (bw2calc comes with the test extra; pypardiso makes its baseline fair):

    pip install -e ".[test]" pypardiso
    python benchmarks/bench_synthetic.py --structure hub random --n 2000 10000 --json

``--json`` prints one record per database, {"n", "structure", "lca_it_per_s",
"bw2calc_it_per_s", "bw2calc_iterative_it_per_s", "score_rel_diff", "plan_cpu_s"}, instead of
the table; ``--json PATH`` writes the full results to PATH as well. The shared kit
(synthetic.py, bw2calc_baseline.py) is found by ``--shared``, else ``$LCA_SHARED_BENCH``, else
the first ``shared/bench`` in a folder above this clone. ``--no-bw`` skips bw2calc (the smoke
test does so on a tiny database).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import stats

from lca.engine.batched import RTOL, multiply_batch, plan_structure, solve_planned

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = "/tmp/bench-venv/bin/python"
STRUCTURES = ("hub", "random")


def find_shared(start: Path = HERE) -> Path | None:
    """$LCA_SHARED_BENCH, else the nearest shared/bench holding synthetic.py above *start*."""
    if os.environ.get("LCA_SHARED_BENCH"):
        return Path(os.environ["LCA_SHARED_BENCH"]).resolve()
    for folder in (start, *start.parents):
        if (folder / "shared" / "bench" / "synthetic.py").is_file():
            return (folder / "shared" / "bench").resolve()
    return None


def default_bw_python() -> str:
    """This interpreter if it has bw2calc (the test extra), else the venv of the old recipe."""
    return sys.executable if importlib.util.find_spec("bw2calc") else DEFAULT_VENV


def structure_of(path: Path) -> str | None:
    """The structure named in a generated file's name (syn2000_random.npz), if any."""
    return next((s for s in STRUCTURES if s in path.stem.split("_")), None)


def generate(n: int, structure: str, folder: Path, shared: Path) -> Path:
    """Write a synthetic database with the shared generator (its defaults, seed 42)."""
    out = folder / f"syn{n}_{structure}.npz"
    if not out.exists():
        subprocess.run([sys.executable, str(shared / "synthetic.py"), "--n", str(n), "--structure", structure,
                        "--out", str(out)], check=True)
    return out


class Database:
    """The arrays of one synthetic database, with its characterization matrix."""

    def __init__(self, path: Path):
        data = dict(np.load(path))
        self.n = int(data["n"])
        self.tech = data["tech_rows"], data["tech_cols"], data["tech_amount"], data["tech_sigma"]
        self.bio = data["bio_rows"], data["bio_cols"], data["bio_amount"], data["bio_sigma"]
        self.n_flows, self.n_methods = int(data["n_flows"]), int(data["n_methods"])
        self.characterization = np.zeros((self.n_methods, self.n_flows))
        np.add.at(self.characterization, (data["cf_method"], data["cf_flow"]), data["cf_value"])
        self.demand = int(data["demand"])


def scores(db: Database, plan, tech_values: np.ndarray, bio_values: np.ndarray, rtol: float = RTOL) -> np.ndarray:
    """Scores (methods, N) for one unit of the demanded process: solve, inventory, characterize."""
    demand = np.zeros(db.n)
    demand[db.demand] = 1.0
    supply = solve_planned(plan, tech_values, demand, rtol=rtol)
    inventory = multiply_batch(db.bio[0], db.bio[1], (db.n_flows, db.n), bio_values, supply)
    return db.characterization @ inventory


def monte_carlo(db: Database, plan, samples: int, seed: int, chunk: int) -> tuple[np.ndarray, dict]:
    """Lognormal draws on every exchange (median = amount), chunk by chunk; scores (methods, N)."""
    rng = np.random.default_rng(seed)
    out = np.empty((db.n_methods, samples))
    timing = {"sampling_s": 0.0, "solve_and_characterize_s": 0.0}
    tech_amount, tech_sigma = db.tech[2][:, None], db.tech[3][:, None]
    bio_amount, bio_sigma = db.bio[2][:, None], db.bio[3][:, None]
    for start in range(0, samples, chunk):
        size = min(chunk, samples - start)
        t0 = time.perf_counter()
        tech = tech_amount * np.exp(tech_sigma * rng.standard_normal((len(tech_amount), size)))
        bio = bio_amount * np.exp(bio_sigma * rng.standard_normal((len(bio_amount), size)))
        t1 = time.perf_counter()
        out[:, start:start + size] = scores(db, plan, tech, bio)
        t2 = time.perf_counter()
        timing["sampling_s"] += t1 - t0
        timing["solve_and_characterize_s"] += t2 - t1
    return out, timing


def bw2calc(python: str, npz: Path, iters: int, method: int, seed: int, shared: Path) -> dict:
    command = [python, str(shared / "bw2calc_baseline.py"), str(npz), "--iters", str(iters),
               "--method", str(method), "--seed", str(seed), "--iterative"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def percentile_error(sample: np.ndarray, q: float, n: int) -> float:
    """Asymptotic standard error of the q-th percentile of n draws: sqrt(p(1-p)/n) / density."""
    p = q / 100
    density = stats.gaussian_kde(sample)(np.percentile(sample, q))[0]
    return float(np.sqrt(p * (1 - p) / n) / density)


def agreement(ours: np.ndarray, bw: dict, n_bw: int) -> dict:
    """z-scores of our mean and percentiles against bw2calc's, under the same distribution."""
    sd = float(ours.std(ddof=1))
    out = {"mean": {"ours": float(ours.mean()), "bw2calc": bw["mean"],
                    "standard_error": float(np.hypot(sd / np.sqrt(len(ours)), sd / np.sqrt(n_bw)))}}
    for q, key in ((2.5, "p2.5"), (97.5, "p97.5")):
        error = np.hypot(percentile_error(ours, q, len(ours)), percentile_error(ours, q, n_bw))
        out[key] = {"ours": float(np.percentile(ours, q)), "bw2calc": bw[key], "standard_error": error}
    for row in out.values():
        row["z"] = (row["ours"] - row["bw2calc"]) / row["standard_error"]
    return out


def run(npz: Path, samples: int, seed: int, chunk: int, method: int, bw_python: str | None,
        bw_iters: int, shared: Path) -> dict:
    db = Database(npz)
    t0, c0 = time.perf_counter(), time.process_time()
    rows, cols, amount, _ = db.tech
    plan = plan_structure(rows, cols, (db.n, db.n), central=amount, demand_rows=[db.demand])
    plan_s, plan_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    deterministic = float(scores(db, plan, amount, db.bio[2], rtol=1e-14)[method])  # the reference point: tight
    monte_carlo(db, plan, min(chunk, samples), seed + 1, chunk)  # warm-up: allocator, caches
    t0, c0 = time.perf_counter(), time.process_time()
    sampled, timing = monte_carlo(db, plan, samples, seed, chunk)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    result = {
        "database": npz.name, "structure": structure_of(npz), "n_processes": db.n, "technosphere_nnz": len(rows),
        "biosphere_nnz": len(db.bio[0]), "largest_loop": plan.largest_loop, "plan_s": plan_s, "plan_cpu_s": plan_cpu_s,
        "ours": {"samples": samples, "seconds": elapsed, "cpu_s": cpu, "iterations_per_s": samples / elapsed,
                 "iterations_per_cpu_s": samples / cpu,
                 "deterministic_score": deterministic, **timing},
    }
    if bw_python:
        bw = bw2calc(bw_python, npz, bw_iters, method, seed, shared)
        result["bw2calc"] = bw
        result["speedup_vs_monte_carlo"] = result["ours"]["iterations_per_s"] / bw["monte_carlo"]["iterations_per_s"]
        if "monte_carlo_iterative" in bw:
            result["speedup_vs_iterative"] = (result["ours"]["iterations_per_s"]
                                              / bw["monte_carlo_iterative"]["iterations_per_s"])
        result["deterministic_relative_difference"] = abs(deterministic - bw["deterministic_score"]) / abs(
            bw["deterministic_score"])
        result["agreement"] = agreement(sampled[method], bw["monte_carlo"], bw_iters)
    return result


def summary(result: dict) -> dict:
    """The per-database record of ``--json``; the bw2calc figures are None without bw2calc."""
    bw = result.get("bw2calc", {})
    return {"n": result["n_processes"], "structure": result["structure"],
            "lca_it_per_s": result["ours"]["iterations_per_s"],
            "bw2calc_it_per_s": bw.get("monte_carlo", {}).get("iterations_per_s"),
            "bw2calc_iterative_it_per_s": bw.get("monte_carlo_iterative", {}).get("iterations_per_s"),
            "score_rel_diff": result.get("deterministic_relative_difference"),
            "plan_cpu_s": result["plan_cpu_s"]}


def table(results: list[dict]) -> str:
    lines = ["| database | processes | largest loop | ours it/s | bw2calc it/s | bw2calc IterativeLCA it/s "
             "| speed-up (vs MC / vs iterative) | deterministic rel. diff. | MC mean z | p2.5 z | p97.5 z |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        bw = r.get("bw2calc")
        if bw is None:
            lines.append(f"| {r['database']} | {r['n_processes']} | {r['largest_loop']} "
                         f"| {r['ours']['iterations_per_s']:.0f} | - | - | - | - | - | - | - |")
            continue
        a = r["agreement"]
        iterative = bw.get("monte_carlo_iterative", {}).get("iterations_per_s", float("nan"))
        lines.append(
            f"| {r['database']} | {r['n_processes']} | {r['largest_loop']} | {r['ours']['iterations_per_s']:.0f} "
            f"| {bw['monte_carlo']['iterations_per_s']:.1f} | {iterative:.1f} "
            f"| {r['speedup_vs_monte_carlo']:.0f}x / {r.get('speedup_vs_iterative', float('nan')):.0f}x "
            f"| {r['deterministic_relative_difference']:.1e} | {a['mean']['z']:+.2f} | {a['p2.5']['z']:+.2f} "
            f"| {a['p97.5']['z']:+.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz", nargs="*", type=Path, help="databases (default: generate --n sizes)")
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 10000], help="processes, if generating")
    parser.add_argument("--structure", choices=STRUCTURES, nargs="+", default=["hub"], help="if generating")
    parser.add_argument("--samples", type=int, default=2000, help="our Monte Carlo iterations")
    parser.add_argument("--chunk", type=int, default=128, help="iterations sampled and solved at once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--method", type=int, default=0, help="category compared with bw2calc")
    parser.add_argument("--bw-python", default=None,
                        help="python with bw2calc (default: this one if it has bw2calc, else " + DEFAULT_VENV + ")")
    parser.add_argument("--bw-iters", type=int, default=30, help="bw2calc Monte Carlo iterations")
    parser.add_argument("--no-bw", action="store_true", help="skip bw2calc")
    parser.add_argument("--shared", type=Path, default=None,
                        help="folder of synthetic.py, bw2calc_baseline.py (default: $LCA_SHARED_BENCH, "
                             "else shared/bench above this clone)")
    parser.add_argument("--data", type=Path, default=None, help="folder for generated databases (kept)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                        help="print one summary record per database; with PATH, also write the full results there")
    args = parser.parse_args(argv)
    bw_python = None if args.no_bw else (args.bw_python or default_bw_python())
    if bw_python and not os.path.exists(bw_python):
        parser.error(f"{bw_python} not found: install the test extra (see --help) or pass --no-bw")
    shared = args.shared or find_shared()
    if shared is None and (bw_python or not args.npz):
        parser.error("no shared/bench (synthetic.py, bw2calc_baseline.py) above this clone: "
                     "pass --shared or set LCA_SHARED_BENCH")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        paths = args.npz or [generate(n, structure, folder, shared) for structure in args.structure for n in args.n]
        results = [run(p, args.samples, args.seed, args.chunk, args.method, bw_python, args.bw_iters, shared)
                   for p in paths]
    if args.json not in (None, "-"):
        Path(args.json).write_text(json.dumps(results, indent=2))
    if args.json == "-":
        print(json.dumps([summary(r) for r in results], indent=2))
        return 0
    print(json.dumps(results, indent=2))
    print()
    print(table(results))
    print()
    print(json.dumps([summary(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
