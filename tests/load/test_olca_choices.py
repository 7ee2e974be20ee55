"""Choice parameters through openLCA, both ways: ``grid == 'fr'`` is ``(grid = 2)`` in openLCA
(the 1-based index of the option), and a parameter tagged as a choice by lca's export comes back
from ``lca import`` as a choice with its options; an untagged openLCA parameter stays a number.

The import cases edit the hand-built database of tests/olca_helpers.py (GWP 50/9 + 29.8 x 2/9 for
0.5 kg CO2 per kWh of power): its CO2 becomes ``if(grid = 2; 0.5; if(grid <> 3; 0.25; 0))`` kg,
``grid`` a choice of de (1), fr (2), pl (3) at fr. Solved by hand: fr 0.5 kg, GWP 109.6/9; de
0.25 kg, 25/9 + 59.6/9 = 84.6/9; pl no CO2, 59.6/9 kg CO2-eq.
"""

from __future__ import annotations

import json
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca import calculate, compile_model, load_study
from lca.errors import FormulaError
from lca.formula import evaluate_numeric, parse_formula
from lca.load.olca import CHOICE_TAG, read_olca_zip, write_import
from lca.load.olca_formula import evaluate_olca, to_lca, to_olca
from lca.load.study import with_parameters

from olca_helpers import hand_built

GRID = ("de", "fr", "pl")
CO2 = "if(grid = 2; 0.5; if(grid <> 3; 0.25; 0))"


def test_a_comparison_with_an_option_is_an_index_comparison_both_ways():
    formula = parse_formula("7 if 'pl' == grid else (2 if grid != 'de' else 5)")
    text = to_olca(formula, str, {"grid": GRID})
    assert text.text == "if((grid = 3); 7.0; if((grid <> 1); 2.0; 5.0))"  # the name first, 1-based
    back = to_lca(text.text, {"grid": "grid"}.get, choices={"grid": GRID})
    assert back == "(7.0 if (grid == 'pl') else (2.0 if (grid != 'de') else 5.0))"
    # an option index on the left reads the same
    assert to_lca("if(2 = grid; 1; 0)", {"grid": "grid"}.get, choices={"grid": GRID}) == \
        "(1.0 if (grid == 'fr') else 0.0)"


@pytest.mark.parametrize("text, problem", [
    ("if(grid = 4; 1; 0)", "compared with 4.0, not the index of an option (1 to 3: de, fr, pl)"),
    ("if(grid = 1.5; 1; 0)", "compared with 1.5, not the index of an option"),
    ("if(grid = a; 1; 0)", "compared with a formula, not the index of an option"),
    ("grid * 2", "may only be compared (= or <>) with the index of an option"),
    ("if(grid > 1; 1; 0)", "may only be compared (= or <>) with the index of an option"),
])
def test_a_choice_read_as_a_number_in_openlca_is_one_clear_error(text, problem):
    with pytest.raises(FormulaError, match=r"^exchange 3: openLCA formula .*" + problem.replace("(", r"\(")
                       .replace(")", r"\)").replace(".", r"\.")):
        to_lca(text, {"grid": "grid", "a": "a"}.get, "exchange 3", choices={"grid": GRID})


def test_an_option_that_is_not_the_choices_is_an_error_on_export():
    with pytest.raises(FormulaError, match="'it' is not an option of 'grid' \\(options: de, fr, pl\\)"):
        to_olca(parse_formula("1 if grid == 'it' else 0"), str, {"grid": GRID})


OPTIONS = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=6, unique=True)


@settings(max_examples=150, deadline=None)
@given(options=OPTIONS, data=st.data())
def test_every_option_evaluates_in_openlca_and_back_as_lca_evaluates_it(options, data):
    """The invariant: at every option k, openLCA's value of the exported text at index k, and lca's
    value of the text read back, are lca's value of the formula at option k."""
    first, second = data.draw(st.sampled_from(options)), data.draw(st.sampled_from(options))
    op = data.draw(st.sampled_from(["==", "!="]))
    formula = parse_formula(f"2.5 * (3 if c {op} '{first}' else (0.5 if '{second}' == c else -1)) + x")
    text = to_olca(formula, str, {"c": options}).text
    back = parse_formula(to_lca(text, {"c": "c", "x": "x"}.get, choices={"c": options}))
    for k in range(len(options)):
        expected = float(evaluate_numeric(formula, {"c": float(k), "x": 0.25}, {"c": tuple(options)}))
        assert evaluate_olca(text, {"c": k + 1.0, "x": 0.25}) == expected
        assert float(evaluate_numeric(back, {"c": float(k), "x": 0.25}, {"c": tuple(options)})) == expected


def _parameter(uid, name, value, tags=None, description=None, uncertainty=None):
    return {"@type": "Parameter", "@id": uid, "name": name, "value": value, "isInputParameter": True,
            "parameterScope": "GLOBAL_SCOPE", **({"tags": tags} if tags else {}),
            **({"description": description} if description else {}),
            **({"uncertainty": uncertainty} if uncertainty else {})}


