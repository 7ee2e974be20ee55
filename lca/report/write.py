r"""Write a report folder atomically: everything goes to a temporary folder next to the target
(same filesystem), which replaces the target only once complete. A failed or interrupted run
leaves the target as it was; a folder that is not an earlier report is never replaced.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     out = write_atomically(Path(folder) / "report", {"report.md": b"# Study\n"})
...     names = sorted(p.name for p in out.iterdir())
>>> names
['.lca-report', 'report.md']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

from ..errors import ReportError

MARKER = ".lca-report"


def check_target(out: Path) -> None:
    """Refuse a target that exists and is not an empty folder or an earlier report.

    Parameters
    ----------
    out : pathlib.Path
        The report folder.

    Raises
    ------
    ReportError
        If *out* is a file or a symbolic link, or a non-empty folder without the report marker.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "thesis.tex").write_text("...")
    ...     check_target(Path(folder))
    Traceback (most recent call last):
    lca.errors.ReportError: ...: folder is not empty and holds no earlier lca report (.lca-report missing); choose another --out or empty it
    """
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ReportError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ReportError(f"{out}: folder is not empty and holds no earlier lca report ({MARKER} missing); "
                          "choose another --out or empty it")


def write_atomically(out: Path, files: Mapping[str, bytes]) -> Path:
    """Write *files* (relative path -> bytes) as folder *out*, replacing an earlier report.

    Everything goes to a temporary folder next to *out* first, which replaces *out* only once
    complete; a failure leaves *out* as it was.

    Parameters
    ----------
    out : pathlib.Path
        The report folder.
    files : mapping of str to bytes
        Relative path -> contents.

    Returns
    -------
    pathlib.Path
        *out*.

    Raises
    ------
    ReportError
        If *out* is unsafe to replace (see :func:`check_target`) or cannot be written (no such
        parent, no permission, disk full).

    Examples
    --------
    See the module's example.
    """
    try:
        return _write(Path(out), files)
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the report there ({exc.strerror or exc})") from None


def _write(out: Path, files: Mapping[str, bytes]) -> Path:
    check_target(out)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    try:
        for name, data in {**files, MARKER: b"lca report\n"}.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a report is for reading
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            try:
                os.replace(out, retired / "report")
                try:
                    os.replace(staging, out)
                except BaseException:
                    os.replace(retired / "report", out)
                    raise
            finally:
                shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
