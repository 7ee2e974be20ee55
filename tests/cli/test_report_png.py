"""lca report --png: figures are SVG only unless PNG is asked for; then each SVG has a PNG twin
of the same figure, sharp enough for slides (200 dpi), and the same inputs give the same bytes."""

from __future__ import annotations

import struct

import pytest
from conftest import run_cli

pytest.importorskip("matplotlib")

GPT3 = "lca:scenarios/patterson2021_gpt3.toml"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])  # IHDR width, height


def test_png_only_when_asked(tmp_path, capsys):
    code, _, err = run_cli(capsys, "report", GPT3, "--out", str(tmp_path / "plain"), "--quiet")
    assert code == 0, err
    assert not list((tmp_path / "plain" / "figures").glob("*.png"))
    code, _, err = run_cli(capsys, "report", GPT3, "--out", str(tmp_path / "png"), "--png", "--quiet")
    assert code == 0, err
    figures = tmp_path / "png" / "figures"
    svgs = sorted(p.stem for p in figures.glob("*.svg"))
    assert svgs and sorted(p.stem for p in figures.glob("*.png")) == svgs
    for stem in svgs:
        svg_width_pt = float((figures / f"{stem}.svg").read_text(encoding="utf-8").split('width="', 1)[1].split("pt")[0])
        width, _ = _png_size((figures / f"{stem}.png").read_bytes())
        # 200 dpi = 200/72 pixels per point, give or take the tight bounding box's rounding
        assert width == pytest.approx(svg_width_pt * 200 / 72, rel=0.02), stem
    # the SVGs are the same with or without --png
    for stem in svgs:
        assert (figures / f"{stem}.svg").read_bytes() == (tmp_path / "plain" / "figures" / f"{stem}.svg").read_bytes()
    code, _, _ = run_cli(capsys, "report", GPT3, "--out", str(tmp_path / "again"), "--png", "--quiet")
    assert all((figures / f"{s}.png").read_bytes() == (tmp_path / "again" / "figures" / f"{s}.png").read_bytes()
               for s in svgs)
