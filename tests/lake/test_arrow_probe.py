"""answer_without_pandas: pyarrow writes the lake's columns without importing pandas, and a conversion that needs
pandas still gets it. In a fresh interpreter each, since a process answers pyarrow's probe once."""

from __future__ import annotations

import subprocess
import sys

PROLOGUE = """
import sys, datetime
import pyarrow as pa, pyarrow.compute as pc
from auditreport.lake.arrow_probe import answer_without_pandas
"""
COLUMNS = """
pa.table({"t": [datetime.datetime(2026, 10, 1), None], "s": ["a", None], "n": [1, None], "b": [True, None]})
pc.equal(pa.array(["AssumedRole", None]), "AssumedRole")
pa.scalar(1.5)
"""


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", PROLOGUE + code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_lakes_arrow_work_imports_no_pandas_after_the_answer():
    assert run("answer_without_pandas()" + COLUMNS + "print('pandas' in sys.modules)") == "False"


def test_without_the_answer_pyarrow_imports_pandas():  # what the answer saves (if pandas is installed at all)
    out = run("import importlib.util" + COLUMNS
              + "print('pandas' in sys.modules, importlib.util.find_spec('pandas') is not None)")
    assert out in ("True True", "False False")


def test_a_conversion_to_pandas_still_imports_it():
    code = "answer_without_pandas()" + COLUMNS + """
try:
    import pandas
except ImportError:
    print("no pandas installed")
else:
    df = pa.table({"a": [1, 2]}).to_pandas()
    print(type(df).__name__, list(df["a"]), pa.array(pandas.Series(["x"], dtype="category")).type)
"""
    assert run(code) in ("DataFrame [1, 2] dictionary<values=string, indices=int8, ordered=0>",
                         "DataFrame [1, 2] dictionary<values=large_string, indices=int8, ordered=0>",
                         "no pandas installed")


def test_pandas_imported_already_is_left_alone():
    code = """
try:
    import pandas
except ImportError:
    print("True")
else:
    answer_without_pandas()
    print(pa.array(pandas.Series(["x"], dtype="category")).type.id == pa.dictionary(pa.int8(), pa.string()).id)
"""
    assert run(code) == "True"
