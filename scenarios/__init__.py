"""Studies shipped with lca, read as package data (``lca:scenarios/NAME.toml``)."""
