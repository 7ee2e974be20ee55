"""``lca sweep``: one row of impacts per scenario, from a grid or a CSV table of parameter sets.

>>> from lca.cli import main
>>> main(["sweep", "lca:scenarios/patterson2021_gpt3.toml", "--grid", "pue=1.1,1.2"])
GPT-3 training, use phase (Patterson et al. 2021, Table 4): 2 scenarios
pue  climate_change [kg CO2-eq]
---  --------------------------
1.1                   553,142.3
1.2                   603,428.0
0
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import LCAError
from ..serialize import (
    dumps_json,
    render_table,
    require_parquet,
    sweep_columns,
    sweep_csv,
    sweep_data,
    write_sweep_parquet,
)
from ..uncertainty.sampling import SAMPLERS
from ..uncertainty.sweep import MAX_SCENARIOS, grid_scenarios, sweep, table_scenarios
from .common import add_study_arguments, load_from_args
from .progress import progress_bar


def register(sub: Any) -> None:
    """Add ``lca sweep`` to the command line.

    Parameters
    ----------
    sub : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["sweep", "s.toml", "--grid", "pue=1.1,1.2", "--grid", "grid_region=us,fr"])
    >>> args.grid, args.samples
    (['pue=1.1,1.2', 'grid_region=us,fr'], 0)
    """
    parser = sub.add_parser(
        "sweep", help="impacts of many parameter sets (a grid or a CSV table), one compiled model",
        description="One row per scenario with every impact category. --grid NAME=V1,V2,... (repeatable) "
                    "sweeps the cartesian product; --scenarios table.csv takes one scenario per row (header: "
                    "parameter names, units in brackets: 'chip_power [W]'; choices take option names). "
                    f"At most {MAX_SCENARIOS:,} scenarios. With --samples N, each scenario's mean and 95 %% "
                    "interval from the same N draws (common random numbers), as lca run --set ... --samples N "
                    "gives them: a swept value keeps a relative (lognormal) spread and loses an absolute one.")
    add_study_arguments(parser)  # the study, --set (in every scenario), --method, --energy-log
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--grid", action="append", metavar="NAME=V1,V2,...",
                        help="values of one parameter (a number in its unit, a value with a unit, or options)")
    source.add_argument("--scenarios", metavar="CSV", help="a table of scenarios, one per row")
    parser.add_argument("--samples", type=int, default=0, metavar="N", help="Monte Carlo samples per scenario")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--sampler", choices=SAMPLERS, default="random")
    parser.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
    parser.add_argument("--output", metavar="FILE", help="write here instead of stdout (needed for parquet)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    if args.format == "parquet" and not args.output:
        raise LCAError("--format parquet writes a binary file: give --output FILE")
    if args.format == "parquet":
        require_parquet()  # a missing pyarrow is one clear message before any work
    scenarios = table_scenarios(args.scenarios) if args.scenarios else grid_scenarios(args.grid)
    model = load_from_args(args)
    result = sweep(model, scenarios, samples=args.samples, seed=args.seed, sampler=args.sampler,
                   progress=progress_bar("sweep", args.quiet))
    if args.format == "parquet":
        write_sweep_parquet(result, args.output)
        return 0
    if args.format == "json":
        text = dumps_json(sweep_data(result, model.study.name))
    elif args.format == "csv":
        text = sweep_csv(result)
    else:
        headers, rows = sweep_columns(result)
        drawn = f", {args.samples:,} samples each (seed {args.seed}, {args.sampler})" if args.samples else ""
        text = f"{model.study.name}: {len(rows):,} scenarios{drawn}\n{render_table(headers, rows)}\n"
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as exc:
            raise LCAError(f"--output {args.output}: cannot write ({exc.strerror})") from None
    else:
        sys.stdout.write(text)
    return 0
