"""Progress of long runs (Monte Carlo, comparisons, sensitivity, reports) on stderr.

On a terminal: a tqdm bar with the rate and the time left, redrawn in place. Anywhere else (a
log file, a CI job, ``2>err``): one plain line at most every few seconds with the samples done,
the rate and the time left, and a last line when the run ends, so a long run is never silent and
a log holds no carriage returns. Nothing goes to stdout: JSON output stays byte-identical.
``--quiet`` silences both.

tqdm is imported when a run shows progress, not with the command line: a deterministic
``lca run`` does not pay its import (about 25 ms, most of it importlib.metadata).

>>> import io
>>> log = io.StringIO()
>>> clock = iter([0.0, 1.0, 6.0, 8.0]).__next__     # seconds: start, then one per call
>>> update = progress_bar("monte carlo", quiet=False, stream=log, clock=clock)
>>> for done in (100_000, 300_000, 400_000):
...     update(done, 400_000)
>>> print(log.getvalue(), end="")
monte carlo: 300k/400k samples (75%), 50.0k samples/s, 00:02 left
monte carlo: 400k samples in 00:08, 50.0k samples/s
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable

from ..engine.propagate import Progress

# Seconds between two plain progress lines: often enough to show a run is alive, rarely enough
# that a million-sample run leaves a few dozen lines, not thousands.
LINE_INTERVAL = 5.0
# tqdm's fields (its rate and remaining-time arithmetic and formats), as one plain line
PROGRESS_LINE = "{desc}: {n_fmt}/{total_fmt}{unit} ({percentage:.0f}%), {rate_fmt}, {remaining} left"
FINAL_LINE = "{desc}: {n_fmt}{unit} in {elapsed}, {rate_fmt}"


def progress_bar(label: str, quiet: bool, stream: Any = None, interval: float = LINE_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> Progress | None:
    """A progress callback ``(done, total)`` for a run's samples, drawn on stderr.

    Parameters
    ----------
    label : str
        What runs (``"monte carlo"``, ``"sobol"``).
    quiet : bool
        ``--quiet``: no progress at all.
    stream : file, optional
        Where to write (default: stderr).
    interval : float, optional
        Seconds between plain lines when *stream* is not a terminal.
    clock : callable, optional
        Seconds, monotonic (a fake one in tests).

    Returns
    -------
    callable (done, total) or None
        None when quiet; a tqdm bar on a terminal; otherwise the periodic line writer. The last
        call (``done >= total``) ends the bar or writes the final line.

    Examples
    --------
    >>> import io
    >>> progress_bar("monte carlo", quiet=True, stream=io.StringIO()) is None
    True
    """
    if quiet:
        return None
    from tqdm import tqdm

    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return _terminal_bar(tqdm, label, stream)
    return _periodic_lines(tqdm.format_meter, label, stream, interval, clock)


def _terminal_bar(tqdm: Any, label: str, stream: Any) -> Progress:
    bar: list = []

    def update(done: int, total: int) -> None:
        if not bar:  # the total is known at the first call
            bar.append(tqdm(total=total, desc=label, unit=" samples", unit_scale=True, file=stream,
                            dynamic_ncols=True, leave=True))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return update


def _periodic_lines(format_meter: Callable[..., str], label: str, stream: Any, interval: float,
                    clock: Callable[[], float]) -> Progress:
    start = clock()
    last = [start]

    def update(done: int, total: int) -> None:
        now = clock()
        if done >= total:
            line = format_meter(done, total, now - start, prefix=label, unit=" samples", unit_scale=True,
                                bar_format=FINAL_LINE)
        elif now - last[0] >= interval:
            last[0] = now
            line = format_meter(done, total, now - start, prefix=label, unit=" samples", unit_scale=True,
                                bar_format=PROGRESS_LINE)
        else:
            return
        stream.write(line + "\n")
        stream.flush()

    return update
