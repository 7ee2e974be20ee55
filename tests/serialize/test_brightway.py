"""Brightway 2.5 export: bw2calc reproduces ``lca run`` from the project and the datapackage.

Scores must agree to 1e-9 relative for every category (the flagship and two reproductions);
bw2calc's Monte Carlo must agree with ``lca``'s within sampling error (z-tests of the mean
and the 2.5/97.5 percentiles) on a study whose uncertain numbers all have stats_arrays
forms, and on the flagship through presampled arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from bw_helpers import bw, bw_samples, load_package, package_views, relative, z_scores  # noqa: F401
from conftest import METHODS, write_study
from hypothesis import given, settings
from hypothesis import strategies as st

from lca import calculate, load_study
from lca.engine.compile import compile_model
from lca.errors import LCAError, ModelError
from lca.export import brightway as export_module
from lca.export import common as export_common
from lca.export.brightway import (
    FUNCTIONAL_UNIT,
    brightway_export,
    stats_arrays_uncertainty,
    write_datapackage,
    write_project,
)
from lca.load.distributions import make_distribution
from lca.uncertainty.montecarlo import monte_carlo

# bw2calc imports bw2data, which makes its folder on import: every test gets the temporary one
pytestmark = pytest.mark.usefixtures("bw")
STUDIES = ("llm_training_lifecycle", "patterson2021_gpt3", "luccioni2022_bloom")


def compiled_study(name: str):
    return compile_model(load_study(f"lca:scenarios/{name}.toml"))


# A study with every stats_arrays family on exchanges, a factor and the production, a
# credit (a negative input), a loop (electricity takes some of its own output) and
# a second category: hand-solved below.
UNCERTAIN = '''
[study]
name = "uncertain"
functional_unit = "1 kg part"

[demand]
part = { amount = 2, unit = "kg" }

[processes.part]
unit = "kg"
stage = "manufacturing"
technosphere = [
  { product = "electricity", amount = 10, unit = "kWh", uncertainty = { distribution = "lognormal", gsd = 1.3 } },
  { product = "scrap", amount = -0.2, unit = "kg", uncertainty = { distribution = "normal", sd = 0.05 } },
]
biosphere = [
  { flow = "co2", amount = 1.5, unit = "kg", uncertainty = { distribution = "normal", sd = 0.3 } },
  { flow = "water", amount = 4, unit = "L", uncertainty = { distribution = "uniform", min = 2, max = 6 } },
]

[processes.electricity]
unit = "kWh"
uncertainty = { distribution = "triangular", min = 0.9, max = 1.05, mode = 1 }
stage = "use"
technosphere = [{ product = "electricity", amount = 0.05, unit = "kWh" }]
biosphere = [
  { flow = "co2", amount = 0.4, unit = "kg", uncertainty = { distribution = "lognormal", gsd = 1.1 } },
  { flow = "ch4", amount = 1, unit = "g", uncertainty = { distribution = "triangular", min = 0.5, max = 2 } },
]

[processes.scrap]
unit = "kg"
stage = "end_of_life"
biosphere = [{ flow = "co2", amount = 2, unit = "kg" }]
'''


# fossil methane's factor with an uncertainty (AR6: 29.8 +- 11)
UNCERTAIN_GWP = 'include = ["base.toml"]\n' + METHODS.replace('id = "gwp_test"', 'id = "gwp_uncertain"').replace(
    'value = 29.8\nunit = "kg CO2-eq/kg"\n', 'value = 29.8\nunit = "kg CO2-eq/kg"\nuncertainty = { distribution = "normal", sd = 11 }\n')
HEADER = 'include = ["base.toml", "gwp_uncertain.toml", "water.toml"]\nmethods = ["gwp_uncertain", "water_test"]\n'


def write_uncertain(folder, body: str = UNCERTAIN, name: str = "uncertain.toml"):
    write_study(folder, body, name=name, header=HEADER)
    (folder / "gwp_uncertain.toml").write_text(UNCERTAIN_GWP)
    return folder / name


@pytest.fixture
def uncertain(tmp_path):
    return compile_model(load_study(write_uncertain(tmp_path)))


def hand_scores() -> dict[str, float]:
    # electricity per kWh delivered: 1 / (1 - 0.05); demand 2 kg part
    kwh = 2 * 10 / 0.95
    co2 = 2 * 1.5 + kwh * 0.4 - 2 * 0.2 * 2  # the scrap credit avoids 2 kg CO2 per kg
    ch4 = kwh * 1e-3
    return {"climate_change": co2 + 29.8 * ch4, "water_consumption": 2 * 4e-3}


def test_hand_solved_study_scores(bw, uncertain, tmp_path):
    expected = hand_scores()
    result = calculate(uncertain)
    export = brightway_export(uncertain)
    assert export.unsupported == ()
    package = load_package(write_datapackage(export, tmp_path / "u.zip"))
    write_project(export, "hand-solved")
    node = bw.get_node(database="uncertain", code=FUNCTIONAL_UNIT)
    import bw2calc

    for category, value in expected.items():
        assert relative(result.impacts[category].value, value) < 1e-12
        lca = bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1}, data_objs=package_views(package, category))
        lca.lci()
        lca.lcia()
        assert relative(lca.score, value) < 1e-12
        lca = bw2calc.LCA({node: 1}, method=("lca", category))
        lca.lci()
        lca.lcia()
        assert relative(lca.score, value) < 1e-12


def test_project_holds_nodes_exchanges_and_methods(bw, uncertain):
    write_project(brightway_export(uncertain), "structure")
    assert {"uncertain", "uncertain biosphere"} <= set(bw.databases)
    part = bw.get_node(database="uncertain", code="part")
    assert part["reference product"] == "part" and part["unit"] == "kg"
    exchanges = {(e.input["code"], e["type"]): e for e in part.exchanges()}
    assert exchanges[("part", "production")]["amount"] == 1
    electricity = exchanges[("electricity", "technosphere")]
    assert electricity["amount"] == 10 and electricity["uncertainty type"] == 2
    assert math.isclose(electricity["loc"], math.log(10)) and math.isclose(electricity["scale"], math.log(1.3))
    scrap = exchanges[("scrap", "technosphere")]  # a credit: a negative input
    assert (scrap["amount"], scrap["uncertainty type"], scrap["loc"], scrap["scale"]) == (-0.2, 3, -0.2, 0.05)
    co2 = exchanges[("co2", "biosphere")]
    assert (co2["uncertainty type"], co2["loc"], co2["scale"]) == (3, 1.5, 0.3)
    water = exchanges[("water", "biosphere")]  # litres converted to the flow's m3, bounds too
    assert water["uncertainty type"] == 4 and math.isclose(water["minimum"], 2e-3) and math.isclose(water["maximum"], 6e-3)
    loop = bw.get_node(database="uncertain", code="electricity")
    production = [e for e in loop.exchanges() if e["type"] == "production"][0]
    assert production["uncertainty type"] == 5 and (production["minimum"], production["loc"]) == (0.9, 1.0)
    assert [e["amount"] for e in loop.technosphere()] == [0.05]
    unit = bw.get_node(database="uncertain", code=FUNCTIONAL_UNIT)
    assert [(e.input["code"], e["amount"]) for e in unit.technosphere()] == [("part", 2.0)]
    assert ("lca", "climate_change") in bw.methods and ("lca", "water_consumption") in bw.methods
    factors = dict(bw.Method(("lca", "climate_change")).load())
    assert factors[bw.get_node(database="uncertain biosphere", code="ch4").id] == {
        "amount": 29.8, "uncertainty type": 3, "loc": 29.8, "scale": 11.0}


@pytest.mark.parametrize("name", STUDIES)
def test_bw2calc_reproduces_every_category(bw, name, tmp_path):
    import bw2calc

    compiled = compiled_study(name)
    result = calculate(compiled)
    export = brightway_export(compiled)
    package = load_package(write_datapackage(export, tmp_path / f"{name}.zip"))
    write_project(export, f"reproduce-{name}")
    node = bw.get_node(database=name, code=FUNCTIONAL_UNIT)
    assert len(compiled.categories) >= 1
    for category in compiled.categories:
        expected = result.impacts[category].value
        assert expected != 0
        from_package = bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1},
                                   data_objs=package_views(package, category))
        from_package.lci()
        from_package.lcia()
        from_project = bw2calc.LCA({node: 1}, method=("lca", category))
        from_project.lci()
        from_project.lcia()
        assert relative(from_package.score, expected) < 1e-9, category
        assert relative(from_project.score, expected) < 1e-9, category


def test_export_again_replaces_and_keeps_other_studies(bw, uncertain):
    import bw2calc

    gpt3 = compiled_study("patterson2021_gpt3")
    write_project(brightway_export(uncertain), "shared")
    write_project(brightway_export(gpt3), "shared")
    write_project(brightway_export(uncertain), "shared")  # again: replaced, not doubled
    assert {"uncertain", "uncertain biosphere", "patterson2021_gpt3", "patterson2021_gpt3 biosphere"} <= set(bw.databases)
    part = bw.get_node(database="uncertain", code="part")
    assert len(list(part.technosphere())) == 2
    expected = {"uncertain": hand_scores()["climate_change"],
                "patterson2021_gpt3": calculate(gpt3).impacts["climate_change"].value}
    for database, value in expected.items():
        lca = bw2calc.LCA({bw.get_node(database=database, code=FUNCTIONAL_UNIT): 1}, method=("lca", "climate_change"))
        lca.lci()
        lca.lcia()
        # one method ("lca", "climate_change") holds both studies' factors
        assert relative(lca.score, value) < 1e-9, database
    factors = bw.Method(("lca", "climate_change")).load()
    assert len(factors) == len({line[0] for line in factors})  # the third export replaced, not appended


def test_multilca_scores_every_category_from_one_datapackage(bw, tmp_path):
    import bw2calc

    compiled = compiled_study("llm_training_lifecycle")
    result = calculate(compiled)
    package = load_package(write_datapackage(brightway_export(compiled), tmp_path / "flagship.zip"))
    config = {"impact_categories": [("lca", c) for c in compiled.categories]}
    multi = bw2calc.MultiLCA({"fu": {package.metadata["lca"]["functional_unit"]: 1}}, config, data_objs=[package])
    multi.lci()
    multi.lcia()
    for category in compiled.categories:
        assert relative(multi.scores[(("lca", category), "fu")], result.impacts[category].value) < 1e-9


def test_flagship_lists_formula_entries_as_unsupported():
    export = brightway_export(compiled_study("llm_training_lifecycle"))
    # e.g. the die's wafer share is a formula of the uncertain die area and yield
    assert len(export.unsupported) > 100
    assert any("technosphere" in label for label in export.unsupported)
    tech = export.technosphere
    for i in np.flatnonzero(tech.unsupported):
        assert tech.uncertainty[i]["uncertainty type"] == 0 and tech.uncertainty[i]["loc"] == tech.amounts[i]


def test_monte_carlo_agrees_within_sampling_error(bw, uncertain, tmp_path):
    import bw2calc

    n = 1500
    ours = monte_carlo(uncertain, n, seed=3)
    export = brightway_export(uncertain)
    package = load_package(write_datapackage(export, tmp_path / "u.zip"))
    write_project(export, "monte-carlo")
    node = bw.get_node(database="uncertain", code=FUNCTIONAL_UNIT)
    runs = [(category, bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1},
                                   data_objs=package_views(package, category), use_distributions=True,
                                   seed_override=11)) for category in uncertain.categories]
    runs.append(("climate_change", bw2calc.LCA({node: 1}, method=("lca", "climate_change"), use_distributions=True,
                                               seed_override=12)))
    for category, lca in runs:
        samples = ours.samples(category)
        assert samples.std() > 0.05 * abs(samples.mean())  # the test has spread to detect
        for statistic, z in z_scores(samples, bw_samples(lca, n)).items():
            assert abs(z) < 4.5, (category, statistic, z)


def test_monte_carlo_would_see_a_wrong_distribution(bw, uncertain, tmp_path):
    """The z-test has power: halving the spread of one lognormal shows up."""
    import bw2calc

    export = brightway_export(uncertain)
    index = next(i for i, u in enumerate(export.technosphere.uncertainty) if u["uncertainty type"] == 2
                 and not u.get("negative"))
    wrong = list(export.technosphere.uncertainty)
    wrong[index] = {**wrong[index], "scale": wrong[index]["scale"] * 2}
    bad = export_module.BrightwayExport(
        compiled=export.compiled, database="bad", biosphere_database="bad biosphere",
        technosphere=export_module.Entries(**{**export.technosphere.__dict__, "uncertainty": tuple(wrong)}),
        production=export.production, biosphere=export.biosphere, characterization=export.characterization)
    package = load_package(write_datapackage(bad, tmp_path / "bad.zip"))
    samples = monte_carlo(uncertain, 1500, seed=3).samples("climate_change")
    theirs = bw_samples(bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1},
                                    data_objs=package_views(package, "climate_change"), use_distributions=True,
                                    seed_override=11), 1500)
    assert max(abs(z) for z in z_scores(samples, theirs).values()) > 6


def test_flagship_presamples_carry_the_joint_distribution(bw, tmp_path):
    import bw2calc

    compiled = compiled_study("llm_training_lifecycle")
    export = brightway_export(compiled)
    n = 1200
    package = load_package(write_datapackage(export, tmp_path / "flagship.zip", presamples=n, seed=5))
    ours = monte_carlo(compiled, 3000, seed=8)
    for category in ("climate_change",):
        lca = bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1}, data_objs=package_views(package, category),
                          use_distributions=True, use_arrays=True)
        theirs = bw_samples(lca, n)
        # the datapackage is sequential: bw2calc takes each of the n presample columns once
        assert len(np.unique(theirs)) == n
        z = z_scores(ours.samples(category), theirs)
        assert abs(z["mean"]) < 4.5 and abs(z["p2.5"]) < 4.5 and abs(z["p97.5"]) < 4.5, (category, z)
    # without use_arrays, the same package gives the deterministic score
    lca = bw2calc.LCA({package.metadata["lca"]["functional_unit"]: 1},
                      data_objs=package_views(package, "climate_change"))
    lca.lci()
    lca.lcia()
    assert relative(lca.score, calculate(compiled).impacts["climate_change"].value) < 1e-9


FAMILIES = {
    "lognormal": {"distribution": "lognormal", "gsd": 1.5},
    "normal": {"distribution": "normal", "sd": 0.7},
    "uniform": {"distribution": "uniform", "min": 1.0, "max": 4.0},
    "triangular": {"distribution": "triangular", "min": 1.0, "max": 4.0, "mode": 3.0},
    "pert": {"distribution": "pert", "min": 1.0, "max": 4.0, "mode": 1.5},
}


@settings(max_examples=60, deadline=None)
@given(family=st.sampled_from(sorted(FAMILIES)), scale=st.floats(0.01, 100).flatmap(
    lambda x: st.sampled_from([x, -x])), u=st.floats(0.02, 0.98))
def test_stats_arrays_form_has_the_quantiles_of_the_scaled_number(family, scale, u):
    import stats_arrays

    distribution = make_distribution(FAMILIES[family], 2.0, "x")
    form = stats_arrays_uncertainty(distribution, scale)
    params = stats_arrays.utils.construct_params_array(1, include_type=True)
    params["uncertainty_type"] = form["uncertainty type"]
    for key in ("loc", "scale", "shape", "minimum", "maximum"):
        params[key] = form.get(key, np.nan)
    params["negative"] = form.get("negative", False)
    kind = stats_arrays.uncertainty_choices[form["uncertainty type"]]
    got = float(kind.ppf(params, np.array([[u]]))[0, 0])
    if form.get("negative"):  # stats_arrays negates the magnitude's quantile u
        expected = scale * float(distribution.ppf(u))
    else:  # quantile u of scale * X
        expected = scale * float(distribution.ppf(u if scale > 0 else 1 - u))
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9 * abs(scale))


def test_discrete_has_no_stats_arrays_form():
    discrete = make_distribution({"distribution": "discrete", "values": [1.0, 2.0], "weights": [3, 1]}, 1.0, "x")
    assert stats_arrays_uncertainty(discrete, 2.0) is None


def test_process_named_functional_unit_is_refused(tmp_path):
    body = UNCERTAIN + '[processes.functional_unit]\nunit = "kg"\nstage = "use"\n'
    with pytest.raises(ModelError, match="'functional_unit' collides with the Brightway functional-unit node"):
        brightway_export(compile_model(load_study(write_uncertain(tmp_path, body, "clash.toml"))))


def test_failed_project_write_removes_the_new_project(bw, uncertain, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(export_module, "_double_precision", fail)
    with pytest.raises(RuntimeError, match="disk gone"):
        write_project(brightway_export(uncertain), "half-written")
    assert "half-written" not in bw.projects


def test_missing_extra_is_one_clear_error(uncertain, tmp_path, monkeypatch):
    real = export_common.importlib.import_module

    def without_bw_processing(name, *args):
        if name == "bw_processing":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(export_common.importlib, "import_module", without_bw_processing)
    with pytest.raises(LCAError, match=r'bw_processing \(not installed\); install the extra: pip install "lca\[brightway\]"'):
        write_datapackage(brightway_export(uncertain), tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
