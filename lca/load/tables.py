"""Reading TOML tables: files, keys, ids, numbers and uncertainty tables, with errors that
name the file, the key and what is wrong. Shared by the loaders of models, studies and
allocation specs.

>>> check_keys({"unit": "kg"}, {"unit", "name"}, "flows.co2")
{'unit': 'kg'}
"""

from __future__ import annotations

import csv
import gc
import io
import math
import os
import re
import stat
import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import pint

try:  # the optional extra lca[fast]: a compiled TOML parser (rtoml, Rust's toml crate), 5x tomllib's speed
    import rtoml
except ImportError:
    rtoml = None

from ..errors import FileFormatError, LCAError, ParameterError, UnitError
from ..model.records import Bounds
from ..model.uncertainty import Uncertainty
from ..units import parse_unit
from .distributions import parse_uncertainty
from .resources import FOLDERS, PREFIX, data_folder

ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
PARAMETER_KEYS = {"value", "formula", "unit", "options", "source", "uncertainty", "description", "comment",
                  "min", "max", "above", "below"}
BOUND_KEYS = {"min": "minimum", "max": "maximum", "above": "above", "below": "below"}


def fail(cls: type[LCAError], where: str, message: str) -> LCAError:
    """The error *cls* at *where* (``"file: item: message"``), with its ``file`` and ``item`` fields set.

    Parameters
    ----------
    cls : type of LCAError
        The error class.
    where : str
        The file and item.
    message : str
        What is wrong.

    Returns
    -------
    LCAError
        The error, to raise.

    Examples
    --------
    >>> from lca.errors import FileFormatError
    >>> str(fail(FileFormatError, "study.toml: demand.x", "no process makes 'x'"))
    "study.toml: demand.x: no process makes 'x'"
    """

    return cls.at(where, message)


