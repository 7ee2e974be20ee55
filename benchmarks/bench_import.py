"""What importing costs in a short ``lca run``: CPU of the whole command, the share spent in
imports, and the price of each heavy import.

Every figure is CPU time (user + system, ``resource.getrusage(RUSAGE_CHILDREN)``) of a fresh
subprocess, the median of --runs runs; CPU rather than wall-clock time because the machines
are shared. Four tables:

1. ``lca run STUDY`` (the console script next to this Python), whole process.
2. The same run split in one process: interpreter start-up (CPU before the first line),
   ``import lca.cli``, ``lca.cli.main(["run", STUDY])``; the import share is the import's CPU
   over the process's. Imports that ``main`` itself triggers are counted as imports too (from
   ``sys.modules`` growth, timed with ``-X importtime``), so deferring one does not hide it.
3. ``python -X importtime -c "import lca.cli"``: self time per top-level package (wall
   microseconds, one run; it shows what the import consists of).
4. Each heavy import on its own, over ``import numpy`` (which everything needs), and the pint
   registry built with and without lca's cache; which of them a deterministic run imports.

Usage:

    python benchmarks/bench_import.py                     # --runs 7, Patterson GPT-3 study
    python benchmarks/bench_import.py --runs 3 --study lca:scenarios/llm_training_lifecycle.toml
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
with redirect_stdout(io.StringIO()):
    status = lca.cli.main(["run", {study!r}])
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


def median_cpu(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    return statistics.median(child_cpu(command, env)[0] for _ in range(runs))


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


def measure(python: str, study: str, runs: int) -> dict:
    env = dict(os.environ)
    figures: dict = {"python": python, "study": study, "runs": runs}

    figures["lca_run_cpu"] = median_cpu(lca_command(python) + ["run", study], runs)
    figures["bare_python_cpu"] = median_cpu([python, "-c", "pass"], runs)

    splits = []
    for _ in range(runs):
        cpu, out, _err = child_cpu([python, "-c", SPLIT.format(study=study, heavy=HEAVY + NOT_IN_A_RUN)])
        record = json.loads(out)
        record["total"] = cpu
        splits.append(record)
    figures["split"] = {key: statistics.median(s[key] for s in splits) for key in ("start", "import", "run", "total")}
    figures["late_imports"] = splits[0]["late_imports"]
    figures["heavy_in_run"] = splits[0]["heavy"]
    # What main() imported is import time too; -X importtime tells how much of "run" it was.
    _cpu, _out, err = child_cpu([python, "-X", "importtime", "-c",
                                 f"import lca.cli, io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()):"
                                 f"\n    lca.cli.main(['run', {study!r}])"])
    main_imports = sum(int(line.split("|")[0].split(":")[1]) for line in err.splitlines()
                       if line.startswith("import time:") and "self [us]" not in line
                       and line.split("|")[2].strip() in set(figures["late_imports"]))
    figures["late_import_ms"] = main_imports / 1000

    _cpu, _out, err = child_cpu([python, "-X", "importtime", "-c", "import lca.cli"])
    figures["importtime_ms"] = self_times(err)

    numpy = median_cpu([python, "-c", "import numpy"], runs)
    figures["numpy_cpu"] = numpy - figures["bare_python_cpu"]
    figures["heavy_cpu"] = {name: median_cpu([python, "-c", f"import numpy, {name}"], runs) - numpy for name in HEAVY}
    pint_alone = median_cpu([python, "-c", "import pint"], runs)
    registry = "import pint; pint.UnitRegistry(autoconvert_offset_to_baseunit=False, cache_folder={!r})"
    figures["registry_uncached_cpu"] = median_cpu([python, "-c", registry.format(None)], runs) - pint_alone
    with tempfile.TemporaryDirectory() as folder:
        child_cpu([python, "-c", registry.format(folder)])  # fills the cache
        figures["registry_cached_cpu"] = median_cpu([python, "-c", registry.format(folder)], runs) - pint_alone
        env["XDG_CACHE_HOME"] = folder  # lca.units' own registry, cold and then warm
        child_cpu([python, "-c", "import lca.units"], env)
        figures["lca_units_warm_cpu"] = median_cpu([python, "-c", "import lca.units"], runs, env)
        env["XDG_CACHE_HOME"] = os.devnull  # not a folder: lca builds the registry without a cache
        figures["lca_units_nocache_cpu"] = median_cpu([python, "-c", "import lca.units"], runs, env)
    return figures


def tables(f: dict) -> str:
    split = f["split"]
    share = split["import"] / split["total"]
    with_late = (split["import"] + f["late_import_ms"] / 1000) / split["total"]
    lines = [
        f"study: {f['study']}; median of {f['runs']} runs; CPU seconds (user + system)",
        "",
        "| what | CPU s |",
        "|---|---|",
        f"| `lca run {f['study']}` (console script, whole process) | {f['lca_run_cpu']:.3f} |",
        f"| `python -c pass` | {f['bare_python_cpu']:.3f} |",
        f"| one process: interpreter start-up | {split['start']:.3f} |",
        f"| one process: `import lca.cli` | {split['import']:.3f} |",
        f"| one process: `lca.cli.main(['run', ...])` | {split['run']:.3f} |",
        f"| one process: total (with exit) | {split['total']:.3f} |",
        f"| **import share** (`import lca.cli` / total) | **{share:.0%}** |",
        f"| imports `main` made ({len(f['late_imports'])} modules, {f['late_import_ms']:.1f} ms wall) "
        f"added to the share | {with_late:.0%} |",
        "",
        "| heavy import (over `import numpy`) | CPU s |",
        "|---|---|",
        f"| numpy (over `python -c pass`) | {f['numpy_cpu']:.3f} |",
    ]
    lines += [f"| {name} | {cpu:.3f} |" for name, cpu in f["heavy_cpu"].items()]
    lines += [
        f"| pint registry, no cache (over `import pint`) | {f['registry_uncached_cpu']:.3f} |",
        f"| pint registry, pint's disk cache warm (over `import pint`) | {f['registry_cached_cpu']:.3f} |",
        f"| `import lca.units` (all of lca), registry cache warm | {f['lca_units_warm_cpu']:.3f} |",
        f"| `import lca.units` (all of lca), no cache possible | {f['lca_units_nocache_cpu']:.3f} |",
        "",
        f"heavy modules a deterministic run imports: {', '.join(f['heavy_in_run']) or 'none'}",
        "",
        "| `-X importtime` of `import lca.cli`, self time by package | ms (wall) |",
        "|---|---|",
    ]
    ranked = sorted(f["importtime_ms"].items(), key=lambda kv: -kv[1])
    lines += [f"| {name} | {ms:.1f} |" for name, ms in ranked[:10]]
    lines.append(f"| (everything else) | {sum(ms for _, ms in ranked[10:]):.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=STUDY)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=sys.executable, help="the Python of the environment to measure")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.python, args.study, args.runs)
    print(tables(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
