"""Every user mistake gives one error naming the file, the item and the problem."""

from __future__ import annotations

import pytest

import lca
from lca.engine.calculate import calculate
from lca.cli import main
from lca import with_parameters

HEAD = '''
[study]
name = "errors"
functional_unit = "1 kg"

[demand]
a = 1
'''

PROCESS_A = '''
[processes.a]
unit = "kg"
stage = "manufacturing"
source = "test"
'''


def test_missing_provider(study):
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "steal", amount = 1, unit = "kg" }]\n'
                 '[processes.steel]\nunit = "kg"\nsource = "t"\n')
    with pytest.raises(lca.MissingProviderError, match=r"study\.toml: processes\.a\.technosphere\[0\] \(steal\): "
                       r"no process makes product 'steal' \(did you mean steel\?\)"):
        lca.load_study(path)


def test_ambiguous_provider(study):
    text = HEAD + PROCESS_A + 'technosphere = [{ product = "power", amount = 1, unit = "kWh" }]\n' + '''
[processes.grid_a]
reference_product = "power"
unit = "kWh"
source = "t"
[processes.grid_b]
reference_product = "power"
unit = "kWh"
source = "t"
'''
    with pytest.raises(lca.AmbiguousProviderError, match=r"processes\.a\.technosphere\[0\].*several processes "
                       r"make 'power' \(grid_a, grid_b\); choose one"):
        lca.load_study(study(text))
    fixed = text.replace('amount = 1, unit = "kWh" }', 'amount = 1, unit = "kWh", provider = "grid_b" }')
    assert calculate(lca.load_study(study(fixed))).supply["grid_b"] == pytest.approx(1.0)


def test_dimension_mismatch_names_process_and_exchange(study):
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "steel", amount = 1, unit = "kWh" }]\n'
                 '[processes.steel]\nunit = "kg"\nsource = "t"\n')
    with pytest.raises(lca.UnitError, match=r"processes\.a\.technosphere\[0\] \(steel\): unit kWh .* has another "
                       r"dimension than kg; provider 'steel' makes 'steel' in kg"):
        lca.load_study(path)


def test_zero_production_is_an_error(study):
    with pytest.raises(lca.ModelError, match=r"processes\.a\.amount: production amount must be positive, got 0"):
        lca.load_study(study(HEAD + PROCESS_A + "amount = 0\n"))


def test_singular_loop_is_an_error(study):
    # a and b each consume all the other makes: nothing is left over for the demand
    text = HEAD + PROCESS_A + 'technosphere = [{ product = "b", amount = 1, unit = "kg" }]\n' + '''
[processes.b]
unit = "kg"
source = "t"
technosphere = [{ product = "a", amount = 1, unit = "kg" }]
'''
    with pytest.raises(lca.SingularSystemError, match="singular"):
        calculate(lca.load_study(study(text)))


def test_duplicate_id_names_both_files(study, tmp_path):
    (tmp_path / "other.toml").write_text('[processes.a]\nunit = "kg"\nsource = "t"\n')
    header = 'include = ["base.toml", "gwp.toml", "other.toml"]\n'
    with pytest.raises(lca.DuplicateIdError, match=r"study\.toml: processes\.a: process 'a' is already defined in "
                       r".*other\.toml: processes\.a"):
        lca.load_study(study(HEAD + PROCESS_A, header=header))


def test_unsafe_formula_is_rejected(study):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "__import__(\'os\').getcwd()", unit = "kg" }]\n')
    with pytest.raises(lca.FormulaError, match=r"processes\.a\.biosphere\[0\]\.amount: .*not allowed"):
        lca.load_study(path)


def test_unknown_name_in_formula(study):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "nope * 2", unit = "kg" }]\n')
    with pytest.raises(lca.FormulaError, match=r"processes\.a\.biosphere\[0\] \(co2\): unknown name 'nope'"):
        lca.load_study(path)


def test_parameter_cycle(study):
    text = HEAD + PROCESS_A + '''
[parameters.x]
formula = "y * 2"
[parameters.y]
formula = "x + 1"
'''
    with pytest.raises(lca.ParameterError, match=r"parameters\.[xy]: parameters depend on each other in a cycle: "):
        lca.load_study(study(text))


