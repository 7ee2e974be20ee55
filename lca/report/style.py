"""Presentation helpers shared by figures and text: readable names, units and numbers, and a
colour + hatch per lifecycle stage that survives grey-scale printing and colour blindness
(Okabe & Ito 2008 palette; hatches carry the distinction when colour does not).

>>> readable(553142.304, "kg CO2-eq")
(553.142304, 't CO2-eq')
>>> format_value(553142.304)
'553,142'
"""

from __future__ import annotations

import math
import textwrap

from ..model.rules import stage_key

# Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, black.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
HATCHES = ("//", "..", "xx", "\\\\", "oo", "++", "--", "**")
_STAGE_STYLE = {
    "extraction": (OKABE_ITO[0], "//"),
    "manufacturing": (OKABE_ITO[4], ".."),
    "transport": (OKABE_ITO[3], "xx"),
    "use": (OKABE_ITO[5], "\\\\"),
    "end_of_life": (OKABE_ITO[2], "oo"),
}
_STAGE_STYLE["inherit"] = ("#BBBBBB", "++")  # background: counted in the stage of its users
_EXTRA = ((OKABE_ITO[6], "--"), (OKABE_ITO[1], "**"), ("#777777", "oo"))
_STAGE_NAMES = {"inherit": "Background (in its users' stages)", "unassigned": "Unassigned (demanded directly)"}

# Display units for large or small scores: (threshold in the reference unit, factor, unit).
_SCALES = {
    "kg CO2-eq": ((1e6, 1e6, "kt CO2-eq"), (1e3, 1e3, "t CO2-eq"), (1.0, 1.0, "kg CO2-eq"), (0, 1e-3, "g CO2-eq")),
    "m3": ((1.0, 1.0, "m3"), (0, 1e-3, "L")),
    "m3 world-eq": ((1.0, 1.0, "m3 world-eq"), (0, 1e-3, "L world-eq")),
    "MJ": ((1e6, 1e6, "TJ"), (1e3, 1e3, "GJ"), (0, 1.0, "MJ")),
    "kWh": ((1e6, 1e6, "GWh"), (1e3, 1e3, "MWh"), (0, 1.0, "kWh")),
}


def stage_style(stage: str, order: tuple[str, ...] = ()) -> tuple[str, str]:
    """The (colour, hatch) of a lifecycle stage in figures; custom stages take the remaining styles in order.

    Parameters
    ----------
    stage : str
        A stage.
    order : tuple of str, optional
        Every stage of the figure, for the order of custom stages.

    Returns
    -------
    tuple of (str, str)
        A colour (Okabe-Ito) and a matplotlib hatch.

    Examples
    --------
    >>> stage_style("use") != stage_style("manufacturing")
    True
    """
    if stage in _STAGE_STYLE:
        return _STAGE_STYLE[stage]
    custom = [s for s in order if s not in _STAGE_STYLE]
    index = custom.index(stage) if stage in custom else 0
    return _EXTRA[index % len(_EXTRA)]


def stage_order(stages) -> list[str]:
    """Stages cradle to grave, custom stages after them by name, each once.

    Parameters
    ----------
    stages : iterable of str
        Stages, in any order, possibly repeated.

    Returns
    -------
    list of str
        The stages sorted by :func:`~lca.model.rules.stage_key`.

    Examples
    --------
    >>> stage_order(["use", "training", "extraction", "use"])
    ['extraction', 'use', 'training']
    """

    return sorted(set(stages), key=stage_key)


def humanize(identifier: str) -> str:
    """An identifier as readers write it.

    Parameters
    ----------
    identifier : str
        A category, stage or parameter id.

    Returns
    -------
    str
        Capitalized, with spaces.

    Examples
    --------
    >>> humanize("climate_change"), humanize("end_of_life")
    ('Climate change', 'End of life')
    """
    if identifier in _STAGE_NAMES:
        return _STAGE_NAMES[identifier]
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def wrap(text: str, width: int = 24, lines: int = 3) -> str:
    """Wrap a long process name for a figure label, shortening it past *lines* lines.

    Parameters
    ----------
    text : str
        The label.
    width : int, optional
        Characters per line.
    lines : int, optional
        The most lines.

    Returns
    -------
    str
        The label with newlines.

    Examples
    --------
    >>> print(wrap("Semiconductor fab, 5 nm node, with abatement", width=20))
    Semiconductor fab, 5
    nm node, with
    abatement
    """
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder="...")) or text


def readable(value: float, unit: str) -> tuple[float, str]:
    """A value in a unit that keeps it between about 1 and 1000 (t CO2-eq, not 553,142 kg CO2-eq).

    Parameters
    ----------
    value : float
        The value in *unit*.
    unit : str
        Its unit.

    Returns
    -------
    tuple of (float, str)
        The value and unit to show (unchanged for units without larger or smaller names).

    Examples
    --------
    >>> value, unit = readable(553142.3, "kg CO2-eq")
    >>> round(value, 4), unit
    (553.1423, 't CO2-eq')
    """
    scales = _SCALES.get(unit)
    if not scales:
        return value, unit
    magnitude = abs(value)
    for threshold, factor, name in scales:
        if magnitude >= threshold:
            return value / factor, name
    _, factor, name = scales[-1]
    return value / factor, name


def scale_of(values, unit: str) -> tuple[float, str]:
    """One display factor for several values (the largest decides): divide by the factor.

    Parameters
    ----------
    values : iterable of float
        The values, in *unit*.
    unit : str
        Their unit.

    Returns
    -------
    tuple of (float, str)
        The factor and the unit to show.

    Examples
    --------
    >>> factor, unit = scale_of([553142.3, 60000.0], "kg CO2-eq")
    >>> round(factor, 9), unit
    (1000.0, 't CO2-eq')
    """
    largest = max((abs(v) for v in values), default=0.0)
    shown, name = readable(largest, unit)
    return (largest / shown if shown else 1.0), name


def format_value(value: float, digits: int = 4) -> str:
    """A number with at most *digits* significant figures, thousands separated, no exponent for
    everyday magnitudes.

    Parameters
    ----------
    value : float
        The number.
    digits : int, optional
        Significant figures.

    Returns
    -------
    str
        Its text (trailing zeros dropped).

    Examples
    --------
    >>> [format_value(x) for x in (553142.3, 1.2341, 0.0123, 1.2e-08)]
    ['553,142', '1.234', '0.0123', '1.2e-08']
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = abs(value)
    if magnitude >= 1e15 or magnitude < 1e-3:
        mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
        return (mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa) + "e" + exponent
    exponent = math.floor(math.log10(magnitude))
    decimals = max(digits - 1 - exponent, 0)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def join_words(parts: list[str]) -> str:
    """Items of a sentence: "a", "a and b", "a, b and c".

    Parameters
    ----------
    parts : list of str
        At least one item.

    Returns
    -------
    str
        The items joined as prose.

    Examples
    --------
    >>> join_words(["energy"]), join_words(["energy", "emissions", "water"])
    ('energy', 'energy, emissions and water')
    """
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def format_share(share: float) -> str:
    """A share as a percentage with one decimal.

    Parameters
    ----------
    share : float
        A fraction.

    Returns
    -------
    str
        ``"4.7 %"``.

    Examples
    --------
    >>> format_share(0.047)
    '4.7 %'
    """

    return f"{share * 100:.1f} %"
