"""lca's reading of openLCA formulas against openLCA's own interpreter (``org.openlca.expressions``).

Runs only when ``LCA_OLCA_FORMULA_JAR`` names a jar of openLCA's ``olca-formula`` module and
``javac``/``java`` are on the PATH (docs/interop.md, "Checking the formulas against openLCA");
no openLCA code is in this repository. The harness, ``tools/olca_formula_check``, is compiled
against the jar into a temporary folder.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import olca_schema as o
import pytest

from lca import compile_model, load_study
from lca.export.olca import olca_export
from lca.load.olca_formula import evaluate_olca
from lca.load.study import with_parameters

from olca_formula_cases import HAND  # tests/olca_formula_cases.py: the hand-solved cases

JAR = os.environ.get("LCA_OLCA_FORMULA_JAR")
HARNESS = Path(__file__).resolve().parents[2] / "tools" / "olca_formula_check" / "OlcaFormulaCheck.java"
pytestmark = pytest.mark.skipif(
    not JAR or not shutil.which("javac") or not shutil.which("java"),
    reason="set LCA_OLCA_FORMULA_JAR to a jar of openLCA's olca-formula module (and have a JDK) to run")


@pytest.fixture(scope="module")
def openlca(tmp_path_factory):
    """Evaluate batches of (bindings, formulas) with openLCA's interpreter: a list of results per batch."""
    classes = tmp_path_factory.mktemp("olca_formula_check")
    subprocess.run(["javac", "-cp", JAR, "-d", str(classes), str(HARNESS)], check=True, capture_output=True)

    def run(batches):
        lines = []
        for bindings, formulas in batches:
            lines.append("clear")
            for name, value in bindings.items():
                lines.append(f"formula\t{name}\t{value}" if isinstance(value, str) else f"value\t{name}\t{value!r}")
            lines += [f"eval\t{f}" for f in formulas]
        done = subprocess.run(["java", "-cp", f"{JAR}{os.pathsep}{classes}", "OlcaFormulaCheck"],
                              input="\n".join(lines) + "\n", capture_output=True, text=True, check=True, timeout=600)
        results = iter(done.stdout.splitlines())
        out = []
        for _bindings, formulas in batches:
            batch = []
            for _ in formulas:
                status, _, value = next(results).partition("\t")
                batch.append(float(value) if status == "ok" else value)
            out.append(batch)
        return out

    return run


def test_hand_cases_agree_with_openlca(openlca):
    batches = [(bindings, [text]) for text, bindings, _value in HAND]
    for (text, bindings, value), (theirs,) in zip(HAND, openlca(batches)):
        assert not isinstance(theirs, str), f"openLCA rejects {text!r}: {theirs}"
        assert theirs == pytest.approx(value, rel=1e-12, abs=1e-12), text
        assert evaluate_olca(text, bindings) == pytest.approx(theirs, rel=1e-15, abs=1e-15), text


def test_openlca_rejects_what_lca_rejects(openlca):
    bad = ["min(1, 2)", "--2", "2 +", "(a > 1) * 3", "if(a; 1; 2)", "a > 1", "foo(1)", "nothing_bound"]
    for text, theirs in zip(bad, openlca([({"a": 2.0}, bad)])[0]):
        assert isinstance(theirs, str), f"openLCA evaluates {text!r} to {theirs}"


@pytest.mark.parametrize("scenario", ["lca:scenarios/llm_training_lifecycle.toml",
                                      "lca:scenarios/patterson2021_gpt3.toml"])
def test_every_exported_formula_agrees_with_openlca(openlca, scenario):
    export = olca_export(compile_model(load_study(scenario)))
    formulas, amounts = [], []
    for entity in export.entities:
        if isinstance(entity, o.Process):
            pairs = [(e.amount_formula, e.amount) for e in entity.exchanges if e.amount_formula]
        elif isinstance(entity, o.ImpactCategory):
            pairs = [(f.formula, f.value) for f in entity.impact_factors if f.formula]
        else:
            continue
        formulas += [p[0] for p in pairs]
        amounts += [p[1] for p in pairs]
    dependent = [p for p in export.entities if isinstance(p, o.Parameter) and not p.is_input_parameter]
    (theirs,) = openlca([(export.parameters, formulas + [p.name for p in dependent])])
    worst = 0.0
    for text, amount, value in zip(formulas + [p.name for p in dependent], amounts + [p.value for p in dependent],
                                   theirs):
        assert not isinstance(value, str), f"openLCA cannot evaluate {text!r}: {value}"
        ours = evaluate_olca(text, export.parameters)
        assert value == pytest.approx(amount, rel=1e-12, abs=1e-300), text
        assert ours == pytest.approx(value, rel=1e-15, abs=1e-300), text
        worst = max(worst, abs(value - amount) / abs(amount) if amount else abs(value))
    assert formulas and math.isfinite(worst)
    print(f"{scenario}: {len(formulas)} formulas and {len(dependent)} dependent parameters agree with openLCA; "
          f"worst relative difference to the exported amount {worst:.1e}")


# choice parameters: openLCA evaluates the exported formulas at option indices other than the
# study's, and gives lca's amounts at those options (tests/export/test_olca_choices.py checks
# lca's own reading of openLCA's semantics the same way)
CHOICE_SETS = ({"fab_region": "kr", "grid_region": "fr", "accelerator": "h100", "eol_route": "landfill"},
               {"memory_fab_region": "us", "grid_region": "se1", "datacenter_infrastructure": "on",
                "development_runs": "on", "datacenter_type": "industry_average", "accelerator": "gb200_nvl72"})


def test_the_choice_formulas_agree_with_openlca_at_other_options(openlca):
    compiled = compile_model(load_study("lca:scenarios/llm_training_lifecycle.toml"))
    export = olca_export(compiled)
    processes = [e for e in export.entities if isinstance(e, o.Process)]
    exchanges = [x for p in processes for x in p.exchanges if x.amount_formula]
    choice_formulas = [x for x in exchanges if any(f"({n} = " in x.amount_formula or f"({n} <> " in x.amount_formula
                                                   for n in compiled.parameters.choices)]
    batches, expected = [], []
    for sets in CHOICE_SETS:
        moved = olca_export(compile_model(with_parameters(compiled.model, sets)))
        amounts = [x.amount for p in moved.entities if isinstance(p, o.Process)
                   for x in p.exchanges if x.amount_formula]
        bindings = {**export.parameters, **{n: float(compiled.parameters.choices[n].index(v) + 1)
                                            for n, v in sets.items()}}
        batches.append((bindings, [x.amount_formula for x in exchanges]))
        expected.append(amounts)
    moved_entries = 0
    for (bindings, formulas), amounts, theirs in zip(batches, expected, openlca(batches)):
        assert len(amounts) == len(formulas)
        for text, amount, value, original in zip(formulas, amounts, theirs, exchanges):
            assert not isinstance(value, str), f"openLCA cannot evaluate {text!r}: {value}"
            assert value == pytest.approx(amount, rel=1e-12, abs=1e-300), text
            assert evaluate_olca(text, bindings) == pytest.approx(value, rel=1e-15, abs=1e-300), text
            moved_entries += value != pytest.approx(original.amount, rel=1e-9, abs=1e-300)
    assert len(choice_formulas) > 250 and moved_entries > 40
    print(f"{len(exchanges)} exchange formulas ({len(choice_formulas)} comparing a choice with an option) agree "
          f"with openLCA at {len(CHOICE_SETS)} other sets of options; {moved_entries} amounts differ from the study's")
