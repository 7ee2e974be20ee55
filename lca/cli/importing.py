"""``lca import``: an openLCA JSON-LD zip as lca inventory, method and scenario files.

``lca import FILE.zip --out DIR`` writes ``DIR/inventory.toml``, ``DIR/methods/*.toml``, one
scenario per product system and ``DIR/IMPORT-REPORT.md``, which lists every item mapped or
dropped (also printed). ``lca run DIR/<scenario>.toml`` then solves it. Needs
``pip install "lca[olca]"``; see docs/interop.md.

>>> import os, tempfile
>>> from lca.cli import main
>>> folder = tempfile.mkdtemp()
>>> zip_path = os.path.join(folder, "gpt3.zip")
>>> main(["export", "lca:scenarios/patterson2021_gpt3.toml", "--format", "olca", "--out", zip_path])  # doctest: +ELLIPSIS
wrote ...gpt3.zip: openLCA JSON-LD (olca-schema 2) 'patterson2021_gpt3': ...
0
>>> main(["import", zip_path, "--out", os.path.join(folder, "imported")])     # doctest: +ELLIPSIS
wrote ...imported: 1 flows, 3 processes, 1 impact categories, 1 scenarios (gpt_3_training_use_phase_patterson_et_al_2021_table_4.toml); report: ...IMPORT-REPORT.md (1 items)
- dropped 5 Parameter object(s): lca import does not map them (the exchanges hold the values openLCA evaluated)
0
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..load.olca import read_olca_zip, write_import


def register(sub: Any) -> None:
    command = sub.add_parser("import", help="convert an openLCA JSON-LD zip into lca inventory and scenario files")
    command.add_argument("file", metavar="FILE.zip", help="openLCA JSON-LD zip (olca-schema 2)")
    command.add_argument("--out", required=True, metavar="DIR", help="new folder to write the files into")
    command.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    imported = read_olca_zip(args.file)
    out = write_import(imported, args.out)
    counts = ", ".join(f"{n} {kind}" for kind, n in imported.counts.items())
    print(f"wrote {out}: {counts} ({', '.join(imported.scenarios) or 'none'}); report: "
          f"{Path(out) / 'IMPORT-REPORT.md'} ({len(imported.report)} items)")
    for item in imported.report:
        print(f"- {item}")
    return 0
