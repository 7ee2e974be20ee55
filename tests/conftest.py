"""Shared test helpers: small hand-written studies in temporary folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

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
