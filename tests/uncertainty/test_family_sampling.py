"""Monte Carlo draws by family (issue 11, step 5): one vectorized quantile per distribution
family, bit for bit scipy.stats' ``ppf``, and no scipy.stats on the path of a plain random run."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import scipy.stats as stats
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lca.engine.propagate import prepare
from lca.load import load_study
from lca.load.distributions import family_quantiles
from lca.model.uncertainty import discrete_distribution
from lca.uncertainty.sampling import make_design

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
RNG = np.random.default_rng(11)
K, N = 40, 500
# uniforms as Monte Carlo makes them, and the extremes the clipping allows
U = np.concatenate([RNG.random((K, N)), np.full((K, 1), np.finfo(float).eps / 2),
                    np.full((K, 1), 1 - np.finfo(float).eps / 2)], axis=1)
LOW = RNG.uniform(-5, 5, (K, 1))
WIDTH = RNG.uniform(0.1, 100, (K, 1))
MODE = np.concatenate([[[0.0], [1.0]], RNG.random((K - 2, 1))])  # the edges: a right and a left triangle


@pytest.mark.parametrize("family, columns", [
    ("lognorm", {"s": RNG.uniform(0.01, 2.3, (K, 1)), "scale": RNG.lognormal(0, 5, (K, 1))}),
    ("norm", {"loc": LOW, "scale": WIDTH}),
    ("uniform", {"loc": LOW, "scale": WIDTH}),
    ("triang", {"c": MODE, "loc": LOW, "scale": WIDTH}),
    ("beta", {"a": RNG.uniform(1, 5, (K, 1)), "b": RNG.uniform(1, 5, (K, 1)), "loc": LOW, "scale": WIDTH}),
])
def test_each_family_is_bit_for_bit_scipy_ppf(family, columns):
    expected = getattr(stats, family)(**columns).ppf(U)
    assert np.array_equal(family_quantiles(family, columns)(U), expected)


def test_an_unknown_family_or_keyword_has_no_vectorized_quantile():
    assert family_quantiles("gamma", {"a": 2.0}) is None
    assert family_quantiles("lognorm", {"scale": 1.0}) is None  # no shape: not a lognormal it knows


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=8).filter(lambda w: sum(w) > 0),
       st.lists(st.floats(1e-16, 1 - 1e-16), min_size=1, max_size=50))
@example(weights=[12, 17, 4, 13], u=[0.9999999999999999])
@example(weights=[12, 17, 4, 13, 0], u=[0.9999999999999999, 0.5])
def test_discrete_ppf_is_scipy_rv_discrete(weights, u):
    distribution = discrete_distribution([10.0 * i for i in range(len(weights))], weights, 0.0, "x")
    u = np.array(u)
    # scipy 1.17's rv_discrete takes argmax over "cumulative >= u", which is 0 (the FIRST option)
    # when rounding leaves the cumulative's last entry below u (46 weights: 0.9999999999999998);
    # there the draw is the last option that has weight, as the probabilities say
    reached = u <= distribution.frozen.qvals[-1]
    index = distribution.frozen.ppf(u[reached]).astype(np.int64)
    drawn = distribution.ppf(u)
    assert drawn[reached].tolist() == [10.0 * i for i in index]
    assert (drawn[~reached] == 10.0 * np.flatnonzero(weights)[-1]).all()


def test_the_flagship_draws_are_scipy_ppf_of_each_parameter():
    # every sampled parameter's row of a chunk equals its own frozen scipy distribution's ppf
    propagator = prepare(load_study(FLAGSHIP))
    block = make_design(propagator.names, 300, seed=5).block(0, 300)
    values = propagator.transform(block)
    assert len(propagator.families) >= 4 and propagator.singles == ()
    for row, name in enumerate(propagator.names):
        assert np.array_equal(values[row], propagator.distributions[name].frozen.ppf(block[row])), name


PROBE = """
import io, json, sys
from contextlib import redirect_stdout
import lca.cli
with redirect_stdout(io.StringIO()):
    status = lca.cli.main({argv!r})
print(json.dumps({{"status": status, "stats": "scipy.stats" in sys.modules}}))
"""


@pytest.mark.parametrize("study", ["lca:scenarios/patterson2021_gpt3.toml", FLAGSHIP])
def test_a_random_monte_carlo_run_does_not_import_scipy_stats(study):
    argv = ["run", study, "--samples", "500", "--seed", "3", "--quiet", "--format", "json"]
    done = subprocess.run([sys.executable, "-P", "-c", PROBE.format(argv=argv)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": 0, "stats": False}
