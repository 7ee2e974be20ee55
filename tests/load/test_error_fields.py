"""Loader errors carry the file and the item besides their message (which stays as it was)."""

from __future__ import annotations

import pickle

import pytest

import lca
from lca.errors import LCAError, split_where

HEAD = '''
[study]
name = "fields"
functional_unit = "1 kg"

[demand]
a = 1

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
'''


def raised(path, error=lca.LCAError) -> LCAError:
    with pytest.raises(error) as info:
        lca.load_study(path)
    return info.value


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[study\nname = 1\n")
    exc = raised(path, lca.FileFormatError)
    assert exc.file == str(path)
    assert exc.item is None
    assert str(exc).startswith(f"{path}: invalid TOML: ")


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "absent.toml"
    exc = raised(path, lca.FileFormatError)
    assert (exc.file, str(exc)) == (str(path), f"{path}: file not found")


def test_unknown_key_names_file_and_item(study):
    path = study(HEAD + 'colour = "red"\n')
    exc = raised(path, lca.FileFormatError)
    assert exc.file == str(path)
    assert exc.item == "processes.a"
    assert str(exc) == f"{path}: processes.a: unknown key(s) 'colour' (allowed: " + str(exc).split("(allowed: ")[1]


def test_bad_unit_names_file_and_item(study):
    path = study(HEAD.replace('unit = "kg"', 'unit = "kgg"'))
    exc = raised(path, lca.UnitError)
    assert (exc.file, exc.item) == (str(path), "processes.a.unit")
    assert str(exc).startswith(f"{path}: processes.a.unit: cannot read unit 'kgg'")


def test_unknown_parameter_in_a_formula_names_file_and_item(study):
    path = study(HEAD + '[parameters.mass]\nformula = "2 * volume"\nunit = "kg"\n')
    exc = raised(path, lca.ParameterError)
    assert (exc.file, exc.item) == (str(path), "parameters.mass.formula")
    assert "unknown parameter 'volume'" in str(exc)


def test_missing_provider_names_file_and_item(study):
    path = study(HEAD + 'technosphere = [{ product = "steel", amount = 1, unit = "kg" }]\n')
    exc = raised(path, lca.MissingProviderError)
    assert exc.file == str(path)
    assert exc.item == "processes.a.technosphere[0] (steel)"
    assert isinstance(exc, lca.ModelError)


def test_bad_distribution_names_file_and_item(study):
    path = study(HEAD + '[parameters.pue]\nvalue = 1.1\nuncertainty = { distribution = "uniform", min = 2, max = 1 }\n')
    exc = raised(path, lca.DistributionError)
    assert (exc.file, exc.item) == (str(path), "parameters.pue.uncertainty")
    assert str(exc) == f"{path}: parameters.pue.uncertainty: uniform needs min < max, got min = 2, max = 1"


def test_override_errors_name_the_item_but_no_file():
    model = lca.load_study("lca:scenarios/patterson2021_gpt3.toml")
    with pytest.raises(lca.ParameterError) as info:
        lca.with_parameters(model, {"pue": "fast"})
    assert info.value.file is None
    assert info.value.item is not None and "pue" in info.value.item


def test_fields_survive_pickling():
    exc = lca.UnitError.at("a.toml: flows.x.unit", "cannot read unit 'kgg'")
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is lca.UnitError
    assert (again.file, again.item, str(again)) == ("a.toml", "flows.x.unit", str(exc))


@pytest.mark.parametrize("where, expected", [
    ("study.toml: processes.a.biosphere[2] (co2)", ("study.toml", "processes.a.biosphere[2] (co2)")),
    ("/data/x.csv", ("/data/x.csv", None)),
    ("override pue", (None, "override pue")),
    ("--method", (None, "--method")),
])
def test_split_where(where, expected):
    assert split_where(where) == expected
