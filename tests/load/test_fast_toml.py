"""lca.load.tables.parse_toml: rtoml (the lca[fast] extra) gives exactly tomllib's tables, on every shipped
file and on random documents, and every error is still tomllib's."""

from __future__ import annotations

import math
import struct
import tomllib

import pytest
import tomli_w
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.load import tables

rtoml = pytest.importorskip("rtoml")

SHIPPED = sorted([*(ROOT / "inventories").rglob("*.toml"), *(ROOT / "scenarios").rglob("*.toml")])


def same(a, b) -> bool:
    """Equal values of the same types all the way down (1 is not 1.0; -0.0 is not 0.0; nan is nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_the_same_check_tells_types_and_signs_apart():
    assert not same({"a": 1}, {"a": 1.0}) and not same([0.0], [-0.0]) and same([math.nan], [math.nan])
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order is what the loaders iterate in


def test_shipped_files_are_many():
    assert len(SHIPPED) > 40 and any(p.stat().st_size > 1_000_000 for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_rtoml_reads_every_shipped_file_as_tomllib_does(path):
    text = path.read_text(encoding="utf-8")
    assert same(rtoml.loads(text), tomllib.loads(text))
    assert same(tables.parse_toml(text), tomllib.loads(text))


keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8)
scalars = st.one_of(st.floats(allow_nan=False), st.integers(-2**63, 2**63 - 1), st.booleans(),
                    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20))
documents = st.dictionaries(keys, st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12), max_size=6)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_rtoml_reads_random_documents_as_tomllib_does(document):
    text = tomli_w.dumps(document)
    assert same(rtoml.loads(text), tomllib.loads(text))
    assert same(tables.parse_toml(text), tomllib.loads(text))


@pytest.mark.parametrize("text, message", [
    ("x = 1\nx = 2\n", "Cannot overwrite a value"),
    ("[t]\nx = 1\n[t]\ny = 2\n", "Cannot declare ('t',) twice (at line 3, column 3)"),
    ("bad = 01\n", "Expected newline or end of document after a statement (at line 1, column 8)"),
])
def test_errors_are_tomllibs_with_line_and_column(tmp_path, text, message):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(lca.FileFormatError) as with_rtoml:
        tables.read_toml(path)
    assert message in str(with_rtoml.value) and str(with_rtoml.value).startswith(f"{path}: invalid TOML: ")


def test_what_rtoml_refuses_but_tomllib_reads_is_read(tmp_path):
    # a float literal beyond double range: rtoml refuses it, TOML (and tomllib) read it as infinity
    text = "e = 1e400\n"
    with pytest.raises(rtoml.TomlParsingError):
        rtoml.loads(text)
    assert tables.parse_toml(text) == {"e": math.inf}


def test_deep_nesting_is_still_refused_by_name(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(lca.FileFormatError, match="nest deeper than 32 levels"):
        tables.read_toml(path)


def test_without_rtoml_tomllib_reads_the_same(monkeypatch):
    path = ROOT / "scenarios" / "patterson2021_gpt3.toml"
    with_rtoml = tables.read_toml(path)
    monkeypatch.setattr(tables, "rtoml", None)
    calls, loads = [], tomllib.loads
    monkeypatch.setattr(tables.tomllib, "loads", lambda text: calls.append(1) or loads(text))
    assert same(tables.read_toml(path), with_rtoml) and calls == [1]
