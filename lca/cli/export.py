"""``lca export``: a study for another LCA tool.

``--format brightway --project NAME`` writes a Brightway 2.5 project (bw2data);
``--format bw-datapackage --out FILE.zip`` a bw_processing datapackage that bw2calc reads
without bw2data. Both need ``pip install "lca[brightway]"``; see docs/brightway.md.
``--format olca --out FILE.zip`` an openLCA JSON-LD zip (``pip install "lca[olca]"``; see
docs/interop.md).

>>> import os, tempfile
>>> from lca.cli import main
>>> out = os.path.join(tempfile.mkdtemp(), "gpt3.zip")
>>> main(["export", "lca:scenarios/patterson2021_gpt3.toml", "--format", "bw-datapackage", "--out", out])
wrote ...gpt3.zip: bw_processing datapackage 'patterson2021_gpt3'; 2 processes and 'functional_unit', 1 elementary flows, 1 methods ('lca', CATEGORY)
0
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..engine.compile import compile_model
from ..errors import LCAError
from ..export import olca
from ..export.brightway import (
    DATAPACKAGE_MODULES,
    FUNCTIONAL_UNIT,
    PROJECT_MODULES,
    brightway_export,
    check_project_name,
    check_writable,
    require,
    write_datapackage,
    write_project,
)
from .common import add_study_arguments, load_from_args

FORMATS = ("brightway", "bw-datapackage", "olca")
SHOWN = 3  # unsupported uncertainties named in the warning


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="write a study for another LCA tool (Brightway 2.5 project or datapackage, openLCA JSON-LD)")
    add_study_arguments(export)
    export.add_argument("--format", required=True, choices=FORMATS,
                        help="brightway: into a bw2data project (--project); bw-datapackage or olca (JSON-LD): a zip (--out)")
    export.add_argument("--project", metavar="NAME", help="Brightway project to write into (created if needed)")
    export.add_argument("--out", metavar="FILE.zip", help="zip file to write (bw-datapackage, olca)")
    export.add_argument("--database", metavar="NAME", help="database name (default: the study file's stem)")
    export.add_argument("--presamples", type=int, default=0, metavar="N",
                        help="bw-datapackage: N Monte Carlo draws of the entries that formulas compute from "
                             "uncertain parameters (used by bw2calc with use_arrays=True)")
    export.add_argument("--seed", type=int, default=42, help="random seed of the presamples (default 42)")
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    # Everything that can be checked without the study is checked first: nothing is written
    # after a slow load only to fail on a missing package or folder.
    if args.format == "brightway":
        if not args.project:
            raise LCAError("--format brightway needs --project NAME (the Brightway project to write into)")
        if args.out or args.presamples:
            raise LCAError("--out and --presamples are for --format bw-datapackage")
        check_project_name(args.project)
        require(PROJECT_MODULES, "--format brightway")
    elif args.format == "olca":
        if not args.out:
            raise LCAError("--format olca needs --out FILE.zip")
        if args.project or args.presamples:
            raise LCAError("--project and --presamples are for the Brightway formats")
        check_writable(Path(args.out))
        olca.require(olca.MODULES, "--format olca")
    else:
        if not args.out:
            raise LCAError("--format bw-datapackage needs --out FILE.zip")
        if args.project:
            raise LCAError("--project is for --format brightway")
        if args.presamples < 0:
            raise LCAError(f"--presamples must be >= 0, got {args.presamples}")
        check_writable(Path(args.out))
        require(DATAPACKAGE_MODULES, "--format bw-datapackage")
    if args.database is not None and not args.database.strip():
        raise LCAError(f"--database {args.database!r}: give a non-empty name")
    compiled = compile_model(load_from_args(args))
    for warning in compiled.model.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.format == "olca":
        return _export_olca(compiled, args)
    export = brightway_export(compiled, args.database)
    if export.unsupported and not (args.format == "bw-datapackage" and args.presamples):
        shown = "; ".join(export.unsupported[:SHOWN])
        more = f" and {len(export.unsupported) - SHOWN} more" if len(export.unsupported) > SHOWN else ""
        print(f"warning: {len(export.unsupported)} exchanges or factors have an uncertainty with no stats_arrays "
              f"form (computed by a formula from uncertain parameters, or a weighted discrete distribution); "
              f"they are exported at their deterministic value without uncertainty: {shown}{more}. "
              "--format bw-datapackage --presamples N carries them as presampled arrays", file=sys.stderr)
    counts = (f"{len(compiled.processes)} processes and {FUNCTIONAL_UNIT!r}, {len(compiled.flows)} elementary "
              f"flows, {len(compiled.categories)} methods ('lca', CATEGORY)")
    if args.format == "brightway":
        write_project(export, args.project)
        print(f"wrote Brightway project {args.project!r}: databases {export.database!r} and "
              f"{export.biosphere_database!r}; {counts}")
    else:
        path = write_datapackage(export, args.out, args.presamples, args.seed)
        print(f"wrote {path}: bw_processing datapackage {export.database!r}; {counts}"
              + (f"; {args.presamples} presamples of {len(export.unsupported)} entries" if args.presamples else ""))
    return 0


def _export_olca(compiled, args: argparse.Namespace) -> int:
    export = olca.olca_export(compiled, args.database)
    uncertain = tuple(item for item in export.unsupported if item not in export.formulas_as_values)
    if uncertain:
        print(f"warning: {_listed(uncertain)} exchanges, factors or choice parameters have an uncertainty with no "
              "openLCA form (PERT, a weighted discrete distribution, or an entry's own uncertain number where its "
              "formula reads uncertain parameters); they are exported without it", file=sys.stderr)
    if export.formulas_as_values:
        print(f"warning: {_listed(export.formulas_as_values)} formulas or parameters are exported (in part) as "
              "values: openLCA cannot evaluate them as lca does", file=sys.stderr)
    path = olca.write_zip(export, args.out)
    counts = ", ".join(f"{n} {kind}" for kind, n in export.counts.items())
    print(f"wrote {path}: openLCA JSON-LD (olca-schema 2) {export.study!r}: {counts}; "
          f"{export.formulas} amounts as openLCA formulas of the parameters")
    return 0


def _listed(items: tuple[str, ...]) -> str:
    """'N: a; b; c and M more'."""
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return f"{len(items)} ({'; '.join(items[:SHOWN])}{more})"
