"""Uncertainty and sensitivity analysis (ISO 14044 4.4.5): Monte Carlo propagation of
distributions on parameters, exchanges and characterization factors; comparative assertions
with paired draws; one-at-a-time, Spearman and Sobol sensitivity; scenario sweeps.

>>> from lca import load_study
>>> from lca.uncertainty import monte_carlo, sobol
>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> summary = monte_carlo(model, 1000, seed=1).summary("climate_change")
>>> f"{summary.percentiles['2.5']:,.0f} to {summary.percentiles['97.5']:,.0f}"
'400,351 to 814,054'
>>> list(sobol(model, 256, seed=1).values["climate_change"])
['grid_intensity', 'chip_power', 'pue', 'duration']

See docs/uncertainty.md.
"""

# scipy.stats is imported inside the functions that need it: the deterministic path imports
# this package (to check uncertainty tables at load time) and should not pay for it.
from ..engine.propagate import Propagator, evaluate, evaluate_chunked, prepare
from ..load.distributions import (
    check_spec,
    make_distribution,
    parameter_distributions,
    parse_uncertainty,
)
from ..load.pedigree import pedigree_sigma
from ..model.uncertainty import Distribution, Uncertainty
from .compare import ComparativeAssertion, Comparison, compare
from .montecarlo import MonteCarloResult, monte_carlo
from .sampling import SAMPLERS, Design, make_design
from .sensitivity import SensitivityResult, one_at_a_time, sensitivity, sobol, spearman
from .statistics import PERCENTILES, Convergence, Summary, convergence, summarize
from .sweep import Scenario, SweepResult, grid_scenarios, sweep, table_scenarios

__all__ = [
    "ComparativeAssertion", "Comparison", "Convergence", "Design", "Distribution", "MonteCarloResult",
    "PERCENTILES", "Propagator", "SAMPLERS", "Scenario", "SensitivityResult", "Summary", "SweepResult", "Uncertainty", "check_spec", "compare",
    "convergence", "evaluate", "evaluate_chunked", "make_design", "make_distribution", "monte_carlo",
    "one_at_a_time", "parameter_distributions", "parse_uncertainty", "pedigree_sigma", "prepare", "sensitivity", "sobol",
    "spearman", "summarize", "sweep", "table_scenarios", "grid_scenarios",
]
