"""Hardening of the command line (issue 14): bad input exits 2 with one line on stderr that
names the file and the item, never a traceback or a silently wrong result with exit 0."""

from __future__ import annotations

import json

import pytest

from lca.cli import main

from hardening_inputs import HEAD, PROCESS_A


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_valid_study_still_gives_the_hand_solved_result(study, capsys):
    code, out, _ = run(capsys, "run", str(study(HEAD + PROCESS_A)), "--format", "json")
    assert code == 0
    assert json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(2.0)


def test_process_using_more_of_its_product_than_it_makes_is_an_error(study, capsys):
    # makes 1 kg of a, uses 2 kg of a: net production -1 kg would flip every impact's sign
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "a", amount = 2, unit = "kg" }]\n')
    code, _, err = run(capsys, "run", str(path))
    assert code == 2
    assert "study.toml: processes.a: net production of 'a' is -1 kg: the process uses more of its own " \
           "product than it makes" in one_error(err)
    # using part of its own product is an ordinary loop: 1 / (1 - 0.5) = 2 kg made, 4 kg CO2
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "a", amount = 0.5, unit = "kg" }]\n')
    code, out, _ = run(capsys, "run", str(path), "--format", "json")
    assert code == 0 and json.loads(out)["impacts"]["climate_change"]["value"] == pytest.approx(4.0)


@pytest.mark.parametrize("samples", [[], ["--samples", "16"]])
def test_result_overflowing_to_infinity_is_an_error_naming_the_flow(study, capsys, samples):
    path = study(HEAD.replace("a = 1", "a = 1e300") + PROCESS_A.replace("amount = 2,", "amount = 1e300,"))
    code, _, err = run(capsys, "run", str(path), "--format", "json", *samples)
    assert code == 2
    assert "study.toml: the inventory of flow 'co2' is inf, not a finite number" in one_error(err)


def test_monte_carlo_statistic_overflowing_is_an_error_not_a_json_crash(study, capsys):
    path = study(HEAD + PROCESS_A.replace("amount = 2,", 'amount = 1e300, uncertainty = { distribution = "lognormal", '
                                          'gsd = 10 },'))
    code, _, err = run(capsys, "run", str(path), "--format", "json", "--samples", "64", "--quiet")
    assert code == 2
    assert "result impacts.climate_change.uncertainty." in one_error(err)
    assert "not a finite number: JSON cannot hold it" in err


@pytest.mark.parametrize("key", ["sigma = 1e308", "gsd = 1e6"])
def test_absurd_lognormal_is_rejected_at_load(study, capsys, key):
    path = study(HEAD + PROCESS_A.replace('unit = "kg" }]', 'unit = "kg", uncertainty = { distribution = '
                                          f'"lognormal", {key} }} }}]'))
    code, _, err = run(capsys, "run", str(path), "--samples", "8")
    assert code == 2
    assert "study.toml: processes.a.biosphere[0].uncertainty: lognormal " in one_error(err)
    assert "wider than the bound gsd <= 1000" in err


def test_nan_draw_names_the_parameter(study, capsys):
    # a normal around 1e308 draws beyond floating point: the message names the parameter
    path = study(HEAD + '[parameters.x]\nvalue = 1e308\nuncertainty = { distribution = "normal", sd = 1e308 }\n'
                 + PROCESS_A.replace("amount = 2,", 'amount = "x * 1e-300",'))
    code, _, err = run(capsys, "run", str(path), "--samples", "32")
    assert code == 2
    assert "study.toml: parameters.x: Monte Carlo sample " in one_error(err)
    assert "of 'x' is inf, not a finite number" in err


@pytest.mark.parametrize("amount", ["0", "-1"])
def test_zero_or_negative_demand_is_an_error(study, capsys, amount):
    code, _, err = run(capsys, "run", str(study(HEAD.replace("a = 1", f"a = {amount}") + PROCESS_A)))
    assert code == 2
    assert f"study.toml: demand.a.amount: the demand must be positive, got {amount}" in one_error(err)


def test_include_of_dev_zero_is_refused(study, capsys):
    path = str(study(HEAD + PROCESS_A, header='include = ["/dev/zero"]\n'))
    code, _, err = run(capsys, "run", path)
    assert code == 2
    assert "include: '/dev/zero' is outside the folder of the study" in one_error(err)
    code, _, err = run(capsys, "run", path, "--allow-include-outside")  # past the rule, the read refuses
    assert code == 2
    assert "/dev/zero: not a regular file" in one_error(err)


# -- lca validate runs the checks of run and allocate -----------------------------------------

