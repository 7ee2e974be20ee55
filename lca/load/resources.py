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
    """The installed folder of the shipped ``inventories`` or ``scenarios`` (package data).

    Parameters
    ----------
    folder : {"inventories", "scenarios"}
        Which shipped folder.

    Returns
    -------
    pathlib.Path
        Its location inside the installed package.

    Raises
    ------
    FileFormatError
        If the installed package lacks it (a broken install).

    Examples
    --------
    >>> (data_folder("scenarios") / "patterson2021_gpt3.toml").is_file()
    True
    """
    spec = importlib.util.find_spec(f"lca.{folder}")
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not locations:
        raise FileFormatError(f"lca:{folder}: the installed lca has no {folder} (a broken install? "
                              "reinstall with pip install lca)")
    return Path(locations[0])


def is_shipped(name: str | Path) -> bool:
    """Whether *name* is a shipped name (a string starting with ``lca:``).

    Parameters
    ----------
    name : str or pathlib.Path
        A study, include or table name.

    Returns
    -------
    bool
        True for ``lca:...`` strings; a Path is never a shipped name.

    Examples
    --------
    >>> is_shipped("lca:hardware/products.toml"), is_shipped("hardware/products.toml")
    (True, False)
    """

    return isinstance(name, str) and name.startswith(PREFIX)


def shipped(name: str) -> Path:
    """The path of a shipped file named ``lca:...``; it need not exist (the loader says so).

    Parameters
    ----------
    name : str
        ``lca:scenarios/NAME.toml``, ``lca:inventories/PATH`` or plain ``lca:PATH`` (an
        inventory, as in ``lca:hardware/products.toml``).

    Returns
    -------
    pathlib.Path
        The file inside the installed package.

    Raises
    ------
    FileFormatError
        If the name is empty, absolute, or leaves the package data with ``..``.

    Examples
    --------
    >>> shipped("lca:hardware/products.toml") == shipped("lca:inventories/hardware/products.toml")
    True
    >>> shipped("lca:../secrets.toml")
    Traceback (most recent call last):
    lca.errors.FileFormatError: lca:../secrets.toml: a shipped name may not leave the package data (no '..', no absolute path)
    """
    relative = PurePosixPath(name[len(PREFIX):])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise FileFormatError.at(name, "a shipped name may not leave the package data (no '..', no absolute path)")
    folder = relative.parts[0] if relative.parts[0] in FOLDERS else "inventories"
    inner = relative.parts[1:] if relative.parts[0] in FOLDERS else relative.parts
    return data_folder(folder).joinpath(*inner)


def locate(name: str | Path, relative_to: Path | None = None) -> Path:
    """A study, include or table name as a path.

    Parameters
    ----------
    name : str or pathlib.Path
        A shipped ``lca:`` name, or a path.
    relative_to : pathlib.Path, optional
        The folder of the including file; relative paths are resolved against it (None: the
        working directory).

    Returns
    -------
    pathlib.Path
        The file's location.

    Examples
    --------
    >>> from pathlib import Path
    >>> locate("methods.toml", relative_to=Path("/studies"))
    PosixPath('/studies/methods.toml')
    >>> locate("lca:scenarios/pretrain_adapt.toml").name
    'pretrain_adapt.toml'
    """
    if is_shipped(name):
        return shipped(str(name))
    path = Path(name)
    return path if relative_to is None or path.is_absolute() else relative_to / path
