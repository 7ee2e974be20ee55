"""The one unit registry, and parsing of the unit spellings LCA data use.

Units live at the edges: files are parsed and checked here, once; the numeric core works on
plain floats in each dimension's root (SI) unit.

>>> from lca.units import parse_unit, conversion_factor
>>> conversion_factor(parse_unit("Wh"), parse_unit("kWh"))
0.001
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import tokenize
from functools import lru_cache
from pathlib import Path

import pint
from pint.pint_eval import EvalTreeNode, build_eval_tree, tokenizer
from pint.util import string_preprocessor

from .errors import UnitError

# Impact "equivalents" are their own dimensions so that kg CO2-eq can never be added to kg of
# a substance by mistake, while kg CO2-eq/kg CO2-eq (a pre-characterized flow) stays
# dimensionless.
_DEFINITIONS = [
    "CO2_eq = [climate_change_equivalent]",
    "Sb_eq = [antimony_equivalent]",
    "world_eq = [water_scarcity_equivalent]",
    "CTUh = [comparative_toxic_unit_human]",
    "CTUe = [comparative_toxic_unit_ecosystem]",
    "item = [item] = _ = items = piece = pieces = pcs",
    "GPU = [accelerator] = _ = GPUs = accelerator = chip = chips = TPU = TPUs",
    "GPU_hour = GPU * hour = GPUh = gpu_hour",
    "FLOP = [floating_point_operation] = _ = FLOPs = flop",
    "token = [token] = _ = tokens",
    "query = [query] = _ = queries = request = requests",
]
_OPTIONS = {"autoconvert_offset_to_baseunit": False}

# pint's definitions make the bit dimensionless with a scale, so "GB" is the number 8e9: a memory
# amount in GB would be silently read as 8e9 times itself next to a plain number. Information is
# its own dimension here, as in IEC 80000-13, so a GB can only be compared with bytes and bits.
_PINT_REPLACEMENTS = {"bit = []": "bit = [information]"}
_DEFINITIONS_FILE = "definitions.txt"


def pint_definitions() -> list[str]:
    """pint's own definition lines (its ``default_en.txt`` with the constants inlined) as lca uses
    them: the bit is a unit of its own dimension ``[information]``.

    Returns
    -------
    list of str
        Definition lines in pint's format.

    Examples
    --------
    >>> "bit = [information]" in pint_definitions()
    True
    """
    folder = Path(pint.__file__).parent
    lines: list[str] = []
    for line in (folder / "default_en.txt").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("@import "):
            lines += (folder / stripped.split(None, 1)[1]).read_text(encoding="utf-8").splitlines()
        else:
            lines.append(_PINT_REPLACEMENTS.get(stripped, line))
    return lines


def make_registry(cache_folder: Path | None = None) -> pint.UnitRegistry:
    """A pint registry with pint's units and the LCA ones (kg CO2-eq, CTUh, GPU-hour, ...).

    Parameters
    ----------
    cache_folder
        pint's disk cache of parsed definitions and resolved units; None parses them anew.

    Returns
    -------
    pint.UnitRegistry
        The registry; :data:`ureg` is the one lca uses, made with :func:`cache_folder`.

    Examples
    --------
    >>> registry = make_registry()
    >>> registry.Quantity(2.0, "GPU_hour").to("GPU * second").magnitude
    7200.0
    """
    if cache_folder is None:
        registry = pint.UnitRegistry(None, **_OPTIONS)
        registry.load_definitions(pint_definitions())
    else:
        # pint caches what it parsed from a file, keyed by the file's content: so the definitions
        # are a file inside the cache folder, written once.
        definitions = Path(cache_folder) / _DEFINITIONS_FILE
        if not definitions.is_file():
            Path(cache_folder).mkdir(parents=True, exist_ok=True)
            definitions.write_text("\n".join(pint_definitions()) + "\n", encoding="utf-8")
        registry = pint.UnitRegistry(str(definitions), cache_folder=cache_folder, **_OPTIONS)
    for definition in _DEFINITIONS:
        registry.define(definition)
    return registry


def cache_folder(pint_version: str = pint.__version__, definitions: tuple[str, ...] = tuple(_DEFINITIONS)) -> Path | None:
    """The folder of lca's cached unit registry: ``$XDG_CACHE_HOME/lca`` (else ``~/.cache/lca``), one
    subfolder per pint version, Python version and set of LCA definitions, so that a change of any of
    them builds a new cache instead of reading a stale one.

    Parameters
    ----------
    pint_version, definitions
        What the cache is for (default: the installed pint and lca's unit definitions).

    Returns
    -------
    pathlib.Path or None
        The folder, which need not exist yet; None when there is no home folder.

    Examples
    --------
    >>> cache_folder("0.25", ("CTUh = [comparative_toxic_unit_human]",)) != cache_folder("0.24")
    True
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found
            return None
    key = repr((pint_version, sys.version_info[:2], tuple(definitions), sorted(_OPTIONS.items()),
                sorted(_PINT_REPLACEMENTS.items())))
    return Path(base) / "lca" / f"units-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _cached_registry() -> pint.UnitRegistry:
    """The registry, read from the cache folder when one is there; else built once into it.

    Parsing pint's definition file and resolving every unit is most of what importing lca used
    to cost (benchmarks/RESULTS.md). The cache is only a saving: an unwritable or damaged one
    means a registry built from the definitions, as without a cache.
    """
    folder = cache_folder()
    if folder is None:
        return make_registry()
    if folder.is_dir():
        try:
            return make_registry(folder)
        except Exception:  # unpickling a damaged file can raise anything; rebuild it below
            shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        # Filled aside and renamed into place, so that no process ever reads a half-written cache.
        staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=folder.parent))
    except OSError:
        return make_registry()
    try:
        make_registry(staging)
        staging.rename(folder)
    except OSError:  # a full disk, or another process renamed its copy first
        shutil.rmtree(staging, ignore_errors=True)
    if folder.is_dir():
        # Read back from the final folder: the registry keeps its cache folder for later
        # define() calls, and the staging folder is gone.
        return make_registry(folder)
    return make_registry()


