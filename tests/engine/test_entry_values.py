"""MatrixEntries.values with all multipliers at once gives, bit for bit, the entry-by-entry
products (scalar parameters, sample arrays, an entry with two multipliers), and a unit
conversion across dimensions is refused every time, naming each item."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.engine.compile import MatrixEntries
from lca.errors import UnitError
from lca.units import conversion_factor, parse_unit


def entry_by_entry(entries: MatrixEntries, params) -> np.ndarray:
    """The plain loop: each multiplier in turn, as ``values`` did before it was batched."""
    size = next((len(v) for v in params.values() if np.ndim(v) == 1), None)
    values = entries.constant.copy() if size is None else np.repeat(entries.constant[:, None], size, axis=1)
    for index, name in entries.multipliers:
        values[index] = values[index] * params[name]
    return values


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=True)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_batched_multipliers_equal_the_loop(data):
    n = data.draw(st.integers(1, 30))
    constant = np.array(data.draw(st.lists(finite, min_size=n, max_size=n)))
    entries_with = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    twice = data.draw(st.booleans()) and len(entries_with) > 0  # one entry with two multipliers: the loop
    multipliers = [(i, f"~m{k}") for k, i in enumerate(entries_with)]
    if twice:
        multipliers.append((entries_with[0], "~extra"))
    params = {name: data.draw(finite) for _, name in multipliers}
    params["plain"] = data.draw(st.sampled_from([1.5, 2]))  # a parameter no entry reads
    entries = MatrixEntries(shape=(n, 1), rows=np.arange(n), cols=np.zeros(n, dtype=np.int64), constant=constant,
                            multipliers=tuple(multipliers))
    got, expected = entries.values(params), entry_by_entry(entries, params)
    assert got.tobytes() == expected.tobytes()  # bit for bit, signs of zeros too
    assert (entries._unique_multipliers is None) == (twice or not multipliers)
    samples = {name: np.array(data.draw(st.lists(finite, min_size=3, max_size=3))) for name in params}
    assert entries.values(samples).tobytes() == entry_by_entry(entries, samples).tobytes()


def test_two_multipliers_on_one_entry_both_apply():
    entries = MatrixEntries(shape=(2, 1), rows=np.array([0, 1]), cols=np.array([0, 0]), constant=np.array([2.0, 3.0]),
                            multipliers=((0, "a"), (0, "b"), (1, "a")))
    assert entries.values({"a": 5.0, "b": 7.0}).tolist() == [70.0, 15.0]
    assert entries.values({"a": np.array([1.0, 2.0]), "b": 3.0}).tolist() == [[6.0, 12.0], [3.0, 6.0]]


def test_conversion_across_dimensions_refused_each_time():
    kg, kwh = parse_unit("kg"), parse_unit("kWh")
    assert conversion_factor(parse_unit("t"), kg) == 1000.0
    for where in ("a.toml: processes.x.technosphere[0]", "b.toml: processes.y.biosphere[3]"):
        with pytest.raises(UnitError, match=rf"^{re.escape(where)}: unit kg \(\[mass\]\) cannot be converted to kWh"):
            conversion_factor(kg, kwh, where)
