"""What every exporter needs: optional packages imported with one clear error, and output files checked.

>>> check_writable(Path("/no/such/folder/x.zip"))
Traceback (most recent call last):
lca.errors.LCAError: --out /no/such/folder/x.zip: the folder /no/such/folder does not exist
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from ..errors import LCAError


def require(modules: tuple[str, ...], purpose: str, extra: str) -> dict[str, ModuleType]:
    """Import the optional packages *modules*, or raise one :class:`LCAError` naming the extra.

    Parameters
    ----------
    modules : tuple of str
        Module names to import.
    purpose : str
        What needs them (an option of the command line), for the message.
    extra : str
        The install command of the extra that brings them.

    Returns
    -------
    dict
        Module name -> module.

    Examples
    --------
    >>> require(("math",), "--format x", 'pip install "lca[x]"')["math"].__name__
    'math'
    >>> require(("no_such_module_xyz",), "--format x", 'pip install "lca[x]"')
    Traceback (most recent call last):
    lca.errors.LCAError: --format x needs no_such_module_xyz (not installed); install the extra: pip install "lca[x]"
    """
    found, missing = {}, []
    for name in modules:
        try:
            found[name] = importlib.import_module(name)
        except ImportError:
            missing.append(name)
        except OSError as exc:  # bw2data checks its data folder (BRIGHTWAY2_DIR) on import
            raise LCAError(f"{name} cannot start: {exc}") from None
    if missing:
        raise LCAError(f"{purpose} needs {', '.join(missing)} (not installed); install the extra: {extra}")
    return found


def check_writable(path: Path) -> None:
    """Raise :class:`LCAError` unless a file can be created at *path* (its folder exists and is writable).

    >>> check_writable(Path("/no/such/folder/x.zip"))
    Traceback (most recent call last):
    lca.errors.LCAError: --out /no/such/folder/x.zip: the folder /no/such/folder does not exist
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise LCAError(f"--out {path}: is a folder; give a file name (e.g. {path / 'study.zip'})")
    if not folder.is_dir():
        raise LCAError(f"--out {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LCAError(f"--out {path}: the folder {folder} is not writable")


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary file next to *path* to write into, moved onto *path* when the block succeeds.

    A failed export leaves no file (and an older one untouched); an :class:`OSError` becomes
    one :class:`LCAError` naming ``--out``.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.zip"
    >>> with atomic_output(target) as partial:
    ...     _ = partial.write_text("data")
    >>> target.read_text(), partial.exists()
    ('data', False)
    """
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)  # writers that append (olca-schema's ZipWriter) start afresh
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        raise LCAError(f"--out {path}: cannot write: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
