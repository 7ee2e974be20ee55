"""benchmarks/bench_import.py reads ``-X importtime`` output and reports the import share as it
says (the timings themselves are run by hand: timed tests would fail on a loaded machine)."""

from __future__ import annotations

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_import", ROOT / "benchmarks" / "bench_import.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       900 |        900 |     numpy._core
import time:       100 |       1000 |   numpy
import time:      2500 |       2500 |     lca.units
import time:        40 |         40 |       lca.model.records
import time:        60 |       2600 |   lca
import time:       300 |       3900 | lca.cli
"""


def test_self_times_add_up_by_package_with_the_unit_registry_apart():
    totals = bench.self_times(IMPORTTIME)
    assert totals == {"numpy": 1.0, "lca.units (pint registry)": 2.5, "lca (its own modules)": 0.4}


def test_import_share_is_the_import_over_the_whole_process():
    column = {
        "study": "s.toml", "runs": 3, "python": "py", "lca_run_cpu": 0.5, "lca_run_one_blas_thread_cpu": 0.4,
        "bare_python_cpu": 0.01, "split": {"start": 0.01, "import": 0.3, "run": 0.09, "total": 0.4},
        "late_imports": ["scipy.stats"], "late_import_ms": 12.5, "heavy_in_run": ["pint"], "numpy_cpu": 0.08,
        "heavy_cpu": {name: 0.1 for name in bench.HEAVY} | {"matplotlib.pyplot": None},
        "registry_uncached_cpu": 0.1, "registry_cached_cpu": 0.01, "lca_units_warm_cpu": 0.3,
        "lca_units_nocache_cpu": 0.4, "importtime_ms": {"numpy": 50.0},
    }
    text = bench.tables([column], ["here"])
    assert "| **import share** (`import lca.cli` / total) | **75%** |" in text  # 0.3 of 0.4
    assert "| imports made by `main` (modules, ms wall) | 1, 12.5 |" in text
    assert "| matplotlib.pyplot | not installed |" in text
