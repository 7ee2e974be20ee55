"""What importing costs in a short ``lca run``: CPU of the whole command, the share spent in
imports, and the price of each heavy import.

Every figure is CPU time (user + system, ``resource.getrusage(RUSAGE_CHILDREN)``) of a fresh
subprocess, the median of --runs runs; CPU rather than wall-clock time because the machines
are shared. Four tables:

1. ``lca run STUDY`` (the console script next to this Python), whole process.
2. The same run split in one process: interpreter start-up (CPU before the first line),
   ``import lca.cli``, ``lca.cli.main()`` with ``sys.argv = ["lca", "run", STUDY]``; the import share is the import's CPU
   over the process's (the rest: start-up, the run, and the interpreter's exit). Imports that ``main`` itself triggers are counted as imports too (from
   ``sys.modules`` growth, timed with ``-X importtime``), so deferring one does not hide it.
3. ``python -X importtime -c "import lca.cli"``: self time per top-level package (wall
   microseconds, one run; it shows what the import consists of).
4. Each heavy import on its own, over ``import numpy`` (which everything needs), and the pint
   registry built with and without lca's cache; which of them a deterministic run imports.

With several --python (the environments of two versions of lca), every measurement is
taken in turn in each of them, so that both columns see the same load of a shared machine.

Usage:

    python benchmarks/bench_import.py                     # --runs 7, Patterson GPT-3 study
    python benchmarks/bench_import.py --runs 3 --study lca:scenarios/llm_training_lifecycle.toml
    python benchmarks/bench_import.py --python /tmp/old/bin/python --label before \
        --python /tmp/new/bin/python --label after
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from typing import Any
from pathlib import Path

STUDY = "lca:scenarios/patterson2021_gpt3.toml"
# Heavy third-party imports, each timed over "import numpy"; a deterministic run needs none of
# the last three.
HEAVY = ("pint", "scipy.sparse", "scipy.sparse.linalg", "networkx", "scipy.stats", "matplotlib.pyplot")
NOT_IN_A_RUN = ("scipy.stats", "matplotlib")

# One process, three marks: CPU at the first line (interpreter start-up), after the import,
# after the run; and the modules the run itself imported.
SPLIT = """
import io, json, sys, time
from contextlib import redirect_stdout
start = time.process_time()
import lca.cli
imported = time.process_time()
before = set(sys.modules)
sys.argv = ["lca", "run", {study!r}]  # main() as the console script calls it
with redirect_stdout(io.StringIO()):
    status = lca.cli.main()
