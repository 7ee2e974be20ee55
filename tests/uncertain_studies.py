"""Tiny self-contained studies with known answers under uncertainty, shared by the Monte Carlo,
distribution, sensitivity and command-line tests."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

from lca import load_study

HEADER = """
methods = ["gwp"]
[study]
name = "{name}"
functional_unit = "one service"
[demand]
service = {{ amount = 1, unit = "item" }}
[flows.co2]
name = "Carbon dioxide"
compartment = "air"
unit = "kg"
[method]
id = "gwp"
category = "climate_change"
unit = "kg CO2-eq"
source = "test"
"""


def process(key: str, unit: str, stage: str) -> str:
    """The TOML head of a test process making one *unit* of its product."""
    return f"""
[processes.{key}]
name = "{key}"
amount = 1
unit = "{unit}"
stage = "{stage}"
source = "test"
"""


FIXED_FACTOR = """
[[factors]]
flow = "co2"
value = 1.0
unit = "kg CO2-eq/kg"
"""

# score = exchange (3, gsd 1.5) * parameter (2, gsd 1.3) * relative factor (sigma 0.2) * CF (1, gsd 1.1)
LOGNORMAL_PRODUCT = HEADER + """
[[factors]]
flow = "co2"
value = 1.0
unit = "kg CO2-eq/kg"
uncertainty = { distribution = "lognormal", gsd = 1.1 }

[parameters.intensity]
value = 2.0
unit = "kg/kg"
source = "test"
uncertainty = { distribution = "lognormal", gsd = 1.3 }

""" + process("material", "kg", "manufacturing") + """[[processes.material.biosphere]]
flow = "co2"
amount = "intensity"
unit = "kg"
uncertainty = { distribution = "lognormal", sigma = 0.2 }

""" + process("service", "item", "use") + """[[processes.service.technosphere]]
product = "material"
amount = 3.0
unit = "kg"
uncertainty = { distribution = "lognormal", gsd = 1.5 }
"""
PRODUCT_MEDIAN = 6.0
PRODUCT_SIGMA = math.sqrt(math.log(1.5) ** 2 + math.log(1.3) ** 2 + 0.2 ** 2 + math.log(1.1) ** 2)
PRODUCT_SIGMAS = {"~service.technosphere[0]": math.log(1.5), "intensity": math.log(1.3),
                  "~material.biosphere[0]": 0.2, "~gwp.co2": math.log(1.1)}

# score = 1 * x1 + 2 * x2 + 3 * x3 + 0.5, through three suppliers in three stages
ADDITIVE = HEADER + FIXED_FACTOR + "".join(process(f"supplier_{k}", "kg", stage) + f"""[[processes.supplier_{k}.biosphere]]
flow = "co2"
amount = {k}
unit = "kg"
""" for k, stage in ((1, "extraction"), (2, "manufacturing"), (3, "transport"))) + """
""" + process("service", "item", "use") + """[[processes.service.biosphere]]
flow = "co2"
amount = 0.5
unit = "kg"
[[processes.service.technosphere]]
product = "supplier_1"
amount = 1.0
unit = "kg"
uncertainty = { distribution = "normal", sd = 0.5 }
[[processes.service.technosphere]]
product = "supplier_2"
amount = 1.0
unit = "kg"
uncertainty = { distribution = "uniform", min = 0.5, max = 1.5 }
[[processes.service.technosphere]]
product = "supplier_3"
amount = 1.0
unit = "kg"
uncertainty = { distribution = "normal", sd = 0.2 }
"""
ADDITIVE_NAMES = ("~service.technosphere[0]", "~service.technosphere[1]", "~service.technosphere[2]")
ADDITIVE_VARIANCES = (1 * 0.5 ** 2, 4 * 1 / 12, 9 * 0.2 ** 2)

# The Ishigami function of three uniform(-pi, pi) parameters, as an emission formula.
ISHIGAMI = HEADER + FIXED_FACTOR + "".join(f"""
[parameters.x{i}]
value = 0.0
source = "test"
uncertainty = {{ distribution = "uniform", min = -3.141592653589793, max = 3.141592653589793 }}
""" for i in (1, 2, 3)) + """
""" + process("service", "item", "use") + """[[processes.service.biosphere]]
flow = "co2"
amount = "sin(x1) + 7 * sin(x2)**2 + 0.1 * x3**4 * sin(x1)"
unit = "kg"
"""

# A choice between two grids (weights 1:3) and a PERT load factor.
CHOICE = HEADER + """
[[factors]]
flow = "co2"
value = 1.0
unit = "kg CO2-eq/kg"

[parameters.region]
value = "TW"
options = ["TW", "FR"]
source = "test"
uncertainty = { distribution = "discrete", weights = [1, 3] }

[parameters.load]
value = 1.0
source = "test"
uncertainty = { distribution = "pert", min = 0.8, max = 1.4, mode = 1.0 }

""" + process("service", "item", "use") + """[[processes.service.biosphere]]
flow = "co2"
amount = "load * (0.5 if region == 'TW' else 0.1)"
unit = "kg"
"""


def write_study(tmp_path: Path, text: str, name: str = "study") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(textwrap.dedent(text.replace("{name}", name).replace("{{", "{").replace("}}", "}")),
                    encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, name: str = "study"):
    return load_study(write_study(tmp_path, text, name))
