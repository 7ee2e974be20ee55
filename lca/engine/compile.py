"""Compile a model into matrices: technosphere A, biosphere B, characterization C, demand f.

Units end here. Every entry becomes ``factor * formula(params) * multiplier`` on plain floats:
the factor converts the amount's unit to its row's reference unit, formulas are evaluated on
parameters in root (SI) units, and an uncertain number becomes an *implicit parameter* (named
after its place, e.g. ``~gpu_die.biosphere[2]``) so that Monte Carlo draws it once per
iteration like any other parameter.

>>> from lca import load_study
>>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
>>> compiled.technosphere.matrix(compiled.parameters.evaluate()).toarray()
array([[ 1.000000e+00,  0.000000e+00],
       [-1.289376e+06,  1.000000e+00]])
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Callable, Mapping

import numpy as np
import pint
import scipy.sparse as sp

from ..errors import AmbiguousProviderError, MissingProviderError, ModelError
from ..formula import Formula, evaluate_numeric, evaluate_units, may_be_nonzero
from ..load.parameters import parameter_order, parameter_quantities
from ..load.tables import collection_paused
from ..model.frozen import FrozenDict, ReadOnlyArrays
from ..model.records import Amount, Exchange, Model, Process
from ..model.rules import is_intensity, resolve_provider
from ..model.uncertainty import Uncertainty
from ..units import UnitMemo, conversion_factor, format_unit, root_factor, root_unit, ureg


@dataclass(frozen=True)
class ParameterTable:
    """A compiled model's parameters: defaults in root units, formulas in dependency order, choices.

    ``evaluate`` gives every parameter's root-unit value (floats, or arrays of samples) from the
    defaults with some free parameters replaced; ``uncertain`` lists the free parameters that
    have a distribution, including the implicit ones of uncertain exchanges and factors.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> table = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml")).parameters
    >>> sorted(table.uncertain)
    ['chip_power', 'duration', 'grid_intensity', 'pue']
    >>> table.evaluate()["duration"]     # 14.8 days in seconds
    1278720.0
    """

    order: tuple[str, ...]
    defaults: Mapping[str, float]  # root units; choice -> option index
    formulas: Mapping[str, Formula]
    choices: Mapping[str, tuple[str, ...]]
    units: Mapping[str, pint.Unit]  # declared (display) units
    root_factors: Mapping[str, float]  # declared unit -> root unit
    uncertainty: Mapping[str, Uncertainty | None]
    sources: Mapping[str, str | None]
    implicit: frozenset[str]  # parameters made from uncertain exchanges and factors
    labels: Mapping[str, str]  # where each parameter was defined

    @cached_property
    def free(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if n not in self.formulas)

    @cached_property
    def uncertain(self) -> tuple[str, ...]:
        """Free parameters that have a distribution (what Monte Carlo varies)."""
        return tuple(n for n in self.free if self.uncertainty.get(n) is not None and self.uncertainty[n].varies)

    def evaluate(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """All parameters in root units, from free values (defaults where not given).

        Values may be floats or arrays of samples (all of one length); formulas are evaluated
        on them vectorized.
        """
        values = dict(values or {})
        unknown = set(values) - set(self.order)
        if unknown:
            raise ModelError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        out: dict[str, Any] = {}
        for name in self.order:
            formula = self.formulas.get(name)
            if formula is None:
                out[name] = values.get(name, self.defaults[name])
            else:
                out[name] = evaluate_numeric(formula, out, self.choices, self.labels[name])
        return out

    def display_value(self, name: str, value: Any) -> Any:
        """A root-unit value back in the parameter's declared unit (choices as option names)."""
        if name in self.choices:
            return self.choices[name][int(value)]
        return value / self.root_factors[name]


