"""DCGM (exporter CSV and ``dcgmi dmon``) and carbontracker logs: hand-computed energies, and every
malformed variant as one clear error naming the file and line (exit 2 through ``lca run``)."""

from __future__ import annotations

import json
import math

import pytest
from conftest import run_cli

from lca.errors import FileFormatError
from lca.load.energy_logs import read_energy_logs, sensor_accuracy

MEASURED = "lca:scenarios/codecarbon_measured.toml"
EXPORTER = ("timestamp,Hostname,gpu,UUID,modelName,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n"
            "1767607200,node1,0,GPU-a,NVIDIA H100 80GB HBM3,1000000\n"
            "1767607200,node1,1,GPU-b,NVIDIA H100 80GB HBM3,5000000\n"
            "1767610800,node1,0,GPU-a,NVIDIA H100 80GB HBM3,1801000000\n"
            "1767610800,node1,1,GPU-b,NVIDIA H100 80GB HBM3,905000000\n")
# GPU 0: 1,800,000,000 mJ = 1.8 MJ = 0.5 kWh; GPU 1: 900,000,000 mJ = 0.25 kWh
DMON = """#Entity   POWER      TOTEC
ID        W          mJ
GPU 0     350.000    1000
GPU 1     300.000    2000
GPU 0     351.000    360001000
GPU 1     301.000    180002000
#Entity   POWER      TOTEC
ID        W          mJ
GPU 0     352.000    5000
GPU 1     302.000    360002000
"""
# GPU 0: 360,000,000 mJ, then a reset (driver reload) and 5,000 more; GPU 1: 360,000,000 mJ. 0.2000014 kWh
STD = ("2026-03-02 10:00:00 - carbontracker version 2.4.7\n"
       "2026-03-02 10:00:00 - Only predicted and actual consumptions are multiplied by a PUE coefficient of 1.58 "
       "(Daniel Bizo, 2023, Uptime Institute Global Data Center Survey).\n"
       "2026-03-02 10:00:01 - The following components were found: GPU with device(s) NVIDIA A100-SXM4-40GB.\n")
