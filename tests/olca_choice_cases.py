"""A study with a 3-option choice, for the openLCA export and round-trip tests.

ROUTES: 2 t of freight by ``route`` road (1), rail (2) or ship (3), rail chosen (``UNCERTAINTY``
is replaced by an uncertainty line, or nothing). Its diesel is 0.05 kg/kg by road, 0.01 by rail,
0.002 by ship: 100, 20 and 4 kg for the 2000 kg, emitting 3.2 kg CO2/kg; its rail electricity
0.02 kWh/kg by rail only (a boolean in arithmetic): 40 kWh by rail, else none; that electricity
emits 0.1 kg CO2/kWh unless the route is road (``!=``), 1 kg by road. Solved by hand, the CO2 is
road 320 kg, rail 64 + 4 = 68 kg, ship 12.8 kg (:data:`CO2`).
"""

ROUTES = '''
[study]
name = "freight"
functional_unit = "2 t of freight"

[demand]
freight = { amount = 2, unit = "t" }

[parameters.route]
value = "rail"
options = ["road", "rail", "ship"]
source = "test choice"
UNCERTAINTY

[processes.freight]
unit = "kg"
stage = "use"
source = "test"
technosphere = [
  { product = "diesel", amount = "0.05 if route == 'road' else (0.01 if 'rail' == route else 0.002)", unit = "kg" },
  { product = "rail_power", amount = "0.02 * (route == 'rail')", unit = "kWh" },
]

[processes.diesel]
unit = "kg"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = 3.2, unit = "kg" }]

[processes.rail_power]
unit = "kWh"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = "0.1 if route != 'road' else 1", unit = "kg" }]
'''

CO2 = {"road": 320.0, "rail": 68.0, "ship": 12.8}  # kg per 2 t of freight
