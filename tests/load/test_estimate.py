"""lca.load.estimate: a job's study from hardware, count, hours and region, checked against
hand-computed energy, the flagship it reuses, the grids it switches and the amortisation rule."""

from __future__ import annotations

from functools import lru_cache

import pytest

from lca import calculate, load_study, with_parameters
from lca.engine.compile import compile_model
from lca.errors import ParameterError
from lca.load.estimate import TEMPLATE, estimate_model, estimate_study, hardware_options, region_options
from lca.load.resources import shipped
from lca.load.tables import read_toml

HARDWARE_STAGES = ("extraction", "manufacturing", "transport", "end_of_life")


@lru_cache(maxsize=None)  # loading a job's study takes most of a second; results are immutable
def run(*args, **kwargs):
    return calculate(estimate_model(*args, **kwargs))


@pytest.mark.parametrize("hardware, count, hours, pue, utilization, kwh", [
    # count x (node maximum / accelerators per node) x utilisation x hours x PUE, by hand:
    ("h100", 64, 120, 1.2, 0.8, 64 * (10.2 / 8) * 0.8 * 120 * 1.2),          # DGX H100, 10.2 kW: 9,400.32 kWh
    ("v100", 10, 24, 1.1, 0.5, 10 * (3.5 / 8) * 0.5 * 24 * 1.1),             # DGX-1, 3.5 kW: 57.75 kWh
    ("gb200_nvl72", 72, 1, 1.0, 1.0, 120.0),                                  # one NVL72 rack, 120 kW, 1 h
    ("tpu_v5p", 4, 10, 1.1, 1.0, (4 * 0.45 + 1.0) * 10 * 1.1),                # host of 4 x 0.45 kW + 1 kW
])
def test_datacenter_energy_is_count_power_hours_pue_utilization(hardware, count, hours, pue, utilization, kwh):
    result = run(hardware, count, hours, "fr", pue=pue, utilization=utilization)
    assert result.energy.by_stage["use"] == pytest.approx(kwh, rel=1e-12)
    assert result.energy.by_source["electricity_fr"] == pytest.approx(kwh, rel=1e-12)


def test_without_pue_and_utilization_the_datacenter_and_flagship_defaults_apply():
    # hyperscale fleet PUE 1.15 (inventories/datacenter.toml), utilisation 0.754 (Patterson et al. 2021)
    result = run("h100", 64, 120, "fr")
    assert result.energy.by_stage["use"] == pytest.approx(64 * 1.275 * 0.754 * 120 * 1.15, rel=1e-12)


def test_it_is_the_flagship_with_the_jobs_values():
    job = run("h100", 64, 120, "fr", pue=1.2, utilization=0.8)
    flagship = calculate(load_study(TEMPLATE, overrides={
        "accelerator": "h100", "n_accelerators": 64, "training_days": 5, "grid_region": "fr", "pue": 1.2,
        "power_utilisation": 0.8}))
    assert set(job.impacts) == set(flagship.impacts) and len(job.impacts) == 7
    for category, impact in job.impacts.items():
        assert impact.value == pytest.approx(flagship.impacts[category].value, rel=1e-12), category
        for stage, value in impact.by_stage.items():
            assert value == pytest.approx(flagship.impacts[category].by_stage[stage], rel=1e-12, abs=1e-300)


def grid_factor(region):
    table = read_toml(shipped("lca:inventories/electricity.toml"))["processes"][f"electricity_{region}"]
    return next(b["amount"] for b in table["biosphere"] if b["flow"] == "ghg_precharacterized_air")


@pytest.mark.parametrize("region", ["de", "pl", "us_va"])
def test_the_region_switches_the_datacenters_grid_and_nothing_else(region):
    france, other = run("h100", 8, 100, "fr", pue=1.1), run("h100", 8, 100, region, pue=1.1)
    kwh = 8 * 1.275 * 0.754 * 100 * 1.1
    for result, code in ((france, "fr"), (other, region)):
        climate = result.impacts["climate_change"]
        assert climate.by_process[f"electricity_{code}"] == pytest.approx(kwh * grid_factor(code), rel=1e-9)
    # the hardware is made, shipped and treated where it is, whatever grid the datacenter uses
    for stage in HARDWARE_STAGES:
        assert other.impacts["climate_change"].by_stage[stage] == pytest.approx(
            france.impacts["climate_change"].by_stage[stage], rel=1e-12)
    assert other.impacts["climate_change"].value != pytest.approx(france.impacts["climate_change"].value, rel=1e-3)


