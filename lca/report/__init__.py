"""ISO 14044 study reports: goal and scope, inventory, impact assessment, contributions,
uncertainty, sensitivity, allocation and interpretation, as one self-contained HTML file and a
Markdown file with PNG figures, with results.json / results.csv from the same numbers.

>>> from lca import load_study
>>> from lca.report import ReportOptions, build_report
>>> build_report(load_study("scenarios/patterson2021_gpt3.toml"), "report", ReportOptions(samples=2000))  # doctest: +SKIP

Needs matplotlib (``pip install 'lca[report]'``). See docs/report.md.
"""

from .build import Report, build_report, report_files
from .content import ReportOptions, StudyContent, gather

__all__ = ["Report", "ReportOptions", "StudyContent", "build_report", "gather", "report_files"]