ureg = _cached_registry()
pint.set_application_registry(ureg)
Quantity = ureg.Quantity
Unit = ureg.Unit

# Spellings found in LCA data that pint cannot parse as they are. Order matters: longer first.
_SPELLINGS = [
    # "tCO2e", "kgCO2eq", "gSb-eq": the mass unit written against the marker; split them first
    (re.compile(r"(?<=[A-Za-z])(?=(?:CO2|Sb)(?:[- _]?eq|e\b))"), " "),
    (re.compile(r"CO2[- ]?eq(uivalents?)?\.?|CO2e\b"), "CO2_eq"),
    (re.compile(r"Sb[- ]?eq(uivalents?)?\.?"), "Sb_eq"),
    (re.compile(r"world[- ]eq(uivalents?)?\.?"), "world_eq"),
    (re.compile(r"\btkm\b"), "t*km"),
    (re.compile(r"\bpkm\b"), "km"),
    (re.compile(r"\bunit\b"), "item"),
    (re.compile(r"%"), "percent"),
    (re.compile(r"\bm3\b"), "m**3"),
    (re.compile(r"\bm2\b"), "m**2"),
    (re.compile(r"\bcm2\b"), "cm**2"),
    (re.compile(r"\bmm2\b"), "mm**2"),
]


# pint evaluates a unit string as arithmetic, with Python integers: "10**10**10 W" would compute
# a ten-billion-digit number. Before pint evaluates anything, a unit string is bounded in length
# and every power must be a unit (not a number) raised to a literal exponent of at most
# MAX_EXPONENT in size (m**3, s**-2, kg**0.5).
MAX_UNIT_LENGTH = 200
MAX_EXPONENT = 12


def check_unit_text(text: str) -> None:
    """Refuse a unit string whose evaluation could be unbounded (see :data:`MAX_EXPONENT`).

    >>> check_unit_text("kg m**2/s**3")
    >>> check_unit_text("10**10**10 W")
    Traceback (most recent call last):
    lca.errors.UnitError: '10**10**10 W': a power in a unit must be a unit to a number of at most 12 (like m**3)
    """
    if len(text) > MAX_UNIT_LENGTH:
        raise UnitError(f"{text[:40]!r}...: a unit is at most {MAX_UNIT_LENGTH} characters")
    expression = text
    for preprocess in ureg.preprocessors:
        expression = preprocess(expression)
    try:
        tree = build_eval_tree(tokenizer(string_preprocessor(expression)))
    except Exception:  # malformed: pint's own parse below gives the message
        return
    stack: list[EvalTreeNode] = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, EvalTreeNode):
            continue
        if node.operator is not None and node.right is not None and node.operator.string in ("**", "^"):
            if _has_number(node.left) or _literal(node.right) is None or abs(_literal(node.right)) > MAX_EXPONENT:
                raise UnitError(f"{text!r}: a power in a unit must be a unit to a number of at most "
                                f"{MAX_EXPONENT} (like m**3)")
        stack.extend(child for child in (node.left, node.right) if isinstance(child, EvalTreeNode))