@dataclass(frozen=True)
class MatrixEntries(ReadOnlyArrays):
    """The entries of one sparse matrix: positions, constant factors, and the formulas and
    multipliers that make some of them depend on parameters.

    ``values(params)`` gives the entry values (one per entry, or (entries, samples) when params
    hold arrays); ``matrix(params)`` the scipy sparse matrix at one parameter point. ``rows``, ``cols`` and ``constant``
    are read-only arrays.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> compiled.biosphere.shape, compiled.biosphere.nnz
    ((1, 2), 1)
    """

    _read_only = ("rows", "cols", "constant")

    shape: tuple[int, int]
    rows: np.ndarray
    cols: np.ndarray
    constant: np.ndarray
    formulas: tuple[tuple[int, Formula, str], ...] = ()
    multipliers: tuple[tuple[int, str], ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)
    labels: tuple[str, ...] = ()  # where each entry comes from (file: item), for reports
    amounts: tuple[Amount, ...] = ()  # the amount behind each entry: its source and uncertainty

    @property
    def nnz(self) -> int:
        return len(self.rows)

    @property
    def is_static(self) -> bool:
        return not self.formulas and not self.multipliers

    def values(self, params: Mapping[str, Any]) -> np.ndarray:
        """Entry values: shape (nnz,) for scalar parameters, (nnz, n) for arrays of n samples."""
        size = _sample_size(params)
        if size is None:
            values = self.constant.copy()
        else:
            values = np.repeat(self.constant[:, None], size, axis=1)
        for index, formula, where in self.formulas:
            values[index] = values[index] * evaluate_numeric(formula, params, self.choices, where)
        if size is None and self._unique_multipliers is not None:
            # one product per entry, as the loop below does it, for all entries at once
            names = self._multiplier_names
            values[self._unique_multipliers] *= np.fromiter(map(params.__getitem__, names), dtype=float,
                                                            count=len(names))
            return values
        for index, name in self.multipliers:
            values[index] = values[index] * params[name]
        return values

    @cached_property
    def _unique_multipliers(self) -> np.ndarray | None:
        """The entries that have a multiplier, when no entry has two (else None: the loop)."""
        if not self.multipliers:
            return None
        entries = np.fromiter((index for index, _ in self.multipliers), dtype=np.int64, count=len(self.multipliers))
        return entries if len(np.unique(entries)) == len(entries) else None

    @cached_property
    def _multiplier_names(self) -> tuple[str, ...]:
        """The parameter of each multiplier, for one C-level lookup of them all per call."""
        return tuple(name for _, name in self.multipliers)

    def matrix(self, params: Mapping[str, Any]) -> sp.csc_matrix:
        return sp.csc_matrix((self.values(params), (self.rows, self.cols)), shape=self.shape)


def _sample_size(params: Mapping[str, Any]) -> int | None:
    if set(map(type, params.values())) <= {float}:  # all plain numbers: no np.ndim per parameter
        return None
    for value in params.values():
        if np.ndim(value) == 1:
            return len(value)
    return None


@dataclass(frozen=True)
class CompiledModel:
    """A model as matrices (immutable); row and column labels say what each index is.

    Attributes
    ----------
    model : Model
        The model it was compiled from.
    processes, stages : tuple of str
        The columns of A and B (rows of A: their reference products) and each one's stage.
    flows : tuple of str
        The rows of B, columns of C.
    categories, methods, category_units : tuple of str
        The rows of C: impact categories, their methods and reference units.
    flow_units, product_units : tuple of str
        The reference unit of each elementary flow and each process's product.
    parameters : ParameterTable
        Root-unit parameter values, formulas and distributions.
    technosphere, biosphere, characterization, demand : MatrixEntries
        A, B, C and f, evaluated at any parameter values.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> compiled.processes, compiled.categories, compiled.category_units
    (('training_run', 'datacenter_electricity'), ('climate_change',), ('kg CO2-eq',))
    >>> compiled.demand_vector(compiled.parameters.evaluate())
    array([1., 0.])
    """

    model: Model
    processes: tuple[str, ...]  # columns of A and B; rows of A (their reference products)
    stages: tuple[str, ...]  # lifecycle stage of each process
    flows: tuple[str, ...]  # rows of B, columns of C
    categories: tuple[str, ...]  # rows of C
    methods: tuple[str, ...]  # the method of each category
    category_units: tuple[str, ...]
    flow_units: tuple[str, ...]
    product_units: tuple[str, ...]  # reference unit of each process's product
    parameters: ParameterTable
    technosphere: MatrixEntries
    biosphere: MatrixEntries
    characterization: MatrixEntries
    demand: MatrixEntries  # shape (n_processes, 1)

    def demand_vector(self, params: Mapping[str, Any]) -> np.ndarray:
        values = self.demand.values(params)
        if values.ndim == 1:
            return np.bincount(self.demand.rows, weights=values, minlength=len(self.processes)).astype(float)
        out = np.zeros((len(self.processes), values.shape[1]))
        np.add.at(out, self.demand.rows, values)
        return out


