"""What a deterministic ``lca run`` costs besides its arithmetic: it imports none of the heavy
packages it does not use (matplotlib, scipy.stats, networkx), and from the shell it freezes
what the imports made so that no garbage collection scans it again
(benchmarks/bench_import.py measures both; these tests guard them without timing anything)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Imported by the analyses that use them (reports, Monte Carlo, Sobol, the batched planner).
NOT_FOR_A_RUN = ("matplotlib", "scipy.stats", "networkx")

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
import lca.cli
out = io.StringIO()
with redirect_stdout(out):
    status = lca.cli.main({argv!r})
print(json.dumps({{"status": status, "out": out.getvalue(),
                  "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def run_in_fresh_python(argv):
    done = subprocess.run([sys.executable, "-P", "-c", PROBE.format(argv=argv, heavy=NOT_FOR_A_RUN)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("study", ["lca:scenarios/patterson2021_gpt3.toml", "lca:scenarios/llm_training_lifecycle.toml"])
def test_a_deterministic_run_imports_no_plotting_statistics_or_graph_package(study):
    result = run_in_fresh_python(["run", study, "--format", "json"])
    assert result["status"] == 0 and result["loaded"] == []
    climate = json.loads(result["out"])["impacts"]["climate_change"]
    if "patterson" in study:
        # Patterson et al. 2021, Table 4: 552 t CO2-eq for training GPT-3 (the study's inputs
        # give 553.1 t; tests/test_reproductions.py checks the figure itself)
        assert climate["value"] == pytest.approx(552.1e3, rel=0.005)
    assert climate["unit"] == "kg CO2-eq" and climate["value"] > 0


def test_the_probe_sees_an_import_when_there_is_one():
    # the same probe on a Latin hypercube run: it needs scipy.stats.qmc (a plain random Monte
    # Carlo run no longer imports scipy.stats: tests/uncertainty/test_family_sampling.py)
    result = run_in_fresh_python(["run", "lca:scenarios/patterson2021_gpt3.toml", "--samples", "200", "--quiet",
                                  "--sampler", "lhs"])
    assert result["status"] == 0 and "scipy.stats" in result["loaded"]


FREEZE = """
import gc, io, sys
from contextlib import redirect_stdout
import lca.cli
sys.argv = ["lca", "run", "lca:scenarios/patterson2021_gpt3.toml"]
with redirect_stdout(io.StringIO()):
    {call}
print(gc.get_freeze_count())
"""


@pytest.mark.parametrize("call, frozen", [("lca.cli.main()", True), ("lca.cli.main(sys.argv[1:])", False)])
def test_only_the_command_line_freezes_what_the_imports_made(call, frozen):
    done = subprocess.run([sys.executable, "-P", "-c", FREEZE.format(call=call)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (int(done.stdout) > 10_000) is frozen  # the imports' objects, tens of thousands of them
