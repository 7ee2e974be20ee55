"""Reading inventory, method and scenario files (TOML) into a :class:`~lca.model.Model`.

Every error names the file, the key and what is wrong. The format is documented in
``docs/file-format.md``.

>>> model = load_study("scenarios/patterson2021_gpt3.toml")     # doctest: +SKIP
>>> model.with_parameters({"pue": 1.2})                           # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping

import networkx as nx

from .errors import (
    DuplicateIdError,
    FileFormatError,
    FormulaError,
    LCAError,
    MethodError,
    ModelError,
    ParameterError,
    UnitError,
)
from .formula import Formula, evaluate_units, parse_formula
from .model import (
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
    frozen,
)
from .units import Quantity, format_unit, parse_unit, ureg

ID_PATTERN = re.compile(r"^[a-z0-9_]+$")

_TOP_KEYS = {"include", "meta", "flows", "products", "parameters", "processes", "method", "factors",
             "study", "demand", "methods", "allocation", "lineage", "infrastructure"}
_FLOW_KEYS = {"name", "compartment", "unit", "cas", "comment", "source", "location"}
_PRODUCT_KEYS = {"name", "unit", "comment", "source"}
_PARAMETER_KEYS = {"value", "formula", "unit", "options", "source", "uncertainty", "description", "comment"}
_PROCESS_KEYS = {"name", "reference_product", "amount", "unit", "stage", "location", "source", "comment",
                 "technosphere", "biosphere", "uncertainty", "allocation", "coproducts", "properties",
                 "category", "tags"}
_EXCHANGE_KEYS = {"product", "flow", "provider", "amount", "unit", "source", "uncertainty", "comment"}
_METHOD_KEYS = {"id", "category", "name", "unit", "source", "comment", "description"}
_FACTOR_KEYS = {"flow", "value", "unit", "source", "uncertainty", "comment"}


def _fail(cls: type[LCAError], where: str, message: str) -> LCAError:
    return cls(f"{where}: {message}")


def _check_keys(table: Any, allowed: set[str], where: str) -> dict:
    if not isinstance(table, dict):
        raise _fail(FileFormatError, where, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _fail(FileFormatError, where, f"unknown key(s) {', '.join(map(repr, unknown))} "
                    f"(allowed: {', '.join(sorted(allowed))})")
    return table


def _check_id(identifier: str, where: str) -> str:
    if not isinstance(identifier, str) or not ID_PATTERN.match(identifier):
        raise _fail(FileFormatError, where, f"id {identifier!r} must match {ID_PATTERN.pattern}")
    return identifier


def _string(table: dict, key: str, where: str, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise _fail(FileFormatError, where, f"missing required key {key!r}")
        return None
    if not isinstance(value, str):
        raise _fail(FileFormatError, where, f"{key!r} must be a string, got {value!r}")
    return value


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_toml(path: Path) -> dict:
    """Read one TOML file; a missing or malformed file is a :class:`FileFormatError`."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise FileFormatError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a directory, not a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{path}: not UTF-8 text: {exc}") from None


def validate_uncertainty(spec: Any, value: Any, unit_text: str, where: str) -> Mapping[str, Any] | None:
    """Check an uncertainty table and return it frozen.

    The detailed checks (sigma <= 0, min > max, ...) live with the distributions in
    :mod:`lca.uncertainty`; they run here, at load time, so a bad spec names its item.
    """
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise _fail(FileFormatError, where, f"'uncertainty' must be a table, got {spec!r}")
    try:
        from .uncertainty.distributions import check_spec
    except ImportError:  # the uncertainty package is optional for deterministic runs
        return frozen(spec)
    check_spec(spec, value, where)
    return frozen(spec)


class _Registry:
    """Collects definitions from many files, rejecting an id defined twice."""

    def __init__(self, kind: str):
        self.kind = kind
        self.items: dict[str, Any] = {}
        self.origin: dict[str, str] = {}

    def add(self, identifier: str, item: Any, where: str) -> None:
        if identifier in self.items:
            raise DuplicateIdError(
                f"{where}: {self.kind} {identifier!r} is already defined in {self.origin[identifier]}"
            )
        self.items[identifier] = item
        self.origin[identifier] = where