def compile_model(model: Model) -> CompiledModel:
    """Build the matrices of a model; units are checked and converted here, once.

    Parameters
    ----------
    model : Model
        A loaded model.

    Returns
    -------
    CompiledModel
        The technosphere, biosphere, characterization and demand as parameterized sparse
        entries, in root units.

    Raises
    ------
    UnitError
        If an amount cannot be converted to its provider's reference unit (naming the process
        and the exchange).
    MissingProviderError, AmbiguousProviderError
        If an input has no provider or several.

    Examples
    --------
    >>> from lca import load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> len(compiled.processes), len(compiled.flows), compiled.methods
    (2, 1, ('ipcc_ar6_gwp100',))
    """
    return compile_at_defaults(model)[0]


def compile_at_defaults(model: Model) -> tuple[CompiledModel, dict[str, Any]]:
    """:func:`compile_model` of *model*, and its parameters at their defaults (``parameters.evaluate()``),
    which the compile's check of the entries computed: a run at the defaults need not evaluate
    them again (one value per uncertain exchange of a big database).

    >>> from lca import load_study
    >>> compiled, params = compile_at_defaults(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> params == compiled.parameters.evaluate()
    True
    """
    with collection_paused():  # hundreds of thousands of entries, little garbage: see collection_paused
        return _compile(model)


