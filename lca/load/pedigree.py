"""Pedigree matrix: data-quality scores to a lognormal spread.

Five indicators (reliability, completeness, temporal, geographical and further technological
correlation) are scored 1 (best) to 5. Each score has an uncertainty factor; following the
ecoinvent v3 data quality guideline (Weidema et al. 2013, section 10.2) the factors are
stored as variances of ln and added to the basic uncertainty's variance:

    sigma^2 = var_basic + var_reliability + var_completeness + var_temporal + var_geo + var_tech
    GSD = exp(sigma)

(the ecoinvent v2 form, GSD^2 = exp(sqrt(sum ln(U_i)^2)) with U_i = GSD_i^2, is the same
number: each variance is (ln U_i / 2)^2). Two factor sets are shipped in
``inventories/pedigree/uncertainty_factors.csv``: ``weidema2013`` (expert judgement, the
default) and ``ciroth2016`` (empirical, Ciroth et al. 2016, Int J LCA 21:1338-1348).

>>> round(pedigree_sigma((1, 1, 1, 1, 1), basic_gsd=1.1), 6) == round(math.log(1.1), 6)
True
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..errors import DistributionError
from .resources import shipped

INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
PEDIGREE_SETS = ("weidema2013", "ciroth2016")
DEFAULT_SET = "weidema2013"


def _read(name: str) -> list[dict[str, str]]:
    path = shipped(f"lca:pedigree/{name}")
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise DistributionError.at(path, f"cannot read the pedigree table ({exc.strerror})") from None


@lru_cache(maxsize=None)
def factor_variances() -> Mapping[str, Mapping[tuple[str, int], float]]:
    """The variance of ln per (indicator, score), for each pedigree set (read once, from the shipped table).

    Returns
    -------
    mapping of str to mapping of (str, int) to float
        ``factor_variances()[pedigree_set][(indicator, score)]``.

    Examples
    --------
    >>> sorted(factor_variances()), factor_variances()["weidema2013"][("reliability", 1)]
    (['ciroth2016', 'weidema2013'], 0.0)
    """
    table: dict[str, dict[tuple[str, int], float]] = {}
    for row in _read("uncertainty_factors.csv"):
        table.setdefault(row["pedigree_set"], {})[(row["indicator"], int(row["score"]))] = float(row["variance_of_ln"])
    return table


@lru_cache(maxsize=None)
def basic_variances() -> Mapping[str, float]:
    """The variance of ln of the basic uncertainty, per exchange class id (the ecoinvent table, shipped).

    Returns
    -------
    mapping of str to float
        Class id -> variance of ln.

    Examples
    --------
    The ecoinvent basic uncertainty of CO2 to air is U = GSD^2 = 1.05:

    >>> round(math.exp(math.sqrt(basic_variances()["air_co2"])) ** 2, 4)
    1.05
    """
    return {row["id"]: float(row["variance_of_ln"]) for row in _read("basic_uncertainty.csv")}


def pedigree_sigma(scores: Sequence[int], basic_gsd: float | None = None, basic: str | None = None,
                   pedigree_set: str = DEFAULT_SET, where: str = "pedigree") -> float:
    """Sigma (of ln) of a lognormal from pedigree scores and a basic uncertainty.

    Parameters
    ----------
    scores : sequence of int
        Five scores 1 (best) to 5: reliability, completeness, temporal, geographical and further
        technological correlation.
    basic_gsd : float, optional
        The basic uncertainty as a geometric standard deviation (>= 1).
    basic : str, optional
        Or an exchange class id of the ecoinvent basic uncertainty table (``air_co2``, ...).
    pedigree_set : {"weidema2013", "ciroth2016"}, optional
        The uncertainty factors.
    where : str, optional
        The file and item, for the message.

    Returns
    -------
    float
        sigma = sqrt(var_basic + sum of the indicators' variances); GSD = exp(sigma).

    Raises
    ------
    DistributionError
        If the scores, the set or the basic uncertainty are invalid, or both a GSD and a class
        are given.

    Examples
    --------
    >>> round(math.exp(pedigree_sigma((2, 3, 4, 5, 1), basic="air_co2")), 4)
    1.1176
    >>> round(math.exp(pedigree_sigma((1, 1, 1, 1, 1), basic_gsd=1.1)), 4)
    1.1
    >>> pedigree_sigma((1, 2, 3), basic_gsd=1.1)
    Traceback (most recent call last):
    lca.errors.DistributionError: pedigree: pedigree must be five integer scores from 1 to 5 (reliability, completeness, temporal, geographical, technological), got (1, 2, 3)
    """
    if pedigree_set not in PEDIGREE_SETS:
        raise DistributionError.at(where, f"unknown pedigree_set {pedigree_set!r} "
                                f"(known: {', '.join(PEDIGREE_SETS)})")
    if (not isinstance(scores, (list, tuple)) or len(scores) != len(INDICATORS)
            or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 5 for s in scores)):
        raise DistributionError.at(where, "pedigree must be five integer scores from 1 to 5 "
                                f"({', '.join(INDICATORS)}), got {scores!r}")
    if basic_gsd is not None and basic is not None:
        raise DistributionError.at(where, "give 'basic_gsd' or 'basic', not both")
    variance = 0.0
    if basic_gsd is not None:
        if isinstance(basic_gsd, bool) or not isinstance(basic_gsd, (int, float)) or not basic_gsd >= 1 \
                or not math.isfinite(basic_gsd):
            raise DistributionError.at(where, f"basic_gsd must be a number >= 1, got {basic_gsd!r}")
        variance = math.log(basic_gsd) ** 2
    elif basic is not None:
        classes = basic_variances()
        if basic not in classes:
            raise DistributionError.at(where, f"unknown basic uncertainty class {basic!r} "
                                    f"(known: {', '.join(classes)})")
        variance = classes[basic]
    factors = factor_variances()[pedigree_set]
    variance += sum(factors[(indicator, score)] for indicator, score in zip(INDICATORS, scores))
    return math.sqrt(variance)


def sigma_from_spec(spec: Mapping[str, Any], where: str) -> float:
    """Sigma of a ``{ pedigree = [...], basic_gsd | basic, pedigree_set }`` uncertainty table.

    Parameters
    ----------
    spec : mapping
        The table.
    where : str
        The file and item, for the message.

    Returns
    -------
    float
        :func:`pedigree_sigma` of its entries.

    Raises
    ------
    DistributionError
        As :func:`pedigree_sigma`.

    Examples
    --------
    >>> sigma_from_spec({"pedigree": [1, 1, 1, 1, 1], "basic_gsd": 1.1}, "x") == pedigree_sigma((1, 1, 1, 1, 1), basic_gsd=1.1)
    True
    """
    return pedigree_sigma(spec["pedigree"], spec.get("basic_gsd"), spec.get("basic"),
                          spec.get("pedigree_set", DEFAULT_SET), where)
