"""The one unit registry, and parsing of the unit spellings LCA data use.

Units live at the edges: files are parsed and checked here, once; the numeric core works on
plain floats in each dimension's root (SI) unit.

>>> from lca.units import parse_unit, conversion_factor
>>> conversion_factor(parse_unit("Wh"), parse_unit("kWh"))
0.001
"""

from __future__ import annotations

import re
import tokenize
from functools import lru_cache

import pint
from pint.pint_eval import EvalTreeNode, build_eval_tree, tokenizer
from pint.util import string_preprocessor

from .errors import UnitError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=False, cache_folder=None)
Quantity = ureg.Quantity
Unit = ureg.Unit

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
for _definition in _DEFINITIONS:
    ureg.define(_definition)

# Spellings found in LCA data that pint cannot parse as they are. Order matters: longer first.
_SPELLINGS = [
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
    """Rewrite LCA unit spellings (``kg CO2-eq``, ``m3 world-eq``, ``tkm``) for pint."""
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text.strip()


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
    """Parse a unit string; raise :class:`UnitError` naming *where* if it is not a unit."""
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
    """Factor f with 1 *source* = f *target*; a dimension mismatch is a :class:`UnitError`."""
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            f"{where}: unit {format_unit(source)} ({_dims(source)}) cannot be converted to "
            f"{format_unit(target)} ({_dims(target)})"
        )
    return _factor(source, target)


@lru_cache(maxsize=16384)
def _factor(source: pint.Unit, target: pint.Unit) -> float:
    return float(ureg.Quantity(1.0, source).to(target).magnitude)


@lru_cache(maxsize=4096)
def root_factor(unit: pint.Unit) -> float:
    """Factor from *unit* to the root (SI) unit of its dimension."""
    return float(ureg.Quantity(1.0, unit).to_root_units().magnitude)


@lru_cache(maxsize=4096)
def root_unit(unit: pint.Unit) -> pint.Unit:
    return ureg.Quantity(1.0, unit).to_root_units().units


def same_dimension(a: pint.Unit, b: pint.Unit) -> bool:
    return a.dimensionality == b.dimensionality


def _dims(unit: pint.Unit) -> str:
    dims = str(unit.dimensionality)
    return "dimensionless" if dims == "dimensionless" else dims


_EQUIVALENTS = {"CO2_eq": "CO2-eq", "Sb_eq": "Sb-eq", "world_eq": "world-eq"}


@lru_cache(maxsize=4096)
def format_unit(unit: pint.Unit) -> str:
    """A unit as LCA practitioners write it: ``kg CO2-eq``, ``m3 world-eq``, ``kg CO2-eq/kWh``."""
    if unit == ureg.dimensionless:
        return "dimensionless"
    numerator: list[str] = []
    markers: list[str] = []
    denominator: list[str] = []
    for name, exponent in unit._units.items():
        symbol = _EQUIVALENTS.get(name) or ureg.get_symbol(name)
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
