"""lca.load.tables: unknown keys in a study file are reported with the item they belong to."""

from __future__ import annotations

import pytest
from studies import HEAD, PROCESS_A

import lca


def test_unknown_key_is_reported(study):
    with pytest.raises(lca.FileFormatError, match=r"processes\.a: unknown key\(s\) 'stagee'"):
        lca.load_study(study(HEAD + PROCESS_A + 'stagee = "use"\n'))
