"""``lca run STUDY --energy-log FILE`` and a study's ``[energy_log]``: measured kWh in, impacts and
energy out; every malformed log is one ``error:`` line naming the file and line, exit status 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lca.cli import main
from lca.load import load_study

MEASURED = "lca:scenarios/codecarbon_measured.toml"
# CodeCarbon 3.x columns (formats.md), one run: 0.05 + 1.2 + 0.03 = 1.28 kWh with its pue 1.6
HEADER = ("timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,"
          "ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,"
          "region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,"
          "gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,"
          "gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue")
ROW = ("2026-03-02T16:14:07,bert-ft,{run_id},5b0fa12a-3dd7-45bb-9766-cc326314d9f1,3600.0,0.3,8.3e-05,50.0,1200.0,"
       "30.0,{cpu},{gpu},{ram},{total},0.0,France,FRA,île-de-france,,,Linux-5.15.0-105-generic-x86_64-with-glibc2.35,"
       "3.11.9,3.3.1,64,AMD EPYC 7763 64-Core Processor,{gpus},4 x NVIDIA A100-SXM4-80GB,2.3488,48.8534,503.5,"
       "machine,12.4,96.1,31.0,156.1,N,{pue},0.0")
RUN = dict(run_id="7d1c58e0-2f7e-4c43-9a51-3b8f6b1e2c90", cpu="0.05", gpu="1.2", ram="0.03", total="1.28", gpus="4",
           pue="1.6")
# the study's datacenter: industry-average PUE 1.56 (inventories/datacenter.toml), French grid
STUDY_PUE = 1.56
# a small measured study: IT energy `it_kwh` drawn from a grid; its [energy_log] table varies
MEASURED_STUDY = '''
[study]
name = "measured"
functional_unit = "one run"

{energy_log}

[parameters]
it_kwh = {{ value = 1, unit = "MWh" }}
pue_factor = 1.2

[processes.run]
unit = "item"
stage = "use"
[[processes.run.technosphere]]
product = "grid"
amount = "it_kwh * pue_factor"
unit = "kWh"

[processes.grid]
unit = "kWh"
[[processes.grid.biosphere]]
flow = "ghg"
amount = 0.1
unit = "kg CO2-eq"

[demand]
run = 1
'''


def write_log(path: Path, *runs: dict) -> Path:
    path.write_text("\n".join([HEADER] + [ROW.format(**{**RUN, **r}) for r in runs]) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    # these logs are written to tmp_path, outside the shipped study's folder: the include rule
    # (tests/load/test_energy_log_include_rule.py) is lifted
    code = main(list(argv) + (["--allow-include-outside"] if "--energy-log" in argv else []))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(capsys, *argv) -> dict:
    code, out, err = run(capsys, "run", *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_hand_written_codecarbon_log_sets_the_measured_energy(capsys, tmp_path):
    data = run_json(capsys, MEASURED, "--energy-log", str(write_log(tmp_path / "my_emissions.csv", {})))
    assert data["parameters"]["measured_it_energy"] == {"value": pytest.approx(1.28 / 1.6, rel=1e-12), "unit": "kWh"}
    # energy at the grid = IT energy (CodeCarbon's PUE divided out) x the study's PUE
    assert data["energy"]["value"] == pytest.approx(0.8 * STUDY_PUE, rel=1e-12)
    assert data["energy"]["by_stage"] == {"use": pytest.approx(0.8 * STUDY_PUE, rel=1e-12)}


def test_doubling_every_energy_column_doubles_energy_and_use_stage_climate_change(capsys, tmp_path):
    once = run_json(capsys, MEASURED, "--energy-log", str(write_log(tmp_path / "once.csv", {})))
    doubled = write_log(tmp_path / "twice.csv", dict(cpu="0.1", gpu="2.4", ram="0.06", total="2.56"))
    twice = run_json(capsys, MEASURED, "--energy-log", str(doubled))
    assert twice["energy"]["value"] == 2 * once["energy"]["value"]  # exactly: a power-of-two scaling
    use_once = once["impacts"]["climate_change"]["by_stage"]["use"]
    assert use_once > 0
    assert twice["impacts"]["climate_change"]["by_stage"]["use"] == 2 * use_once


def test_energy_log_is_repeatable_and_rank_files_are_summed(capsys, tmp_path):
    rank0 = write_log(tmp_path / "rank0.csv", {})
    rank1 = write_log(tmp_path / "rank1.csv", dict(run_id="0c1e2a55-6a41-4d0e-8f7b-6b1d9f8c3e21", pue="1.0"))
    data = run_json(capsys, MEASURED, "--energy-log", str(rank0), "--energy-log", str(rank1), "--energy-log", str(rank0))
    assert data["parameters"]["measured_it_energy"]["value"] == pytest.approx(0.8 + 1.28, rel=1e-12)


def test_the_shipped_example_log_is_read_by_default(capsys):
    data = run_json(capsys, MEASURED)
    # logs/codecarbon_emissions.csv: energy_consumed 2.190450210666666 kWh, pue 1.0
    assert data["parameters"]["measured_it_energy"]["value"] == pytest.approx(2.190450210666666, rel=1e-12)
    assert data["energy"]["value"] == pytest.approx(2.190450210666666 * STUDY_PUE, rel=1e-12)
    source = load_study(MEASURED).parameters["measured_it_energy"].source
    assert source.startswith("measured: codecarbon log lca:scenarios/logs/codecarbon_emissions.csv (1 run(s)")


def test_study_energy_log_files_are_relative_to_the_study_and_uncertainty_can_be_replaced(study, tmp_path):
    (tmp_path / "logs").mkdir()
    write_log(tmp_path / "logs" / "emissions.csv", {})
    path = study(MEASURED_STUDY.format(energy_log='''[energy_log]
parameter = "it_kwh"
files = ["logs/emissions.csv"]
uncertainty = { distribution = "lognormal", gsd = 1.2 }'''))
    model = load_study(path)
    parameter = model.parameters["it_kwh"]
    assert parameter.unit_text == "kWh" and parameter.value == pytest.approx(0.8, rel=1e-12)
    assert parameter.uncertainty.to_dict() == {"distribution": "lognormal", "gsd": 1.2}
    assert "logs/emissions.csv" in parameter.source and "codecarbon" in parameter.source


def test_default_uncertainty_is_the_sensors(tmp_path):
    model = load_study(MEASURED, energy_logs=[write_log(tmp_path / "e.csv", {})], allow_outside=True)
    spec = model.parameters["measured_it_energy"].uncertainty
    gpu, cpu, ram = 0.75 * 0.05 / math.sqrt(3), 0.03125 * 1.04 / math.sqrt(3), 0.01875 * 0.24 / math.sqrt(3)
    assert spec.kind == "lognormal"
    assert spec.gsd == pytest.approx(math.exp(math.sqrt(gpu**2 + cpu**2 + ram**2) / 0.8), rel=1e-12)


MALFORMED = {
    "missing columns": (lambda p: p.write_text(HEADER.replace(",gpu_energy", "") + "\n"
                                                + ROW.format(**RUN).replace(",1.2,", ",", 1) + "\n"),
                        "line 1: a CodeCarbon emissions.csv without column(s) gpu_energy"),
    "non-numeric cell": (lambda p: write_log(p, dict(ram="lots")), "line 2 (run_id 7d1c58e0"),
    "negative energy": (lambda p: write_log(p, dict(gpu="-1.2", total="-1.12")), "gpu_energy -1.2 is negative"),
    "empty file": (lambda p: p.write_bytes(b""), "empty energy log"),
    "binary junk": (lambda p: p.write_bytes(bytes(range(256)) * 4), "binary data"),
    "duplicate run_id, other values": (lambda p: write_log(p, {}, dict(total="1.29", ram="0.04")),
                                       "line 3 (run_id 7d1c58e0-2f7e-4c43-9a51-3b8f6b1e2c90): run_id"),
    "zero GPU energy with GPUs": (lambda p: write_log(p, dict(gpu="0", total="0.08")),
                                  "line 2 (run_id 7d1c58e0-2f7e-4c43-9a51-3b8f6b1e2c90): gpu_count 4 but gpu_energy 0"),
}


@pytest.mark.parametrize("variant", sorted(MALFORMED))
def test_a_malformed_log_is_one_error_line_and_exit_2(capsys, tmp_path, variant):
    write, message = MALFORMED[variant]
    path = tmp_path / "emissions.csv"
    write(path)
    code, out, err = run(capsys, "run", MEASURED, "--energy-log", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_study_without_energy_log_says_what_to_add(capsys, tmp_path):
    code, _, err = run(capsys, "run", "lca:scenarios/patterson2021_gpt3.toml", "--energy-log",
                       str(write_log(tmp_path / "e.csv", {})))
    assert code == 2 and "has no [energy_log] table" in err and "parameter = " in err


def test_set_and_energy_log_on_the_same_parameter_conflict(capsys, tmp_path):
    code, _, err = run(capsys, "run", MEASURED, "--energy-log", str(write_log(tmp_path / "e.csv", {})),
                       "--set", "measured_it_energy=3")
    assert code == 2 and "--set measured_it_energy: this parameter is the study's measured energy" in err


@pytest.mark.parametrize("parameter, message", [
    ("nowhere", "energy_log.parameter: no parameter 'nowhere'"),
    ("pue_factor", "is dimensionless, not an energy"),
])
def test_energy_log_must_name_an_energy_parameter(capsys, study, parameter, message):
    path = study(MEASURED_STUDY.format(energy_log=f'[energy_log]\nparameter = "{parameter}"'))
    code, _, err = run(capsys, "run", str(path))
    assert code == 2 and "study.toml: energy_log.parameter: " in err and message in err


def test_sources_list_the_log_and_its_uncertainty(capsys, tmp_path):
    log = write_log(tmp_path / "e.csv", {})
    code, out, _ = run(capsys, "sources", MEASURED, "--energy-log", str(log), "--format", "json")
    assert code == 0
    (row,) = [r for r in json.loads(out) if r["name"] == "measured_it_energy"]
    assert row["value"] == pytest.approx(0.8, rel=1e-12) and row["unit"] == "kWh"
    assert row["source"].startswith(f"measured: codecarbon log {log} (1 run(s)")
    assert row["uncertainty"].startswith("lognormal gsd=1.0")
    assert row["elasticity"]["climate_change"] == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("text, joules", [
    ("start_time,window_name,elapsed_time,gpu0_energy,gpu1_energy\n1767607200.0,train,3600.0,1440000.0,1440000.0\n",
     2_880_000.0),
    ("timestamp, index, name, power.draw [W]\n2026/01/05 10:00:00.000, 0, NVIDIA H100 80GB HBM3, 400.00 W\n"
     "2026/01/05 11:00:00.000, 0, NVIDIA H100 80GB HBM3, 400.00 W\n", 1_440_000.0),
])
def test_zeus_and_nvidia_smi_logs_through_the_command_line(capsys, tmp_path, text, joules):
    log = tmp_path / "gpu.csv"
    log.write_text(text)
    data = run_json(capsys, MEASURED, "--energy-log", str(log))
    assert data["parameters"]["measured_it_energy"]["value"] == pytest.approx(joules / 3.6e6, rel=1e-12)
    assert data["energy"]["value"] == pytest.approx(joules / 3.6e6 * STUDY_PUE, rel=1e-12)


def test_energy_log_uncertainty_must_be_relative(capsys, study):
    path = study(MEASURED_STUDY.format(energy_log='''[energy_log]
parameter = "it_kwh"
uncertainty = { distribution = "uniform", min = 1, max = 2 }'''))
    code, _, err = run(capsys, "run", str(path))
    assert code == 2 and "study.toml: energy_log.uncertainty: a measured energy takes a relative uncertainty" in err
