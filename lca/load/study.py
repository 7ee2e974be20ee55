"""Reading study (scenario), inventory and method files (TOML) into a :class:`~lca.model.Model`.

Every error names the file, the key and what is wrong. The format is documented in
``docs/file-format.md``; table helpers are in :mod:`lca.load.tables`, parameters and
overrides in :mod:`lca.load.parameters`, the model checks in :mod:`lca.load.validate`.
Shipped files have ``lca:`` names (:mod:`lca.load.resources`).

>>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
>>> with_parameters(model, {"pue": 1.2}).parameters["pue"].value
1.2
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import (
    DuplicateIdError,
    FileFormatError,
    FormulaError,
    LCAError,
    MethodError,
    ModelError,
    ParameterError,
    UnitError,
)
from ..formula import parse_formula
from ..model.frozen import frozen
from ..model.hourly import GridMatch, time_matched_intensity
from ..model.records import (
    CATEGORIES,
    INHERIT,
    Amount,
    Exchange,
    Factor,
    Flow,
    Method,
    Model,
    Parameter,
    Process,
    Product,
    Study,
)
from ..model.published import parse_published
from ..model.scope2 import MarketBased
from ..units import conversion_factor, format_unit, parse_unit, ureg
from . import multioutput, recycling
from .allocation import parse_allocation
from .distributions import plain_lognormal
from .energy_logs import hourly_energy, measured_override, parse_energy_log, read_energy_logs
from .grid_profile import read_grid_profile
from .parameters import override
from .resources import FOLDERS, data_folder, locate, shipped
from .scope2 import parse_market_based
from .sites import dotted, expand_sites
from .tables import (
    PARAMETER_KEYS,
    check_bounds,
    check_id,
    check_keys,
    choice_uncertainty,
    collection_paused,
    display_path,
    fail,
    named_tables,
    number,
    parse_bounds,
    read_toml,
    read_unit,
    shorten,
    string,
    validate_uncertainty,
)
from .validate import validate_model

_TOP_KEYS = {"include", "meta", "flows", "products", "parameters", "processes", "method", "factors",
             "study", "demand", "methods", "allocation", "lineage", "infrastructure", "energy_log",
             "market_based", "grid_profile", "sites"}
KG_PER_KWH = parse_unit("kg CO2-eq/kWh")
_FLOW_KEYS = {"name", "compartment", "unit", "cas", "comment", "source", "location"}
_PRODUCT_KEYS = {"name", "unit", "comment", "source"}
_PROCESS_KEYS = {"name", "reference_product", "amount", "unit", "stage", "location", "source", "comment",
                 "technosphere", "biosphere", "uncertainty", "allocation", "coproducts", "properties",
                 "category", "tags", "site"}
_EXCHANGE_KEYS = {"product", "flow", "provider", "amount", "unit", "source", "uncertainty", "comment", "site"}
_OTHER_TARGET = {"product": "flow", "flow": "product"}  # the key an exchange must not have
_METHOD_KEYS = {"id", "category", "name", "unit", "source", "comment", "description"}
_FACTOR_KEYS = {"flow", "value", "unit", "source", "uncertainty", "comment"}


def _with_context(exc: LCAError, context: str) -> LCAError:
    """The same error with *context* appended, once (the innermost include is named first)."""
    return type(exc)(f"{exc} ({context})")


class _Registry:
    """Collects definitions from many files, rejecting an id defined twice."""

    def __init__(self, kind: str):
        self.kind = kind
        self.items: dict[str, Any] = {}
        self.origin: dict[str, str] = {}

    def add(self, identifier: str, item: Any, where: str) -> None:
        if identifier in self.items:
            raise DuplicateIdError.at(where, f"{self.kind} {identifier!r} is already defined in "
                                             f"{self.origin[identifier]}")
        self.items[identifier] = item
        self.origin[identifier] = where


def _refuse_outside(name: str, target: Path, root: Path | None, top: str, where: str) -> None:
    """Refuse a file a study reads (an include, an energy log) outside the folder *root* of the
    study *top* and the shipped data; symlinks are resolved first.

    >>> _refuse_outside("/etc/passwd", Path("/etc/passwd"), Path("/work/study"), "s.toml", "s.toml: include")
    Traceback (most recent call last):
    lca.errors.FileFormatError: s.toml: include: '/etc/passwd' is outside the folder of the study s.toml and is not a shipped lca: file; copy it into that folder, name a shipped file as 'lca:...', or pass --allow-include-outside (allow_outside=True)
    """
    resolved = target.resolve()
    allowed = [root, *(data_folder(folder).resolve() for folder in FOLDERS)]
    if not any(folder is not None and resolved.is_relative_to(folder) for folder in allowed):
        shown = "" if str(resolved) == name else f" (it resolves to {shorten(str(resolved))})"
        raise fail(FileFormatError, where,
                   f"{shorten(name)!r}{shown} is outside the folder of the study {top} and is not a "
                   "shipped lca: file; copy it into that folder, name a shipped file as 'lca:...', "
                   "or pass --allow-include-outside (allow_outside=True)")


class _Loader:
    def __init__(self, allow_outside: bool = False) -> None:
        # Includes stay under the folder of the top-level file (set when it is loaded) or in the
        # shipped data, so a study from elsewhere cannot make lca read (and echo) any file.
        self.allow_outside = allow_outside
        self.root: Path | None = None
        self.top = ""
        self.flows = _Registry("flow")
        self.products = _Registry("product")
        self.parameters = _Registry("parameter")
        self.processes = _Registry("process")
        self.methods = _Registry("method")
        self.files: list[Path] = []
        self._seen: set[Path] = set()
        self.raw_processes: list[tuple[str, dict, str]] = []
        self.sites: dict[str, str] = {}  # [sites]: site -> its datacenter process
        # file (as messages show it) -> the file whose include read it, for errors found later
        self.included_by: dict[str, str] = {}

    def in_context(self, exc: LCAError) -> LCAError:
        """*exc*, if about an item of an included file, with the chain of includes that read it."""
        chain, current = [], str(exc).split(": ", 1)[0]
        while current in self.included_by and len(chain) < 20:
            current = self.included_by[current]
            chain.append(current)
        return _with_context(exc, "included by " + " <- ".join(chain)) if chain else exc

    # -- files --------------------------------------------------------------------------
    def load_file(self, path: Path, is_root: bool = False, study: bool = False, data: dict | None = None) -> dict:
        path = path.resolve()
        if is_root:
            self.root, self.top = path.parent, display_path(path)
        if path in self._seen:
            return {}
        self._seen.add(path)
        data = read_toml(path) if data is None else data
        where = display_path(path)
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown and not is_root and not set(data) & _TOP_KEYS:
            # an include that names some other TOML file (a config, a lock file): its keys are
            # none of lca's business and are not echoed
            raise fail(FileFormatError, where, f"not an lca inventory or method file (none of its {len(data)} "
                       f"top-level keys is one of {', '.join(sorted(_TOP_KEYS))})")
        if unknown:
            raise fail(FileFormatError, where, f"unknown top-level key(s) {', '.join(map(repr, unknown))} "
                        f"(allowed: {', '.join(sorted(_TOP_KEYS))})")
        if not is_root and any(k in data for k in ("study", "demand")):
            raise fail(FileFormatError, where, "an included file cannot have [study] or [demand]")
        misplaced = [key for key in ("lineage", "infrastructure", "allocation", "sites") if key in data]
        if misplaced and not (is_root and "study" in data):
            # only a study's allocation tables are read: elsewhere they would be silently ignored
            raise fail(FileFormatError, where, f"[{misplaced[0]}] belongs in a study file (with [study]); "
                       "an inventory's allocation tables would be ignored")
        if study and "study" not in data:
            # before the definitions: a study's [parameters] would otherwise clash with the
            # parameters they override, and the message would be about a duplicate
            raise FileFormatError(f"{where}: a scenario needs a [study] table with 'name' and 'functional_unit' "
                                  "(is this an inventory file? use 'lca validate' for those)")
        includes = data.get("include", [])
        if isinstance(includes, str):
            includes = [includes]
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            raise fail(FileFormatError, where, "'include' must be a list of relative paths or lca: names")
        for include in includes:
            target = locate(include, path.parent)
            try:
                found = target.is_file() or target.exists()
            except OSError as exc:  # a name longer than the system allows, ...
                raise fail(FileFormatError, f"{where}: include", f"cannot use {shorten(include)!r} "
                           f"({exc.strerror or exc})") from None
            if not found:
                raise fail(FileFormatError, f"{where}: include",
                           f"file {shorten(include)!r} not found (looked at {shorten(str(target))})")
            self._check_inside(include, target, where)
            self.included_by.setdefault(display_path(target.resolve()), where)
            try:
                self.load_file(target)
            except LCAError as exc:
                # The message names the included file; say which include pulled it in.
                raise _with_context(exc, f"included by {where}") from None
        self.files.append(path)
        # A study's own [parameters] are overrides, applied after everything is loaded.
        self._read_definitions(data, where, parameters=not (is_root and "study" in data))
        return data

    def _check_inside(self, include: str, target: Path, where: str) -> None:
        """Refuse an include outside the project root and the shipped data (symlinks resolved)."""
        if not self.allow_outside:
            _refuse_outside(include, target, self.root, self.top, f"{where}: include")


    def _read_definitions(self, data: dict, where: str, parameters: bool) -> None:
        for key, table in named_tables(data, "flows", where).items():
            self.flows.add(key, self._flow(key, table, f"{where}: flows.{key}"), f"{where}: flows.{key}")
        for key, table in named_tables(data, "products", where).items():
            self.products.add(key, self._product(key, table, f"{where}: products.{key}"), f"{where}: products.{key}")
        if parameters:
            for key, table in named_tables(data, "parameters", where).items():
                item_where = f"{where}: parameters.{key}"
                self.parameters.add(key, self._parameter(key, table, item_where), item_where)
        for key, table in named_tables(data, "processes", where).items():
            item_where = f"{where}: processes.{key}"
            check_id(key, item_where)
            self.processes.add(key, None, item_where)
            self.raw_processes.append((key, check_keys(table, _PROCESS_KEYS, item_where), item_where))
        if "method" in data or "factors" in data:
            method = self._method(data, where)
            self.methods.add(method.id, method, f"{where}: method")

    # -- items --------------------------------------------------------------------------
    def _flow(self, key: str, table: Any, where: str) -> Flow:
        check_id(key, where)
        check_keys(table, _FLOW_KEYS, where)
        unit_text = string(table, "unit", where, required=True)
        return Flow(
            id=key,
            name=string(table, "name", where) or key,
            compartment=string(table, "compartment", where, required=True),
            unit=read_unit(unit_text, f"{where}.unit"),
            unit_text=unit_text,
            defined_in=where,
            cas=string(table, "cas", where),
        )

    def _product(self, key: str, table: Any, where: str) -> Product:
        check_id(key, where)
        check_keys(table, _PRODUCT_KEYS, where)
        unit_text = string(table, "unit", where, required=True)
        return Product(key, string(table, "name", where) or key, read_unit(unit_text, f"{where}.unit"),
                       unit_text, where)

    def _parameter(self, key: str, table: Any, where: str) -> Parameter:
        check_id(key, where)
        if not isinstance(table, dict):
            table = {"value": table}
        check_keys(table, PARAMETER_KEYS, where)
        unit_text = string(table, "unit", where) or ""
        unit = read_unit(unit_text, f"{where}.unit")
        value = table.get("value")
        formula_text = table.get("formula")
        options = table.get("options")
        if (value is None) == (formula_text is None):
            raise fail(ParameterError, where, "give exactly one of 'value' or 'formula'")
        formula = parse_formula(formula_text, f"{where}.formula") if formula_text is not None else None
        if options is not None:
            if not isinstance(options, list) or not options or not all(isinstance(o, str) for o in options):
                raise fail(ParameterError, where, "'options' must be a non-empty list of strings")
            if len(set(options)) != len(options):
                raise fail(ParameterError, where, "'options' has duplicates")
            if not isinstance(value, str) or value not in options:
                raise fail(ParameterError, where, f"value {value!r} is not one of the options {options}")
            options = tuple(options)
        elif value is not None:
            value = number(value, f"{where}.value")
        bounds = parse_bounds(table, where)
        if bounds is not None and options is not None:
            raise fail(ParameterError, where, "a choice parameter takes no min/max/above/below")
        uncertainty = validate_uncertainty(table.get("uncertainty"), value, unit_text, f"{where}.uncertainty") \
            if options is None else choice_uncertainty(table.get("uncertainty"), options, where)
        if value is not None and options is None:
            check_bounds(value, bounds, key, where, uncertainty)
        return Parameter(
            name=key, value=value, unit=unit, unit_text=unit_text, defined_in=where, formula=formula,
            options=options, source=string(table, "source", where), uncertainty=uncertainty,
            description=string(table, "description", where) or string(table, "comment", where), bounds=bounds,
        )

    def _amount(self, table: dict, key: str, where: str, unit_text: str | None, default_source: str | None,
                relative_only_for_formula: bool = True) -> Amount:
        plain = _plain_amount(table, key, unit_text, default_source)
        if plain is not None:
            return plain
        return self._checked_amount(table, key, where, unit_text, default_source, relative_only_for_formula)

    def _checked_amount(self, table: dict, key: str, where: str, unit_text: str | None, default_source: str | None,
                        relative_only_for_formula: bool = True) -> Amount:
        """The amount *key* of *table* (a number or a formula, its unit and uncertainty), every
        key checked; an error names *where*."""
        raw = table.get(key)
        if raw is None:
            raise fail(FileFormatError, where, f"missing required key {key!r}")
        unit = read_unit(unit_text, f"{where}.unit")
        spec = table.get("uncertainty")
        if isinstance(raw, str):
            formula = parse_formula(raw, f"{where}.{key}")
            uncertainty = validate_uncertainty(spec, 1.0, "", f"{where}.uncertainty")
            if uncertainty is not None and relative_only_for_formula and not uncertainty.relative:
                raise fail(FormulaError, f"{where}.uncertainty",
                            "an amount given by a formula takes only a relative uncertainty "
                            "(lognormal gsd/sigma or pedigree)")
            return Amount(None, formula, unit, unit_text or "", string(table, "source", where) or default_source,
                          uncertainty)
        value = number(raw, f"{where}.{key}")
        uncertainty = validate_uncertainty(spec, value, unit_text or "", f"{where}.uncertainty")
        return Amount(value, None, unit, unit_text or "", string(table, "source", where) or default_source,
                      uncertainty)

    def process(self, key: str, table: dict, where: str) -> Process:
        source = string(table, "source", where)
        # Without a stage, a (background) process inherits the stage of what demands it.
        stage = string(table, "stage", where) or INHERIT
        reference = table.get("reference_product", key)
        check_id(reference, f"{where}.reference_product")
        production_table = {"amount": table.get("amount", 1.0), "uncertainty": table.get("uncertainty"),
                            "source": source}
        unit_text = string(table, "unit", where)
        if unit_text is None:
            product = self.products.items.get(reference)
            if product is None:
                raise fail(FileFormatError, where, "missing 'unit' of the reference product "
                            f"(or declare products.{reference} with a unit)")
            unit_text = product.unit_text
        production = self._amount(production_table, "amount", where, unit_text, source)
        if production.value is not None and not production.value > 0:
            raise fail(ModelError, f"{where}.amount",
                        f"production amount must be positive, got {production.value}")
        exchanges: dict[str, list[Exchange]] = {"technosphere": [], "biosphere": []}
        for kind, target_key in (("technosphere", "product"), ("biosphere", "flow")):
            rows = table.get(kind, [])
            if not isinstance(rows, list):
                raise fail(FileFormatError, f"{where}.{kind}", "must be an array of tables ([[...]])")
            for i, row in enumerate(rows):
                row_where = f"{where}.{kind}[{i}]"
                exchange = _plain_exchange(row, kind, target_key, row_where, source)
                exchanges[kind].append(exchange if exchange is not None else
                                       self._exchange(row, kind, target_key, row_where, source))
        extra = {k: table[k] for k in ("allocation", "coproducts", "properties", "category", "tags") if k in table}
        return Process(
            id=key, name=string(table, "name", where) or key, reference_product=reference, production=production,
            stage=stage, defined_in=where, technosphere=tuple(exchanges["technosphere"]),
            biosphere=tuple(exchanges["biosphere"]), location=string(table, "location", where), source=source,
            comment=string(table, "comment", where), extra=frozen(extra),
        )

    def _exchange(self, row: Any, kind: str, target_key: str, where: str, source: str | None) -> Exchange:
        """The exchange *row* of a process's *kind* list, every key checked; an error names *where*."""
        check_keys(row, _EXCHANGE_KEYS, where)
        target = string(row, target_key, where, required=True)
        other = "flow" if target_key == "product" else "product"
        if other in row:
            raise fail(FileFormatError, where, f"a {kind} exchange names a {target_key!r}, not a {other!r}")
        amount = self._checked_amount(row, "amount", where, string(row, "unit", where, required=True), source)
        return Exchange(kind, target, amount, f"{where} ({target})", provider=string(row, "provider", where),
                        comment=string(row, "comment", where))

    def _method(self, data: dict, where: str) -> Method:
        header = check_keys(data.get("method", {}), _METHOD_KEYS, f"{where}: [method]")
        method_where = f"{where}: [method]"
        method_id = check_id(string(header, "id", method_where, required=True), f"{method_where}.id")
        category = check_id(string(header, "category", method_where, required=True), f"{method_where}.category")
        unit_text = string(header, "unit", method_where, required=True)
        unit = read_unit(unit_text, f"{method_where}.unit")
        if category in CATEGORIES and unit.dimensionality != parse_unit(CATEGORIES[category]).dimensionality:
            raise fail(MethodError, f"{method_where}.unit",
                        f"category {category!r} is measured in {CATEGORIES[category]}, not {unit_text!r}")
        rows = data.get("factors", [])
        if not isinstance(rows, list):
            raise fail(FileFormatError, f"{where}: factors", "must be an array of tables ([[factors]])")
        factors = []
        for i, row in enumerate(rows):
            row_where = f"{where}: factors[{i}]"
            check_keys(row, _FACTOR_KEYS, row_where)
            flow = string(row, "flow", row_where, required=True)
            amount = self._amount(row, "value", row_where, string(row, "unit", row_where, required=True),
                                  string(header, "source", method_where))
            if amount.formula is not None:
                raise fail(MethodError, row_where, "characterization factors must be numbers")
            factors.append(Factor(flow, amount, f"{row_where} ({flow})"))
        seen: dict[str, str] = {}
        for factor in factors:
            if factor.flow in seen:
                raise fail(DuplicateIdError, factor.where, f"flow {factor.flow!r} already has a factor at {seen[factor.flow]}")
            seen[factor.flow] = factor.where
        return Method(method_id, category, string(header, "name", method_where) or method_id, unit, unit_text,
                      method_where, tuple(factors), string(header, "source", method_where))


