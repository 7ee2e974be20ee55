r"""``lca allocate SCENARIO [--rule NAME]... [--format table|json] [--samples N]``: per-task,
per-deployed-model and per-query footprints of a model lineage under each allocation rule,
side by side.

>>> import contextlib, io
>>> from lca.cli import main
>>> with contextlib.redirect_stdout(io.StringIO()) as out:
...     status = main(["allocate", "lca:scenarios/pretrain_adapt.toml", "--rule", "equal", "--rule", "queries"])
>>> print("\n".join(out.getvalue().splitlines()[1:6]))
climate_change [kg CO2-eq] by allocation rule
target                               equal      queries
-----------------------------------  ---------  ---------
chat (task)                           12,225.7    1,779.1
code_completion (task)                23,931.1    2,650.3
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from ..allocation import allocate_study
from ..engine.compile import compile_model
from ..errors import LCAError
from ..serialize import dumps_json, render_table
from ..uncertainty.montecarlo import sample_parameters
from .common import add_study_arguments, load_from_args


def register(subparsers: Any) -> None:
    """Add ``lca allocate`` to the command line.

    Parameters
    ----------
    subparsers : argparse subparsers
        What ``ArgumentParser.add_subparsers()`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["allocate", "lca:scenarios/pretrain_adapt.toml", "--rule", "queries"])
    >>> args.rule, args.format, args.handler is run
    (['queries'], 'table', True)
    """

    parser = subparsers.add_parser("allocate", help="allocate a model lineage's footprint to tasks, models and queries")
    add_study_arguments(parser)
    parser.add_argument("--rule", action="append", metavar="NAME", default=[],
                        help="allocation rule (equal, queries, tokens, compute, economic, amortized, or the "
                             "scenario's rule parameter); repeatable; default: the scenario's allocation.rules")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--category", default=None, metavar="ID",
                        help="impact category of the table (default climate_change; 'all' for every one)")
    parser.add_argument("--samples", type=int, default=0, metavar="N",
                        help="Monte Carlo samples: every uncertain parameter (including a rule or key chosen "
                             "by a choice parameter) is drawn N times; reports the mean and a 95%% interval")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--sampler", choices=("random", "lhs", "sobol"), default="random")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The ``lca allocate`` command: print each rule's allocation as tables or JSON.

    Parameters
    ----------
    args : argparse.Namespace
        Its parsed arguments (see :func:`register`).

    Returns
    -------
    int
        The exit status, 0.

    Raises
    ------
    LCAError
        For a mistake in the study or the arguments (:func:`lca.cli.main` prints it, status 2).

    Examples
    --------
    See the module's example.
    """

    if args.samples < 0:
        raise LCAError(f"--samples must be >= 0, got {args.samples}")
    model = load_from_args(args)
    compiled = compile_model(model)
    params = sample_parameters(compiled, args.samples, args.seed, args.sampler) if args.samples else None
    result = allocate_study(model, args.rule or None, params, compiled)
    data = result.to_dict()
    if args.samples:
        data["samples"] = {"n": args.samples, "seed": args.seed, "sampler": args.sampler,
                           "interval_95": _intervals(result)}
    if args.format == "json":
        sys.stdout.write(dumps_json(data))
        return 0
    categories = list(result.categories) if args.category == "all" else [_category(result, args.category)]
    print("\n\n".join(render(data, category) for category in categories))
    return 0


def render(data: dict, category: str) -> str:
    """The ``lca allocate`` tables of one category: targets by rule, per deployed model, per query.

    Parameters
    ----------
    data : dict
        ``StudyAllocation.to_dict()``.
    category : str
        The impact category to show.

    Returns
    -------
    str
        The tables.

    Examples
    --------
    See the module's example, which prints the start of these tables.
    """
    rules = list(data["rules"])
    unit = data["units"][category]
    kinds = data["kinds"]
    first = data["rules"][rules[0]]

    def row(label: str, pick) -> list:
        return [label] + [float(pick(data["rules"][r])) for r in rules]

    rows = [row(f"{t} ({kinds.get(t, 'target')})", lambda r, t=t: r["targets"][t][category]) for t in first["targets"]]
    rows += [row(f"unallocated: {reason.replace('_', ' ')}", lambda r, k=reason: r["unallocated_by_reason"][k][category])
             for reason in first["unallocated_by_reason"]]
    rows.append(row("total", lambda r: r["total"][category]))
    parts = [f"{data['study']}\n{category} [{unit}] by allocation rule",
             render_table(["target"] + rules, rows)]
    if first["deployed_models"]:
        parts.append(f"per deployed model (its tasks' total) [{unit}]")
        parts.append(render_table(["deployed model"] + rules,
                                  [row(n, lambda r, n=n: r["deployed_models"][n][category])
                                   for n in first["deployed_models"]]))
    for key, label in (("per_query", "query"), ("per_1k_tokens", "1,000 tokens")):
        served = [t for t in first[key] if t in first["targets"] or t in first["deployed_models"]]
        if served:
            parts.append(f"per {label} [{unit}/{label}]")
            parts.append(render_table(["served by"] + rules, [row(t, lambda r, t=t, k=key: r[k][t][category])
                                                               for t in served]))
    return "\n".join(parts)


def _category(result, requested: str | None) -> str:
    if requested is None:
        return "climate_change" if "climate_change" in result.categories else result.categories[0]
    if requested not in result.categories:
        raise LCAError(f"--category {requested!r}: not a category of this study "
                       f"({', '.join(result.categories)}, or 'all')")
    return requested


def _intervals(result) -> dict:
    """2.5 and 97.5 percentiles of every target, remainder and total, per rule and category."""
    def bounds(array: np.ndarray) -> dict[str, list[float]]:
        low, high = np.percentile(array, [2.5, 97.5], axis=-1)
        return {c: [float(a), float(b)] for c, a, b in zip(result.categories, low, high)}

    return {name: {"targets": {t: bounds(v) for t, v in r.targets.items()},
                   "per_query": {t: bounds(v) for t, v in r.per_query.items()},
                   "total": bounds(r.total)}
            for name, r in result.rules.items()}
