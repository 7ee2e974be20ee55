"""Allocation (ISO 14044 4.3.4): multi-output processes (partition, substitution), shared
infrastructure (datacenter keys, idle remainder), pretrain-then-adapt model lineages and
end-of-life recycling (cut-off, avoided burden, 50/50, PEF Circular Footprint Formula).

Every rule conserves the footprint: allocated parts plus the explicit unallocated remainder
equal the unallocated total. See docs/allocation.md.

>>> from lca import load_study
>>> from lca.allocation import allocate_study
>>> result = allocate_study(load_study("scenarios/pretrain_adapt.toml"), ["equal", "queries"])  # doctest: +SKIP
"""

from ..model.allocation import RULES
from .infrastructure import allocate_infrastructure
from .lineage import LineageAllocation, allocate_lineage
from .shares import partition
from .study import RuleResult, StudyAllocation, allocate_study

__all__ = ["RULES", "LineageAllocation", "RuleResult", "StudyAllocation", "allocate_infrastructure",
           "allocate_lineage", "allocate_study", "partition"]
