"""lca.frames: every result as a pandas DataFrame whose numbers are the result's, with its units in attrs."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from studies import loop

import lca
from lca.allocation import allocate_study
from lca.frames import allocation_frame, lca_frame, samples_frame, summary
from lca.serialize import uncertainty_records
from lca.uncertainty import compare, monte_carlo, one_at_a_time, sobol, spearman

pd = pytest.importorskip("pandas")  # the frames extra, in the test extra

PATTERSON = "lca:scenarios/patterson2021_gpt3.toml"
FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


@pytest.fixture(scope="module")
def flagship():
    return lca.calculate(lca.load_study(FLAGSHIP))


def test_hand_solved_loop_as_a_frame(study):
    # s_a = 1 + 0.2 s_b, s_b = 0.5 s_a: s_a = 1/0.9, s_b = 0.5/0.9; a emits 2 kg CO2, b 1 kg CO2 and 3 L water
    s_a, s_b = 1 / 0.9, 0.5 / 0.9
    frame = lca.to_frame(lca.calculate(loop(study)), by="process")
    climate = frame[frame.category == "climate_change"].set_index("process")["value"]
    assert climate.to_dict() == {"a": pytest.approx(2 * s_a, rel=1e-12), "b": pytest.approx(s_b, rel=1e-12)}
    water = frame[frame.category == "water_consumption"]
    assert water["value"].tolist() == [pytest.approx(3e-3 * s_b, rel=1e-12)]
    assert water["unit"].tolist() == ["m3"]
    assert frame.attrs["units"] == {"climate_change": "kg CO2-eq", "water_consumption": "m3"}
    stages = lca.to_frame(lca.calculate(loop(study)))
    assert stages.set_index(["category", "stage"])["value"]["climate_change"].to_dict() == {
        "manufacturing": pytest.approx(2 * s_a, rel=1e-12), "use": pytest.approx(s_b, rel=1e-12)}


@pytest.mark.parametrize("by", ["stage", "process", "flow", "total"])
def test_each_split_sums_to_the_category_score(flagship, by):
    frame = lca.to_frame(flagship, by=by)
    totals = frame.groupby("category", sort=False)["value"].sum()
    assert list(totals.index) == list(flagship.impacts)
    for category, impact in flagship.impacts.items():
        assert totals[category] == pytest.approx(impact.value, rel=1e-9)
        assert set(frame.loc[frame.category == category, "unit"]) == {impact.unit}
    assert frame.attrs["units"] == {c: i.unit for c, i in flagship.impacts.items()}
    assert frame.attrs["study"] == flagship.study and frame.attrs["functional_unit"] == flagship.functional_unit
    assert frame["value"].dtype == np.float64


def test_values_round_trip_exactly(flagship):
    frame = lca.to_frame(flagship, by="process")
    for (category, process), value in frame.set_index(["category", "process"])["value"].items():
        assert value == flagship.impacts[category].by_process[process]
    totals = lca.to_frame(flagship, by="total").set_index("category")
    assert totals["value"].to_dict() == {c: i.value for c, i in flagship.impacts.items()}
    assert totals["method"].to_dict() == {c: i.method for c, i in flagship.impacts.items()}
    # the figures the README quotes: 519,950.7 kg CO2-eq, 494,352.8 of it in use
    assert totals.loc["climate_change", "value"] == pytest.approx(519950.7, abs=0.05)
    stages = lca.to_frame(flagship).set_index(["category", "stage"])["value"]
    assert stages["climate_change", "use"] == pytest.approx(494352.8, abs=0.05)


@settings(max_examples=15, deadline=None)
@given(pue=st.floats(1.0, 2.0), grid=st.floats(0.01, 1.0))
def test_frame_total_follows_the_parameters(pue, grid):
    model = lca.with_parameters(lca.load_study(PATTERSON), {"pue": pue, "grid_intensity": grid})
    frame = lca.to_frame(lca.calculate(model))
    # Patterson's score is a product: 553,142.304 kg CO2-eq at PUE 1.1 and 0.429 kg CO2-eq/kWh
    assert frame["value"].sum() == pytest.approx(553142.304 * (pue / 1.1) * (grid / 0.429), rel=1e-6)


def test_unknown_split_is_a_clear_error(flagship):
    with pytest.raises(lca.LCAError, match="by='category': a result splits by stage, process, flow, total"):
        lca_frame(flagship, by="category")


@pytest.fixture(scope="module")
def samples():
    return monte_carlo(lca.load_study(FLAGSHIP), 2000, seed=3, by_stage=True)


def test_monte_carlo_frame_is_the_samples(samples):
    frame = lca.to_frame(samples)
    assert frame.shape == (2000, len(samples.categories))
    assert list(frame.columns) == list(samples.categories) and frame.index.name == "sample"
    np.testing.assert_array_equal(frame.to_numpy().T, samples.scores)
    assert frame.attrs["units"] == dict(zip(samples.categories, samples.units))
    assert (frame.attrs["seed"], frame.attrs["sampler"]) == (3, "random")
    frame.iloc[0, 0] = -1.0  # a copy: the result stays as it was
    assert samples.scores[0, 0] != -1.0


def test_stage_columns_add_up_to_the_scores(samples):
    frame = samples_frame(samples, stages=True)
    assert frame.columns.names == ["category", "stage"]
    for category in samples.categories:
        np.testing.assert_allclose(frame[category].sum(axis=1), samples.samples(category), rtol=1e-9)
    with pytest.raises(lca.LCAError, match="by_stage=True"):
        samples_frame(monte_carlo(lca.load_study(PATTERSON), 10, seed=1), stages=True)


def test_summary_matches_the_json_contract(samples):
    table = summary(samples)
    records = uncertainty_records(samples)
    assert list(table.index) == list(samples.categories)
    for category, record in records.items():
        row = table.loc[category]
        assert (row["mean"], row["std"], row["median"], row["sem"]) == (
            record["mean"], record["std"], record["median"], record["sem"])
        assert row["samples"] == 2000
        assert {k: row[f"p{k}"] for k in record["percentiles"]} == record["percentiles"]
        assert row["unit"] == samples.units[samples.categories.index(category)]


def test_summary_of_a_filtered_frame_is_of_its_rows(samples):
    frame = lca.to_frame(samples)
    first = summary(frame.iloc[:500])
    assert first.loc["climate_change", "samples"] == 500
    assert first.loc["climate_change", "mean"] == pytest.approx(samples.samples("climate_change")[:500].mean(), rel=1e-12)
    assert first.loc["climate_change", "unit"] == "kg CO2-eq"


def test_comparison_frame_pairs_the_draws():
    model = lca.load_study(PATTERSON)
    comparison = compare([model, lca.with_parameters(model, {"pue": 1.2})], 1000, seed=5, labels=["low", "high"])
    frame = lca.to_frame(comparison)
    assert frame.shape == (2000, 3) and list(frame.columns) == ["study", "sample", "climate_change"]
    paired = frame.pivot(index="sample", columns="study", values="climate_change")
    np.testing.assert_array_equal(paired["low"], comparison.results[0].samples("climate_change"))
    # the same draws, only the PUE differs (1.1 is the triangular's mode; the draws are shared)
    assertion = comparison.assertion("climate_change", "low", "high")
    assert float((paired["low"] < paired["high"]).mean()) == assertion.p_a_lower
    assert (paired["low"] - paired["high"]).mean() == pytest.approx(assertion.difference.mean, rel=1e-12)
    assert frame.attrs["units"] == {"climate_change": "kg CO2-eq"} and frame.attrs["labels"] == ["low", "high"]
    high = summary(frame[frame.study == "high"])  # the study and sample columns are not summarized
    assert list(high.index) == ["climate_change"]
    assert high.loc["climate_change", "mean"] == comparison.assertion("climate_change", "low", "high").b.mean


def test_one_at_a_time_frame_hand_checked():
    result = one_at_a_time(lca.load_study(PATTERSON))
    frame = lca.to_frame(result)
    assert list(frame.columns) == ["category", "parameter", "low", "high", "swing", "baseline", "low_value",
                                   "high_value", "unit"]
    grid = frame.set_index("parameter").loc["grid_intensity"]
    # lognormal, GSD 1.15, median 0.429: the 2.5 % quantile is 0.429 / 1.15^1.95996, and the score scales with it
    z = 1.959963984540054
    assert grid["low_value"] == pytest.approx(0.429 / 1.15 ** z, rel=1e-9)
    assert grid["low"] / grid["baseline"] == pytest.approx(grid["low_value"] / 0.429, rel=1e-9)
    assert grid["swing"] == pytest.approx(grid["high"] - grid["low"], rel=1e-12)
    assert frame["parameter"].iloc[0] == "grid_intensity"  # largest swing first
    assert frame.attrs["method"] == "oat" and frame.attrs["units"] == {"climate_change": "kg CO2-eq"}


@pytest.mark.parametrize("analysis, columns", [(spearman, ["rho", "note"]), (sobol, ["first_order", "total"])])
def test_sampled_sensitivity_frames(analysis, columns):
    result = analysis(lca.load_study(PATTERSON), 256, seed=1)
    frame = lca.to_frame(result)
    assert list(frame.columns) == ["category", "parameter", *columns, "unit"]
    assert frame["parameter"].tolist() == list(result.values["climate_change"])
    key = columns[0]
    assert frame[key].tolist() == [r[key] for r in result.values["climate_change"].values()]
    assert frame.attrs["samples"] == result.samples


def test_allocation_frame_adds_up_to_the_totals():
    allocation = allocate_study(lca.load_study("lca:scenarios/pretrain_adapt.toml"))
    frame = allocation_frame(allocation)
    assert set(frame["rule"]) == set(allocation.rules)
    sums = frame.groupby(["rule", "category"])["value"].sum()
    for rule, result in allocation.rules.items():
        for row, category in enumerate(allocation.categories):
            total = float(result.total[row].mean())
            assert sums[rule, category] == pytest.approx(total, rel=1e-9)
            assert frame.attrs["totals"][rule][category] == total
    queries = frame[(frame.rule == "queries") & (frame.category == "climate_change")].set_index("name")
    assert round(queries.loc["classification", "value"]) == 56859  # as lca allocate's JSON says
    assert queries.loc["classification", "kind"] == "task"
    assert set(queries.loc[queries.part == "unallocated"].index) == {"idle_capacity", "unrealized_adaptations"}
    assert frame.attrs["units"] == dict(zip(allocation.categories, allocation.units))
    assert set(frame["unit"]) == set(allocation.units)


def test_without_pandas_one_clear_error(monkeypatch, flagship):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(lca.LCAError, match=r'^data frames need pandas: pip install "lca\[frames\]"$'):
        lca.to_frame(flagship)


def test_a_result_of_no_frame_type_is_an_error(flagship):
    with pytest.raises(lca.LCAError, match="no data frame for a CategoryResult"):
        lca.to_frame(flagship.impacts["climate_change"])
    assert isinstance(lca.to_frame(flagship), pd.DataFrame)
