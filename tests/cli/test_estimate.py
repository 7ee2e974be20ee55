"""``lca estimate``: the one-line path prints what ``lca run`` of the study it writes prints, lists
the shipped hardware and regions, and rejects bad input with one line and exit status 2."""

from __future__ import annotations

import json
import os
import re
import stat

import pytest
from conftest import ROOT

from lca.cli import main

JOB = ["estimate", "--hardware", "h100", "--count", "64", "--hours", "120", "--region", "fr"]


def test_the_printed_numbers_are_lca_run_of_the_written_study(tmp_path, capsys):
    study = tmp_path / "job.toml"
    assert main(JOB + ["--pue", "1.2", "--utilization", "0.8", "--format", "json", "--write-study", str(study)]) == 0
    out = capsys.readouterr()
    assert out.err == f"wrote {study}\n"
    estimated = json.loads(out.out)
    assert main(["run", str(study), "--format", "json"]) == 0
    ran = json.loads(capsys.readouterr().out)
    assert estimated.keys() == ran.keys() and len(ran["impacts"]) == 7
    for category, impact in estimated["impacts"].items():
        assert impact["value"] == pytest.approx(ran["impacts"][category]["value"], rel=1e-12)
        assert impact["by_stage"] == pytest.approx(ran["impacts"][category]["by_stage"], rel=1e-12)
    # 64 x 10.2 kW / 8 x 0.8 x 120 h x PUE 1.2 at the French grid
    assert estimated["energy"]["by_stage"]["use"] == pytest.approx(9400.32, rel=1e-12)
    assert estimated["parameters"]["grid_region"]["value"] == "fr"


def test_the_written_study_is_commented_editable_and_replaced_whole(tmp_path, capsys):
    study = tmp_path / "job.toml"
    study.write_text("an older study\n")
    assert main(JOB + ["--write-study", str(study), "--format", "csv"]) == 0
    capsys.readouterr()
    text = study.read_text()
    assert text.startswith("# Written by `lca estimate --hardware h100 --count 64 --hours 120 --region fr`.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.toml"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(study.stat().st_mode) == 0o666 & ~umask
    # edited to the German grid, lca run uses it: the datacenter's electricity comes from there
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace('value = "fr"', 'value = "de"', 1))
    assert main(["run", str(edited), "--format", "json"]) == 0
    by_process = json.loads(capsys.readouterr().out)["energy"]["by_process"]
    assert by_process.get("electricity_de", 0) > 0 and "electricity_fr" not in by_process


def test_samples_add_uncertainty_and_progress_goes_to_stderr(capsys):
    assert main(JOB + ["--samples", "500", "--format", "json"]) == 0
    out = capsys.readouterr()
    climate = json.loads(out.out)["impacts"]["climate_change"]
    low, high = climate["uncertainty"]["percentiles"]["2.5"], climate["uncertainty"]["percentiles"]["97.5"]
    assert low < climate["value"] < high
    assert re.fullmatch(r"monte carlo: 500 samples in \d\d:\d\d, .+ samples/s\n", out.err)


@pytest.mark.parametrize("what, key, name", [
    ("hardware", "h100", "NVIDIA DGX H100 (8x H100 SXM5 80 GB) server node"),
    ("regions", "fr", "Electricity, France, grid mix"),
])
def test_list_names_what_the_shipped_data_offer(what, key, name, capsys):
    assert main(["estimate", "--list", what]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"{key}\s+{re.escape(name)}", next(line for line in lines if line.startswith(key + " ")))
    assert main(["estimate", "--list", what, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[key] == name and len(listed) == (12 if what == "hardware" else 63)


@pytest.mark.parametrize("argv, message", [
    (["--hours", "-3"], "error: --hours -3: must be a number > 0"),
    (["--count", "0"], "error: --count 0: must be a number >= 1"),
    (["--hardware", "h10"], "error: --hardware 'h10': no such hardware (close matches: h100; "
                            "all: lca estimate --list hardware)"),
    (["--region", "germany"], "error: --region 'germany': no such region (close matches: de; "
                              "all: lca estimate --list regions)"),
    (["--pue", "0.5"], "error: --pue 0.5: must be a number >= 1"),
])
def test_bad_input_is_one_line_and_exit_status_2(argv, message, tmp_path, capsys):
    study = tmp_path / "job.toml"
    assert main(JOB + argv + ["--write-study", str(study)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == message + "\n"
    assert not study.exists()


def test_missing_arguments_are_named(capsys):
    assert main(["estimate", "--hardware", "h100", "--count", "8"]) == 2
    assert capsys.readouterr().err == ("error: lca estimate: --hours, --region missing "
                                       "(e.g. --hardware h100 --count 64 --hours 120 --region fr)\n")


def test_an_unwritable_study_path_is_one_error(tmp_path, capsys):
    assert main(JOB + ["--write-study", str(tmp_path / "no" / "such" / "job.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --write-study '{tmp_path}/no/such/job.toml': cannot write there") and err.count("\n") == 1


def test_the_readme_quick_start_shows_the_one_liners_output(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^lca estimate --hardware h100 --count 64 --hours 120 --region fr\n```\n\n```\n(.*?)^```",
                      readme, flags=re.S | re.M)
    assert block, "the README's quick start has no lca estimate example"
    assert main(JOB) == 0
    assert capsys.readouterr().out == block.group(1)
