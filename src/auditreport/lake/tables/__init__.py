"""Every lake table, declared once: one module per source, each with a ``TABLES`` list.

Adding a source adds one module here; :data:`auditreport.lake.TABLES` finds it.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..schema import Table


def declared_tables() -> dict[str, Table]:
    """Table name -> Table, bookkeeping first, then the source modules in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    names.sort(key=lambda n: n != "bookkeeping")
    out: dict[str, Table] = {}
    for name in names:
        for t in importlib.import_module(f"{__name__}.{name}").TABLES:
            if t.name in out:
                raise ValueError(f"lake table {t.name} is declared twice (lake/tables/{name}.py)")
            out[t.name] = t
    return out
