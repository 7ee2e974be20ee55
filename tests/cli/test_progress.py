"""Progress of long runs on stderr: periodic plain lines with a rate and the time left when
stderr is not a terminal, a tqdm bar on a terminal, nothing with --quiet, and stdout unchanged."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from lca.cli import main
from lca.cli.progress import progress_bar

STUDY = "lca:scenarios/patterson2021_gpt3.toml"
LINE = re.compile(r"^(?P<label>[a-z ]+): (?P<done>[\d.]+k?)/(?P<total>[\d.]+[kM]?) samples \((?P<pct>\d+)%\), "
                  r"(?P<rate>[\d.]+k?) samples/s, (?P<left>\d\d:\d\d) left$")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def ticking(times):
    return iter(times).__next__


def test_plain_lines_come_at_most_every_interval_with_rate_and_time_left():
    # 20 chunks of 10,000 samples, one a second: lines at 5, 10 and 15 s, then the final line
    log = io.StringIO()
    update = progress_bar("monte carlo", quiet=False, stream=log, interval=5.0,
                          clock=ticking([0.0] + [float(t) for t in range(1, 21)]))
    for k in range(1, 21):
        update(10_000 * k, 200_000)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert len(lines) == 4
    progress = [LINE.match(line) for line in lines[:3]]
    assert all(progress), lines
    # 10,000 samples/s throughout: at 5 s, 50k done and 150k left = 15 s
    assert [m["done"] for m in progress] == ["50.0k", "100k", "150k"]
    assert [m["rate"] for m in progress] == ["10.0k"] * 3
    assert [m["left"] for m in progress] == ["00:15", "00:10", "00:05"]
    assert lines[3] == "monte carlo: 200k samples in 00:20, 10.0k samples/s"


def test_a_short_run_writes_only_its_final_line():
    log = io.StringIO()
    update = progress_bar("sobol", quiet=False, stream=log, clock=ticking([0.0, 0.5, 1.0]))
    update(500, 1000)
    update(1000, 1000)
    assert log.getvalue() == "sobol: 1.00k samples in 00:01, 1.00k samples/s\n"


def test_a_terminal_gets_a_bar_with_rate_and_eta_redrawn_in_place():
    screen = Terminal()
    update = progress_bar("monte carlo", quiet=False, stream=screen)
    for done in range(0, 1_000_001, 250_000):
        update(done, 1_000_000)
    text = screen.getvalue()
    assert "\r" in text and text.endswith("\n")
    final = text.rstrip("\n").split("\r")[-1]
    assert re.match(r"monte carlo: 100%\|#+\| 1\.00M/1\.00M \[\d\d:\d\d<00:00, .+ samples/s\]", final), final


def test_quiet_shows_nothing():
    assert progress_bar("monte carlo", quiet=True, stream=Terminal()) is None


def lca(*argv):
    return subprocess.run([sys.executable, "-P", "-m", "lca.cli", *argv], capture_output=True, text=True)


def test_run_with_samples_reports_progress_on_a_redirected_stderr_and_stdout_is_unchanged():
    loud = lca("run", STUDY, "--samples", "3000", "--format", "json")
    quiet = lca("run", STUDY, "--samples", "3000", "--format", "json", "--quiet")
    assert loud.returncode == quiet.returncode == 0
    assert loud.stdout == quiet.stdout  # byte-identical JSON
    assert json.loads(loud.stdout)["impacts"]["climate_change"]["uncertainty"]
    assert quiet.stderr == ""
    assert re.fullmatch(r"monte carlo: 3\.00k samples in \d\d:\d\d, [\d.]+[kMG]? samples/s\n", loud.stderr)


@pytest.mark.parametrize("argv, label, samples", [
    (["compare", STUDY, STUDY, "--set-b", "pue=1.2", "--samples", "2000"], "compare", "4.00k"),  # A and B
    (["sensitivity", STUDY, "--analysis", "spearman", "--samples", "2000"], "spearman", "2.00k"),
    (["sensitivity", STUDY, "--analysis", "sobol", "--samples", "512"], "sobol", "3.07k"),  # 512 (4 + 2)
])
def test_compare_and_sensitivity_report_progress_and_quiet_silences_them(argv, label, samples, capsys):
    assert main(argv) == 0
    loud = capsys.readouterr()
    assert main(argv + ["--quiet"]) == 0
    quiet = capsys.readouterr()
    assert loud.out == quiet.out and quiet.err == ""
    assert re.fullmatch(rf"{label}: {re.escape(samples)} samples in \d\d:\d\d, [\d.]+[kMG]? samples/s\n", loud.err)


def test_report_shows_the_progress_of_its_monte_carlo_and_sobol_steps(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["report", STUDY, "--out", str(tmp_path / "report"), "--samples", "1000", "--format", "md"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^monte carlo: 1\.00k samples in \d\d:\d\d, .+ samples/s$", err, re.M), err
    assert re.search(r"^sobol: .+ samples/s$", err, re.M), err
    assert main(["report", STUDY, "--out", str(tmp_path / "report"), "--samples", "1000", "--format", "md",
                 "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_a_deterministic_run_does_not_import_tqdm():
    probe = ("import io, sys, contextlib, lca.cli\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             f"    status = lca.cli.main(['run', {STUDY!r}])\n"
             "print(status, 'tqdm' in sys.modules)")
    done = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False"], done.stderr
