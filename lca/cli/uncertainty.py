"""Command line for uncertainty: ``lca run --samples N``, ``lca compare``, ``lca sensitivity``.

JSON output depends only on the inputs and the seed (no timings), so it is byte-identical from
run to run. Progress goes to stderr only (:mod:`lca.cli.progress`; ``--quiet`` silences it).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any, Iterator

from ..engine.propagate import prepare
from ..errors import LCAError
from ..load import load_study
from ..serialize import brief_record, dumps_json, format_number, render_table, uncertainty_records
from ..uncertainty.compare import compare
from ..uncertainty.distributed import connect
from ..uncertainty.montecarlo import monte_carlo
from ..uncertainty.sampling import SAMPLERS
from ..uncertainty.sensitivity import METHODS, sensitivity
from ..uncertainty.statistics import PERCENTILES, summarize
from .common import add_include_argument, add_study_arguments, load_from_args, parse_set
from .progress import progress_bar

DEFAULT_SAMPLES = {"compare": 10_000, "spearman": 10_000, "sobol": 4096}


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` and ``--scheduler ADDRESS`` (run on Dask; ``pip install 'lca[dask]'``).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A subcommand's parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_cluster_arguments(parser)
    >>> parser.parse_args(["--workers", "2"]).workers
    2
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=int, default=None, metavar="N",
                       help="run on a local Dask cluster of N worker processes (same numbers as without)")
    group.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on the running Dask cluster whose scheduler is at ADDRESS (tcp://host:8786)")


@contextlib.contextmanager
def cluster_client(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask client that ``--workers``/``--scheduler`` ask for, or None (run here).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of :func:`add_cluster_arguments`.

    Yields
    ------
    distributed.Client or None
        Closed, with any cluster started for it, on leaving the block.

    Examples
    --------
    >>> with cluster_client(argparse.Namespace(workers=None, scheduler=None)) as client:
    ...     print(client)
    None
    """
    workers, scheduler = getattr(args, "workers", None), getattr(args, "scheduler", None)
    if workers is None and scheduler is None:
        yield None
        return
    with connect(workers, scheduler) as client:
        yield client


def add_uncertainty_to_run(model, data: dict, args: argparse.Namespace) -> dict:
    """Add ``"uncertainty"`` (summary and stage contributions) to each category of ``lca run``'s JSON.

    Parameters
    ----------
    model : Model
        The study.
    data : dict
        ``LCAResult.to_dict()``, changed in place.
    args : argparse.Namespace
        ``--samples``, ``--seed``, ``--sampler``, ``--quiet``.

    Returns
    -------
    dict
        *data*.

    Examples
    --------
    >>> import argparse
    >>> from lca import calculate, load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> args = argparse.Namespace(samples=1000, seed=1, sampler="random", quiet=True)
    >>> data = add_uncertainty_to_run(model, calculate(model).to_dict(), args)
    >>> round(data["impacts"]["climate_change"]["uncertainty"]["percentiles"]["97.5"])
    814054
    """
    with cluster_client(args) as client:
        result = monte_carlo(model, args.samples, args.seed, args.sampler, by_stage=True,
                             progress=progress_bar("monte carlo", args.quiet), client=client,
                             market_based="scope2" in data)
    for category, record in uncertainty_records(result).items():
        if category in data["impacts"]:
            data["impacts"][category]["uncertainty"] = record
    if "scope2" in data:
        # the same iterations as the location-based samples, so the two intervals pair up
        market = result.market_based
        data["scope2"]["uncertainty"] = {
            "location_based": brief_record(data["impacts"]["climate_change"]["uncertainty"]),
            "market_based": brief_record(summarize(market, what="market-based climate_change").to_dict()),
        }
    return data


def _load(path: str, sets: list[str], methods: list[str], allow_outside: bool):
    return load_study(path, overrides=parse_set(sets), methods=methods or None, allow_outside=allow_outside)


def _samples(args: argparse.Namespace, kind: str) -> int:
    samples = DEFAULT_SAMPLES[kind] if args.samples is None else args.samples
    if samples < 1:
        raise LCAError(f"--samples must be at least 1, got {samples}")
    return samples


def _compare(args: argparse.Namespace) -> int:
    models = [_load(args.a, args.set + args.set_a, args.method, args.allow_include_outside),
              _load(args.b, args.set + args.set_b, args.method, args.allow_include_outside)]
    with cluster_client(args) as client:
        comparison = compare(models, _samples(args, "compare"), args.seed, args.sampler, labels=("A", "B"),
                             progress=progress_bar("compare", args.quiet), client=client)
    data = {category: assertion.to_dict() for category, assertion in comparison.assertions().items()}
    if args.format == "json":
        sys.stdout.write(dumps_json(data))
        return 0
    rows = []
    for category, record in data.items():
        diff = record["difference"]["percentiles"]
        rows.append([category, record["unit"], record["a"]["mean"], record["b"]["mean"], diff["2.5"],
                     diff["97.5"], record["p_a_lower"]])
    print(f"A: {models[0].study.name}\nB: {models[1].study.name}\n"
          f"{comparison.results[0].n:,} paired samples, seed {args.seed}, {args.sampler}\n")
    print(render_table(["category", "unit", "mean A", "mean B", "A-B 2.5%", "A-B 97.5%", "P(A<B)"], rows))
    return 0


