"""A small openLCA JSON-LD database built by hand with olca-schema objects (not by lca), for the
import tests. Its answer, solved by hand:

* ``power``: 1 kWh of electricity takes 200 g of coal and emits 0.5 kg CO2 (lognormal, gsd 1.2);
* ``mine``: 1 kg of coal takes 1.8 MJ (= 0.5 kWh) of electricity: a loop with ``power``;
  it emits 0.1 kg CH4 and has a co-product (ash) and an input nobody makes (water treatment);
* ``server``: 1 item of server use takes 10 kWh of electricity.

For 1 item of server use: x_power = 10 + 0.5 x_mine, x_mine = 0.2 x_power, so
x_power = 100/9 kWh and x_mine = 20/9 kg; CO2 = 50/9 kg, CH4 = 2/9 kg and the GWP
(CO2 1, CH4 29.8 kg CO2 eq/kg) is 50/9 + 29.8 * 2/9 = 109.6/9 kg CO2-eq.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import olca_schema as o
from olca_schema import zipio

GWP = 109.6 / 9


def _ids():
    n = 0
    while True:
        n += 1
        yield f"00000000-0000-4000-8000-{n:012d}"


def hand_built(path: Path, provider_id: str | None = None, reference_unit: str = "kg") -> Path:
    """Write the hand-built database of the module docstring to *path*.

    *provider_id* replaces the server's default provider (e.g. by one not in the zip);
    *reference_unit* names the mass group's reference unit (e.g. one pint cannot read).
    """
    ids = _ids()
    kg = o.Unit(id=next(ids), name=reference_unit, conversion_factor=1.0, is_ref_unit=True)
    g = o.Unit(id=next(ids), name="g", conversion_factor=0.001, is_ref_unit=False)
    mass_group = o.UnitGroup(id=next(ids), name="Units of mass", units=[kg, g])
    mj = o.Unit(id=next(ids), name="MJ", conversion_factor=1.0, is_ref_unit=True)
    kwh = o.Unit(id=next(ids), name="kWh", conversion_factor=3.6, is_ref_unit=False)
    energy_group = o.UnitGroup(id=next(ids), name="Units of energy", units=[mj, kwh])
    item = o.Unit(id=next(ids), name="Item(s)", conversion_factor=1.0, is_ref_unit=True)
    item_group = o.UnitGroup(id=next(ids), name="Units of items", units=[item])
    mass = o.FlowProperty(id=next(ids), name="Mass", unit_group=mass_group.to_ref(),
                          flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY)
    energy = o.FlowProperty(id=next(ids), name="Energy", unit_group=energy_group.to_ref(),
                            flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY)
    items = o.FlowProperty(id=next(ids), name="Number of items", unit_group=item_group.to_ref(),
                           flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY)

    def flow(name, kind, prop, **fields):
        return o.Flow(id=next(ids), name=name, flow_type=kind, flow_properties=[
            o.FlowPropertyFactor(flow_property=prop.to_ref(), conversion_factor=1.0, is_ref_flow_property=True)],
            **fields)

    electricity = flow("electricity, medium voltage", o.FlowType.PRODUCT_FLOW, energy)
    coal = flow("hard coal", o.FlowType.PRODUCT_FLOW, mass)
    ash = flow("ash", o.FlowType.PRODUCT_FLOW, mass)
    water_service = flow("water treatment", o.FlowType.PRODUCT_FLOW, mass)
    server_use = flow("server use", o.FlowType.PRODUCT_FLOW, items)
    co2 = flow("Carbon dioxide, fossil", o.FlowType.ELEMENTARY_FLOW, mass, cas="124-38-9",
               category="Elementary flows/Emission to air/unspecified")
    ch4 = flow("Methane, fossil", o.FlowType.ELEMENTARY_FLOW, mass, cas="74-82-8",
               category="Elementary flows/Emission to air/unspecified")

    def exchange(n, flow_, prop, unit, amount, is_input, reference=False, provider=None, **fields):
        return o.Exchange(internal_id=n, flow=flow_.to_ref(), flow_property=prop.to_ref(), unit=unit.to_ref(),
                          amount=amount, is_input=is_input, is_quantitative_reference=reference,
                          default_provider=provider, **fields)

    power_id, mine_id, server_id = next(ids), next(ids), next(ids)
    power = o.Process(id=power_id, name="electricity production, coal", process_type=o.ProcessType.UNIT_PROCESS,
                      exchanges=[
                          exchange(1, electricity, energy, kwh, 1.0, False, reference=True),
                          exchange(2, coal, mass, g, 200.0, True,
                                   provider=o.Ref(ref_type=o.RefType.Process, id=mine_id)),
                          exchange(3, co2, mass, kg, 0.5, False, uncertainty=o.Uncertainty(
                              distribution_type=o.UncertaintyType.LOG_NORMAL_DISTRIBUTION, geom_mean=0.5,
                              geom_sd=1.2))])
    mine = o.Process(id=mine_id, name="hard coal mining", process_type=o.ProcessType.UNIT_PROCESS,
                     exchanges=[
                         exchange(1, coal, mass, kg, 1.0, False, reference=True),
                         exchange(2, electricity, energy, mj, 1.8, True,
                                  provider=o.Ref(ref_type=o.RefType.Process, id=power_id)),
                         exchange(3, ch4, mass, g, 100.0, False),
                         exchange(4, ash, mass, kg, 0.3, False),
                         exchange(5, water_service, mass, kg, 2.0, True)])
    server = o.Process(id=server_id, name="server use", process_type=o.ProcessType.UNIT_PROCESS,
                       exchanges=[
                           exchange(1, server_use, items, item, 1.0, False, reference=True),
                           exchange(2, electricity, energy, kwh, 10.0, True, provider=o.Ref(
                               ref_type=o.RefType.Process, id=provider_id or power_id))])
    gwp = o.ImpactCategory(id=next(ids), name="Climate change - GWP100", ref_unit="kg CO2 eq", impact_factors=[
        o.ImpactFactor(flow=co2.to_ref(), flow_property=mass.to_ref(), unit=kg.to_ref(), value=1.0),
        o.ImpactFactor(flow=ch4.to_ref(), flow_property=mass.to_ref(), unit=g.to_ref(), value=0.0298)])
    method = o.ImpactMethod(id=next(ids), name="IPCC AR6", impact_categories=[gwp.to_ref()])
    system = o.ProductSystem(
        id=next(ids), name="Server use", ref_process=server.to_ref(), ref_exchange=o.ExchangeRef(internal_id=1),
        target_amount=1.0, target_flow_property=items.to_ref(), target_unit=item.to_ref(),
        processes=[server.to_ref(), power.to_ref(), mine.to_ref()],
        process_links=[o.ProcessLink(provider=power.to_ref(), flow=electricity.to_ref(), process=server.to_ref(),
                                     exchange=o.ExchangeRef(internal_id=2))])
    parameter = o.Parameter(id=next(ids), name="load_factor", value=0.8, is_input_parameter=True,
                            parameter_scope=o.ParameterScope.GLOBAL_SCOPE)
    with zipio.ZipWriter(path) as writer:
        for entity in (mass_group, energy_group, item_group, mass, energy, items, electricity, coal, ash,
                       water_service, server_use, co2, ch4, power, mine, server, gwp, method, system, parameter):
            writer.write(entity)
    return path


def without(path: Path, folder: str, out: Path) -> Path:
    """A copy of the zip at *path* without the objects of *folder* (e.g. ``flow_properties``)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if not name.startswith(f"{folder}/"):
                target.writestr(name, source.read(name))
    return out


