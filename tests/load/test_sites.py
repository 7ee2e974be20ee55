"""Sites: two sites with known grids, PUE, WUE and energies give hand-computed impacts; --set on one
site's grid or location changes only that site; malformed sites are one clear error (exit 2)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from lca import calculate, load_study, with_parameters
from lca.errors import LCAError
from lca.load.sites import cloud_region, cloud_regions

# Two grids of our own, so every number below is on the page: GHG 0.4 and 0.3 kg CO2-eq/kWh,
# 2 L of off-site water per kWh each, consumed in DE and IE.
GRIDS = """
include = ["lca:flows/elementary.toml"]
[processes.electricity_de]
amount = 1
unit = "kWh"
source = "test grid"
biosphere = [{ flow = "ghg_precharacterized_air", amount = 0.4, unit = "kg CO2-eq", source = "test" },
             { flow = "water_consumed_de", amount = 0.002, unit = "m3", source = "test" }]
[processes.electricity_ie]
amount = 1
unit = "kWh"
source = "test grid"
biosphere = [{ flow = "ghg_precharacterized_air", amount = 0.3, unit = "kg CO2-eq", source = "test" },
             { flow = "water_consumed_ie", amount = 0.002, unit = "m3", source = "test" }]
[products.it_energy]
unit = "kWh"
"""

STUDY = """
include = ["grids.toml", "lca:methods/ipcc_ar6_gwp100.toml", "lca:methods/water_consumption.toml",
           "lca:methods/aware_water_scarcity.toml"]
[study]
name = "two sites"
functional_unit = "one job"
[demand]
job = 1
[sites.train]
location = "de"
pue = 1.2
wue = { value = 0.5, unit = "L/kWh", source = "test" }
processes = ["training"]
[sites.serve]
location = "IE"
pue = 1.1
wue = { value = 1.5, unit = "L/kWh", source = "test" }
default = true
[processes.training]
amount = 1
unit = "item"
stage = "use"
source = "test"
technosphere = [{ product = "it_energy", amount = 100, unit = "kWh", source = "test" }]
[processes.serving]
amount = 1
unit = "item"
stage = "use"
source = "test"
technosphere = [{ product = "it_energy", amount = 200, unit = "kWh", source = "test" }]
[processes.job]
amount = 1
unit = "item"
stage = "use"
source = "test"
technosphere = [{ product = "training", amount = 1, unit = "item", source = "test" },
                { product = "serving", amount = 1, unit = "item", source = "test" }]