OUTPUT = ("2026-03-02 10:00:00 - carbontracker version 2.4.7\n"
          "2026-03-02 10:00:00 - \nPredicted consumption for 10 epoch(s):\n\tTime:\t2:00:00\n"
          "\tEnergy:\t3.160000 kWh\n\tCO2eq:\t1000.000000 g\n"
          "2026-03-02 12:00:00 - \nActual consumption for 10 epoch(s):\n\tTime:\t1:58:20\n"
          "\tEnergy:\t3.081000 kWh\n\tCO2eq:\t950.000000 g\n\tThis is equivalent to:\n\t8.8 km travelled by car\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def carbontracker_logs(tmp_path, output=OUTPUT, std=STD, prefix="job_2026-03-02T100000Z"):
    write(tmp_path, f"{prefix}_carbontracker.log", std)
    return write(tmp_path, f"{prefix}_carbontracker_output.log", output)


def test_dcgm_exporter_energy_counter_is_differenced_per_gpu(tmp_path):
    m = read_energy_logs([write(tmp_path, "dcgm.csv", EXPORTER)])
    assert m.format == "dcgm" and m.records == 2 and m.duration_s == 3600.0
    assert m.kwh == pytest.approx(0.75, rel=1e-15)
    assert m.sd_kwh == pytest.approx(0.75 * 5 / math.sqrt(3) / 100, rel=1e-12)  # NVML's +/-5 %, uniform


def test_two_nodes_are_told_apart_by_hostname(tmp_path):
    other = EXPORTER.replace("node1", "node2").split("\n", 1)[1]
    m = read_energy_logs([write(tmp_path, "a.csv", EXPORTER), write(tmp_path, "b.csv", "timestamp,Hostname,gpu,UUID,"
                          "modelName,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n" + other)])
    assert m.records == 4 and m.kwh == pytest.approx(1.5, rel=1e-15)


def test_dcgm_power_gauge_is_integrated_over_time(tmp_path):
    text = ("timestamp,gpu,DCGM_FI_DEV_POWER_USAGE\n2026-01-05T10:00:00Z,0,300\n2026-01-05T10:00:10Z,0,500\n"
            "2026-01-05T10:00:20Z,0,N/A\n2026-01-05T10:00:30Z,0,500\n")
    m = read_energy_logs([write(tmp_path, "power.csv", text)])
    # trapezoid: 10 s x 400 W + 20 s x 500 W = 14,000 J; the [N/A] reading is spanned
    assert m.kwh * 3.6e6 == pytest.approx(14_000, rel=1e-12)
    bound, _ = sensor_accuracy()["nvidia_smi_power"]
    assert m.sd_kwh == pytest.approx(bound * 30 / 3.6e6, rel=1e-12)


def test_dcgmi_dmon_counter_handles_a_reset_and_repeated_headers(tmp_path):
    m = read_energy_logs([write(tmp_path, "dmon.txt", DMON)])
    assert m.format == "dcgm" and m.records == 2
    assert m.kwh * 3.6e6 == pytest.approx((360_000_000 + 5_000 + 360_000_000) / 1000, rel=1e-15)


def test_carbontracker_actual_consumption_with_its_pue_divided_out(tmp_path):
    output = carbontracker_logs(tmp_path)
    m = read_energy_logs([output])
    assert m.format == "carbontracker" and m.records == 1
    assert m.kwh == pytest.approx(3.081 / 1.58, rel=1e-12)  # the actual, not the predicted 3.16
    assert m.duration_s == 1 * 3600 + 58 * 60 + 20
    # the standard log names the same run
    assert read_energy_logs([tmp_path / "job_2026-03-02T100000Z_carbontracker.log"]).kwh == m.kwh


def test_carbontracker_through_the_command_line(tmp_path, capsys):
    output = carbontracker_logs(tmp_path)
    code, out, err = run_cli(capsys, "run", MEASURED, "--energy-log", str(output), "--format", "json",
                             "--allow-include-outside")
    assert code == 0, err
    # the IT energy 3.081 / 1.58 kWh through the study's industry-average PUE 1.56
    assert json.loads(out)["energy"]["value"] == pytest.approx(3.081 / 1.58 * 1.56, rel=1e-12)


MALFORMED = [
    ("dcgm.csv", "timestamp,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n1,5\n2,6\n", "line 1: a DCGM log without a GPU column"),
    ("dcgm.csv", "gpu,DCGM_FI_DEV_POWER_USAGE\n0,300\n0,300\n",
     "line 1: DCGM power readings without a timestamp column cannot be integrated"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n1767607200,0,5\n",
     "line 2: GPU 0 has one energy counter reading"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\nnoon,0,5\n1767607300,0,9\n",
     "line 2: timestamp 'noon' is neither Unix seconds nor an ISO time"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n1767607200,0,-5\n1767607300,0,9\n",
     "line 2: DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION -5 is negative"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_POWER_USAGE\n1767607200,0,300\n1767607200,0,310\n",
     "line 3: GPU 0 at 2026-01-05 10:00:00+00:00 is also at"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_POWER_USAGE\n1767607200,0,watts\n1767607300,0,9\n",
     "line 2: DCGM_FI_DEV_POWER_USAGE 'watts' is not a number"),
    ("dcgm.csv", "timestamp,gpu,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\n1767607200,0,5\n1767607300,0,5\n",
     "record no energy"),
    ("dmon.txt", "#Entity   POWER\nID        W\nGPU 0     350.000\n", "dcgmi dmon output without TOTEC (field 156"),
    ("dmon.txt", "#Entity   POWER   TOTEC\nGPU 0     350.000\n", "line 2: 1 values after 'GPU 0', the header has 2"),
    ("dmon.txt", "#Entity   TOTEC\nGPU 0   5\n#Entity   POWER   TOTEC\nGPU 0 1 7\n",
     "line 3: the fields changed from TOTEC to POWER TOTEC"),
    ("dmon.txt", "#Entity   POWER   TOTEC\nID W mJ\n", "has a header but no rows"),
    ("dmon.txt", "#Entity   POWER   TOTEC\nGPU 0 350 lots\nGPU 0 350 9\n", "line 2: DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION 'lots'"),
]


@pytest.mark.parametrize("name, text, message", MALFORMED)
def test_malformed_dcgm_logs_are_one_error_line_and_exit_2(tmp_path, capsys, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(FileFormatError, match=None) as caught:
        read_energy_logs([path])
    assert message in str(caught.value) and name in str(caught.value)
    code, out, err = run_cli(capsys, "run", MEASURED, "--energy-log", str(path), "--allow-include-outside")
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


@pytest.mark.parametrize("output, std, message", [
    (OUTPUT.split("2026-03-02 12:00:00")[0], STD, "no 'Actual consumption' record with an energy in kWh"),
    (OUTPUT, STD.replace("PUE coefficient of 1.58", "PUE"), "_carbontracker.log: no 'PUE coefficient of ...' line"),
    (OUTPUT, STD.replace("1.58", "0.9"), "PUE coefficient 0.9 is below 1"),
    ("", STD, "empty energy log"),
])
def test_malformed_carbontracker_logs_are_one_error(tmp_path, capsys, output, std, message):
    path = carbontracker_logs(tmp_path, output, std)
    code, out, err = run_cli(capsys, "run", MEASURED, "--energy-log", str(path), "--allow-include-outside")
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_a_carbontracker_log_without_its_pair_says_which_file_is_missing(tmp_path):
    path = write(tmp_path, "job_carbontracker_output.log", OUTPUT)
    with pytest.raises(FileFormatError, match=r"job_carbontracker.log is not beside it"):
        read_energy_logs([path])


def test_logs_of_two_formats_are_refused(tmp_path):
    with pytest.raises(FileFormatError, match=r"energy logs of different formats"):
        read_energy_logs([write(tmp_path, "dcgm.csv", EXPORTER), carbontracker_logs(tmp_path)])
