"""``lca import --write-flow-map`` then ``--flow-map``: the user's edit decides, the imported
study's climate change is the hand-computed one; a zip bomb is exit 2 naming the member."""

from __future__ import annotations

import json
import tomllib
import zipfile

from conftest import run_cli as run
from ecospold_helpers import GWP as SPOLD_GWP
from ecospold_helpers import write_folder
from olca_helpers import GWP, hand_built

CO2_ID = "00000000-0000-4000-8000-000000000017"


def test_write_edit_and_apply_a_flow_map(capsys, tmp_path):
    zip_path = hand_built(tmp_path / "db.zip")
    status, out, err = run(capsys, "import", str(zip_path), "--write-flow-map", str(tmp_path / "map.toml"))
    assert status == 0, err
    assert "the proposed flow map (2 of 2 elementary flows matched lca's)" in out
    assert not (tmp_path / "out").exists()
    text = (tmp_path / "map.toml").read_text()
    assert tomllib.loads(text)["flows"][CO2_ID] == "carbon_dioxide_fossil_air"
    # the user decides the CO2 is biogenic: IPCC AR6 gives it no GWP, the zip's own method still does
    (tmp_path / "map.toml").write_text(text.replace('"carbon_dioxide_fossil_air"', '"carbon_dioxide_biogenic_air"'))
    status, out, err = run(capsys, "import", str(zip_path), "--out", str(tmp_path / "out"),
                           "--flow-map", str(tmp_path / "map.toml"), "--method", "ipcc_ar6_gwp100")
    assert status == 0, err
    assert out.startswith(f"wrote {tmp_path / 'out'}: 2 flows mapped to lca's, 0 flows, 3 processes")
    status, out, err = run(capsys, "run", str(tmp_path / "out" / "server_use.toml"), "--format", "json")
    assert status == 0, err
    impacts = {c: i["value"] for c, i in json.loads(out)["impacts"].items()}
    assert abs(impacts["climate_change_gwp100"] - GWP) < 1e-12 * GWP
    assert abs(impacts["climate_change"] - 29.8 * 2 / 9) < 1e-12  # fossil CH4 only


def test_write_flow_map_refuses_to_overwrite(capsys, tmp_path):
    (tmp_path / "map.toml").write_text("# my edits\n")
    status, out, err = run(capsys, "import", str(hand_built(tmp_path / "db.zip")), "--write-flow-map",
                           str(tmp_path / "map.toml"))
    assert (status, out) == (2, "")
    assert "--write-flow-map" in err and "exists; give a new file" in err
    assert (tmp_path / "map.toml").read_text() == "# my edits\n"


def test_ecospold_writes_its_flow_map_too(capsys, tmp_path):
    status, out, err = run(capsys, "import", str(write_folder(tmp_path / "db")), "--write-flow-map",
                           str(tmp_path / "map.toml"), "--out", str(tmp_path / "out"))
    assert status == 0, err
    assert tomllib.loads((tmp_path / "map.toml").read_text())["flows"] == \
        tomllib.loads((tmp_path / "out" / "flow-map.toml").read_text())["flows"] == \
        {"e-co2": "carbon_dioxide_fossil_air", "e-ch4": "methane_fossil_air", "e-pm": ""}
    status, out, err = run(capsys, "run", str(tmp_path / "out" / "server_use.toml"), "--format", "json")
    assert abs(json.loads(out)["impacts"]["climate_change"]["value"] - SPOLD_GWP) < 1e-9 * SPOLD_GWP


def test_neither_out_nor_write_flow_map_is_one_error(capsys, tmp_path):
    status, out, err = run(capsys, "import", str(hand_built(tmp_path / "db.zip")))
    assert (status, out) == (2, "")
    assert "give --out DIR" in err


def test_a_zip_bomb_is_exit_2_naming_the_member_and_writes_nothing(capsys, tmp_path):
    path = hand_built(tmp_path / "db.zip")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("flows/bomb.json", b" " * (64 * 2**20 + 1))
    status, out, err = run(capsys, "import", str(path), "--out", str(tmp_path / "out"))
    assert (status, out) == (2, "")
    assert err.strip() == (f"error: {path}: flows/bomb.json: declares 67,108,865 bytes uncompressed; lca import "
                           "refuses a member larger than 64 MB (lca.load.imported.MAX_MEMBER_BYTES)")
    assert not (tmp_path / "out").exists()
