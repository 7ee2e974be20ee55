"""Uncertainty tables are parsed once, at load, into immutable records that every later step
asks (varies, relative, pedigree, distribution) instead of reading raw dicts."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.errors import DistributionError
from lca.load.distributions import parse_uncertainty
from lca.load.pedigree import pedigree_sigma
from lca.model.uncertainty import Uncertainty
from lca.sources import describe_uncertainty

SPECS = [
    ({"distribution": "fixed"}, 2.0),
    ({"distribution": "lognormal", "gsd": 1.4, "source": "expert"}, 7.0),
    ({"distribution": "lognormal", "sigma": 0.3, "mu": math.log(7.0)}, 7.0),
    ({"distribution": "normal", "sd": 2}, 5.0),
    ({"distribution": "uniform", "min": 1, "max": 4}, 2.0),
    ({"distribution": "triangular", "min": 1, "max": 4, "mode": 2}, 2.5),
    ({"distribution": "pert", "min": 1.0, "max": 4.0}, 2.5),
    ({"distribution": "discrete", "values": [10, 20, 40], "weights": [1, 1, 2]}, 20.0),
    ({"pedigree": [2, 3, 4, 5, 1], "basic": "air_co2"}, 3.0),
]


@pytest.mark.parametrize("spec, value", SPECS)
def test_record_is_immutable_picklable_and_round_trips_to_its_table(spec, value):
    record = parse_uncertainty(spec, value, "x")
    assert isinstance(record, Uncertainty)
    assert pickle.loads(pickle.dumps(record)) == record == copy.deepcopy(record)
    hash(record)
    with pytest.raises(AttributeError):
        record.kind = "fixed"
    # the table it came from, less what it derives (mu is the value's log)
    written = {k: v for k, v in spec.items() if k != "mu"}
    assert record.to_dict() == written
    assert parse_uncertainty(record.to_dict(), value, "x") == record


def test_fields_say_what_the_raw_dict_checks_said():
    assert [parse_uncertainty(s, v, "x").varies for s, v in SPECS] == [False] + [True] * 8
    assert [parse_uncertainty(s, v, "x").relative for s, v in SPECS] == \
        [True, True, True, False, False, False, False, False, True]
    pedigree = parse_uncertainty(*SPECS[-1], "x")
    assert (pedigree.kind, pedigree.pedigree) == ("lognormal", (2, 3, 4, 5, 1))
    # the sigma is computed at load from the shipped factor table (Weidema et al. 2013)
    assert pedigree.pedigree_sigma == pedigree_sigma((2, 3, 4, 5, 1), basic="air_co2")
    assert round(math.exp(pedigree.log_sigma), 4) == 1.1176


def test_distribution_equals_the_hand_computed_quantiles():
    lognormal = parse_uncertainty({"distribution": "lognormal", "gsd": 1.4}, 7.0, "x").distribution(7.0)
    assert float(lognormal.ppf(0.5)) == pytest.approx(7.0)
    # 97.5th percentile of a lognormal: median * gsd ** 1.959964
    assert float(lognormal.ppf(0.975)) == pytest.approx(7.0 * 1.4 ** 1.959964, rel=1e-6)
    pert = parse_uncertainty({"distribution": "pert", "min": 1, "max": 4, "mode": 2}, 2.5, "x").distribution(2.5)
    assert pert.frozen.mean() == pytest.approx((1 + 4 * 2 + 4) / 6)
    discrete = parse_uncertainty(SPECS[7][0], 20.0, "x").distribution(20.0)
    assert discrete.ppf([0.1, 0.3, 0.6]).tolist() == [10.0, 20.0, 40.0]


def test_a_new_center_is_checked_where_the_record_is_used():
    triangular = parse_uncertainty({"distribution": "triangular", "min": 1, "max": 4}, 2.5, "x")
    with pytest.raises(DistributionError, match=r"^pue: the value 5 is outside \[min, max\] = \[1, 4\]$"):
        triangular.distribution(5.0, "pue")
    lognormal = parse_uncertainty({"distribution": "lognormal", "gsd": 1.1}, 1.0, "x")
    with pytest.raises(DistributionError, match="needs a positive median"):
        lognormal.distribution(-1.0, "pue")


@settings(max_examples=60, deadline=None)
@given(low=st.floats(-1e6, 1e6), width=st.floats(1e-3, 1e6), share=st.floats(0, 1), mode_share=st.floats(0, 1))
def test_ranged_distributions_stay_in_their_range_around_any_center(low, width, share, mode_share):
    high = low + width
    center, mode = low + share * width, low + mode_share * width
    for kind in ("uniform", "triangular", "pert"):
        spec = {"distribution": kind, "min": low, "max": high} | ({"mode": mode} if kind != "uniform" else {})
        values = parse_uncertainty(spec, center, "x").distribution(center).ppf(np.linspace(0, 1, 21))
        assert np.all(values >= low - 1e-9 * width) and np.all(values <= high + 1e-9 * width)


def test_loaded_model_holds_records_not_dicts():
    model = lca.load_study("lca:scenarios/patterson2021_gpt3.toml")
    pue = model.parameters["pue"].uncertainty
    assert pue == Uncertainty("triangular", minimum=1.07, maximum=1.2)
    assert describe_uncertainty(pue) == "triangular min=1.07 max=1.2"
    compiled = lca.compile_model(model)
    assert all(u is None or isinstance(u, Uncertainty) for u in compiled.parameters.uncertainty.values())
    assert "pue" in compiled.parameters.uncertain


def test_an_override_keeps_a_relative_spread_and_drops_a_range():
    model = lca.with_parameters(lca.load_study("lca:scenarios/patterson2021_gpt3.toml"),
                                {"pue": 1.5, "grid_intensity": 0.3})
    assert model.parameters["pue"].uncertainty is None  # a [1.07, 1.2] range says nothing about 1.5
    assert model.parameters["grid_intensity"].uncertainty == Uncertainty("lognormal", gsd=1.15)


def test_choice_parameter_weights_are_a_record():
    from lca.load.tables import choice_uncertainty

    record = choice_uncertainty({"distribution": "discrete", "weights": [3, 1]}, ("a", "b"), "x")
    assert record == Uncertainty("discrete", weights=(3, 1))
    assert choice_uncertainty(record, ("a", "b"), "x") == record
    assert describe_uncertainty(record) == "discrete weights=3,1"
