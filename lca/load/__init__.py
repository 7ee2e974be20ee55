"""The loading layer: TOML files (study, inventories, methods) into a checked
:class:`~lca.model.Model`, with parameters and overrides, uncertainty specifications, the
multi-output and end-of-life rewrites, and the allocation tables parsed into the model.
Shipped files are named ``lca:...`` (:mod:`lca.load.resources`).

>>> from lca.load import load_study, with_parameters
>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> with_parameters(model, {"pue": 1.2}).parameters["pue"].value, model.parameters["pue"].value
(1.2, 1.1)
"""

from .study import (
    load_file,
    load_inventory,
    load_study,
    select_methods,
    with_methods,
    with_parameters,
)

__all__ = ["load_file", "load_inventory", "load_study", "select_methods", "with_methods", "with_parameters"]
