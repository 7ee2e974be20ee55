"""Shared test helpers: small hand-written studies in temporary folders, the command line run
in-process, random technosphere matrices, and the rule for comparing with published figures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from studies import RICH

from lca.cli import main

ROOT = Path(__file__).resolve().parents[1]

# A minimal flow list and climate method, so core tests do not depend on the inventories.
BASE = '''
[flows.co2]
name = "Carbon dioxide, fossil"
compartment = "air"
unit = "kg"

[flows.ch4]
name = "Methane, fossil"
compartment = "air"
unit = "kg"

[flows.ghg]
name = "GHG, pre-characterized"
compartment = "air"
unit = "kg CO2-eq"

[flows.water]
name = "Water, consumed"
compartment = "resource"
unit = "m3"
'''

METHODS = '''
[method]
id = "gwp_test"
category = "climate_change"
unit = "kg CO2-eq"
source = "test: IPCC AR6 values for CO2 and fossil CH4"

[[factors]]
flow = "co2"
value = 1
unit = "kg CO2-eq/kg"

[[factors]]
flow = "ch4"
value = 29.8
unit = "kg CO2-eq/kg"

[[factors]]
flow = "ghg"
value = 1
unit = "kg CO2-eq/kg CO2-eq"
'''

WATER_METHOD = '''
[method]
id = "water_test"
category = "water_consumption"
unit = "m3"
source = "test"

[[factors]]
flow = "water"
value = 1
unit = "m3/m3"
'''


def write_study(folder: Path, body: str, name: str = "study.toml", header: str | None = None) -> Path:
    """Write base.toml, the test methods and a study whose text is *body* (dedented)."""
    (folder / "base.toml").write_text(BASE)
    (folder / "gwp.toml").write_text('include = ["base.toml"]\n' + METHODS)
    (folder / "water.toml").write_text('include = ["base.toml"]\n' + WATER_METHOD)
    if header is None:
        header = 'include = ["base.toml", "gwp.toml", "water.toml"]\nmethods = ["gwp_test", "water_test"]\n'
    path = folder / name
    path.write_text(header + textwrap.dedent(body))
    return path


@pytest.fixture
def study(tmp_path):
    def make(body: str, **kwargs) -> Path:
        return write_study(tmp_path, body, **kwargs)
    return make


@pytest.fixture
def rich(study):
    """The report tests' study with every feature (see studies.RICH)."""
    return study(RICH)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``lca ARGV`` in this process: exit status, stdout, stderr."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def random_technosphere(rng, n, edges, loops=False, production=(0.8, 1.2), amount=(0.01, 0.09)):
    """Random technosphere: production on the diagonal, inputs below it (acyclic) or anywhere."""
    if loops:
        rows, cols = rng.integers(0, n, edges), rng.integers(0, n, edges)
    else:
        a, b = rng.integers(0, n, edges), rng.integers(0, n, edges)
        rows, cols = np.maximum(a, b), np.minimum(a, b)  # a process supplies only later ones
    off = rows != cols
    rows = np.concatenate([np.arange(n), rows[off]])
    cols = np.concatenate([np.arange(n), cols[off]])
    central = np.concatenate([rng.uniform(*production, n), -rng.uniform(*amount, off.sum())])
    return rows, cols, central


def within_published(computed: float, published: float, decimals: int, rel: float = 0.01) -> bool:
    """Papers round inputs and outputs: a figure passes within *rel* of the published value or
    within half a unit of its last published digit, whichever is wider."""
    tolerance = max(rel * abs(published), 0.5 * 10 ** (-decimals))
    return abs(computed - published) <= tolerance
