"""``lca import`` + ``lca run`` of a synthetic JSON-LD database against bw2io + bw2calc, in one run.

Issue 10, step 5: importing a synthetic 20,000-process openLCA JSON-LD database and solving it
should take no more than twice the time of bw2io plus bw2calc on the same data. The database
is ``synthetic_jsonld.py``'s (the shared kit's synthetic system as an olca-schema 2 zip).

Each run, in turn (the same load of a shared machine for both):

* ours: ``lca import ZIP --out DIR`` and ``lca run DIR/<scenario>.toml --format json`` (the
  console scripts, fresh processes);
* Brightway: one fresh process that unzips the zip (bw2io's ``JSONLDImporter`` reads a folder),
  imports it with ``JSONLDImporter`` (``apply_strategies``, ``merge_biosphere_flows``,
  ``write_database``) into a new bw2data project, its methods with ``JSONLDLCIAImporter``, and
  solves with bw2calc (``LCA({product: 1}, method)``, ``lci``, then ``lcia`` per category).

Every figure is CPU time (user + system, ``resource.getrusage(RUSAGE_CHILDREN)``) of the child
processes, the median over --runs; the Brightway process also reports the CPU of each phase
(``time.process_time``). The scores of every category must agree to 1e-9 relative. With ``--bw-cpu-limit`` the Brightway
process is stopped after that many CPU seconds (``RLIMIT_CPU``: on the random structure
bw2calc's sparse LU fills in) and reported as unfinished, with the phases it completed.

Usage:

    python benchmarks/bench_olca_import.py --n 20000 --structure random --runs 3 --data /tmp/lca-olca-bench \\
        --bw-cpu-limit 300
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
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The Brightway side, in its own process: phases timed with process_time, scores by category.
BRIGHTWAY = r"""
import json, sys, time, warnings, zipfile, io, contextlib
warnings.simplefilter("ignore")
marks = {}

def mark(name):  # as it happens, on the real stderr: a process stopped at the CPU limit still tells its phases
    marks[name] = time.process_time()
    print(f"MARK {name} {marks[name]}", file=sys.__stderr__, flush=True)

mark("start")
zip_path, folder = sys.argv[1], sys.argv[2]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import bw2data as bd, bw2calc as bc
    from bw2io.importers.json_ld import JSONLDImporter
    from bw2io.importers.json_ld_lcia import JSONLDLCIAImporter
    mark("import")
    zipfile.ZipFile(zip_path).extractall(folder)
    mark("unzip")
    bd.projects.set_current("bench")
    importer = JSONLDImporter(folder, "syn")
    importer.apply_strategies()
    importer.merge_biosphere_flows()
    importer.write_database()
    mark("database")
    lcia = JSONLDLCIAImporter(folder)
    lcia.apply_strategies()
    lcia.match_biosphere_by_id("syn")
    lcia.write_methods()
    mark("methods")
    system = json.loads(next(zipfile.ZipFile(zip_path).read(n) for n in zipfile.ZipFile(zip_path).namelist()
                             if n.startswith("product_systems/")))
    process = json.loads(zipfile.ZipFile(zip_path).read(f"processes/{system['refProcess']['@id']}.json"))
    product_id = next(e["flow"]["@id"] for e in process["exchanges"] if e.get("isQuantitativeReference"))
    product = bd.get_node(database="syn", code=product_id)
    methods = sorted(m for m in bd.methods if m[0] == "synthetic")
    mark("setup")
    lca = bc.LCA({product: 1}, method=methods[0])
    lca.lci()
    scores = {}
    for method in methods:
        lca.switch_method(method)
        lca.lcia()
        scores[method[1]] = lca.score
    mark("solve")
