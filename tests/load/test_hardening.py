"""Hardening of the loader (issue 14): each malformed input gives one LCAError naming the
file, the item and the problem, instead of a traceback, a hang or a silently wrong model."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from hardening_inputs import HEAD, PROCESS_A

import lca
from lca.formula import evaluate_numeric, evaluate_units, parse_formula
from lca.load.tables import MAX_FILE_BYTES, MAX_NESTING, read_toml
from lca.units import MAX_EXPONENT, parse_unit, ureg

# -- (a) tracebacks -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["sqrt(-1)", "(x - 2) ** 0.5", "(-8) ** (1/3)"])
def test_fractional_power_of_a_negative_number_names_the_formula(text):
    formula, where = parse_formula(text), "study.toml: parameters.y.formula"
    with pytest.raises(lca.FormulaError, match=r"parameters\.y\.formula: a fractional power \(or sqrt\) of a "
                       r"negative number has no real value in formula"):
        evaluate_units(formula, {"x": ureg.Quantity(1.0, "")}, where=where)
    # the numeric path gives no complex number either: an error on floats, NaN (reported by
    # the engine, naming the entry) inside arrays of Monte Carlo samples
    if "**" in text:
        with pytest.raises(lca.FormulaError, match=r"parameters\.y\.formula: .*no real value"):
            evaluate_numeric(formula, {"x": 1.0}, where=where)
    if "x" in text:
        assert np.isnan(evaluate_numeric(formula, {"x": np.array([1.0, 6.0])}, where=where)[0])


def test_fractional_power_of_a_positive_number_still_works():
    assert evaluate_units(parse_formula("(x - 2) ** 0.5"), {"x": ureg.Quantity(6.0, "")}).magnitude == 2.0
    assert evaluate_units(parse_formula("sqrt(x)"), {"x": ureg.Quantity(9.0, "m**2")}) == ureg.Quantity(3.0, "m")


def test_negative_power_in_a_parameter_is_an_error_at_load(study):
    path = study(HEAD + PROCESS_A + '[parameters.x]\nvalue = 1\n[parameters.y]\nformula = "(x - 2) ** 0.5"\n')
    with pytest.raises(lca.FormulaError, match=r"study\.toml: parameters\.y\.formula: .*no real value.*'\(x - 2\) \*\* 0\.5'"):
        lca.load_study(path)


def test_formula_overflowing_to_infinity_is_an_error_naming_it(study):
    path = study(HEAD + PROCESS_A + '[parameters.x]\nvalue = 1e300\n[parameters.y]\nformula = "x * x"\n')
    with pytest.raises(lca.FormulaError, match=r"parameters\.y\.formula: formula 'x \* x' gives inf \(not a finite"):
        lca.load_study(path)


def test_long_include_name_is_an_error_not_oserror(study):
    path = study(HEAD + PROCESS_A, header='include = ["base.toml", "gwp.toml", "' + "x" * 5000 + '.toml"]\n')
    with pytest.raises(lca.FileFormatError, match=r"study\.toml: include: .*\(5005 characters\)") as info:
        lca.load_study(path)
    assert len(str(info.value)) < 500  # the name is shortened, not echoed whole


def test_deep_nesting_is_an_error_not_recursion(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(lca.FileFormatError, match=rf"deep\.toml: tables or arrays nest deeper than {MAX_NESTING}"):
        read_toml(path)
    moderate = tmp_path / "moderate.toml"
    moderate.write_text("x = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n")
    with pytest.raises(lca.FileFormatError, match="nest deeper"):
        read_toml(moderate)
    ok = tmp_path / "ok.toml"
    ok.write_text("x = " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1) + "\n")
    assert "x" in read_toml(ok)


# -- (b) hangs and exhaustion ---------------------------------------------------------------

def test_device_is_refused_without_reading(study):
    path = study(HEAD + PROCESS_A, header='include = ["/dev/zero"]\n')
    with pytest.raises(lca.FileFormatError, match=r"/dev/zero: not a regular file .*\(included by \S*study\.toml\)"):
        lca.load_study(path, allow_outside=True)  # past the project-root rule, the read itself refuses


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_refused_without_blocking(study, tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    path = study(HEAD + PROCESS_A, header='include = ["pipe.toml"]\n')
    with pytest.raises(lca.FileFormatError, match=r"pipe\.toml: not a regular file"):
        lca.load_study(path)


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:  # sparse: no need to write the bytes
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(lca.FileFormatError, match=r"big\.toml: file is 16\.0 MiB, larger than the 16 MiB limit"):
        read_toml(path)


@pytest.mark.parametrize("text", ["10**10**10 W", "10^10^10 W", "(10**20)**20 W", "W**1000", "kg**-13"])
def test_unit_with_a_huge_power_is_refused_before_pint_evaluates_it(text):
    with pytest.raises(lca.UnitError, match=rf"flows\.x\.unit: .*a power in a unit must be a unit to a number of "
                       rf"at most {MAX_EXPONENT}"):
        parse_unit(text, "flows.x.unit")


@pytest.mark.parametrize("text, expected", [("m**3", "meter ** 3"), ("s**-2", "1 / second ** 2"),
                                            ("kg m^2/s^3", "kilogram * meter ** 2 / second ** 3"),
                                            ("kg**0.5", "kilogram ** 0.5")])
def test_ordinary_powers_in_units_still_parse(text, expected):
    assert str(parse_unit(text)) == expected


def test_unit_in_a_study_file_with_a_huge_power_names_the_item(study):
    path = study(HEAD + PROCESS_A.replace('unit = "kg"\nstage', 'unit = "10**10**10 kg"\nstage'))
    with pytest.raises(lca.UnitError, match=r"study\.toml: processes\.a\.unit: '10\*\*10\*\*10 kg': a power"):
        lca.load_study(path)


# -- (e) unclear errors ---------------------------------------------------------------------

def test_error_in_an_included_file_names_the_include(study, tmp_path):
    (tmp_path / "lib.toml").write_text('[processes.b]\nunit = "kg"\nsource = "t"\n'
                                       'biosphere = [{ flow = "co2", amount = 1, unit = "kWh" }]\n')
    (tmp_path / "bad_toml.toml").write_text("[processes.c\n")
    path = study(HEAD + PROCESS_A, header='include = ["base.toml", "gwp.toml", "lib.toml"]\n')
    with pytest.raises(lca.UnitError, match=r"lib\.toml: processes\.b\.biosphere\[0\] .*\(included by \S*study\.toml\)"):
        lca.load_study(path)
    path = study(HEAD + PROCESS_A, header='include = ["base.toml", "gwp.toml", "bad_toml.toml"]\n')
    with pytest.raises(lca.FileFormatError, match=r"bad_toml\.toml: invalid TOML: .*\(included by \S*study\.toml\)"):
        lca.load_study(path)


def test_missing_study_table_says_so(study):
    text = (HEAD + PROCESS_A).replace('[study]\nname = "hardening"\nfunctional_unit = "1 kg"\n', "")
    (study("").parent / "lib.toml").write_text("[parameters.x]\nvalue = 1\n")
    path = study(text + "[parameters]\nx = 2\n", header='include = ["base.toml", "gwp.toml", "lib.toml"]\n')
    with pytest.raises(lca.FileFormatError, match=r"study\.toml: a scenario needs a \[study\] table"):
        lca.load_study(path)


# -- (c) wrong results with exit 0 ----------------------------------------------------------

def test_value_and_formula_together_in_a_study_override_is_an_error(study, tmp_path):
    (tmp_path / "lib.toml").write_text("[parameters.x]\nvalue = 1.0\n")
    path = study(HEAD + PROCESS_A + '[parameters]\nx = { value = 1.2, formula = "1.3" }\n',
                 header='include = ["base.toml", "gwp.toml", "lib.toml"]\n')
    with pytest.raises(lca.ParameterError, match=r"study\.toml: parameters\.x: give exactly one of 'value' or "
                       r"'formula' \(both are given\)"):
        lca.load_study(path)


# -- parameter bounds (min/max inclusive, above/below strict) ----------------------------------

BOUNDED = '''
[parameters.pue]
value = 1.1
min = 1
[parameters.n_chips]
value = 8
min = 1
[parameters.hours]
value = 2
unit = "h"
above = 0
[parameters.energy]
formula = "n_chips * hours * pue"
unit = "h"
max = 100
'''


def test_bounds_accept_values_inside(study):
    model = lca.load_study(study(HEAD + BOUNDED + PROCESS_A))
    assert model.parameters["pue"].bounds == lca.model.Bounds(minimum=1.0)
    # a value exactly on an inclusive bound is inside
    assert lca.with_parameters(model, {"pue": 1.0}).parameters["pue"].value == 1.0


@pytest.mark.parametrize("name, value, problem", [
    ("pue", -1, "'pue' is -1, below its min 1"),
    ("n_chips", 0, "'n_chips' is 0, below its min 1"),
    ("hours", 0, "'hours' is 0; it must be above 0"),
    ("hours", "-30 min", "'hours' is -0.5; it must be above 0"),
])
def test_override_outside_the_bounds_is_an_error(study, name, value, problem):
    model = lca.load_study(study(HEAD + BOUNDED + PROCESS_A))
    with pytest.raises(lca.ParameterError, match=f"--set {name}: " + problem.replace("(", r"\(")):
        lca.with_parameters(model, {name: value}, "--set")


def test_definition_outside_its_own_bounds_is_an_error(study):
    path = study(HEAD + BOUNDED.replace("value = 1.1\nmin = 1", "value = 0.9\nmin = 1") + PROCESS_A)
    with pytest.raises(lca.ParameterError, match=r"study\.toml: parameters\.pue: 'pue' is 0\.9, below its min 1"):
        lca.load_study(path)


def test_formula_result_outside_the_bounds_is_an_error(study):
    model = lca.load_study(study(HEAD + BOUNDED + PROCESS_A))
    with pytest.raises(lca.ParameterError, match=r"parameters\.energy\.formula \('n_chips \* hours \* pue'\): "
                       r"'energy' is 176, above its max 100"):
        lca.with_parameters(model, {"n_chips": 80})


def test_bounds_follow_an_override_in_another_unit(study, tmp_path):
    (tmp_path / "lib.toml").write_text('[parameters.hours]\nvalue = 2\nunit = "h"\nmax = 10\n')
    ok = study(HEAD + PROCESS_A + '[parameters]\nhours = { value = 300, unit = "min" }\n',
               header='include = ["base.toml", "gwp.toml", "lib.toml"]\n')
    assert lca.load_study(ok).parameters["hours"].bounds.maximum == pytest.approx(600.0)
    bad = study(HEAD + PROCESS_A + '[parameters]\nhours = { value = 660, unit = "min" }\n',
                header='include = ["base.toml", "gwp.toml", "lib.toml"]\n')
    with pytest.raises(lca.ParameterError, match=r"parameters\.hours: 'hours' is 660, above its max 600"):
        lca.load_study(bad)


def test_bounded_distribution_must_stay_inside_the_bounds(study):
    path = study(HEAD + BOUNDED.replace("min = 1\n[parameters.n_chips]",
                                        'min = 1\nuncertainty = { distribution = "uniform", min = 0.9, max = 1.3 }\n'
                                        "[parameters.n_chips]") + PROCESS_A)
    with pytest.raises(lca.ParameterError, match=r"parameters\.pue\.uncertainty: min 0\.9 is outside the bounds of "
                       r"'pue' \(min = 1\)"):
        lca.load_study(path)


@pytest.mark.parametrize("keys, message", [("min = 2\nmax = 1", "bounds min = 2, max = 1 leave no value"),
                                           ("above = 1\nbelow = 1", "bounds above = 1, below = 1 leave no value"),
                                           ('min = "one"', "parameters.pue.min: expected a number")])
def test_malformed_bounds_are_errors(study, keys, message):
    path = study(HEAD + BOUNDED.replace("value = 1.1\nmin = 1", f"value = 1.1\n{keys}") + PROCESS_A)
    with pytest.raises(lca.LCAError, match=message.replace(".", r"\.")):
        lca.load_study(path)


def test_shipped_key_parameters_declare_bounds():
    model = lca.load_study("lca:scenarios/llm_training_lifecycle.toml")
    assert model.parameters["pue"].bounds.minimum == 1.0
    assert model.parameters["n_accelerators"].bounds.minimum == 1.0
    assert model.parameters["training_days"].bounds.above == 0.0
    strubell = lca.load_study("lca:scenarios/strubell2019_bert_base.toml")
    for name, value in (("pue", -1), ("n_chips", 0), ("duration", -5)):
        with pytest.raises(lca.ParameterError, match=f"--set {name}: '{name}' is {value}"):
            lca.with_parameters(strubell, {name: value}, "--set")


# -- every option of a choice selects a complete system ----------------------------------------

SELECTOR = '''
[parameters.chip]
value = "small"
options = ["small", "large", "OPTIONS"]
[parameters.cooling]
value = "evaporative"
options = ["evaporative", "dry"]

[processes.small_server]
unit = "item"
source = "t"
biosphere = [{ flow = "co2", amount = 100, unit = "kg" }]
[processes.large_server]
unit = "item"
source = "t"
biosphere = [{ flow = "co2", amount = 300, unit = "kg" }]
[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
technosphere = [
  { product = "small_server", amount = '2 * (1 if chip == "small" else 0)', unit = "item" },
  { product = "large_server", amount = '1 if chip == "large" else 0', unit = "item" },
]
biosphere = [
  { flow = "co2", amount = '5 if cooling == "evaporative" else 0', unit = "kg" },
  { flow = "water", amount = '0.1 if cooling == "evaporative" else 0', unit = "m3" },
]
'''


def test_option_no_formula_handles_is_an_error_even_when_not_selected(study):
    path = study(HEAD + SELECTOR.replace('"OPTIONS"', '"tpu_v9"'))
    with pytest.raises(lca.ModelError, match=r"study\.toml: processes\.a: option 'tpu_v9' of parameter 'chip' "
                       r"\(\S*study\.toml: parameters\.chip\) selects none of the inputs small_server, large_server"):
        lca.load_study(path)


def test_options_that_all_select_load_and_give_the_hand_solved_results(study):
    # the selector has no third option; cooling "dry" switching both exchanges off is a real choice
    model = lca.load_study(study(HEAD + SELECTOR.replace(', "OPTIONS"', "")))
    results = {(chip, cooling): lca.calculate(lca.with_parameters(model, {"chip": chip, "cooling": cooling}))
               .impacts["climate_change"].value for chip in ("small", "large") for cooling in ("evaporative", "dry")}
    assert results == pytest.approx({("small", "evaporative"): 205.0, ("small", "dry"): 200.0,
                                     ("large", "evaporative"): 305.0, ("large", "dry"): 300.0})


def test_flagship_with_an_unhandled_accelerator_is_an_error(tmp_path):
    from lca.load.resources import shipped

    text = shipped("lca:scenarios/llm_training_lifecycle.toml").read_text()
    text = re.sub(r'(options = \["v100", [^\]]*)\]', r'\1, "tpu_v9"]', text, count=1)
    assert '"tpu_v9"' in text
    path = tmp_path / "flagship.toml"
    path.write_text(text.replace('"../inventories/', '"lca:'))
    with pytest.raises(lca.ModelError, match="option 'tpu_v9' of parameter 'accelerator' .* selects none of the "
                       "inputs server_dgx1_v100, server_dgx_a100_40gb, server_dgx_a100_80gb, server_dgx_h100, "):
        lca.load_study(path, overrides={"accelerator": "tpu_v9"})


@pytest.mark.parametrize("include", ['""', '"."', '["/tmp"]'])
def test_include_of_a_directory_is_an_error(study, include):
    # found by the fuzzer: an empty include name is the study's own folder
    path = study(HEAD + PROCESS_A, header=f"include = {include}\n")
    with pytest.raises(lca.FileFormatError, match=r": is a directory, not a TOML file \(included by \S*study\.toml\)"):
        lca.load_study(path, allow_outside=True)  # /tmp is outside the study's folder


def test_split_coproduct_process_can_be_named_in_the_demand(tmp_path):
    # P makes 2 kg of a and 3 kg of b (10 kg CO2-eq, mass partition: 2 kg CO2-eq per kg);
    # another process also makes b, so the demand must name the split process p__b
    from conftest import write_study

    path = write_study(tmp_path, HEAD.replace("a = 1", "{demand}") + '''
[processes.p]
reference_product = "a"
amount = 2
unit = "kg"
source = "test"
allocation = "mass"
coproducts = [{ product = "b", amount = 3, unit = "kg" }]
properties = { mass = { a = 1, b = 1 } }
biosphere = [{ flow = "ghg", amount = 10, unit = "kg CO2-eq" }]
[processes.other_b]
reference_product = "b"
unit = "kg"
source = "test"
biosphere = [{ flow = "ghg", amount = 7, unit = "kg CO2-eq" }]
''')
    text = path.read_text()
    path.write_text(text.replace("{demand}", "p__b = 3"))
    model = lca.load_study(path)
    assert lca.calculate(model).impacts["climate_change"].value == pytest.approx(6.0)
    path.write_text(text.replace("{demand}", "b = 3"))
    with pytest.raises(lca.AmbiguousProviderError, match=r"demand\.b: 2 processes make 'b' \(other_b, p__b\); name the process"):
        lca.calculate(lca.load_study(path))


def test_include_of_a_foreign_toml_file_does_not_echo_its_keys(study, tmp_path):
    (tmp_path / "secrets.toml").write_text('api_token = "s3cr3t"\n[database]\npassword = "hunter2"\n')
    path = study(HEAD + PROCESS_A, header='include = ["base.toml", "secrets.toml"]\n')
    with pytest.raises(lca.FileFormatError, match=r"secrets\.toml: not an lca inventory or method file \(none of its "
                       r"2 top-level keys") as info:
        lca.load_study(path)
    assert "api_token" not in str(info.value) and "database" not in str(info.value)
