"""Results as pandas data frames, for notebooks and scripts (``pip install "lca[frames]"``).

The result classes live in lower layers than this one, which may not import pandas or this
module, so the frames are made by functions rather than methods: ``lca.to_frame(result)``
(not ``result.to_frame()``) dispatches on the result's type. Frames are tidy (one number
per row, named columns) except those of samples (Monte Carlo, comparisons), which have one
row per sample and one column per category. Every frame says its units in ``frame.attrs["units"]``: each column or
category its reference unit; long frames also carry a ``unit`` column.

>>> import lca
>>> frame = lca.to_frame(lca.calculate(lca.load_study("lca:scenarios/patterson2021_gpt3.toml")))
>>> frame.columns.tolist(), frame.attrs["units"]
(['category', 'stage', 'value', 'unit'], {'climate_change': 'kg CO2-eq'})
>>> print(round(frame["value"].sum(), 1))
553142.3
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .allocation.study import StudyAllocation
from .engine.calculate import LCAResult
from .errors import LCAError
from .uncertainty.compare import Comparison
from .uncertainty.montecarlo import MonteCarloResult
from .uncertainty.sensitivity import SensitivityResult
from .uncertainty.statistics import PERCENTILES, summarize

if TYPE_CHECKING:  # pandas is an optional dependency
    import pandas as pd

EXTRA = 'pip install "lca[frames]"'
CONTRIBUTIONS = ("stage", "process", "flow", "total")
SENSITIVITY_COLUMNS = {
    "oat": ("low", "high", "swing", "baseline", "low_value", "high_value"),
    "spearman": ("rho", "note"),
    "sobol": ("first_order", "total"),
}


def _pandas():
    # imported when a frame is asked for, so that lca without pandas loses only this module's use
    try:
        import pandas
    except ImportError:
        raise LCAError(f"data frames need pandas: {EXTRA}") from None
    return pandas


def to_frame(result: Any, **options: Any) -> pd.DataFrame:
    """A result as a pandas DataFrame, with its units in ``frame.attrs["units"]``.

    Parameters
    ----------
    result : LCAResult, MonteCarloResult, Comparison, SensitivityResult or StudyAllocation
        The result.
    **options
        Passed on to the frame of that type: :func:`lca_frame` (``by``), :func:`samples_frame`
        (``stages``), :func:`allocation_frame` (``sample``).

    Returns
    -------
    pandas.DataFrame
        The frame.

    Raises
    ------
    LCAError
        If pandas is not installed (``pip install "lca[frames]"``) or *result* is of no type
        that has a frame.

    Examples
    --------
    >>> import lca
    >>> result = lca.calculate(lca.load_study("lca:scenarios/patterson2021_gpt3.toml"))
    >>> to_frame(result, by="process")
      category                 process          value       unit
    0  climate_change  datacenter_electricity  553142.304  kg CO2-eq
    >>> to_frame(result.impacts)
    Traceback (most recent call last):
    lca.errors.LCAError: no data frame for a FrozenDict: to_frame takes an LCAResult, MonteCarloResult, Comparison, SensitivityResult or StudyAllocation
    """
    for kind, make in _FRAMES:
        if isinstance(result, kind):
            return make(result, **options)
    names = ", ".join(kind.__name__ for kind, _ in _FRAMES[:-1]) + f" or {_FRAMES[-1][0].__name__}"
    raise LCAError(f"no data frame for a {type(result).__name__}: to_frame takes an {names}")


def _finish(frame: pd.DataFrame, units: dict[str, str], **attrs: Any) -> pd.DataFrame:
    frame.attrs["units"] = dict(units)
    frame.attrs.update(attrs)
    return frame


def lca_frame(result: LCAResult, by: str = "stage") -> pd.DataFrame:
    """A deterministic result's scores, split by lifecycle stage, process or elementary flow.

    Parameters
    ----------
    result : LCAResult
        The result of :func:`lca.calculate`.
    by : {"stage", "process", "flow", "total"}, optional
        The contributions: one row per category and stage (the default), process or flow, in
        the order of the result; ``"total"`` gives one row per category with its method.

    Returns
    -------
    pandas.DataFrame
        Columns ``category``, the *by* column (not for ``"total"``: ``method`` instead),
        ``value``, ``unit``; within each category the values sum to its score.
        ``attrs["units"]``: category -> unit; ``attrs["study"]``, ``attrs["functional_unit"]``.

    Raises
    ------
    LCAError
        If *by* is none of the above, or pandas is missing.

    Examples
    --------
    >>> import lca
    >>> result = lca.calculate(lca.load_study("lca:scenarios/llm_training_lifecycle.toml"))
    >>> frame = lca_frame(result)
    >>> print(frame[frame.category == "climate_change"].round(1).to_string(index=False))
          category         stage    value      unit
    climate_change    extraction   4310.1 kg CO2-eq
    climate_change manufacturing  14781.9 kg CO2-eq
    climate_change     transport   6025.6 kg CO2-eq
    climate_change           use 494352.8 kg CO2-eq
    climate_change   end_of_life    480.2 kg CO2-eq
    >>> totals = lca_frame(result, by="process").groupby("category", sort=False)["value"].sum()
    >>> bool(np.allclose(totals, [c.value for c in result.impacts.values()], rtol=1e-12))
    True
    """
    pd = _pandas()
    if by not in CONTRIBUTIONS:
        raise LCAError(f"by={by!r}: a result splits by {', '.join(CONTRIBUTIONS)}")
    rows = []
    for category, impact in result.impacts.items():
        if by == "total":
            rows.append((category, impact.method, impact.value, impact.unit))
            continue
        parts = {"stage": impact.by_stage, "process": impact.by_process, "flow": impact.by_flow}[by]
        rows.extend((category, name, value, impact.unit) for name, value in parts.items())
    columns = ["category", "method" if by == "total" else by, "value", "unit"]
    frame = pd.DataFrame(rows, columns=columns).astype({"value": float})
    return _finish(frame, {c: i.unit for c, i in result.impacts.items()},
                   study=result.study, functional_unit=result.functional_unit)


def samples_frame(result: MonteCarloResult, stages: bool = False) -> pd.DataFrame:
    """Monte Carlo scores: one row per sample, one column per category.

    Parameters
    ----------
    result : MonteCarloResult
        The result of :func:`lca.uncertainty.monte_carlo`.
    stages : bool, optional
        Columns per category and lifecycle stage instead (a two-level column index
        ``(category, stage)``; needs ``monte_carlo(..., by_stage=True)``).

    Returns
    -------
    pandas.DataFrame
        Index ``sample`` (0 to N-1, the order of the draws); ``attrs["units"]``: category ->
        unit; ``attrs["seed"]``, ``attrs["sampler"]``. The numbers are a copy: the frame can be
        changed, the result cannot.

    Raises
    ------
    LCAError
        If stages are asked for and the result did not keep them, or pandas is missing.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty import monte_carlo
    >>> result = monte_carlo(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1, by_stage=True)
    >>> frame = samples_frame(result)
    >>> frame.shape, frame.attrs["units"], round(frame["climate_change"].quantile(0.975))
    ((1000, 1), {'climate_change': 'kg CO2-eq'}, 814054)
    >>> samples_frame(result, stages=True).columns.tolist()
    [('climate_change', 'use')]
    """
    pd = _pandas()
    index = pd.RangeIndex(result.n, name="sample")
    if not stages:
        frame = pd.DataFrame(np.array(result.scores).T, index=index, columns=list(result.categories))
    else:
        if result.by_stage is None:
            raise LCAError("stage contributions were not kept; run monte_carlo(..., by_stage=True)")
        columns = pd.MultiIndex.from_product([result.categories, result.stages], names=["category", "stage"])
        values = np.array(result.by_stage).reshape(len(result.categories) * len(result.stages), result.n)
        frame = pd.DataFrame(values.T, index=index, columns=columns)
    return _finish(frame, dict(zip(result.categories, result.units)), seed=result.seed, sampler=result.sampler)


def summary(result: MonteCarloResult | pd.DataFrame) -> pd.DataFrame:
    """Statistics of Monte Carlo samples: one row per category.

    Parameters
    ----------
    result : MonteCarloResult or pandas.DataFrame
        The result, or a frame of samples with one column per category: its
        :func:`samples_frame`, or rows of a :func:`comparison_frame` (one study's, say),
        perhaps filtered: the statistics are of the rows it has. With ``attrs["units"]``,
        only the columns it names are summarized.

    Returns
    -------
    pandas.DataFrame
        Index ``category``; columns ``mean``, ``std``, ``median``, ``sem``, ``samples``, the
        percentiles ``p2.5`` ... ``p97.5`` (the same as ``lca run --samples``) and ``unit``.

    Raises
    ------
    LCAError
        If a sample is not a finite number, or pandas is missing.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty import monte_carlo
    >>> result = monte_carlo(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1)
    >>> table = summary(result)
    >>> table.columns.tolist()
    ['mean', 'std', 'median', 'sem', 'samples', 'p2.5', 'p5', 'p25', 'p75', 'p95', 'p97.5', 'unit']
    >>> round(table.loc["climate_change", "p97.5"]), table.loc["climate_change", "unit"]
    (814054, 'kg CO2-eq')
    """
    pd = _pandas()
    # the statistics of the JSON contract (summarize), not pandas' quantile rule, so the numbers agree
    frame = samples_frame(result) if isinstance(result, MonteCarloResult) else result
    units = frame.attrs.get("units", {})
    # a comparison's frame also has its study and sample columns: the categories are those with a unit
    categories = [c for c in frame.columns if c in units] if units else list(frame.columns)
    rows = {}
    for category in categories:
        record = summarize(frame[category].to_numpy(), what=str(category)).to_dict()
        rows[category] = {"mean": record["mean"], "std": record["std"], "median": record["median"],
                          "sem": record["sem"], "samples": record["samples"],
                          **{f"p{key}": value for key, value in record["percentiles"].items()},
                          "unit": units.get(category, "")}
    columns = ["mean", "std", "median", "sem", "samples", *(f"p{p:g}" for p in PERCENTILES), "unit"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = "category"
    return _finish(table, {c: units.get(c, "") for c in categories})


def comparison_frame(comparison: Comparison) -> pd.DataFrame:
    """Paired Monte Carlo samples of several studies: one row per study and sample.

    Parameters
    ----------
    comparison : Comparison
        The result of :func:`lca.uncertainty.compare`.

    Returns
    -------
    pandas.DataFrame
        Columns ``study`` (the label), ``sample`` and one per category every study has. Rows
        with the same ``sample`` share their draws, so ``frame.pivot(index="sample",
        columns="study")`` pairs them; ``attrs["units"]``: category -> unit.

    Examples
    --------
    >>> from lca import load_study, with_parameters
    >>> from lca.uncertainty import compare
    >>> model = load_study("lca:scenarios/patterson2021_gpt3.toml")
    >>> c = compare([model, with_parameters(model, {"pue": 1.2})], 1000, seed=1, labels=["pue 1.1", "pue 1.2"])
    >>> frame = comparison_frame(c)
    >>> paired = frame.pivot(index="sample", columns="study", values="climate_change")
    >>> float((paired["pue 1.1"] < paired["pue 1.2"]).mean()) == c.assertion("climate_change").p_a_lower
    True
    """
    pd = _pandas()
    parts = []
    for label, result in zip(comparison.labels, comparison.results):
        rows = [result.categories.index(c) for c in comparison.categories]
        part = pd.DataFrame(np.array(result.scores)[rows].T, columns=list(comparison.categories))
        part.insert(0, "sample", np.arange(result.n))
        part.insert(0, "study", label)
        parts.append(part)
    first = comparison.results[0]
    units = {c: first.units[first.categories.index(c)] for c in comparison.categories}
    return _finish(pd.concat(parts, ignore_index=True), units, labels=list(comparison.labels))


def sensitivity_frame(result: SensitivityResult) -> pd.DataFrame:
    """Sensitivity indices: one row per category and parameter, most influential first.

    Parameters
    ----------
    result : SensitivityResult
        The result of :func:`lca.uncertainty.sensitivity` (or ``one_at_a_time``, ``spearman``,
        ``sobol``).

    Returns
    -------
    pandas.DataFrame
        Columns ``category``, ``parameter``, the method's numbers (oat: ``low``, ``high``,
        ``swing``, ``baseline`` scores and the parameter's ``low_value``, ``high_value``;
        spearman: ``rho``, ``note``; sobol: ``first_order``, ``total``) and ``unit`` (the
        category's; indices themselves are dimensionless). A choice's score per option stays
        in ``result.values``. ``attrs["units"]``: category -> unit; ``attrs["method"]``.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty import one_at_a_time
    >>> frame = sensitivity_frame(one_at_a_time(load_study("lca:scenarios/patterson2021_gpt3.toml")))
    >>> print(frame[["parameter", "low", "high", "swing"]].round().head(2).to_string(index=False))
         parameter      low     high    swing
    grid_intensity 420602.0 727449.0 306847.0
        chip_power 458890.0 666753.0 207863.0
    """
    pd = _pandas()
    columns = SENSITIVITY_COLUMNS[result.method]
    rows = []
    for category, unit in zip(result.categories, result.units):
        for parameter, record in result.values[category].items():
            rows.append([category, parameter, *(record.get(key) for key in columns), unit])
    frame = pd.DataFrame(rows, columns=["category", "parameter", *columns, "unit"])
    return _finish(frame, dict(zip(result.categories, result.units)), method=result.method, samples=result.samples)


def allocation_frame(allocation: StudyAllocation, sample: int | None = None) -> pd.DataFrame:
    """An allocated footprint: one row per rule, category and part (a target, or a reason left unallocated).

    Parameters
    ----------
    allocation : StudyAllocation
        The result of :func:`lca.allocation.allocate_study`.
    sample : int, optional
        One sample of the parameters (default: the mean over samples, as ``lca allocate``'s JSON).

    Returns
    -------
    pandas.DataFrame
        Columns ``rule``, ``category``, ``part`` (``target`` or ``unallocated``), ``name`` (the
        target, or the reason: ``idle_capacity``, ``unrealized_adaptations``), ``kind`` (the
        target's kind: ``task``, ``other_workload``, ...; the reason for a remainder), ``value``
        and ``unit``. Per rule and category the values sum to the unallocated total.
        ``attrs["units"]``: category -> unit; ``attrs["totals"]``: rule -> category -> total.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.allocation import allocate_study
    >>> allocation = allocate_study(load_study("lca:scenarios/pretrain_adapt.toml"), ["queries"])
    >>> frame = allocation_frame(allocation)
    >>> climate = frame[frame.category == "climate_change"]
    >>> round(climate["value"].sum()) == round(frame.attrs["totals"]["queries"]["climate_change"])
    True
    >>> round(climate.set_index("name").loc["classification", "value"])
    56859
    """
    pd = _pandas()
    data = allocation.to_dict(sample)
    rows = []
    for rule, record in data["rules"].items():
        for category, unit in zip(allocation.categories, allocation.units):
            for target, values in record["targets"].items():
                rows.append((rule, category, "target", target, data["kinds"][target], values[category], unit))
            for reason, values in record["unallocated_by_reason"].items():
                rows.append((rule, category, "unallocated", reason, reason, values[category], unit))
    frame = pd.DataFrame(rows, columns=["rule", "category", "part", "name", "kind", "value", "unit"])
    totals = {rule: dict(record["total"]) for rule, record in data["rules"].items()}
    return _finish(frame, dict(zip(allocation.categories, allocation.units)), study=allocation.study, totals=totals)


_FRAMES = (
    (LCAResult, lca_frame),
    (MonteCarloResult, samples_frame),
    (Comparison, comparison_frame),
    (SensitivityResult, sensitivity_frame),
    (StudyAllocation, allocation_frame),
)