def check_keys(table: Any, allowed: set[str], where: str) -> dict:
    """A TOML table whose keys are all in *allowed*.

    Parameters
    ----------
    table : object
        The value read from the file.
    allowed : set of str
        The keys the table may have.
    where : str
        The file and item, for the message.

    Returns
    -------
    dict
        *table*.

    Raises
    ------
    FileFormatError
        If *table* is not a table or has a key not allowed (naming the allowed ones).

    Examples
    --------
    >>> check_keys({"unit": "kg"}, {"unit", "name"}, "flows.co2")
    {'unit': 'kg'}
    >>> check_keys({"units": "kg"}, {"unit", "name"}, "flows.co2")
    Traceback (most recent call last):
    lca.errors.FileFormatError: flows.co2: unknown key(s) 'units' (allowed: name, unit)
    """

    if not isinstance(table, dict):
        raise fail(FileFormatError, where, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise fail(FileFormatError, where, f"unknown key(s) {', '.join(map(repr, unknown))} "
                    f"(allowed: {', '.join(sorted(allowed))})")
    return table


def check_id(identifier: str, where: str) -> str:
    """An identifier, checked against :data:`ID_PATTERN` (lower-case letters, digits and ``_``).

    Parameters
    ----------
    identifier : str
        The id (a table key).
    where : str
        The file and item, for the message.

    Returns
    -------
    str
        *identifier*.

    Raises
    ------
    FileFormatError
        If it does not match.

    Examples
    --------
    >>> check_id("gpu_h100", "products")
    'gpu_h100'
    >>> check_id("GPU-H100", "products")
    Traceback (most recent call last):
    lca.errors.FileFormatError: products: id 'GPU-H100' must match ^[a-z0-9_]+$
    """

    if not isinstance(identifier, str) or not ID_PATTERN.match(identifier):
        raise fail(FileFormatError, where, f"id {identifier!r} must match {ID_PATTERN.pattern}")
    return identifier


def string(table: dict, key: str, where: str, required: bool = False) -> str | None:
    """The text value of *key* in a table, or None when it is absent and not *required*.

    Parameters
    ----------
    table : dict
        A TOML table.
    key : str
        The key.
    where : str
        The file and item, for the message.
    required : bool, optional
        Whether the key must be present.

    Returns
    -------
    str or None
        The value.

    Raises
    ------
    FileFormatError
        If the value is not a string, or a required key is missing.

    Examples
    --------
    >>> string({"name": "GPT-3"}, "name", "study"), string({}, "goal", "study")
    ('GPT-3', None)
    >>> string({}, "name", "study", required=True)
    Traceback (most recent call last):
    lca.errors.FileFormatError: study: missing required key 'name'
    """

    value = table.get(key)
    if value is None:
        if required:
            raise fail(FileFormatError, where, f"missing required key {key!r}")
        return None
    if not isinstance(value, str):
        raise fail(FileFormatError, where, f"{key!r} must be a string, got {value!r}")
    return value


def data_name(path: Path) -> str:
    """A data file as messages and sources name it: ``lca:FOLDER/...`` for a shipped file, else
    :func:`display_path`.

    >>> from lca.load.resources import shipped
    >>> data_name(shipped("lca:scenarios/logs/codecarbon_emissions.csv"))
    'lca:scenarios/logs/codecarbon_emissions.csv'
    """
    absolute = Path(os.path.abspath(path))  # not resolve(): an installed data file may be a link
    for folder in FOLDERS:
        root = Path(os.path.abspath(data_folder(folder)))
        if absolute.is_relative_to(root):
            return f"{PREFIX}{folder}/{absolute.relative_to(root).as_posix()}"
    return display_path(path)


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it.

    Parameters
    ----------
    path : pathlib.Path
        Any path.

    Returns
    -------
    str
        The relative path, or the path as given when it lies outside the working directory.

    Examples
    --------
    >>> from pathlib import Path
    >>> display_path(Path.cwd() / "study.toml")
    'study.toml'
    """
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_text_file(path: Path, where: str, what: str, max_bytes: int, too_large: str) -> str:
    """The UTF-8 text of a CSV input (an energy log, a grid profile), or one clear error naming *where*.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    where : str
        How messages name it.
    what : str
        What it should be (``"energy log"``), for messages.
    max_bytes : int
        The largest size read.
    too_large : str
        The question or hint the message for a larger file ends with.

    Returns
    -------
    str
        The text, a BOM removed.

    Raises
    ------
    FileFormatError
        If the file is missing, a folder, unreadable, too large, binary, not UTF-8 or blank.

    Examples
    --------
    >>> from pathlib import Path
    >>> read_text_file(Path("no_such.csv"), "no_such.csv", "grid profile", 1024, "")
    Traceback (most recent call last):
    lca.errors.FileFormatError: no_such.csv: grid profile not found
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FileFormatError(f"{where}: {what} not found") from None
    except IsADirectoryError:
        raise FileFormatError(f"{where}: is a directory, not an {what}" if what[0] in "aeiou"
                              else f"{where}: is a directory, not a {what}") from None
    except OSError as exc:
        raise FileFormatError(f"{where}: cannot read the {what}: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise FileFormatError(f"{where}: larger than {max_bytes // 2**20} MiB; {too_large}")
    if b"\x00" in raw:
        raise FileFormatError(f"{where}: binary data (NUL bytes), not a CSV {what}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileFormatError(f"{where}: line {line}: not UTF-8 text, not a CSV {what}") from None
    if not text.strip():
        raise FileFormatError(f"{where}: empty {what} (no header, no rows)")
    return text


@dataclass(frozen=True)
class CsvTable:
    """A CSV input's header and rows, checked for shape (immutable).

    Attributes
    ----------
    where : str
        How messages name the file.
    header : tuple of str
        The column names, stripped.
    rows : tuple of (int, tuple of str)
        Each non-blank row after the header: its line number in the file and its cells, stripped.

    Examples
    --------
    >>> parse_csv_table("pue, hours\\n1.1, 20\\n\\n1.2, 30\\n", "s.csv", "sweep file").rows
    ((2, ('1.1', '20')), (4, ('1.2', '30')))
    """

    where: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def parse_csv_table(text: str, where: str, what: str) -> CsvTable:
    """Split the text of a CSV input into its header and rows, or one clear error naming the line.

    Every CSV input (energy logs, grid profiles, interchange files) shares these rules: the
    first row is the header and no column name repeats; blank rows are skipped; every other
    row has as many cells as the header; at least one row.

    Parameters
    ----------
    text : str
        The file's text (:func:`read_text_file`).
    where : str
        How messages name the file.
    what : str
        What it should be (``"grid profile"``), for messages.

    Returns
    -------
    CsvTable
        The header and the rows with their line numbers.

    Raises
    ------
    FileFormatError
        If a row is not CSV, a column name repeats, a row has another number of cells than
        the header, or there is no row.

    Examples
    --------
    >>> parse_csv_table("period,E_AAA_NG\\n2016-07-11T01:00:00Z\\n", "week.csv", "interchange file")
    Traceback (most recent call last):
    lca.errors.FileFormatError: week.csv: line 2: 1 cells, the header has 2 columns
    """
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    rows = []
    try:
        header = tuple(cell.strip() for cell in next(reader, []))
        repeated = next((h for h in header if header.count(h) > 1), None)
        if repeated is not None:
            raise FileFormatError(f"{where}: line 1: column {repeated!r} is repeated in the header")
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise FileFormatError(f"{where}: line {reader.line_num}: {len(cells)} cells, the header has "
                                      f"{len(header)} columns")
            rows.append((reader.line_num, tuple(c.strip() for c in cells)))
    except csv.Error as exc:
        raise FileFormatError(f"{where}: line {reader.line_num}: not a CSV row: {exc}") from None
    if not rows:
        raise FileFormatError(f"{where}: the {what} has a header but no rows")
    return CsvTable(where, header, tuple(rows))


def csv_number(text: str, where: str, column: str, negative: bool = False, why_not_negative: str = "") -> float:
    """A CSV cell as a finite number, or one clear error naming the line and the column.

    Parameters
    ----------
    text : str
        The cell.
    where : str
        The file and line, for the message.
    column : str
        The column's name, for the message.
    negative : bool, optional
        Whether a negative number is allowed.
    why_not_negative : str, optional
        Said in parentheses after a refused negative number.

    Returns
    -------
    float
        The number.

    Raises
    ------
    FileFormatError
        If the cell is not a number, not finite, or negative where that is not allowed.

    Examples
    --------
    >>> csv_number("2.5", "log.csv: line 3", "energy_consumed")
    2.5
    >>> csv_number("-1", "log.csv: line 3", "duration")
    Traceback (most recent call last):
    lca.errors.FileFormatError: log.csv: line 3: duration -1 is negative
    """
    try:
        value = float(text)
    except ValueError:
        raise FileFormatError(f"{where}: {column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise FileFormatError(f"{where}: {column} {text!r} is not a finite number")
    if value < 0 and not negative:
        raise FileFormatError(f"{where}: {column} {value:g} is negative"
                              + (f" ({why_not_negative})" if why_not_negative else ""))
    return value


def read_unit(text: Any, where: str) -> pint.Unit:
    """:func:`lca.units.parse_unit` of the unit at *where*; a :class:`UnitError` carries its
    ``file`` and ``item``.

    >>> read_unit("kg CO2-eq", "flows.ghg.unit") == read_unit("kg CO2e", "flows.ghg.unit")
    True
    >>> read_unit("kgg", "a.toml: flows.ghg.unit")
    Traceback (most recent call last):
    lca.errors.UnitError: a.toml: flows.ghg.unit: cannot read unit 'kgg' ('kgg' is not defined in the unit registry)
    """
    try:
        return parse_unit(text, where)
    except UnitError as exc:
        raise exc.located(where)


# Bounds on what one file may cost to read. The largest shipped file (the grid mixes of
# inventories/electricity.toml) is 1.6 MB; 16 MiB leaves ten times that room while keeping the
# parse of a hostile file to seconds. Nesting beyond 32 levels is never needed by the format
# (the deepest item, a pedigree list in an exchange's uncertainty, is 6 levels down) and would
# let a file exhaust the stack of every recursive step after the parse.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NESTING = 32


def read_toml(path: Path) -> dict:
    """Read one TOML file.

    Only regular files of at most :data:`MAX_FILE_BYTES` are read (a device such as
    ``/dev/zero`` or a named pipe is refused without blocking), and tables or arrays may nest
    at most :data:`MAX_NESTING` levels.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    dict
        Its tables.

    Raises
    ------
    FileFormatError
        If the file is missing, not a regular file, too large, too deeply nested, unreadable or
        not valid TOML (with the line TOML names); ``file`` is set to *path*.

    Examples
    --------
    >>> from lca.load.resources import shipped
    >>> read_toml(shipped("lca:scenarios/patterson2021_gpt3.toml"))["study"]["functional_unit"]
    'one trained GPT-3 model'
    >>> read_toml(Path("no-such-study.toml"))
    Traceback (most recent call last):
    lca.errors.FileFormatError: no-such-study.toml: file not found
    >>> read_toml(Path("/dev/null"))
    Traceback (most recent call last):
    lca.errors.FileFormatError: /dev/null: not a regular file (a device, pipe or socket); give a TOML file
    """
    shown = shorten(str(path))
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; the check below refuses it.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileFormatError(f"{shown}: file not found", file=str(path)) from None
    except IsADirectoryError:
        raise FileFormatError(f"{shown}: is a directory, not a TOML file", file=str(path)) from None
    except OSError as exc:
        raise FileFormatError(f"{shown}: cannot open ({exc.strerror or exc})", file=str(path)) from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise FileFormatError(f"{shown}: is a directory, not a TOML file", file=str(path))
        if not stat.S_ISREG(status.st_mode):
            raise FileFormatError(f"{shown}: not a regular file (a device, pipe or socket); give a TOML file", file=str(path))
        if status.st_size > MAX_FILE_BYTES:
            raise FileFormatError(f"{shown}: file is {status.st_size / 2**20:.1f} MiB, larger than the "
                                  f"{MAX_FILE_BYTES // 2**20} MiB limit of one input file; split it with 'include'")
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise FileFormatError(f"{shown}: cannot read ({exc.strerror or exc})", file=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew while being read
        raise FileFormatError(f"{shown}: file is larger than the {MAX_FILE_BYTES // 2**20} MiB limit of one input file", file=str(path))
    try:
        data = parse_toml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{shown}: not UTF-8 text: {exc}", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{shown}: invalid TOML: {exc}", file=str(path)) from None
    except RecursionError:
        raise FileFormatError(f"{shown}: tables or arrays nest deeper than {MAX_NESTING} levels", file=str(path)) from None
    if _nesting(data) > MAX_NESTING:
        raise FileFormatError(f"{shown}: tables or arrays nest deeper than {MAX_NESTING} levels", file=str(path))
    return data


def parse_toml(text: str) -> dict:
    r"""TOML text as tables: with rtoml where it is installed (``pip install "lca[fast]"``), else tomllib.

    Both give the same tables for every file ``lca`` ships (tests/load/test_fast_toml.py); text
    that rtoml refuses is parsed again by tomllib, so an error is always tomllib's, with its
    line and column, and its limits (nesting) hold.

    Parameters
    ----------
    text : str
        A TOML document.

    Returns
    -------
    dict
        Its tables.

    Raises
    ------
    tomllib.TOMLDecodeError
        If it is not valid TOML.

    Examples
    --------
    >>> parse_toml('[processes.a]\nunit = "kg"\namount = 1.5')
    {'processes': {'a': {'unit': 'kg', 'amount': 1.5}}}
    >>> parse_toml("x = 1\nx = 2")
    Traceback (most recent call last):
    tomllib.TOMLDecodeError: Cannot overwrite a value (at end of document)
    """
    if rtoml is not None:
        try:
            return rtoml.loads(text)
        except Exception:  # rtoml.TomlParsingError or a limit of its own: tomllib decides, and words the error
            pass
    return tomllib.loads(text)


_pause_lock = threading.Lock()
_pauses = [0, False]  # loads under way, and whether the collector was on before the first


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs (on again after, if it was).

    Loading a big database allocates millions of small objects (tables, records) and frees
    almost none: each full collection then walks the whole growing heap for no garbage (2 of
    the 4.4 s of loading an imported 20,000-process database, benchmarks/RESULTS.md). Reference
    counting still frees everything as before; cycles made meanwhile wait for the next
    collection. Nested and concurrent uses count: the last one out restores the collector.

    Examples
    --------
    >>> import gc
    >>> with collection_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    with _pause_lock:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                _promote_survivors()
                gc.enable()


def _promote_survivors() -> None:
    """Move every object the collector tracks into its oldest generation, unexamined.

    What a paused load allocated (a big database's million records) sits in the youngest
    generation; the first young collections after it would walk all of it, then again in the
    middle generation, for no garbage (0.3 s of an imported 20,000-process database). In the
    oldest generation it waits for the next full collection, as it would after surviving two
    young ones, and any cycle among it is still found there. ``gc.freeze`` moves everything to
    the permanent generation and ``gc.unfreeze`` from there to the oldest one; a program that
    froze objects itself (before a fork) keeps them frozen: then nothing is moved.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def shorten(text: str, limit: int = 200) -> str:
    """A name for a message: a very long one (a path over the OS limit) is cut, not echoed whole.

    >>> shorten("x" * 300, 20)
    'xxxxxxxxxx...xxxxx (300 characters)'
    """
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-(limit // 4):]} ({len(text)} characters)"


def _nesting(data: Any) -> int:
    """Depth of nested tables and arrays, without recursion."""
    # level by level, one list comprehension per level: no (item, level) pair per child and no
    # Python loop per container (an imported 20,000-process database has a million containers);
    # a parsed file holds plain dicts and lists, told apart by their exact type (a set lookup)
    level, items = 0, [data]
    while items and level <= MAX_NESTING:
        level += 1
        items = [child for item in items for child in (item.values() if type(item) is dict else item)
                 if type(child) in _CONTAINERS]
    return level


_CONTAINERS = frozenset({dict, list})


def validate_uncertainty(spec: Any, value: Any, unit_text: str, where: str) -> Uncertainty | None:
    """Parse an uncertainty table (or re-check a parsed one) around the item's *value*.

    The detailed checks (sigma <= 0, min > max, ...) live with the distributions in
    :mod:`lca.load.distributions`; they run here, at load time, so a bad spec names its item.

    Parameters
    ----------
    spec : dict or None
        The ``uncertainty`` table.
    value : float or None
        The item's value in *unit_text*.
    unit_text : str
        The item's unit, as written.
    where : str
        The file and item, for the message.

    Returns
    -------
    Uncertainty or None
        The parsed record (:class:`lca.model.uncertainty.Uncertainty`).

    Raises
    ------
    FileFormatError, DistributionError
        If it is not a table or not a valid distribution around *value*.

    Examples
    --------
    >>> validate_uncertainty({"distribution": "lognormal", "gsd": 1.1}, 5.0, "kg", "x").relative
    True
    """
    if spec is None:
        return None
    if isinstance(spec, Uncertainty):
        spec = spec.to_dict()
    if type(spec) is not dict and not isinstance(spec, Mapping):  # typing.Mapping's check is slow
        raise fail(FileFormatError, where, f"'uncertainty' must be a table, got {spec!r}")
    return parse_uncertainty(spec, value, where)


def named_tables(data: dict, key: str, where: str) -> dict:
    """The ``[key.NAME]`` tables of a file, as a dict (empty when there are none).

    Parameters
    ----------
    data : dict
        The file's TOML.
    key : str
        ``processes``, ``parameters``, ``flows``, ...
    where : str
        The file, for the message.

    Returns
    -------
    dict
        NAME -> table.

    Raises
    ------
    FileFormatError
        If *key* is not a table of tables.

    Examples
    --------
    >>> named_tables({"demand": {"training_run": 1}}, "demand", "study.toml")
    {'training_run': 1}
    >>> named_tables({}, "processes", "study.toml")
    {}
    """

    table = data.get(key, {})
    if not isinstance(table, dict):
        raise fail(FileFormatError, f"{where}: {key}", f"must be a table of named items ([{key}.NAME])")
    return table


def number(value: Any, where: str) -> float:
    """A finite number from a file (not a boolean).

    Parameters
    ----------
    value : object
        The value read.
    where : str
        The file and item, for the message.

    Returns
    -------
    float
        The number.

    Raises
    ------
    FileFormatError
        If it is not a number or not finite.

    Examples
    --------
    >>> number(3, "processes.x.amount")
    3.0
    >>> number(True, "processes.x.amount")
    Traceback (most recent call last):
    lca.errors.FileFormatError: processes.x.amount: expected a number or a formula string, got True
    """

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(FileFormatError, where, f"expected a number or a formula string, got {value!r}")
    if not math.isfinite(value):
        raise fail(FileFormatError, where, f"{value!r} is not a finite number")
    return float(value)


def parse_bounds(table: dict, where: str) -> Bounds | None:
    """The ``min``/``max`` (inclusive) and ``above``/``below`` (strict) keys of a parameter.

    >>> parse_bounds({"value": 1.1, "min": 1}, "parameters.pue")
    Bounds(minimum=1.0, maximum=None, above=None, below=None)
    """
    given = {BOUND_KEYS[key]: number(table[key], f"{where}.{key}") for key in BOUND_KEYS if key in table}
    if not given:
        return None
    low = max((given[k] for k in ("minimum", "above") if k in given), default=-math.inf)
    high = min((given[k] for k in ("maximum", "below") if k in given), default=math.inf)
    if not low <= high or (low == high and ("above" in given or "below" in given)):
        raise fail(ParameterError, where, f"bounds {_shown_bounds(given)} leave no value")
    return Bounds(**given)


def _shown_bounds(given: Mapping[str, float]) -> str:
    keys = {v: k for k, v in BOUND_KEYS.items()}
    return ", ".join(f"{keys[name]} = {value:g}" for name, value in given.items())


def check_bounds(value: float, bounds: Bounds | None, name: str, where: str,
                 uncertainty: Uncertainty | None = None) -> None:
    """A value (and the range of a bounded distribution around it) inside the declared bounds.

    Monte Carlo draws are not clipped: a distribution with a finite range (uniform,
    triangular, pert, discrete values) must lie inside the bounds, checked here; normal and
    lognormal ones are the data's responsibility (docs/file-format.md).
    """
    if bounds is None:
        return
    problem = bounds.violation(value)
    if problem is not None:
        raise fail(ParameterError, where, f"{name!r} {problem}")
    if uncertainty is None:
        return
    ends = [(key, end) for key, end in (("min", uncertainty.minimum), ("max", uncertainty.maximum),
                                        ("mode", uncertainty.mode)) if end is not None]
    ends += [("values", v) for v in uncertainty.values or ()]
    for key, end in ends:
        if bounds.violation(float(end)) is not None:
            declared = {field: getattr(bounds, field) for field in BOUND_KEYS.values() if getattr(bounds, field) is not None}
            raise fail(ParameterError, f"{where}.uncertainty", f"{key} {end:g} is outside the bounds of {name!r} "
                       f"({_shown_bounds(declared)}); Monte Carlo would draw values the parameter may not take")


def choice_uncertainty(spec: Any, options: tuple[str, ...], where: str) -> Uncertainty | None:
    """Parse the uncertainty of a choice parameter: discrete *weights* over its *options*."""
    if spec is None:
        return None
    if isinstance(spec, Uncertainty):
        spec = spec.to_dict()
    if not isinstance(spec, Mapping) or spec.get("distribution") not in ("discrete", "fixed"):
        raise fail(FileFormatError, f"{where}.uncertainty",
                    "a choice parameter takes only { distribution = \"discrete\", weights = [...] }")
    weights = spec.get("weights")
    if weights is not None:
        if (not isinstance(weights, list) or len(weights) != len(options)
                or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0 for w in weights)
                or sum(weights) <= 0):
            raise fail(FileFormatError, f"{where}.uncertainty.weights",
                        f"need {len(options)} non-negative weights (one per option) with a positive sum")
    return Uncertainty(spec["distribution"], weights=None if weights is None else tuple(weights),
                       source=spec.get("source"), comment=spec.get("comment"))
