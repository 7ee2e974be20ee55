"""lca.report.snippet: the paper snippet states the numbers of the report."""

from __future__ import annotations

from lca import load_study
from lca.report.content import ReportOptions, gather
from lca.report.snippet import snippet
from lca.report.style import format_value

PATTERSON = "lca:scenarios/patterson2021_gpt3.toml"


def test_snippet_states_the_numbers_of_the_report():
    content = gather(load_study(PATTERSON), ReportOptions(samples=200, seed=3))
    text = snippet(content)
    pct = content.uncertainty.summaries["climate_change"]["percentiles"]
    assert "553.1 t CO2-eq" in text.markdown and "1.289 GWh" in text.markdown
    assert f"{format_value(pct['2.5'] / 1000, 3)} to {format_value(pct['97.5'] / 1000, 3)} t CO2-eq" in text.markdown
    assert "200 Monte Carlo samples, seed 3" in text.markdown
    assert "CO$_2$-eq" in text.latex and "95\\,\\%" in text.latex
    # assumptions in words with units, never identifiers (issue 12)
    assert "0.429 kg CO2-eq/kWh" in text.markdown and "grid_intensity" not in text.markdown
