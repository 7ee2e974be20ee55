"""The AI hardware of 2024-2026 (inventories/hardware/accelerators_2026.toml, servers_2026.toml)
and the flagship study's accelerator options that select it (issue 13, build step 1).

1. `lca validate` accepts the new files; every new bill of materials closes on its mass with a
   plausible chassis share;
2. published anchors: H200 = H100 + its extra HBM (hand-solved); HGX B200 / HGX H100 embodied
   against NVIDIA's two PCF summaries; GB200 NVL72 power against NVIDIA's ~120-132 kW;
3. the flagship runs with every new accelerator, all seven categories non-zero in every stage, and
   a Monte Carlo of one new accelerator runs.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

import lca
from lca.cli import main
from lca.formula import evaluate_numeric, parse_formula
from lca.load.resources import data_folder, shipped
from lca.uncertainty import monte_carlo
from lca.uncertainty.montecarlo import sample_parameters

# the installed data, as users get it
HARDWARE = data_folder("inventories") / "hardware"
NEW_FILES = [HARDWARE / "accelerators_2026.toml", HARDWARE / "servers_2026.toml"]
FLAGSHIP = shipped("lca:scenarios/llm_training_lifecycle.toml")
STAGES = ("extraction", "manufacturing", "transport", "use", "end_of_life")
NEW_ACCELERATORS = ["h200", "b200", "gb200_nvl72", "mi300x", "tpu_v5e", "tpu_v5p", "tpu_v6e", "gaudi3"]
# server id -> its mass parameter (the closure's subject)
NEW_SERVERS = {
    "server_dgx_h200": "mass_server_dgx_h200", "server_dgx_b200": "mass_server_dgx_b200",
    "gb200_compute_tray": "mass_gb200_compute_tray",
    "server_mi300x_8gpu": "mass_server_mi300x_8gpu", "server_gaudi3_8oam": "mass_server_gaudi3_8oam",
    "tpu_v5e_host": "mass_tpu_v5e_host", "tpu_v5p_host": "mass_tpu_v5p_host", "tpu_v6e_host": "mass_tpu_v6e_host",
}


def _load(path: Path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Every product of the new files and of products.toml, cradle to gate (climate change and
    the parameter values), from one compiled model: the cumulative impact of one unit of a
    product is C B A^-1 e_product."""
    folder = tmp_path_factory.mktemp("catalogue")
    inventories = data_folder("inventories")
    includes = [HARDWARE / "servers_2026.toml", inventories / "methods" / "ipcc_ar6_gwp100.toml"]
    path = folder / "catalogue.toml"
    path.write_text(
        "include = [" + ", ".join(f'"{p.as_posix()}"' for p in includes) + "]\n"
        'methods = ["ipcc_ar6_gwp100"]\n[study]\nname = "catalogue"\nfunctional_unit = "one DGX B200"\n'
        "[demand]\nserver_dgx_b200 = 1\n")
    compiled = lca.compile_model(lca.load_study(str(path)))
    params = compiled.parameters.evaluate()
    system = lca.factorize(compiled, params)
    climate = compiled.categories.index("climate_change")
    intensity = (compiled.characterization.matrix(params) @ compiled.biosphere.matrix(params)).toarray()[climate]
    values = lca.calculate(compiled, params).parameters

    def supply(product: str) -> np.ndarray:
        unit = np.zeros(len(compiled.processes))
        unit[compiled.processes.index(product)] = 1.0
        return system.solve(unit)

    def footprint(product: str) -> float:
        return float(intensity @ supply(product))

    def direct(product: str, component: str) -> float:
        """Units of *component* one unit of *product* takes directly (its technosphere column)."""
        column = -compiled.technosphere.matrix(params)[:, compiled.processes.index(product)].toarray().ravel()
        return float(column[compiled.processes.index(component)])

    footprint.compiled, footprint.direct = compiled, direct
    return footprint, {name: v.value for name, v in values.items()}


@pytest.fixture(scope="module")
def catalogue_model(catalogue):
    return catalogue[0].compiled


# --------------------------------------------------------------------------------------------------
# 1. files and bills of materials