def _compile(model: Model) -> tuple[CompiledModel, dict[str, Any]]:
    quantities, choice_state = parameter_quantities(model)
    order = parameter_order(model.parameters)
    defaults: dict[str, float] = {}
    formulas: dict[str, Formula] = {}
    units: dict[str, pint.Unit] = {}
    factors: dict[str, float] = {}
    uncertainty: dict[str, Any] = {}
    sources: dict[str, str | None] = {}
    labels: dict[str, str] = {}
    choices = {name: options for name, (options, _current) in choice_state.items()}
    for name in order:
        parameter = model.parameters[name]
        labels[name] = parameter.defined_in
        sources[name] = parameter.source
        uncertainty[name] = parameter.uncertainty
        if parameter.is_choice:
            defaults[name] = float(parameter.options.index(parameter.value))
            units[name] = ureg.dimensionless
            factors[name] = 1.0
        elif parameter.formula is not None:
            formulas[name] = parameter.formula
            units[name] = quantities[name].units
            factors[name] = root_factor(units[name])
        else:
            units[name] = parameter.unit
            factors[name] = root_factor(parameter.unit)
            defaults[name] = parameter.value * factors[name]
    builder = _EntryBuilder(quantities, choice_state, defaults, units, factors, uncertainty, sources, labels)

    processes = tuple(model.processes)
    index = {pid: i for i, pid in enumerate(processes)}
    flows = tuple(sorted({e.target for p in model.processes.values() for e in p.biosphere}))
    flow_index = {fid: i for i, fid in enumerate(flows)}
    for process in model.processes.values():
        if process.extra.get("coproducts"):
            raise ModelError.at(process.defined_in, "process has co-products; declare an allocation "
                             "(see docs/allocation.md) or model them by substitution")

    production_units = {pid: process.production.unit for pid, process in model.processes.items()}
    flow_units = {fid: flow.unit for fid, flow in model.flows.items()}

    def provider_of(exchange):  # the row and unit of an input: its provider's
        provider = resolve_provider(model, exchange)
        return index[provider], production_units[provider]

    def flow_of(exchange):
        return flow_index[exchange.target], flow_units[exchange.target]

    tech = builder.matrix((len(processes), len(processes)))
    bio = builder.matrix((len(flows), len(processes)))
    for process in model.processes.values():
        column = index[process.id]
        unit = process.production.unit
        tech.add(column, column, process.production, unit, f"{process.defined_in}.amount",
                 f"~{process.id}.amount")
        tech.add_exchanges(process, column, "technosphere", provider_of, sign=-1.0)
        bio.add_exchanges(process, column, "biosphere", flow_of)

    categories, method_ids, category_units = [], [], []
    for method_id in model.selected_methods:
        method = model.methods[method_id]
        categories.append(method.category)
        method_ids.append(method_id)
        category_units.append(format_unit(method.unit))
    char = builder.matrix((len(categories), len(flows)))
    for row, method_id in enumerate(method_ids):
        method = model.methods[method_id]
        for factor in method.factors:
            if factor.flow in flow_index:
                target = method.unit / model.flows[factor.flow].unit
                char.add(row, flow_index[factor.flow], factor.amount, target, factor.where,
                         f"~{method_id}.{factor.flow}")

    demand = builder.matrix((len(processes), 1))
    for key, amount in model.demand.items():
        provider = key if key in model.processes and key not in model.products else None
        if provider is None:
            providers = model.providers(key)
            if len(providers) != 1:
                where = f"{model.study.path}: demand.{key}"
                raise AmbiguousProviderError.at(where, f"{len(providers)} processes make {key!r} "
                                                f"({', '.join(providers)}); name the process instead") \
                    if providers else MissingProviderError.at(where, f"no process makes {key!r}")
            provider = providers[0]
        demand.add(index[provider], 0, amount, model.processes[provider].production.unit,
                   f"{model.study.path}: demand.{key}", f"~demand.{key}")

    table = ParameterTable(
        order=tuple(order) + tuple(builder.implicit_order), defaults=FrozenDict(defaults),
        formulas=FrozenDict(formulas), choices=FrozenDict(choices), units=FrozenDict(units),
        root_factors=FrozenDict(factors), uncertainty=FrozenDict(uncertainty), sources=FrozenDict(sources),
        implicit=frozenset(builder.implicit_order), labels=FrozenDict(labels),
    )
    compiled = CompiledModel(
        model=model, processes=processes, stages=tuple(model.processes[p].stage for p in processes),
        flows=flows, categories=tuple(categories), methods=tuple(method_ids),
        category_units=tuple(category_units), flow_units=tuple(format_unit(model.flows[f].unit) for f in flows),
        product_units=tuple(format_unit(model.processes[p].production.unit) for p in processes),
        parameters=table, technosphere=tech.build(choices), biosphere=bio.build(choices),
        characterization=char.build(choices), demand=demand.build(choices),
    )
    params = table.evaluate()
    check_entries(compiled, params)
    return compiled, params


