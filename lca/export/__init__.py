"""Exports of a compiled study to other LCA tools (serialization layer).

:mod:`lca.export.brightway` writes a Brightway 2.5 project (bw2data) or a bw_processing
datapackage; both need the optional ``brightway`` extra. :mod:`lca.export.olca` writes an
openLCA JSON-LD zip (the ``olca`` extra); :mod:`lca.export.common` has what both need.

>>> from lca.export.brightway import FUNCTIONAL_UNIT
>>> FUNCTIONAL_UNIT
'functional_unit'
"""
