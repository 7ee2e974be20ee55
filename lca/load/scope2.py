"""The ``[market_based]`` table of a study: contractual instruments for its electricity.

::

    [market_based]
    electricity = ["datacenter_electricity"]        # energy-source processes covered
    residual_mix = { intensity = 0.45, unit = "kg CO2-eq/kWh", source = "AIB 2023 residual mix, DE" }

    [[market_based.instruments]]
    kind = "ppa"                                     # ppa | eac | supplier_specific
    name = "wind PPA"
    share = 0.6                                      # or energy = 120, unit = "MWh"
    intensity = 0.0                                  # kg CO2-eq/kWh unless intensity_unit says
    source = "PPA contract 2024-17"

>>> spec = parse_market_based({"electricity": ["grid"], "instruments": [
...     {"kind": "eac", "energy": 2, "unit": "MWh", "intensity": 0, "source": "GO registry"}],
...     "residual_mix": {"intensity": 500, "unit": "g CO2-eq/kWh", "source": "AIB"}}, "s.toml")
>>> spec.instruments[0].energy_kwh, spec.residual_mix
(2000.0, 0.5)
"""

from __future__ import annotations

from typing import Any

from ..errors import FileFormatError, UnitError
from ..model.scope2 import KINDS, Instrument, MarketBased
from ..units import conversion_factor, parse_unit
from .tables import check_id, check_keys, fail, number, read_unit, string

KG_PER_KWH = parse_unit("kg CO2-eq/kWh")
KWH = parse_unit("kWh")
_KEYS = {"electricity", "instruments", "residual_mix", "source", "comment"}
_INSTRUMENT_KEYS = {"kind", "name", "share", "energy", "unit", "intensity", "intensity_unit", "source", "comment"}
_RESIDUAL_KEYS = {"intensity", "unit", "source", "comment"}


def _intensity(table: dict, key: str, unit_key: str, where: str) -> float:
    if key not in table:
        raise fail(FileFormatError, where, f"missing {key!r} (the emission factor, kg CO2-eq/kWh)")
    value = number(table[key], f"{where}.{key}")
    unit = read_unit(table.get(unit_key, "kg CO2-eq/kWh"), f"{where}.{unit_key}")
    if unit.dimensionality != KG_PER_KWH.dimensionality:
        raise fail(UnitError, f"{where}.{unit_key}", "an emission factor is a mass of CO2-eq per energy "
                                                     "(kg CO2-eq/kWh, g CO2-eq/kWh)")
    value *= conversion_factor(unit, KG_PER_KWH, f"{where}.{unit_key}")
    if value < 0:
        raise fail(FileFormatError, f"{where}.{key}", f"{value!r} is negative: an instrument cannot remove emissions")
    return value


def _instrument(table: Any, index: int, where: str) -> Instrument:
    where = f"{where}.instruments[{index}]"
    table = check_keys(table, _INSTRUMENT_KEYS, where)
    kind = string(table, "kind", where, required=True)
    if kind not in KINDS:
        raise fail(FileFormatError, f"{where}.kind", f"{kind!r} is not an instrument kind (known: {', '.join(KINDS)})")
    source = string(table, "source", where, required=True)
    if ("share" in table) == ("energy" in table):
        raise fail(FileFormatError, where, "give either 'share' (0-1 of the electricity) or 'energy' (with 'unit')")
    share = energy = None
    if "share" in table:
        share = number(table["share"], f"{where}.share")
        if not 0 <= share <= 1:
            raise fail(FileFormatError, f"{where}.share", f"{share!r} is not a share between 0 and 1")
    else:
        unit = read_unit(table.get("unit", "kWh"), f"{where}.unit")
        if unit.dimensionality != KWH.dimensionality:
            raise fail(UnitError, f"{where}.unit", "the energy an instrument covers is an energy (kWh, MWh)")
        energy = number(table["energy"], f"{where}.energy") * conversion_factor(unit, KWH, f"{where}.unit")
        if energy < 0:
            raise fail(FileFormatError, f"{where}.energy", "is negative")
    name = string(table, "name", where) or f"{kind} {index + 1}"
    return Instrument(kind, name, _intensity(table, "intensity", "intensity_unit", where), share, energy, source)


def parse_market_based(table: Any, where: str) -> MarketBased:
    """Read a study's ``[market_based]`` table.

    Parameters
    ----------
    table : object
        The table as read from TOML.
    where : str
        The study file, for messages.

    Returns
    -------
    MarketBased
        Electricity covered, instruments, residual mix (kg CO2-eq/kWh).

    Raises
    ------
    FileFormatError, UnitError
        On a missing or malformed key; every message names the file and the item.

    Examples
    --------
    >>> parse_market_based({"electricity": ["grid"], "instruments": [{"kind": "rec", "share": 1,
    ...     "intensity": 0, "source": "x"}]}, "s.toml")
    Traceback (most recent call last):
    lca.errors.FileFormatError: s.toml: market_based.instruments[0].kind: 'rec' is not an instrument kind (known: ppa, eac, supplier_specific)
    """
    where = f"{where}: market_based"
    table = check_keys(table, _KEYS, where)
    electricity = table.get("electricity")
    if isinstance(electricity, str):
        electricity = [electricity]
    if not isinstance(electricity, list) or not electricity or not all(isinstance(e, str) for e in electricity):
        raise fail(FileFormatError, f"{where}.electricity", "name the electricity processes the instruments cover "
                                                            "(a list of process ids)")
    for index, process in enumerate(electricity):
        check_id(process, f"{where}.electricity[{index}]")
    instruments = table.get("instruments", [])
    if not isinstance(instruments, list):
        raise fail(FileFormatError, f"{where}.instruments", "must be an array of tables ([[market_based.instruments]])")
    parsed = tuple(_instrument(t, i, where) for i, t in enumerate(instruments))
    if len({i.name for i in parsed}) != len(parsed):
        raise fail(FileFormatError, f"{where}.instruments", "two instruments have the same name")
    residual = residual_source = None
    if "residual_mix" in table:
        rwhere = f"{where}.residual_mix"
        rtable = check_keys(table["residual_mix"], _RESIDUAL_KEYS, rwhere)
        residual = _intensity(rtable, "intensity", "unit", rwhere)
        residual_source = string(rtable, "source", rwhere, required=True)
    return MarketBased(tuple(electricity), parsed, residual, residual_source, where)