def check_entries(compiled: CompiledModel, params: Mapping[str, Any] | None = None, first_sample: int = 0,
                  sampled: bool = False) -> None:
    """Every matrix entry finite, and every process making more of its product than it uses.

    A non-finite entry is a :class:`ModelError` naming the exchange and the parameters its
    formula reads; a process whose own use of its reference product exceeds its production
    (a negative diagonal) would flip the sign of every impact it carries, so it is an error too,
    naming the parameters its production reads. *params* may hold arrays of Monte Carlo
    samples; *first_sample* numbers them in messages. With *sampled* (a Monte Carlo draw) a
    net production of zero is an error too: the draw's system is singular.
    """
    params = compiled.parameters.evaluate() if params is None else params
    tech = compiled.technosphere
    for entries in (compiled.biosphere, compiled.characterization, compiled.demand, tech):
        values = entries.values(params)  # the technosphere's last: its values serve below
        bad = ~np.isfinite(values)
        if bad.any():
            entry, *sample = np.argwhere(bad)[0]
            raise ModelError(_nonfinite_message(compiled.parameters, entries, int(entry), params, values,
                                                int(sample[0]) if sample else None, first_sample))
    diagonal = tech.rows == tech.cols
    net = np.zeros((len(compiled.processes),) + values.shape[1:])
    np.add.at(net, tech.rows[diagonal], values[diagonal])
    negative = net <= 0 if sampled else net < 0
    if negative.any():
        column, *sample = np.argwhere(negative)[0]
        index = int(sample[0]) if sample else None
        process = compiled.model.processes[compiled.processes[column]]
        at = "" if index is None else f" in Monte Carlo sample {first_sample + index}"
        entries = np.flatnonzero(diagonal & (tech.rows == column))
        reads = _reads(compiled.parameters, tech, set(entries.tolist()), params, index)
        amount = float(net[(column, *sample)])
        problem = ("the process uses all of its own product that it makes, so the system is singular" if amount == 0
                   else "the process uses more of its own product than it makes, which would flip the sign of "
                        "its impacts")
        raise ModelError(f"{process.defined_in}: net production of {process.reference_product!r} is "
                         f"{amount:g} {compiled.product_units[column]}{at}{reads}: {problem}")


def _nonfinite_message(table: ParameterTable, entries: MatrixEntries, entry: int, params: Mapping[str, Any],
                       values: np.ndarray, sample: int | None, first_sample: int) -> str:
    label = entries.labels[entry] if entries.labels else f"entry {entry}"
    value = values[entry] if sample is None else values[entry, sample]
    at = "" if sample is None else f" in Monte Carlo sample {first_sample + sample}"
    return f"{label}: amount is {float(value)}{at}, not a finite number{_reads(table, entries, {entry}, params, sample)}"


def _reads(table: ParameterTable, entries: MatrixEntries, chosen: set[int], params: Mapping[str, Any],
           sample: int | None) -> str:
    """`` (it reads x = 2 kg, ...)``: the parameters the *chosen* entries read, at *sample*."""
    names = sorted({name for index, formula, _ in entries.formulas if index in chosen for name in formula.names}
                   | {name for index, name in entries.multipliers if index in chosen})

    def shown(name: str) -> str:  # in the parameter's declared unit, as the user wrote it
        number = np.asarray(params[name], dtype=float)
        value = table.display_value(name, float(number if number.ndim == 0 else number[sample or 0]))
        if name in table.choices:
            return f"{name} = {value}"
        unit = format_unit(table.units[name])
        return f"{name} = {value:g}" + ("" if unit == "dimensionless" else f" {unit}")

    return f" (it reads {', '.join(shown(n) for n in names)})" if names else ""


class _EntryBuilder:
    """Turns amounts into matrix entries, creating implicit parameters for uncertain numbers."""

    def __init__(self, quantities, choice_state, defaults, units, factors, uncertainty, sources, labels):
        self.quantities, self.choice_state = quantities, choice_state
        self.defaults, self.units, self.factors = defaults, units, factors
        self.uncertainty, self.sources, self.labels = uncertainty, sources, labels
        self.implicit_order: list[str] = []
        self.units_memo = UnitMemo()  # a few units over all entries: their factors once

    def matrix(self, shape: tuple[int, int]) -> "_Entries":
        return _Entries(self, shape)

    def implicit(self, name: str, value: float, unit: pint.Unit, spec, source, where) -> str:
        if name in self.defaults:
            raise ModelError.at(where, f"implicit parameter {name!r} defined twice")
        factor = self.units_memo.root_factor(unit)
        self.implicit_order.append(name)
        self.units[name] = unit
        self.factors[name] = factor
        self.defaults[name] = value * factor
        self.uncertainty[name] = spec
        self.sources[name] = source
        self.labels[name] = where
        return name


