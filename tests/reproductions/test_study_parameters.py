"""Every parameter a reproduced study defines itself has a published source and an uncertainty."""

from __future__ import annotations

import pytest

import lca
from lca.engine.compile import compile_model

BLOOM = "lca:scenarios/luccioni2022_bloom.toml"

WATER = "lca:scenarios/li2023_gpt3_water.toml"


@pytest.mark.parametrize("path", [BLOOM, WATER])
def test_every_study_parameter_has_source_and_uncertainty(path):
    model = lca.load_study(path)
    own = [p for p in model.parameters.values() if "/studies/" in p.defined_in.replace("\\", "/")]
    assert own, "no study parameters found"
    for parameter in own:
        assert parameter.source and "et al." in parameter.source, parameter.name
        assert parameter.uncertainty, parameter.name
    uncertain = set(compile_model(model).parameters.uncertain)
    declared = {p.name for p in own if p.uncertainty.varies}
    assert declared <= uncertain
