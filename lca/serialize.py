r"""The output contract: results as JSON (stable: same inputs and seed give byte-identical
text), CSV and plain-text tables, and the ``"uncertainty"`` record of a Monte Carlo run. The
command line and the reports both write through here, so their numbers are the same.

>>> print(render_table(["category", "value"], [["climate_change", 1234.5]]))
category        value
--------------  -------
climate_change  1,234.5
>>> dumps_json({"value": 1.0})
'{\n  "value": 1.0\n}\n'
"""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from typing import Any, Sequence

from .errors import LCAError, ModelError
from .uncertainty.montecarlo import MonteCarloResult
from .uncertainty.sweep import INTERVAL, SweepResult


def dumps_json(data: Any) -> str:
    """Stable JSON: the same inputs give byte-identical output.

    Parameters
    ----------
    data : object
        JSON-serializable data (dicts keep their order).

    Returns
    -------
    str
        Indented JSON, UTF-8 text, with a final newline.

    Raises
    ------
    ModelError
        If a number is NaN or infinite: JSON cannot hold it, so the error names where it is in
        the output rather than crashing half-way through writing.

    Examples
    --------
    >>> print(dumps_json({"unit": "kg CO2-eq", "value": 553142.3}), end="")
    {
      "unit": "kg CO2-eq",
      "value": 553142.3
    }
    >>> dumps_json({"impacts": {"climate_change": {"std": float("inf")}}})
    Traceback (most recent call last):
    lca.errors.ModelError: result impacts.climate_change.std is inf, not a finite number: ...
    """
    try:
        return json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    except (ValueError, TypeError):
        # only now the search that names the number (a path per item costs more than the dump)
        where = _nonfinite(data)
        if where is None:
            raise
        path, value = where
        raise ModelError(f"result {path} is {value}, not a finite number: JSON cannot hold it (the numbers of "
                         "the study overflow floating point; narrow its uncertainties or magnitudes)") from None


