"""The LLM inference study (scenarios/llm_inference_lifecycle.toml) and its reproduction of
Luccioni et al. 2024 (scenarios/luccioni2024_inference.toml): the use-phase energy by hand from
the EcoLogits constants, the stage split, linearity in the number of queries, the hardware
allocation, and the published energy of 1,000 text-generation inferences."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from conftest import within_published

import lca
from lca import with_parameters
from lca.engine.calculate import calculate
from lca.engine.compile import compile_model

STUDY = "lca:scenarios/llm_inference_lifecycle.toml"

LUCCIONI = "lca:scenarios/luccioni2024_inference.toml"

STAGES = {"extraction", "manufacturing", "transport", "use", "end_of_life"}


@pytest.fixture(scope="module")
def model():
    return lca.load_study(STUDY)


@pytest.fixture(scope="module")
def result(model):
    return calculate(model)


# EcoLogits 0.9.x, mlco2/ecologits ecologits/impacts/llm.py (commit 954f7fb29c71587a1355628904bda2e4cae4836e;
# docs/methodology/llm_inference.md at b596b81a... prints them as 1.17e-6, -1.12e-2, 4.05e-5):
# f_E = alpha exp(beta B) P + gamma in Wh per output token per GPU (llm.py divides by 1000 for kWh),
# f_L = a P + b B + c in s per output token, P = active parameters in billions, B = batch size.
ALPHA, BETA, GAMMA = 1.1665273170451914e-06, -0.011205921025579175, 4.052928146734005e-05
LAT_A, LAT_B, LAT_C = 0.0006785088094353663, 0.0003119310311688259, 0.019473717579473387


def _wh_per_token_per_gpu(params_b: float, batch: float, alpha=ALPHA, beta=BETA, gamma=GAMMA) -> float:
    return alpha * math.exp(beta * batch) * params_b + gamma


def _s_per_token(params_b: float, batch: float) -> float:
    return LAT_A * params_b + LAT_B * batch + LAT_C


def _hand_it_energy_kwh_per_1000() -> tuple[float, float]:
    """Busy and idle IT energy of 1,000 queries, from the published constants (not the files)."""
    params_b, gpus, batch, tokens = 70.0, 4, 64, 400
    wh_per_token = _wh_per_token_per_gpu(params_b, batch)
    s_per_token = _s_per_token(params_b, batch)
    node_seconds = tokens * s_per_token * (gpus / 8) / batch          # per query
    busy_wh = gpus * tokens * wh_per_token + 1.2e3 * node_seconds / 3600  # GPUs + 1.2 kW host share
    idle_wh = node_seconds * (1 - 0.7) / 0.7 * 1.5e3 / 3600             # u = 0.7, 1.5 kW idle node
    return busy_wh, idle_wh                                             # Wh per query = kWh per 1,000


def test_use_phase_energy_by_hand(result):
    busy, idle = _hand_it_energy_kwh_per_1000()
    assert busy == pytest.approx(0.2192, abs=5e-5)   # 0.129 Wh GPUs + 0.091 Wh host per query
    assert idle == pytest.approx(0.0485, abs=5e-5)
    assert result.supply["inference_fleet_idle"] == pytest.approx(idle, rel=1e-9)
    assert result.supply["site_serving"] == pytest.approx(busy + idle, rel=1e-9)
    # grid electricity = PUE (hyperscale 1.15) x IT energy
    assert result.supply["site_electricity_us"] == pytest.approx(1.15 * (busy + idle), rel=1e-9)


def test_fit_reproduces_ecologits_091_for_an_8b_model(model):
    # betagouv/ComparIA PR #253: EcoLogits 0.9.1 gives 85 Wh per million output tokens for an 8B
    # model (1 H100, B = 64, 1.2 kW host, PUE 1.15). The stale methodology-page fit
    # (alpha 6.47e-6, beta -2.60e-3, gamma 1.04e-5) would give 96.
    host_wh = _s_per_token(8.0, 64) / 3600 * 1.2e3 * (1 / 8) / 64
    ecologits = 1.15 * (_wh_per_token_per_gpu(8.0, 64) + host_wh) * 1e6
    stale = 1.15 * (_wh_per_token_per_gpu(8.0, 64, 6.47e-6, -2.60e-3, 1.04e-5) + host_wh) * 1e6
    assert round(ecologits) == 85 and round(stale) == 96
    tokens = 1000.0
    small = calculate(with_parameters(model, {
        "inference_active_params_b": 8.0, "inference_gpus_per_replica": 1.0,
        "inference_output_tokens": tokens, "inference_fleet_utilization": 1.0}))
    wh_per_million_tokens = small.supply["site_electricity_us"] * 1e3 / (1000 * tokens) * 1e6
    assert wh_per_million_tokens == pytest.approx(ecologits, rel=1e-9)


def test_fit_implies_a_physical_h100_power():
    # per-GPU power while decoding = B tokens per f_L seconds x f_E: below the H100 SXM's 700 W TDP
    # with the code constants (~213 W at 70B, B = 64); the stale page's fit gives ~1,040 W
    def watts(*fit):
        return _wh_per_token_per_gpu(70.0, 64, *fit) * 3600 * 64 / _s_per_token(70.0, 64)
    assert 150 < watts() < 700
    assert watts(6.47e-6, -2.60e-3, 1.04e-5) > 1000


def test_all_seven_categories_nonzero_and_split_by_stage(result):
    assert len(result.impacts) == 7
    for category, impact in result.impacts.items():
        assert impact.value > 0, category
        assert set(impact.by_stage) == STAGES, category
        assert all(v > 0 for v in impact.by_stage.values()), (category, impact.by_stage)
        assert impact.value == pytest.approx(sum(impact.by_stage.values()), rel=1e-9), category


def test_climate_per_1000_queries_and_hardware_share(result):
    climate = result.impacts["climate_change"]
    # 0.308 kWh at the grid x US average 0.38 kg/kWh + hardware: about 0.13 kg per 1,000 queries
    assert 0.10 < climate.value < 0.16, climate.value
    hardware = climate.value - climate.by_stage["use"]
    assert 0.04 < hardware / climate.value < 0.15, hardware / climate.value
    elements = result.impacts["abiotic_depletion_elements"]
    assert elements.by_stage["extraction"] > 0.8 * elements.value   # gold, tin, tantalum of the boards


def test_linear_in_the_number_of_queries(model, result):
    doubled = replace(model, demand={k: replace(a, value=2 * a.value) for k, a in model.demand.items()})
    twice = calculate(doubled)
    for category, impact in result.impacts.items():
        assert twice.impacts[category].value == pytest.approx(2 * impact.value, rel=1e-9), category
        for stage, value in impact.by_stage.items():
            assert twice.impacts[category].by_stage[stage] == pytest.approx(2 * value, rel=1e-9)


def test_hardware_is_amortized_over_life_times_utilization(model, result):
    longer = calculate(with_parameters(model, {"inference_hardware_lifetime_years": 8.0}))
    for stage in ("extraction", "manufacturing", "transport", "end_of_life"):
        assert longer.impacts["climate_change"].by_stage[stage] == pytest.approx(
            result.impacts["climate_change"].by_stage[stage] / 2, rel=1e-9)
    assert longer.supply["site_serving"] == pytest.approx(result.supply["site_serving"], rel=1e-12)
    # a fully busy fleet: no idle energy, and the busy hours carry the life at 1/0.7 less per hour
    busy = calculate(with_parameters(model, {"inference_fleet_utilization": 1.0}))
    assert busy.supply["inference_fleet_idle"] == 0
    assert busy.supply["server_dgx_h100"] == pytest.approx(0.7 * result.supply["server_dgx_h100"], rel=1e-9)


def test_grid_region_is_the_choice(model, result):
    france = calculate(with_parameters(model, {"grid_region": "fr"}))
    assert france.impacts["climate_change"].by_stage["use"] < 0.2 * result.impacts["climate_change"].by_stage["use"]
    assert france.supply["site_electricity_fr"] == pytest.approx(result.supply["site_electricity_us"], rel=1e-12)


def test_luccioni2024_text_generation_energy_per_1000_inferences():
    # Table 2: text generation, 0.047 kWh per 1,000 inferences (GPU + CPU + RAM, no PUE)
    reproduced = calculate(lca.load_study(LUCCIONI))
    assert within_published(reproduced.supply["datacenter_operation"], 0.047, 3)
    assert within_published(reproduced.supply["electricity_us"], 0.047, 3)
    assert reproduced.supply["inference_fleet_idle"] == 0
    a100, h100 = reproduced.supply["server_dgx_a100_80gb"], reproduced.supply["server_dgx_h100"]
    assert a100 > 0 and abs(h100) < 1e-12 * a100   # only round-off through shared components


def test_every_study_parameter_has_source_and_uncertainty(model):
    own = [p for p in model.parameters.values() if "studies/llm_inference.toml" in p.defined_in.replace("\\", "/")]
    assert len(own) > 20
    for parameter in own:
        if parameter.formula is None and parameter.options is None:
            assert parameter.source, parameter.name
            assert parameter.uncertainty, parameter.name
    uncertain = set(compile_model(model).parameters.uncertain)
    assert {"inference_output_tokens", "inference_fleet_utilization", "inference_energy_fit_factor"} <= uncertain