WASTE_GWP = 1.0 + 0.2 * 0.3 - 0.1 * 0.5


def waste_and_credit(path: Path) -> Path:
    """A product (1 kg) that emits 1 kg CO2, sends 0.2 kg of waste to a treatment (0.3 kg CO2 per
    kg treated: the treatment's reference is the waste *input*) and avoids 0.1 kWh of electricity
    (0.5 kg CO2/kWh): 1 + 0.2 * 0.3 - 0.1 * 0.5 = 1.01 kg CO2-eq per kg (:data:`WASTE_GWP`)."""
    ids = _ids()
    kg = o.Unit(id=next(ids), name="kg", conversion_factor=1.0, is_ref_unit=True)
    kwh = o.Unit(id=next(ids), name="kWh", conversion_factor=1.0, is_ref_unit=True)
    mass_group = o.UnitGroup(id=next(ids), name="Units of mass", units=[kg])
    energy_group = o.UnitGroup(id=next(ids), name="Units of energy", units=[kwh])
    mass = o.FlowProperty(id=next(ids), name="Mass", unit_group=mass_group.to_ref())
    energy = o.FlowProperty(id=next(ids), name="Energy", unit_group=energy_group.to_ref())

    def flow(name, kind, prop):
        return o.Flow(id=next(ids), name=name, flow_type=kind, category="Elementary flows/Emission to air",
                      flow_properties=[o.FlowPropertyFactor(flow_property=prop.to_ref(), conversion_factor=1.0,
                                                            is_ref_flow_property=True)])

    product, waste = flow("part", o.FlowType.PRODUCT_FLOW, mass), flow("scrap", o.FlowType.WASTE_FLOW, mass)
    power, co2 = flow("electricity", o.FlowType.PRODUCT_FLOW, energy), flow("CO2", o.FlowType.ELEMENTARY_FLOW, mass)
    treatment_id, grid_id = next(ids), next(ids)

    def exchange(n, flow_, unit, amount, is_input, reference=False, provider=None, avoided=False):
        return o.Exchange(internal_id=n, flow=flow_.to_ref(), unit=unit.to_ref(), amount=amount, is_input=is_input,
                          is_quantitative_reference=reference, is_avoided_product=avoided,
                          default_provider=o.Ref(id=provider) if provider else None,
                          flow_property=(energy if unit is kwh else mass).to_ref())

    make = o.Process(id=next(ids), name="part making", exchanges=[
        exchange(1, product, kg, 1.0, False, reference=True), exchange(2, co2, kg, 1.0, False),
        exchange(3, waste, kg, 0.2, False, provider=treatment_id),
        exchange(4, power, kwh, 0.1, False, provider=grid_id, avoided=True)])
    treat = o.Process(id=treatment_id, name="scrap treatment", exchanges=[
        exchange(1, waste, kg, 1.0, True, reference=True), exchange(2, co2, kg, 0.3, False)])
    grid = o.Process(id=grid_id, name="grid", exchanges=[
        exchange(1, power, kwh, 1.0, False, reference=True), exchange(2, co2, kg, 0.5, False)])
    gwp = o.ImpactCategory(id=next(ids), name="GWP", ref_unit="kg CO2-eq", impact_factors=[
        o.ImpactFactor(flow=co2.to_ref(), flow_property=mass.to_ref(), unit=kg.to_ref(), value=1.0)])
    system = o.ProductSystem(id=next(ids), name="part", ref_process=make.to_ref(), target_amount=1.0,
                             target_unit=kg.to_ref(), target_flow_property=mass.to_ref())
    with zipio.ZipWriter(path) as writer:
        for entity in (mass_group, energy_group, mass, energy, product, waste, power, co2, make, treat, grid, gwp,
                       system):
            writer.write(entity)
    return path
