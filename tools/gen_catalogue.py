"""Write docs/catalogue.md: what the shipped inventories offer (lca.load.catalogue.catalogue_markdown).

Re-run after changing an inventory:  python tools/gen_catalogue.py
tests/docs/test_catalogue.py regenerates the text from the installed package and fails when the
file differs.
"""

from __future__ import annotations

from pathlib import Path

from lca.load.catalogue import catalogue_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "catalogue.md"

if __name__ == "__main__":
    DOCS.write_text(catalogue_markdown(), encoding="utf-8")
    print(f"wrote {DOCS}")
