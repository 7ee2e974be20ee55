"""Build a study report: compute (:mod:`.content`), lay out (:mod:`.sections`), render to HTML
and Markdown, and write the folder atomically with results.json / results.csv beside it.

>>> report = build_report(load_study("scenarios/patterson2021_gpt3.toml"), "report/",
...                       ReportOptions(samples=2000))                        # doctest: +SKIP
>>> sorted(report.files)[:3]                                                 # doctest: +SKIP
['figures/climate_flow.png', 'figures/distributions.png', 'figures/stages.png']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ..errors import ReportError
from ..model.records import Model
from ..serialize import csv_text as run_csv
from ..serialize import dumps_json
from .content import FORMATS, ReportOptions, StudyContent, gather
from .figures import Figure
from .html import render_html
from .markdown import render_markdown
from .sections import document, figures_of
from .snippet import snippet
from .write import check_target, write_atomically

FIGURE_DIR = "figures"


@dataclass(frozen=True)
class Report:
    """A written report: its folder, the files in it and what they were made from."""

    out: Path
    files: tuple[str, ...]
    figures: tuple[Figure, ...]
    content: StudyContent


def report_files(content: StudyContent, formats: tuple[str, ...] = FORMATS) -> tuple[dict[str, bytes], list[Figure]]:
    """Every file of the report folder, in memory: nothing touches the disk here."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"--format {','.join(formats)}: choose from {', '.join(FORMATS)} (comma-separated)")
    blocks = document(content)
    figures = figures_of(blocks)
    title = f"LCA report: {content.model.study.name}"
    text = snippet(content)
    files: dict[str, bytes] = {
        "results.json": dumps_json(dict(content.results)).encode("utf-8"),  # same writer as lca run
        "results.csv": run_csv(dict(content.results)).encode("utf-8"),
        "snippet.md": (text.markdown + "\n").encode("utf-8"),
        "snippet.tex": (text.latex + "\n").encode("utf-8"),
    }
    if "html" in formats:
        files["report.html"] = render_html(title, blocks).encode("utf-8")
    if "md" in formats:
        files["report.md"] = render_markdown(blocks, FIGURE_DIR).encode("utf-8")
    for figure in figures:
        files[f"{FIGURE_DIR}/{figure.name}.png"] = figure.png
    return files, figures


def build_report(model: Model, out: str | Path, options: ReportOptions = ReportOptions(),
                 progress: Callable[[str], None] | None = None) -> Report:
    """Compute, render and write the report of *model* to folder *out* (replaced atomically)."""
    out = Path(out)
    check_target(out)  # fail before the work, not after it
    content = gather(model, options, progress)
    if progress:
        progress("figures and documents")
    files, figures = report_files(content, options.formats)
    write_atomically(out, files)
    return Report(out, tuple(sorted(files)), tuple(figures), content)


def results_of(report_dir: str | Path) -> Mapping:
    """The results.json of a written report (for tests and scripts)."""
    import json

    return json.loads((Path(report_dir) / "results.json").read_text(encoding="utf-8"))
