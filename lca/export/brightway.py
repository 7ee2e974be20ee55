"""Brightway 2.5 export: a compiled study as a bw2data project or a bw_processing datapackage.

The numbers are those of :class:`~lca.engine.compile.CompiledModel` at the study's parameter
values (formulas evaluated, intensities scaled by their production, units converted), so
bw2calc solves the very matrices ``lca run`` solves:

* technosphere: each process's reference product is its ``production`` exchange (on the
  diagonal, as in ``lca``); every other entry is a ``technosphere`` exchange whose amount is
  the input as Brightway stores it (positive; a credit is negative), flipped when bw2calc
  builds the matrix. A process that takes its own product (a loop) gets a technosphere
  exchange from itself, which Brightway sums with the production;
* biosphere and characterization: ``lca``'s amounts, with their signs;
* the functional unit: a process with code ``functional_unit`` that makes one unit and takes
  the study's demand as its inputs, so ``bw2calc.LCA({functional_unit: 1}, ...)`` is the study.

Uncertainty. An entry that is one uncertain number times a constant (a unit conversion, a
formula of fixed parameters) carries that number's distribution in stats_arrays form:
lognormal 2, normal 3, uniform 4, triangular 5 and PERT as beta 10. An entry that a formula
computes from uncertain parameters has none: it moves together with every other entry that
reads them; nor has a weighted discrete distribution. Those entries are exported at their
deterministic value and listed in :attr:`BrightwayExport.unsupported` (the command line says
so in one message); a datapackage can carry them instead as presampled arrays drawn by
``lca``'s own sampler (``presamples=N``), whole matrix cells at a time, so that bw2calc's
Monte Carlo (``use_distributions=True, use_arrays=True``) keeps their joint distribution.

>>> from lca import load_study                                           # doctest: +SKIP
>>> export = brightway_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")))  # doctest: +SKIP
>>> write_project(export, "gpt3")                                         # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ..engine.compile import CompiledModel, MatrixEntries, _varying
from ..errors import LCAError, ModelError
from ..load.distributions import Distribution, parameter_distributions
from ..uncertainty.montecarlo import sample_parameters
from .common import atomic_output, check_writable
from .common import require as _require

FUNCTIONAL_UNIT = "functional_unit"
EXTRA = 'pip install "lca[brightway]"'
# What each writer imports (all in the brightway extra).
PROJECT_MODULES = ("bw2data", "bw_processing", "stats_arrays", "fsspec")
DATAPACKAGE_MODULES = ("bw_processing", "stats_arrays", "fsspec")
# stats_arrays ids (stats_arrays.UndefinedUncertainty.id, ... ; fixed so that building the
# export needs no optional package)
UNDEFINED, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR, BETA = 0, 2, 3, 4, 5, 10
_STATS_KEYS = ("loc", "scale", "shape", "minimum", "maximum")
# control characters, or nothing but blanks: bw2data would make a directory of anything else
_BAD_PROJECT = re.compile(r"[\x00-\x1f\x7f]")


def require(modules: tuple[str, ...], purpose: str) -> dict[str, ModuleType]:
    """Import the optional Brightway packages, or raise one :class:`LCAError` naming the extra.

    >>> require(("bw_processing",), "--format bw-datapackage")["bw_processing"].__name__   # doctest: +SKIP
    'bw_processing'
    """
    return _require(modules, purpose, EXTRA)


def stats_arrays_uncertainty(distribution: Distribution, scale: float) -> dict[str, Any] | None:
    """The stats_arrays form of ``scale * X`` for X following *distribution*, or None if it has none.

    Keys are bw2data's (``"uncertainty type"``, ``loc``, ``scale``, ``shape``, ``minimum``,
    ``maximum``, ``negative``); absent keys are NaN in a datapackage.

    >>> from lca.load.distributions import make_distribution
    >>> u = make_distribution({"distribution": "uniform", "min": 1, "max": 3}, 2.0, "x")
    >>> stats_arrays_uncertainty(u, -2.0)
    {'uncertainty type': 4, 'loc': -4.0, 'minimum': -6.0, 'maximum': -2.0}
    >>> ln = make_distribution({"distribution": "lognormal", "gsd": 2.0}, 5.0, "x")
    >>> round(stats_arrays_uncertainty(ln, 2.0)["loc"], 6) == round(math.log(10.0), 6)
    True
    """
    kind = distribution.kind
    args = {key: float(value) for key, value in distribution.arguments} if kind != "discrete" else {}
    scale = float(scale)
    if kind == "fixed" or scale == 0:
        return {"uncertainty type": UNDEFINED, "loc": scale * distribution.center}
    if kind == "lognormal":
        median = scale * args["scale"]
        return {"uncertainty type": LOGNORMAL, "loc": math.log(abs(median)), "scale": args["s"],
                "negative": bool(median < 0)}
    if kind == "normal":
        return {"uncertainty type": NORMAL, "loc": scale * args["loc"], "scale": abs(scale) * args["scale"]}
    if kind not in ("uniform", "triangular", "pert"):
        return None  # weighted discrete alternatives
    low, high = scale * args["loc"], scale * (args["loc"] + args["scale"])
    bounds = {"minimum": min(low, high), "maximum": max(low, high)}
    if kind == "uniform":
        return {"uncertainty type": UNIFORM, "loc": scale * distribution.center, **bounds}
    if kind == "triangular":
        mode = args["loc"] + args["c"] * args["scale"]
        return {"uncertainty type": TRIANGULAR, "loc": scale * mode, **bounds}
    # PERT: a beta on [min, max]; alpha is stats_arrays' loc, beta its shape
    alpha, beta = (args["a"], args["b"]) if scale > 0 else (args["b"], args["a"])
    return {"uncertainty type": BETA, "loc": alpha, "shape": beta, **bounds}


@dataclass(frozen=True)
class Entries:
    """One Brightway matrix as exchanges: ``rows``/``cols`` index the export's labels.

    ``amounts`` are as Brightway stores them (technosphere inputs positive) and ``flip``
    says which bw2calc negates; ``uncertainty`` holds one stats_arrays dict per entry;
    ``unsupported`` marks entries whose uncertainty has no stats_arrays form.
    """

    rows: np.ndarray
    cols: np.ndarray
    amounts: np.ndarray
    flip: np.ndarray
    uncertainty: tuple[dict[str, Any], ...]
    unsupported: np.ndarray
    labels: tuple[str, ...]

    def distributions(self) -> np.ndarray:
        """The uncertainty as a stats_arrays (bw_processing ``UNCERTAINTY_DTYPE``) array."""
        return _distributions(self.uncertainty)


def _distributions(records) -> np.ndarray:
    out = np.zeros(len(records), dtype=[("uncertainty_type", np.uint8), ("loc", np.float32), ("scale", np.float32),
                                        ("shape", np.float32), ("minimum", np.float32), ("maximum", np.float32),
                                        ("negative", bool)])
    for i, record in enumerate(records):
        out[i]["uncertainty_type"] = record.get("uncertainty type", record.get("uncertainty_type", UNDEFINED))
        for key in _STATS_KEYS:
            out[i][key] = record.get(key, math.nan)
        out[i]["negative"] = record.get("negative", False)
    return out


@dataclass(frozen=True)
class BrightwayExport:
    """A compiled study as Brightway exchanges, at the study's parameter values.

    Technosphere rows and columns index :attr:`activities` (the processes, then the
    functional unit); biosphere rows index the flows; characterization rows the categories
    and columns the flows.
    """

    compiled: CompiledModel
    database: str
    biosphere_database: str
    technosphere: Entries
    production: np.ndarray  # per technosphere entry: the reference-product exchange
    biosphere: Entries
    characterization: Entries

    @cached_property
    def activities(self) -> tuple[str, ...]:
        return self.compiled.processes + (FUNCTIONAL_UNIT,)

    @cached_property
    def unsupported(self) -> tuple[str, ...]:
        """Where each entry whose uncertainty has no stats_arrays form comes from."""
        labels = []
        for entries in (self.technosphere, self.biosphere, self.characterization):
            labels += [entries.labels[i] for i in np.flatnonzero(entries.unsupported)]
        return tuple(dict.fromkeys(labels))

    def method(self, category: str) -> tuple[str, str]:
        """The Brightway method name of *category*."""
        return ("lca", category)


def brightway_export(compiled: CompiledModel, database: str | None = None) -> BrightwayExport:
    """The exchanges of *compiled* in Brightway's conventions (see the module docstring).

    *database* defaults to the stem of the study file; the biosphere database is
    ``"<database> biosphere"``.

    >>> export = brightway_export(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")))  # doctest: +SKIP
    >>> export.database, export.activities[-1]                                                          # doctest: +SKIP
    ('patterson2021_gpt3', 'functional_unit')
    """
    if FUNCTIONAL_UNIT in compiled.processes:
        raise ModelError(f"{compiled.model.processes[FUNCTIONAL_UNIT].defined_in}: a process named "
                         f"{FUNCTIONAL_UNIT!r} collides with the Brightway functional-unit node; rename it")
    database = database or Path(compiled.model.study.path).stem
    table = compiled.parameters
    params = table.evaluate()
    varying = _varying(table, table.uncertain)
    distributions = parameter_distributions(table)

    def entries(matrix: MatrixEntries, signs: np.ndarray, rows=None, cols=None, flip=None) -> Entries:
        values = matrix.values(params)
        # constant x formula of each entry, without its own uncertain number (a multiplier)
        per_unit = matrix.values({**params, **{name: 1.0 for _, name in matrix.multipliers}})
        amounts = signs * values
        uncertainty = [{"uncertainty type": UNDEFINED, "loc": float(a)} for a in amounts]
        unsupported = np.zeros(matrix.nnz, dtype=bool)
        for index, formula, _where in matrix.formulas:
            unsupported[index] = bool(formula.names & varying)
        for index, name in matrix.multipliers:
            if unsupported[index] or name not in distributions:
                continue
            form = stats_arrays_uncertainty(distributions[name], signs[index] * per_unit[index] * table.root_factors[name])
            if form is None:
                unsupported[index] = True
            else:
                uncertainty[index] = form
        return Entries(
            rows=matrix.rows if rows is None else rows, cols=matrix.cols if cols is None else cols,
            amounts=amounts, flip=np.zeros(matrix.nnz, dtype=bool) if flip is None else flip,
            uncertainty=tuple(uncertainty), unsupported=unsupported, labels=matrix.labels,
        )

    tech = compiled.technosphere
    production = np.zeros(tech.nnz, dtype=bool)
    first = {}
    for i, (row, col) in enumerate(zip(tech.rows.tolist(), tech.cols.tolist())):
        if row == col and col not in first:  # compile adds a process's production before its inputs
            first[col] = i
    production[list(first.values())] = True
    inputs = _concatenate(entries(tech, np.where(production, 1.0, -1.0), flip=~production),
                          _functional_unit(compiled),
                          entries(compiled.demand, np.ones(compiled.demand.nnz),
                                  cols=np.full(compiled.demand.nnz, len(compiled.processes)),
                                  flip=np.ones(compiled.demand.nnz, dtype=bool)))
    return BrightwayExport(
        compiled=compiled, database=database, biosphere_database=f"{database} biosphere",
        technosphere=inputs, production=np.concatenate([production, [True], np.zeros(compiled.demand.nnz, bool)]),
        biosphere=entries(compiled.biosphere, np.ones(compiled.biosphere.nnz)),
        characterization=entries(compiled.characterization, np.ones(compiled.characterization.nnz)),
    )


def _functional_unit(compiled: CompiledModel) -> Entries:
    n = len(compiled.processes)
    return Entries(rows=np.array([n]), cols=np.array([n]), amounts=np.array([1.0]), flip=np.array([False]),
                   uncertainty=({"uncertainty type": UNDEFINED, "loc": 1.0},), unsupported=np.array([False]),
                   labels=(f"{compiled.model.study.path}: functional unit",))


def _concatenate(*parts: Entries) -> Entries:
    return Entries(
        rows=np.concatenate([p.rows for p in parts]).astype(np.int64),
        cols=np.concatenate([p.cols for p in parts]).astype(np.int64),
        amounts=np.concatenate([p.amounts for p in parts]), flip=np.concatenate([p.flip for p in parts]),
        uncertainty=sum((p.uncertainty for p in parts), ()), unsupported=np.concatenate([p.unsupported for p in parts]),
        labels=sum((p.labels for p in parts), ()),
    )


def check_project_name(name: str) -> None:
    """Raise :class:`LCAError` if *name* cannot name a Brightway project.

    >>> check_project_name(" ")
    Traceback (most recent call last):
    lca.errors.LCAError: --project ' ': a Brightway project name must be non-empty, without leading or trailing blanks or control characters
    """
    if not name.strip() or name != name.strip() or _BAD_PROJECT.search(name):
        raise LCAError(f"--project {name!r}: a Brightway project name must be non-empty, without leading or "
                       "trailing blanks or control characters")


def write_project(export: BrightwayExport, project: str) -> None:
    """Write *export* into the Brightway project *project* (created if needed).

    The study's database and its biosphere database are replaced if they exist, and so are
    this study's factors in the ``("lca", category)`` methods (other studies exported into
    the same project keep theirs); other databases of the project are left alone. If writing fails
    in a project this call created, the project is deleted again.

    >>> write_project(brightway_export(compiled), "my project")          # doctest: +SKIP
    >>> bw2calc.LCA({bd.get_node(code="functional_unit"): 1}, method=("lca", "climate_change"))  # doctest: +SKIP
    """
    check_project_name(project)
    bd = require(PROJECT_MODULES, "--format brightway")["bw2data"]
    existed = project in bd.projects
    bd.projects.set_current(project)
    try:
        _write_databases(bd, export)
    except BaseException:
        if not existed:
            bd.projects.delete_project(project, delete_dir=True)
        raise


def _write_databases(bd: ModuleType, export: BrightwayExport) -> None:
    compiled, model = export.compiled, export.compiled.model
    bio, db = export.biosphere_database, export.database
    # the ("lca", category) methods are shared by every study exported into the project:
    # factors of this study's earlier flows are replaced, other studies' kept
    previous = {node.id for node in bd.Database(bio)} if bio in bd.databases else set()
    bd.Database(bio).write({
        (bio, fid): {"name": model.flows[fid].name, "unit": unit, "type": "emission",
                     "categories": (model.flows[fid].compartment,),
                     **({"CAS number": model.flows[fid].cas} if model.flows[fid].cas else {})}
        for fid, unit in zip(compiled.flows, compiled.flow_units)
    })
    units = compiled.product_units + ("unit",)
    nodes = {}
    for pid, unit in zip(compiled.processes, compiled.product_units):
        process = model.processes[pid]
        nodes[(db, pid)] = {"name": process.name, "reference product": process.reference_product, "unit": unit,
                            "location": process.location or "GLO", "type": "process", "lca stage": process.stage,
                            "comment": process.comment or "", "exchanges": []}
    nodes[(db, FUNCTIONAL_UNIT)] = {"name": model.study.functional_unit, "reference product": FUNCTIONAL_UNIT,
                                    "unit": "unit", "location": "GLO", "type": "process",
                                    "comment": model.study.name, "exchanges": []}
    tech = export.technosphere
    for i in range(len(tech.rows)):
        provider, consumer = export.activities[tech.rows[i]], export.activities[tech.cols[i]]
        nodes[(db, consumer)]["exchanges"].append({
            "input": (db, provider), "amount": float(tech.amounts[i]), "unit": units[tech.rows[i]],
            "type": "production" if export.production[i] else "technosphere", "comment": tech.labels[i],
            **tech.uncertainty[i]})
    for i in range(len(export.biosphere.rows)):
        flow = export.biosphere
        nodes[(db, compiled.processes[flow.cols[i]])]["exchanges"].append({
            "input": (bio, compiled.flows[flow.rows[i]]), "amount": float(flow.amounts[i]),
            "unit": compiled.flow_units[flow.rows[i]], "type": "biosphere", "comment": flow.labels[i],
            **flow.uncertainty[i]})
    bd.Database(db).write(nodes)
    char = export.characterization
    methods = []
    for row, category in enumerate(compiled.categories):
        method = bd.Method(export.method(category))
        kept = [line for line in method.load() if line[0] not in previous] if method.name in bd.methods else []
        method.register(unit=compiled.category_units[row], description=model.methods[compiled.methods[row]].name,
                        lca_method=compiled.methods[row])
        method.write(kept + [((bio, compiled.flows[char.cols[i]]), {"amount": float(char.amounts[i]), **char.uncertainty[i]})
                             for i in np.flatnonzero(char.rows == row)])
        methods.append((method, kept))
    _double_precision(bd, export, methods)


def _double_precision(bd: ModuleType, export: BrightwayExport, methods: list) -> None:
    """Replace the float32 amounts of bw2data's processed arrays by the exact ones.

    bw2data 4.8 processes exchanges through bw_processing's dictionary iterator, which stores
    amounts as float32 (a relative error up to 6e-8 on every exchange, so scores differ from
    ``lca run`` in the 8th digit). The exchanges in the project's database are exact; the
    processed arrays of the study's database and methods are rewritten here from the same
    entries, in double precision, with bw2data's ids. bw2data processes a database again
    when it is edited, in float32.
    """
    bwp = require(DATAPACKAGE_MODULES, "--format brightway")["bw_processing"]
    activity = {node["code"]: node.id for node in bd.Database(export.database)}
    flow = {node["code"]: node.id for node in bd.Database(export.biosphere_database)}
    activity_ids = np.array([activity[name] for name in export.activities], dtype=np.int64)
    flow_ids = np.array([flow[name] for name in export.compiled.flows], dtype=np.int64)
    tech, bio, char = export.technosphere, export.biosphere, export.characterization
    database = bd.Database(export.database)
    _rewrite_processed(bwp, Path(database.filepath_processed()), {
        "technosphere_matrix": dict(indices_array=_indices(activity_ids[tech.rows], activity_ids[tech.cols]),
                                    data_array=tech.amounts, flip_array=tech.flip,
                                    distributions_array=tech.distributions(), reference_array=export.production),
        "biosphere_matrix": dict(indices_array=_indices(flow_ids[bio.rows], activity_ids[bio.cols]),
                                 data_array=bio.amounts, distributions_array=bio.distributions()),
    })
    for row, (method, kept) in enumerate(methods):
        path = Path(method.filepath_processed())
        pick = np.flatnonzero(char.rows == row)
        # factors kept from other studies' exports, as bw2data stores them: a number or a dict
        amounts = [cf["amount"] if isinstance(cf, dict) else cf for _flow, cf, *_location in kept]
        records = [cf if isinstance(cf, dict) else {"loc": cf} for _flow, cf, *_location in kept]
        rows = np.concatenate([np.array([line[0] for line in kept], dtype=np.int64), flow_ids[char.cols[pick]]])
        _rewrite_processed(bwp, path, {"characterization_matrix": dict(
            indices_array=_indices(rows, np.full(len(rows), _global_column(bwp, path))),
            data_array=np.concatenate([np.asarray(amounts, dtype=float), char.amounts[pick]]),
            distributions_array=np.concatenate([_distributions(records), char.distributions()[pick]]))})


def _global_column(bwp: ModuleType, path: Path) -> int:
    """The location column bw2data gave a method's factors (all global here)."""
    from fsspec.implementations.zip import ZipFileSystem

    package = bwp.load_datapackage(ZipFileSystem(str(path)))
    for label, group in package.groups.items():
        for array, resource in zip(group.data, group.resources):
            if resource["matrix"] == "characterization_matrix" and resource["kind"] == "indices" and len(array):
                return int(array["col"][0])
    return 0


