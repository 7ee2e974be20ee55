"""The engine: a model compiled to sparse matrices (:mod:`~lca.engine.compile`), solved
(:mod:`~lca.engine.solve`, and many systems at once: :mod:`~lca.engine.batched`), and
characterized with contributions (:mod:`~lca.engine.calculate`); batched evaluation of many
parameter sets (:mod:`~lca.engine.propagate`) serves every analysis.

>>> from lca.load import load_study
>>> from lca.engine import calculate, compile_model
>>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> round(calculate(compiled).impacts["climate_change"].value, 1)
553142.3
"""

from .calculate import CategoryResult, LCAResult, calculate, compute
from .compile import CompiledModel, compile_model
from .solve import factorize

__all__ = ["CategoryResult", "CompiledModel", "LCAResult", "calculate", "compile_model", "compute", "factorize"]
