"""Everyday equivalents: an impact score divided by a familiar reference amount, with its source,
chosen so the count reads well (1 to 1,000: no "0.006 Olympic pools") and from the study's
region where a source exists.

553.1 t CO2-eq is 615 round trips New York - San Francisco at 1,984 lb CO2-eq each
(Strubell et al. 2019):

>>> table = load_equivalents()
>>> [(c.equivalent.id, round(c.count)) for c in compare({"climate_change": (553142.3, "kg CO2-eq")}, table)][:2]
[('flight_nyc_sfo_round_trip', 615), ('car_lifetime', 10)]
>>> [(c.equivalent.id, round(c.count)) for c in choose(compare({"water_consumption": (15.1, "m3")}, table), "fr")]
[('water_bottle', 30200)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import FileFormatError, LCAError
from ..load.resources import locate
from ..load.tables import read_toml
from ..units import conversion_factor, parse_unit

DEFAULT_PATH = "lca:equivalents.toml"  # shipped with the package
_KEYS = {"category", "value", "unit", "label", "source", "note", "region", "cite"}
WORLD = "world"
# Regions an equivalent may hold for, and the countries (ISO 3166 alpha-2, as grid_region
# names them) in each; a country code is also a region of its own.
EUROPE = frozenset({"at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it", "lv",
                    "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se",  # EU-27
                    "is", "li", "no", "ch", "gb"})  # EFTA and the UK
READABLE = (1.0, 1000.0)  # counts that read as everyday quantities


@dataclass(frozen=True)
class Equivalent:
    """One reference amount: *value* *unit* of *category* is one *label* (singular), with its source.

    Examples
    --------
    >>> flight = Equivalent("f", "climate_change", 1984, "lb CO2-eq", "flights", "Strubell 2019")
    >>> flight.label, flight.source
    ('flights', 'Strubell 2019')
    """

    id: str
    category: str
    value: float
    unit: str
    label: str
    source: str
    note: str = ""
    region: str = WORLD
    cite: str = ""  # short citation for running text

    @property
    def citation(self) -> str:
        """The short citation, else the source."""
        return self.cite or self.source


@dataclass(frozen=True)
class Comparison:
    """A score expressed as a number of equivalents (immutable).

    Examples
    --------
    >>> flight = Equivalent("f", "climate_change", 1984, "lb CO2-eq", "flights", "Strubell 2019")
    >>> round(compare({"climate_change": (553142.3, "kg CO2-eq")}, [flight])[0].count)
    615
    """

    equivalent: Equivalent
    count: float
    category_unit: str


def load_equivalents(path: str | Path = DEFAULT_PATH, data: dict | None = None) -> tuple[Equivalent, ...]:
    """Read an everyday-equivalents file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The file (default: the shipped ``lca:equivalents.toml``).
    data : dict, optional
        Its tables if the caller has read them already (``lca validate``), so it is read once.

    Returns
    -------
    tuple of Equivalent
        Its entries.

    Raises
    ------
    FileFormatError, UnitError
        If an entry lacks a positive value, a unit or a source, or its unit does not fit its
        category.

    Examples
    --------
    >>> len(load_equivalents()), load_equivalents()[0].id
    (17, 'flight_nyc_sfo_round_trip')
    """
    path = locate(path)
    data = read_toml(path) if data is None else data
    table = data.get("equivalents")
    if not isinstance(table, dict) or not table:
        raise FileFormatError(f"{path}: no [equivalents.<id>] tables")
    out = []
    for key, item in table.items():
        where = f"{path}: equivalents.{key}"
        if not isinstance(item, dict):
            raise FileFormatError(f"{where}: expected a table")
        unknown = sorted(set(item) - _KEYS)
        missing = sorted({"category", "value", "unit", "label", "source"} - set(item))
        if unknown or missing:
            raise FileFormatError(f"{where}: " + "; ".join(
                ([f"unknown key(s) {', '.join(unknown)}"] if unknown else [])
                + ([f"missing key(s) {', '.join(missing)}"] if missing else [])))
        value = item["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise FileFormatError(f"{where}: 'value' must be a positive number, got {value!r}")
        parse_unit(item["unit"], where)
        out.append(Equivalent(id=key, category=str(item["category"]), value=float(value), unit=item["unit"],
                              label=str(item["label"]), source=str(item["source"]), note=str(item.get("note", "")),
                              region=str(item.get("region", WORLD)).lower(), cite=str(item.get("cite", ""))))
    return tuple(out)


def compare(scores: Mapping[str, tuple[float, str]], equivalents: Iterable[Equivalent]) -> tuple[Comparison, ...]:
    """Each category score as counts of its everyday equivalents.

    Parameters
    ----------
    scores : mapping of str to (float, str)
        ``{category: (value, unit)}``.
    equivalents : iterable of Equivalent
        Reference amounts (:func:`load_equivalents`).

    Returns
    -------
    tuple of Comparison
        One per equivalent of a category in *scores*, in the equivalents' order.

    Examples
    --------
    1,984 lb CO2-eq is 899.9 kg CO2-eq:

    >>> flight = Equivalent("f", "climate_change", 1984, "lb CO2-eq", "flights", "Strubell 2019")
    >>> round(compare({"climate_change": (899.9, "kg CO2-eq")}, [flight])[0].count, 3)
    1.0
    """
    out = []
    for equivalent in equivalents:
        if equivalent.category not in scores:
            continue
        value, unit = scores[equivalent.category]
        try:
            factor = conversion_factor(parse_unit(equivalent.unit), parse_unit(unit), equivalent.id)
        except LCAError:
            continue  # a reference in another dimension (e.g. a method with unusual units): not comparable
        out.append(Comparison(equivalent, value / (equivalent.value * factor), unit))
    return tuple(out)


def region_of(code: str | None) -> str:
    """The country of a study's region code: ``us_ia`` and ``us`` -> ``us``, ``se3`` -> ``se``,
    ``glo`` or nothing -> ``world``.

    Parameters
    ----------
    code : str or None
        A ``[study] region`` or ``grid_region`` value.

    Returns
    -------
    str
        A lower-case ISO 3166 alpha-2 code, or ``"world"``.

    Examples
    --------
    >>> region_of("us_va"), region_of("no3"), region_of("glo"), region_of(None)
    ('us', 'no', 'world', 'world')
    """
    if not code:
        return WORLD
    country = str(code).lower().split("_")[0].rstrip("0123456789")
    return country if len(country) == 2 else WORLD


def _regional_rank(equivalent: Equivalent, country: str) -> int:
    """0: holds for the study's country (or its region), 1: world-wide, 2: another region."""
    if equivalent.region == country or (equivalent.region == "europe" and country in EUROPE):
        return 0
    return 1 if equivalent.region == WORLD else 2


