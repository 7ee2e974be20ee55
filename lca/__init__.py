"""lca: life-cycle assessment of AI systems.

The pipeline, one layer a step, imports only going down it: :mod:`lca.model` (records and
pure rules) -> :mod:`lca.load` (files -> model) -> :mod:`lca.engine` (compile, solve,
calculate) -> analyses (:mod:`lca.uncertainty`, :mod:`lca.allocation`, :mod:`lca.sources`)
-> :mod:`lca.serialize` and :mod:`lca.frames` (pandas data frames, ``lca.to_frame``) ->
:mod:`lca.report` -> :mod:`lca.cli`.

>>> import lca
>>> model = lca.load_study("lca:scenarios/patterson2021_gpt3.toml", overrides={"pue": 1.2})
>>> climate = lca.calculate(model).impacts["climate_change"]
>>> f"{climate.value:,.0f} {climate.unit}"
'603,428 kg CO2-eq'
"""

from ._version import __version__
from .engine.calculate import (
    CategoryResult,
    FlowResult,
    LCAResult,
    ParameterValue,
    calculate,
    compute,
)
from .engine.compile import CompiledModel, compile_model
from .engine.solve import factorize
from .errors import (
    AllocationError,
    AmbiguousProviderError,
    DistributionError,
    DuplicateIdError,
    FileFormatError,
    FormulaError,
    LCAError,
    MethodError,
    MissingProviderError,
    ModelError,
    ParameterError,
    ReportError,
    SingularSystemError,
    UnitError,
)
from .frames import to_frame
from .load.study import load_inventory, load_study, with_methods, with_parameters
from .model.records import CATEGORIES, STAGES, Model
from .model.rules import technosphere_graph
from .units import ureg

__all__ = [
    "CATEGORIES", "STAGES", "__version__", "AllocationError", "AmbiguousProviderError", "CategoryResult", "CompiledModel",
    "DistributionError", "DuplicateIdError", "FileFormatError", "FlowResult", "FormulaError", "LCAError",
    "LCAResult", "MethodError", "MissingProviderError", "Model", "ModelError", "ParameterError", "ParameterValue",
    "ReportError", "SingularSystemError", "UnitError", "calculate", "compile_model", "compute", "factorize",
    "load_inventory", "load_study", "technosphere_graph", "to_frame", "ureg", "with_methods", "with_parameters",
]
