"""Small hand-written studies shared by tests of several modules (their answers are solved by
hand in the tests that use them)."""

from __future__ import annotations

from pathlib import Path

import lca

LOOP = '''
[study]
name = "two-process loop"
functional_unit = "1 kg of A"

[demand]
a = { amount = DEMAND, unit = "UNIT" }

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "hand-made test"
technosphere = [{ product = "b", amount = 0.5, unit = "kWh" }]
biosphere = [{ flow = "co2", amount = 2, unit = "kg" }]

[processes.b]
unit = "kWh"
stage = "use"
source = "hand-made test"
technosphere = [{ product = "a", amount = 0.2, unit = "kg" }]
biosphere = [{ flow = "co2", amount = 1, unit = "kg" }, { flow = "water", amount = 3, unit = "L" }]
'''


def loop(study, demand=1.0, unit="kg"):
    return lca.load_study(study(LOOP.replace("DEMAND", repr(demand)).replace("UNIT", unit)))


CHAIN = '''
[study]
name = "three-level chain with a by-product credit"
functional_unit = "1 server"

[demand]
server = 1

[processes.server]
unit = "item"
stage = "manufacturing"
source = "test"
technosphere = [
  { product = "board", amount = 2, unit = "item" },
  { product = "steel", amount = 10000, unit = "g" },
]
biosphere = [{ flow = "co2", amount = 5, unit = "kg" }]

[processes.board]
unit = "item"
stage = "manufacturing"
source = "test"
technosphere = [
  { product = "steel", amount = 0.5, unit = "kg" },
  # the board line's waste heat replaces heat from a boiler: a negative input (substitution)
  { product = "heat", amount = -2, unit = "MJ" },
]
biosphere = [{ flow = "ch4", amount = 10, unit = "g" }]

[processes.steel]
unit = "kg"
stage = "extraction"
source = "test"
technosphere = [{ product = "heat", amount = 20, unit = "MJ" }]
biosphere = [{ flow = "co2", amount = 1.8, unit = "kg" }]

[processes.heat]
unit = "kWh"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = 0.25, unit = "kg" }]
'''

HEAD = '''
[study]
name = "errors"
functional_unit = "1 kg"

[demand]
a = 1
'''

PROCESS_A = '''
[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
'''


def write_lineage_study(tmp_path: Path, lineage: str, name: str = "study.toml") -> Path:
    """A pre-training run and a serving process on the shipped flows and IPCC AR6 GWP100, with
    the *lineage* tables given (100 kg CO2-eq to train, 0.5 kg CO2-eq per query)."""
    path = tmp_path / name
    path.write_text(f"""
include = ["lca:flows/elementary.toml", "lca:methods/ipcc_ar6_gwp100.toml"]
[study]
name = "tiny"
functional_unit = "x"
[demand]
train = 1
[processes.train]
unit = "item"
source = "test"
biosphere = [{{ flow = "ghg_precharacterized_air", amount = 100, unit = "kg CO2-eq" }}]
[processes.serve]
unit = "query"
source = "test"
biosphere = [{{ flow = "ghg_precharacterized_air", amount = 0.5, unit = "kg CO2-eq" }}]
{lineage}
""")
    return path


