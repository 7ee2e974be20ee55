"""openLCA formulas whose values were solved by hand from openLCA's grammar and functions
(tests/load/test_olca_formula.py, and against openLCA's interpreter in test_olca_formula_reference.py)."""

from __future__ import annotations

import math

# (openLCA text, bindings, value): solved by hand from openLCA's grammar and functions
HAND = [
    ("-2^2", {}, 4.0),  # the sign binds tighter than ^
    ("2^3^2", {}, 64.0),  # ^ is left-associative: (2^3)^2
    ("-2^3^2", {}, 64.0),
    ("2*-3", {}, -6.0),
    ("2^-1", {}, 0.5),
    ("log(100)", {}, 2.0),  # base 10
    ("lg(1000)", {}, 3.0),
    ("ln(e)", {}, 1.0),
    ("if(a > 1; 2; 3)", {"a": 2.0}, 2.0),
    ("if(a > 1; 2; 3)", {"a": 1.0}, 3.0),
    ("IF(A > 1; 2; 3)", {"a": 2.0}, 2.0),  # openLCA lower-cases the whole formula
    ("iif(a = 2 && b <> 3; 1; 0)", {"a": 2.0, "b": 4.0}, 1.0),
    ("iff(a == 2 & b != 4 | true; 5; 6)", {"a": 2.0, "b": 4.0}, 5.0),
    ("if(true xor false; 1; 0)", {}, 1.0),
    ("if(not(a < 1); 10; 20)", {"a": 2.0}, 10.0),
    ("if(and(a > 1; a < 3); 1; 0) + if(or(a > 5; false); 1; 0)", {"a": 2.0}, 1.0),
    ("1 + 2 * 3 - 4 / 8", {}, 6.5),
    ("min(4; 2; 3) + max(1; 5) * avg(1; 2; 3) + mean(2; 4) + sum(1; 2; 3)", {}, 2 + 5 * 2 + 3 + 6),
    ("sqr(3) + sqrt(16) + abs(-2) + pow(2; 10) + power(3; 2) + ipower(2; 3.9)", {}, 9 + 4 + 2 + 1024 + 9 + 8),
    ("7 mod 3 + 7 div 2", {}, 1 + 3),  # div rounds both sides (Java's Math.round), then truncates
    ("-7 mod 3", {}, -1.0),  # Java's %: the sign of the dividend
    ("7.6 div 2", {}, 4.0),
    ("round(2.5) + round(-2.5) + int(-2.7) + trunc(2.7) + frac(2.75)", {}, 3 - 2 - 2 + 2 + 0.75),
    ("ceil(1.2) + floor(-1.2)", {}, 2 - 2),
    ("pi", {}, math.pi),
    ("2 * PI", {}, 2 * math.pi),
    ("exp(1) - e", {}, 0.0),
    ("1e3 + .5 + 2. + 1.5E-1", {}, 1002.65),
    ("Lifetime * 2", {"LIFETIME": 4.0}, 8.0),  # names are case-insensitive
    ("b + 1", {"a": 2.0, "B": "a * 10"}, 21.0),  # a dependent parameter is evaluated when read
    ("e * 2", {"e": 3.0}, 6.0),  # a bound name shadows a constant, as in openLCA
    ("sin(0) + cos(0) + tan(0) + cot(pi / 4)", {}, 2.0),
    ("sinh(1) + cosh(1) + tanh(0)", {}, math.e),  # sinh x + cosh x = e^x
]
