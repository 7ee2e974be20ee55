"""The report as Markdown (GitHub-flavoured tables) with figures as SVG files beside it.

>>> from .document import Table, Num
>>> print(render_markdown((Table(("a", "b"), (("x|y", Num(2.0, "2")),)),), "figures"))
| a | b |
| --- | ---: |
| x\\|y | 2 |
<BLANKLINE>
"""

from __future__ import annotations

import re
from typing import Sequence

from .document import Block, Bullets, Code, FigureBlock, Heading, Num, Paragraph, Table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_md(text: str) -> str:
    r"""Backslash-escape the characters Markdown would read as markup (study text is plain).

    Parameters
    ----------
    text : str
        Text from a study file.

    Returns
    -------
    str
        The text, safe in a Markdown paragraph or table cell (newlines become spaces).

    Examples
    --------
    >>> print(escape_md("GPT-3 *175B* | v1"))
    GPT-3 \*175B\* \| v1
    """
    return _SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def render_markdown(blocks: Sequence[Block], figure_dir: str = "figures") -> str:
    r"""The whole report as Markdown; figures are linked as ``figure_dir/name.svg``.

    Parameters
    ----------
    blocks : sequence of Block
        The document.
    figure_dir : str, optional
        The folder of the SVG files, relative to the Markdown file.

    Returns
    -------
    str
        The Markdown.

    Examples
    --------
    >>> from lca.report.document import Heading, Paragraph
    >>> print(render_markdown([Heading(1, "Study"), Paragraph("Use phase *only*.")]))
    # Study
    <BLANKLINE>
    Use phase \*only\*.
    <BLANKLINE>
    """
    parts = [_block(block, figure_dir) for block in blocks]
    return "\n".join(parts)


def _block(block: Block, figure_dir: str) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {escape_md(block.text)}\n"
    if isinstance(block, Paragraph):
        return escape_md(block.text) + "\n"
    if isinstance(block, Bullets):
        return "\n".join(f"- {escape_md(item)}" for item in block.items) + "\n"
    if isinstance(block, Table):
        numeric = [bool(block.rows) and all(isinstance(r[i], Num) or r[i] == "" for r in block.rows)
                   for i in range(len(block.headers))]
        lines = [f"**{escape_md(block.caption)}**\n"] if block.caption else []
        lines.append("| " + " | ".join(escape_md(h) for h in block.headers) + " |")
        lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
        for row in block.rows:
            lines.append("| " + " | ".join(escape_md(c.text if isinstance(c, Num) else str(c)) for c in row) + " |")
        return "\n".join(lines) + "\n"
    if isinstance(block, FigureBlock):
        figure = block.figure
        return f"![{escape_md(figure.alt)}]({figure_dir}/{figure.name}.svg)\n\n*{escape_md(figure.caption)}*\n"
    if isinstance(block, Code):
        fence = "````" if "```" in block.text else "```"
        return f"{fence}{block.language}\n{block.text}\n{fence}\n"
    raise TypeError(f"not a report block: {block!r}")
