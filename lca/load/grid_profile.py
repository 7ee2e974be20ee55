"""Hourly grid intensity series (``lca run --grid-profile FILE``): an Electricity Maps CSV export.

Columns, matched case-insensitively (``CO2`` or ``CO₂``): a UTC timestamp ``Datetime (UTC)``
(the hour's start) and ``Carbon intensity gCO₂eq/kWh (Life cycle)`` (older files: ``(LCA)``),
or, when the file has no life-cycle column, ``Carbon intensity gCO₂eq/kWh (direct)``. Life
cycle is preferred because the shipped grid factors (inventories/electricity.toml) are life-cycle.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "FR_2026_hourly.csv"
>>> _ = path.write_text("Datetime (UTC),Zone id,Carbon intensity gCO₂eq/kWh (direct),Carbon intensity gCO₂eq/kWh (Life cycle)\\n"
...                     "2026-03-02 10:00:00,FR,20,40\\n2026-03-02 11:00:00,FR,25,50\\n", encoding="utf-8")
>>> profile = read_grid_profile(path)
>>> profile.column, [round(v, 3) for v in profile.kg_per_kwh.values()]
('Carbon intensity gCO₂eq/kWh (Life cycle)', [0.04, 0.05])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

from ..errors import FileFormatError
from ..model.frozen import FrozenDict
from .tables import data_name, parse_csv_table, read_text_file

MAX_PROFILE_BYTES = 64 * 2**20  # a year of hourly rows is ~1 MB; ten zones for ten years fit
_TIME_COLUMNS = ("datetime (utc)",)
_INTENSITY_COLUMNS = ("carbon intensity gco2eq/kwh (life cycle)", "carbon intensity gco2eq/kwh (lca)",
                      "carbon intensity gco2eq/kwh (direct)")


@dataclass(frozen=True)
class GridProfile:
    """An hourly intensity series: kg CO2-eq/kWh by UTC hour start (immutable).

    Examples
    --------
    See the module's example.
    """

    where: str
    column: str
    kg_per_kwh: Mapping[datetime, float]


def _key(column: str) -> str:
    return " ".join(column.replace("₂", "2").lower().split())


def read_grid_profile(path: str | Path) -> GridProfile:
    """Read an hourly carbon-intensity CSV (Electricity Maps export).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.

    Returns
    -------
    GridProfile
        Intensities in kg CO2-eq/kWh by UTC hour.

    Raises
    ------
    FileFormatError
        If the file is missing, not UTF-8 CSV, lacks the columns, or has an unreadable, repeated,
        off-the-hour or non-UTC timestamp, or an intensity that is not a finite non-negative number;
        the message names the file and line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "grid.csv"
    >>> _ = path.write_text("Datetime (local),Carbon intensity gCO2eq/kWh (direct)\\n2026-03-02 10:00,20\\n")
    >>> read_grid_profile(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lca.errors.FileFormatError: ...grid.csv: line 1: no 'Datetime (UTC)' column (the hourly series must be in UTC; Electricity Maps exports have it)
    """
    path = Path(path)
    where = data_name(path)
    text = read_text_file(path, where, "grid profile", MAX_PROFILE_BYTES, "is this an hourly series?")
    table = parse_csv_table(text, where, "grid profile")
    header = table.header
    keys = {_key(c): i for i, c in enumerate(header)}
    time_col = next((keys[k] for k in _TIME_COLUMNS if k in keys), None)
    if time_col is None:
        raise FileFormatError(f"{where}: line 1: no 'Datetime (UTC)' column (the hourly series must be in UTC; "
                              "Electricity Maps exports have it)")
    value_col = next((keys[k] for k in _INTENSITY_COLUMNS if k in keys), None)
    if value_col is None:
        raise FileFormatError(f"{where}: line 1: no 'Carbon intensity gCO₂eq/kWh (Life cycle)' or '(direct)' "
                              "column")
    series: dict[datetime, float] = {}
    for number, cells in table.rows:
        line = f"{where}: line {number}"
        hour = _hour(cells[time_col], line)
        if hour in series:
            raise FileFormatError(f"{line}: hour {hour:%Y-%m-%d %H:%M} UTC is repeated (a file split in local "
                                  "time, or two zones in one file?)")
        series[hour] = _intensity(cells[value_col], line, header[value_col])
    return GridProfile(where, header[value_col], FrozenDict(dict(sorted(series.items()))))


def _hour(text: str, line: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise FileFormatError(f"{line}: Datetime (UTC) {text!r} is not a date and time (YYYY-MM-DD HH:MM:SS)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)  # the column is UTC by its name
    elif when.utcoffset() != timedelta(0):
        raise FileFormatError(f"{line}: Datetime (UTC) {text!r} has the offset {when.utcoffset()}, not UTC")
    if (when.minute, when.second, when.microsecond) != (0, 0, 0):
        raise FileFormatError(f"{line}: {text!r} is not on the hour: the series must be hourly")
    return when.astimezone(timezone.utc)


def _intensity(text: str, line: str, column: str) -> float:
    try:
        grams = float(text)
    except ValueError:
        raise FileFormatError(f"{line}: {column} {text!r} is not a number (a missing hour? fill or drop the "
                              "hour; lca does not interpolate)") from None
    if not math.isfinite(grams) or grams < 0:
        raise FileFormatError(f"{line}: {column} {text!r} is not a finite non-negative intensity")
    return grams / 1000.0  # g to kg CO2-eq/kWh
