"""lca.uncertainty.sampling: sampling designs do not depend on chunking; Latin hypercube and Sobol'
are stratified."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.uncertainty import make_design


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300), cut=st.floats(0, 1), seed=st.integers(0, 2 ** 32),
       sampler=st.sampled_from(["random", "lhs", "sobol"]))
def test_design_blocks_do_not_depend_on_chunking(n, cut, seed, sampler):
    design = make_design(("b", "a", "~p.technosphere[0]"), n, seed, sampler)
    whole = design.block(0, n)
    split = int(cut * n)
    np.testing.assert_array_equal(np.hstack([design.block(0, split), design.block(split, n)]), whole)
    assert np.all((whole > 0) & (whole < 1))
    np.testing.assert_array_equal(design.subset(("a",)).block(0, n)[0], whole[1])


def test_latin_hypercube_is_stratified_and_sobol_balanced():
    lhs = make_design(("x", "y"), 64, 1, "lhs").block(0, 64)
    for row in lhs:
        assert sorted(np.floor(row * 64).astype(int).tolist()) == list(range(64))
    sobol = make_design(("x", "y"), 64, 1, "sobol").block(0, 64)
    for row in sobol:
        assert sorted(np.floor(row * 64).astype(int).tolist()) == list(range(64))
