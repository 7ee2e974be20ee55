"""Safe formulas over parameters.

A formula is parsed once into a Python AST and checked against a whitelist: arithmetic,
comparisons, boolean operators, conditional expressions and a few functions. It is never
passed to ``eval``. The same tree is then evaluated two ways:

* with pint quantities, once at load time, to check dimensions and learn the result's unit;
* with plain numpy arrays in root (SI) units, vectorized over Monte Carlo samples.

>>> f = parse_formula("n_gpus * power * hours * pue")
>>> sorted(f.names)
['hours', 'n_gpus', 'power', 'pue']
>>> import numpy as np
>>> evaluate_numeric(f, {"n_gpus": 8.0, "power": np.array([300.0, 400.0]), "hours": 2.0, "pue": 1.1})
array([5280., 7040.])
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pint

from .errors import FormulaError
from .units import ureg

MAX_LENGTH = 2000
# Deepest nesting of operators a formula may have: evaluation recurses once per level, and a
# user's formula must never exhaust Python's stack.
MAX_DEPTH = 100

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
FUNCTIONS = ("min", "max", "abs", "exp", "log", "log10", "sqrt", "where", "sin", "cos")


@dataclass(frozen=True)
class Formula:
    """A parsed, whitelisted formula (immutable).

    Attributes
    ----------
    text : str
        The formula as written.
    tree : ast.Expression
        Its syntax tree, checked against the whitelist.
    names : frozenset of str
        The parameter names it reads.

    Examples
    --------
    >>> f = parse_formula("chip_power * duration * pue")
    >>> str(f), sorted(f.names)
    ('chip_power * duration * pue', ['chip_power', 'duration', 'pue'])
    """

    text: str
    tree: ast.Expression = field(compare=False)  # parsed from text: equal texts, equal formulas
    names: frozenset[str]

    def __str__(self) -> str:
        return self.text


def parse_formula(text: str, where: str = "formula") -> Formula:
    """Parse a formula, rejecting anything outside the whitelist.

    Only arithmetic, comparisons, boolean operators, conditional expressions and the functions in
    :data:`FUNCTIONS` are allowed; the text is never passed to ``eval``.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"n_chips * chip_power * duration * pue"``.
    where : str, optional
        The file and item the formula comes from, for the error message.

    Returns
    -------
    Formula
        The checked formula and the names it reads.

    Raises
    ------
    FormulaError
        If the text is empty, too long or too deep, not an expression, or uses anything not
        whitelisted (attributes, subscripts, calls to unknown functions, ...).

    Examples
    --------
    >>> sorted(parse_formula("where(region == 'fr', 0.05, grid) * energy").names)
    ['energy', 'grid', 'region']
    >>> parse_formula("__import__('os').system('ls')", where="study.toml: parameters.x")
    Traceback (most recent call last):
    lca.errors.FormulaError: study.toml: parameters.x: call to "__import__('os').system" is not allowed in formula "__import__('os').system('ls')" (allowed: min, max, ...)
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError.at(where, "a formula must be a non-empty string")
    if len(text) > MAX_LENGTH:
        raise FormulaError.at(where, f"formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError.at(where, f"cannot parse formula {text!r}: {exc.msg}") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise FormulaError.at(where, f"formula {text[:60]!r}... nests deeper than {MAX_DEPTH} levels")
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, text, where, names)
    return Formula(text=text.strip(), tree=tree, names=frozenset(names))


