"""Tables fit the terminal: ``lca list`` cuts long cells, ``lca run`` wraps its columns into blocks
(no number cut); written to a pipe or a file they are 120 characters wide wherever they run."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import run_cli

from lca.cli.common import NARROWEST, PIPED_WIDTH, table_width
from lca.serialize import render_table

FLAGSHIP = "lca:scenarios/llm_training_lifecycle.toml"


class Terminal:
    def isatty(self):
        return True


class Pipe:
    def isatty(self):
        return False


@pytest.mark.parametrize("columns, width", [("80", 80), ("200", 200), ("10", NARROWEST)])
def test_a_terminal_gives_its_width(monkeypatch, columns, width):
    monkeypatch.setenv("COLUMNS", columns)
    assert table_width(Terminal()) == width
    # a pipe does not: the same width on every machine
    assert table_width(Pipe()) == PIPED_WIDTH == 120


def as_terminal(monkeypatch, columns: int) -> None:
    # in the test's body: capsys puts its stream in sys.stdout when the test starts
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)


@pytest.mark.parametrize("what", ["parameters", "processes", "hardware", "locations", "flows"])
def test_list_fits_an_80_column_terminal(capsys, monkeypatch, what):
    as_terminal(monkeypatch, 80)
    status, out, _ = run_cli(capsys, "list", what)
    lines = out.splitlines()
    assert status == 0 and max(len(line) for line in lines) <= 80
    assert any(line.endswith("...") for line in lines)  # something had to be cut


@pytest.mark.parametrize("what", ["parameters", "processes", "hardware", "locations"])
def test_piped_list_is_120_wide(capsys, what):
    status, out, _ = run_cli(capsys, "list", what)
    assert status == 0 and max(len(line) for line in out.splitlines()) == PIPED_WIDTH


def numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?", text)


def test_run_wraps_its_columns_on_a_narrow_terminal(capsys, monkeypatch):
    _, wide, _ = run_cli(capsys, "run", FLAGSHIP)  # piped: one block (112 characters)
    as_terminal(monkeypatch, 80)
    _, narrow, _ = run_cli(capsys, "run", FLAGSHIP)
    assert max(len(line) for line in wide.splitlines()) > 80 >= max(len(line) for line in narrow.splitlines())
    # every number is still there whole, each category in each block
    assert sorted(numbers(narrow)) == sorted(numbers(wide))
    blocks = [line for line in narrow.splitlines() if line.startswith("category ")]
    assert len(blocks) == 2
    assert narrow.count("climate_change ") == 2 * wide.count("climate_change ")


def test_render_table_blocks_repeat_the_first_column():
    headers = ["category", "a", "b", "c"]
    rows = [["x", 1.0, 22.0, 333.0]]
    assert render_table(headers, rows, width=200) == render_table(headers, rows)
    text = render_table(headers, rows, width=15)  # "category  a  b" is 15 characters
    assert text.split("\n\n") == [
        "category  a  b\n--------  -  --\nx         1  22",
        "category  c\n--------  -----\nx         333.0",
    ]
    # a column wider than the width alone still shows, whole, in its own block
    assert render_table(["id", "v" * 30], [["x", 1.0]], width=10).splitlines()[0] == "id  " + "v" * 30
