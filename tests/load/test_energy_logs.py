"""Energy logs in (lca.load.energy_logs): CodeCarbon, Zeus and nvidia-smi logs written by hand
with the column sets of ../shared/reference/formats.md, energies solved by hand, and every
malformed variant rejected with the file and line named."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.errors import FileFormatError
from lca.load import energy_logs
from lca.load.energy_logs import read_energy_logs, sensor_accuracy

# CodeCarbon 3.3 emissions.csv columns, in order (formats.md)
CODECARBON_3 = ("timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
                "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,"
                "country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,"
                "codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,"
                "tracking_mode,cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,"
                "ram_used_gb,on_cloud,pue,wue").split(",")
# CodeCarbon 2.x: no water_consumed, no utilisation columns, no pue, no wue
CODECARBON_2 = [c for c in CODECARBON_3 if c not in {
    "water_consumed", "cpu_utilization_percent", "gpu_utilization_percent", "ram_utilization_percent",
    "ram_used_gb", "pue", "wue"}]

DEFAULTS = {
    "timestamp": "2026-03-02T16:14:07", "project_name": "bert-ft", "experiment_id": "5b0fa12a-3dd7-45bb-9766-cc326314d9f1",
    "emissions": "0.5", "emissions_rate": "0.0001", "cpu_power": "42.5", "gpu_power": "1200.0", "ram_power": "30.0",
    "water_consumed": "0.0", "country_name": "France", "country_iso_code": "FRA", "region": "île-de-france",
    "cloud_provider": "", "cloud_region": "", "os": "Linux-5.15.0-105-generic-x86_64-with-glibc2.35",
    "python_version": "3.11.9", "codecarbon_version": "3.3.1", "cpu_count": "64", "cpu_model": "AMD EPYC 7763 64-Core Processor",
    "gpu_count": "4", "gpu_model": "4 x NVIDIA A100-SXM4-80GB", "longitude": "2.3488", "latitude": "48.8534",
    "ram_total_size": "503.5", "tracking_mode": "machine", "cpu_utilization_percent": "12.4",
    "gpu_utilization_percent": "96.1", "ram_utilization_percent": "31.0", "ram_used_gb": "156.1", "on_cloud": "N",
    "wue": "0.0",
}


def codecarbon_row(columns: list[str], **values: str) -> str:
    cells = {**DEFAULTS, **values}
    return ",".join(cells[c] for c in columns)


def codecarbon_file(path: Path, columns: list[str], *rows: dict) -> Path:
    path.write_text("\n".join([",".join(columns)] + [codecarbon_row(columns, **r) for r in rows]) + "\n",
                    encoding="utf-8")
    return path


# one hour: cpu 0.05 + gpu 1.2 + ram 0.03 = 1.28 kWh with CodeCarbon's pue 1.6 -> 0.8 kWh IT
RUN_A = dict(run_id="7d1c58e0-2f7e-4c43-9a51-3b8f6b1e2c90", duration="3600.0", cpu_energy="0.05", gpu_energy="1.2",
             ram_energy="0.03", energy_consumed="1.28", pue="1.6")
RUN_B = dict(run_id="0c1e2a55-6a41-4d0e-8f7b-6b1d9f8c3e21", duration="1800.0", cpu_energy="0.02", gpu_energy="0.5",
             ram_energy="0.01", energy_consumed="0.53", pue="1.0")


def test_codecarbon_3_divides_out_its_pue(tmp_path):
    m = read_energy_logs([codecarbon_file(tmp_path / "emissions.csv", CODECARBON_3, RUN_A)])
    assert m.format == "codecarbon" and m.records == 1
    assert m.kwh == pytest.approx(1.28 / 1.6, rel=1e-12)  # 0.8 kWh
    assert dict(m.by_sensor) == pytest.approx({"nvml_gpu": 0.75, "codecarbon_cpu": 0.03125, "codecarbon_ram": 0.01875})
    assert m.duration_s == 3600.0


def test_codecarbon_2_columns_have_no_pue(tmp_path):
    row = {k: v for k, v in RUN_B.items() if k != "pue"}
    m = read_energy_logs([codecarbon_file(tmp_path / "emissions.csv", CODECARBON_2, row)])
    assert m.kwh == pytest.approx(0.53, rel=1e-12)


def test_codecarbon_ranks_are_summed_and_a_run_written_twice_counts_once(tmp_path):
    rank0 = codecarbon_file(tmp_path / "rank0.csv", CODECARBON_3, RUN_A)
    rank1 = codecarbon_file(tmp_path / "rank1.csv", CODECARBON_3, RUN_B, RUN_A)  # RUN_A copied in
    m = read_energy_logs([rank0, rank1, rank1])
    assert m.records == 2
    assert m.kwh == pytest.approx(0.8 + 0.53, rel=1e-12)


def test_codecarbon_uncertainty_from_the_accuracy_table(tmp_path):
    m = read_energy_logs([codecarbon_file(tmp_path / "emissions.csv", CODECARBON_3, RUN_A)])
    # standard uncertainties = bound / sqrt(3): GPU 5 %, CPU 104 %, RAM 24 % (sensor_accuracy.csv)
    gpu, cpu, ram = 0.75 * 0.05 / math.sqrt(3), 0.03125 * 1.04 / math.sqrt(3), 0.01875 * 0.24 / math.sqrt(3)
    assert m.sd_kwh == pytest.approx(math.sqrt(gpu**2 + cpu**2 + ram**2), rel=1e-12)
    assert m.gsd == pytest.approx(math.exp(m.sd_kwh / 0.8), rel=1e-12)


def test_doubling_every_energy_column_doubles_the_energy_and_keeps_its_relative_uncertainty(tmp_path):
    once = read_energy_logs([codecarbon_file(tmp_path / "a.csv", CODECARBON_3, RUN_A)])
    doubled = dict(RUN_A, cpu_energy="0.1", gpu_energy="2.4", ram_energy="0.06", energy_consumed="2.56")
    twice = read_energy_logs([codecarbon_file(tmp_path / "b.csv", CODECARBON_3, doubled)])
    assert twice.kwh == 2 * once.kwh
    assert twice.gsd == pytest.approx(once.gsd, rel=1e-12)


def test_accuracy_table_rows_are_sourced():
    table = sensor_accuracy()
    assert table["nvml_gpu"] == pytest.approx((5 / math.sqrt(3), "%"))
    assert table["nvidia_smi_power"] == pytest.approx((5 / math.sqrt(3), "W"))


@pytest.mark.parametrize("change, line, message", [
    (dict(gpu_energy="0", energy_consumed="0.08"), 2, "gpu_count 4 but gpu_energy 0"),
    (dict(cpu_energy="abc"), 2, "cpu_energy 'abc' is not a number"),
    (dict(gpu_energy="-1.2", energy_consumed="-1.12"), 2, "gpu_energy -1.2 is negative"),
    (dict(duration="nan"), 2, "duration 'nan' is not a finite number"),
    (dict(energy_consumed="2.0"), 2, "is not cpu_energy + gpu_energy + ram_energy"),
    (dict(pue="0.9"), 2, "pue 0.9 is below 1"),
    (dict(run_id=""), 2, "empty run_id"),
])
def test_malformed_codecarbon_rows_name_file_and_line(tmp_path, change, line, message):
    path = codecarbon_file(tmp_path / "emissions.csv", CODECARBON_3, dict(RUN_A, **change))
    with pytest.raises(FileFormatError) as error:
        read_energy_logs([path])
    assert f"emissions.csv: line {line}" in str(error.value) and message in str(error.value)


def test_zero_gpu_energy_is_fine_without_gpus(tmp_path):
    path = codecarbon_file(tmp_path / "cpu_only.csv", CODECARBON_3,
                           dict(RUN_A, gpu_energy="0", energy_consumed="0.08", gpu_count="", gpu_model=""))
    assert read_energy_logs([path]).kwh == pytest.approx(0.08 / 1.6, rel=1e-12)


def test_duplicate_run_id_with_other_numbers_names_both_rows(tmp_path):
    rank0 = codecarbon_file(tmp_path / "rank0.csv", CODECARBON_3, RUN_A)
    rank1 = codecarbon_file(tmp_path / "rank1.csv", CODECARBON_3, RUN_B, dict(RUN_A, duration="3601.0"))
    with pytest.raises(FileFormatError, match=r"rank1.csv: line 3 .*also at .*rank0.csv: line 2"):
        read_energy_logs([rank0, rank1])


def test_missing_columns_are_named(tmp_path):
    columns = [c for c in CODECARBON_3 if c not in ("gpu_energy", "duration")]
    path = codecarbon_file(tmp_path / "emissions.csv", columns, RUN_A)
    with pytest.raises(FileFormatError, match=r"emissions.csv: line 1: .* without column\(s\) duration, gpu_energy"):
        read_energy_logs([path])


@pytest.mark.parametrize("content, message", [
    (b"", "empty energy log"),
    (b"  \n\n", "empty energy log"),
    (",".join(CODECARBON_3).encode() + b"\n", "a header but no rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
    (",".join(CODECARBON_3).encode() + b"\n\xff\xfe\xfa junk\n", "line 2: not UTF-8 text"),
    (b"date;kwh\n2026-01-01;3\n", "line 1: not a known energy log"),
    (",".join(CODECARBON_3).encode() + b"\n1,2,3\n", "line 2: 3 cells, the header has 38 columns"),
    (b"timestamp,timestamp,power.draw [W]\n1,2,3\n", "line 1: column 'timestamp' is repeated in the header"),
])
def test_unreadable_files_are_one_clear_error(tmp_path, content, message):
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as error:
        read_energy_logs([path])
    assert str(error.value).startswith(str(path)) or "log.csv" in str(error.value)
    assert message in str(error.value)


def test_missing_file_and_size_limit(tmp_path, monkeypatch):
    with pytest.raises(FileFormatError, match="nowhere.csv: energy log not found"):
        read_energy_logs([tmp_path / "nowhere.csv"])
    path = codecarbon_file(tmp_path / "big.csv", CODECARBON_3, RUN_A)
    monkeypatch.setattr(energy_logs, "MAX_LOG_BYTES", 100)
    with pytest.raises(FileFormatError, match="big.csv: larger than"):
        read_energy_logs([path])


# -- Zeus ---------------------------------------------------------------------------------

ZEUS = """start_time,window_name,elapsed_time,gpu0_energy,gpu1_energy
1767607200.0,epoch_1,600.0,180000.0,176400.0
1767607800.5,epoch_2,600.0,183600.0,180000.0
"""


def test_zeus_windows_sum_joules_per_gpu(tmp_path):
    path = tmp_path / "zeus.csv"
    path.write_text(ZEUS)
    m = read_energy_logs([path])
    assert m.format == "zeus" and m.records == 2
    assert m.kwh == pytest.approx((180000 + 176400 + 183600 + 180000) / 3.6e6, rel=1e-12)  # 0.2 kWh
    assert m.sd_kwh == pytest.approx(m.kwh * 0.05 / math.sqrt(3), rel=1e-12)


def test_zeus_identical_windows_in_two_files_count_once(tmp_path):
    (tmp_path / "a.csv").write_text(ZEUS)
    (tmp_path / "b.csv").write_text(ZEUS.splitlines()[0] + "\n" + ZEUS.splitlines()[2] + "\n")
    assert read_energy_logs([tmp_path / "a.csv", tmp_path / "b.csv"]).kwh == pytest.approx(0.2, rel=1e-12)


@pytest.mark.parametrize("body, message", [
    ("1767607200.0,outer,1200.0,1.0,1.0\n1767607300.0,inner,60.0,1.0,1.0\n", "line 3: window 'inner' overlaps"),
    ("1767607200.0,w,60.0,abc,1.0\n", "line 2: gpu0_energy 'abc' is not a number"),
    ("1767607200.0,w,60.0,-5.0,1.0\n", "line 2: gpu0_energy -5 is negative"),
    ("yesterday,w,60.0,5.0,1.0\n", "line 2: start_time 'yesterday' is neither seconds nor an ISO time"),
    ("1767607200.0,w,60.0,0.0,0.0\n", "record no energy"),
])
def test_malformed_zeus_logs(tmp_path, body, message):
    path = tmp_path / "zeus.csv"
    path.write_text(ZEUS.splitlines()[0] + "\n" + body)
    with pytest.raises(FileFormatError) as error:
        read_energy_logs([path])
    assert "zeus.csv" in str(error.value) and message in str(error.value)


def test_zeus_cpu_columns_are_refused(tmp_path):
    path = tmp_path / "zeus.csv"
    path.write_text("start_time,window_name,elapsed_time,gpu0_energy,cpu0_energy\n1767607200.0,w,60.0,5.0,1.0\n")
    with pytest.raises(FileFormatError, match="line 1: column.s. cpu0_energy"):
        read_energy_logs([path])


# -- nvidia-smi ---------------------------------------------------------------------------

SMI_UNITS = """timestamp, index, name, power.draw [W], utilization.gpu [%], memory.used [MiB]
2026/01/05 10:00:00.000, 0, NVIDIA A100-SXM4-80GB, 200.00 W, 97 %, 40000 MiB
2026/01/05 10:00:00.000, 1, NVIDIA A100-SXM4-80GB, 100.00 W, 10 %, 2000 MiB
2026/01/05 10:00:01.000, 0, NVIDIA A100-SXM4-80GB, 300.00 W, 99 %, 40000 MiB
2026/01/05 10:00:01.000, 1, NVIDIA A100-SXM4-80GB, 100.00 W, 10 %, 2000 MiB
2026/01/05 10:00:02.000, 0, NVIDIA A100-SXM4-80GB, 250.00 W, 98 %, 40000 MiB
2026/01/05 10:00:02.000, 1, NVIDIA A100-SXM4-80GB, 100.00 W, 10 %, 2000 MiB
"""
# trapezoid: GPU 0 (200+300)/2 + (300+250)/2 = 525 J; GPU 1 2 x 100 = 200 J
SMI_JOULES = 725.0


def test_nvidia_smi_with_units_integrates_each_gpu(tmp_path):
    path = tmp_path / "smi.csv"
    path.write_text(SMI_UNITS)
    m = read_energy_logs([path])
    assert m.format == "nvidia-smi" and m.records == 2
    assert m.kwh * 3.6e6 == pytest.approx(SMI_JOULES, rel=1e-12)
    # +/-5 W per reading (uniform): 5/sqrt(3) W over each GPU's 2 s
    assert m.sd_kwh * 3.6e6 == pytest.approx(5 / math.sqrt(3) * 4, rel=1e-12)


def test_nvidia_smi_nounits(tmp_path):
    path = tmp_path / "smi.csv"
    path.write_text(SMI_UNITS.replace(" W,", ",").replace(" %,", ",").replace(" MiB\n", "\n"))
    assert "200.00," in path.read_text()
    assert read_energy_logs([path]).kwh * 3.6e6 == pytest.approx(SMI_JOULES, rel=1e-12)


def test_nvidia_smi_na_readings_are_bridged(tmp_path):
    path = tmp_path / "smi.csv"
    path.write_text("timestamp, index, power.draw [W]\n"
                    "2026/01/05 10:00:00.000, 0, 200.00 W\n"
                    "2026/01/05 10:00:01.000, 0, [N/A]\n"
                    "2026/01/05 10:00:02.000, 0, 300.00 W\n")
    assert read_energy_logs([path]).kwh * 3.6e6 == pytest.approx(500.0, rel=1e-12)


def test_nvidia_smi_power_draw_average_and_a_header_unit_in_kw(tmp_path):
    path = tmp_path / "smi.csv"
    path.write_text("timestamp, uuid, power.draw.average [kW]\n"
                    "2026/01/05 10:00:00, GPU-5f9e, 0.4\n"
                    "2026/01/05 10:00:10, GPU-5f9e, 0.4\n")
    assert read_energy_logs([path]).kwh * 3.6e6 == pytest.approx(4000.0, rel=1e-12)


@pytest.mark.parametrize("rows, message", [
    (["2026/01/05 10:00:00.000, 0, [N/A]", "2026/01/05 10:00:01.000, 0, [N/A]"], "line 2: GPU 0 has no power reading"),
    (["2026/01/05 10:00:00.000, 0, 250 W", "2026/01/05 10:00:00.000, 1, [N/A]", "2026/01/05 10:00:01.000, 0, 250 W",
      "2026/01/05 10:00:01.000, 1, [Not Supported]"], "line 3: GPU 1 has no power reading"),
    (["2026/01/05 10:00:00.000, 0, 250.00 W"], "line 2: GPU 0 has one power reading"),
    (["2026/01/05 10:00:00.000, 0, lots"], "line 2: power.draw [W] 'lots' is not a power reading"),
    (["2026/01/05 10:00:00.000, 0, -3.00 W"], "line 2: power.draw [W] -3 is negative"),
    (["2026/01/05 10:00:00.000, 0, 250.00 GB"], "unit 'GB' is not a power"),
    (["05.01.2026 10:00, 0, 250.00 W"], "line 2: timestamp '05.01.2026 10:00' is not nvidia-smi's"),
    (["2026/01/05 10:00:00.000, 0, 250 W", "2026/01/05 10:00:01.000, 0, 250 W", "2026/01/05 11:00:01.000, 0, 250 W"],
     "line 4: GPU 0: no reading for 3600 s since"),
])
def test_malformed_nvidia_smi_logs(tmp_path, rows, message):
    path = tmp_path / "smi.csv"
    path.write_text("timestamp, index, power.draw [W]\n" + "\n".join(rows) + "\n")
    with pytest.raises(FileFormatError) as error:
        read_energy_logs([path])
    assert "smi.csv" in str(error.value) and message in str(error.value)


def test_two_machines_with_the_same_gpu_index_at_the_same_time_are_refused(tmp_path):
    (tmp_path / "a.csv").write_text(SMI_UNITS)
    (tmp_path / "b.csv").write_text(SMI_UNITS.replace("200.00 W", "210.00 W"))
    with pytest.raises(FileFormatError, match="b.csv: line 2: GPU 0 .* also at .*a.csv: line 2.*add uuid"):
        read_energy_logs([tmp_path / "a.csv", tmp_path / "b.csv"])


def test_formats_are_not_mixed(tmp_path):
    (tmp_path / "smi.csv").write_text(SMI_UNITS)
    (tmp_path / "zeus.csv").write_text(ZEUS)
    with pytest.raises(FileFormatError, match=r"different formats: .*smi.csv \(nvidia-smi\), .*zeus.csv \(zeus\)"):
        read_energy_logs([tmp_path / "smi.csv", tmp_path / "zeus.csv"])


def smi_log(rows: list[tuple[float, float]]) -> str:
    lines = ["timestamp, index, name, power.draw [W]"]
    for t, watts in rows:
        seconds = int(t)
        stamp = f"2026/01/05 {10 + seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{round((t % 1) * 1000):03d}"
        lines.append(f"{stamp}, 0, NVIDIA H100 80GB HBM3, {watts:.2f} W")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None)
@given(power=st.integers(min_value=0, max_value=70000).map(lambda p: p / 100),  # 0.00 to 700.00 W
       step=st.sampled_from([0.1, 0.5, 1.0, 2.0, 5.0]), n=st.integers(min_value=2, max_value=200),
       split=st.integers(min_value=1, max_value=199), shared=st.booleans())
def test_constant_power_integrates_to_p_times_t_and_splitting_keeps_the_total(tmp_path_factory, power, step, n,
                                                                              split, shared):
    folder = tmp_path_factory.mktemp("smi")
    rows = [(round(k * step, 3), power) for k in range(n)]
    whole = folder / "whole.csv"
    whole.write_text(smi_log(rows))
    if power == 0:
        with pytest.raises(FileFormatError, match="record no energy"):
            read_energy_logs([whole])
        return
    total = read_energy_logs([whole]).kwh * 3.6e6
    assert total == pytest.approx(power * (n - 1) * step, rel=1e-9)  # P x T
    k = min(split, n - 1)
    first, second = folder / "first.csv", folder / "second.csv"
    first.write_text(smi_log(rows[:k]))
    second.write_text(smi_log(rows[k - 1 if shared else k:]))  # optionally the boundary row in both
    assert read_energy_logs([first, second]).kwh * 3.6e6 == pytest.approx(total, rel=1e-12)
    assert read_energy_logs([second, first]).kwh * 3.6e6 == pytest.approx(total, rel=1e-12)


def test_codecarbon_per_task_rows_of_one_run_are_summed(tmp_path):
    columns = CODECARBON_3 + ["task_name"]
    path = codecarbon_file(tmp_path / "emissions_exp_run.csv", columns, dict(RUN_A, task_name="train"),
                           dict(RUN_B, run_id=RUN_A["run_id"], task_name="evaluate"))
    m = read_energy_logs([path])
    assert m.records == 2 and m.kwh == pytest.approx(0.8 + 0.53, rel=1e-12)