def _rewrite_processed(bwp: ModuleType, path: Path, vectors: dict[str, dict]) -> None:
    """Write the datapackage at *path* again, its groups of the matrices in *vectors* replaced
    by those arguments of ``add_persistent_vector`` (other groups copied), atomically."""
    from fsspec.implementations.zip import ZipFileSystem

    old = bwp.load_datapackage(ZipFileSystem(str(path)))
    groups = [(label, {r["kind"]: (array, r) for array, r in zip(group.data, group.resources)})
              for label, group in old.groups.items()]
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        new = bwp.create_datapackage(
            fs=ZipFileSystem(str(partial), mode="w"), name=old.metadata["name"], id_=old.metadata["id"],
            sum_intra_duplicates=old.metadata["sum_intra_duplicates"],
            sum_inter_duplicates=old.metadata["sum_inter_duplicates"], seed=old.metadata.get("seed"))
        for label, resources in groups:
            matrix = resources["indices"][1]["matrix"]
            if matrix in vectors:
                new.add_persistent_vector(matrix=matrix, name=label, **vectors.pop(matrix))
                continue
            copied = {f"{kind}_array": array for kind, (array, _r) in resources.items()
                      if kind in ("indices", "data", "distributions", "flip", "reference")}
            new.add_persistent_vector(matrix=matrix, name=label, **copied)
        for matrix, arguments in vectors.items():  # bw2data wrote no group for an empty matrix
            new.add_persistent_vector(matrix=matrix, name=f"lca {matrix}", **arguments)
        new.finalize_serialization()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def datapackage_ids(export: BrightwayExport) -> tuple[dict[str, int], dict[str, int]]:
    """Integer ids of a datapackage: activities 1..n+1 (the functional unit last), flows after.

    >>> activities, flows = datapackage_ids(export)          # doctest: +SKIP
    >>> activities["functional_unit"] == len(export.activities)   # doctest: +SKIP
    True
    """
    activities = {name: i + 1 for i, name in enumerate(export.activities)}
    flows = {name: len(activities) + 1 + i for i, name in enumerate(export.compiled.flows)}
    return activities, flows


