"""``lca report SCENARIO --out DIR [--samples N] [--format html,md] [--quiet] [--set k=v] [--seed S]``

Writes DIR/report.html (self-contained), DIR/report.md with DIR/figures/*.svg, and
DIR/results.json, DIR/results.csv from the same numbers; DIR is replaced only when complete
(the ``.lca-report`` marker says it is a report folder, which a later run may replace).

>>> import tempfile
>>> from pathlib import Path
>>> from lca.cli import main
>>> with tempfile.TemporaryDirectory() as folder:
...     status = main(["report", "lca:scenarios/patterson2021_gpt3.toml", "--out", f"{folder}/report",
...                    "--format", "md", "--quiet"])
...     written = sorted(p.name for p in Path(folder, "report").iterdir())
>>> status, written
(0, ['.lca-report', 'figures', 'report.md', 'results.csv', 'results.json', 'snippet.md', 'snippet.tex'])
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..errors import LCAError
from ..report.build import build_report
from ..report.content import ReportOptions
from ..report.figures import require_matplotlib
from .common import add_study_arguments, load_from_args
from .progress import progress_bar


def register(subparsers: Any) -> None:
    """Add ``lca report`` to the command line.

    Parameters
    ----------
    subparsers : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["report", "lca:scenarios/patterson2021_gpt3.toml", "--out", "report"])
    >>> args.out, args.samples
    ('report', 0)
    """

    parser = subparsers.add_parser("report", help="write an ISO 14044-style study report (HTML and Markdown)")
    add_study_arguments(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="report folder (replaced atomically)")
    parser.add_argument("--samples", type=int, default=0, metavar="N",
                        help="Monte Carlo samples for the uncertainty and sensitivity sections (default 0: none)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--sampler", choices=("random", "lhs", "sobol"), default="random")
    parser.add_argument("--format", default="html,md", metavar="LIST",
                        help="comma-separated: html, md (default both)")
    parser.add_argument("--png", action="store_true", help="also write each figure as figures/NAME.png (200 dpi)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The ``lca report`` command: build and write the report, say where it is.

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
        For a mistake in the study or the arguments, matplotlib missing or an unsafe ``--out``.

    Examples
    --------
    See the module's example.
    """

    require_matplotlib()  # a missing matplotlib is one clear message before any work

    if args.samples < 0:
        raise LCAError(f"--samples must be >= 0, got {args.samples}")
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    start = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - start:5.1f} s] {message}", file=sys.stderr)

    model = load_from_args(args)
    for warning in model.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    options = ReportOptions(samples=args.samples, seed=args.seed, sampler=args.sampler, formats=formats,
                            png=args.png)
    progress("calculating")
    report = build_report(model, args.out, options, progress,
                          sample_progress=lambda label: progress_bar(label, args.quiet))
    if not args.quiet:
        written = [f for f in report.files if not f.startswith("figures/")]
        print(f"wrote {report.out}/: {', '.join(written)} and {len(report.figures)} figures "
              f"in {time.perf_counter() - start:.1f} s")
    return 0
