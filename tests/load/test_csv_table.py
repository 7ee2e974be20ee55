"""parse_csv_table: the shape rules every CSV input shares (energy logs, grid profiles,
interchange files), and what it does with text that is not a table."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.errors import FileFormatError
from lca.load.tables import parse_csv_table

cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=8).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda width: st.tuples(
    st.lists(cell.filter(bool), min_size=width, max_size=width, unique=True),
    st.lists(st.lists(cell, min_size=width, max_size=width).filter(lambda r: any(r)), min_size=1, max_size=6))))
def test_a_written_table_reads_back_with_its_line_numbers(table):
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    parsed = parse_csv_table(out.getvalue(), "t.csv", "energy log")
    assert parsed.header == tuple(header)
    assert [cells for _, cells in parsed.rows] == [tuple(r) for r in rows]
    assert [n for n, _ in parsed.rows] == list(range(2, len(rows) + 2))  # no cell holds a newline


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_table_or_one_file_format_error(text):
    try:
        table = parse_csv_table(text, "t.csv", "grid profile")
    except FileFormatError as exc:
        assert str(exc).startswith("t.csv: ")
    else:
        assert table.rows and all(len(cells) == len(table.header) for _, cells in table.rows)


@pytest.mark.parametrize("text, message", [
    ("a,b\n1,2,3\n", "t.csv: line 2: 3 cells, the header has 2 columns"),
    ("a,a\n1,2\n", "t.csv: line 1: column 'a' is repeated in the header"),
    ("a,b\n\n \n", "t.csv: the grid profile has a header but no rows"),
    ('a,b\n"1,2\n', "t.csv: line 2: 1 cells, the header has 2 columns"),
])
def test_malformed_tables_name_the_line(text, message):
    with pytest.raises(FileFormatError) as raised:
        parse_csv_table(text, "t.csv", "grid profile")
    assert str(raised.value) == message


def test_blank_rows_are_skipped_and_lines_counted():
    table = parse_csv_table("a, b\n\n1, 2\n,\n3,4\n", "t.csv", "grid profile")
    assert table.rows == ((3, ("1", "2")), (5, ("3", "4")))
