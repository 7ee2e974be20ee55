"""``lca run``, ``lca validate``, ``lca list`` and ``lca sources``: a study's impacts, file
checks, what a study holds, and where every number comes from.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..allocation import allocate_study
from ..engine.calculate import calculate
from ..engine.compile import compile_model
from ..engine.solve import factorize
from ..errors import LCAError, MethodError
from ..load import load_file
from ..load.catalogue import COLUMNS, CUTTABLE, KINDS, catalogue, markdown_table
from ..load.resources import locate
from ..load.tables import read_toml
from ..report.equivalents import load_equivalents
from ..serialize import csv_text, dumps_json, render_table, table_text
from ..sources import number_sources
from .common import (
    EXIT_USER_ERROR,
    PIPED_WIDTH,
    add_include_argument,
    add_study_arguments,
    load_from_args,
    table_width,
)
from .uncertainty import add_cluster_arguments, add_uncertainty_to_run

# the widest line of lca list's tables when piped (issue 12: parameter tables printed lines of
# 1,173 characters); on a terminal, its width
LIST_WIDTH = PIPED_WIDTH


def register(sub: Any) -> None:
    """Add ``lca run``, ``lca validate``, ``lca list`` and ``lca sources`` to the command line.

    Parameters
    ----------
    sub : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["run", "lca:scenarios/patterson2021_gpt3.toml", "--format", "csv"])
    >>> args.format, args.samples
    ('csv', 0)
    """

    run = sub.add_parser("run", help="calculate a study's impacts")
    add_study_arguments(run)
    add_run_output_arguments(run)
    add_cluster_arguments(run)
    run.set_defaults(handler=_run)

    validate = sub.add_parser("validate", help="check inventory, method or scenario files")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--verbose", action="store_true")
    add_include_argument(validate)
    validate.set_defaults(handler=_validate)

    listing = sub.add_parser(
        "list", help="list what the shipped inventories, or a study, offer: flows, products, processes, "
                     "parameters, methods, grid regions, hardware",
        description="Without a study: the shipped inventories (docs/catalogue.md has the same rows); with one: "
                    "what that study can build on. Tables fit the terminal (a pipe or a file: "
                    f"{LIST_WIDTH} characters): long names, values and sources are cut with '...'; "
                    "--format json has them whole, with the file that defines each item.")
    listing.add_argument("what", choices=KINDS, help="locations: grid regions (lca new --region); "
                                                     "hardware: accelerators (lca new --accelerator)")
    add_study_arguments(listing, optional=True)
    listing.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    listing.set_defaults(handler=_list)

    sources = sub.add_parser("sources", help="every number a study's result depends on, with its source, "
                                            "unit and uncertainty, most influential first")
    add_study_arguments(sources)
    sources.add_argument("--category", metavar="ID", help="sort by the elasticity of this category "
                                                          "(default climate_change)")
    sources.add_argument("--all", action="store_true", help="include numbers with no influence")
    sources.add_argument("--format", choices=("table", "json"), default="table")
    sources.set_defaults(handler=_sources)


def add_run_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Add what ``lca run`` prints and samples: ``--format``, ``--samples``, ``--seed``, ``--sampler``, ``--quiet``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command that prints a study's impacts as ``lca run`` does (:func:`print_run`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_run_output_arguments(parser)
    >>> args = parser.parse_args(["--format", "json", "--samples", "1000"])
    >>> args.format, args.samples, args.seed, args.sampler, args.quiet
    ('json', 1000, 42, 'random', False)
    """
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--samples", type=int, default=0, metavar="N",
                        help="Monte Carlo samples (adds an 'uncertainty' record per category)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--sampler", choices=("random", "lhs", "sobol"), default="random")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _run(args: argparse.Namespace) -> int:
    if not args.samples and (args.workers is not None or args.scheduler is not None):
        raise LCAError("--workers and --scheduler run Monte Carlo: give --samples N too")
    return print_run(load_from_args(args), args)


