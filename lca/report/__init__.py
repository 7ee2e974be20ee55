"""ISO 14044 study reports: goal and scope, inventory, impact assessment, contributions,
uncertainty, sensitivity, allocation and interpretation, as one self-contained HTML file and a
Markdown file with SVG figures, with results.json / results.csv from the same numbers.

:func:`gather` computes what the report shows, :func:`build_report` renders and writes it:

>>> from lca import load_study
>>> from lca.report import ReportOptions, gather
>>> content = gather(load_study("lca:scenarios/patterson2021_gpt3.toml"), ReportOptions(formats=("md",)))
>>> content.results == content.result.to_dict()     # results.json is lca run's JSON
True

Needs matplotlib (``pip install 'lca[report]'``). See docs/report.md.
"""

from .build import Report, build_report, report_files
from .content import ReportOptions, StudyContent, gather

__all__ = ["Report", "ReportOptions", "StudyContent", "build_report", "gather", "report_files"]