class _Entries:
    def __init__(self, builder: _EntryBuilder, shape: tuple[int, int]):
        self.builder, self.shape = builder, shape
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.constant: list[float] = []
        self.formulas: list[tuple[int, Formula, str]] = []
        self.multipliers: list[tuple[int, str]] = []
        self.labels: list[str] = []
        self.amounts: list[Amount] = []

    def add(self, row: int, col: int, amount: Amount, target_unit: pint.Unit, where: str,
            implicit_name: str, sign: float = 1.0, per: Amount | None = None) -> None:
        """Add one entry; *per* is the process's production, for formulas that give an
        intensity (amount per unit of reference product, e.g. kg CO2-eq/kWh)."""
        entry = len(self.rows)
        self.rows.append(row)
        self.cols.append(col)
        self.labels.append(where)
        self.amounts.append(amount)
        uncertain = amount.uncertainty is not None and amount.uncertainty.varies
        if amount.formula is None:
            # the amount's unit to the target, and (for an uncertain amount, whose parameter
            # holds it in root units) root -> target
            factor, from_root = self.builder.units_memo.conversion(amount.unit, target_unit, where)
            if uncertain:
                name = self.builder.implicit(implicit_name, amount.value, amount.unit, amount.uncertainty,
                                             amount.source, where)
                self.constant.append(sign * from_root)
                self.multipliers.append((entry, name))
            else:
                self.constant.append(sign * amount.value * factor)
            return
        result = evaluate_units(amount.formula, self.builder.quantities, self.builder.choice_state, where)
        if result.dimensionless and not amount.unit.dimensionless:
            factor = conversion_factor(amount.unit, target_unit, where)  # a plain number in the declared unit
        elif per is not None and is_intensity(result.units, amount.unit, per):
            factor = conversion_factor(root_unit(result.units), target_unit / per.unit, where) * per.value
        else:
            factor = conversion_factor(root_unit(result.units), target_unit, where)
        self.constant.append(sign * factor)
        self.formulas.append((entry, amount.formula, where))
        if uncertain:
            name = self.builder.implicit(implicit_name, 1.0, ureg.dimensionless, amount.uncertainty,
                                         amount.source, where)
            self.multipliers.append((entry, name))

    def add_exchanges(self, process: Process, column: int, kind: str,
                      target: Callable[[Exchange], tuple[int, pint.Unit]], sign: float = 1.0) -> None:
        """:meth:`add` of each exchange of *kind* of *process*; *target* gives an exchange's row
        and the unit of that row.

        The entry of an uncertain number (every exchange of an imported database) is made here
        in line, as :meth:`add` makes it: a big database has hundreds of thousands of them, and
        the calls per entry were a third of the compile. Anything else goes through :meth:`add`.
        """
        per, builder = process.production, self.builder
        memo = builder.units_memo
        for i, exchange in enumerate(getattr(process, kind)):
            row, target_unit = target(exchange)
            amount, where = exchange.amount, exchange.where
            uncertainty = amount.uncertainty
            if amount.formula is not None or uncertainty is None or not uncertainty.varies:
                self.add(row, column, amount, target_unit, where, f"~{process.id}.{kind}[{i}]", sign, per)
                continue
            from_root = memo.conversion(amount.unit, target_unit, where)[1]
            name = builder.implicit(f"~{process.id}.{kind}[{i}]", amount.value, amount.unit, uncertainty,
                                    amount.source, where)
            self.multipliers.append((len(self.rows), name))
            self.rows.append(row)
            self.cols.append(column)
            self.labels.append(where)
            self.amounts.append(amount)
            self.constant.append(sign * from_root)

    def build(self, choices) -> MatrixEntries:
        return MatrixEntries(
            shape=self.shape, rows=np.asarray(self.rows, dtype=np.int64), cols=np.asarray(self.cols, dtype=np.int64),
            constant=np.asarray(self.constant, dtype=float), formulas=tuple(self.formulas),
            multipliers=tuple(self.multipliers), choices=FrozenDict(choices), labels=tuple(self.labels),
            amounts=tuple(self.amounts),
        )


