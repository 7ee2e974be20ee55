"""``lca estimate``: a job's footprint from hardware, count, hours and region, in one line.

The study is built in memory from the shipped inventories (:mod:`lca.load.estimate`) and
printed as ``lca run`` prints a study (table, JSON or CSV, ``--samples`` for uncertainty);
``--write-study FILE`` also writes it, so ``lca run FILE`` gives the same numbers and the file
can be edited. ``--list hardware|regions`` says what the shipped data offer.

>>> from lca.cli import main
>>> status = main(["estimate", "--hardware", "h100", "--count", "8", "--hours", "10", "--region", "de",
...                "--format", "csv"])    # doctest: +ELLIPSIS
category,unit,scope,name,value
climate_change,kg CO2-eq,total,,...
>>> status
0
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import LCAError
from ..load.estimate import (
    estimate_model,
    estimate_study,
    hardware_options,
    region_options,
)
from ..load.study import load_study
from ..serialize import dumps_json, render_table
from .study import add_run_output_arguments, print_run

LISTS = {"hardware": hardware_options, "regions": region_options}


def register(sub: Any) -> None:
    """Add ``lca estimate`` to the command line.

    Parameters
    ----------
    sub : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["estimate", "--hardware", "h100", "--count", "64", "--hours", "120",
    ...                           "--region", "fr"])
    >>> args.hardware, args.count, args.hours, args.region, args.pue, args.utilization
    ('h100', 64, 120.0, 'fr', None, None)
    """
    parser = sub.add_parser(
        "estimate", help="footprint of a training or fine-tuning job: hardware, count, hours, region",
        description="Builds a study from the shipped inventories (servers, datacenter, grid; the hardware's "
                    "life cycle amortised over its service life) and prints it as lca run does.")
    parser.add_argument("--hardware", metavar="NAME", help="accelerator (lca estimate --list hardware)")
    parser.add_argument("--count", type=int, metavar="N", help="number of accelerators")
    parser.add_argument("--hours", type=float, metavar="H", help="wall-clock hours of the job")
    parser.add_argument("--region", metavar="CODE", help="grid of the datacenter (lca estimate --list regions)")
    parser.add_argument("--pue", type=float, help="datacenter PUE (default: hyperscale fleet, 1.15)")
    parser.add_argument("--utilization", type=float, metavar="U",
                        help="average node power as a fraction of its maximum (default 0.754)")
    parser.add_argument("--write-study", metavar="FILE", dest="write_study",
                        help="also write the study (TOML) to FILE, replaced atomically")
    parser.add_argument("--list", choices=tuple(LISTS), help="list the hardware or the regions, and stop")
    add_run_output_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The ``lca estimate`` command.

    Parameters
    ----------
    args : argparse.Namespace
        Its parsed arguments (see :func:`register`).

    Returns
    -------
    int
        The exit status, 0.

    Raises
    ------
    LCAError
        A missing or bad argument (unknown hardware or region with close matches, count below 1,
        hours not positive, ...), or a study file that cannot be written.

    Examples
    --------
    See the module's example.
    """
    if args.list:
        options = LISTS[args.list]()
        if args.format == "json":
            sys.stdout.write(dumps_json(dict(options)))
        else:
            print(render_table(["hardware" if args.list == "hardware" else "region", "name"],
                               [[key, name] for key, name in options.items()]))
        return 0
    missing = [f"--{name}" for name in ("hardware", "count", "hours", "region") if getattr(args, name) is None]
    if missing:
        raise LCAError(f"lca estimate: {', '.join(missing)} missing (e.g. --hardware h100 --count 64 "
                       "--hours 120 --region fr)")
    job = (args.hardware, args.count, args.hours, args.region, args.pue, args.utilization)
    if not args.write_study:
        return print_run(estimate_model(*job), args)
    path = write_atomically(Path(args.write_study), estimate_study(*job))
    print(f"wrote {path}", file=sys.stderr)
    return print_run(load_study(path), args)  # what lca run FILE computes


def write_atomically(path: Path, text: str) -> Path:
    """Write *text* to *path* through a temporary file beside it: a reader sees the old file or the new one.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    text : str
        Its new content (UTF-8).

    Returns
    -------
    pathlib.Path
        *path*.

    Raises
    ------
    LCAError
        If the folder does not exist or cannot be written, or *path* is a folder.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_atomically(Path(folder) / "study.toml", "x = 1\\n")
    ...     print(path.read_text(), sorted(p.name for p in Path(folder).iterdir()))
    x = 1
     ['study.toml']
    """
    if path.is_dir():
        raise LCAError(f"--write-study {str(path)!r}: is a folder, not a file")
    try:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or Path("."),
                                             prefix=f".{path.name}.", suffix=".tmp", delete=False)
    except OSError as exc:
        raise LCAError(f"--write-study {str(path)!r}: cannot write there ({exc.strerror})") from None
    try:
        with handle:
            handle.write(text)
        # a temporary file is private (0600); the study gets the mode any new file of the user gets
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
    return path
