"""Values a study's source published (``[study] published``), and how a result compares with them.

A reproduction states what its paper printed so that every run, report and JSON shows the
computed figure beside it. Two spellings (docs/file-format.md, "Published values"):

* shorthand ``<quantity>_<unit> = number``: the quantity is ``energy`` (the energy drawn at
  its sources), ``emissions``, ``co2e`` or ``carbon`` (climate change), ``water`` (water
  consumption) or ``total`` (whichever of these the unit's dimension names); the unit is
  written with ``_`` for spaces, ``co2e`` for CO2-eq and an optional scale word
  (``total_million_L``);
* a table ``name = { value = 11.2, unit = "t CO2-eq", of = "climate_change", stage = "manufacturing" }``
  for anything else: a category id, ``energy`` or ``climate_change_market_based`` (a study's
  ``[market_based]`` Scope 2 figure: a paper's "net" emissions), optionally one lifecycle stage of it.

Any other shorthand key (``net_grid_intensity = 0.177``) is a published number with no
computed counterpart: it is kept and shown as not compared, never an error.

>>> items = parse_published({"energy_MWh": 1287, "emissions_t_co2e": 552.1}, "gpt3.toml: study.published")
>>> [(p.key, p.of, p.unit) for p in items]
[('energy_MWh', 'energy', 'MWh'), ('emissions_t_co2e', 'climate_change', 't CO2-eq')]
>>> comparison = compare_published(items, {"energy": (1289376.0, "kWh"), "climate_change": (553142.3, "kg CO2-eq")})
>>> [(c.published.key, round(c.computed, 1), f"{c.relative_difference:+.2%}") for c in comparison]
[('energy_MWh', 1289.4, '+0.18%'), ('emissions_t_co2e', 553.1, '+0.19%')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import FileFormatError, LCAError
from ..units import conversion_factor, format_unit, parse_unit, same_dimension

ENERGY = "energy"
# climate change with the study's electricity accounted market-based ([market_based], GHG Protocol Scope 2)
MARKET_BASED = "climate_change_market_based"
# shorthand quantity word -> what it is compared with
QUANTITIES = {"energy": ENERGY, "emissions": "climate_change", "co2e": "climate_change",
              "carbon": "climate_change", "water": "water_consumption"}
# "total" is whichever quantity the unit's dimension names
_BY_DIMENSION = (("kWh", ENERGY), ("kg CO2-eq", "climate_change"), ("m3", "water_consumption"))
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_TABLE_KEYS = {"value", "unit", "of", "stage", "note"}


@dataclass(frozen=True)
class Published:
    """One published number (immutable).

    Attributes
    ----------
    key : str
        Its name in ``[study] published``.
    value : float
        The number as printed.
    unit : str
        Its unit as shown (``"t CO2-eq"``, ``"million l"``); ``""`` when the key names none.
    of : str or None
        ``"energy"`` or the impact category it is compared with; None: no computed counterpart.
    stage : str or None
        The lifecycle stage it covers (None: the whole product system).
    note : str
        Why it is not compared (when ``of`` is None), or the study's note.
    scale : float
        The scale word's factor (``million`` = 1e6): *value* x *scale* is in ``base_unit``.
    base_unit : str
        The unit without the scale word.

    Examples
    --------
    >>> parse_published({"total_million_L": 5.4}, "s.toml")[0]
    Published(key='total_million_L', value=5.4, unit='million l', of='water_consumption', stage=None, note='', scale=1000000.0, base_unit='l')
    """

    key: str
    value: float
    unit: str
    of: str | None
    stage: str | None = None
    note: str = ""
    scale: float = 1.0
    base_unit: str = ""


@dataclass(frozen=True)
class PublishedComparison:
    """A published number beside the computed one, in the published unit (immutable).

    Attributes
    ----------
    published : Published
        What the source printed.
    computed : float or None
        This model's value in the published unit (None: not compared).
    note : str
        Why not compared.

    Examples
    --------
    >>> item = Published("energy_kWh", 100.0, "kWh", "energy", base_unit="kWh")
    >>> PublishedComparison(item, 150.0).relative_difference
    0.5
    """

    published: Published
    computed: float | None
    note: str = ""

    @property
    def relative_difference(self) -> float | None:
        """computed / published - 1 (None when not compared or published as 0)."""
        if self.computed is None or self.published.value == 0:
            return None
        return self.computed / self.published.value - 1

    def to_dict(self) -> dict[str, Any]:
        """The record of the ``"published"`` block of the JSON (docs/file-format.md)."""
        item = self.published
        data: dict[str, Any] = {"value": item.value, "unit": item.unit}
        if item.of is not None:
            data["of"] = item.of
        if item.stage is not None:
            data["stage"] = item.stage
        if self.computed is None:
            data["not_compared"] = self.note or item.note
        else:
            data["computed"] = self.computed
            if self.relative_difference is not None:
                data["relative_difference"] = self.relative_difference
        return data


def _unit(text: str, where: str) -> tuple[str, float, str]:
    """(shown, scale, base unit) of a unit text that may start with a scale word."""
    words = text.split()
    scale = 1.0
    if words and words[0].lower() in _SCALES:
        scale = _SCALES[words[0].lower()]
        words = words[1:]
    base = " ".join(words)
    unit = parse_unit(base, where)
    shown = format_unit(unit)
    return (f"{text.split()[0].lower()} {shown}" if scale != 1.0 else shown), scale, shown


def _shorthand(key: str, value: float, where: str) -> Published:
    words = key.split("_")
    for cut in range(1, len(words)):
        name = "_".join(words[:cut]).lower()
        text = re.sub(r"(?i)\bco2_?e(q)?\b", "CO2-eq", " ".join(words[cut:]))
        try:
            shown, scale, base = _unit(text, where)
        except LCAError:
            continue
        of = QUANTITIES.get(name)
        if name == "total":
            of = next((q for reference, q in _BY_DIMENSION
                       if same_dimension(parse_unit(reference), parse_unit(base))), None)
        if of is None:
            return Published(key, value, shown, None, note=f"no computed counterpart of '{name}' (a table "
                             "{ value, unit, of, stage } compares it)", scale=scale, base_unit=base)
        return Published(key, value, shown, of, scale=scale, base_unit=base)
    return Published(key, value, "", None, note="no unit in the key (expected <quantity>_<unit>)")


def parse_published(table: Any, where: str) -> tuple[Published, ...]:
    """The ``[study] published`` table as records.

    Parameters
    ----------
    table : mapping or None
        The table as read from TOML.
    where : str
        The file and table, for error messages.

    Returns
    -------
    tuple of Published
        In the file's order (empty without the table).

    Raises
    ------
    FileFormatError
        If the table or one of its values is not a number or a ``{value, unit, of}`` table.

    Examples
    --------
    >>> parse_published({"embodied": {"value": 11.2, "unit": "t CO2e", "of": "climate_change",
    ...                  "stage": "manufacturing"}}, "bloom.toml: study.published")[0].stage
    'manufacturing'
    >>> parse_published({"energy_MWh": "1287"}, "gpt3.toml: study.published")
    Traceback (most recent call last):
    lca.errors.FileFormatError: gpt3.toml: study.published.energy_MWh: expected a number or a table { value, unit, of }, got '1287'
    """
    if table is None:
        return ()
    if not isinstance(table, Mapping):
        raise FileFormatError(f"{where}: expected a table of published values, got {table!r}")
    out = []
    for key, item in table.items():
        here = f"{where}.{key}"
        if isinstance(item, Mapping):
            out.append(_table(str(key), item, here))
        elif isinstance(item, (int, float)) and not isinstance(item, bool) and math.isfinite(item):
            out.append(_shorthand(str(key), float(item), here))
        else:
            raise FileFormatError(f"{here}: expected a number or a table {{ value, unit, of }}, got {item!r}")
    return tuple(out)


def _table(key: str, item: Mapping, where: str) -> Published:
    unknown = sorted(set(item) - _TABLE_KEYS)
    missing = sorted({"value", "unit", "of"} - set(item))
    if unknown or missing:
        raise FileFormatError(f"{where}: " + "; ".join(
            ([f"unknown key(s) {', '.join(unknown)}"] if unknown else [])
            + ([f"missing key(s) {', '.join(missing)}"] if missing else [])
            + ["expected { value, unit, of, stage, note }"]))
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FileFormatError(f"{where}: 'value' must be a number, got {value!r}")
    for name in ("unit", "of", "stage", "note"):
        if name in item and not isinstance(item[name], str):
            raise FileFormatError(f"{where}: '{name}' must be a string, got {item[name]!r}")
    shown, scale, base = _unit(item["unit"], f"{where}: unit")
    return Published(key, float(value), shown, item["of"], item.get("stage"), item.get("note", ""), scale, base)


def compare_published(published: tuple[Published, ...], totals: Mapping[str, tuple[float, str]],
                      by_stage: Mapping[str, Mapping[str, float]] | None = None,
                      stages: frozenset[str] | set[str] = frozenset()) -> tuple[PublishedComparison, ...]:
    """Each published number beside this model's, converted to the published unit.

    Parameters
    ----------
    published : tuple of Published
        :func:`parse_published`.
    totals : mapping of str to (float, str)
        ``{"energy" or category: (value, unit)}`` of the result.
    by_stage : mapping of str to mapping, optional
        The same quantities by lifecycle stage (for published values of one stage).
    stages : set of str, optional
        Every stage a process of the model has (a stage with no contribution compares as 0).

    Returns
    -------
    tuple of PublishedComparison
        One per published value, in order.

    Examples
    --------
    >>> items = parse_published({"embodied": {"value": 11.2, "unit": "t CO2e", "of": "climate_change",
    ...                          "stage": "manufacturing"}, "net_grid_intensity": 0.177}, "s.toml")
    >>> found = compare_published(items, {"climate_change": (50520.0, "kg CO2-eq")},
    ...                           {"climate_change": {"manufacturing": 11200.0}}, {"manufacturing", "use"})
    >>> [(c.computed and round(c.computed, 6), c.note) for c in found]
    [(11.2, ''), (None, 'no unit in the key (expected <quantity>_<unit>)')]
    """
    out = []
    for item in published:
        if item.of is None:
            out.append(PublishedComparison(item, None, item.note))
            continue
        if item.of not in totals:
            what = "energy carrier" if item.of == ENERGY else f"{item.of} result"
            out.append(PublishedComparison(item, None, f"the study has no {what}"))
            continue
        value, unit = totals[item.of]
        if item.stage is not None:
            if item.stage not in stages:
                out.append(PublishedComparison(item, None, f"no process of the model has the stage '{item.stage}'"))
                continue
            value = (by_stage or {}).get(item.of, {}).get(item.stage, 0.0)
        try:
            factor = conversion_factor(parse_unit(unit), parse_unit(item.base_unit), f"published {item.key}")
        except LCAError as exc:
            out.append(PublishedComparison(item, None, str(exc)))
            continue
        out.append(PublishedComparison(item, value * factor / item.scale))
    return tuple(out)
