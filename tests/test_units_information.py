"""Information (bit, byte, GB) is a dimension of its own: memory amounts in GB are never read as
8e9 times a plain number (pint's definitions make the bit dimensionless with a scale)."""

import math
import textwrap

import pytest
from hypothesis import given, strategies as st

import lca
from lca.errors import UnitError
from lca.units import conversion_factor, parse_unit, ureg


def test_information_has_its_own_dimension():
    assert str(ureg("GB").dimensionality) == "[information]"
    assert conversion_factor(parse_unit("GB"), parse_unit("MB")) == pytest.approx(1000.0, rel=1e-15)
    assert conversion_factor(parse_unit("GiB"), parse_unit("MB")) == pytest.approx(1073.741824, rel=1e-15)
    assert conversion_factor(parse_unit("byte"), parse_unit("bit")) == pytest.approx(8.0, rel=1e-15)


def test_a_gb_is_not_a_number():
    with pytest.raises(UnitError):
        conversion_factor(parse_unit("GB"), parse_unit(""))


STUDY = """
include = ["lca:methods/ipcc_ar6_gwp100.toml"]
methods = ["ipcc_ar6_gwp100"]
[study]
name = "memory in GB"
functional_unit = "one server"
[demand]
server = {{ amount = 1, unit = "item" }}
[parameters.memory]
value = {memory}
unit = "{unit}"
[processes.dram]
reference_product = "dram"
amount = 1
unit = "GB"
biosphere = [ {{ flow = "carbon_dioxide_fossil_air", amount = 0.5, unit = "kg" }} ]
[processes.server]
reference_product = "server"
amount = 1
unit = "item"
technosphere = [ {{ product = "dram", amount = "memory", unit = "{exchange_unit}" }} ]
"""


def _climate_change(tmp_path, **fields):
    path = tmp_path / "study.toml"
    path.write_text(textwrap.dedent(STUDY.format(**fields)))
    return lca.calculate(lca.load_study(path)).impacts["climate_change"].value


def test_a_plain_number_in_a_gb_exchange_is_gigabytes(tmp_path):
    """The bug this guards: 512 GB of DRAM at 0.5 kg each gave 3.2e-8 kg (512 / 8e9 GB) instead
    of 256 kg."""
    assert math.isclose(_climate_change(tmp_path, memory=512, unit="", exchange_unit="GB"), 256.0, rel_tol=1e-12)


@given(memory=st.floats(min_value=1e-3, max_value=1e6), exchange_unit=st.sampled_from(["GB", "MB", "TB", "GiB"]))
def test_a_memory_parameter_in_gb_gives_the_same_score_in_any_exchange_unit(tmp_path_factory, memory, exchange_unit):
    """Unit invariance: the parameter carries its unit, the exchange unit only names the dimension."""
    tmp_path = tmp_path_factory.mktemp("gb")
    score = _climate_change(tmp_path, memory=repr(memory), unit="GB", exchange_unit=exchange_unit)
    assert math.isclose(score, 0.5 * memory, rel_tol=1e-9)