def _literal(node: EvalTreeNode) -> float | None:
    """The number a node is (a literal, maybe signed), or None."""
    sign = 1.0
    while node.right is None and node.operator is not None and node.operator.string in ("-", "+"):
        sign = -sign if node.operator.string == "-" else sign
        node = node.left
    if node.right is None and node.operator is None and getattr(node.left, "type", None) == tokenize.NUMBER:
        try:
            return sign * float(node.left.string)
        except ValueError:
            return None
    return None


def _has_number(node: EvalTreeNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, EvalTreeNode):
            stack.extend(child for child in (current.left, current.right) if child is not None)
        elif getattr(current, "type", None) == tokenize.NUMBER:
            return True
    return False


def normalize(text: str) -> str:
    """Rewrite the unit spellings of LCA data for pint.

    Parameters
    ----------
    text : str
        A unit as data files write it (``kg CO2-eq``, ``m3 world-eq``, ``tkm``, ``mm2``).

    Returns
    -------
    str
        The same unit in pint's syntax.

    Examples
    --------
    >>> normalize("kg CO2-eq/kWh")
    'kg CO2_eq/kWh'
    >>> [normalize(text) for text in ("tCO2e", "t CO2e", "gCO2eq", "kg CO2 equivalents")]
    ['t CO2_eq', 't CO2_eq', 'g CO2_eq', 'kg CO2_eq']
    """
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text.strip()


# pint code outside lca (pint.Quantity("1 kg CO2-eq"), unpickled quantities and units) uses
# this registry, with the LCA spellings; lca's own parsing has already normalized its text.
ureg.preprocessors.append(normalize)
pint.set_application_registry(ureg)


@lru_cache(maxsize=4096)
def _parse(text: str) -> pint.Unit:
    if text.strip() in ("", "1", "dimensionless", "-"):
        return ureg.dimensionless
    # LCA data write "kg CO2-eq/kg CO2-eq" for (kg CO2-eq)/(kg CO2-eq); pint's implicit
    # multiplication would bind tighter than "/" on the left only, so split at "/" first.
    normalized = normalize(text)
    check_unit_text(normalized)
    if "(" in normalized:
        parts = [normalized]
    else:
        parts = normalized.split("/")
    unit = ureg.dimensionless
    for i, part in enumerate(parts):
        if not part.strip():
            raise UnitError(f"{text!r} has an empty part around '/'")
        quantity = ureg.parse_expression(part) if part.strip() != "1" else 1
        if not isinstance(quantity, pint.Quantity):
            if quantity == 1 and len(parts) > 1:
                continue
            raise UnitError(f"{text!r} is a number, not a unit")
        if quantity.magnitude != 1:
            raise UnitError(f"{text!r} has a numeric factor ({quantity.magnitude}); write it in the amount")
        unit = unit * quantity.units if i == 0 else unit / quantity.units
    if _has_offset(unit):
        raise UnitError(f"{text!r} is an offset unit (like degC); use a unit with a true zero")
    return unit


def _has_offset(unit: pint.Unit) -> bool:
    return not ureg.Quantity(1, unit)._is_multiplicative


