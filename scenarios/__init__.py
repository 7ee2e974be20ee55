"""Studies shipped with lca, read as package data (``lca:scenarios/NAME.toml``).

>>> from lca import load_study
>>> load_study("lca:scenarios/llm_training_lifecycle.toml").study.functional_unit
'one trained model (GPT-3 175B-class, one training run)'
"""
