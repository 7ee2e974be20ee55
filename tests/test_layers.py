"""The import structure: imports only go down the pipeline, and there is no cycle.

Every ``import`` and ``from ... import`` in ``lca/`` (at any depth: a function-level import
counts too) is read with :mod:`ast` from the installed package's files.
"""

from __future__ import annotations

import ast
from importlib import resources

import networkx as nx
import pytest

# The layers, bottom first; a module may import from its own layer or below.
LAYERS = (
    # the shipped inventories and scenarios: package data whose __init__ imports nothing
    ("data", ("lca.inventories", "lca.scenarios")),
    ("foundations", ("lca._version", "lca.errors", "lca.units", "lca.formula")),
    ("model", ("lca.model",)),
    ("load", ("lca.load",)),
    ("engine", ("lca.engine",)),
    ("analyses", ("lca.uncertainty", "lca.allocation", "lca.sources")),
    ("serialization", ("lca.serialize", "lca.frames", "lca.export")),
    ("report", ("lca.report",)),
    ("cli", ("lca.cli",)),
    ("api", ("lca",)),
)
# Analyses never import each other.
ANALYSES = ("lca.uncertainty", "lca.allocation", "lca.sources")


def layer_of(module: str) -> int:
    best = None
    for rank, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (rank, len(prefix))
    assert best is not None, f"{module} is in no layer"
    return best[0]


def package_modules() -> dict[str, ast.Module]:
    root = resources.files("lca")
    modules = {}

    def walk(folder, dotted):
        for entry in folder.iterdir():
            if entry.is_dir() and (entry / "__init__.py").is_file():
                walk(entry, f"{dotted}.{entry.name}")
            elif entry.name.endswith(".py"):
                name = dotted if entry.name == "__init__.py" else f"{dotted}.{entry.name[:-3]}"
                modules[name] = ast.parse(entry.read_text(encoding="utf-8"))

    walk(root, "lca")
    return modules


def imports_of(name: str, tree: ast.Module, is_package: bool) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name == "lca" or a.name.startswith("lca.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module != "lca" and not module.startswith("lca."):
                continue
            # "from . import x" imports the submodule x
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in MODULES else module)
    return found


MODULES = package_modules()
PACKAGES = {n for n in MODULES if any(m.startswith(n + ".") for m in MODULES)}
GRAPH = nx.DiGraph()
for _name, _tree in MODULES.items():
    GRAPH.add_node(_name)
    for _target in imports_of(_name, _tree, _name in PACKAGES):
        if _target != _name:
            GRAPH.add_edge(_name, _target)


def test_every_module_is_in_a_layer():
    assert len(MODULES) > 40
    for name in MODULES:
        layer_of(name)


def test_no_import_cycle():
    cycles = list(nx.simple_cycles(GRAPH))
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_go_down(name):
    upward = [target for target in GRAPH.successors(name) if layer_of(target) > layer_of(name)
              and not target.startswith(name + ".")]  # a package's __init__ may gather its own modules
    assert upward == [], f"{name} ({LAYERS[layer_of(name)][0]}) imports {upward}"


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analyses_do_not_import_each_other(analysis):
    inside = [n for n in MODULES if n == analysis or n.startswith(analysis + ".")]
    for name in inside:
        others = [t for t in GRAPH.successors(name)
                  if any(t == a or t.startswith(a + ".") for a in ANALYSES if a != analysis)]
        assert others == [], f"{name} imports {others}"


def test_nothing_imports_the_cli():
    users = sorted(n for n in GRAPH.predecessors("lca.cli") if not n.startswith("lca.cli"))
    for module in [m for m in MODULES if m.startswith("lca.cli.")]:
        users += [n for n in GRAPH.predecessors(module) if not n.startswith("lca.cli")]
    assert users == []