def _readability(count: float) -> float:
    """How far a count lies outside :data:`READABLE`, in decades (0 inside)."""
    if not count > 0:
        return math.inf
    low, high = READABLE
    return max(0.0, math.log10(low / count), math.log10(count / high))


def choose(comparisons: Iterable[Comparison], country: str = WORLD, per_category: int = 2) -> tuple[Comparison, ...]:
    """The equivalents to show: per category, counts between 1 and 1,000 first, from the study's
    region first, then world-wide ones; another region's only when the file has nothing else.

    Parameters
    ----------
    comparisons : iterable of Comparison
        :func:`compare`'s result.
    country : str, optional
        The study's country (:func:`region_of`).
    per_category : int, optional
        The most equivalents shown per category.

    Returns
    -------
    tuple of Comparison
        In the order of the categories as given, the most readable first (the first one even
        outside 1 to 1,000 when nothing reads better); a category whose score is 0 gets none.

    Examples
    --------
    A 50 kg CO2-eq fine-tuning run in France reads as car kilometres and a short flight, not as
    0.04 American years:

    >>> picked = choose(compare({"climate_change": (50.0, "kg CO2-eq")}, load_equivalents()), "fr")
    >>> [(c.equivalent.id, round(c.count)) for c in picked]
    [('car_km_europe', 286), ('flight_paris_london', 1)]
    """
    by_category: dict[str, list[Comparison]] = {}
    for comparison in comparisons:
        by_category.setdefault(comparison.equivalent.category, []).append(comparison)
    out = []
    for items in by_category.values():
        ranked = sorted((c for c in items if c.count > 0), key=lambda c: (
            _readability(c.count), _regional_rank(c.equivalent, country),
            abs(math.log10(c.count) - 1.5)))  # among equals, counts of tens to hundreds read best
        if any(_regional_rank(c.equivalent, country) < 2 for c in ranked):
            ranked = [c for c in ranked if _regional_rank(c.equivalent, country) < 2]  # never another region's
        # the best one always (a category shows its closest equivalent), more only if they read well
        ranked = ranked[:1] + [c for c in ranked[1:] if _readability(c.count) == 0]
        out.extend(ranked[:per_category])
    return tuple(out)
