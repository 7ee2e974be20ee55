"""``python -m lca.cli``: the same as the ``lca`` command."""

import sys

from . import main

sys.exit(main())
