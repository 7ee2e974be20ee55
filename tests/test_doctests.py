"""The examples in the docstrings of ``lca`` run and print what they say.

Every module of the installed package is imported and its docstring examples are run with
:mod:`doctest`, so an example that drifts from the code fails the suite. Examples name shipped
files by their ``lca:`` names, so they run from any directory.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import lca

# a __main__ module runs its program when imported: it has no examples to run
MODULES = sorted(
    info.name for info in pkgutil.walk_packages(lca.__path__, prefix="lca.") if not info.name.endswith(".__main__")
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Modules without an example: the version string; the error classes, whose examples are the
# failing calls in the other modules' docstrings.
WITHOUT_EXAMPLES = {"lca._version"}
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def test_every_module_is_walked():
    # a walk that silently found nothing would make every parametrized case vanish
    assert {"lca.load.study", "lca.engine.calculate", "lca.uncertainty.montecarlo", "lca.cli.study"} <= set(MODULES)


@pytest.mark.parametrize("name", ["lca", *MODULES])
def test_docstring_examples(name):
    # the report's examples, and lca report's, draw figures
    if (name.startswith("lca.report") or name == "lca.cli.report") and not HAS_MATPLOTLIB:
        pytest.skip("the report examples need matplotlib (pip install 'lca[report]')")
    module = importlib.import_module(name)
    # exclude_empty=False would list objects without examples; only the examples matter here
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, name)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    # a module whose examples were not found (or were all removed) must not pass silently
    assert any(test.examples for test in tests) != (name in WITHOUT_EXAMPLES), f"{name}: no docstring example"
    failed = sum(runner.run(test, out=report.append).failed for test in sorted(tests, key=lambda t: t.name))
    assert failed == 0, "".join(report)
