"""Command line: ``lca run|validate|list ...`` and the analysis commands.

A user's mistake prints one line ``error: <file>: <item>: <problem>`` on stderr and exits
with status 2; nothing is written half-way.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

from .errors import LCAError

# Modules that add sub-commands: each has ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = ("lca.allocation.cli", "lca.uncertainty.cli", "lca.report.cli")

EXIT_USER_ERROR = 2


def parse_set(items: Sequence[str] | None) -> dict[str, Any]:
    """``["pue=1.2", "power=300 W", "region=TW"]`` -> ``{"pue": 1.2, "power": "300 W", ...}``."""
    overrides: dict[str, Any] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise LCAError(f"--set {item!r}: expected NAME=VALUE (e.g. pue=1.2 or gpu_power='300 W')")
        try:
            number = float(value)
        except ValueError:
            overrides[name] = value
        else:
            if not math.isfinite(number):
                raise LCAError(f"--set {item!r}: {value} is not a finite number")
            overrides[name] = number
    return overrides


def add_study_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments every command that runs a study shares."""
    parser.add_argument("scenario", help="scenario (study) TOML file")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                        help="override a parameter (value in the parameter's unit, or with a unit: "
                             "gpu_power='300 W'); repeatable")
    parser.add_argument("--method", action="append", metavar="ID", default=[],
                        help="use this impact method for its category (e.g. ipcc_ar5_gwp100); repeatable")


def load_from_args(args: argparse.Namespace):
    from .io import load_study

    return load_study(args.scenario, overrides=parse_set(args.set), methods=args.method or None)


