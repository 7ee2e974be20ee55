"""Build a study report: compute (:mod:`.content`), lay out (:mod:`.sections`), render to HTML
and Markdown, and write the folder atomically with results.json / results.csv beside it
(see :func:`build_report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ..engine.propagate import Progress
from ..errors import ReportError
from ..model.records import Model
from ..serialize import csv_text, dumps_json
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
    """A written report: its folder, the files in it and what they were made from (immutable).

    Attributes
    ----------
    out : pathlib.Path
        The report folder.
    files : tuple of str
        The files written, relative to *out*, sorted.
    figures : tuple of Figure
        The rendered figures.
    content : StudyContent
        The numbers the report shows.

    Examples
    --------
    See :func:`build_report`, which returns one.
    """

    out: Path
    files: tuple[str, ...]
    figures: tuple[Figure, ...]
    content: StudyContent


def report_files(content: StudyContent, formats: tuple[str, ...] = FORMATS) -> tuple[dict[str, bytes], list[Figure]]:
    """Every file of the report folder, in memory: nothing touches the disk here.

    Parameters
    ----------
    content : StudyContent
        What :func:`~lca.report.content.gather` computed.
    formats : tuple of str, optional
        ``"html"`` and/or ``"md"``.

    Returns
    -------
    files : dict of str to bytes
        Relative path -> contents (results.json, results.csv, snippets, report.html/md, figures).
    figures : list of Figure
        The rendered figures.

    Raises
    ------
    ReportError
        If a format is unknown or none is given.

    Examples
    --------
    >>> from lca import load_study
    >>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> report_files(content, ("pdf",))
    Traceback (most recent call last):
    lca.errors.ReportError: --format pdf: choose from html, md (comma-separated)
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"--format {','.join(formats)}: choose from {', '.join(FORMATS)} (comma-separated)")
    blocks = document(content)
    figures = figures_of(blocks)
    title = f"LCA report: {content.model.study.name}"
    text = snippet(content)
    files: dict[str, bytes] = {
        "results.json": dumps_json(dict(content.results)).encode("utf-8"),  # same writer as lca run
        "results.csv": csv_text(dict(content.results)).encode("utf-8"),
        "snippet.md": (text.markdown + "\n").encode("utf-8"),
        "snippet.tex": (text.latex + "\n").encode("utf-8"),
    }
    if "html" in formats:
        files["report.html"] = render_html(title, blocks).encode("utf-8")
    if "md" in formats:
        files["report.md"] = render_markdown(blocks, FIGURE_DIR).encode("utf-8")
    for figure in figures:
        files[f"{FIGURE_DIR}/{figure.name}.svg"] = figure.svg
        if figure.png:
            files[f"{FIGURE_DIR}/{figure.name}.png"] = figure.png
    return files, figures


def build_report(model: Model, out: str | Path, options: ReportOptions = ReportOptions(),
                 progress: Callable[[str], None] | None = None,
                 sample_progress: Callable[[str], Progress | None] | None = None) -> Report:
    """Compute, render and write the report of a model to a folder (replaced atomically).

    Parameters
    ----------
    model : Model
        The study.
    out : str or pathlib.Path
        The report folder: new, empty, or an earlier report (it is replaced only once the new
        one is complete).
    options : ReportOptions, optional
        Samples, seed, formats, hotspot threshold, ...
    progress : callable (message), optional
        Told each step.
    sample_progress : callable (label) -> progress callback or None, optional
        The ``(done, total)`` callback of each sampled step (:func:`lca.report.content.gather`).

    Returns
    -------
    Report
        The folder, its files and the content they show.

    Raises
    ------
    ReportError
        If *out* is not a folder, or a non-empty folder that holds no earlier report, or
        matplotlib is missing.

    Examples
    --------
    >>> import tempfile
    >>> from lca import load_study
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     report = build_report(load_study("lca:scenarios/patterson2021_gpt3.toml"), f"{folder}/report")
    ...     results = results_of(report.out)
    ...     html = (report.out / "report.html").read_text(encoding="utf-8")
    >>> round(results["impacts"]["climate_change"]["value"], 1), html.startswith("<!DOCTYPE html>")
    (553142.3, True)
    >>> report.files
    ('figures/climate_flow.svg', 'figures/stages.svg', 'figures/system_boundary.svg', 'figures/top_processes.svg', 'report.html', 'report.md', 'results.csv', 'results.json', 'snippet.md', 'snippet.tex')
    >>> [f.name for f in report.figures], report.content.result.impacts["climate_change"].unit
    (['system_boundary', 'stages', 'top_processes', 'climate_flow'], 'kg CO2-eq')
    """
    out = Path(out)
    check_target(out)  # fail before the work, not after it
    content = gather(model, options, progress, sample_progress)
    if progress:
        progress("figures and documents")
    files, figures = report_files(content, options.formats)
    write_atomically(out, files)
    return Report(out, tuple(sorted(files)), tuple(figures), content)


def results_of(report_dir: str | Path) -> Mapping:
    """The results.json of a written report (for tests and scripts).

    Parameters
    ----------
    report_dir : str or pathlib.Path
        A report folder.

    Returns
    -------
    mapping
        The JSON: the same contract as ``lca run --format json``.

    Examples
    --------
    See :func:`build_report`.
    """
    import json

    return json.loads((Path(report_dir) / "results.json").read_text(encoding="utf-8"))
