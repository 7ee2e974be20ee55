"""A seeded mutation fuzzer over small studies, inventories, methods, units and formulas (issue 14).

A small valid study (an inventory with flows, parameters of every kind and two processes, a
method, a study overriding a parameter) is a template of slots; hypothesis fills each slot with
its valid text or a hostile one (non-finite and huge numbers, fractional powers of negatives,
huge unit powers, devices, deep nesting, wrong types, ...), then may cut, drop or repeat lines.
Every mutant goes through ``lca.cli.main`` with one of the commands, and must end with exit 0
and finite output, or exit 2 with one ``error:`` line; never an exception (a traceback), never
over 10 s. Derandomized: CI runs the same mutants each time (``LCA_FUZZ_EXAMPLES`` raises
their number for a longer run by hand).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lca.cli import main
from lca.errors import LCAError
from lca.formula import evaluate_units, parse_formula
from lca.load.resources import shipped
from lca.units import parse_unit, ureg

from fuzz_contract import check

EXAMPLES = int(os.environ.get("LCA_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

LIB = '''
[flows.co2]
compartment = "air"
unit = {flow_unit}

[parameters.n]
value = {n}
unit = ""
min = 1

[parameters.power]
value = {power}
unit = {power_unit}
uncertainty = {uncertainty}

[parameters.hours]
value = 10
unit = "h"
above = 0

[parameters.energy]
formula = {formula}
unit = "kWh"

[parameters.grid]
value = {choice}
options = ["tw", "us"]

[processes.electricity]
unit = "kWh"
source = "t"
biosphere = [{{ flow = "co2", amount = {intensity}, unit = "kg" }}]

[processes.training]
unit = "item"
stage = "use"
source = "t"
technosphere = [{{ product = "electricity", amount = {technosphere}, unit = {technosphere_unit} }}]
'''

METHOD = '''
[method]
id = "gwp"
category = "climate_change"
unit = "kg CO2-eq"

[[factors]]
flow = "co2"
value = {factor}
unit = {factor_unit}
'''

STUDY = '''
include = {include}

[study]
name = "fuzz"
functional_unit = "one training run"

[demand]
training = {demand}

[parameters]
hours = {override}
'''

# The valid text of each slot: the template then is a study whose climate change score is
# n * power * hours * intensity = 8 * 300 W * 12 h * 0.5 kg/kWh = 14.4 kg CO2-eq.
VALID = {
    "flow_unit": '"kg"', "n": "8", "power": "300", "power_unit": '"W"',
    "uncertainty": '{ distribution = "lognormal", gsd = 1.2 }', "formula": '"n * power * hours"',
    "choice": '"tw"', "intensity": '\'0.5 if grid == "tw" else 0.4\'', "technosphere": '"energy"',
    "technosphere_unit": '"kWh"', "factor": "1", "factor_unit": '"kg CO2-eq/kg"',
    "include": '["lib.toml", "gwp.toml"]', "demand": "1", "override": "12",
}

HOSTILE = [
    # numbers
    "0", "-1", "1e308", "-1e308", "nan", "inf", "-inf", "1e-320", "2", "0.5", "true", "1979-05-27T07:32:00Z",
    # wrong types
    '"x"', '""', "[]", "{}", "[1, 2]", '{ value = 1.2, formula = "1.3" }', '{ value = -1 }', '{ formula = "n" }',
    '{ value = 5, unit = "min" }', '{ value = 1, unit = "kg" }',
    # formulas
    '"sqrt(-1)"', '"(n - 100) ** 0.5"', '"1 / 0"', '"n / (hours - hours)"', '"10 ** 10 ** 10"', '"exp(1000)"',
    '"log(-1)"', '"__import__(\'os\')"', '"n.real"', '"' + "n+" * 1200 + 'n"', '"' + "(" * 150 + "n" + ")" * 150 + '"',
    '"grid"', "'grid == \"fr\"'", '"unknown_name"', '"n * power"', '"-energy"', '"energy * 1e300"', '"power ** 9"',
    "'1 if grid == \"us\" else 0'",
    # units
    '"10**10**10 W"', '"kg**99"', '"degC"', '"m/"', '"1e308 W"', '"kg CO2-eq/"', '"W"', '"kWh"', '"kg"', '"item"',
    '"parsec"', '"' + "m*" * 120 + 'm"', '"(((kg"', '"kg^-13"',
    # uncertainties
    '{ distribution = "lognormal", sigma = 1e308 }', '{ distribution = "normal", sd = 1e308 }',
    '{ distribution = "uniform", min = 5, max = 1 }', '{ distribution = "triangular", min = 0, max = 1e308 }',
    '{ distribution = "discrete", values = [] }', '{ distribution = "pert", min = -1e308, max = 1e308 }',
    "{ pedigree = [9, 9, 9, 9, 9] }", "{ pedigree = [1, 1, 1, 1, 1], basic_gsd = 1e300 }",
    '{ distribution = "normal", sd = 1000 }',
    # includes
    '["/dev/zero"]', '["lib.toml", "lib.toml"]', '["' + "x" * 5000 + '"]', '["../../../../etc/passwd"]',
    '["study.toml"]', '["lib.toml"]', '"lib.toml"', "[1]", '["lib.toml", "gwp.toml", "/dev/null"]', '["."]',
    # demand
    '{ amount = 1, unit = "kg" }', '{ amount = "n" }', '{ amount = 1e300 }',
    # nesting
    "[" * 3000 + "]" * 3000, "[" * 40 + "]" * 40,
]


@st.composite
def mutants(draw) -> dict[str, str]:
    """The three files of a study with some slots hostile and maybe a line cut, dropped or doubled."""
    # one or two hostile slots: a mutant with many is rejected at its first, and the deeper
    # checks (solve, Monte Carlo, bounds, choices) would never see a hostile value
    slots = draw(st.lists(st.sampled_from(sorted(VALID)), min_size=0, max_size=2, unique=True))
    values = dict(VALID, **{slot: draw(st.sampled_from(HOSTILE)) for slot in slots})
    files = {"lib.toml": LIB.format(**values), "gwp.toml": METHOD.format(**values),
             "study.toml": STUDY.format(**values)}
    for _ in range(draw(st.sampled_from([0, 0, 1]))):
        name = draw(st.sampled_from(sorted(files)))
        lines = files[name].splitlines()
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["drop", "double", "cut", "byte"]))
        if action == "drop":
            del lines[where:where + 1]
        elif action == "double":
            lines[where:where] = lines[where:where + 1]
        elif action == "cut":
            lines = lines[:where] + [lines[where][: len(lines[where]) // 2]] if lines else lines
        else:
            lines.insert(where, draw(st.sampled_from(["\x00", "\ufeff", "= 1", "[processes.training]", "]]", "'''"])))
        files[name] = "\n".join(lines) + "\n"
    return files


COMMANDS = [
    ["run", "study.toml", "--format", "json"],
    ["run", "study.toml", "--samples", "8", "--format", "json"],
    ["validate", "lib.toml", "gwp.toml", "study.toml"],
    ["list", "parameters", "study.toml"],
    ["sources", "study.toml", "--format", "json"],
    ["run", "study.toml", "--set", "SET"],
    ["sensitivity", "study.toml", "--analysis", "oat", "--format", "json"],
    ["sensitivity", "study.toml", "--analysis", "spearman", "--samples", "16", "--format", "json", "--quiet"],
    ["sensitivity", "study.toml", "--analysis", "sobol", "--samples", "8", "--format", "json", "--quiet"],
    ["compare", "study.toml", "study.toml", "--set-b", "SET", "--samples", "16", "--format", "json", "--quiet"],
]
SETS = ["hours=-1", "n=0", "power=1e308", "power=10**10**10 W", "grid=fr", "hours=nan", "power=0.3 kW", "n=2"]


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")


def test_the_unmutated_template_gives_the_hand_solved_score(tmp_path):
    write(tmp_path, {"lib.toml": LIB.format(**VALID), "gwp.toml": METHOD.format(**VALID),
                     "study.toml": STUDY.format(**VALID)})
    code, out, _ = check(["run", "study.toml", "--format", "json"], tmp_path)
    assert code == 0
    assert json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(8 * 0.3 * 12 * 0.5)


@SETTINGS
@given(files=mutants(), command=st.sampled_from(COMMANDS), assignment=st.sampled_from(SETS))
def test_mutated_studies_exit_0_or_2_never_a_traceback(files, command, assignment):
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), files)
        code, out, _ = check([assignment if part == "SET" else part for part in command], Path(folder))
        if code == 0 and command[0] == "run" and "--samples" not in command and "SET" not in command \
                and files["study.toml"] == STUDY.format(**VALID) and files["lib.toml"] == LIB.format(**VALID) \
                and files["gwp.toml"] == METHOD.format(**VALID):
            assert json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(14.4)


@SETTINGS
@given(st.text(alphabet="0123456789.eE+-*/^() kgmsWhCO2-eqitrnΩµ%", max_size=40))
def test_unit_strings_parse_or_give_a_unit_error_quickly(text):
    start = time.perf_counter()
    try:
        parse_unit(text, "flows.x.unit")
    except LCAError as exc:
        assert str(exc).startswith("flows.x.unit: ")
    assert time.perf_counter() - start < 1.0


@SETTINGS
@given(st.text(alphabet="xy0123456789.e+-*/%() <>=!", max_size=40)
       | st.sampled_from(["sqrt(x)", "log(x)", "exp(x * 1e3)", "x ** y", "min(x)", "where(x, y)", "abs(x, y)",
                          "x if y else", "10 ** 10 ** 10", "(-x) ** 0.5", "x // y", "x @ y", "[x]", "x.y"]))
def test_formulas_evaluate_or_give_a_formula_error(text):
    quantities = {"x": ureg.Quantity(-2.0, ""), "y": ureg.Quantity(0.5, "")}
    try:
        result = evaluate_units(parse_formula(text, "parameters.z.formula"), quantities, where="parameters.z.formula")
    except LCAError as exc:
        assert str(exc).startswith("parameters.z.formula: ")
    else:
        assert math.isfinite(float(result.magnitude))


# -- mutants of shipped studies and the inventory they include ----------------------------------

SHIPPED = {  # a copy of the files two small shipped studies read, as the mutants' tree
    # the studies at its root, so their includes stay inside the study's folder (issue 14)
    "patterson2021_gpt3.toml": "lca:scenarios/patterson2021_gpt3.toml",
    "strubell2019_bert_base.toml": "lca:scenarios/strubell2019_bert_base.toml",
    "inventories/studies/ml_training_energy.toml": "lca:studies/ml_training_energy.toml",
    "inventories/flows/elementary.toml": "lca:flows/elementary.toml",
    "inventories/methods/ipcc_ar6_gwp100.toml": "lca:methods/ipcc_ar6_gwp100.toml",
    "inventories/methods/ipcc_ar5_gwp100.toml": "lca:methods/ipcc_ar5_gwp100.toml",
}
MUTABLE = ["patterson2021_gpt3.toml", "strubell2019_bert_base.toml",
           "inventories/studies/ml_training_energy.toml"]
TOKEN = re.compile(r'"[^"\n]*"|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])')


@pytest.fixture(scope="module")
def shipped_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("shipped")
    texts = {}
    for relative, name in SHIPPED.items():
        texts[relative] = shipped(name).read_text(encoding="utf-8").replace('"../inventories/', '"inventories/')
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(texts[relative], encoding="utf-8")
    return root, texts


def test_the_unmutated_shipped_tree_gives_the_shipped_results(shipped_tree):
    # the copies load inside the include rule: the mutants reach the solver, not the refusal
    root, _ = shipped_tree
    for relative in MUTABLE[:2]:
        code, out, _ = check(["run", relative, "--format", "json"], root)
        assert code == 0
        name = SHIPPED[relative]
        expected = json.loads(_shipped_run(name))
        assert json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(
            expected["impacts"]["climate_change"]["value"])


def _shipped_run(name: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", name, "--format", "json"]) == 0
    return out.getvalue()


@SETTINGS
@given(data=st.data())
def test_mutated_shipped_studies_exit_0_or_2_never_a_traceback(shipped_tree, data):
    root, texts = shipped_tree
    relative = data.draw(st.sampled_from(MUTABLE))
    text = texts[relative]
    tokens = list(TOKEN.finditer(text))
    for _ in range(data.draw(st.integers(1, 2))):
        match = tokens[data.draw(st.integers(0, len(tokens) - 1))]
        text = text[:match.start()] + data.draw(st.sampled_from(HOSTILE)) + text[match.end():]
        tokens = list(TOKEN.finditer(text))
    study = data.draw(st.sampled_from(MUTABLE[:2]))
    command = data.draw(st.sampled_from([["run", study, "--format", "json"], ["validate", study],
                                         ["run", study, "--samples", "8", "--format", "json"],
                                         ["sources", study, "--format", "json"]]))
    try:
        (root / relative).write_text(text, encoding="utf-8")
        check(command, root)
    finally:
        (root / relative).write_text(texts[relative], encoding="utf-8")