# -- the common case of a big database, without the checks' labels ------------------------
# An imported database has hundreds of thousands of exchanges, nearly all alike: a float in a
# unit seen before, with a lognormal gsd table. These build what _Loader._exchange and
# _Loader._checked_amount build for them, and give None for anything else (a formula, an int,
# an unknown key, a bad unit or table, ...), which then takes the checked path: it makes the
# labels for its messages and words every error as before (tests/load/test_study.py compares
# the two).

def _plain_amount(table: dict, key: str, unit_text: Any, default_source: str | None) -> Amount | None:
    """:meth:`_Loader._checked_amount` of a finite float in a readable unit with no uncertainty,
    or a lognormal gsd table around a positive value; None for anything else."""
    value = table.get(key)
    if type(value) is not float or not math.isfinite(value) or type(unit_text) is not str:
        return None
    try:
        unit = parse_unit(unit_text)  # parse_unit's cache: one dict lookup for a unit seen before
    except UnitError:
        return None
    spec = table.get("uncertainty")
    uncertainty = None
    if spec is not None:
        uncertainty = plain_lognormal(spec)
        if uncertainty is None or not value > 0:
            return None
    source = table.get("source")
    if source is not None and type(source) is not str:
        return None
    return Amount(value, None, unit, unit_text, source or default_source, uncertainty)