def write_datapackage(export: BrightwayExport, path: str | Path, presamples: int = 0, seed: int = 42) -> Path:
    """Write *export* as a bw_processing datapackage zip at *path*, atomically.

    Resource groups: ``technosphere``, ``biosphere`` (vectors with stats_arrays
    distributions) and one ``characterization-<category>`` per category, tagged with
    ``identifier = ["lca", category]`` (what ``bw2calc.MultiLCA`` selects by). The ids are
    in the datapackage's metadata under ``"lca"``. With *presamples* > 0, the matrix cells
    holding an entry without a stats_arrays form also get *presamples* draws of ``lca``'s
    Monte Carlo (*seed*) as persistent arrays, used by bw2calc with ``use_arrays=True``, in
    order (the datapackage is sequential; *seed* also seeds the stats_arrays draws).

    >>> write_datapackage(export, "gpt3.zip")                                     # doctest: +SKIP
    >>> dp = bw_processing.load_datapackage(ZipFileSystem("gpt3.zip"))            # doctest: +SKIP
    >>> inventory = dp.exclude({"matrix": "characterization_matrix"})             # doctest: +SKIP
    >>> climate = dp.filter_by_attribute("identifier", ["lca", "climate_change"]) # doctest: +SKIP
    >>> bw2calc.LCA({dp.metadata["lca"]["functional_unit"]: 1}, data_objs=[inventory, climate])  # doctest: +SKIP
    """
    if presamples < 0:
        raise LCAError(f"--presamples must be >= 0, got {presamples}")
    path = Path(path)
    check_writable(path)
    found = require(DATAPACKAGE_MODULES, "--format bw-datapackage")
    bwp = found["bw_processing"]
    from fsspec.implementations.zip import ZipFileSystem

    compiled = export.compiled
    activities, flows = datapackage_ids(export)
    activity_ids = np.array(list(activities.values()), dtype=np.int64)
    flow_ids = np.array(list(flows.values()), dtype=np.int64)
    metadata = {"lca": {
        "study": compiled.model.study.name, "functional_unit": activities[FUNCTIONAL_UNIT],
        "activities": activities, "flows": flows,
        "categories": {c: {"identifier": ["lca", c], "unit": u, "method": m}
                       for c, u, m in zip(compiled.categories, compiled.category_units, compiled.methods)},
        "presamples": presamples, "unsupported_uncertainty": list(export.unsupported),
    }}
    with atomic_output(path) as partial:
        # sequential: bw2calc takes the presample columns in order (each draw once, the three
        # matrices in step) unless given a seed_override, which makes it pick them at random
        package = bwp.create_datapackage(fs=ZipFileSystem(str(partial), mode="w"), name=export.database,
                                         seed=seed, metadata=metadata, sequential=bool(presamples))
        tech, bio, char = export.technosphere, export.biosphere, export.characterization
        package.add_persistent_vector(
            matrix="technosphere_matrix", name="technosphere", indices_array=_indices(activity_ids[tech.rows],
                                                                                       activity_ids[tech.cols]),
            data_array=tech.amounts, flip_array=tech.flip, distributions_array=tech.distributions(),
            reference_array=export.production)
        package.add_persistent_vector(
            matrix="biosphere_matrix", name="biosphere", indices_array=_indices(flow_ids[bio.rows], activity_ids[bio.cols]),
            data_array=bio.amounts, distributions_array=bio.distributions())
        for row, category in enumerate(compiled.categories):
            pick = np.flatnonzero(char.rows == row)
            package.add_persistent_vector(
                matrix="characterization_matrix", name=f"characterization-{category}",
                identifier=["lca", category], indices_array=_indices(flow_ids[char.cols[pick]], np.zeros(len(pick))),
                data_array=char.amounts[pick], distributions_array=char.distributions()[pick], global_index=0)
        if presamples:
            _add_presamples(package, export, presamples, seed, activity_ids, flow_ids)
        package.finalize_serialization()
    return path