RICH = '''
[study]
name = "Test LLM <training> & use"
functional_unit = "one trained model"
goal = "Exercise every report section."
system_boundary = "Cradle to grave: silicon, chips, server, transport, datacenter use, end of life."
cutoff = "Networking and buildings are excluded."
assumptions = ["10 % of the server's life is spent on this model", "PUE 1.2"]
published = { emissions_kg_co2e = 580, energy_kWh = 1220 }

[demand]
training_run = { amount = 1, unit = "item" }

[parameters.pue]
value = 1.2
unit = ""
source = "test"
uncertainty = { distribution = "uniform", min = 1.1, max = 1.3 }

[parameters.server_share]
value = 0.1
unit = ""
source = "test"

[processes.training_run]
name = "Training run of one large language model on 1,000 kWh of IT load"
unit = "item"
stage = "use"
source = "test"
[[processes.training_run.technosphere]]
product = "it_energy"
amount = 1000
unit = "kWh"
[[processes.training_run.technosphere]]
product = "gpu_server"
amount = "server_share"
unit = "item"

[processes.it_energy]
name = "Datacenter operation (IT energy delivered)"
unit = "kWh"
stage = "use"
source = "test"
[[processes.it_energy.technosphere]]
product = "grid_electricity"
amount = "pue"
unit = "kWh"
[[processes.it_energy.biosphere]]
flow = "water"
amount = 0.002
unit = "m3"

[processes.grid_electricity]
name = "Electricity, grid mix"
unit = "kWh"
stage = "inherit"
source = "test"
[[processes.grid_electricity.biosphere]]
flow = "co2"
amount = 0.4
unit = "kg"
uncertainty = { distribution = "lognormal", gsd = 1.1 }
[[processes.grid_electricity.biosphere]]
flow = "ch4"
amount = 0.001
unit = "kg"
[[processes.grid_electricity.biosphere]]
flow = "water"
amount = 0.001
unit = "m3"

[processes.gpu_server]
name = "GPU server with eight accelerators"
unit = "item"
stage = "manufacturing"
source = "test"
[[processes.gpu_server.technosphere]]
product = "chip"
amount = 8
unit = "item"
[[processes.gpu_server.technosphere]]
product = "truck_transport"
amount = 50
unit = "t*km"
[[processes.gpu_server.technosphere]]
product = "grid_electricity"
amount = 200
unit = "kWh"
[[processes.gpu_server.technosphere]]
product = "eol_treatment"
amount = 1
unit = "item"
[[processes.gpu_server.biosphere]]
flow = "co2"
amount = 100
unit = "kg"

[processes.chip]
name = "Accelerator chip, packaged"
unit = "item"
stage = "manufacturing"
source = "test"
[[processes.chip.technosphere]]
product = "silicon"
amount = 0.5
unit = "kg"
[[processes.chip.biosphere]]
flow = "ghg"
amount = 50
unit = "kg CO2-eq"
uncertainty = { distribution = "triangular", min = 40, max = 70 }

[processes.silicon]
name = "Silicon, metallurgical grade"
unit = "kg"
stage = "extraction"
source = "test"
[[processes.silicon.biosphere]]
flow = "co2"
amount = 20
unit = "kg"
[[processes.silicon.biosphere]]
flow = "water"
amount = 0.05
unit = "m3"

[processes.truck_transport]
name = "Transport, lorry"
unit = "t*km"
stage = "transport"
source = "test"
[[processes.truck_transport.biosphere]]
flow = "co2"
amount = 0.1
unit = "kg"

[processes.eol_treatment]
name = "End-of-life treatment of a server"
unit = "item"
stage = "end_of_life"
source = "test"
[[processes.eol_treatment.biosphere]]
flow = "co2"
amount = 5
unit = "kg"
'''

# Hand-solved at pue = 1.2: grid electricity 0.4 + 0.001 * 29.8 = 0.4298 kg CO2-eq/kWh;
# use 1000 * 1.2 * 0.4298 = 515.76; server (100 + 8 * (50 + 0.5 * 20) + 50 * 0.1 + 200 * 0.4298 + 5)
# * 0.1 = 67.596; total 583.356 kg CO2-eq. Water: 2 + 1.22 + 0.02 = 3.24 m3. Energy at the
# grid: 1200 kWh (use) + 20 kWh (server manufacturing) = 1220 kWh; the grid is a background
# process, so its 8.596 kg CO2-eq for the server count in manufacturing.
RICH_CLIMATE, RICH_WATER, RICH_ENERGY = 583.356, 3.24, 1220.0


# A job's measured IT energy (`it_kwh`, set by its energy log) drawn from a grid whose intensity
# (`grid_intensity`, 0.25 kg CO2-eq/kWh unless a grid profile replaces it) is a parameter.
# `{files}` is the [energy_log] files line, or "".
MEASURED_ON_GRID = '''
[study]
name = "a measured job on one grid"
functional_unit = "one run"

[energy_log]
parameter = "it_kwh"
{files}

[parameters]
it_kwh = {{ value = 1, unit = "kWh" }}
grid_intensity = {{ value = 0.25, unit = "kg CO2-eq/kWh" }}

[processes.run]
unit = "item"
stage = "use"
[[processes.run.technosphere]]
product = "grid"
amount = "it_kwh"
unit = "kWh"

[processes.grid]
unit = "kWh"
[[processes.grid.biosphere]]
flow = "ghg"
amount = "grid_intensity"
unit = "kg CO2-eq"

[demand]
run = 1
'''