def print_run(model, args: argparse.Namespace) -> int:
    """Print a model's impacts (and their uncertainty with ``--samples``) as ``lca run`` does.

    Parameters
    ----------
    model : Model
        The study.
    args : argparse.Namespace
        The arguments of :func:`add_run_output_arguments`.

    Returns
    -------
    int
        The exit status, 0.

    Examples
    --------
    >>> import argparse
    >>> from lca import load_study
    >>> args = argparse.Namespace(format="csv", samples=0)
    >>> status = print_run(load_study("lca:scenarios/patterson2021_gpt3.toml"), args)    # doctest: +ELLIPSIS
    category,unit,scope,name,value
    ...
    >>> status
    0
    """
    if not model.selected_methods:
        # an empty table with exit 0 reads as "no impacts"; the study just loads no method
        raise MethodError(f"{model.study.path}: no impact method is loaded, so there is nothing to calculate; "
                          'include one, e.g. include = ["lca:methods/ipcc_ar6_gwp100.toml"]')
    result = calculate(model)
    data = result.to_dict()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if getattr(args, "samples", 0):
        data = add_uncertainty_to_run(model, data, args)
    if args.format == "json":
        sys.stdout.write(dumps_json(data))
    elif args.format == "csv":
        sys.stdout.write(csv_text(data))
    else:
        print(table_text(data, table_width()))
    return 0


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            model = _check_file(path, args.allow_include_outside)
        except LCAError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        if model is None:
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


def _check_file(path: str, allow_outside: bool = False):
    """Every check ``run`` and ``allocate`` make: load, compile, solve, allocate. Returns the
    model, or None for a table of everyday equivalents (checked and reported here). The file
    is read once."""
    data = read_toml(locate(path))
    if not data:
        raise LCAError(f"{path}: the file is empty (no tables): nothing to check")
    if "equivalents" in data:  # everyday equivalents for reports, not a model
        print(f"ok: {path}: {len(load_equivalents(path, data))} everyday equivalents")
        return None
    model = load_file(path, data, allow_outside)
    compiled = compile_model(model)
    if model.demand:
        calculate(compiled)  # solves: a singular system or a non-finite result is an error here too
    elif model.processes:
        factorize(compiled)
    if model.allocation is not None:
        allocate_study(model, None, None, compiled)
    return model


def _unknown_factor_flows(model) -> list[str]:
    return sorted({f.flow for m in model.methods.values() for f in m.factors if f.flow not in model.flows})


def _list(args: argparse.Namespace) -> int:
    model = load_from_args(args) if args.scenario is not None else None
    rows = catalogue(args.what, model)
    headers = list(COLUMNS[args.what])
    cells = [[row[column] for column in headers] for row in rows]
    if args.format == "json":
        sys.stdout.write(dumps_json(rows))
    elif args.format == "markdown":
        print(markdown_table(headers, cells))
    else:
        # long cells are cut first; what still does not fit (ids, units) wraps into blocks
        width = table_width()
        print(render_table(headers, fit_columns(headers, cells, width, CUTTABLE), width))
    return 0


def fit_columns(headers: list[str], rows: list[list[str]], width: int, shrinkable: tuple[str, ...],
                narrowest: int = 12) -> list[list[str]]:
    """Rows with the *shrinkable* columns' text cut (``...``) so the table is at most *width* wide.

    The other columns (ids, units) stay whole: a table wider than *width* with them alone stays
    wider. The widest cuttable column is cut first, none below *narrowest* characters.

    Parameters
    ----------
    headers : list of str
        The column titles.
    rows : list of list of str
        The cells, as :func:`lca.serialize.render_table` takes them (text).
    width : int
        The widest line wanted, the two spaces between columns included.
    shrinkable : tuple of str
        The titles of the columns that may be cut.
    narrowest : int, optional
        The narrowest a cut column gets.

    Returns
    -------
    list of list of str
        The rows, cut where needed.

    Examples
    --------
    >>> rows = [["pue", "1.1", "Patterson et al. 2021, Table 4: Google's fleet-wide trailing twelve-month PUE"]]
    >>> fit_columns(["parameter", "value", "source"], rows, 40, ("value", "source"))
    [['pue', '1.1', 'Patterson et al. 20...']]
    """
    limits = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    excess = sum(limits) + 2 * (len(headers) - 1) - width
    cuttable = [i for i, h in enumerate(headers) if h in shrinkable]
    # the widest cuttable column loses a character at a time, so long columns end up alike
    while excess > 0:
        widest = max(cuttable, key=lambda i: limits[i], default=None)
        if widest is None or limits[widest] <= max(narrowest, len(headers[widest])):
            break
        limits[widest] -= 1
        excess -= 1
    return [[_shorten(cell, limit) for cell, limit in zip(row, limits)] for row in rows]


def _sources(args: argparse.Namespace) -> int:
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