def _plain_exchange(row: Any, kind: str, target_key: str, where: str, source: str | None) -> Exchange | None:
    """:meth:`_Loader._exchange` of a row of known keys, text where text belongs and a plain
    amount (:func:`_plain_amount`); None for anything else."""
    if type(row) is not dict or not row.keys() <= _EXCHANGE_KEYS or _OTHER_TARGET[target_key] in row:
        return None
    target, unit_text, provider, comment = row.get(target_key), row.get("unit"), row.get("provider"), row.get("comment")
    if type(target) is not str or not (provider is None or type(provider) is str) \
            or not (comment is None or type(comment) is str):
        return None
    amount = _plain_amount(row, "amount", unit_text, source)
    if amount is None:
        return None
    return Exchange(kind, target, amount, f"{where} ({target})", provider=provider, comment=comment)


# -- studies ------------------------------------------------------------------------------

def load_study(path: str | Path, overrides: Mapping[str, Any] | None = None,
               methods: list[str] | tuple[str, ...] | None = None,
               energy_logs: Sequence[str | Path] | None = None, grid_profile: str | Path | None = None,
               log_timezone: str | None = None, allow_outside: bool = False) -> Model:
    """Load a study (scenario) file with everything it includes, check it and return the model.

    Parameters
    ----------
    path : str or pathlib.Path
        The study file: a path, or a shipped name such as ``"lca:scenarios/patterson2021_gpt3.toml"``.
        Its ``include`` list may name files relative to it or shipped ``lca:`` files.
    overrides : mapping of str to value, optional
        New parameter values: numbers (in the parameter's unit), strings with a unit
        (``"300 W"``) or options of choice parameters, as ``lca run --set`` gives them.
    methods : sequence of str, optional
        Method ids; each replaces the selected method of its category (``--method``).
    energy_logs : sequence of str or pathlib.Path, optional
        Tracker logs (CodeCarbon ``emissions.csv``, Zeus, nvidia-smi CSV) that replace the files
        of the study's ``[energy_log]`` table and set its measured-energy parameter
        (``lca run --energy-log``).
    grid_profile : str or pathlib.Path, optional
        An hourly intensity series (Electricity Maps CSV, ``lca run --grid-profile``): the
        energy-weighted mean of its hours, weighted by the energy logs' hourly energy, replaces
        the study's grid-intensity parameter (``[grid_profile] parameter``, default
        ``grid_intensity``).
    log_timezone : str, optional
        IANA zone of the energy logs' naive timestamps (CodeCarbon writes local time;
        ``--log-timezone``).
    allow_outside : bool, default False
        Allow includes outside the study's folder and the shipped data
        (``--allow-include-outside``); symlinks are resolved before the check.

    Returns
    -------
    Model
        The validated model, with the study's allocation tables parsed into ``model.allocation``.

    Raises
    ------
    FileFormatError
        If a file is missing, not TOML, or has a missing or malformed key (no ``[study]``, empty
        ``[demand]``, ...).
    UnitError, FormulaError, ParameterError, DistributionError, ModelError, MethodError
        If units, formulas, parameters, uncertainty tables, the process graph or the methods are
        inconsistent; every message names the file and the item.

    Examples
    --------
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> model.study.name
    'GPT-3 training, use phase (Patterson et al. 2021, Table 4)'
    >>> load_study("lca:scenarios/patterson2021_gpt3.toml", overrides={"chip_power": "0.3 kW"}).parameters["chip_power"].value
    300.0
    >>> load_study("lca:scenarios/patterson2021_gpt3.toml", overrides={"gpus": 8})
    Traceback (most recent call last):
    lca.errors.ParameterError: --set gpus: no such parameter (known: chip_power, duration, grid_intensity, n_chips, pue)
    """
    with collection_paused():
        return _load_study(locate(path), None, overrides, methods, energy_logs, allow_outside, grid_profile,
                           log_timezone)


