"""The supply chain upstream of a demand (lca.model.rules.upstream), the walk that loading
uses instead of networkx: the same processes as the ancestors in technosphere_graph."""

from __future__ import annotations

import networkx as nx
import pytest

from lca import load_study
from lca.model.rules import technosphere_graph, upstream


@pytest.mark.parametrize("study", ["llm_training_lifecycle", "llm_inference_lifecycle", "pretrain_adapt"])
def test_upstream_is_the_process_with_its_ancestors_in_the_graph(study):
    model = load_study(f"lca:scenarios/{study}.toml")
    graph = technosphere_graph(model)
    for process in model.processes:
        assert upstream(model, [process]) == nx.ancestors(graph, process) | {process}, process
    demanded = [p for p in model.demand if p in model.processes]
    if demanded:
        assert upstream(model, demanded) == set().union(*(nx.ancestors(graph, p) | {p} for p in demanded))


CHAIN_WITH_LOOP = """
[study]
name = "a chain with a loop and a process nothing uses"
functional_unit = "1 kg of A"

[demand]
a = { amount = 1, unit = "kg" }

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
technosphere = [{ product = "b", amount = 0.5, unit = "kWh" }]

[processes.b]
unit = "kWh"
stage = "use"
source = "test"
technosphere = [{ product = "c", amount = 1, unit = "item" }]

[processes.c]
unit = "item"
stage = "use"
source = "test"
technosphere = [{ product = "b", amount = 0.1, unit = "kWh" }]

[processes.d]
unit = "kg"
stage = "use"
source = "test"
technosphere = [{ product = "a", amount = 1, unit = "kg" }]
"""


def test_a_chain_with_a_loop_by_hand(study):
    # a <- b <-> c, and d consumes a: upstream of a is a, b, c (the loop is walked once);
    # d is downstream of everything, so only upstream of itself
    model = load_study(study(CHAIN_WITH_LOOP))
    assert upstream(model, ["a"]) == {"a", "b", "c"}
    assert upstream(model, ["c"]) == {"b", "c"}
    assert upstream(model, ["d"]) == {"a", "b", "c", "d"}
    assert upstream(model, []) == set()
    assert any(w.endswith("not reachable from the demand: d") for w in model.warnings)
