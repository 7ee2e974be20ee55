"""Hardening of the analyses (issue 14), found by tests/load/test_fuzz.py."""

from __future__ import annotations

import json

import pytest

from lca.cli import main

from hardening_inputs import HEAD, PROCESS_A

# the one uncertain number of the study: a's emission, lognormal
UNCERTAIN_A = HEAD + PROCESS_A.replace('unit = "kg" }]', 'unit = "kg", uncertainty = { distribution = "lognormal", '
                                       'gsd = 1.5 } }]')


def test_spearman_with_one_uncertain_parameter_and_one_category(study, capsys):
    # scipy returns a bare coefficient for two variables; the score is monotone in the one
    # uncertain emission, so its rank correlation is 1
    path = study(UNCERTAIN_A, header='include = ["base.toml", "gwp.toml"]\n')
    code = main(["sensitivity", str(path), "--analysis", "spearman", "--samples", "64", "--format", "json", "--quiet"])
    out, _ = capsys.readouterr()
    assert code == 0
    (name, record), = json.loads(out)["climate_change"].items()
    assert name == "~a.biosphere[0]" and record["rho"] == pytest.approx(1.0)


def test_sobol_with_one_uncertain_parameter_and_one_category(study, capsys):
    # scipy's sobol_indices fails on one input and one output; with one uncertain parameter,
    # all of the variance is its own: first-order and total indices are 1 (estimated)
    path = study(UNCERTAIN_A, header='include = ["base.toml", "gwp.toml"]\n')
    code = main(["sensitivity", str(path), "--analysis", "sobol", "--samples", "1024", "--format", "json", "--quiet"])
    out, _ = capsys.readouterr()
    assert code == 0
    record = json.loads(out)["climate_change"]["~a.biosphere[0]"]
    assert record["first_order"] == pytest.approx(1.0, abs=0.05)
    assert record["total"] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("method", ["spearman", "sobol", "oat"])
def test_sensitivity_of_a_study_without_impact_category_is_an_error(study, capsys, method):
    # found by the fuzzer: spearman on no category was an IndexError inside scipy
    path = study(UNCERTAIN_A, header='include = ["base.toml"]\n')
    code = main(["sensitivity", str(path), "--analysis", method, "--samples", "16", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip().endswith("study.toml: the study has no impact category (no method loaded): nothing to analyse")
