"""lca report in a real browser: headless Chromium renders the HTML reports of the flagship, of
the pretrain-then-adapt lineage and of the fine-tune-and-serve study; in each, every
image and figure loads with its text, nothing is wider than the page (no figure needs a
sideways scroll), no figure text is smaller than 9 pt (12 CSS px) at the size shown, and a screenshot
is kept under the test's tmp dir (STUDY.png) for a person to look at.

Skipped when no Chromium is installed: ``apt-get install chromium`` (Debian, Ubuntu), or set
``LCA_CHROMIUM`` to a Chrome/Chromium binary (e.g. the one ``playwright install chromium``
downloads). Run it alone with ``pytest tests/report/test_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from lca import load_study
from lca.report.build import build_report
from lca.report.content import ReportOptions


def _chromium() -> str | None:
    named = os.environ.get("LCA_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return next((found for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if (found := shutil.which(name))), None)


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: apt-get install chromium, or set LCA_CHROMIUM")

VIEWPORT = 1024  # a laptop window: the report's text column is 980 px at most
MIN_TEXT_PX = 12.0  # 9 pt: the smallest figure text readers can be asked to read (docs/report.md)

# Run after load: what loaded, how wide everything is, and the smallest figure text as shown.
PROBE = """
<script>
window.addEventListener("load", function () {
  var root = document.documentElement, view = root.clientWidth, out = {
    viewport: view, page_width: root.scrollWidth, page_height: root.scrollHeight, images: [], figures: [],
    too_wide: [], headings: []};
  Array.prototype.forEach.call(document.images, function (img) {
    out.images.push({src: img.getAttribute("src"), loaded: img.complete && img.naturalWidth > 0});
  });
  document.querySelectorAll("figure").forEach(function (figure) {
    var svg = figure.querySelector("svg"), box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    var texts = svg ? svg.querySelectorAll("text") : [], smallest = Infinity;
    Array.prototype.forEach.call(texts, function (text) {
      var ctm = text.getScreenCTM(), size = parseFloat(getComputedStyle(text).fontSize);
      if (ctm && size && text.textContent.trim()) smallest = Math.min(smallest, size * Math.hypot(ctm.a, ctm.b));
    });
    out.figures.push({id: figure.id, width: box.width, height: box.height, room: figure.clientWidth,
                      scroll: figure.scrollWidth, texts: texts.length, smallest_text_px: smallest});
  });
  document.body.querySelectorAll("*").forEach(function (element) {
    var box = element.getBoundingClientRect();
    if (box.right > view + 0.5 && !element.closest("figure") && element.tagName === "TABLE") {
      var section = element.previousElementSibling;
      while (section && section.tagName !== "H2") section = section.previousElementSibling;
      out.too_wide.push("table in " + (section ? section.textContent : "?") + ": " + Math.round(box.right) + " px");
    } else if (box.right > view + 0.5 && !element.closest("figure") && !element.closest("table"))
      out.too_wide.push(element.tagName + (element.id ? "#" + element.id : "") + ": " + Math.round(box.right) + " px");
  });
  document.querySelectorAll("h2").forEach(function (h) { out.headings.push(h.textContent); });
  var pre = document.createElement("pre");
  pre.id = "lca-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def _chrome(*args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--virtual-time-budget=10000", *args],
                          capture_output=True, text=True, timeout=180, check=False)


# the three kinds of report the issue was tried on: a training life cycle with every figure, a
# lineage's allocation, a fine-tune served in another region
STUDIES = ("llm_training_lifecycle", "pretrain_adapt", "finetune_de_serve_ie")


@pytest.fixture(scope="module", params=STUDIES)
def rendered(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"browser-{request.param}")
    report = build_report(load_study(f"lca:scenarios/{request.param}.toml"), folder / "report",
                          ReportOptions(samples=400))
    page = report.out / "report.html"
    probe = report.out / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = _chrome(f"--window-size={VIEWPORT},900", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="lca-probe">(.*?)</pre>', run.stdout, re.S)
    assert found, f"Chromium gave no probe result (exit {run.returncode}): {run.stderr[-2000:]}"
    data = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&amp;", "&"))
    screenshot = folder / f"{request.param}.png"
    # the whole page in one picture, for a person to look at
    _chrome(f"--window-size={VIEWPORT},{min(int(data['page_height']) + 40, 30000)}",
            f"--screenshot={screenshot}", page.as_uri())
    return data, screenshot, report


def test_every_image_and_figure_loads_with_its_text(rendered):
    data, _, report = rendered
    assert all(image["loaded"] for image in data["images"]), data["images"]
    assert [f["id"] for f in data["figures"]] == [f"figure-{figure.name}" for figure in report.figures]
    for figure in data["figures"]:
        assert figure["width"] > 100 and figure["height"] > 100, figure
        assert figure["texts"] > 0, figure  # text stays text (svg.fonttype none)


def test_nothing_is_wider_than_the_page(rendered):
    data, _, _ = rendered
    assert data["page_width"] <= data["viewport"], data["too_wide"]
    assert data["too_wide"] == []
    wide = [(f["id"], round(f["width"]), f["room"]) for f in data["figures"] if f["scroll"] > f["room"] + 1]
    assert wide == [], f"figures wider than the text column (id, width, room): {wide}"


def test_figure_text_is_readable_at_the_size_shown(rendered):
    data, _, _ = rendered
    # 0.01 px: the browser's matrix arithmetic gives 11.999... for text drawn at exactly 9 pt
    small = [(f["id"], round(f["smallest_text_px"], 2)) for f in data["figures"]
             if f["smallest_text_px"] < MIN_TEXT_PX - 0.01]
    assert small == [], small


def test_key_results_come_first_and_a_screenshot_is_kept(rendered):
    data, screenshot, _ = rendered
    assert data["headings"][0] == "Key results" and data["headings"][-1] == "Appendix: input parameters"
    assert screenshot.is_file() and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000  # a rendered page, not a blank one
