"""``lca run`` of a big imported database: CPU of the whole run, of its TOML parse and of its solve, by version and parser.

Each variant is one fresh process running ``lca run SCENARIO --format json`` (``lca.cli.main``),
with the code of a version (a folder holding an ``lca`` package, first on ``PYTHONPATH``; ``.``
is this clone; its shipped data are the folder's own inventories/ and scenarios/ where it has them,
else the installed lca's) and a TOML parser: ``rtoml`` (the ``lca[fast]`` extra, where the version has
it) or ``tomllib`` (rtoml hidden from the process, so lca falls back to the standard
library). Variants are taken in turn, run after run, so that all see the same load of a shared
machine. Reported per variant, medians over ``--runs``: the process's CPU seconds (user +
system, ``getrusage(RUSAGE_CHILDREN)``), the CPU inside ``read_toml`` and inside the solve
(``factorize_matrix`` and ``Factorized.solve``), both ``time.process_time`` in the process; and
the largest relative difference of its scores from the first variant's. A variant that
exceeds ``--cpu-limit`` CPU seconds is stopped (``RLIMIT_CPU``) and reported as such.

Usage (the scenario that ``lca import`` wrote)::

    git archive 1eca49d lca | tar -x -C /tmp/old
    python benchmarks/bench_big_run.py /tmp/imported/product_1360.toml --version old=/tmp/old \\
        --version new=. --runs 3 --json /tmp/big-run.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from lca.load.resources import FOLDERS, data_folder

HERE = Path(__file__).resolve().parent

# One variant, in its own process: lca run, with read_toml and the solve timed.
CHILD = r"""
import contextlib, importlib.util, io, json, sys, time
scenario, parser, data_root = sys.argv[1], sys.argv[2], sys.argv[3]
if parser == "tomllib":
    sys.modules["rtoml"] = None  # an import of rtoml now fails: lca falls back to tomllib
import lca
if importlib.util.find_spec("lca.inventories") is None:
    # a source folder: its shipped data, lca.inventories and lca.scenarios, are found beside it
    lca.__path__.append(data_root)
from lca.cli import main
# by sys.modules: lca.engine's attribute "calculate" is the function, not the module
study, solve, calculate, energy = (sys.modules[f"lca.{name}"] for name in
                                   ("load.study", "engine.solve", "engine.calculate", "engine.energy"))
spent = {"toml": 0.0, "solve": 0.0}

def timed(function, phase):
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[phase] += time.process_time() - start
    return wrapper

study.read_toml = timed(study.read_toml, "toml")
for module in (solve, calculate, energy):
    module.factorize_matrix = timed(module.factorize_matrix, "solve")
solve.Factorized.solve = timed(solve.Factorized.solve, "solve")
out = io.StringIO()
with contextlib.redirect_stdout(out):
    status = main(["run", scenario, "--format", "json"])
impacts = json.loads(out.getvalue())["impacts"]
print(json.dumps({"status": status, "spent": spent, "scores": {c: i["value"] for c, i in impacts.items()}}))
"""


def data_root(folder: Path) -> Path:
    """Where the version in *folder* finds its shipped data (``lca:`` names): *folder* itself
    where it holds ``inventories/`` and ``scenarios/`` beside ``lca/`` (a clone), else the
    folder that holds this environment's installed ``lca.inventories`` (``git archive ... lca``
    has code only; a non-editable install puts the data inside site-packages/lca)."""
    if all((folder / name / "__init__.py").is_file() for name in FOLDERS):
        return folder.resolve()
    return data_folder("inventories").parent


def run_variant(scenario: Path, folder: Path, parser: str, cpu_limit: float) -> dict[str, Any]:
    """CPU seconds of one ``lca run`` process, its phases and scores; ``finished`` False if it hit the limit."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder.resolve()), os.environ.get("PYTHONPATH", "")]))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_limit), int(cpu_limit) + 5))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # -P: not the current folder first on sys.path, so PYTHONPATH decides which lca runs
    done = subprocess.run([sys.executable, "-P", "-c", CHILD, str(scenario), parser, str(data_root(folder))],
                          capture_output=True, text=True, env=env, preexec_fn=limit)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return {"cpu": cpu, "finished": False}
    if done.returncode != 0:
        raise SystemExit(f"lca run ({folder}, {parser}) failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"cpu": cpu, "finished": True, **result["spent"], "scores": result["scores"]}


def measure(scenario: Path, variants: list[tuple[str, Path, str]], runs: int, cpu_limit: float) -> dict[str, Any]:
    """Every variant *runs* times, in turn; medians of the finished runs."""
    taken: dict[str, list[dict]] = {label: [] for label, _, _ in variants}
    for _ in range(runs):
        for label, folder, parser in variants:
            if taken[label] and not taken[label][-1]["finished"]:
                continue  # it hit the limit once: once is enough
            taken[label].append(run_variant(scenario, folder, parser, cpu_limit))
    reference = next((r[0]["scores"] for r in taken.values() if r and r[0]["finished"]), None)
    figures: dict[str, Any] = {"scenario": str(scenario), "runs": runs, "cpu_limit": cpu_limit, "variants": {}}
    for label, results in taken.items():
        finished = [r for r in results if r["finished"]]
        if not finished:
            figures["variants"][label] = {"finished": False, "cpu": results[0]["cpu"]}
            continue
        row: dict[str, Any] = {key: statistics.median(r[key] for r in finished) for key in ("cpu", "toml", "solve")}
        row["finished"], row["cpu_all"] = True, [r["cpu"] for r in finished]
        row["score_rel_diff"] = max(abs(finished[0]["scores"][c] - v) / abs(v) for c, v in reference.items())
        figures["variants"][label] = row
    return figures


def table(figures: dict[str, Any]) -> str:
    lines = [f"{figures['scenario']}: medians of {figures['runs']} runs, CPU s (user + system)", "",
             "| variant | `lca run` | TOML parse | solve | rest | largest relative score difference |",
             "|---|---|---|---|---|---|"]
    for label, row in figures["variants"].items():
        if not row["finished"]:
            lines.append(f"| {label} | stopped at the limit, {row['cpu']:.1f} (unfinished) | | | | |")
            continue
        rest = row["cpu"] - row["toml"] - row["solve"]
        lines.append(f"| {label} | {row['cpu']:.2f} | {row['toml']:.2f} | {row['solve']:.2f} | {rest:.2f} | "
                     f"{row['score_rel_diff']:.1e} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path, help="the scenario an `lca import` wrote")
    parser.add_argument("--version", action="append", default=[], metavar="LABEL=FOLDER",
                        help="a folder holding an lca package (default: new=. , this clone)")
    parser.add_argument("--parser", action="append", choices=["rtoml", "tomllib"], default=[],
                        help="the TOML parsers to take for every --version (default: both for the last, "
                             "tomllib for the others)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu-limit", type=float, default=300.0, help="CPU seconds after which a run is stopped")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    versions = [tuple(v.split("=", 1)) for v in args.version] or [("new", str(HERE.parent))]
    variants = []
    for index, (label, folder) in enumerate(versions):
        last = index == len(versions) - 1
        for name in args.parser or (["rtoml", "tomllib"] if last else ["tomllib"]):
            variants.append((f"{label}, {name}", Path(folder), name))
    figures = measure(args.scenario, variants, args.runs, args.cpu_limit)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