def test_validate_rejects_an_empty_file(tmp_path, capsys):
    (tmp_path / "empty.toml").write_text("# nothing here\n")
    code, out, err = run(capsys, "validate", str(tmp_path / "empty.toml"))
    assert code == 2 and out == ""
    assert "empty.toml: the file is empty (no tables): nothing to check" in one_error(err)


def test_validate_solves_the_study_as_run_does(study, capsys):
    # a process that uses all it makes: the system cannot be solved
    path = study(HEAD + PROCESS_A + 'technosphere = [{ product = "a", amount = 1, unit = "kg" }]\n')
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert "net production of a is zero" in one_error(err)
    code, _, err_run = run(capsys, "run", str(path))
    assert code == 2 and one_error(err_run) == one_error(err)


def test_validate_checks_lca_names_and_a_demand_without_study(study, capsys):
    code, out, _ = run(capsys, "validate", "lca:scenarios/patterson2021_gpt3.toml")
    assert code == 0 and out.startswith("ok: lca:scenarios/patterson2021_gpt3.toml: ")
    text = (HEAD + PROCESS_A).replace('[study]\nname = "hardening"\nfunctional_unit = "1 kg"\n', "")
    code, _, err = run(capsys, "validate", str(study(text)))
    assert code == 2 and "a scenario needs a [study] table" in one_error(err)


def test_allocation_tables_outside_a_study_are_refused(tmp_path, capsys):
    (tmp_path / "inventory.toml").write_text('[lineage.base]\nname = "base"\n')
    code, _, err = run(capsys, "validate", str(tmp_path / "inventory.toml"))
    assert code == 2
    assert "inventory.toml: [lineage] belongs in a study file" in one_error(err)


def test_allocation_rules_without_anything_to_allocate_are_refused(study, capsys):
    path = study(HEAD + PROCESS_A + '[allocation]\nrules = ["equal"]\n')
    for command in ("validate", "run"):
        code, _, err = run(capsys, command, str(path))
        assert code == 2 and "allocation: 'rules'/'rule' allocate a [lineage.*] or [infrastructure.*] table" \
            in one_error(err)


@pytest.mark.parametrize("old, new, message", [
    ('parent = "bloomz"', 'parent = "bloomzz"', "lineage.chat.parent: no lineage node 'bloomzz'"),
    ("[lineage.bloom_base]", '[lineage.bloom_base]\nparent = "chat"', "lineage: parents form a cycle"),
    ('rules = ["equal",', 'rules = ["fair",', "allocation.rules: unknown allocation rule 'fair'"),
    # found by the fuzzer: a list where a name is expected was a TypeError (unhashable)
    ('parent = "bloomz"', "parent = []", "lineage.chat: 'parent' must be a string, got []"),
    ('rule = "lineage_rule"', "rule = []", "allocation: 'rule' must be a string, got []"),
    ('rules = ["equal",', "rules = [[],", "allocation.rules: expected a non-empty list of rule names"),
])
def test_validate_rejects_broken_lineage_and_allocation_as_allocate_does(tmp_path, capsys, old, new, message):
    from lca.load.resources import shipped

    text = shipped("lca:scenarios/pretrain_adapt.toml").read_text().replace('"../inventories/', '"lca:')
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1))
    for command in ("validate", "allocate"):
        code, out, err = run(capsys, command, str(path))
        assert code == 2 and out == ""
        assert message in one_error(err)


def test_distribution_given_as_a_list_is_an_error(study, capsys):
    # found by the fuzzer: distribution = [] was a TypeError (unhashable)
    path = study(HEAD + PROCESS_A.replace('unit = "kg" }]', 'unit = "kg", uncertainty = { distribution = [] } }]'))
    code, _, err = run(capsys, "run", str(path))
    assert code == 2 and "processes.a.biosphere[0].uncertainty: unknown distribution []" in one_error(err)


def test_set_value_overflowing_in_its_unit_conversion_names_the_option(capsys):
    code, _, err = run(capsys, "run", "lca:scenarios/strubell2019_bert_base.toml", "--set", "chip_power=1e308 kW")
    assert code == 2 and one_error(err) == "error: --set chip_power: inf is not a finite number"
    code, _, err = run(capsys, "run", "lca:scenarios/strubell2019_bert_base.toml", "--set", "chip_power=1e305 W")
    assert code == 2
    assert "processes.training_run.technosphere[0] (datacenter_electricity): amount is -inf, not a finite number " \
           "(it reads chip_power = 1e+305 W, duration = 79.2 h, n_chips = 1, pue = 1.58)" in one_error(err)
