"""lca.allocation.infrastructure: users plus idle capacity carry the whole footprint (property test)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.allocation.infrastructure import allocate_infrastructure


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=6),
       st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=1e-6, max_value=1e9))
def test_infrastructure_users_plus_idle_equal_the_footprint(uses, slack, footprint):
    total_use = sum(uses)
    capacity = total_use / (1 - 0.999 * slack) if total_use > 0 else 1.0
    users, idle = allocate_infrastructure(np.array([[footprint], [2 * footprint]]), capacity,
                                          {f"u{i}": np.array([u]) for i, u in enumerate(uses)}, "dc")
    np.testing.assert_allclose(sum(users.values()) + idle, [[footprint], [2 * footprint]], rtol=1e-9)
    assert np.all(idle >= -1e-9 * footprint)
