"""openLCA JSON-LD export: the unit mapping, the uncertainty forms, and zips that olca-schema's
own reader opens and that, solved with openLCA's semantics (here, independently of lca's
importer), give ``lca run``'s scores."""

from __future__ import annotations

import math
import sys

import numpy as np
import olca_schema as o
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from hypothesis import given
from hypothesis import strategies as st
from olca_schema import zipio

from lca import calculate, compile_model, load_study
from lca.errors import LCAError
from lca.export import olca as export_olca
from lca.export.olca import olca_export, olca_uncertainty, olca_unit, write_zip
from lca.units import parse_unit

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"
KINDS = (o.UnitGroup, o.FlowProperty, o.Flow, o.Process, o.ImpactCategory, o.ImpactMethod, o.ProductSystem,
         o.Location, o.Parameter)

# (lca unit, openLCA group, openLCA unit name, factor to the group's reference unit)
MAPPED = [
    ("kg", "Units of mass", "kg", 1.0),
    ("g", "Units of mass", "g", 1e-3),
    ("t", "Units of mass", "t", 1e3),
    ("kWh", "Units of energy", "kWh", 3.6),
    ("MJ", "Units of energy", "MJ", 1.0),
    ("Wh", "Units of energy", "Wh", 3.6e-3),
    ("m3", "Units of volume", "m3", 1.0),
    ("L", "Units of volume", "l", 1e-3),
    ("m2", "Units of area", "m2", 1.0),
    ("cm2", "Units of area", "cm2", 1e-4),
    ("km", "Units of length", "km", 1e3),
    ("h", "Units of time", "h", 1.0),
    ("d", "Units of time", "d", 24.0),
    ("t km", "Units of mass*length", "t*km", 1.0),
    ("kg km", "Units of mass*length", "kg*km", 1e-3),
    ("m2 a", "Units of area*time", "m2*a", 1.0),
]


@pytest.mark.parametrize("unit, group, name, factor", MAPPED)
def test_units_with_an_openlca_reference_group(unit, group, name, factor):
    mapped = olca_unit(parse_unit(unit))
    assert (mapped.group, mapped.name) == (group, name)
    assert mapped.factor == pytest.approx(factor, rel=1e-12)


def test_openlca_reference_data_ids_are_used():
    # the ids of openLCA's reference data (olca_schema/units/units.csv): the zip merges into a
    # database that has them instead of duplicating "Units of mass"
    kg = olca_unit(parse_unit("kg"))
    assert kg.group_id == "93a60a57-a4c8-11da-a746-0800200c9a66"
    assert kg.property_id == "93a60a56-a3c8-11da-a746-0800200b9a66"
    assert kg.unit_id == kg.reference_id == "20aadc24-a391-41cf-b340-3e4529f44bde"
    kwh = olca_unit(parse_unit("kWh"))
    assert kwh.unit_id == "86ad2244-1f0e-4912-af53-7865283103e4"
    assert kwh.reference_id == "52765a6c-3896-43c2-b2f4-c679acf13efe"  # MJ


@pytest.mark.parametrize("unit, own", [("kg CO2-eq", "kg CO2-eq"), ("GPU_hour", "GPUh"), ("item", "item"),
                                       ("token", "token"), ("GB", "GB"), ("kg Sb-eq", "kg Sb-eq"),
                                       ("W", "W")])
def test_units_without_an_openlca_group_get_their_own(unit, own):
    mapped = olca_unit(parse_unit(unit))
    assert (mapped.group, mapped.flow_property, mapped.name, mapped.reference, mapped.factor) == \
        (f"Units of {own}", own, own, own, 1.0)
    assert mapped.unit_id == mapped.reference_id
    assert mapped.group_id != olca_unit(parse_unit("kg")).group_id


@given(st.floats(0.01, 1e3), st.floats(1.01, 5.0), st.booleans())
def test_lognormal_geometric_mean_and_sd(median, gsd, negative):
    form = olca_uncertainty({"uncertainty type": 2, "loc": math.log(median), "scale": math.log(gsd),
                             "negative": negative})
    assert form["distribution_type"] == "LOG_NORMAL_DISTRIBUTION"
    assert form["geom_mean"] == pytest.approx(-median if negative else median, rel=1e-12)
    assert form["geom_sd"] == pytest.approx(gsd, rel=1e-12)


def test_other_uncertainty_forms():
    assert olca_uncertainty({"uncertainty type": 3, "loc": 2.0, "scale": 0.5}) == \
        {"distribution_type": "NORMAL_DISTRIBUTION", "mean": 2.0, "sd": 0.5}
    assert olca_uncertainty({"uncertainty type": 4, "loc": 2.0, "minimum": 1.0, "maximum": 3.0}) == \
        {"distribution_type": "UNIFORM_DISTRIBUTION", "minimum": 1.0, "maximum": 3.0}
    assert olca_uncertainty({"uncertainty type": 0, "loc": 2.0}) == {}
    assert olca_uncertainty({"uncertainty type": 10, "loc": 2.0, "shape": 3.0, "minimum": 0, "maximum": 1}) is None