class _Loader:
    def __init__(self) -> None:
        self.flows = _Registry("flow")
        self.products = _Registry("product")
        self.parameters = _Registry("parameter")
        self.processes = _Registry("process")
        self.methods = _Registry("method")
        self.files: list[Path] = []
        self._seen: set[Path] = set()
        self.raw_processes: list[tuple[str, dict, str]] = []

    # -- files --------------------------------------------------------------------------
    def load_file(self, path: Path, is_root: bool = False) -> dict:
        path = path.resolve()
        if path in self._seen:
            return {}
        self._seen.add(path)
        data = read_toml(path)
        where = display_path(path)
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise _fail(FileFormatError, where, f"unknown top-level key(s) {', '.join(map(repr, unknown))} "
                        f"(allowed: {', '.join(sorted(_TOP_KEYS))})")
        if not is_root and any(k in data for k in ("study", "demand")):
            raise _fail(FileFormatError, where, "an included file cannot have [study] or [demand]")
        includes = data.get("include", [])
        if isinstance(includes, str):
            includes = [includes]
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            raise _fail(FileFormatError, where, "'include' must be a list of relative paths")
        for include in includes:
            target = path.parent / include
            if not target.exists():
                raise _fail(FileFormatError, f"{where}: include", f"file {include!r} not found (looked at {target})")
            self.load_file(target)
        self.files.append(path)
        # A study's own [parameters] are overrides, applied after everything is loaded.
        self._read_definitions(data, where, parameters=not (is_root and "study" in data))
        return data

    def _read_definitions(self, data: dict, where: str, parameters: bool) -> None:
        for key, table in _table(data, "flows", where).items():
            self.flows.add(key, self._flow(key, table, f"{where}: flows.{key}"), f"{where}: flows.{key}")
        for key, table in _table(data, "products", where).items():
            self.products.add(key, self._product(key, table, f"{where}: products.{key}"), f"{where}: products.{key}")
        if parameters:
            for key, table in _table(data, "parameters", where).items():
                item_where = f"{where}: parameters.{key}"
                self.parameters.add(key, self._parameter(key, table, item_where), item_where)
        for key, table in _table(data, "processes", where).items():
            item_where = f"{where}: processes.{key}"
            _check_id(key, item_where)
            self.processes.add(key, None, item_where)
            self.raw_processes.append((key, _check_keys(table, _PROCESS_KEYS, item_where), item_where))
        if "method" in data or "factors" in data:
            method = self._method(data, where)
            self.methods.add(method.id, method, f"{where}: method")

    # -- items --------------------------------------------------------------------------
    def _flow(self, key: str, table: Any, where: str) -> Flow:
        _check_id(key, where)
        _check_keys(table, _FLOW_KEYS, where)
        unit_text = _string(table, "unit", where, required=True)
        return Flow(
            id=key,
            name=_string(table, "name", where) or key,
            compartment=_string(table, "compartment", where, required=True),
            unit=parse_unit(unit_text, f"{where}.unit"),
            unit_text=unit_text,
            defined_in=where,
            cas=_string(table, "cas", where),
        )

    def _product(self, key: str, table: Any, where: str) -> Product:
        _check_id(key, where)
        _check_keys(table, _PRODUCT_KEYS, where)
        unit_text = _string(table, "unit", where, required=True)
        return Product(key, _string(table, "name", where) or key, parse_unit(unit_text, f"{where}.unit"),
                       unit_text, where)

    def _parameter(self, key: str, table: Any, where: str) -> Parameter:
        _check_id(key, where)
        if not isinstance(table, dict):
            table = {"value": table}
        _check_keys(table, _PARAMETER_KEYS, where)
        unit_text = _string(table, "unit", where) or ""
        unit = parse_unit(unit_text, f"{where}.unit")
        value = table.get("value")
        formula_text = table.get("formula")
        options = table.get("options")
        if (value is None) == (formula_text is None):
            raise _fail(ParameterError, where, "give exactly one of 'value' or 'formula'")
        formula = parse_formula(formula_text, f"{where}.formula") if formula_text is not None else None
        if options is not None:
            if not isinstance(options, list) or not options or not all(isinstance(o, str) for o in options):
                raise _fail(ParameterError, where, "'options' must be a non-empty list of strings")
            if len(set(options)) != len(options):
                raise _fail(ParameterError, where, "'options' has duplicates")
            if not isinstance(value, str) or value not in options:
                raise _fail(ParameterError, where, f"value {value!r} is not one of the options {options}")
            options = tuple(options)
        elif value is not None:
            value = _number(value, f"{where}.value")
        return Parameter(
            name=key, value=value, unit=unit, unit_text=unit_text, defined_in=where, formula=formula,
            options=options, source=_string(table, "source", where),
            uncertainty=validate_uncertainty(table.get("uncertainty"), value, unit_text, f"{where}.uncertainty")
            if options is None else _choice_uncertainty(table.get("uncertainty"), options, where),
            description=_string(table, "description", where) or _string(table, "comment", where),
        )

    def _amount(self, table: dict, key: str, where: str, unit_text: str | None, default_source: str | None,
                relative_only_for_formula: bool = True) -> Amount:
        raw = table.get(key)
        if raw is None:
            raise _fail(FileFormatError, where, f"missing required key {key!r}")
        unit = parse_unit(unit_text, f"{where}.unit")
        spec = table.get("uncertainty")
        if isinstance(raw, str):
            formula = parse_formula(raw, f"{where}.{key}")
            uncertainty = validate_uncertainty(spec, 1.0, "", f"{where}.uncertainty")
            if uncertainty is not None and relative_only_for_formula and not _is_relative(uncertainty):
                raise _fail(FormulaError, f"{where}.uncertainty",
                            "an amount given by a formula takes only a relative uncertainty "
                            "(lognormal gsd/sigma or pedigree)")
            return Amount(None, formula, unit, unit_text or "", _string(table, "source", where) or default_source,
                          uncertainty)
        value = _number(raw, f"{where}.{key}")
        uncertainty = validate_uncertainty(spec, value, unit_text or "", f"{where}.uncertainty")
        return Amount(value, None, unit, unit_text or "", _string(table, "source", where) or default_source,
                      uncertainty)

    def process(self, key: str, table: dict, where: str) -> Process:
        source = _string(table, "source", where)
        # Without a stage, a (background) process inherits the stage of what demands it.
        stage = _string(table, "stage", where) or INHERIT
        reference = table.get("reference_product", key)
        _check_id(reference, f"{where}.reference_product")
        production_table = {"amount": table.get("amount", 1.0), "uncertainty": table.get("uncertainty"),
                            "source": source}
        unit_text = _string(table, "unit", where)
        if unit_text is None:
            product = self.products.items.get(reference)
            if product is None:
                raise _fail(FileFormatError, where, "missing 'unit' of the reference product "
                            f"(or declare products.{reference} with a unit)")
            unit_text = product.unit_text
        production = self._amount(production_table, "amount", where, unit_text, source)
        if production.value is not None and not production.value > 0:
            raise _fail(ModelError, f"{where}.amount",
                        f"production amount must be positive, got {production.value}")
        exchanges: dict[str, list[Exchange]] = {"technosphere": [], "biosphere": []}
        for kind, target_key in (("technosphere", "product"), ("biosphere", "flow")):
            rows = table.get(kind, [])
            if not isinstance(rows, list):
                raise _fail(FileFormatError, f"{where}.{kind}", "must be an array of tables ([[...]])")
            for i, row in enumerate(rows):
                row_where = f"{where}.{kind}[{i}]"
                _check_keys(row, _EXCHANGE_KEYS, row_where)
                target = _string(row, target_key, row_where, required=True)
                other = "flow" if target_key == "product" else "product"
                if other in row:
                    raise _fail(FileFormatError, row_where, f"a {kind} exchange names a {target_key!r}, not a {other!r}")
                amount = self._amount(row, "amount", row_where, _string(row, "unit", row_where, required=True), source)
                exchanges[kind].append(Exchange(kind, target, amount, f"{row_where} ({target})",
                                                provider=_string(row, "provider", row_where),
                                                comment=_string(row, "comment", row_where)))
        extra = {k: table[k] for k in ("allocation", "coproducts", "properties", "category", "tags") if k in table}
        return Process(
            id=key, name=_string(table, "name", where) or key, reference_product=reference, production=production,
            stage=stage, defined_in=where, technosphere=tuple(exchanges["technosphere"]),
            biosphere=tuple(exchanges["biosphere"]), location=_string(table, "location", where), source=source,
            comment=_string(table, "comment", where), extra=frozen(extra),
        )

    def _method(self, data: dict, where: str) -> Method:
        header = _check_keys(data.get("method", {}), _METHOD_KEYS, f"{where}: [method]")
        method_where = f"{where}: [method]"
        method_id = _check_id(_string(header, "id", method_where, required=True), f"{method_where}.id")
        category = _check_id(_string(header, "category", method_where, required=True), f"{method_where}.category")
        unit_text = _string(header, "unit", method_where, required=True)
        unit = parse_unit(unit_text, f"{method_where}.unit")
        if category in CATEGORIES and unit.dimensionality != parse_unit(CATEGORIES[category]).dimensionality:
            raise _fail(MethodError, f"{method_where}.unit",
                        f"category {category!r} is measured in {CATEGORIES[category]}, not {unit_text!r}")
        rows = data.get("factors", [])
        if not isinstance(rows, list):
            raise _fail(FileFormatError, f"{where}: factors", "must be an array of tables ([[factors]])")
        factors = []
        for i, row in enumerate(rows):
            row_where = f"{where}: factors[{i}]"
            _check_keys(row, _FACTOR_KEYS, row_where)
            flow = _string(row, "flow", row_where, required=True)
            amount = self._amount(row, "value", row_where, _string(row, "unit", row_where, required=True),
                                  _string(header, "source", method_where))
            if amount.formula is not None:
                raise _fail(MethodError, row_where, "characterization factors must be numbers")
            factors.append(Factor(flow, amount, f"{row_where} ({flow})"))
        seen: dict[str, str] = {}
        for factor in factors:
            if factor.flow in seen:
                raise _fail(DuplicateIdError, factor.where, f"flow {factor.flow!r} already has a factor at {seen[factor.flow]}")
            seen[factor.flow] = factor.where
        return Method(method_id, category, _string(header, "name", method_where) or method_id, unit, unit_text,
                      method_where, tuple(factors), _string(header, "source", method_where))


