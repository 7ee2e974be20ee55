"""The README and docs/api.md say what the package does: their Python examples run and print
what their comments say, their Layout lists the package's folders and modules, and every
``lca:`` name they use is a file of the installed package."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from importlib import resources

import pytest
from conftest import ROOT

from lca.load.resources import shipped

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON_EXAMPLES = [ROOT / "README.md", ROOT / "docs" / "api.md"]


def python_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.S | re.M)


def expected_output(block: str) -> str:
    """The comments that state a print's output: on the print's line, or alone on the next."""
    expected, lines = [], block.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("print("):
            continue
        code, _, comment = line.partition("  # ")
        if comment:
            expected.append(comment.strip())
        elif i + 1 < len(lines) and lines[i + 1].startswith("# "):
            expected.append(lines[i + 1][2:].strip())
        else:
            expected.append("...")
    return "\n".join(expected) + "\n"


@pytest.mark.parametrize("path", PYTHON_EXAMPLES, ids=lambda p: p.name)
def test_python_examples_print_what_they_say(path):
    blocks = python_blocks(path)
    assert blocks, f"{path.name} has no Python example"
    for block in blocks:
        if "import bw2data" in block:
            continue  # reads a project the shell commands before it write; tests/serialize/test_brightway.py tests the same calls
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), {})  # the project's own documentation, not user input
        want = expected_output(block).replace(", ..., ", ", ...")
        checker = doctest.OutputChecker()
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        assert checker.check_output(want, _rounded(out.getvalue()), flags), (want, out.getvalue())


def _rounded(text: str) -> str:
    # percentiles print with full precision; the comments round them to one decimal
    return re.sub(r"\d+\.\d{2,}", lambda m: f"{float(m.group()):.1f}", text)


def test_layout_lists_every_module_and_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = re.search(r"^## Layout\n.*?^```\n(.*?)^```", readme, flags=re.S | re.M).group(1)
    package = resources.files("lca")
    listed_here = set(re.findall(r"^  ([a-z_]+(?:\.py|/))", layout, flags=re.M))
    installed = {f"{entry.name}/" for entry in package.iterdir() if (entry / "__init__.py").is_file()}
    installed |= {entry.name for entry in package.iterdir() if entry.name.endswith(".py") and entry.name != "__init__.py"}
    # the shipped data (lca/inventories, lca/scenarios) is listed as the top-level folders it comes from
    assert listed_here == installed - {"inventories/", "scenarios/"}
    top = set(re.findall(r"^([a-z.][a-z_]*/)", layout, flags=re.M))
    # hidden folders are tools' caches (.hypothesis, .ruff_cache, ...), except the CI script's
    on_disk = {f"{p.name}/" for p in ROOT.iterdir() if p.is_dir() and p.name != "build"
               and (not p.name.startswith(".") or p.name == ".ci") and not p.name.endswith(".egg-info")
               and p.name != "__pycache__"}
    assert top == on_disk
    for module in ("model", "load", "engine", "uncertainty", "allocation", "export", "report", "cli"):
        for name in (e.name[:-3] for e in (package / module).iterdir() if e.name.endswith(".py")):
            if name not in ("__init__", "__main__"):
                assert name in layout, f"lca/{module}/{name}.py is not in the README's Layout"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_shipped_names_exist(path):
    names = set(re.findall(r"lca:[a-z0-9_/]+\.(?:toml|csv)", path.read_text(encoding="utf-8")))
    missing = sorted(n for n in names if not shipped(n).is_file())
    assert not missing

