"""``evidence/<check_id>.csv``: every row of every check that returned rows, in report order."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..results import RunResult
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


def write_evidence(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """Write one CSV per check with rows; return check id -> path.

    CSVs left in ``evidence/`` by an earlier run of the same output directory for checks that have no rows now are
    removed, so the directory never shows evidence this report does not describe.
    """
    evidence_dir = out_dir / "evidence"
    evidence_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for cr in result.checks:
        if not cr.rows:
            continue
        path = evidence_dir / evidence_filename(cr.check.id)
        atomic_write_text(path, evidence_csv(ordered_rows(cr), columns_of(cr)))
        written[cr.check.id] = path
    keep = {p.name for p in written.values()}
    for stale in evidence_dir.glob("*.csv"):
        if stale.name not in keep:
            stale.unlink()
    return written