UNCERTAIN = '''
[study]
name = "uncertain exchanges"
functional_unit = "1 kg of a"

[demand]
a = { amount = 1, unit = "kg" }

[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
technosphere = [{ product = "b", amount = 500, unit = "Wh", uncertainty = { distribution = "normal", sd = 50 } }]
biosphere = [{ flow = "co2", amount = 2, unit = "kg", uncertainty = { distribution = "lognormal", gsd = 1.5 } },
             { flow = "water", amount = 3, unit = "L", uncertainty = { distribution = "triangular", min = 2, max = 5 } }]

[processes.b]
unit = "kWh"
stage = "use"
source = "test"
biosphere = [{ flow = "co2", amount = 1, unit = "kg", uncertainty = { distribution = "uniform", min = 0.5, max = 1.5 } },
             { flow = "ch4", amount = 1, unit = "g", uncertainty = { distribution = "pert", min = 0.5, max = 2, mode = 1 } }]
'''


def test_uncertainty_in_the_providers_unit(study):
    export = olca_export(compile_model(load_study(study(UNCERTAIN))))
    processes = {p.name: p for p in export.entities if isinstance(p, o.Process)}
    electricity = next(e for e in processes["a"].exchanges if e.is_input)
    assert electricity.amount == pytest.approx(0.5) and electricity.unit.name == "kWh"
    assert electricity.uncertainty.distribution_type == o.UncertaintyType.NORMAL_DISTRIBUTION
    assert (electricity.uncertainty.mean, electricity.uncertainty.sd) == pytest.approx((0.5, 0.05))
    by_flow = {e.flow.name: e for e in processes["a"].exchanges + processes["b"].exchanges
               if e.flow.name in ("Carbon dioxide, fossil", "Water, consumed") and not e.is_quantitative_reference}
    water = by_flow["Water, consumed"]
    assert water.is_input  # a resource
    assert (water.amount, water.unit.name) == (pytest.approx(0.003), "m3")
    assert (water.uncertainty.minimum, water.uncertainty.mode, water.uncertainty.maximum) == \
        pytest.approx((0.002, 0.003, 0.005))
    co2 = [e for e in processes["a"].exchanges if e.flow.name == "Carbon dioxide, fossil"][0]
    assert (co2.uncertainty.geom_mean, co2.uncertainty.geom_sd) == pytest.approx((2.0, 1.5))
    co2_b = [e for e in processes["b"].exchanges if e.flow.name == "Carbon dioxide, fossil"][0]
    assert (co2_b.uncertainty.minimum, co2_b.uncertainty.maximum) == pytest.approx((0.5, 1.5))
    ch4 = [e for e in processes["b"].exchanges if e.flow.name == "Methane, fossil"][0]
    assert ch4.uncertainty is None and ch4.amount == pytest.approx(1e-3)
    assert len(export.unsupported) == 1 and "ch4" in export.unsupported[0]  # PERT has no openLCA form


def read_zip(path):
    with zipio.ZipReader(path) as reader:
        return {kind: {e.id: e for e in reader.read_each(kind)} for kind in KINDS}


def openlca_scores(objects):
    """Solve the zip's product system as openLCA does: amounts in their unit group's reference
    unit over the flow property factor; the reference output on the diagonal, inputs negative
    and linked by the product system; elementary amounts times the factors (openLCA negates
    both an input's intervention and its factor)."""
    groups, properties, flows = objects[o.UnitGroup], objects[o.FlowProperty], objects[o.Flow]
    unit_factor = {u.id: u.conversion_factor for g in groups.values() for u in g.units}

    def in_reference(flow_ref, prop_ref, unit_ref, amount):
        flow = flows[flow_ref.id]
        factor = next(f for f in flow.flow_properties if f.flow_property.id == prop_ref.id)
        assert properties[prop_ref.id].unit_group.id in groups
        return amount * unit_factor[unit_ref.id] / factor.conversion_factor

    system = next(iter(objects[o.ProductSystem].values()))
    processes = [objects[o.Process][ref.id] for ref in system.processes]
    column = {p.id: j for j, p in enumerate(processes)}
    elementary = sorted(f.id for f in flows.values() if f.flow_type == o.FlowType.ELEMENTARY_FLOW)
    row_of = {fid: i for i, fid in enumerate(elementary)}
    link = {(lk.process.id, lk.exchange.internal_id): lk.provider.id for lk in system.process_links}
    a, b = sp.lil_matrix((len(processes), len(processes))), sp.lil_matrix((len(elementary), len(processes)))
    inputs = set()
    for j, process in enumerate(processes):
        for e in process.exchanges:
            amount = in_reference(e.flow, e.flow_property, e.unit, e.amount)
            if e.is_quantitative_reference:
                a[j, j] += amount
            elif flows[e.flow.id].flow_type == o.FlowType.ELEMENTARY_FLOW:
                b[row_of[e.flow.id], j] += -amount if e.is_input else amount
                if e.is_input:
                    inputs.add(e.flow.id)
            else:
                a[column[link[(process.id, e.internal_id)]], j] -= amount
    demand = np.zeros(len(processes))
    demand[column[system.ref_process.id]] = system.target_amount
    inventory = b.tocsr() @ spla.spsolve(a.tocsc(), demand)
    scores = {}
    for category in objects[o.ImpactCategory].values():
        score = 0.0
        for factor in category.impact_factors:
            flow = flows[factor.flow.id]
            sign = -1.0 if flow.id in inputs else 1.0
            per = in_reference(factor.flow, factor.flow_property, factor.unit, 1.0)
            score += sign * factor.value / per * inventory[row_of[factor.flow.id]]
        scores[category.name] = score
    return scores


