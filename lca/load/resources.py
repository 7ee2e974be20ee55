"""The data shipped with lca, and names that find it wherever a study file lies.

A name ``lca:PATH`` means a file of the installed package: ``lca:scenarios/NAME.toml`` is a
shipped study, ``lca:inventories/PATH`` (or plain ``lca:PATH``, as in
``lca:hardware/products.toml``) a shipped inventory, method or table. Every file the engine
itself reads (pedigree factors, everyday equivalents) comes from here, so an installed ``lca``
never looks next to a source tree.

>>> shipped("lca:hardware/products.toml").name
'products.toml'
>>> shipped("lca:scenarios/patterson2021_gpt3.toml").parent.name
'scenarios'
>>> shipped("lca:../secrets.toml")
Traceback (most recent call last):
lca.errors.FileFormatError: lca:../secrets.toml: a shipped name may not leave the package data (no '..', no absolute path)
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..errors import FileFormatError

PREFIX = "lca:"
# The shipped folders; a name that starts with neither is an inventory.
FOLDERS = ("inventories", "scenarios")


@lru_cache(maxsize=None)
def data_folder(folder: str) -> Path:
    """The installed folder of shipped ``inventories`` or ``scenarios`` (package data)."""
    spec = importlib.util.find_spec(f"lca.{folder}")
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        raise FileFormatError(f"lca:{folder}: the installed lca has no {folder} (a broken install? "
                              "reinstall with pip install lca)")
    return Path(locations[0])


def is_shipped(name: str | Path) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


def shipped(name: str) -> Path:
    """The path of a shipped file named ``lca:...``; it need not exist (the loader says so)."""
    relative = PurePosixPath(name[len(PREFIX):])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise FileFormatError.at(name, "a shipped name may not leave the package data (no '..', no absolute path)")
    folder = relative.parts[0] if relative.parts[0] in FOLDERS else "inventories"
    inner = relative.parts[1:] if relative.parts[0] in FOLDERS else relative.parts
    return data_folder(folder).joinpath(*inner)


def locate(name: str | Path, relative_to: Path | None = None) -> Path:
    """A study, include or table name as a path: ``lca:`` names in the package data, others
    relative to *relative_to* (the folder of the including file) or the working directory."""
    if is_shipped(name):
        return shipped(str(name))
    path = Path(name)
    return path if relative_to is None or path.is_absolute() else relative_to / path
