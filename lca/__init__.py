"""lca: life-cycle assessment of AI systems.

The pipeline, one module a step: :mod:`lca.io` (files -> model) -> :mod:`lca.compile`
(model -> matrices) -> :mod:`lca.solve` (A s = f) -> :mod:`lca.calculate` (inventory,
characterization, contributions) -> analyses -> :mod:`lca.cli`.

>>> import lca
>>> model = lca.load_study("scenarios/patterson2021_gpt3.toml", overrides={"pue": 1.2})  # doctest: +SKIP
>>> result = lca.calculate(model)                                                         # doctest: +SKIP
>>> result.impacts["climate_change"].value, result.impacts["climate_change"].unit         # doctest: +SKIP
"""

from .calculate import CategoryResult, LCAResult, calculate, compute
from .compile import CompiledModel, compile_model
from .errors import (
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
    SingularSystemError,
    UnitError,
)
from .io import load_inventory, load_study
from .model import CATEGORIES, STAGES, Model, technosphere_graph
from .solve import factorize
from .units import ureg

__all__ = [
    "CATEGORIES", "STAGES", "AmbiguousProviderError", "CategoryResult", "CompiledModel", "DistributionError",
    "DuplicateIdError", "FileFormatError", "FormulaError", "LCAError", "LCAResult", "MethodError",
    "MissingProviderError", "Model", "ModelError", "ParameterError", "SingularSystemError", "UnitError",
    "calculate", "compile_model", "compute", "factorize", "load_inventory", "load_study",
    "technosphere_graph", "ureg",
]
__version__ = "0.1.0"