def _depth(node: ast.AST) -> int:
    """Nesting depth of an expression tree, without recursion (it may be very deep)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(current))
    return deepest


def _check_node(node: ast.AST, text: str, where: str, names: set[str]) -> None:
    allowed = (
        ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp,
        ast.Call, ast.Name, ast.Constant, ast.Load, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd,
        *_BINARY, *_COMPARE,
    )
    if not isinstance(node, allowed):
        raise FormulaError.at(where, f"{type(node).__name__} is not allowed in formula {text!r}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise FormulaError.at(where, f"call to {called!r} is not allowed in formula {text!r} "
                f"(allowed: {', '.join(FUNCTIONS)})"
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError.at(where, f"keyword or starred arguments are not allowed in {text!r}")
        expected = {"abs": 1, "exp": 1, "log": 1, "log10": 1, "sqrt": 1, "where": 3, "sin": 1, "cos": 1}.get(node.func.id)
        if expected is not None and len(node.args) != expected:
            raise FormulaError.at(where, f"{node.func.id}() takes {expected} argument(s) in {text!r}")
        if node.func.id in ("min", "max") and len(node.args) < 2:
            raise FormulaError.at(where, f"{node.func.id}() needs at least two arguments in {text!r}")
    elif isinstance(node, ast.Name):
        if node.id not in FUNCTIONS:
            names.add(node.id)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float, str)):
            raise FormulaError.at(where, f"constant {node.value!r} is not allowed in {text!r}")


class _Choice:
    """Stands for a choice parameter during the unit check: it may only be compared to options."""

    def __init__(self, name: str, options: tuple[str, ...], current: str):
        self.name, self.options, self.current = name, options, current


def evaluate_units(
    formula: Formula,
    quantities: Mapping[str, pint.Quantity],
    choices: Mapping[str, tuple[tuple[str, ...], str]] | None = None,
    where: str = "formula",
) -> pint.Quantity:
    """Evaluate a formula on pint quantities, to check its dimensions and learn its unit.

    Both branches of every conditional are evaluated, so that a dimension error in the branch
    not taken at the default values is still found.

    Parameters
    ----------
    formula : Formula
        A parsed formula.
    quantities : mapping of str to pint.Quantity
        The value, with its unit, of every name the formula reads.
    choices : mapping of str to (options, current), optional
        Choice parameters: their options and current option.
    where : str, optional
        The file and item, for the error message.

    Returns
    -------
    pint.Quantity
        The formula's value at the given quantities, in the unit the formula gives.

    Raises
    ------
    FormulaError
        If a name is unknown, dimensions do not match, or the value cannot be computed.

    Examples
    --------
    >>> from lca.units import ureg
    >>> energy = evaluate_units(parse_formula("power * hours"), {"power": 300 * ureg.W, "hours": 2 * ureg.h})
    >>> energy.to("kWh")
    <Quantity(0.6, 'kilowatt_hour')>
    >>> evaluate_units(parse_formula("power + hours"), {"power": 300 * ureg.W, "hours": 2 * ureg.h})
    Traceback (most recent call last):
    lca.errors.FormulaError: formula: dimension error in formula 'power + hours': Cannot convert from 'watt' (...) to 'hour' ([time])
    """
    choices = choices or {}
    env: dict[str, Any] = {}
    for name in formula.names:
        if name in choices:
            options, current = choices[name]
            env[name] = _Choice(name, options, current)
        elif name in quantities:
            env[name] = quantities[name]
        else:
            raise FormulaError.at(where, f"unknown name {name!r} in formula {formula.text!r}")
    try:
        result = _Evaluator(env, _UNITS, formula.text, where).visit(formula.tree.body)
    except FormulaError:
        raise
    except pint.errors.DimensionalityError as exc:
        raise FormulaError.at(where, f"dimension error in formula {formula.text!r}: {exc}") from None
    except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
        raise FormulaError.at(where, f"cannot evaluate formula {formula.text!r}: {exc}") from None
    if isinstance(result, _Choice) or isinstance(result, str):
        raise FormulaError.at(where, f"formula {formula.text!r} gives a choice, not a number")
    if not isinstance(result, pint.Quantity):
        result = ureg.Quantity(float(result), ureg.dimensionless)
    if not np.all(np.isfinite(result.magnitude)):
        raise FormulaError(f"{where}: formula {formula.text!r} gives {result.magnitude} (not a finite number) "
                           "at the parameters' values")
    return result


def evaluate_numeric(
    formula: Formula,
    values: Mapping[str, Any],
    choices: Mapping[str, tuple[str, ...]] | None = None,
    where: str = "formula",
) -> np.ndarray:
    """Evaluate a formula on floats or numpy arrays, vectorized over samples.

    Parameters
    ----------
    formula : Formula
        A parsed formula whose dimensions were checked by :func:`evaluate_units`.
    values : mapping of str to float or numpy.ndarray
        The value of every name it reads, in root (SI) units; arrays broadcast (one entry a
        Monte Carlo sample).
    choices : mapping of str to tuple of str, optional
        The options of choice parameters, whose values are then option indices.
    where : str, optional
        The file and item, for the error message.

    Returns
    -------
    numpy.ndarray
        The formula's value, broadcast over the inputs.

    Examples
    --------
    >>> import numpy as np
    >>> evaluate_numeric(parse_formula("max(load, 0.2) * 2"), {"load": np.array([0.1, 0.5])})
    array([0.4, 1. ])
    """
    env = {name: values[name] for name in formula.names}
    backend = _NUMERIC if choices is None else dict(_NUMERIC, choices=choices)
    with np.errstate(all="ignore"):
        result = _Evaluator(env, backend, formula.text, where).visit(formula.tree.body)
    return np.asarray(result, dtype=float)


def _uniform_dims(args: list[Any], name: str, where: str, text: str) -> None:
    # A bare zero has every dimension: "max(x, 0)" and "x > 0" are fine for any x.
    dims = {
        getattr(a, "dimensionality", ureg.dimensionless.dimensionality)
        for a in args
        if isinstance(a, pint.Quantity) or a != 0
    }
    if len(dims) > 1:
        raise FormulaError.at(where, f"{name}() arguments have different dimensions in {text!r}")


def _dimensionless(x: Any, name: str, where: str, text: str) -> float:
    if isinstance(x, pint.Quantity):
        if not x.dimensionless:
            raise FormulaError.at(where, f"{name}() needs a dimensionless argument in {text!r}, got {x.units}")
        return float(x.to(ureg.dimensionless).magnitude)
    return float(x)


def _units_min_max(pick: Callable) -> Callable:
    def fn(args, where, text):
        _uniform_dims(args, pick.__name__, where, text)
        return pick(args)
    return fn


def _units_unary(fn: Callable, name: str) -> Callable:
    def wrapped(args, where, text):
        return fn(_dimensionless(args[0], name, where, text))
    return wrapped


def _units_where(args, where, text):
    cond, a, b = args
    _uniform_dims([a, b], "where", where, text)
    return a if bool(cond) else b


def _units_if(cond, a, b, where, text):
    _uniform_dims([a, b], "a conditional expression: its branches", where, text)
    return a if bool(cond) else b


_UNITS: dict[str, Any] = {
    "functions": {
        "min": _units_min_max(min),
        "max": _units_min_max(max),
        "abs": lambda args, where, text: abs(args[0]),
        "exp": _units_unary(math.exp, "exp"),
        "log": _units_unary(math.log, "log"),
        "log10": _units_unary(math.log10, "log10"),
        "sqrt": lambda args, where, text: args[0] ** 0.5,
        "where": _units_where,
        "sin": _units_unary(math.sin, "sin"),
        "cos": _units_unary(math.cos, "cos"),
    },
    "if": _units_if,
    "and": lambda a, b: bool(a) and bool(b),
    "or": lambda a, b: bool(a) or bool(b),
    "not": lambda a: not bool(a),
}


def _reduce(fn):
    def wrapped(args, where, text):
        out = args[0]
        for arg in args[1:]:
            out = fn(out, arg)
        return out
    return wrapped


_NUMERIC: dict[str, Any] = {
    "functions": {
        "min": _reduce(np.minimum),
        "max": _reduce(np.maximum),
        "abs": lambda args, where, text: np.abs(args[0]),
        "exp": lambda args, where, text: np.exp(args[0]),
        "log": lambda args, where, text: np.log(args[0]),
        "log10": lambda args, where, text: np.log10(args[0]),
        "sqrt": lambda args, where, text: np.sqrt(args[0]),
        "where": lambda args, where, text: np.where(args[0], args[1], args[2]),
        "sin": lambda args, where, text: np.sin(args[0]),
        "cos": lambda args, where, text: np.cos(args[0]),
    },
    "if": lambda cond, a, b, where, text: np.where(cond, a, b),
    "and": np.logical_and,
    "or": np.logical_or,
    "not": np.logical_not,
}


class _Evaluator:
    def __init__(self, env: dict[str, Any], backend: dict[str, Any], text: str, where: str):
        self.env, self.backend, self.text, self.where = env, backend, text, where

    def fail(self, message: str) -> FormulaError:
        return FormulaError.at(self.where, f"{message} in formula {self.text!r}")

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                raise self.fail(f"the string {node.value!r} may only be compared to a choice parameter")
            return float(node.value)
        if isinstance(node, ast.Name):
            value = self.env[node.id]
            if isinstance(value, _Choice) or node.id in self.backend.get("choices", ()):
                raise self.fail(f"choice parameter {node.id!r} may only be compared to one of its options")
            return value
        if isinstance(node, ast.BinOp):
            result = _BINARY[type(node.op)](self.visit(node.left), self.visit(node.right))
            if isinstance(node.op, ast.Pow):
                self.check_real(result)
            return result
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return +operand
            return self.backend["not"](operand)
        if isinstance(node, ast.BoolOp):
            combine = self.backend["and" if isinstance(node.op, ast.And) else "or"]
            result = self.visit(node.values[0])
            for value in node.values[1:]:
                result = combine(result, self.visit(value))
            return result
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.backend["if"](
                self.visit(node.test), self.visit(node.body), self.visit(node.orelse), self.where, self.text
            )
        if isinstance(node, ast.Call):
            args = [self.visit(a) for a in node.args]
            result = self.backend["functions"][node.func.id](args, self.where, self.text)
            if node.func.id == "sqrt":
                self.check_real(result)
            return result
        raise self.fail(f"{type(node).__name__} is not allowed")  # pragma: no cover (whitelisted)

    def check_real(self, value: Any) -> None:
        """Python's float power of a negative base is complex: a user error, not a crash later."""
        magnitude = value.magnitude if isinstance(value, pint.Quantity) else value
        if isinstance(magnitude, complex) or np.iscomplexobj(magnitude):
            raise self.fail("a fractional power (or sqrt) of a negative number has no real value")

    def operand(self, node: ast.AST, other: ast.AST) -> Any:
        """An operand of a comparison; a string literal becomes its option's index."""
        if isinstance(node, ast.Name) and self.is_choice(node.id):
            if not (isinstance(other, ast.Constant) and isinstance(other.value, str)):
                raise self.fail(f"choice parameter {node.id!r} may only be compared to one of its options")
            return self.env[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not (isinstance(other, ast.Name) and self.is_choice(other.id)):
                raise self.fail(f"the string {node.value!r} may only be compared to a choice parameter")
            options = self.options(other.id)
            if node.value not in options:
                raise self.fail(f"{node.value!r} is not an option of {other.id!r} (options: {', '.join(options)})")
            if isinstance(self.env[other.id], _Choice):
                return node.value
            return float(options.index(node.value))
        return self.visit(node)

    def is_choice(self, name: str) -> bool:
        return isinstance(self.env.get(name), _Choice) or name in self.backend.get("choices", ())

    def options(self, name: str) -> tuple[str, ...]:
        value = self.env[name]
        return value.options if isinstance(value, _Choice) else tuple(self.backend["choices"][name])

    def compare(self, node: ast.Compare) -> Any:
        result = None
        left_node = node.left
        for op, right_node in zip(node.ops, node.comparators):
            left = self.operand(left_node, right_node)
            right = self.operand(right_node, left_node)
            if isinstance(left, _Choice) or isinstance(right, _Choice):
                if not isinstance(op, (ast.Eq, ast.NotEq)):
                    raise self.fail("choices may only be compared with == or !=")
                chosen = left.current if isinstance(left, _Choice) else right.current
                literal = right if isinstance(left, _Choice) else left
                value = (chosen == literal) == isinstance(op, ast.Eq)
            else:
                if isinstance(left, pint.Quantity) or isinstance(right, pint.Quantity):
                    _uniform_dims([left, right], "comparison: its operands", self.where, self.text)
                value = _COMPARE[type(op)](left, right)
            result = value if result is None else self.backend["and"](result, value)
            left_node = right_node
        return result


def may_be_nonzero(formula: Formula, values: Mapping[str, Any], varying: set[str] | frozenset[str],
                   choices: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """Whether *formula* can be non-zero when the *varying* parameters take any values.

    Sub-expressions over fixed parameters only are evaluated (at *values*, root units); the rest
    follow zero-propagation rules (0 * x = 0, 0 / x = 0, a fixed condition picks its branch).
    The answer errs only towards True, so pruning on it never drops a live exchange.

    Parameters
    ----------
    formula : Formula
        A parsed formula.
    values : mapping of str to float
        Every parameter's value (root units; choices as option indices).
    varying : set of str
        The parameters that may change.
    choices : mapping of str to tuple of str, optional
        The options of choice parameters.

    Returns
    -------
    bool
        False only if the formula is zero whatever the varying parameters do.

    Examples
    --------
    A grid selector with the region fixed connects one grid of a library:

    >>> selector = parse_formula("share * (1 if region == 'tw' else 0)")
    >>> values = {"share": 0.5, "region": 0.0}     # region: option index 0, "us"
    >>> may_be_nonzero(selector, values, {"share"}, {"region": ("us", "tw")})
    False
    >>> may_be_nonzero(selector, values, {"region"}, {"region": ("us", "tw")})
    True
    """
    choices = choices or {}

    def fixed(node: ast.AST) -> bool:
        return not any(isinstance(n, ast.Name) and n.id in varying for n in ast.walk(node))

    def value(node: ast.AST) -> Any:
        expression = ast.Expression(body=node)
        sub = Formula(ast.unparse(node), expression, frozenset(
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id not in FUNCTIONS))
        return evaluate_numeric(sub, values, choices)

    def nonzero(node: ast.AST) -> bool:
        if fixed(node):
            return bool(np.any(value(node) != 0))
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mult):
                return nonzero(node.left) and nonzero(node.right)
            if isinstance(node.op, (ast.Div, ast.Mod)):
                return nonzero(node.left)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return nonzero(node.left) or nonzero(node.right)
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return nonzero(node.operand)
        if isinstance(node, ast.IfExp):
            if fixed(node.test):
                return nonzero(node.body if bool(np.all(value(node.test))) else node.orelse)
            return nonzero(node.body) or nonzero(node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "where":
            test, body, orelse = node.args
            if fixed(test):
                return nonzero(body if bool(np.all(value(test))) else orelse)
            return nonzero(body) or nonzero(orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("abs", "sqrt"):
            return nonzero(node.args[0])
        return True

    return nonzero(formula.tree.body)
