"""Reading TOML tables: files, keys, ids, numbers and uncertainty tables, with errors that
name the file, the key and what is wrong. Shared by the loaders of models, studies and
allocation specs.

>>> check_keys({"unit": "kg"}, {"unit", "name"}, "flows.co2")
{'unit': 'kg'}
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

import pint

from ..errors import FileFormatError, LCAError, UnitError
from ..model.uncertainty import Uncertainty
from ..units import parse_unit
from .distributions import parse_uncertainty

ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
PARAMETER_KEYS = {"value", "formula", "unit", "options", "source", "uncertainty", "description", "comment"}


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


def read_toml(path: Path) -> dict:
    """Read one TOML file.

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
        If the file is missing, unreadable or not valid TOML (with the line TOML names).

    Examples
    --------
    >>> from lca.load.resources import shipped
    >>> read_toml(shipped("lca:scenarios/patterson2021_gpt3.toml"))["study"]["functional_unit"]
    'one trained GPT-3 model'
    >>> read_toml(Path("no-such-study.toml"))
    Traceback (most recent call last):
    lca.errors.FileFormatError: no-such-study.toml: file not found
    """
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise FileFormatError(f"{path}: file not found", file=str(path)) from None
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a directory, not a TOML file", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{path}: invalid TOML: {exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{path}: not UTF-8 text: {exc}", file=str(path)) from None


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
    if not isinstance(spec, Mapping):
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
