"""Reading the numbers a Markdown doc prints, so tests can recompute them: the rows of the first
table after a heading, keyed by the backticked id in their first cell."""

from __future__ import annotations

import re
from pathlib import Path


def table(doc: Path, heading: str) -> dict[str, list[str]]:
    """Cells of each row of the first table after *heading*, by the row's backticked id."""
    section = doc.read_text(encoding="utf-8").split(heading, 1)[1]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if rows and not line.startswith("|"):
            break
        match = re.match(r"\|\s*`([a-z0-9_]+)`", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip().strip("|").split("|")]
    assert rows, f"{doc.name}: no table after {heading!r}"
    return rows


def number(cell: str) -> float:
    """A printed number, thousands separators allowed."""
    return float(cell.replace(",", "").strip())


def interval(cell: str) -> tuple[float, float]:
    """A printed range 'low-high'."""
    low, high = cell.split("-")
    return number(low), number(high)
