"""A report as a sequence of plain blocks (headings, paragraphs, tables, figures, code) that
the HTML and Markdown writers render the same way. Text is plain: writers escape it.

>>> blocks = (Heading(1, "Study"), Table(("category", "value"), (("climate", Num(1.5, "1.5")),)))
>>> blocks[1].rows[0][1].value
1.5
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from .figures import Figure


@dataclass(frozen=True)
class Heading:
    level: int
    text: str

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.text.lower()).strip("-")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Num:
    """A table cell holding a number: *value* exactly as in results.json, *text* as shown."""

    value: float
    text: str


Cell = Union[str, Num]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class FigureBlock:
    figure: Figure


@dataclass(frozen=True)
class Code:
    text: str
    language: str = ""


Block = Union[Heading, Paragraph, Bullets, Table, FigureBlock, Code]
