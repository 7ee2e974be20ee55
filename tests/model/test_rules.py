"""lca.model.rules: providers are resolved by product; a missing or ambiguous provider is an error
naming the exchange."""

from __future__ import annotations

import pytest
from studies import HEAD, PROCESS_A

import lca
from lca.engine.calculate import calculate


def test_missing_provider(study):
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "steal", amount = 1, unit = "kg" }]\n'
                 '[processes.steel]\nunit = "kg"\nsource = "t"\n')
    with pytest.raises(lca.MissingProviderError, match=r"study\.toml: processes\.a\.technosphere\[0\] \(steal\): "
                       r"no process makes product 'steal' \(did you mean steel\?\)"):
        lca.load_study(path)


def test_ambiguous_provider(study):
    text = HEAD + PROCESS_A + 'technosphere = [{ product = "power", amount = 1, unit = "kWh" }]\n' + '''
[processes.grid_a]
reference_product = "power"
unit = "kWh"
source = "t"
[processes.grid_b]
reference_product = "power"
unit = "kWh"
source = "t"
'''
    with pytest.raises(lca.AmbiguousProviderError, match=r"processes\.a\.technosphere\[0\].*several processes "
                       r"make 'power' \(grid_a, grid_b\); choose one"):
        lca.load_study(study(text))
    fixed = text.replace('amount = 1, unit = "kWh" }', 'amount = 1, unit = "kWh", provider = "grid_b" }')
    assert calculate(lca.load_study(study(fixed))).supply["grid_b"] == pytest.approx(1.0)
