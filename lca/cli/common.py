"""What the commands share: study arguments, ``--set`` parsing, loading from arguments."""

from __future__ import annotations

import argparse
import math
from typing import Any, Sequence

from ..errors import LCAError
from ..load import load_study

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
    parser.add_argument("--energy-log", action="append", metavar="FILE", default=[], dest="energy_log",
                        help="measured energy: a CodeCarbon emissions.csv, Zeus or nvidia-smi CSV log; sets the "
                             "study's [energy_log] parameter (replacing the study's own log files); repeatable, "
                             "the logs of one run's ranks or machines are summed")


def load_from_args(args: argparse.Namespace):
    return load_study(args.scenario, overrides=parse_set(args.set), methods=args.method or None,
                      energy_logs=getattr(args, "energy_log", None) or None)
