"""One self-contained HTML file: styles and SVG figures inline (text in figures stays text). The markup is
also well-formed XML (XHTML syntax), so any XML parser can check it; all study text is escaped.

>>> from .document import Heading, Paragraph
>>> "&lt;b&gt;" in render_html("T", (Heading(1, "T"), Paragraph("<b>")))
True
"""

from __future__ import annotations

import re
from html import escape
from typing import Sequence

from .document import Block, Bullets, Code, FigureBlock, Heading, Num, Paragraph, Table

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#111;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #111}h2{margin-top:2em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}
th,td{border:1px solid #bbb;padding:.25em .55em;vertical-align:top;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.long{overflow-wrap:anywhere}td.short{white-space:nowrap}
th{background:#eee}caption{caption-side:top;text-align:left;font-weight:600;padding:.2em 0}
figure{margin:1em 0;overflow-x:auto}figure svg{display:block;max-width:none;height:auto;border:1px solid #ddd}
figcaption{font-size:.9em;color:#333}pre{background:#f4f4f4;padding:.8em;overflow-x:auto;white-space:pre-wrap}
nav ol{columns:2}.status-warning{color:#a00;font-weight:600}.status-note{color:#555}
"""


def render_html(title: str, blocks: Sequence[Block]) -> str:
    """The whole report as one self-contained HTML page (SVG figures inlined).

    Parameters
    ----------
    title : str
        The page title.
    blocks : sequence of Block
        The document.

    Returns
    -------
    str
        The HTML.

    Examples
    --------
    >>> from lca.report.document import Heading, Paragraph
    >>> page = render_html("LCA report", [Heading(1, "Study"), Paragraph("A <b>plain</b> text.")])
    >>> page.startswith("<!DOCTYPE html>"), "A &lt;b&gt;plain&lt;/b&gt; text." in page
    (True, True)
    """
    body = []
    contents = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    for block in blocks:
        body.append(_block(block))
        if isinstance(block, Heading) and block.level == 1 and contents:
            items = "".join(f'<li><a href="#{h.anchor}">{escape(h.text)}</a></li>' for h in contents)
            body.append(f"<nav><ol>{items}</ol></nav>")
    return ("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            f"<meta name=\"generator\" content=\"lca report\"/>\n<title>{escape(title)}</title>\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f'<h{block.level} id="{block.anchor}">{escape(block.text)}</h{block.level}>'
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_status(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
        head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
        rows = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in block.rows)
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, FigureBlock):
        figure = block.figure
        return (f'<figure id="figure-{escape(figure.name)}">{_inline_svg(figure.svg, figure.name, figure.alt)}'
                f'<figcaption>{escape(figure.caption)}</figcaption></figure>')
    if isinstance(block, Code):
        return f'<pre><code class="language-{escape(block.language)}">{escape(block.text)}</code></pre>'
    raise TypeError(f"not a report block: {block!r}")


LONG_TOKEN = 30  # characters
_SVG_REFERENCE = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def _inline_svg(svg: bytes, name: str, alt: str) -> str:
    """The figure's SVG element, its ids prefixed by the figure name (ids are page-wide once
    several figures share one page) and labelled for screen readers."""
    text = _SVG_REFERENCE.sub(lambda m: f"{m.group(1)}{name}-", svg.decode("utf-8"))
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)


# A word of this many characters or more may break after "_" and "/": a parameter name or a
# path keeps its parts whole, and a six-column table of them fits the text column.
BREAKABLE_TOKEN = 16
# A cell of at most this many characters ("kg CO2-eq", "50.2 %") stays on one line: a unit or a
# share broken over two lines reads as two values.
SHORT_CELL = 12
_BREAK_AFTER = re.compile(r"(?<=[_/])(?=[^_/\s])")


def _cell(cell) -> str:
    """A table cell. Long words get break opportunities (``<wbr/>``) after ``_`` and ``/``; a
    word still longer than ``LONG_TOKEN`` characters with none may break anywhere.

    >>> _cell("classification_queries_per_day")
    '<td>classification_<wbr/>queries_<wbr/>per_<wbr/>day</td>'
    >>> _cell("kg CO2-eq"), _cell("a_b")
    ('<td class="short">kg CO2-eq</td>', '<td>a_b</td>')
    >>> _cell("sha256:" + "0" * 32)
    '<td class="long">sha256:00000000000000000000000000000000</td>'
    """
    if isinstance(cell, Num):
        # data-value carries the exact number of results.json; the text is rounded for reading
        return f'<td class="num" data-value="{cell.value!r}">{escape(cell.text)}</td>'
    text = str(cell)
    if len(text) <= SHORT_CELL and any(mark in text.strip() for mark in " -"):  # where a browser would break
        return f'<td class="short">{escape(text)}</td>'
    words = text.split()
    if any(len(word) >= BREAKABLE_TOKEN for word in words):
        shown = " ".join(_BREAK_AFTER.sub("<wbr/>", escape(word)) if len(word) >= BREAKABLE_TOKEN else escape(word)
                         for word in words)
    else:
        shown = escape(text)
    # a long token with no break (a URL, a hash) may break anywhere, or it widens the table past the page
    if any(len(part) > LONG_TOKEN for word in words for part in re.split(r"[_/]", word)):
        return f'<td class="long">{shown}</td>'
    return f"<td>{shown}</td>"


def _status(item: str) -> str:
    """Checks are written "warning: ..." / "note: ...": mark the status for the eye."""
    status, sep, rest = item.partition(": ")
    if sep and status in ("warning", "note", "ok"):
        return f'<span class="status-{status}">{status}</span>: {escape(rest)}'
    return escape(item)
