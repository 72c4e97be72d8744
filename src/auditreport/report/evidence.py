"""``evidence/<check_id>.csv`` and ``evidence/<check_id>.parquet``: every row of every check that returned rows, in
report order (row n of either file is row #n of the report). The CSV is for people and spreadsheets; the Parquet keeps
the column types (timestamps, numbers, lists) for whoever analyses the evidence with an engine. A column whose values
Arrow cannot hold in one type is written as the CSV's text, so no value is ever dropped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..results import RunResult
from ..raw import staged
from ._io import atomic_write_text
from .order import columns_of, evidence_filename, ordered_rows
from .values import csv_text


def evidence_csv(result_rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in result_rows:
        writer.writerow([csv_text(row.get(c)) for c in columns])
    return buf.getvalue()


def evidence_table(rows: list[dict], columns: list[str]) -> pa.Table:
    """The rows as an Arrow table, column by column: Arrow's own type where the values share one, else text."""
    arrays = []
    for c in columns:
        values = [row.get(c) for row in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError, OverflowError):
            arrays.append(pa.array([csv_text(v) if v is not None else None for v in values], pa.string()))
    return pa.Table.from_arrays(arrays, names=columns)


def write_evidence(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """Write one CSV and one Parquet file per check with rows; return check id -> CSV path and
    ``parquet:<check id>`` -> Parquet path.

    Files left in ``evidence/`` by an earlier run of the same output directory for checks that have no rows now are
    removed, so the directory never shows evidence this report does not describe.
    """
    evidence_dir = out_dir / "evidence"
    evidence_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for cr in result.checks:
        if not cr.rows:
            continue
        rows, columns = ordered_rows(cr), columns_of(cr)
        path = evidence_dir / evidence_filename(cr.check.id)
        atomic_write_text(path, evidence_csv(rows, columns))
        written[cr.check.id] = path
        parquet = path.with_suffix(".parquet")
        with staged(parquet) as tmp:
            pq.write_table(evidence_table(rows, columns), tmp, compression="zstd")
        written[f"parquet:{cr.check.id}"] = parquet
    keep = {p.name for p in written.values()}
    for stale in [*evidence_dir.glob("*.csv"), *evidence_dir.glob("*.parquet")]:
        if stale.name not in keep:
            stale.unlink()
    return written