def test_lca_validate_accepts_the_new_files(capsys):
    code = main(["validate", *(str(p) for p in NEW_FILES), str(FLAGSHIP)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("ok: ") == 3, out


def _components_and_closure(server: str, values: dict) -> tuple:
    """Mass of the listed components and the chassis closure of *server*, kg (floats at the
    defaults, arrays over Monte Carlo draws)."""
    processes = {}
    for path in NEW_FILES + [HARDWARE / "products.toml"]:
        processes.update(_load(path).get("processes", {}))
    components, closure = 0.0, None
    for exchange in processes[server]["technosphere"]:
        product, amount = exchange["product"], exchange["amount"]
        if isinstance(amount, str):
            formula = parse_formula(amount)
            amount = evaluate_numeric(formula, {name: values[name] for name in formula.names})
        if product == "chassis_per_kg":
            closure = amount
        elif product.startswith("hgx_baseboard") or product == "oam_baseboard_8":
            components = components + amount * values["mass_hgx_baseboard"]
        elif product in ("copper", "steel", "plastic_abs_epoxy"):
            components = components + amount  # materials, in kg
        elif f"mass_{product}" in values:
            components = components + amount * values[f"mass_{product}"]
    assert closure is not None, server
    return components, closure


@pytest.mark.parametrize("server", sorted(NEW_SERVERS))
def test_bill_of_materials_closes_on_the_mass(server, catalogue):
    """Listed components + chassis closure = the (datasheet or estimated) mass, and the closure
    (sheet metal, fans, rails, cables, manifolds) stays a plausible 15-85 % of it: a component
    mass far off would push the closure out of that band (or below zero)."""
    _, values = catalogue
    mass = values[NEW_SERVERS[server]]
    components, closure = _components_and_closure(server, values)
    assert math.isclose(components + closure, mass, rel_tol=0.01), (server, components, closure, mass)
    assert 0.15 * mass <= closure <= 0.85 * mass, (server, components, closure, mass)


@pytest.mark.parametrize("server", sorted(NEW_SERVERS))
def test_bill_of_materials_closes_in_every_monte_carlo_draw(server, catalogue_model):
    """The uncertain counts (NICs, drives, PSUs, DRAM) enter the closure too, so every draw
    conserves the mass and no draw leaves a negative chassis (which would credit impacts)."""
    draws = sample_parameters(catalogue_model, 500, seed=7)
    values = {name: np.asarray(value) for name, value in draws.items()}
    components, closure = _components_and_closure(server, values)
    mass = values[NEW_SERVERS[server]]
    assert np.allclose(components + closure, mass, rtol=1e-9)
    assert (closure > 0).all(), (server, float(np.min(closure)))


@pytest.mark.parametrize("product, component, amount", [
    ("gb200_superchip", "dram_per_gb", 512.0), ("server_mi300x_8gpu", "dram_module_per_gb", 1536.0),
    ("server_gaudi3_8oam", "dram_module_per_gb", 2048.0), ("tpu_v5p_host", "dram_module_per_gb", 512.0),
    ("tpu_v6e_host", "dram_module_per_gb", 1649.3), ("server_dgx_b200", "dram_module_per_gb", 2048.0),
    ("gpu_b200_package", "hbm3e_stack_24gb", 8.0), ("gb200_compute_tray", "nic_200g", 4.0),
])
def test_memory_and_parts_are_built_in_their_declared_units(product, component, amount, catalogue):
    """GB amounts are numbers: a formula amount in GB (pint's information units are dimensionless
    with a scale) would be read in root units (bits) and put 1/8e9 of the memory in."""
    footprint, _ = catalogue
    assert math.isclose(footprint.direct(product, component), amount, rel_tol=1e-9)


def test_gb200_nvl72_bottom_up_mass_matches_the_published_rack(catalogue):
    """The NVL72 rack is built bottom-up (trays, shelves, spine, busbar, manifolds, frame); NVIDIA
    gives 1.36 t (GTC 2024, as reported by ServeTheHome / Tom's Hardware: '1.36 metric tons
    (3,000 lbs)'). The sum must land within 10 % at the defaults and the published mass inside the
    95 % interval of the draws."""
    footprint, values = catalogue
    assert math.isclose(values["mass_gb200_nvl72"], 1360, rel_tol=0.10), values["mass_gb200_nvl72"]
    draws = np.asarray(sample_parameters(footprint.compiled, 2000, seed=7)["mass_gb200_nvl72"])
    low, high = np.percentile(draws, [2.5, 97.5])
    assert low < 1360 < high, (low, high)


# --------------------------------------------------------------------------------------------------
# 2. published anchors

def test_h200_is_h100_plus_its_extra_hbm(catalogue):
    """Same GH100 die, board, heatsink and interposer (NVIDIA, SC23); 6 x 24 GB HBM3e (144 GB,
    141 enabled) instead of 80 GB of HBM3. Hand-solved: at one assembly per stack the two modules
    differ by exactly 144 - 80 = 64 GB of HBM, and H200 lies above NVIDIA's 164 kg H100 PCF only
    if H100 + 64 GB does."""
    footprint, values = catalogue
    h100, h200 = footprint("gpu_h100_sxm5_80gb"), footprint("gpu_h200_sxm5_141gb")
    assert values["hbm_stack_assembly_packages"] == 1.0 and values["hbm_stack_footprint_cm2"] == 1.1
    assert h200 > h100
    assert math.isclose(h200 - h100, 64 * footprint("hbm_per_gb"), rel_tol=1e-9)
    # a stack is its capacity of HBM plus one assembly
    assert math.isclose(footprint("hbm3e_stack_24gb"), 24 * footprint("hbm_per_gb") + footprint("ic_packaging"),
                        rel_tol=1e-9)


def test_hgx_b200_over_hgx_h100_matches_nvidia_pcf_summaries(catalogue):
    """NVIDIA Technical Blog (2025), from the HGX H100 and HGX B200 PCF summaries: embodied carbon
    per FP16 exaflop 0.66 -> 0.50 g at 2.3x the throughput, so HGX B200 / HGX H100 = 2.3 x 0.50 /
    0.66 = 1.74. The bottom-up boards (8 modules + baseboard) must give that ratio within 20 %,
    and B200 per GPU must land inside -40 % / +50 % of the 286 kg it implies with the 164 kg H100."""
    footprint, _ = catalogue
    hgx_h100 = 8 * footprint("gpu_h100_sxm5_80gb") + footprint("hgx_baseboard_h100")
    hgx_b200 = 8 * footprint("gpu_b200_sxm_180gb") + footprint("hgx_baseboard_b200")
    published = 2.3 * 0.50 / 0.66
    assert math.isclose(published, 1.742, rel_tol=1e-3)
    assert 0.8 * published <= hgx_b200 / hgx_h100 <= 1.2 * published, hgx_b200 / hgx_h100
    per_gpu = hgx_b200 / 8
    assert 0.6 * published * 164 <= per_gpu <= 1.5 * published * 164, per_gpu


def test_gb200_nvl72_power_adds_up_to_nvidias_rack_figure(catalogue):
    """18 compute trays x 5.4 kW (2 superchips of 2 x 1.2 kW B200 + Grace) fit inside the rack's
    published 120-132 kW, with the rest (9 NVLink switch trays, fans, conversion) under 35 kW;
    and the superchip carries at least its two 1.2 kW GPUs."""
    _, values = catalogue
    tray, rack = values["power_gb200_compute_tray_kw"], values["power_gb200_nvl72_kw"]
    superchip, gpu = values["power_gb200_superchip_kw"], values["power_b200_in_gb200_kw"]
    assert 120 <= rack <= 132
    assert math.isclose(tray, 2 * superchip, rel_tol=0.01)
    assert 2 * gpu < superchip < 2 * gpu + 0.5
    assert 0 < rack - 18 * tray < 35


def test_new_modules_above_their_die_only_lower_bound(catalogue):
    """A whole module or package is more than its logic silicon at LLMCarbon's 5 nm-class carbon
    per area (1.8 kg/cm2 for H100 at TSMC 4 nm, MLCarbon data/hardware.csv): a lower bound each
    bottom-up result must clear (dies only, perfect yield)."""
    footprint, values = catalogue
    dies = {"gpu_b200_sxm_180gb": 2 * values["die_area_gb100"], "gaudi3_oam": 2 * values["die_area_gaudi3"],
            "gpu_mi300x_oam": 8 * values["die_area_mi300_xcd"], "tpu_v5p_chip": values["die_area_tpu_v5p"],
            "tpu_v6e_chip": values["die_area_tpu_v6e"], "tpu_v5e_chip": values["die_area_tpu_v5e"]}
    for product, area in dies.items():
        assert footprint(product) > 1.8 * area, product


# --------------------------------------------------------------------------------------------------
# 3. the flagship with the new accelerators

@pytest.fixture(scope="module")
def flagship():
    return lca.load_study(str(FLAGSHIP))


def test_flagship_offers_every_new_accelerator(flagship):
    options = _load(FLAGSHIP)["parameters"]["accelerator"]["options"]
    assert set(NEW_ACCELERATORS) <= set(options)


@pytest.mark.parametrize("accelerator", NEW_ACCELERATORS)
def test_flagship_runs_with_every_new_accelerator(accelerator, flagship):
    result = lca.calculate(lca.with_parameters(flagship, {"accelerator": accelerator}))
    assert set(lca.CATEGORIES) <= set(result.impacts)
    zero = [(category, stage) for category in lca.CATEGORIES for stage in STAGES
            if result.impacts[category].by_stage[stage] == 0]
    assert not zero, zero
    assert all(result.impacts[c].value > 0 for c in lca.CATEGORIES)
    # the selected node is the one built: its server is supplied, no other accelerator's is
    servers = {"h200": "server_dgx_h200", "b200": "server_dgx_b200", "gb200_nvl72": "gb200_nvl72_rack",
               "mi300x": "server_mi300x_8gpu", "tpu_v5e": "tpu_v5e_host", "tpu_v5p": "tpu_v5p_host",
               "tpu_v6e": "tpu_v6e_host", "gaudi3": "server_gaudi3_8oam"}
    selected = result.supply[servers[accelerator]]
    assert selected > 0
    # others are zero up to the solver's round-off
    assert all(abs(result.supply[s]) < 1e-9 * selected for a, s in servers.items() if a != accelerator)
    assert abs(result.supply["server_dgx1_v100"]) < 1e-9 * selected


def test_flagship_power_per_accelerator_follows_the_node_datasheets(flagship):
    """IT power per accelerator = node maximum / accelerators per node x power_utilisation:
    DGX B200 14.3 kW / 8 and a GB200 NVL72 rack 120 kW / 72 (NVIDIA)."""
    for accelerator, node_kw, per_node in (("b200", 14.3, 8), ("gb200_nvl72", 120.0, 72), ("h100", 10.2, 8)):
        parameters = lca.calculate(lca.with_parameters(flagship, {"accelerator": accelerator})).parameters
        utilisation = parameters["power_utilisation"].value
        assert parameters["accelerators_per_node"].value == per_node
        assert math.isclose(parameters["power_per_accelerator_w"].value, node_kw * 1000 / per_node * utilisation,
                            rel_tol=1e-9)


def test_flagship_default_unchanged_by_the_new_options(flagship):
    """The V100 default still reproduces Patterson et al. 2021 (GPT-3: 1,287 MWh incl. PUE)."""
    result = lca.calculate(flagship)
    assert math.isclose(result.supply["site_electricity_us"], 1_287_000, rel_tol=0.02)
    assert abs(result.supply["scale_out_network_share_per_8_gpus"]) < 1e-9 * result.supply["rack_network_share_per_node"]


def test_monte_carlo_of_a_new_accelerator(flagship):
    """500 draws for B200: finite, the deterministic value inside the 95 % interval, and a
    non-degenerate spread in manufacturing (the new parameters are sampled)."""
    model = lca.with_parameters(flagship, {"accelerator": "b200"})
    deterministic = lca.calculate(model).impacts["climate_change"]
    mc = monte_carlo(model, 500, seed=42, by_stage=True)
    samples = mc.samples("climate_change")
    assert samples.shape == (500,) and np.isfinite(samples).all()
    summary = mc.summary("climate_change")
    assert summary.percentiles["2.5"] < deterministic.value < summary.percentiles["97.5"]
    manufacturing = mc.stage_summaries("climate_change")["manufacturing"]
    assert manufacturing.std > 0.05 * manufacturing.mean
