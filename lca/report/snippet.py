"""A paper-ready paragraph (Markdown and LaTeX) stating a study's energy, emissions and water
with their uncertainty and assumptions: the "report your emissions" habit in one paste.

>>> from lca import load_study
>>> from lca.report import gather
>>> print(snippet(gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))).markdown)
We estimate that one trained GPT-3 model drew 1.289 GWh of energy from its sources and emitted 553.1 t CO2-eq ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from .content import CLIMATE, StudyContent
from .interpretation import dependencies
from .style import format_value, join_words, scale_of

WATER = "water_consumption"
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class Snippet:
    """The paper-ready paragraph in Markdown and in LaTeX (immutable).

    Examples
    --------
    See the module's example.
    """

    markdown: str
    latex: str


def latex_escape(text: str) -> str:
    r"""Plain text safe for LaTeX (study names come from files).

    Parameters
    ----------
    text : str
        Text from a study file.

    Returns
    -------
    str
        The text with LaTeX's special characters escaped.

    Examples
    --------
    >>> print(latex_escape("100% of R&D_costs"))
    100\% of R\&D\_costs
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _amount(value: float, unit: str, interval: tuple[float, float] | None) -> tuple[str, str]:
    """("1,289 MWh (95 % interval 1,083-1,637 MWh)", same in LaTeX) in one display unit."""
    factor, shown = scale_of([value, *(interval or ())], unit)
    text = f"{format_value(value / factor, 4)} {shown}"
    tex = f"{format_value(value / factor, 4).replace(',', '{,}')}~{_tex_unit(shown)}"
    if interval is not None:
        low, high = (format_value(v / factor, 3) for v in interval)
        text += f" (95 % interval {low} to {high} {shown})"
        tex += f" (95\\,\\% interval {low.replace(',', '{,}')} to {high.replace(',', '{,}')}~{_tex_unit(shown)})"
    return text, tex


def _tex_unit(unit: str) -> str:
    return latex_escape(unit).replace("CO2", "CO$_2$").replace("m3", "m$^3$")


def key_assumptions(content: StudyContent, limit: int = 6) -> list[str]:
    """The parameters the result depends on, as ``"name = value unit"``.

    Most influential first where sensitivity ran, otherwise uncertain ones first.

    Parameters
    ----------
    content : StudyContent
        What :func:`~lca.report.content.gather` computed.
    limit : int, optional
        The most assumptions listed.

    Returns
    -------
    list of str
        The assumptions.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.report import gather
    >>> key_assumptions(gather(load_study("lca:scenarios/patterson2021_gpt3.toml")), limit=3)
    ['chip_power = 330 W', 'duration = 14.8 d', 'grid_intensity = 0.429 kg CO2-eq/kWh']
    """
    _, used = dependencies(content.model, content.result, set(content.graph))
    values = content.result.parameters
    ranked = [row[0] for row in content.sensitivity.tornado] if content.sensitivity else []
    table = content.compiled.parameters
    rest = sorted(used - set(ranked), key=lambda n: (table.uncertainty.get(n) is None, n))
    out = []
    for name in [n for n in ranked if n in used] + rest:
        if name in values and len(out) < limit:
            value = values[name]
            unit = "" if value.unit in ("dimensionless", "option") else f" {value.unit}"
            shown = format_value(value.value, 4) if isinstance(value.value, float) else str(value.value)
            out.append(f"{name} = {shown}{unit}")
    return out


def snippet(content: StudyContent) -> Snippet:
    """The paragraph, from the same numbers as the report and results.json.

    Parameters
    ----------
    content : StudyContent
        What :func:`~lca.report.content.gather` computed.

    Returns
    -------
    Snippet
        Markdown and LaTeX.

    Examples
    --------
    See the module's example.
    """
    result, uncertainty = content.result, content.uncertainty
    subject = content.model.study.functional_unit
    md_parts, tex_parts = [], []

    def interval(category: str):
        if uncertainty is None or category not in uncertainty.summaries:
            return None
        pct = uncertainty.summaries[category]["percentiles"]
        return pct["2.5"], pct["97.5"]

    if content.energy.assessed:
        energy_interval = None
        if uncertainty is not None and uncertainty.energy_kwh is not None:
            energy_interval = tuple(float(v) for v in _percentiles(uncertainty.energy_kwh))
        text, tex = _amount(content.energy.total_kwh, "kWh", energy_interval)
        md_parts.append(f"drew {text} of energy from its sources")
        tex_parts.append(f"drew {tex} of energy from its sources")
    if CLIMATE in result.impacts:
        impact = result.impacts[CLIMATE]
        method = content.model.methods[impact.method].name
        text, tex = _amount(impact.value, impact.unit, interval(CLIMATE))
        md_parts.append(f"emitted {text} of greenhouse gases ({method})")
        tex_parts.append(f"emitted {tex} of greenhouse gases ({latex_escape(method)})")
    if WATER in result.impacts:
        impact = result.impacts[WATER]
        text, tex = _amount(impact.value, impact.unit, interval(WATER))
        md_parts.append(f"consumed {text} of water")
        tex_parts.append(f"consumed {tex} of water")
    if not md_parts:
        md_parts = tex_parts = ["has no energy, climate or water result in this study"]
    lead = f"We estimate that {subject} "
    md = lead + join_words(md_parts) + "."
    tex = latex_escape(lead) + join_words(tex_parts) + "."
    flights = next((c for c in content.comparisons if c.equivalent.id == "flight_nyc_sfo_round_trip"), None)
    if flights is not None:
        md += (f" That is about as much as {format_value(flights.count, 3)} {flights.equivalent.label} "
               f"(Strubell et al. 2019).")
        tex += latex_escape(f" That is about as much as {format_value(flights.count, 3)} "
                            f"{flights.equivalent.label} (Strubell et al. 2019).")
    boundary = content.model.study.info.get("system_boundary")
    assumptions = key_assumptions(content)
    tail = ""
    if isinstance(boundary, str) and boundary.strip():
        tail += f" System boundary: {boundary.strip().rstrip('.')}."
    if assumptions:
        tail += f" Main assumptions: {'; '.join(assumptions)}."
    how = (f" Computed with lca {__version__} from {Path(content.model.study.path).name}"
           + (f" ({uncertainty.n} Monte Carlo samples, seed {uncertainty.seed}; intervals are the 2.5th to "
              "97.5th percentiles)." if uncertainty is not None else " (deterministic; no uncertainty analysis)."))
    return Snippet(markdown=md + tail + how, latex=tex + latex_escape(tail + how))


def _percentiles(values) -> tuple[float, float]:
    import numpy as np

    low, high = np.percentile(values, (2.5, 97.5))
    return float(low), float(high)

