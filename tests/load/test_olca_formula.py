"""openLCA's formula language: hand-solved evaluations of its grammar's corners, translations
both ways, name mapping, clear errors for malformed text (fuzzed), and the property that an
lca formula written as openLCA text and read back evaluates as lca evaluates it."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lca.errors import FormulaError, LCAError
from lca.formula import MAX_DEPTH, evaluate_numeric, parse_formula
from lca.load.olca_formula import (
    MAX_NESTING,
    OLCA_NAME,
    RESERVED,
    evaluate_olca,
    olca_names,
    olca_names_in,
    parse_olca,
    to_lca,
    to_olca,
)
from olca_formula_cases import HAND  # tests/olca_formula_cases.py, shared with the check against openLCA

@pytest.mark.parametrize("text, bindings, value", HAND)
def test_hand_solved_evaluations(text, bindings, value):
    assert evaluate_olca(text, bindings) == pytest.approx(value, rel=1e-12, abs=1e-12)


# what lca translates: the same hand cases, evaluated by lca
TRANSLATED = [(t, b, v) for t, b, v in HAND if not any(isinstance(x, str) for x in b.values()) and not any(
    f in t.lower() for f in ("mod", "div", "round", "int(", "trunc", "frac", "ceil", "floor", "ipower"))]


@pytest.mark.parametrize("text, bindings, value", TRANSLATED)
def test_hand_cases_translated_to_lca(text, bindings, value):
    numbers = {k.lower(): v for k, v in bindings.items() if not isinstance(v, str)}
    formula = parse_formula(to_lca(text, lambda n: n if n in numbers else None))
    assert float(evaluate_numeric(formula, numbers)) == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_translations_to_lca():
    names = {"a": "a", "lifetime": "hardware_lifetime_years"}.get
    assert to_lca("-2^2", names) == "((-2.0) ** 2.0)"
    assert to_lca("2^3^2", names) == "((2.0 ** 3.0) ** 2.0)"
    assert to_lca("log(100)", names) == "log10(100.0)"
    assert to_lca("ln(a)", names) == "log(a)"
    assert to_lca("if(a>1; 2; 3)", names) == "(2.0 if (a > 1.0) else 3.0)"
    assert to_lca("LifeTime * 8760", names) == "(hardware_lifetime_years * 8760.0)"
    assert to_lca("a = 1 || a <> 2", names) == "((a == 1.0) or (a != 2.0))"
    assert to_lca("avg(a; 3)", names) == "((a + 3.0) / 2)"


@pytest.mark.parametrize("text, message", [
    ("a mod 2", "lca has no mod"),
    ("7 div a", "lca has no div"),
    ("round(a)", "lca has no round"),
    ("asin(a)", "lca has no asin"),
    ("rand()", "lca has no rand"),
    ("b + 1", "unknown parameter 'b'"),
    ("sqrt(a; 2)", r"sqrt\(\) takes 1 argument\(s\), got 2"),
    ("if(a; 1)", r"if\(\) takes 3 argument\(s\), got 2"),
])
def test_what_lca_cannot_express_is_one_clear_error(text, message):
    with pytest.raises(FormulaError, match=f"^process p: exchange 2: openLCA formula .*{message}"):
        to_lca(text, {"a": "a"}.get, "process p: exchange 2")


@pytest.mark.parametrize("text, message", [
    ("", "must be a non-empty string"),
    ("   ", "must be a non-empty string"),
    ("min(1, 2)", r"unexpected character ',' at position 6 \(openLCA separates arguments with ';'\)"),
    ("--2", "unexpected '-' at position 2"),
    ("2 +", "ends too early"),
    ("(1 + 2", "expected '\\)' at the end"),
    ("1 + 2)", r"unexpected '\)' at position 6"),
    ("2 a", "unexpected 'a' at position 3"),
    ("_x + 1", "unexpected character '_' at position 1"),
    ("x.y", r"unexpected character '\.' at position 2"),
    ("foo(1)", "unknown function 'foo' at position 1"),
    ("1 mod", "ends too early"),
    ("mod 1", "unexpected 'mod' at position 1"),
    ("(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1), f"deeper than {MAX_NESTING} levels"),
    ("+".join(["1"] * (MAX_DEPTH + 2)), f"nests deeper than {MAX_DEPTH} levels"),
    ("1" * 2001, "longer than 2000 characters"),
])
def test_malformed_formulas_are_one_clear_error(text, message):
    with pytest.raises(FormulaError, match=f"^parameter x: .*{message}"):
        parse_olca(text, "parameter x")


@pytest.mark.parametrize("text, bindings, message", [
    ("(a > 1) * 3", {"a": 2.0}, "a boolean where a number is needed"),
    ("if(a; 1; 2)", {"a": 2.0}, "a number where a boolean is needed"),
    ("a > 1", {"a": 2.0}, "gives a boolean, not a number"),
    ("b", {}, "unknown parameter 'b'"),
    ("a", {"a": "b + 1", "b": "a * 2"}, "parameters a -> b -> a read each other in a cycle"),
])
def test_evaluation_errors_name_the_problem(text, bindings, message):
    with pytest.raises(FormulaError, match=message):
        evaluate_olca(text, bindings)


def test_names_read():
    assert olca_names_in("if(A > pi; b_2; Max(c; 2))") == {"a", "pi", "b_2", "c"}


def test_invalid_reserved_and_colliding_names_are_renamed():
    names = olca_names(["hardware_lifetime_years", "_share", "e", "mod", "sum", "pi", "IF", "x2", "X2",
                        "~gpu.biosphere[2]", "2nd", "p_e"])
    assert names["hardware_lifetime_years"] == "hardware_lifetime_years"
    assert names["x2"] == "x2" and names["X2"] == "p_X2"  # case-insensitive: X2 would be x2
    assert names["_share"] == "p__share" and names["2nd"] == "p_2nd"
    assert names["~gpu.biosphere[2]"] == "p__gpu_biosphere_2_"
    assert names["e"] == "p_e_2"  # p_e is a name of its own, kept
    assert names["p_e"] == "p_e"
    assert names["mod"] == "p_mod" and names["pi"] == "p_pi"
    assert names["sum"] == "sum" and names["IF"] == "IF"  # openLCA tells a function by its "("
    assert len({n.lower() for n in names.values()}) == len(names)
    assert all(OLCA_NAME.match(n) and n.lower() not in RESERVED for n in names.values())
    assert olca_names(list(names)) == names  # deterministic


@given(st.lists(st.text(alphabet="abcAB_1~.xy", min_size=1, max_size=6), max_size=12))
def test_renamed_names_are_always_valid_and_distinct(raw):
    names = olca_names(raw)
    assert len({n.lower() for n in names.values()}) == len(names)
    assert all(OLCA_NAME.match(n) and n.lower() not in RESERVED for n in names.values())


def test_lca_to_openlca_text():
    read = {"a": "a", "h": "(h * 3600.0)"}.get
    assert to_olca(parse_formula("-a ** 2"), read).text == "(-(a ^ 2.0))"  # Python's ** binds tighter
    assert to_olca(parse_formula("2 ** 3 ** 2"), read).text == "(2.0 ^ (3.0 ^ 2.0))"  # and is right-associative
    assert to_olca(parse_formula("log(a) + log10(a)"), read).text == "(ln(a) + log(a))"
    assert to_olca(parse_formula("h * (a > 1)"), read).text == "((h * 3600.0) * if((a > 1.0); 1; 0))"
    assert to_olca(parse_formula("1 if a else 2"), read).text == "if((a <> 0); 1.0; 2.0)"
    # a chained comparison; a formula's value is a number, so a boolean result is converted
    assert to_olca(parse_formula("1 < a < 3"), read).text == "if(((1.0 < a) && (a < 3.0)); 1; 0)"
    assert evaluate_olca(to_olca(parse_formula("a % 3"), read).text, {"a": -7.0}) == -7.0 % 3


def test_choice_comparisons_are_written_as_option_indices():
    formula = parse_formula("2 if grid == 'fr' else (3 if 'de' != grid else 4)")
    text = to_olca(formula, str, {"grid": ("de", "fr", "pl")})
    assert text.text == "if((grid = 2); 2.0; if((grid <> 1); 3.0; 4.0))"
    assert text.choices == ("grid",)
    # de (1) -> 4, fr (2) -> 2, pl (3) -> 3, as lca computes at each option
    assert [evaluate_olca(text.text, {"grid": k}) for k in (1.0, 2.0, 3.0)] == [4.0, 2.0, 3.0]
    with pytest.raises(FormulaError, match="may only be compared to one of its options"):
        to_olca(parse_formula("grid * 2"), str, {"grid": ("de", "fr")})


# random text from the formula alphabet: never anything but the project's errors, never a hang
ALPHABET = "ab1.e+-*/^()<>=!&|;, ifmodxrnglpt_\t"


@settings(max_examples=400, deadline=2000)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_random_text_gives_a_value_or_a_clear_error(text):
    try:
        value = evaluate_olca(text, {"a": 1.5, "b": -2.0})
    except LCAError as exc:
        assert isinstance(exc, FormulaError) and str(exc).startswith("formula:")
        return
    assert isinstance(value, float)


@settings(max_examples=200, deadline=2000)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_random_text_translates_or_is_a_clear_error(text):
    try:
        translated = to_lca(text, {"a": "a", "b": "b"}.get)
    except FormulaError:
        return
    parse_formula(translated)  # what to_lca gives, lca parses (or says why not)


@settings(deadline=5000)
@given(st.integers(1, 3000))
def test_deep_text_is_bounded(depth):
    for text in ("(" * depth + "1" + ")" * depth, "-".join(["1"] * depth), "if(a>1;" * depth + "1" + ";2)" * depth):
        try:
            evaluate_olca(text[:3000], {"a": 2.0})
        except FormulaError:
            pass


# random lca formulas over three parameters
NAMES = ("a", "b", "c")


def _formulas():
    leaf = st.one_of(st.sampled_from(NAMES), st.floats(0.1, 50.0).map(lambda x: repr(round(x, 6))))

    def extend(inner):
        unary = st.tuples(st.sampled_from(["-({})", "abs({})", "sqrt(abs({}) + 1)", "log(abs({}) + 1)",
                                           "log10(abs({}) + 2)", "exp(min({}, 3))", "sin({})", "cos({})"]), inner)
        binary = st.tuples(st.sampled_from(["({} + {})", "({} - {})", "({} * {})", "({} / (abs({}) + 1))",
                                            "(abs({}) ** min(abs({}), 2))", "min({}, {})", "max({}, {})"]),
                           inner, inner)
        choice = st.tuples(st.sampled_from(["({} if {} > {} else {})", "where({} <= {}, {}, {})",
                                            "({} if ({} < {}) and not ({} == 1) else {})",
                                            "({} * ({} > 1 or {} < 2) + {})"]), inner, inner, inner, inner, inner)
        return st.one_of(
            unary.map(lambda t: t[0].format(t[1])),
            binary.map(lambda t: t[0].format(t[1], t[2]) if "/" not in t[0] and "**" not in t[0]
                       else t[0].format(t[1], t[2])),
            choice.map(lambda t: t[0].format(*t[1:t[0].count("{}") + 1])),
        )

    return st.recursive(leaf, extend, max_leaves=12)


@settings(max_examples=300, deadline=5000)
@given(_formulas(), st.floats(-5, 5), st.floats(0.1, 5), st.floats(-3, 3))
def test_translated_formulas_evaluate_as_lca_does(text, a, b, c):
    formula = parse_formula(text)
    values = {"a": a, "b": b, "c": c}
    expected = float(evaluate_numeric(formula, values))
    assume(math.isfinite(expected))
    olca = to_olca(formula, str).text
    assert evaluate_olca(olca, values) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    back = parse_formula(to_lca(olca, {n: n for n in NAMES}.get))  # and read back into lca
    assert float(evaluate_numeric(back, values)) == pytest.approx(expected, rel=1e-12, abs=1e-300)
