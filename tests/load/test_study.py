"""lca.load.study: study files and their includes; errors name the file, the item and the problem."""

from __future__ import annotations

import pytest
from studies import HEAD, PROCESS_A

import lca


def test_zero_production_is_an_error(study):
    with pytest.raises(lca.ModelError, match=r"processes\.a\.amount: production amount must be positive, got 0"):
        lca.load_study(study(HEAD + PROCESS_A + "amount = 0\n"))


def test_duplicate_id_names_both_files(study, tmp_path):
    (tmp_path / "other.toml").write_text('[processes.a]\nunit = "kg"\nsource = "t"\n')
    header = 'include = ["base.toml", "gwp.toml", "other.toml"]\n'
    with pytest.raises(lca.DuplicateIdError, match=r"study\.toml: processes\.a: process 'a' is already defined in "
                       r".*other\.toml: processes\.a"):
        lca.load_study(study(HEAD + PROCESS_A, header=header))


def test_bad_unit_and_bad_toml(study, tmp_path):
    with pytest.raises(lca.UnitError, match=r"processes\.a\.unit: cannot read unit 'kgg'"):
        lca.load_study(study(HEAD + PROCESS_A.replace('"kg"', '"kgg"')))
    broken = tmp_path / "broken.toml"
    broken.write_text("[study\nname = 1")
    with pytest.raises(lca.FileFormatError, match=r"broken\.toml: invalid TOML"):
        lca.load_study(broken)