def test_hardware_is_amortised_over_accelerator_hours():
    # hw_share = hours / (4 years x 8760 h x 0.85): the hardware stages depend on count x hours only
    base, longer, wider = run("h100", 8, 10, "de"), run("h100", 8, 20, "de"), run("h100", 16, 10, "de")
    for stage in HARDWARE_STAGES:
        one = base.impacts["climate_change"].by_stage[stage]
        assert one > 0
        assert longer.impacts["climate_change"].by_stage[stage] == pytest.approx(2 * one, rel=1e-12)
        assert wider.impacts["climate_change"].by_stage[stage] == pytest.approx(2 * one, rel=1e-12)


def test_the_amortised_share_of_one_server_is_its_hours_over_its_useful_life():
    # 8 H100 = one DGX H100 for a whole useful life (4 years at 85 %): the job carries the whole server
    life = 4 * 8760 * 0.85
    model = estimate_model("h100", 8, life, "de")
    params = compile_model(model).parameters.evaluate()
    assert float(params["hw_share"]) * float(params["n_nodes"]) == pytest.approx(1.0, rel=1e-12)


@lru_cache(maxsize=1)
def eight_accelerators_in_sweden():
    return estimate_model("h100", 8, 10, "se")


def test_every_listed_hardware_brings_its_own_server():
    # the study keeps the hardware a choice: switching it switches the amortised server, so the
    # twelve options give twelve different manufacturing burdens, none zero
    manufacturing = {}
    for hardware in hardware_options():
        result = calculate(with_parameters(eight_accelerators_in_sweden(), {"accelerator": hardware}))
        assert result.energy.by_stage["use"] > 0, hardware
        manufacturing[hardware] = result.impacts["climate_change"].by_stage["manufacturing"]
    assert len(manufacturing) == 12 and min(manufacturing.values()) > 0
    assert len({round(v, 9) for v in manufacturing.values()}) == 12, manufacturing
    # a study written for that hardware is the same as the switched choice
    for hardware in ("v100", "gb200_nvl72"):
        assert run(hardware, 8, 10, "se").impacts["climate_change"].by_stage["manufacturing"] == pytest.approx(
            manufacturing[hardware], rel=1e-12)


def test_regions_are_the_datacenters_grids():
    regions = region_options()
    assert len(regions) == 63 and regions["fr"] == "Electricity, France, grid mix"
    assert all(name.startswith("Electricity, ") for name in regions.values())


@pytest.mark.parametrize("kwargs, message", [
    (dict(hours=-3), "--hours -3: must be a number > 0"),
    (dict(hours=0), "--hours 0: must be a number > 0"),
    (dict(hours=float("inf")), "--hours inf: must be a number > 0"),
    (dict(count=0), "--count 0: must be a number >= 1"),
    (dict(count=2.5), "--count 2.5: must be a whole number of accelerators"),
    (dict(hardware="h10"), "--hardware 'h10': no such hardware (close matches: h100; all: lca estimate --list hardware)"),
    (dict(hardware="a100"), "--hardware 'a100': no such hardware (close matches: a100_40gb, a100_80gb"),
    (dict(region="france"), "--region 'france': no such region (close matches: fr; all: lca estimate --list regions)"),
    (dict(region="mars"), "--region 'mars': no such region (all: lca estimate --list regions)"),
    (dict(pue=0.9), "--pue 0.9: must be a number >= 1"),
    (dict(utilization=1.5), "--utilization 1.5: must be a number > 0 and <= 1"),
])
def test_bad_input_is_one_clear_error(kwargs, message):
    job = dict(hardware="h100", count=8, hours=10, region="de") | kwargs
    with pytest.raises(ParameterError) as error:
        estimate_study(**job)
    assert str(error.value).startswith(message)


def test_names_are_case_insensitive_and_the_study_keeps_the_choices():
    text = estimate_study("H100", 8, 10, "DE")
    assert estimate_study("h100", 8, 10, "de") == text
    study = estimate_model("h100", 8, 10, "de")
    assert study.parameters["accelerator"].options == tuple(hardware_options())
    assert set(study.parameters["grid_region"].options) == set(region_options())
