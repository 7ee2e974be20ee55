"""The small study the hardening tests (tests/load, tests/cli) break in one place each:
one process making 1 kg of 'a' and emitting 2 kg CO2 (climate change 2 kg CO2-eq)."""

HEAD = '''
[study]
name = "hardening"
functional_unit = "1 kg"

[demand]
a = 1
'''

PROCESS_A = '''
[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
biosphere = [{ flow = "co2", amount = 2, unit = "kg" }]
'''
