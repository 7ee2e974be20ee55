"""An ecospold2 child dataset (``childActivityDataset``) is never imported silently: the report
names it as unsupported (lca does not apply inheritance from the parent)."""

from __future__ import annotations

from ecospold_helpers import activities, dataset, elementary, intermediate, write_folder

from lca.load.ecospold import read_ecospold


def test_a_child_dataset_is_reported_as_unsupported(tmp_path):
    files = activities()
    files["child.spold"] = dataset("act-child", "electricity production, hard coal, variant", "DE", [
        intermediate("p-elec-de", "electricity, medium voltage, DE", 1, "kWh", 0, output=True),
        elementary("e-co2", "Carbon dioxide, fossil", 1.1, "kg", "air", cas="124-38-9"),
    ], child=True)
    library = read_ecospold(write_folder(tmp_path / "db", files))
    child = [item for item in library.report if "child dataset" in item]
    assert len(child) == 1
    assert child[0].startswith("child.spold: activity 'electricity production, hard coal, variant': UNSUPPORTED "
                               "child dataset of parent (not named) (not in this import)")
    assert "not those it inherits from its parent" in child[0]
    # the datasets that are not children are imported as before, with no such line
    plain = read_ecospold(write_folder(tmp_path / "plain"))
    assert not any("child dataset" in item for item in plain.report)
