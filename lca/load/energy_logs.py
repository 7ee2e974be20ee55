"""Measured energy from the logs of energy trackers, bound to a study's measured-energy parameter.

Five formats, told apart by their header row (or first line):

* **CodeCarbon** ``emissions.csv`` (2.x and 3.x column sets): ``energy_consumed`` (kWh, the sum
  of ``cpu_energy``, ``gpu_energy`` and ``ram_energy``) per run. CodeCarbon multiplies its
  energies by its own ``pue`` column; it is divided out here, so a study applies its own PUE.
  Several files (one per rank of a multi-GPU run) are summed; a run written twice (the same
  ``run_id``, the same numbers) counts once.
* **Zeus** CSV logs (``start_time,window_name,elapsed_time,gpu<i>_energy``, J per GPU and window).
* **nvidia-smi** ``--query-gpu=timestamp,...,power.draw,... --format=csv`` (with or without
  ``nounits``): each GPU's power integrated over time (trapezoid); GPUs are told apart by
  ``uuid``, ``pci.bus_id`` or ``index``, and the samples of one GPU may be split over files.
* **DCGM**: the DCGM exporter's metrics as CSV (a ``timestamp`` column, a GPU column ``UUID``,
  ``gpu`` or ``device`` (and ``Hostname``), and ``DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION``, mJ since
  the driver loaded, or ``DCGM_FI_DEV_POWER_USAGE``, W), or ``dcgmi dmon -e 155,156`` output
  (``#Entity POWER TOTEC``). The energy counter is differenced per GPU (a drop is a reset: the
  reading after it is the energy since); power alone is integrated over time as for nvidia-smi.
* **carbontracker** logs (``*_carbontracker_output.log``, with its ``*_carbontracker.log`` beside
  it): the "Actual consumption" record, read by carbontracker's own parser
  (``pip install "lca[carbontracker]"``), with the PUE carbontracker multiplied in divided out.

The result is the IT energy the tracker saw (before any datacenter overhead), in kWh, with a
measurement uncertainty from the sensors' stated accuracy (``lca:energy_logs/sensor_accuracy.csv``).
Every problem with a log is a :class:`~lca.errors.FileFormatError` naming the file and line.

>>> import pathlib, tempfile
>>> log = pathlib.Path(tempfile.mkdtemp()) / "smi.csv"
>>> _ = log.write_text("timestamp, index, power.draw [W]\\n"
...                    "2026/01/05 10:00:00.000, 0, 300.00 W\\n"
...                    "2026/01/05 10:00:10.000, 0, 300.00 W\\n")
>>> m = read_energy_logs([log])
>>> m.format, round(m.kwh * 3.6e6)      # 300 W x 10 s = 3000 J
('nvidia-smi', 3000)
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from scipy.integrate import trapezoid

from ..errors import FileFormatError, LCAError
from ..model.frozen import FrozenDict
from ..model.hourly import split_by_hour
from ..model.uncertainty import Uncertainty
from ..units import conversion_factor, parse_unit, ureg
from .resources import locate, shipped
from .tables import check_keys, csv_number, data_name, parse_csv_table, read_text_file, string, validate_uncertainty

# A tracker log is a few kB to a few MB (nvidia-smi at 1 Hz on 8 GPUs for a week: ~60 MB);
# a larger file is more likely a wrong path than a log, and would be read whole.
MAX_LOG_BYTES = 256 * 2**20
J_PER_KWH = 3.6e6
# nvidia-smi series: a pause longer than both of these is not integrated over (see _check_gaps)
GAP_STEPS, GAP_SECONDS = 10, 60.0
MJ_PER_J = 1e3  # DCGM's energy counter is in millijoules
ACCURACY_TABLE = "lca:energy_logs/sensor_accuracy.csv"
ENERGY_LOG_KEYS = {"parameter", "files", "uncertainty", "comment"}
_MISSING = {"", "n/a", "[n/a]", "[not supported]", "not supported", "[unknown error]", "nan", "none"}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_SMI_POWER = ("power.draw", "power.draw.average", "power.draw.instant")
_SMI_GPU_KEYS = ("uuid", "pci.bus_id", "index")
_SMI_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S")
_ZEUS_GPU = re.compile(r"^gpu(\d+)_energy$")
_DCGM_ENERGY, _DCGM_POWER = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_POWER_USAGE"
_DCGM_GPU_KEYS = ("UUID", "uuid", "gpu", "GPU", "device", "entity")
_DMON_FIELDS = {"POWER": _DCGM_POWER, "TOTEC": _DCGM_ENERGY}  # dcgmi dmon's short names (fields 155, 156)
_CARBONTRACKER_OUTPUT, _CARBONTRACKER_STD = "_carbontracker_output.log", "_carbontracker.log"
_CARBONTRACKER_PUE = re.compile(r"PUE\s+coefficient\s+of\s+([0-9]*\.?[0-9]+)")
_CODECARBON_REQUIRED = ("run_id", "duration", "cpu_energy", "gpu_energy", "ram_energy", "energy_consumed")


@dataclass(frozen=True)
class Measurement:
    """Energy read from one or more logs of one format.

    ``kwh`` is the IT energy (the tracker's PUE divided out); ``by_sensor`` splits it by the
    sensor (row of the accuracy table) that measured or estimated it; ``sd_kwh`` is its standard
    uncertainty; ``records`` the runs, windows or GPUs counted; ``duration_s`` the longest of them.
    """

    format: str
    files: tuple[str, ...]
    kwh: float
    by_sensor: Mapping[str, float]
    sd_kwh: float
    duration_s: float
    records: int

    @property
    def gsd(self) -> float:
        """Geometric standard deviation of a lognormal with the relative uncertainty sd/kWh."""
        return math.exp(self.sd_kwh / self.kwh)


@dataclass(frozen=True)
class EnergyLogSpec:
    """A study's ``[energy_log]`` table: the parameter the measurement sets, default log files
    (relative to the study file) and an optional uncertainty replacing the sensors' one."""

    parameter: str
    files: tuple[Path, ...]
    uncertainty: Uncertainty | None
    where: str


def read_energy_logs(paths: Sequence[str | Path]) -> Measurement:
    """Read tracker logs of one format and return their total measured energy.

    Parameters
    ----------
    paths
        CodeCarbon ``emissions.csv`` files, Zeus, nvidia-smi or DCGM logs, or carbontracker
        output logs (one format).

    Returns
    -------
    Measurement
        kWh of IT energy with its standard uncertainty.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "zeus.csv"
    >>> _ = log.write_text("start_time,window_name,elapsed_time,gpu0_energy,gpu1_energy\\n"
    ...                    "1767607200.0,train,3600.0,1800000.0,1800000.0\\n")
    >>> read_energy_logs([log]).kwh      # 3.6 MJ
    1.0
    """
    if not paths:
        raise FileFormatError("energy log: no file given")
    tables = [_read_table(Path(p)) for p in paths]
    formats = {t.format for t in tables}
    if len(formats) > 1:
        named = ", ".join(f"{t.where} ({t.format})" for t in tables)
        raise FileFormatError(f"energy logs of different formats: {named}; give the logs of one tracker "
                              "(two trackers of the same run would count its energy twice)")
    reader = {"codecarbon": _codecarbon, "zeus": _zeus, "nvidia-smi": _nvidia_smi, "dcgm": _dcgm,
              "carbontracker": _carbontracker}[tables[0].format]
    return reader(tables)


def hourly_energy(paths: Sequence[str | Path], log_timezone: tzinfo | None = None) -> dict[datetime, float]:
    """The IT energy of CodeCarbon logs by UTC hour: the load profile of a job.

    Each run's energy (``energy_consumed / pue``) is spread evenly over its ``duration`` before
    its ``timestamp`` (the run's end). CodeCarbon writes local time with no zone: naive
    timestamps are read in *log_timezone*, and are an error without it.

    Parameters
    ----------
    paths : sequence of str or pathlib.Path
        CodeCarbon ``emissions.csv`` files (already checked by :func:`read_energy_logs`).
    log_timezone : datetime.tzinfo, optional
        The zone of naive timestamps (``zoneinfo.ZoneInfo("Europe/Paris")``).

    Returns
    -------
    dict of datetime to float
        kWh by UTC hour start.

    Raises
    ------
    FileFormatError
        If a log is not CodeCarbon's, or a timestamp is unreadable or has no zone and none is given.

    Examples
    --------
    >>> import pathlib, tempfile, datetime
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "emissions.csv"
    >>> _ = log.write_text("timestamp,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed\\n"
    ...                    "2026-03-02T12:00:00,r1,7200,0.5,2.5,0,3\\n")
    >>> profile = hourly_energy([log], datetime.timezone.utc)
    >>> [(f"{h:%H}", kwh) for h, kwh in profile.items()]
    [('10', 1.5), ('11', 1.5)]
    """
    profile: dict[datetime, float] = {}
    seen: set[str] = set()
    for table in (_read_table(Path(p)) for p in paths):
        if table.format != "codecarbon":
            raise FileFormatError(f"{table.where}: an hourly load needs the timestamps of a CodeCarbon emissions.csv; "
                                  f"this is a {table.format} log")
        _require(table, ("timestamp",) + _CODECARBON_REQUIRED, "a CodeCarbon emissions.csv with timestamps")
        for line, row in table.rows:
            where = f"{table.where}: line {line}"
            run = f"{row['run_id']}/{row.get('task_name', '')}"
            if run in seen:  # a repeated run counts once (read_energy_logs checked it is the same)
                continue
            seen.add(run)
            try:
                end = datetime.fromisoformat(row["timestamp"])
            except ValueError:
                raise FileFormatError(f"{where}: timestamp {row['timestamp']!r} is not CodeCarbon's "
                                      "YYYY-MM-DDTHH:MM:SS") from None
            if end.tzinfo is None:
                if log_timezone is None:
                    raise FileFormatError(f"{where}: timestamp {row['timestamp']!r} has no time zone (CodeCarbon writes "
                                          "the machine's local time) and the grid profile is in UTC: give the "
                                          "log's zone with --log-timezone (e.g. UTC, Europe/Paris)")
                end = end.replace(tzinfo=log_timezone)
            pue = csv_number(row["pue"], where, "pue") if row.get("pue") else 1.0
            kwh = csv_number(row["energy_consumed"], where, "energy_consumed") / pue
            start = end - timedelta(seconds=csv_number(row["duration"], where, "duration"))
            for hour, share in split_by_hour(start, end, kwh).items():
                profile[hour] = profile.get(hour, 0.0) + share
    return dict(sorted(profile.items()))


# -- reading the files ------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    where: str
    format: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (line number, cells by column)
    text: str = ""  # the whole log, for formats that are not tables (carbontracker)


def _read_table(path: Path) -> _Table:
    where = data_name(path)
    text = read_text_file(path, where, "energy log", MAX_LOG_BYTES,
                          "is this an energy log? (split it, or sum it with the tracker first)")
    if path.name.endswith((_CARBONTRACKER_OUTPUT, _CARBONTRACKER_STD)):
        return _carbontracker_table(path, where, text)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith("#") and "entity" in first.lower():
        return _dmon_table(where, text)
    table = parse_csv_table(text, where, "energy log")
    fmt = _detect(table.header, where)
    rows = [(number, dict(zip(table.header, cells))) for number, cells in table.rows]
    return _Table(where, fmt, table.header, tuple(rows))


def _detect(header: tuple[str, ...], where: str) -> str:
    names = set(header)
    if "energy_consumed" in names or ("run_id" in names and "gpu_energy" in names):
        return "codecarbon"
    if "window_name" in names or any(_ZEUS_GPU.match(h) for h in header):
        return "zeus"
    if "timestamp" in names and any(_smi_name(h)[0] in _SMI_POWER for h in header):
        return "nvidia-smi"
    if _DCGM_ENERGY in names or _DCGM_POWER in names:
        return "dcgm"
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise FileFormatError(f"{where}: line 1: not a known energy log (header: {shown}); lca reads CodeCarbon "
                          "emissions.csv, Zeus CSV logs, nvidia-smi --query-gpu=timestamp,power.draw,... "
                          "--format=csv logs, DCGM exporter CSV or dcgmi dmon output, and carbontracker "
                          "*_carbontracker_output.log files")


def _require(table: _Table, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.header]
    if missing:
        raise FileFormatError(f"{table.where}: line 1: {what} without column(s) {', '.join(missing)}")




def _keep_once(seen: dict, key: Any, value: Any, where: str, what: str, hint: str) -> bool:
    """Record *value* under *key*, once: the same record again (a file given twice, a row
    copied into another rank's file) is dropped; the same key with other numbers is an error."""
    if key not in seen:
        seen[key] = (value, where)
        return True
    if seen[key][0] != value:
        raise FileFormatError(f"{where}: {what} is also at {seen[key][1]} with other numbers; {hint}")
    return False


# -- CodeCarbon -------------------------------------------------------------------------


def _codecarbon(tables: Sequence[_Table]) -> Measurement:
    runs: dict[str, tuple[tuple[float, ...], str]] = {}
    for table in tables:
        _require(table, _CODECARBON_REQUIRED, "a CodeCarbon emissions.csv")
        for line, row in table.rows:
            where = f"{table.where}: line {line}"
            run_id = row["run_id"]
            if not run_id:
                raise FileFormatError(f"{where}: empty run_id")
            where = f"{where} (run_id {run_id})"
            if row.get("task_name"):  # per-task files: one row per task of a run
                run_id, where = f"{run_id}/{row['task_name']}", f"{where[:-1]}, task {row['task_name']})"
            values = tuple(csv_number(row[c], where, c) for c in _CODECARBON_REQUIRED[1:])
            duration, cpu, gpu, ram, total = values
            pue = csv_number(row["pue"], where, "pue") if row.get("pue") else 1.0
            if pue < 1:
                raise FileFormatError(f"{where}: pue {pue:g} is below 1 (facility energy cannot be less than IT energy)")
            gpus = csv_number(row["gpu_count"], where, "gpu_count") if row.get("gpu_count", "").lower() not in _MISSING \
                else 0.0
            if gpus > 0 and gpu == 0:
                raise FileFormatError(f"{where}: gpu_count {gpus:g} but gpu_energy 0: the GPUs were not metered "
                                      "(no NVML energy counter); their energy is missing from this run")
            if total == 0:
                raise FileFormatError(f"{where}: energy_consumed is 0: the run recorded no energy")
            if not math.isclose(cpu + gpu + ram, total, rel_tol=1e-6, abs_tol=1e-12):
                raise FileFormatError(f"{where}: energy_consumed {total:g} kWh is not cpu_energy + gpu_energy + "
                                      f"ram_energy = {cpu + gpu + ram:g} kWh")
            _keep_once(runs, run_id, values + (pue,), where, f"run_id {run_id}",
                       "keep one row per run (the last flush of a run holds its total)")
    by_sensor = {"nvml_gpu": 0.0, "codecarbon_cpu": 0.0, "codecarbon_ram": 0.0}
    duration = 0.0
    for (seconds, cpu, gpu, ram, _total, pue), _where in runs.values():
        by_sensor["codecarbon_cpu"] += cpu / pue
        by_sensor["nvml_gpu"] += gpu / pue
        by_sensor["codecarbon_ram"] += ram / pue
        duration = max(duration, seconds)
    return _measurement("codecarbon", tables, by_sensor, {}, duration, len(runs))


# -- Zeus -------------------------------------------------------------------------------


def _zeus(tables: Sequence[_Table]) -> Measurement:
    windows: dict[tuple[str, str], tuple[tuple[float, ...], str]] = {}
    duration = 0.0
    for table in tables:
        _require(table, ("start_time", "window_name", "elapsed_time"), "a Zeus log")
        gpus = [h for h in table.header if _ZEUS_GPU.match(h)]
        others = [h for h in table.header if h.endswith("_energy") and h not in gpus]
        if not gpus:
            raise FileFormatError(f"{table.where}: line 1: a Zeus log without gpu<i>_energy columns")
        if others:
            raise FileFormatError(f"{table.where}: line 1: column(s) {', '.join(others)}: lca reads the GPU energy "
                                  "of Zeus logs (gpu<i>_energy, J)")
        spans = []
        for line, row in table.rows:
            where = f"{table.where}: line {line}"
            start = _zeus_time(row["start_time"], where)
            elapsed = csv_number(row["elapsed_time"], where, "elapsed_time")
            energy = tuple(csv_number(row[g], where, g) for g in gpus)
            key = (row["window_name"], row["start_time"])
            if _keep_once(windows, key, energy + (elapsed,), where, f"window {key[0]!r} starting {key[1]}",
                          "one window, one row"):
                spans.append((start, start + elapsed, where, row["window_name"]))
            duration = max(duration, elapsed)
        spans.sort()
        for (_s0, end0, where0, name0), (start1, _e1, where1, name1) in zip(spans, spans[1:]):
            if start1 < end0:
                raise FileFormatError(f"{where1}: window {name1!r} overlaps window {name0!r} ({where0}); "
                                      "nested Zeus windows would count the same energy twice: keep windows "
                                      "that do not overlap (one file per machine)")
    joules = math.fsum(sum(values[:-1]) for values, _where in windows.values())
    return _measurement("zeus", tables, {"nvml_gpu": joules / J_PER_KWH}, {}, duration, len(windows))


def _zeus_time(text: str, where: str) -> float:
    try:
        return csv_number(text, where, "start_time")
    except FileFormatError:
        try:
            return datetime.fromisoformat(text).timestamp()
        except ValueError:
            raise FileFormatError(f"{where}: start_time {text!r} is neither seconds nor an ISO time") from None


# -- nvidia-smi -------------------------------------------------------------------------


def _smi_name(column: str) -> tuple[str, str | None]:
    """``"power.draw [W]"`` -> ``("power.draw", "W")``."""
    match = re.match(r"^(.*?)\s*\[(.*)\]$", column)
    return (match.group(1), match.group(2)) if match else (column, None)


def _nvidia_smi(tables: Sequence[_Table]) -> Measurement:
    samples: dict[str, dict[datetime, tuple[float, str]]] = {}
    unread: dict[str, str] = {}  # GPU -> first [N/A] reading
    for table in tables:
        names = {_smi_name(h)[0]: h for h in table.header}
        power_column = next(names[p] for p in _SMI_POWER if p in names)
        header_unit = _smi_name(power_column)[1]
        to_watt = _power_factor(header_unit, f"{table.where}: line 1: {power_column}") if header_unit else 1.0
        gpu_column = next((names[k] for k in _SMI_GPU_KEYS if k in names), None)
        for line, row in table.rows:
            where = f"{table.where}: line {line}"
            when = _smi_time(row[names["timestamp"]], where)
            watts = _smi_power(row[power_column], where, power_column, to_watt)
            gpu = row[gpu_column] if gpu_column else "0"
            if not gpu:
                raise FileFormatError(f"{where}: empty {gpu_column}")
            series = samples.setdefault(gpu, {})
            if watts is None:  # [N/A]: no reading; the trapezoid spans the gap
                unread.setdefault(gpu, where)
                continue
            _keep_once(series, when, watts, where, f"GPU {gpu} at {when}",
                       "two machines' logs? add uuid to --query-gpu to tell their GPUs apart")
    joules, seconds = {}, {}
    for gpu, series in samples.items():
        if not series:
            raise FileFormatError(f"{unread[gpu]}: GPU {gpu} has no power reading (every power.draw is [N/A]): "
                                  "its energy cannot be measured")
        joules[gpu], seconds[gpu] = _integrate(gpu, series)
    return _measurement("nvidia-smi", tables, {"nvidia_smi_power": math.fsum(joules.values()) / J_PER_KWH},
                        {"nvidia_smi_power": math.fsum(seconds.values())}, max(seconds.values()), len(samples))


def _integrate(gpu: str, series: Mapping[datetime, tuple[float, str]]) -> tuple[float, float]:
    """Joules and seconds of one GPU's power readings (W by time, with where each was read)."""
    if len(series) < 2:
        (only,) = series.values()
        raise FileFormatError(f"{only[1]}: GPU {gpu} has one power reading; energy needs two or more over time")
    times = sorted(series)
    t = [(x - times[0]).total_seconds() for x in times]
    _check_gaps(gpu, t, [series[x][1] for x in times])
    return float(trapezoid([series[x][0] for x in times], t)), t[-1]


def _check_gaps(gpu: str, t: Sequence[float], wheres: Sequence[str]) -> None:
    """A gap far longer than the sampling interval is two runs (or two machines' GPUs with the
    same index) in one series: the trapezoid would bridge it with energy never measured."""
    steps = [b - a for a, b in zip(t, t[1:])]
    usual = sorted(steps)[(len(steps) - 1) // 2]  # the lower median: one gap in three readings shows
    for k, step in enumerate(steps):
        if step > max(GAP_STEPS * usual, GAP_SECONDS):
            raise FileFormatError(f"{wheres[k + 1]}: GPU {gpu}: no reading for {step:g} s since {wheres[k]} "
                                  f"(readings are {usual:g} s apart): logs of separate runs or machines? add uuid "
                                  "to --query-gpu to tell GPUs apart, or give each run on its own")


def _power_factor(unit_text: str, where: str) -> float:
    try:
        unit = parse_unit(unit_text, where)
    except LCAError as exc:
        raise FileFormatError(str(exc)) from None
    if unit.dimensionality != ureg.W.dimensionality:
        raise FileFormatError(f"{where}: unit {unit_text!r} is not a power")
    return conversion_factor(unit, parse_unit("W"))


def _smi_power(text: str, where: str, column: str, to_watt: float) -> float | None:
    if text.lower() in _MISSING:
        return None
    match = _NUMBER.match(text)
    if not match:
        raise FileFormatError(f"{where}: {column} {text!r} is not a power reading")
    factor = _power_factor(match.group(2), f"{where}: {column}") if match.group(2) else to_watt
    return csv_number(match.group(1), where, column) * factor


def _smi_time(text: str, where: str) -> datetime:
    for pattern in _SMI_TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise FileFormatError(f"{where}: timestamp {text!r} is not nvidia-smi's YYYY/MM/DD HH:MM:SS.fff")


# -- DCGM -------------------------------------------------------------------------------


def _dmon_table(where: str, text: str) -> _Table:
    """``dcgmi dmon`` output as a table: the ``#Entity`` header's fields, one row per reading."""
    header: tuple[str, ...] = ()
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split()
        if not cells:
            continue
        if cells[0].startswith("#"):  # dmon repeats its header every screenful
            tokens = line.strip().lstrip("#").split()
            if not tokens or tokens[0].lower() != "entity":
                continue
            fields = tuple(tokens[1:])
            if header and fields != header:
                raise FileFormatError(f"{where}: line {number}: the fields changed from {' '.join(header)} to "
                                      f"{' '.join(fields)} (two dmon runs in one file?)")
            header = fields
            continue
        if cells[0] == "ID":  # the units line under the header
            continue
        if not header:
            raise FileFormatError(f"{where}: line {number}: a reading before dmon's #Entity header")
        entity, values = " ".join(cells[:2]), cells[2:]
        if len(values) != len(header):
            raise FileFormatError(f"{where}: line {number}: {len(values)} values after {entity!r}, the header has "
                                  f"{len(header)} fields ({' '.join(header)})")
        rows.append((number, {"gpu": entity, **{_DMON_FIELDS.get(h, h): v for h, v in zip(header, values)}}))
    if _DCGM_ENERGY not in {_DMON_FIELDS.get(h, h) for h in header}:
        raise FileFormatError(f"{where}: line 1: dcgmi dmon output without TOTEC (field 156, the energy counter): "
                              "dmon writes no timestamps, so POWER alone cannot be integrated; run "
                              "dcgmi dmon -e 155,156")
    if not rows:
        raise FileFormatError(f"{where}: the energy log has a header but no rows")
    return _Table(where, "dcgm", ("gpu",) + tuple(_DMON_FIELDS.get(h, h) for h in header), tuple(rows))


def _dcgm(tables: Sequence[_Table]) -> Measurement:
    counters: dict[str, list[tuple[float, float, str]]] = {}
    samples: dict[str, dict[datetime, tuple[float, str]]] = {}
    for table in tables:
        names = set(table.header)
        gpu_column = next((k for k in _DCGM_GPU_KEYS if k in names), None)
        if gpu_column is None:
            raise FileFormatError(f"{table.where}: line 1: a DCGM log without a GPU column ({', '.join(_DCGM_GPU_KEYS)})")
        energy = _DCGM_ENERGY in names
        if not energy and "timestamp" not in names:
            raise FileFormatError(f"{table.where}: line 1: DCGM power readings without a timestamp column cannot be "
                                  "integrated; add timestamps or the energy counter DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")
        for order, (line, row) in enumerate(table.rows):
            where = f"{table.where}: line {line}"
            gpu = row[gpu_column]
            if not gpu:
                raise FileFormatError(f"{where}: empty {gpu_column}")
            if row.get("Hostname"):  # the exporter of each node numbers its GPUs from 0
                gpu = f"{row['Hostname']}/{gpu}"
            when = _dcgm_time(row["timestamp"], where) if "timestamp" in names else None
            column = _DCGM_ENERGY if energy else _DCGM_POWER
            if row[column].lower() in _MISSING:
                continue
            value = csv_number(row[column], where, column)
            if energy:
                # dmon has no timestamps: its lines are in time order
                key = when.timestamp() if when is not None else float(order)
                counters.setdefault(gpu, []).append((key, value, where))
            else:
                _keep_once(samples.setdefault(gpu, {}), when, value, where, f"GPU {gpu} at {when}",
                           "two nodes' logs? keep the Hostname column to tell their GPUs apart")
    if counters:
        joules = {gpu: _counter_joules(gpu, readings) for gpu, readings in counters.items()}
        timed = all("timestamp" in t.header for t in tables)
        span = max(max(r[0] for r in rs) - min(r[0] for r in rs) for rs in counters.values()) if timed else 0.0
        return _measurement("dcgm", tables, {"nvml_gpu": math.fsum(joules.values()) / J_PER_KWH}, {},
                            span, len(joules))
    joules, seconds = {}, {}
    for gpu, series in samples.items():
        joules[gpu], seconds[gpu] = _integrate(gpu, series)
    if not joules:
        raise FileFormatError(f"{', '.join(t.where for t in tables)}: every DCGM reading is missing")
    return _measurement("dcgm", tables, {"nvidia_smi_power": math.fsum(joules.values()) / J_PER_KWH},
                        {"nvidia_smi_power": math.fsum(seconds.values())}, max(seconds.values()), len(joules))


def _counter_joules(gpu: str, readings: list[tuple[float, float, str]]) -> float:
    """Energy of one GPU from its cumulative counter (mJ): the sum of its increases; after a
    drop (the driver reloaded, the node rebooted) the counter restarts from zero."""
    readings = sorted(readings, key=lambda r: r[0])
    if len(readings) < 2:
        raise FileFormatError(f"{readings[0][2]}: GPU {gpu} has one energy counter reading; energy needs two or more")
    millijoules = 0.0
    for (_t0, before, _w0), (_t1, after, _w1) in zip(readings, readings[1:]):
        millijoules += after - before if after >= before else after
    return millijoules / MJ_PER_J


def _dcgm_time(text: str, where: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)  # Prometheus: Unix seconds
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FileFormatError(f"{where}: timestamp {text!r} is neither Unix seconds nor an ISO time") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# -- carbontracker ----------------------------------------------------------------------


def _carbontracker_table(path: Path, where: str, text: str) -> _Table:
    """A carbontracker run: its output log (the consumption) and standard log (the PUE)."""
    if path.name.endswith(_CARBONTRACKER_OUTPUT):
        output, standard = path, path.with_name(path.name[:-len(_CARBONTRACKER_OUTPUT)] + _CARBONTRACKER_STD)
    else:
        standard, output = path, path.with_name(path.name[:-len(_CARBONTRACKER_STD)] + _CARBONTRACKER_OUTPUT)
    other = output if path == standard else standard
    if not other.is_file():
        raise FileFormatError(f"{where}: carbontracker writes two logs per run; {other.name} is not beside it "
                              "(the output log has the energy, the standard log the PUE it applied)")
    other_text = read_text_file(other, data_name(other), "energy log", MAX_LOG_BYTES, "is this a carbontracker log?")
    output_text, standard_text = (text, other_text) if path == output else (other_text, text)
    return _Table(data_name(output), "carbontracker", (), ((1, {"standard": data_name(standard)}),),
                  output_text + "\0" + standard_text)


def _carbontracker(tables: Sequence[_Table]) -> Measurement:
    try:
        from carbontracker.parser import get_consumption
    except ImportError:
        raise FileFormatError(f"{tables[0].where}: reading carbontracker logs needs carbontracker's parser: "
                              'pip install "lca[carbontracker]"') from None
    runs: dict[str, tuple[float, float]] = {}
    for table in tables:
        output_text, standard_text = table.text.split("\0", 1)
        actual, _predicted = get_consumption(output_text)
        if actual is None or actual.get("energy (kWh)") is None:
            raise FileFormatError(f"{table.where}: no 'Actual consumption' record with an energy in kWh "
                                  "(carbontracker writes it when training ends or is stopped; its predicted "
                                  "consumption is not a measurement)")
        pue = _CARBONTRACKER_PUE.search(standard_text)
        if pue is None:
            raise FileFormatError(f"{table.rows[0][1]['standard']}: no 'PUE coefficient of ...' line: the PUE "
                                  "carbontracker multiplied into its energy cannot be divided out")
        factor = csv_number(pue.group(1), table.rows[0][1]["standard"], "PUE coefficient")
        if factor < 1:
            raise FileFormatError(f"{table.rows[0][1]['standard']}: PUE coefficient {factor:g} is below 1")
        kwh = csv_number(str(actual["energy (kWh)"]), table.where, "Energy (kWh)")
        runs[table.where] = (kwh / factor, float(actual.get("duration (s)") or 0.0))
    return _measurement("carbontracker", tables, {"carbontracker": math.fsum(k for k, _ in runs.values())}, {},
                        max(d for _, d in runs.values()), len(runs))


# -- uncertainty and binding ------------------------------------------------------------


@lru_cache(maxsize=None)
def sensor_accuracy() -> Mapping[str, tuple[float, str]]:
    """Standard uncertainty of each sensor: (value, unit) with unit ``"%"`` (of the energy) or
    ``"W"`` (per GPU over its log's span), from ``lca:energy_logs/sensor_accuracy.csv``.

    >>> sensor_accuracy()["nvml_gpu"]
    (2.886751345948129, '%')
    """
    path = shipped(ACCURACY_TABLE)
    out = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["distribution"] != "uniform" or row["bound_unit"] not in ("%", "W"):
                raise FileFormatError(f"{ACCURACY_TABLE}: {row['sensor']}: expected a uniform bound in % or W")
            out[row["sensor"]] = (float(row["bound"]) / math.sqrt(3), row["bound_unit"])
    return FrozenDict(out)


def _measurement(fmt: str, tables: Sequence[_Table], by_sensor: Mapping[str, float],
                 seconds: Mapping[str, float], duration: float, records: int) -> Measurement:
    kwh = math.fsum(by_sensor.values())
    files = tuple(dict.fromkeys(t.where for t in tables))
    if kwh <= 0:
        raise FileFormatError(f"{', '.join(files)}: the energy log(s) record no energy")
    accuracy = sensor_accuracy()
    # one sensor's errors share a sign (one calibration); different sensors are independent
    parts = []
    for sensor, energy in by_sensor.items():
        value, unit = accuracy[sensor]
        parts.append(value / 100 * energy if unit == "%" else value * seconds[sensor] / J_PER_KWH)
    return Measurement(fmt, files, kwh,
                       FrozenDict({k: v for k, v in by_sensor.items() if v}), math.hypot(*parts),
                       duration, records)


def parse_energy_log(table: Any, study_folder: Path, where: str) -> EnergyLogSpec:
    """Read a study's ``[energy_log]`` table (``parameter``, ``files``, ``uncertainty``).

    >>> parse_energy_log({"parameter": "it_energy", "files": ["emissions.csv"]}, Path("runs"), "s.toml").files
    (PosixPath('runs/emissions.csv'),)
    """
    where = f"{where}: energy_log"
    check_keys(table, ENERGY_LOG_KEYS, where)
    parameter = string(table, "parameter", where, required=True)
    files = table.get("files", [])
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise FileFormatError(f"{where}.files: must be a list of log file paths (relative to the study file)")
    uncertainty = table.get("uncertainty")
    if uncertainty is not None:
        uncertainty = validate_uncertainty(uncertainty, 1.0, "kWh", f"{where}.uncertainty")
        if not uncertainty.relative:
            raise FileFormatError(f"{where}.uncertainty: a measured energy takes a relative uncertainty "
                                  "(distribution = \"lognormal\" with gsd or sigma, a pedigree, or \"fixed\")")
    return EnergyLogSpec(parameter, tuple(locate(f, study_folder) for f in files), uncertainty, where)


def measured_override(spec: EnergyLogSpec, measurement: Measurement) -> dict[str, Any]:
    """The parameter override that binds *measurement* to ``spec.parameter``: its kWh, a
    source naming the logs, and the sensors' uncertainty (or the study's)."""
    uncertainty = spec.uncertainty.to_dict() if spec.uncertainty is not None else {
        "distribution": "lognormal", "gsd": measurement.gsd,
        "source": "sensor accuracy (lca:energy_logs/sensor_accuracy.csv)"}
    counted = {"codecarbon": "run(s); CodeCarbon's PUE divided out", "zeus": "window(s)",
               "nvidia-smi": "GPU(s); power integrated over time", "dcgm": "GPU(s)",
               "carbontracker": "run(s); carbontracker's PUE divided out"}[measurement.format]
    return {
        "value": measurement.kwh, "unit": "kWh", "uncertainty": uncertainty,
        "source": f"measured: {measurement.format} log {', '.join(measurement.files)} "
                  f"({measurement.records} {counted})",
    }

