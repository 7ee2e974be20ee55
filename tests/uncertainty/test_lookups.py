"""Asking a result for a category (or a study) it does not have is a programmer's KeyError,
not a user error with exit status 2; the CLI still says what a bad --category is."""

from __future__ import annotations

import pytest

import lca
from lca.cli import main
from lca.uncertainty import compare, monte_carlo

STUDY = "lca:scenarios/patterson2021_gpt3.toml"


@pytest.fixture(scope="module")
def result():
    return monte_carlo(lca.load_study(STUDY), 64, seed=5, by_stage=True)


@pytest.mark.parametrize("lookup", ["samples", "summary", "convergence", "stage_summaries"])
def test_unknown_category_of_a_monte_carlo_result_is_a_key_error(result, lookup):
    with pytest.raises(KeyError, match="no category 'climate'"):
        getattr(result, lookup)("climate")
    assert not issubclass(KeyError, lca.LCAError)


def test_known_category_still_answers(result):
    assert result.summary("climate_change").n == 64


def test_unknown_category_of_an_lca_result_is_a_key_error():
    with pytest.raises(KeyError):
        lca.calculate(lca.load_study(STUDY)).impacts["climate"]


def test_unknown_category_or_study_of_a_comparison_is_a_key_error():
    model = lca.load_study(STUDY)
    comparison = compare([model, lca.with_parameters(model, {"pue": 1.5})], 32, seed=2, labels=("A", "B"))
    assert comparison.assertion("climate_change").p_a_lower == 1.0  # a higher PUE only adds energy
    with pytest.raises(KeyError, match="category 'climate'"):
        comparison.assertion("climate")
    assert comparison.assertion("climate_change", "B", "A").p_a_lower == 0.0
    with pytest.raises(KeyError, match="no study 'C'"):
        comparison.assertion("climate_change", "A", "C")


def test_cli_bad_category_is_one_line_and_status_2(capsys):
    assert main(["sources", STUDY, "--category", "climate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--category 'climate'" in err
