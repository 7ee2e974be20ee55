"""openLCA's formula language, both ways: ``lca`` formulas as openLCA text, openLCA text as ``lca`` formulas.

openLCA (``olca-formula``, its JavaCC grammar ``FormulaParser.jj`` and ``FunctionFactory``)
reads a formula lower-cased, so names, functions and constants are case-insensitive. Its
operators, loosest first: ``||``/``|``, ``xor``, ``&&``/``&``, the comparisons (``=``/``==``,
``<>``/``!=``, ``<``, ``<=``, ``>``, ``>=``), ``+ -``, ``* / div mod``, ``^``; all of them are
left-associative (``2^3^2`` is 64), and a sign binds tighter than ``^`` (``-2^2`` is 4).
Function arguments are separated by ``;``. Values are typed: a comparison gives a boolean,
which arithmetic does not take, and ``if`` needs a boolean condition.

* :func:`to_olca` writes an ``lca`` formula (:mod:`lca.formula`'s whitelisted Python AST) as
  openLCA text, fully parenthesized, booleans and numbers converted where the context needs
  the other (``if(c; 1; 0)``, ``(x <> 0)``), ``log`` as ``ln`` and ``log10`` as openLCA's
  ``log``. openLCA has no strings: a choice parameter is a number there, the 1-based index
  of its option, and a comparison ``grid == 'fr'`` is written ``(grid = k)``, k the index of
  ``'fr'`` (``!=`` as ``<>``).
* :func:`to_lca` parses openLCA text (a hand-written precedence-climbing parser: no ``eval``;
  bounded length and nesting) into ``lca`` formula text; what ``lca`` cannot express
  (``mod``, ``div``, ``round``, ``floor``, ...) raises :class:`~lca.errors.FormulaError`;
  given the options of choice parameters, ``(grid = k)`` becomes ``grid == 'option k'``.
* :func:`evaluate_olca` evaluates openLCA text with openLCA's semantics (Java's ``%``,
  ``Math.round``, integer casts), for checks against openLCA's own interpreter.
* :func:`olca_names` maps ``lca`` parameter names to valid, distinct openLCA names.

>>> evaluate_olca("-2^2"), evaluate_olca("2^3^2"), evaluate_olca("log(100)")
(4.0, 64.0, 2.0)
>>> to_lca("if(A > 1; 2; 3)", {"a": "a"}.get)
'(2.0 if (a > 1.0) else 3.0)'
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from ..errors import FormulaError
from ..formula import MAX_DEPTH, MAX_LENGTH, Formula

# Deepest nesting of parentheses and calls in an openLCA formula: the parser recurses a few
# frames per level, and a formula must never exhaust Python's stack.
MAX_NESTING = 40
CONSTANTS = {"pi": math.pi, "e": math.e, "true": True, "false": False}
# FunctionFactory's functions (openLCA 2), by name
OLCA_FUNCTIONS = frozenset((
    "pi", "e", "true", "false", "abs", "avg", "mean", "ceil", "floor", "frac", "int", "min", "max", "round",
    "trunc", "sqr", "sqrt", "sum", "random", "rand", "exp", "ipower", "ln", "log", "lg", "power", "pow", "acos",
    "arccos", "asin", "arcsin", "atan", "arctan", "cos", "cosh", "cotan", "cot", "sin", "sinh", "tan", "tanh",
    "not", "if", "iff", "iif", "and", "or"))
KEYWORDS = frozenset(("mod", "div", "xor"))
# what an openLCA parameter may not be called: an operator keyword, or a constant (which a
# parameter would shadow); a function's name is fine, openLCA tells a call by its "("
RESERVED = KEYWORDS | frozenset(CONSTANTS)
OLCA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TOKEN = re.compile(r"""\s*(?:
    (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>[a-z][a-z0-9_]*)
  | (?P<op>&&|\|\||<=|>=|<>|!=|==|[-+*/^()<>=;&|])
  | (?P<bad>\S)
)""", re.VERBOSE)
# binary operators: precedence (all left-associative)
_PRECEDENCE = {"||": 1, "|": 1, "xor": 2, "&&": 3, "&": 3, "=": 4, "==": 4, "<>": 4, "!=": 4, "<": 4,
               "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "div": 6, "mod": 6, "^": 7}
_CANONICAL = {"|": "||", "&": "&&", "==": "=", "!=": "<>"}
_COMPARE_OLCA = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_COMPARE_LCA = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}


# --------------------------------------------------------------------------- lca -> openLCA


@dataclass(frozen=True)
class OlcaText:
    """An ``lca`` formula as openLCA text, and the choice parameters it compares with an option.

    >>> from lca.formula import parse_formula
    >>> to_olca(parse_formula("x ** 2"), str)
    OlcaText(text='(x ^ 2.0)', choices=())
    """

    text: str
    choices: tuple[str, ...] = ()


def olca_number(value: float) -> str:
    """A float as an openLCA number literal (``repr``: it round-trips exactly), negative ones parenthesized.

    >>> olca_number(1e-05), olca_number(-2.5)
    ('1e-05', '(-2.5)')
    """
    value = float(value)
    if not math.isfinite(value):
        raise FormulaError(f"{value!r} has no openLCA number literal")
    text = repr(abs(value))
    return f"(-{text})" if math.copysign(1.0, value) < 0 and value != 0 else text


def to_olca(formula: Formula, read: Callable[[str], str], choices: Mapping[str, Sequence[str]] | None = None,
            where: str = "formula") -> OlcaText:
    """An ``lca`` formula as openLCA formula text.

    Parameters
    ----------
    formula : Formula
        A parsed ``lca`` formula.
    read : callable
        The openLCA text that reads a parameter (e.g. ``"(hours*3600.0)"``: the parameter in its
        declared unit times its root factor; a choice parameter's openLCA name).
    choices : mapping of str to sequence of str, optional
        The options of the choice parameters, whose openLCA value is the 1-based index of the
        chosen option: a comparison of one with an option is written ``(name = k)``.
    where : str, optional
        The item the formula belongs to, for the error message.

    Returns
    -------
    OlcaText
        The text, and the choice parameters it compares.

    Raises
    ------
    FormulaError
        If a constant has no openLCA literal (``1e999``), a choice is used outside a comparison
        with one of its options, or a string is not an option of the choice it is compared with.

    Examples
    --------
    >>> from lca.formula import parse_formula
    >>> to_olca(parse_formula("where(n > 1, log10(n), -n ** 2)"), str).text
    'if((n > 1.0); log(n); (-(n ^ 2.0)))'
    >>> to_olca(parse_formula("3 if region == 'fr' else 4"), str, {"region": ("de", "fr")})
    OlcaText(text='if((region = 2); 3.0; 4.0)', choices=('region',))
    """
    choices = choices or {}
    compared: list[str] = []

    def fail(message: str) -> FormulaError:
        return FormulaError.at(where, f"{message} in formula {formula.text!r}")

    def number(node: ast.AST) -> str:
        text, kind = visit(node)
        return f"if({text}; 1; 0)" if kind == "bool" else text

    def boolean(node: ast.AST) -> str:
        text, kind = visit(node)
        return text if kind == "bool" else f"({text} <> 0)"

    def choice_literal(left: ast.AST, right: ast.AST) -> tuple[str, str] | None:
        if isinstance(left, ast.Name) and left.id in choices and isinstance(right, ast.Constant) \
                and isinstance(right.value, str):
            return left.id, right.value
        if isinstance(right, ast.Name) and right.id in choices and isinstance(left, ast.Constant) \
                and isinstance(left.value, str):
            return right.id, left.value
        return None

    def comparison(op: ast.cmpop, left: ast.AST, right: ast.AST) -> str:
        pair = choice_literal(left, right)
        if pair is not None:
            if not isinstance(op, (ast.Eq, ast.NotEq)):
                raise fail("choices may only be compared with == or !=")
            name, option = pair
            options = tuple(choices[name])
            if option not in options:
                raise fail(f"{option!r} is not an option of {name!r} (options: {', '.join(options)})")
            compared.append(name)
            return f"({read(name)} {'=' if isinstance(op, ast.Eq) else '<>'} {options.index(option) + 1})"
        (a, ka), (b, kb) = visit(left), visit(right)
        if ka != kb:  # openLCA compares values of one type only
            a, b = (number(left), number(right))
        return f"({a} {_COMPARE_OLCA[type(op)]} {b})"

    def visit(node: ast.AST) -> tuple[str, str]:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                raise fail(f"the string {node.value!r} may only be compared to a choice parameter")
            try:
                return olca_number(node.value), "num"
            except (FormulaError, OverflowError):
                raise fail(f"the constant {node.value!r} has no openLCA literal") from None
        if isinstance(node, ast.Name):
            if node.id in choices:
                raise fail(f"choice parameter {node.id!r} may only be compared to one of its options")
            return read(node.id), "num"
        if isinstance(node, ast.BinOp):
            a, b = number(node.left), number(node.right)
            if isinstance(node.op, ast.Mod):  # Python's floored modulo (openLCA's mod is Java's %)
                return f"({a} - {b} * floor({a} / {b}))", "num"
            return f"({a} {_ARITHMETIC[type(node.op)]} {b})", "num"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"not({boolean(node.operand)})", "bool"
            operand = number(node.operand)
            return (f"(-{operand})", "num") if isinstance(node.op, ast.USub) else (operand, "num")
        if isinstance(node, ast.BoolOp):
            joiner = " && " if isinstance(node.op, ast.And) else " || "
            return f"({joiner.join(boolean(v) for v in node.values)})", "bool"
        if isinstance(node, ast.Compare):
            parts, left = [], node.left
            for op, right in zip(node.ops, node.comparators):
                parts.append(comparison(op, left, right))
                left = right
            return (parts[0] if len(parts) == 1 else f"({' && '.join(parts)})"), "bool"
        if isinstance(node, ast.IfExp):
            return f"if({boolean(node.test)}; {number(node.body)}; {number(node.orelse)})", "num"
        if isinstance(node, ast.Call):
            name = node.func.id  # whitelisted by parse_formula: a Name of lca.formula.FUNCTIONS
            if name == "where":
                test, body, orelse = node.args
                return f"if({boolean(test)}; {number(body)}; {number(orelse)})", "num"
            target = {"log": "ln", "log10": "log"}.get(name, name)
            return f"{target}({'; '.join(number(a) for a in node.args)})", "num"
        raise fail(f"{type(node).__name__} has no openLCA form")  # pragma: no cover (whitelisted)

    text = number(formula.tree.body)
    return OlcaText(text, tuple(dict.fromkeys(compared)))


def olca_names(names: Iterable[str]) -> dict[str, str]:
    """Valid, distinct openLCA parameter names for *names* (``lca`` name -> openLCA name).

    A name that is a valid openLCA identifier, not reserved (:data:`RESERVED`) and not taken
    case-insensitively keeps its spelling; the others become ``p_`` + the name with invalid
    characters as ``_``, with ``_2``, ``_3``, ... where that is taken. Deterministic: the same
    names in the same order give the same result.

    >>> olca_names(["lifetime", "e", "_share", "Lifetime", "pi"])
    {'lifetime': 'lifetime', 'e': 'p_e', '_share': 'p__share', 'Lifetime': 'p_Lifetime', 'pi': 'p_pi'}
    """
    names = list(dict.fromkeys(names))
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        if OLCA_NAME.match(name) and name.lower() not in RESERVED and name.lower() not in taken:
            out[name] = name
            taken.add(name.lower())
    for name in names:
        if name in out:
            continue
        base = "p_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
        candidate, n = base, 1
        while candidate.lower() in taken or candidate.lower() in RESERVED:
            n += 1
            candidate = f"{base}_{n}"
        out[name] = candidate
        taken.add(candidate.lower())
    return {name: out[name] for name in names}


# --------------------------------------------------------------------------- the openLCA parser


@dataclass(frozen=True)
class _Node:
    kind: str  # "num", "name", "neg", "op", "call"
    value: object  # the number, the name, the operator or the function
    args: tuple["_Node", ...] = ()
    depth: int = 1


def _node(kind: str, value: object, *args: _Node) -> _Node:
    return _Node(kind, value, args, 1 + max((a.depth for a in args), default=0))


class _Parser:
    """Precedence climbing over openLCA's grammar (see the module docstring)."""

    def __init__(self, text: str, where: str):
        self.text, self.where = text, where
        self.tokens: list[tuple[str, str, int]] = []
        for match in _TOKEN.finditer(text.lower()):
            kind = match.lastgroup
            if kind is None:  # trailing blanks
                continue
            value, at = match.group(kind), match.start(kind) + 1
            if kind == "bad":
                raise self.fail(f"unexpected character {value!r} at position {at}")
            if kind == "name" and value in KEYWORDS:
                kind = "op"
            self.tokens.append((kind, value, at))
        self.position, self.nesting = 0, 0

    def fail(self, message: str) -> FormulaError:
        return FormulaError.at(self.where, f"openLCA formula {self.text!r}: {message}")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise self.fail("ends too early" if value is None else f"expected {value!r} at the end")
        if value is not None and token[1] != value:
            raise self.fail(f"expected {value!r} at position {token[2]}, found {token[1]!r}")
        self.position += 1
        return token

    def parse(self) -> _Node:
        if not self.tokens:
            raise self.fail("empty formula")
        node = self.expression(1)
        if self.peek() is not None:
            _kind, value, at = self.peek()
            raise self.fail(f"unexpected {value!r} at position {at}")
        return node

    def expression(self, least: int) -> _Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op" or token[1] not in _PRECEDENCE or _PRECEDENCE[token[1]] < least:
                return left
            self.position += 1
            op = _CANONICAL.get(token[1], token[1])
            right = self.expression(_PRECEDENCE[token[1]] + 1)
            left = self.checked(_node("op", op, left, right))

    def checked(self, node: _Node) -> _Node:
        if node.depth > MAX_DEPTH:
            raise self.fail(f"nests deeper than {MAX_DEPTH} levels")
        return node

    def unary(self) -> _Node:
        token = self.peek()
        if token is not None and token[1] in ("-", "+"):
            self.position += 1
            operand = self.element()
            return self.checked(_node("neg", "-", operand)) if token[1] == "-" else operand
        return self.element()

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail(f"nests parentheses or calls deeper than {MAX_NESTING} levels")

    def element(self) -> _Node:
        kind, value, at = self.take()
        if kind == "number":
            return _node("num", float(value))
        if kind == "name":
            following = self.peek()
            if following is None or following[1] != "(":
                return _node("name", value)
            if value not in OLCA_FUNCTIONS:
                raise self.fail(f"unknown function {value!r} at position {at}")
            self.take("(")
            self.enter()
            args: list[_Node] = []
            if self.peek() is not None and self.peek()[1] != ")":
                args.append(self.expression(1))
                while self.peek() is not None and self.peek()[1] == ";":
                    self.take(";")
                    args.append(self.expression(1))
            self.take(")")
            self.nesting -= 1
            return self.checked(_node("call", value, *args))
        if value == "(":
            self.enter()
            node = self.expression(1)
            self.take(")")
            self.nesting -= 1
            return node
        raise self.fail(f"unexpected {value!r} at position {at}")


def parse_olca(text: str, where: str = "formula") -> _Node:
    """Parse openLCA formula text into a tree (internal nodes; see :func:`to_lca`, :func:`evaluate_olca`).

    Raises :class:`~lca.errors.FormulaError` naming *where* if the text is not a formula of
    openLCA's grammar, is longer than :data:`lca.formula.MAX_LENGTH` or nests too deep.

    >>> parse_olca("min(1, 2)", "process p: exchange 3")
    Traceback (most recent call last):
    lca.errors.FormulaError: process p: exchange 3: openLCA formula 'min(1, 2)': unexpected character ',' at position 6 (openLCA separates arguments with ';')
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError.at(where, "an openLCA formula must be a non-empty string")
    if len(text) > MAX_LENGTH:
        raise FormulaError.at(where, f"openLCA formula is longer than {MAX_LENGTH} characters")
    try:
        return _Parser(text, where).parse()
    except FormulaError as exc:
        if "','" in str(exc):
            raise FormulaError(f"{exc} (openLCA separates arguments with ';')") from None
        raise


# --------------------------------------------------------------------------- openLCA -> lca

_UNARY_LCA = {"abs": "abs", "sqrt": "sqrt", "exp": "exp", "ln": "log", "log": "log10", "lg": "log10",
              "sin": "sin", "cos": "cos"}
# functions of a fixed number of arguments lca writes otherwise: ({0}, {1}, ... the arguments)
_FIXED_LCA = {
    "sqr": "({0} ** 2)", "pow": "({0} ** {1})", "power": "({0} ** {1})",
    "tan": "(sin({0}) / cos({0}))", "cot": "(cos({0}) / sin({0}))", "cotan": "(cos({0}) / sin({0}))",
    "sinh": "((exp({0}) - exp(-({0}))) / 2)", "cosh": "((exp({0}) + exp(-({0}))) / 2)",
    "tanh": "((exp({0}) - exp(-({0}))) / (exp({0}) + exp(-({0}))))",
    "if": "({1} if {0} else {2})", "iif": "({1} if {0} else {2})", "iff": "({1} if {0} else {2})",
    "not": "(not {0})",
}
_UNSUPPORTED = ("ceil, floor, frac, int, trunc, round, ipower, random, rand, the inverse trigonometric functions, "
                "mod and div")


def to_lca(text: str, resolve: Callable[[str], str | None], where: str = "formula",
           choices: Mapping[str, Sequence[str]] | None = None) -> str:
    """openLCA formula text as ``lca`` formula text.

    Parameters
    ----------
    text : str
        The openLCA formula.
    resolve : callable
        The ``lca`` name of an openLCA parameter (given lower-cased), or None if there is none
        (then ``pi``, ``e``, ``true`` and ``false`` are openLCA's constants, as in openLCA).
    where : str, optional
        The item the formula belongs to, for the error message.
    choices : mapping of str to sequence of str, optional
        The options of the ``lca`` choice parameters (by ``lca`` name), whose openLCA value is the
        1-based index of an option: ``(name = k)`` becomes ``(name == 'option k')``, ``<>`` ``!=``.

    Returns
    -------
    str
        ``lca`` formula text (parse it with :func:`lca.formula.parse_formula`).

    Raises
    ------
    FormulaError
        If the text is malformed, names an unknown parameter, or uses what ``lca`` cannot
        express (``mod``, ``div``, rounding and integer functions, inverse trigonometry, random numbers).

    Examples
    --------
    >>> to_lca("-2^2 + sum(a; 2) * ln(b)", {"a": "a", "b": "b_2"}.get)
    '(((-2.0) ** 2.0) + ((a + 2.0) * log(b_2)))'
    >>> to_lca("floor(a)", {"a": "a"}.get, "parameter x")
    Traceback (most recent call last):
    lca.errors.FormulaError: parameter x: openLCA formula 'floor(a)': lca has no floor (no ceil, floor, frac, int, trunc, round, ipower, random, rand, the inverse trigonometric functions, mod and div)
    >>> to_lca("if(grid = 2; 3; 4)", {"grid": "grid"}.get, choices={"grid": ("de", "fr")})
    "(3.0 if (grid == 'fr') else 4.0)"
    """
    tree = parse_olca(text, where)
    choices = choices or {}

    def fail(message: str) -> FormulaError:
        return FormulaError.at(where, f"openLCA formula {text!r}: {message}")

    def choice(node: _Node) -> str | None:
        name = resolve(str(node.value)) if node.kind == "name" else None
        return name if name in choices else None

    def option(name: str, index: _Node) -> str:
        options = tuple(choices[name])
        k = float(index.value) if index.kind == "num" else math.nan
        if not (k.is_integer() and 1 <= k <= len(options)):
            raise fail(f"choice parameter {name!r} compared with {k if index.kind == 'num' else 'a formula'}, "
                       f"not the index of an option (1 to {len(options)}: {', '.join(options)})")
        return repr(options[int(k) - 1])

    def visit(node: _Node) -> str:
        if node.kind == "num":
            return repr(node.value)
        if node.kind == "name":
            name = resolve(node.value)
            if name is not None and name in choices:
                raise fail(f"choice parameter {name!r} may only be compared (= or <>) with the index of an option")
            if name is not None:
                return name
            if node.value in CONSTANTS:
                return constant(node.value)
            raise fail(f"unknown parameter {node.value!r}")
        if node.kind == "neg":
            return f"(-{visit(node.args[0])})"
        if node.kind == "op":
            op = node.value
            if op in ("=", "<>") and (choice(node.args[0]) or choice(node.args[1])):
                left, right = node.args if choice(node.args[0]) else node.args[::-1]
                name = choice(left)
                return f"({name} {_COMPARE_LCA[op]} {option(name, right)})"
            a, b = (visit(x) for x in node.args)
            if op in ("+", "-", "*", "/"):
                return f"({a} {op} {b})"
            if op == "^":
                return f"({a} ** {b})"
            if op in _COMPARE_LCA:
                return f"({a} {_COMPARE_LCA[op]} {b})"
            if op in ("&&", "||"):
                return f"({a} {'and' if op == '&&' else 'or'} {b})"
            if op == "xor":
                return f"(({a}) != ({b}))"
            raise fail(f"lca has no {op} (no {_UNSUPPORTED})")
        return call(node)

    def constant(name: str) -> str:
        value = CONSTANTS[name]
        return ("(0 == 0)" if value else "(0 != 0)") if isinstance(value, bool) else repr(value)

    def call(node: _Node) -> str:
        name, args = str(node.value), [visit(a) for a in node.args]

        def arity(*allowed: int) -> None:
            if len(args) not in allowed:
                raise fail(f"{name}() takes {' or '.join(map(str, allowed))} argument(s), got {len(args)}")

        if name in CONSTANTS:
            arity(0)
            return constant(name)
        if name in _UNARY_LCA:
            arity(1)
            return f"{_UNARY_LCA[name]}({args[0]})"
        if name in ("min", "max"):
            if not args:
                raise fail(f"{name}() needs an argument")
            return args[0] if len(args) == 1 else f"{name}({', '.join(args)})"
        if name in ("sum", "avg", "mean"):
            if not args:
                raise fail(f"{name}() needs an argument")
            total = f"({' + '.join(args)})"
            return total if name == "sum" else f"({total} / {len(args)})"
        if name in _FIXED_LCA:
            template = _FIXED_LCA[name]
            arity(len(set(re.findall(r"\{(\d)\}", template))))
            return template.format(*args)
        if name in ("and", "or"):
            if not args:
                raise fail(f"{name}() needs an argument")
            return f"({f' {name} '.join(args)})"
        raise fail(f"lca has no {name} (no {_UNSUPPORTED})")

    return visit(tree)


def olca_names_in(text: str, where: str = "formula") -> frozenset[str]:
    """The names an openLCA formula reads, lower-cased (``pi``, ``e``, ``true``, ``false`` too: a parameter may bind them).

    >>> sorted(olca_names_in("if(A > pi; b; 2)"))
    ['a', 'b', 'pi']
    """
    found, stack = set(), [parse_olca(text, where)]
    while stack:
        node = stack.pop()
        if node.kind == "name":
            found.add(str(node.value))
        stack.extend(node.args)
    return frozenset(found)


# --------------------------------------------------------------------------- openLCA's semantics


def evaluate_olca(text: str, parameters: Mapping[str, float | str] | None = None, where: str = "formula") -> float:
    """Evaluate openLCA formula text as openLCA does (Java doubles, typed booleans).

    Parameters
    ----------
    text : str
        The formula.
    parameters : mapping of str to float or str, optional
        Parameter values, or formulas of other parameters (evaluated when read; names are
        case-insensitive, as in openLCA).
    where : str, optional
        The item, for the error message.

    Returns
    -------
    float
        The formula's value.

    Raises
    ------
    FormulaError
        If the text is malformed, reads an unknown parameter, parameters read each other in a
        cycle, a value has the wrong type (a boolean in arithmetic), or the result is not a number.

    Examples
    --------
    >>> evaluate_olca("if(a > 1; 2; 3) + B", {"A": 2.0, "b": "a * 10"})
    22.0
    >>> evaluate_olca("7 mod -2"), evaluate_olca("7.6 div 2"), evaluate_olca("round(-2.5)")
    (1.0, 4.0, -2.0)
    """
    scope = {str(k).lower(): v for k, v in (parameters or {}).items()}
    values: dict[str, object] = {}
    active: list[str] = []

    def fail(message: str) -> FormulaError:
        return FormulaError.at(where, f"openLCA formula {text!r}: {message}")

    def variable(name: str) -> object:
        if name in values:
            return values[name]
        if name not in scope:
            if name in CONSTANTS:
                return CONSTANTS[name]
            raise fail(f"unknown parameter {name!r}")
        bound = scope[name]
        if isinstance(bound, str):
            if name in active:
                raise fail(f"parameters {' -> '.join(active + [name])} read each other in a cycle")
            active.append(name)
            values[name] = run(parse_olca(bound, f"{where}: parameter {name}"))
            active.pop()
        else:
            values[name] = float(bound)
        return values[name]

    def num(node: _Node) -> float:
        value = run(node)
        if isinstance(value, (bool, np.bool_)):
            raise fail("a boolean where a number is needed")
        return float(value)

    def boolean(node: _Node) -> bool:
        value = run(node)
        if not isinstance(value, (bool, np.bool_)):
            raise fail("a number where a boolean is needed")
        return bool(value)

    def run(node: _Node) -> object:
        if node.kind == "num":
            return float(node.value)
        if node.kind == "name":
            return variable(str(node.value))
        if node.kind == "neg":
            return -num(node.args[0])
        if node.kind == "op":
            return operator(str(node.value), *node.args)
        return call(str(node.value), node.args)

    def operator(op: str, a: _Node, b: _Node) -> object:
        if op in ("&&", "||", "xor"):
            x, y = boolean(a), boolean(b)
            return {"&&": x and y, "||": x or y, "xor": x != y}[op]
        if op in ("=", "<>"):
            x, y = run(a), run(b)
            same = type(x) is type(y) and x == y  # Java's equals: a number never equals a boolean
            return same if op == "=" else not same
        x, y = num(a), num(b)
        with np.errstate(all="ignore"):
            fx, fy = np.float64(x), np.float64(y)
            if op == "+":
                return float(fx + fy)
            if op == "-":
                return float(fx - fy)
            if op == "*":
                return float(fx * fy)
            if op == "/":
                return float(fx / fy)
            if op == "^":
                return float(np.power(fx, fy))
            if op == "mod":
                return float(np.fmod(fx, fy))
            if op == "div":
                divisor = _java_round(y)
                if divisor == 0:
                    raise fail("div by a number that rounds to 0")
                quotient = abs(_java_round(x)) // abs(divisor)
                return float(quotient if (_java_round(x) >= 0) == (divisor > 0) else -quotient)
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]

    def call(name: str, args: tuple[_Node, ...]) -> object:
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in ("if", "iif", "iff"):
            if len(args) != 3:
                raise fail(f"{name}() takes 3 arguments")
            return num(args[1]) if boolean(args[0]) else num(args[2])
        if name in ("and", "or"):
            flags = [boolean(a) for a in args]
            return all(flags) if name == "and" else any(flags)
        if name == "not":
            return not boolean(args[0]) if args else False
        numbers = [num(a) for a in args]
        if name in ("min", "max", "sum", "avg", "mean"):
            if not numbers:
                return 0.0
            return {"min": min, "max": max, "sum": _java_sum,
                    "avg": _java_avg, "mean": _java_avg}[name](numbers)
        if name in ("random", "rand"):
            raise fail(f"{name}() gives a random number: no fixed value to check")
        if name in ("pow", "power", "ipower"):
            if len(numbers) != 2:
                raise fail(f"{name}() takes 2 arguments")
            exponent = numbers[1] if name != "ipower" else float(_java_int(numbers[1]))
            with np.errstate(all="ignore"):
                return float(np.power(np.float64(numbers[0]), np.float64(exponent)))
        if len(numbers) != 1:
            raise fail(f"{name}() takes 1 argument")
        x = np.float64(numbers[0])
        with np.errstate(all="ignore"):
            unary = {"abs": np.abs, "ceil": np.ceil, "floor": np.floor, "sqrt": np.sqrt, "exp": np.exp,
                     "ln": np.log, "log": np.log10, "lg": np.log10, "sin": np.sin, "cos": np.cos, "tan": np.tan,
                     "asin": np.arcsin, "arcsin": np.arcsin, "acos": np.arccos, "arccos": np.arccos,
                     "atan": np.arctan, "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh}
            if name in unary:
                return float(unary[name](x))
            if name in ("cot", "cotan"):
                return float(1.0 / np.tan(x))
        if name == "sqr":
            return float(x * x)
        if name in ("int", "trunc"):
            return float(_java_int(float(x)))
        if name == "frac":
            return float(x - _java_int(float(x)))
        if name == "round":
            return float(_java_round(float(x)))
        raise fail(f"unknown function {name!r}")  # pragma: no cover (the parser knows them all)

    result = run(parse_olca(text, where))
    if isinstance(result, (bool, np.bool_)):
        raise fail("gives a boolean, not a number")
    return float(result)


def _java_sum(numbers: list[float]) -> float:
    total = 0.0
    for x in numbers:  # left to right, as Java's loop
        total += x
    return total


def _java_avg(numbers: list[float]) -> float:
    return _java_sum(numbers) / len(numbers)


def _java_int(x: float) -> int:
    """Java's ``(int) x``: toward zero, saturating at the int range, NaN as 0."""
    if math.isnan(x):
        return 0
    return int(max(-(2 ** 31), min(2 ** 31 - 1, math.trunc(x) if math.isfinite(x) else (2 ** 31 if x > 0 else -(2 ** 31)))))


def _java_round(x: float) -> int:
    """Java's ``Math.round``: floor(x + 1/2), saturating at the long range, NaN as 0."""
    if math.isnan(x):
        return 0
    if not math.isfinite(x):
        return 2 ** 63 - 1 if x > 0 else -(2 ** 63)
    return int(max(-(2 ** 63), min(2 ** 63 - 1, math.floor(x + 0.5))))
