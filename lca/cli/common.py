"""What the commands share: study arguments, ``--set`` parsing, loading from arguments."""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from typing import Any, Sequence

from ..errors import LCAError
from ..load import load_study

EXIT_USER_ERROR = 2
# The width of tables written to a file or a pipe: the same wherever the command runs (issue 12:
# lca list printed lines of 1,173 characters); on a terminal, its width.
PIPED_WIDTH = 120
# Narrower than this, a terminal gets tables this wide anyway (ids and units are never cut).
NARROWEST = 40


def table_width(stream: Any = None) -> int:
    """How wide the tables a command prints may be: the terminal's width, or :data:`PIPED_WIDTH`.

    Parameters
    ----------
    stream : file, optional
        Where the table goes (default ``sys.stdout``). A terminal gives its width
        (``shutil.get_terminal_size``: ``COLUMNS`` first, then the terminal), at least
        :data:`NARROWEST`; anything else (a pipe, a file, a test's capture) the fixed width.

    Returns
    -------
    int
        Characters per line.

    Examples
    --------
    >>> import io
    >>> table_width(io.StringIO())
    120
    """
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return PIPED_WIDTH
    return max(NARROWEST, shutil.get_terminal_size((PIPED_WIDTH, 24)).columns)


def parse_set(items: Sequence[str] | None) -> dict[str, Any]:
    """Parse ``--set NAME=VALUE`` items into parameter overrides.

    Parameters
    ----------
    items : sequence of str or None
        ``["pue=1.2", "chip_power=300 W", "grid_region=fr"]``.

    Returns
    -------
    dict of str to float or str
        Numbers as floats, anything else (a value with a unit, an option) as text.

    Raises
    ------
    LCAError
        If an item is not NAME=VALUE or its number is not finite.

    Examples
    --------
    >>> parse_set(["pue=1.2", "chip_power=300 W", "grid_region=fr"])
    {'pue': 1.2, 'chip_power': '300 W', 'grid_region': 'fr'}
    >>> parse_set(["pue"])
    Traceback (most recent call last):
    lca.errors.LCAError: --set 'pue': expected NAME=VALUE (e.g. pue=1.2 or gpu_power='300 W')
    """
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


def add_study_arguments(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    """Add the arguments every command that runs a study shares: the scenario, ``--set``, ``--method``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A subcommand's parser.
    optional : bool, default False
        The scenario may be left out (``lca list``: then the shipped inventories).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_study_arguments(parser)
    >>> args = parser.parse_args(["lca:scenarios/patterson2021_gpt3.toml", "--set", "pue=1.2"])
    >>> args.scenario, args.set, args.method
    ('lca:scenarios/patterson2021_gpt3.toml', ['pue=1.2'], [])
    """
    if optional:
        parser.add_argument("scenario", nargs="?", default=None,
                            help="scenario (study) TOML file (default: the shipped inventories)")
    else:
        parser.add_argument("scenario", help="scenario (study) TOML file")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                        help="override a parameter (value in the parameter's unit, or with a unit: "
                             "gpu_power='300 W'); repeatable")
    parser.add_argument("--method", action="append", metavar="ID", default=[],
                        help="use this impact method for its category (e.g. ipcc_ar5_gwp100); repeatable")
    parser.add_argument("--energy-log", action="append", metavar="FILE", default=[], dest="energy_log",
                        help="measured energy: a CodeCarbon emissions.csv, Zeus or nvidia-smi CSV log; sets the "
                             "study's [energy_log] parameter (replacing the study's own log files); repeatable, "
                             "the logs of one run's ranks or machines are summed")
    parser.add_argument("--grid-profile", metavar="FILE", default=None, dest="grid_profile",
                        help="hourly grid intensity (Electricity Maps CSV, UTC): its mean weighted by the energy "
                             "log's hourly energy replaces the study's grid intensity (time-matched)")
    parser.add_argument("--log-timezone", metavar="ZONE", default=None, dest="log_timezone",
                        help="IANA time zone of the energy log's timestamps (CodeCarbon writes local time, no zone)")
    add_include_argument(parser)


def add_include_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow-include-outside``: includes may leave the study's folder.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command that loads study or inventory files.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_include_argument(parser)
    >>> parser.parse_args([]).allow_include_outside, parser.parse_args(["--allow-include-outside"]).allow_include_outside
    (False, True)
    """
    parser.add_argument("--allow-include-outside", action="store_true",
                        help="let includes name files outside the study's folder (symlinks resolved) and "
                             "the shipped lca: data; off by default, so a study cannot make lca read any file")


def load_from_args(args: argparse.Namespace):
    """Load the study a command names, with its ``--set`` overrides and ``--method`` choices.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of :func:`add_study_arguments`.

    Returns
    -------
    Model
        The loaded model.

    Raises
    ------
    LCAError
        As :func:`lca.load_study`.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_study_arguments(parser)
    >>> model = load_from_args(parser.parse_args(["lca:scenarios/patterson2021_gpt3.toml", "--method", "ipcc_ar5_gwp100"]))
    >>> model.selected_methods
    ('ipcc_ar5_gwp100',)
    """
    return load_study(args.scenario, overrides=parse_set(args.set), methods=args.method or None,
                      energy_logs=getattr(args, "energy_log", None) or None,
                      grid_profile=getattr(args, "grid_profile", None),
                      log_timezone=getattr(args, "log_timezone", None),
                      allow_outside=getattr(args, "allow_include_outside", False))
