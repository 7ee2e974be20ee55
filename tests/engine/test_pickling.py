"""Models, compiled models and results survive pickle and deepcopy with equal numbers, across
a process too; result arrays are read-only; pint outside lca knows lca's units."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pint
import pytest

import lca
from lca.engine.calculate import compute
from lca.model.frozen import FrozenDict
from lca.uncertainty import monte_carlo

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
ALLOCATED = "lca:scenarios/pretrain_adapt.toml"  # [lineage], [infrastructure], [allocation] tables


@pytest.fixture(scope="module", params=[FLAGSHIP, ALLOCATED])
def model(request) -> lca.Model:
    return lca.load_study(request.param)


def round_trips(value):
    return pickle.loads(pickle.dumps(value)), copy.deepcopy(value)


def scores(result: lca.LCAResult) -> dict[str, tuple]:
    """Every number of a result, exactly (floats compared bit for bit through ==)."""
    return {c: (r.value, dict(r.by_stage), dict(r.by_process), dict(r.by_flow)) for c, r in result.impacts.items()}


def test_model_round_trip_is_equal_and_calculates_the_same_bits(model):
    original = lca.calculate(model)
    for copied in round_trips(model):
        assert copied == model
        assert copied is not model
        again = lca.calculate(copied)
        assert scores(again) == scores(original)
        assert again == original


def test_allocation_tables_survive_the_round_trip():
    model = lca.load_study(ALLOCATED)
    assert model.allocation is not None and model.allocation.lineage is not None
    for copied in round_trips(model):
        assert copied.allocation == model.allocation


def test_compiled_model_round_trip_calculates_the_same_bits(model):
    compiled = lca.compile_model(model)
    original = lca.calculate(compiled)
    for copied in round_trips(compiled):
        assert copied.processes == compiled.processes and copied.categories == compiled.categories
        assert copied.parameters.uncertain == compiled.parameters.uncertain
        assert np.array_equal(copied.technosphere.constant, compiled.technosphere.constant)
        assert lca.calculate(copied) == original


def test_lca_result_round_trip_is_equal(model):
    result = lca.calculate(model)
    for copied in round_trips(result):
        assert copied == result
        assert copied.to_dict() == result.to_dict()
        assert isinstance(copied.impacts, FrozenDict)


def test_monte_carlo_on_an_unpickled_compiled_model_repeats_the_draws():
    compiled = lca.compile_model(lca.load_study(FLAGSHIP))
    original = monte_carlo(compiled, 256, seed=11, by_stage=True, keep_inputs=True)
    for copied in round_trips(compiled):
        again = monte_carlo(copied, 256, seed=11, by_stage=True, keep_inputs=True)
        assert np.array_equal(again.scores, original.scores)
        assert np.array_equal(again.by_stage, original.by_stage)
        assert np.array_equal(again.inputs, original.inputs)
    assert np.ptp(original.scores[0]) > 0  # the draws vary: the comparison is not of constants


def test_monte_carlo_result_round_trip_keeps_samples_read_only():
    result = monte_carlo(lca.load_study(FLAGSHIP), 64, seed=3, by_stage=True, keep_inputs=True)
    for copied in round_trips(result):
        assert copied.categories == result.categories and copied.seed == 3
        assert np.array_equal(copied.scores, result.scores)
        assert copied.summary("climate_change") == result.summary("climate_change")
        for array in (copied.scores, copied.by_stage, copied.inputs):
            assert not array.flags.writeable
            with pytest.raises(ValueError):
                array[(0,) * array.ndim] = 1.0


def test_a_pickled_model_calculates_in_a_spawned_process():
    # The pool pickles the model to a fresh interpreter (spawn: nothing inherited) and the
    # result back; only library functions cross, as in any user's pool.
    model = lca.load_study(FLAGSHIP)
    expected = lca.calculate(model)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = pool.submit(lca.calculate, model).result(timeout=120)
        compiled = pool.submit(lca.compile_model, model).result(timeout=120)
    assert scores(remote) == scores(expected)
    assert remote == expected
    assert lca.calculate(compiled) == expected


def test_result_arrays_are_read_only():
    model = lca.load_study(FLAGSHIP)
    result = monte_carlo(model, 32, seed=1, by_stage=True)
    with pytest.raises(ValueError, match="read-only"):
        result.scores[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.by_stage[0, 0, 0] = 1.0
    compiled = lca.compile_model(model)
    for entries in (compiled.technosphere, compiled.biosphere, compiled.characterization, compiled.demand):
        for array in (entries.rows, entries.cols, entries.constant):
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 0
    numbers = compute(compiled)
    with pytest.raises(ValueError, match="read-only"):
        numbers.supply[0] = 0.0
    convergence = result.convergence("climate_change")
    with pytest.raises(ValueError, match="read-only"):
        convergence.mean[0] = 0.0


def test_records_are_read_only_mappings():
    result = lca.calculate(lca.load_study(FLAGSHIP))
    with pytest.raises(TypeError):
        result.impacts["climate_change"] = None
    with pytest.raises(TypeError):
        result.impacts["climate_change"].by_stage["use"] = 0.0


def test_frozen_dict_equality_hash_and_order():
    a = FrozenDict({"use": 2.0, "manufacturing": 1.0})
    assert a == {"use": 2.0, "manufacturing": 1.0} == FrozenDict(a)
    assert list(a) == ["use", "manufacturing"]
    assert hash(a) == hash(FrozenDict({"manufacturing": 1.0, "use": 2.0}))
    assert a != {"use": 2.0}
    with pytest.raises(TypeError):
        hash(FrozenDict({"weights": [1, 2]}))  # a list value: unhashable, like a tuple holding one
    with pytest.raises(AttributeError):
        a._items = {}
    assert copy.copy(a) is a
    deep = copy.deepcopy(FrozenDict({"x": [1.0]}))
    assert deep == {"x": [1.0]}


def test_pint_quantities_outside_lca_use_lcas_registry():
    assert pint.get_application_registry().get() is lca.ureg
    quantity = pint.Quantity("1 kg CO2-eq")
    assert quantity.to("t CO2-eq").magnitude == pytest.approx(1e-3)
    unit = pickle.loads(pickle.dumps(lca.ureg.Unit("kg CO2_eq")))
    assert unit == lca.ureg.Unit("kg CO2_eq")
    assert (1 * unit).to("g CO2_eq").magnitude == pytest.approx(1000.0)


def test_analysis_results_round_trip():
    from lca.uncertainty import compare, one_at_a_time

    model = lca.load_study("lca:scenarios/patterson2021_gpt3.toml")
    comparison = compare([model, lca.with_parameters(model, {"pue": 1.5})], 64, seed=4, labels=("a", "b"))
    sensitivity = one_at_a_time(model)
    for copied in round_trips(comparison):
        assert copied.assertion("climate_change", "a", "b") == comparison.assertion("climate_change", "a", "b")
    for copied in round_trips(sensitivity):
        assert copied.to_dict() == sensitivity.to_dict()
