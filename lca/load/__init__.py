"""The loading layer: TOML files (study, inventories, methods) into a checked
:class:`~lca.model.Model`, with parameters and overrides, uncertainty specifications, the
multi-output and end-of-life rewrites, and the allocation tables parsed into the model.
"""

from .study import (
    load_inventory,
    load_study,
    select_methods,
    with_methods,
    with_parameters,
)

__all__ = ["load_inventory", "load_study", "select_methods", "with_methods", "with_parameters"]
