"""The unit registry's disk cache (lca.units): a cached registry reads units exactly as one
parsed from pint's definitions, a changed pint or definition list gets its own cache, and a
cache that cannot be written or read only costs the time it was meant to save."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lca.units import cache_folder, make_registry

# Every LCA unit spelling the data use, each with a conversion a person can check by hand.
CONVERSIONS = [
    ("kg CO2-eq", "g CO2-eq", 1000.0), ("t CO2-eq", "kg CO2-eq", 1000.0), ("CTUh", "CTUh", 1.0),
    ("m3 world-eq", "L world-eq", 1000.0), ("GPU_hour", "GPU*s", 3600.0), ("GPUh", "GPU*min", 60.0),
    ("kWh", "MJ", 3.6), ("kg CO2-eq/kWh", "g CO2-eq/Wh", 1.0), ("tkm", "kg*km", 1000.0),
    ("kg Sb-eq", "g Sb-eq", 1000.0), ("item", "pieces", 1.0), ("MWh", "kWh", 1000.0),
]

# What lca.units makes of each unit, printed by a fresh interpreter.
PROBE = f"""
import json
from lca.units import conversion_factor, format_unit, parse_unit, root_factor, ureg
rows = []
for source, target in {[(s, t) for s, t, _ in CONVERSIONS]!r} + [(s, s) for s in ("CTUe", "FLOP", "token")]:
    unit = parse_unit(source)
    rows.append([source, format_unit(unit), str(unit.dimensionality), root_factor(unit),
                 conversion_factor(unit, parse_unit(target))])
print(json.dumps({{"rows": rows, "cache": str(ureg.cache_folder)}}))
"""


def probe(cache_home) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    done = subprocess.run([sys.executable, "-P", "-c", PROBE], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


def test_cached_registry_reads_every_lca_unit_as_a_fresh_one(tmp_path):
    cold = probe(tmp_path)  # builds the cache
    folder = cache_folder_under(tmp_path)
    written = sorted(p.name for p in folder.iterdir())
    assert any(name.endswith(".pickle") for name in written)
    warm = probe(tmp_path)  # reads it
    assert sorted(p.name for p in folder.iterdir()) == written  # reading writes nothing
    uncached = probe(os.devnull)  # not a folder: no cache can be made
    assert uncached["cache"] == "None" and warm["cache"] == cold["cache"] == str(folder)
    assert cold["rows"] == warm["rows"] == uncached["rows"]
    factors = {row[0]: row[4] for row in warm["rows"]}
    for source, _target, factor in CONVERSIONS:
        assert factors[source] == pytest.approx(factor, rel=1e-12)
    shown = {row[0]: row[1] for row in warm["rows"]}
    assert shown["kg CO2-eq"] == "kg CO2-eq" and shown["m3 world-eq"] == "m3 world-eq" and shown["GPU_hour"] == "GPUh"
    roots = {row[0]: row[3] for row in warm["rows"]}
    # pint's root unit of mass is the gram: 1 kWh = 3.6e6 kg m2/s2 = 3.6e9 g m2/s2
    assert roots["kWh"] == pytest.approx(3.6e9) and roots["GPU_hour"] == pytest.approx(3600.0)


def test_a_damaged_cache_is_rebuilt_and_gives_the_same_units(tmp_path):
    reference = probe(tmp_path)
    folder = cache_folder_under(tmp_path)
    for pickled in folder.glob("*.pickle"):
        pickled.write_bytes(pickled.read_bytes()[:100])  # a write cut off half-way
    assert probe(tmp_path)["rows"] == reference["rows"]
    assert probe(tmp_path)["rows"] == reference["rows"]  # and the rebuilt cache reads back


def test_processes_filling_the_cache_at_once_all_read_the_same_units(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    racing = [subprocess.Popen([sys.executable, "-P", "-c", PROBE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env) for _ in range(4)]
    results = [process.communicate() + (process.returncode,) for process in racing]
    assert all(code == 0 and err == "" for _out, err, code in results), results
    assert len({out for out, _err, _code in results}) == 1
    cache_folder_under(tmp_path)  # one cache, no staging folder left behind
    assert json.loads(results[0][0])["rows"] == probe(tmp_path)["rows"]


def test_registries_in_one_process_agree_with_and_without_cache(tmp_path):
    cold, warm, fresh = make_registry(tmp_path / "c"), make_registry(tmp_path / "c"), make_registry(None)
    for registry in (cold, warm, fresh):
        assert registry.Quantity(3, "GPU_hour").to("GPU * s").magnitude == pytest.approx(10800.0)
        assert dict(registry.Quantity(1, "kg * CO2_eq").to_root_units().dimensionality) == \
            {"[mass]": 1, "[climate_change_equivalent]": 1}
    assert warm.cache_folder == tmp_path / "c" and fresh.cache_folder is None


def test_cache_folder_changes_with_pint_version_and_definitions(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    now = cache_folder()
    assert now.parent == tmp_path / "lca" and now == cache_folder()
    assert cache_folder(pint_version="0.0.1") != now
    assert cache_folder(definitions=("CTUh = [comparative_toxic_unit_human]",)) != now
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder().parent == tmp_path / "home" / ".cache" / "lca"


def cache_folder_under(home):
    folders = list((home / "lca").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("units-")  # no staging folder left behind
    return folders[0]
