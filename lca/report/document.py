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
    """A section heading; ``anchor`` is its link target in the HTML.

    Examples
    --------
    >>> heading = Heading(2, "Goal and scope")
    >>> heading.anchor
    'goal-and-scope'
    """

    level: int
    text: str

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.text.lower()).strip("-")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (escaped by each renderer).

    Examples
    --------
    >>> Paragraph("The functional unit is one trained model.").text
    'The functional unit is one trained model.'
    """

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items.

    Examples
    --------
    >>> len(Bullets(("Use phase only.", "Hardware excluded.")).items)
    2
    """

    items: tuple[str, ...]


@dataclass(frozen=True)
class Num:
    """A table cell holding a number: *value* exactly as in results.json, *text* as shown (immutable).

    Examples
    --------
    >>> cell = Num(553142.304, "553,142")
    >>> cell.value, cell.text
    (553142.304, '553,142')
    """

    value: float
    text: str


Cell = Union[str, Num]


@dataclass(frozen=True)
class Table:
    """A table of text and :class:`Num` cells, with a caption.

    Examples
    --------
    >>> table = Table(("category", "value"), (("climate_change", Num(553142.3, "553,142")),), "Impacts")
    >>> table.rows[0][1].text
    '553,142'
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class FigureBlock:
    """A rendered figure in the flow of the document.

    Examples
    --------
    >>> from lca.report.figures import Figure
    >>> FigureBlock(Figure("stages", "Stages", "caption", "alt text", b"")).figure.name
    'stages'
    """

    figure: Figure


@dataclass(frozen=True)
class Code:
    """Preformatted text (a command, a snippet), with its language for highlighting.

    Examples
    --------
    >>> Code("lca run lca:scenarios/patterson2021_gpt3.toml", "bash").language
    'bash'
    """

    text: str
    language: str = ""


Block = Union[Heading, Paragraph, Bullets, Table, FigureBlock, Code]
