"""Snapshot sources: reading API snapshot files of the canonical layout, with bad files quarantined rather than
lost, and the loader every snapshot source shares (each table replaced whole, from the rows its reader returns)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from contextlib import contextmanager
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
        """One row, checked against the table's columns (a value of the wrong type raises inside the reader's
        error boundary, which quarantines the file it came from)."""
        self.rows.setdefault(table, []).append(lake.TABLES[table].conform(row))


# What a wrong shape raises while one file is turned into rows (a list where an object belongs, a version that is
# not a number, an epoch out of range): that file's fault, not the run's.
SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError, RecursionError)


def as_list(v) -> list:
    """``v`` when it is a JSON list; a TypeError (inside an error boundary: the file is quarantined) otherwise."""
    if not isinstance(v, list):
        raise TypeError(f"expected a JSON list, found {type(v).__name__}")
    return v


def as_dict(v) -> dict:
    """``v`` when it is a JSON object; a TypeError (inside an error boundary: the file is quarantined) otherwise."""
    if not isinstance(v, dict):
        raise TypeError(f"expected a JSON object, found {type(v).__name__}")
    return v


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


class SnapshotReader:
    def __init__(self, source: str, root: Path, run_id: str):
        self.root = Path(root)
        self.result = SnapshotRead(source)
        self.run_id = run_id

    def read_json(self, path: Path, expect: type = dict):
        """Parse one response file; every file read is listed as an input. A file that cannot be read, is not JSON
        (NaN and Infinity are not), or whose top level is not ``expect`` is quarantined and None returned."""
        key = self.key(path)
        entry = {"key": key, "sha256": "", "size_bytes": 0, "records": None, "status": "quarantined"}
        self.result.inputs.append(entry)
        if not path.is_file():
            self.quarantine(key, "not_a_file", "not a regular file (a folder, a dangling link or a device)")
            return None
        try:
            raw = path.read_bytes()
            entry.update(sha256=sha256_file(path), size_bytes=len(raw))
        except OSError as e:
            self.quarantine(key, "unreadable_object", f"cannot read the file: {e.strerror}")
            return None
        try:
            body = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            detail = str(e).splitlines()[0] if str(e) else type(e).__name__
            self.quarantine(key, "malformed_json", f"not valid JSON: {detail}"[:300], _head(path))
            return None
        if not isinstance(body, expect):
            self.quarantine(key, "unexpected_shape",
                            f"the response is a JSON {type(body).__name__}, not a JSON {expect.__name__}", _head(path))
            return None
        entry["status"] = "loaded"
        return body

    @contextmanager
    def each(self, path: Path):
        """The error boundary of one input file: rows added inside it stay only if the block completes; on a wrong
        shape they are dropped and the file is quarantined as ``unexpected_shape``, naming what was wrong."""
        mark = {t: len(r) for t, r in self.result.rows.items()}
        try:
            yield
        except SHAPE_ERRORS as e:
            for t, rows in self.result.rows.items():
                del rows[mark.get(t, 0):]
            key = self.key(path)
            for entry in self.result.inputs:  # the file, or every file of a folder
                if entry["key"] == key or entry["key"].startswith(key + "/"):
                    entry["status"] = "quarantined"
            if not any(q["object_key"] == key and q["record_index"] is None for q in self.result.quarantine):
                self.quarantine(key, "unexpected_shape", f"{type(e).__name__}: {e}"[:300], _head(path))

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
    """ISO 8601 strings (as written from boto3 datetimes) or epoch seconds/ms -> naive UTC. None for anything that
    is not a time a datetime can hold (junk text, another type, NaN, an epoch out of range)."""
    if v is None or v == "" or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        try:
            secs = v / 1000 if v > 1e11 else v
            return datetime.fromtimestamp(secs, timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError):
            return None
    if not isinstance(v, str):
        return None
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
        return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt
    except (ValueError, OverflowError):
        return None


def _head(path: Path, n: int = 300) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(n).decode("utf-8", "replace")
    except OSError:
        return ""


def account_for_unread(read: SnapshotRead, root: Path, folders: list[Path], run_id: str) -> None:
    """Every entry below the source's own folders that the reader did not read is quarantined as
    ``unexpected_file`` and listed as an input: nothing under a source is silently invisible."""
    seen = {i["key"] for i in read.inputs}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            key = str(p.relative_to(root))
            if key in seen or (p.is_dir() and not p.is_symlink()) or p.name.endswith(".staging"):
                continue
            read.inputs.append({"key": key, "sha256": "", "size_bytes": 0, "records": None, "status": "quarantined"})
            read.quarantine.append(quarantine_row(read.source, key, "unexpected_file",
                                                  "not a response of the layout this source reads: not loaded", run_id))


class SnapshotLoader(ABC):
    """The loader of a snapshot source: :meth:`read` turns the canonical layout into rows; each of the source's
    tables is then replaced (a snapshot table whole, an event table's files of the period)."""

    source = ""
    service = ""  # the service folder of the canonical layout this source owns (<account>/<region>/<service>/)

    @abstractmethod
    def read(self, root: Path, run_id: str) -> SnapshotRead:
        """Every row of the source's tables, every input file, and what had to be quarantined."""

    def already_loaded(self, ctx: LoadContext) -> dict[str, str]:
        """A snapshot is re-read whole each run: nothing to skip."""
        return {}

    def own_folders(self, root: Path) -> list[Path]:
        """The folders below ``root`` that hold only this source's evidence: ``<account>/<region>/<service>/``.
        (Several sources may share one root, each with its own service folder.)"""
        return [d for d in sorted(Path(root).glob(f"*/*/{self.service}")) if d.is_dir() and d.parent.parent.name.isdigit()]

    def derive(self, read: SnapshotRead, ctx: LoadContext) -> None:
        """Rows computed from what was read and from the lake as loaded so far (sources load in registry order),
        added to ``read`` before the tables are written. Most sources have none."""

    def load(self, raw: RawEvidence, ctx: LoadContext) -> LoadResult:
        read = self.read(raw.root, ctx.run_id)
        account_for_unread(read, Path(raw.root), self.own_folders(raw.root), ctx.run_id)
        self.derive(read, ctx)
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