print(json.dumps({"marks": marks, "scores": scores, "activities": len(bd.Database("syn"))}))
"""


class Stopped(Exception):
    """A child process stopped at its CPU limit; ``cpu`` and its ``stderr`` tell how far it got."""

    def __init__(self, cpu: float, stderr: str):
        super().__init__(f"stopped after {cpu:.1f} CPU s")
        self.cpu, self.stderr = cpu, stderr


PHASES = {"import": "Python imports (bw2data, bw2io, bw2calc)", "unzip": "unzip (bw2io reads a folder)",
          "database": "`JSONLDImporter` + `write_database`", "methods": "`JSONLDLCIAImporter` + `write_methods`",
          "setup": "find the product, list the methods", "solve": "bw2calc `lci` + `lcia` per category"}


def child_cpu(command: list[str], env: dict | None = None, cpu_limit: float | None = None) -> tuple[float, str]:
    """CPU seconds (user + system) of one child process, and its stdout; a failure stops the benchmark.

    Past *cpu_limit* CPU seconds the child is stopped (``RLIMIT_CPU``) and :class:`Stopped` raised.
    """
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_limit), int(cpu_limit) + 5))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, env=env,
                          preexec_fn=limit if cpu_limit else None)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if cpu_limit and done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise Stopped(cpu, done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} ... failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return cpu, done.stdout


def ours(zip_path: Path, scratch: Path, lca: str) -> dict[str, Any]:
    out = scratch / "imported"
    import_cpu, _ = child_cpu([lca, "import", str(zip_path), "--out", str(out)])
    scenario, = [p for p in out.glob("*.toml") if p.name != "inventory.toml"]
    run_cpu, text = child_cpu([lca, "run", str(scenario), "--format", "json"])
    impacts = json.loads(text)["impacts"]
    # lca's category ids are the slugs of openLCA's names ("category 0" -> category_0)
    return {"import": import_cpu, "run": run_cpu, "total": import_cpu + run_cpu,
            "scores": {c.replace("_", " "): i["value"] for c, i in impacts.items()}}


def brightway(zip_path: Path, scratch: Path, python: str, cpu_limit: float | None = None) -> dict[str, Any]:
    project, folder = scratch / "bw", scratch / "jsonld"
    project.mkdir()
    env = dict(os.environ, BRIGHTWAY2_DIR=str(project))
    try:
        cpu, text = child_cpu([python, "-c", BRIGHTWAY, str(zip_path), str(folder)], env, cpu_limit)
    except Stopped as stopped:
        marks = dict(line.split()[1:] for line in stopped.stderr.splitlines() if line.startswith("MARK "))
        return {"finished": False, "total": stopped.cpu, "phases": _phases({k: float(v) for k, v in marks.items()})}
    result = json.loads(text.strip().splitlines()[-1])
    return {"finished": True, "total": cpu, "phases": _phases(result["marks"]), "scores": result["scores"],
            "nodes": result["activities"]}


def _phases(marks: dict[str, float]) -> dict[str, float]:
    keys = list(marks)
    return {key: marks[key] - marks[previous] for previous, key in zip(keys, keys[1:])}


def measure(zip_path: Path, runs: int, lca: str, python: str, skip_bw: bool = False,
            bw_cpu_limit: float | None = None) -> dict[str, Any]:
    taken: dict[str, list] = {"ours": [], "brightway": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            taken["ours"].append(ours(zip_path, Path(scratch), lca))
        if not skip_bw and all(r["finished"] for r in taken["brightway"]):  # stopped once: once is enough
            with tempfile.TemporaryDirectory() as scratch:
                taken["brightway"].append(brightway(zip_path, Path(scratch), python, bw_cpu_limit))
    figures: dict[str, Any] = {"zip": str(zip_path), "runs": runs,
                               "ours": {key: statistics.median(r[key] for r in taken["ours"])
                                        for key in ("import", "run", "total")},
                               "ours_all": [r["total"] for r in taken["ours"]],
                               "scores": taken["ours"][0]["scores"]}
    if taken["brightway"] and not taken["brightway"][-1]["finished"]:
        figures["brightway_stopped"] = {"cpu": taken["brightway"][-1]["total"], "limit": bw_cpu_limit,
                                        "phases": taken["brightway"][-1]["phases"]}
    elif taken["brightway"]:
        first = taken["brightway"][0]
        figures["brightway"] = {"total": statistics.median(r["total"] for r in taken["brightway"]),
                                "phases": {k: statistics.median(r["phases"][k] for r in taken["brightway"])
                                           for k in first["phases"]}}
        figures["brightway_all"] = [r["total"] for r in taken["brightway"]]
        figures["nodes"] = first["nodes"]
        figures["ratio"] = figures["ours"]["total"] / figures["brightway"]["total"]
        figures["score_rel_diff"] = max(abs(figures["scores"][c] - v) / abs(v) for c, v in first["scores"].items())
    return figures


def table(figures: dict[str, Any]) -> str:
    o = figures["ours"]
    lines = [f"{figures['zip']}: median of {figures['runs']} runs, CPU s (user + system)", "",
             "| | CPU s |", "|---|---|",
             f"| ours: `lca import` | {o['import']:.2f} |", f"| ours: `lca run` | {o['run']:.2f} |",
             f"| **ours: import + run** | **{o['total']:.2f}** |"]
    if "brightway" in figures:
        b = figures["brightway"]
        lines += [f"| bw2io + bw2calc: {PHASES.get(k, k)} | {v:.2f} |" for k, v in b["phases"].items()]
        lines += [f"| **bw2io + bw2calc: whole process** | **{b['total']:.2f}** |",
                  f"| **ours / theirs** | **{figures['ratio']:.2f}** |",
                  f"| largest relative score difference, {len(figures['scores'])} categories | "
                  f"{figures['score_rel_diff']:.1e} |"]
    if "brightway_stopped" in figures:
        stopped = figures["brightway_stopped"]
        lines += [f"| bw2io + bw2calc: {PHASES.get(k, k)} (completed) | {v:.2f} |" for k, v in stopped["phases"].items()]
        lines.append(f"| **bw2io + bw2calc: stopped at the CPU limit ({stopped['limit']:.0f} s), unfinished** | "
                     f"**{stopped['cpu']:.2f}** |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    import synthetic_jsonld
    from bench_synthetic import find_shared

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path, help="a JSON-LD zip (default: generate one)")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--structure", choices=["hub", "random"], default="random")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "lca-olca-bench",
                        help="where the generated zip is kept")
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--lca", default=str(Path(sys.executable).parent / "lca"), help="the lca console script")
    parser.add_argument("--bw-python", default=sys.executable, help="the Python with bw2io and bw2calc")
    parser.add_argument("--no-bw", action="store_true", help="ours only")
    parser.add_argument("--bw-cpu-limit", type=float, help="stop the Brightway process after this many CPU seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    zip_path = args.zip
    if zip_path is None:
        zip_path = args.data / f"syn{args.n}_{args.structure}.zip"
        if not zip_path.is_file():
            shared = args.shared or find_shared()
            if shared is None:
                parser.error("the shared kit (synthetic.py) was not found; give --shared or a zip")
            args.data.mkdir(parents=True, exist_ok=True)
            system = synthetic_jsonld.shared_generate(shared)(n=args.n, structure=args.structure)
            synthetic_jsonld.write_jsonld(system, zip_path)
    figures = measure(zip_path, args.runs, args.lca, args.bw_python, args.no_bw, args.bw_cpu_limit)
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
