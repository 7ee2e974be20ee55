"""A seeded mutation fuzzer over the newer input formats (issue 14): energy-tracker logs
(CodeCarbon, Zeus, nvidia-smi; ``lca run --energy-log``), sweep scenario tables
(``lca sweep --scenarios``) and openLCA JSON-LD zips (``lca import``).

Each valid seed is mutated (cells replaced by hostile text, lines dropped, doubled or cut,
bytes inserted; a zip's JSON members edited or its bytes truncated or flipped) and fed
through ``lca.cli.main``; the contract of tests/load/test_fuzz.py holds: exit 0 with finite
JSON, or exit 2 with one ``error:`` line; never a traceback, never over 10 s. Derandomized;
``LCA_FUZZ_EXAMPLES`` raises the number of mutants per target for a longer run by hand.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lca.load.resources import data_folder

from fuzz_contract import check
from olca_helpers import GWP, hand_built

EXAMPLES = int(os.environ.get("LCA_FUZZ_EXAMPLES", "50"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

MEASURED = "lca:scenarios/codecarbon_measured.toml"
GPT3 = "lca:scenarios/patterson2021_gpt3.toml"
CODECARBON = (data_folder("scenarios") / "logs" / "codecarbon_emissions.csv").read_text(encoding="utf-8")
# 2 GPUs, 600 s windows: (180000 + 176400 + 183600 + 180000) J = 0.2 kWh
ZEUS = """start_time,window_name,elapsed_time,gpu0_energy,gpu1_energy
1767607200.0,epoch_1,600.0,180000.0,176400.0
1767607800.5,epoch_2,600.0,183600.0,180000.0
"""
# one GPU at 300 W for 10 s: 3000 J
SMI = """timestamp, index, power.draw [W]
2026/01/05 10:00:00.000, 0, 300.00 W
2026/01/05 10:00:10.000, 0, 300.00 W
"""
SWEEP = "pue,chip_power [W],n_chips\n1.1,300,10000\n1.2,350,8000\n"

HOSTILE = [
    "", "0", "-0", "-1", "1e308", "-1e308", "1e-320", "nan", "NaN", "inf", "-inf", "x", "[N/A]", "1,2", '"',
    '"1"', "0x10", "1_000", "٣", "1e99999", "2026-13-45T99:99:99", "2026/01/05 10:00:00.000", "1767607200.0",
    "300.00 kW", "300 furlongs", "10**10**10 W", "W", "\x00", "\ufeff", "x" * 5000, " " * 3, "pue", "gpus",
    "chip_power [kg]", "grid=fr", "=1", "None", "true", "[]", "{}",
]
CELL = re.compile(r"[^,\n]+")


@st.composite
def mutated_text(draw, seed: str) -> str:
    """*seed* with one or two cells hostile and maybe a line dropped, doubled, cut or inserted."""
    text = seed
    for _ in range(draw(st.integers(0, 2))):
        cells = list(CELL.finditer(text))
        if not cells:
            break
        cell = cells[draw(st.integers(0, len(cells) - 1))]
        text = text[:cell.start()] + draw(st.sampled_from(HOSTILE)) + text[cell.end():]
    lines = text.splitlines()
    for _ in range(draw(st.sampled_from([0, 1, 1, 2]))):
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["drop", "double", "cut", "insert"]))
        if action == "drop":
            del lines[where:where + 1]
        elif action == "double":
            lines[where:where] = lines[where:where + 1] * draw(st.integers(1, 3))
        elif action == "cut" and lines:
            lines[where] = lines[where][: len(lines[where]) // 2]
        else:
            lines.insert(where, draw(st.sampled_from(HOSTILE + [",,,", lines[0] if lines else ""])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


# -- the seeds are valid: the fuzzer starts from results it can check -----------------------------

def _measured_kwh(log: str, tmp_path: Path) -> float:
    _write(tmp_path, "log.csv", log)
    code, out, _ = check(["run", MEASURED, "--energy-log", "log.csv", "--format", "json", "--allow-include-outside"], tmp_path)
    assert code == 0
    return json.loads(out)["parameters"]["measured_it_energy"]["value"]


def test_the_unmutated_logs_give_their_hand_solved_energy(tmp_path):
    assert _measured_kwh(ZEUS, tmp_path) == pytest.approx(0.2)
    assert _measured_kwh(SMI, tmp_path) == pytest.approx(3000 / 3.6e6)
    # CodeCarbon: energy_consumed divided by its pue column, as lca.load.energy_logs documents
    assert _measured_kwh(CODECARBON, tmp_path) > 0


def test_the_unmutated_sweep_table_gives_one_result_per_row(tmp_path):
    _write(tmp_path, "scenarios.csv", SWEEP)
    code, out, _ = check(["sweep", GPT3, "--scenarios", "scenarios.csv", "--format", "json", "--quiet"], tmp_path)
    assert code == 0 and len(json.loads(out)["scenarios"]) == 2


@pytest.fixture(scope="module")
def olca_zip(tmp_path_factory) -> tuple[dict[str, bytes], bytes]:
    path = hand_built(tmp_path_factory.mktemp("olca") / "db.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return members, path.read_bytes()


def test_the_unmutated_zip_imports_and_gives_the_hand_solved_gwp(olca_zip, tmp_path):
    _, raw = olca_zip
    (tmp_path / "db.zip").write_bytes(raw)
    code, _, _ = check(["import", "db.zip", "--out", "out"], tmp_path)
    assert code == 0
    code, out, _ = check(["run", "out/server_use.toml", "--format", "json"], tmp_path)
    assert code == 0
    assert json.loads(out)["impacts"]["climate_change_gwp100"]["value"] == pytest.approx(GWP, rel=1e-12)


# -- the mutants ----------------------------------------------------------------------------------

@SETTINGS
@given(data=st.data())
def test_mutated_energy_logs_exit_0_or_2_never_a_traceback(data):
    seed = data.draw(st.sampled_from([CODECARBON, ZEUS, SMI]))
    logs = [data.draw(mutated_text(seed))]
    if data.draw(st.booleans()):  # a second log of the same run (ranks, machines)
        logs.append(data.draw(st.sampled_from([seed, data.draw(mutated_text(seed))])))
    with tempfile.TemporaryDirectory() as folder:
        # the logs are outside the shipped study's folder: lift the include rule
        argv = ["run", MEASURED, "--format", "json", "--allow-include-outside"]
        for index, log in enumerate(logs):
            argv += ["--energy-log", str(_write(Path(folder), f"log{index}.csv", log))]
        if data.draw(st.booleans()):
            argv += ["--samples", "8", "--quiet"]
        check(argv, Path(folder))


@SETTINGS
@given(table=mutated_text(SWEEP), samples=st.sampled_from(["0", "0", "8"]), form=st.sampled_from(["json", "csv"]))
def test_mutated_sweep_tables_exit_0_or_2_never_a_traceback(table, samples, form):
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), "scenarios.csv", table)
        check(["sweep", GPT3, "--scenarios", "scenarios.csv", "--samples", samples, "--format", form, "--quiet"],
              Path(folder))


JSON_TOKEN = re.compile(r'"[^"\\\n]{0,80}"|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])')
JSON_HOSTILE = ['""', '"x"', "0", "-1", "1e308", "-1e308", "1e-320", "NaN", "Infinity", "null", "[]", "{}", "true",
                '"kg"', '"zorkmid"', '"00000000-0000-4000-8000-000000000001"', '"' + "x" * 5000 + '"', "1e99999",
                '"PRODUCT_FLOW"', '"ELEMENTARY_FLOW"', '"WASTE_FLOW"', '"LOG_NORMAL_DISTRIBUTION"', "{", "]"]


@SETTINGS
@given(data=st.data())
def test_mutated_olca_zips_exit_0_or_2_never_a_traceback(olca_zip, data):
    members, raw = olca_zip
    kind = data.draw(st.sampled_from(["json", "json", "json", "drop", "bytes"]))
    if kind == "bytes":  # a damaged archive: truncated, or bytes overwritten
        cut = data.draw(st.integers(0, len(raw)))
        payload = raw[:cut] if data.draw(st.booleans()) else \
            raw[:cut] + bytes(data.draw(st.lists(st.integers(0, 255), min_size=1, max_size=8))) + raw[cut + 8:]
    else:
        edited = dict(members)
        name = data.draw(st.sampled_from(sorted(n for n in members if n.endswith(".json"))))
        if kind == "drop":
            del edited[name]
        else:
            text = members[name].decode("utf-8")
            for _ in range(data.draw(st.integers(1, 3))):
                tokens = list(JSON_TOKEN.finditer(text))
                token = tokens[data.draw(st.integers(0, len(tokens) - 1))]
                text = text[:token.start()] + data.draw(st.sampled_from(JSON_HOSTILE)) + text[token.end():]
            edited[name] = text.encode("utf-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, content in edited.items():
                archive.writestr(member, content)
        payload = buffer.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "db.zip").write_bytes(payload)
        code, _, _ = check(["import", "db.zip", "--out", "out"], Path(folder))
        if code == 0:  # what was imported loads and runs, or is refused with one line
            for study in sorted((Path(folder) / "out").rglob("*.toml")):
                if "[study]" in study.read_text(encoding="utf-8"):
                    check(["run", str(study), "--format", "json"], Path(folder))


# -- what the fuzzer found ------------------------------------------------------------------------

def test_a_damaged_deflate_stream_is_one_error_naming_the_zip(olca_zip, tmp_path):
    # found by test_mutated_olca_zips: zlib.error escaped from a member that no longer inflates
    members, _ = olca_zip
    path = tmp_path / "db.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("unit_groups/"))
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    # a stored block (BTYPE 00) whose LEN and NLEN disagree: "invalid stored block lengths"
    raw[start:start + 5] = b"\x00\x01\x00\x00\x00"
    path.write_bytes(bytes(raw))
    code, out, err = check(["import", "db.zip", "--out", "out"], tmp_path)
    assert code == 2 and out == ""
    # the message names the member too (issue 10: import limits name the file and the member)
    assert err.strip() == (f"error: db.zip: cannot read the zip: member {info.filename}: "
                           "Error -3 while decompressing data: invalid stored block lengths")
    assert not (tmp_path / "out").exists()  # nothing written half-way
