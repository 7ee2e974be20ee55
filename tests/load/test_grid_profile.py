"""``lca run --grid-profile FILE``: an hourly intensity series weighted by a CodeCarbon log's hourly
energy replaces the annual grid factor; every malformed series or log is one clear error, exit 2."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from conftest import run_cli

from lca.model.hourly import split_by_hour, time_matched_intensity

STUDY = '''
[study]
name = "hourly"
functional_unit = "one run"

[energy_log]
parameter = "it_kwh"

[parameters]
it_kwh = { value = 1, unit = "kWh" }
grid_intensity = { value = 0.4, unit = "kg CO2-eq/kWh" }

[processes.run]
unit = "item"
stage = "use"
[[processes.run.technosphere]]
product = "grid"
amount = "it_kwh"
unit = "kWh"

[processes.grid]
unit = "kWh"
[[processes.grid.biosphere]]
flow = "ghg"
amount = "grid_intensity"
unit = "kg CO2-eq"

[demand]
run = 1
'''
LOG_HEADER = "timestamp,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed,pue"
# run r1 ends 12:30 after 1.5 h: 3 kWh / pue 1.5 = 2 kWh of IT energy, 11:00-12:00 gets 2/3, 12:00-12:30 1/3;
# run r2 ends 14:00 after 1 h: 1 kWh in 13:00
LOG = LOG_HEADER + "\n2026-03-02T12:30:00,r1,5400,0.5,2.5,0,3,1.5\n2026-03-02T14:00:00+00:00,r2,3600,0.2,0.8,0,1,1\n"
EM = "Datetime (UTC),Zone id,Carbon intensity gCO₂eq/kWh (direct),Carbon intensity gCO₂eq/kWh (Life cycle)\n"
GRID = EM + "".join(f"2026-03-02 {h:02d}:00:00,FR,{d},{lc}\n" for h, d, lc in
                    [(10, 1, 999), (11, 50, 100), (12, 80, 400), (13, 90, 250), (14, 5, 999)])
# (4/3 x 100 + 2/3 x 400 + 1 x 250) / 3 = 650/3 g/kWh
MATCHED = 650 / 3 / 1000


def files(study, tmp_path, log=LOG, grid=GRID):
    path = study(STUDY)
    (tmp_path / "emissions.csv").write_text(log, encoding="utf-8")
    (tmp_path / "FR_2026_hourly.csv").write_text(grid, encoding="utf-8")
    return str(path), str(tmp_path / "emissions.csv"), str(tmp_path / "FR_2026_hourly.csv")


def test_split_by_hour_hand_computed():
    utc = timezone.utc
    shares = split_by_hour(datetime(2026, 3, 2, 11, tzinfo=utc), datetime(2026, 3, 2, 12, 30, tzinfo=utc), 3.0)
    assert shares == {datetime(2026, 3, 2, 11, tzinfo=utc): 2.0, datetime(2026, 3, 2, 12, tzinfo=utc): 1.0}


def test_time_matched_intensity_is_the_energy_weighted_mean():
    hours = [datetime(2026, 1, 1, h, tzinfo=timezone.utc) for h in range(3)]
    value = time_matched_intensity(dict(zip(hours, [1.0, 0.0, 3.0])), dict(zip(hours, [0.1, 9.0, 0.5])), "g.csv")
    assert value == pytest.approx((0.1 + 1.5) / 4, rel=1e-15)  # the zero-load hour does not count


def test_run_uses_the_time_matched_intensity_hand_computed(study, tmp_path, capsys):
    path, log, grid = files(study, tmp_path)
    code, out, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid,
                             "--log-timezone", "UTC", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["parameters"]["grid_intensity"]["value"] == pytest.approx(MATCHED, rel=1e-12)
    assert data["parameters"]["it_kwh"]["value"] == pytest.approx(3.0, rel=1e-12)
    profile = data["grid_profile"]
    assert profile["annual_average"] == 0.4 and profile["time_matched"] == pytest.approx(MATCHED, rel=1e-12)
    assert profile["hours"] == 3 and profile["kwh"] == pytest.approx(3.0, rel=1e-12)
    assert profile["column"] == "Carbon intensity gCO₂eq/kWh (Life cycle)"
    assert profile["climate_change"]["annual_average"] == pytest.approx(3 * 0.4, rel=1e-12)
    assert data["impacts"]["climate_change"]["value"] == pytest.approx(3 * MATCHED, rel=1e-12)
    assert profile["climate_change"]["time_matched"] == data["impacts"]["climate_change"]["value"]
    code, out, _ = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid, "--log-timezone", "UTC")
    assert "climate_change: annual average 1.2, time-matched 0.65" in out


def test_local_timestamps_are_read_in_the_given_zone(study, tmp_path, capsys):
    # Paris is UTC+1 in March: r1's 12:30 local is 11:30 UTC, so it covers 10:00-11:30 UTC (4/3 in 10:00
    # at 999 g, 2/3 in 11:00 at 100 g); r2 carries its own offset and is unchanged
    path, log, grid = files(study, tmp_path)
    code, out, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid,
                             "--log-timezone", "Europe/Paris", "--format", "json")
    assert code == 0, err
    expected = (4 / 3 * 999 + 2 / 3 * 100 + 250) / 3 / 1000
    assert json.loads(out)["grid_profile"]["time_matched"] == pytest.approx(expected, rel=1e-12)


def test_direct_column_when_no_life_cycle_column(study, tmp_path, capsys):
    grid = "datetime (utc),carbon intensity gco2eq/kwh (direct)\n" + "".join(
        f"2026-03-02T{h:02d}:00:00Z,{v}\n" for h, v in [(11, 50), (12, 80), (13, 90)])
    path, log, grid_path = files(study, tmp_path, grid=grid)
    code, out, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid_path,
                             "--log-timezone", "UTC", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["grid_profile"]["time_matched"] == pytest.approx((4 / 3 * 50 + 2 / 3 * 80 + 90) / 3000)


BAD_GRIDS = [
    (EM.replace("Datetime (UTC)", "Datetime (local)") + "2026-03-02 11:00:00,FR,1,1\n", "no 'Datetime (UTC)' column"),
    ("Datetime (UTC),Zone id\n2026-03-02 11:00:00,FR\n", "no 'Carbon intensity gCO₂eq/kWh (Life cycle)'"),
    (GRID.replace("2026-03-02 12:00:00,FR,80,400\n", ""), "no intensity for 1 hour(s) of the job's load, first 2026-03-02 12:00 UTC"),
    (GRID.replace("2026-03-02 12:00:00,FR,80,400", "2026-03-02 12:00:00,FR,80,"), "line 4: Carbon intensity gCO₂eq/kWh (Life cycle) '' is not a number"),
    (GRID.replace("2026-03-02 12:00:00", "2026-03-02 11:00:00"), "line 4: hour 2026-03-02 11:00 UTC is repeated"),
    (GRID.replace("2026-03-02 12:00:00", "2026-03-02 12:00:00+01:00"), "has the offset 1:00:00, not UTC"),
    (GRID.replace("2026-03-02 12:00:00", "2026-03-02 12:15:00"), "is not on the hour"),
    (GRID.replace("2026-03-02 12:00:00", "yesterday"), "line 4: Datetime (UTC) 'yesterday' is not a date"),
    (GRID.replace(",80,400", ",80,-4"), "'-4' is not a finite non-negative intensity"),
    (GRID.replace(",80,400", ",80"), "line 4: 3 cells, the header has 4 columns"),
    (EM, "the grid profile has a header but no rows"),
    ("", "empty grid profile"),
]


@pytest.mark.parametrize("grid, message", BAD_GRIDS)
def test_malformed_grid_profiles_are_one_clear_error(study, tmp_path, capsys, grid, message):
    path, log, grid_path = files(study, tmp_path, grid=grid)
    code, out, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid_path,
                             "--log-timezone", "UTC")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert message in err, err
    assert "FR_2026_hourly.csv" in err, err


def test_naive_log_timestamps_need_a_zone(study, tmp_path, capsys):
    path, log, grid = files(study, tmp_path)
    code, _, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid)
    assert code == 2
    assert "emissions.csv: line 2: timestamp '2026-03-02T12:30:00' has no time zone" in err and "--log-timezone" in err


@pytest.mark.parametrize("extra, message", [
    (["--log-timezone", "Mars/Olympus"], "--log-timezone: 'Mars/Olympus' is not an IANA time zone"),
    (["--log-timezone", "UTC", "--set", "grid_intensity=0.3"], "--set grid_intensity: --grid-profile sets"),
])
def test_bad_options_are_one_clear_error(study, tmp_path, capsys, extra, message):
    path, log, grid = files(study, tmp_path)
    code, _, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid, *extra)
    assert code == 2 and message in err, err


def test_a_profile_needs_a_load_and_an_intensity_parameter(study, tmp_path, capsys):
    _, _, grid = files(study, tmp_path)
    code, _, err = run_cli(capsys, "run", "lca:scenarios/patterson2021_switch.toml", "--grid-profile", grid)
    assert code == 2 and "give its CodeCarbon log with --energy-log" in err, err
    code, _, err = run_cli(capsys, "run", "lca:scenarios/codecarbon_measured.toml", "--grid-profile", grid)
    assert code == 2 and "has no parameter 'grid_intensity'" in err, err


def test_a_zeus_log_has_no_hourly_load(study, tmp_path, capsys):
    zeus = "start_time,window_name,elapsed_time,gpu0_energy\n1767607200.0,train,3600.0,3600000.0\n"
    path, log, grid = files(study, tmp_path, log=zeus)
    code, _, err = run_cli(capsys, "run", path, "--energy-log", log, "--grid-profile", grid)
    assert code == 2 and "an hourly load needs the timestamps of a CodeCarbon emissions.csv" in err, err