ran = time.process_time()
print(json.dumps({{"start": start, "import": imported - start, "run": ran - imported, "status": status,
                  "late_imports": sorted(set(sys.modules) - before),
                  "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def child_cpu(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str, str]:
    """CPU seconds (user + system) of one subprocess, with its stdout and stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.stdout, done.stderr


def lca_command(python: str) -> list[str]:
    """The ``lca`` console script of *python*'s environment, else ``python -m lca.cli``."""
    script = Path(python).with_name("lca")
    return [str(script)] if script.is_file() else [python, "-m", "lca.cli"]


def self_times(stderr: str) -> dict[str, float]:
    """``-X importtime`` output -> self time in ms per top-level package (lca.units apart)."""
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        top = name.split(".")[0]
        if top == "lca":
            top = "lca.units (pint registry)" if name == "lca.units" else "lca (its own modules)"
        totals[top] += int(own) / 1000
    return dict(totals)


Job = tuple[list[str], dict[str, str]]


def jobs(python: str, study: str, cache: Path) -> dict[str, Job]:
    """Every timed command for one environment; *cache* is a scratch cache folder."""
    env = dict(os.environ)
    run = lca_command(python) + ["run", study]
    registry = "import pint; pint.UnitRegistry(autoconvert_offset_to_baseunit=False, cache_folder={!r})"
    installed = json.loads(child_cpu([python, "-c", "import importlib.util, json; print(json.dumps("
                                      f"[n for n in {HEAVY!r} if importlib.util.find_spec(n.split('.')[0])]))"])[1])
    plan = {
        "lca_run": (run, env),
        # numpy's OpenBLAS starts a worker thread per core at import, which spins while it
        # waits for work: CPU on the other core that one BLAS thread does not spend.
        "lca_run_one_blas_thread": (run, dict(env, OPENBLAS_NUM_THREADS="1")),
        "bare": ([python, "-c", "pass"], env),
        "split": ([python, "-c", SPLIT.format(study=study, heavy=HEAVY + NOT_IN_A_RUN)], env),
        "numpy": ([python, "-c", "import numpy"], env),
        "pint": ([python, "-c", "import pint"], env),
        "registry_uncached": ([python, "-c", registry.format(None)], env),
        "registry_cached": ([python, "-c", registry.format(str(cache / "pint"))], env),
        "lca_units_warm": ([python, "-c", "import lca.units"], dict(env, XDG_CACHE_HOME=str(cache))),
        # not a folder: lca builds the registry without a cache
        "lca_units_nocache": ([python, "-c", "import lca.units"], dict(env, XDG_CACHE_HOME=os.devnull)),
    }
    plan.update({f"heavy:{name}": ([python, "-c", f"import numpy, {name}"], env) for name in HEAVY if name in installed})
    return plan


def measure(pythons: list[str], study: str, runs: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        plans = [jobs(python, study, Path(scratch) / str(n)) for n, python in enumerate(pythons)]
        for plan in plans:  # first runs fill the unit caches (and the OS's file cache)
            for key in ("lca_run", "registry_cached", "lca_units_warm"):
                child_cpu(*plan[key])
        samples: list[dict[str, list]] = [defaultdict(list) for _ in pythons]
        for _ in range(runs):
            for key in plans[0]:
                for plan, taken in zip(plans, samples):  # in turn: the same load for each column
                    if key in plan:
                        cpu, out, _err = child_cpu(*plan[key])
                        taken[key].append(dict(json.loads(out), total=cpu) if key == "split" else cpu)
        return [summarize(python, study, runs, taken) for python, taken in zip(pythons, samples)]


def summarize(python: str, study: str, runs: int, taken: dict[str, list]) -> dict[str, Any]:
    median = {key: statistics.median(values) for key, values in taken.items() if key != "split"}
    splits = taken["split"]
    figures: dict[str, Any] = {"python": python, "study": study, "runs": runs}
    figures["split"] = {key: statistics.median(s[key] for s in splits) for key in ("start", "import", "run", "total")}
    figures["late_imports"] = splits[0]["late_imports"]
    figures["heavy_in_run"] = splits[0]["heavy"]
    figures["lca_run_cpu"] = median["lca_run"]
    figures["lca_run_one_blas_thread_cpu"] = median["lca_run_one_blas_thread"]
    figures["bare_python_cpu"] = median["bare"]
    figures["numpy_cpu"] = median["numpy"] - median["bare"]
    figures["heavy_cpu"] = {name: median[f"heavy:{name}"] - median["numpy"] if f"heavy:{name}" in median else None
                            for name in HEAVY}
    figures["registry_uncached_cpu"] = median["registry_uncached"] - median["pint"]
    figures["registry_cached_cpu"] = median["registry_cached"] - median["pint"]
    figures["lca_units_warm_cpu"] = median["lca_units_warm"]
    figures["lca_units_nocache_cpu"] = median["lca_units_nocache"]
    # What main() imported is import time too; -X importtime tells how much of "run" it was.
    _cpu, _out, err = child_cpu([python, "-X", "importtime", "-c",
                                 f"import lca.cli, io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):"
                                 f"\n    lca.cli.main(['run', {study!r}])"])
    late = set(figures["late_imports"])
    figures["late_import_ms"] = sum(int(line.split("|")[0].split(":")[1]) for line in err.splitlines()
                                    if line.startswith("import time:") and "self [us]" not in line
                                    and line.split("|")[2].strip() in late) / 1000
    _cpu, _out, err = child_cpu([python, "-X", "importtime", "-c", "import lca.cli"])
    figures["importtime_ms"] = self_times(err)
    return figures


def tables(columns: list[dict[str, Any]], labels: list[str]) -> str:
    """The figures of each environment side by side, as Markdown tables."""
    def row(what: str, values: list[str]) -> str:
        return f"| {what} | " + " | ".join(values) + " |"

    def cpu(get) -> list[str]:
        return [("not installed" if get(f) is None else f"{get(f):.3f}") for f in columns]

    study = columns[0]["study"]
    header = row("CPU s (user + system)", labels) + "\n|---|" + "---|" * len(labels)
    lines = [f"study: {study}; median of {columns[0]['runs']} runs, taken in turn in each environment", "",
             header,
             row(f"`lca run {study}` (console script, whole process)", cpu(lambda f: f["lca_run_cpu"])),
             row("the same with `OPENBLAS_NUM_THREADS=1`", cpu(lambda f: f["lca_run_one_blas_thread_cpu"])),
             row("`python -c pass`", cpu(lambda f: f["bare_python_cpu"])),
             row("one process: interpreter start-up", cpu(lambda f: f["split"]["start"])),
             row("one process: `import lca.cli`", cpu(lambda f: f["split"]["import"])),
             row("one process: `lca.cli.main()`, argv `lca run ...`", cpu(lambda f: f["split"]["run"])),
             row("one process: total (start-up, import, run, exit)", cpu(lambda f: f["split"]["total"])),
             row("**import share** (`import lca.cli` / total)",
                 [f"**{f['split']['import'] / f['split']['total']:.0%}**" for f in columns]),
             row("imports made by `main` (modules, ms wall)",
                 [f"{len(f['late_imports'])}, {f['late_import_ms']:.1f}" for f in columns]),
             "", header.replace("CPU s (user + system)", "heavy import, CPU s over `import numpy`"),
             row("numpy (over `python -c pass`)", cpu(lambda f: f["numpy_cpu"]))]
    lines += [row(name, cpu(lambda f, name=name: f["heavy_cpu"][name])) for name in HEAVY]
    lines += [row("pint registry, no cache (over `import pint`)", cpu(lambda f: f["registry_uncached_cpu"])),
              row("pint registry, pint's disk cache warm (over `import pint`)", cpu(lambda f: f["registry_cached_cpu"])),
              row("`import lca.units` (all of lca), lca's unit cache warm", cpu(lambda f: f["lca_units_warm_cpu"])),
              row("`import lca.units` (all of lca), no cache possible", cpu(lambda f: f["lca_units_nocache_cpu"])),
              row("heavy modules a deterministic run imports", [", ".join(f["heavy_in_run"]) or "none" for f in columns]),
              "", header.replace("CPU s (user + system)", "`-X importtime` of `import lca.cli`, self ms (wall, one run)")]
    names = sorted({n for f in columns for n in f["importtime_ms"]}, key=lambda n: -max(f["importtime_ms"].get(n, 0) for f in columns))
    lines += [row(name, [f"{f['importtime_ms'].get(name, 0.0):.1f}" for f in columns]) for name in names[:8]]
    lines.append(row("(everything else)", [f"{sum(f['importtime_ms'].get(n, 0.0) for n in names[8:]):.1f}" for f in columns]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=STUDY)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", action="append", help="the Python of an environment to measure (repeatable; "
                                                          "default: this one)")
    parser.add_argument("--label", action="append", help="a column title for each --python")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    pythons = args.python or [sys.executable]
    labels = args.label or [Path(p).parent.parent.name or p for p in pythons]
    if len(labels) != len(pythons):
        parser.error("give one --label per --python")
    columns = measure(pythons, args.study, args.runs)
    print(tables(columns, labels))
    if args.json:
        Path(args.json).write_text(json.dumps(dict(zip(labels, columns)), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
