"""Multi-output processes: partition by a property (mass, energy, FLOPs, GPU-hours, tokens,
economic value) or substitution (system expansion: each co-product credited as the avoided
output of a named provider). The model is rewritten into single-output processes, so the
engine solves it like any other.

Partition: a process making products p with amounts a_p and property values v_p (per unit of
product) gets allocation factors ``f_p = a_p v_p / sum_q a_q v_q``; the process keeps its
reference product with every exchange times ``f_ref``, and a new process ``<id>__<product>``
makes each co-product with every exchange times ``f_p``. The factors sum to one, so the
allocated processes together carry exactly the unallocated exchanges.

When ``allocation`` names a choice parameter (options: property names or "substitution"),
the factors are formulas over it: Monte Carlo and sensitivity analysis vary the rule.

:func:`lca.load.study.load_study` calls :func:`split_multioutput` for every model with
co-products. A process making 2 kg of ``a`` and 3 kg of ``b`` and emitting 10 kg CO2-eq,
split by mass (2/5 of the emission to ``a``):

>>> import tempfile
>>> from pathlib import Path
>>> from lca import calculate, load_study
>>> study = '''
... include = ["lca:flows/elementary.toml", "lca:methods/ipcc_ar6_gwp100.toml"]
... [study]
... name = "co-products"
... functional_unit = "1 kg of a"
... [demand]
... a = { amount = 1, unit = "kg" }
... [products.b]
... unit = "kg"
... [processes.p]
... reference_product = "a"
... amount = 2
... unit = "kg"
... allocation = "mass"
... coproducts = [{ product = "b", amount = 3, unit = "kg" }]
... properties = { mass = { a = 1, b = 1 } }
... biosphere = [{ flow = "ghg_precharacterized_air", amount = 10, unit = "kg CO2-eq" }]
... '''
>>> with tempfile.TemporaryDirectory() as folder:
...     path = Path(folder) / "study.toml"
...     _ = path.write_text(study)
...     model = load_study(path)
>>> sorted(model.processes)
['p', 'p__b']
>>> calculate(model).impacts["climate_change"].value
2.0
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import FileFormatError, ModelError
from ..formula import evaluate_units, parse_formula
from ..model.frozen import FrozenDict
from ..model.records import Amount, Exchange, Model, Parameter, Process, Product
from ..model.rules import is_intensity
from ..units import conversion_factor, format_unit, parse_unit
from .parameters import parameter_quantities
from .tables import read_unit

SUBSTITUTION = "substitution"
_COPRODUCT_KEYS = {"product", "amount", "unit", "substitutes", "name", "source", "comment"}


def split_multioutput(model: Model, default: Any = None) -> Model:
    """*model* with every process that has ``coproducts`` made single-output.

    Parameters
    ----------
    model : Model
        A loaded model.
    default : str, optional
        The study's ``allocation.multioutput``: a rule (a property name or ``"substitution"``)
        or a choice parameter, used by processes that declare no ``allocation`` of their own.

    Returns
    -------
    Model
        The model with each multi-output process partitioned (or credited) into one process per
        product (see the module's example).

    Raises
    ------
    FileFormatError, ModelError
        If co-products, properties or the rule are malformed or inconsistent.
    """
    processes = dict(model.processes)
    products = dict(model.products)
    parameters = dict(model.parameters)
    state = None
    for process in model.processes.values():
        if not process.extra.get("coproducts"):
            continue
        state = state or parameter_quantities(model)
        rule = process.extra.get("allocation", default)
        where = process.defined_in
        if rule is None:
            raise ModelError.at(where, "process has co-products; set 'allocation' (a property name, "
                             "\"substitution\" or a choice parameter) or the study's allocation.multioutput")
        options = _options(rule, model, f"{where}.allocation")
        coproducts = _coproducts(process, products, where)
        factors = _factors(process, coproducts, options, rule, where)
        scaled = _Scaler(process, parameters, state)
        processes[process.id] = replace(
            process, technosphere=scaled.exchanges("technosphere", factors[process.reference_product], 1.0)
            + _credits(coproducts, options, rule, model, where),
            biosphere=scaled.exchanges("biosphere", factors[process.reference_product], 1.0),
            extra=FrozenDict({k: v for k, v in process.extra.items() if k not in ("coproducts",)}))
        for product, (amount, _) in coproducts.items():
            new_id = f"{process.id}__{product}"
            if new_id in processes:
                raise ModelError.at(where, f"co-product process id {new_id!r} is already used")
            ratio = process.production.value / amount.value
            processes[new_id] = replace(
                process, id=new_id, name=f"{process.name} ({product}, allocated)", reference_product=product,
                production=amount, technosphere=scaled.exchanges("technosphere", factors[product], ratio),
                biosphere=scaled.exchanges("biosphere", factors[product], ratio),
                extra=FrozenDict({"allocated_from": process.id}))
    return replace(model, processes=FrozenDict(processes), products=FrozenDict(products),
                   parameters=FrozenDict(parameters))


def _options(rule: Any, model: Model, where: str) -> tuple[str, ...]:
    if not isinstance(rule, str):
        raise FileFormatError.at(where, "expected a property name, \"substitution\" or a choice parameter")
    parameter = model.parameters.get(rule)
    return parameter.options if parameter is not None and parameter.is_choice else (rule,)


def _coproducts(process: Process, products: dict, where: str) -> dict[str, tuple[Amount, str | None]]:
    rows = process.extra["coproducts"]
    if process.production.value is None:
        raise ModelError.at(f"{where}.amount", "a multi-output process needs a numeric production amount")
    if not isinstance(rows, list):
        raise FileFormatError.at(f"{where}.coproducts", "expected an array of tables")
    out: dict[str, tuple[Amount, str | None]] = {}
    for i, row in enumerate(rows):
        row_where = f"{where}.coproducts[{i}]"
        if not isinstance(row, dict) or set(row) - _COPRODUCT_KEYS or "product" not in row:
            raise FileFormatError.at(row_where, "expected {product = ..., amount = ..., unit = ..., "
                                  "substitutes = \"provider\"}}")
        product, unit_text, value = row["product"], row.get("unit", ""), row.get("amount")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise FileFormatError.at(f"{row_where}.amount", f"expected a positive number, got {value!r}")
        unit = read_unit(unit_text, f"{row_where}.unit")
        if product in products and products[product].unit.dimensionality != unit.dimensionality:
            raise ModelError.at(f"{row_where}.unit", f"product {product!r} is measured in {products[product].unit_text}")
        products.setdefault(product, Product(product, row.get("name", product), unit, unit_text, row_where))
        out[product] = (Amount(float(value), None, unit, unit_text, row.get("source")), row.get("substitutes"))
    return out


def _factors(process: Process, coproducts: dict, options: tuple[str, ...], rule: str, where: str) -> dict[str, str]:
    """Each product's allocation factor as formula text (a conditional over the rule parameter)."""
    amounts = {process.reference_product: process.production.value, **{p: a.value for p, (a, _) in coproducts.items()}}
    properties = process.extra.get("properties", {})
    per_option: dict[str, dict[str, str]] = {}
    for option in options:
        if option == SUBSTITUTION:
            per_option[option] = {p: "1" if p == process.reference_product else "0" for p in amounts}
            continue
        values = properties.get(option) if isinstance(properties, dict) else None
        if not isinstance(values, dict):
            raise FileFormatError.at(f"{where}.properties.{option}", f"give the {option!r} of each product per unit "
                                  f"({', '.join(amounts)})")
        missing = [p for p in amounts if p not in values]
        if missing:
            raise FileFormatError.at(f"{where}.properties.{option}", f"no value for {', '.join(missing)}")
        terms = {p: f"({amounts[p]!r} * ({_text(values[p], f'{where}.properties.{option}.{p}')}))" for p in amounts}
        total = " + ".join(terms.values())
        per_option[option] = {p: f"{terms[p]} / ({total})" for p in amounts}
    if len(options) == 1:
        return per_option[options[0]]
    out = {}
    for product in amounts:
        text = per_option[options[-1]][product]
        for option in reversed(options[:-1]):
            text = f"({per_option[option][product]}) if {rule} == {option!r} else ({text})"
        out[product] = f"({text})"
    return out


def _credits(coproducts: dict, options: tuple[str, ...], rule: str, model: Model, where: str) -> tuple[Exchange, ...]:
    """Avoided products: the substitute provider's output, negative, when substitution applies."""
    if SUBSTITUTION not in options:
        return ()
    credits = []
    for product, (amount, provider) in coproducts.items():
        if provider is None:
            raise FileFormatError.at(f"{where}.coproducts ({product})", "substitution needs 'substitutes' = "
                                  "the process whose output the co-product replaces")
        target = model.processes.get(provider)
        if target is None:
            raise ModelError.at(f"{where}.coproducts ({product})", f"substitutes {provider!r} is not a process")
        factor = conversion_factor(amount.unit, target.production.unit, f"{where}.coproducts ({product})")
        gate = "1" if len(options) == 1 else f"(1 if {rule} == {SUBSTITUTION!r} else 0)"
        formula = parse_formula(f"-{amount.value * factor!r} * {gate}", f"{where}.coproducts ({product})")
        credits.append(Exchange("technosphere", target.reference_product,
                                Amount(None, formula, target.production.unit, format_unit(target.production.unit),
                                       amount.source), f"{where}.coproducts ({product}) avoided", provider=provider))
    return tuple(credits)


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FileFormatError.at(where, f"expected a number or a formula, got {value!r}")
    return parse_formula(value, where).text if isinstance(value, str) else repr(float(value))


class _Scaler:
    """Exchanges times an allocation factor; uncertain amounts become parameters shared by the
    allocated copies, so one Monte Carlo draw moves every copy of the same exchange."""

    def __init__(self, process: Process, parameters: dict[str, Parameter], state: tuple):
        self.process, self.parameters = process, parameters
        self.quantities, self.choices = state

    def exchanges(self, kind: str, factor: str, ratio: float) -> tuple[Exchange, ...]:
        out = []
        for i, exchange in enumerate(getattr(self.process, kind)):
            amount = exchange.amount
            base = self._shared(kind, i, amount)
            # An intensity (amount per unit of product) is multiplied by the production of the
            # process that holds it: a co-product process makes another amount than the original.
            scale = f" * {ratio!r}" if ratio != 1.0 and self._intensity(amount, exchange.where) else ""
            formula = parse_formula(f"({base}) * ({factor}){scale}", exchange.where)
            out.append(replace(exchange, amount=Amount(None, formula, amount.unit, amount.unit_text, amount.source)))
        return tuple(out)

    def _intensity(self, amount: Amount, where: str) -> bool:
        if amount.formula is None:
            return False
        result = evaluate_units(amount.formula, self.quantities, self.choices, where)
        return is_intensity(result.units, amount.unit, self.process.production)

    def _shared(self, kind: str, i: int, amount: Amount) -> str:
        uncertain = amount.uncertainty is not None and amount.uncertainty.varies
        text = amount.formula.text if amount.formula is not None else repr(amount.value)
        if not uncertain:
            return text
        name = f"{self.process.id}__{kind}_{i}"
        if name not in self.parameters:
            where = f"{self.process.defined_in}.{kind}[{i}]"
            if amount.formula is None:
                self.parameters[name] = Parameter(name, amount.value, amount.unit, amount.unit_text, where,
                                                  source=amount.source, uncertainty=amount.uncertainty)
                return name
            unit = parse_unit("", where)
            self.parameters[name] = Parameter(name, 1.0, unit, "", where, source=amount.source,
                                              uncertainty=amount.uncertainty)
        return name if amount.formula is None else f"({text}) * {name}"
