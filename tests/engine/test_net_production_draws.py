"""A Monte Carlo draw that makes a process use all or more of its own product (issue 14):
an error naming the process, the parameter and the sample, checked in the engine where the
production entries are known, instead of "singular in sample N" or impacts of flipped sign."""

from __future__ import annotations

import numpy as np
import pytest

import lca
from lca.engine.propagate import evaluate, prepare
from lca.uncertainty.montecarlo import monte_carlo

from hardening_inputs import HEAD, PROCESS_A

# a makes 1 kg and uses `reuse` kg of it: supply 1 / (1 - reuse), CO2 2 / (1 - reuse) kg
REUSE = '''
[parameters.reuse]
value = 0.5
source = "test"
uncertainty = { distribution = "uniform", min = 0.1, max = 1.5 }
'''
SELF_USE = 'technosphere = [{ product = "a", amount = "reuse", unit = "kg" }]\n'


def _model(study):
    return lca.load_study(study(HEAD + PROCESS_A + SELF_USE + REUSE))


def test_central_value_is_the_hand_solved_loop(study):
    # reuse 0.5: 2 kg of a made for 1 kg delivered, 4 kg CO2-eq
    assert lca.calculate(_model(study)).impacts["climate_change"].value == pytest.approx(4.0)


@pytest.mark.parametrize("reuse, problem", [
    (1.25, "is -0.25 kg in Monte Carlo sample 11 (it reads reuse = 1.25): the process uses more of its own "
           "product than it makes, which would flip the sign of its impacts"),
    (1.0, "is 0 kg in Monte Carlo sample 11 (it reads reuse = 1): the process uses all of its own product "
          "that it makes, so the system is singular"),
])
def test_draw_at_or_past_the_limit_names_process_parameter_and_sample(study, reuse, problem):
    propagator = prepare(_model(study), ("reuse",))
    draws = np.array([[0.5, 0.9, reuse, 0.2]])
    # the first sample of this block is number 9, the bad one the third: sample 11
    with pytest.raises(lca.ModelError) as info:
        evaluate(propagator, draws, first_sample=9)
    assert str(info.value).endswith("study.toml: processes.a: net production of 'a' " + problem)


def test_draws_below_the_limit_give_the_loop_results(study):
    # 2 / (1 - r): the property of every draw under 1
    propagator = prepare(_model(study), ("reuse",))
    draws = np.array([[0.1, 0.5, 0.75, 0.999]])
    scores = evaluate(propagator, draws).scores[0]
    np.testing.assert_allclose(scores, 2 / (1 - draws[0]), rtol=1e-9)


def test_monte_carlo_run_stops_with_the_error(study):
    # uniform(0.1, 1.5): about 36 % of the draws reach 1; seeded, so the first is always the same
    with pytest.raises(lca.ModelError, match=r"processes\.a: net production of 'a' is -?[0-9.e-]+ kg in Monte Carlo "
                                             r"sample \d+ \(it reads reuse = 1(\.[0-9]+)?\)"):
        monte_carlo(_model(study), 200, seed=7)


def test_cli_exit_status_and_one_line(study, capsys):
    from lca.cli import main

    path = study(HEAD + PROCESS_A + SELF_USE + REUSE)
    assert main(["run", str(path), "--samples", "200", "--quiet"]) == 2
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert out == "" and line.startswith("error: ") and "net production of 'a'" in line and "reuse = " in line
