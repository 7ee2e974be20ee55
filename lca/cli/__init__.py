"""Command line: ``lca run|validate|list|sources|compare|sensitivity|allocate|report``.

One module per command group, each with ``register(subparsers)``; nothing else in the package
imports this one. A user's mistake prints one line ``error: <file>: <item>: <problem>`` on
stderr and exits with status 2; nothing is written half-way.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Sequence

from ..errors import LCAError
from . import allocate, report, study, uncertainty
from .common import EXIT_USER_ERROR

COMMAND_MODULES = (study, uncertainty, allocate, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lca", description="Life-cycle assessment of AI systems.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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