def _nonfinite(data: Any) -> tuple[str, float] | None:
    """The first non-finite float in nested dicts and lists, as (dotted path, value)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return path or "(value)", item
        if isinstance(item, dict):
            stack.extend((f"{path}.{key}" if path else str(key), value) for key, value in reversed(item.items()))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{path}[{i}]", value) for i, value in reversed(list(enumerate(item))))
    return None


def format_number(value: float) -> str:
    """A number as the tables print it: thousands separators, four significant digits or scientific.

    Parameters
    ----------
    value : float
        The number.

    Returns
    -------
    str
        Its text.

    Examples
    --------
    >>> [format_number(x) for x in (0.0, 0.0123, 42.0, 553142.3, 1.2837e7)]
    ['0', '0.0123', '42', '553,142.3', '1.284e+07']
    """

    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{value:.4g}"
    if magnitude >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int | None = None,
                 keep: int = 1) -> str:
    """A plain-text table, numbers right-aligned; wider than *width*, its columns wrap into blocks.

    Parameters
    ----------
    headers : sequence of str
        The column titles.
    rows : sequence of sequences
        The cells; floats are formatted with :func:`format_number`.
    width : int, optional
        The widest line wanted (a terminal's width). A wider table is cut into blocks of
        columns, one under the other, each starting with the first *keep* columns (the
        row's id), so no number is cut. Default: one block, however wide.
    keep : int, optional
        The columns every block repeats.

    Returns
    -------
    str
        The table, one line per row under a rule (blocks separated by an empty line).

    Examples
    --------
    >>> print(render_table(["stage", "kg CO2-eq"], [["use", 494352.8], ["transport", 6025.6]]))
    stage      kg CO2-eq
    ---------  ---------
    use        494,352.8
    transport    6,025.6
    >>> print(render_table(["stage", "kg CO2-eq", "m3"], [["use", 494352.8, 4370.9]], width=20))
    stage  kg CO2-eq
    -----  ---------
    use    494,352.8
    <BLANKLINE>
    stage  m3
    -----  -------
    use    4,370.9
    """
    cells = [[h for h in headers]] + [[format_number(c) if isinstance(c, float) else str(c) for c in row]
                                     for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], float) for row in rows) if rows else False for i in range(len(headers))]
    blocks = _column_blocks(widths, width, keep)
    parts = []
    for columns in blocks:
        lines = []
        for n, row in enumerate(cells):
            line = [row[i].rjust(widths[i]) if numeric[i] and n > 0 else row[i].ljust(widths[i]) for i in columns]
            lines.append("  ".join(line).rstrip())
            if n == 0:
                lines.append("  ".join("-" * widths[i] for i in columns))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _column_blocks(widths: Sequence[int], width: int | None, keep: int) -> list[list[int]]:
    """The columns of each block of a table *width* wide: the first *keep* ones, then as many as fit
    (at least one, so a column wider than the terminal still shows)."""
    columns = list(range(len(widths)))
    if width is None or sum(widths) + 2 * (len(widths) - 1) <= width or len(widths) <= keep:
        return [columns]
    fixed, rest = columns[:keep], columns[keep:]
    blocks: list[list[int]] = []
    while rest:
        block, used = list(fixed), sum(widths[i] for i in fixed) + 2 * (len(fixed) - 1)
        while rest and (len(block) == keep or used + 2 + widths[rest[0]] <= width):
            used += 2 + widths[rest[0]]
            block.append(rest.pop(0))
        blocks.append(block)
    return blocks


def table_text(data: dict, width: int | None = None) -> str:
    """The table ``lca run`` prints: one row per category, its value, unit, 95 % interval (with
    uncertainty) and stages; then the study's published values beside the computed ones, the
    energy drawn and the other electricity accountings.

    Parameters
    ----------
    data : dict
        ``LCAResult.to_dict()``, with ``"uncertainty"`` records when Monte Carlo ran.
    width : int, optional
        The widest line wanted: a wider table wraps its columns into blocks that each start
        with the category (:func:`render_table`). Default: one block.

    Returns
    -------
    str
        The study's name and functional unit, then the table.

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> print(table_text(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")).to_dict()))
    GPT-3 training, use phase (Patterson et al. 2021, Table 4)
    functional unit: one trained GPT-3 model
    category        value      unit       use
    --------------  ---------  ---------  ---------
    climate_change  553,142.3  kg CO2-eq  553,142.3
    <BLANKLINE>
    published by the study's source, and computed here:
    item              of              published  computed  unit      difference
    ----------------  --------------  ---------  --------  --------  ----------
    energy_MWh        energy            1,287.0   1,289.4  MWh       +0.18%
    emissions_t_co2e  climate_change      552.1     553.1  t CO2-eq  +0.19%
    <BLANKLINE>
    energy drawn at the sources: 1.289e+06 kWh (use 1.289e+06)
    """

    stages: list[str] = []
    for impact in data["impacts"].values():
        for stage in impact["by_stage"]:
            if stage not in stages:
                stages.append(stage)
    has_uncertainty = any("uncertainty" in i for i in data["impacts"].values())
    headers = ["category", "value", "unit"] + (["2.5%", "97.5%"] if has_uncertainty else []) + stages
    rows = []
    for cid, impact in data["impacts"].items():
        row = [cid, float(impact["value"]), impact["unit"]]
        if has_uncertainty:
            pct = impact.get("uncertainty", {}).get("percentiles", {})
            row += [float(pct.get("2.5", math.nan)), float(pct.get("97.5", math.nan))]
        row += [float(impact["by_stage"].get(s, 0.0)) for s in stages]
        rows.append(row)
    table = render_table(headers, rows, width)
    published = data.get("published")
    if published:
        table += "\n\npublished by the study's source, and computed here:\n" + published_table(published, width)
    lines = []
    energy = data.get("energy")
    if energy:
        stages_text = ", ".join(f"{stage} {format_number(v)}" for stage, v in energy["by_stage"].items())
        lines.append(f"energy drawn at the sources: {format_number(energy['value'])} {energy['unit']} ({stages_text})")
        if energy.get("by_site"):
            lines.append("drawn by the sites' datacenters: " + ", ".join(
                f"{site} {format_number(v)}" for site, v in energy["by_site"].items()) + f" {energy['unit']}")
    scope2 = data.get("scope2")
    if scope2:
        intervals = {way: "" for way in ("location_based", "market_based")}
        for way, record in scope2.get("uncertainty", {}).items():
            pct = record["percentiles"]
            intervals[way] = f" (95 %: {format_number(pct['2.5'])}-{format_number(pct['97.5'])})"
        lines.append(f"climate_change (GHG Protocol Scope 2): location-based "
                     f"{format_number(scope2['location_based'])}{intervals['location_based']}, "
                     f"market-based {format_number(scope2['market_based'])}{intervals['market_based']} {scope2['unit']}")
    grid = data.get("grid_profile")
    if grid:
        lines.append(f"grid intensity ({grid['parameter']}): annual average {format_number(grid['annual_average'])}, "
                     f"time-matched {format_number(grid['time_matched'])} {grid['unit']} over {grid['hours']} hour(s) "
                     f"of {grid['file']}")
        if "climate_change" in grid:
            climate = grid["climate_change"]
            lines.append(f"climate_change: annual average {format_number(climate['annual_average'])}, "
                         f"time-matched {format_number(climate['time_matched'])} {climate['unit']}")
    text = f"{data['study']}\nfunctional unit: {data['functional_unit']}\n{table}"
    if lines:
        if width is not None:  # the notes wrap too, under their first words
            lines = [textwrap.fill(line, width, subsequent_indent="  ", break_on_hyphens=False) for line in lines]
        text += "\n\n" + "\n".join(lines)
    return text


def published_table(published: dict, width: int | None = None) -> str:
    """The published-vs-computed table of ``lca run``: the JSON's ``"published"`` block.

    Parameters
    ----------
    published : dict
        ``{key: {"value", "unit", ["of", "stage", "computed", "relative_difference" | "not_compared"]}}``.
    width : int, optional
        Wrap the columns into blocks at most this wide (:func:`render_table`).

    Returns
    -------
    str
        One row per published value; not-compared ones say why.

    Examples
    --------
    >>> print(published_table({"energy_MWh": {"value": 1287.0, "unit": "MWh", "of": "energy",
    ...                        "computed": 1289.376, "relative_difference": 0.001846},
    ...                        "net_grid_intensity": {"value": 0.177, "unit": "", "not_compared": "no unit"}}))
    item                of      published  computed  unit  difference
    ------------------  ------  ---------  --------  ----  ---------------------
    energy_MWh          energy    1,287.0  1,289.4   MWh   +0.18%
    net_grid_intensity              0.177                  not compared: no unit
    """
    rows = []
    for key, item in published.items():
        of = item.get("of", "") + (f" ({item['stage']})" if "stage" in item else "")
        if "computed" in item:
            difference = item.get("relative_difference")
            rows.append([key, of, float(item["value"]), float(item["computed"]), item["unit"],
                         "" if difference is None else f"{difference:+.2%}"])
        else:
            rows.append([key, of, float(item["value"]), "", item["unit"] or "", f"not compared: {item['not_compared']}"])
    return render_table(["item", "of", "published", "computed", "unit", "difference"], rows, width)


def csv_text(data: dict) -> str:
    """The CSV of ``lca run --format csv``: one row per category total, stage, process and statistic.

    Parameters
    ----------
    data : dict
        ``LCAResult.to_dict()``, with ``"uncertainty"`` records when Monte Carlo ran.

    Returns
    -------
    str
        CSV with columns category, unit, scope, name, value (values as ``repr``, exact).

    Examples
    --------
    >>> from lca import calculate, load_study
    >>> print(csv_text(calculate(load_study("lca:scenarios/patterson2021_gpt3.toml")).to_dict()), end="")
    category,unit,scope,name,value
    climate_change,kg CO2-eq,total,,553142.30...
    climate_change,kg CO2-eq,stage,use,553142.30...
    climate_change,kg CO2-eq,process,datacenter_electricity,553142.30...
    """

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["category", "unit", "scope", "name", "value"])
    for cid, impact in data["impacts"].items():
        writer.writerow([cid, impact["unit"], "total", "", repr(impact["value"])])
        for stage, value in impact["by_stage"].items():
            writer.writerow([cid, impact["unit"], "stage", stage, repr(value)])
        for process, value in impact["by_process"].items():
            writer.writerow([cid, impact["unit"], "process", process, repr(value)])
        uncertainty = impact.get("uncertainty")
        if uncertainty:  # Monte Carlo: one row per statistic
            for stat in ("mean", "std", "median", "sem"):
                if stat in uncertainty:
                    writer.writerow([cid, impact["unit"], "uncertainty", stat, repr(uncertainty[stat])])
            for percent, value in uncertainty["percentiles"].items():
                writer.writerow([cid, impact["unit"], "uncertainty", f"p{percent}", repr(value)])
    return buffer.getvalue()


def uncertainty_records(result: MonteCarloResult) -> dict[str, dict]:
    """The ``"uncertainty"`` record of each category, as the JSON of ``lca run --samples`` carries it.

    Parameters
    ----------
    result : MonteCarloResult
        A Monte Carlo result run with ``by_stage=True``.

    Returns
    -------
    dict of str to dict
        Per category: mean, std, median, percentiles, samples, sem, seed, sampler and the same
        statistics by stage.

    Raises
    ------
    LCAError
        If the result kept no stage contributions.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty import monte_carlo
    >>> result = monte_carlo(load_study("lca:scenarios/patterson2021_gpt3.toml"), 1000, seed=1, by_stage=True)
    >>> record = uncertainty_records(result)["climate_change"]
    >>> round(record["percentiles"]["2.5"]), record["samples"], record["seed"], list(record["by_stage"])
    (400351, 1000, 1, ['use'])
    """
    records = {}
    for category in result.categories:
        record = result.summary(category).to_dict()
        record["seed"], record["sampler"] = result.seed, result.sampler
        record["by_stage"] = {stage: brief_record(summary.to_dict())
                              for stage, summary in result.stage_summaries(category).items()}
        records[category] = record
    return records


def brief_record(record: dict) -> dict:
    """The mean, std, median and percentiles of a summary record (stages and Scope 2 carry these).

    >>> brief_record({"mean": 1.0, "std": 0.1, "median": 1.0, "percentiles": {}, "sem": 0.01})
    {'mean': 1.0, 'std': 0.1, 'median': 1.0, 'percentiles': {}}
    """
    return {key: record[key] for key in ("mean", "std", "median", "percentiles")}


def sweep_data(result: SweepResult, study: str) -> dict:
    """The JSON of ``lca sweep``: the swept parameters, then one record per scenario.

    Parameters
    ----------
    result : SweepResult
        A sweep.
    study : str
        The study's name.

    Returns
    -------
    dict
        ``{"study", "parameters", "samples", "seed", "units", "scenarios"}``; each scenario has
        ``"parameters"`` (its values) and ``"impacts"`` (per category a number, or with samples
        ``{"mean", "percentiles": {"2.5", "97.5"}}``).

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty.sweep import grid_scenarios, sweep
    >>> result = sweep(load_study("lca:scenarios/patterson2021_gpt3.toml"), grid_scenarios(["pue=1.2"]))
    >>> scenario = sweep_data(result, "GPT-3")["scenarios"][0]
    >>> scenario["parameters"], round(scenario["impacts"]["climate_change"], 1)
    ({'pue': 1.2}, 603428.0)
    """
    scenarios = []
    for k, setting in enumerate(result.settings):
        impacts: dict[str, Any] = {}
        for c, category in enumerate(result.categories):
            if result.low is None or result.high is None:
                impacts[category] = float(result.values[k, c])
            else:
                impacts[category] = {"mean": float(result.values[k, c]), "percentiles": {
                    f"{INTERVAL[0]:g}": float(result.low[k, c]), f"{INTERVAL[1]:g}": float(result.high[k, c])}}
        scenarios.append({"parameters": dict(zip(result.parameters, setting)), "impacts": impacts})
    return {"study": study, "parameters": list(result.parameters), "samples": result.samples, "seed": result.seed,
            "units": dict(zip(result.categories, result.units)), "scenarios": scenarios}


def sweep_columns(result: SweepResult) -> tuple[list[str], list[list[Any]]]:
    """The flat table of a sweep: headers (categories with their unit in brackets) and rows.

    Parameters
    ----------
    result : SweepResult
        A sweep.

    Returns
    -------
    headers : list of str
        The swept parameters, then per category ``"<category> [<unit>]"`` (with samples, that
        column is the mean, followed by its 2.5 % and 97.5 % percentiles).
    rows : list of list
        One per scenario.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty.sweep import grid_scenarios, sweep
    >>> result = sweep(load_study("lca:scenarios/patterson2021_gpt3.toml"), grid_scenarios(["pue=1.1,1.2"]))
    >>> headers, rows = sweep_columns(result)
    >>> headers, [round(row[1]) for row in rows]
    (['pue', 'climate_change [kg CO2-eq]'], [553142, 603428])
    """
    headers = list(result.parameters)
    for category, unit in zip(result.categories, result.units):
        headers.append(f"{category} [{unit}]")
        if result.low is not None:
            headers += [f"{category} {INTERVAL[0]:g}% [{unit}]", f"{category} {INTERVAL[1]:g}% [{unit}]"]
    rows = [list(row.values()) for row in result.rows()]
    return headers, rows


def sweep_csv(result: SweepResult) -> str:
    """The CSV of ``lca sweep --format csv``: :func:`sweep_columns`, numbers as ``repr`` (exact).

    Parameters
    ----------
    result : SweepResult
        A sweep.

    Returns
    -------
    str
        The CSV text.

    Examples
    --------
    >>> from lca import load_study
    >>> from lca.uncertainty.sweep import grid_scenarios, sweep
    >>> result = sweep(load_study("lca:scenarios/patterson2021_gpt3.toml"), grid_scenarios(["pue=1.2"]))
    >>> print(sweep_csv(result), end="")
    pue,climate_change [kg CO2-eq]
    1.2,603427.9679999999
    """
    headers, rows = sweep_columns(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([repr(cell) if isinstance(cell, float) else cell for cell in row])
    return buffer.getvalue()


def require_parquet() -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, or one clear :class:`LCAError` when the optional extra is missing.

    >>> try:
    ...     pa, pq = require_parquet()
    ... except LCAError as exc:
    ...     print(exc)
    """
    try:
        import pyarrow as pa  # optional dependency (lca[parquet]): imported only to write Parquet
        import pyarrow.parquet as pq
    except ImportError:
        raise LCAError("--format parquet needs pyarrow, which is not installed (pip install 'lca[parquet]')") from None
    return pa, pq


def write_sweep_parquet(result: SweepResult, path: str) -> None:
    """Write a sweep's flat table (:func:`sweep_columns`) as a Parquet file (needs pyarrow).

    Parameters
    ----------
    result : SweepResult
        A sweep.
    path : str
        The file to write.

    Raises
    ------
    LCAError
        If pyarrow is not installed (``pip install 'lca[parquet]'``).

    Examples
    --------
    >>> import os, tempfile
    >>> from lca import load_study
    >>> from lca.uncertainty.sweep import grid_scenarios, sweep
    >>> result = sweep(load_study("lca:scenarios/patterson2021_gpt3.toml"), grid_scenarios(["pue=1.2"]))
    >>> path = os.path.join(tempfile.mkdtemp(), "sweep.parquet")
    >>> try:
    ...     write_sweep_parquet(result, path)
    ... except LCAError:     # no pyarrow here
    ...     pass
    """
    pa, pq = require_parquet()
    headers, rows = sweep_columns(result)
    columns = {header: [row[i] for row in rows] for i, header in enumerate(headers)}
    pq.write_table(pa.table(columns), path)
