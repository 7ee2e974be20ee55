"""Consumption-based grid intensity by flow tracing (de Chalendar, Taggart & Benson 2019, PNAS).

A balancing area's *production-based* intensity counts the emissions of its own plants per MWh
they make; its *consumption-based* intensity also follows the electricity it imports back to
the plants that made it. Flow tracing assumes proportional sharing: what leaves an area carries
the mix of everything that entered it (its own generation and its imports). For one hour, with
``P_i`` the net generation of area ``i`` (MWh), ``F_i`` its plants' emissions (kg) and
``Imp_ij`` what ``i`` imports from ``j`` (MWh), the intensities ``x`` (kg/MWh) solve

    x_i (P_i + sum_j Imp_ij) - sum_j Imp_ij x_j = F_i,   i.e.  A x = F,  A = diag(P + Imp 1) - Imp.

``A`` is diagonally dominant by rows (strictly wherever an area generates), so it is regular as
long as every area is supplied. The hours are independent: each is one small dense system,
and they are solved in stacks of hours (:func:`numpy.linalg.solve` over a stack of matrices).

Replacing ``F`` by ``diag(F)`` traces each producing area's emissions separately: ``X[i, k]``
is the part of ``x_i`` emitted in area ``k``, and ``1 - X[i, i] / x_i`` the share of ``i``'s
consumption-based emissions produced elsewhere.

>>> import numpy as np
>>> # area 0 (coal, 100 MWh, 100 t) exports 50 MWh to area 1 (hydro, 50 MWh, 0 t)
>>> flows = np.zeros((1, 2, 2)); flows[0, 0, 1], flows[0, 1, 0] = 50.0, -50.0
>>> trace = trace_flows(np.array([[100.0, 50.0]]), np.array([[1e5, 0.0]]), flows)
>>> trace.intensity.tolist(), trace.consumption.tolist()
([[1000.0, 500.0]], [[50.0, 100.0]])
>>> round(float(trace.imported_share(1)), 12)    # all of area 1's consumed emissions are area 0's
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import ModelError, SingularSystemError
from ..model.frozen import readonly

# Consumption below this (MWh, relative to the area's supply) is rounding in the input, not a
# net export larger than the supply.
_BALANCE_TOLERANCE = 1e-9
# Floats of one stack of hourly systems (16 MB): bounds memory whatever the number of hours.
HOURS_BUDGET = 2 ** 21


@dataclass(frozen=True)
class FlowTrace:
    """Traced intensities of *n* areas over *T* hours (read-only arrays).

    Attributes
    ----------
    areas : tuple of str
        The areas, in the order of the arrays' area axes.
    intensity : numpy.ndarray, shape (T, n)
        Consumption-based intensity, in the unit of the emissions per unit of the energy
        (kg/MWh = g/kWh for EIA-930 data).
    production_intensity : numpy.ndarray, shape (T, n)
        Emissions of the area's own plants per unit of their generation (NaN where it generates
        nothing).
    consumption : numpy.ndarray, shape (T, n)
        Energy consumed in the area: generation plus imports minus exports.
    imported : numpy.ndarray, shape (T, n)
        Energy the area imports (each importer's figure).
    origins : numpy.ndarray, shape (T, n, n) or None
        ``origins[t, i, k]``: the part of ``intensity[t, i]`` emitted in area ``k``.

    Examples
    --------
    See the module's example.
    """

    areas: tuple[str, ...]
    intensity: np.ndarray
    production_intensity: np.ndarray
    consumption: np.ndarray
    imported: np.ndarray
    origins: np.ndarray | None

    def consumed_emissions(self, area: int) -> np.ndarray:
        """Emissions of the area's consumption in each hour (intensity times consumption).

        >>> import numpy as np
        >>> trace = trace_flows(np.array([[2.0]]), np.array([[6.0]]), np.zeros((1, 1, 1)))
        >>> trace.consumed_emissions(0).tolist()
        [6.0]
        """
        return self.intensity[:, area] * self.consumption[:, area]

    def imported_share(self, area: int) -> float:
        """Share of the area's consumption-based emissions (all hours) emitted in other areas.

        Needs the origins (``trace_flows(..., origins=True)``, the default).

        >>> import numpy as np
        >>> trace = trace_flows(np.array([[2.0]]), np.array([[6.0]]), np.zeros((1, 1, 1)))
        >>> trace.imported_share(0)
        0.0
        """
        if self.origins is None:
            raise ModelError("flow tracing: the imported share needs the traced origins (origins=True)")
        total = float(np.sum(self.consumed_emissions(area)))
        if total <= 0:
            return 0.0
        own = float(np.sum(self.origins[:, area, area] * self.consumption[:, area]))
        return 1.0 - own / total


def trace_flows(production: np.ndarray, emissions: np.ndarray, interchange: np.ndarray,
                areas: Sequence[str] | None = None, hours: Sequence[str] | None = None,
                origins: bool = True) -> FlowTrace:
    """Consumption-based intensity of every area in every hour by flow tracing.

    Parameters
    ----------
    production : array_like, shape (T, n)
        Net generation of each area in each hour (MWh), non-negative.
    emissions : array_like, shape (T, n)
        Emissions of each area's plants in each hour (kg), non-negative.
    interchange : array_like, shape (T, n, n)
        ``interchange[t, i, j]``: energy area ``i`` sends to area ``j`` (MWh; negative: it
        receives), as EIA-930 signs ``E_{i}-{j}_ID``. Each importer's own figure is used
        (``Imp[i, j] = max(-interchange[t, i, j], 0)``), as in de Chalendar et al.'s code; a
        reconciled data set has ``interchange[t, j, i] = -interchange[t, i, j]``.
    areas, hours : sequence of str, optional
        Names of the areas and hours, for messages.
    origins : bool, default True
        Also trace each producing area's emissions separately (``FlowTrace.origins``).

    Returns
    -------
    FlowTrace
        Intensities (kg/MWh for the units above), consumption and origins.

    Raises
    ------
    ModelError
        If an area has neither generation nor imports in an hour (its intensity is undefined),
        or sends out more than it generates and imports.
    SingularSystemError
        If a group of areas only trades among themselves with no generation.

    Examples
    --------
    Three areas in a chain, 0 -> 1 -> 2: what area 2 imports from 1 carries 1's mix.

    >>> import numpy as np
    >>> flows = np.zeros((1, 3, 3))
    >>> flows[0, 0, 1], flows[0, 1, 0] = 40.0, -40.0
    >>> flows[0, 1, 2], flows[0, 2, 1] = 20.0, -20.0
    >>> trace = trace_flows(np.array([[100.0, 60.0, 80.0]]), np.array([[80e3, 0.0, 40e3]]), flows)
    >>> [round(v, 9) for v in trace.intensity[0].tolist()]     # 800; 40*800/100; (40e3 + 20*320)/100
    [800.0, 320.0, 464.0]
    """
    P = np.asarray(production, dtype=float)
    F = np.asarray(emissions, dtype=float)
    ID = np.asarray(interchange, dtype=float)
    if P.ndim != 2 or F.shape != P.shape or ID.shape != P.shape + (P.shape[1],):
        raise ModelError(f"flow tracing: production {P.shape}, emissions {F.shape} and interchange {ID.shape} must "
                         "have the shapes (hours, areas), (hours, areas) and (hours, areas, areas)")
    T, n = P.shape
    names = tuple(areas) if areas is not None else tuple(str(i) for i in range(n))
    labels = tuple(hours) if hours is not None else tuple(f"hour {t}" for t in range(T))
    imports = np.clip(-ID, 0.0, None)
    imports[:, np.arange(n), np.arange(n)] = 0.0  # an area does not trade with itself
    supply = P + imports.sum(axis=2)
    consumption = supply - imports.sum(axis=1)  # others' imports from i are i's exports
    _check_supply(supply, consumption, names, labels)

    intensity = np.empty((T, n))
    traced = np.empty((T, n, n)) if origins else None
    # Each hour is its own small system: solved in stacks of hours by LAPACK (numpy's batched
    # solve), a few MB at a time. A sparse LU fills these blocks almost completely from a few
    # tens of areas on, and was 8x slower than dense solves for a year of 65 areas.
    step = max(1, HOURS_BUDGET // max(1, n * n * (2 if origins else 1)))
    diagonal = np.arange(n)
    for start in range(0, T, step):
        stop = min(T, start + step)
        A = -imports[start:stop]
        A[:, diagonal, diagonal] = supply[start:stop]
        rhs = F[start:stop, :, None]
        if origins:
            # right-hand side k: the emissions of area k only (column 0 is all areas together)
            rhs = np.concatenate([rhs, F[start:stop, :, None] * np.eye(n)], axis=2)
        try:
            solved = np.linalg.solve(A, rhs)
        except np.linalg.LinAlgError:
            raise SingularSystemError(_singular_message(A, start, labels, names)) from None
        intensity[start:stop] = solved[:, :, 0]
        if origins:
            traced[start:stop] = solved[:, :, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        produced = np.where(P > 0, F / np.where(P > 0, P, 1.0), np.nan)
    return FlowTrace(names, readonly(intensity), readonly(produced), readonly(consumption),
                     readonly(imports.sum(axis=2)), None if traced is None else readonly(traced))


def _check_supply(supply: np.ndarray, consumption: np.ndarray, names: Sequence[str], labels: Sequence[str]) -> None:
    empty = np.argwhere(supply <= 0)
    if len(empty):
        t, i = empty[0]
        raise ModelError(f"flow tracing: {labels[t]}: area {names[i]} has no generation and no imports, so the "
                         f"intensity of what it consumes is undefined ({len(empty)} such area-hour(s))")
    over = np.argwhere(consumption < -_BALANCE_TOLERANCE * supply)
    if len(over):
        t, i = over[0]
        raise ModelError(f"flow tracing: {labels[t]}: area {names[i]} sends out {supply[t, i] - consumption[t, i]:g} "
                         f"MWh but generates and imports only {supply[t, i]:g} MWh (the interchange is not "
                         "balanced: reconcile the data first)")


def _singular_message(A: np.ndarray, first: int, labels: Sequence[str], names: Sequence[str]) -> str:
    for t, block in enumerate(A):
        if np.linalg.matrix_rank(block) < block.shape[0]:
            return (f"flow tracing: {labels[first + t]}: areas that only trade among themselves with no generation "
                    f"make the system singular (areas: {', '.join(names)})")
    return "flow tracing: the system is singular"