def _varying(table: ParameterTable, sampled) -> set[str]:
    """The sampled parameters and every formula parameter that reads one of them."""
    varying = set(sampled)
    for name in table.order:
        formula = table.formulas.get(name)
        if formula is not None and formula.names & varying:
            varying.add(name)
    return varying


@dataclass(frozen=True)
class LiveStructure:
    """Which entries can be non-zero when the varying parameters take any values (see :func:`live_structure`).

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> live_structure(compiled, set()).reached.tolist()
    [True, True]
    """

    reached: np.ndarray  # processes the demand can reach (bool per process)
    technosphere: np.ndarray  # live entries (bool per entry)
    biosphere: np.ndarray
    characterization: np.ndarray


def live_structure(compiled: CompiledModel, varying: set[str]) -> LiveStructure:
    """Reachability from the demand over inputs that may be non-zero.

    An input that is zero whatever the varying parameters do (a grid selector
    ``1 if grid_region == "tw" else 0`` with a fixed region) does not connect its provider, so
    a study that includes a library of 100 grids reaches the one it uses.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    varying : set of str
        The parameters that may change (the sampled ones and the formulas that read them).

    Returns
    -------
    LiveStructure
        The processes reached, and the live entries of A, B and C.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> structure = live_structure(compiled, {"pue"})
    >>> structure.reached.tolist(), structure.technosphere.tolist()
    ([True, True], [True, True, True])
    """
    table = compiled.parameters
    params = table.evaluate()

    def live(entries: MatrixEntries) -> np.ndarray:
        keep = entries.values(params) != 0
        for index, formula, _where in entries.formulas:
            if not keep[index] and formula.names & varying:
                keep[index] = may_be_nonzero(formula, params, varying, table.choices)
        for index, name in entries.multipliers:
            keep[index] |= name in varying
        return keep

    tech, bio, char = compiled.technosphere, compiled.biosphere, compiled.characterization
    tech_live = live(tech)
    graph = sp.csr_matrix((np.ones(int(tech_live.sum())), (tech.cols[tech_live], tech.rows[tech_live])),
                          shape=tech.shape)
    reached = np.zeros(tech.shape[0], dtype=bool)
    reached[compiled.demand.rows] = True
    frontier = reached.copy()
    while frontier.any():  # breadth-first, consumer -> provider
        upstream = graph[frontier].sum(axis=0).A1 > 0
        frontier = upstream & ~reached
        reached |= upstream
    bio_live = live(bio) & reached[bio.cols]
    emitted = np.zeros(len(compiled.flows), dtype=bool)
    emitted[bio.rows[bio_live]] = True
    return LiveStructure(reached, tech_live & reached[tech.cols], bio_live, live(char) & emitted[char.cols])


def influential_parameters(compiled: CompiledModel) -> frozenset[str]:
    """Parameters that can change a result.

    Those read by a live entry (see :func:`live_structure`), directly or through formula
    parameters. Monte Carlo samples only these; skipping the others changes no number, since
    each parameter has its own random stream.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.

    Returns
    -------
    frozenset of str
        The influential parameters.

    Examples
    --------
    >>> from lca import compile_model, load_study
    >>> sorted(influential_parameters(compile_model(load_study("lca:scenarios/patterson2021_gpt3.toml"))))
    ['chip_power', 'duration', 'grid_intensity', 'n_chips', 'pue']
    """
    table = compiled.parameters
    live = live_structure(compiled, _varying(table, table.uncertain))
    used: set[str] = set()
    for entries, keep in ((compiled.technosphere, live.technosphere), (compiled.biosphere, live.biosphere),
                          (compiled.characterization, live.characterization),
                          (compiled.demand, np.ones(compiled.demand.nnz, dtype=bool))):
        for index, formula, _where in entries.formulas:
            if keep[index]:
                used.update(formula.names)
        for index, name in entries.multipliers:
            if keep[index]:
                used.add(name)
    for name in reversed(table.order):  # a used formula parameter reads its own parameters
        if name in used and name in table.formulas:
            used.update(table.formulas[name].names)
    return frozenset(used)


