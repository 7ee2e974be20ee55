"""Mapping imported elementary flows to ``lca``'s own (``inventories/flows/elementary.toml``).

An importer (:mod:`lca.load.olca`, :mod:`lca.load.ecospold`) asks :func:`match` for the ``lca``
flow of each elementary flow it reads: by CAS number and compartment when one ``lca`` flow has
both, else by CAS number, name and compartment, else by name and compartment; never to a flow
whose unit has another dimension (a flow in m3 is not one in kg). A mapped flow takes ``lca``'s
id, so ``lca``'s methods characterize it; the others stay flows of the imported inventory.

The user's say is a flow map, a TOML file (:func:`read_flow_map`)::

    [flows]
    "<source flow id>" = "<lca flow id>"   # "" keeps the imported flow

where the source id is the openLCA flow's UUID or the ecospold2 ``elementaryExchangeId``.
:func:`flow_map_text` writes the proposal in that format, one comment per flow saying what it
is and how it was matched, for the user to edit and pass back with ``--flow-map``.

>>> normalize_cas("000124-38-9"), normalize_cas(" 7732-18-5 "), normalize_cas("")
('124-38-9', '7732-18-5', None)
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ..errors import LCAError
from ..units import conversion_factor, parse_unit
from .resources import shipped

FLOWS = "lca:flows/elementary.toml"


@dataclass(frozen=True)
class Proposal:
    """What the importer proposes for one source flow: the lca flow id (``""``: none) and why."""

    lca_id: str
    description: str  # the source flow: name, compartment, CAS number
    how: str  # how it was matched ("CAS number and compartment", "the flow map", ...) or why not


@lru_cache(maxsize=1)
def _shipped_flows() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    with open(shipped(FLOWS), "rb") as handle:
        table = tomllib.load(handle)["flows"]
    return tuple((key, tuple(value.items())) for key, value in table.items())


def lca_flows() -> dict[str, dict[str, Any]]:
    """``lca``'s elementary flows, id -> table (name, compartment, unit, cas).

    Examples
    --------
    >>> lca_flows()["carbon_dioxide_fossil_air"]["cas"]
    '124-38-9'
    """
    return {key: dict(value) for key, value in _shipped_flows()}


def normalize_cas(text: str | None) -> str | None:
    """A CAS number as ``lca`` writes it: no padding zeros (openLCA and ecoinvent pad to ``000124-38-9``)."""
    text = (text or "").strip()
    if not text:
        return None
    head, _, rest = text.partition("-")
    return f"{head.lstrip('0') or '0'}-{rest}" if rest else text


@lru_cache(maxsize=4096)
def _same_dimension(unit: str, other: str) -> bool:
    try:
        conversion_factor(parse_unit(unit), parse_unit(other))
    except LCAError:
        return False
    return True


def match(name: str, compartment: str, cas: str | None, unit: str,
          known: Mapping[str, Mapping[str, Any]]) -> tuple[str | None, str]:
    """The ``lca`` flow of an imported elementary flow, and how it matched (or why none did).

    Parameters
    ----------
    name, compartment, cas, unit : str
        The imported flow's name, ``lca`` compartment (air, water, soil, resource, ...), CAS
        number (any padding; None if it has none) and unit (lca's spelling).
    known : mapping
        ``lca``'s flows (:func:`lca_flows`).

    Returns
    -------
    tuple
        (lca flow id, how) or (None, why not).

    Examples
    --------
    >>> flows = lca_flows()
    >>> match("Carbon dioxide, fossil", "air", "000124-38-9", "kg", flows)
    ('carbon_dioxide_fossil_air', 'CAS number, name and compartment')
    >>> match("Carbon dioxide", "air", "124-38-9", "kg", flows)[0] is None
    True
    >>> match("Carbon dioxide, fossil", "air", None, "m3", flows)
    (None, 'no lca flow matches')
    """
    same = {k: v for k, v in known.items() if v.get("compartment") == compartment
            and _same_dimension(unit, v.get("unit", ""))}
    lowered = name.strip().lower()
    cas = normalize_cas(cas)
    ambiguous: list[str] = []
    if cas:
        by_cas = [k for k, v in same.items() if normalize_cas(v.get("cas")) == cas]
        if len(by_cas) == 1:
            return by_cas[0], "CAS number and compartment"
        by_both = [k for k in by_cas if same[k]["name"].lower() == lowered]
        if len(by_both) == 1:
            return by_both[0], "CAS number, name and compartment"
        ambiguous = by_cas
    by_name = [k for k, v in same.items() if v["name"].lower() == lowered]
    if len(by_name) == 1:
        return by_name[0], "name and compartment"
    if len(ambiguous) > 1:
        return None, f"CAS number matches {len(ambiguous)} lca flows ({', '.join(ambiguous)}): choose one"
    return None, "no lca flow matches"


def choose(uid: str, name: str, compartment: str, cas: str | None, unit: str,
           known: Mapping[str, Mapping[str, Any]], user_map: Mapping[str, str],
           map_path: str | Path | None = None) -> tuple[str | None, str]:
    """The ``lca`` flow of an imported elementary flow: the user's map if it names *uid*, else :func:`match`.

    Raises
    ------
    LCAError
        If the map sends the flow to an ``lca`` flow whose unit has another dimension.

    Examples
    --------
    >>> choose("f1", "Methane", "air", "74-82-8", "kg", lca_flows(), {"f1": "methane_biogenic_air"})
    ('methane_biogenic_air', 'the flow map')
    >>> choose("f1", "Methane", "air", "74-82-8", "kg", lca_flows(), {"f1": ""})
    (None, 'kept as imported by the flow map')
    """
    if uid not in user_map:
        return match(name, compartment, cas, unit, known)
    target = user_map[uid]
    if not target:
        return None, "kept as imported by the flow map"
    if not _same_dimension(unit, known[target].get("unit", "")):
        raise LCAError(f"--flow-map {map_path or ''}: flows.{uid} ({name}, in {unit}): lca flow {target!r} is in "
                       f"{known[target].get('unit')!r}, another dimension; map it to a flow of its dimension or \"\"")
    return target, "the flow map"


def read_flow_map(path: str | Path, known: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Read a flow map: ``[flows]`` of source flow id -> lca flow id (``""``: keep the imported flow).

    Parameters
    ----------
    path : str or Path
        A TOML file as ``lca import --write-flow-map`` writes it (or ``flow-map.toml`` in an
        imported folder).
    known : mapping, optional
        ``lca``'s flows the values must name (default: :func:`lca_flows`).

    Returns
    -------
    dict of str to str

    Raises
    ------
    LCAError
        If the file cannot be read, is not TOML, has no ``[flows]`` table of strings, or names
        a flow ``lca`` does not have.

    Examples
    --------
    >>> import tempfile
    >>> map_file = Path(tempfile.mkdtemp()) / "map.toml"
    >>> _ = map_file.write_text('[flows]\\n"f0e2" = "carbon_dioxide_fossil_air"\\n')
    >>> read_flow_map(map_file)
    {'f0e2': 'carbon_dioxide_fossil_air'}
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            table = tomllib.load(handle)
    except OSError as exc:
        raise LCAError(f"--flow-map {path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LCAError(f"--flow-map {path}: not TOML: {exc}") from None
    flows = table.get("flows")
    if not isinstance(flows, dict) or not all(isinstance(v, str) for v in flows.values()):
        raise LCAError(f"--flow-map {path}: needs a [flows] table of \"source flow id\" = \"lca flow id\"")
    known = lca_flows() if known is None else known
    for key, value in flows.items():
        if value and value not in known:
            raise LCAError(f"--flow-map {path}: flows.{key}: {value!r} is not an lca elementary flow "
                           "(inventories/flows/elementary.toml)")
    return dict(flows)


def flow_map_text(proposals: Mapping[str, Proposal], source: str, key: str) -> str:
    """The proposed flow map as TOML, a comment per flow, for the user to edit.

    Parameters
    ----------
    proposals : mapping
        Source flow id -> :class:`Proposal`.
    source : str
        What was imported (named in the header).
    key : str
        What the source ids are ("openLCA flow UUID", "ecospold2 elementaryExchangeId").

    Examples
    --------
    >>> text = flow_map_text({"f1": Proposal("carbon_dioxide_fossil_air", "Carbon dioxide, fossil, air",
    ...                                      "CAS number and compartment")}, "db.zip", "openLCA flow UUID")
    >>> print(text.splitlines()[-1])
    "f1" = "carbon_dioxide_fossil_air"  # Carbon dioxide, fossil, air: by CAS number and compartment
    >>> tomllib.loads(text)["flows"]
    {'f1': 'carbon_dioxide_fossil_air'}
    """
    lines = [f"# lca flow map of {source}: {key} = lca flow id (inventories/flows/elementary.toml);",
             "# \"\" keeps the imported flow (no lca method characterizes it). Edit, then pass it to",
             "# lca import with --flow-map.", "[flows]"]
    for uid, proposal in sorted(proposals.items(), key=lambda item: (item[1].lca_id == "", item[1].description)):
        note = f"by {proposal.how}" if proposal.lca_id else proposal.how
        # JSON's string escapes are TOML's basic-string escapes (ASCII-only output)
        comment = " ".join(f"{proposal.description}: {note}".split())
        lines.append(f"{json.dumps(uid)} = {json.dumps(proposal.lca_id)}  # {comment}")
    return "\n".join(lines) + "\n"


def write_flow_map(text: str, path: str | Path) -> Path:
    """Write a flow map (:func:`flow_map_text`) to *path*, a file that must not exist yet.

    Examples
    --------
    >>> import tempfile
    >>> target = write_flow_map("[flows]\\n", Path(tempfile.mkdtemp()) / "map.toml")
    >>> target.read_text()
    '[flows]\\n'
    """
    path = Path(path)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise LCAError(f"--write-flow-map {path}: exists; give a new file (lca does not overwrite a map "
                       "you may have edited)") from None
    except OSError as exc:
        raise LCAError(f"--write-flow-map {path}: cannot write: {exc.strerror or exc}") from None
    return path