CHOICE_TAGS = ["lca:grid", CHOICE_TAG, "lca:option:1:de", "lca:option:2:fr", "lca:option:3:pl"]


def with_choice(source, out, co2=CO2, extra=()):
    """The hand-built zip, its CO2 a formula of the choice ``grid`` (fr), with *extra* parameters."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = json.loads(zin.read(info))
            if info.filename.startswith("parameters/"):
                continue
            if data.get("name") == "electricity production, coal":
                for exchange in data["exchanges"]:
                    if exchange["internalId"] == 3:
                        exchange["amountFormula"] = co2
                        exchange.pop("uncertainty", None)
            zout.writestr(info.filename, json.dumps(data))
        zout.writestr("parameters/c-1.json", json.dumps(_parameter(
            "c-1", "grid", 2.0, CHOICE_TAGS, "lca choice parameter grid: 1 = de, 2 = fr, 3 = pl",
            {"distributionType": "UNIFORM_DISTRIBUTION", "minimum": 1, "maximum": 3})))
        for i, parameter in enumerate(extra):
            zout.writestr(f"parameters/x-{i}.json", json.dumps(parameter))
    return out


def test_a_tagged_parameter_is_imported_as_a_choice_and_solves_at_every_option(tmp_path):
    # a foreign parameter that looks like one in its description but has no tag: a number
    lookalike = _parameter("x-0", "region", 2.0, description="lca choice parameter region: 1 = a, 2 = b")
    path = with_choice(hand_built(tmp_path / "db.zip"), tmp_path / "choice.zip", extra=[lookalike])
    result = read_olca_zip(path)
    params = result.files["inventory.toml"]["parameters"]
    assert params["grid"]["value"] == "fr" and params["grid"]["options"] == list(GRID)
    assert "unit" not in params["grid"] and "uncertainty" not in params["grid"]
    assert params["region"]["value"] == 2.0 and "options" not in params["region"]
    (co2,) = result.files["inventory.toml"]["processes"]["electricity_production_coal"]["biosphere"]
    assert co2["amount"] == "((0.5 if (grid == 'fr') else (0.25 if (grid != 'pl') else 0.0)))"
    assert any("uniform" not in line and "the uncertainty of choice parameter 'grid' dropped" in line
               for line in result.report)
    write_import(result, tmp_path / "out")
    model = load_study(tmp_path / "out" / result.scenarios[0])
    for option, gwp in (("fr", 109.6 / 9), ("de", 84.6 / 9), ("pl", 59.6 / 9)):
        got = calculate(compile_model(with_parameters(model, {"grid": option}))).impacts["climate_change_gwp100"]
        assert got.value == pytest.approx(gwp, rel=1e-12), option


@pytest.mark.parametrize("tags, value, problem", [
    (["lca:grid", CHOICE_TAG, "lca:option:1:de", "lca:option:3:pl"], 1.0, "do not name options 1 to 2 once each"),
    (["lca:grid", CHOICE_TAG, "lca:option:1:de", "lca:option:2:de"], 1.0, "do not name options 1 to 2 once each"),
    (["lca:grid", CHOICE_TAG], 1.0, "it has no option tags (lca:option:K:OPTION)"),
    (CHOICE_TAGS, 4.0, "its value 4.0 is not the index of an option (1 to 3)"),
    (CHOICE_TAGS, 1.5, "its value 1.5 is not the index of an option (1 to 3)"),
])
def test_a_malformed_choice_tag_is_reported_and_the_parameter_stays_a_number(tmp_path, tags, value, problem):
    path = with_choice(hand_built(tmp_path / "db.zip"), tmp_path / "choice.zip", co2="0.5 * grid2",
                       extra=[_parameter("x-0", "grid2", value, tags)])
    result = read_olca_zip(path)
    params = result.files["inventory.toml"]["parameters"]
    (name,) = [n for n, p in params.items() if p["source"].startswith("openLCA parameter 'grid2'")]
    assert params[name]["value"] == value and "options" not in params[name]
    assert any(line.startswith(f"parameter 'grid2': tagged '{CHOICE_TAG}' but ") and problem in line
               and line.endswith(": imported as a number") for line in result.report)


def test_a_choice_compared_with_no_option_keeps_the_stored_value(tmp_path):
    path = with_choice(hand_built(tmp_path / "db.zip"), tmp_path / "choice.zip", co2="if(grid = 7; 1; 0)")
    result = read_olca_zip(path)
    (co2,) = result.files["inventory.toml"]["processes"]["electricity_production_coal"]["biosphere"]
    assert co2["amount"] == pytest.approx(0.5)  # the amount openLCA stored
    assert any("'grid' compared with 7.0, not the index of an option" in line and "imported as its value" in line
               for line in result.report)
