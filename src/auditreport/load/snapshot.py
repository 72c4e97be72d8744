"""Snapshot sources: reading API snapshot files of the canonical layout, with bad files quarantined rather than
lost, and the loader every snapshot source shares (each table replaced whole, from the rows its reader returns)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import lake
from ..errors import SourceError
from ..lake.writer import quarantine_row, write_quarantine, write_table_rows
from ..period import Period
from ..raw import CAPTURE_FILE, RawEvidence, operation_files, sha256_file
from ..results import InputFile
from .base import Coverage, LoadContext, LoadResult, quarantine_rows, table_count


@dataclass
class SnapshotRead:
    """What a snapshot loader read: rows per table, every input file, and what had to be quarantined."""

    source: str
    rows: dict[str, list[dict]] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)  # key, sha256, size_bytes, records, status
    quarantine: list[dict] = field(default_factory=list)
    captured_at: datetime | None = None

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)


class SnapshotReader:
    def __init__(self, source: str, root: Path, run_id: str):
        self.root = Path(root)
        self.result = SnapshotRead(source)
        self.run_id = run_id

    def read_json(self, path: Path):
        """Parse one response file. A file that is not valid JSON is quarantined and None returned."""
        key = str(path.relative_to(self.root))
        try:
            raw = path.read_bytes()
            body = json.loads(raw)
            status = "loaded"
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            body, status = None, "quarantined"
            self.quarantine(key, "malformed_json", f"not valid JSON: {e}", _head(path))
        self.result.inputs.append(
            {"key": key, "sha256": sha256_file(path), "size_bytes": path.stat().st_size, "records": None, "status": status}
        )
        return body

    def quarantine(self, key: str, reason: str, detail: str, excerpt: str | None = None, index: int | None = None):
        self.result.quarantine.append(quarantine_row(self.result.source, key, reason, detail, self.run_id,
                                                     record_index=index, excerpt=excerpt))

    def operation_files(self, service: str, operation: str):
        """Yield (account, region, id or None, path) for every file of one operation, in a stable order."""
        yield from operation_files(self.root, service, operation)

    def captured_at(self) -> datetime | None:
        f = self.root / CAPTURE_FILE
        if f.is_file():
            body = self.read_json(f)
            if isinstance(body, dict) and body.get("captured_at"):
                self.result.captured_at = parse_time(body["captured_at"])
        return self.result.captured_at

    def key(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def error_code(body) -> str | None:
    """The code of an ``{"Error": {"Code": ...}}`` body (a resource that does not exist, a setting not configured)."""
    return body.get("Error", {}).get("Code") if isinstance(body, dict) and isinstance(body.get("Error"), dict) else None


def parse_time(v) -> datetime | None:
    """ISO 8601 strings (as written from boto3 datetimes) or epoch seconds/ms -> naive UTC."""
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        secs = v / 1000 if v > 1e11 else v
        return datetime.fromtimestamp(secs, timezone.utc).replace(tzinfo=None)
    try:
        dt = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt


def _head(path: Path, n: int = 300) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(n).decode("utf-8", "replace")
    except OSError:
        return ""


class SnapshotLoader(ABC):
    """The loader of a snapshot source: :meth:`read` turns the canonical layout into rows; each of the source's
    tables is then replaced (a snapshot table whole, an event table's files of the period)."""

    source = ""

    @abstractmethod
    def read(self, root: Path, run_id: str) -> SnapshotRead:
        """Every row of the source's tables, every input file, and what had to be quarantined."""

    def already_loaded(self, ctx: LoadContext) -> dict[str, str]:
        """A snapshot is re-read whole each run: nothing to skip."""
        return {}

    def load(self, raw: RawEvidence, ctx: LoadContext) -> LoadResult:
        read = self.read(raw.root, ctx.run_id)
        for table in lake.tables_of(self.source):
            write_table_rows(ctx.con, ctx.lake_root, table, read.rows.get(table, []), ctx.period.label)
        write_quarantine(ctx.con, ctx.lake_root, f"snapshot-{self.source}", read.quarantine)
        quarantined = sum(1 for i in read.inputs if i["status"] == "quarantined")
        result = LoadResult(
            source=self.source, inputs=[InputFile(source=self.source, **i) for i in read.inputs],
            objects_read=len(read.inputs), objects_loaded=len(read.inputs) - quarantined,
            objects_quarantined=quarantined, records_quarantined=len(read.quarantine) - quarantined,
            captured_at=read.captured_at,
        )  # fmt: skip
        if not read.inputs:
            raise SourceError(self.source, f"{raw.location}: no evidence files found in the expected layout")
        return result

    def coverage(self, con, period: Period, loaded: LoadResult) -> Coverage:
        """A snapshot covers one instant, when it was captured; it holds every row of the source's tables."""
        return Coverage(
            records_loaded=sum(table_count(con, t) for t in lake.tables_of(self.source)),
            time_min=loaded.captured_at, time_max=loaded.captured_at,
            quarantine=quarantine_rows(con, "source = $s", {"s": self.source}),
        )
