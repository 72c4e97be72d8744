"""Retention of an output folder kept from run to run: raw CloudTrail objects older than ``[retention] raw_days``
and lake months older than ``[retention] lake_months`` are deleted, never anything the period being reported needs.

What is kept, whatever the settings:

- raw: the CloudTrail day folders of the period and its margin day on each side (the extractors list them);
- lake: the months of the period and the month before it (its margin day, and the previous month a check such as
  ``ml_role_unused_sensitive_permissions`` looks back into as far as the lake holds).

Only what auditreport itself wrote under ``OUT/`` is touched: ``OUT/raw/cloudtrail/`` (a ``files`` source's folder is
read in place and never deleted) and the ``year=/month=`` partitions of the lake's event tables. The exactly-once
record of loaded CloudTrail objects (``ingest_objects``) is kept, so a deleted month is not downloaded again.
Every deletion is returned as one entry (what, path, files, bytes) and listed in the run's manifest.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .period import Period

_DAY_GLOBS = ("AWSLogs/*/CloudTrail*/*/[0-9]*/[0-9]*/[0-9]*", "AWSLogs/*/*/CloudTrail*/*/[0-9]*/[0-9]*/[0-9]*")
_PARTITION = re.compile(r"year=([0-9]+)/month=([0-9]+)")


def apply_retention(retention, period: Period, out_dir: Path, partitioned_tables: list[str],
                    today: date | None = None) -> list[dict]:
    """Delete what ``retention`` (``raw_days``, ``lake_months``; None keeps everything) lets go; the deletions."""
    today = today or datetime.now(timezone.utc).date()
    deleted: list[dict] = []
    if retention.raw_days is not None:
        keep_from = min(today - timedelta(days=retention.raw_days), period.start.date() - timedelta(days=1))
        deleted += _raw_days(Path(out_dir) / "raw" / "cloudtrail", keep_from)
    if retention.lake_months is not None:
        now_index = today.year * 12 + today.month - 1
        first_index = period.year * 12 + period.month - 1
        keep_index = min(now_index - retention.lake_months + 1, first_index - 1)
        deleted += _lake_months(Path(out_dir) / "lake", partitioned_tables, keep_index)
    return deleted


def _raw_days(root: Path, keep_from: date) -> list[dict]:
    """Every CloudTrail day folder (``.../<region>/YYYY/MM/DD``) below ``root`` older than ``keep_from``."""
    out = []
    if not root.is_dir():
        return out
    for pattern in _DAY_GLOBS:
        for day_dir in sorted(root.glob(f"**/{pattern}")):
            try:
                day = date(int(day_dir.parent.parent.name), int(day_dir.parent.name), int(day_dir.name))
            except ValueError:
                continue  # not a day folder: left alone
            if day_dir.is_dir() and not day_dir.is_symlink() and day < keep_from:
                out.append(_remove("raw", day_dir, root.parent.parent))
    return out


def _lake_months(lake_root: Path, tables: list[str], keep_index: int) -> list[dict]:
    out = []
    for table in tables:
        folder = lake_root / table
        if not folder.is_dir():
            continue
        for month_dir in sorted(folder.glob("year=*/month=*")):
            m = _PARTITION.search(month_dir.relative_to(folder).as_posix())
            if m and month_dir.is_dir() and int(m.group(1)) * 12 + int(m.group(2)) - 1 < keep_index:
                out.append(_remove("lake", month_dir, lake_root.parent))
                if not any(month_dir.parent.iterdir()):
                    month_dir.parent.rmdir()
    return out


def _remove(what: str, folder: Path, out_dir: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()]
    entry = {"what": what, "path": folder.relative_to(out_dir).as_posix(), "files": len(files),
             "bytes": sum(p.stat().st_size for p in files)}  # fmt: skip
    shutil.rmtree(folder)
    return entry
