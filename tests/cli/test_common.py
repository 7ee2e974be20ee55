"""lca.cli.common: --set NAME=VALUE parsing."""

from __future__ import annotations

from lca.cli.common import parse_set


def test_parse_set():
    assert parse_set(["a=1", "b = 300 W", "c=TW"]) == {"a": 1.0, "b": "300 W", "c": "TW"}
