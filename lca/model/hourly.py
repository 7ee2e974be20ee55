"""Time-matched grid intensity: the hourly intensities of a grid weighted by a job's hourly energy.

An annual average weights every hour of the year alike; a job draws its energy in a few hours,
and the grid's intensity in those hours can differ from the annual mean by tens of percent. The
time-matched intensity is the energy-weighted mean of the intensities of the hours the job ran
(hours in UTC).

>>> from datetime import datetime, timezone
>>> h = [datetime(2026, 3, 2, hour, tzinfo=timezone.utc) for hour in (10, 11)]
>>> round(time_matched_intensity({h[0]: 1.0, h[1]: 3.0}, {h[0]: 0.2, h[1]: 0.4}, "grid.csv"), 12)  # (0.2 + 1.2) / 4
0.35
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Mapping

from ..errors import FileFormatError


def split_by_hour(start: datetime, end: datetime, kwh: float) -> dict[datetime, float]:
    """Spread *kwh* evenly over ``[start, end)`` and sum it by UTC hour.

    Parameters
    ----------
    start, end : datetime.datetime
        Aware datetimes; *end* after *start* (or equal, for an instantaneous record).
    kwh : float
        The energy of the interval.

    Returns
    -------
    dict of datetime to float
        kWh by the UTC hour it falls in (the hour's start).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> split_by_hour(datetime(2026, 1, 1, 10, 30, tzinfo=timezone.utc),
    ...               datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc), 3.0)  # doctest: +NORMALIZE_WHITESPACE
    {datetime.datetime(2026, 1, 1, 10, 0, tzinfo=datetime.timezone.utc): 1.0,
     datetime.datetime(2026, 1, 1, 11, 0, tzinfo=datetime.timezone.utc): 2.0}
    """
    start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    hour = start.replace(minute=0, second=0, microsecond=0)
    seconds = (end - start).total_seconds()
    if seconds <= 0:
        return {hour: kwh}
    shares: dict[datetime, float] = {}
    while hour < end:
        following = hour + timedelta(hours=1)
        overlap = (min(end, following) - max(start, hour)).total_seconds()
        shares[hour] = kwh * overlap / seconds
        hour = following
    return shares


def time_matched_intensity(load: Mapping[datetime, float], intensity: Mapping[datetime, float], where: str) -> float:
    """Energy-weighted mean of the hourly intensities of the hours with load.

    Parameters
    ----------
    load : mapping of datetime to float
        kWh by UTC hour (hour starts, aware).
    intensity : mapping of datetime to float
        Grid intensity by UTC hour, any unit (the result is in it).
    where : str
        The intensity file, for messages.

    Returns
    -------
    float
        sum(kWh_h * I_h) / sum(kWh_h).

    Raises
    ------
    FileFormatError
        If an hour with load has no intensity (a gap in the series, or a series of another
        period or time zone), or there is no load.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> h = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    >>> time_matched_intensity({h: 1.0}, {}, "grid.csv")
    Traceback (most recent call last):
    lca.errors.FileFormatError: grid.csv: no intensity for 1 hour(s) of the job's load, first 2026-03-02 10:00 UTC (the series covers no hours); the series must cover every hour the job ran, in UTC
    """
    total = math.fsum(load.values())
    if not total > 0:
        raise FileFormatError(f"{where}: the job's load has no energy to weight the hourly intensities with")
    missing = sorted(hour for hour, kwh in load.items() if kwh > 0 and hour not in intensity)
    if missing:
        covered = (f"{min(intensity):%Y-%m-%d %H:%M} to {max(intensity):%Y-%m-%d %H:%M} UTC" if intensity
                   else "no hours")
        raise FileFormatError(f"{where}: no intensity for {len(missing)} hour(s) of the job's load, first "
                              f"{missing[0]:%Y-%m-%d %H:%M} UTC (the series covers {covered}); the series must "
                              "cover every hour the job ran, in UTC")
    return math.fsum(kwh * intensity[hour] for hour, kwh in load.items() if kwh > 0) / total


@dataclass(frozen=True)
class GridMatch:
    """A run's grid intensity matched to its hours (``--grid-profile``), and the annual one it replaced (immutable).

    Attributes
    ----------
    file, column : str
        The hourly series and the column read.
    parameter : str
        The study's grid-intensity parameter the time-matched value replaced.
    annual_value : float
        That parameter's value before, in its declared unit.
    annual, time_matched : float
        kg CO2-eq/kWh, each way.
    hours : int
        Hours with load.
    kwh : float
        IT energy of the load profile.

    Examples
    --------
    >>> GridMatch("grid.csv", "Carbon intensity", "grid_intensity", 0.4, 0.4, 0.35, 2, 4.0).time_matched
    0.35
    """

    file: str
    column: str
    parameter: str
    annual_value: float
    annual: float
    time_matched: float
    hours: int
    kwh: float