def _renamed_flags(args: argparse.Namespace) -> None:
    """The flags ``lca sensitivity`` had before ``--method`` meant the impact method everywhere."""
    for method in args.method:
        if method in METHODS:
            raise LCAError(f"--method {method}: the sensitivity analysis is now chosen with --analysis {method}; "
                           f"--method names an impact method, as in lca run")
    if args.impact_method:
        raise LCAError(f"--impact-method was renamed --method, as in lca run: "
                       f"{' '.join(f'--method {m}' for m in args.impact_method)}")


def _sensitivity(args: argparse.Namespace) -> int:
    _renamed_flags(args)
    model = load_from_args(args)
    analysis = args.analysis
    categories = [args.category] if args.category else None
    parameters = args.parameter or None
    with cluster_client(args) as client:
        if analysis == "oat":
            result = sensitivity(model, "oat", parameters=parameters, categories=categories, client=client)
        else:
            result = sensitivity(prepare(model), analysis, samples=_samples(args, analysis), seed=args.seed,
                                 parameters=parameters, categories=categories,
                                 progress=progress_bar(analysis, args.quiet), client=client,
                                 **({"sampler": args.sampler} if analysis == "spearman" else {}))
    data = result.to_dict()
    if args.format == "json":
        sys.stdout.write(dumps_json(data))
        return 0
    columns = {"oat": ("low", "high", "swing", "low_value", "high_value"), "spearman": ("rho",),
               "sobol": ("first_order", "first_order_ci", "total", "total_ci")}[analysis]
    blocks = []
    for category, unit in zip(result.categories, result.units):
        rows = [[name] + [_cell(record.get(key)) for key in columns] for name, record in data[category].items()]
        blocks.append(f"{category} ({unit}), {analysis}, {result.samples:,} model evaluations\n"
                      + render_table(["parameter", *columns], rows))
    print("\n\n".join(blocks))
    return 0


def _cell(value: Any) -> Any:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):  # a confidence interval
        return "[" + ", ".join(format_number(v) for v in value) + "]"
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _common(parser: argparse.ArgumentParser, sampler: bool = True) -> None:
    parser.add_argument("--samples", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    if sampler:
        parser.add_argument("--sampler", choices=SAMPLERS, default="random")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_cluster_arguments(parser)


def register(subparsers: Any) -> None:
    """Add ``lca compare`` and ``lca sensitivity`` to the command line.

    Parameters
    ----------
    subparsers : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["sensitivity", "lca:scenarios/patterson2021_gpt3.toml", "--analysis", "sobol",
    ...                           "--method", "ipcc_ar5_gwp100"])
    >>> args.analysis, args.method, args.samples
    ('sobol', ['ipcc_ar5_gwp100'], None)
    """
    comparison = subparsers.add_parser(
        "compare", help="compare two studies (or variants) under uncertainty, with paired draws",
        description="Monte Carlo of A and B with common random numbers: percentiles of A - B and A / B, "
                    "and P(A < B) per category. " + ", ".join(f"{p:g}" for p in PERCENTILES) + " percentiles.")
    comparison.add_argument("a", help="scenario A (TOML)")
    comparison.add_argument("b", help="scenario B (TOML; may be A again, with --set-b)")
    comparison.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override in both")
    comparison.add_argument("--set-a", action="append", default=[], metavar="NAME=VALUE", help="override in A")
    comparison.add_argument("--set-b", action="append", default=[], metavar="NAME=VALUE", help="override in B")
    comparison.add_argument("--method", action="append", default=[], metavar="ID",
                            help="impact method for its category, in both (repeatable)")
    add_include_argument(comparison)
    _common(comparison)
    comparison.set_defaults(handler=_compare)

    analysis = subparsers.add_parser(
        "sensitivity", help="which parameters drive the impacts: oat (tornado), spearman, sobol",
        description="--samples: Monte Carlo samples for spearman (default 10000); base samples for sobol "
                    "(rounded up to a power of 2, default 4096; the model runs n (d + 2) times).")
    add_study_arguments(analysis)  # the scenario, --set, --method (the impact method, as in lca run)
    analysis.add_argument("--analysis", choices=METHODS, default="spearman",
                          help="sensitivity analysis: oat (tornado), spearman or sobol (default spearman)")
    analysis.add_argument("--category", metavar="ID", help="only this impact category")
    analysis.add_argument("--parameter", action="append", metavar="NAME", default=[],
                          help="only these uncertain parameters (repeatable; default: all)")
    # the former name of --method, kept so that it says so (see _renamed_flags)
    analysis.add_argument("--impact-method", action="append", default=[], help=argparse.SUPPRESS)
    _common(analysis)
    analysis.set_defaults(handler=_sensitivity)

