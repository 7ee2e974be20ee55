"""``lca new``, ``lca quick`` and ``lca estimate``: a job's study, or its footprint, from hardware,
count, hours and region, in one line.

The study is built from the shipped inventories (:mod:`lca.load.estimate`): ``lca new KIND ...
--out FILE`` writes it (commented, complete: ``lca run FILE`` runs it as is), ``lca quick [KIND]
...`` prints it as ``lca run`` prints a study (table, JSON or CSV, ``--samples`` for
uncertainty). ``lca estimate`` is ``lca quick`` with its first spellings (``--hardware``,
``--write-study FILE``, ``--list hardware|regions``).

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
import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import LCAError
from ..load.estimate import (
    KINDS,
    NEW_FLAGS,
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
    """Add ``lca new``, ``lca quick`` and ``lca estimate`` to the command line.

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
    >>> args = parser.parse_args(["new", "inference", "--accelerator", "h100", "--count", "8", "--hours", "24",
    ...                           "--region", "de", "--requests", "1e6", "--out", "serving.toml"])
    >>> args.kind, args.accelerator, args.requests, args.out, args.force
    ('inference', 'h100', 1000000.0, 'serving.toml', False)
    """
    new = sub.add_parser(
        "new", help="write a complete, commented study of a training, inference or fine-tuning job",
        description="Writes a study (TOML) on the shipped inventories: the hardware's amortised life cycle, "
                    "the datacenter, the region's grid and the seven impact categories. `lca run FILE` runs it "
                    "as is; edit it to change anything. inference: the accelerators reserved for serving, for "
                    "--hours; with --requests N (the requests they served) the functional unit is 1,000 "
                    "requests, else the whole window. (Per-token serving energy: "
                    "lca:scenarios/llm_inference_lifecycle.toml.)")
    new.add_argument("kind", choices=tuple(KINDS), help="what the job is")
    _job_arguments(new)
    new.add_argument("--out", metavar="FILE", help="the study to write (refused if it exists, unless --force)")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    new.set_defaults(handler=_new)

    quick = sub.add_parser(
        "quick", help="footprint of a training, inference or fine-tuning job: accelerator, count, hours, region",
        description="The study lca new would write, printed as lca run prints it.")
    quick.add_argument("kind", nargs="?", choices=tuple(KINDS), default="training",
                       help="what the job is (default training)")
    _job_arguments(quick)
    add_run_output_arguments(quick)
    quick.set_defaults(handler=_quick)

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


def _job_arguments(parser: argparse.ArgumentParser) -> None:
    """The job's flags of ``lca new`` and ``lca quick``."""
    parser.add_argument("--accelerator", metavar="NAME", help="accelerator (lca list hardware)")
    parser.add_argument("--count", type=int, metavar="N", help="number of accelerators")
    parser.add_argument("--hours", type=float, metavar="H", help="wall-clock hours of the job (of serving: inference)")
    parser.add_argument("--region", metavar="CODE", help="grid of the datacenter (lca list locations)")
    parser.add_argument("--requests", type=float, metavar="N",
                        help="inference: requests served in those hours (results per 1,000 requests)")
    parser.add_argument("--pue", type=float, help="datacenter PUE (default: hyperscale fleet, 1.15)")
    parser.add_argument("--utilization", type=float, metavar="U",
                        help="average node power as a fraction of its maximum (default 0.754)")


def _job(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """The keyword arguments of :func:`lca.load.estimate.estimate_study` for ``lca new`` / ``lca quick``
    (*command*: ``"lca new"`` or ``"lca quick"``)."""
    missing = [f"--{name}" for name in ("accelerator", "count", "hours", "region") if getattr(args, name) is None]
    if missing:
        raise LCAError(f"{command} {args.kind}: {', '.join(missing)} missing "
                       "(e.g. --accelerator h100 --count 8 --hours 10 --region de)")
    return dict(hardware=args.accelerator, count=args.count, hours=args.hours, region=args.region, pue=args.pue,
                utilization=args.utilization, kind=args.kind, requests=args.requests,
                flags=dataclasses.replace(NEW_FLAGS, command=command + " {kind}"))


def _new(args: argparse.Namespace) -> int:
    job = _job(args, "lca new")
    if not args.out:
        raise LCAError(f"lca new {args.kind}: --out FILE missing (the study to write, e.g. --out study.toml)")
    path = write_atomically(Path(args.out), estimate_study(**job), replace=args.force, flag="--out")
    print(f"wrote {path}: run it with `lca run {path}`", file=sys.stderr)
    return 0


def _quick(args: argparse.Namespace) -> int:
    return print_run(estimate_model(**_job(args, "lca quick")), args)


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


def write_atomically(path: Path, text: str, replace: bool = True, flag: str = "--write-study") -> Path:
    """Write *text* to *path* through a temporary file beside it: a reader sees the old file or the new one.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    text : str
        Its new content (UTF-8).
    replace : bool, default True
        Replace *path* if it exists; False: refuse (the check and the write are one step, so
        a file that appears meanwhile is not replaced either).
    flag : str, optional
        The option that named *path*, for messages.

    Returns
    -------
    pathlib.Path
        *path*.

    Raises
    ------
    LCAError
        If the folder does not exist or cannot be written, *path* is a folder, or it exists and
        *replace* is False.

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
        raise LCAError(f"{flag} {str(path)!r}: is a folder, not a file")
    if not replace and path.exists():
        raise LCAError(f"{flag} {str(path)!r}: exists; give --force to replace it")
    try:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or Path("."),
                                             prefix=f".{path.name}.", suffix=".tmp", delete=False)
    except OSError as exc:
        raise LCAError(f"{flag} {str(path)!r}: cannot write there ({exc.strerror})") from None
    try:
        with handle:
            handle.write(text)
        # a temporary file is private (0600); the study gets the mode any new file of the user gets
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        if replace:
            os.replace(handle.name, path)
        else:
            # a hard link fails if the name exists: no window between the check and the write
            try:
                os.link(handle.name, path)
            except FileExistsError:
                raise LCAError(f"{flag} {str(path)!r}: exists; give --force to replace it") from None
            os.unlink(handle.name)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise
    return path