def dumps_json(data: Any) -> str:
    """Stable JSON: same inputs give byte-identical output."""
    return json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def format_number(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{value:.4g}"
    if magnitude >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table, numbers right-aligned."""
    cells = [[h for h in headers]] + [[format_number(c) if isinstance(c, float) else str(c) for c in row]
                                     for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], float) for row in rows) if rows else False for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [c.rjust(w) if numeric[i] and n > 0 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from .calculate import calculate

    model = load_from_args(args)
    result = calculate(model)
    data = result.to_dict()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if getattr(args, "samples", 0):
        from .uncertainty.cli import add_uncertainty_to_run

        data = add_uncertainty_to_run(model, data, args)
    if args.format == "json":
        sys.stdout.write(dumps_json(data))
    elif args.format == "csv":
        sys.stdout.write(run_csv(data))
    else:
        print(run_table(data))
    return 0


def run_table(data: dict) -> str:
    stages: list[str] = []
    for impact in data["impacts"].values():
        for stage in impact["by_stage"]:
            if stage not in stages:
                stages.append(stage)
    has_uncertainty = any("uncertainty" in i for i in data["impacts"].values())
    headers = ["category", "value", "unit"] + (["2.5%", "97.5%"] if has_uncertainty else []) + stages
    rows = []
    for cid, impact in data["impacts"].items():
        row = [cid, float(impact["value"]), impact["unit"]]
        if has_uncertainty:
            pct = impact.get("uncertainty", {}).get("percentiles", {})
            row += [float(pct.get("2.5", math.nan)), float(pct.get("97.5", math.nan))]
        row += [float(impact["by_stage"].get(s, 0.0)) for s in stages]
        rows.append(row)
    title = f"{data['study']}\nfunctional unit: {data['functional_unit']}\n"
    return title + render_table(headers, rows)


def run_csv(data: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["category", "unit", "scope", "name", "value"])
    for cid, impact in data["impacts"].items():
        writer.writerow([cid, impact["unit"], "total", "", repr(impact["value"])])
        for stage, value in impact["by_stage"].items():
            writer.writerow([cid, impact["unit"], "stage", stage, repr(value)])
        for process, value in impact["by_process"].items():
            writer.writerow([cid, impact["unit"], "process", process, repr(value)])
        uncertainty = impact.get("uncertainty")
        if uncertainty:  # Monte Carlo: one row per statistic
            for stat in ("mean", "std", "median", "sem"):
                if stat in uncertainty:
                    writer.writerow([cid, impact["unit"], "uncertainty", stat, repr(uncertainty[stat])])
            for percent, value in uncertainty["percentiles"].items():
                writer.writerow([cid, impact["unit"], "uncertainty", f"p{percent}", repr(value)])
    return buffer.getvalue()


def _validate(args: argparse.Namespace) -> int:
    from .compile import compile_model
    from .io import load_inventory, load_study
    from .tables import read_toml

    status = 0
    for path in args.files:
        try:
            data = read_toml(Path(path))
            if "equivalents" in data:  # everyday equivalents for reports, not a model
                from .report.equivalents import load_equivalents

                print(f"ok: {path}: {len(load_equivalents(path))} everyday equivalents")
                continue
            model = load_study(path) if "study" in data else load_inventory([path])
            compile_model(model)
        except LCAError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        for warning in model.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
        unused = _unknown_factor_flows(model)
        if unused and args.verbose:
            print(f"note: {path}: factors on flows no loaded inventory defines: {', '.join(unused[:20])}",
                  file=sys.stderr)
        print(f"ok: {path}: {len(model.processes)} processes, {len(model.flows)} flows, "
              f"{len(model.parameters)} parameters, {len(model.methods)} methods")
    return status


def _unknown_factor_flows(model) -> list[str]:
    return sorted({f.flow for m in model.methods.values() for f in m.factors if f.flow not in model.flows})


def _list(args: argparse.Namespace) -> int:
    from .units import format_unit

    model = load_from_args(args)
    if args.what == "processes":
        rows = [[p.id, p.stage, p.reference_product, format_unit(p.production.unit), p.name]
                for p in model.processes.values()]
        headers = ["process", "stage", "product", "unit", "name"]
    elif args.what == "methods":
        rows = [[m.id, m.category, m.unit_text, "yes" if m.id in model.selected_methods else "", m.name]
                for m in model.methods.values()]
        headers = ["method", "category", "unit", "selected", "name"]
    else:
        rows = []
        for p in model.parameters.values():
            value = p.formula.text if p.formula is not None else p.value
            if p.is_choice:
                value = f"{p.value} (of {', '.join(p.options)})"
            rows.append([p.name, str(value), p.unit_text or ("option" if p.is_choice else "-"),
                         "yes" if p.uncertainty else "", p.source or ""])
        headers = ["parameter", "value", "unit", "uncertain", "source"]
    if args.format == "json":
        sys.stdout.write(dumps_json([dict(zip(headers, row)) for row in rows]))
    else:
        print(render_table(headers, rows))
    return 0


def _sources(args: argparse.Namespace) -> int:
    from .compile import compile_model
    from .sources import number_sources

    compiled = compile_model(load_from_args(args))
    category = args.category or ("climate_change" if "climate_change" in compiled.categories
                                 else (compiled.categories[0] if compiled.categories else None))
    if category is not None and category not in compiled.categories:
        raise LCAError(f"--category {category!r}: the study has {', '.join(compiled.categories)}")
    rows = number_sources(compiled)
    if not args.all:
        rows = tuple(r for r in rows if any(v != 0 for v in r.elasticity.values()))
    if category is not None:
        # rounded so that finite-difference noise does not reorder equal influences
        rows = tuple(sorted(rows, key=lambda r: (-round(abs(r.elasticity.get(category, 0.0)), 6), r.kind, r.name)))
    if args.format == "json":
        sys.stdout.write(dumps_json([
            {"kind": r.kind, "name": r.name, "value": r.value, "unit": r.unit, "source": r.source,
             "uncertainty": r.uncertainty, "elasticity": dict(r.elasticity)} for r in rows]))
    else:
        headers = ["kind", "name", "value", "unit", f"elasticity ({category})", "uncertainty", "source"]
        table = [[r.kind, _shorten(r.name, 60), r.value if isinstance(r.value, str) else float(r.value), r.unit,
                  float(r.elasticity.get(category, 0.0)), r.uncertainty, _shorten(r.source or "MISSING", 70)]
                 for r in rows]
        print(render_table(headers, table))
        missing = sum(1 for r in rows if not r.source)
        print(f"\n{len(rows)} numbers; {missing} without a source; elasticity = d ln(score) / d ln(number)")
    return 0


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lca", description="Life-cycle assessment of AI systems.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="calculate a study's impacts")
    add_study_arguments(run)
    run.add_argument("--format", choices=("table", "json", "csv"), default="table")
    run.add_argument("--samples", type=int, default=0, metavar="N",
                     help="Monte Carlo samples (adds an 'uncertainty' record per category)")
    run.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    run.add_argument("--sampler", choices=("random", "lhs", "sobol"), default="random")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=_run)

    validate = sub.add_parser("validate", help="check inventory, method or scenario files")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--verbose", action="store_true")
    validate.set_defaults(handler=_validate)

    listing = sub.add_parser("list", help="list processes, methods or parameters of a study")
    listing.add_argument("what", choices=("processes", "methods", "parameters"))
    add_study_arguments(listing)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=_list)

    sources = sub.add_parser("sources", help="every number a study's result depends on, with its source, "
                                            "unit and uncertainty, most influential first")
    add_study_arguments(sources)
    sources.add_argument("--category", metavar="ID", help="sort by the elasticity of this category "
                                                          "(default climate_change)")
    sources.add_argument("--all", action="store_true", help="include numbers with no influence")
    sources.add_argument("--format", choices=("table", "json"), default="table")
    sources.set_defaults(handler=_sources)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "samples", 0) and args.samples < 0:
        parser.error("--samples must be >= 0")
    try:
        return args.handler(args)
    except LCAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except MemoryError:
        print("error: not enough memory for this run (fewer --samples, or a smaller study)", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