def specialize(compiled: CompiledModel, sampled: tuple[str, ...] | frozenset[str]) -> CompiledModel:
    """The same model reduced for sampling *sampled*.

    Entries that are zero whatever *sampled* do are dropped (a process the demand cannot reach
    keeps only its production), and formulas that do not read them are evaluated once here
    instead of once per Monte Carlo chunk. Scores at any values of *sampled* are those of
    *compiled* (to rounding); the supply of the dropped processes is zero.

    Parameters
    ----------
    compiled : CompiledModel
        A compiled model.
    sampled : tuple or frozenset of str
        The parameters that will vary.

    Returns
    -------
    CompiledModel
        The reduced model, with the same labels.

    Examples
    --------
    The flagship study includes grids of 63 regions and uses one; sampled in its PUE only, the
    entries no sample can make non-zero are dropped:

    >>> from lca import calculate, compile_model, load_study
    >>> compiled = compile_model(load_study("lca:scenarios/llm_training_lifecycle.toml"))
    >>> reduced = specialize(compiled, ("pue",))
    >>> reduced.technosphere.nnz, compiled.technosphere.nnz
    (441, 962)
    >>> abs(calculate(reduced).impacts["climate_change"].value / calculate(compiled).impacts["climate_change"].value - 1) < 1e-12
    True
    """
    table = compiled.parameters
    varying = _varying(table, sampled)
    live = live_structure(compiled, varying)
    params = table.evaluate()
    defaults = dict(table.defaults)
    formulas = {}
    for name in table.order:
        if name in table.formulas:
            if name in varying:
                formulas[name] = table.formulas[name]
            else:
                defaults[name] = float(params[name])  # now a fixed number, like a free parameter
    tech = compiled.technosphere
    diagonal = tech.rows == tech.cols  # kept even when unreached: the matrix stays regular

    def fold(entries: MatrixEntries, keep: np.ndarray) -> MatrixEntries:
        constant = entries.constant.copy()
        for index, formula, where in entries.formulas:
            if not formula.names & varying:
                constant[index] *= evaluate_numeric(formula, params, entries.choices, where)
        for index, name in entries.multipliers:
            if name not in varying:
                constant[index] *= params[name]
        new_index = np.cumsum(keep) - 1
        return replace(
            entries, rows=entries.rows[keep], cols=entries.cols[keep], constant=constant[keep],
            formulas=tuple((int(new_index[i]), f, w) for i, f, w in entries.formulas if keep[i] and f.names & varying),
            multipliers=tuple((int(new_index[i]), n) for i, n in entries.multipliers if keep[i] and n in varying),
            labels=tuple(label for label, k in zip(entries.labels, keep) if k) if entries.labels else (),
            amounts=tuple(amount for amount, k in zip(entries.amounts, keep) if k) if entries.amounts else (),
        )

    return replace(
        compiled, parameters=replace(table, defaults=FrozenDict(defaults), formulas=FrozenDict(formulas)),
        technosphere=fold(tech, live.technosphere | diagonal), biosphere=fold(compiled.biosphere, live.biosphere),
        characterization=fold(compiled.characterization, live.characterization),
        demand=fold(compiled.demand, np.ones(compiled.demand.nnz, dtype=bool)),
    )
