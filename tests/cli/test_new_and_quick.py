"""``lca new`` writes a complete, commented study that ``lca run`` runs as is; ``lca quick`` prints
the same footprint; bad flags are one line and exit status 2, and nothing is written."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

JOB = ["--accelerator", "h100", "--count", "8", "--hours", "10", "--region", "de"]
# the use stage's energy at the grid: 8 x (DGX H100 10.2 kW / 8) x 0.754 power utilisation x 10 h
# x PUE 1.15 (the hyperscale fleet's central value, inventories/datacenter.toml)
USE_KWH = 8 * 10.2 / 8 * 0.754 * 10 * 1.15


def without_name(data: dict) -> dict:
    # the study's name says which command built it ("(lca new training)", "(lca quick training)")
    return {key: value for key, value in data.items() if key != "study"}


def run_json(capsys, *argv):
    status, out, err = run_cli(capsys, *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def test_the_written_study_runs_as_is_and_quick_prints_the_same(tmp_path, capsys):
    study = tmp_path / "x.toml"
    status, out, err = run_cli(capsys, "new", "training", *JOB, "--out", str(study))
    assert (status, out) == (0, "") and err == f"wrote {study}: run it with `lca run {study}`\n"
    ran = run_json(capsys, "run", str(study))
    quick = run_json(capsys, "quick", *JOB)  # the kind defaults to training
    assert without_name(ran) == without_name(quick)
    assert quick["study"] == "AI training run on 8 x h100 for 10 h, grid de (lca quick training)"
    assert len(ran["impacts"]) == 7  # the seven categories' methods are included
    assert ran["energy"]["by_stage"]["use"] == pytest.approx(USE_KWH, rel=1e-12)
    assert ran["energy"]["by_process"]["electricity_de"] == pytest.approx(USE_KWH, rel=1e-12)
    climate = ran["impacts"]["climate_change"]
    # the hardware's life cycle is in: manufacturing, transport, end of life, all non-zero
    assert all(climate["by_stage"][stage] > 0 for stage in ("extraction", "manufacturing", "transport", "end_of_life"))
    assert ran["study"] == "AI training run on 8 x h100 for 10 h, grid de (lca new training)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]


def test_the_study_is_commented_and_validates(tmp_path, capsys):
    study = tmp_path / "x.toml"
    assert run_cli(capsys, "new", "finetune", *JOB, "--out", str(study))[0] == 0
    text = study.read_text(encoding="utf-8")
    assert text.startswith("# Written by `lca new finetune --accelerator h100 --count 8 --hours 10 --region de`.")
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    for part in ("# The shipped inventories", "# The impact methods", "# Goal and scope", "# The functional unit",
                 "# The job: lca list hardware", "# The flagship's wiring", "# The job: IT energy"):
        assert any(line.startswith(part) for line in comments), part
    status, out, _ = run_cli(capsys, "validate", str(study))
    assert status == 0 and out.startswith(f"ok: {study}: ")


def test_fine_tuning_is_the_same_physics_as_training(tmp_path, capsys):
    training = run_json(capsys, "quick", "training", *JOB)
    finetune = run_json(capsys, "quick", "finetune", *JOB)
    assert finetune["functional_unit"] == "one fine-tuning run: 8 h100 accelerators for 10 hours"
    for category, impact in training["impacts"].items():
        assert finetune["impacts"][category]["value"] == pytest.approx(impact["value"], rel=1e-12)


def test_inference_with_requests_is_per_thousand_requests(tmp_path, capsys):
    window = run_json(capsys, "quick", "inference", *JOB)
    per_thousand = run_json(capsys, "quick", "inference", *JOB, "--requests", "50000")
    assert per_thousand["functional_unit"] == ("1,000 requests served by 8 h100 accelerators "
                                               "(50,000 requests in 10 hours)")
    for category, impact in window["impacts"].items():
        assert per_thousand["impacts"][category]["value"] == pytest.approx(impact["value"] * 1000 / 50000, rel=1e-12)
    # the written serving study runs as is and gives the same
    study = tmp_path / "serving.toml"
    assert run_cli(capsys, "new", "inference", *JOB, "--requests", "50000", "--out", str(study))[0] == 0
    assert without_name(run_json(capsys, "run", str(study))) == without_name(per_thousand)


def test_an_existing_file_is_kept_unless_force(tmp_path, capsys):
    study = tmp_path / "x.toml"
    study.write_text("my own study\n", encoding="utf-8")
    status, out, err = run_cli(capsys, "new", "training", *JOB, "--out", str(study))
    assert (status, out) == (2, "") and err == f"error: --out '{study}': exists; give --force to replace it\n"
    assert study.read_text(encoding="utf-8") == "my own study\n"
    assert run_cli(capsys, "new", "training", *JOB, "--out", str(study), "--force")[0] == 0
    assert study.read_text(encoding="utf-8").startswith("# Written by `lca new training")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]  # no temporary file left


@pytest.mark.parametrize("argv, message", [
    (["--accelerator", "h10"], "error: --accelerator 'h10': no such hardware (close matches: h100; "
                               "all: lca list hardware)"),
    (["--accelerator", "tpu"], "error: --accelerator 'tpu': no such hardware (close matches: tpu_v5e, tpu_v5p, "
                               "tpu_v6e; all: lca list hardware)"),
    (["--region", "germany"], "error: --region 'germany': no such region (close matches: de; all: lca list locations)"),
    (["--region", "mars"], "error: --region 'mars': no such region (all: lca list locations)"),
    (["--count", "0"], "error: --count 0: must be a number >= 1"),
    (["--hours", "-1"], "error: --hours -1: must be a number > 0"),
    (["--requests", "100"], "error: --requests 100: only an inference job serves requests "
                            "(lca new inference ... --requests N)"),
])
def test_bad_flags_are_one_line_and_exit_2(argv, message, tmp_path, capsys):
    study = tmp_path / "x.toml"
    status, out, err = run_cli(capsys, "new", "training", *JOB, *argv, "--out", str(study))
    assert (status, out, err) == (2, "", message + "\n")
    assert not study.exists() and list(tmp_path.iterdir()) == []
    # lca quick says the same
    status, out, err = run_cli(capsys, "quick", "training", *JOB, *argv)
    assert (status, out) == (2, "") and err == message.replace("lca new inference", "lca quick inference") + "\n"


def test_missing_flags_are_named(tmp_path, capsys):
    assert run_cli(capsys, "new", "inference", "--accelerator", "h100", "--count", "8") == (
        2, "", "error: lca new inference: --hours, --region missing (e.g. --accelerator h100 --count 8 --hours 10 "
               "--region de)\n")
    assert run_cli(capsys, "new", "training", *JOB) == (
        2, "", "error: lca new training: --out FILE missing (the study to write, e.g. --out study.toml)\n")
    status, _, err = run_cli(capsys, "new", "training", *JOB, "--out", str(tmp_path / "no" / "x.toml"))
    assert status == 2 and err.startswith(f"error: --out '{tmp_path}/no/x.toml': cannot write there")


def test_an_unknown_kind_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "new", "pretraining", *JOB, "--out", "x.toml")
    assert exit_.value.code == 2
    assert "invalid choice: 'pretraining'" in capsys.readouterr().err
