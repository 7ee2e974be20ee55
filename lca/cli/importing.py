"""``lca import``: an openLCA JSON-LD zip or ecospold2 datasets as lca inventory, method and scenario files.

``lca import FOLDER_OR_ZIP --out DIR`` reads ecospold2 ``.spold`` datasets (a folder, a zip of
them or one file; ``--product NAME`` for the scenarios; needs ``pip install "lca[ecospold]"``).
For either format, ``--flow-map FILE`` maps elementary flows to lca's, ``--write-flow-map FILE``
writes the proposed map for editing, ``--method ID`` adds lca methods to the scenarios.
``lca import FILE.zip --out DIR`` of a JSON-LD zip writes
``DIR/inventory.toml``, ``DIR/methods/*.toml``, one
scenario per product system and ``DIR/IMPORT-REPORT.md``, which lists every item mapped or
dropped (also printed); the zip's parameters and formulas become lca's (``lca run --set`` moves
them). ``lca run DIR/<scenario>.toml`` then solves it. Needs
``pip install "lca[olca]"``; see docs/interop.md.

>>> import os, tempfile
>>> from lca.cli import main
>>> folder = tempfile.mkdtemp()
>>> zip_path = os.path.join(folder, "gpt3.zip")
>>> main(["export", "lca:scenarios/patterson2021_gpt3.toml", "--format", "olca", "--out", zip_path])  # doctest: +ELLIPSIS
wrote ...gpt3.zip: openLCA JSON-LD (olca-schema 2) 'patterson2021_gpt3': ...
0
>>> main(["import", zip_path, "--out", os.path.join(folder, "imported")])     # doctest: +ELLIPSIS
wrote ...imported: 1 flow, 3 processes, 1 impact category, 1 scenario (gpt_3_training_use_phase_patterson_et_al_2021_table_4.toml); report: ...IMPORT-REPORT.md (0 items)
0
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import LCAError
from ..load.ecospold import DEFAULT_METHODS, is_ecospold, read_ecospold
from ..load.flowmap import write_flow_map
from ..load.imported import write_import
from ..load.olca import read_olca_zip


def register(sub: Any) -> None:
    command = sub.add_parser("import", help="convert an openLCA JSON-LD zip or ecospold2 datasets into lca "
                                            "inventory and scenario files")
    command.add_argument("file", metavar="FILE_FOLDER_OR_ZIP",
                         help="openLCA JSON-LD zip (olca-schema 2), or ecospold2 .spold files (a folder, zip or file)")
    command.add_argument("--product", action="append", metavar="NAME",
                         help="ecospold2: write a scenario for this reference product (repeat; default: all)")
    command.add_argument("--flow-map", metavar="FILE",
                         help="map elementary flows to lca's: TOML [flows] \"source flow id\" = \"lca flow id\" "
                              "(as --write-flow-map proposes it); flows it does not name are matched by CAS number, "
                              "name and compartment. ecospold2 input is matched even without one")
    command.add_argument("--write-flow-map", metavar="FILE",
                         help="write the proposed flow map to this new file, for editing (with no --out: only that)")
    command.add_argument("--method", action="append", metavar="ID",
                         help="lca method the scenarios select (repeat; ecospold2 default: "
                              f"{', '.join(DEFAULT_METHODS)}; JSON-LD: besides the zip's impact categories)")
    command.add_argument("--out", metavar="DIR", help="new folder to write the files into")
    command.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    if args.out is None and args.write_flow_map is None:
        raise LCAError("lca import: give --out DIR (the folder to write) or --write-flow-map FILE (or both)")
    if is_ecospold(args.file):
        imported = read_ecospold(args.file, products=args.product, flow_map=args.flow_map,
                                 methods=tuple(args.method or DEFAULT_METHODS))
    else:
        if args.product:
            raise LCAError(f"--product: only for ecospold2 input; {args.file} is not .spold datasets")
        imported = read_olca_zip(args.file, flow_map=args.flow_map, methods=tuple(args.method or ()))
    if args.write_flow_map is not None:
        if not imported.flow_map:
            raise LCAError(f"--write-flow-map {args.write_flow_map}: {args.file} has no elementary flows to map")
        write_flow_map(imported.flow_map, args.write_flow_map)
        mapped = sum(1 for line in imported.flow_map.splitlines() if line.startswith('"') and ' = ""' not in line)
        total = sum(1 for line in imported.flow_map.splitlines() if line.startswith('"'))
        print(f"wrote {args.write_flow_map}: the proposed flow map ({mapped} of {total} elementary flows matched "
              "lca's); edit it and pass it with --flow-map")
        if args.out is None:
            return 0
    out = write_import(imported, args.out)
    counts = ", ".join(_counted(n, kind) for kind, n in imported.counts.items())
    print(f"wrote {out}: {counts} ({', '.join(imported.scenarios) or 'none'}); report: "
          f"{Path(out) / 'IMPORT-REPORT.md'} ({_counted(len(imported.report), 'items')})")
    for item in imported.report:
        print(f"- {item}")
    return 0


# the plural words of the import's counts, in the singular
_SINGULAR = {"flows": "flow", "processes": "process", "categories": "category", "scenarios": "scenario",
             "activities": "activity", "items": "item"}


def _counted(n: int, kind: str) -> str:
    """``3 processes``, ``1 process``, ``1 flow mapped to lca's``: *kind*'s plural word in the singular for one.

    >>> _counted(1, "impact categories"), _counted(2, "flows kept")
    ('1 impact category', '2 flows kept')
    """
    if n != 1:
        return f"{n} {kind}"
    return f"{n} " + " ".join(_SINGULAR.get(word, word) for word in kind.split(" "))
