"""Allocation (ISO 14044 4.3.4): multi-output processes (partition, substitution), shared
infrastructure (datacenter keys, idle remainder), pretrain-then-adapt model lineages and
end-of-life recycling (cut-off, avoided burden, 50/50, PEF Circular Footprint Formula).

Every rule conserves the footprint: allocated parts plus the explicit unallocated remainder
equal the unallocated total. The multi-output and end-of-life rewrites happen at load time
(:mod:`lca.load.multioutput`, :mod:`lca.load.recycling`); this package allocates lineages
(:func:`allocate_lineage`) and shared infrastructure (:func:`allocate_infrastructure`), and
:func:`allocate_study` does both for a study. See docs/allocation.md.

>>> import numpy as np
>>> parts = partition(np.array([[10.0]]), {"chat": np.array([1.0]), "code": np.array([3.0])}, "lineage.base")
>>> float(parts["chat"][0, 0]), float(parts["code"][0, 0])
(2.5, 7.5)
"""

from ..model.allocation import RULES
from .infrastructure import allocate_infrastructure
from .lineage import LineageAllocation, allocate_lineage
from .shares import partition
from .study import RuleResult, StudyAllocation, allocate_study

__all__ = ["RULES", "LineageAllocation", "RuleResult", "StudyAllocation", "allocate_infrastructure",
           "allocate_lineage", "allocate_study", "partition"]
