"""EIA-930-style interchange CSVs (``lca grid trace FILE``): the shipped sample, the layout's rules,
and every malformed variant as one clear error naming the file, the line and the column (exit 2)."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest
from conftest import run_cli

from lca.errors import FileFormatError
from lca.load.interchange import read_interchange

SAMPLE = "lca:interchange/wecc_sample_week.csv"
HEADER = "period,E_AAA_NG,CO2_AAA_NG,E_BBB_NG,CO2_BBB_NG,E_AAA-BBB_ID"
GOOD = HEADER + "\n2016-07-11T02:00:00Z,100,50000,20,1000,30\n2016-07-11T01:00:00Z,90,45000,25,1250,-5\n"


def write(tmp_path, text, name="week.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_sample_is_a_balanced_week_of_six_areas():
    from lca.load.resources import shipped
    data = read_interchange(shipped(SAMPLE))
    assert data.areas == ("AZPS", "BPAT", "CISO", "LDWP", "NEVP", "PACW")
    assert len(data.hours) == 168 and data.hours[0] == datetime(2016, 7, 11, tzinfo=timezone.utc)
    assert data.where == "lca:inventories/interchange/wecc_sample_week.csv"
    # both directions of every trade are written, and mirror each other
    np.testing.assert_array_equal(data.interchange, -data.interchange.transpose(0, 2, 1))
    # the file's demand column agrees with generation minus net exports (E_D = E_NG - E_TI) to its rounding
    import csv
    rows = list(csv.DictReader(shipped(SAMPLE).open()))
    ciso = data.areas.index("CISO")
    demand = np.array([float(r["E_CISO_D"]) for r in rows])
    np.testing.assert_allclose(data.production[:, ciso] - data.interchange[:, ciso].sum(axis=1), demand, atol=0.35)


def test_rows_are_sorted_the_period_is_the_hours_end_and_one_direction_is_mirrored(tmp_path):
    data = read_interchange(write(tmp_path, GOOD))
    assert [f"{h:%H:%M}" for h in data.hours] == ["00:00", "01:00"]
    assert data.rows[0].endswith("line 3 (period 2016-07-11T01:00:00Z)")
    assert data.production.tolist() == [[90.0, 25.0], [100.0, 20.0]]
    assert data.interchange[0].tolist() == [[0.0, -5.0], [5.0, 0.0]]
    with pytest.raises(ValueError):
        data.production[0, 0] = 1.0  # read-only


def test_an_offset_is_converted_to_utc_and_naive_periods_are_utc(tmp_path):
    text = HEADER + "\n2016-07-10T18:00:00-07:00,1,1,1,1,0\n2016-07-11 02:00:00,1,1,1,1,0\n"
    data = read_interchange(write(tmp_path, text))
    assert [f"{h:%d %H}" for h in data.hours] == ["11 00", "11 01"]


def test_other_columns_are_ignored_and_agreeing_mirrors_accepted(tmp_path):
    text = ("period,E_AAA_D,E_AAA_NG,CO2_AAA_NG,E_BBB_NG,CO2_BBB_NG,E_AAA-BBB_ID,E_BBB-AAA_ID,CO2i_AAA_D\n"
            "2016-07-11T01:00:00Z,70,100,50000,20,1000,30,-30.0004,500\n")
    assert read_interchange(write(tmp_path, text)).interchange[0, 1, 0] == pytest.approx(-30.0004)


MALFORMED = [
    ("", "empty interchange file (no header, no rows)"),
    ("E_AAA_NG,CO2_AAA_NG\n1,1\n", "line 1: no 'period' column"),
    ("period,CO2_AAA_NG\n2016-07-11T01:00:00Z,1\n", "line 1: no net generation column E_{BA}_NG"),
    ("period,E_AAA_NG\n2016-07-11T01:00:00Z,1\n", "line 1: E_AAA_NG without CO2_AAA_NG"),
    ("period,E_AAA_NG,CO2_AAA_NG,CO2_BBB_NG\n2016-07-11T01:00:00Z,1,1,1\n", "line 1: CO2_BBB_NG without E_BBB_NG"),
    ("period,E_AAA_NG,CO2_AAA_NG,E_AAA-AAA_ID\n2016-07-11T01:00:00Z,1,1,0\n",
     "line 1: E_AAA-AAA_ID: an area's interchange with itself"),
    ("period,E_AAA_NG,CO2_AAA_NG,E_AAA-CFE_ID\n2016-07-11T01:00:00Z,1,1,0\n",
     "line 1: E_AAA-CFE_ID: area CFE has no E_CFE_NG and CO2_CFE_NG columns"),
    ("period,E_AAA_NG,E_AAA_NG,CO2_AAA_NG\n2016-07-11T01:00:00Z,1,1,1\n", "line 1: column 'E_AAA_NG' is repeated"),
    (HEADER + "\n", "has a header but no rows"),
    (HEADER + "\n2016-07-11T01:00:00Z,100,50000,20,1000\n", "line 2: 5 cells, the header has 6 columns"),
    (HEADER + "\nyesterday,100,50000,20,1000,30\n", "line 2: period 'yesterday' is not a date and time"),
    (HEADER + "\n2016-07-11T01:30:00Z,100,50000,20,1000,30\n", "line 2: period '2016-07-11T01:30:00Z' is not on the hour"),
    (HEADER + "\n2016-07-11T01:00:00Z,100,50000,20,1000,30\n2016-07-11T01:00:00+00:00,1,1,1,1,1\n",
     "line 3: period 2016-07-11T01:00:00+00:00 is repeated (line 2): EIA's six-month files are split in local time"),
    (HEADER + "\n2016-07-11T01:00:00Z,,50000,20,1000,30\n", "line 2: E_AAA_NG is empty (a missing hour?"),
    (HEADER + "\n2016-07-11T01:00:00Z,100,lots,20,1000,30\n", "line 2: CO2_AAA_NG 'lots' is not a number"),
    (HEADER + "\n2016-07-11T01:00:00Z,100,50000,inf,1000,30\n", "line 2: E_BBB_NG 'inf' is not a finite number"),
    (HEADER + "\n2016-07-11T01:00:00Z,-3,50000,20,1000,30\n", "line 2: E_AAA_NG -3 is negative"),
    (HEADER + ",E_BBB-AAA_ID\n2016-07-11T01:00:00Z,100,50000,20,1000,30,-20\n",
     "line 2: E_AAA-BBB_ID 30 and E_BBB-AAA_ID -20 disagree"),
    (HEADER + '\n2016-07-11T01:00:00Z,"100,50000,20,1000,30\n', "line 2: 2 cells, the header has 6 columns"),
    # the data read, but the physics fails: named by line and period
    (HEADER + "\n2016-07-11T01:00:00Z,100,50000,20,1000,150\n",
     "line 2 (period 2016-07-11T01:00:00Z): area AAA sends out 150 MWh but generates and imports only 100 MWh"),
    (HEADER + "\n2016-07-11T01:00:00Z,100,50000,0,0,0\n",
     "line 2 (period 2016-07-11T01:00:00Z): area BBB has no generation and no imports"),
]


@pytest.mark.parametrize("text, message", MALFORMED)
def test_malformed_interchange_files_are_one_error_line_and_exit_2(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    code, out, err = run_cli(capsys, "grid", "trace", str(path))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "week.csv" in err and message in err


def test_a_missing_or_binary_file_is_one_error(tmp_path, capsys):
    code, _, err = run_cli(capsys, "grid", "trace", str(tmp_path / "none.csv"))
    assert code == 2 and "none.csv" in err
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00period")
    code, _, err = run_cli(capsys, "grid", "trace", str(tmp_path / "bin.csv"))
    assert code == 2 and "bin.csv" in err and err.count("\n") == 1


def test_reader_errors_are_file_format_errors(tmp_path):
    with pytest.raises(FileFormatError, match=r"week.csv: line 1: no 'period' column"):
        read_interchange(write(tmp_path, "x\n1\n"))