"""
EXTRA = ""


def write(tmp_path, study=STUDY, grids=GRIDS):
    (tmp_path / "grids.toml").write_text(grids, encoding="utf-8")
    path = tmp_path / "study.toml"
    path.write_text(study, encoding="utf-8")
    return path


def test_two_sites_hand_computed(tmp_path):
    result = calculate(load_study(write(tmp_path)))
    # train: 100 kWh IT x 1.2 = 120 kWh of DE grid; serve: 200 x 1.1 = 220 kWh of IE grid
    assert result.impacts["climate_change"].value == pytest.approx(120 * 0.4 + 220 * 0.3, rel=1e-12)
    # water: grid 2 L/kWh at both + on-site 0.5 L/kWh IT (DE) and 1.5 L/kWh IT (IE)
    de_m3, ie_m3 = 120 * 0.002 + 100 * 0.5e-3, 220 * 0.002 + 200 * 1.5e-3
    assert result.impacts["water_consumption"].value == pytest.approx(de_m3 + ie_m3, rel=1e-12)
    # AWARE: 1.364 m3 world-eq/m3 in Germany, 0.716 in Ireland (Boulay et al. 2018, EF 3.0 values)
    assert result.impacts["water_scarcity"].value == pytest.approx(de_m3 * 1.364 + ie_m3 * 0.716, rel=1e-12)


def test_set_one_grid_intensity_changes_only_that_site(tmp_path):
    model = load_study(write(tmp_path), overrides={"grid_intensity.ie": "250 g CO2-eq/kWh"})
    assert model.parameters["grid_intensity_ie"].value == pytest.approx(0.25)
    result = calculate(model)
    assert result.impacts["climate_change"].value == pytest.approx(120 * 0.4 + 220 * 0.25, rel=1e-12)
    by_process = result.impacts["climate_change"].by_process
    assert by_process["site_electricity_de"] == pytest.approx(48, rel=1e-12)
    assert by_process["site_electricity_ie"] == pytest.approx(55, rel=1e-12)


def test_moving_one_site_moves_its_electricity_and_water(tmp_path):
    base = load_study(write(tmp_path))
    moved = calculate(with_parameters(base, {"site.train.location": "ie"}))
    # both sites on the Irish grid now; training's on-site water is consumed in Ireland
    assert moved.impacts["climate_change"].value == pytest.approx((120 + 220) * 0.3, rel=1e-12)
    water = 120 * 0.002 + 100 * 0.5e-3 + 220 * 0.002 + 200 * 1.5e-3
    assert moved.impacts["water_scarcity"].value == pytest.approx(water * 0.716, rel=1e-12)


def test_pue_wue_default_to_the_study_parameters(tmp_path):
    study = STUDY.replace("pue = 1.2\n", "").replace('wue = { value = 0.5, unit = "L/kWh", source = "test" }\n', "")
    study += '[parameters.pue]\nvalue = 1.5\nsource = "test"\n[parameters.wue_onsite]\nvalue = 2\nunit = "L/kWh"\nsource = "test"\n'
    model = load_study(write(tmp_path, study))
    result = calculate(model)
    assert result.impacts["climate_change"].value == pytest.approx(150 * 0.4 + 220 * 0.3, rel=1e-12)
    assert calculate(with_parameters(model, {"pue": 2.0})).impacts["climate_change"].value == pytest.approx(
        200 * 0.4 + 220 * 0.3, rel=1e-12)


def test_cloud_regions_map_to_grids_and_published_pue():
    assert cloud_region("aws:eu-west-1").grid == "ie"
    assert cloud_region("gcp:europe-west4").grid == "nl"
    assert cloud_region("azure:westeurope").grid == "nl"
    assert cloud_region("aws:us-east-1").grid == "us_va"
    assert cloud_region("gcp:us-central1").grid == "us_ia"
    assert cloud_region("aws:eu-north-1").grid == "se3"
    # Google's per-campus PUE where published (Green Algorithms / mlco2 tables), else the fleet's
    assert cloud_region("gcp:europe-west1").pue == 1.08
    assert cloud_region("gcp:europe-west3").pue == 1.09
    assert cloud_region("aws:eu-west-1").pue == 1.15
    assert cloud_region("azure:northeurope").wue == 0.30
    for region in cloud_regions().values():
        assert 1 <= region.pue_range[0] <= region.pue <= region.pue_range[1]
        assert 0 < region.wue_range[0] <= region.wue <= region.wue_range[1]
        assert region.pue_source and region.wue_source and region.location_source


SHIPPED = "lca:scenarios/finetune_de_serve_ie.toml"


def test_two_site_study_from_shipped_inventories():
    model = load_study(SHIPPED)
    assert model.parameters["site_finetune_location"].value == "de"
    assert model.parameters["site_serve_location"].value == "ie"
    # the Azure North Europe region brings Microsoft's fleet PUE and WUE
    assert model.parameters["site_serve_pue"].value == 1.18
    assert model.parameters["site_serve_wue"].value == pytest.approx(0.30)
    # no electricity process is written by the study: the sites' grids are the copies of the shipped ones
    assert not any(p.startswith("electricity") or p.startswith("site_electricity")
                   for p in _study_processes(model))
    base = calculate(model)
    kwh = base.impacts["climate_change"].by_process
    de, ie = model.parameters["grid_intensity_de"].value, model.parameters["grid_intensity_ie"].value
    serve_kwh = kwh["site_electricity_ie"] / ie
    finetune_kwh = kwh["site_electricity_de"] / de
    assert serve_kwh > 0 and finetune_kwh > 0
    changed = calculate(with_parameters(model, {"grid_intensity.ie": f"{2 * ie} kg CO2-eq/kWh"}))
    # exactly the serving site's electricity doubles; nothing else moves
    delta = changed.impacts["climate_change"].value - base.impacts["climate_change"].value
    assert delta == pytest.approx(serve_kwh * ie, rel=1e-9)
    assert changed.impacts["climate_change"].by_process["site_electricity_de"] == pytest.approx(
        kwh["site_electricity_de"], rel=1e-12)
    for category in ("water_scarcity", "human_toxicity_cancer", "abiotic_depletion_fossil"):
        assert changed.impacts[category].value == pytest.approx(base.impacts[category].value, rel=1e-12)


def _study_processes(model):
    return [p.id for p in model.processes.values() if "finetune_de_serve_ie.toml" in p.defined_in
            and "copied" not in p.defined_in and "sites" not in p.defined_in]


def test_cli_set_dotted_grid_intensity(capsys):
    status, out, err = run_cli(capsys, "run", SHIPPED, "--format", "json")
    assert status == 0, err
    status, changed, err = run_cli(capsys, "run", SHIPPED, "--set", "grid_intensity.de=0 kg CO2-eq/kWh",
                                   "--format", "json")
    assert status == 0, err
    before, after = json.loads(out)["impacts"]["climate_change"], json.loads(changed)["impacts"]["climate_change"]
    assert after["by_process"].get("site_electricity_de", 0.0) == 0.0
    assert after["value"] == pytest.approx(before["value"] - before["by_process"]["site_electricity_de"], rel=1e-9)


BAD = [
    ('location = "de"', 'location = "mars"', r"sites\.train\.location: unknown location 'mars' \(grid codes: de, ie"),
    ('location = "de"', 'location = "aws:mars-1"', r"unknown cloud region 'aws:mars-1' .*known aws regions: aws:"),
    ('location = "de"', 'location = "azure:nowhere"', r"unknown cloud region 'azure:nowhere'"),
    ('location = "de"', 'location = 3', r"sites\.train\.location: must be a grid code"),
    ('location = "de"\n', '', r"sites\.train: give exactly one of 'location'"),
    ('location = "de"', 'location = "de"\nlocation_parameter = "x"', r"give exactly one of 'location'"),
    ('location = "de"', 'location_parameter = "nope"', r"location_parameter: 'nope' is not a choice parameter"),
    ('pue = 1.2', 'pue = 0.9', r"site_train_pue.*0\.9"),
    ('pue = 1.2', 'pue = "high"', r"sites\.train\.pue\.value: expected a number"),
    ('pue = 1.2', 'colour = "red"', r"sites\.train: unknown key\(s\) 'colour'"),
    ('processes = ["training"]', 'processes = ["nothing"]', r"sites\.train\.processes: no process 'nothing'"),
    ('processes = ["training"]', 'processes = "training"', r"sites\.train\.processes: must be a list"),
    ('default = true', 'default = "yes"', r"sites\.serve\.default: must be true or false"),
    ('processes = ["training"]', 'processes = ["training"]\ndefault = true', r"two default sites"),
    ('stage = "use"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100',
     'stage = "use"\nsite = "moon"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100',
     r"processes\.training\.site: site 'moon' is not declared \(declared: train, serve\)"),
    ('stage = "use"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100',
     'stage = "use"\nsite = "serve"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100',
     r"placed at 'serve' here and at 'train' by sites\.train\.processes"),
    ('{ product = "it_energy", amount = 200, unit = "kWh", source = "test" }',
     '{ product = "it_energy", amount = 200, unit = "kWh", source = "test", site = "venus" }',
     r"technosphere\[0\]\.site: site 'venus' is not declared"),
    ('{ product = "training", amount = 1, unit = "item", source = "test" }',
     '{ product = "training", amount = 1, unit = "item", source = "test", site = "train" }',
     r"technosphere\[0\]\.site: a site supplies 'it_energy', not 'training'"),
    ('[sites.train]', '[sites.Train]', r"sites\.Train: id 'Train' must match"),
]


@pytest.mark.parametrize("old, new, message", BAD)
def test_malformed_sites_are_one_clear_error(tmp_path, capsys, old, new, message):
    assert old in STUDY
    path = write(tmp_path, STUDY.replace(old, new, 1))
    with pytest.raises(LCAError, match=message):
        load_study(path)
    status, _, err = run_cli(capsys, "run", str(path))
    assert status == 2 and "Traceback" not in err and "study.toml" in err


def test_site_without_grids_and_without_pue(tmp_path):
    study = STUDY.replace('"grids.toml", ', "")
    with pytest.raises(LCAError, match=r"study\.toml: sites: there are no grids"):
        load_study(write(tmp_path, study))
    study = STUDY.replace("pue = 1.2\n", "")
    with pytest.raises(LCAError, match=r"sites\.train\.pue: give the site's pue \(the study has no parameter 'pue'"):
        load_study(write(tmp_path, study))


def test_site_key_without_sites_is_an_error(tmp_path):
    study = STUDY.split("[sites.train]")[0] + STUDY.split('default = true\n')[1]
    study = study.replace('stage = "use"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100',
                          'stage = "use"\nsite = "train"\nsource = "test"\ntechnosphere = [{ product = "it_energy", amount = 100')
    with pytest.raises(LCAError, match=r"site 'train' is not declared \(declared: none"):
        load_study(write(tmp_path, study))


def test_sites_only_in_a_study(tmp_path):
    grids = GRIDS + '[sites.x]\nlocation = "de"\n'
    with pytest.raises(LCAError, match=r"grids\.toml: \[sites\] belongs in a study file"):
        load_study(write(tmp_path, grids=grids))


TRANSPORT_STUDY = STUDY.replace('"grids.toml", ', '"grids.toml", "lca:hardware/transport.toml", ').replace(
    'processes = ["training"]', 'processes = ["training"]\nhardware_from = "tw"').replace(
    '{ product = "it_energy", amount = 100, unit = "kWh", source = "test" }',
    '{ product = "it_energy", amount = 100, unit = "kWh", source = "test" }, '
    '{ product = "fab_to_datacenter_transport", amount = 1000, unit = "kg", source = "test" }')


def test_hardware_reaches_a_site_by_its_route(tmp_path):
    from lca.load.sites import transport_routes

    route = transport_routes()[("tw", "de")]
    # the route table: air = great circle TPE-FRA + 95 km; sea Kaohsiung-Hamburg via Suez
    assert 9000 < route["air"] < 10000 and 18000 < route["sea"] < 20500
    result = calculate(load_study(write(tmp_path, TRANSPORT_STUDY)))
    tonnes, share = 1.0, 0.5  # 1,000 kg; half by air (transport_air_share)
    assert result.supply["freight_air"] == pytest.approx(tonnes * share * route["air"], rel=1e-12)
    assert result.supply["freight_sea"] == pytest.approx(tonnes * (1 - share) * route["sea"], rel=1e-12)
    assert result.supply["freight_truck"] == pytest.approx(
        tonnes * (share * route["road_air"] + (1 - share) * route["road_sea"]), rel=1e-12)
    # the default Taiwan -> US route of transport.toml is not used
    assert result.supply.get("fab_to_datacenter_transport", 0.0) == 0.0


def test_every_origin_reaches_every_grid():
    from lca.load.sites import ORIGINS, transport_routes

    routes = transport_routes()
    codes = {code for _, code in routes}
    assert len(codes) == 63 and {origin for origin, _ in routes} == set(ORIGINS)
    for (origin, code), km in routes.items():
        domestic = code.split("_")[0] == origin or (origin == "us" and code.startswith("us"))
        assert (km["air"] == km["sea"] == 0) == domestic, (origin, code)
        assert km["road_air"] > 0 and km["road_sea"] > 0


@pytest.mark.parametrize("old, new, message", [
    ('hardware_from = "tw"', 'hardware_from = "fr"', r"hardware_from: unknown origin 'fr' \(assembly regions: tw, kr"),
    ('"lca:hardware/transport.toml", ', '', r"hardware_from: the study has no freight transport"),
])
def test_malformed_hardware_origin(tmp_path, old, new, message):
    with pytest.raises(LCAError, match=message):
        load_study(write(tmp_path, TRANSPORT_STUDY.replace(old, new)))


def test_sweep_takes_the_dotted_names(tmp_path):
    from lca.uncertainty.sweep import grid_scenarios, sweep

    model = load_study(write(tmp_path))
    result = sweep(model, grid_scenarios(["grid_intensity.ie=0.3,0.1"]))
    climate = [row["climate_change"] for row in result.rows()]
    assert climate == pytest.approx([120 * 0.4 + 220 * 0.3, 120 * 0.4 + 220 * 0.1], rel=1e-12)
