"""The model layer: immutable records of what study and inventory files say
(:mod:`lca.model.records`, :mod:`lca.model.allocation`, :mod:`lca.model.quantity`) and pure
rules over them (:mod:`lca.model.rules`). Nothing here reads a file or builds a matrix.
"""

from .allocation import AllocationSpec, Infrastructure, Lineage, Node
from .records import (
    CATEGORIES,
    INHERIT,
    STAGES,
    UNASSIGNED,
    Amount,
    Bounds,
    Exchange,
    Factor,
    Flow,
    Method,
    Model,
    Parameter,
    Process,
    Product,
    Study,
)
from .rules import is_intensity, resolve_provider, stage_key, technosphere_graph

__all__ = [
    "CATEGORIES", "INHERIT", "STAGES", "UNASSIGNED", "AllocationSpec", "Amount", "Bounds", "Exchange", "Factor", "Flow",
    "Infrastructure", "Lineage", "Method", "Model", "Node", "Parameter", "Process", "Product", "Study",
    "is_intensity", "resolve_provider", "stage_key", "technosphere_graph",
]
