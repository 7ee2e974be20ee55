"""The fast paths of loading a big database give what the plain paths give: uncertainty tables
parsed once per distinct table (records equal to a fresh parse, types and signs kept apart,
value checks on every item, bad tables naming each item), the collector paused and restored,
and the nesting depth of read_toml equal to a recursive count."""

from __future__ import annotations

import gc
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.errors import DistributionError
from lca.load import distributions
from lca.load.distributions import parse_uncertainty
from lca.load.tables import MAX_NESTING, _nesting, collection_paused

LOGNORMAL = {"distribution": "lognormal", "gsd": 1.2214027581601699}


def fresh(spec, value, where):
    """parse_uncertainty with nothing remembered: the plain path."""
    distributions._PARSED.clear()
    try:
        return parse_uncertainty(spec, value, where)
    finally:
        distributions._PARSED.clear()


def test_one_record_for_a_repeated_table():
    records = [parse_uncertainty(dict(LOGNORMAL), 0.5 + i, f"p.technosphere[{i}]") for i in range(1000)]
    assert all(r is records[0] for r in records)  # one parse, shared (records are immutable)
    assert records[0] == fresh(dict(LOGNORMAL), 3.0, "x")
    assert records[0].log_sigma == pytest.approx(0.2, rel=1e-15)  # ln(1.2214027581601699)


def test_numbers_kept_as_written():
    """1 and 1.0 and -0.0 and 0.0 are equal dict keys; the records keep them apart, as the file does."""
    as_int = parse_uncertainty({"distribution": "triangular", "min": 1, "max": 4}, 2.0, "a")
    as_float = parse_uncertainty({"distribution": "triangular", "min": 1.0, "max": 4.0}, 2.0, "b")
    assert json.dumps(as_int.to_dict()) == '{"distribution": "triangular", "min": 1, "max": 4}'
    assert json.dumps(as_float.to_dict()) == '{"distribution": "triangular", "min": 1.0, "max": 4.0}'
    negative = parse_uncertainty({"distribution": "triangular", "min": -1.0, "max": 1.0, "mode": -0.0}, 0.5, "c")
    positive = parse_uncertainty({"distribution": "triangular", "min": -1.0, "max": 1.0, "mode": 0.0}, 0.5, "d")
    assert (math.copysign(1, negative.mode), math.copysign(1, positive.mode)) == (-1, 1)


def test_value_checked_for_every_item():
    parse_uncertainty(dict(LOGNORMAL), 2.0, "good")
    with pytest.raises(DistributionError, match=r"^second\.uncertainty: a lognormal needs a positive median .* -1$"):
        parse_uncertainty(dict(LOGNORMAL), -1.0, "second.uncertainty")
    uniform = {"distribution": "uniform", "min": 1.0, "max": 2.0}
    parse_uncertainty(uniform, 1.5, "inside")
    with pytest.raises(DistributionError, match=r"^outside: the value 3 is outside \[min, max\] = \[1, 2\]$"):
        parse_uncertainty(uniform, 3.0, "outside")
    with_mu = {"distribution": "lognormal", "sigma": 0.1, "mu": math.log(2.0)}
    parse_uncertainty(with_mu, 2.0, "mu agrees")
    with pytest.raises(DistributionError, match="^mu disagrees: lognormal mu = 0.693147 disagrees with ln"):
        parse_uncertainty(with_mu, 5.0, "mu disagrees")


def test_bad_table_names_each_item():
    bad = {"distribution": "lognormal", "gsd": 0.9}
    for where in ("a.toml: processes.x.uncertainty", "b.toml: processes.y.uncertainty"):
        with pytest.raises(DistributionError, match=f"^{where}: lognormal gsd must be > 1, got 0.9$"):
            parse_uncertainty(bad, 1.0, where)


numbers = st.one_of(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False), st.sampled_from([0.0, -0.0, 1, 1.0, True]))
specs = st.one_of(
    st.fixed_dictionaries({"distribution": st.just("lognormal")},
                          optional={"gsd": numbers, "sigma": numbers, "mu": numbers, "source": st.text(max_size=3)}),
    st.fixed_dictionaries({"distribution": st.just("normal")}, optional={"sd": numbers, "comment": st.just("c")}),
    st.fixed_dictionaries({"distribution": st.sampled_from(["uniform", "triangular", "pert"]), "min": numbers,
                           "max": numbers}, optional={"mode": numbers}),
    st.fixed_dictionaries({"distribution": st.just("discrete"), "values": st.lists(numbers, max_size=3)},
                          optional={"weights": st.lists(numbers, max_size=3)}),
    st.fixed_dictionaries({"pedigree": st.lists(st.integers(1, 5), min_size=5, max_size=5)},
                          optional={"basic_gsd": numbers}),
    st.fixed_dictionaries({"distribution": st.sampled_from(["fixed", "gamma", 3])}, optional={"x": numbers}),
)


def outcome(spec, value, where):
    try:
        record = parse_uncertainty(spec, value, where)
    except DistributionError as exc:
        return "error", str(exc)
    return "record", record, repr(record.to_dict()), [math.copysign(1, v) for v in record.to_dict().values()
                                                      if type(v) is float]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(specs, numbers), min_size=1, max_size=8))
def test_remembered_parse_equals_a_fresh_one(items):
    """Any sequence of tables and values gives, item by item, what a parse from nothing gives."""
    cold = []
    for i, (spec, value) in enumerate(items):
        distributions._PARSED.clear()
        cold.append(outcome(spec, value, f"item[{i}]"))
    distributions._PARSED.clear()
    warm = [outcome(spec, value, f"item[{i % len(items)}]") for i, (spec, value) in enumerate(items + items)]
    assert warm == cold + cold


def test_collection_paused_and_restored():
    assert gc.isenabled()
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer load is still under way
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with collection_paused():
            1 / 0
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # off before, off after: the caller's choice stands
    finally:
        gc.enable()


def test_what_a_pause_allocated_goes_to_the_oldest_generation():
    """No young collection walks a load's records; a cycle among them is still collected."""
    class Node:
        pass

    gc.collect()
    with collection_paused():
        kept = [{"row": [i]} for i in range(10_000)]
        cycle = Node()
        cycle.self = cycle
        assert gc.get_count()[0] >= 10_000
    assert gc.get_count()[0] < 100 and gc.get_freeze_count() == 0
    assert gc.is_tracked(kept[0])
    gc.collect(1)  # a young collection: the records are not in it
    del cycle
    assert gc.collect() >= 1  # the full one finds the cycle


def test_a_programs_own_freeze_is_kept():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collection_paused():
            made = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen and made
    finally:
        gc.unfreeze()


def depth(item) -> int:
    children = item.values() if isinstance(item, dict) else item
    return 1 + max((depth(c) for c in children if isinstance(c, (dict, list))), default=0)


trees = st.recursive(st.one_of(st.integers(), st.text(max_size=2)),
                     lambda inner: st.one_of(st.lists(inner, max_size=3),
                                             st.dictionaries(st.text(max_size=2), inner, max_size=3)),
                     max_leaves=60)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=2), trees, max_size=4))
def test_nesting_is_the_depth(data):
    assert _nesting(data) == min(depth(data), MAX_NESTING + 1)


def test_nesting_stops_past_the_limit():
    deep: dict = {}
    inner = deep
    for _ in range(200):
        inner["k"] = {}
        inner = inner["k"]
    assert _nesting(deep) == MAX_NESTING + 1
    assert _nesting({"a": [[{"b": []}]]}) == 5
