"""``lca import`` of ecospold2 datasets from the command line: the hand-built set imports, runs to
its hand-computed score and prints its report; every malformed variant (not XML, a DTD or entity
attack, a missing amount, an unknown unit, an activityLinkId pointing nowhere) is one message,
exit status 2, with nothing written."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import run_cli as run
from ecospold_helpers import GWP, activities, dataset, intermediate, write_folder


def test_folder_imports_and_runs(capsys, tmp_path):
    out = tmp_path / "imported"
    status, stdout, err = run(capsys, "import", str(write_folder(tmp_path / "db")), "--out", str(out),
                              "--product", "server use")
    assert status == 0, err
    assert stdout.startswith(f"wrote {out}: 3 activities, 2 flows mapped to lca's, 1 flow kept, 1 scenario "
                             "(server_use.toml)")
    assert "exchange 'ash': by-product (outputGroup 2) dropped" in stdout  # the report is printed
    status, stdout, err = run(capsys, "run", str(out / "server_use.toml"), "--format", "json")
    assert status == 0, err
    assert json.loads(stdout)["impacts"]["climate_change"]["value"] == pytest.approx(GWP, rel=1e-12)


def _spold(text: str) -> dict[str, str]:
    files = activities()
    files["power.spold"] = text
    return files


POWER = activities()["power.spold"]
BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  '<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02">&lol2;</ecoSpold>')
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + POWER.split("\n", 1)[1].replace("Hard coal power plant", "&x;"))
MALFORMED = {
    "not XML": (_spold("this is not <xml"), "power.spold: not XML"),
    "entity expansion": (_spold(BILLION_LAUGHS), "power.spold: has a DTD (<!DOCTYPE>); lca import refuses DTDs"),
    "external entity": (_spold(EXTERNAL), "power.spold: has a DTD (<!DOCTYPE>); lca import refuses DTDs"),
    "missing amount": (_spold(POWER.replace(' amount="0.4"', "")),
                       "power.spold: activity 'electricity production, hard coal': intermediateExchange 'hard coal':"
                       " no 'amount'"),
    "unknown unit": (_spold(POWER.replace("<unitName xml:lang=\"en\">kg</unitName>", "<unitName>zorkmid</unitName>")),
                     "1 unit(s) neither pint nor lca's ecospold names read: 'zorkmid' (first in"),
    "link to nowhere": (_spold(POWER.replace('activityLinkId="act-mine"', 'activityLinkId="act-gone"')),
                        "exchange 'hard coal': activityLinkId act-gone points to no activity of"),
}


@pytest.mark.parametrize("problem", sorted(MALFORMED))
def test_malformed_input_is_exit_2_and_writes_nothing(capsys, tmp_path, problem):
    files, message = MALFORMED[problem]
    folder = write_folder(tmp_path / "db", files)
    status, out, err = run(capsys, "import", str(folder), "--out", str(tmp_path / "imported"))
    assert status == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert "root:" not in err  # the external entity was never read
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_a_second_reference_product_and_options_for_json_ld_are_errors(capsys, tmp_path):
    two = dataset("a", "two products", "GLO", [intermediate("p1", "x", 1, "kg", 0, output=True),
                                               intermediate("p2", "y", 1, "kg", 0, output=True)])
    folder = write_folder(tmp_path / "db", {"two.spold": two})
    status, _out, err = run(capsys, "import", str(folder), "--out", str(tmp_path / "imported"))
    assert status == 2 and "activity 'two products': 2 reference products" in err
    (tmp_path / "x.zip").write_bytes(b"PK no")
    status, _out, err = run(capsys, "import", str(tmp_path / "x.zip"), "--out", str(tmp_path / "i"),
                            "--product", "x")
    assert status == 2 and err == f"error: --product: only for ecospold2 input; {tmp_path / 'x.zip'} is not " \
                                  ".spold datasets\n"


def test_missing_lxml_is_one_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "lxml", None)
    status, _out, err = run(capsys, "import", str(write_folder(tmp_path / "db")), "--out", str(tmp_path / "i"))
    assert status == 2 and 'needs lxml (not installed); install the extra: pip install "lca[ecospold]"' in err
    assert not (tmp_path / "i").exists()
