"""A paper-ready paragraph (Markdown and LaTeX) stating a study's energy, emissions and water
with their uncertainty and assumptions: the "report your emissions" habit in one paste.

>>> from lca import load_study
>>> from lca.report import gather
>>> print(snippet(gather(load_study("lca:scenarios/patterson2021_gpt3.toml"))).markdown)
We estimate that one trained GPT-3 model drew 1.289 GWh of energy from its sources and emitted 553.1 t CO2-eq ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..sources import number_sources
from .content import CLIMATE, StudyContent, headline_category
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


_PLURAL = {"d": ("day", "days"), "h": ("hour", "hours"), "year": ("year", "years"), "a": ("year", "years"),
           "min": ("minute", "minutes"), "s": ("second", "seconds")}
_FRACTION = re.compile(r"fraction|share|utili[sz]ation|rate\b|efficiency|yield", re.IGNORECASE)
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def assumption_phrase(model, name: str, value, unit: str) -> str:
    """A parameter as a reader's phrase: ``"service life of the servers of 4 years"``, never
    ``"hardware_lifetime_years = 4 a"``.

    The study's ``description`` names it (cut before any parenthesis, process ids replaced by
    their names), else the identifier in words; times get their unit in words, fractions a
    percentage.

    Parameters
    ----------
    model : Model
        The study (descriptions and process names).
    name : str
        The parameter.
    value : float or str
        Its value (a choice parameter's option is a string).
    unit : str
        Its unit as results show it (``"d"``, ``"W"``, ``"dimensionless"``, ``"option"``).

    Returns
    -------
    str
        The phrase.

    Examples
    --------
    >>> from lca import load_study
    >>> flagship = load_study("lca:scenarios/llm_training_lifecycle.toml")
    >>> assumption_phrase(flagship, "hardware_lifetime_years", 4.0, "dimensionless")
    'service life of the servers of 4 years'
    >>> assumption_phrase(flagship, "lifetime_utilisation", 0.85, "dimensionless")
    "fraction of the hardware's life it is allocated to useful jobs of 85 %"
    >>> assumption_phrase(flagship, "grid_region", "us", "option")
    'grid region of the datacenter: us'
    """
    parameter = model.parameters.get(name)
    description = (parameter.description if parameter is not None else "") or ""
    # parentheses and after-thoughts hold sources and caveats, not the name
    text = re.sub(r"\s*\([^()]*\)", "", description).split("; ")[0].split(": ")[0].strip().rstrip(".")
    tail = re.search(r",\s*([A-Za-z0-9/%-]+)$", text)
    words = None
    if tail:  # "Service life of the servers, years": the trailing word is the unit
        words, text = tail.group(1), text[:tail.start()]
    names = {p: process.name for p, process in model.processes.items()}
    text = _IDENTIFIER.sub(lambda m: _lower_first(names.get(m.group(0), m.group(0).replace("_", " "))), text)
    if not text:
        text = name.replace("_", " ")
    text = _lower_first(text)
    joint = ": " if ", " in text or isinstance(value, str) else " of "  # "X, as stated: 0.4", "X of 0.4"
    if isinstance(value, str):
        return f"{text}{joint}{value}"
    shown = format_value(value, 4)
    if unit in ("dimensionless", "") and words is None and 0 < value < 1 and _FRACTION.search(f"{name} {text}"):
        return f"{text}{joint}{format_value(value * 100, 3)} %"
    if unit in _PLURAL or (words and words.lower() in ("days", "years", "hours", "minutes")):
        singular, plural = _PLURAL[unit] if unit in _PLURAL else (words.lower().rstrip("s"), words.lower())
        return f"{text}{joint}{shown} {singular if value == 1 else plural}"
    if unit in ("dimensionless", ""):
        return f"{text}{joint}{shown}" + (f" {words}" if words and words not in ("-", "fraction") else "")
    return f"{text}{joint}{shown} {unit}"


def key_assumptions(content: StudyContent, limit: int = 6) -> list[str]:
    """The parameters the result depends on, as phrases (:func:`assumption_phrase`).

    Most influential first: by their one-at-a-time swing where sensitivity ran, otherwise by
    the elasticity of the headline score (:func:`lca.sources.number_sources`).

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
    ['power usage effectiveness of the datacenter of 1.1', 'average measured power per accelerator of 330 W', 'greenhouse-gas intensity of the electricity used, as the study states it: 0.429 kg CO2-eq/kWh']
    """
    _, used = dependencies(content.model, content.result, set(content.graph))
    values = content.result.parameters
    if content.sensitivity:
        ranked = [row[0] for row in content.sensitivity.tornado]
    else:  # no Monte Carlo: the numbers the headline score is most elastic to
        category = headline_category(content.result.impacts)
        rows = [r for r in number_sources(content.compiled) if r.kind == "parameter"]
        ranked = [r.name for r in sorted(rows, key=lambda r: (-abs(r.elasticity.get(category, 0.0)), r.name))
                  if abs(r.elasticity.get(category, 0.0)) > 1e-6]
    table = content.compiled.parameters
    # with elasticities the ranking is complete: the numbers not in it do not move the score
    rest = [] if not content.sensitivity else sorted(used - set(ranked),
                                                     key=lambda n: (table.uncertainty.get(n) is None, n))
    out = []
    for name in [n for n in ranked if n in used] + rest:
        if name in values and len(out) < limit and not _is_basis(content.model, name, values[name].value):
            out.append(assumption_phrase(content.model, name, values[name].value, values[name].unit))
    return out


def _lower_first(text: str) -> str:
    """Mid-sentence case: "Service life" -> "service life", but "IT power" and "PUE" stay."""
    return text[0].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text


def _is_basis(model, name: str, value) -> bool:
    """A reference amount ("1 kWh of IT energy" = 1 kWh) scales ratios; it is no assumption."""
    parameter = model.parameters.get(name)
    description = (parameter.description or "") if parameter is not None else ""
    return value == 1 and re.match(r"(1|one)\s", description, re.IGNORECASE) is not None


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
    everyday = next((c for c in content.comparisons if c.equivalent.category == CLIMATE), None)
    if everyday is not None:
        sentence = (f" That is about as much as {format_value(everyday.count, 3)} {everyday.equivalent.label} "
                    f"({everyday.equivalent.citation}).")
        md += sentence
        tex += latex_escape(sentence)
    boundary = content.model.study.info.get("system_boundary")
    assumptions = key_assumptions(content)
    tail = ""
    if isinstance(boundary, str) and boundary.strip():
        tail += f" System boundary: {boundary.strip().rstrip('.')}."
    if assumptions:
        tail += f" We assume {'; '.join(assumptions[:-1]) + ' and ' if len(assumptions) > 1 else ''}{assumptions[-1]}."
    how = (f" Computed with lca {__version__} from {Path(content.model.study.path).name}"
           + (f" ({uncertainty.n} Monte Carlo samples, seed {uncertainty.seed}; intervals are the 2.5th to "
              "97.5th percentiles)." if uncertainty is not None else " (deterministic; no uncertainty analysis)."))
    return Snippet(markdown=md + tail + how, latex=tex + latex_escape(tail + how))


def _percentiles(values) -> tuple[float, float]:
    import numpy as np

    low, high = np.percentile(values, (2.5, 97.5))
    return float(low), float(high)

