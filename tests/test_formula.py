"""lca.formula: the safe formula evaluator, its whitelist, and unit errors in formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from studies import HEAD, PROCESS_A

import lca
from lca.errors import FormulaError
from lca.formula import evaluate_numeric, evaluate_units, parse_formula
from lca.units import Quantity


def test_unsafe_formula_is_rejected(study):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "__import__(\'os\').getcwd()", unit = "kg" }]\n')
    with pytest.raises(lca.FormulaError, match=r"processes\.a\.biosphere\[0\]\.amount: .*not allowed"):
        lca.load_study(path)


def test_unknown_name_in_formula(study):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "nope * 2", unit = "kg" }]\n')
    with pytest.raises(lca.FormulaError, match=r"processes\.a\.biosphere\[0\] \(co2\): unknown name 'nope'"):
        lca.load_study(path)


def test_formula_vectorized_matches_units():
    formula = parse_formula("n * max(p, p_min) * h * (pue if pue > 1 else 1) * sqrt(a) / 2")
    q = evaluate_units(formula, {"n": Quantity(8, ""), "p": Quantity(300, "W"), "p_min": Quantity(0.1, "kW"),
                                 "h": Quantity(2, "h"), "pue": Quantity(1.1, ""), "a": Quantity(4, "")})
    assert q.to("kWh").magnitude == pytest.approx(5.28)
    # the numeric core runs in root units: W, s
    values = evaluate_numeric(formula, {"n": 8.0, "p": np.array([300.0, 50.0]), "p_min": 100.0, "h": 7200.0,
                                        "pue": np.array([1.1, 0.9]), "a": 4.0})
    assert values == pytest.approx([8 * 300 * 7200 * 1.1, 8 * 100 * 7200 * 1.0])


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "call to '__import__' is not allowed"),
    ("x.real", "Attribute is not allowed"),
    ("x[0]", "Subscript is not allowed"),
    ("(lambda: 1)()", "not allowed"),
    ("[x for x in y]", "ListComp is not allowed"),
    ("max(x)", "needs at least two arguments"),
    ("exp(x, y)", "takes 1 argument"),
    ("x if", "cannot parse formula"),
    ("True", "constant True is not allowed"),
    ("min(x=1, y=2)", "keyword or starred arguments are not allowed"),
    ("-" * 1990 + "1", "nests deeper than 100 levels"),
])
def test_formula_whitelist(text, message):
    with pytest.raises(FormulaError, match=message):
        parse_formula(text, "where")


def test_formula_unit_errors():
    q = {"p": Quantity(1, "W"), "h": Quantity(1, "h")}
    with pytest.raises(FormulaError, match="dimension error in formula 'p \\+ h'"):
        evaluate_units(parse_formula("p + h"), q)
    with pytest.raises(FormulaError, match="exp\\(\\) needs a dimensionless argument"):
        evaluate_units(parse_formula("exp(p)"), q)
    with pytest.raises(FormulaError, match="branches"):
        evaluate_units(parse_formula("p if 1 > 0 else h"), q)
    with pytest.raises(FormulaError, match="'XX' is not an option of 'region'"):
        evaluate_units(parse_formula("1 if region == 'XX' else 0"), q, {"region": (("TW", "US"), "TW")})


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=20),
       st.floats(min_value=0.1, max_value=10))
def test_numeric_evaluation_is_elementwise(xs, k):
    formula = parse_formula("x * k + abs(x) - min(x, k)")
    arr = np.array(xs)
    vector = evaluate_numeric(formula, {"x": arr, "k": k})
    scalar = [float(evaluate_numeric(formula, {"x": x, "k": k})) for x in xs]
    assert vector == pytest.approx(scalar, rel=1e-12, abs=1e-9)
