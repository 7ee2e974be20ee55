"""Development and experimentation overhead of training (inventories/development_overhead.toml;
issue 13, build step 6): one sourced ratio, used by the BLOOM lineage and by the flagship's
`development_runs` option.

1. the ratio's 95 % interval holds the published development / final-training ratios (OLMo 2 0.5,
   BLOOM 1.5, Olmo 3 4.6) and it is defined once;
2. in the flagship the option is off by default and, on, scales every stage of every category by
   exactly 1 + ratio (the development runs occupy the same fleet): a property over drawn ratios;
3. in the lineage, failed runs + search + experiments = final training x ratio.
"""

from __future__ import annotations

import math
import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.load.resources import data_folder, shipped

OVERHEAD = data_folder("inventories") / "development_overhead.toml"
FLAGSHIP = shipped("lca:scenarios/llm_training_lifecycle.toml")
LINEAGE = shipped("lca:scenarios/pretrain_adapt.toml")
PUBLISHED = {"morrison2025_olmo2": 0.5, "luccioni2023_bloom": 1.5, "olmo3_2026": 0.82 / 0.18}
STAGES = ("extraction", "manufacturing", "transport", "use", "end_of_life")
FLAGSHIP_MODEL = lca.load_study(str(FLAGSHIP))
OFF = lca.calculate(FLAGSHIP_MODEL)


def test_the_ratio_covers_the_published_ratios():
    parameter = tomllib.loads(OVERHEAD.read_text(encoding="utf-8"))["parameters"]["development_energy_ratio"]
    median, gsd = parameter["value"], parameter["uncertainty"]["gsd"]
    assert math.isclose(median, math.sqrt(PUBLISHED["morrison2025_olmo2"] * PUBLISHED["luccioni2023_bloom"]), rel_tol=0.01)
    low, high = median / gsd ** 1.96, median * gsd ** 1.96
    assert all(low < ratio < high for ratio in PUBLISHED.values()), (low, high)


def test_the_ratio_is_defined_once():
    """No study keeps its own copy (the unverified 1.5 lived in ai_lineage.toml)."""
    roots = [data_folder("inventories"), data_folder("scenarios")]
    defining = [path.name for root in roots for path in root.rglob("*.toml")
                if "development_energy_ratio" in tomllib.loads(path.read_text(encoding="utf-8")).get("parameters", {})]
    assert defining == ["development_overhead.toml"], defining


def test_flagship_option_is_off_by_default():
    off = lca.calculate(lca.with_parameters(FLAGSHIP_MODEL, {"development_runs": "off"}))
    assert OFF.parameters["fleet_hours"].value == OFF.parameters["training_hours"].value
    assert all(OFF.impacts[c].value == off.impacts[c].value for c in lca.CATEGORIES)


@settings(max_examples=4, deadline=None)
@given(ratio=st.floats(min_value=0.05, max_value=6.0))
def test_development_scales_every_stage_by_one_plus_the_ratio(ratio):
    on = lca.calculate(lca.with_parameters(FLAGSHIP_MODEL, {"development_runs": "on", "development_energy_ratio": ratio}))
    for category in lca.CATEGORIES:
        for stage in STAGES:
            assert math.isclose(on.impacts[category].by_stage[stage],
                                (1 + ratio) * OFF.impacts[category].by_stage[stage], rel_tol=1e-6, abs_tol=1e-30)


def test_lineage_development_is_the_ratio_times_the_final_run():
    parameters = lca.calculate(lca.load_study(str(LINEAGE))).parameters
    value = {name: parameters[name].value for name in
             ("final_training_energy", "development_energy_ratio", "failed_runs_energy", "hp_search_energy",
              "experiments_energy")}
    development = value["failed_runs_energy"] + value["hp_search_energy"] + value["experiments_energy"]
    assert math.isclose(development, value["final_training_energy"] * value["development_energy_ratio"], rel_tol=1e-9)
    assert math.isclose(value["development_energy_ratio"], 0.87, rel_tol=1e-9)
