"""Everyday equivalents: an impact score divided by a familiar reference amount, with its source.

553.1 t CO2-eq is 615 round trips New York - San Francisco at 1,984 lb CO2-eq each
(Strubell et al. 2019):

>>> table = load_equivalents()
>>> [(c.equivalent.id, round(c.count)) for c in compare({"climate_change": (553142.3, "kg CO2-eq")}, table)][:2]
[('flight_nyc_sfo_round_trip', 615), ('car_lifetime', 10)]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import FileFormatError, LCAError
from ..load.resources import locate
from ..load.tables import read_toml
from ..units import conversion_factor, parse_unit

DEFAULT_PATH = "lca:equivalents.toml"  # shipped with the package
_KEYS = {"category", "value", "unit", "label", "source", "note"}


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
    (8, 'flight_nyc_sfo_round_trip')
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
                              label=str(item["label"]), source=str(item["source"]), note=str(item.get("note", ""))))
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
