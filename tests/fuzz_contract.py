"""The contract every fuzz target checks (issue 14): a command line run through
``lca.cli.main`` exits 0 with finite JSON output, or 2 with one ``error:`` line (``validate``:
one per file); never a traceback, never over :data:`TIME_LIMIT` seconds.

>>> assert_finite({"a": [1.0, {"b": 2.5}]})
>>> assert_finite({"a": [float("inf")]})
Traceback (most recent call last):
AssertionError: inf
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import time
from pathlib import Path

from lca.cli import main

TIME_LIMIT = 10.0


def check(argv: list[str], folder: Path) -> tuple[int, str, str]:
    """Run the CLI in *folder*; assert the contract: exit 0 with finite output, or exit 2 with
    one error line; nothing else escapes; within the time limit."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: a malformed command line
                code = exc.code
    finally:
        os.chdir(previous)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"{argv} took {elapsed:.1f} s"
    assert code in (0, 2), (code, err.getvalue())
    errors = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    assert "Traceback" not in err.getvalue()
    if code == 2:
        # one error line (validate: one per file it checks), or argparse's usage message
        expected = len(argv) - 1 if argv[0] == "validate" else 1
        assert 1 <= len(errors) <= expected or err.getvalue().startswith("usage:"), err.getvalue()
    else:
        assert not errors, err.getvalue()
        if "--format" in argv and argv[argv.index("--format") + 1] == "json":
            assert_finite(json.loads(out.getvalue()))
    return code, out.getvalue(), err.getvalue()


def assert_finite(data) -> None:
    """Every float in *data* (JSON: dicts, lists) is finite."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            assert math.isfinite(item), item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