def _table(data: dict, key: str, where: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise _fail(FileFormatError, f"{where}: {key}", f"must be a table of named items ([{key}.NAME])")
    return table


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(FileFormatError, where, f"expected a number or a formula string, got {value!r}")
    if not math.isfinite(value):
        raise _fail(FileFormatError, where, f"{value!r} is not a finite number")
    return float(value)


def _is_relative(spec: Mapping[str, Any]) -> bool:
    if "pedigree" in spec:
        return True
    return spec.get("distribution") in ("lognormal", "fixed") and any(k in spec for k in ("gsd", "sigma")) \
        or spec.get("distribution") == "fixed"


def _choice_uncertainty(spec: Any, options: tuple[str, ...], where: str) -> Mapping[str, Any] | None:
    if spec is None:
        return None
    if not isinstance(spec, Mapping) or spec.get("distribution") not in ("discrete", "fixed"):
        raise _fail(FileFormatError, f"{where}.uncertainty",
                    "a choice parameter takes only { distribution = \"discrete\", weights = [...] }")
    weights = spec.get("weights")
    if weights is not None:
        if (not isinstance(weights, list) or len(weights) != len(options)
                or not all(isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0 for w in weights)
                or sum(weights) <= 0):
            raise _fail(FileFormatError, f"{where}.uncertainty.weights",
                        f"need {len(options)} non-negative weights (one per option) with a positive sum")
    return frozen(spec)


# -- studies ------------------------------------------------------------------------------

def load_study(path: str | Path, overrides: Mapping[str, Any] | None = None,
               methods: list[str] | tuple[str, ...] | None = None) -> Model:
    """Load a scenario (study) file with everything it includes, check it and return the model.

    *overrides* maps parameter names to numbers (in the parameter's unit), strings with a unit
    (``"300 W"``) or choice options; *methods* swaps the methods of their categories.
    """
    path = Path(path)
    loader = _Loader()
    data = loader.load_file(path, is_root=True)
    where = display_path(path)
    if "study" not in data:
        raise FileFormatError(f"{where}: a scenario needs a [study] table (is this an inventory file? "
                              "use 'lca validate' for those)")
    study_table = data["study"]
    if not isinstance(study_table, dict):
        raise FileFormatError(f"{where}: [study] must be a table")
    study = Study(
        name=_string(study_table, "name", f"{where}: study", required=True),
        functional_unit=_string(study_table, "functional_unit", f"{where}: study", required=True),
        path=str(path.resolve()),
        info=frozen({k: v for k, v in study_table.items() if k not in ("name", "functional_unit")}),
    )
    model = _finish(loader, study, data, where)
    if methods:
        model = model.with_methods(list(methods))
    if overrides:
        model = apply_overrides(model, overrides, "--set")
    return model


def load_inventory(paths: list[str | Path]) -> Model:
    """Load inventory or method files (no study): what ``lca validate`` checks."""
    loader = _Loader()
    for path in paths:
        loader.load_file(Path(path), is_root=True)
    study = Study(name="(inventory)", functional_unit="(none)", path=", ".join(map(str, paths)))
    return _finish(loader, study, {}, ", ".join(map(str, paths)))


def _finish(loader: _Loader, study: Study, data: dict, where: str) -> Model:
    # Scenario [parameters]: overrides of defined parameters, or new ones.
    parameters = dict(loader.parameters.items)
    for key, table in _table(data, "parameters", where).items():
        item_where = f"{where}: parameters.{key}"
        if key in parameters:
            parameters[key] = _override(parameters[key], table, item_where)
        else:
            parameters[key] = loader._parameter(key, table, item_where)
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
            raise UnitError(f"{process.defined_in}.unit: {format_unit(process.production.unit)} does not match "
                            f"product {declared.id!r} in {format_unit(declared.unit)} ({declared.defined_in})")
    demand: dict[str, Amount] = {}
    for key, value in _table(data, "demand", where).items():
        item_where = f"{where}: demand.{key}"
        table = value if isinstance(value, dict) else {"amount": value}
        _check_keys(table, {"amount", "unit", "source", "comment"}, item_where)
        if key not in products and key not in processes:
            raise _fail(ModelError, item_where, f"no process makes {key!r}")
        product = products.get(key) or products[processes[key].reference_product]
        unit_text = table.get("unit", product.unit_text)
        demand[key] = loader._amount(table, "amount", item_where, unit_text, None)
    if study.name != "(inventory)" and not demand:
        raise FileFormatError(f"{where}: [demand] is empty: name the product(s) of the functional unit")
    methods = dict(loader.methods.items)
    selected = data.get("methods", [])
    if isinstance(selected, str):
        selected = [selected]
    if not isinstance(selected, list) or not all(isinstance(m, str) for m in selected):
        raise FileFormatError(f"{where}: 'methods' must be a list of method ids")
    model = Model(
        study=study, flows=frozen(loader.flows.items), products=frozen(products), parameters=frozen(parameters),
        processes=frozen(processes), methods=frozen(methods), selected_methods=(),
        demand=frozen(demand), files=tuple(str(f) for f in loader.files),
    )
    model = replace(model, selected_methods=select_methods(model, selected or list(_default_methods(methods)),
                                                           where, replace_same_category=False))
    if any(p.extra.get("coproducts") or isinstance(p.extra.get("allocation"), dict) for p in processes.values()):
        from .allocation import recycling, multioutput  # docs/allocation.md

        model = multioutput.split_multioutput(recycling.apply_end_of_life(model),
                                              (data.get("allocation") or {}).get("multioutput"))
    check_parameters(model)
    return validate_model(model)


def _default_methods(methods: Mapping[str, Method]) -> list[str]:
    """Without a 'methods' list: every loaded method, first one per category."""
    chosen: dict[str, str] = {}
    for method in methods.values():
        chosen.setdefault(method.category, method.id)
    return list(chosen.values())


def select_methods(model: Model, method_ids: list[str], where: str = "--method",
                   replace_same_category: bool = True) -> tuple[str, ...]:
    """Resolve method ids; with *replace_same_category* each replaces its category's method."""
    selected = list(model.selected_methods) if replace_same_category else []
    for method_id in method_ids:
        method = model.methods.get(method_id)
        if method is None:
            _find_method_file(model, method_id, where)
            known = ", ".join(sorted(model.methods)) or "none loaded"
            raise MethodError(f"{where}: unknown method {method_id!r} (known: {known})")
        selected = [m for m in selected if model.methods[m].category != method.category or not replace_same_category]
        if any(model.methods[m].category == method.category for m in selected):
            raise MethodError(f"{where}: two methods for category {method.category!r}: "
                              f"{[m for m in selected if model.methods[m].category == method.category][0]} and {method_id}")
        selected.append(method_id)
    return tuple(selected)


def _find_method_file(model: Model, method_id: str, where: str) -> None:
    """A helpful error when the method exists in the project's library but is not included."""
    for directory in Path(model.study.path.split(",")[0]).resolve().parents:
        candidate = directory / "inventories" / "methods" / f"{method_id}.toml"
        if candidate.exists():
            raise MethodError(f"{where}: method {method_id!r} is in {candidate} but the study does not "
                              "include it; add that file to the study's 'include'")


def _override(parameter: Parameter, value: Any, where: str) -> Parameter:
    """A new value for a defined parameter, in its unit unless another unit is given."""
    source = None
    uncertainty = parameter.uncertainty
    if isinstance(value, dict):
        _check_keys(value, _PARAMETER_KEYS, where)
        source = _string(value, "source", where)
        if "uncertainty" in value:
            uncertainty = value["uncertainty"]
        if "formula" in value:
            formula = parse_formula(value["formula"], f"{where}.formula")
            unit_text = value.get("unit", parameter.unit_text)
            return replace(parameter, value=None, formula=formula, unit=parse_unit(unit_text, f"{where}.unit"),
                           unit_text=unit_text, source=source or parameter.source, defined_in=where,
                           uncertainty=None)
        unit_text = value.get("unit")
        value = value.get("value")
        if unit_text is not None and not parameter.is_choice:
            # The study states the value (and its uncertainty) in its own unit: adopt that unit.
            unit = parse_unit(unit_text, f"{where}.unit")
            if unit.dimensionality != parameter.unit.dimensionality:
                raise UnitError(f"{where}.unit: {parameter.name!r} is in {format_unit(parameter.unit)} "
                                f"({parameter.defined_in}); {unit_text!r} has another dimension")
            parameter = replace(parameter, unit=unit, unit_text=unit_text)
    if parameter.is_choice:
        if value not in parameter.options:
            raise ParameterError(f"{where}: {value!r} is not an option of {parameter.name!r} "
                                 f"(options: {', '.join(parameter.options)})")
        return replace(parameter, value=value, source=source or parameter.source, defined_in=where,
                       uncertainty=_choice_uncertainty(uncertainty, parameter.options, where) if uncertainty else None)
    number = _quantity_in(value, parameter, where)
    if uncertainty is not None and uncertainty is not parameter.uncertainty:
        uncertainty = validate_uncertainty(uncertainty, number, parameter.unit_text, f"{where}.uncertainty")
    elif uncertainty is not None:
        uncertainty = _recentre(uncertainty, parameter, number, where)
    return replace(parameter, value=number, formula=None, source=source or parameter.source, defined_in=where,
                   uncertainty=uncertainty)


def _recentre(spec: Mapping[str, Any], parameter: Parameter, number: float, where: str) -> Mapping[str, Any] | None:
    """Keep a relative uncertainty (lognormal, normal sd) when a value is overridden; absolute
    ranges (min/max) no longer describe the new value, so they are dropped."""
    if "pedigree" in spec or spec.get("distribution") in ("lognormal", "fixed"):
        return spec
    return None


def _quantity_in(value: Any, parameter: Parameter, where: str) -> float:
    if isinstance(value, bool):
        raise ParameterError(f"{where}: expected a number for {parameter.name!r}, got {value!r}")
    if isinstance(value, (int, float)):
        return _number(value, where)
    if isinstance(value, str):
        text = value.strip()
        match = re.match(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$", text)
        if not match:
            raise ParameterError(f"{where}: cannot read {value!r} as a number with an optional unit")
        number = float(match.group(1))
        if not match.group(2):
            return number
        unit = parse_unit(match.group(2), where)
        if unit.dimensionality != parameter.unit.dimensionality:
            raise UnitError(f"{where}: {parameter.name!r} is in {format_unit(parameter.unit)}; "
                            f"{format_unit(unit)} has another dimension")
        return float(Quantity(number, unit).to(parameter.unit).magnitude)
    raise ParameterError(f"{where}: expected a number for {parameter.name!r}, got {value!r}")


def apply_overrides(model: Model, overrides: Mapping[str, Any], where: str = "override") -> Model:
    """A copy of *model* with parameter values replaced; unknown names are errors."""
    parameters = dict(model.parameters)
    for name, value in overrides.items():
        if name not in parameters:
            known = ", ".join(sorted(parameters)) or "none"
            raise ParameterError(f"{where} {name}: no such parameter (known: {known})")
        parameters[name] = _override(parameters[name], value, f"{where} {name}")
    new = replace(model, parameters=frozen(parameters))
    check_parameters(new)
    return new


# -- checks -------------------------------------------------------------------------------

def parameter_order(parameters: Mapping[str, Parameter]) -> list[str]:
    """Parameters in dependency order; a cycle or an unknown name is a :class:`ParameterError`."""
    graph = nx.DiGraph()
    graph.add_nodes_from(parameters)
    for parameter in parameters.values():
        if parameter.formula is None:
            continue
        for name in parameter.formula.names:
            if name not in parameters:
                raise ParameterError(f"{parameter.defined_in}.formula: unknown parameter {name!r} "
                                     f"in {parameter.formula.text!r}")
            graph.add_edge(name, parameter.name)
    try:
        return list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
        first = parameters[cycle[0][1]]
        raise ParameterError(f"{first.defined_in}: parameters depend on each other in a cycle: {path}") from None


def parameter_quantities(model: Model) -> tuple[dict[str, Any], dict[str, tuple[tuple[str, ...], str]]]:
    """Each parameter's value with units at its current value (formulas evaluated, units checked)."""
    quantities: dict[str, Any] = {}
    choices: dict[str, tuple[tuple[str, ...], str]] = {}
    for name in parameter_order(model.parameters):
        parameter = model.parameters[name]
        if parameter.is_choice:
            choices[name] = (parameter.options, parameter.value)
            continue
        if parameter.formula is None:
            quantities[name] = Quantity(parameter.value, parameter.unit)
            continue
        result = evaluate_units(parameter.formula, quantities, choices, f"{parameter.defined_in}.formula")
        if parameter.unit_text:
            if result.dimensionality != parameter.unit.dimensionality:
                raise UnitError(f"{parameter.defined_in}.formula: {parameter.formula.text!r} gives "
                                f"{format_unit(result.units)}, but the parameter is declared in "
                                f"{format_unit(parameter.unit)}")
            result = result.to(parameter.unit)
        quantities[name] = result
    return quantities, choices


def check_parameters(model: Model) -> None:
    parameter_quantities(model)


def validate_model(model: Model) -> Model:
    """Check references, units and the graph; returns the model with warnings attached."""
    from .compile import resolve_provider

    warnings: list[str] = []
    quantities, choices = parameter_quantities(model)
    for process in model.processes.values():
        _check_amount(process.production, model.products[process.reference_product].unit,
                      f"{process.defined_in}.amount", quantities, choices)
        for exchange in process.technosphere:
            provider = resolve_provider(model, exchange)
            unit = model.processes[provider].production.unit
            _check_amount(exchange.amount, unit, exchange.where, quantities, choices,
                          f"provider {provider!r} makes {exchange.target!r} in {format_unit(unit)}",
                          per=process.production)
        for exchange in process.biosphere:
            flow = model.flows.get(exchange.target)
            if flow is None:
                known = _close(exchange.target, model.flows)
                raise ModelError(f"{exchange.where}: unknown elementary flow {exchange.target!r}{known}")
            _check_amount(exchange.amount, flow.unit, exchange.where, quantities, choices,
                          f"flow {flow.id!r} is measured in {format_unit(flow.unit)}", per=process.production)
    for method_id in model.selected_methods:
        method = model.methods[method_id]
        for factor in method.factors:
            flow = model.flows.get(factor.flow)
            if flow is None:
                continue  # a method may characterize flows this model never uses
            expected = method.unit / flow.unit
            if factor.amount.unit.dimensionality != expected.dimensionality:
                raise UnitError(f"{factor.where}: factor unit {format_unit(factor.amount.unit)} should be "
                                f"{method.unit_text} per {flow.unit_text} ({format_unit(expected)})")
    for key, amount in model.demand.items():
        product = model.products.get(key) or model.products[model.processes[key].reference_product]
        _check_amount(amount, product.unit, f"{model.study.path}: demand.{key}", quantities, choices)
    if model.demand:
        from .model import technosphere_graph

        graph = technosphere_graph(model)
        reachable: set[str] = set()
        for key in model.demand:
            for provider in _demand_providers(model, key):
                reachable |= {provider} | nx.ancestors(graph, provider)
        # Library processes a study does not use are normal; the study's own are worth a word.
        own = [p.id for p in model.processes.values() if p.defined_in.startswith(display_path(Path(model.study.path)))]
        unreachable = sorted(set(own) - reachable)
        if unreachable:
            shown = ", ".join(unreachable[:10]) + (" ..." if len(unreachable) > 10 else "")
            warnings.append(f"{len(unreachable)} process(es) of the study not reachable from the demand: {shown}")
    return replace(model, warnings=tuple(warnings))


def _demand_providers(model: Model, key: str) -> list[str]:
    if key in model.products and model.providers(key):
        return list(model.providers(key))
    return [key]


def _check_amount(amount: Amount, target_unit, where: str, quantities: dict, choices: dict,
                  context: str = "", per: Amount | None = None) -> None:
    if amount.formula is not None:
        result = evaluate_units(amount.formula, quantities, choices, where)
        # A formula's own dimension must match the declared unit, unless it is a plain number:
        # then the declared unit applies ("0.2 * share" with unit = "kg").
        from .compile import is_intensity

        if result.dimensionality != amount.unit.dimensionality and not result.dimensionless \
                and not is_intensity(result.units, amount.unit, per):
            raise UnitError(f"{where}: formula {amount.formula.text!r} gives {format_unit(result.units)}, "
                            f"but the exchange is declared in {amount.unit_text or 'dimensionless'}")
    if amount.unit.dimensionality != target_unit.dimensionality:
        raise UnitError(f"{where}: unit {amount.unit_text or 'dimensionless'} ({format_unit(amount.unit)}) has "
                        f"another dimension than {format_unit(target_unit)}" + (f"; {context}" if context else ""))


def _close(name: str, known: Mapping[str, Any]) -> str:
    import difflib

    matches = difflib.get_close_matches(name, list(known), n=3)
    return f" (did you mean {', '.join(matches)}?)" if matches else ""
