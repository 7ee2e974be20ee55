"""lca.allocation.study: the pretrain-then-adapt study end to end: the engine's footprints,
conservation for every rule and category, Monte Carlo over the rule, a hand-solved small study."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from studies import write_lineage_study

from lca import calculate, compile_model, load_study, with_parameters
from lca.allocation import allocate_study
from lca.model.records import Amount
from lca.uncertainty.montecarlo import sample_parameters
from lca.units import ureg

STUDY = "lca:scenarios/pretrain_adapt.toml"

ALL_RULES = ["equal", "queries", "tokens", "compute", "economic", "amortized"]


@pytest.fixture(scope="module")
def model():
    return load_study(STUDY, methods=None)


@pytest.fixture(scope="module")
def result(model):
    return allocate_study(model)


def test_every_rule_conserves_every_category(result):
    assert set(result.rules) == set(ALL_RULES)
    for rule in result.rules.values():
        allocated = sum(rule.targets.values()) + rule.unallocated_total
        np.testing.assert_allclose(allocated, rule.total, rtol=1e-9)


def test_total_is_the_lca_of_the_whole_demand(model, result):
    # The study's [demand] is the whole lineage plus the shared partition: `lca run` totals it.
    lca_total = calculate(model).impacts["climate_change"].value
    row = result.categories.index("climate_change")
    assert float(result.rules["equal"].total[row, 0]) == pytest.approx(lca_total, rel=1e-9)


def test_base_model_footprint_comes_from_the_engine(model, result):
    # The base model's own footprint is the LCA of its four pretraining processes, plus its
    # GPU-hour share of the partition.
    direct = 0.0
    one = Amount(1.0, None, ureg.item, "item")
    for process in ("bloom_final_training", "bloom_failed_runs", "bloom_hp_search", "bloom_experiments"):
        direct += calculate(replace(model, demand={process: one})).impacts["climate_change"].value
    row = result.categories.index("climate_change")
    share = float(result.infrastructure[0].users["bloom_base"][row, 0])
    assert float(result.own["bloom_base"][row, 0]) == pytest.approx(direct + share, rel=1e-9)


def test_rules_differ_and_amortized_leaves_a_remainder(result):
    row = result.categories.index("climate_change")
    chat = {r: float(v.targets["chat"][row, 0]) for r, v in result.rules.items()}
    assert len({round(v, 3) for v in chat.values()}) == len(chat)  # each rule gives another answer
    amortized = result.rules["amortized"]
    # 20 adaptations expected, 3 made: 17/20 of the base model's carried footprint stays unallocated.
    base = float(amortized.lineage.carried["bloom_base"][row, 0])
    assert float(amortized.unallocated["unrealized_adaptations"][row, 0]) == pytest.approx(base * 17 / 20)


def test_idle_capacity_is_reported_not_spread(result):
    row = result.categories.index("climate_change")
    partition = result.infrastructure[0]
    idle = float(partition.idle[row, 0])
    assert idle > 0
    # utilization 0.85 of GPU-hours -> 15 % of the partition's year is idle.
    assert idle == pytest.approx(0.15 * float(partition.total[row, 0]), rel=1e-9)
    assert float(partition.utilization[0]) == pytest.approx(0.85)


def test_per_query_is_the_task_footprint_over_its_queries(model, result):
    compiled = compile_model(model)
    params = compiled.parameters.evaluate()
    queries = float(params["chat_queries"])
    rule = result.rules["queries"]
    np.testing.assert_allclose(rule.per_query["chat"], rule.targets["chat"] / queries)


def test_monte_carlo_varies_the_rule(model):
    compiled = compile_model(model)
    params = sample_parameters(compiled, 24, seed=3, sampler="random")
    result = allocate_study(model, ["lineage_rule", *ALL_RULES], params, compiled)
    index = np.asarray(params["lineage_rule"], dtype=int)
    assert len(set(index.tolist())) > 2  # several rules drawn
    chosen = result.rules["lineage_rule"].targets["chat"]
    for sample, option in enumerate(index):
        rule = ALL_RULES[option]
        np.testing.assert_allclose(chosen[:, sample], result.rules[rule].targets["chat"][:, sample])
    rule = result.rules["lineage_rule"]
    np.testing.assert_allclose(sum(rule.targets.values()) + rule.unallocated_total, rule.total, rtol=1e-9)
    # the same seed gives the same numbers
    again = sample_parameters(compiled, 24, seed=3, sampler="random")
    np.testing.assert_array_equal(again["lineage_rule"], params["lineage_rule"])


def test_infrastructure_key_as_parameter(model):
    # Pretraining's energy is measured (433 MWh = 1.08 M GPU-hours at 400 W); capacity is
    # GPU-hours at TDP. With a measured 350 MWh instead, the energy key gives pretraining
    # 350/433.196 of its GPU-hour share.
    by_energy = allocate_study(with_parameters(model, {"partition_key": "energy",
                                                      "final_training_energy": 350000}), ["equal"])
    by_hours = allocate_study(with_parameters(model, {"final_training_energy": 350000}), ["equal"])
    row = by_hours.categories.index("climate_change")
    energy_share = float(by_energy.infrastructure[0].users["bloom_base"][row, 0])
    hours_share = float(by_hours.infrastructure[0].users["bloom_base"][row, 0])
    assert energy_share / hours_share == pytest.approx(350000 / 433196, rel=1e-9)


# -- embodied footprint of the partition: hardware inventories vs Luccioni et al. -----------------

LUCCIONI_NODE = 2500 + 8 * 150  # kg CO2-eq per 8-GPU node (Luccioni et al. 2023, section 4.1)


@pytest.fixture(scope="module")
def luccioni(model):
    return allocate_study(with_parameters(model, {"embodied_model": "luccioni2022"}))


def _lca_of(model, product: str) -> np.ndarray:
    impacts = calculate(replace(model, demand={product: Amount(1.0, None, ureg.item, "item")})).impacts
    return np.array([impacts[category].value for category in impacts])


def _node_years(params) -> float:
    """Node life cycles one year of the partition wears out."""
    return float(params["partition_nodes"]) * float(params["accounting_period"] / params["hardware_lifetime"])


def test_embodied_part_is_nonzero_in_all_seven_categories(model, result, luccioni):
    assert len(result.categories) == 7
    node = _lca_of(model, "a100_node_life_cycle")
    assert (node > 0).all()
    # Luccioni's node is climate change only: the default minus it is the inventory's embodied
    # part in the six other categories, and inventory minus Luccioni in climate change.
    luccioni_node = _lca_of(model, "server_embodied_a100_node")
    climate = result.categories.index("climate_change")
    assert luccioni_node[climate] == pytest.approx(LUCCIONI_NODE, rel=1e-9)
    assert np.count_nonzero(luccioni_node) == 1
    params = compile_model(model).parameters.evaluate()
    node_years = _node_years(params)
    embodied = node_years * node  # the partition's embodied footprint in one year
    others = np.arange(len(node)) != climate
    for name, rule in result.rules.items():
        delta = rule.total[:, 0] - luccioni.rules[name].total[:, 0]
        np.testing.assert_allclose(delta, node_years * (node - luccioni_node), rtol=1e-9)
        for target, footprint in rule.targets.items():
            part = footprint[:, 0] - luccioni.rules[name].targets[target][:, 0]
            # Rules and partition keys are physical, the same in every category: each target
            # carries one fraction k of the partition's embodied footprint, in climate change too.
            k = part[others] / embodied[others]
            assert (k > 0).all() and (k < 1).all(), (name, target)
            np.testing.assert_allclose(k, k[0], rtol=1e-6)
            # so its embodied climate change is k x the partition's, where Luccioni's node was
            assert part[climate] == pytest.approx(k[0] * node_years * (node[climate] - LUCCIONI_NODE), rel=1e-6)


def test_gpu_hour_draws_the_flagship_hardware_share(model, result):
    # A GPU-hour on the partition carries 1 / (8 x lifetime hours) of a node's life cycle; with
    # the idle capacity spread pro rata (divided by the utilization) it is the flagship's hw_share
    # = hours / (lifetime hours x utilization), per node, in every category.
    params = compile_model(model).parameters.evaluate()
    node = _lca_of(model, "a100_node_life_cycle")
    partition = result.infrastructure[0]
    node_years = _node_years(params)
    embodied_share = partition.users["bloom_base"][:, 0] * node_years * node / partition.total[:, 0]
    lifetime_hours = float(params["hardware_lifetime"]) / 3600  # root unit of time is the second
    hw_share = float(params["pretraining_partition_gpu_hours"]) / 3600 / 8 / (
        lifetime_hours * float(params["partition_utilization"]))
    np.testing.assert_allclose(embodied_share / float(params["partition_utilization"]), hw_share * node, rtol=1e-9)


def test_luccioni_option_reproduces_the_previous_climate_totals(model):
    # the study's totals before the hardware inventories (commit 4265b83), every rule, with that
    # commit's development_energy_ratio (1.5; now the sourced 0.87 of development_overhead.toml)
    luccioni_model = with_parameters(model, {"embodied_model": "luccioni2022", "development_energy_ratio": 1.5})
    luccioni = allocate_study(luccioni_model)
    climate = luccioni.categories.index("climate_change")
    for rule in luccioni.rules.values():
        assert float(rule.total[climate, 0]) == pytest.approx(133913.75029, rel=1e-6)
        np.testing.assert_allclose(sum(rule.targets.values()) + rule.unallocated_total, rule.total, rtol=1e-9)
    assert float(luccioni.rules["queries"].targets["chat"][climate, 0]) == pytest.approx(2004.3, abs=0.05)
    # and the published embodied share of BLOOM's final run: 11.2 t CO2-eq (Luccioni et al. 2023):
    # the final run's part of bloom_base's partition share, embodied fraction of the partition's
    # year, idle time spread pro rata (divided by the 85 % utilization).
    params = compile_model(luccioni_model).parameters.evaluate()
    partition = luccioni.infrastructure[0]
    embodied_year = _node_years(params) * _lca_of(luccioni_model, "server_embodied_a100_node")[climate]
    share = float(partition.users["bloom_base"][climate, 0] / partition.total[climate, 0])
    final_run = float(params["final_training_gpu_hours"] / params["pretraining_partition_gpu_hours"])
    embodied = share * final_run * embodied_year / float(params["partition_utilization"])
    assert embodied / 1000 == pytest.approx(11.2, rel=0.01)


def test_small_study_hand_solved(tmp_path):
    path = write_lineage_study(tmp_path, """
[lineage.base]
demand = { train = 1 }
[lineage.a]
parent = "base"
demand = { serve = 10 }
queries = 10
[lineage.b]
parent = "base"
demand = { serve = 30 }
queries = 30
""")
    result = allocate_study(load_study(path), ["queries", "equal"])
    # queries: 100 * 10/40 + 5 = 30, 100 * 30/40 + 15 = 90; equal: 50 + 5, 50 + 15.
    assert float(result.rules["queries"].targets["a"][0, 0]) == pytest.approx(30.0)
    assert float(result.rules["queries"].targets["b"][0, 0]) == pytest.approx(90.0)
    assert float(result.rules["equal"].targets["a"][0, 0]) == pytest.approx(55.0)
    assert float(result.rules["queries"].per_query["a"][0, 0]) == pytest.approx(3.0)
