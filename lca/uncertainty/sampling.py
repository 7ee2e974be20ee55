"""Uniform designs for Monte Carlo: plain random, Latin hypercube and Sobol sequences.

A design gives, for each named uncertain parameter, one uniform number in (0, 1) per
iteration; each distribution's ``ppf`` turns it into a value. Sample *i* of parameter *p*
depends only on (seed, sampler, p's name, i, n): never on how the iterations are chunked,
nor on which other parameters exist (except for Sobol, whose dimensions are the sorted
names). So two variants of a study that share a parameter draw the same numbers for it:
common random numbers for comparisons.

>>> design = make_design(("pue", "grid_intensity"), 8, seed=1, sampler="lhs")
>>> block = design.block(0, 8)
>>> block.shape, bool(((block > 0) & (block < 1)).all())
((2, 8), True)
>>> # each parameter's 8 values fall one in each eighth of (0, 1)
>>> sorted((block[0] * 8).astype(int).tolist())
[0, 1, 2, 3, 4, 5, 6, 7]
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import LCAError

SAMPLERS = ("random", "lhs", "sobol")

# Keep uniforms strictly inside (0, 1): ppf(0) of an unbounded distribution is -inf.
_TINY = np.finfo(float).eps / 2


def stream_key(name: str) -> tuple[int, ...]:
    """A stable spawn key for a parameter name (Python's ``hash()`` changes between runs).

    Parameters
    ----------
    name : str
        A parameter name.

    Returns
    -------
    tuple of int
        Four 32-bit words of the name's SHA-256.

    Examples
    --------
    >>> stream_key("pue") == stream_key("pue") != stream_key("duration")
    True
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))


def parameter_generator(seed: int, name: str, skip: int = 0) -> np.random.Generator:
    """The random stream of one parameter, advanced past its first *skip* uniforms.

    Parameters
    ----------
    seed : int
        The run's seed.
    name : str
        The parameter.
    skip : int, optional
        How many uniforms to skip (the iterations of earlier chunks).

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator of its own stream.

    Examples
    --------
    >>> first = parameter_generator(1, "pue").random(5)
    >>> bool(parameter_generator(1, "pue", skip=3).random(2).tolist() == first[3:].tolist())
    True
    """
    bit_generator = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=stream_key(name)))
    if skip:
        bit_generator.advance(skip)  # one 64-bit draw per double: jump straight to iteration *skip*
    return np.random.Generator(bit_generator)


@dataclass(frozen=True)
class Design:
    """Uniforms for *names* x *n* iterations; :meth:`block` returns iterations [start, stop).

    Examples
    --------
    >>> design = make_design(("pue", "chip_power"), 100, seed=1)
    >>> bool((design.block(0, 100)[0] == design.subset(("pue",)).block(0, 100)[0]).all())
    True
    """

    names: tuple[str, ...]
    n: int
    seed: int
    sampler: str
    _columns: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)  # LHS: whole columns
    # Random streams left where the last block stopped: the next block in order continues them
    # instead of re-seeding (same numbers, far less work per chunk).
    _cursors: dict = field(default_factory=dict, repr=False, compare=False)

    def block(self, start: int, stop: int) -> np.ndarray:
        """Array (len(names), stop - start) of uniforms in (0, 1)."""
        if not 0 <= start <= stop <= self.n:
            raise ValueError(f"block [{start}, {stop}) outside the design's {self.n} iterations")
        size = stop - start
        out = np.empty((len(self.names), size))
        if self.sampler == "random":
            for row, name in enumerate(self.names):
                position, generator = self._cursors.get(name, (None, None))
                if position != start:
                    generator = parameter_generator(self.seed, name, start)
                generator.random(out=out[row])  # straight into the block: no copy
                self._cursors[name] = (stop, generator)
        elif self.sampler == "lhs":
            for row, name in enumerate(self.names):
                out[row] = self._columns[name][start:stop]
        elif self.names:
            from scipy.stats import qmc

            order = sorted(self.names)
            engine = qmc.Sobol(d=len(order), scramble=True, rng=np.random.default_rng(self.seed))
            if start:
                engine.fast_forward(start)
            with warnings.catch_warnings():
                # scipy warns when a draw is not a power of 2; chunks need not be, the total should
                warnings.simplefilter("ignore", UserWarning)
                points = engine.random(size)
            position = {name: i for i, name in enumerate(order)}
            for row, name in enumerate(self.names):
                out[row] = points[:, position[name]]
        return np.clip(out, _TINY, 1 - _TINY, out=out)

    def subset(self, names: tuple[str, ...]) -> "Design":
        """The same draws for a subset of the names (a variant's own parameters)."""
        missing = set(names) - set(self.names)
        if missing:
            raise ValueError(f"not in the design: {', '.join(sorted(missing))}")
        if self.sampler == "sobol":
            # Sobol columns depend on the full name set: keep it, pick rows at block time.
            return _SobolSubset(self, names)
        return Design(names, self.n, self.seed, self.sampler, self._columns)


@dataclass(frozen=True)
class _SobolSubset:
    parent: Design
    names: tuple[str, ...]

    @property
    def n(self) -> int:
        return self.parent.n

    def block(self, start: int, stop: int) -> np.ndarray:
        rows = [self.parent.names.index(name) for name in self.names]
        return self.parent.block(start, stop)[rows]


def make_design(names: tuple[str, ...] | list[str], n: int, seed: int = 42, sampler: str = "random") -> Design:
    """A design of *n* iterations for the parameters *names*.

    Sample i of parameter p depends only on (seed, sampler, p, i, n); see the module docstring.

    Parameters
    ----------
    names : sequence of str
        The uncertain parameters.
    n : int
        The number of iterations.
    seed : int, optional
        A non-negative seed.
    sampler : {"random", "lhs", "sobol"}, optional
        The design.

    Returns
    -------
    Design
        The design.

    Raises
    ------
    LCAError
        If the sampler is unknown, n < 1 or the seed is not a non-negative integer.

    Examples
    --------
    >>> make_design(("pue",), 4, seed=1, sampler="sobol").block(0, 4).shape
    (1, 4)
    >>> make_design(("pue",), 4, sampler="grid")
    Traceback (most recent call last):
    lca.errors.LCAError: unknown sampler 'grid' (known: random, lhs, sobol)
    """
    if sampler not in SAMPLERS:
        raise LCAError(f"unknown sampler {sampler!r} (known: {', '.join(SAMPLERS)})")
    if n < 1:
        raise LCAError(f"the number of samples must be at least 1, got {n}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise LCAError(f"the seed must be a non-negative integer, got {seed!r}")
    names = tuple(dict.fromkeys(names))
    columns: dict[str, np.ndarray] = {}
    if sampler == "lhs":
        from scipy.stats import qmc

        # Latin hypercube in each dimension separately (the standard construction: independent
        # stratified permutations), each with the parameter's own stream. Memory: n per name.
        for name in names:
            design = qmc.LatinHypercube(d=1, rng=parameter_generator(seed, name))
            columns[name] = design.random(n)[:, 0]
    return Design(names, int(n), int(seed), sampler, columns)
