"""lca import refuses zip bombs before inflating them: too many members, a member declaring (or
holding) more than the limit uncompressed, members declaring too much together; each is one
message naming the zip and the member, for JSON-LD and ecospold2 zips alike."""

from __future__ import annotations

import struct
import zipfile

import pytest
from ecospold_helpers import activities
from olca_helpers import hand_built

from lca.errors import LCAError
from lca.load import imported
from lca.load.ecospold import read_ecospold
from lca.load.olca import read_olca_zip


def spold_zip(path, extra=None):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in activities().items():
            archive.writestr(f"datasets/{name}", text)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def with_member(tmp_path, name, data):
    """The hand-built JSON-LD zip with one more member."""
    path = hand_built(tmp_path / "db.zip")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def test_the_limits_are_those_documented():
    assert imported.MAX_MEMBER_BYTES == 64 * 2**20
    assert imported.MAX_MEMBERS == 250_000
    assert imported.MAX_TOTAL_BYTES == 8 * 2**30


def test_a_member_declaring_more_than_the_limit_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    bomb = b"\0" * (imported.MAX_MEMBER_BYTES + 1)  # 64 MB of zeros: 64 kB deflated
    path = with_member(tmp_path, "processes/bomb.json", bomb)
    assert path.stat().st_size < 2**20

    def inflate(*_args, **_kwargs):
        raise AssertionError("the bomb was inflated")
    monkeypatch.setattr(imported, "read_member", inflate)
    with pytest.raises(LCAError, match=r"db.zip: processes/bomb.json: declares 67,108,865 bytes uncompressed; "
                                       r"lca import refuses a member larger than 64 MB"):
        read_olca_zip(path)


def test_an_ecospold_zip_member_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(imported, "MAX_MEMBER_BYTES", 1000)
    path = spold_zip(tmp_path / "db.zip")
    with pytest.raises(LCAError, match=r"db.zip: datasets/\w+.spold: declares [\d,]+ bytes uncompressed; "
                                       r"lca import refuses a member larger than"):
        read_ecospold(path)


def test_too_many_members_is_refused(tmp_path, monkeypatch):
    path = hand_built(tmp_path / "db.zip")
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    monkeypatch.setattr(imported, "MAX_MEMBERS", count - 1)
    with pytest.raises(LCAError, match=rf"db.zip: {count} members; lca import refuses a zip of more than {count - 1}"):
        read_olca_zip(path)
    monkeypatch.setattr(imported, "MAX_MEMBERS", count)
    assert read_olca_zip(path).counts["processes"] == 3


def test_members_declaring_too_much_together_are_refused(tmp_path, monkeypatch):
    path = spold_zip(tmp_path / "db.zip")
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(imported, "MAX_TOTAL_BYTES", total - 1)
    with pytest.raises(LCAError, match=rf"db.zip: its members declare {total:,} bytes uncompressed in all"):
        read_ecospold(path)


def _understate(path, name, size):
    """Rewrite *name*'s declared uncompressed size, in its local header and the central directory."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", raw, info.header_offset + 22, size)  # local file header: uncompressed size
    central = raw.index(b"PK\x01\x02")
    while raw[central + 46:central + 46 + len(name)] != name.encode():
        central = raw.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", raw, central + 24, size)  # central directory: uncompressed size
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("reader, make, member", [
    (read_olca_zip, lambda p: hand_built(p), "processes/"),
    (read_ecospold, lambda p: spold_zip(p), "datasets/"),
])
def test_a_member_holding_more_than_it_declares_is_refused(tmp_path, reader, make, member):
    path = make(tmp_path / "db.zip")
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.startswith(member))
    _understate(path, name, 10)
    with pytest.raises(LCAError, match=rf"db.zip: cannot read the zip: member {name}: .*(CRC|size)"):
        reader(path)


def test_a_member_holding_less_than_it_declares_is_refused(tmp_path):
    path = hand_built(tmp_path / "db.zip")
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("flows/"))
    _understate(path, info.filename, info.file_size + 100)
    with pytest.raises(LCAError, match=rf"db.zip: .*{info.filename}"):
        read_olca_zip(path)


@pytest.mark.parametrize("mutate", [
    lambda process: process["exchanges"][0]["unit"].update({"@id": ["a", "list"]}),  # found by the fuzzer
    lambda process: process["exchanges"][1].update({"defaultProvider": {"@id": {"an": "object"}}}),
    lambda process: process.update({"exchanges": 7}),
])
def test_a_field_of_the_wrong_json_type_is_one_error(tmp_path, mutate):
    import json
    path = hand_built(tmp_path / "db.zip")
    target = tmp_path / "bad.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "processes/00000000-0000-4000-8000-000000000019.json":
                process = json.loads(data)
                mutate(process)
                data = json.dumps(process)
            dst.writestr(name, data)
    with pytest.raises(LCAError, match=r"bad.zip: "):
        read_olca_zip(target)
