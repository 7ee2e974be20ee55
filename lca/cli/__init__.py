"""Command line: ``lca run|validate|list|sources|new|quick|estimate|compare|sensitivity|sweep|allocate|report|``
``export|import|grid``.

One module per command group, each with ``register(subparsers)``; nothing else in the package
imports this one. A user's mistake prints one line ``error: <file>: <item>: <problem>`` on
stderr and exits with status 2; nothing is written half-way.

>>> main(["run", "lca:scenarios/patterson2021_gpt3.toml", "--set", "pue=1.2"])
GPT-3 training, use phase (Patterson et al. 2021, Table 4)
functional unit: one trained GPT-3 model
category        value      unit       use
--------------  ---------  ---------  ---------
climate_change  603,428.0  kg CO2-eq  603,428.0
<BLANKLINE>
published by the study's source, and computed here:
item              of              published  computed  unit      difference
----------------  --------------  ---------  --------  --------  ----------
energy_MWh        energy            1,287.0   1,406.6  MWh       +9.29%
emissions_t_co2e  climate_change      552.1     603.4  t CO2-eq  +9.30%
<BLANKLINE>
energy drawn at the sources: 1.407e+06 kWh (use 1.407e+06)
0
"""

from __future__ import annotations

import argparse
import gc
import sys
import warnings
from typing import Sequence

from ..errors import LCAError
from . import allocate, estimate, export, grid, importing, report, study, sweep, uncertainty
from .common import EXIT_USER_ERROR

COMMAND_MODULES = (study, estimate, uncertainty, sweep, allocate, report, export, importing, grid)


def build_parser() -> argparse.ArgumentParser:
    """The ``lca`` argument parser, with one subcommand per command of the command modules.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand's namespace carries its ``handler``.

    Examples
    --------
    >>> args = build_parser().parse_args(["run", "lca:scenarios/patterson2021_gpt3.toml", "--samples", "1000"])
    >>> args.command, args.samples
    ('run', 1000)
    """

    parser = argparse.ArgumentParser(prog="lca", description="Life-cycle assessment of AI systems.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    r"""Run the ``lca`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, 2 for a mistake in the input (the message on stderr, one line
        naming the file, the item and the problem), 130 when interrupted.

    Examples
    --------
    >>> main(["run", "lca:scenarios/patterson2021_gpt3.toml", "--format", "json"])    # doctest: +ELLIPSIS
    {
      "study": "GPT-3 training, use phase (Patterson et al. 2021, Table 4)",
      ...
    0
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as stderr:
    ...     status = main(["run", "lca:scenarios/patterson2021_gpt3.toml", "--set", "gpus=8"])
    >>> status, stderr.getvalue()
    (2, 'error: --set gpus: no such parameter (known: chip_power, duration, grid_intensity, n_chips, pue)\n')
    """
    if argv is None:
        # From the shell. What the imports made lives until the process ends, so the garbage
        # collector need not scan it again, in the run or in the interpreter's teardown: a
        # sixth of a short run's CPU (benchmarks/RESULTS.md). Not when Python code calls
        # main(argv): freezing would also keep the caller's garbage forever.
        gc.freeze()
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "samples", 0) and args.samples < 0:
        parser.error("--samples must be >= 0")
    try:
        with warnings.catch_warnings():
            # numpy's overflow/invalid-value warnings would print beside the one-line error that
            # names the non-finite number (lca.engine checks every result); they add nothing
            warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"(numpy|scipy)(\.|$)")
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