def parse_unit(text: str | None, where: str = "") -> pint.Unit:
    """Parse a unit string into a unit of the project's registry.

    Parameters
    ----------
    text : str or None
        The unit as a file writes it; ``None``, ``""``, ``"1"`` and ``"-"`` are dimensionless.
    where : str, optional
        The file and item the unit comes from, for the error message.

    Returns
    -------
    pint.Unit
        The unit, in :data:`lca.ureg`.

    Raises
    ------
    UnitError
        If *text* is not a unit, carries a numeric factor, or is an offset unit (``degC``).

    Examples
    --------
    >>> parse_unit("kg CO2-eq/kWh") == parse_unit("kg CO2_eq / kilowatt_hour")
    True
    >>> parse_unit("10 kg", where="flows.toml: steel")
    Traceback (most recent call last):
    lca.errors.UnitError: flows.toml: steel: '10 kg' has a numeric factor (10); write it in the amount
    """
    if text is None:
        return ureg.dimensionless
    if not isinstance(text, str):
        raise UnitError(f"{where}: unit must be a string, got {text!r}")
    try:
        return _parse(text)
    except UnitError as exc:
        raise UnitError(f"{where}: {exc}") from None
    except Exception as exc:  # pint's parser raises many types for bad text
        raise UnitError(f"{where}: cannot read unit {text!r} ({exc or type(exc).__name__})") from None


def conversion_factor(source: pint.Unit, target: pint.Unit, where: str = "") -> float:
    """The factor that converts an amount in *source* units to *target* units.

    Parameters
    ----------
    source, target : pint.Unit
        Units of the same dimension.
    where : str, optional
        The file and item, for the error message.

    Returns
    -------
    float
        f such that 1 *source* = f *target*.

    Raises
    ------
    UnitError
        If the dimensions differ (kg CO2-eq cannot become kg).

    Examples
    --------
    >>> conversion_factor(parse_unit("MWh"), parse_unit("kWh"))
    1000.0
    >>> conversion_factor(parse_unit("kg CO2-eq"), parse_unit("kg"), where="methods.toml: co2")
    Traceback (most recent call last):
    lca.errors.UnitError: methods.toml: co2: unit kg CO2-eq (...) cannot be converted to kg ([mass])
    """
    factor = _factor(source, target)
    if factor is None:
        raise UnitError(
            f"{where}: unit {format_unit(source)} ({_dims(source)}) cannot be converted to "
            f"{format_unit(target)} ({_dims(target)})"
        )
    return factor


@lru_cache(maxsize=16384)
def _factor(source: pint.Unit, target: pint.Unit) -> float | None:
    """The factor, or None across dimensions; cached with the check, which costs as much."""
    if source.dimensionality != target.dimensionality:
        return None
    return float(ureg.Quantity(1.0, source).to(target).magnitude)


@lru_cache(maxsize=4096)
def root_factor(unit: pint.Unit) -> float:
    """The factor from *unit* to the root (SI) unit of its dimension, the core's working unit.

    Parameters
    ----------
    unit : pint.Unit
        Any unit of the registry.

    Returns
    -------
    float
        f such that 1 *unit* = f root units (pint's roots: g, m, s, ...; 1 kWh = 3.6e9 g m2/s2).

    Examples
    --------
    >>> root_factor(parse_unit("kWh"))
    3600000000.0
    """
    return float(ureg.Quantity(1.0, unit).to_root_units().magnitude)


@lru_cache(maxsize=4096)
def root_unit(unit: pint.Unit) -> pint.Unit:
    """The root (SI) unit of a unit's dimension, the unit the numeric core works in.

    Parameters
    ----------
    unit : pint.Unit
        Any unit of the registry.

    Returns
    -------
    pint.Unit
        pint's root unit (g, m, s, ... and the LCA dimensions).

    Examples
    --------
    >>> format_unit(root_unit(parse_unit("kg CO2-eq/kWh")))     # kg CO2-eq / (kg m2 / s2)
    's2 CO2-eq/m2'
    """

    return ureg.Quantity(1.0, unit).to_root_units().units


def same_dimension(a: pint.Unit, b: pint.Unit) -> bool:
    """Whether two units measure the same dimension (one converts to the other).

    Parameters
    ----------
    a, b : pint.Unit
        Units of the registry.

    Returns
    -------
    bool
        True if their dimensionalities are equal.

    Examples
    --------
    >>> same_dimension(parse_unit("MWh"), parse_unit("GJ")), same_dimension(parse_unit("kg CO2-eq"), parse_unit("kg"))
    (True, False)
    """

    return a.dimensionality == b.dimensionality


