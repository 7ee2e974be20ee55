"""Inventories, methods and tables shipped with lca, read as package data (``lca:PATH``)."""