@pytest.mark.parametrize("scenario", [FLAGSHIP, GPT3])
def test_export_is_complete_and_solves_to_lca_run(scenario, tmp_path):
    compiled = compile_model(load_study(scenario))
    path = write_zip(olca_export(compiled), tmp_path / "study.zip")
    objects = read_zip(path)  # olca-schema's own reader opens every object
    with zipio.ZipReader(path) as reader:
        assert sum(len(reader.ids_of(kind)) for kind in KINDS) == sum(len(v) for v in objects.values())
    groups, properties, flows = objects[o.UnitGroup], objects[o.FlowProperty], objects[o.Flow]
    processes, locations = objects[o.Process], objects[o.Location]
    assert len(processes) == len(compiled.processes) + 1
    for flow in flows.values():
        (ref,) = [f for f in flow.flow_properties if f.is_ref_flow_property]
        assert ref.flow_property.id in properties
    for prop in properties.values():
        assert prop.unit_group.id in groups
    for group in groups.values():
        assert sum(u.is_ref_unit for u in group.units) == 1
        assert group.default_flow_property.id in properties
    for process in processes.values():
        assert sum(e.is_quantitative_reference for e in process.exchanges) == 1
        assert process.location is None or process.location.id in locations
        for e in process.exchanges:
            flow = flows[e.flow.id]
            # every exchange is in its flow's reference flow property and a unit of its group
            assert e.flow_property.id == flow.flow_properties[0].flow_property.id
            assert e.unit.id in {u.id for u in groups[properties[e.flow_property.id].unit_group.id].units}
            if e.default_provider is not None:
                provider = processes[e.default_provider.id]
                assert next(x for x in provider.exchanges if x.is_quantitative_reference).flow.id == e.flow.id
    method = next(iter(objects[o.ImpactMethod].values()))
    assert {c.id for c in method.impact_categories} == set(objects[o.ImpactCategory])
    expected = calculate(compiled).impacts
    scores = openlca_scores(objects)
    assert set(scores) == set(expected)
    for category, impact in expected.items():
        assert scores[category] == pytest.approx(impact.value, rel=1e-9), category


def test_gpt3_exchange_is_the_papers_energy(tmp_path):
    # 10,000 chips x 330 W x 14.8 d x PUE 1.1 = 1,289,376 kWh; x 0.429 kg/kWh = 553,142.304 kg
    objects = read_zip(write_zip(olca_export(compile_model(load_study(GPT3))), tmp_path / "gpt3.zip"))
    run = next(p for p in objects[o.Process].values() if p.name.startswith("Training run"))
    (energy,) = [e for e in run.exchanges if e.is_input]
    assert (energy.amount, energy.unit.name) == (pytest.approx(1_289_376.0, rel=1e-12), "kWh")
    assert openlca_scores(objects)["climate_change"] == pytest.approx(553_142.304, rel=1e-12)
    parameters = {p.name: p.value for p in objects[o.Parameter].values()}
    assert parameters["chip_power"] == pytest.approx(330.0) and parameters["duration"] == pytest.approx(14.8)


def test_missing_extra_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "olca_schema", None)
    with pytest.raises(LCAError, match=r'--format olca needs olca_schema .*pip install "lca\[olca\]"'):
        export_olca.require(export_olca.MODULES, "--format olca")


def test_write_is_atomic(tmp_path, monkeypatch):
    export = olca_export(compile_model(load_study(GPT3)))
    target = tmp_path / "gpt3.zip"

    def fail(self, entity):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipio.ZipWriter, "write", fail)
    with pytest.raises(LCAError, match="cannot write: No space left on device"):
        write_zip(export, target)
    assert list(tmp_path.iterdir()) == []
