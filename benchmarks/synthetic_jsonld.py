"""A synthetic openLCA JSON-LD database (olca-schema 2 zip) of the shared kit's synthetic system.

The system is ``../shared/bench/synthetic.py``'s (``generate``: n processes, about k inputs
each, a hub or random supplier structure, elementary flows and impact categories, lognormal
uncertainty on every exchange), written as openLCA entities with olca-schema: one unit group
(mass, kg) and flow property, one product flow and one unit process per process (its
quantitative reference 1 kg, the inputs linked by ``defaultProvider``), one elementary flow per
flow (``Elementary flows/Emission to air/unspecified``), one impact method with an impact category
per method, one location (GLO), and a product system demanding 1 kg of the ``demand`` process's product. Exchanges
carry their lognormal uncertainty (geomMean = amount, geomSd = exp(sigma)).

Usage: python benchmarks/synthetic_jsonld.py --n 20000 --structure random --out /tmp/syn20k.zip
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("8a3c6c4e-2f1b-4d55-9f0e-5ab1e5c0ffee")


def shared_generate(shared: Path):
    """The shared kit's ``generate`` (../shared/bench/synthetic.py)."""
    spec = importlib.util.spec_from_file_location("shared_synthetic", shared / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def write_jsonld(system: dict, path: Path) -> Path:
    """Write the arrays of *system* (the shared ``generate``'s dict) as an olca-schema 2 zip at *path*.

    >>> import tempfile
    >>> system = {"n": 2, "n_flows": 1, "n_methods": 1, "tech_rows": np.array([0, 1, 1]),
    ...           "tech_cols": np.array([0, 1, 0]), "tech_amount": np.array([1.0, 1.0, -0.1]),
    ...           "tech_sigma": np.array([0.02, 0.02, 0.2]), "bio_rows": np.array([0]), "bio_cols": np.array([1]),
    ...           "bio_amount": np.array([2.0]), "bio_sigma": np.array([0.2]), "cf_method": np.array([0]),
    ...           "cf_flow": np.array([0]), "cf_value": np.array([3.0]), "demand": 0}
    >>> import zipfile
    >>> len(zipfile.ZipFile(write_jsonld(system, Path(tempfile.mkdtemp()) / "s.zip")).namelist())
    13
    """
    import olca_schema as o
    from olca_schema import zipio

    n, n_flows = int(system["n"]), int(system["n_flows"])
    kg = o.Unit(id=_id("unit", "kg"), name="kg", conversion_factor=1.0, is_ref_unit=True)
    group = o.UnitGroup(id=_id("group", "mass"), name="Units of mass", units=[kg])
    mass = o.FlowProperty(id=_id("property", "mass"), name="Mass", unit_group=group.to_ref(),
                          flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY)
    group.default_flow_property = mass.to_ref()
    factor = [o.FlowPropertyFactor(flow_property=mass.to_ref(), conversion_factor=1.0, is_ref_flow_property=True)]
    products = [o.Flow(id=_id("product", i), name=f"product {i}", flow_type=o.FlowType.PRODUCT_FLOW,
                       flow_properties=factor) for i in range(n)]
    elementary = [o.Flow(id=_id("flow", j), name=f"emission {j}", flow_type=o.FlowType.ELEMENTARY_FLOW,
                         category="Elementary flows/Emission to air/unspecified", flow_properties=factor)
                  for j in range(n_flows)]
    glo = o.Location(id=_id("location", "GLO"), name="Global", code="GLO")
    process_refs = [o.Ref(ref_type=o.RefType.Process, id=_id("process", i), name=f"process {i}") for i in range(n)]
    exchanges: list[list] = [[] for _ in range(n)]

    def flow_ref(flow):  # as openLCA writes a flow's ref: with its type (bw2io reads it there)
        ref = flow.to_ref()
        ref.flow_type = flow.flow_type
        return ref

    product_refs, elementary_refs = [flow_ref(f) for f in products], [flow_ref(f) for f in elementary]

    def lognormal(amount: float, sigma: float):
        return o.Uncertainty(distribution_type=o.UncertaintyType.LOG_NORMAL_DISTRIBUTION, geom_mean=abs(amount),
                             geom_sd=math.exp(sigma))

    links = []
    for row, col, amount, sigma in zip(system["tech_rows"], system["tech_cols"], system["tech_amount"],
                                       system["tech_sigma"]):
        row, col, amount = int(row), int(col), float(amount)
        reference = row == col
        exchange = o.Exchange(internal_id=len(exchanges[col]) + 1, flow=product_refs[row],
                              flow_property=mass.to_ref(), unit=kg.to_ref(), amount=abs(amount),
                              is_input=not reference, is_quantitative_reference=reference,
                              uncertainty=lognormal(amount, float(sigma)))
        if not reference:  # Brightway's sign: an input is negative; openLCA's: a positive input
            exchange.default_provider = process_refs[row]
            links.append(o.ProcessLink(provider=process_refs[row], flow=products[row].to_ref(),
                                       process=process_refs[col], exchange=o.ExchangeRef(internal_id=exchange.internal_id)))
        exchanges[col].append(exchange)
    for row, col, amount, sigma in zip(system["bio_rows"], system["bio_cols"], system["bio_amount"],
                                       system["bio_sigma"]):
        col = int(col)
        exchanges[col].append(o.Exchange(internal_id=len(exchanges[col]) + 1, flow=elementary_refs[int(row)],
                                         flow_property=mass.to_ref(), unit=kg.to_ref(), amount=float(amount),
                                         is_input=False, uncertainty=lognormal(float(amount), float(sigma))))
    categories = []
    for m in range(int(system["n_methods"])):
        chosen = system["cf_method"] == m
        categories.append(o.ImpactCategory(
            id=_id("category", m), name=f"category {m}", ref_unit="kg CO2 eq",
            impact_factors=[o.ImpactFactor(flow=elementary_refs[int(f)], flow_property=mass.to_ref(),
                                           unit=kg.to_ref(), value=float(v))
                            for f, v in zip(system["cf_flow"][chosen], system["cf_value"][chosen])]))
    # description, version and lastChange as openLCA writes them (bw2io's LCIA importer reads them)
    stamp = dict(description="synthetic benchmark data", version="01.00.000", last_change="2026-12-01T00:00:00Z")
    for category in categories:
        for key, value in stamp.items():
            setattr(category, key, value)
    method = o.ImpactMethod(id=_id("method"), name="synthetic", impact_categories=[c.to_ref() for c in categories],
                            **stamp)
    demand = int(system["demand"])
    product_system = o.ProductSystem(id=_id("system"), name=f"product {demand}", ref_process=process_refs[demand],
                                     ref_exchange=o.ExchangeRef(internal_id=1), target_amount=1.0,
                                     target_flow_property=mass.to_ref(), target_unit=kg.to_ref(),
                                     processes=process_refs, process_links=links)
    path = Path(path)
    if path.exists():
        path.unlink()
    with zipio.ZipWriter(path) as writer:
        for entity in (glo, group, mass, *products, *elementary, *categories, method, product_system):
            writer.write(entity)
        for i in range(n):
            # the reference first: openLCA's own exports list it first, and bw2io takes the first production
            ordered = sorted(exchanges[i], key=lambda e: not e.is_quantitative_reference)
            writer.write(o.Process(id=process_refs[i].id, name=process_refs[i].name,
                                   process_type=o.ProcessType.UNIT_PROCESS, exchanges=ordered,
                                   location=glo.to_ref(),
                                   last_internal_id=len(ordered)))
    return path


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    from bench_synthetic import find_shared

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="processes")
    parser.add_argument("--structure", choices=["hub", "random"], default="random")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--shared", type=Path, default=None, help="the shared kit (../shared/bench)")
    parser.add_argument("--out", type=Path, required=True, help="the zip to write")
    args = parser.parse_args(argv)
    shared = args.shared or find_shared()
    if shared is None:
        parser.error("the shared kit (synthetic.py) was not found; give --shared")
    system = shared_generate(shared)(n=args.n, structure=args.structure, seed=args.seed)
    write_jsonld(system, args.out)
    print(f"wrote {args.out}: {args.n} processes ({args.structure}), {int(system['n_flows'])} elementary flows, "
          f"{len(system['tech_rows']) - args.n} technosphere inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
