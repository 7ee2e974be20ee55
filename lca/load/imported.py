"""What the importers share: the imported library, unique ids, bounded zip reading, and the atomic folder writer.

:mod:`lca.load.olca` (openLCA JSON-LD) and :mod:`lca.load.ecospold` (ecospold2) both build an
:class:`ImportedLibrary`, TOML tables per relative file name plus a report of every item mapped
or dropped, and :func:`write_import` writes it into a new folder with ``IMPORT-REPORT.md``.

Both read zips through :func:`zip_members` and :func:`read_member`, which refuse a zip bomb
before inflating it: more than :data:`MAX_MEMBERS` members, a member that declares (or, read,
turns out to hold) more than :data:`MAX_MEMBER_BYTES` uncompressed, or members declaring more
than :data:`MAX_TOTAL_BYTES` together.

>>> ids = Ids()
>>> ids("a1", "Electricity, medium voltage", "process"), ids("a2", "Electricity, medium voltage", "process")
('electricity_medium_voltage', 'electricity_medium_voltage_2')
>>> ids("a1", "anything", "process")
'electricity_medium_voltage'
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import LCAError

# Limits of what lca import inflates. ecoinvent 3.x as JSON-LD has about 60,000 members
# (processes, flows, units, categories), its largest process a few MB, and about 2 GB in all.
MAX_MEMBERS = 250_000
MAX_MEMBER_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 8 * 2**30
# an imported inventory's processes go in included files of about this size (lca reads at most
# 16 MiB a file: lca.load.tables.MAX_FILE_BYTES)
PART_BYTES = 4 * 2**20


@dataclass(frozen=True)
class ImportedLibrary:
    """An imported database: TOML tables per relative file name, the scenarios, and the report.

    ``report`` has one line per item mapped, converted or dropped (empty if nothing was);
    ``extra_report`` holds further report sections (title, lines), e.g. the proposed flow map;
    ``flow_map`` the proposed flow map as TOML text (:func:`lca.load.flowmap.flow_map_text`),
    written as ``flow-map.toml`` if ``flow_map_in_folder``.
    """

    source: str
    files: dict[str, dict[str, Any]]
    scenarios: tuple[str, ...]
    report: tuple[str, ...]
    counts: dict[str, int]
    kind: str = "openLCA JSON-LD"
    extra: str = 'pip install "lca[olca]"'
    extra_report: tuple[tuple[str, tuple[str, ...]], ...] = ()
    flow_map: str = ""
    flow_map_in_folder: bool = True


def slug(text: str | None, fallback: str) -> str:
    """An lca id (``snake_case``, at most 60 characters) from a name; *fallback* if nothing is left.

    Examples
    --------
    >>> slug("Carbon dioxide, fossil", "flow"), slug("???", "flow")
    ('carbon_dioxide_fossil', 'flow')
    """
    text = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")[:60].strip("_")
    return text or fallback


class Ids:
    """Unique lca ids for a source's objects: *preferred* (or the name's slug), numbered if taken."""

    def __init__(self):
        self.taken: dict[str, str] = {}  # lca id -> source id
        self.of: dict[str, str] = {}  # source id -> lca id

    def __call__(self, uid: str, name: str | None, fallback: str, preferred: str | None = None) -> str:
        if uid in self.of:
            return self.of[uid]
        base = preferred or slug(name, fallback)
        key, n = base, 1
        while key in self.taken:
            n += 1
            key = f"{base}_{n}"
        self.taken[key] = uid
        self.of[uid] = key
        return key


def _texts(files: dict[str, dict[str, Any]], tomli_w: Any) -> Iterator[tuple[str, str]]:
    """The TOML text of each file; an inventory's processes beyond :data:`PART_BYTES` go to included parts.

    lca reads files of at most :data:`lca.load.tables.MAX_FILE_BYTES`; a 20,000-process
    database is about 45 MB of TOML, so ``inventory.toml`` includes ``processes/part_NNN.toml``.
    """
    for name, table in files.items():
        processes = table.get("processes")
        if not isinstance(processes, dict) or len(processes) < 100:
            yield name, tomli_w.dumps(table)
            continue
        # one process at a time: a [processes.<id>] table each, which TOML lets files split
        chunks = [tomli_w.dumps({"processes": {key: entry}}) for key, entry in processes.items()]
        rest = {key: value for key, value in table.items() if key != "processes"}
        if sum(map(len, chunks)) <= PART_BYTES:
            yield name, tomli_w.dumps(rest) + "\n" + "\n".join(chunks)
            continue
        parts, current, size = [], [], 0
        for chunk in chunks:
            if current and size + len(chunk) > PART_BYTES:
                parts.append(current)
                current, size = [], 0
            current.append(chunk)
            size += len(chunk)
        parts.append(current)
        folder = f"{name[:-5]}-processes"
        names = [f"{folder}/part_{n:03d}.toml" for n in range(1, len(parts) + 1)]
        base = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        rest["include"] = list(rest.get("include", [])) + [n.removeprefix(base) for n in names]
        yield name, tomli_w.dumps(rest)
        for part_name, part in zip(names, parts):
            yield base + part_name, "\n".join(part)


def write_import(imported: ImportedLibrary, out: str | Path) -> Path:
    """Write the files of *imported* into the new folder *out*, atomically, with ``IMPORT-REPORT.md``.

    Parameters
    ----------
    imported : ImportedLibrary
        What an importer (:func:`lca.load.olca.read_olca_zip`, :func:`lca.load.ecospold.read_ecospold`) read.
    out : str or Path
        A folder that does not exist yet (or is empty).

    Returns
    -------
    Path
        *out*.

    Raises
    ------
    LCAError
        If *out* is not a new (or empty) folder, or cannot be written; nothing is left behind.

    Examples
    --------
    >>> import tempfile
    >>> library = ImportedLibrary("db.zip", {"inventory.toml": {"meta": {"title": "x"}}}, (), ("a note",), {})
    >>> out = write_import(library, Path(tempfile.mkdtemp()) / "imported")
    >>> print((out / "IMPORT-REPORT.md").read_text().strip())
    # Import of db.zip
    <BLANKLINE>
    - a note
    """
    try:
        import tomli_w
    except ImportError:
        raise LCAError(f"lca import needs tomli-w (not installed); install the extra: {imported.extra}") from None
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise LCAError(f"--out {out}: exists and is not an empty folder; give a new folder")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise LCAError(f"--out {out}: the folder {parent} does not exist")
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    name_of_source = Path(imported.source).name
    try:
        for name, text in _texts(imported.files, tomli_w):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# Imported by lca import from {name_of_source} ({imported.kind})\n" + text,
                              encoding="utf-8")
        if imported.flow_map and imported.flow_map_in_folder:
            (staging / "flow-map.toml").write_text(imported.flow_map, encoding="utf-8")
        lines = [f"# Import of {name_of_source}", ""]
        lines += [f"- {item}" for item in imported.report] or ["Everything was mapped; nothing was dropped."]
        for title, section in imported.extra_report:
            lines += ["", f"## {title}", "", *section]
        (staging / "IMPORT-REPORT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except OSError as exc:
        raise LCAError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out


def zip_members(path: str | Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The file members of *archive* (read from *path*), once the zip's declared sizes pass the limits.

    Parameters
    ----------
    path : str or Path
        The zip, for the messages.
    archive : zipfile.ZipFile
        The zip, open for reading.

    Returns
    -------
    list of zipfile.ZipInfo
        Its members that are not folders, in the zip's order.

    Raises
    ------
    LCAError
        If the zip has more than :data:`MAX_MEMBERS` members, a member declares more than
        :data:`MAX_MEMBER_BYTES` uncompressed, or all together more than :data:`MAX_TOTAL_BYTES`.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("flows/a.json", "{}")
    >>> [info.filename for info in zip_members("db.zip", zipfile.ZipFile(buffer))]
    ['flows/a.json']
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LCAError(f"{path}: {len(infos):,} members; lca import refuses a zip of more than {MAX_MEMBERS:,} "
                       "(lca.load.imported.MAX_MEMBERS)")
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:  # checked before inflating: a zip bomb stops here
            raise LCAError(f"{path}: {info.filename}: declares {info.file_size:,} bytes uncompressed; lca import "
                           f"refuses a member larger than {MAX_MEMBER_BYTES // 2**20} MB "
                           "(lca.load.imported.MAX_MEMBER_BYTES)")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise LCAError(f"{path}: its members declare {total:,} bytes uncompressed in all; lca import refuses more "
                       f"than {MAX_TOTAL_BYTES // 2**30} GB (lca.load.imported.MAX_TOTAL_BYTES)")
    return [info for info in infos if not info.is_dir()]


def read_member(path: str | Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The bytes of one member, inflating at most :data:`MAX_MEMBER_BYTES` of it.

    A member whose stream holds more than it declares, or is damaged, is an error naming it.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
    ...     archive.writestr("flows/a.json", "{}")
    >>> archive = zipfile.ZipFile(buffer)
    >>> read_member("db.zip", archive, archive.infolist()[0])
    b'{}'
    """
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        # a bad deflate stream (zlib.error), a compression method Python lacks, an encrypted
        # member (RuntimeError), a stream longer than declared (a bad CRC or size)
        raise LCAError(f"{path}: cannot read the zip: member {info.filename}: {exc}") from None
    if len(data) > MAX_MEMBER_BYTES or len(data) != info.file_size:
        raise LCAError(f"{path}: {info.filename}: holds {len(data):,}{'+' if len(data) > MAX_MEMBER_BYTES else ''} "
                       f"bytes uncompressed but declares {info.file_size:,}; lca import refuses it")
    return data
