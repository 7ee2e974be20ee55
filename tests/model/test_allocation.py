"""lca.model.allocation: a lineage that is a cycle is an error."""

from __future__ import annotations

import pytest

from lca.errors import AllocationError
from lca.model.allocation import Node, build_lineage


def test_cyclic_lineage_is_an_error():
    with pytest.raises(AllocationError, match="cycle"):
        build_lineage({"a": Node("a", parent="b"), "b": Node("b", parent="a")})