class UnitMemo:
    """Unit facts for one pass over a model (the validation, the compile), remembered by the
    identity of the units.

    A big database writes hundreds of thousands of amounts in a handful of units, and every
    amount written in the same text holds the same pint Unit (the cache of :func:`parse_unit`):
    a lookup by identity replaces hashing two pint units (Python code in pint) per amount. Each
    entry keeps its units, so no identity is reused while the memo lives; it lives as long as the
    pass that made it (no module state), with one entry per distinct unit or pair. Errors are
    not remembered: a bad pair raises, naming its item, every time.

    Examples
    --------
    >>> memo = UnitMemo()
    >>> kwh, wh = parse_unit("kWh"), parse_unit("Wh")
    >>> memo.conversion(wh, kwh, "x") == (conversion_factor(wh, kwh), conversion_factor(root_unit(wh), kwh))
    True
    >>> memo.same_dimension(kwh, parse_unit("kg")), memo.root_factor(kwh)
    (False, 3600000000.0)
    """

    def __init__(self) -> None:
        self._conversions: dict[tuple[int, int], tuple[float, float, pint.Unit, pint.Unit]] = {}
        self._dimensions: dict[tuple[int, int], tuple[bool, pint.Unit, pint.Unit]] = {}
        self._roots: dict[int, tuple[float, pint.Unit]] = {}

    def conversion(self, source: pint.Unit, target: pint.Unit, where: str) -> tuple[float, float]:
        """``conversion_factor(source, target, where)`` and ``conversion_factor(root_unit(source), target)``:
        an amount in *source*, and one in its root unit, to *target*."""
        found = self._conversions.get((id(source), id(target)))
        if found is None:
            found = (conversion_factor(source, target, where), conversion_factor(root_unit(source), target, where),
                     source, target)
            self._conversions[id(source), id(target)] = found
        return found[0], found[1]

    def same_dimension(self, a: pint.Unit, b: pint.Unit) -> bool:
        """:func:`same_dimension` of *a* and *b*."""
        found = self._dimensions.get((id(a), id(b)))
        if found is None:
            found = self._dimensions[id(a), id(b)] = (same_dimension(a, b), a, b)
        return found[0]

    def root_factor(self, unit: pint.Unit) -> float:
        """:func:`root_factor` of *unit*."""
        found = self._roots.get(id(unit))
        if found is None:
            found = self._roots[id(unit)] = (root_factor(unit), unit)
        return found[0]


def _dims(unit: pint.Unit) -> str:
    dims = str(unit.dimensionality)
    return "dimensionless" if dims == "dimensionless" else dims


_EQUIVALENTS = {"CO2_eq": "CO2-eq", "Sb_eq": "Sb-eq", "world_eq": "world-eq"}
# pint's symbol for the year is "a" (annum), which readers take for a typo; the name parses back
_SYMBOLS = {"year": "year"}


@lru_cache(maxsize=4096)
def format_unit(unit: pint.Unit) -> str:
    """A unit as LCA practitioners write it (``kg CO2-eq``, ``m3 world-eq``, ``kg CO2-eq/kWh``).

    Parameters
    ----------
    unit : pint.Unit
        A unit of the registry.

    Returns
    -------
    str
        The unit's display text; the inverse of :func:`parse_unit` for the units data use.

    Examples
    --------
    >>> format_unit(parse_unit("kg CO2-eq/kWh"))
    'kg CO2-eq/kWh'
    >>> format_unit(parse_unit("m3 world-eq"))
    'm3 world-eq'
    >>> format_unit(parse_unit("kg CO2-eq/year"))
    'kg CO2-eq/year'
    """
    if unit == ureg.dimensionless:
        return "dimensionless"
    numerator: list[str] = []
    markers: list[str] = []
    denominator: list[str] = []
    for name, exponent in unit._units.items():
        symbol = _EQUIVALENTS.get(name) or _SYMBOLS.get(name) or ureg.get_symbol(name)
        power = abs(exponent)
        term = symbol if power == 1 else f"{symbol}{power:g}"
        if exponent < 0:
            denominator.append(term)
        elif name in _EQUIVALENTS:
            markers.append(term)  # "kg CO2-eq", not "CO2-eq kg"
        else:
            numerator.append(term)
    text = " ".join(numerator + markers) or "1"
    if denominator:
        text += "/" + ("*".join(denominator) if len(denominator) == 1 else "(" + "*".join(denominator) + ")")
    return text