def _load_study(path: Path, data: dict | None, overrides: Mapping[str, Any] | None,
                methods: Sequence[str] | None, energy_logs: Sequence[str | Path] | None,
                allow_outside: bool, grid_profile: str | Path | None = None,
                log_timezone: str | None = None) -> Model:
    """:func:`load_study` of a located file, its tables given if already read."""
    loader = _Loader(allow_outside)
    data = loader.load_file(path, is_root=True, study=True, data=data)
    where = display_path(path)
    study_table = data["study"]
    if not isinstance(study_table, dict):
        raise fail(FileFormatError, where, "[study] must be a table")
    study = Study(
        name=string(study_table, "name", f"{where}: study", required=True),
        functional_unit=string(study_table, "functional_unit", f"{where}: study", required=True),
        path=str(path.resolve()),
        info=frozen({k: v for k, v in study_table.items() if k not in ("name", "functional_unit")}),
        published=parse_published(study_table.get("published"), f"{where}: study.published"),
    )
    try:
        model = _finish(loader, study, data, where)
    except LCAError as exc:
        raise loader.in_context(exc) from None
    if methods:
        model = with_methods(model, list(methods))
    model = _bind_energy_log(model, data, path, where, energy_logs or (), overrides or {}, allow_outside)
    if "grid_profile" in data and grid_profile is None:
        check_keys(data["grid_profile"], {"parameter", "comment"}, f"{where}: grid_profile")
    if grid_profile is not None:
        model = _bind_grid_profile(model, data, path, where, energy_logs or (), grid_profile, log_timezone,
                                   overrides or {}, allow_outside)
    if overrides:
        model = with_parameters(model, overrides, "--set")
    return model


