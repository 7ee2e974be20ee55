"""lca.report.document and its writers (html, markdown, snippet): study text is escaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from lca.report.document import Code, Heading, Num, Paragraph, Table
from lca.report.html import render_html
from lca.report.markdown import render_markdown
from lca.report.snippet import latex_escape


def test_writers_escape_study_text():
    blocks = (Heading(1, "A <b> & c"), Paragraph("x | y *z* <script>"),
              Table(("name", "value"), (("a|b", Num(1.5, "1.5")),)), Code("a```b", "latex"))
    html = render_html("A <b>", blocks)
    root = ET.fromstring(html.split("\n", 1)[1])
    assert root.find(".//{http://www.w3.org/1999/xhtml}td[@class='num']").get("data-value") == "1.5"
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = render_markdown(blocks)
    assert "x \\| y \\*z\\* \\<script\\>" in markdown and "| a\\|b | 1.5 |" in markdown
    assert "````latex\na```b\n````" in markdown
    assert latex_escape("50% of a_b & {c}") == r"50\% of a\_b \& \{c\}"
    assert math.isclose(float(root.find(".//{http://www.w3.org/1999/xhtml}td[@class='num']").get("data-value")),
                        1.5)
