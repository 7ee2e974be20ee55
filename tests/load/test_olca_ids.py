"""An openLCA object whose own "@id" is not a string is one error naming the zip and the
object, exit status 2 (found by tests/cli/test_fuzz_formats.py: "@id": [] was a TypeError)."""

from __future__ import annotations

import json
import zipfile

import pytest
from olca_helpers import hand_built

from lca.cli import main
from lca.errors import LCAError
from lca.load.olca import read_olca_zip

pytest.importorskip("olca_schema")


def with_flow_id(source, target, new_id):
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    flow = next(n for n in sorted(members) if n.startswith("flows/"))
    data = json.loads(members[flow])
    data["@id"] = new_id
    members[flow] = json.dumps(data).encode("utf-8")
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return target


@pytest.mark.parametrize("new_id", [[], 7, {"x": 1}])
def test_a_flow_whose_id_is_not_a_string_is_one_error(tmp_path, capsys, new_id):
    bad = with_flow_id(hand_built(tmp_path / "db.zip"), tmp_path / "bad.zip", new_id)
    with pytest.raises(LCAError, match=r"bad\.zip: Flow .*'@id' must be a string"):
        read_olca_zip(bad)
    assert main(["import", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_unmutated_zip_still_reads(tmp_path):
    imported = read_olca_zip(hand_built(tmp_path / "db.zip"))
    assert imported.counts["processes"] == 3 and imported.files  # the hand-built database: three processes
