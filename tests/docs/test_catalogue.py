"""docs/catalogue.md is what the installed inventories offer: regenerated, it is unchanged."""

from __future__ import annotations

import re

from conftest import ROOT

from lca.load.catalogue import KINDS, catalogue, catalogue_markdown


def test_the_catalogue_is_up_to_date():
    written = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert written == catalogue_markdown(), "docs/catalogue.md is out of date: run python tools/gen_catalogue.py"


def test_the_catalogue_counts_every_row_it_shows():
    text = catalogue_markdown()
    counts = dict(re.findall(r"^\| \[[^]]+\]\(#([a-z-]+)\) \| (\d+) \|$", text, flags=re.M))
    assert [int(n) for n in counts.values()] == [len(catalogue(kind)) for kind in KINDS]
    # one table line per item, under each table's header and rule (the summary's rows aside)
    lines = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| [")]
    rules = sum(1 for line in lines if line.startswith("| --- "))
    assert len(lines) - 2 * rules == sum(len(catalogue(kind)) for kind in KINDS)
