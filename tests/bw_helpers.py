"""Shared by the Brightway export tests: a temporary Brightway folder, bw2calc scores and
the sampling-error test of two Monte Carlo samples."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats


@pytest.fixture(scope="session")
def bw(tmp_path_factory):
    """bw2data with its projects in a temporary folder, never the user's home.

    bw2data reads BRIGHTWAY2_DIR when first imported (bw2calc imports it too), so the
    variable is set before the import; the base folder is also switched explicitly in case
    another test imported bw2data first.
    """
    folder = tmp_path_factory.mktemp("brightway")
    previous = os.environ.get("BRIGHTWAY2_DIR")
    os.environ["BRIGHTWAY2_DIR"] = str(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bw2calc suggests pypardiso on import
        import bw2calc  # noqa: F401
        import bw2data
    bw2data.projects.change_base_directories(folder, update=False)
    yield bw2data
    if previous is None:
        os.environ.pop("BRIGHTWAY2_DIR", None)
    else:
        os.environ["BRIGHTWAY2_DIR"] = previous


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def load_package(path: Path):
    import bw_processing as bwp
    from fsspec.implementations.zip import ZipFileSystem

    return bwp.load_datapackage(ZipFileSystem(str(path)))


def package_views(package, category: str) -> list:
    """The inventory and one category's characterization of an exported datapackage."""
    return [package.exclude({"matrix": "characterization_matrix"}),
            package.filter_by_attribute("identifier", ["lca", category])]


def bw_samples(lca, n: int) -> np.ndarray:
    """*n* Monte Carlo scores of a bw2calc LCA built with use_distributions=True."""
    lca.lci()
    lca.lcia()
    out = np.empty(n)
    for i in range(n):
        next(lca)
        out[i] = lca.score
    return out


def _percentile_error(sample: np.ndarray, q: float, n: int) -> float:
    """Asymptotic standard error of the q-th percentile of n draws: sqrt(p(1-p)/n) / density."""
    p = q / 100
    density = stats.gaussian_kde(sample)(np.percentile(sample, q))[0]
    return float(np.sqrt(p * (1 - p) / n) / density)


def z_scores(ours: np.ndarray, theirs: np.ndarray) -> dict[str, float]:
    """z of the difference of the means and of the 2.5 and 97.5 percentiles of two samples."""
    sd = np.hypot(ours.std(ddof=1) / np.sqrt(len(ours)), theirs.std(ddof=1) / np.sqrt(len(theirs)))
    out = {"mean": float((ours.mean() - theirs.mean()) / sd)}
    for q in (2.5, 97.5):
        error = np.hypot(_percentile_error(ours, q, len(ours)), _percentile_error(theirs, q, len(theirs)))
        out[f"p{q}"] = float((np.percentile(ours, q) - np.percentile(theirs, q)) / error)
    return out