def test_formula_dimension_error(study):
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "p", unit = "kg" }]\n' + '''
[parameters.p]
value = 3
unit = "kWh"
source = "t"
'''
    with pytest.raises(lca.UnitError, match=r"processes\.a\.biosphere\[0\] \(co2\): formula 'p' gives kWh, but the "
                       r"exchange is declared in kg"):
        lca.load_study(study(text))


def test_bad_unit_and_bad_toml(study, tmp_path):
    with pytest.raises(lca.UnitError, match=r"processes\.a\.unit: cannot read unit 'kgg'"):
        lca.load_study(study(HEAD + PROCESS_A.replace('"kg"', '"kgg"')))
    broken = tmp_path / "broken.toml"
    broken.write_text("[study\nname = 1")
    with pytest.raises(lca.FileFormatError, match=r"broken\.toml: invalid TOML"):
        lca.load_study(broken)


def test_unknown_key_is_reported(study):
    with pytest.raises(lca.FileFormatError, match=r"processes\.a: unknown key\(s\) 'stagee'"):
        lca.load_study(study(HEAD + PROCESS_A + 'stagee = "use"\n'))


def test_method_factor_with_wrong_unit(study, tmp_path):
    (tmp_path / "bad_method.toml").write_text('''include = ["base.toml"]
[method]
id = "bad"
category = "climate_change"
unit = "kg CO2-eq"
[[factors]]
flow = "co2"
value = 1
unit = "kg CO2-eq/kWh"
''')
    header = 'include = ["base.toml", "bad_method.toml"]\n'
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = 1, unit = "kg" }]\n'
    with pytest.raises(lca.UnitError, match=r"bad_method\.toml: factors\[0\] \(co2\): factor unit kg CO2-eq/kWh "
                       r"should be kg CO2-eq per kg"):
        lca.load_study(study(text, header=header))


def test_override_errors(study):
    text = HEAD + PROCESS_A + '''
[parameters.power]
value = 300
unit = "W"
source = "t"
'''
    model = lca.load_study(study(text))
    with pytest.raises(lca.ParameterError, match=r"no such parameter .*known: power"):
        with_parameters(model, {"powr": 1})
    with pytest.raises(lca.UnitError, match=r"'power' is in W; kg has another dimension"):
        with_parameters(model, {"power": "3 kg"})
    assert with_parameters(model, {"power": "0.5 kW"}).parameters["power"].value == pytest.approx(500)


def test_cli_user_error_is_one_line_and_exit_2(study, capsys):
    path = study(HEAD + PROCESS_A + 'biosphere = [{ flow = "co3", amount = 1, unit = "kg" }]\n')
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "study.toml: processes.a.biosphere[0] (co3): unknown elementary flow 'co3' (did you mean co2?)" in err
    assert "Traceback" not in err


def test_cli_missing_file(capsys, tmp_path):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err
    assert main(["run", str(tmp_path), "--set", "novalue"]) == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err


def test_large_entries_are_not_mistaken_for_singular():
    # well-conditioned triangular system with entries spanning 9 orders of magnitude
    import numpy as np
    import scipy.sparse as sp

    from lca.engine.solve import factorize_matrix

    matrix = sp.csc_matrix(np.array([[1.0, -3.65e8, 0.0], [0.0, 1.0, -2.0], [0.0, 0.0, 1.0]]))
    supply = factorize_matrix(matrix).solve(np.array([1.0, 0.0, 0.0]))
    assert supply == pytest.approx([1.0, 0.0, 0.0])
    supply = factorize_matrix(matrix).solve(np.array([0.0, 0.0, 1.0]))
    assert supply == pytest.approx([7.3e8, 2.0, 1.0])


def test_nearly_singular_loop_is_an_error():
    import numpy as np
    import scipy.sparse as sp

    from lca.engine.solve import factorize_matrix

    matrix = sp.csc_matrix(np.array([[1.0, -1.0], [-1.0, 1.0 + 1e-17]]))
    with pytest.raises(lca.SingularSystemError, match="singular"):
        factorize_matrix(matrix).solve(np.array([1.0, 0.0]))


def test_override_is_checked_against_every_exchange(study):
    text = HEAD + PROCESS_A + 'biosphere = [{ flow = "co2", amount = "factor * 2", unit = "kg" }]\n' + '''
[parameters.factor]
value = 3
unit = "kg"
source = "t"

[parameters.energy]
value = 5
unit = "kWh"
source = "t"
'''
    model = lca.load_study(study(text))
    with pytest.raises(lca.UnitError, match=r"processes\.a\.biosphere\[0\] \(co2\): formula 'factor \* 2' gives "
                       r"kWh, but the exchange is declared in kg"):
        with_parameters(model, {"factor": {"formula": "energy", "unit": "kWh"}})
