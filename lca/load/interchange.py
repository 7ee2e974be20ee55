"""Hourly generation, emissions and interchange of balancing areas: EIA-930 data in the wide CSV layout
of de Chalendar's ``gridemissions`` (``lca grid trace FILE``).

One row per hour, a ``period`` column (UTC, the **end** of the hour, as EIA-930 labels hours)
and, per balancing area ``BA`` (EIA codes: ``CISO``, ``BPAT``, ...):

* ``E_{BA}_NG``: net generation, MWh;
* ``CO2_{BA}_NG``: emissions of that generation, kg (from the plants' fuels);
* ``E_{BA}-{OTHER}_ID``: interchange with another area, MWh, positive when ``BA`` exports.

Other columns (demand ``E_{BA}_D``, total interchange ``E_{BA}_TI``, intensities) are ignored:
the tracing uses each area's own generation and its trades. A trade given in one direction only
is taken as the other's mirror; given in both, the two must agree (the data reconciled, as
gridemissions publishes it). Every problem is a :class:`~lca.errors.FileFormatError` naming the
file, the line and the column.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "week.csv"
>>> _ = path.write_text("period,E_AAA_NG,CO2_AAA_NG,E_BBB_NG,CO2_BBB_NG,E_AAA-BBB_ID\\n"
...                     "2016-07-11T01:00:00Z,100,50000,20,1000,30\\n")
>>> data = read_interchange(path)
>>> data.areas, f"{data.hours[0]:%H:%M}", data.interchange[0].tolist()
(('AAA', 'BBB'), '00:00', [[0.0, 30.0], [-30.0, 0.0]])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from ..errors import FileFormatError
from ..model.frozen import readonly
from .tables import csv_number, data_name, parse_csv_table, read_text_file

MAX_INTERCHANGE_BYTES = 256 * 2**20  # a year of the whole US grid (~70 areas, ~400 columns) is ~30 MB
_GENERATION = re.compile(r"^E_([A-Za-z0-9]+)_NG$")
_EMISSIONS = re.compile(r"^CO2_([A-Za-z0-9]+)_NG$")
_TRADE = re.compile(r"^E_([A-Za-z0-9]+)-([A-Za-z0-9]+)_ID$")
# Two areas' figures of one trade agree when within this (MWh): CSV rounding of reconciled data.
_MIRROR_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Interchange:
    """Hourly data of balancing areas (read-only arrays; units MWh and kg).

    Attributes
    ----------
    where : str
        The file, as messages name it.
    areas : tuple of str
        Balancing areas, sorted.
    hours : tuple of datetime.datetime
        Start of each hour (UTC, aware): the ``period`` minus one hour.
    rows : tuple of str
        Each hour's line of the file, for messages (``"week.csv: line 2 (period ...)"``).
    production, emissions : numpy.ndarray, shape (hours, areas)
        Net generation (MWh) and its emissions (kg).
    interchange : numpy.ndarray, shape (hours, areas, areas)
        ``[t, i, j]``: MWh area ``i`` sends to ``j`` (negative: receives).

    Examples
    --------
    See the module's example.
    """

    where: str
    areas: tuple[str, ...]
    hours: tuple[datetime, ...]
    rows: tuple[str, ...]
    production: np.ndarray
    emissions: np.ndarray
    interchange: np.ndarray


def read_interchange(path: str | Path) -> Interchange:
    """Read an EIA-930-style wide CSV of hourly generation, emissions and interchange.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (layout in the module's description).

    Returns
    -------
    Interchange
        The areas, hours and arrays, ready for :func:`lca.engine.flow_tracing.trace_flows`.

    Raises
    ------
    FileFormatError
        If the file is missing or not CSV, lacks ``period`` or an area's generation or
        emissions, names a trade with an area it has no data for, repeats an hour, or has a
        value that is not a finite number (or a negative generation or emission); the message
        names the file, the line and the column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "week.csv"
    >>> _ = path.write_text("period,E_AAA_NG,CO2_AAA_NG,E_AAA-BBB_ID\\n2016-07-11T01:00:00Z,100,50000,30\\n")
    >>> read_interchange(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lca.errors.FileFormatError: ...week.csv: line 1: E_AAA-BBB_ID: area BBB has no E_BBB_NG and CO2_BBB_NG columns (flow tracing needs the generation and emissions of every trading partner)
    """
    path = Path(path)
    where = data_name(path)
    text = read_text_file(path, where, "interchange file", MAX_INTERCHANGE_BYTES, "is this an hourly EIA-930 file?")
    table = parse_csv_table(text, where, "interchange file")
    header = list(table.header)
    columns = _columns(header, where)
    areas = columns.areas
    index = {a: k for k, a in enumerate(areas)}
    hours: list[datetime] = []
    rows: list[str] = []
    production, emissions, trades = [], [], []
    seen: dict[datetime, int] = {}
    for number, cells in table.rows:
        line = f"{where}: line {number}"
        period = cells[columns.period]
        end = _period(period, line)
        if end in seen:
            raise FileFormatError(f"{line}: period {period} is repeated (line {seen[end]}): EIA's six-month files "
                                  "are split in local time, so joining them repeats hours; keep one row per hour")
        seen[end] = number
        hours.append(end - timedelta(hours=1))
        rows.append(f"{line} (period {period})")
        production.append([_value(cells[columns.generation[a]], line, header[columns.generation[a]])
                           for a in areas])
        emissions.append([_value(cells[columns.emissions[a]], line, header[columns.emissions[a]]) for a in areas])
        hour = np.zeros((len(areas), len(areas)))
        given = np.zeros((len(areas), len(areas)), dtype=bool)
        for (a, b), k in columns.trades.items():
            hour[index[a], index[b]] = _value(cells[k], line, header[k], signed=True)
            given[index[a], index[b]] = True
        _mirror(hour, given, areas, line)
        trades.append(hour)
    pick = sorted(range(len(hours)), key=hours.__getitem__)
    return Interchange(where, areas, tuple(hours[k] for k in pick), tuple(rows[k] for k in pick),
                       readonly(np.array(production)[pick]), readonly(np.array(emissions)[pick]),
                       readonly(np.array(trades).reshape(len(hours), len(areas), len(areas))[pick]))


@dataclass(frozen=True)
class _Columns:
    period: int
    areas: tuple[str, ...]
    generation: dict[str, int]
    emissions: dict[str, int]
    trades: dict[tuple[str, str], int]


def _columns(header: list[str], where: str) -> _Columns:
    at = f"{where}: line 1"
    lowered = [h.lower() for h in header]
    if "period" not in lowered:
        raise FileFormatError(f"{at}: no 'period' column (the UTC end of each hour, as EIA-930 and gridemissions "
                              "label hours)")
    generation, emissions, trades = {}, {}, {}
    for k, name in enumerate(header):
        if match := _GENERATION.match(name):
            generation[match.group(1)] = k
        elif match := _EMISSIONS.match(name):
            emissions[match.group(1)] = k
        elif match := _TRADE.match(name):
            a, b = match.groups()
            if a == b:
                raise FileFormatError(f"{at}: {name}: an area's interchange with itself")
            trades[(a, b)] = k
    if not generation:
        raise FileFormatError(f"{at}: no net generation column E_{{BA}}_NG (e.g. E_CISO_NG, MWh)")
    for area in sorted(set(generation) ^ set(emissions)):
        has, lacks = (f"E_{area}_NG", f"CO2_{area}_NG") if area in generation else (f"CO2_{area}_NG", f"E_{area}_NG")
        raise FileFormatError(f"{at}: {has} without {lacks}: every area needs its generation (MWh) and its emissions (kg)")
    for (a, b), k in trades.items():
        for area in (a, b):
            if area not in generation:
                raise FileFormatError(f"{at}: {header[k]}: area {area} has no E_{area}_NG and CO2_{area}_NG columns "
                                      "(flow tracing needs the generation and emissions of every trading partner)")
    return _Columns(lowered.index("period"), tuple(sorted(generation)), generation, emissions, trades)


def _period(text: str, line: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise FileFormatError(f"{line}: period {text!r} is not a date and time (YYYY-MM-DDTHH:MM:SS, UTC)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)  # EIA-930 periods are UTC
    when = when.astimezone(timezone.utc)
    if (when.minute, when.second, when.microsecond) != (0, 0, 0):
        raise FileFormatError(f"{line}: period {text!r} is not on the hour: the data must be hourly")
    return when


def _value(text: str, line: str, column: str, signed: bool = False) -> float:
    text = text.strip()
    if not text:
        raise FileFormatError(f"{line}: {column} is empty (a missing hour? fill it or drop the row; lca does not "
                              "interpolate)")
    return csv_number(text, line, column, negative=signed,
                      why_not_negative="net generation and emissions are traced as sources; a storage area's "
                                       "charging belongs in its interchange or demand")


def _mirror(hour: np.ndarray, given: np.ndarray, areas: tuple[str, ...], line: str) -> None:
    """Fill each trade given one way with its mirror; check the ones given both ways agree."""
    for i, j in zip(*np.nonzero(given)):
        if not given[j, i]:
            hour[j, i] = -hour[i, j]
        elif i < j and abs(hour[i, j] + hour[j, i]) > _MIRROR_TOLERANCE * max(1.0, abs(hour[i, j])):
            a, b = areas[i], areas[j]
            raise FileFormatError(f"{line}: E_{a}-{b}_ID {hour[i, j]:g} and E_{b}-{a}_ID {hour[j, i]:g} disagree (one "
                                  "area's export is the other's import: reconcile the data, e.g. with gridemissions, "
                                  "or give one direction)")
