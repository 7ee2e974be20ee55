"""The openLCA round trip of choice parameters, from the command line: ``lca export --format
olca``, ``lca import``, ``lca run --set CHOICE=OPTION`` give the scores ``lca run --set`` of the
study gives, to 1e-9, at options other than the study's (the choices are choices again after the
import, their comparisons formulas of them)."""

from __future__ import annotations

import contextlib
import io
import json
import tomllib

import pytest
from conftest import run_cli as run

from lca.cli import main

from olca_choice_cases import CO2, ROUTES  # tests/olca_choice_cases.py: the hand-solved 3-option study

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


def scores(capsys, scenario, *sets):
    status, out, err = run(capsys, "run", str(scenario), "--format", "json", *sets)
    assert status == 0, err
    return {c: i["value"] for c, i in json.loads(out)["impacts"].items()}


def round_trip(folder, scenario):
    """The scenario the import of the study's openLCA export writes, the imported inventory, and
    what the export printed on stderr."""
    zip_path, out = folder / "study.zip", folder / "imported"
    with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
        assert main(["export", str(scenario), "--format", "olca", "--out", str(zip_path)]) == 0
        assert main(["import", str(zip_path), "--out", str(out)]) == 0
    (imported,) = [p for p in out.glob("*.toml") if p.name != "inventory.toml"]
    return imported, tomllib.loads((out / "inventory.toml").read_text()), err.getvalue()


@pytest.fixture(scope="module")
def flagship(tmp_path_factory):
    return round_trip(tmp_path_factory.mktemp("flagship"), FLAGSHIP)


@pytest.mark.parametrize("sets", [
    (),
    ("--set", "fab_region=kr", "--set", "grid_region=fr"),
    ("--set", "accelerator=h100", "--set", "memory_fab_region=us", "--set", "eol_route=landfill"),
    ("--set", "datacenter_infrastructure=on", "--set", "development_runs=on",
     "--set", "datacenter_type=industry_average", "--set", "grid_region=se1"),
])
def test_the_flagship_round_trip_moves_with_its_choices(capsys, flagship, sets):
    imported, _inventory, _err = flagship
    expected, got = scores(capsys, FLAGSHIP, *sets), scores(capsys, imported, *sets)
    assert len(expected) == 7 and set(got) == set(expected)
    for category, value in expected.items():
        assert got[category] == pytest.approx(value, rel=1e-9), category
    if sets:  # the choices matter: the study's own scores are not these
        assert expected["climate_change"] != pytest.approx(scores(capsys, FLAGSHIP)["climate_change"], rel=1e-3)


def test_the_flagships_choices_are_imported_as_choices(flagship):
    _imported, inventory, err = flagship
    assert "study's choice" not in err and "formulas or parameters are exported (in part) as values" in err
    grid = inventory["parameters"]["grid_region"]
    assert grid["value"] == "us" and len(grid["options"]) == 63 and grid["options"][:3] == ["glo", "us", "cn"]
    assert inventory["parameters"]["fab_region"]["options"] == ["tw", "kr", "us", "cn", "jp", "glo"]
    amounts = [e["amount"] for p in inventory["processes"].values() for e in p.get("technosphere", [])
               if isinstance(e["amount"], str)]
    assert any("fab_region == 'kr'" in a for a in amounts)


def test_every_route_of_the_hand_study_round_trips_to_its_hand_solved_co2(capsys, tmp_path, study):
    path = study(ROUTES.replace("UNCERTAINTY", ""))
    imported, inventory, err = round_trip(tmp_path, path)
    assert err == ""  # nothing lost: no folded choice, no uncertainty
    assert inventory["parameters"]["route"] == {
        "value": "rail", "options": ["road", "rail", "ship"],
        "description": "lca choice parameter route: 1 = road, 2 = rail, 3 = ship; test choice",
        "source": "openLCA parameter 'route' (a choice, by its index) in study.zip"}
    for route, co2 in CO2.items():
        chosen = ("--set", f"route={route}")
        expected, got = scores(capsys, path, *chosen), scores(capsys, imported, *chosen)
        assert expected["climate_change"] == pytest.approx(co2, rel=1e-12), route
        for category, value in expected.items():
            assert got[category] == pytest.approx(value, rel=1e-9, abs=1e-300), (route, category)
    # an option the imported choice does not have is the usual clear error
    status, _out, err = run(capsys, "run", str(imported), "--set", "route=air")
    assert status == 2 and "'air' is not an option of 'route' (options: road, rail, ship)" in err