def _bind_energy_log(model: Model, data: dict, path: Path, where: str, files: Sequence[str | Path],
                     overrides: Mapping[str, Any], allow_outside: bool = False) -> Model:
    """Set the study's measured-energy parameter from its energy logs (or those given instead)."""
    if "energy_log" not in data:
        if files:
            raise FileFormatError(f"--energy-log: {where} has no [energy_log] table naming the parameter the "
                                  "measured energy sets (add [energy_log] parameter = \"...\"; see docs/file-format.md)")
        return model
    spec = parse_energy_log(data["energy_log"], path.parent, where)
    parameter = model.parameters.get(spec.parameter)
    if parameter is None:
        raise ParameterError(f"{spec.where}.parameter: no parameter {spec.parameter!r} "
                             f"(known: {', '.join(sorted(model.parameters)) or 'none'})")
    if parameter.is_choice or parameter.unit.dimensionality != ureg.kWh.dimensionality:
        unit = "an option" if parameter.is_choice else (format_unit(parameter.unit) or "dimensionless")
        raise UnitError(f"{spec.where}.parameter: {spec.parameter!r} ({parameter.defined_in}) is {unit}, "
                        "not an energy: name the parameter the measured kWh replace")
    paths = _energy_log_paths(files, spec.files, spec.where, path, allow_outside)
    if not paths:
        return model
    if spec.parameter in overrides:
        raise ParameterError(f"--set {spec.parameter}: this parameter is the study's measured energy, set by "
                             f"{', '.join(map(str, paths))}; give the logs or the value, not both")
    measured = measured_override(spec, read_energy_logs(paths))
    return with_parameters(model, {spec.parameter: measured}, f"{spec.where}:")


