"""The model layer: immutable records of what study and inventory files say
(:mod:`lca.model.records`, :mod:`lca.model.allocation`, :mod:`lca.model.quantity`) and pure
rules over them (:mod:`lca.model.rules`). Nothing here reads a file or builds a matrix.

>>> from lca.model import STAGES, stage_key
>>> STAGES
('extraction', 'manufacturing', 'transport', 'use', 'end_of_life')
>>> sorted(["use", "training", "extraction"], key=stage_key)
['extraction', 'use', 'training']
"""

from .allocation import AllocationSpec, Infrastructure, Lineage, Node
from .frozen import FrozenDict, frozen
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
from .uncertainty import Distribution, Uncertainty

__all__ = [
    "CATEGORIES", "INHERIT", "STAGES", "UNASSIGNED", "AllocationSpec", "Amount", "Bounds", "Distribution", "Exchange", "Factor", "Flow", "FrozenDict",
    "Infrastructure", "Lineage", "Method", "Model", "Node", "Parameter", "Process", "Product", "Study", "Uncertainty",
    "frozen", "is_intensity", "resolve_provider", "stage_key", "technosphere_graph",
]
