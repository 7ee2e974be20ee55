"""End-of-life recycling: cut-off, avoided burden, 50/50 and the EU PEF Circular Footprint
Formula (Commission Recommendation (EU) 2021/2279, Annex IV, section 4.4.8):

    material: (1-R1) Ev + R1 (A Erecycled + (1-A) Ev Qsin/Qp) + (1-A) R2 (ErecyclingEoL - E*v Qsout/Qp)
    energy:   (1-B) R3 (EER - LHV XER,heat ESE,heat - LHV XER,elec ESE,elec)
    disposal: (1-R2-R3) ED

The formula is linear in the impacts E of other processes, so a material's end of life
becomes technosphere inputs from those processes with coefficients over A, B, R1, R2, R3, ...
(negative inputs are credits). The approaches are the formula at fixed allocation factors:

* ``cut_off`` (recycled content, 100:0): A = 1; energy recovery burdens kept, no credits;
* ``avoided_burden`` (end of life, 0:100): A = 0, B = 0;
* ``fifty_fifty``: A = 0.5, B = 0.5;
* ``cff``: A and B as given (PEF: A from Annex C per material, B = 0 by default).

>>> terms = circular_footprint({"virgin": 2.0, "disposal": 0.1}, R1=0.0, R2=0.0, R3=0.0)
>>> round(terms["total"], 6)
2.1
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping

from ..errors import FileFormatError, ModelError
from ..formula import evaluate_numeric, parse_formula
from ..model.frozen import FrozenDict
from ..model.records import Amount, Exchange, Model, Process
from ..units import conversion_factor, format_unit, parse_unit

APPROACHES: Mapping[str, Mapping[str, str | None]] = FrozenDict({
    "cut_off": {"A": "1", "B": "0", "credit": "0"},
    "avoided_burden": {"A": "0", "B": "0", "credit": "1"},
    "fifty_fifty": {"A": "0.5", "B": "0.5", "credit": "1"},
    "cff": {"A": None, "B": None, "credit": "1"},  # None: the process's own A and B
})

# Coefficient of each role's impact per unit of material (Annex IV, rearranged by term).
COEFFICIENTS: Mapping[str, str] = FrozenDict({
    "virgin": "(1 - R1) + R1 * (1 - A) * Qsin_Qp",
    "recycled": "R1 * A",
    "recycling_eol": "(1 - A) * R2",
    "substituted": "-(1 - A) * R2 * Qsout_Qp",
    "energy_recovery": "(1 - B) * R3",
    "heat": "-(1 - B) * R3 * LHV * X_heat * credit",
    "electricity": "-(1 - B) * R3 * LHV * X_elec * credit",
    "disposal": "1 - R2 - R3",
})
ROLES = tuple(COEFFICIENTS)
FACTORS = ("A", "B", "R1", "R2", "R3", "Qsin_Qp", "Qsout_Qp", "LHV", "X_heat", "X_elec")
_NAMES = re.compile(r"\b(" + "|".join(FACTORS + ("credit",)) + r")\b")
_DEFAULTS = {"A": 0.5, "B": 0.0, "R1": 0.0, "R2": 0.0, "R3": 0.0, "Qsin_Qp": 1.0, "Qsout_Qp": 1.0,
             "LHV": 0.0, "X_heat": 0.0, "X_elec": 0.0}


def circular_footprint(impacts: Mapping[str, float], approach: str = "cff", **factors: float) -> dict[str, float]:
    """The CFF's material, energy and disposal terms and their total, for one unit of material.

    Parameters
    ----------
    impacts : mapping of str to float
        Impacts per unit by role: ``virgin`` (Ev), ``recycled`` (Erecycled), ``recycling_eol``,
        ``substituted`` (E*v, default Ev), ``energy_recovery`` (EER), ``heat`` and
        ``electricity`` (ESE per MJ), ``disposal`` (ED).
    approach : {"cff", "cut_off", "avoided_burden", "fifty_fifty"}, optional
        The end-of-life approach; all but ``cff`` fix A and B.
    **factors : float
        A, B, R1, R2, R3, Qsin_Qp, Qsout_Qp, LHV (MJ per unit), X_heat, X_elec.

    Returns
    -------
    dict of str to float
        ``material``, ``energy``, ``disposal`` and ``total``.

    Examples
    --------
    Half recycled content, half recycled at end of life, 50:50 (A = 0.5): material
    0.5 * 2 + 0.5 (0.5 * 0.5 + 0.5 * 2) + 0.5 * 0.5 (0.3 - 2) = 1.2, disposal 0.5 * 0.1:

    >>> terms = circular_footprint({"virgin": 2.0, "recycled": 0.5, "recycling_eol": 0.3, "disposal": 0.1},
    ...                            approach="fifty_fifty", R1=0.5, R2=0.5)
    >>> {k: round(v, 4) for k, v in terms.items()}
    {'material': 1.2, 'energy': 0.0, 'disposal': 0.05, 'total': 1.25}
    """
    values = {**_DEFAULTS, **factors, "credit": 1.0}
    fixed = APPROACHES[approach]
    values.update({k: float(v) for k, v in fixed.items() if v is not None})
    impacts = {"substituted": impacts.get("virgin", 0.0), **impacts}
    part = {role: float(evaluate_numeric(parse_formula(COEFFICIENTS[role]), values)) * impacts.get(role, 0.0)
            for role in ROLES}
    terms = {
        "material": sum(part[r] for r in ("virgin", "recycled", "recycling_eol", "substituted")),
        "energy": sum(part[r] for r in ("energy_recovery", "heat", "electricity")),
        "disposal": part["disposal"],
    }
    terms["total"] = terms["material"] + terms["energy"] + terms["disposal"]
    return terms


def apply_end_of_life(model: Model) -> Model:
    """*model* with the CFF inputs added to each process whose ``allocation`` is an ``{end_of_life = ...}`` table.

    :func:`lca.load.study.load_study` calls this at load time; the end of life becomes
    technosphere inputs (negative ones are credits) with coefficients over A, B, R1, R2, R3.

    Parameters
    ----------
    model : Model
        A loaded model.

    Returns
    -------
    Model
        The model with end-of-life inputs added.

    Raises
    ------
    FileFormatError, ModelError
        If the table has an unknown key, a role names an unknown product, or a factor is out of
        range.

    Examples
    --------
    >>> from lca import load_study
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> apply_end_of_life(model).processes == model.processes    # no end-of-life tables
    True
    """
    processes = dict(model.processes)
    for process in model.processes.values():
        spec = process.extra.get("allocation")
        if isinstance(spec, dict) and "end_of_life" in spec:
            processes[process.id] = replace(
                process, technosphere=process.technosphere + _inputs(process, spec, model))
    return replace(model, processes=FrozenDict(processes))


def _inputs(process: Process, spec: dict, model: Model) -> tuple[Exchange, ...]:
    where = f"{process.defined_in}.allocation"
    unknown = sorted(set(spec) - set(FACTORS) - set(ROLES) - {"end_of_life", "source", "comment"})
    if unknown:
        raise FileFormatError.at(where, f"unknown key(s) {', '.join(unknown)} (factors: {', '.join(FACTORS)}; "
                              f"processes: {', '.join(ROLES)})")
    if process.production.value is None:
        raise ModelError.at(where, "end-of-life allocation needs a numeric production amount")
    approach = spec["end_of_life"]
    parameter = model.parameters.get(approach)
    options = parameter.options if parameter is not None and parameter.is_choice else (approach,)
    for option in options:
        if option not in APPROACHES:
            raise FileFormatError.at(f"{where}.end_of_life", f"{option!r} is not one of {', '.join(APPROACHES)}")
    values = {name: _text(spec.get(name, _DEFAULTS[name]), f"{where}.{name}") for name in FACTORS}
    for name in ("A", "B", "credit"):  # fixed by the approach, or the process's own (cff)
        per_option = {o: APPROACHES[o][name] or values.get(name, "1") for o in options}
        text = per_option[options[-1]]
        for option in reversed(options[:-1]):
            text = f"({per_option[option]}) if {approach} == {option!r} else ({text})"
        values[name] = f"({text})"
    roles = dict(spec)
    roles.setdefault("substituted", spec.get("virgin"))
    mass = process.production.value * conversion_factor(process.production.unit, parse_unit("kg"), where)
    out = []
    for role in ROLES:
        provider = roles.get(role)
        if provider is None:
            continue
        target = model.processes.get(provider)
        if target is None:
            raise ModelError.at(f"{where}.{role}", f"{provider!r} is not a process")
        coefficient = _NAMES.sub(lambda match: values[match.group(1)], COEFFICIENTS[role])
        if role in ("heat", "electricity"):  # LHV is MJ per kg of material
            amount_text, unit = f"({coefficient}) * {mass!r}", parse_unit("MJ")
        else:
            amount_text, unit = f"({coefficient}) * {process.production.value!r}", process.production.unit
        formula = parse_formula(amount_text, f"{where}.{role}")
        out.append(Exchange("technosphere", target.reference_product,
                            Amount(None, formula, unit, format_unit(unit), spec.get("source")),
                            f"{where}.{role} ({provider})", provider=provider))
    return tuple(out)


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FileFormatError.at(where, f"expected a number or a formula, got {value!r}")
    return f"({parse_formula(value, where).text})" if isinstance(value, str) else f"({float(value)!r})"