def _energy_log_paths(given: Sequence[str | Path], declared: Sequence[Path], where: str, study: Path,
                      allow_outside: bool) -> tuple[Path, ...]:
    """The logs to read: ``--energy-log`` files, else the study's ``[energy_log] files``.

    The files a study declares follow the include rule (inside the study's folder or the shipped
    data, unless *allow_outside*), so that a study from elsewhere cannot read files of the machine
    it runs on. Files the user names on the command line are read wherever they are, as
    ``--grid-profile`` files are: the user chose them."""
    if given:
        return tuple(Path(f) for f in given)
    if not allow_outside:
        for log in declared:
            _refuse_outside(str(log), log, study.parent.resolve(), display_path(study), f"{where}.files")
    return tuple(declared)


def _bind_grid_profile(model: Model, data: dict, path: Path, where: str, files: Sequence[str | Path],
                       profile_path: str | Path, log_timezone: str | None, overrides: Mapping[str, Any],
                       allow_outside: bool = False) -> Model:
    """Replace the study's grid intensity by the time-matched one of an hourly series."""
    table = check_keys(data.get("grid_profile", {}), {"parameter", "comment"}, f"{where}: grid_profile")
    name = string(table, "parameter", f"{where}: grid_profile") or "grid_intensity"
    parameter = model.parameters.get(name)
    if parameter is None:
        raise ParameterError(f"--grid-profile: {where} has no parameter {name!r} to replace with the time-matched "
                             "intensity (name the study's grid-intensity parameter in [grid_profile] parameter = \"...\")")
    if parameter.is_choice or parameter.unit.dimensionality != KG_PER_KWH.dimensionality:
        raise UnitError(f"--grid-profile: parameter {name!r} ({parameter.defined_in}) is not an intensity "
                        "(kg CO2-eq/kWh): name the study's grid-intensity parameter in [grid_profile]")
    if name in overrides:
        raise ParameterError(f"--set {name}: --grid-profile sets this parameter; give the profile or the value, not both")
    spec = parse_energy_log(data["energy_log"], path.parent, where) if "energy_log" in data else None
    logs = _energy_log_paths(files, spec.files if spec else (), spec.where if spec else where, path, allow_outside)
    if not logs:
        raise FileFormatError("--grid-profile: the hourly intensities are weighted by the job's hourly energy: give "
                              "its CodeCarbon log with --energy-log (or [energy_log] files in the study)")
    zone = None
    if log_timezone is not None:
        try:
            zone = ZoneInfo(log_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise FileFormatError(f"--log-timezone: {log_timezone!r} is not an IANA time zone (UTC, Europe/Paris, "
                                  "America/Los_Angeles, ...)") from None
    profile = read_grid_profile(locate(profile_path))
    load = hourly_energy(logs, zone)
    matched = time_matched_intensity(load, profile.kg_per_kwh, profile.where)
    to_parameter = conversion_factor(KG_PER_KWH, parameter.unit)
    model = with_parameters(model, {name: matched * to_parameter}, "--grid-profile")
    match = GridMatch(profile.where, profile.column, name, parameter.value, parameter.value / to_parameter, matched,
                      sum(1 for kwh in load.values() if kwh > 0), math.fsum(load.values()))
    return replace(model, grid_profile=match)


def load_inventory(paths: list[str | Path], allow_outside: bool = False) -> Model:
    """Load inventory or method files without a study: what ``lca validate`` checks.

    Parameters
    ----------
    paths : list of str or pathlib.Path
        Inventory or method files (paths or shipped ``lca:`` names), loaded in order; includes
        are followed.
    allow_outside : bool, default False
        Allow includes outside each file's folder and the shipped data, as in :func:`load_study`.

    Returns
    -------
    Model
        A model with an empty demand and the study name ``"(inventory)"``.

    Raises
    ------
    LCAError
        As :func:`load_study`, for any inconsistency in the files.

    Examples
    --------
    >>> inventory = load_inventory(["lca:hardware/products.toml"])
    >>> len(inventory.processes), "gpu_h100_sxm5_80gb" in inventory.processes, len(inventory.demand)
    (184, True, 0)
    """
    return _load_inventory(paths, allow_outside)


def load_file(path: str | Path, data: dict | None = None, allow_outside: bool = False) -> Model:
    """Load one file as a study if it has ``[study]`` or ``[demand]``, else as an inventory.

    What ``lca validate`` checks: the caller may have read the file already (to tell it from a
    table of everyday equivalents), and passes its tables so it is read once.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (a path or a shipped ``lca:`` name).
    data : dict, optional
        Its tables, as :func:`lca.load.tables.read_toml` returned them (None: read it here).
    allow_outside : bool, default False
        Allow includes outside the file's folder and the shipped data, as in :func:`load_study`.

    Returns
    -------
    Model
        The study, or the inventory (an empty demand).

    Raises
    ------
    LCAError
        As :func:`load_study` and :func:`load_inventory`.

    Examples
    --------
    >>> load_file("lca:scenarios/patterson2021_gpt3.toml").study.functional_unit
    'one trained GPT-3 model'
    >>> load_file("lca:hardware/products.toml").study.name
    '(inventory)'
    """
    located = locate(path)
    data = read_toml(located) if data is None else data
    # a [demand] without [study] is a study missing its table: the study loader says so
    if "study" in data or "demand" in data:
        return _load_study(located, data, None, None, None, allow_outside)
    return _load_inventory([path], allow_outside, first=data)


def _load_inventory(paths: Sequence[str | Path], allow_outside: bool, first: dict | None = None) -> Model:
    """:func:`load_inventory`, the tables of the first file given if already read."""
    loader = _Loader(allow_outside)
    for index, path in enumerate(paths):
        loader.load_file(locate(path), is_root=True, data=first if index == 0 else None)
    study = Study(name="(inventory)", functional_unit="(none)", path=", ".join(map(str, paths)))
    try:
        return _finish(loader, study, {}, ", ".join(map(str, paths)))
    except LCAError as exc:
        raise loader.in_context(exc) from None


def _finish(loader: _Loader, study: Study, data: dict, where: str) -> Model:
    # Scenario [parameters]: overrides of defined parameters, or new ones.
    parameters = dict(loader.parameters.items)
    study_tables = named_tables(data, "parameters", where)
    for key, table in study_tables.items():
        item_where = f"{where}: parameters.{key}"
        if key in parameters:
            parameters[key] = override(parameters[key], table, item_where)
        else:
            parameters[key] = loader._parameter(key, table, item_where)
    _add_sites(loader, data, where, parameters, study_tables)
    products = dict(loader.products.items)
    processes: dict[str, Process] = {}
    for key, table, item_where in loader.raw_processes:
        process = loader.process(key, table, item_where)
        processes[key] = process
    # Products not declared take their unit from their providers; providers must agree.
    for process in processes.values():
        declared = products.get(process.reference_product)
        if declared is None:
            products[process.reference_product] = Product(
                process.reference_product, process.name, process.production.unit, process.production.unit_text,
                process.defined_in)
        elif declared.unit.dimensionality != process.production.unit.dimensionality:
            raise fail(UnitError, f"{process.defined_in}.unit", f"{format_unit(process.production.unit)} does not match "
                            f"product {declared.id!r} in {format_unit(declared.unit)} ({declared.defined_in})")
    raw_demand = []
    for key, value in named_tables(data, "demand", where).items():
        item_where = f"{where}: demand.{key}"
        table = value if isinstance(value, dict) else {"amount": value}
        raw_demand.append((key, check_keys(table, {"amount", "unit", "source", "comment"}, item_where), item_where))
    if study.name != "(inventory)" and not raw_demand:
        raise fail(FileFormatError, where, "[demand] is empty: name the product(s) of the functional unit")
    methods = dict(loader.methods.items)
    selected = data.get("methods", [])
    if isinstance(selected, str):
        selected = [selected]
    if not isinstance(selected, list) or not all(isinstance(m, str) for m in selected):
        raise fail(FileFormatError, where, "'methods' must be a list of method ids")
    model = Model(
        study=study, flows=frozen(loader.flows.items), products=frozen(products), parameters=frozen(parameters),
        processes=frozen(processes), methods=frozen(methods), selected_methods=(),
        demand=frozen({}), files=tuple(str(f) for f in loader.files), sites=frozen(loader.sites),
    )
    model = replace(model, selected_methods=select_methods(model, selected or list(_default_methods(methods)),
                                                           where, replace_same_category=False))
    if any(p.extra.get("coproducts") or isinstance(p.extra.get("allocation"), dict) for p in processes.values()):
        model = multioutput.split_multioutput(recycling.apply_end_of_life(model),
                                              (data.get("allocation") or {}).get("multioutput"))
    # The demand is read after the split, so that a split co-product process (p__b) can be named.
    model = replace(model, demand=frozen(_demand(loader, model, raw_demand)))
    model = validate_model(model)  # parameters first: order, units, formulas
    allocation = parse_allocation(data, model)
    if allocation is not None:
        model = replace(model, allocation=allocation)
    if "market_based" in data:
        model = replace(model, market_based=_market_based(model, data["market_based"], where))
    return model


def _add_sites(loader: _Loader, data: dict, where: str, parameters: dict[str, Parameter],
               study_tables: Mapping[str, Any]) -> None:
    """Expand the study's [sites] (lca.load.sites) into parameters and processes, in place."""
    expansion = expand_sites(data.get("sites"), where, loader.raw_processes, parameters)
    loader.sites = dict(expansion.datacenters)
    for key, (table, item_where) in expansion.parameters.items():
        if key in loader.parameters.items:
            if key.startswith("grid_intensity_"):
                continue  # an inventory's own intensity of that grid wins (and the study may override it)
            raise fail(DuplicateIdError, item_where, f"parameter {key!r} is reserved for the site but is defined "
                       f"in {loader.parameters.origin[key]}")
        parameters[key] = loader._parameter(key, table, item_where)
        if key in study_tables:
            parameters[key] = override(parameters[key], study_tables[key], f"{where}: parameters.{key}")
    for key, _, item_where in expansion.processes:
        loader.processes.add(key, None, item_where)
    loader.raw_processes.extend(expansion.processes)


def _market_based(model: Model, table: Any, where: str) -> MarketBased:
    spec = parse_market_based(table, where)
    for index, process in enumerate(spec.electricity):
        item = f"{spec.defined_in}.electricity[{index}]"
        if process not in model.processes:
            raise fail(ModelError, item, f"no process {process!r}")
        production = model.processes[process].production
        if production.unit.dimensionality != ureg.kWh.dimensionality:
            raise fail(UnitError, item, f"{process!r} makes {production.unit_text}, not an energy: name the "
                                        "electricity process the instruments cover")
    return spec


def _demand(loader: _Loader, model: Model, raw_demand: list[tuple[str, dict, str]]) -> dict[str, Amount]:
    demand: dict[str, Amount] = {}
    for key, table, item_where in raw_demand:
        if key not in model.products and key not in model.processes:
            raise fail(ModelError, item_where, f"no process makes {key!r}")
        product = model.products.get(key) or model.products[model.processes[key].reference_product]
        demand[key] = loader._amount(table, "amount", item_where, table.get("unit", product.unit_text), None)
        if demand[key].value is not None and not demand[key].value > 0:
            # a functional unit of zero (or less) of a product gives zero (or sign-flipped) impacts
            raise fail(ModelError, f"{item_where}.amount", f"the demand must be positive, got {demand[key].value:g}")
    return demand


def _default_methods(methods: Mapping[str, Method]) -> list[str]:
    """Without a 'methods' list: every loaded method, first one per category."""
    chosen: dict[str, str] = {}
    for method in methods.values():
        chosen.setdefault(method.category, method.id)
    return list(chosen.values())


def select_methods(model: Model, method_ids: list[str], where: str = "--method",
                   replace_same_category: bool = True) -> tuple[str, ...]:
    """Resolve method ids into the model's selection, one method per impact category.

    Parameters
    ----------
    model : Model
        A loaded model.
    method_ids : list of str
        Methods to select.
    where : str, optional
        Where the ids come from, for messages (``--method``, a study file).
    replace_same_category : bool, optional
        If True (the default) each method replaces the selected one of its category; if False
        two methods of one category are an error.

    Returns
    -------
    tuple of str
        The selected method ids.

    Raises
    ------
    MethodError
        If a method is unknown (saying when it is shipped but not included) or two methods share
        a category.

    Examples
    --------
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> select_methods(model, ["ipcc_ar5_gwp100"])
    ('ipcc_ar5_gwp100',)
    >>> select_methods(model, ["water_consumption"])
    Traceback (most recent call last):
    lca.errors.MethodError: --method: method 'water_consumption' is shipped with lca but the study does not include it; add 'lca:methods/water_consumption.toml' to the study's 'include'
    """
    selected = list(model.selected_methods) if replace_same_category else []
    for method_id in method_ids:
        method = model.methods.get(method_id)
        if method is None:
            _find_method_file(model, method_id, where)
            known = ", ".join(sorted(model.methods)) or "none loaded"
            raise fail(MethodError, where, f"unknown method {method_id!r} (known: {known})")
        selected = [m for m in selected if model.methods[m].category != method.category or not replace_same_category]
        if any(model.methods[m].category == method.category for m in selected):
            raise fail(MethodError, where, f"two methods for category {method.category!r}: "
                              f"{[m for m in selected if model.methods[m].category == method.category][0]} and {method_id}")
        selected.append(method_id)
    return tuple(selected)


def with_methods(model: Model, method_ids: Sequence[str]) -> Model:
    """A copy of *model* using other impact methods; each replaces the selected one of its category.

    Parameters
    ----------
    model : Model
        A loaded model; it is not changed.
    method_ids : sequence of str
        Ids of methods the model has loaded (its study includes their files).

    Returns
    -------
    Model
        The new model.

    Raises
    ------
    MethodError
        If a method is unknown or two share a category.

    Examples
    --------
    >>> from lca import calculate
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> ar5 = with_methods(model, ["ipcc_ar5_gwp100"])
    >>> ar5.selected_methods, calculate(ar5).impacts["climate_change"].method
    (('ipcc_ar5_gwp100',), 'ipcc_ar5_gwp100')
    """
    return replace(model, selected_methods=select_methods(model, list(method_ids)))


def _find_method_file(model: Model, method_id: str, where: str) -> None:
    """A helpful error when the method is shipped with lca but the study does not include it."""
    name = f"lca:methods/{method_id}.toml"
    if shipped(name).is_file():
        raise fail(MethodError, where, f"method {method_id!r} is shipped with lca but the study does not "
                          f"include it; add {name!r} to the study's 'include'")


# -- checks -------------------------------------------------------------------------------


def with_parameters(model: Model, overrides: Mapping[str, Any], where: str = "override") -> Model:
    """A copy of *model* with parameter values replaced, checked again.

    Parameters
    ----------
    model : Model
        A loaded model; it is not changed.
    overrides : mapping of str to value
        New values: numbers in the parameter's unit, strings with a unit (``"300 W"``), options
        of choice parameters, or tables (``{"value": ..., "unit": ..., "uncertainty": ...}`` or
        ``{"formula": ...}``).
    where : str, optional
        Where the overrides come from, for messages.

    Returns
    -------
    Model
        The new model, validated (a new value may be a formula or unit that no longer fits).

    Raises
    ------
    ParameterError
        If a name is not a parameter, or a value does not fit it (not an option, wrong type).
    UnitError
        If a value's unit has another dimension than the parameter's.

    Examples
    --------
    >>> from lca import calculate
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> f"{calculate(with_parameters(model, {'pue': 1.2})).impacts['climate_change'].value:,.0f}"
    '603,428'
    >>> with_parameters(model, {"chip_power": "2 kg"})
    Traceback (most recent call last):
    lca.errors.UnitError: override chip_power: ...
    """
    parameters = dict(model.parameters)
    for name, value in overrides.items():
        name = dotted(name, parameters)  # --set grid_intensity.ie=... names grid_intensity_ie
        if name not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            raise ParameterError.at(f"{where} {name}", f"no such parameter (known: {known})")
        parameters[name] = override(parameters[name], value, f"{where} {name}")
    # a new value may be a formula or a unit that no longer fits an exchange: check it all now
    return validate_model(replace(model, parameters=frozen(parameters)))
