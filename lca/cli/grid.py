"""``lca grid trace``: consumption-based grid intensity of balancing areas by flow tracing.

``lca grid trace FILE`` reads hourly generation, emissions and interchange (EIA-930 in
gridemissions' wide CSV, :mod:`lca.load.interchange`), traces the emissions through the
trades (:mod:`lca.engine.flow_tracing`) and prints, per area, its production- and
consumption-based intensity over the period, the share of its consumption that is imported and
the share of its consumption's emissions released in other areas. ``--area BA --out FILE``
writes that area's hourly consumption-based intensity as an Electricity Maps-style CSV, which
``lca run STUDY --energy-log LOG --grid-profile FILE`` weights by a job's hourly energy.

>>> import os, tempfile
>>> from lca.cli import main
>>> main(["grid", "trace", "lca:interchange/wecc_sample_week.csv", "--format", "json"])  # doctest: +ELLIPSIS
{
  "file": "lca:inventories/interchange/wecc_sample_week.csv",
  "hours": 168,
  ...
0
>>> out = os.path.join(tempfile.mkdtemp(), "ciso.csv")
>>> main(["grid", "trace", "lca:interchange/wecc_sample_week.csv", "--area", "CISO", "--out", out])  # doctest: +ELLIPSIS
wrote ...ciso.csv: 168 hours of CISO's consumption-based intensity (Life cycle), mean 213.0 g CO2-eq/kWh
0
"""

from __future__ import annotations

import argparse
import csv
import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.flow_tracing import FlowTrace, trace_flows
from ..errors import LCAError
from ..load.interchange import Interchange, read_interchange
from ..load.resources import locate
from ..serialize import dumps_json, format_number, render_table

# the Electricity Maps columns lca run --grid-profile reads (lca/load/grid_profile.py)
_SCOPES = {"life-cycle": "Life cycle", "direct": "direct"}


def register(sub: Any) -> None:
    grid = sub.add_parser("grid", help="grid electricity data: consumption-based intensity by flow tracing")
    commands = grid.add_subparsers(dest="grid_command", required=True, metavar="COMMAND")
    trace = commands.add_parser("trace", help="trace emissions through the interchange of balancing areas "
                                              "(de Chalendar et al. 2019)")
    trace.add_argument("file", help="hourly EIA-930 data in gridemissions' wide CSV (period, E_BA_NG, CO2_BA_NG, "
                                    "E_BA-OTHER_ID), or lca:interchange/wecc_sample_week.csv")
    trace.add_argument("--area", metavar="BA", help="the balancing area whose hourly intensity --out writes")
    trace.add_argument("--out", metavar="FILE", help="write the area's hourly consumption-based intensity as an "
                                                     "Electricity Maps-style CSV (for lca run --grid-profile)")
    trace.add_argument("--scope", choices=sorted(_SCOPES), default="life-cycle",
                       help="scope of the file's emission factors, named in the CSV's intensity column "
                            "(default: life-cycle, as gridemissions' factors and the shipped sample's mostly are)")
    trace.add_argument("--format", choices=("table", "json"), default="table")
    trace.set_defaults(handler=_trace)


def _trace(args: argparse.Namespace) -> int:
    if args.out and not args.area:
        raise LCAError("--out: name the balancing area whose hourly intensity to write with --area (e.g. --area CISO)")
    data = read_interchange(locate(args.file))
    where = data.where
    traced = trace_flows(data.production, data.emissions, data.interchange, data.areas, data.rows)
    if args.area is not None and args.area not in data.areas:
        raise LCAError(f"--area {args.area}: not an area of {where} (areas: {', '.join(data.areas)})")
    if args.out:
        mean = _write_profile(Path(args.out), data, traced, args.area, _SCOPES[args.scope], where)
        print(f"wrote {args.out}: {len(data.hours)} hours of {args.area}'s consumption-based intensity "
              f"({_SCOPES[args.scope]}), mean {mean:.1f} g CO2-eq/kWh")
        return 0
    summary = {"file": where, "hours": len(data.hours), "first_hour": f"{data.hours[0]:%Y-%m-%d %H:%M} UTC",
               "last_hour": f"{data.hours[-1]:%Y-%m-%d %H:%M} UTC", "unit": "g CO2-eq/kWh",
               "areas": {a: _area_summary(traced, data, k) for k, a in enumerate(data.areas)
                         if args.area in (None, a)}}
    if args.format == "json":
        print(dumps_json(summary))
        return 0
    print(f"{where}: {summary['hours']} hours, {summary['first_hour']} to {summary['last_hour']}")
    headers = ["area", "production-based", "consumption-based", "unit", "imported (energy)", "imported (emissions)"]
    rows = [[area, format_number(s["production_intensity"]), format_number(s["consumption_intensity"]),
             "g CO2-eq/kWh", f"{100 * s['imported_share_of_consumption']:.1f} %",
             f"{100 * s['imported_share_of_emissions']:.1f} %"] for area, s in summary["areas"].items()]
    print(render_table(headers, rows))
    return 0


def _area_summary(traced: FlowTrace, data: Interchange, k: int) -> dict[str, float]:
    """Period values of area *k*: intensities weighted by energy (kg/MWh = g/kWh), and import shares."""
    consumed = float(np.sum(traced.consumption[:, k]))
    return {
        "production_intensity": float(np.sum(data.emissions[:, k]) / np.sum(data.production[:, k])),
        "consumption_intensity": float(np.sum(traced.consumed_emissions(k)) / consumed),
        "imported_share_of_consumption": float(np.sum(traced.imported[:, k]) / consumed),
        "imported_share_of_emissions": traced.imported_share(k),
    }


def _write_profile(path: Path, data: Interchange, traced: FlowTrace, area: str, scope: str, where: str) -> float:
    k = data.areas.index(area)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Datetime (UTC)", "Zone id", f"Carbon intensity gCO₂eq/kWh ({scope})", "Data source"])
    source = f"lca grid trace {where} (flow tracing, de Chalendar et al. 2019)"
    for hour, value in zip(data.hours, traced.intensity[:, k]):
        writer.writerow([f"{hour:%Y-%m-%d %H:%M:%S}", area, f"{value:.6g}", source])
    try:
        # whole or not at all: a half-written profile would be read as a shorter series
        temporary = path.with_name(f".{path.name}.partial")
        temporary.write_text(buffer.getvalue(), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise LCAError(f"--out {path}: cannot write ({exc.strerror or exc})") from None
    return float(np.sum(traced.consumed_emissions(k)) / np.sum(traced.consumption[:, k]))
