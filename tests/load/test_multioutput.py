"""lca.load.multioutput: multi-output processes: partition by mass or economic value, substitution,
the rule as a choice parameter, and conservation (allocated products together carry the whole process)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lca import calculate, compile_model, load_study
from lca.engine.calculate import compute
from lca.errors import LCAError

# P makes 2 kg of A (reference) and 3 kg of B and emits 10 kg CO2-eq (lognormal); B can
# replace the output of S (1.5 kg CO2-eq/kg). Prices: A 5, B 1 per kg.
STUDY = """
include = ["lca:flows/elementary.toml", "lca:methods/ipcc_ar6_gwp100.toml"]
[study]
name = "co-products"
functional_unit = "the demand"
[demand]
{demand}
[parameters.coproduct_rule]
value = "mass"
options = ["mass", "economic", "substitution"]
source = "test"
uncertainty = {{ distribution = "discrete", weights = [1, 1, 1] }}
[products.b]
unit = "kg"
[processes.p]
reference_product = "a"
amount = 2
unit = "kg"
source = "test"
allocation = "coproduct_rule"
coproducts = [{{ product = "b", amount = 3, unit = "kg", substitutes = "s" }}]
properties = {{ mass = {{ a = 1, b = 1 }}, economic = {{ a = 5, b = 1 }} }}
biosphere = [{{ flow = "ghg_precharacterized_air", amount = 10, unit = "kg CO2-eq", uncertainty = {{ distribution = "lognormal", gsd = 1.5 }} }}]
[processes.s]
reference_product = "b_market"
unit = "kg"
source = "test"
biosphere = [{{ flow = "ghg_precharacterized_air", amount = 1.5, unit = "kg CO2-eq" }}]
"""


def load(tmp_path: Path, demand: str, **overrides):
    path = tmp_path / "study.toml"
    path.write_text(STUDY.format(demand=demand))
    return load_study(path, overrides=overrides or None)


def climate(model) -> float:
    return calculate(model).impacts["climate_change"].value


@pytest.mark.parametrize("rule, per_kg_a, per_kg_b", [
    ("mass", 2.0, 2.0),                     # 10 * 2/5 per 2 kg; 10 * 3/5 per 3 kg
    ("economic", 10 * 10 / 13 / 2, 10 * 3 / 13 / 3),
    ("substitution", (10 - 3 * 1.5) / 2, 0.0),
])
def test_hand_solved_factors(tmp_path, rule, per_kg_a, per_kg_b):
    assert climate(load(tmp_path, "a = 1", coproduct_rule=rule)) == pytest.approx(per_kg_a)
    assert climate(load(tmp_path, "b = 1", coproduct_rule=rule)) == pytest.approx(per_kg_b)


def test_partition_conserves_the_process(tmp_path):
    for rule in ("mass", "economic"):
        model = load(tmp_path, "a = 2\nb = 3", coproduct_rule=rule)
        assert climate(model) == pytest.approx(10.0, rel=1e-12)
        assert set(model.processes) == {"p", "p__b", "s"}


def test_rule_and_exchange_vary_together_in_monte_carlo(tmp_path):
    # The uncertain emission is one parameter shared by both allocated processes: with the
    # rule drawn per sample too, A and B together still carry exactly the drawn emission.
    from lca.uncertainty.montecarlo import sample_parameters

    compiled = compile_model(load(tmp_path, "a = 2\nb = 3"))
    params = sample_parameters(compiled, 40, seed=5, sampler="random")
    assert "p__biosphere_0" in compiled.parameters.uncertain
    assert set(np.asarray(params["coproduct_rule"], dtype=int).tolist()) == {0, 1, 2}
    scores = []
    for i in range(40):
        point = {k: (v[i] if np.ndim(v) == 1 else v) for k, v in params.items()}
        scores.append(compute(compiled, point).scores[0])
    emission = np.asarray(params["p__biosphere_0"]) / compiled.parameters.root_factors["p__biosphere_0"]  # kg
    substitution = np.asarray(params["coproduct_rule"]) == 2
    # under substitution the demanded 3 kg of B come from p__b at zero burden and A is credited
    expected = np.where(substitution, emission - 4.5, emission)
    np.testing.assert_allclose(scores, expected, rtol=1e-9)


def test_errors_name_the_process(tmp_path):
    path = tmp_path / "bad.toml"
    text = STUDY.format(demand="a = 1")
    path.write_text(text.replace("economic = { a = 5, b = 1 }", "economic = { a = 5 }"))
    with pytest.raises(LCAError, match=r"processes.p.properties.economic: no value for b"):
        load_study(path)
    path.write_text(text.replace('allocation = "coproduct_rule"\n', ""))
    with pytest.raises(LCAError, match="processes.p: process has co-products; set 'allocation'"):
        load_study(path)
