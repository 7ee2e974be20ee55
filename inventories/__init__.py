"""Inventories, methods and tables shipped with lca, read as package data (``lca:PATH``).

>>> from lca.load.resources import shipped
>>> shipped("lca:hardware/products.toml").is_file(), shipped("lca:methods/ipcc_ar6_gwp100.toml").is_file()
(True, True)
"""