def _indices(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    out = np.empty(len(rows), dtype=[("row", np.int64), ("col", np.int64)])
    out["row"], out["col"] = rows, cols
    return out


def _add_presamples(package, export: BrightwayExport, n: int, seed: int, activity_ids, flow_ids) -> None:
    """Draws of the whole matrix cells that hold an entry without a stats_arrays form: the
    array replaces the cell (the datapackage does not sum across groups), so it must carry
    every entry of the cell, including ones that have a form."""
    compiled = export.compiled
    params = sample_parameters(compiled, n, seed)
    tech_values = np.concatenate([compiled.technosphere.values(params), np.ones((1, n)),
                                  -compiled.demand.values(params)])
    groups = (
        ("technosphere_matrix", export.technosphere, tech_values, activity_ids, activity_ids, None),
        ("biosphere_matrix", export.biosphere, compiled.biosphere.values(params), flow_ids, activity_ids, None),
    ) + tuple(
        ("characterization_matrix", export.characterization, compiled.characterization.values(params), flow_ids,
         None, row) for row in range(len(compiled.categories)))
    for matrix, entries, values, row_ids, col_ids, category in groups:
        pick = np.ones(len(entries.rows), dtype=bool) if category is None else entries.rows == category
        rows = entries.rows if category is None else entries.cols
        cols = entries.cols if category is None else np.zeros(len(entries.rows), dtype=np.int64)
        cells = sorted({(int(rows[i]), int(cols[i])) for i in np.flatnonzero(entries.unsupported & pick)})
        if not cells:
            continue
        where = {cell: k for k, cell in enumerate(cells)}
        data = np.zeros((len(cells), n))
        for i in np.flatnonzero(pick):
            cell = (int(rows[i]), int(cols[i]))
            if cell in where:
                data[where[cell]] += values[i]
        cell_rows = np.array([c[0] for c in cells])
        cell_cols = np.array([c[1] for c in cells])
        indices = _indices(row_ids[cell_rows], col_ids[cell_cols] if col_ids is not None else cell_cols)
        extra = {} if category is None else {"identifier": ["lca", compiled.categories[category]], "global_index": 0}
        suffix = matrix.split("_")[0] if category is None else f"characterization-{compiled.categories[category]}"
        package.add_persistent_array(matrix=matrix, name=f"{suffix}-presamples", indices_array=indices,
                                     data_array=data, **extra)
