"""lca.load.recycling: end-of-life recycling: the PEF Circular Footprint Formula against a hand
calculation, and the cut-off, avoided-burden and 50/50 approaches through the engine, chosen by a parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from lca import calculate, load_study, with_parameters
from lca.errors import LCAError
from lca.load.recycling import circular_footprint

IMPACTS = {"virgin": 2.0, "recycled": 0.5, "recycling_eol": 0.3, "substituted": 2.0, "disposal": 0.1,
           "energy_recovery": 0.05, "heat": 0.07, "electricity": 0.1}  # kg CO2-eq per kg, per MJ
FACTORS = dict(A=0.2, B=0.0, R1=0.3, R2=0.6, R3=0.2, Qsin_Qp=0.9, Qsout_Qp=0.8, LHV=10.0, X_heat=0.2, X_elec=0.1)

# By hand (Annex IV of Recommendation (EU) 2021/2279):
#  material (1-0.3)*2 + 0.3*(0.2*0.5 + 0.8*2*0.9) + 0.8*0.6*(0.3 - 2*0.8) = 1.4 + 0.462 - 0.624 = 1.238
#  energy   (1-0)*0.2*(0.05 - 10*0.2*0.07 - 10*0.1*0.1)                   = -0.038
#  disposal (1-0.6-0.2)*0.1                                                = 0.02
HAND = {"cff": 1.22, "cut_off": 1.4 + 0.15 + 0.01 + 0.02, "avoided_burden": 1.4 + 0.54 - 0.78 - 0.038 + 0.02,
        "fifty_fifty": 1.4 + 0.345 - 0.39 - 0.019 + 0.02}


def test_cff_terms_by_hand():
    terms = circular_footprint(IMPACTS, "cff", **FACTORS)
    assert terms["material"] == pytest.approx(1.238)
    assert terms["energy"] == pytest.approx(-0.038)
    assert terms["disposal"] == pytest.approx(0.02)
    assert terms["total"] == pytest.approx(1.22)


@pytest.mark.parametrize("approach", list(HAND))
def test_approaches_by_hand(approach):
    assert circular_footprint(IMPACTS, approach, **FACTORS)["total"] == pytest.approx(HAND[approach])


def process(name: str, unit: str, value: float) -> str:
    return (f'[processes.{name}]\nunit = "{unit}"\nsource = "test"\n'
            f'biosphere = [{{ flow = "ghg_precharacterized_air", amount = {value}, unit = "kg CO2-eq" }}]\n')


def study(tmp_path: Path, approach: str, extra: str = "") -> Path:
    path = tmp_path / "eol.toml"
    roles = "".join(process(n, "kg", IMPACTS[n]) for n in
                    ("virgin", "recycled", "recycling_eol", "disposal", "energy_recovery"))
    path.write_text(f"""
include = ["lca:flows/elementary.toml", "lca:methods/ipcc_ar6_gwp100.toml"]
[study]
name = "end of life"
functional_unit = "1 kg of material, cradle to grave"
[demand]
part = 1
[parameters.eol_approach]
value = "{approach}"
options = ["cff", "cut_off", "avoided_burden", "fifty_fifty"]
source = "test"
[processes.part]
unit = "kg"
source = "test"
allocation = {{ end_of_life = "eol_approach", virgin = "virgin", recycled = "recycled", recycling_eol = "recycling_eol", disposal = "disposal", energy_recovery = "energy_recovery", heat = "heat", electricity = "grid", A = 0.2, B = 0, R1 = 0.3, R2 = 0.6, R3 = 0.2, Qsin_Qp = 0.9, Qsout_Qp = 0.8, LHV = 10, X_heat = 0.2, X_elec = 0.1 {extra}}}
{roles}{process("heat", "MJ", 0.07)}{process("grid", "kWh", 0.36)}""")
    return path


@pytest.mark.parametrize("approach", list(HAND))
def test_engine_matches_hand_calculation(tmp_path, approach):
    model = load_study(study(tmp_path, approach))
    assert calculate(model).impacts["climate_change"].value == pytest.approx(HAND[approach], rel=1e-9)
    # the approach is a choice parameter: switching it needs no other change
    other = "cut_off" if approach != "cut_off" else "cff"
    switched = calculate(with_parameters(model, {"eol_approach": other})).impacts["climate_change"].value
    assert switched == pytest.approx(HAND[other], rel=1e-9)


def test_unknown_key_and_approach_are_errors(tmp_path):
    with pytest.raises(LCAError, match=r"processes.part.allocation: unknown key\(s\) R4"):
        load_study(study(tmp_path, "cff", ", R4 = 1"))
    path = study(tmp_path, "cff")
    path.write_text(path.read_text().replace('end_of_life = "eol_approach"', 'end_of_life = "landfill_all"'))
    with pytest.raises(LCAError, match="'landfill_all' is not one of cut_off"):
        load_study(path)
