"""``[energy_log] files`` follow the include rule: inside the study's folder or the shipped data,
symlinks resolved, unless ``--allow-include-outside`` / ``allow_outside=True``. Logs the user names
with ``--energy-log`` are read wherever they are (the user chose them, as with ``--grid-profile``)."""

from __future__ import annotations

import pytest
from conftest import run_cli
from studies import MEASURED_ON_GRID

from lca.errors import FileFormatError
from lca.load import load_study

LOG = "timestamp,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed\n2026-03-02T12:00:00,r1,3600,0.5,2.5,0,3\n"


@pytest.fixture
def layout(tmp_path):
    """A project folder with a study and a log inside it, and a log outside it."""
    project = tmp_path / "project"
    (project / "logs").mkdir(parents=True)
    (project / "logs" / "emissions.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / "elsewhere.csv").write_text(LOG, encoding="utf-8")
    return tmp_path, project


def write_study(project, files):
    from conftest import BASE, METHODS
    path = project / "study.toml"
    path.write_text(BASE + METHODS + MEASURED_ON_GRID.format(files=files), encoding="utf-8")
    return path


def it_kwh(model):
    return model.parameters["it_kwh"].value


def test_logs_inside_the_study_folder_are_read(layout):
    _, project = layout
    path = write_study(project, 'files = ["logs/emissions.csv"]')
    assert it_kwh(load_study(path)) == pytest.approx(3.0)
    assert it_kwh(load_study(path, energy_logs=[project / "logs" / "emissions.csv"])) == pytest.approx(3.0)


def test_a_declared_log_outside_the_folder_is_refused_unless_allowed(layout):
    root, project = layout
    path = write_study(project, 'files = ["../elsewhere.csv"]')
    with pytest.raises(FileFormatError, match=r"study.toml: energy_log.files: '.*project/\.\./elsewhere.csv' \(it resolves to "
                                              r".*elsewhere.csv\) is outside the folder of the study"):
        load_study(path)
    assert it_kwh(load_study(path, allow_outside=True)) == pytest.approx(3.0)


def test_a_command_line_log_is_read_wherever_it_is(layout, capsys):
    root, project = layout
    path = write_study(project, 'files = ["../elsewhere.csv"]')
    # the study's own declaration outside its folder is refused ...
    code, _, err = run_cli(capsys, "run", str(path))
    assert code == 2 and "energy_log.files" in err and "outside the folder of the study" in err
    # ... but a log the user names replaces it and is read from anywhere
    code, out, err = run_cli(capsys, "run", str(path), "--energy-log", str(root / "elsewhere.csv"), "--format", "json")
    assert code == 0, err
    assert it_kwh(load_study(path, energy_logs=[root / "elsewhere.csv"])) == pytest.approx(3.0)


def test_a_symlink_out_of_the_folder_is_resolved_and_refused(layout):
    root, project = layout
    (project / "logs" / "link.csv").symlink_to(root / "elsewhere.csv")
    path = write_study(project, 'files = ["logs/link.csv"]')
    with pytest.raises(FileFormatError, match=r"logs/link.csv' \(it resolves to .*elsewhere.csv\) is outside"):
        load_study(path)


def test_the_shipped_example_log_is_inside_the_shipped_data():
    model = load_study("lca:scenarios/codecarbon_measured.toml")
    assert "lca:scenarios/logs/codecarbon_emissions.csv" in model.parameters["measured_it_energy"].source


def test_the_grid_profile_load_follows_the_same_rule(layout, tmp_path, capsys):
    """With --grid-profile the logs are read by the same rule: the study's declared ones checked."""
    root, project = layout
    path = write_study(project, 'files = ["../elsewhere.csv"]')
    grid = project / "grid.csv"
    grid.write_text("Datetime (UTC),Carbon intensity gCO₂eq/kWh (Life cycle)\n2026-03-02 11:00:00,100\n",
                    encoding="utf-8")
    code, _, err = run_cli(capsys, "run", str(path), "--grid-profile", str(grid), "--log-timezone", "UTC")
    assert code == 2 and "energy_log.files" in err and "outside the folder of the study" in err
    code, _, err = run_cli(capsys, "run", str(path), "--energy-log", str(root / "elsewhere.csv"),
                           "--grid-profile", str(grid), "--log-timezone", "UTC")
    assert code == 0, err
