"""pyarrow without the pandas import it makes only to ask a question the lake never needs answered.

At its first ``pa.array()`` of a Python list, pyarrow asks whether pandas is installed (to tell a pandas Series from
a list), and imports pandas, and with it numpy's and pandas' extension modules, to know: 0.26 s on this project's
machine, in every process that writes Parquet (the run, and each loader worker), more than a worker spends parsing a
small chunk. Nothing the lake writes is a pandas object, so :func:`answer_without_pandas` lets that first probe find
no pandas. pyarrow keeps the answer for its "is this a pandas object?" test only: a conversion that needs pandas
(``Table.to_pandas()``, a DataFrame handed to ``pa.table``) imports it then, as pyarrow tries again when it must.
When pandas is already imported (a notebook, a caller's script) nothing is changed.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading

import pyarrow as pa

_lock = threading.Lock()
_done = False


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            raise ImportError("pandas is not imported for pyarrow's probe (auditreport.lake.arrow_probe)")
        return None


def answer_without_pandas() -> None:
    """Make pyarrow's pandas probe now, with pandas out of reach; once per process, before the first ``pa.array``."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        _done = True
        if "pandas" in sys.modules:
            return
        finder = _NoPandas()
        sys.meta_path.insert(0, finder)
        try:
            pa.array([None])  # asks both probes: the Cython one (is it a pandas object?) and the C++ one (is it NA?)
        finally:
            sys.meta_path.remove(finder)
